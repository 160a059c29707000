//! Numeric tests of the derivatives `#[differentiate]` generates: forward and reverse mode
//! against analytic derivatives and 5-point finite differences, forward against reverse by the
//! dot-product test, value outputs against the primal, `wrt`, output shapes, f32, and one long
//! generated function. One integration-test crate keeps the compile time low.
//!
//! Generated code must not warn: any rustc warning or clippy lint fails the build.
#![deny(warnings)]
#![deny(clippy::all)]

#[path = "derivatives/common.rs"]
mod common;

#[path = "derivatives/arithmetic.rs"]
mod arithmetic;
#[path = "derivatives/elementary.rs"]
mod elementary;
#[path = "derivatives/models.rs"]
mod models;
#[path = "derivatives/syntax.rs"]
mod syntax;
