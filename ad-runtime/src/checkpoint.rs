//! Marking a loop for checkpointed reverse mode.

/// Returns `range` unchanged; in a function under `#[differentiate(reverse)]`, writing
/// `for i in ad::checkpoint(0..n, k)` makes reverse mode keep only a snapshot of the loop's
/// state every `k` iterations instead of recording every iteration. The adjoint sweep then
/// re-runs one segment of `k` iterations at a time from its snapshot, recording just that
/// segment: memory falls from `n` iterations' records to `n / k` snapshots plus `k`
/// iterations' records, for the price of running the loop's primal once more.
///
/// `every` must be at least 1. The range must be `a..b` over `usize`, `u32` or `i32` (the segments are replayed with
/// `skip`/`take`/`rev`), and the loop must not `break`, `return`, or `continue` an outer loop.
#[inline]
pub fn checkpoint<I: Iterator>(range: I, every: usize) -> I {
    let _ = every;
    range
}
