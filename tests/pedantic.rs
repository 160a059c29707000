//! Generated code under `clippy::pedantic`: a user crate that denies the pedantic set (and
//! writes its own code to pass it) must get no warning from the expansion. `cargo clippy
//! --workspace --all-targets -- -D warnings` in CI fails otherwise. Each derivative is called
//! and checked against a central difference, so nothing here is dead code.
#![deny(warnings)]
#![deny(clippy::all, clippy::pedantic)]

use ad::differentiate;

/// Branches and a loop over a buffer, with an integer index converted losslessly.
#[differentiate(forward, reverse)]
#[must_use]
pub fn mixed(x: &[f64], w: f64) -> f64 {
    let mut s = 0.0;
    for (i, &v) in x.iter().enumerate() {
        if v > 0.0 {
            s += w * v * v;
        } else {
            s -= (v * w).sin() * f64::from(u32::try_from(i).unwrap_or(0));
        }
    }
    s
}

/// Results written into an in-out buffer.
#[differentiate(forward, reverse)]
pub fn shifted(k: f64, y: &[f64], out: &mut [f64]) {
    for i in 1..y.len() {
        out[i] = k * y[i - 1];
    }
    out[0] = k;
}

/// Calls, a `Vec` grown by `push`, a sub-slice and a `max`.
#[differentiate(forward, reverse)]
#[must_use]
pub fn composite(k: f64, y: &[f64]) -> f64 {
    let mut tmp = vec![0.0; y.len()];
    shifted(k, y, &mut tmp);
    let mut squares = Vec::with_capacity(y.len());
    for &t in &tmp {
        squares.push(t * t);
    }
    let mut top = squares[0];
    for &q in &squares {
        top = top.max(q);
    }
    squares.iter().sum::<f64>() + mixed(&tmp[1..], k) + top
}

#[test]
fn pedantic_crate_derivatives() {
    let ys = [0.4, -0.7, 1.1];
    let gain = 0.8;
    let step = 1e-6;
    let want = (composite(gain + step, &ys) - composite(gain - step, &ys)) / (2.0 * step);
    let (_, tangent) = composite_jvp(gain, 1.0, &ys, &[0.0; 3]);
    let mut ys_bar = [0.0; 3];
    let (_, gain_bar) = composite_vjp(gain, &ys, &mut ys_bar, 1.0);
    assert!(
        (tangent - want).abs() < 1e-6 * (1.0 + want.abs()),
        "{tangent} vs {want}"
    );
    assert!(
        (gain_bar - tangent).abs() < 1e-12 * (1.0 + tangent.abs()),
        "{gain_bar} vs {tangent}"
    );
}
