//! Reading active buffers by index: `x[i]`, `x.len()`, flat two-dimensional indexing
//! `a[i * d + j]`, a `&Vec<f64>` parameter, an active buffer next to active scalars, and the
//! return types of `f_vjp` (just the value when the only active parameters are buffers, a tuple
//! when there are active scalars).

use crate::common::{of_buffer, of_two_buffers, Case};
use ad::differentiate;

/// Σ xᵢ² by index over `0..x.len()`.
#[differentiate(forward, reverse)]
#[allow(clippy::needless_range_loop)]
pub fn sum_squares(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += x[i] * x[i];
    }
    s
}

#[test]
fn sum_of_squares() {
    for n in [1, 2, 7] {
        of_buffer(
            &format!("sum_squares n={n}"),
            n,
            sum_squares,
            sum_squares_jvp,
            sum_squares_vjp,
        )
        .gradient(|x| x.iter().map(|v| 2.0 * v).collect())
        .check_random(2, 1.5);
    }
}

#[test]
fn empty_buffer() {
    // No element: the value is 0 and nothing is written.
    assert_eq!(sum_squares_jvp(&[], &[]), (0.0, 0.0));
    let mut g: [f64; 0] = [];
    assert_eq!(sum_squares_vjp(&[], &mut g, 1.0), 0.0);
}

#[test]
fn adjoint_buffer_accumulates() {
    let x = [0.5, -1.25, 2.0];
    let mut g = [0.0; 3];
    let y1 = sum_squares_vjp(&x, &mut g, 1.0);
    assert_eq!(g, [1.0, -2.5, 4.0]);
    let y2 = sum_squares_vjp(&x, &mut g, 1.0);
    assert_eq!(y1, sum_squares(&x));
    assert_eq!(y2, y1);
    assert_eq!(g, [2.0, -5.0, 8.0], "a second call must add, not overwrite");
    // A buffer that already holds something is added to.
    let mut g = [10.0, 20.0, 30.0];
    sum_squares_vjp(&x, &mut g, 0.5);
    assert_eq!(g, [10.5, 18.75, 32.0]);
}

/// Elements read at computed positions, mixed with the element's own index: Σᵢ (i+1) xᵢ xₙ₋₁₋ᵢ.
#[differentiate(forward, reverse)]
#[allow(clippy::needless_range_loop)]
pub fn mirrored(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n {
        s += (i as f64 + 1.0) * x[i] * x[n - 1 - i];
    }
    s
}

#[test]
fn computed_indices() {
    // ∂/∂x_k = (k+1) x_{n-1-k} + (n-k) x_{n-1-k}: x_k appears as the first factor in term k and
    // as the second in term n-1-k.
    for n in [1, 4, 5] {
        of_buffer(
            &format!("mirrored n={n}"),
            n,
            mirrored,
            mirrored_jvp,
            mirrored_vjp,
        )
        .gradient(move |x| {
            (0..n)
                .map(|k| (k as f64 + 1.0 + (n - k) as f64) * x[n - 1 - k])
                .collect()
        })
        .check_random(2, 1.0);
    }
}

/// ½‖A x‖² for a row-major `rows × x.len()` matrix `a`, with the product in a local buffer.
#[differentiate(forward, reverse)]
#[allow(clippy::needless_range_loop)]
pub fn half_norm_ax(a: &[f64], x: &[f64]) -> f64 {
    let d = x.len();
    let rows = a.len() / d;
    let mut y = vec![0.0; rows];
    for i in 0..rows {
        for j in 0..d {
            y[i] += a[i * d + j] * x[j];
        }
    }
    let mut s = 0.0;
    for i in 0..rows {
        s += y[i] * y[i];
    }
    0.5 * s
}

/// `A x` for the row-major `rows × d` matrix `a`.
fn mat_vec(a: &[f64], x: &[f64]) -> Vec<f64> {
    a.chunks(x.len())
        .map(|row| row.iter().zip(x).map(|(p, q)| p * q).sum())
        .collect()
}

#[test]
fn matrix_vector_product() {
    // ∂/∂A = y xᵀ, ∂/∂x = Aᵀ y with y = A x. A non-square matrix catches a transposed index.
    for (rows, d) in [(3, 2), (2, 4), (1, 1)] {
        of_two_buffers(
            &format!("half_norm_ax {rows}x{d}"),
            rows * d,
            d,
            half_norm_ax,
            half_norm_ax_jvp,
            half_norm_ax_vjp,
        )
        .gradient(move |p| {
            let (a, x) = p.split_at(rows * d);
            let y = mat_vec(a, x);
            let mut g = vec![0.0; rows * d + d];
            for i in 0..rows {
                for j in 0..d {
                    g[i * d + j] = y[i] * x[j];
                    g[rows * d + j] += a[i * d + j] * y[i];
                }
            }
            g
        })
        .check_random(2, 1.0);
    }
}

/// A `&Vec<f64>` parameter: the mean of eˣ.
#[differentiate(forward, reverse)]
#[allow(clippy::ptr_arg, clippy::needless_range_loop)]
pub fn mean_exp(x: &Vec<f64>) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += x[i].exp();
    }
    s / x.len() as f64
}

#[test]
fn vec_parameter() {
    let n = 5;
    Case::new(
        "mean_exp",
        n,
        1,
        |x| vec![mean_exp(&x.to_vec())],
        |x, v| {
            let (y, dy) = mean_exp_jvp(&x.to_vec(), &v.to_vec());
            (vec![y], vec![dy])
        },
        |x, w, g| vec![mean_exp_vjp(&x.to_vec(), g, w[0])],
    )
    .gradient(move |x| x.iter().map(|v| v.exp() / n as f64).collect())
    .check_random(2, 1.0);
    // The adjoint buffer of a `Vec` can be a `Vec` too.
    let x = vec![0.0, 1.0];
    let mut g = vec![0.0; 2];
    mean_exp_vjp(&x, &mut g, 2.0);
    assert_eq!(g, [1.0, 1f64.exp()]);
}

/// An active scalar next to an active buffer: Σ sin(k xᵢ) / k.
#[differentiate(forward, reverse)]
#[allow(clippy::needless_range_loop)]
pub fn scaled_sines(x: &[f64], k: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() {
        s += (k * x[i]).sin();
    }
    s / k
}

#[test]
fn buffer_and_scalar() {
    let n = 4;
    Case::new(
        "scaled_sines",
        n + 1,
        1,
        move |p| vec![scaled_sines(&p[..n], p[n])],
        move |p, v| {
            let (y, dy) = scaled_sines_jvp(&p[..n], &v[..n], p[n], v[n]);
            (vec![y], vec![dy])
        },
        move |p, w, g| {
            // With an active scalar, f_vjp returns the value and the scalar's adjoint.
            let (y, dk) = scaled_sines_vjp(&p[..n], &mut g[..n], p[n], w[0]);
            g[n] += dk;
            vec![y]
        },
    )
    .gradient(move |p| {
        let (x, k) = (&p[..n], p[n]);
        let mut g: Vec<f64> = x.iter().map(|v| (k * v).cos()).collect();
        let s: f64 = x.iter().map(|v| (k * v).sin()).sum();
        let ds: f64 = x.iter().map(|v| v * (k * v).cos()).sum();
        g.push(ds / k - s / (k * k));
        g
    })
    .check(&[&[0.3, -0.8, 1.1, 0.05, 1.7], &[-1.0, 0.5, 0.25, 2.0, -0.6]]);
}

/// Two outputs from one buffer: (Σ xᵢ, Σ xᵢ xᵢ₊₁).
#[differentiate(forward, reverse)]
pub fn sum_and_chain(x: &[f64]) -> (f64, f64) {
    let mut s = 0.0;
    let mut c = 0.0;
    for i in 0..x.len() {
        s += x[i];
        if i + 1 < x.len() {
            c += x[i] * x[i + 1];
        }
    }
    (s, c)
}

#[test]
fn tuple_output() {
    let n = 5;
    Case::new(
        "sum_and_chain",
        n,
        2,
        |x| {
            let (s, c) = sum_and_chain(x);
            vec![s, c]
        },
        |x, v| {
            let ((s, c), (ds, dc)) = sum_and_chain_jvp(x, v);
            (vec![s, c], vec![ds, dc])
        },
        |x, w, g| {
            let (s, c) = sum_and_chain_vjp(x, g, (w[0], w[1]));
            vec![s, c]
        },
    )
    .jacobian(move |x| {
        let ones = vec![1.0; n];
        let chain = (0..n)
            .map(|k| {
                let left = if k > 0 { x[k - 1] } else { 0.0 };
                let right = if k + 1 < n { x[k + 1] } else { 0.0 };
                left + right
            })
            .collect();
        vec![ones, chain]
    })
    .check_random(2, 1.0);
}

/// Stencils over neighbouring elements: the reversed loop carries one of the two adjoint
/// updates of each element in a register. Offsets (i, i + 1) and (i - 1, i), a `-=` update,
/// and ranges that may be empty.
#[differentiate(forward, reverse)]
pub fn stencils(x: &[f64]) -> f64 {
    let n = x.len();
    let mut s = 0.0;
    for i in 0..n - 1 {
        let a = x[i + 1] - x[i] * x[i];
        let b = 1.0 - x[i];
        s += 100.0 * a * a + b * b;
    }
    for i in 1..n {
        s -= (x[i] * x[i - 1]).sin();
    }
    for i in 2..n {
        s += x[i - 2] * x[i];
    }
    s
}

#[test]
fn neighbouring_adjoint_updates() {
    for n in [1, 2, 3, 7] {
        of_buffer("stencils", n, stencils, stencils_jvp, stencils_vjp).check_random(2, 1.0);
    }
}
