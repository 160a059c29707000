//! Every one-argument rule, in `f64`, against std and finite differences.

mod common;

use ad_runtime::rules;
use common::RTOL_F64;

/// `unary!(name: points...)` tests `rules::name` against `f64::name`.
macro_rules! unary {
    ($($name:ident: [$($x:expr),+ $(,)?];)*) => {$(
        #[test]
        fn $name() {
            common::unary(
                stringify!($name),
                rules::$name::<f64>,
                f64::$name,
                f64::$name,
                &[$($x),+],
                RTOL_F64,
            );
        }
    )*};
}

unary! {
    abs: [-2.5, -0.3, 0.7, 4.0];
    signum: [-2.0, -0.5, 0.5, 3.0];
    sqrt: [0.01, 0.5, 2.0, 100.0, 1e6];
    cbrt: [-8.0, -0.3, 0.2, 27.0, 1e5];
    exp: [-3.0, -0.1, 0.5, 2.5, 10.0];
    exp2: [-3.0, -0.1, 0.5, 2.5, 10.0];
    exp_m1: [-3.0, -1e-3, 0.0, 0.5, 2.5];
    ln: [0.01, 0.5, 3.0, 1000.0];
    log2: [0.01, 0.5, 3.0, 1000.0];
    log10: [0.01, 0.5, 3.0, 1000.0];
    ln_1p: [-0.5, -1e-3, 0.0, 0.2, 3.0, 50.0];
    sin: [-2.0, 0.0, 0.3, 1.2, 5.0];
    cos: [-2.0, 0.3, 1.2, 5.0];
    tan: [-1.0, 0.0, 0.3, 1.2, 4.0];
    asin: [-0.9, -0.2, 0.0, 0.4, 0.9];
    acos: [-0.9, -0.2, 0.0, 0.4, 0.9];
    atan: [-10.0, -0.5, 0.0, 0.3, 4.0];
    sinh: [-3.0, -0.4, 0.0, 0.8, 2.5];
    cosh: [-3.0, -0.4, 0.8, 2.5];
    tanh: [-3.0, -0.4, 0.0, 0.8, 1.3, 2.5, 8.0];
    asinh: [-5.0, -0.3, 0.0, 0.6, 100.0];
    acosh: [1.1, 2.0, 10.0, 1000.0];
    atanh: [-0.9, -0.2, 0.0, 0.3, 0.8];
    recip: [-4.0, -0.5, 0.25, 10.0];
    to_degrees: [-3.0, 0.0, 0.5, 2.0, 100.0];
    to_radians: [-3.0, 0.0, 0.5, 2.0, 100.0];
    floor: [-2.3, -0.7, 0.4, 3.6];
    ceil: [-2.3, -0.7, 0.4, 3.6];
    round: [-2.3, -0.7, 0.4, 3.6];
    trunc: [-2.3, -0.7, 0.4, 3.6];
    fract: [-2.3, -0.7, 0.4, 3.6];
}

/// `powi` for several exponents, negative, zero and positive.
#[test]
fn powi() {
    for n in [-3, -1, 0, 1, 2, 5] {
        common::unary(
            &format!("powi(_, {n})"),
            |x: f64| rules::powi(x, n),
            |x: f64| x.powi(n),
            |x: f64| x.powi(n),
            &[-1.5, -0.4, 0.7, 2.0],
            RTOL_F64,
        );
    }
}
