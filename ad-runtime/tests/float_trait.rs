//! The `Float` trait: constants, conversions, operator bounds, and that every
//! method forwards to the std method of the same name (bit-identical).

use ad_runtime::Float;

/// A generic function using the operator bounds and constants.
fn generic<T: Float>(x: T) -> T {
    let mut acc = T::ZERO;
    acc += x * T::TWO;
    acc -= T::ONE;
    acc *= x;
    acc /= T::TWO;
    let y = -acc % T::from_i32(3);
    if y < T::ZERO {
        y.abs() + T::HALF
    } else {
        y
    }
}

#[test]
fn generic_code_runs_at_both_precisions() {
    let reference = |x: f64| {
        let y = -((x * 2.0 - 1.0) * x / 2.0) % 3.0;
        if y < 0.0 {
            y.abs() + 0.5
        } else {
            y
        }
    };
    for x in [-4.0, -0.5, 0.0, 1.25, 3.0] {
        assert_eq!(generic(x), reference(x), "f64 at {x}");
        assert_eq!(generic(x as f32), reference(x) as f32, "f32 at {x}");
    }
    assert_eq!(f64::default(), <f64 as Float>::ZERO);
}

/// Compares `<$t as Float>::m(x)` with the inherent `<$t>::m(x)` for each `m`.
macro_rules! check_unary {
    ($t:ty, $x:expr; $($m:ident),* $(,)?) => {$(
        same(
            &format!("{}({:?})", stringify!($m), $x),
            <$t as Float>::$m($x),
            <$t>::$m($x),
        );
    )*};
}

/// Compares `<$t as Float>::m(a, b)` with the inherent `<$t>::m(a, b)`.
macro_rules! check_binary {
    ($t:ty, $a:expr, $b:expr; $($m:ident),* $(,)?) => {$(
        same(
            &format!("{}({:?}, {:?})", stringify!($m), $a, $b),
            <$t as Float>::$m($a, $b),
            <$t>::$m($a, $b),
        );
    )*};
}

macro_rules! float_tests {
    ($module:ident, $t:ident) => {
        mod $module {
            use ad_runtime::Float;

            const XS: [$t; 9] = [-7.25, -2.5, -0.5, -0.0, 0.0, 0.3, 1.0, 2.0, $t::NAN];

            #[track_caller]
            fn same(what: &str, got: $t, want: $t) {
                assert!(
                    got.to_bits() == want.to_bits(),
                    "{what}: Float gives {got:?}, std gives {want:?}"
                );
            }

            #[test]
            fn constants() {
                assert_eq!(<$t as Float>::ZERO, 0.0);
                assert_eq!(<$t as Float>::ONE, 1.0);
                assert_eq!(<$t as Float>::HALF, 0.5);
                assert_eq!(<$t as Float>::TWO, 2.0);
                assert_eq!(<$t as Float>::LN_2, core::$t::consts::LN_2);
                assert_eq!(<$t as Float>::LN_10, core::$t::consts::LN_10);
                assert_eq!(<$t as Float>::PI, core::$t::consts::PI);
                assert!(<$t as Float>::NAN.is_nan());
                assert_eq!(<$t as Float>::INFINITY, $t::INFINITY);
            }

            #[test]
            fn conversions() {
                for v in [0.1_f64, -3.75, 1e10, f64::INFINITY] {
                    same("from_f64", <$t as Float>::from_f64(v), v as $t);
                    assert_eq!(Float::to_f64(v as $t), (v as $t) as f64);
                }
                for n in [0, -7, 1 << 20, i32::MAX, i32::MIN] {
                    same("from_i32", <$t as Float>::from_i32(n), n as $t);
                }
            }

            #[test]
            fn unary_methods_forward_to_std() {
                for x in XS {
                    check_unary!($t, x;
                        abs, signum, sqrt, cbrt, exp, exp2, exp_m1, ln, log2, log10, ln_1p,
                        sin, cos, tan, asin, acos, atan, sinh, cosh, tanh, asinh, acosh,
                        atanh, recip, to_degrees, to_radians, floor, ceil, round, trunc,
                        fract
                    );
                    let (s, c) = <$t as Float>::sin_cos(x);
                    let (ss, cc) = <$t>::sin_cos(x);
                    same("sin_cos.0", s, ss);
                    same("sin_cos.1", c, cc);
                    assert_eq!(Float::is_nan(x), x.is_nan());
                    assert_eq!(Float::is_sign_negative(x), x.is_sign_negative());
                    for n in [-3, 0, 1, 4] {
                        same("powi", Float::powi(x, n), <$t>::powi(x, n));
                    }
                }
            }

            #[test]
            fn binary_methods_forward_to_std() {
                for a in XS {
                    for b in XS {
                        check_binary!($t, a, b; log, powf, atan2, hypot, max, min, copysign);
                        for c in XS {
                            same("mul_add", Float::mul_add(a, b, c), <$t>::mul_add(a, b, c));
                            if !b.is_nan() && !c.is_nan() && b <= c {
                                same("clamp", Float::clamp(a, b, c), <$t>::clamp(a, b, c));
                            }
                        }
                    }
                }
            }
        }
    };
}

float_tests!(f32_impl, f32);
float_tests!(f64_impl, f64);
