//! llsq: linear least squares, fitting a degree-(m−1) polynomial to sign(t) at n points of
//! [−1, 1]. `primal` is the loss, `gradient` its gradient with respect to the m coefficients.
//! Input `{"x": [m floats], "n": int}`.

use super::{scalar_and_gradient, Evaluation};
use crate::input::{field, floats, runs, size, Result};
use serde_json::Value;

/// ½ Σᵢ (sign(tᵢ) − Σⱼ xⱼ tᵢʲ)² with tᵢ = −1 + 2i/(n−1).
#[ad::differentiate(reverse)]
pub fn llsq(x: &[f64], n: usize) -> f64 {
    let mut sum = 0.0;
    for i in 0..n {
        let t = -1.0 + 2.0 * i as f64 / (n as f64 - 1.0);
        // Not `t.signum()`: the sign of 0 is 0 here.
        let mut r = if t > 0.0 {
            1.0
        } else if t < 0.0 {
            -1.0
        } else {
            0.0
        };
        let mut power = 1.0;
        for &c in x {
            r -= c * power;
            power *= t;
        }
        sum += r * r;
    }
    0.5 * sum
}

pub fn run(function: &str, input: &Value) -> Result<Evaluation> {
    let x = floats(field(input, "x")?)?;
    let n = size(field(input, "n")?)?;
    let runs = runs(input)?;
    scalar_and_gradient(
        "llsq",
        function,
        runs,
        x.len(),
        || llsq(&x, n),
        |g| llsq_vjp(&x, g, n, 1.0),
    )
}
