//! Hyperbolic functions and their inverses.

use crate::Float;

/// `x.sinh()` and its derivative `cosh x`.
#[inline]
pub fn sinh<F: Float>(x: F) -> (F, F) {
    (x.sinh(), x.cosh())
}

/// `x.cosh()` and its derivative `sinh x`.
#[inline]
pub fn cosh<F: Float>(x: F) -> (F, F) {
    (x.cosh(), x.sinh())
}

/// `x.tanh()` and its derivative `1 − v² = 1 / cosh² x`.
///
/// For `|v| < 0.9` the derivative reuses the value as `(1 − v)(1 + v)`.
/// Beyond that, where `v` is close to `±1` and `1 − v²` would cancel to
/// few (eventually zero) correct digits, it is computed as `1 / cosh² x`.
#[inline]
pub fn tanh<F: Float>(x: F) -> (F, F) {
    let v = x.tanh();
    let d = if v.abs() < F::from_f64(0.9) {
        (F::ONE - v) * (F::ONE + v)
    } else {
        let c = x.cosh();
        (c * c).recip()
    };
    (v, d)
}

/// `x.asinh()` and its derivative `1 / √(x² + 1)`.
///
/// The root is computed as `x.hypot(1)`, which does not overflow for large `x`.
#[inline]
pub fn asinh<F: Float>(x: F) -> (F, F) {
    (x.asinh(), x.hypot(F::ONE).recip())
}

/// `x.acosh()` and its derivative `1 / √(x² − 1)`.
///
/// The root is computed as `√(x − 1) · √(x + 1)`, accurate near `1` and free
/// of overflow for large `x`. At `x == 1` the derivative is `+∞`; for
/// `x < 1` it is NaN.
#[inline]
pub fn acosh<F: Float>(x: F) -> (F, F) {
    (
        x.acosh(),
        ((x - F::ONE).sqrt() * (x + F::ONE).sqrt()).recip(),
    )
}

/// `x.atanh()` and its derivative `1 / (1 − x²)`.
///
/// At `x == ±1` the derivative is `+∞`; for `|x| > 1` it is NaN (the formula
/// alone would give a finite negative number there).
#[inline]
pub fn atanh<F: Float>(x: F) -> (F, F) {
    let d = if x.abs() > F::ONE {
        F::NAN
    } else {
        ((F::ONE - x) * (F::ONE + x)).recip()
    };
    (x.atanh(), d)
}
