//! Numeric tests of derivatives through control flow: `if` / `else if` / `else`, `match`,
//! `for` over every range form, `while`, `loop`, `break` (with values and labels), `continue`,
//! and `return` anywhere. Every function is differentiated in both modes; each derivative is
//! checked against an analytic formula (itself checked against finite differences) or against
//! 5-point central finite differences of the primal, and forward mode against reverse mode by
//! the dot-product test. Points sit away from the switches of the control flow; the switches
//! themselves (zero-iteration loops, guarded singularities) get exact checks. One
//! integration-test crate keeps the compile time low.
//!
//! Generated code must not warn: any rustc warning or clippy lint fails the build.
#![deny(warnings)]
#![deny(clippy::all)]

#[path = "control_flow/common.rs"]
mod common;

#[path = "control_flow/branches.rs"]
mod branches;
#[path = "control_flow/checkpoint.rs"]
mod checkpoint;
#[path = "control_flow/early_exit.rs"]
mod early_exit;
#[path = "control_flow/for_loops.rs"]
mod for_loops;
#[path = "control_flow/integration.rs"]
mod integration;
#[path = "control_flow/matches.rs"]
mod matches;
#[path = "control_flow/records.rs"]
mod records;
#[path = "control_flow/while_loops.rs"]
mod while_loops;
