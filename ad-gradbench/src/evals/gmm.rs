//! gmm: the log-posterior of a Gaussian mixture model with a Wishart prior on the inverse
//! covariances, `objective`, and its gradient with respect to the parameters, `jacobian`.
//!
//! Input `{"d", "k", "n", "alpha": [k], "mu": [[d]; k], "q": [[d]; k], "l": [[d(d−1)/2]; k],
//! "x": [[d]; n], "m", "gamma"}`. Component c's inverse covariance is Q_cᵀQ_c with Q_c lower
//! triangular: diagonal exp(q_c), strictly lower part l_c filled column by column.

use super::{unknown, Evaluation};
use crate::input::{field, float, floats, rows, runs, size, Result};
use crate::timing::repeat;
use serde_json::{json, Value};

/// The log-posterior, for k = `alpha.len()` components in d = `q.len() / k` dimensions and
/// n = `x.len() / d` points, all matrices flattened row by row (one component or point a row).
#[ad::differentiate(reverse, wrt(alpha, mu, q, l))]
pub fn objective(
    alpha: &[f64],
    mu: &[f64],
    q: &[f64],
    l: &[f64],
    x: &[f64],
    m: usize,
    gamma: f64,
) -> f64 {
    let k = alpha.len();
    let d = q.len() / k;
    let n = x.len() / d;
    let lsz = d * (d - 1) / 2;

    // The diagonals of the Q_c and the sums of their logarithms.
    let mut qdiag = vec![0.0; k * d];
    let mut sum_q = vec![0.0; k];
    for c in 0..k {
        for j in 0..d {
            qdiag[c * d + j] = q[c * d + j].exp();
            sum_q[c] += q[c * d + j];
        }
    }

    // Σᵢ ln Σ_c exp(β_ic), β_ic = α_c + Σⱼ q_cj − ½‖Q_c (xᵢ − μ_c)‖².
    let mut centred = vec![0.0; d];
    let mut qx = vec![0.0; d];
    let mut beta = vec![0.0; k];
    let mut sum_lse = 0.0;
    for i in 0..n {
        for c in 0..k {
            for j in 0..d {
                centred[j] = x[i * d + j] - mu[c * d + j];
            }
            // Q_c (xᵢ − μ_c), column by column: l holds column t's entries below the diagonal
            // contiguously, from t(2d − t − 1)/2.
            for j in 0..d {
                qx[j] = qdiag[c * d + j] * centred[j];
            }
            for t in 0..d {
                let column = c * lsz + t * (2 * d - t - 1) / 2;
                let xt = centred[t];
                for j in t + 1..d {
                    qx[j] += l[column + j - t - 1] * xt;
                }
            }
            let mut sqnorm = 0.0;
            for &v in &qx {
                sqnorm += v * v;
            }
            beta[c] = alpha[c] + sum_q[c] - 0.5 * sqnorm;
        }
        sum_lse += super::lse::logsumexp(&beta);
    }

    // The Wishart prior: −Σ_c [½γ²(‖exp(q_c)‖² + ‖l_c‖²) − m Σⱼ q_cj] + k C.
    let mut prior = 0.0;
    for c in 0..k {
        let mut frobenius = 0.0;
        for j in 0..d {
            frobenius += qdiag[c * d + j] * qdiag[c * d + j];
        }
        for j in 0..lsz {
            frobenius += l[c * lsz + j] * l[c * lsz + j];
        }
        prior += 0.5 * gamma * gamma * frobenius - m as f64 * sum_q[c];
    }
    let nu = (d + m + 1) as f64;
    let wishart_c =
        nu * d as f64 * (gamma.ln() - 0.5 * std::f64::consts::LN_2) - ln_multigamma(0.5 * nu, d);

    let half_ln_2pi = 0.5 * (2.0 * std::f64::consts::PI).ln();
    -(n as f64) * d as f64 * half_ln_2pi + sum_lse - n as f64 * super::lse::logsumexp(alpha)
        + k as f64 * wishart_c
        - prior
}

/// ln Γ_p(a) = p(p−1)/4 ln π + Σ_{j=1..p} ln Γ(a + (1−j)/2), the multivariate gamma function.
fn ln_multigamma(a: f64, p: usize) -> f64 {
    let mut out = 0.25 * (p * (p - 1)) as f64 * std::f64::consts::PI.ln();
    for j in 1..=p {
        out += ln_gamma(a + 0.5 * (1.0 - j as f64));
    }
    out
}

/// ln Γ(x) for x > 0 (`f64::ln_gamma` is not stable Rust): shifted up by the recurrence
/// Γ(x + 1) = x Γ(x) until Stirling's series is accurate to about 1e-16.
fn ln_gamma(mut x: f64) -> f64 {
    let mut shift = 0.0;
    while x < 16.0 {
        shift += x.ln();
        x += 1.0;
    }
    let inv = 1.0 / x;
    let inv2 = inv * inv;
    let series =
        inv * (1.0 / 12.0 - inv2 * (1.0 / 360.0 - inv2 * (1.0 / 1260.0 - inv2 * (1.0 / 1680.0))));
    (x - 0.5) * x.ln() - x + 0.5 * (2.0 * std::f64::consts::PI).ln() + series - shift
}

/// The inputs, flattened.
struct Input {
    alpha: Vec<f64>,
    mu: Vec<f64>,
    q: Vec<f64>,
    l: Vec<f64>,
    x: Vec<f64>,
    m: usize,
    gamma: f64,
}

fn read(input: &Value) -> Result<Input> {
    let (d, k) = (size(field(input, "d")?)?, size(field(input, "k")?)?);
    let alpha = floats(field(input, "alpha")?)?;
    let (mu, _) = rows(field(input, "mu")?)?;
    let (q, _) = rows(field(input, "q")?)?;
    let (l, _) = rows(field(input, "l")?)?;
    let (x, _) = rows(field(input, "x")?)?;
    let sizes_ok = k > 0
        && d > 0
        && alpha.len() == k
        && mu.len() == k * d
        && q.len() == k * d
        && l.len() == k * (d * (d - 1) / 2)
        && x.len() % d == 0;
    if !sizes_ok {
        return Err("gmm: the lengths of alpha, mu, q, l, x do not match d and k".into());
    }
    Ok(Input {
        alpha,
        mu,
        q,
        l,
        x,
        m: size(field(input, "m")?)?,
        gamma: float(field(input, "gamma")?)?,
    })
}

/// `v` cut into `count` lists of equal length.
fn split(v: &[f64], count: usize) -> Value {
    let width = v.len() / count;
    (0..count)
        .map(|c| json!(&v[c * width..(c + 1) * width]))
        .collect()
}

pub fn run(function: &str, input: &Value) -> Result<Evaluation> {
    let p = read(input)?;
    let runs = runs(input)?;
    let (alpha, mu, q, l, x) = (&p.alpha, &p.mu, &p.q, &p.l, &p.x);
    match function {
        "objective" => {
            let mut y = 0.0;
            let timings = repeat(runs, || y = objective(alpha, mu, q, l, x, p.m, p.gamma));
            Ok(Evaluation {
                output: json!(y),
                timings,
            })
        }
        "jacobian" => {
            let mut da = vec![0.0; alpha.len()];
            let mut dmu = vec![0.0; mu.len()];
            let mut dq = vec![0.0; q.len()];
            let mut dl = vec![0.0; l.len()];
            let timings = repeat(runs, || {
                for g in [&mut da, &mut dmu, &mut dq, &mut dl] {
                    g.fill(0.0);
                }
                objective_vjp(
                    alpha, &mut da, mu, &mut dmu, q, &mut dq, l, &mut dl, x, p.m, p.gamma, 1.0,
                );
            });
            let k = alpha.len();
            Ok(Evaluation {
                output: json!({
                    "alpha": da,
                    "mu": split(&dmu, k),
                    "q": split(&dq, k),
                    "l": split(&dl, k),
                }),
                timings,
            })
        }
        _ => Err(unknown("gmm", function)),
    }
}
