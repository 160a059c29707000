//! # ad: compile-time automatic differentiation
//!
//! Put `#[differentiate(forward)]` or `#[differentiate(reverse)]` on an ordinary Rust function
//! and its derivative is written next to it at compile time, as plain Rust:
//!
//! ```
//! use ad::differentiate;
//!
//! #[differentiate(forward, reverse)]
//! fn f(x: f64, y: f64) -> f64 {
//!     x * y.sin()
//! }
//!
//! // Forward mode: the value and the directional derivative along (dx, dy) = (1, 0).
//! let (value, df_dx) = f_jvp(2.0, 1.0, 0.5, 0.0);
//! assert_eq!(value, f(2.0, 0.5));
//! assert!((df_dx - 0.5f64.sin()).abs() < 1e-15);
//!
//! // Reverse mode: the value and the whole gradient, seeded with dout = 1.
//! let (value, gx, gy) = f_vjp(2.0, 0.5, 1.0);
//! assert_eq!(value, f(2.0, 0.5));
//! assert!((gx - 0.5f64.sin()).abs() < 1e-15);
//! assert!((gy - 2.0 * 0.5f64.cos()).abs() < 1e-15);
//! ```
//!
//! The contract (which parameters are differentiated, the signatures of `f_jvp` and `f_vjp`)
//! is in the README. The derivative rule of every primitive is in [`rules`].

// Lets the generated code's `::ad::..` paths resolve inside this crate too.
extern crate self as ad;

pub use ad_macros::differentiate;
pub use ad_runtime::{checkpoint, rules, Counter, Float, Slot, Tape};
