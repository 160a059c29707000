//! Roots, powers and `hypot`.

use crate::Float;

/// `x.sqrt()` and its derivative `½ / v`.
///
/// At `x == 0` (either sign) the derivative is `+∞`, the one-sided limit.
/// For `x < 0` value and derivative are NaN.
#[inline]
pub fn sqrt<F: Float>(x: F) -> (F, F) {
    let v = x.sqrt();
    let d = if v == F::ZERO {
        F::INFINITY
    } else {
        F::HALF / v
    };
    (v, d)
}

/// `x.cbrt()` and its derivative `1 / (3 v²)`.
///
/// At `x == 0` (either sign) the derivative is `+∞`.
#[inline]
pub fn cbrt<F: Float>(x: F) -> (F, F) {
    let v = x.cbrt();
    (v, (F::from_i32(3) * v * v).recip())
}

/// `x.powi(n)` and its derivative `n · xⁿ⁻¹`.
///
/// For `n == 0` the derivative is `0` everywhere (including `x == 0`), since
/// `x⁰` is the constant 1. `n == i32::MIN` is handled without overflow.
#[inline]
pub fn powi<F: Float>(x: F, n: i32) -> (F, F) {
    let v = x.powi(n);
    let d = if n == 0 {
        F::ZERO
    } else {
        let x_pow_n_minus_1 = match n.checked_sub(1) {
            Some(m) => x.powi(m),
            None => v / x,
        };
        F::from_i32(n) * x_pow_n_minus_1
    };
    (v, d)
}

/// `x.powf(y)` and its partials `∂x = y · xʸ⁻¹`, `∂y = v · ln x`.
///
/// Conventions: `∂y = 0` wherever `v == 0` (e.g. `x == 0, y > 0`), instead
/// of `0 · (−∞) = NaN`; `∂x = 0` when `y == 0` (`x⁰` is the constant 1),
/// instead of `0 · 0⁻¹ = NaN` at `x == 0`. At `(0, 0)` the value is `1`, so
/// `∂y` keeps the formula's `1 · ln 0 = −∞`. For `x < 0`, `∂y` is NaN (the
/// function is not real-valued around such a point).
#[inline]
pub fn powf<F: Float>(x: F, y: F) -> (F, F, F) {
    let v = x.powf(y);
    let dx = if y == F::ZERO {
        F::ZERO
    } else {
        y * x.powf(y - F::ONE)
    };
    let dy = if v == F::ZERO { F::ZERO } else { v * x.ln() };
    (v, dx, dy)
}

/// `a.hypot(b)` (`√(a² + b²)`) and its partials `(a / v, b / v)`.
///
/// At `(0, 0)` both partials are `0`.
#[inline]
pub fn hypot<F: Float>(a: F, b: F) -> (F, F, F) {
    let v = a.hypot(b);
    if v == F::ZERO {
        (v, F::ZERO, F::ZERO)
    } else {
        (v, a / v, b / v)
    }
}
