//! hello: `square(x) = x²` and `double`, its derivative. Input and output are bare numbers.

use super::{unknown, Evaluation};
use crate::input::{float, Result};
use crate::timing::{repeat, Runs};
use serde_json::json;
use serde_json::Value;

/// x².
#[ad::differentiate(reverse)]
pub fn square(x: f64) -> f64 {
    x * x
}

pub fn run(function: &str, input: &Value) -> Result<Evaluation> {
    let x = float(input)?;
    let mut y = 0.0;
    // hello sends no run counts: one run each.
    let timings = match function {
        "square" => repeat(Runs::ONCE, || y = square(x)),
        "double" => repeat(Runs::ONCE, || y = square_vjp(x, 1.0).1),
        _ => return Err(unknown("hello", function)),
    };
    Ok(Evaluation {
        output: json!(y),
        timings,
    })
}
