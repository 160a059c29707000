//! A tangent or adjoint buffer whose length differs from its primal buffer's is a caller's
//! mistake that would otherwise silently drop or misplace derivatives: the derivative functions
//! check the lengths on entry and panic with a message that names the parameter. The parameter
//! names here are distinctive (`weights`, `rates`) so that the expected text matches however the
//! tangent or adjoint parameter is spelled (`dweights`, `weights_adj`, "the tangent of
//! `weights`", ...); the exact wording is the compiler's choice.

use crate::common::assert_panics_with;
use ad::differentiate;

/// Σ weightsᵢ² · scale.
#[differentiate(forward, reverse)]
pub fn weighted_energy(weights: &[f64], scale: f64) -> f64 {
    let mut s = 0.0;
    for &w in weights {
        s += w * w;
    }
    s * scale
}

/// Writes 2·srcᵢ into `rates`.
#[differentiate(forward, reverse)]
pub fn fill_rates(src: &[f64], rates: &mut [f64]) {
    for (i, v) in src.iter().enumerate() {
        rates[i] = 2.0 * v;
    }
}

#[test]
fn matching_lengths_do_not_panic() {
    let (y, dy) = weighted_energy_jvp(&[1.0, 2.0], &[1.0, 0.0], 0.5, 0.0);
    assert_eq!((y, dy), (2.5, 1.0));
    let mut g = [0.0; 2];
    let (_, gs) = weighted_energy_vjp(&[1.0, 2.0], &mut g, 0.5, 1.0);
    assert_eq!((g, gs), ([1.0, 2.0], 5.0));
    assert_eq!(weighted_energy(&[1.0, 2.0], 0.5), 2.5);
    let mut rates = [0.0; 2];
    let mut d_rates = [0.0; 2];
    fill_rates_jvp(&[1.0, 2.0], &[1.0, -1.0], &mut rates, &mut d_rates);
    let mut primal = [0.0; 2];
    fill_rates(&[1.0, 2.0], &mut primal);
    assert_eq!((rates, d_rates), (primal, [2.0, -2.0]));
}

#[test]
#[should_panic(expected = "weights")]
fn short_tangent_buffer() {
    let _ = weighted_energy_jvp(&[1.0, 2.0, 3.0], &[1.0, 0.0], 1.0, 0.0);
}

#[test]
#[should_panic(expected = "weights")]
fn long_tangent_buffer() {
    let _ = weighted_energy_jvp(&[1.0, 2.0], &[1.0, 0.0, 0.0], 1.0, 0.0);
}

#[test]
#[should_panic(expected = "weights")]
fn short_adjoint_buffer() {
    let mut g = [0.0; 2];
    let _ = weighted_energy_vjp(&[1.0, 2.0, 3.0], &mut g, 1.0, 1.0);
}

#[test]
#[should_panic(expected = "weights")]
fn long_adjoint_buffer() {
    let mut g = [0.0; 4];
    let _ = weighted_energy_vjp(&[1.0, 2.0, 3.0], &mut g, 1.0, 1.0);
}

#[test]
#[should_panic(expected = "weights")]
fn empty_adjoint_buffer() {
    let _ = weighted_energy_vjp(&[1.0], &mut [], 1.0, 1.0);
}

#[test]
#[should_panic(expected = "rates")]
fn in_out_tangent_buffer() {
    let mut rates = [0.0; 3];
    let mut d_rates = [0.0; 2];
    fill_rates_jvp(&[1.0, 2.0, 3.0], &[0.0; 3], &mut rates, &mut d_rates);
}

#[test]
#[should_panic(expected = "rates")]
fn in_out_adjoint_buffer() {
    let mut rates = [0.0; 3];
    let mut rates_adj = [1.0; 4];
    let mut g = [0.0; 3];
    fill_rates_vjp(&[1.0, 2.0, 3.0], &mut g, &mut rates, &mut rates_adj);
}

#[test]
#[should_panic(expected = "src")]
fn input_adjoint_of_a_unit_function() {
    let mut rates = [0.0; 3];
    let mut rates_adj = [1.0; 3];
    let mut g = [0.0; 2];
    fill_rates_vjp(&[1.0, 2.0, 3.0], &mut g, &mut rates, &mut rates_adj);
}

#[test]
fn the_message_names_both_lengths() {
    // Lengths 7 and 4 are the only digits in these calls, so finding them in the message means
    // it reports both.
    let x = [0.5; 7];
    assert_panics_with("f_jvp", &["weights", "7", "4"], || {
        let _ = weighted_energy_jvp(&x, &[0.0; 4], 1.0, 0.0);
    });
    assert_panics_with("f_vjp", &["weights", "7", "4"], || {
        let mut g = [0.0; 4];
        let _ = weighted_energy_vjp(&x, &mut g, 1.0, 1.0);
    });
    assert_panics_with("in-out f_vjp", &["rates", "7", "4"], || {
        let mut rates = [0.0; 7];
        let mut rates_adj = [0.0; 4];
        let mut g = [0.0; 7];
        fill_rates_vjp(&x, &mut g, &mut rates, &mut rates_adj);
    });
}
