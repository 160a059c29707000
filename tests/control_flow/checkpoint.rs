//! Loops under `ad::checkpoint(range, k)`: reverse mode snapshots the loop state every `k`
//! iterations and replays segments. The gradient must equal the unmarked loop's exactly (the
//! same operations in the same order), for every segment length, including empty loops and a
//! last segment shorter than `k`.

use ad::differentiate;

/// Euler steps of y' = -k y + a sin y, recorded every iteration.
#[differentiate(reverse)]
pub fn euler_plain(y0: f64, k: f64, a: f64, n: usize) -> f64 {
    let h = 1.0 / (n as f64 + 1.0);
    let mut y = y0;
    for _ in 0..n {
        y += h * (-k * y + a * y.sin());
    }
    y
}

/// The same loop, checkpointed every `every` steps.
#[differentiate(reverse)]
pub fn euler_checkpointed(y0: f64, k: f64, a: f64, n: usize, every: usize) -> f64 {
    let h = 1.0 / (n as f64 + 1.0);
    let mut y = y0;
    for _ in ad::checkpoint(0..n, every) {
        y += h * (-k * y + a * y.sin());
    }
    y
}

#[test]
fn checkpointed_gradient_equals_recorded_gradient() {
    for n in [0, 1, 2, 7, 10, 33] {
        for every in [1, 2, 3, 5, 10, 64] {
            for dout in [1.0, -0.5] {
                let plain = euler_plain_vjp(0.8, 1.3, 0.7, n, dout);
                assert_eq!(plain.0, euler_plain(0.8, 1.3, 0.7, n));
                let marked = euler_checkpointed_vjp(0.8, 1.3, 0.7, n, every, dout);
                assert_eq!(plain, marked, "n = {n}, every = {every}");
            }
        }
    }
}

#[test]
fn checkpointed_gradient_matches_finite_differences() {
    let f = |y0: f64, k: f64, a: f64| euler_checkpointed(y0, k, a, 40, 7);
    let (_, gy, gk, ga) = euler_checkpointed_vjp(0.8, 1.3, 0.7, 40, 7, 1.0);
    let h = 1e-5;
    let fd = |d: [f64; 3]| {
        (f(0.8 + d[0] * h, 1.3 + d[1] * h, 0.7 + d[2] * h)
            - f(0.8 - d[0] * h, 1.3 - d[1] * h, 0.7 - d[2] * h))
            / (2.0 * h)
    };
    for (g, d) in [
        (gy, [1.0, 0.0, 0.0]),
        (gk, [0.0, 1.0, 0.0]),
        (ga, [0.0, 0.0, 1.0]),
    ] {
        let want = fd(d);
        assert!(
            (g - want).abs() <= 1e-8 * (1.0 + want.abs()),
            "{g} vs {want}"
        );
    }
}

/// A checkpointed loop whose body branches on the state, holds an inner loop and a second
/// piece of state (`s`) that the body both reads and writes.
#[differentiate(reverse)]
pub fn mixed_plain(x: f64, n: usize) -> (f64, f64) {
    let mut y = x;
    let mut s = 0.0;
    for i in 0..n {
        let mut p = 1.0;
        for _ in 0..3 {
            p *= y;
        }
        if y > 0.5 {
            y = 0.5 * y + 0.1 * p;
        } else {
            y = y * x + (i as f64) * 0.01;
        }
        s += y.cos();
    }
    (y, s)
}

#[differentiate(reverse)]
pub fn mixed_checkpointed(x: f64, n: usize, every: usize) -> (f64, f64) {
    let mut y = x;
    let mut s = 0.0;
    for i in ad::checkpoint(0..n, every) {
        let mut p = 1.0;
        for _ in 0..3 {
            p *= y;
        }
        if y > 0.5 {
            y = 0.5 * y + 0.1 * p;
        } else {
            y = y * x + (i as f64) * 0.01;
        }
        s += y.cos();
    }
    (y, s)
}

#[test]
fn checkpointed_loop_with_branches_and_an_inner_loop() {
    for x in [0.3, 0.9] {
        for n in [0, 1, 6, 13] {
            for every in [1, 4, 100] {
                let dout = (0.7, -1.1);
                assert_eq!(mixed_plain(x, n), mixed_checkpointed(x, n, every));
                assert_eq!(mixed_plain_vjp(x, n, dout).0, mixed_plain(x, n));
                assert_eq!(
                    mixed_plain_vjp(x, n, dout),
                    mixed_checkpointed_vjp(x, n, every, dout),
                    "x = {x}, n = {n}, every = {every}"
                );
            }
        }
    }
}

/// `k` a literal: nothing else fixes the type of the generated iteration counter.
#[differentiate(reverse)]
pub fn every_step_checkpointed(x: f64, n: usize) -> (f64, f64) {
    let mut y = x;
    let mut s = 0.0;
    for i in ad::checkpoint(0..n, 1) {
        let mut p = 1.0;
        for _ in 0..3 {
            p *= y;
        }
        if y > 0.5 {
            y = 0.5 * y + 0.1 * p;
        } else {
            y = y * x + (i as f64) * 0.01;
        }
        s += y.cos();
    }
    (y, s)
}

#[test]
fn checkpoint_with_a_literal_period() {
    for n in [0, 1, 7] {
        let dout = (0.4, 1.3);
        assert_eq!(
            mixed_plain_vjp(0.8, n, dout),
            every_step_checkpointed_vjp(0.8, n, dout),
            "n = {n}"
        );
        assert_eq!(every_step_checkpointed(0.8, n), mixed_plain(0.8, n));
    }
}
