//! Loops the reverse transform fuses (a forward loop with its reversed adjoint loop, or two
//! loops over one range), and loops it must not fuse because the second reads what the first
//! computes across iterations. Each is checked in both modes against its analytic gradient.

use crate::common::{of_buffer, of_two_buffers};
use ad::differentiate;

/// (1/n) Σ xᵢ²: the adjoint of the sum, `dout / n`, is known before the loop, so the loop and
/// its adjoint run as one.
#[differentiate(forward, reverse)]
pub fn mean_square(x: &[f64]) -> f64 {
    let n = x.len() as f64;
    let mut s = 0.0;
    for v in x {
        s += v * v;
    }
    s / n
}

#[test]
fn adjoint_known_before_the_loop() {
    of_buffer(
        "mean_square",
        5,
        mean_square,
        mean_square_jvp,
        mean_square_vjp,
    )
    .gradient(|x| x.iter().map(|v| 2.0 * v / x.len() as f64).collect())
    .check_random(2, 1.0);
}

/// Σ (xᵢ / s)² with s = Σ xᵢ: the second loop reads the first one's final sum.
#[differentiate(forward, reverse)]
pub fn normalised_square(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for v in x {
        s += v;
    }
    let mut q = 0.0;
    for v in x {
        q += (v / s) * (v / s);
    }
    q
}

#[test]
fn second_loop_reads_the_first_ones_result() {
    of_buffer(
        "normalised_square",
        4,
        normalised_square,
        normalised_square_jvp,
        normalised_square_vjp,
    )
    .gradient(|x| {
        // f = Σx² / s², ∂f/∂xₖ = 2xₖ/s² − 2Σx²/s³.
        let s: f64 = x.iter().sum();
        let q: f64 = x.iter().map(|v| v * v).sum();
        x.iter()
            .map(|v| 2.0 * v / (s * s) - 2.0 * q / (s * s * s))
            .collect()
    })
    .check_random(2, 1.0);
}

/// Σ xᵢ² x_{n−1−i} through a local buffer written at `i` and read at `n − 1 − i`: iteration `i`
/// of the second loop needs iteration `n − 1 − i` of the first.
#[differentiate(forward, reverse)]
#[allow(clippy::needless_range_loop)]
pub fn mirrored(x: &[f64]) -> f64 {
    let n = x.len();
    let mut y = vec![0.0; n];
    for i in 0..n {
        y[i] = x[i] * x[i];
    }
    let mut s = 0.0;
    for i in 0..n {
        s += y[n - 1 - i] * x[i];
    }
    s
}

#[test]
fn buffer_read_at_another_index() {
    of_buffer("mirrored", 5, mirrored, mirrored_jvp, mirrored_vjp)
        .gradient(|x| {
            let n = x.len();
            (0..n)
                .map(|k| {
                    let m = x[n - 1 - k];
                    2.0 * x[k] * m + m * m
                })
                .collect()
        })
        .check_random(2, 1.0);
}

/// Π xᵢ: the reversed loop carries the adjoint of the running product from one iteration to
/// the next, so it cannot run forwards.
#[differentiate(forward, reverse)]
pub fn running_product(x: &[f64]) -> f64 {
    let mut p = 1.0;
    for v in x {
        p *= v;
    }
    p
}

#[test]
fn reversed_loop_carrying_an_adjoint() {
    of_buffer(
        "running_product",
        5,
        running_product,
        running_product_jvp,
        running_product_vjp,
    )
    .gradient(|x| {
        let p: f64 = x.iter().product();
        x.iter().map(|v| p / v).collect()
    })
    .check_random(2, 1.0);
}

/// w₀ Σ xᵢ²: every iteration of the reversed loop adds into the same element `w̄₀`, which the
/// loop never reads, so it may run forwards, fused.
#[differentiate(forward, reverse)]
pub fn weighted_square(x: &[f64], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for v in x {
        s += w[0] * v * v;
    }
    s
}

#[test]
fn adjoint_accumulated_into_one_element() {
    of_two_buffers(
        "weighted_square",
        4,
        1,
        weighted_square,
        weighted_square_jvp,
        weighted_square_vjp,
    )
    .gradient(|p| {
        let (x, w) = (&p[..4], p[4]);
        let mut g: Vec<f64> = x.iter().map(|v| 2.0 * w * v).collect();
        g.push(x.iter().map(|v| v * v).sum());
        g
    })
    .check_random(2, 1.0);
}
