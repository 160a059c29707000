//! The timing loop shared by every eval.

use std::time::{Duration, Instant};

/// How often an `evaluate` request asks the function to be repeated.
#[derive(Clone, Copy, Debug)]
pub struct Runs {
    /// Run at least this many times...
    pub min_runs: usize,
    /// ...and until the runs add up to at least this long.
    pub min_seconds: f64,
}

impl Runs {
    /// One run: for inputs without run counts (hello).
    pub const ONCE: Runs = Runs {
        min_runs: 1,
        min_seconds: 0.0,
    };
}

/// Calls `f` until both limits of `runs` are met and returns each run's time in nanoseconds.
///
/// Only `f` is timed: callers convert the JSON input before and build the JSON output after, so
/// `f` should write into buffers it captures (allocated once, reused by every run).
pub fn repeat<T>(runs: Runs, mut f: impl FnMut() -> T) -> Vec<u64> {
    let min_total = Duration::from_secs_f64(runs.min_seconds.max(0.0));
    let mut times = Vec::new();
    let mut total = Duration::ZERO;
    while times.len() < runs.min_runs.max(1) || total < min_total {
        let start = Instant::now();
        // The result is kept opaque so that no run can be optimised away.
        std::hint::black_box(f());
        let elapsed = start.elapsed();
        total += elapsed;
        times.push(u64::try_from(elapsed.as_nanos()).unwrap_or(u64::MAX));
    }
    times
}
