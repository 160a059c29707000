//! Numerical edge cases, in both modes: NaN and infinity go through derivatives as they go
//! through the primal; kinks follow the conventions of `ad::rules`; a branch not taken adds no
//! NaN; an intermediate that overflows or underflows makes the derivative infinite exactly
//! where the chain rule on the computed values is, in both modes alike.
#![deny(warnings)]
#![deny(clippy::all)]

use ad::differentiate;

#[differentiate(forward, reverse)]
fn poly(x: f64, y: f64) -> f64 {
    x * x + 3.0 * y
}

#[test]
fn nan_and_infinity_propagate_like_the_primal() {
    let (v, dx) = poly_jvp(f64::NAN, 1.0, 2.0, 0.0);
    let (v2, gx, gy) = poly_vjp(f64::NAN, 2.0, 1.0);
    assert!(v.is_nan() && v2.is_nan() && dx.is_nan() && gx.is_nan());
    assert!(poly(f64::NAN, 2.0).is_nan());
    // y's partial does not involve x: it stays 3.
    assert_eq!(gy, 3.0);
    let (v, dx) = poly_jvp(f64::INFINITY, 1.0, 2.0, 0.0);
    let (_, gx, _) = poly_vjp(f64::INFINITY, 2.0, 1.0);
    assert_eq!((v, dx, gx), (f64::INFINITY, f64::INFINITY, f64::INFINITY));
}

#[differentiate(forward, reverse)]
fn kinks(x: f64, y: f64) -> f64 {
    x.abs() + x.max(y) + (x - y).signum()
}

#[test]
fn kinks_follow_the_documented_conventions() {
    // abs'(0) = 0, a tie of max splits ½ / ½, signum' = 0.
    let (v, dx) = kinks_jvp(0.0, 1.0, 0.0, 0.0);
    assert_eq!(v, kinks(0.0, 0.0));
    let (_, dy) = kinks_jvp(0.0, 0.0, 0.0, 1.0);
    let (_, gx, gy) = kinks_vjp(0.0, 0.0, 1.0);
    assert_eq!((dx, dy), (0.5, 0.5));
    assert_eq!((gx, gy), (0.5, 0.5));
}

#[differentiate(forward, reverse)]
fn guarded_log(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for &v in x {
        if v > 0.0 {
            s += v.ln();
        } else {
            s += v;
        }
    }
    s
}

#[test]
fn a_branch_not_taken_adds_no_nan() {
    let x = [2.0, -1.0, 0.0, 4.0];
    let mut g = [0.0; 4];
    let v = guarded_log_vjp(&x, &mut g, 1.0);
    assert_eq!(v, guarded_log(&x));
    assert_eq!(g, [0.5, 1.0, 1.0, 0.25]);
    for k in 0..4 {
        let mut e = [0.0; 4];
        e[k] = 1.0;
        let (_, d) = guarded_log_jvp(&x, &e);
        assert_eq!(d, g[k]);
    }
}

#[differentiate(forward, reverse)]
fn root_of_square(x: f64) -> f64 {
    (x * x).sqrt()
}

#[test]
fn an_underflowing_intermediate_gives_the_same_infinity_in_both_modes() {
    // x² underflows to 0: the primal loses x (0 instead of 1e-200) and sqrt'(0) = +∞, so the
    // derivative is +∞ · 2x = +∞ in both modes (the true derivative is 1).
    let x = 1e-200;
    let (v, d) = root_of_square_jvp(x, 1.0);
    let (_, g) = root_of_square_vjp(x, 1.0);
    assert_eq!(v, root_of_square(x));
    assert_eq!(v, 0.0);
    assert_eq!((d, g), (f64::INFINITY, f64::INFINITY));
    // Where nothing underflows, the derivative is exact.
    let (_, d) = root_of_square_jvp(-3.0, 1.0);
    let (_, g) = root_of_square_vjp(-3.0, 1.0);
    assert_eq!((d, g), (-1.0, -1.0));
}

#[differentiate(forward, reverse)]
fn running_max(x: &[f64]) -> f64 {
    let mut m = x[0];
    for &v in x {
        m = m.max(v);
    }
    m
}

#[test]
fn ties_of_max_in_a_loop_split_in_both_modes() {
    // Reverse mode records which argument won (one byte per step) instead of the partials.
    let x = [1.0, 1.0, 0.5];
    let mut g = [0.0; 3];
    let v = running_max_vjp(&x, &mut g, 1.0);
    assert_eq!(v, running_max(&x));
    assert_eq!(g, [0.5, 0.5, 0.0]);
    for k in 0..3 {
        let mut e = [0.0; 3];
        e[k] = 1.0;
        assert_eq!(running_max_jvp(&x, &e).1, g[k]);
    }
}
