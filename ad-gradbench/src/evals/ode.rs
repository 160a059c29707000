//! ode: the linear chain y₀' = x₀, yᵢ' = xᵢ yᵢ₋₁ from y(0) = 0, integrated to t = 2 by classic
//! RK4 with s steps. `primal` is y(2), `gradient` the gradient of its last element with
//! respect to x. Input `{"x": [n floats], "s": int}`.

use super::{unknown, Evaluation};
use crate::input::{field, floats, runs, size, Result};
use crate::timing::repeat;
use serde_json::{json, Value};

/// The right-hand side f(x, y)ᵢ = xᵢ yᵢ₋₁ (f₀ = x₀), written into `dy`.
#[ad::differentiate(forward, reverse)]
pub fn rhs(x: &[f64], y: &[f64], dy: &mut [f64]) {
    dy[0] = x[0];
    for i in 1..y.len() {
        dy[i] = x[i] * y[i - 1];
    }
}

/// Integrates from y = 0 over [0, 2] with `s` RK4 steps, leaving y(2) in `y`.
#[ad::differentiate(reverse)]
pub fn integrate(x: &[f64], s: usize, y: &mut [f64]) {
    let n = x.len();
    let h = 2.0 / s as f64;
    let mut k1 = vec![0.0; n];
    let mut k2 = vec![0.0; n];
    let mut k3 = vec![0.0; n];
    let mut k4 = vec![0.0; n];
    let mut tmp = vec![0.0; n];
    y.fill(0.0);
    for _ in 0..s {
        rhs(x, y, &mut k1);
        for i in 0..n {
            tmp[i] = y[i] + 0.5 * h * k1[i];
        }
        rhs(x, &tmp, &mut k2);
        for i in 0..n {
            tmp[i] = y[i] + 0.5 * h * k2[i];
        }
        rhs(x, &tmp, &mut k3);
        for i in 0..n {
            tmp[i] = y[i] + h * k3[i];
        }
        rhs(x, &tmp, &mut k4);
        for i in 0..n {
            y[i] += h / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]);
        }
    }
}

pub fn run(function: &str, input: &Value) -> Result<Evaluation> {
    let x = floats(field(input, "x")?)?;
    let s = size(field(input, "s")?)?;
    let runs = runs(input)?;
    let n = x.len();
    let mut y = vec![0.0; n];
    let timings = match function {
        "primal" => repeat(runs, || integrate(&x, s, &mut y)),
        "gradient" => {
            let mut g = vec![0.0; n];
            let mut seed = vec![0.0; n];
            let timings = repeat(runs, || {
                g.fill(0.0);
                seed.fill(0.0);
                seed[n - 1] = 1.0;
                integrate_vjp(&x, &mut g, s, &mut y, &mut seed);
            });
            y = g;
            timings
        }
        _ => return Err(unknown("ode", function)),
    };
    Ok(Evaluation {
        output: json!(y),
        timings,
    })
}
