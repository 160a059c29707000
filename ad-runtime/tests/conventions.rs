//! The documented conventions at non-differentiable points and domain edges,
//! plus accuracy in regions where a naive formula would break down.

use ad_runtime::rules;

const INF: f64 = f64::INFINITY;
const NAN: f64 = f64::NAN;

/// Asserts both values are the same bits, printing `what` on failure.
#[track_caller]
fn same(what: &str, got: f64, want: f64) {
    assert!(
        got.to_bits() == want.to_bits(),
        "{what}: got {got:?}, want {want:?}"
    );
}

/// Asserts a value is NaN.
#[track_caller]
fn nan(what: &str, got: f64) {
    assert!(got.is_nan(), "{what}: got {got:?}, want NaN");
}

#[test]
fn abs_at_zero_is_zero() {
    same("abs'(0)", rules::abs(0.0).1, 0.0);
    same("abs'(-0)", rules::abs(-0.0).1, 0.0);
    same("abs'(-0) value", rules::abs(-0.0).0, 0.0);
    same("abs'(-3)", rules::abs(-3.0).1, -1.0);
    same("abs'(3)", rules::abs(3.0).1, 1.0);
    nan("abs'(NaN)", rules::abs(NAN).1);
}

#[test]
fn steps_have_zero_derivative_even_at_jumps() {
    for x in [0.0, -0.0, 1.0, -2.0, 0.5, 2.5, -1.5] {
        same(&format!("signum'({x})"), rules::signum(x).1, 0.0);
        same(&format!("floor'({x})"), rules::floor(x).1, 0.0);
        same(&format!("ceil'({x})"), rules::ceil(x).1, 0.0);
        same(&format!("round'({x})"), rules::round(x).1, 0.0);
        same(&format!("trunc'({x})"), rules::trunc(x).1, 0.0);
        same(&format!("fract'({x})"), rules::fract(x).1, 1.0);
    }
}

#[test]
fn roots_at_zero_are_plus_infinity() {
    same("sqrt'(0)", rules::sqrt(0.0).1, INF);
    same("sqrt'(-0)", rules::sqrt(-0.0).1, INF);
    same("cbrt'(0)", rules::cbrt(0.0).1, INF);
    same("cbrt'(-0)", rules::cbrt(-0.0).1, INF);
    assert_eq!(rules::sqrt(0.0_f32).1, f32::INFINITY);
    nan("sqrt'(-1)", rules::sqrt(-1.0).1);
}

#[test]
fn max_min_tie_splits_evenly() {
    assert_eq!(rules::max(1.5, 1.5), (1.5, 0.5, 0.5));
    assert_eq!(rules::min(1.5, 1.5), (1.5, 0.5, 0.5));
    assert_eq!(rules::max(0.0, -0.0).1 + rules::max(0.0, -0.0).2, 1.0);
    assert_eq!(rules::min(-2.0_f32, -2.0), (-2.0, 0.5, 0.5));
    // d/dx max(x, x) = ½ + ½ = 1
    let (_, da, db) = rules::max(3.0, 3.0);
    assert_eq!(da + db, 1.0);
}

#[test]
fn max_min_nan_gives_all_to_the_other_argument() {
    assert_eq!(rules::max(NAN, 2.0), (2.0, 0.0, 1.0));
    assert_eq!(rules::max(2.0, NAN), (2.0, 1.0, 0.0));
    assert_eq!(rules::min(NAN, 2.0), (2.0, 0.0, 1.0));
    assert_eq!(rules::min(2.0, NAN), (2.0, 1.0, 0.0));
    let (v, da, db) = rules::max(NAN, NAN);
    nan("max(NaN, NaN)", v);
    nan("∂a max(NaN, NaN)", da);
    nan("∂b max(NaN, NaN)", db);
    let (v, da, db) = rules::min(NAN, NAN);
    nan("min(NaN, NaN)", v);
    nan("∂a min(NaN, NaN)", da);
    nan("∂b min(NaN, NaN)", db);
}

#[test]
fn clamp_bounds() {
    // at a bound, x is returned and gets the derivative
    assert_eq!(rules::clamp(-1.0, -1.0, 1.0), (-1.0, 1.0, 0.0, 0.0));
    assert_eq!(rules::clamp(1.0, -1.0, 1.0), (1.0, 1.0, 0.0, 0.0));
    assert_eq!(rules::clamp(2.0, 2.0, 2.0), (2.0, 1.0, 0.0, 0.0));
    // outside, the returned bound does
    assert_eq!(rules::clamp(-3.0, -1.0, 1.0), (-1.0, 0.0, 1.0, 0.0));
    assert_eq!(rules::clamp(3.0, -1.0, 1.0), (1.0, 0.0, 0.0, 1.0));
    // NaN x: std returns x
    let (v, dx, dlo, dhi) = rules::clamp(NAN, -1.0, 1.0);
    nan("clamp(NaN, ..)", v);
    assert_eq!((dx, dlo, dhi), (1.0, 0.0, 0.0));
}

#[test]
#[should_panic]
fn clamp_panics_like_std_when_lo_exceeds_hi() {
    let _ = rules::clamp(0.0, 1.0, -1.0);
}

#[test]
#[should_panic]
fn clamp_panics_like_std_on_nan_bound() {
    let _ = rules::clamp(0.0, NAN, 1.0);
}

#[test]
fn copysign_partials() {
    assert_eq!(rules::copysign(2.0, 5.0), (2.0, 1.0, 0.0));
    assert_eq!(rules::copysign(2.0, -5.0), (-2.0, -1.0, 0.0));
    assert_eq!(rules::copysign(-2.0, 5.0), (2.0, -1.0, 0.0));
    assert_eq!(rules::copysign(-2.0, -5.0), (-2.0, 1.0, 0.0));
    // the sign of a zero `b` counts
    assert_eq!(rules::copysign(2.0, -0.0), (-2.0, -1.0, 0.0));
    // a == 0: like abs
    let (v, da, db) = rules::copysign(0.0, -1.0);
    same("copysign(0, -1)", v, -0.0);
    assert_eq!((da, db), (0.0, 0.0));
    assert_eq!(rules::copysign(-0.0, 1.0).1, 0.0);
}

#[test]
fn powf_conventions() {
    // ∂y is 0 where the value is 0, not 0 · ln 0 = NaN
    assert_eq!(rules::powf(0.0, 2.0), (0.0, 0.0, 0.0));
    assert_eq!(rules::powf(0.0, 0.5).2, 0.0);
    same("∂x powf(0, 0.5)", rules::powf(0.0, 0.5).1, INF);
    assert_eq!(rules::powf(0.0, 1.0), (0.0, 1.0, 0.0));
    // y == 0: x⁰ is the constant 1
    // (at x == 0 the value is 1, so ∂y keeps the formula's 1 · ln 0 = -∞)
    assert_eq!(rules::powf(0.0, 0.0), (1.0, 0.0, -INF));
    assert_eq!(rules::powf(5.0, 0.0), (1.0, 0.0, 5.0_f64.ln()));
    // x == 1: ∂y = ln 1 = 0
    assert_eq!(rules::powf(1.0, 3.0), (1.0, 3.0, 0.0));
    // negative base with integer exponent: ∂x fine, ∂y NaN
    let (v, dx, dy) = rules::powf(-2.0, 3.0);
    assert_eq!((v, dx), (-8.0, 12.0));
    nan("∂y powf(-2, 3)", dy);
}

#[test]
fn powi_conventions() {
    for x in [0.0, -0.0, 2.0, -3.0] {
        assert_eq!(rules::powi(x, 0), (1.0, 0.0), "powi({x}, 0)");
    }
    assert_eq!(rules::powi(0.0, 1), (0.0, 1.0));
    assert_eq!(rules::powi(0.0, 2), (0.0, 0.0));
    same("powi'(0, -1)", rules::powi(0.0, -1).1, -INF);
    // no overflow in n - 1
    let (v, d) = rules::powi(1.0, i32::MIN);
    assert_eq!(v, 1.0);
    assert_eq!(d, f64::from(i32::MIN));
    assert_eq!(rules::powi(2.0_f32, 0), (1.0, 0.0));
}

#[test]
fn hypot_and_atan2_at_origin_are_zero() {
    assert_eq!(rules::hypot(0.0, 0.0), (0.0, 0.0, 0.0));
    assert_eq!(rules::hypot(-0.0, 0.0), (0.0, 0.0, 0.0));
    let (v, dy, dx) = rules::atan2(0.0, 0.0);
    same("atan2(0, 0)", v, 0.0_f64.atan2(0.0));
    assert_eq!((dy, dx), (0.0, 0.0));
    let (v, dy, dx) = rules::atan2(0.0, -0.0);
    same("atan2(0, -0)", v, 0.0_f64.atan2(-0.0));
    assert_eq!((dy, dx), (0.0, 0.0));
}

#[test]
fn logs_at_zero_are_infinite() {
    same("ln'(0)", rules::ln(0.0).1, INF);
    same("log2'(0)", rules::log2(0.0).1, INF);
    same("log10'(0)", rules::log10(0.0).1, INF);
    same("ln_1p'(-1)", rules::ln_1p(-1.0).1, INF);
    same("∂x log(0, 2)", rules::log(0.0, 2.0).1, INF);
    same("ln(0)", rules::ln(0.0).0, -INF);
}

#[test]
fn inverse_functions_at_domain_edges_are_infinite() {
    same("asin'(1)", rules::asin(1.0).1, INF);
    same("asin'(-1)", rules::asin(-1.0).1, INF);
    same("acos'(1)", rules::acos(1.0).1, -INF);
    same("acos'(-1)", rules::acos(-1.0).1, -INF);
    same("acosh'(1)", rules::acosh(1.0).1, INF);
    same("atanh'(1)", rules::atanh(1.0).1, INF);
    same("atanh'(-1)", rules::atanh(-1.0).1, INF);
}

#[test]
fn inverse_functions_outside_domain_are_nan() {
    for (name, (v, d)) in [
        ("asin(1.5)", rules::asin(1.5)),
        ("asin(-1.5)", rules::asin(-1.5)),
        ("acos(2)", rules::acos(2.0)),
        ("acos(-2)", rules::acos(-2.0)),
        ("acosh(0.5)", rules::acosh(0.5)),
        ("acosh(-3)", rules::acosh(-3.0)),
        ("atanh(2)", rules::atanh(2.0)),
        ("atanh(-1.5)", rules::atanh(-1.5)),
    ] {
        nan(name, v);
        nan(&format!("derivative of {name}"), d);
    }
}

#[test]
fn nan_input_gives_nan() {
    for (name, (v, d)) in [
        ("sin", rules::sin(NAN)),
        ("exp", rules::exp(NAN)),
        ("ln", rules::ln(NAN)),
        ("sqrt", rules::sqrt(NAN)),
        ("tanh", rules::tanh(NAN)),
        ("atanh", rules::atanh(NAN)),
        ("abs", rules::abs(NAN)),
    ] {
        nan(&format!("{name}(NaN)"), v);
        nan(&format!("{name}'(NaN)"), d);
    }
}

#[test]
fn rem_uses_the_quotient_actually_taken() {
    // 1.0 / 0.1 rounds to exactly 10.0, but 0.1 is slightly above 1/10, so
    // 1.0 % 0.1 == 1.0 - 9 * 0.1 (≈ 0.09999999999999995).
    let (v, da, db) = rules::rem(1.0, 0.1);
    same("1 % 0.1", v, 1.0 % 0.1);
    assert_eq!((da, db), (1.0, -9.0));
    assert_eq!(rules::rem(7.0, 2.0), (1.0, 1.0, -3.0));
    assert_eq!(rules::rem(-7.0, 2.0), (-1.0, 1.0, 3.0));
    assert_eq!(rules::rem(7.0, -2.0), (1.0, 1.0, 3.0));
    assert_eq!(rules::rem(0.5, 2.0), (0.5, 1.0, 0.0));
}

#[test]
fn exp_m1_stays_accurate_for_very_negative_x() {
    let x = -40.0_f64;
    let (v, d) = rules::exp_m1(x);
    same("exp_m1(-40)", v, x.exp_m1());
    same("exp_m1'(-40)", d, x.exp());
    assert!(d > 0.0);
}

#[test]
fn tanh_derivative_stays_accurate_in_the_tails() {
    for x in [-30.0_f64, -5.0, 3.0, 20.0, 300.0] {
        let want = 1.0 / x.cosh().powi(2);
        let d = rules::tanh(x).1;
        assert!(
            (d - want).abs() <= 1e-14 * want,
            "tanh'({x}) = {d:e}, want {want:e}"
        );
        assert!(d > 0.0, "tanh'({x}) must not round to 0");
    }
    // far enough out, the true value underflows
    assert_eq!(rules::tanh(1000.0), (1.0, 0.0));
}

#[test]
fn no_spurious_overflow_or_underflow() {
    // acosh'(x) ≈ 1/x for huge x, where x² would overflow
    let d: f64 = rules::acosh(1e200).1;
    assert!((d * 1e200 - 1.0).abs() < 1e-12, "acosh'(1e200) = {d:e}");
    // asinh'(x) ≈ 1/|x| likewise
    let d: f64 = rules::asinh(-1e200).1;
    assert!((d * 1e200 - 1.0).abs() < 1e-12, "asinh'(-1e200) = {d:e}");
    // atan2 with tiny arguments, where x² + y² would underflow to 0
    let (_, dy, dx) = rules::atan2(3e-200_f64, 4e-200);
    assert!((dy * 1e-200 - 0.16).abs() < 1e-12, "∂y atan2 = {dy:e}");
    assert!((dx * 1e-200 + 0.12).abs() < 1e-12, "∂x atan2 = {dx:e}");
    // powf where the value overflows but the derivative does not
    let (v, dx, _) = rules::powf(1e300, 1.05);
    assert_eq!(v, INF);
    assert!(dx.is_finite());
}

#[test]
fn constant_factors_match_std() {
    assert_eq!(rules::to_degrees(2.0).1, 1.0_f64.to_degrees());
    assert_eq!(rules::to_radians(2.0).1, 1.0_f64.to_radians());
    assert_eq!(rules::to_degrees(2.0_f32).1, 1.0_f32.to_degrees());
    assert_eq!(rules::exp2(0.0), (1.0, std::f64::consts::LN_2));
    assert_eq!(rules::mul_add(2.0, 3.0, 4.0), (10.0, 3.0, 2.0, 1.0));
    assert_eq!(rules::sin_cos(0.0), (0.0, 1.0, 1.0, -0.0));
}

#[test]
fn recorded_choices_give_the_partials_of_max_and_min() {
    let nan = f64::NAN;
    let cases = [
        (1.0, 2.0),
        (2.0, 1.0),
        (1.5, 1.5),
        (nan, 1.0),
        (1.0, nan),
        (nan, nan),
    ];
    let same = |a: f64, b: f64| a == b || (a.is_nan() && b.is_nan());
    for (a, b) in cases {
        let (v, c) = rules::max_choice(a, b);
        let (w, da, db) = rules::max(a, b);
        let (pa, pb): (f64, f64) = rules::choice_partials(c);
        assert!(same(v, w) && same(pa, da) && same(pb, db), "max({a}, {b})");
        let (v, c) = rules::min_choice(a, b);
        let (w, da, db) = rules::min(a, b);
        let (pa, pb): (f64, f64) = rules::choice_partials(c);
        assert!(same(v, w) && same(pa, da) && same(pb, db), "min({a}, {b})");
    }
}
