//! The control-flow workloads of `benches/control_flow.rs`: plain Rust over `f64` scalars and a
//! step count `n`, each annotated with `#[differentiate(forward, reverse)]`, so every primal `f`
//! comes with a generated `f_jvp` and `f_vjp`.
//!
//! Shared by the benchmark and by `tests/handwritten_gradients.rs` through `#[path]`.

use ad::differentiate;

/// Explicit Euler for the nonlinear scalar ODE y' = -k y + a sin(y) on [0, 1] with `n` steps of
/// size h = 1/n, from y(0) = `y0`; returns y(1).
#[differentiate(forward, reverse)]
pub fn euler(y0: f64, k: f64, a: f64, n: usize) -> f64 {
    let h = 1.0 / n as f64;
    let mut y = y0;
    for _ in 0..n {
        y += h * (-k * y + a * y.sin());
    }
    y
}

/// Classic fourth-order Runge–Kutta for the same ODE as [`euler`]; returns y(1).
#[differentiate(forward, reverse)]
pub fn rk4(y0: f64, k: f64, a: f64, n: usize) -> f64 {
    let h = 1.0 / n as f64;
    let mut y = y0;
    for _ in 0..n {
        let k1 = -k * y + a * y.sin();
        let u2 = y + 0.5 * h * k1;
        let k2 = -k * u2 + a * u2.sin();
        let u3 = y + 0.5 * h * k2;
        let k3 = -k * u3 + a * u3.sin();
        let u4 = y + h * k3;
        let k4 = -k * u4 + a * u4.sin();
        y += h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4);
    }
    y
}

/// `n` steps of a piecewise map that branches on an active value:
/// s ← √s − x above 1, s ← s·x + 1 otherwise. For 0.5 ≲ x ≲ 0.9 the orbit settles on a cycle
/// that alternates between the two branches and stays well away from the threshold.
#[differentiate(forward, reverse)]
pub fn branchy(x: f64, s0: f64, n: usize) -> f64 {
    let mut s = s0;
    for _ in 0..n {
        if s > 1.0 {
            s = s.sqrt() - x;
        } else {
            s = s * x + 1.0;
        }
    }
    s
}

/// The polynomial Σ_{i<n} Σ_{j<n} c(i, j) xⁱ yʲ with integer coefficients
/// c(i, j) = ((3i + 7j) mod 11) − 5, evaluated with running powers in a nested loop.
#[differentiate(forward, reverse)]
pub fn poly(x: f64, y: f64, n: usize) -> f64 {
    let mut sum = 0.0;
    let mut xi = 1.0;
    for i in 0..n {
        let mut yj = 1.0;
        for j in 0..n {
            let c = ((3 * i + 7 * j) % 11) as f64 - 5.0;
            sum += c * xi * yj;
            yj *= y;
        }
        xi *= x;
    }
    sum
}
