//! Trigonometric functions, their inverses and angle conversions.

use crate::Float;

/// `x.sin()` and its derivative `cos x`.
#[inline]
pub fn sin<F: Float>(x: F) -> (F, F) {
    (x.sin(), x.cos())
}

/// `x.cos()` and its derivative `−sin x`.
#[inline]
pub fn cos<F: Float>(x: F) -> (F, F) {
    (x.cos(), -x.sin())
}

/// `x.tan()` and its derivative `1 + v²`.
#[inline]
pub fn tan<F: Float>(x: F) -> (F, F) {
    let v = x.tan();
    (v, F::ONE + v * v)
}

/// `x.sin_cos()` and the derivatives of both outputs:
/// `(sin, cos, d sin/dx = cos, d cos/dx = −sin)`.
#[inline]
pub fn sin_cos<F: Float>(x: F) -> (F, F, F, F) {
    let (s, c) = x.sin_cos();
    (s, c, c, -s)
}

/// `x.asin()` and its derivative `1 / √(1 − x²)`.
///
/// At `x == ±1` the derivative is `+∞`; for `|x| > 1` it is NaN.
#[inline]
pub fn asin<F: Float>(x: F) -> (F, F) {
    (x.asin(), one_minus_sq(x).sqrt().recip())
}

/// `x.acos()` and its derivative `−1 / √(1 − x²)`.
///
/// At `x == ±1` the derivative is `−∞`; for `|x| > 1` it is NaN.
#[inline]
pub fn acos<F: Float>(x: F) -> (F, F) {
    (x.acos(), -one_minus_sq(x).sqrt().recip())
}

/// `x.atan()` and its derivative `1 / (1 + x²)`.
#[inline]
pub fn atan<F: Float>(x: F) -> (F, F) {
    (x.atan(), (F::ONE + x * x).recip())
}

/// `y.atan2(x)` and its partials `∂y = x / (x² + y²)`, `∂x = −y / (x² + y²)`.
///
/// The arguments are in std's order: the receiver `y` first. The squared
/// radius is formed through `hypot`, so the partials neither overflow nor
/// underflow needlessly. At `(0, 0)` both partials are `0`.
#[inline]
pub fn atan2<F: Float>(y: F, x: F) -> (F, F, F) {
    let v = y.atan2(x);
    let r = y.hypot(x);
    if r == F::ZERO {
        (v, F::ZERO, F::ZERO)
    } else {
        (v, x / r / r, -y / r / r)
    }
}

/// `x.to_degrees()` and its (constant) derivative `180 / π`.
///
/// The derivative is `1.to_degrees()`, the same factor std multiplies by.
#[inline]
pub fn to_degrees<F: Float>(x: F) -> (F, F) {
    (x.to_degrees(), F::ONE.to_degrees())
}

/// `x.to_radians()` and its (constant) derivative `π / 180`.
///
/// The derivative is `1.to_radians()`, the same factor std multiplies by.
#[inline]
pub fn to_radians<F: Float>(x: F) -> (F, F) {
    (x.to_radians(), F::ONE.to_radians())
}

/// `1 − x²`, computed as `(1 − x)(1 + x)` to stay accurate near `|x| = 1`.
#[inline]
fn one_minus_sq<F: Float>(x: F) -> F {
    (F::ONE - x) * (F::ONE + x)
}
