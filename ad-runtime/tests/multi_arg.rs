//! Every rule with several float arguments or outputs, in `f64`, against std
//! and finite differences.

mod common;

use ad_runtime::rules;
use common::RTOL_F64;

/// `binary!(name: points...)` tests `rules::name(a, b)` against `a.name(b)`.
macro_rules! binary {
    ($($name:ident: [$($p:expr),+ $(,)?];)*) => {$(
        #[test]
        fn $name() {
            common::binary(
                stringify!($name),
                rules::$name::<f64>,
                f64::$name,
                f64::$name,
                &[$($p),+],
                RTOL_F64,
            );
        }
    )*};
}

binary! {
    // (x, base)
    log: [(0.5, 2.0), (3.0, 10.0), (100.0, 0.5), (7.0, 3.3)];
    // (x, y)
    powf: [(0.5, 2.5), (3.0, -1.2), (1.7, 0.3), (10.0, 3.0), (0.2, 1.5)];
    // (y, x): all four quadrants, away from the branch cut
    atan2: [(1.0, 2.0), (-1.0, 0.5), (0.3, -2.0), (-2.0, -3.0), (1e-3, 1.0)];
    hypot: [(3.0, 4.0), (-1.0, 2.0), (0.5, -0.2), (-7.0, -1.0)];
    max: [(1.0, 2.0), (3.0, -1.0), (-0.5, -0.6), (10.0, 20.0)];
    min: [(1.0, 2.0), (3.0, -1.0), (-0.5, -0.6), (10.0, 20.0)];
    copysign: [(1.5, -2.0), (-1.5, -2.0), (2.0, 3.0), (-3.0, 0.5)];
}

#[test]
fn rem() {
    common::binary(
        "rem",
        rules::rem::<f64>,
        |a, b| a % b,
        |a, b| a % b,
        &[
            (5.3, 2.0),
            (-7.5, 2.2),
            (10.0, -3.3),
            (0.7, 0.25),
            (-1.0, -0.3),
        ],
        RTOL_F64,
    );
}

#[test]
fn mul_add() {
    common::ternary(
        "mul_add",
        rules::mul_add::<f64>,
        f64::mul_add,
        f64::mul_add,
        &[
            (1.0, 2.0, 3.0),
            (-0.5, 4.0, 0.1),
            (3.0, -2.0, -7.0),
            (0.1, 0.2, 0.3),
        ],
        RTOL_F64,
    );
}

#[test]
fn clamp() {
    common::ternary(
        "clamp",
        rules::clamp::<f64>,
        f64::clamp,
        f64::clamp,
        &[
            (0.5, 0.0, 1.0),   // inside
            (0.3, -0.5, 2.0),  // inside
            (-2.0, -1.0, 1.0), // below: lo returned
            (5.0, -1.0, 1.0),  // above: hi returned
        ],
        RTOL_F64,
    );
}

/// Both outputs of `sin_cos`, each checked like a unary rule.
#[test]
fn sin_cos() {
    let points = [-2.0, 0.0, 0.3, 1.2, 5.0];
    common::unary(
        "sin_cos.0",
        |x: f64| {
            let (s, _, ds, _) = rules::sin_cos(x);
            (s, ds)
        },
        |x: f64| x.sin_cos().0,
        f64::sin,
        &points,
        RTOL_F64,
    );
    common::unary(
        "sin_cos.1",
        |x: f64| {
            let (_, c, _, dc) = rules::sin_cos(x);
            (c, dc)
        },
        |x: f64| x.sin_cos().1,
        f64::cos,
        &points,
        RTOL_F64,
    );
}
