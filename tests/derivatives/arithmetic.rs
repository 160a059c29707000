//! The arithmetic operators `+ - * / %`, unary minus, parentheses and precedence, literals, and
//! values used several times (fan-out).

use crate::common::Model;
use ad::differentiate;

/// Rosenbrock's banana function `(1 − x)² + 100 (y − x²)²`, written with plain products.
#[differentiate(forward, reverse)]
fn rosenbrock(x: f64, y: f64) -> f64 {
    (1.0 - x) * (1.0 - x) + 100.0 * (y - x * x) * (y - x * x)
}

#[test]
fn rosenbrock_gradient() {
    // ∂x = −2(1 − x) − 400 x (y − x²), ∂y = 200 (y − x²)
    Model::new("rosenbrock", 2, 1, |p| vec![rosenbrock(p[0], p[1])])
        .jvp(|p, v| {
            let (y, dy) = rosenbrock_jvp(p[0], v[0], p[1], v[1]);
            (vec![y], vec![dy])
        })
        .vjp(|p, w| {
            let (y, gx, gy) = rosenbrock_vjp(p[0], p[1], w[0]);
            (vec![y], vec![gx, gy])
        })
        .gradient(|p| {
            let (x, y) = (p[0], p[1]);
            vec![
                -2.0 * (1.0 - x) - 400.0 * x * (y - x * x),
                200.0 * (y - x * x),
            ]
        })
        .check(&[
            &[-1.2, 1.0],
            &[0.0, 0.0],
            &[1.0, 1.0],
            &[0.5, -0.7],
            &[2.0, 3.5],
        ]);
    // The minimum at (1, 1) has zero gradient, exactly.
    assert_eq!(rosenbrock_vjp(1.0, 1.0, 1.0), (0.0, 0.0, 0.0));
}

/// A rational function `(x² − 3y) / (1 + x² + y²)`.
#[differentiate(forward, reverse)]
fn rational(x: f64, y: f64) -> f64 {
    (x * x - 3.0 * y) / (1.0 + x * x + y * y)
}

#[test]
fn rational_quotient_rule() {
    // With N = x² − 3y, D = 1 + x² + y²: ∂x = (2x D − 2x N)/D², ∂y = (−3 D − 2y N)/D².
    Model::new("rational", 2, 1, |p| vec![rational(p[0], p[1])])
        .jvp(|p, v| {
            let (y, dy) = rational_jvp(p[0], v[0], p[1], v[1]);
            (vec![y], vec![dy])
        })
        .vjp(|p, w| {
            let (y, gx, gy) = rational_vjp(p[0], p[1], w[0]);
            (vec![y], vec![gx, gy])
        })
        .gradient(|p| {
            let (x, y) = (p[0], p[1]);
            let n = x * x - 3.0 * y;
            let d = 1.0 + x * x + y * y;
            vec![
                (2.0 * x * d - 2.0 * x * n) / (d * d),
                (-3.0 * d - 2.0 * y * n) / (d * d),
            ]
        })
        .check(&[&[0.0, 0.0], &[1.5, -0.5], &[-2.0, 3.0]]);
}

/// `2x⁴ − 3x³ + ½x² − x + 4` by Horner's scheme: nested parentheses and subtraction.
#[differentiate(forward, reverse)]
fn horner(x: f64) -> f64 {
    (((2.0 * x - 3.0) * x + 0.5) * x - 1.0) * x + 4.0
}

#[test]
fn horner_polynomial() {
    // p'(x) = 8x³ − 9x² + x − 1
    Model::new("horner", 1, 1, |p| vec![horner(p[0])])
        .jvp(|p, v| {
            let (y, dy) = horner_jvp(p[0], v[0]);
            (vec![y], vec![dy])
        })
        .vjp(|p, w| {
            let (y, g) = horner_vjp(p[0], w[0]);
            (vec![y], vec![g])
        })
        .gradient(|p| {
            let x = p[0];
            vec![8.0 * x * x * x - 9.0 * x * x + x - 1.0]
        })
        .check(&[&[-1.5], &[0.0], &[0.75], &[2.0]]);
}

/// A phase wrapped into `[0, period)`-ish with `%`: `(ω t + φ₀) % period`.
#[differentiate(forward, reverse)]
fn wrapped_phase(t: f64, omega: f64, period: f64) -> f64 {
    (omega * t + 0.3) % period
}

#[test]
fn remainder_operator() {
    // a % p = a − p·trunc(a/p): ∂a = 1 and ∂p = −trunc(a/p) away from the jumps, with a = ωt + 0.3.
    Model::new("wrapped_phase", 3, 1, |p| {
        vec![wrapped_phase(p[0], p[1], p[2])]
    })
    .jvp(|p, v| {
        let (y, dy) = wrapped_phase_jvp(p[0], v[0], p[1], v[1], p[2], v[2]);
        (vec![y], vec![dy])
    })
    .vjp(|p, w| {
        let (y, gt, gw, gp) = wrapped_phase_vjp(p[0], p[1], p[2], w[0]);
        (vec![y], vec![gt, gw, gp])
    })
    .gradient(|p| {
        let (t, omega, period) = (p[0], p[1], p[2]);
        let q = ((omega * t + 0.3) / period).trunc();
        vec![omega, t, -q]
    })
    .check(&[
        &[0.5, 2.0, 6.2],
        &[3.7, 4.1, 6.2],
        &[10.2, -1.3, 2.5],
        &[1.1, 1.0, -0.9],
    ]);
}

/// Unary minus in every position: `−(−x·y) − (−y) + (−(x − y)) = xy + 2y − x`.
#[differentiate(forward, reverse)]
fn negations(x: f64, y: f64) -> f64 {
    -(-x * y) - -y + -(x - y)
}

/// Precedence without parentheses: `x + y·z − x/y·z`.
#[differentiate(forward, reverse)]
fn precedence(x: f64, y: f64, z: f64) -> f64 {
    x + y * z - x / y * z
}

#[test]
fn unary_minus_and_precedence() {
    // ∂x = y − 1, ∂y = x + 2
    Model::new("negations", 2, 1, |p| vec![negations(p[0], p[1])])
        .jvp(|p, v| {
            let (y, dy) = negations_jvp(p[0], v[0], p[1], v[1]);
            (vec![y], vec![dy])
        })
        .vjp(|p, w| {
            let (y, gx, gy) = negations_vjp(p[0], p[1], w[0]);
            (vec![y], vec![gx, gy])
        })
        .gradient(|p| vec![p[1] - 1.0, p[0] + 2.0])
        .check(&[&[0.5, -2.0], &[3.0, 1.25]]);
    // ∂x = 1 − z/y, ∂y = z + xz/y², ∂z = y − x/y
    Model::new("precedence", 3, 1, |p| vec![precedence(p[0], p[1], p[2])])
        .jvp(|p, v| {
            let (y, dy) = precedence_jvp(p[0], v[0], p[1], v[1], p[2], v[2]);
            (vec![y], vec![dy])
        })
        .vjp(|p, w| {
            let (y, gx, gy, gz) = precedence_vjp(p[0], p[1], p[2], w[0]);
            (vec![y], vec![gx, gy, gz])
        })
        .gradient(|p| {
            let (x, y, z) = (p[0], p[1], p[2]);
            vec![1.0 - z / y, z + x * z / (y * y), y - x / y]
        })
        .check(&[&[1.0, 2.0, 3.0], &[-0.5, -1.5, 0.25]]);
}

/// A cubic `a x³ + b x² + c x + d` in all five inputs: `x` fans out to many uses.
#[differentiate(forward, reverse)]
fn cubic(a: f64, b: f64, c: f64, d: f64, x: f64) -> f64 {
    a * x * x * x + b * x * x + c * x + d
}

#[test]
fn cubic_fan_out() {
    // ∂a = x³, ∂b = x², ∂c = x, ∂d = 1, ∂x = 3a x² + 2b x + c
    Model::new("cubic", 5, 1, |p| vec![cubic(p[0], p[1], p[2], p[3], p[4])])
        .jvp(|p, v| {
            let (y, dy) = cubic_jvp(p[0], v[0], p[1], v[1], p[2], v[2], p[3], v[3], p[4], v[4]);
            (vec![y], vec![dy])
        })
        .vjp(|p, w| {
            let (y, ga, gb, gc, gd, gx) = cubic_vjp(p[0], p[1], p[2], p[3], p[4], w[0]);
            (vec![y], vec![ga, gb, gc, gd, gx])
        })
        .gradient(|p| {
            let (a, b, c, x) = (p[0], p[1], p[2], p[4]);
            vec![x * x * x, x * x, x, 1.0, 3.0 * a * x * x + 2.0 * b * x + c]
        })
        .check(&[&[1.0, -2.0, 0.5, 3.0, 1.5], &[-0.3, 0.7, 2.0, -1.0, -2.0]]);
}

/// `x/x` and `x − x` are constant; their derivatives must vanish.
#[allow(clippy::eq_op)] // deliberate
#[differentiate(forward, reverse)]
fn self_cancel(x: f64, y: f64) -> f64 {
    x / x + (y - y) * x + y * y / y
}

#[test]
fn self_cancelling_terms() {
    // x/x + (y − y)x + y²/y = 1 + y: ∂x = 0, ∂y = 1
    Model::new("self_cancel", 2, 1, |p| vec![self_cancel(p[0], p[1])])
        .jvp(|p, v| {
            let (y, dy) = self_cancel_jvp(p[0], v[0], p[1], v[1]);
            (vec![y], vec![dy])
        })
        .vjp(|p, w| {
            let (y, gx, gy) = self_cancel_vjp(p[0], p[1], w[0]);
            (vec![y], vec![gx, gy])
        })
        .gradient(|_| vec![0.0, 1.0])
        .tol(1e-14)
        .check(&[&[0.7, 2.0], &[-3.0, 0.5]]);
}

/// Sample mean and (unbiased) variance of four numbers, as a tuple.
#[differentiate(forward, reverse)]
fn mean_var4(a: f64, b: f64, c: f64, d: f64) -> (f64, f64) {
    let mean = (a + b + c + d) / 4.0;
    let var = ((a - mean) * (a - mean)
        + (b - mean) * (b - mean)
        + (c - mean) * (c - mean)
        + (d - mean) * (d - mean))
        / 3.0;
    (mean, var)
}

#[test]
fn mean_and_variance() {
    // ∂mean/∂xᵢ = 1/4, ∂var/∂xᵢ = 2(xᵢ − mean)/3
    Model::new("mean_var4", 4, 2, |p| {
        let (m, v) = mean_var4(p[0], p[1], p[2], p[3]);
        vec![m, v]
    })
    .jvp(|p, t| {
        let ((m, v), (dm, dv)) = mean_var4_jvp(p[0], t[0], p[1], t[1], p[2], t[2], p[3], t[3]);
        (vec![m, v], vec![dm, dv])
    })
    .vjp(|p, w| {
        let ((m, v), ga, gb, gc, gd) = mean_var4_vjp(p[0], p[1], p[2], p[3], (w[0], w[1]));
        (vec![m, v], vec![ga, gb, gc, gd])
    })
    .jacobian(|p| {
        let mean = p.iter().sum::<f64>() / 4.0;
        vec![
            vec![0.25; 4],
            p.iter().map(|x| 2.0 * (x - mean) / 3.0).collect(),
        ]
    })
    .check(&[&[1.0, 2.0, 3.0, 4.0], &[-0.5, 7.25, 0.0, 2.0]]);
}
