//! Checks of the hand-written buffer gradients that `benches/buffers.rs` measures the generated
//! ones against: each against central finite differences of its primal (one element perturbed
//! at a time), its value against the primal's, its accumulation into the adjoint buffers, and
//! then the generated `f_vjp` and `f_jvp` against it on larger inputs.
#![deny(warnings)]
#![deny(clippy::all)]

#[path = "../benches/common/buffer_workloads.rs"]
mod buffer_workloads;

#[path = "../benches/common/handwritten_buffers.rs"]
mod handwritten_buffers;

use buffer_workloads::{
    dot, dot_jvp, dot_vjp, matvec_loss, matvec_loss_jvp, matvec_loss_vjp, softmax_xent,
    softmax_xent_jvp, softmax_xent_vjp, sum_squares, sum_squares_jvp, sum_squares_vjp,
};
use handwritten_buffers::{dot_grad, matvec_loss_grad, softmax_xent_grad, sum_squares_grad};

/// `n` deterministic values in [-1, 1) (a 64-bit LCG), different for every seed.
fn data(n: usize, seed: u64) -> Vec<f64> {
    let mut state = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
    (0..n)
        .map(|_| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 11) as f64 / (1u64 << 52) as f64 - 1.0
        })
        .collect()
}

/// Central differences of `f` at `x`, one element at a time, with steps relative to the element.
fn fd_gradient(f: impl Fn(&[f64]) -> f64, x: &[f64]) -> Vec<f64> {
    let mut p = x.to_vec();
    (0..x.len())
        .map(|i| {
            let h = 1e-5 * x[i].abs().max(1.0);
            p[i] = x[i] + h;
            let hi = f(&p);
            p[i] = x[i] - h;
            let lo = f(&p);
            p[i] = x[i];
            (hi - lo) / (2.0 * h)
        })
        .collect()
}

/// `got` agrees with `want` to a relative tolerance, with an absolute floor of `tol`.
#[track_caller]
fn assert_close(what: &str, got: &[f64], want: &[f64], tol: f64) {
    assert_eq!(got.len(), want.len(), "{what}: lengths differ");
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= tol * w.abs().max(1.0),
            "{what}[{i}]: got {g:e}, want {w:e}"
        );
    }
}

#[test]
fn sum_squares_handwritten_matches_finite_differences() {
    let x = data(9, 1);
    let mut g = vec![0.0; 9];
    let y = sum_squares_grad(&x, &mut g, 1.0);
    assert_eq!(y, sum_squares(&x));
    assert_close("sum_squares", &g, &fd_gradient(sum_squares, &x), 1e-8);
    // Accumulates, scaled by the seed.
    sum_squares_grad(&x, &mut g, -3.0);
    let want: Vec<f64> = x.iter().map(|v| -4.0 * v).collect();
    assert_close("sum_squares accumulated", &g, &want, 1e-14);
}

#[test]
fn dot_handwritten_matches_finite_differences() {
    let n = 8;
    let p = data(2 * n, 2);
    let (x, w) = p.split_at(n);
    let mut gx = vec![0.0; n];
    let mut gw = vec![0.0; n];
    let y = dot_grad(x, &mut gx, w, &mut gw, 1.0);
    assert_eq!(y, dot(x, w));
    let g: Vec<f64> = gx.iter().chain(&gw).copied().collect();
    let fd = fd_gradient(|q| dot(&q[..n], &q[n..]), &p);
    assert_close("dot", &g, &fd, 1e-8);
}

#[test]
fn matvec_handwritten_matches_finite_differences() {
    let n = 5;
    let p = data(n * n + n, 3);
    let (a, x) = p.split_at(n * n);
    let mut ga = vec![0.0; n * n];
    let mut gx = vec![0.0; n];
    let y = matvec_loss_grad(a, &mut ga, x, &mut gx, 1.0);
    assert_eq!(y, matvec_loss(a, x));
    let g: Vec<f64> = ga.iter().chain(&gx).copied().collect();
    let fd = fd_gradient(|q| matvec_loss(&q[..n * n], &q[n * n..]), &p);
    assert_close("matvec", &g, &fd, 1e-8);
}

#[test]
fn softmax_xent_handwritten_matches_finite_differences() {
    let n = 7;
    let z: Vec<f64> = data(n, 4).iter().map(|v| 3.0 * v).collect();
    for target in [0, 3, n - 1] {
        let mut g = vec![0.0; n];
        let y = softmax_xent_grad(&z, &mut g, target, 1.0);
        assert_eq!(y, softmax_xent(&z, target));
        let fd = fd_gradient(|q| softmax_xent(q, target), &z);
        assert_close(&format!("softmax_xent target {target}"), &g, &fd, 1e-8);
        // The gradient of a cross-entropy sums to zero.
        assert!(g.iter().sum::<f64>().abs() < 1e-14, "{g:?}");
    }
}

#[test]
fn generated_gradients_match_handwritten() {
    let n = 1000;
    let x = data(n, 5);
    let w = data(n, 6);
    let dir = data(n, 7);
    let dir2 = data(n, 8);

    let mut hand = vec![0.0; n];
    let mut gen = vec![0.0; n];
    let y = sum_squares_grad(&x, &mut hand, 1.0);
    assert_eq!(sum_squares_vjp(&x, &mut gen, 1.0), y);
    assert_close("sum_squares_vjp", &gen, &hand, 1e-12);
    let (yj, dy) = sum_squares_jvp(&x, &dir);
    assert_eq!(yj, y);
    assert_close("sum_squares_jvp", &[dy], &[dot(&hand, &dir)], 1e-12);

    let (mut hx, mut hw) = (vec![0.0; n], vec![0.0; n]);
    let (mut gx, mut gw) = (vec![0.0; n], vec![0.0; n]);
    let y = dot_grad(&x, &mut hx, &w, &mut hw, 1.0);
    assert_eq!(dot_vjp(&x, &mut gx, &w, &mut gw, 1.0), y);
    assert_close("dot_vjp x", &gx, &hx, 1e-12);
    assert_close("dot_vjp w", &gw, &hw, 1e-12);
    let (yj, dy) = dot_jvp(&x, &dir, &w, &dir2);
    assert_eq!(yj, y);
    assert_close("dot_jvp", &[dy], &[dot(&hx, &dir) + dot(&hw, &dir2)], 1e-12);

    let m = 30;
    let a = data(m * m, 9);
    let xm = data(m, 10);
    let da = data(m * m, 11);
    let (mut ha, mut hx) = (vec![0.0; m * m], vec![0.0; m]);
    let (mut ga, mut gx) = (vec![0.0; m * m], vec![0.0; m]);
    let y = matvec_loss_grad(&a, &mut ha, &xm, &mut hx, 1.0);
    assert_eq!(matvec_loss_vjp(&a, &mut ga, &xm, &mut gx, 1.0), y);
    assert_close("matvec_loss_vjp a", &ga, &ha, 1e-12);
    assert_close("matvec_loss_vjp x", &gx, &hx, 1e-12);
    let (yj, dy) = matvec_loss_jvp(&a, &da, &xm, &dir[..m]);
    assert_eq!(yj, y);
    let want = dot(&ha, &da) + dot(&hx, &dir[..m]);
    assert_close("matvec_loss_jvp", &[dy], &[want], 1e-12);

    let z: Vec<f64> = x.iter().map(|v| 3.0 * v).collect();
    let target = n / 3;
    let mut hz = vec![0.0; n];
    let mut gz = vec![0.0; n];
    let y = softmax_xent_grad(&z, &mut hz, target, 1.0);
    assert_eq!(softmax_xent_vjp(&z, &mut gz, target, 1.0), y);
    assert_close("softmax_xent_vjp", &gz, &hz, 1e-12);
    let (yj, dy) = softmax_xent_jvp(&z, &dir, target);
    assert_eq!(yj, y);
    assert_close("softmax_xent_jvp", &[dy], &[dot(&hz, &dir)], 1e-12);
}
