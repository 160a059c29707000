//! Functions the random-program tester (`ad-difftest`) found whose derivatives did not compile,
//! reduced (ad-difftest/FOUND.md). Each is checked in both modes against finite differences.
#![deny(warnings)]
#![deny(clippy::all)]
// The functions are the reductions as found, dead stores included.
#![allow(unused_assignments, clippy::needless_range_loop)]

#[path = "support/numeric.rs"]
#[allow(dead_code)]
mod numeric;

use ad::differentiate;
use numeric::{close, fd5};

/// Bug 1: a dead update before an overwrite (forward mode used a removed value).
#[differentiate(forward, reverse)]
fn overwritten(a: f64, b: f64) -> f64 {
    let mut m = a.sin();
    if b > 0.0 {
        m *= b;
    }
    m = b * m.cos() + b;
    m
}

/// Bug 2: `return` inside a loop over `0..x.len()` (reverse mode lost the bound).
#[differentiate(forward, reverse)]
fn first_large(x: &[f64], a: f64) -> f64 {
    for i in 0..x.len() {
        if x[i] > 0.5 {
            return a * x[i];
        }
    }
    a
}

#[differentiate(forward, reverse)]
fn scaled_first(x: &[f64], a: f64) -> f64 {
    x[0] * a + x[1]
}

/// Bug 3: a buffer created after an early `return` and passed to a call (reverse mode put it
/// on a scalar record).
#[differentiate(forward, reverse)]
fn late_buffer(a: f64) -> f64 {
    if a > 0.4 {
        return a;
    }
    let buf = vec![a; 4];
    scaled_first(&buf, a)
}

/// Bug 4: after an early `return`, a branch that updates a variable left dead (reverse mode
/// read a recorded value in place of popping it).
#[differentiate(forward, reverse)]
fn late_branch(a: f64, b: f64) -> f64 {
    if a > 0.5 {
        return a;
    }
    let mut s = 0.0;
    let mut m = a.sin();
    if b < 0.0 {
        s = m;
    } else {
        m *= b;
    }
    s
}

/// Bug 5: `let mut m = v;` with `v` read again after a loop (forward mode folded its tangent
/// away).
#[differentiate(forward, reverse)]
fn copy_then_loop(a: f64) -> f64 {
    let v = a.sin();
    let mut m = v;
    for _ in 0..2 {
        m *= a;
    }
    m + v
}

/// Bug 6 (a wrong gradient, found before it landed): a loop that overwrites an accumulator with
/// an input. Its reversed loop passes the carried adjoint on to `a` and zeroes it; the
/// rewrite that reads a carried adjoint as one took the pass-on for a constant.
#[differentiate(forward, reverse)]
fn overwritten_in_loop(x: &[f64], a: f64) -> f64 {
    let mut r = a.sin();
    for &w in x {
        r *= w;
    }
    for _ in x {
        r = a;
    }
    r * x[0]
}

/// Bug 7 (a wrong gradient, in `chain.rs` since the third session): in the reversed loop,
/// the branch that reads `m` adds to `m`'s carried adjoint, which the body reads again after
/// the branch; the rewrite that reads the carried adjoint as one took that second read for the
/// incoming value.
#[differentiate(forward, reverse)]
fn branch_adds_to_carried(a: f64, b: f64) -> f64 {
    let mut m = a;
    for _ in 0..3 {
        m /= 1.0 + b * b;
        let v = if b < 0.09 { b.sin() } else { (m * 2.0).sin() };
        m += v;
    }
    m
}

#[test]
fn carried_adjoint_added_to_in_a_branch() {
    // b = 0.4 takes the branch that reads m, b = 0.05 the other.
    for (a, b) in [(0.3, 0.4), (-0.8, 0.4), (0.3, 0.05)] {
        let (_, da) = branch_adds_to_carried_jvp(a, 1.0, b, 0.0);
        let (_, db) = branch_adds_to_carried_jvp(a, 0.0, b, 1.0);
        let (_, ga, gb) = branch_adds_to_carried_vjp(a, b, 1.0);
        check(
            "branch_adds_to_carried ∂a",
            |a| branch_adds_to_carried(a, b),
            da,
            ga,
            a,
        );
        check(
            "branch_adds_to_carried ∂b",
            |b| branch_adds_to_carried(a, b),
            db,
            gb,
            b,
        );
    }
}

/// Forward, reverse and 5-point differences of `f` in `a`.
fn check(what: &str, f: impl Fn(f64) -> f64, jvp: f64, vjp: f64, a: f64) {
    let want = fd5(&f, a, 1e-4);
    assert!(
        close(jvp, want, 1e-7, 1e-9),
        "{what}: forward {jvp}, differences {want}"
    );
    assert!(
        close(vjp, want, 1e-7, 1e-9),
        "{what}: reverse {vjp}, differences {want}"
    );
}

#[test]
fn reductions_differentiate_correctly() {
    for (a, b) in [(0.3, 0.7), (0.2, -0.4)] {
        let (_, d) = overwritten_jvp(a, 1.0, b, 0.0);
        let (_, g, _) = overwritten_vjp(a, b, 1.0);
        check("overwritten ∂a", |a| overwritten(a, b), d, g, a);
        let (_, d) = overwritten_jvp(a, 0.0, b, 1.0);
        let (_, _, g) = overwritten_vjp(a, b, 1.0);
        check("overwritten ∂b", |b| overwritten(a, b), d, g, b);

        let (_, d) = late_branch_jvp(a, 1.0, b, 0.0);
        let (_, g, _) = late_branch_vjp(a, b, 1.0);
        check("late_branch ∂a", |a| late_branch(a, b), d, g, a);

        let (_, d) = late_buffer_jvp(a, 1.0);
        let (_, g) = late_buffer_vjp(a, 1.0);
        check("late_buffer", late_buffer, d, g, a);

        let (_, d) = copy_then_loop_jvp(a, 1.0);
        let (_, g) = copy_then_loop_vjp(a, 1.0);
        check("copy_then_loop", copy_then_loop, d, g, a);
    }
    for x in [[0.1, 0.9, 0.3], [0.1, 0.2, 0.3]] {
        let a = 1.7;
        let (_, d) = overwritten_in_loop_jvp(&x, &[0.0; 3], a, 1.0);
        let (_, g) = overwritten_in_loop_vjp(&x, &mut [0.0; 3], a, 1.0);
        check(
            "overwritten_in_loop ∂a",
            |a| overwritten_in_loop(&x, a),
            d,
            g,
            a,
        );
        let (_, d) = first_large_jvp(&x, &[0.0; 3], a, 1.0);
        let mut gx = [0.0; 3];
        let (_, g) = first_large_vjp(&x, &mut gx, a, 1.0);
        check("first_large ∂a", |a| first_large(&x, a), d, g, a);
        for k in 0..3 {
            let mut e = [0.0; 3];
            e[k] = 1.0;
            let (_, d) = first_large_jvp(&x, &e, a, 0.0);
            let at = |t: f64| {
                let mut y = x;
                y[k] = t;
                first_large(&y, a)
            };
            check(&format!("first_large ∂x{k}"), at, d, gx[k], x[k]);
        }
    }
}
