//! Hand-written gradients of the workloads in `workloads.rs`: the baseline the generated
//! `f_vjp` is measured against.
//!
//! Each one is the reverse-mode derivative an engineer would write by hand for speed: the forward
//! pass computes the primal exactly as the primal does (so the value is bit-identical) and pushes
//! the local partial derivatives of every step onto a `Vec` reserved up front; the backward loop
//! walks that tape in reverse with plain multiply-adds and no transcendental calls. For the
//! polynomial nothing needs to be stored: the powers and their derivatives are carried along in
//! the one loop nest.
//!
//! Every function has the signature of the generated `f_vjp`: the parameters, then the seed
//! `dout`; it returns the value and the adjoints of the `f64` parameters in order.
//!
//! Shared by `benches/control_flow.rs` and `tests/handwritten_gradients.rs` through `#[path]`.

/// Gradient of [`super::workloads::euler`] with respect to `(y0, k, a)`.
pub fn euler_grad(y0: f64, k: f64, a: f64, n: usize, dout: f64) -> (f64, f64, f64, f64) {
    let h = 1.0 / n as f64;
    // Per step y' = y + h (-k y + a sin y): [∂y'/∂y, ∂y'/∂k, ∂y'/∂a].
    let mut tape: Vec<[f64; 3]> = Vec::with_capacity(n);
    let mut y = y0;
    for _ in 0..n {
        let (s, c) = y.sin_cos();
        tape.push([1.0 + h * (a * c - k), -h * y, h * s]);
        y += h * (-k * y + a * s);
    }
    let (mut y_bar, mut k_bar, mut a_bar) = (dout, 0.0, 0.0);
    for &[dy, dk, da] in tape.iter().rev() {
        k_bar += y_bar * dk;
        a_bar += y_bar * da;
        y_bar *= dy;
    }
    (y, y_bar, k_bar, a_bar)
}

/// Gradient of [`super::workloads::rk4`] with respect to `(y0, k, a)`.
pub fn rk4_grad(y0: f64, k: f64, a: f64, n: usize, dout: f64) -> (f64, f64, f64, f64) {
    let h = 1.0 / n as f64;
    // Per step, for each of the four stages at u (u1 = y): [u, f'(u) = a cos u - k, sin u],
    // where f(u) = -k u + a sin u, ∂f/∂k = -u and ∂f/∂a = sin u.
    let mut tape: Vec<[f64; 12]> = Vec::with_capacity(n);
    let mut y = y0;
    for _ in 0..n {
        let (s1, c1) = y.sin_cos();
        let k1 = -k * y + a * s1;
        let u2 = y + 0.5 * h * k1;
        let (s2, c2) = u2.sin_cos();
        let k2 = -k * u2 + a * s2;
        let u3 = y + 0.5 * h * k2;
        let (s3, c3) = u3.sin_cos();
        let k3 = -k * u3 + a * s3;
        let u4 = y + h * k3;
        let (s4, c4) = u4.sin_cos();
        let k4 = -k * u4 + a * s4;
        tape.push([
            y,
            a * c1 - k,
            s1,
            u2,
            a * c2 - k,
            s2,
            u3,
            a * c3 - k,
            s3,
            u4,
            a * c4 - k,
            s4,
        ]);
        y += h / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4);
    }
    let (mut y_bar, mut k_bar, mut a_bar) = (dout, 0.0, 0.0);
    for &[u1, f1, s1, u2, f2, s2, u3, f3, s3, u4, f4, s4] in tape.iter().rev() {
        // y_next = y + h/6 (k1 + 2 k2 + 2 k3 + k4)
        let mut k1_bar = h / 6.0 * y_bar;
        let mut k2_bar = h / 3.0 * y_bar;
        let mut k3_bar = h / 3.0 * y_bar;
        let k4_bar = h / 6.0 * y_bar;
        // k4 = f(u4), u4 = y + h k3
        let u4_bar = f4 * k4_bar;
        k_bar -= u4 * k4_bar;
        a_bar += s4 * k4_bar;
        k3_bar += h * u4_bar;
        // k3 = f(u3), u3 = y + h/2 k2
        let u3_bar = f3 * k3_bar;
        k_bar -= u3 * k3_bar;
        a_bar += s3 * k3_bar;
        k2_bar += 0.5 * h * u3_bar;
        // k2 = f(u2), u2 = y + h/2 k1
        let u2_bar = f2 * k2_bar;
        k_bar -= u2 * k2_bar;
        a_bar += s2 * k2_bar;
        k1_bar += 0.5 * h * u2_bar;
        // k1 = f(y)
        k_bar -= u1 * k1_bar;
        a_bar += s1 * k1_bar;
        y_bar += u4_bar + u3_bar + u2_bar + f1 * k1_bar;
    }
    (y, y_bar, k_bar, a_bar)
}

/// Gradient of [`super::workloads::branchy`] with respect to `(x, s0)`.
pub fn branchy_grad(x: f64, s0: f64, n: usize, dout: f64) -> (f64, f64, f64) {
    // Per step: [∂s'/∂s, ∂s'/∂x] of the branch taken.
    let mut tape: Vec<[f64; 2]> = Vec::with_capacity(n);
    let mut s = s0;
    for _ in 0..n {
        if s > 1.0 {
            let r = s.sqrt();
            tape.push([0.5 / r, -1.0]);
            s = r - x;
        } else {
            tape.push([x, s]);
            s = s * x + 1.0;
        }
    }
    let (mut s_bar, mut x_bar) = (dout, 0.0);
    for &[ds, dx] in tape.iter().rev() {
        x_bar += s_bar * dx;
        s_bar *= ds;
    }
    (s, x_bar, s_bar)
}

/// Gradient of [`super::workloads::poly`] with respect to `(x, y)`: one pass over the same loop
/// nest that carries xⁱ, yʲ and their derivatives i xⁱ⁻¹, j yʲ⁻¹ as running values, so nothing
/// is stored.
pub fn poly_grad(x: f64, y: f64, n: usize, dout: f64) -> (f64, f64, f64) {
    let (mut sum, mut x_bar, mut y_bar) = (0.0, 0.0, 0.0);
    let (mut xi, mut dxi) = (1.0, 0.0);
    for i in 0..n {
        // row = Σ_j c(i, j) yʲ and its derivative in y
        let (mut row, mut drow) = (0.0, 0.0);
        let (mut yj, mut dyj) = (1.0, 0.0);
        for j in 0..n {
            let c = ((3 * i + 7 * j) % 11) as f64 - 5.0;
            sum += c * xi * yj;
            row += c * yj;
            drow += c * dyj;
            dyj = dyj * y + yj;
            yj *= y;
        }
        x_bar += dxi * row;
        y_bar += xi * drow;
        dxi = dxi * x + xi;
        xi *= x;
    }
    (sum, dout * x_bar, dout * y_bar)
}
