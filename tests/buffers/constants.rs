//! Constant buffers are passed through with no tangent or adjoint: an integer index buffer
//! (a permutation `&[usize]`) used to gather and to scatter, and `&[f64]` buffers left out of
//! `wrt(...)`.

use crate::common::{assert_close, Case};
use ad::differentiate;

/// Σᵢ wᵢ x_{perm[i]}²: a gather through a permutation; `x` and `w` are active, `perm` constant.
#[differentiate(forward, reverse)]
pub fn gather(x: &[f64], perm: &[usize], w: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..perm.len() {
        let v = x[perm[i]];
        s += w[i] * v * v;
    }
    s
}

#[test]
fn permutation_gather() {
    let perm: &'static [usize] = &[2, 0, 3, 1];
    let n = perm.len();
    Case::new(
        "gather",
        2 * n,
        1,
        move |p| vec![gather(&p[..n], perm, &p[n..])],
        move |p, v| {
            let (y, dy) = gather_jvp(&p[..n], &v[..n], perm, &p[n..], &v[n..]);
            (vec![y], vec![dy])
        },
        move |p, w, g| {
            let (gx, gw) = g.split_at_mut(n);
            vec![gather_vjp(&p[..n], gx, perm, &p[n..], gw, w[0])]
        },
    )
    .gradient(move |p| {
        let (x, w) = p.split_at(n);
        let mut g = vec![0.0; 2 * n];
        for (i, &k) in perm.iter().enumerate() {
            g[k] += 2.0 * w[i] * x[k];
            g[n + i] = x[k] * x[k];
        }
        g
    })
    .check_random(2, 1.0);
}

#[test]
fn repeated_indices_accumulate() {
    // Index 0 gathered three times: every use adds to its adjoint.
    let (x, w) = ([1.5, 2.0], [1.0, 2.0, 3.0]);
    let mut gx = [0.0; 2];
    let mut gw = [0.0; 3];
    let y = gather_vjp(&x, &mut gx, &[0, 0, 0], &w, &mut gw, 1.0);
    assert_eq!(y, 6.0 * 2.25);
    assert_eq!(gx, [2.0 * 6.0 * 1.5, 0.0]);
    assert_eq!(gw, [2.25; 3]);
}

/// Scatter through a permutation into a local buffer, then a position-weighted sum:
/// Σₖ (k + 1) y_k with y_{perm[i]} = sin(xᵢ).
#[differentiate(forward, reverse)]
#[allow(clippy::needless_range_loop)]
pub fn scatter(x: &[f64], perm: &[usize]) -> f64 {
    let n = x.len();
    let mut y = vec![0.0; n];
    for i in 0..n {
        y[perm[i]] = x[i].sin();
    }
    let mut s = 0.0;
    for k in 0..n {
        s += (k as f64 + 1.0) * y[k];
    }
    s
}

#[test]
fn permutation_scatter() {
    let perm: &'static [usize] = &[3, 1, 0, 4, 2];
    let n = perm.len();
    Case::new(
        "scatter",
        n,
        1,
        move |x| vec![scatter(x, perm)],
        move |x, v| {
            let (y, dy) = scatter_jvp(x, v, perm);
            (vec![y], vec![dy])
        },
        move |x, w, g| vec![scatter_vjp(x, g, perm, w[0])],
    )
    .gradient(move |x| {
        (0..n)
            .map(|i| (perm[i] as f64 + 1.0) * x[i].cos())
            .collect()
    })
    .check_random(2, 2.0);
}

/// Σᵢ cᵢ (k xᵢ)² + k with only `x` differentiated: `c` (a float buffer) and `k` (a float) are
/// constants, so `f_jvp` has one tangent, and `f_vjp` one adjoint buffer and returns only the value.
#[differentiate(forward, reverse, wrt(x))]
pub fn narrowed(x: &[f64], c: &[f64], k: f64) -> f64 {
    let mut s = k;
    for (xi, ci) in x.iter().zip(c) {
        s += ci * (k * xi) * (k * xi);
    }
    s
}

#[test]
fn float_buffer_outside_wrt() {
    let c: &'static [f64] = &[0.5, -1.5, 2.0];
    let k = 1.25;
    let n = c.len();
    Case::new(
        "narrowed",
        n,
        1,
        move |x| vec![narrowed(x, c, k)],
        move |x, v| {
            let (y, dy) = narrowed_jvp(x, v, c, k);
            (vec![y], vec![dy])
        },
        move |x, w, g| {
            let y: f64 = narrowed_vjp(x, g, c, k, w[0]);
            vec![y]
        },
    )
    .gradient(move |x| (0..n).map(|i| 2.0 * c[i] * k * k * x[i]).collect())
    .check_random(2, 1.0);
}

/// A float buffer that is a constant because it is not in `wrt`, read by index next to an active
/// buffer of a different length: Σⱼ tⱼ · (Σᵢ xᵢ)ʲ, a polynomial with the constant coefficients t.
#[differentiate(forward, reverse, wrt(x))]
#[allow(clippy::needless_range_loop)]
pub fn poly_of_sum(x: &[f64], t: &[f64]) -> f64 {
    let s = x.iter().sum::<f64>();
    let mut p = 1.0;
    let mut y = 0.0;
    for j in 0..t.len() {
        y += t[j] * p;
        p *= s;
    }
    y
}

#[test]
fn constant_coefficients() {
    let t: &'static [f64] = &[1.0, -2.0, 0.5, 0.25];
    let x = [0.3, -0.1, 0.6];
    let s: f64 = x.iter().sum();
    let expected = -2.0 + 2.0 * 0.5 * s + 3.0 * 0.25 * s * s;
    let (_, d) = poly_of_sum_jvp(&x, &[1.0, 0.0, 0.0], t);
    assert_close("poly_of_sum forward", d, expected, 1e-14);
    let mut g = [0.0; 3];
    poly_of_sum_vjp(&x, &mut g, t, 1.0);
    for gi in g {
        assert_close("poly_of_sum reverse", gi, expected, 1e-14);
    }
    Case::new(
        "poly_of_sum",
        3,
        1,
        move |x| vec![poly_of_sum(x, t)],
        move |x, v| {
            let (y, dy) = poly_of_sum_jvp(x, v, t);
            (vec![y], vec![dy])
        },
        move |x, w, g| vec![poly_of_sum_vjp(x, g, t, w[0])],
    )
    .check_random(2, 1.0);
}
