//! Hand-written gradients of the workloads in `buffer_workloads.rs`: the baseline the generated
//! `f_vjp` is measured against.
//!
//! Each one is what an engineer would write for speed, with the signature and the contract of
//! the generated `f_vjp`: every buffer is followed by its adjoint buffer, into which `dout` times
//! the gradient is **added**; the seed `dout` comes last; the value is returned, computed with
//! exactly the primal's operations in the primal's order (so it is bit-identical). The adjoint
//! buffers must have the lengths of their buffers.
//!
//! Shared by `benches/buffers.rs` and `tests/handwritten_buffer_gradients.rs` through `#[path]`.

/// Gradient of [`super::buffer_workloads::sum_squares`]: x̄ += 2 dout x, in the same pass.
pub fn sum_squares_grad(x: &[f64], x_bar: &mut [f64], dout: f64) -> f64 {
    assert_eq!(x_bar.len(), x.len(), "x_bar");
    let c = 2.0 * dout;
    let mut s = 0.0;
    for (v, g) in x.iter().zip(x_bar.iter_mut()) {
        s += v * v;
        *g += c * v;
    }
    s
}

/// Gradient of [`super::buffer_workloads::dot`]: x̄ += dout w, w̄ += dout x, in the same pass.
pub fn dot_grad(x: &[f64], x_bar: &mut [f64], w: &[f64], w_bar: &mut [f64], dout: f64) -> f64 {
    assert_eq!(x_bar.len(), x.len(), "x_bar");
    assert_eq!(w_bar.len(), w.len(), "w_bar");
    let mut s = 0.0;
    for (((a, b), ga), gb) in x.iter().zip(w).zip(x_bar.iter_mut()).zip(w_bar.iter_mut()) {
        s += a * b;
        *ga += dout * b;
        *gb += dout * a;
    }
    s
}

/// Gradient of [`super::buffer_workloads::matvec_loss`]. With y = A x and L = ½‖y‖², ȳ = dout·y,
/// Ā = ȳ xᵀ and x̄ = Aᵀ ȳ. Since ȳᵢ depends on row i alone, each row is finished while it is in
/// cache: its dot product with x gives yᵢ, then one more pass over the row adds ȳᵢ x to the
/// row of Ā and ȳᵢ times the row to x̄. Nothing is stored.
pub fn matvec_loss_grad(
    a: &[f64],
    a_bar: &mut [f64],
    x: &[f64],
    x_bar: &mut [f64],
    dout: f64,
) -> f64 {
    let n = x.len();
    assert_eq!(a.len(), n * n, "a must be n × n");
    assert_eq!(a_bar.len(), a.len(), "a_bar");
    assert_eq!(x_bar.len(), n, "x_bar");
    let mut s = 0.0;
    for (row, row_bar) in a.chunks_exact(n).zip(a_bar.chunks_exact_mut(n)) {
        let mut acc = 0.0;
        for (r, v) in row.iter().zip(x) {
            acc += r * v;
        }
        s += acc * acc;
        let y_bar = dout * acc;
        for (((r, rb), v), xb) in row
            .iter()
            .zip(row_bar.iter_mut())
            .zip(x)
            .zip(x_bar.iter_mut())
        {
            *rb += y_bar * v;
            *xb += r * y_bar;
        }
    }
    0.5 * s
}

/// Gradient of [`super::buffer_workloads::softmax_xent`]: z̄ += dout (softmax(z) − e_target).
/// The exponentials of the forward pass are kept in a scratch vector (one allocation), so the
/// gradient costs no exponential beyond the primal's; the path through the max cancels exactly
/// and is left out.
pub fn softmax_xent_grad(z: &[f64], z_bar: &mut [f64], target: usize, dout: f64) -> f64 {
    assert_eq!(z_bar.len(), z.len(), "z_bar");
    let mut m = z[0];
    for &v in z {
        if v > m {
            m = v;
        }
    }
    let mut e = Vec::with_capacity(z.len());
    let mut s = 0.0;
    for &v in z {
        let t = (v - m).exp();
        s += t;
        e.push(t);
    }
    let c = dout / s;
    for (g, t) in z_bar.iter_mut().zip(&e) {
        *g += c * t;
    }
    z_bar[target] -= dout;
    s.ln() + m - z[target]
}
