//! Realistic programs mixing the constructs: ODE integrators (explicit Euler and RK4), Newton
//! iterations, a projectile with drag integrated until it lands, Horner's scheme, Simpson's
//! rule, unrolled gradient descent, integer-driven state, piecewise interpolation and a
//! smoothstep.

use crate::common::{assert_close, ternary, unary, Case, TOL};
use ad::differentiate;
use std::f64::consts::PI;

/// Standard gravity, m/s².
const GRAVITY: f64 = 9.81;
/// Time step of the projectile, s.
const PROJECTILE_DT: f64 = 0.01;
/// Time step of the RK4 integrators.
const RK4_DT: f64 = 0.1;

// ---------------------------------------------------------------------------- integrators

/// Explicit Euler for y' = −k y on [0, T] with n steps, written `y = y + h f(y)`.
#[differentiate(forward, reverse)]
#[allow(clippy::assign_op_pattern)]
pub fn euler_decay(y0: f64, k: f64, t_end: f64, n: usize) -> f64 {
    if n == 0 {
        return y0;
    }
    let h = t_end / n as f64;
    let mut y = y0;
    for _ in 0..n {
        y = y + h * (-k * y);
    }
    y
}

#[test]
fn euler_linear_decay() {
    // y_n = y0 qⁿ with q = 1 − k h, h = T/n:
    // ∂y0 = qⁿ, ∂k = −n h y0 qⁿ⁻¹, ∂T = −k y0 qⁿ⁻¹. n = 0 returns y0: (1, 0, 0).
    for n in [0, 1, 10, 200] {
        ternary(
            &format!("euler_decay n={n}"),
            move |y0, k, t| euler_decay(y0, k, t, n),
            move |y0, dy0, k, dk, t, dt| euler_decay_jvp(y0, dy0, k, dk, t, dt, n),
            move |y0, k, t, w| euler_decay_vjp(y0, k, t, n, w),
        )
        .gradient(move |p| {
            let (y0, k, t) = (p[0], p[1], p[2]);
            if n == 0 {
                return vec![1.0, 0.0, 0.0];
            }
            let nf = n as f64;
            let h = t / nf;
            let q = 1.0 - k * h;
            let qn1 = q.powi(n as i32 - 1);
            vec![q * qn1, -nf * h * y0 * qn1, -k * y0 * qn1]
        })
        .tol(1e-11)
        .check(&[&[1.0, 0.5, 2.0], &[-2.0, 1.5, 1.0]]);
    }
}

/// Explicit Euler, 1000 steps, for the forced logistic equation y' = r y (1 − y) − c sin t.
#[differentiate(forward, reverse)]
#[allow(clippy::assign_op_pattern)]
pub fn euler_logistic(y0: f64, r: f64, c: f64) -> f64 {
    let h = 1e-3;
    let mut y = y0;
    for i in 0..1000 {
        let t = i as f64 * h;
        y = y + h * (r * y * (1.0 - y) - c * t.sin());
    }
    y
}

/// The exact derivative of the discrete scheme, by its tangent recurrence:
/// dy ← dy + h (r (1 − 2y) dy + y (1 − y) dr − sin t dc).
fn euler_logistic_gradient(y0: f64, r: f64, c: f64) -> Vec<f64> {
    let h = 1e-3;
    let (mut y, mut g) = (y0, [1.0, 0.0, 0.0]);
    for i in 0..1000 {
        let t = i as f64 * h;
        let a = 1.0 + h * r * (1.0 - 2.0 * y);
        g = [
            a * g[0],
            a * g[1] + h * y * (1.0 - y),
            a * g[2] - h * t.sin(),
        ];
        y += h * (r * y * (1.0 - y) - c * t.sin());
    }
    g.to_vec()
}

#[test]
fn euler_thousand_steps() {
    ternary(
        "euler_logistic",
        euler_logistic,
        euler_logistic_jvp,
        euler_logistic_vjp,
    )
    .gradient(|p| euler_logistic_gradient(p[0], p[1], p[2]))
    .tol(1e-11)
    .check(&[&[0.1, 2.0, 0.3], &[0.8, 0.5, -0.2]]);
}

/// Classical RK4 for y' = −k y with n steps of 0.1, written stage by stage.
#[differentiate(forward, reverse)]
pub fn rk4_decay(y0: f64, k: f64, n: usize) -> f64 {
    let h = RK4_DT;
    let mut y = y0;
    for _ in 0..n {
        let k1 = -k * y;
        let k2 = -k * (y + 0.5 * h * k1);
        let k3 = -k * (y + 0.5 * h * k2);
        let k4 = -k * (y + h * k3);
        y += h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4);
    }
    y
}

#[test]
fn rk4_linear_decay() {
    // One step multiplies by R(z) = 1 + z + z²/2 + z³/6 + z⁴/24 with z = −k h, so y_n = y0 Rⁿ:
    // ∂y0 = Rⁿ, ∂k = y0 n Rⁿ⁻¹ R'(z) (−h), R'(z) = 1 + z + z²/2 + z³/6.
    for n in [0, 1, 30] {
        Case::new(
            &format!("rk4_decay n={n}"),
            2,
            1,
            move |p| vec![rk4_decay(p[0], p[1], n)],
            move |p, v| {
                let (y, dy) = rk4_decay_jvp(p[0], v[0], p[1], v[1], n);
                (vec![y], vec![dy])
            },
            move |p, w| {
                let (y, gy0, gk) = rk4_decay_vjp(p[0], p[1], n, w[0]);
                (vec![y], vec![gy0, gk])
            },
        )
        .gradient(move |p| {
            let (y0, k) = (p[0], p[1]);
            let z = -k * RK4_DT;
            let r = 1.0 + z + z * z / 2.0 + z * z * z / 6.0 + z.powi(4) / 24.0;
            let dr = 1.0 + z + z * z / 2.0 + z * z * z / 6.0;
            let nf = n as f64;
            vec![
                r.powi(n as i32),
                -y0 * nf * r.powi(n as i32 - 1) * dr * RK4_DT,
            ]
        })
        .tol(1e-11)
        .check(&[&[1.0, 0.7], &[-0.5, 2.0]]);
    }
}

/// RK4 for the damped pendulum q'' = −ω² sin q − γ q', the four stages as an inner loop whose
/// coefficients come from a tuple-valued `match` on the stage index.
#[differentiate(forward, reverse)]
pub fn rk4_pendulum(q0: f64, p0: f64, omega: f64, gamma: f64, n: usize) -> (f64, f64) {
    let mut q = q0;
    let mut p = p0;
    for _ in 0..n {
        let mut kq = 0.0;
        let mut kp = 0.0;
        let mut sum_q = 0.0;
        let mut sum_p = 0.0;
        for stage in 0..4 {
            let (c, w) = match stage {
                0 => (0.0, 1.0),
                1 | 2 => (0.5, 2.0),
                _ => (1.0, 1.0),
            };
            let qs = q + c * RK4_DT * kq;
            let ps = p + c * RK4_DT * kp;
            kq = ps;
            kp = -omega * omega * qs.sin() - gamma * ps;
            sum_q += w * kq;
            sum_p += w * kp;
        }
        q += RK4_DT / 6.0 * sum_q;
        p += RK4_DT / 6.0 * sum_p;
    }
    (q, p)
}

#[test]
fn rk4_pendulum_jacobian() {
    // Finite differences of the primal (4 inputs, 2 outputs) and the dot-product test.
    // n = 0: the identity on (q0, p0), nothing from ω and γ.
    for n in [0, 1, 40] {
        Case::new(
            &format!("rk4_pendulum n={n}"),
            4,
            2,
            move |x| {
                let (q, p) = rk4_pendulum(x[0], x[1], x[2], x[3], n);
                vec![q, p]
            },
            move |x, v| {
                let ((q, p), (dq, dp)) =
                    rk4_pendulum_jvp(x[0], v[0], x[1], v[1], x[2], v[2], x[3], v[3], n);
                (vec![q, p], vec![dq, dp])
            },
            move |x, w| {
                let ((q, p), g0, g1, g2, g3) =
                    rk4_pendulum_vjp(x[0], x[1], x[2], x[3], n, (w[0], w[1]));
                (vec![q, p], vec![g0, g1, g2, g3])
            },
        )
        .check(&[&[1.0, 0.0, 2.0, 0.1], &[-0.3, 1.5, 1.2, 0.5]]);
    }
}

// ---------------------------------------------------------------------------- Newton

/// √a by Newton's method; `loop` with `break value` once the step is below rounding.
#[differentiate(forward, reverse)]
pub fn newton_sqrt(a: f64) -> f64 {
    let mut y = if a > 1.0 { a } else { 1.0 };
    let mut k = 0;
    loop {
        let next = 0.5 * (y + a / y);
        k += 1;
        if (next - y).abs() <= 1e-15 * next || k == 100 {
            break next;
        }
        y = next;
    }
}

#[test]
fn newton_square_root() {
    // d√a/da = 1 / (2 √a): differentiating the converged iteration gives the implicit derivative.
    unary("newton_sqrt", newton_sqrt, newton_sqrt_jvp, newton_sqrt_vjp)
        .derivative(|a| 0.5 / a.sqrt())
        .tol(1e-10)
        .check(&[&[0.25], &[2.0], &[50.0], &[1e4]]);
}

/// Kepler's equation E − e sin E = M solved by Newton's method in a `loop` with `break`.
#[differentiate(forward, reverse)]
pub fn kepler(mean_anomaly: f64, e: f64) -> f64 {
    let mut ecc = if e > 0.8 { PI } else { mean_anomaly };
    let mut k = 0;
    loop {
        let residual = ecc - e * ecc.sin() - mean_anomaly;
        let step = residual / (1.0 - e * ecc.cos());
        ecc -= step;
        k += 1;
        if step.abs() < 1e-14 || k >= 50 {
            break;
        }
    }
    ecc
}

#[test]
fn kepler_equation() {
    // Implicit differentiation of E − e sin E = M:
    // ∂E/∂M = 1 / (1 − e cos E), ∂E/∂e = sin E / (1 − e cos E).
    Case::new(
        "kepler",
        2,
        1,
        |p| vec![kepler(p[0], p[1])],
        |p, v| {
            let (y, dy) = kepler_jvp(p[0], v[0], p[1], v[1]);
            (vec![y], vec![dy])
        },
        |p, w| {
            let (y, gm, ge) = kepler_vjp(p[0], p[1], w[0]);
            (vec![y], vec![gm, ge])
        },
    )
    .gradient(|p| {
        let big_e = kepler(p[0], p[1]);
        let d = 1.0 - p[1] * big_e.cos();
        vec![1.0 / d, big_e.sin() / d]
    })
    .tol(1e-10)
    .check(&[&[1.0, 0.1], &[2.5, 0.5], &[0.4, 0.9]]);
}

/// Cube root by Newton's method in a `while` whose condition reads the active residual.
#[differentiate(forward, reverse)]
pub fn newton_cbrt(a: f64) -> f64 {
    let mut y = 1.0;
    let mut k = 0;
    while (y * y * y - a).abs() > 1e-13 * a && k < 100 {
        y -= (y * y * y - a) / (3.0 * y * y);
        k += 1;
    }
    y
}

#[test]
fn newton_cube_root() {
    // d∛a/da = 1 / (3 ∛a²).
    unary("newton_cbrt", newton_cbrt, newton_cbrt_jvp, newton_cbrt_vjp)
        .derivative(|a| 1.0 / (3.0 * a.cbrt() * a.cbrt()))
        .tol(1e-10)
        .check(&[&[0.5], &[8.5], &[300.0]]);
}

// ---------------------------------------------------------------------------- projectile

/// A projectile with quadratic drag, integrated by explicit Euler `while y >= 0.0`; the
/// landing point and time are interpolated linearly between the last two states. Returns
/// `(range, flight time)`.
#[differentiate(forward, reverse)]
pub fn projectile(v0: f64, angle: f64, drag: f64) -> (f64, f64) {
    let mut x = 0.0;
    let mut y = 0.0;
    let mut vx = v0 * angle.cos();
    let mut vy = v0 * angle.sin();
    let mut t = 0.0;
    let mut x_prev = x;
    let mut y_prev = y;
    let mut t_prev = t;
    while y >= 0.0 {
        x_prev = x;
        y_prev = y;
        t_prev = t;
        let speed = (vx * vx + vy * vy).sqrt();
        let ax = -drag * speed * vx;
        let ay = -GRAVITY - drag * speed * vy;
        x += PROJECTILE_DT * vx;
        y += PROJECTILE_DT * vy;
        vx += PROJECTILE_DT * ax;
        vy += PROJECTILE_DT * ay;
        t += PROJECTILE_DT;
    }
    let frac = y_prev / (y_prev - y);
    (x_prev + frac * (x - x_prev), t_prev + frac * PROJECTILE_DT)
}

#[test]
fn projectile_with_drag() {
    // Finite differences of the primal and the dot-product test. The landing is interpolated
    // between the last two steps, so range and time are continuous but have kinks where the
    // number of steps changes (every ~0.1 in v0): the points keep the step count constant over
    // a small stencil.
    let case = Case::new(
        "projectile",
        3,
        2,
        |p| {
            let (range, time) = projectile(p[0], p[1], p[2]);
            vec![range, time]
        },
        |p, v| {
            let ((r, t), (dr, dt)) = projectile_jvp(p[0], v[0], p[1], v[1], p[2], v[2]);
            (vec![r, t], vec![dr, dt])
        },
        |p, w| {
            let ((r, t), g0, g1, g2) = projectile_vjp(p[0], p[1], p[2], (w[0], w[1]));
            (vec![r, t], vec![g0, g1, g2])
        },
    );
    case.step(1e-5).check(&[
        &[20.0, 0.8, 0.01],
        &[35.0, 0.5, 0.003],
        &[12.0, 1.2, 0.05],
        &[20.0, 0.8, 0.0],
    ]);
    // Without drag the range is close to the vacuum formula v0² sin 2θ / g, whose derivative in
    // v0 is 2 v0 sin 2θ / g; Euler with dt = 0.01 is accurate to about 1%.
    let (v0, angle) = (20.0, 0.8);
    let (_, d_range) = projectile_jvp(v0, 1.0, angle, 0.0, 0.0, 0.0);
    let expected = 2.0 * v0 * (2.0 * angle).sin() / GRAVITY;
    assert!(
        (d_range.0 - expected).abs() < 0.02 * expected,
        "d range / d v0 = {}, vacuum formula {expected}",
        d_range.0
    );
}

// ---------------------------------------------------------------------------- polynomials

/// Horner's scheme for Σ_{i=0..n} xⁱ / (i + 1) over a reversed inclusive range.
#[differentiate(forward, reverse)]
pub fn horner_series(x: f64, n: usize) -> f64 {
    let mut p = 0.0;
    for i in (0..=n).rev() {
        p = p * x + 1.0 / (i as f64 + 1.0);
    }
    p
}

#[test]
fn horner_runtime_degree() {
    // p' = Σ_{i=1..n} i xⁱ⁻¹ / (i + 1).
    for n in [0, 1, 4, 25] {
        unary(
            &format!("horner_series n={n}"),
            move |x| horner_series(x, n),
            move |x, dx| horner_series_jvp(x, dx, n),
            move |x, w| horner_series_vjp(x, n, w),
        )
        .derivative(move |x| {
            (1..=n)
                .map(|i| i as f64 * x.powi(i as i32 - 1) / (i as f64 + 1.0))
                .sum()
        })
        .tol(1e-11)
        .check(&[&[0.6], &[-0.9]]);
    }
}

/// Horner's scheme with active coefficients picked by a `match` on the loop counter.
#[differentiate(forward, reverse)]
pub fn horner_cubic(a0: f64, a1: f64, a2: f64, a3: f64, x: f64) -> f64 {
    let mut p = 0.0;
    for i in (0..4).rev() {
        let c = match i {
            0 => a0,
            1 => a1,
            2 => a2,
            _ => a3,
        };
        p = p * x + c;
    }
    p
}

#[test]
fn horner_active_coefficients() {
    // ∂aᵢ = xⁱ, ∂x = a1 + 2 a2 x + 3 a3 x².
    Case::new(
        "horner_cubic",
        5,
        1,
        |p| vec![horner_cubic(p[0], p[1], p[2], p[3], p[4])],
        |p, v| {
            let (y, dy) =
                horner_cubic_jvp(p[0], v[0], p[1], v[1], p[2], v[2], p[3], v[3], p[4], v[4]);
            (vec![y], vec![dy])
        },
        |p, w| {
            let (y, g0, g1, g2, g3, gx) = horner_cubic_vjp(p[0], p[1], p[2], p[3], p[4], w[0]);
            (vec![y], vec![g0, g1, g2, g3, gx])
        },
    )
    .gradient(|p| {
        let x = p[4];
        vec![
            1.0,
            x,
            x * x,
            x * x * x,
            p[1] + 2.0 * p[2] * x + 3.0 * p[3] * x * x,
        ]
    })
    .check(&[&[1.0, -2.0, 0.5, 3.0, 0.7], &[-0.4, 1.1, 2.0, -1.5, -1.3]]);
}

// ---------------------------------------------------------------------------- quadrature

/// Simpson's rule for ∫₀ᵇ sin(a t) dt with n (even) intervals; the weights come from a
/// `match` with guards; n = 0 returns early.
#[differentiate(forward, reverse)]
pub fn simpson(a: f64, b: f64, n: usize) -> f64 {
    if n == 0 {
        return 0.0;
    }
    let h = b / n as f64;
    let mut s = 0.0;
    for i in 0..=n {
        let t = h * i as f64;
        let w = match i {
            0 => 1.0,
            m if m == n => 1.0,
            m if m % 2 == 1 => 4.0,
            _ => 2.0,
        };
        s += w * (a * t).sin();
    }
    s * h / 3.0
}

/// The gradient of the rule itself: with S = (h/3) Σ wᵢ sin(a tᵢ), tᵢ = i h, h = b/n:
/// ∂a = (h/3) Σ wᵢ tᵢ cos(a tᵢ), ∂b = S/b + (h/3) Σ wᵢ (a tᵢ / b) cos(a tᵢ).
fn simpson_gradient(a: f64, b: f64, n: usize) -> Vec<f64> {
    if n == 0 {
        return vec![0.0, 0.0];
    }
    let h = b / n as f64;
    let (mut s, mut ga, mut gb) = (0.0, 0.0, 0.0);
    for i in 0..=n {
        let t = h * i as f64;
        let w = if i == 0 || i == n {
            1.0
        } else if i % 2 == 1 {
            4.0
        } else {
            2.0
        };
        s += w * (a * t).sin();
        ga += w * t * (a * t).cos();
        gb += w * (a * t / b) * (a * t).cos();
    }
    vec![ga * h / 3.0, s / n as f64 / 3.0 + gb * h / 3.0]
}

#[test]
fn simpson_rule() {
    for n in [0, 2, 8, 64] {
        Case::new(
            &format!("simpson n={n}"),
            2,
            1,
            move |p| vec![simpson(p[0], p[1], n)],
            move |p, v| {
                let (y, dy) = simpson_jvp(p[0], v[0], p[1], v[1], n);
                (vec![y], vec![dy])
            },
            move |p, w| {
                let (y, ga, gb) = simpson_vjp(p[0], p[1], n, w[0]);
                (vec![y], vec![ga, gb])
            },
        )
        .gradient(move |p| simpson_gradient(p[0], p[1], n))
        .tol(1e-11)
        .check(&[&[1.3, 2.0], &[-0.7, 3.5]]);
    }
    // With 64 intervals the rule is accurate to ~1e-7, and so is its derivative: the exact
    // integral (1 − cos ab)/a has ∂b = sin(ab).
    let (a, b) = (1.3, 2.0);
    let (_, db) = simpson_jvp(a, 0.0, b, 1.0, 64);
    assert!(
        (db - (a * b).sin()).abs() < 1e-6,
        "d/db of Simpson's rule: {db}, of the integral: {}",
        (a * b).sin()
    );
}

// ---------------------------------------------------------------------------- optimisation

/// `steps` iterations of gradient descent on (w − target)², differentiated through the loop.
#[differentiate(forward, reverse)]
pub fn unrolled_descent(w0: f64, target: f64, lr: f64, steps: usize) -> f64 {
    let mut w = w0;
    for _ in 0..steps {
        let grad = 2.0 * (w - target);
        w -= lr * grad;
    }
    w
}

#[test]
fn unrolled_gradient_descent() {
    // w_n = target + (w0 − target) qⁿ with q = 1 − 2 lr:
    // ∂w0 = qⁿ, ∂target = 1 − qⁿ, ∂lr = −2 n (w0 − target) qⁿ⁻¹.
    for steps in [0, 1, 5, 100] {
        ternary(
            &format!("unrolled_descent steps={steps}"),
            move |w0, t, lr| unrolled_descent(w0, t, lr, steps),
            move |w0, dw0, t, dt, lr, dlr| unrolled_descent_jvp(w0, dw0, t, dt, lr, dlr, steps),
            move |w0, t, lr, g| unrolled_descent_vjp(w0, t, lr, steps, g),
        )
        .gradient(move |p| {
            let (w0, target, lr) = (p[0], p[1], p[2]);
            let q = 1.0 - 2.0 * lr;
            let n = steps as f64;
            let qn1 = q.powi(steps as i32 - 1);
            vec![q * qn1, 1.0 - q * qn1, -2.0 * n * (w0 - target) * qn1]
        })
        .step(1e-5)
        .tol(1e-11)
        .check(&[&[3.0, 1.0, 0.1], &[-2.0, 0.5, 0.02]]);
    }
}

// ---------------------------------------------------------------------------- integer state

/// A filter driven by the Collatz sequence: integer state in a `while` and an `if`, entering
/// the float recurrence through `k as f64`.
#[differentiate(forward, reverse)]
pub fn collatz_filter(x: f64, y0: f64, start: i64) -> f64 {
    let mut k = start;
    let mut y = y0;
    while k > 1 {
        k = if k % 2 == 0 { k / 2 } else { 3 * k + 1 };
        y = 0.9 * y + x * k as f64 / 100.0;
    }
    y
}

#[test]
fn integer_state_drives_float_recurrence() {
    // y is linear: y_m = 0.9ᵐ y0 + x Σ_j 0.9^{m−1−j} k_j / 100, so (∂x, ∂y0) follow the same
    // recurrence as the value. start = 1: no iterations, gradient (0, 1).
    for start in [1, 6, 27] {
        Case::new(
            &format!("collatz_filter start={start}"),
            2,
            1,
            move |p| vec![collatz_filter(p[0], p[1], start)],
            move |p, v| {
                let (y, dy) = collatz_filter_jvp(p[0], v[0], p[1], v[1], start);
                (vec![y], vec![dy])
            },
            move |p, w| {
                let (y, gx, gy0) = collatz_filter_vjp(p[0], p[1], start, w[0]);
                (vec![y], vec![gx, gy0])
            },
        )
        .gradient(move |_| {
            let (mut k, mut gx, mut gy0) = (start, 0.0, 1.0);
            while k > 1 {
                k = if k % 2 == 0 { k / 2 } else { 3 * k + 1 };
                gx = 0.9 * gx + k as f64 / 100.0;
                gy0 *= 0.9;
            }
            vec![gx, gy0]
        })
        .tol(1e-11)
        .check(&[&[0.5, 2.0], &[-1.5, 0.1]]);
    }
}

// ---------------------------------------------------------------------------- piecewise

/// Linear interpolation of `scale · sin k` on the knots k = 0..=n: the segment is found by a
/// loop that returns from inside; constant outside the knots.
#[differentiate(forward, reverse)]
pub fn interpolate(x: f64, scale: f64, n: usize) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    for k in 0..n {
        let right = (k + 1) as f64;
        if x < right {
            let left = k as f64;
            let v0 = scale * left.sin();
            let v1 = scale * right.sin();
            return v0 + (x - left) * (v1 - v0);
        }
    }
    scale * (n as f64).sin()
}

#[test]
fn piecewise_linear_interpolation() {
    // Inside segment k: ∂x = scale (sin(k + 1) − sin k), ∂scale = sin k + (x − k)(sin(k + 1) − sin k);
    // beyond the last knot: (0, sin n); left of 0: (0, 0).
    for n in [0, 1, 5] {
        Case::new(
            &format!("interpolate n={n}"),
            2,
            1,
            move |p| vec![interpolate(p[0], p[1], n)],
            move |p, v| {
                let (y, dy) = interpolate_jvp(p[0], v[0], p[1], v[1], n);
                (vec![y], vec![dy])
            },
            move |p, w| {
                let (y, gx, gs) = interpolate_vjp(p[0], p[1], n, w[0]);
                (vec![y], vec![gx, gs])
            },
        )
        .gradient(move |p| {
            let (x, scale) = (p[0], p[1]);
            if x <= 0.0 {
                return vec![0.0, 0.0];
            }
            let k = x.floor();
            if k >= n as f64 {
                return vec![0.0, (n as f64).sin()];
            }
            let slope = (k + 1.0).sin() - k.sin();
            vec![scale * slope, k.sin() + (x - k) * slope]
        })
        .check(&[&[-1.5, 2.0], &[0.4, 1.5], &[3.7, -0.8], &[7.2, 1.1]]);
    }
}

/// Smoothstep between two active edges: an `else if` chain on a derived active value.
#[differentiate(forward, reverse)]
pub fn smoothstep(x: f64, edge0: f64, edge1: f64) -> f64 {
    let t = (x - edge0) / (edge1 - edge0);
    if t <= 0.0 {
        0.0
    } else if t >= 1.0 {
        1.0
    } else {
        t * t * (3.0 - 2.0 * t)
    }
}

#[test]
fn smoothstep_between_active_edges() {
    // Inside: s'(t) = 6 t (1 − t) times ∂t = (1, (x − e1), −(x − e0)) / (e1 − e0) (the last two
    // over (e1 − e0)²); outside: 0.
    ternary("smoothstep", smoothstep, smoothstep_jvp, smoothstep_vjp)
        .gradient(|p| {
            let (x, e0, e1) = (p[0], p[1], p[2]);
            let w = e1 - e0;
            let t = (x - e0) / w;
            if t <= 0.0 || t >= 1.0 {
                return vec![0.0, 0.0, 0.0];
            }
            let ds = 6.0 * t * (1.0 - t);
            vec![ds / w, ds * (x - e1) / (w * w), -ds * (x - e0) / (w * w)]
        })
        .check(&[
            &[0.3, 0.0, 1.0],
            &[1.7, 1.0, 3.0],
            &[-2.0, 0.0, 1.0],
            &[5.0, 0.0, 1.0],
        ]);
    // The closed form at the centre: t = ½, s'(½) = 3/2, so ∂x = 3 / (2 (e1 − e0)).
    let (_, d) = smoothstep_jvp(2.0, 1.0, 1.0, 0.0, 3.0, 0.0);
    assert_close("smoothstep centre", d, 0.75, TOL);
}
