//! Inner loops over `a[base + j]`, which the derivatives index through a slice of the row
//! taken before the loop: the slice must panic only where the primal would, and give the
//! same derivatives.

use crate::common::of_buffer;
use ad::differentiate;

/// Σⱼ a[start + j]² for j < m.
#[differentiate(forward, reverse)]
pub fn window_energy(a: &[f64], start: usize, m: usize) -> f64 {
    let mut s = 0.0;
    for j in 0..m {
        s += a[start + j] * a[start + j];
    }
    s
}

#[test]
fn window_derivatives() {
    of_buffer(
        "window_energy",
        7,
        |a| window_energy(a, 2, 4),
        |a, da| window_energy_jvp(a, da, 2, 4),
        |a, g, w| window_energy_vjp(a, g, 2, 4, w),
    )
    .gradient(|a| {
        (0..a.len())
            .map(|k| if (2..6).contains(&k) { 2.0 * a[k] } else { 0.0 })
            .collect()
    })
    .check_random(2, 1.0);
}

#[test]
fn an_empty_window_past_the_end_does_not_panic() {
    // The primal reads nothing, so neither may its derivatives (a slice `&a[9..9]` would panic).
    let a = [1.0, 2.0];
    assert_eq!(window_energy(&a, 9, 0), 0.0);
    assert_eq!(window_energy_jvp(&a, &[1.0, 1.0], 9, 0), (0.0, 0.0));
    let mut g = [0.0; 2];
    assert_eq!(window_energy_vjp(&a, &mut g, 9, 0, 1.0), 0.0);
    assert_eq!(g, [0.0, 0.0]);
}

/// Where the primal panics (`a[3]`), so does the gradient: before its loop, as it takes the
/// row `&a[1..4]`.
#[test]
#[should_panic(expected = "out of range for slice of length 3")]
fn a_window_past_the_end_panics_as_the_primal_does() {
    let mut g = [0.0; 3];
    window_energy_vjp(&[1.0, 2.0, 3.0], &mut g, 1, 3, 1.0);
}
