//! Numeric tests of the derivatives `#[differentiate]` generates: forward and reverse mode
//! against analytic derivatives and 5-point finite differences, forward against reverse by the
//! dot-product test, value outputs against the primal, `wrt`, output shapes, f32, and one long
//! generated function. One integration-test crate keeps the compile time low.
//!
//! - `common`: finite differences, comparisons, the dot-product test, and `Model`, which runs
//!   all checks on one function (see its docs);
//! - `elementary`: every std float method; `arithmetic`: operators; `syntax`: statements,
//!   patterns, blocks, constants, casts; `names`: hygiene, raw identifiers, impl blocks;
//! - `models`: realistic functions from statistics, ML, finance and physics;
//! - `outputs`: tuple and array outputs, constant outputs; `wrt`: narrowed activity;
//!   `modes`: forward/reverse/stacked attributes and visibility; `f32`: single precision;
//! - `long`: a generated 200+ statement function;
//! - `bugs`: minimal reproductions of known compiler bugs; these tests fail until fixed.
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
#[path = "derivatives/f32.rs"]
mod float32;
#[path = "derivatives/long.rs"]
mod long;
#[path = "derivatives/models.rs"]
mod models;
#[path = "derivatives/modes.rs"]
mod modes;
#[path = "derivatives/names.rs"]
mod names;
#[path = "derivatives/outputs.rs"]
mod outputs;
#[path = "derivatives/regressions.rs"]
mod regressions;
#[path = "derivatives/syntax.rs"]
mod syntax;
#[path = "derivatives/wrt.rs"]
mod wrt;
