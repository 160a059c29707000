//! lse: log-sum-exp of a vector, `primal`, and its gradient (the softmax), `gradient`.
//! Input `{"x": [n floats]}`.

use super::{scalar_and_gradient, Evaluation};
use crate::input::{field, floats, runs, Result};
use serde_json::Value;

/// ln Σ exp(xᵢ), shifted by the largest element so that no exponential overflows.
#[ad::differentiate(reverse)]
pub fn logsumexp(x: &[f64]) -> f64 {
    let mut a = x[0];
    for &v in x {
        a = a.max(v);
    }
    let mut s = 0.0;
    for &v in x {
        s += (v - a).exp();
    }
    s.ln() + a
}

pub fn run(function: &str, input: &Value) -> Result<Evaluation> {
    let x = floats(field(input, "x")?)?;
    let runs = runs(input)?;
    scalar_and_gradient(
        "lse",
        function,
        runs,
        x.len(),
        || logsumexp(&x),
        |g| logsumexp_vjp(&x, g, 1.0),
    )
}
