//! `ad` against the other ways of getting a derivative in Rust, on the same three functions of a
//! slice `x` of n = 10, 10³, 10⁵ elements:
//!
//! 1. `sum_sq_sin`: Σ (xᵢ² + sin xᵢ);
//! 2. `log_sum_exp`: ln Σ exp(xᵢ) evaluated stably, as ln Σ exp(xᵢ − m) + m with m = max xᵢ;
//! 3. `rosenbrock`: the chained Rosenbrock function Σ_{i<n−1} [100 (xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)²].
//!
//! Each primal is written once, in plain Rust, with `#[differentiate(forward, reverse)]`; the
//! operator-overloading crates cannot differentiate that code, so each gets its own rewrite over
//! its number type below (labelled per crate: that rewrite is part of what is compared).
//!
//! Run `cargo bench --bench comparison`, then `cargo run --release --example comparison_chart`
//! for the table of ratios (time / primal time of the same run) and `docs/comparison.svg`.
//! One criterion group per function (`comparison_<function>`), one benchmark per tool and size,
//! `BenchmarkId::new(tool, n)`, so the medians are in
//! `target/criterion/comparison_<function>/<tool>/<n>/new/estimates.json`. The tools:
//!
//! | id | what is timed | sizes |
//! |---|---|---|
//! | `primal` | the function itself | all |
//! | `ad_vjp` | our reverse mode: `f_vjp`, value and whole gradient (seed 1) | all |
//! | `handwritten` | a hand-written gradient with the `f_vjp` signature | all |
//! | `tape_easy_ml` | a tape-based reverse-mode crate (`easy-ml`): record, then whole gradient | all |
//! | `fd_gradient` | central finite differences, whole gradient: 2n primal evaluations | 10, 10³ |
//! | `ad_jvp` | our forward mode: `f_jvp`, one directional derivative | all |
//! | `num_dual_jvp` | `num-dual`, one directional derivative (one pass over `Dual64`) | all |
//! | `fd_directional` | central finite differences along one direction: 2 evaluations | all |
//! | `ad_jvp_gradient` | whole gradient by n calls of our `f_jvp` along the unit vectors | 10 |
//! | `num_dual_gradient` | whole gradient by n `Dual64` passes along the unit vectors | 10 |
//!
//! Before anything is timed, every tool's value and gradient (or directional derivative) is
//! checked against our `f_vjp` (or `⟨∇f, v⟩` from it) to 10⁻⁸ relative, finite differences to
//! 10⁻⁶ (their accuracy limit here, see [`TOLERANCE_FD`]; the errors are printed): the table
//! compares correct results only.
//!
//! # The crates compared against
//!
//! - Forward mode: `num-dual` (0.15), a maintained, widely used dual-number crate (the one the
//!   FeOs thermodynamics code is built on), with default features off: no nalgebra. Its
//!   `gradient` helper over `DualVec` needs nalgebra, so the gradient at n = 10 takes n `Dual64`
//!   passes, each seeded with a unit vector, exactly like ours.
//! - Reverse mode: `easy-ml` (2.3), `easy_ml::differentiation::{Record, WengertList}`, an
//!   operator-overloading tape (Wengert list) after Rufflewind's design: each operation on a
//!   `Record` pushes its parents' indices and local partials on the list; `derivatives()` walks
//!   it backwards. Chosen because it is maintained (2.x releases, edition 2024), builds on stable
//!   Rust 1.95 and has no required dependencies. The `reverse` crate has the same design but has
//!   had no release since 0.2.2 (August 2021); `RustQuant_autodiff` pulls in ndarray and rayon;
//!   `ad_trait`'s tape brings nalgebra, simba and bevy_reflect by default; the deep-learning
//!   frameworks (`candle`, `burn`, `dfdx`) differentiate tensor programs, not scalar Rust code.
//!   The list is kept between calls (`clear` keeps its capacity), as a user would in a loop.
//!
//! The adjoint buffers of `ad_vjp` and `handwritten` are zeroed once, outside the timed loop:
//! both accumulate into them, as their contract says, like in `benches/buffers.rs`.

use ad::differentiate;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use easy_ml::differentiation::{Record, WengertList};
use easy_ml::numeric::extra::{Exp, Ln, Sin};
use num_dual::{Dual64, DualNum, DualStruct};
use std::hint::black_box;

#[path = "common/data.rs"]
mod data;
use data::data;
use std::time::Duration;

const SIZES: [usize; 3] = [10, 1_000, 100_000];
/// Largest n at which the whole gradient is taken by n forward passes (ours and num-dual's).
const N_FORWARD_GRADIENT: usize = 10;
/// Largest n at which the whole finite-difference gradient (2n evaluations) is measured.
const N_FD_GRADIENT: usize = 1_000;
/// Relative agreement every AD tool and the hand-written gradients must reach with our reverse
/// mode (∞-norm, see [`rel_err`]).
const TOLERANCE: f64 = 1e-8;
/// The same for central finite differences, which cannot reach [`TOLERANCE`]: with the step
/// h ≈ ∛ε their rounding error alone is about ε^⅔ |f| absolute, so ε^⅔ |f| / ‖∇f‖∞ relative,
/// and here |f| grows with n (sums of n terms) while the gradient entries stay O(1), or O(1/n)
/// for the log-sum-exp. Measured (printed at start-up): 10⁻¹¹ to 10⁻¹⁰ at n = 10, 10⁻¹⁰ to
/// 5·10⁻⁸ at n = 10³, 2·10⁻⁸ to 8·10⁻⁷ at n = 10⁵.
const TOLERANCE_FD: f64 = 1e-6;

// ------------------------------------------------------------------------------------------------
// The primals, written once. `#[differentiate]` writes `f_jvp(x, dx) -> (f, ⟨∇f, dx⟩)` and
// `f_vjp(x, x_bar, dout) -> f` (x_bar += dout ∇f) next to each.
// ------------------------------------------------------------------------------------------------

/// Σ (xᵢ² + sin xᵢ).
#[differentiate(forward, reverse)]
fn sum_sq_sin(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for &v in x {
        s += v * v + v.sin();
    }
    s
}

/// ln Σ exp(xᵢ), as ln Σ exp(xᵢ − m) + m with m = max xᵢ (no overflow).
#[differentiate(forward, reverse)]
fn log_sum_exp(x: &[f64]) -> f64 {
    let mut m = x[0];
    for &v in x {
        if v > m {
            m = v;
        }
    }
    let mut s = 0.0;
    for &v in x {
        s += (v - m).exp();
    }
    s.ln() + m
}

/// Σ_{i<n−1} [100 (xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)²].
#[differentiate(forward, reverse)]
fn rosenbrock(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..x.len() - 1 {
        let a = x[i + 1] - x[i] * x[i];
        let b = 1.0 - x[i];
        s += 100.0 * a * a + b * b;
    }
    s
}

// ------------------------------------------------------------------------------------------------
// (c) Hand-written gradients, with the signature and contract of the generated `f_vjp`:
// x_bar += dout ∇f, the value returned. What an engineer would write for speed.
// ------------------------------------------------------------------------------------------------

/// ∂/∂xᵢ = 2 xᵢ + cos xᵢ, in the same pass as the value.
fn sum_sq_sin_hand(x: &[f64], x_bar: &mut [f64], dout: f64) -> f64 {
    assert_eq!(x_bar.len(), x.len(), "x_bar");
    let mut s = 0.0;
    for (&v, g) in x.iter().zip(x_bar.iter_mut()) {
        let (sin, cos) = v.sin_cos();
        s += v * v + sin;
        *g += dout * (2.0 * v + cos);
    }
    s
}

/// ∂/∂xᵢ = exp(xᵢ − m) / Σ exp(xⱼ − m) (the softmax); the exponentials are kept from the sum.
fn log_sum_exp_hand(x: &[f64], x_bar: &mut [f64], dout: f64) -> f64 {
    assert_eq!(x_bar.len(), x.len(), "x_bar");
    let m = x.iter().copied().fold(x[0], f64::max);
    let mut e = Vec::with_capacity(x.len());
    let mut s = 0.0;
    for &v in x {
        let t = (v - m).exp();
        s += t;
        e.push(t);
    }
    let c = dout / s;
    for (g, t) in x_bar.iter_mut().zip(&e) {
        *g += c * t;
    }
    s.ln() + m
}

/// Term i touches xᵢ and xᵢ₊₁: ∂/∂xᵢ gets −(400 xᵢ aᵢ + 2 bᵢ) from it and ∂/∂xᵢ₊₁ gets 200 aᵢ,
/// carried in a register to the next step, so each adjoint is written once, in the same pass.
fn rosenbrock_hand(x: &[f64], x_bar: &mut [f64], dout: f64) -> f64 {
    assert_eq!(x_bar.len(), x.len(), "x_bar");
    let mut s = 0.0;
    let mut carry = 0.0;
    for (pair, g) in x.windows(2).zip(x_bar.iter_mut()) {
        let (xi, xj) = (pair[0], pair[1]);
        let a = xj - xi * xi;
        let b = 1.0 - xi;
        s += 100.0 * a * a + b * b;
        *g += carry - dout * (400.0 * xi * a + 2.0 * b);
        carry = dout * 200.0 * a;
    }
    x_bar[x.len() - 1] += carry;
    s
}

// ------------------------------------------------------------------------------------------------
// (d) The primals rewritten for num-dual: generic over its number type (`f64`, `Dual64`, ...).
// Dual numbers are `Clone`, not `Copy`, in general, hence the clones; the shift m of the
// log-sum-exp is taken from the real parts, a constant (its derivative cancels anyway).
// ------------------------------------------------------------------------------------------------

/// num-dual version of [`sum_sq_sin`].
fn sum_sq_sin_num_dual<D: DualNum<Primitive = f64>>(x: &[D]) -> D {
    let mut s = D::zero();
    for v in x {
        s += v.clone() * v + v.sin();
    }
    s
}

/// num-dual version of [`log_sum_exp`].
fn log_sum_exp_num_dual<D: DualNum<Primitive = f64> + DualStruct<Real = f64>>(x: &[D]) -> D {
    let m = x.iter().map(|v| v.re()).fold(x[0].re(), f64::max);
    let mut s = D::zero();
    for v in x {
        s += (v.clone() - m).exp();
    }
    s.ln() + m
}

/// num-dual version of [`rosenbrock`].
fn rosenbrock_num_dual<D: DualNum<Primitive = f64>>(x: &[D]) -> D {
    let mut s = D::zero();
    for i in 0..x.len() - 1 {
        let a = x[i + 1].clone() - x[i].clone() * &x[i];
        let b = -x[i].clone() + 1.0;
        s += a.clone() * a * 100.0 + b.clone() * b;
    }
    s
}

// ------------------------------------------------------------------------------------------------
// (e) The primals rewritten for easy-ml's tape: over `Record<'a, f64>`, whose operations push
// onto the `WengertList` the records point to. Its operators take the record on the left
// (`record * 100.0`, not `100.0 * record`), hence the reordered constants.
// ------------------------------------------------------------------------------------------------

/// easy-ml version of [`sum_sq_sin`].
fn sum_sq_sin_easy_ml<'a>(x: &[Record<'a, f64>]) -> Record<'a, f64> {
    let mut s = Record::constant(0.0);
    for &v in x {
        s = s + v * v + v.sin();
    }
    s
}

/// easy-ml version of [`log_sum_exp`].
fn log_sum_exp_easy_ml<'a>(x: &[Record<'a, f64>]) -> Record<'a, f64> {
    let m = x.iter().map(|v| v.number).fold(x[0].number, f64::max);
    let mut s = Record::constant(0.0);
    for &v in x {
        s = s + (v - m).exp();
    }
    s.ln() + m
}

/// easy-ml version of [`rosenbrock`].
fn rosenbrock_easy_ml<'a>(x: &[Record<'a, f64>]) -> Record<'a, f64> {
    let mut s = Record::constant(0.0);
    for i in 0..x.len() - 1 {
        let a = x[i + 1] - x[i] * x[i];
        let b = -x[i] + 1.0;
        s = s + a * a * 100.0 + b * b;
    }
    s
}

// ------------------------------------------------------------------------------------------------
// The tools as uniform operations on a workload.
// ------------------------------------------------------------------------------------------------

type Grad = fn(&[f64], &mut [f64], f64) -> f64;
type TapeFn = for<'a> fn(&[Record<'a, f64>]) -> Record<'a, f64>;

/// One function, in every form the tools need.
struct Workload {
    name: &'static str,
    primal: fn(&[f64]) -> f64,
    jvp: fn(&[f64], &[f64]) -> (f64, f64),
    vjp: Grad,
    hand: Grad,
    num_dual: fn(&[Dual64]) -> Dual64,
    easy_ml: TapeFn,
    /// Scale of the inputs (the data is uniform in [−scale, scale)).
    scale: f64,
}

const WORKLOADS: [Workload; 3] = [
    Workload {
        name: "sum_sq_sin",
        primal: sum_sq_sin,
        jvp: sum_sq_sin_jvp,
        vjp: sum_sq_sin_vjp,
        hand: sum_sq_sin_hand,
        num_dual: sum_sq_sin_num_dual::<Dual64>,
        easy_ml: sum_sq_sin_easy_ml,
        scale: 1.0,
    },
    Workload {
        name: "log_sum_exp",
        primal: log_sum_exp,
        jvp: log_sum_exp_jvp,
        vjp: log_sum_exp_vjp,
        hand: log_sum_exp_hand,
        num_dual: log_sum_exp_num_dual::<Dual64>,
        easy_ml: log_sum_exp_easy_ml,
        scale: 3.0,
    },
    Workload {
        name: "rosenbrock",
        primal: rosenbrock,
        jvp: rosenbrock_jvp,
        vjp: rosenbrock_vjp,
        hand: rosenbrock_hand,
        num_dual: rosenbrock_num_dual::<Dual64>,
        easy_ml: rosenbrock_easy_ml,
        scale: 1.0,
    },
];

/// (a) The whole gradient by n calls of `f_jvp`, along the unit vectors; `dx` is all zeros on
/// entry and on return.
fn jvp_gradient(jvp: fn(&[f64], &[f64]) -> (f64, f64), x: &[f64], dx: &mut [f64], g: &mut [f64]) {
    for i in 0..x.len() {
        dx[i] = 1.0;
        g[i] = jvp(x, dx).1;
        dx[i] = 0.0;
    }
}

/// (d) One directional derivative with num-dual: fill the `Dual64` inputs x + v ε (into a
/// buffer kept between calls), one pass; returns (f, ⟨∇f, v⟩).
fn num_dual_jvp(f: fn(&[Dual64]) -> Dual64, x: &[f64], v: &[f64], xd: &mut [Dual64]) -> (f64, f64) {
    for ((d, &a), &b) in xd.iter_mut().zip(x).zip(v) {
        *d = Dual64::new(a, b);
    }
    let y = f(xd);
    (y.re, y.eps)
}

/// (d) The whole gradient with num-dual: n `Dual64` passes along the unit vectors.
fn num_dual_gradient(f: fn(&[Dual64]) -> Dual64, x: &[f64], xd: &mut [Dual64], g: &mut [f64]) {
    for (d, &a) in xd.iter_mut().zip(x) {
        *d = Dual64::new(a, 0.0);
    }
    for i in 0..x.len() {
        xd[i].eps = 1.0;
        g[i] = f(xd).eps;
        xd[i].eps = 0.0;
    }
}

/// (e) The whole gradient with easy-ml: clear the list, record x as variables, run the rewritten
/// function (recording every operation), walk the list backwards.
fn easy_ml_gradient(f: TapeFn, list: &WengertList<f64>, x: &[f64], g: &mut [f64]) -> f64 {
    list.clear();
    let vars: Vec<Record<f64>> = x.iter().map(|&v| Record::variable(v, list)).collect();
    let y = f(&vars);
    let derivatives = y.derivatives();
    for (gi, v) in g.iter_mut().zip(&vars) {
        *gi = derivatives[v];
    }
    y.number
}

/// Relative step of the finite differences: ∛ε balances truncation (h²) and rounding (ε/h).
fn fd_step(scale: f64) -> f64 {
    f64::EPSILON.cbrt() * scale.max(1.0)
}

/// (f) The whole gradient by central differences, 2n evaluations; `x` is perturbed in place and
/// restored.
fn fd_gradient(f: fn(&[f64]) -> f64, x: &mut [f64], g: &mut [f64]) {
    for i in 0..x.len() {
        let xi = x[i];
        let h = fd_step(xi.abs());
        x[i] = xi + h;
        let up = f(x);
        x[i] = xi - h;
        let down = f(x);
        x[i] = xi;
        g[i] = (up - down) / (2.0 * h);
    }
}

/// (f) ⟨∇f, v⟩ by central differences along v, 2 evaluations, into buffers kept between calls.
fn fd_directional(
    f: fn(&[f64]) -> f64,
    x: &[f64],
    v: &[f64],
    scale: f64,
    up: &mut [f64],
    down: &mut [f64],
) -> f64 {
    let vmax = v.iter().fold(0.0, |m: f64, a| m.max(a.abs()));
    let h = fd_step(scale) / vmax;
    for (((u, d), &a), &b) in up.iter_mut().zip(down.iter_mut()).zip(x).zip(v) {
        *u = a + h * b;
        *d = a - h * b;
    }
    (f(up) - f(down)) / (2.0 * h)
}

/// ‖a − b‖∞ / ‖b‖∞: the error relative to the size of the reference vector (componentwise it
/// would be meaningless for the entries near zero).
fn rel_err(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len());
    let err = a
        .iter()
        .zip(b)
        .fold(0.0, |m: f64, (p, q)| m.max((p - q).abs()));
    let size = b.iter().fold(0.0, |m: f64, q| m.max(q.abs()));
    err / size.max(f64::MIN_POSITIVE)
}

/// Asserts that `got` agrees with `reference` to `tolerance` (relative, ∞-norm); returns the error.
fn check(
    what: &str,
    w: &Workload,
    n: usize,
    got: &[f64],
    reference: &[f64],
    tolerance: f64,
) -> f64 {
    let e = rel_err(got, reference);
    assert!(
        e <= tolerance,
        "{} n = {n}: {what} differs from ad's f_vjp by {e:e} (relative, ∞-norm; at most {tolerance:e})",
        w.name
    );
    e
}

/// Every tool against our reverse mode at one size; not timed.
fn check_tools(w: &Workload, x: &[f64], v: &[f64]) {
    let n = x.len();
    let mut reference = vec![0.0; n];
    let y = (w.vjp)(x, &mut reference, 1.0);
    let value = (w.primal)(x);
    assert_eq!(y, value, "{}: f_vjp value", w.name);
    let directional: f64 = reference.iter().zip(v).map(|(g, d)| g * d).sum();

    let mut g = vec![0.0; n];
    assert_eq!(
        (w.hand)(x, &mut g, 1.0),
        value,
        "{}: hand-written value",
        w.name
    );
    check("hand-written gradient", w, n, &g, &reference, TOLERANCE);

    let list = WengertList::new();
    let y = easy_ml_gradient(w.easy_ml, &list, x, &mut g);
    check("easy-ml value", w, n, &[y], &[value], TOLERANCE);
    check("easy-ml gradient", w, n, &g, &reference, TOLERANCE);

    let (y, d) = (w.jvp)(x, v);
    assert_eq!(y, value, "{}: f_jvp value", w.name);
    check("f_jvp", w, n, &[d], &[directional], TOLERANCE);

    let mut xd = vec![Dual64::new(0.0, 0.0); n];
    let (y, d) = num_dual_jvp(w.num_dual, x, v, &mut xd);
    check("num-dual value", w, n, &[y], &[value], TOLERANCE);
    check(
        "num-dual directional derivative",
        w,
        n,
        &[d],
        &[directional],
        TOLERANCE,
    );

    let (mut up, mut down) = (vec![0.0; n], vec![0.0; n]);
    let d = fd_directional(w.primal, x, v, w.scale, &mut up, &mut down);
    let fd_dir = check("directional FD", w, n, &[d], &[directional], TOLERANCE_FD);
    let mut report = format!(
        "{} n = {n}: relative error of the directional FD {fd_dir:.1e}",
        w.name
    );
    if n <= N_FD_GRADIENT {
        let mut xm = x.to_vec();
        fd_gradient(w.primal, &mut xm, &mut g);
        let fd_grad = check("FD gradient", w, n, &g, &reference, TOLERANCE_FD);
        report += &format!(", of the FD gradient {fd_grad:.1e}");
    }
    eprintln!("{report}");
    if n <= N_FORWARD_GRADIENT {
        let mut dx = vec![0.0; n];
        jvp_gradient(w.jvp, x, &mut dx, &mut g);
        check("gradient by n f_jvp calls", w, n, &g, &reference, TOLERANCE);
        num_dual_gradient(w.num_dual, x, &mut xd, &mut g);
        check(
            "gradient by n num-dual passes",
            w,
            n,
            &g,
            &reference,
            TOLERANCE,
        );
    }
}

fn comparison(c: &mut Criterion) {
    for w in &WORKLOADS {
        let mut group = c.benchmark_group(format!("comparison_{}", w.name));
        for n in SIZES {
            let x: Vec<f64> = data(n, 1).iter().map(|a| w.scale * a).collect();
            let v = data(n, 2);
            check_tools(w, &x, &v);

            let mut g = vec![0.0; n];
            let mut x_bar = vec![0.0; n];
            group.bench_function(BenchmarkId::new("primal", n), |b| {
                b.iter(|| (w.primal)(black_box(&x)))
            });
            group.bench_function(BenchmarkId::new("ad_vjp", n), |b| {
                b.iter(|| (w.vjp)(black_box(&x), black_box(&mut x_bar), black_box(1.0)))
            });
            group.bench_function(BenchmarkId::new("handwritten", n), |b| {
                b.iter(|| (w.hand)(black_box(&x), black_box(&mut x_bar), black_box(1.0)))
            });
            let list = WengertList::new();
            group.bench_function(BenchmarkId::new("tape_easy_ml", n), |b| {
                b.iter(|| easy_ml_gradient(w.easy_ml, &list, black_box(&x), black_box(&mut g)))
            });
            if n <= N_FD_GRADIENT {
                let mut xm = x.clone();
                group.bench_function(BenchmarkId::new("fd_gradient", n), |b| {
                    b.iter(|| fd_gradient(w.primal, black_box(&mut xm), black_box(&mut g)))
                });
            }
            group.bench_function(BenchmarkId::new("ad_jvp", n), |b| {
                b.iter(|| (w.jvp)(black_box(&x), black_box(&v)))
            });
            let mut xd = vec![Dual64::new(0.0, 0.0); n];
            group.bench_function(BenchmarkId::new("num_dual_jvp", n), |b| {
                b.iter(|| num_dual_jvp(w.num_dual, black_box(&x), black_box(&v), &mut xd))
            });
            let (mut up, mut down) = (vec![0.0; n], vec![0.0; n]);
            group.bench_function(BenchmarkId::new("fd_directional", n), |b| {
                b.iter(|| {
                    let (x, v) = (black_box(&x), black_box(&v));
                    fd_directional(w.primal, x, v, w.scale, &mut up, &mut down)
                })
            });
            if n <= N_FORWARD_GRADIENT {
                let mut dx = vec![0.0; n];
                group.bench_function(BenchmarkId::new("ad_jvp_gradient", n), |b| {
                    b.iter(|| jvp_gradient(w.jvp, black_box(&x), &mut dx, black_box(&mut g)))
                });
                group.bench_function(BenchmarkId::new("num_dual_gradient", n), |b| {
                    b.iter(|| num_dual_gradient(w.num_dual, black_box(&x), &mut xd, &mut g))
                });
            }
        }
        group.finish();
    }
}

criterion_group! {
    name = benches;
    // Modest settings: 75 benchmarks in about three minutes on a 2-core machine.
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_millis(1500));
    targets = comparison
}
criterion_main!(benches);
