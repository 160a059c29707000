//! Checks of the hand-written gradients that `benches/control_flow.rs` measures the generated
//! ones against: each against central finite differences of its primal, its value against the
//! primal's, and then the generated `f_vjp` and `f_jvp` against it.
#![deny(warnings)]
#![deny(clippy::all)]

#[path = "../benches/common/workloads.rs"]
mod workloads;

#[path = "../benches/common/handwritten.rs"]
mod handwritten;

use handwritten::{branchy_grad, euler_grad, poly_grad, rk4_grad};
use workloads::{
    branchy, branchy_jvp, branchy_vjp, euler, euler_jvp, euler_vjp, poly, poly_jvp, poly_vjp, rk4,
    rk4_jvp, rk4_vjp,
};

/// Central difference of `f` at `p` along coordinate `i`, with a step relative to `p[i]`.
fn central_difference<const N: usize>(f: impl Fn([f64; N]) -> f64, p: [f64; N], i: usize) -> f64 {
    let h = 1e-6 * p[i].abs().max(1.0);
    let (mut lo, mut hi) = (p, p);
    lo[i] -= h;
    hi[i] += h;
    (f(hi) - f(lo)) / (2.0 * h)
}

/// `got` agrees with `want` to a relative tolerance, or an absolute one near zero.
fn assert_close(what: &str, got: f64, want: f64, tol: f64) {
    let err = (got - want).abs();
    assert!(
        err <= tol * want.abs().max(1.0),
        "{what}: got {got:e}, want {want:e}, |difference| {err:e}"
    );
}

/// Checks `grad` (the adjoints returned by a hand-written gradient) against central finite
/// differences of `f` at `p`.
fn check_against_finite_differences<const N: usize>(
    name: &str,
    f: impl Fn([f64; N]) -> f64,
    p: [f64; N],
    grad: [f64; N],
) {
    for (i, &g) in grad.iter().enumerate() {
        let fd = central_difference(&f, p, i);
        assert_close(&format!("{name}: d/dp{i} at {p:?}"), g, fd, 1e-6);
    }
}

const N_ODE: usize = 1000;
const N_BRANCHY: usize = 1000;
const N_POLY: usize = 30;

const ODE_POINTS: [[f64; 3]; 3] = [[1.0, 0.5, 0.3], [0.2, -0.4, 1.5], [2.5, 1.2, -0.8]];
const BRANCHY_POINTS: [[f64; 2]; 3] = [[0.7, 0.5], [0.6, 3.0], [0.85, 1.4]];
const POLY_POINTS: [[f64; 2]; 3] = [[0.9, 0.8], [-0.7, 0.95], [0.5, -0.6]];

#[test]
fn euler_handwritten_matches_finite_differences() {
    for p in ODE_POINTS {
        let (y, g0, gk, ga) = euler_grad(p[0], p[1], p[2], N_ODE, 1.0);
        assert_eq!(y, euler(p[0], p[1], p[2], N_ODE));
        let f = |q: [f64; 3]| euler(q[0], q[1], q[2], N_ODE);
        check_against_finite_differences("euler", f, p, [g0, gk, ga]);
    }
}

#[test]
fn rk4_handwritten_matches_finite_differences() {
    for p in ODE_POINTS {
        let (y, g0, gk, ga) = rk4_grad(p[0], p[1], p[2], N_ODE, 1.0);
        assert_eq!(y, rk4(p[0], p[1], p[2], N_ODE));
        let f = |q: [f64; 3]| rk4(q[0], q[1], q[2], N_ODE);
        check_against_finite_differences("rk4", f, p, [g0, gk, ga]);
    }
}

#[test]
fn branchy_handwritten_matches_finite_differences() {
    for p in BRANCHY_POINTS {
        let (s, gx, gs0) = branchy_grad(p[0], p[1], N_BRANCHY, 1.0);
        assert_eq!(s, branchy(p[0], p[1], N_BRANCHY));
        let f = |q: [f64; 2]| branchy(q[0], q[1], N_BRANCHY);
        check_against_finite_differences("branchy", f, p, [gx, gs0]);
        // Few steps, so that the derivative in s0 has not yet contracted to zero.
        let (_, gx, gs0) = branchy_grad(p[0], p[1], 7, 1.0);
        let f = |q: [f64; 2]| branchy(q[0], q[1], 7);
        check_against_finite_differences("branchy, n = 7", f, p, [gx, gs0]);
        assert!(gs0.abs() > 1e-3, "s0 adjoint after 7 steps is {gs0:e}");
    }
}

#[test]
fn poly_handwritten_matches_finite_differences() {
    for p in POLY_POINTS {
        let (v, gx, gy) = poly_grad(p[0], p[1], N_POLY, 1.0);
        assert_eq!(v, poly(p[0], p[1], N_POLY));
        let f = |q: [f64; 2]| poly(q[0], q[1], N_POLY);
        check_against_finite_differences("poly", f, p, [gx, gy]);
    }
}

/// The seed scales the adjoints (by a power of two here, so exactly).
#[test]
fn handwritten_gradients_scale_with_the_seed() {
    let (_, a, b, c) = euler_grad(1.0, 0.5, 0.3, N_ODE, 1.0);
    let (_, a2, b2, c2) = euler_grad(1.0, 0.5, 0.3, N_ODE, -2.0);
    assert_eq!([a2, b2, c2], [-2.0 * a, -2.0 * b, -2.0 * c]);
    let (_, a, b, c) = rk4_grad(1.0, 0.5, 0.3, N_ODE, 1.0);
    let (_, a2, b2, c2) = rk4_grad(1.0, 0.5, 0.3, N_ODE, 2.0);
    assert_eq!([a2, b2, c2], [2.0 * a, 2.0 * b, 2.0 * c]);
    let (_, a, b) = branchy_grad(0.7, 0.5, 7, 1.0);
    let (_, a2, b2) = branchy_grad(0.7, 0.5, 7, 2.0);
    assert_eq!([a2, b2], [2.0 * a, 2.0 * b]);
    let (_, a, b) = poly_grad(0.9, 0.8, N_POLY, 1.0);
    let (_, a2, b2) = poly_grad(0.9, 0.8, N_POLY, 2.0);
    assert_eq!([a2, b2], [2.0 * a, 2.0 * b]);
}

// The generated derivatives against the hand-written ones: values bit-identical, gradients to
// rounding, and the JVP along each coordinate equal to that gradient component.

#[test]
fn euler_generated_matches_handwritten() {
    for p in ODE_POINTS {
        let (y, g0, gk, ga) = euler_grad(p[0], p[1], p[2], N_ODE, 1.0);
        let (yv, v0, vk, va) = euler_vjp(p[0], p[1], p[2], N_ODE, 1.0);
        assert_eq!(yv, y);
        for (what, got, want) in [("y0", v0, g0), ("k", vk, gk), ("a", va, ga)] {
            assert_close(&format!("euler_vjp d/d{what} at {p:?}"), got, want, 1e-10);
        }
        for (i, want) in [g0, gk, ga].into_iter().enumerate() {
            let t = [0, 1, 2].map(|j| if i == j { 1.0 } else { 0.0 });
            let (yj, dy) = euler_jvp(p[0], t[0], p[1], t[1], p[2], t[2], N_ODE);
            assert_eq!(yj, y);
            assert_close(&format!("euler_jvp e{i} at {p:?}"), dy, want, 1e-10);
        }
    }
}

#[test]
fn rk4_generated_matches_handwritten() {
    for p in ODE_POINTS {
        let (y, g0, gk, ga) = rk4_grad(p[0], p[1], p[2], N_ODE, 1.0);
        let (yv, v0, vk, va) = rk4_vjp(p[0], p[1], p[2], N_ODE, 1.0);
        assert_eq!(yv, y);
        for (what, got, want) in [("y0", v0, g0), ("k", vk, gk), ("a", va, ga)] {
            assert_close(&format!("rk4_vjp d/d{what} at {p:?}"), got, want, 1e-10);
        }
        for (i, want) in [g0, gk, ga].into_iter().enumerate() {
            let t = [0, 1, 2].map(|j| if i == j { 1.0 } else { 0.0 });
            let (yj, dy) = rk4_jvp(p[0], t[0], p[1], t[1], p[2], t[2], N_ODE);
            assert_eq!(yj, y);
            assert_close(&format!("rk4_jvp e{i} at {p:?}"), dy, want, 1e-10);
        }
    }
}

#[test]
fn branchy_generated_matches_handwritten() {
    for p in BRANCHY_POINTS {
        for n in [0, 1, 7, N_BRANCHY] {
            let (s, gx, gs0) = branchy_grad(p[0], p[1], n, 1.0);
            let (sv, vx, vs0) = branchy_vjp(p[0], p[1], n, 1.0);
            assert_eq!(sv, s);
            assert_close(
                &format!("branchy_vjp d/dx at {p:?}, n = {n}"),
                vx,
                gx,
                1e-10,
            );
            assert_close(
                &format!("branchy_vjp d/ds0 at {p:?}, n = {n}"),
                vs0,
                gs0,
                1e-10,
            );
            let (sj, dx) = branchy_jvp(p[0], 1.0, p[1], 0.0, n);
            assert_eq!(sj, s);
            assert_close(&format!("branchy_jvp ex at {p:?}, n = {n}"), dx, gx, 1e-10);
            let (_, ds0) = branchy_jvp(p[0], 0.0, p[1], 1.0, n);
            assert_close(
                &format!("branchy_jvp es0 at {p:?}, n = {n}"),
                ds0,
                gs0,
                1e-10,
            );
        }
    }
}

#[test]
fn poly_generated_matches_handwritten() {
    for p in POLY_POINTS {
        for n in [0, 1, 2, N_POLY] {
            let (v, gx, gy) = poly_grad(p[0], p[1], n, 1.0);
            let (vv, vx, vy) = poly_vjp(p[0], p[1], n, 1.0);
            assert_eq!(vv, v);
            assert_close(&format!("poly_vjp d/dx at {p:?}, n = {n}"), vx, gx, 1e-10);
            assert_close(&format!("poly_vjp d/dy at {p:?}, n = {n}"), vy, gy, 1e-10);
            let (vj, dx) = poly_jvp(p[0], 1.0, p[1], 0.0, n);
            assert_eq!(vj, v);
            assert_close(&format!("poly_jvp ex at {p:?}, n = {n}"), dx, gx, 1e-10);
            let (_, dy) = poly_jvp(p[0], 0.0, p[1], 1.0, n);
            assert_close(&format!("poly_jvp ey at {p:?}, n = {n}"), dy, gy, 1e-10);
        }
    }
}
