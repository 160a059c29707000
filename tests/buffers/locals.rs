//! Local buffers `vec![c; n]` whose elements are written, read and overwritten: prefix sums, an
//! element overwritten several times in one block, a Jacobi iteration that overwrites two
//! buffers on every step, and a Gauss–Seidel sweep that updates one buffer in place. Reverse
//! mode must see every overwritten element with the value it had when it was read.

use crate::common::{of_buffer, Case};
use ad::differentiate;

/// Σ cᵢ² for the prefix sums cᵢ = x₀ + … + xᵢ kept in a local buffer.
#[differentiate(forward, reverse)]
#[allow(clippy::needless_range_loop)]
pub fn prefix_energy(x: &[f64]) -> f64 {
    let n = x.len();
    let mut c = vec![0.0; n];
    let mut run = 0.0;
    for i in 0..n {
        run += x[i];
        c[i] = run;
    }
    let mut s = 0.0;
    for i in 0..n {
        s += c[i] * c[i];
    }
    s
}

#[test]
fn prefix_sums() {
    // ∂/∂xₖ = 2 Σ_{i ≥ k} cᵢ.
    of_buffer(
        "prefix_energy",
        6,
        prefix_energy,
        prefix_energy_jvp,
        prefix_energy_vjp,
    )
    .gradient(|x| {
        let c: Vec<f64> = x
            .iter()
            .scan(0.0, |run, v| {
                *run += v;
                Some(*run)
            })
            .collect();
        (0..x.len())
            .map(|k| 2.0 * c[k..].iter().sum::<f64>())
            .collect()
    })
    .check_random(2, 1.0);
    assert_eq!(prefix_energy_jvp(&[], &[]), (0.0, 0.0));
}

/// Elements of a local buffer (as long as `x`) overwritten within one block, once after being
/// read and once without: (x₀x₁ e^{x₀x₁} + x₂) x₀.
#[differentiate(forward, reverse)]
pub fn overwrite_in_place(x: &[f64]) -> f64 {
    let mut b = vec![0.0; x.len()];
    b[0] = x[0] * x[1];
    b[1] = b[0].exp();
    b[0] = b[0] * b[1] + x[2];
    b[1] = x[0];
    b[0] * b[1]
}

#[test]
fn element_overwritten() {
    of_buffer(
        "overwrite_in_place",
        3,
        overwrite_in_place,
        overwrite_in_place_jvp,
        overwrite_in_place_vjp,
    )
    .gradient(|x| {
        let p = x[0] * x[1];
        let e = p.exp();
        // f = (p e^p + x₂) x₀; ∂(p e^p)/∂p = (1 + p) e^p.
        let dp = (1.0 + p) * e;
        vec![(p * e + x[2]) + x[0] * dp * x[1], x[0] * dp * x[0], x[0]]
    })
    .check_random(3, 1.0);
}

/// `steps` Jacobi steps of a nonlinear diffusion uₖ ← uₖ + α (uₖ₋₁ − 2uₖ + uₖ₊₁) + ¼ sin uₖ
/// (zero outside), with `u` and `next` overwritten on every step; returns Σ uₖ³.
#[differentiate(forward, reverse)]
#[allow(clippy::needless_range_loop, clippy::manual_memcpy)]
pub fn jacobi(x: &[f64], alpha: f64, steps: usize) -> f64 {
    let n = x.len();
    let mut u = vec![0.0; n];
    let mut next = vec![0.0; n];
    for i in 0..n {
        u[i] = x[i];
    }
    for _ in 0..steps {
        for i in 0..n {
            let left = if i > 0 { u[i - 1] } else { 0.0 };
            let right = if i + 1 < n { u[i + 1] } else { 0.0 };
            next[i] = u[i] + alpha * (left - 2.0 * u[i] + right) + 0.25 * u[i].sin();
        }
        for i in 0..n {
            u[i] = next[i];
        }
    }
    let mut s = 0.0;
    for i in 0..n {
        s += u[i] * u[i] * u[i];
    }
    s
}

#[test]
fn buffers_overwritten_in_a_loop() {
    let n = 5;
    for steps in [0, 1, 4] {
        Case::new(
            &format!("jacobi steps={steps}"),
            n + 1,
            1,
            move |p| vec![jacobi(&p[..n], p[n], steps)],
            move |p, v| {
                let (y, dy) = jacobi_jvp(&p[..n], &v[..n], p[n], v[n], steps);
                (vec![y], vec![dy])
            },
            move |p, w, g| {
                let (y, da) = jacobi_vjp(&p[..n], &mut g[..n], p[n], steps, w[0]);
                g[n] += da;
                vec![y]
            },
        )
        // 0 < α ≤ ¼ keeps the explicit scheme stable.
        .check(&[
            &[0.7, -0.4, 0.9, 0.3, -0.8, 0.2],
            &[-0.5, 1.1, 0.25, -0.9, 0.6, 0.125],
        ]);
    }
    // No step: Σ xₖ³, and α has no influence.
    let x = [0.5, -1.0, 2.0];
    let mut g = [0.0; 3];
    let (y, da) = jacobi_vjp(&x, &mut g, 0.3, 0, 1.0);
    assert_eq!(y, 0.125 - 1.0 + 8.0);
    assert_eq!(g, [0.75, 3.0, 12.0]);
    assert_eq!(da, 0.0);
}

/// `sweeps` Gauss–Seidel sweeps uₖ ← sin(uₖ xₖ + uₖ₋₁) over a buffer that starts at ½,
/// each element overwritten in place and read again, new, by its right neighbour; returns Σ uₖ.
#[differentiate(forward, reverse)]
#[allow(clippy::needless_range_loop)]
pub fn gauss_seidel(x: &[f64], sweeps: usize) -> f64 {
    let n = x.len();
    let mut u = vec![0.5; n];
    for _ in 0..sweeps {
        for i in 0..n {
            let left = if i > 0 { u[i - 1] } else { 1.0 };
            u[i] = (u[i] * x[i] + left).sin();
        }
    }
    let mut s = 0.0;
    for i in 0..n {
        s += u[i];
    }
    s
}

#[test]
fn buffer_updated_in_place() {
    let n = 4;
    for sweeps in [1, 3] {
        Case::new(
            &format!("gauss_seidel sweeps={sweeps}"),
            n,
            1,
            move |x| vec![gauss_seidel(x, sweeps)],
            move |x, v| {
                let (y, dy) = gauss_seidel_jvp(x, v, sweeps);
                (vec![y], vec![dy])
            },
            move |x, w, g| vec![gauss_seidel_vjp(x, g, sweeps, w[0])],
        )
        .check_random(2, 1.5);
    }
    // One sweep over one element: u = sin(x/2 + 1).
    let mut g = [0.0];
    let y = gauss_seidel_vjp(&[0.4], &mut g, 1, 1.0);
    assert_eq!(y, (0.5f64 * 0.4 + 1.0).sin());
    crate::common::assert_close("gauss_seidel n=1", g[0], 0.5 * 1.2f64.cos(), 1e-15);
}

/// A table filled once and then only read, in a later loop (reverse mode reads it again rather
/// than recording it), next to one that is written again after it was read (which must be
/// recorded), with `+=` updates in place.
#[differentiate(forward, reverse)]
#[allow(clippy::needless_range_loop)]
pub fn table_then_reads(x: &[f64]) -> f64 {
    let n = x.len();
    let mut table = vec![0.0; n];
    let mut later = vec![0.0; n];
    for i in 0..n {
        table[i] = x[i].sin();
        later[i] = x[i] * x[i];
    }
    let mut s = 0.0;
    for i in 0..n {
        for j in 0..n {
            s += table[i] * table[j] * later[j];
        }
        later[i] += table[i];
        later[i] -= 0.5 * x[i];
    }
    for i in 0..n {
        s += later[i] * table[i];
    }
    s
}

#[test]
fn frozen_tables_and_updates_in_place() {
    of_buffer(
        "table_then_reads",
        5,
        table_then_reads,
        table_then_reads_jvp,
        table_then_reads_vjp,
    )
    .check_random(3, 1.0);
}

/// A `Vec` grown by `push` (features of `x`), read back by index and by iteration.
#[differentiate(forward, reverse)]
pub fn pushed_features(x: &[f64], w: f64) -> f64 {
    let mut features = Vec::with_capacity(2 * x.len());
    for &v in x {
        features.push(v * w);
        features.push(v.sin());
    }
    let mut extra = Vec::new();
    for k in 0..2 {
        extra.push(w * w + k as f64);
    }
    let mut s = extra[0] * extra[1];
    for i in 1..features.len() {
        s += features[i] * features[i - 1];
    }
    for &f in &features {
        s += 0.1 * f;
    }
    s
}

#[test]
fn vec_grown_by_push() {
    let x = [0.3, -1.2, 0.8, 0.5];
    let w = 0.7;
    let f = |x: &[f64], w: f64| pushed_features(x, w);
    let mut gx = [0.0; 4];
    let (v, gw) = pushed_features_vjp(&x, &mut gx, w, 1.0);
    assert_eq!(v, f(&x, w));
    let (_, dw) = pushed_features_jvp(&x, &[0.0; 4], w, 1.0);
    let h = 1e-6;
    let fd_w = (f(&x, w + h) - f(&x, w - h)) / (2.0 * h);
    assert!(
        (gw - fd_w).abs() < 1e-7 && (gw - dw).abs() < 1e-12,
        "{gw} {dw} {fd_w}"
    );
    for k in 0..4 {
        let mut e = [0.0; 4];
        e[k] = 1.0;
        let (_, d) = pushed_features_jvp(&x, &e, w, 0.0);
        let (mut up, mut down) = (x, x);
        up[k] += h;
        down[k] -= h;
        let fd = (f(&up, w) - f(&down, w)) / (2.0 * h);
        assert!(
            (gx[k] - fd).abs() < 1e-7 && (gx[k] - d).abs() < 1e-12,
            "{k}: {} {d} {fd}",
            gx[k]
        );
    }
}
