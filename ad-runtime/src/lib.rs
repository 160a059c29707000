//! Runtime support for the `ad` automatic-differentiation crate.
//!
//! `#[differentiate]` (from `ad-macros`) rewrites a function at compile time
//! into its derivative. Whenever the original function calls a primitive —
//! `x.sin()`, `a.powf(b)`, `a % b`, `x.max(y)`, ... — the generated code
//! calls the matching rule in [`rules`] instead, which returns the primitive's
//! value together with its local partial derivatives. This crate holds the
//! derivative rule of every such primitive, plus the [`Float`] trait that
//! lets both the rules and user code be generic over `f32` and `f64`.
//!
//! Users normally do not depend on this crate directly: they reach it
//! through the `ad` facade, as `ad::rules` and `ad::Float`.
//!
//! The crate has no dependencies and contains no `unsafe` code.

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod checkpoint;
pub mod float;
pub mod rules;
mod tape;

pub use checkpoint::checkpoint;
pub use float::Float;
pub use tape::{Counter, Slot, Tape};
