//! Piecewise functions: absolute value, sign, rounding, `max`/`min`,
//! `clamp` and `copysign`. Their kinks and jumps follow the conventions
//! tabulated in the [module docs](super).

use crate::Float;
use std::marker::PhantomData;

/// `x.abs()` and its derivative `signum(x)`.
///
/// At `x == 0` (either sign) the derivative is `0`.
#[inline]
pub fn abs<F: Float>(x: F) -> (F, F) {
    let d = if x == F::ZERO { F::ZERO } else { x.signum() };
    (x.abs(), d)
}

/// `x.signum()` and its derivative, `0` everywhere (the jump at `0` is
/// ignored).
#[inline]
pub fn signum<F: Float>(x: F) -> (F, F) {
    (x.signum(), F::ZERO)
}

/// `x.floor()` and its derivative, `0` everywhere (jumps ignored).
#[inline]
pub fn floor<F: Float>(x: F) -> (F, F) {
    (x.floor(), F::ZERO)
}

/// `x.ceil()` and its derivative, `0` everywhere (jumps ignored).
#[inline]
pub fn ceil<F: Float>(x: F) -> (F, F) {
    (x.ceil(), F::ZERO)
}

/// `x.round()` and its derivative, `0` everywhere (jumps ignored).
#[inline]
pub fn round<F: Float>(x: F) -> (F, F) {
    (x.round(), F::ZERO)
}

/// `x.trunc()` and its derivative, `0` everywhere (jumps ignored).
#[inline]
pub fn trunc<F: Float>(x: F) -> (F, F) {
    (x.trunc(), F::ZERO)
}

/// `x.fract()` and its derivative, `1` everywhere (jumps ignored).
#[inline]
pub fn fract<F: Float>(x: F) -> (F, F) {
    (x.fract(), F::ONE)
}

/// `a.max(b)` and its partials: `1` to the larger argument, `0` to the other.
///
/// At a tie (`a == b`) each argument gets `½`, so `d/dx max(x, x) = 1`.
/// If exactly one argument is NaN, std returns the other one, and so the
/// whole derivative (`1`) goes to that other argument. If both are NaN, both
/// partials are NaN.
#[inline]
pub fn max<F: Float>(a: F, b: F) -> (F, F, F) {
    let (da, db) = choice_partials(choose(a, b, a > b));
    (a.max(b), da, db)
}

/// `a.min(b)` and its partials: `1` to the smaller argument, `0` to the other.
///
/// At a tie (`a == b`) each argument gets `½`, so `d/dx min(x, x) = 1`.
/// If exactly one argument is NaN, std returns the other one, and so the
/// whole derivative (`1`) goes to that other argument. If both are NaN, both
/// partials are NaN.
#[inline]
pub fn min<F: Float>(a: F, b: F) -> (F, F, F) {
    let (da, db) = choice_partials(choose(a, b, a < b));
    (a.min(b), da, db)
}

/// Which argument `max` or `min` selected: all its partials depend on, in one byte. Reverse
/// mode records this in a loop instead of the two partials (`max_choice`, `min_choice`,
/// then `choice_partials` in the adjoint sweep).
/// Typed by the float type, so that `choice_partials` needs no annotation.
#[derive(Debug)]
pub struct Choice<F>(u8, PhantomData<F>);

impl<F> Clone for Choice<F> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<F> Copy for Choice<F> {}

/// An empty slot of a tape (any value; never read before it is recorded).
impl<F> Default for Choice<F> {
    fn default() -> Self {
        Choice(0, PhantomData)
    }
}

/// `a.max(b)` and which argument it selected.
#[inline]
pub fn max_choice<F: Float>(a: F, b: F) -> (F, Choice<F>) {
    (a.max(b), choose(a, b, a > b))
}

/// `a.min(b)` and which argument it selected.
#[inline]
pub fn min_choice<F: Float>(a: F, b: F) -> (F, Choice<F>) {
    (a.min(b), choose(a, b, a < b))
}

/// The partials of `max`/`min` for the argument it selected (conventions at `max`).
#[inline]
pub fn choice_partials<F: Float>(c: Choice<F>) -> (F, F) {
    match c.0 {
        0 => (F::ONE, F::ZERO),
        1 => (F::ZERO, F::ONE),
        2 => (F::HALF, F::HALF),
        _ => (F::NAN, F::NAN),
    }
}

/// `a_wins` is whether `a` is strictly selected.
#[inline]
fn choose<F: Float>(a: F, b: F, a_wins: bool) -> Choice<F> {
    let code = if a_wins {
        0
    } else if a == b {
        2
    } else if a.is_nan() {
        if b.is_nan() {
            3
        } else {
            1
        }
    } else if b.is_nan() {
        0
    } else {
        // `b` strictly selected.
        1
    };
    Choice(code, PhantomData)
}

/// `x.clamp(lo, hi)` and its partials `(∂x, ∂lo, ∂hi)`.
///
/// The partial is `1` for `x` when `lo <= x <= hi` (bounds included) or `x`
/// is NaN (std then returns `x`), and otherwise `1` for the bound that was
/// returned; the other partials are `0`.
///
/// # Panics
///
/// Like [`f64::clamp`], if `lo > hi` or either bound is NaN.
#[inline]
pub fn clamp<F: Float>(x: F, lo: F, hi: F) -> (F, F, F, F) {
    let v = x.clamp(lo, hi);
    let (o, z) = (F::ONE, F::ZERO);
    if x < lo {
        (v, z, o, z)
    } else if x > hi {
        (v, z, z, o)
    } else {
        (v, o, z, z)
    }
}

/// `a.copysign(b)` and its partials `(∂a, ∂b)`.
///
/// `∂a` is `1` if the result has the same sign as `a` and `−1` if the sign
/// was flipped; at `a == 0` (either sign) it is `0`, like [`abs`]. `∂b` is
/// always `0`: only the sign of `b` matters.
#[inline]
pub fn copysign<F: Float>(a: F, b: F) -> (F, F, F) {
    let v = a.copysign(b);
    let da = if a == F::ZERO {
        F::ZERO
    } else if v.is_sign_negative() == a.is_sign_negative() {
        F::ONE
    } else {
        -F::ONE
    };
    (v, da, F::ZERO)
}
