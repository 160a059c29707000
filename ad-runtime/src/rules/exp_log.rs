//! Exponentials and logarithms.

use crate::Float;

/// `x.exp()` and its derivative, the value itself.
#[inline]
pub fn exp<F: Float>(x: F) -> (F, F) {
    let v = x.exp();
    (v, v)
}

/// `x.exp2()` and its derivative `v · ln 2`.
#[inline]
pub fn exp2<F: Float>(x: F) -> (F, F) {
    let v = x.exp2();
    (v, v * F::LN_2)
}

/// `x.exp_m1()` (`eˣ − 1`) and its derivative `eˣ`.
///
/// The derivative is computed as `x.exp()` rather than `v + 1`, which would
/// lose all accuracy for very negative `x` (where `v` rounds to `−1`).
#[inline]
pub fn exp_m1<F: Float>(x: F) -> (F, F) {
    (x.exp_m1(), x.exp())
}

/// `x.ln()` and its derivative `1/x`.
///
/// At `x == 0` the derivative is `±∞` (`+∞` at `+0`); for `x < 0` the value
/// is NaN and the derivative is the formula's `1/x`.
#[inline]
pub fn ln<F: Float>(x: F) -> (F, F) {
    (x.ln(), x.recip())
}

/// `x.log(base)` and its partials `∂x = 1/(x · ln base)`,
/// `∂base = −v / (base · ln base)`.
///
/// At `x == 0` the `x` partial is `±∞`; at `base == 1` the value and partials
/// are infinite or NaN, as the formula gives.
#[inline]
pub fn log<F: Float>(x: F, base: F) -> (F, F, F) {
    let v = x.log(base);
    let ln_base = base.ln();
    (v, (x * ln_base).recip(), -v / (base * ln_base))
}

/// `x.log2()` and its derivative `1/(x · ln 2)`.
///
/// At `x == 0` the derivative is `±∞`.
#[inline]
pub fn log2<F: Float>(x: F) -> (F, F) {
    (x.log2(), (x * F::LN_2).recip())
}

/// `x.log10()` and its derivative `1/(x · ln 10)`.
///
/// At `x == 0` the derivative is `±∞`.
#[inline]
pub fn log10<F: Float>(x: F) -> (F, F) {
    (x.log10(), (x * F::LN_10).recip())
}

/// `x.ln_1p()` (`ln(1 + x)`) and its derivative `1/(1 + x)`.
///
/// At `x == −1` the derivative is `+∞`.
#[inline]
pub fn ln_1p<F: Float>(x: F) -> (F, F) {
    (x.ln_1p(), (F::ONE + x).recip())
}
