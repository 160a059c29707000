//! A selection of rules instantiated at `f32`: values must equal the `f32`
//! std methods bit for bit, partials must match a finite difference of the
//! `f64` function at the same point to `f32`-appropriate accuracy.

mod common;

use ad_runtime::rules;
use common::RTOL_F32;

macro_rules! unary_f32 {
    ($($name:ident: [$($x:expr),+ $(,)?];)*) => {$(
        #[test]
        fn $name() {
            common::unary(
                concat!(stringify!($name), "::<f32>"),
                rules::$name::<f32>,
                f32::$name,
                f64::$name,
                &[$($x),+],
                RTOL_F32,
            );
        }
    )*};
}

macro_rules! binary_f32 {
    ($($name:ident: [$($p:expr),+ $(,)?];)*) => {$(
        #[test]
        fn $name() {
            common::binary(
                concat!(stringify!($name), "::<f32>"),
                rules::$name::<f32>,
                f32::$name,
                f64::$name,
                &[$($p),+],
                RTOL_F32,
            );
        }
    )*};
}

unary_f32! {
    sqrt: [0.01, 0.5, 2.0, 100.0];
    exp: [-3.0, -0.1, 0.5, 2.5];
    ln: [0.01, 0.5, 3.0, 1000.0];
    sin: [-2.0, 0.3, 1.2, 5.0];
    tanh: [-3.0, -0.4, 0.8, 2.5];
    atan: [-10.0, -0.5, 0.3, 4.0];
    acosh: [1.1, 2.0, 10.0, 1000.0];
    to_degrees: [-3.0, 0.5, 2.0, 100.0];
}

binary_f32! {
    powf: [(0.5, 2.5), (3.0, -1.2), (1.7, 0.3), (10.0, 3.0)];
    atan2: [(1.0, 2.0), (-1.0, 0.5), (0.3, -2.0), (-2.0, -3.0)];
    hypot: [(3.0, 4.0), (-1.0, 2.0), (0.5, -0.2), (-7.0, -1.0)];
    max: [(1.0, 2.0), (3.0, -1.0), (-0.5, -0.6), (10.0, 20.0)];
}

#[test]
fn powi() {
    for n in [-2, 0, 3] {
        common::unary(
            &format!("powi::<f32>(_, {n})"),
            |x: f32| rules::powi(x, n),
            |x: f32| x.powi(n),
            |x: f64| x.powi(n),
            &[-1.5, -0.4, 0.7, 2.0],
            RTOL_F32,
        );
    }
}

#[test]
fn rem() {
    common::binary(
        "rem::<f32>",
        rules::rem::<f32>,
        |a, b| a % b,
        |a, b| a % b,
        &[(5.3, 2.0), (-7.5, 2.2), (10.0, -3.3), (0.7, 0.25)],
        RTOL_F32,
    );
}

#[test]
fn mul_add() {
    common::ternary(
        "mul_add::<f32>",
        rules::mul_add::<f32>,
        f32::mul_add,
        f64::mul_add,
        &[
            (1.0, 2.0, 3.0),
            (-0.5, 4.0, 0.1),
            (3.0, -2.0, -7.0),
            (0.1, 0.2, 0.3),
        ],
        RTOL_F32,
    );
}

#[test]
fn clamp() {
    common::ternary(
        "clamp::<f32>",
        rules::clamp::<f32>,
        f32::clamp,
        f64::clamp,
        &[
            (0.5, 0.0, 1.0),
            (0.3, -0.5, 2.0),
            (-2.0, -1.0, 1.0),
            (5.0, -1.0, 1.0),
        ],
        RTOL_F32,
    );
}
