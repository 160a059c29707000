//! The evals, one module each. Every module exposes its primal (plain Rust, annotated with
//! `#[ad::differentiate]`) and a `run` that converts the JSON input, times the requested
//! function and builds the JSON output.

pub mod ba;
pub mod det;
pub mod gmm;
pub mod hello;
pub mod llsq;
pub mod lse;
pub mod ode;

use crate::input::Result;
use crate::timing::{repeat, Runs};
use serde_json::{json, Value};

/// The modules a `define` message may name.
pub const MODULES: &[&str] = &["hello", "lse", "llsq", "det", "ode", "gmm", "ba"];

/// A finished `evaluate`: the function's result and the time of each run.
pub struct Evaluation {
    pub output: Value,
    pub timings: Vec<u64>,
}

/// Runs `function` of `module` on `input`.
pub fn evaluate(module: &str, function: &str, input: &Value) -> Result<Evaluation> {
    match module {
        "hello" => hello::run(function, input),
        "lse" => lse::run(function, input),
        "llsq" => llsq::run(function, input),
        "det" => det::run(function, input),
        "ode" => ode::run(function, input),
        "gmm" => gmm::run(function, input),
        "ba" => ba::run(function, input),
        _ => Err(format!("unknown module `{module}`")),
    }
}

/// The error for a function a module does not have.
fn unknown(module: &str, function: &str) -> String {
    format!("module `{module}` has no function `{function}`")
}

/// `primal` and `gradient` of an eval whose function maps one vector of length `len` to a
/// number: `vjp` (a generated `_vjp`, seeded with 1) adds the gradient into the zeroed buffer
/// it is given and returns the value.
fn scalar_and_gradient(
    module: &str,
    function: &str,
    runs: Runs,
    len: usize,
    mut primal: impl FnMut() -> f64,
    mut vjp: impl FnMut(&mut [f64]) -> f64,
) -> Result<Evaluation> {
    match function {
        "primal" => {
            let mut y = 0.0;
            let timings = repeat(runs, || y = primal());
            Ok(Evaluation {
                output: json!(y),
                timings,
            })
        }
        "gradient" => {
            let mut g = vec![0.0; len];
            let timings = repeat(runs, || {
                g.fill(0.0);
                vjp(&mut g);
            });
            Ok(Evaluation {
                output: json!(g),
                timings,
            })
        }
        _ => Err(unknown(module, function)),
    }
}
