//! The [`Float`] trait: the scalar types differentiated code can work on.

use core::fmt::{Debug, Display};
use core::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Rem, Sub, SubAssign};

/// A floating-point scalar: implemented for [`f32`] and [`f64`].
///
/// Write a function generic over `T: ad::Float` to have `#[differentiate]`
/// produce one derivative that works at both precisions. Every method has
/// the same name and signature as the inherent `f64`/`f32` method and
/// forwards to it, so generic code reads like ordinary float code and gives
/// bit-identical results.
///
/// The trait also carries a few constants (`ZERO`, `ONE`, `PI`, ...) and
/// lossless-where-possible conversions, because generic code cannot write
/// literals such as `2.0` for an unknown `T`.
///
/// ```
/// use ad_runtime::Float;
///
/// fn gaussian<T: Float>(x: T) -> T {
///     (-(x * x) * T::HALF).exp()
/// }
///
/// assert_eq!(gaussian(1.0_f64), (-0.5_f64).exp());
/// assert_eq!(gaussian(1.0_f32), (-0.5_f32).exp());
/// ```
pub trait Float:
    Copy
    + PartialEq
    + PartialOrd
    + Debug
    + Display
    + Default
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Rem<Output = Self>
    + Neg<Output = Self>
    + AddAssign
    + SubAssign
    + MulAssign
    + DivAssign
    + 'static
{
    /// `0.0`
    const ZERO: Self;
    /// `1.0`
    const ONE: Self;
    /// `0.5`
    const HALF: Self;
    /// `2.0`
    const TWO: Self;
    /// ln 2, as `core::f64::consts::LN_2` (or its `f32` counterpart).
    const LN_2: Self;
    /// ln 10, as `core::f64::consts::LN_10` (or its `f32` counterpart).
    const LN_10: Self;
    /// π, as `core::f64::consts::PI` (or its `f32` counterpart).
    const PI: Self;
    /// Not a number, as [`f64::NAN`].
    const NAN: Self;
    /// Positive infinity, as [`f64::INFINITY`].
    const INFINITY: Self;

    /// Converts from `f64` (rounding to nearest for `f32`, like `v as f32`).
    fn from_f64(v: f64) -> Self;
    /// Converts to `f64` (exact for both `f32` and `f64`).
    fn to_f64(self) -> f64;
    /// Converts from `i32` (rounding to nearest for `f32`, like `n as f32`).
    fn from_i32(n: i32) -> Self;

    /// Absolute value; see [`f64::abs`].
    fn abs(self) -> Self;
    /// Sign (`1`, `-1` or NaN); see [`f64::signum`].
    fn signum(self) -> Self;
    /// Square root; see [`f64::sqrt`].
    fn sqrt(self) -> Self;
    /// Cube root; see [`f64::cbrt`].
    fn cbrt(self) -> Self;
    /// `e^self`; see [`f64::exp`].
    fn exp(self) -> Self;
    /// `2^self`; see [`f64::exp2`].
    fn exp2(self) -> Self;
    /// `e^self - 1`, accurate near zero; see [`f64::exp_m1`].
    fn exp_m1(self) -> Self;
    /// Natural logarithm; see [`f64::ln`].
    fn ln(self) -> Self;
    /// Logarithm in an arbitrary base; see [`f64::log`].
    fn log(self, base: Self) -> Self;
    /// Base-2 logarithm; see [`f64::log2`].
    fn log2(self) -> Self;
    /// Base-10 logarithm; see [`f64::log10`].
    fn log10(self) -> Self;
    /// `ln(1 + self)`, accurate near zero; see [`f64::ln_1p`].
    fn ln_1p(self) -> Self;
    /// Integer power; see [`f64::powi`].
    fn powi(self, n: i32) -> Self;
    /// Float power; see [`f64::powf`].
    fn powf(self, n: Self) -> Self;
    /// Sine (radians); see [`f64::sin`].
    fn sin(self) -> Self;
    /// Cosine (radians); see [`f64::cos`].
    fn cos(self) -> Self;
    /// Tangent (radians); see [`f64::tan`].
    fn tan(self) -> Self;
    /// `(sin, cos)` at once; see [`f64::sin_cos`].
    fn sin_cos(self) -> (Self, Self);
    /// Arcsine; see [`f64::asin`].
    fn asin(self) -> Self;
    /// Arccosine; see [`f64::acos`].
    fn acos(self) -> Self;
    /// Arctangent; see [`f64::atan`].
    fn atan(self) -> Self;
    /// Four-quadrant arctangent of `self / other` (`self` is y); see [`f64::atan2`].
    fn atan2(self, other: Self) -> Self;
    /// Hyperbolic sine; see [`f64::sinh`].
    fn sinh(self) -> Self;
    /// Hyperbolic cosine; see [`f64::cosh`].
    fn cosh(self) -> Self;
    /// Hyperbolic tangent; see [`f64::tanh`].
    fn tanh(self) -> Self;
    /// Inverse hyperbolic sine; see [`f64::asinh`].
    fn asinh(self) -> Self;
    /// Inverse hyperbolic cosine; see [`f64::acosh`].
    fn acosh(self) -> Self;
    /// Inverse hyperbolic tangent; see [`f64::atanh`].
    fn atanh(self) -> Self;
    /// `sqrt(self² + other²)` without undue overflow; see [`f64::hypot`].
    fn hypot(self, other: Self) -> Self;
    /// `1 / self`; see [`f64::recip`].
    fn recip(self) -> Self;
    /// `self * a + b` with one rounding; see [`f64::mul_add`].
    fn mul_add(self, a: Self, b: Self) -> Self;
    /// Maximum, ignoring NaN; see [`f64::max`].
    fn max(self, other: Self) -> Self;
    /// Minimum, ignoring NaN; see [`f64::min`].
    fn min(self, other: Self) -> Self;
    /// Restricts to `[min, max]`; see [`f64::clamp`].
    ///
    /// # Panics
    ///
    /// If `min > max`, or either bound is NaN (as std does).
    fn clamp(self, min: Self, max: Self) -> Self;
    /// Radians to degrees; see [`f64::to_degrees`].
    fn to_degrees(self) -> Self;
    /// Degrees to radians; see [`f64::to_radians`].
    fn to_radians(self) -> Self;
    /// Largest integer `<= self`; see [`f64::floor`].
    fn floor(self) -> Self;
    /// Smallest integer `>= self`; see [`f64::ceil`].
    fn ceil(self) -> Self;
    /// Nearest integer, halves away from zero; see [`f64::round`].
    fn round(self) -> Self;
    /// Integer part; see [`f64::trunc`].
    fn trunc(self) -> Self;
    /// Fractional part, `self - self.trunc()`; see [`f64::fract`].
    fn fract(self) -> Self;
    /// Magnitude of `self` with the sign of `sign`; see [`f64::copysign`].
    fn copysign(self, sign: Self) -> Self;
    /// Whether `self` is NaN; see [`f64::is_nan`].
    fn is_nan(self) -> bool;
    /// Whether the sign bit is set (true for `-0.0`); see [`f64::is_sign_negative`].
    fn is_sign_negative(self) -> bool;
}

/// Forwards each listed method to the inherent method of the same name.
/// Inherent methods take precedence over trait methods in `<$t>::name`
/// paths, so this never recurses.
macro_rules! forward {
    ($t:ty; $( fn $name:ident(self $(, $arg:ident: $arg_ty:ty)*) -> $ret:ty; )*) => {
        $(
            #[inline]
            fn $name(self $(, $arg: $arg_ty)*) -> $ret {
                <$t>::$name(self $(, $arg)*)
            }
        )*
    };
}

macro_rules! impl_float {
    ($t:ident) => {
        impl Float for $t {
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            const HALF: Self = 0.5;
            const TWO: Self = 2.0;
            const LN_2: Self = core::$t::consts::LN_2;
            const LN_10: Self = core::$t::consts::LN_10;
            const PI: Self = core::$t::consts::PI;
            const NAN: Self = $t::NAN;
            const INFINITY: Self = $t::INFINITY;

            #[inline]
            fn from_f64(v: f64) -> Self {
                v as $t
            }

            #[inline]
            fn to_f64(self) -> f64 {
                f64::from(self)
            }

            #[inline]
            fn from_i32(n: i32) -> Self {
                n as $t
            }

            forward! { $t;
                fn abs(self) -> Self;
                fn signum(self) -> Self;
                fn sqrt(self) -> Self;
                fn cbrt(self) -> Self;
                fn exp(self) -> Self;
                fn exp2(self) -> Self;
                fn exp_m1(self) -> Self;
                fn ln(self) -> Self;
                fn log(self, base: Self) -> Self;
                fn log2(self) -> Self;
                fn log10(self) -> Self;
                fn ln_1p(self) -> Self;
                fn powi(self, n: i32) -> Self;
                fn powf(self, n: Self) -> Self;
                fn sin(self) -> Self;
                fn cos(self) -> Self;
                fn tan(self) -> Self;
                fn sin_cos(self) -> (Self, Self);
                fn asin(self) -> Self;
                fn acos(self) -> Self;
                fn atan(self) -> Self;
                fn atan2(self, other: Self) -> Self;
                fn sinh(self) -> Self;
                fn cosh(self) -> Self;
                fn tanh(self) -> Self;
                fn asinh(self) -> Self;
                fn acosh(self) -> Self;
                fn atanh(self) -> Self;
                fn hypot(self, other: Self) -> Self;
                fn recip(self) -> Self;
                fn mul_add(self, a: Self, b: Self) -> Self;
                fn max(self, other: Self) -> Self;
                fn min(self, other: Self) -> Self;
                fn clamp(self, min: Self, max: Self) -> Self;
                fn to_degrees(self) -> Self;
                fn to_radians(self) -> Self;
                fn floor(self) -> Self;
                fn ceil(self) -> Self;
                fn round(self) -> Self;
                fn trunc(self) -> Self;
                fn fract(self) -> Self;
                fn copysign(self, sign: Self) -> Self;
                fn is_nan(self) -> bool;
                fn is_sign_negative(self) -> bool;
            }
        }
    };
}

impl_float!(f32);
impl_float!(f64);
