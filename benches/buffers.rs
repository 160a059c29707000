//! Benchmarks of the derivatives `#[differentiate]` generates for functions over buffers
//! (`&[f64]`), against the primal and against hand-written gradients.
//!
//! Run with `cargo bench --bench buffers`, then `python3 benches/table.py` for the table of
//! ratios. Each workload is one criterion group with four functions:
//!
//! - `primal`: the function itself;
//! - `gradient_generated`: the generated `f_vjp` (value and whole gradient, seed 1);
//! - `gradient_handwritten`: the hand-written gradient of `common/handwritten_buffers.rs`;
//! - `jvp_generated`: the generated `f_jvp` along a fixed direction.
//!
//! Workloads: the sum of squares and the dot product of buffers of n = 10⁶ elements
//! (`sum_squares`, `dot`), ½‖A x‖² for a dense row-major 1000 × 1000 matrix (`matvec`), and the
//! softmax cross-entropy (a shifted log-sum-exp) of n = 10⁶ logits (`softmax_xent`).
//!
//! The adjoint buffers are allocated and zeroed once, outside the timed loop; both gradients
//! accumulate into them on every iteration, as their contract says (adding to a buffer costs
//! the same whatever it holds), so no time is spent re-zeroing them.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

#[path = "common/data.rs"]
mod data;
use data::data;

#[path = "common/buffer_workloads.rs"]
mod buffer_workloads;

#[path = "common/handwritten_buffers.rs"]
mod handwritten_buffers;

use buffer_workloads::{
    dot, dot_jvp, dot_vjp, matvec_loss, matvec_loss_jvp, matvec_loss_vjp, softmax_xent,
    softmax_xent_jvp, softmax_xent_vjp, sum_squares, sum_squares_jvp, sum_squares_vjp,
};
use handwritten_buffers::{dot_grad, matvec_loss_grad, softmax_xent_grad, sum_squares_grad};

const N_VECTOR: usize = 1_000_000;
const N_MATRIX: usize = 1000;

fn bench_sum_squares(c: &mut Criterion) {
    let x = data(N_VECTOR, 1);
    let dx = data(N_VECTOR, 2);
    let mut x_bar = vec![0.0; N_VECTOR];
    let mut g = c.benchmark_group("sum_squares");
    g.bench_function("primal", |b| b.iter(|| sum_squares(black_box(&x))));
    g.bench_function("gradient_generated", |b| {
        b.iter(|| sum_squares_vjp(black_box(&x), black_box(&mut x_bar), black_box(1.0)))
    });
    g.bench_function("gradient_handwritten", |b| {
        b.iter(|| sum_squares_grad(black_box(&x), black_box(&mut x_bar), black_box(1.0)))
    });
    g.bench_function("jvp_generated", |b| {
        b.iter(|| sum_squares_jvp(black_box(&x), black_box(&dx)))
    });
    g.finish();
}

fn bench_dot(c: &mut Criterion) {
    let x = data(N_VECTOR, 3);
    let w = data(N_VECTOR, 4);
    let dx = data(N_VECTOR, 5);
    let dw = data(N_VECTOR, 6);
    let mut x_bar = vec![0.0; N_VECTOR];
    let mut w_bar = vec![0.0; N_VECTOR];
    let mut g = c.benchmark_group("dot");
    g.bench_function("primal", |b| b.iter(|| dot(black_box(&x), black_box(&w))));
    g.bench_function("gradient_generated", |b| {
        b.iter(|| {
            dot_vjp(
                black_box(&x),
                black_box(&mut x_bar),
                black_box(&w),
                black_box(&mut w_bar),
                black_box(1.0),
            )
        })
    });
    g.bench_function("gradient_handwritten", |b| {
        b.iter(|| {
            dot_grad(
                black_box(&x),
                black_box(&mut x_bar),
                black_box(&w),
                black_box(&mut w_bar),
                black_box(1.0),
            )
        })
    });
    g.bench_function("jvp_generated", |b| {
        b.iter(|| dot_jvp(black_box(&x), black_box(&dx), black_box(&w), black_box(&dw)))
    });
    g.finish();
}

fn bench_matvec(c: &mut Criterion) {
    let a = data(N_MATRIX * N_MATRIX, 7);
    let x = data(N_MATRIX, 8);
    let da = data(N_MATRIX * N_MATRIX, 9);
    let dx = data(N_MATRIX, 10);
    let mut a_bar = vec![0.0; N_MATRIX * N_MATRIX];
    let mut x_bar = vec![0.0; N_MATRIX];
    let mut g = c.benchmark_group("matvec");
    g.bench_function("primal", |b| {
        b.iter(|| matvec_loss(black_box(&a), black_box(&x)))
    });
    g.bench_function("gradient_generated", |b| {
        b.iter(|| {
            matvec_loss_vjp(
                black_box(&a),
                black_box(&mut a_bar),
                black_box(&x),
                black_box(&mut x_bar),
                black_box(1.0),
            )
        })
    });
    g.bench_function("gradient_handwritten", |b| {
        b.iter(|| {
            matvec_loss_grad(
                black_box(&a),
                black_box(&mut a_bar),
                black_box(&x),
                black_box(&mut x_bar),
                black_box(1.0),
            )
        })
    });
    g.bench_function("jvp_generated", |b| {
        b.iter(|| matvec_loss_jvp(black_box(&a), black_box(&da), black_box(&x), black_box(&dx)))
    });
    g.finish();
}

fn bench_softmax_xent(c: &mut Criterion) {
    // Logits of size up to 3 so the exponentials vary; the target is an arbitrary class.
    let z: Vec<f64> = data(N_VECTOR, 11).iter().map(|v| 3.0 * v).collect();
    let dz = data(N_VECTOR, 12);
    let target = N_VECTOR / 3;
    let mut z_bar = vec![0.0; N_VECTOR];
    let mut g = c.benchmark_group("softmax_xent");
    g.bench_function("primal", |b| {
        b.iter(|| softmax_xent(black_box(&z), black_box(target)))
    });
    g.bench_function("gradient_generated", |b| {
        b.iter(|| {
            softmax_xent_vjp(
                black_box(&z),
                black_box(&mut z_bar),
                black_box(target),
                black_box(1.0),
            )
        })
    });
    g.bench_function("gradient_handwritten", |b| {
        b.iter(|| {
            softmax_xent_grad(
                black_box(&z),
                black_box(&mut z_bar),
                black_box(target),
                black_box(1.0),
            )
        })
    });
    g.bench_function("jvp_generated", |b| {
        b.iter(|| softmax_xent_jvp(black_box(&z), black_box(&dz), black_box(target)))
    });
    g.finish();
}

criterion_group!(
    benches,
    bench_sum_squares,
    bench_dot,
    bench_matvec,
    bench_softmax_xent
);
criterion_main!(benches);
