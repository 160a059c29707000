//! Arithmetic beyond `+ - * /`: reciprocal, remainder, fused multiply-add.

use crate::Float;

/// `x.recip()` and its derivative `−1/x² = −v²`.
///
/// At `x == 0` the derivative is `−∞`.
#[inline]
pub fn recip<F: Float>(x: F) -> (F, F) {
    let v = x.recip();
    (v, -(v * v))
}

/// `a % b` (the `%` operator, a truncated remainder) and its partials.
///
/// `a % b = a − n·b` with `n` the truncated quotient, so `∂a = 1` and
/// `∂b = −n`. The rule uses the quotient that the remainder actually used,
/// `n = ((a − v) / b).round()`, which is exact for `|n| < 2⁵²`; the naive
/// `(a / b).trunc()` can be off by one when `a / b` rounds up to an integer
/// (e.g. `1.0 % 0.1` uses `n = 9`, while `1.0 / 0.1 == 10.0`).
/// At the jumps of `a % b` in `b` this gives the one-sided derivative of the
/// branch that was taken.
#[inline]
pub fn rem<F: Float>(a: F, b: F) -> (F, F, F) {
    let v = a % b;
    let n = ((a - v) / b).round();
    (v, F::ONE, -n)
}

/// `a.mul_add(b, c)` (`a·b + c` with one rounding) and its partials
/// `(b, a, 1)`.
#[inline]
pub fn mul_add<F: Float>(a: F, b: F, c: F) -> (F, F, F, F) {
    (a.mul_add(b, c), b, a, F::ONE)
}
