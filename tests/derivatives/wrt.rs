//! `wrt(..)` narrows the active parameters: float parameters not named become constants, with
//! no tangent in `f_jvp` and no adjoint in `f_vjp`. The derivatives of the narrowed function
//! must equal the corresponding partials of the same function without `wrt`.

use crate::common::Model;
use ad::differentiate;

/// A Gaussian bump, differentiated only in x; µ and σ are constants.
#[differentiate(forward, reverse, wrt(x))]
fn bump_x(x: f64, mu: f64, sigma: f64) -> f64 {
    let z = (x - mu) / sigma;
    (-0.5 * z * z).exp()
}

/// The same bump with every float parameter active.
#[differentiate(forward, reverse)]
fn bump_all(x: f64, mu: f64, sigma: f64) -> f64 {
    let z = (x - mu) / sigma;
    (-0.5 * z * z).exp()
}

#[test]
fn narrowed_to_one_parameter() {
    // Signatures per the contract: the constants keep their place, without tangent/adjoint.
    let _: fn(f64, f64, f64, f64) -> (f64, f64) = bump_x_jvp;
    let _: fn(f64, f64, f64, f64) -> (f64, f64) = bump_x_vjp;
    for (mu, sigma) in [(0.0, 1.0), (1.5, 0.4), (-2.0, 3.0)] {
        // ∂x = −(x − µ)/σ² · bump
        Model::new("bump_x", 1, 1, move |p| vec![bump_x(p[0], mu, sigma)])
            .jvp(move |p, v| {
                let (y, dy) = bump_x_jvp(p[0], v[0], mu, sigma);
                (vec![y], vec![dy])
            })
            .vjp(move |p, w| {
                let (y, g) = bump_x_vjp(p[0], mu, sigma, w[0]);
                (vec![y], vec![g])
            })
            .gradient(move |p| {
                let z = (p[0] - mu) / sigma;
                vec![-z / sigma * (-0.5 * z * z).exp()]
            })
            .check(&[&[-1.0], &[0.2], &[2.5]]);
        // Same partial as the un-narrowed function.
        for x in [-0.7, 0.0, 1.9] {
            let (y_all, gx, _, _) = bump_all_vjp(x, mu, sigma, 1.0);
            let (y, g) = bump_x_vjp(x, mu, sigma, 1.0);
            assert_eq!(y, y_all);
            assert_eq!(y, bump_all(x, mu, sigma));
            approx::assert_relative_eq!(g, gx, max_relative = 1e-15);
            let (_, d_all) = bump_all_jvp(x, 1.0, mu, 0.0, sigma, 0.0);
            let (_, d) = bump_x_jvp(x, 1.0, mu, sigma);
            approx::assert_relative_eq!(d, d_all, max_relative = 1e-15);
        }
    }
}

/// Logistic regression loss for one example, trained in (w, b); the data (x, y) are floats
/// that must stay constant.
#[differentiate(forward, reverse, wrt(w, b))]
fn logreg_loss(w: f64, b: f64, x: f64, y: f64) -> f64 {
    let z = w * x + b;
    z.max(0.0) + (-z.abs()).exp().ln_1p() - y * z
}

#[test]
fn narrowed_to_model_parameters() {
    type Jvp = fn(f64, f64, f64, f64, f64, f64) -> (f64, f64);
    type Vjp = fn(f64, f64, f64, f64, f64) -> (f64, f64, f64);
    let _: Jvp = logreg_loss_jvp;
    let _: Vjp = logreg_loss_vjp;
    for (x, y) in [(1.5, 1.0), (-0.5, 0.0), (3.0, 0.0)] {
        // ∂w = (σ(z) − y) x, ∂b = σ(z) − y
        Model::new("logreg_loss", 2, 1, move |p| {
            vec![logreg_loss(p[0], p[1], x, y)]
        })
        .jvp(move |p, v| {
            let (l, dl) = logreg_loss_jvp(p[0], v[0], p[1], v[1], x, y);
            (vec![l], vec![dl])
        })
        .vjp(move |p, w| {
            let (l, gw, gb) = logreg_loss_vjp(p[0], p[1], x, y, w[0]);
            (vec![l], vec![gw, gb])
        })
        .gradient(move |p| {
            let z = p[0] * x + p[1];
            let r = 1.0 / (1.0 + (-z).exp()) - y;
            vec![r * x, r]
        })
        .tol(1e-11)
        .check(&[&[0.3, -0.1], &[-1.0, 2.0]]);
    }
}

/// `wrt` lists parameters out of order; the adjoints still come in parameter order.
#[differentiate(forward, reverse, wrt(c, a))]
fn weighted(a: f64, b: f64, c: f64) -> f64 {
    a * b * b + c.sin() * b
}

#[test]
fn wrt_order_does_not_matter() {
    let _: fn(f64, f64, f64, f64, f64) -> (f64, f64) = weighted_jvp;
    let _: fn(f64, f64, f64, f64) -> (f64, f64, f64) = weighted_vjp;
    for b in [-1.0, 0.5, 2.0] {
        // ∂a = b², ∂c = b cos c
        Model::new("weighted", 2, 1, move |p| vec![weighted(p[0], b, p[1])])
            .jvp(move |p, v| {
                let (y, dy) = weighted_jvp(p[0], v[0], b, p[1], v[1]);
                (vec![y], vec![dy])
            })
            .vjp(move |p, w| {
                let (y, ga, gc) = weighted_vjp(p[0], b, p[1], w[0]);
                (vec![y], vec![ga, gc])
            })
            .gradient(move |p| vec![b * b, b * p[1].cos()])
            .check(&[&[1.0, 0.5], &[-2.0, 3.0]]);
    }
}

/// The exponent is active, the base is a constant float, together with a `usize` constant and
/// a tuple output.
#[differentiate(forward, reverse, wrt(p))]
fn powers(base: f64, p: f64, n: usize) -> (f64, f64) {
    let scale = n as f64;
    (base.powf(p) * scale, base.atan2(p))
}

#[test]
fn wrt_with_tuple_output() {
    type Jvp = fn(f64, f64, f64, usize) -> ((f64, f64), (f64, f64));
    type Vjp = fn(f64, f64, usize, (f64, f64)) -> ((f64, f64), f64);
    let _: Jvp = powers_jvp;
    let _: Vjp = powers_vjp;
    for (base, n) in [(2.0, 1usize), (0.5, 3), (7.0, 10)] {
        // ∂p (bᵖ n) = n bᵖ ln b, ∂p atan2(b, p) = −b/(b² + p²)
        Model::new("powers", 1, 2, move |x| {
            let (u, v) = powers(base, x[0], n);
            vec![u, v]
        })
        .jvp(move |x, t| {
            let ((u, v), (du, dv)) = powers_jvp(base, x[0], t[0], n);
            (vec![u, v], vec![du, dv])
        })
        .vjp(move |x, w| {
            let ((u, v), g) = powers_vjp(base, x[0], n, (w[0], w[1]));
            (vec![u, v], vec![g])
        })
        .jacobian(move |x| {
            let p = x[0];
            vec![
                vec![n as f64 * base.powf(p) * base.ln()],
                vec![-base / (base * base + p * p)],
            ]
        })
        .tol(1e-11)
        .check(&[&[-1.0], &[0.5], &[2.0]]);
    }
}

/// Forward mode only, narrowed: a constant float mixes with the active one.
#[differentiate(forward, wrt(x))]
fn attenuate(x: f64, k: f64) -> f64 {
    let s = k.sqrt();
    (x * s).tanh() / s
}

#[test]
fn forward_only_with_wrt() {
    let _: fn(f64, f64, f64) -> (f64, f64) = attenuate_jvp;
    for k in [0.25, 1.0, 9.0] {
        for x in [-1.0, 0.0, 0.6] {
            // d/dx tanh(x√k)/√k = 1 − tanh²(x√k)
            let (y, d) = attenuate_jvp(x, 1.0, k);
            assert_eq!(y, attenuate(x, k));
            let expected = 1.0 - (x * k.sqrt()).tanh().powi(2);
            approx::assert_relative_eq!(d, expected, max_relative = 1e-14);
            // Linear in the tangent.
            let (_, d3) = attenuate_jvp(x, -3.0, k);
            approx::assert_relative_eq!(d3, -3.0 * d, max_relative = 1e-15);
        }
    }
}
