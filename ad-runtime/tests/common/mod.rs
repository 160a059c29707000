//! Shared helpers: check a rule's value against std bit for bit, and each of
//! its partials against a 5-point central finite difference of the std
//! function evaluated in `f64`.

// Each test file uses a different subset of these helpers.
#![allow(dead_code)]

use ad_runtime::Float;

/// Relative tolerance for `f64` rules.
pub const RTOL_F64: f64 = 1e-7;
/// Relative tolerance for `f32` rules (compared against an `f64` reference).
pub const RTOL_F32: f64 = 1e-5;

/// Finite-difference step: `1e-3`, scaled down by `|x|` for small `x` (so
/// that e.g. `ln` at `0.01` is not stepped across its singularity) but not
/// scaled up for large `x` (so periodic functions stay well resolved).
pub fn step(x: f64) -> f64 {
    1e-3 * x.abs().clamp(1e-2, 1.0)
}

/// 5-point central difference `(-f(x+2h) + 8f(x+h) - 8f(x-h) + f(x-2h)) / 12h`.
pub fn fd(f: impl Fn(f64) -> f64, x: f64) -> f64 {
    let h = step(x);
    (-f(x + 2.0 * h) + 8.0 * f(x + h) - 8.0 * f(x - h) + f(x - 2.0 * h)) / (12.0 * h)
}

/// Asserts `|got - want| <= rtol * |want|` (with a tiny absolute floor so an
/// exact zero can be matched).
pub fn assert_close(what: &str, got: f64, want: f64, rtol: f64) {
    let tol = rtol * (want.abs() + 1e-6);
    assert!(
        (got - want).abs() <= tol,
        "{what}: rule gives {got:e}, finite difference gives {want:e} \
         (error {:e} > tolerance {tol:e})",
        (got - want).abs()
    );
}

/// Asserts that two floats are the same bits (NaN and signed zero included).
pub fn assert_same<F: Float>(what: &str, got: F, want: F) {
    assert!(
        got.to_f64().to_bits() == want.to_f64().to_bits(),
        "{what}: rule value {got:?} differs from std value {want:?}"
    );
}

/// Checks a one-argument rule at each point: value equal to `f`, derivative
/// close to the finite difference of `reference` (the `f64` version of `f`).
pub fn unary<F: Float>(
    name: &str,
    rule: impl Fn(F) -> (F, F),
    f: impl Fn(F) -> F,
    reference: impl Fn(f64) -> f64,
    points: &[f64],
    rtol: f64,
) {
    assert!(points.len() >= 4, "{name}: test at least 4 points");
    for &p in points {
        let x = F::from_f64(p);
        let (v, d) = rule(x);
        assert_same(&format!("{name}({x:?})"), v, f(x));
        let want = fd(&reference, x.to_f64());
        assert_close(&format!("d/dx {name}({x:?})"), d.to_f64(), want, rtol);
    }
}

/// Checks a two-argument rule `(value, ∂a, ∂b)` at each point.
pub fn binary<F: Float>(
    name: &str,
    rule: impl Fn(F, F) -> (F, F, F),
    f: impl Fn(F, F) -> F,
    reference: impl Fn(f64, f64) -> f64,
    points: &[(f64, f64)],
    rtol: f64,
) {
    assert!(points.len() >= 4, "{name}: test at least 4 points");
    for &(pa, pb) in points {
        let (a, b) = (F::from_f64(pa), F::from_f64(pb));
        let (v, da, db) = rule(a, b);
        let at = format!("{name}({a:?}, {b:?})");
        assert_same(&at, v, f(a, b));
        let (a, b) = (a.to_f64(), b.to_f64());
        let want_a = fd(|t| reference(t, b), a);
        let want_b = fd(|t| reference(a, t), b);
        assert_close(&format!("∂/∂a {at}"), da.to_f64(), want_a, rtol);
        assert_close(&format!("∂/∂b {at}"), db.to_f64(), want_b, rtol);
    }
}

/// Checks a three-argument rule `(value, ∂a, ∂b, ∂c)` at each point.
pub fn ternary<F: Float>(
    name: &str,
    rule: impl Fn(F, F, F) -> (F, F, F, F),
    f: impl Fn(F, F, F) -> F,
    reference: impl Fn(f64, f64, f64) -> f64,
    points: &[(f64, f64, f64)],
    rtol: f64,
) {
    assert!(points.len() >= 4, "{name}: test at least 4 points");
    for &(pa, pb, pc) in points {
        let (a, b, c) = (F::from_f64(pa), F::from_f64(pb), F::from_f64(pc));
        let (v, da, db, dc) = rule(a, b, c);
        let at = format!("{name}({a:?}, {b:?}, {c:?})");
        assert_same(&at, v, f(a, b, c));
        let (a, b, c) = (a.to_f64(), b.to_f64(), c.to_f64());
        let want_a = fd(|t| reference(t, b, c), a);
        let want_b = fd(|t| reference(a, t, c), b);
        let want_c = fd(|t| reference(a, b, t), c);
        assert_close(&format!("∂/∂a {at}"), da.to_f64(), want_a, rtol);
        assert_close(&format!("∂/∂b {at}"), db.to_f64(), want_b, rtol);
        assert_close(&format!("∂/∂c {at}"), dc.to_f64(), want_c, rtol);
    }
}
