//! Derivative rules: one function per differentiable primitive.
//!
//! # The contract
//!
//! Each rule is named after the primitive it differentiates and takes the
//! same arguments: first the float operands (the receiver of the std method
//! first, e.g. `a.powf(b)` becomes `powf(a, b)`), then any non-float
//! ("passive") arguments such as the `i32` exponent of [`powi`]. It returns a
//! flat tuple:
//!
//! 1. the value(s) of the primitive, computed by calling the very same std
//!    method, so the value is bit-identical to what the original code
//!    computes;
//! 2. then the partial derivative of each output with respect to each float
//!    argument, output-major: `∂out₀/∂arg₀, ∂out₀/∂arg₁, …, ∂out₁/∂arg₀, …`.
//!
//! So a unary rule returns `(value, d/dx)`, a binary rule
//! `(value, ∂/∂a, ∂/∂b)`, a ternary rule `(value, ∂/∂a, ∂/∂b, ∂/∂c)`, and
//! [`sin_cos`] returns `(sin, cos, d sin/dx, d cos/dx)`.
//!
//! One definition serves both modes of the generated code:
//!
//! * **forward mode** computes the output tangent as `ẏ = Σᵢ ∂ᵢ · ẋᵢ`;
//! * **reverse mode** accumulates each input adjoint as `x̄ᵢ += ∂ᵢ · ȳ`.
//!
//! ```
//! use ad_runtime::rules;
//!
//! // y = x.powf(p) at x = 3, p = 2
//! let (x, p) = (3.0_f64, 2.0_f64);
//! let (y, dy_dx, dy_dp) = rules::powf(x, p);
//! assert_eq!(y, x.powf(p));
//!
//! // forward mode, seeding ẋ = 1, ṗ = 0
//! let y_dot = dy_dx * 1.0 + dy_dp * 0.0;
//! assert_eq!(y_dot, 6.0);
//!
//! // reverse mode, seeding ȳ = 1
//! let (mut x_bar, mut p_bar) = (0.0, 0.0);
//! x_bar += dy_dx * 1.0;
//! p_bar += dy_dp * 1.0;
//! assert_eq!(x_bar, 6.0);
//! assert_eq!(p_bar, 9.0 * 3.0_f64.ln());
//! ```
//!
//! All rules are generic over [`Float`](crate::Float) and `#[inline]`;
//! where it is accurate, a derivative reuses the value already computed
//! (`exp' = v`, `sqrt' = ½ / v`, `recip' = −v²`, ...).
//!
//! # Conventions at non-differentiable points
//!
//! Where the derivative does not exist, the rules return a fixed, documented
//! value instead of failing:
//!
//! | Rule | Point | Derivative returned |
//! |------|-------|---------------------|
//! | [`abs`] | `x == 0` (either sign) | `0` |
//! | [`signum`], [`floor`], [`ceil`], [`round`], [`trunc`] | everywhere, jumps included | `0` |
//! | [`fract`] | everywhere, jumps included | `1` |
//! | [`sqrt`], [`cbrt`] | `x == 0` (either sign) | `+∞` (the limit) |
//! | [`max`], [`min`] | tie `a == b` | `½` to each argument, so `d/dx max(x, x) = 1` |
//! | [`max`], [`min`] | exactly one argument NaN | all of it (`1`) to the other argument, which std returns |
//! | [`max`], [`min`] | both arguments NaN | NaN to both |
//! | [`clamp`] | `lo <= x <= hi` (bounds included), or `x` NaN | `1` to `x` |
//! | [`clamp`] | `x < lo` / `x > hi` | `1` to the bound returned |
//! | [`copysign`] | `a == 0` | `∂a = 0` (like `abs`); elsewhere `±1`; always `∂b = 0` |
//! | [`powf`] | `v == 0` (e.g. base `0`) | `∂y = 0` instead of `0 · ln 0 = NaN` |
//! | [`powf`] | `y == 0` | `∂x = 0` (`x⁰` is the constant 1), even at `x == 0` |
//! | [`powf`] | `(0, 0)` | value `1`, so `∂y = 1 · ln 0 = −∞` from the formula |
//! | [`powi`] | `n == 0` | `0`, even at `x == 0` |
//! | [`hypot`] | `(0, 0)` | both partials `0` |
//! | [`atan2`] | `(0, 0)` | both partials `0` |
//! | [`rem`] | `a / b` an integer (jump in `b`) | `∂b = −n` with `n` the quotient actually used |
//! | [`ln`], [`log`], [`log2`], [`log10`], [`ln_1p`] | argument `0` | `±∞` from the formula |
//! | [`asin`], [`acos`], [`acosh`], [`atanh`] | edge of the domain | `±∞` from the formula |
//! | [`asin`], [`acos`], [`acosh`], [`atanh`] | outside the domain | NaN, like the value |
//!
//! Apart from these, a NaN input gives NaN derivatives, and derivatives of
//! overflowing or underflowing functions follow IEEE arithmetic.

mod arith;
mod exp_log;
mod hyperbolic;
mod piecewise;
mod power;
mod trig;

pub use arith::*;
pub use exp_log::*;
pub use hyperbolic::*;
pub use piecewise::*;
pub use power::*;
pub use trig::*;
