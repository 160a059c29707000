//! Benchmarks of the derivatives `#[differentiate]` generates for functions with loops and
//! branches, against the primal and against hand-written gradients.
//!
//! Run with `cargo bench --bench control_flow`, then `python3 benches/table.py` for the table of
//! ratios. Each workload is one criterion group with four functions:
//!
//! - `primal`: the function itself;
//! - `gradient_generated`: the generated `f_vjp` (value and whole gradient, seed 1);
//! - `gradient_handwritten`: the hand-written gradient of `common/handwritten.rs`;
//! - `jvp_generated`: the generated `f_jvp` along the first parameter.
//!
//! Workloads: explicit Euler and classic RK4 for y' = -k y + a sin(y) with n = 1000 steps
//! (`ode_euler`, `ode_rk4`), a loop of n = 1000 steps that branches on an active value
//! (`branchy`), and a nested-loop polynomial of degree 29 in x and in y (`poly`).

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;

#[path = "common/workloads.rs"]
mod workloads;

#[path = "common/handwritten.rs"]
mod handwritten;

use handwritten::{branchy_grad, euler_grad, poly_grad, rk4_grad};
use workloads::{
    branchy, branchy_jvp, branchy_vjp, euler, euler_jvp, euler_vjp, poly, poly_jvp, poly_vjp, rk4,
    rk4_jvp, rk4_vjp,
};

const N_ODE: usize = 1000;
const N_BRANCHY: usize = 1000;
const N_POLY: usize = 30;

/// The ODE's parameters: initial value y0, decay rate k, amplitude a.
const Y0: f64 = 1.0;
const K: f64 = 0.5;
const A: f64 = 0.3;

fn ode_euler(c: &mut Criterion) {
    let mut g = c.benchmark_group("ode_euler");
    g.bench_function("primal", |b| {
        b.iter(|| euler(black_box(Y0), black_box(K), black_box(A), black_box(N_ODE)))
    });
    g.bench_function("gradient_generated", |b| {
        b.iter(|| {
            let (y0, k, a, n) = (black_box(Y0), black_box(K), black_box(A), black_box(N_ODE));
            euler_vjp(y0, k, a, n, black_box(1.0))
        })
    });
    g.bench_function("gradient_handwritten", |b| {
        b.iter(|| {
            let (y0, k, a, n) = (black_box(Y0), black_box(K), black_box(A), black_box(N_ODE));
            euler_grad(y0, k, a, n, black_box(1.0))
        })
    });
    g.bench_function("jvp_generated", |b| {
        b.iter(|| {
            let (y0, k, a, n) = (black_box(Y0), black_box(K), black_box(A), black_box(N_ODE));
            let (dy0, dk, da) = (black_box(1.0), black_box(0.0), black_box(0.0));
            euler_jvp(y0, dy0, k, dk, a, da, n)
        })
    });
    g.finish();
}

fn ode_rk4(c: &mut Criterion) {
    let mut g = c.benchmark_group("ode_rk4");
    g.bench_function("primal", |b| {
        b.iter(|| rk4(black_box(Y0), black_box(K), black_box(A), black_box(N_ODE)))
    });
    g.bench_function("gradient_generated", |b| {
        b.iter(|| {
            let (y0, k, a, n) = (black_box(Y0), black_box(K), black_box(A), black_box(N_ODE));
            rk4_vjp(y0, k, a, n, black_box(1.0))
        })
    });
    g.bench_function("gradient_handwritten", |b| {
        b.iter(|| {
            let (y0, k, a, n) = (black_box(Y0), black_box(K), black_box(A), black_box(N_ODE));
            rk4_grad(y0, k, a, n, black_box(1.0))
        })
    });
    g.bench_function("jvp_generated", |b| {
        b.iter(|| {
            let (y0, k, a, n) = (black_box(Y0), black_box(K), black_box(A), black_box(N_ODE));
            let (dy0, dk, da) = (black_box(1.0), black_box(0.0), black_box(0.0));
            rk4_jvp(y0, dy0, k, dk, a, da, n)
        })
    });
    g.finish();
}

/// The map's parameter and start: the orbit alternates between the two branches.
const X_BRANCHY: f64 = 0.7;
const S0: f64 = 0.5;

fn bench_branchy(c: &mut Criterion) {
    let mut g = c.benchmark_group("branchy");
    g.bench_function("primal", |b| {
        b.iter(|| branchy(black_box(X_BRANCHY), black_box(S0), black_box(N_BRANCHY)))
    });
    g.bench_function("gradient_generated", |b| {
        b.iter(|| {
            let (x, s0, n) = (black_box(X_BRANCHY), black_box(S0), black_box(N_BRANCHY));
            branchy_vjp(x, s0, n, black_box(1.0))
        })
    });
    g.bench_function("gradient_handwritten", |b| {
        b.iter(|| {
            let (x, s0, n) = (black_box(X_BRANCHY), black_box(S0), black_box(N_BRANCHY));
            branchy_grad(x, s0, n, black_box(1.0))
        })
    });
    g.bench_function("jvp_generated", |b| {
        b.iter(|| {
            let (x, s0, n) = (black_box(X_BRANCHY), black_box(S0), black_box(N_BRANCHY));
            branchy_jvp(x, black_box(1.0), s0, black_box(0.0), n)
        })
    });
    g.finish();
}

const X_POLY: f64 = 0.9;
const Y_POLY: f64 = 0.8;

fn bench_poly(c: &mut Criterion) {
    let mut g = c.benchmark_group("poly");
    g.bench_function("primal", |b| {
        b.iter(|| poly(black_box(X_POLY), black_box(Y_POLY), black_box(N_POLY)))
    });
    g.bench_function("gradient_generated", |b| {
        b.iter(|| {
            let (x, y, n) = (black_box(X_POLY), black_box(Y_POLY), black_box(N_POLY));
            poly_vjp(x, y, n, black_box(1.0))
        })
    });
    g.bench_function("gradient_handwritten", |b| {
        b.iter(|| {
            let (x, y, n) = (black_box(X_POLY), black_box(Y_POLY), black_box(N_POLY));
            poly_grad(x, y, n, black_box(1.0))
        })
    });
    g.bench_function("jvp_generated", |b| {
        b.iter(|| {
            let (x, y, n) = (black_box(X_POLY), black_box(Y_POLY), black_box(N_POLY));
            poly_jvp(x, black_box(1.0), y, black_box(0.0), n)
        })
    });
    g.finish();
}

criterion_group!(benches, ode_euler, ode_rk4, bench_branchy, bench_poly);
criterion_main!(benches);
