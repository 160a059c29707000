//! A loop of many iterations in reverse mode, to measure what reverse mode stores.
//!
//! `cargo run --release --example long_loop -- N [K]` differentiates N explicit Euler steps of
//! y' = -k y + a sin y; without K every iteration is recorded (two floats per step), with K the
//! loop is `ad::checkpoint(0..N, K)`: a snapshot every K steps and K steps' records at a time.
//! `benches/memory.sh` runs it under `/usr/bin/time -v` for the peak memory.

use ad::differentiate;
use std::time::Instant;

#[differentiate(reverse)]
fn recorded(y0: f64, k: f64, a: f64, n: usize) -> f64 {
    let h = 1.0 / n as f64;
    let mut y = y0;
    for _ in 0..n {
        y += h * (-k * y + a * y.sin());
    }
    y
}

#[differentiate(reverse)]
fn checkpointed(y0: f64, k: f64, a: f64, n: usize, every: usize) -> f64 {
    let h = 1.0 / n as f64;
    let mut y = y0;
    for _ in ad::checkpoint(0..n, every) {
        y += h * (-k * y + a * y.sin());
    }
    y
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("arguments: N [K]"))
        .collect();
    let n = args.first().copied().unwrap_or(10_000_000);
    let start = Instant::now();
    let primal = match args.get(1) {
        None => recorded(0.5, 1.0, 0.3, n),
        Some(&every) => checkpointed(0.5, 1.0, 0.3, n, every),
    };
    let primal_time = start.elapsed();
    let start = Instant::now();
    let (y, gy, gk, ga) = match args.get(1) {
        None => recorded_vjp(0.5, 1.0, 0.3, n, 1.0),
        Some(&every) => checkpointed_vjp(0.5, 1.0, 0.3, n, every, 1.0),
    };
    let gradient_time = start.elapsed();
    assert_eq!(y, primal);
    println!(
        "n = {n}, checkpoint every {}: y = {y:.12}, gradient = ({gy:.9}, {gk:.9}, {ga:.9})",
        args.get(1).map_or("-".to_string(), |k| k.to_string())
    );
    println!(
        "primal {:.3} s, gradient {:.3} s, gradient/primal {:.2}",
        primal_time.as_secs_f64(),
        gradient_time.as_secs_f64(),
        gradient_time.as_secs_f64() / primal_time.as_secs_f64()
    );
}
