//! The buffer workloads of `benches/buffers.rs`: plain Rust over `&[f64]` slices, each annotated
//! with `#[differentiate(forward, reverse)]`, so every primal `f` comes with a generated `f_jvp`
//! (a tangent buffer after each buffer) and `f_vjp` (an adjoint buffer after each buffer,
//! accumulated into).
//!
//! Shared by the benchmark and by `tests/handwritten_buffer_gradients.rs` through `#[path]`.

use ad::differentiate;

/// Σ xᵢ².
#[differentiate(forward, reverse)]
pub fn sum_squares(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for v in x.iter() {
        s += v * v;
    }
    s
}

/// Σ xᵢ wᵢ, both buffers differentiated.
#[differentiate(forward, reverse)]
pub fn dot(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for (a, b) in x.iter().zip(w) {
        s += a * b;
    }
    s
}

/// ½‖A x‖² for the row-major n × n matrix `a` (n = `x.len()`), with y = A x in a local buffer.
#[differentiate(forward, reverse)]
#[allow(clippy::needless_range_loop)]
pub fn matvec_loss(a: &[f64], x: &[f64]) -> f64 {
    let n = x.len();
    let mut y = vec![0.0; n];
    for i in 0..n {
        let mut acc = 0.0;
        for j in 0..n {
            acc += a[i * n + j] * x[j];
        }
        y[i] = acc;
    }
    let mut s = 0.0;
    for i in 0..n {
        s += y[i] * y[i];
    }
    0.5 * s
}

/// Softmax cross-entropy of the logits `z` against the class `target`:
/// log Σ exp(zᵢ) − z_target, evaluated stably as log Σ exp(zᵢ − m) + m with m = max zᵢ.
#[differentiate(forward, reverse)]
pub fn softmax_xent(z: &[f64], target: usize) -> f64 {
    let mut m = z[0];
    for &v in z {
        if v > m {
            m = v;
        }
    }
    let mut s = 0.0;
    for &v in z {
        s += (v - m).exp();
    }
    s.ln() + m - z[target]
}
