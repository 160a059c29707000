//! The cost of a call in reverse mode: a loop calling a small differentiated helper against the
//! same loop with the helper's body written inline. The adjoint sweep calls `helper_vjp`, which
//! recomputes the helper's primal; the target is a gradient/primal ratio within 1.5× of the
//! inline one. `cargo bench --bench calls`, then `python3 benches/table.py`.

use ad::differentiate;
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

#[differentiate(forward, reverse)]
fn helper(y: f64, k: f64) -> f64 {
    y * (1.0 - k * y).sin() + 0.25 * k
}

#[differentiate(forward, reverse)]
fn with_calls(y0: f64, k: f64, n: usize) -> f64 {
    let mut y = y0;
    for _ in 0..n {
        y = 0.5 * y + 0.01 * helper(y, k);
    }
    y
}

#[differentiate(forward, reverse)]
fn inlined(y0: f64, k: f64, n: usize) -> f64 {
    let mut y = y0;
    for _ in 0..n {
        y = 0.5 * y + 0.01 * (y * (1.0 - k * y).sin() + 0.25 * k);
    }
    y
}

fn calls(c: &mut Criterion) {
    let n = 1_000_000;
    assert_eq!(with_calls(0.3, 0.7, 10), inlined(0.3, 0.7, 10));
    for (name, primal, vjp) in [
        (
            "call",
            with_calls as fn(f64, f64, usize) -> f64,
            with_calls_vjp as fn(f64, f64, usize, f64) -> (f64, f64, f64),
        ),
        ("inline", inlined, inlined_vjp),
    ] {
        let mut g = c.benchmark_group(format!("calls_{name}"));
        g.sample_size(20);
        g.bench_function("primal", |b| {
            b.iter(|| primal(black_box(0.3), black_box(0.7), n))
        });
        g.bench_function("gradient_generated", |b| {
            b.iter(|| vjp(black_box(0.3), black_box(0.7), n, 1.0))
        });
        g.finish();
    }
}

criterion_group!(benches, calls);
criterion_main!(benches);
