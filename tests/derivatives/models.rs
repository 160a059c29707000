//! Realistic scalar models from statistics, machine learning, finance and physics. Each is
//! checked against its analytic gradient where that is short to state, otherwise against
//! finite differences, plus the forward/reverse identities (see `common::Model`).

use crate::common::Model;
use ad::differentiate;
use std::f64::consts::PI;

/// Coefficients of the logistic approximation of the standard normal CDF (Bowling et al.,
/// 2009): Φ(x) ≈ 1 / (1 + exp(−(A x + B x³))), accurate to about 1e-4, free of `erf`.
const CDF_A: f64 = 1.5976;
const CDF_B: f64 = 0.07056;
/// Lennard-Jones well depth and length scale (reduced units).
const LJ_EPSILON: f64 = 1.0;
const LJ_SIGMA: f64 = 1.0;
/// Gravitational constant, reduced units.
const G_NEWTON: f64 = 1.0;
/// Standard gravity, m/s².
const G_EARTH: f64 = 9.81;
/// Gas constant J/(mol K), and van der Waals parameters of CO₂ (SI units, per mole).
const R_GAS: f64 = 8.314;
const VDW_A: f64 = 0.3640;
const VDW_B: f64 = 4.267e-5;
/// First and second radiation constants with wavelengths in µm: W µm⁴ m⁻² sr⁻¹ and µm K.
const PLANCK_C1: f64 = 1.191_042e8;
const PLANCK_C2: f64 = 1.438_777e4;
/// Earth radius in km.
const EARTH_RADIUS: f64 = 6371.0;

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

// ---------------------------------------------------------------- statistics and ML

/// Numerically stable logistic loss of one example: log(1 + e^z) − y z with z = w x + b.
#[differentiate(forward, reverse)]
pub fn logistic_loss(w: f64, b: f64, x: f64, y: f64) -> f64 {
    let z = w * x + b;
    z.max(0.0) + (-z.abs()).exp().ln_1p() - y * z
}

#[test]
fn logistic_loss_gradient() {
    // With σ the sigmoid and z = w x + b: ∂w = (σ(z) − y) x, ∂b = σ(z) − y,
    // ∂x = (σ(z) − y) w, ∂y = −z.
    Model::new("logistic_loss", 4, 1, |p| {
        vec![logistic_loss(p[0], p[1], p[2], p[3])]
    })
    .jvp(|p, v| {
        let (l, dl) = logistic_loss_jvp(p[0], v[0], p[1], v[1], p[2], v[2], p[3], v[3]);
        (vec![l], vec![dl])
    })
    .vjp(|p, w| {
        let (l, gw, gb, gx, gy) = logistic_loss_vjp(p[0], p[1], p[2], p[3], w[0]);
        (vec![l], vec![gw, gb, gx, gy])
    })
    .gradient(|p| {
        let (w, b, x, y) = (p[0], p[1], p[2], p[3]);
        let z = w * x + b;
        let r = sigmoid(z) - y;
        vec![r * x, r, r * w, -z]
    })
    .tol(1e-11)
    .check(&[
        &[0.5, -0.2, 1.5, 1.0],
        &[-2.0, 0.3, 4.0, 0.0],
        &[3.0, 1.0, 5.0, 1.0],
        &[1.0, -8.0, 0.5, 0.0],
    ]);
}

/// log N(x | µ, σ²).
#[differentiate(forward, reverse)]
pub fn gaussian_log_density(x: f64, mu: f64, sigma: f64) -> f64 {
    let z = (x - mu) / sigma;
    -0.5 * z * z - sigma.ln() - 0.5 * (2.0 * PI).ln()
}

#[test]
fn gaussian_log_density_gradient() {
    // ∂x = −(x − µ)/σ², ∂µ = (x − µ)/σ², ∂σ = −1/σ + (x − µ)²/σ³
    Model::new("gaussian_log_density", 3, 1, |p| {
        vec![gaussian_log_density(p[0], p[1], p[2])]
    })
    .jvp(|p, v| {
        let (y, dy) = gaussian_log_density_jvp(p[0], v[0], p[1], v[1], p[2], v[2]);
        (vec![y], vec![dy])
    })
    .vjp(|p, w| {
        let (y, gx, gm, gs) = gaussian_log_density_vjp(p[0], p[1], p[2], w[0]);
        (vec![y], vec![gx, gm, gs])
    })
    .gradient(|p| {
        let (x, mu, s) = (p[0], p[1], p[2]);
        let d = x - mu;
        vec![-d / (s * s), d / (s * s), -1.0 / s + d * d / (s * s * s)]
    })
    .check(&[&[0.0, 0.0, 1.0], &[1.7, -0.4, 0.6], &[-3.0, 2.0, 2.5]]);
}

/// softplus(x) = ln(1 + eˣ).
#[differentiate(forward, reverse)]
pub fn softplus(x: f64) -> f64 {
    x.exp().ln_1p()
}

#[test]
fn softplus_is_sigmoid_integral() {
    // softplus' = σ
    Model::new("softplus", 1, 1, |p| vec![softplus(p[0])])
        .jvp(|p, v| {
            let (y, dy) = softplus_jvp(p[0], v[0]);
            (vec![y], vec![dy])
        })
        .vjp(|p, w| {
            let (y, g) = softplus_vjp(p[0], w[0]);
            (vec![y], vec![g])
        })
        .gradient(|p| vec![sigmoid(p[0])])
        .check(&[&[-20.0], &[-1.0], &[0.0], &[3.0], &[15.0]]);
}

/// Log-sum-exp of three numbers, stabilised by the maximum.
#[differentiate(forward, reverse)]
pub fn log_sum_exp3(a: f64, b: f64, c: f64) -> f64 {
    let m = a.max(b).max(c);
    m + ((a - m).exp() + (b - m).exp() + (c - m).exp()).ln()
}

#[test]
fn log_sum_exp_gradient_is_softmax() {
    // ∂ lse / ∂xᵢ = softmax(x)ᵢ (the max's own derivative cancels)
    Model::new("log_sum_exp3", 3, 1, |p| {
        vec![log_sum_exp3(p[0], p[1], p[2])]
    })
    .jvp(|p, v| {
        let (y, dy) = log_sum_exp3_jvp(p[0], v[0], p[1], v[1], p[2], v[2]);
        (vec![y], vec![dy])
    })
    .vjp(|p, w| {
        let (y, ga, gb, gc) = log_sum_exp3_vjp(p[0], p[1], p[2], w[0]);
        (vec![y], vec![ga, gb, gc])
    })
    .gradient(|p| {
        let e: Vec<f64> = p.iter().map(|x| x.exp()).collect();
        let s: f64 = e.iter().sum();
        e.iter().map(|x| x / s).collect()
    })
    .check(&[&[1.0, 2.0, 3.0], &[0.5, -1.0, 0.2], &[-4.0, -3.5, -6.0]]);
}

/// Pseudo-Huber loss δ²(√(1 + (r/δ)²) − 1): quadratic near 0, linear in the tails.
#[differentiate(forward, reverse)]
pub fn pseudo_huber(r: f64, delta: f64) -> f64 {
    let q = r / delta;
    delta * delta * ((1.0 + q * q).sqrt() - 1.0)
}

#[test]
fn pseudo_huber_gradient() {
    // With s = √(1 + (r/δ)²): ∂r = r / s, ∂δ = 2δ(s − 1) − r²/(δ s)
    Model::new("pseudo_huber", 2, 1, |p| vec![pseudo_huber(p[0], p[1])])
        .jvp(|p, v| {
            let (y, dy) = pseudo_huber_jvp(p[0], v[0], p[1], v[1]);
            (vec![y], vec![dy])
        })
        .vjp(|p, w| {
            let (y, gr, gd) = pseudo_huber_vjp(p[0], p[1], w[0]);
            (vec![y], vec![gr, gd])
        })
        .gradient(|p| {
            let (r, d) = (p[0], p[1]);
            let s = (1.0 + (r / d) * (r / d)).sqrt();
            vec![r / s, 2.0 * d * (s - 1.0) - r * r / (d * s)]
        })
        .tol(1e-11)
        .check(&[&[0.1, 1.0], &[-3.0, 1.0], &[5.0, 0.5]]);
}

/// Binary cross-entropy of a logit, with the probability clamped away from 0 and 1.
#[differentiate(forward, reverse)]
pub fn binary_cross_entropy(logit: f64, label: f64) -> f64 {
    let p = (1.0 / (1.0 + (-logit).exp())).clamp(1e-12, 1.0 - 1e-12);
    -(label * p.ln() + (1.0 - label) * (1.0 - p).ln())
}

#[test]
fn binary_cross_entropy_gradient() {
    // Inside the clamp: ∂logit = σ(z) − y, ∂y = ln((1 − p)/p) = −z
    Model::new("binary_cross_entropy", 2, 1, |p| {
        vec![binary_cross_entropy(p[0], p[1])]
    })
    .jvp(|p, v| {
        let (y, dy) = binary_cross_entropy_jvp(p[0], v[0], p[1], v[1]);
        (vec![y], vec![dy])
    })
    .vjp(|p, w| {
        let (y, gz, gy) = binary_cross_entropy_vjp(p[0], p[1], w[0]);
        (vec![y], vec![gz, gy])
    })
    .gradient(|p| vec![sigmoid(p[0]) - p[1], -p[0]])
    .tol(1e-9)
    .check(&[&[0.3, 1.0], &[-2.0, 0.0], &[4.0, 0.25]]);
    // Saturated: the clamp cuts the dependence on the logit, so ∂logit = 0 exactly.
    let (_, gz, _) = binary_cross_entropy_vjp(40.0, 1.0, 1.0);
    assert_eq!(gz, 0.0);
}

/// A 2-3-1 perceptron with tanh hidden units and a sigmoid output (fixed weights).
#[differentiate(forward, reverse)]
pub fn mlp(x1: f64, x2: f64) -> f64 {
    let h1 = (0.5 * x1 - 0.3 * x2 + 0.1).tanh();
    let h2 = (-0.8 * x1 + 0.2 * x2 - 0.4).tanh();
    let h3 = (0.3 * x1 + 0.9 * x2).tanh();
    let z = 1.2 * h1 - 0.7 * h2 + 0.5 * h3 + 0.05;
    1.0 / (1.0 + (-z).exp())
}

#[test]
fn mlp_gradient() {
    Model::new("mlp", 2, 1, |p| vec![mlp(p[0], p[1])])
        .jvp(|p, v| {
            let (y, dy) = mlp_jvp(p[0], v[0], p[1], v[1]);
            (vec![y], vec![dy])
        })
        .vjp(|p, w| {
            let (y, g1, g2) = mlp_vjp(p[0], p[1], w[0]);
            (vec![y], vec![g1, g2])
        })
        .check(&[&[0.0, 0.0], &[1.0, -2.0], &[-3.0, 0.5]]);
}

/// Log of the Beta density kernel (a − 1) ln x + (b − 1) ln(1 − x), without the normaliser.
#[differentiate(forward, reverse)]
pub fn beta_log_kernel(x: f64, a: f64, b: f64) -> f64 {
    (a - 1.0) * x.ln() + (b - 1.0) * (1.0 - x).ln()
}

#[test]
fn beta_log_kernel_gradient() {
    // ∂x = (a − 1)/x − (b − 1)/(1 − x), ∂a = ln x, ∂b = ln(1 − x)
    Model::new("beta_log_kernel", 3, 1, |p| {
        vec![beta_log_kernel(p[0], p[1], p[2])]
    })
    .jvp(|p, v| {
        let (y, dy) = beta_log_kernel_jvp(p[0], v[0], p[1], v[1], p[2], v[2]);
        (vec![y], vec![dy])
    })
    .vjp(|p, w| {
        let (y, gx, ga, gb) = beta_log_kernel_vjp(p[0], p[1], p[2], w[0]);
        (vec![y], vec![gx, ga, gb])
    })
    .gradient(|p| {
        let (x, a, b) = (p[0], p[1], p[2]);
        vec![
            (a - 1.0) / x - (b - 1.0) / (1.0 - x),
            x.ln(),
            (1.0 - x).ln(),
        ]
    })
    .step(1e-4)
    .check(&[&[0.3, 2.0, 5.0], &[0.8, 0.5, 1.5]]);
}

/// Poisson log-likelihood k ln λ − λ − ln k!, with Stirling's series for ln k! and a constant
/// count `k`.
#[differentiate(forward, reverse)]
pub fn poisson_log_likelihood(lambda: f64, k: usize) -> f64 {
    let kf = k as f64 + 1.0;
    let ln_k_factorial = (kf - 0.5) * kf.ln() - kf + 0.5 * (2.0 * PI).ln() + 1.0 / (12.0 * kf);
    kf.mul_add(lambda.ln(), -lambda) - lambda.ln() - ln_k_factorial
}

#[test]
fn poisson_log_likelihood_gradient() {
    for k in [0usize, 3, 20] {
        // d/dλ = k/λ − 1
        Model::new("poisson_log_likelihood", 1, 1, move |p| {
            vec![poisson_log_likelihood(p[0], k)]
        })
        .jvp(move |p, v| {
            let (y, dy) = poisson_log_likelihood_jvp(p[0], v[0], k);
            (vec![y], vec![dy])
        })
        .vjp(move |p, w| {
            let (y, g) = poisson_log_likelihood_vjp(p[0], k, w[0]);
            (vec![y], vec![g])
        })
        .gradient(move |p| vec![k as f64 / p[0] - 1.0])
        .tol(1e-11)
        .check(&[&[0.5], &[4.0], &[25.0]]);
    }
}

/// Stirling's series for ln Γ(x).
#[differentiate(forward, reverse)]
pub fn ln_gamma_stirling(x: f64) -> f64 {
    (x - 0.5) * x.ln() - x + 0.5 * (2.0 * PI).ln() + 1.0 / (12.0 * x) - 1.0 / (360.0 * x.powi(3))
}

#[test]
fn ln_gamma_stirling_gradient() {
    // d/dx = ln x − 1/(2x) − 1/(12x²) + 1/(120x⁴), an approximation of the digamma function
    Model::new("ln_gamma_stirling", 1, 1, |p| vec![ln_gamma_stirling(p[0])])
        .jvp(|p, v| {
            let (y, dy) = ln_gamma_stirling_jvp(p[0], v[0]);
            (vec![y], vec![dy])
        })
        .vjp(|p, w| {
            let (y, g) = ln_gamma_stirling_vjp(p[0], w[0]);
            (vec![y], vec![g])
        })
        .gradient(|p| {
            let x = p[0];
            vec![x.ln() - 0.5 / x - 1.0 / (12.0 * x * x) + 1.0 / (120.0 * x.powi(4))]
        })
        .tol(1e-11)
        .check(&[&[1.5], &[5.0], &[40.0]]);
}

/// A smoothstep ramp between two edges, with `clamp` for the saturation.
#[differentiate(forward, reverse)]
pub fn smoothstep(x: f64, edge0: f64, edge1: f64) -> f64 {
    let t = ((x - edge0) / (edge1 - edge0)).clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
}

#[test]
fn smoothstep_gradient() {
    // Inside the ramp, with t = (x − e0)/(e1 − e0) and s'(t) = 6t(1 − t):
    // ∂x = s'/(e1 − e0), ∂e0 = s' (t − 1)/(e1 − e0), ∂e1 = −s' t/(e1 − e0); outside, all 0.
    Model::new("smoothstep", 3, 1, |p| vec![smoothstep(p[0], p[1], p[2])])
        .jvp(|p, v| {
            let (y, dy) = smoothstep_jvp(p[0], v[0], p[1], v[1], p[2], v[2]);
            (vec![y], vec![dy])
        })
        .vjp(|p, w| {
            let (y, gx, g0, g1) = smoothstep_vjp(p[0], p[1], p[2], w[0]);
            (vec![y], vec![gx, g0, g1])
        })
        .gradient(|p| {
            let (x, e0, e1) = (p[0], p[1], p[2]);
            let t = (x - e0) / (e1 - e0);
            if !(0.0..=1.0).contains(&t) {
                return vec![0.0; 3];
            }
            let ds = 6.0 * t * (1.0 - t);
            vec![
                ds / (e1 - e0),
                ds * (t - 1.0) / (e1 - e0),
                -ds * t / (e1 - e0),
            ]
        })
        .check(&[
            &[0.3, 0.0, 1.0],
            &[2.5, 1.0, 4.0],
            &[-1.0, 0.0, 1.0],
            &[7.0, 0.0, 1.0],
        ]);
}

// ---------------------------------------------------------------- finance

/// Black–Scholes price of a European call, with the logistic approximation of Φ.
#[differentiate(forward, reverse)]
pub fn black_scholes_call(spot: f64, strike: f64, years: f64, rate: f64, vol: f64) -> f64 {
    let sqrt_t = years.sqrt();
    let d1 = ((spot / strike).ln() + (rate + 0.5 * vol * vol) * years) / (vol * sqrt_t);
    let d2 = d1 - vol * sqrt_t;
    let n1 = 1.0 / (1.0 + (-(CDF_A * d1 + CDF_B * d1 * d1 * d1)).exp());
    let n2 = 1.0 / (1.0 + (-(CDF_A * d2 + CDF_B * d2.powi(3))).exp());
    spot * n1 - strike * (-rate * years).exp() * n2
}

#[test]
fn black_scholes_greeks() {
    Model::new("black_scholes_call", 5, 1, |p| {
        vec![black_scholes_call(p[0], p[1], p[2], p[3], p[4])]
    })
    .jvp(|p, v| {
        let (c, dc) =
            black_scholes_call_jvp(p[0], v[0], p[1], v[1], p[2], v[2], p[3], v[3], p[4], v[4]);
        (vec![c], vec![dc])
    })
    .vjp(|p, w| {
        let (c, ds, dk, dt, dr, dv) = black_scholes_call_vjp(p[0], p[1], p[2], p[3], p[4], w[0]);
        (vec![c], vec![ds, dk, dt, dr, dv])
    })
    .check(&[
        &[100.0, 100.0, 1.0, 0.05, 0.2],
        &[120.0, 100.0, 0.5, 0.01, 0.35],
        &[80.0, 95.0, 2.0, 0.03, 0.15],
    ]);
    // The price is homogeneous of degree 1 in (spot, strike), so by Euler's theorem
    // spot ∂C/∂spot + strike ∂C/∂strike = C.
    let (c, ds, dk, _, _, _) = black_scholes_call_vjp(110.0, 100.0, 0.75, 0.02, 0.25, 1.0);
    approx::assert_relative_eq!(110.0 * ds + 100.0 * dk, c, max_relative = 1e-12);
}

// ---------------------------------------------------------------- physics

/// Energy of a spring between two points in the plane: ½ k (|p₂ − p₁| − L)².
#[differentiate(forward, reverse)]
pub fn spring_energy(x1: f64, y1: f64, x2: f64, y2: f64, k: f64, rest: f64) -> f64 {
    let length = (x2 - x1).hypot(y2 - y1);
    let stretch = length - rest;
    0.5 * k * stretch * stretch
}

#[test]
fn spring_energy_gradient() {
    // With d = p₂ − p₁, L = |d|, e = L − rest: ∂p₂ = k e d / L = −∂p₁, ∂k = e²/2, ∂rest = −k e
    Model::new("spring_energy", 6, 1, |p| {
        vec![spring_energy(p[0], p[1], p[2], p[3], p[4], p[5])]
    })
    .jvp(|p, v| {
        let (e, de) = spring_energy_jvp(
            p[0], v[0], p[1], v[1], p[2], v[2], p[3], v[3], p[4], v[4], p[5], v[5],
        );
        (vec![e], vec![de])
    })
    .vjp(|p, w| {
        let (e, a, b, c, d, gk, gl) = spring_energy_vjp(p[0], p[1], p[2], p[3], p[4], p[5], w[0]);
        (vec![e], vec![a, b, c, d, gk, gl])
    })
    .gradient(|p| {
        let (dx, dy, k, rest) = (p[2] - p[0], p[3] - p[1], p[4], p[5]);
        let l = (dx * dx + dy * dy).sqrt();
        let e = l - rest;
        vec![
            -k * e * dx / l,
            -k * e * dy / l,
            k * e * dx / l,
            k * e * dy / l,
            0.5 * e * e,
            -k * e,
        ]
    })
    .check(&[
        &[0.0, 0.0, 1.5, 0.5, 10.0, 1.0],
        &[-1.0, 2.0, 0.5, -0.5, 3.0, 4.0],
    ]);
}

/// Lennard-Jones potential between two atoms in 3-D.
#[differentiate(forward, reverse)]
pub fn lennard_jones(x1: f64, y1: f64, z1: f64, x2: f64, y2: f64, z2: f64) -> f64 {
    let r2 = (x2 - x1).powi(2) + (y2 - y1).powi(2) + (z2 - z1).powi(2);
    let s6 = (LJ_SIGMA * LJ_SIGMA / r2).powi(3);
    4.0 * LJ_EPSILON * (s6 * s6 - s6)
}

#[test]
fn lennard_jones_forces() {
    // V(r) = 4ε((σ/r)¹² − (σ/r)⁶), V'(r) = 4ε(−12σ¹²/r¹³ + 6σ⁶/r⁷); ∂p₂ = V'(r) (p₂ − p₁)/r = −∂p₁
    Model::new("lennard_jones", 6, 1, |p| {
        vec![lennard_jones(p[0], p[1], p[2], p[3], p[4], p[5])]
    })
    .jvp(|p, v| {
        let (e, de) = lennard_jones_jvp(
            p[0], v[0], p[1], v[1], p[2], v[2], p[3], v[3], p[4], v[4], p[5], v[5],
        );
        (vec![e], vec![de])
    })
    .vjp(|p, w| {
        let (e, a, b, c, d, f, g) = lennard_jones_vjp(p[0], p[1], p[2], p[3], p[4], p[5], w[0]);
        (vec![e], vec![a, b, c, d, f, g])
    })
    .gradient(|p| {
        let d = [p[3] - p[0], p[4] - p[1], p[5] - p[2]];
        let r = (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]).sqrt();
        let dv = 4.0
            * LJ_EPSILON
            * (-12.0 * LJ_SIGMA.powi(12) / r.powi(13) + 6.0 * LJ_SIGMA.powi(6) / r.powi(7));
        let f: Vec<f64> = d.iter().map(|c| dv * c / r).collect();
        vec![-f[0], -f[1], -f[2], f[0], f[1], f[2]]
    })
    .tol(1e-11)
    .check(&[
        &[0.0, 0.0, 0.0, 1.1, 0.2, -0.1],
        &[0.3, -0.4, 0.5, 1.0, 0.6, 1.4],
    ]);
    // At the minimum r = 2^(1/6) σ the force vanishes.
    let r_min = 2f64.powf(1.0 / 6.0) * LJ_SIGMA;
    let (_, g, ..) = lennard_jones_vjp(0.0, 0.0, 0.0, r_min, 0.0, 0.0, 1.0);
    approx::assert_abs_diff_eq!(g, 0.0, epsilon = 1e-12);
}

/// Newtonian potential energy of two point masses in the plane.
#[differentiate(forward, reverse)]
pub fn gravity_potential(m1: f64, m2: f64, x1: f64, y1: f64, x2: f64, y2: f64) -> f64 {
    let r = (x2 - x1).hypot(y2 - y1);
    -G_NEWTON * m1 * m2 / r
}

#[test]
fn gravity_potential_gradient() {
    // U = −G m₁ m₂ / r: ∂m₁ = U/m₁, ∂m₂ = U/m₂, ∂p₂ = G m₁ m₂ (p₂ − p₁)/r³ = −∂p₁
    Model::new("gravity_potential", 6, 1, |p| {
        vec![gravity_potential(p[0], p[1], p[2], p[3], p[4], p[5])]
    })
    .jvp(|p, v| {
        let (e, de) = gravity_potential_jvp(
            p[0], v[0], p[1], v[1], p[2], v[2], p[3], v[3], p[4], v[4], p[5], v[5],
        );
        (vec![e], vec![de])
    })
    .vjp(|p, w| {
        let (e, a, b, c, d, f, g) = gravity_potential_vjp(p[0], p[1], p[2], p[3], p[4], p[5], w[0]);
        (vec![e], vec![a, b, c, d, f, g])
    })
    .gradient(|p| {
        let (m1, m2) = (p[0], p[1]);
        let (dx, dy) = (p[4] - p[2], p[5] - p[3]);
        let r = (dx * dx + dy * dy).sqrt();
        let u = -G_NEWTON * m1 * m2 / r;
        let c = G_NEWTON * m1 * m2 / (r * r * r);
        vec![u / m1, u / m2, -c * dx, -c * dy, c * dx, c * dy]
    })
    .check(&[
        &[1.0, 2.0, 0.0, 0.0, 3.0, 4.0],
        &[5.0, 0.1, -1.0, 1.0, 0.5, -0.25],
    ]);
}

/// Energy of a pendulum: ½ m l² ω² + m g l (1 − cos θ).
#[differentiate(forward, reverse)]
pub fn pendulum_energy(theta: f64, omega: f64, mass: f64, length: f64) -> f64 {
    0.5 * mass * length * length * omega * omega + mass * G_EARTH * length * (1.0 - theta.cos())
}

#[test]
fn pendulum_energy_gradient() {
    // ∂θ = m g l sin θ, ∂ω = m l² ω, ∂m = E/m, ∂l = m l ω² + m g (1 − cos θ)
    Model::new("pendulum_energy", 4, 1, |p| {
        vec![pendulum_energy(p[0], p[1], p[2], p[3])]
    })
    .jvp(|p, v| {
        let (e, de) = pendulum_energy_jvp(p[0], v[0], p[1], v[1], p[2], v[2], p[3], v[3]);
        (vec![e], vec![de])
    })
    .vjp(|p, w| {
        let (e, a, b, c, d) = pendulum_energy_vjp(p[0], p[1], p[2], p[3], w[0]);
        (vec![e], vec![a, b, c, d])
    })
    .gradient(|p| {
        let (th, om, m, l) = (p[0], p[1], p[2], p[3]);
        let e = pendulum_energy(th, om, m, l);
        vec![
            m * G_EARTH * l * th.sin(),
            m * l * l * om,
            e / m,
            m * l * om * om + m * G_EARTH * (1.0 - th.cos()),
        ]
    })
    .check(&[&[0.3, 1.0, 2.0, 0.5], &[-2.5, -0.2, 0.7, 1.5]]);
}

/// Relativistic kinetic energy (γ − 1) m c², c = 1.
#[differentiate(forward, reverse)]
pub fn relativistic_kinetic_energy(mass: f64, speed: f64) -> f64 {
    let gamma = 1.0 / (1.0 - speed * speed).sqrt();
    (gamma - 1.0) * mass
}

#[test]
fn relativistic_kinetic_energy_gradient() {
    // ∂m = γ − 1, ∂v = m v γ³
    Model::new("relativistic_kinetic_energy", 2, 1, |p| {
        vec![relativistic_kinetic_energy(p[0], p[1])]
    })
    .jvp(|p, v| {
        let (e, de) = relativistic_kinetic_energy_jvp(p[0], v[0], p[1], v[1]);
        (vec![e], vec![de])
    })
    .vjp(|p, w| {
        let (e, gm, gv) = relativistic_kinetic_energy_vjp(p[0], p[1], w[0]);
        (vec![e], vec![gm, gv])
    })
    .gradient(|p| {
        let (m, v) = (p[0], p[1]);
        let g = 1.0 / (1.0 - v * v).sqrt();
        vec![g - 1.0, m * v * g * g * g]
    })
    .step(1e-4)
    .check(&[&[1.0, 0.1], &[2.0, 0.6], &[0.5, 0.95]]);
    // At low speed it reduces to ½ m v², whose derivative in v is m v.
    let (_, _, gv) = relativistic_kinetic_energy_vjp(3.0, 1e-4, 1.0);
    approx::assert_relative_eq!(gv, 3.0 * 1e-4, max_relative = 1e-7);
}

/// Van der Waals pressure of one mole of CO₂, SI units.
#[differentiate(forward, reverse)]
pub fn van_der_waals_pressure(volume: f64, temperature: f64) -> f64 {
    R_GAS * temperature / (volume - VDW_B) - VDW_A / (volume * volume)
}

#[test]
fn van_der_waals_gradient() {
    // ∂V = −R T/(V − b)² + 2a/V³, ∂T = R/(V − b)
    Model::new("van_der_waals_pressure", 2, 1, |p| {
        vec![van_der_waals_pressure(p[0], p[1])]
    })
    .jvp(|p, v| {
        let (y, dy) = van_der_waals_pressure_jvp(p[0], v[0], p[1], v[1]);
        (vec![y], vec![dy])
    })
    .vjp(|p, w| {
        let (y, gv, gt) = van_der_waals_pressure_vjp(p[0], p[1], w[0]);
        (vec![y], vec![gv, gt])
    })
    .gradient(|p| {
        let (v, t) = (p[0], p[1]);
        vec![
            -R_GAS * t / ((v - VDW_B) * (v - VDW_B)) + 2.0 * VDW_A / (v * v * v),
            R_GAS / (v - VDW_B),
        ]
    })
    .no_fd() // volumes of 1e-3 m³ are far below the finite-difference step's scale
    .check(&[&[1e-3, 300.0], &[2.2e-2, 273.15], &[5e-4, 350.0]]);
}

/// Arrhenius rate k = A exp(−Eₐ/(R T)).
#[differentiate(forward, reverse)]
pub fn arrhenius(prefactor: f64, activation: f64, temperature: f64) -> f64 {
    prefactor * (-activation / (R_GAS * temperature)).exp()
}

#[test]
fn arrhenius_gradient() {
    // ∂A = k/A, ∂Eₐ = −k/(R T), ∂T = k Eₐ/(R T²)
    Model::new("arrhenius", 3, 1, |p| vec![arrhenius(p[0], p[1], p[2])])
        .jvp(|p, v| {
            let (y, dy) = arrhenius_jvp(p[0], v[0], p[1], v[1], p[2], v[2]);
            (vec![y], vec![dy])
        })
        .vjp(|p, w| {
            let (y, ga, ge, gt) = arrhenius_vjp(p[0], p[1], p[2], w[0]);
            (vec![y], vec![ga, ge, gt])
        })
        .gradient(|p| {
            let (a, e, t) = (p[0], p[1], p[2]);
            let k = arrhenius(a, e, t);
            vec![k / a, -k / (R_GAS * t), k * e / (R_GAS * t * t)]
        })
        .check(&[&[1e3, 5e3, 300.0], &[2.0, 2e4, 800.0]]);
}

/// Spectral radiance of a black body (Planck's law), wavelength in µm, temperature in K.
#[differentiate(forward, reverse)]
pub fn planck_radiance(wavelength: f64, temperature: f64) -> f64 {
    PLANCK_C1 / wavelength.powi(5) / (PLANCK_C2 / (wavelength * temperature)).exp_m1()
}

#[test]
fn planck_radiance_gradient() {
    // With x = c₂/(λT) and B = c₁ λ⁻⁵ / (eˣ − 1), q = eˣ/(eˣ − 1):
    // ∂λ = B (−5 + x q)/λ, ∂T = B x q / T
    Model::new("planck_radiance", 2, 1, |p| {
        vec![planck_radiance(p[0], p[1])]
    })
    .jvp(|p, v| {
        let (y, dy) = planck_radiance_jvp(p[0], v[0], p[1], v[1]);
        (vec![y], vec![dy])
    })
    .vjp(|p, w| {
        let (y, gl, gt) = planck_radiance_vjp(p[0], p[1], w[0]);
        (vec![y], vec![gl, gt])
    })
    .gradient(|p| {
        let (l, t) = (p[0], p[1]);
        let b = planck_radiance(l, t);
        let x = PLANCK_C2 / (l * t);
        let q = x.exp() / x.exp_m1();
        vec![b * (-5.0 + x * q) / l, b * x * q / t]
    })
    .tol(1e-11)
    .check(&[&[0.5, 5800.0], &[10.0, 300.0], &[2.0, 1500.0]]);
}

/// Damped harmonic oscillator x(t) = A e^(−γt) cos(ωt + φ).
#[differentiate(forward, reverse)]
pub fn damped_oscillator(t: f64, amplitude: f64, damping: f64, omega: f64, phase: f64) -> f64 {
    amplitude * (-damping * t).exp() * (omega * t + phase).cos()
}

#[test]
fn damped_oscillator_gradient() {
    Model::new("damped_oscillator", 5, 1, |p| {
        vec![damped_oscillator(p[0], p[1], p[2], p[3], p[4])]
    })
    .jvp(|p, v| {
        let (y, dy) =
            damped_oscillator_jvp(p[0], v[0], p[1], v[1], p[2], v[2], p[3], v[3], p[4], v[4]);
        (vec![y], vec![dy])
    })
    .vjp(|p, w| {
        let (y, a, b, c, d, e) = damped_oscillator_vjp(p[0], p[1], p[2], p[3], p[4], w[0]);
        (vec![y], vec![a, b, c, d, e])
    })
    .check(&[&[0.5, 2.0, 0.3, 4.0, 0.1], &[3.0, 1.0, 0.05, 1.5, -1.0]]);
}

/// Great-circle distance between two points given in degrees (haversine formula).
#[differentiate(forward, reverse)]
pub fn haversine_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS * h.sqrt().asin()
}

#[test]
fn haversine_gradient() {
    Model::new("haversine_km", 4, 1, |p| {
        vec![haversine_km(p[0], p[1], p[2], p[3])]
    })
    .jvp(|p, v| {
        let (y, dy) = haversine_km_jvp(p[0], v[0], p[1], v[1], p[2], v[2], p[3], v[3]);
        (vec![y], vec![dy])
    })
    .vjp(|p, w| {
        let (y, a, b, c, d) = haversine_km_vjp(p[0], p[1], p[2], p[3], w[0]);
        (vec![y], vec![a, b, c, d])
    })
    .check(&[
        &[48.85, 2.35, 51.51, -0.13],   // Paris → London
        &[40.71, -74.0, 35.68, 139.69], // New York → Tokyo
        &[-33.87, 151.21, -37.81, 144.96],
    ]);
    // Along a meridian the distance grows by R·π/180 km per degree of latitude.
    let (_, _, _, dlat2, _) = haversine_km_vjp(10.0, 5.0, 20.0, 5.0, 1.0);
    approx::assert_relative_eq!(dlat2, EARTH_RADIUS * PI / 180.0, max_relative = 1e-12);
}

/// Area of a triangle from its side lengths (Heron's formula).
#[differentiate(forward, reverse)]
pub fn heron_area(a: f64, b: f64, c: f64) -> f64 {
    let s = 0.5 * (a + b + c);
    (s * (s - a) * (s - b) * (s - c)).sqrt()
}

#[test]
fn heron_area_gradient() {
    // Area = ½ a h_a, and ∂Area/∂a = a (b² + c² − a²) / (8 Area) = (a/2) cot α ... stated as
    // ∂a = a (b² + c² − a²) / (8 A), and cyclically.
    Model::new("heron_area", 3, 1, |p| vec![heron_area(p[0], p[1], p[2])])
        .jvp(|p, v| {
            let (y, dy) = heron_area_jvp(p[0], v[0], p[1], v[1], p[2], v[2]);
            (vec![y], vec![dy])
        })
        .vjp(|p, w| {
            let (y, ga, gb, gc) = heron_area_vjp(p[0], p[1], p[2], w[0]);
            (vec![y], vec![ga, gb, gc])
        })
        .gradient(|p| {
            let (a, b, c) = (p[0], p[1], p[2]);
            let area = heron_area(a, b, c);
            vec![
                a * (b * b + c * c - a * a) / (8.0 * area),
                b * (a * a + c * c - b * b) / (8.0 * area),
                c * (a * a + b * b - c * c) / (8.0 * area),
            ]
        })
        .tol(1e-11)
        .check(&[&[3.0, 4.0, 5.0], &[2.0, 2.0, 3.5], &[1.0, 1.0, 1.0]]);
}

/// Ramanujan's approximation of an ellipse's perimeter.
#[differentiate(forward, reverse)]
pub fn ellipse_perimeter(a: f64, b: f64) -> f64 {
    PI * (3.0 * (a + b) - ((3.0 * a + b) * (a + 3.0 * b)).sqrt())
}

#[test]
fn ellipse_perimeter_gradient() {
    // ∂a = π (3 − (3(a + 3b) + (3a + b)) / (2√((3a + b)(a + 3b)))), symmetric in b
    Model::new("ellipse_perimeter", 2, 1, |p| {
        vec![ellipse_perimeter(p[0], p[1])]
    })
    .jvp(|p, v| {
        let (y, dy) = ellipse_perimeter_jvp(p[0], v[0], p[1], v[1]);
        (vec![y], vec![dy])
    })
    .vjp(|p, w| {
        let (y, ga, gb) = ellipse_perimeter_vjp(p[0], p[1], w[0]);
        (vec![y], vec![ga, gb])
    })
    .gradient(|p| {
        let (a, b) = (p[0], p[1]);
        let root = ((3.0 * a + b) * (a + 3.0 * b)).sqrt();
        vec![
            PI * (3.0 - (3.0 * (a + 3.0 * b) + (3.0 * a + b)) / (2.0 * root)),
            PI * (3.0 - ((3.0 * a + b) * 3.0 + (a + 3.0 * b)) / (2.0 * root)),
        ]
    })
    .check(&[&[1.0, 1.0], &[3.0, 0.5]]);
    // A circle of radius r has perimeter 2πr, and d/dr along a = b = r is 2π.
    let (_, da) = ellipse_perimeter_jvp(2.0, 1.0, 2.0, 1.0);
    approx::assert_relative_eq!(da, 2.0 * PI, max_relative = 1e-14);
}

/// Softened Coulomb energy q₁ q₂ / √(r² + ε²) of two charges in the plane.
#[differentiate(forward, reverse)]
pub fn softened_coulomb(q1: f64, q2: f64, dx: f64, dy: f64, soft: f64) -> f64 {
    q1 * q2 / (dx * dx + dy * dy + soft * soft).sqrt()
}

#[test]
fn softened_coulomb_gradient() {
    // With ρ² = dx² + dy² + ε² and U = q₁q₂/ρ:
    // ∂q₁ = U/q₁, ∂q₂ = U/q₂, ∂dx = −U dx/ρ², ∂dy = −U dy/ρ², ∂ε = −U ε/ρ²
    Model::new("softened_coulomb", 5, 1, |p| {
        vec![softened_coulomb(p[0], p[1], p[2], p[3], p[4])]
    })
    .jvp(|p, v| {
        let (y, dy) =
            softened_coulomb_jvp(p[0], v[0], p[1], v[1], p[2], v[2], p[3], v[3], p[4], v[4]);
        (vec![y], vec![dy])
    })
    .vjp(|p, w| {
        let (y, a, b, c, d, e) = softened_coulomb_vjp(p[0], p[1], p[2], p[3], p[4], w[0]);
        (vec![y], vec![a, b, c, d, e])
    })
    .gradient(|p| {
        let (q1, q2, dx, dy, e) = (p[0], p[1], p[2], p[3], p[4]);
        let rho2 = dx * dx + dy * dy + e * e;
        let u = q1 * q2 / rho2.sqrt();
        vec![
            u / q1,
            u / q2,
            -u * dx / rho2,
            -u * dy / rho2,
            -u * e / rho2,
        ]
    })
    .check(&[&[1.0, -1.0, 0.5, 0.2, 0.1], &[2.0, 3.0, -1.0, 2.0, 0.5]]);
}
