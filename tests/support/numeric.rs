//! Numeric helpers shared by the `derivatives`, `control_flow` and `buffers` test crates: 5-point
//! central finite differences, small linear algebra on row-major Jacobians, tolerant
//! comparisons and the dot-product test.
//!
//! Each crate includes this file from its `common.rs` with a `#[path]` attribute and re-exports
//! it, so not every crate uses every item.

/// `(f(x - 2h) - 8 f(x - h) + 8 f(x + h) - f(x + 2h)) / (12 h)`: the 5-point central
/// difference, with truncation error `O(h⁴)`.
pub fn fd5(f: impl Fn(f64) -> f64, x: f64, h: f64) -> f64 {
    (f(x - 2.0 * h) - 8.0 * f(x - h) + 8.0 * f(x + h) - f(x + 2.0 * h)) / (12.0 * h)
}

/// The Jacobian (`m` rows, `n` columns) of a vector function by 5-point central differences,
/// perturbing one input at a time; column `i` uses the step `h · max(|x_i|, 1)`.
pub fn fd_jacobian(f: &dyn Fn(&[f64]) -> Vec<f64>, x: &[f64], h: f64) -> Vec<Vec<f64>> {
    let m = f(x).len();
    let n = x.len();
    let mut jac = vec![vec![0.0; n]; m];
    for i in 0..n {
        let hi = h * x[i].abs().max(1.0);
        let at = |t: f64| {
            let mut p = x.to_vec();
            p[i] += t;
            f(&p)
        };
        let (a, b, c, d) = (at(-2.0 * hi), at(-hi), at(hi), at(2.0 * hi));
        for k in 0..m {
            jac[k][i] = (a[k] - 8.0 * b[k] + 8.0 * c[k] - d[k]) / (12.0 * hi);
        }
    }
    jac
}

pub fn dot(a: &[f64], b: &[f64]) -> f64 {
    assert_eq!(a.len(), b.len(), "dot: length mismatch");
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

pub fn norm1(a: &[f64]) -> f64 {
    a.iter().map(|x| x.abs()).sum()
}

/// The largest magnitude of any entry of `j`.
pub fn max_abs(j: &[Vec<f64>]) -> f64 {
    j.iter().flatten().fold(0.0, |m: f64, x| m.max(x.abs()))
}

/// `J v` for `J` given by rows.
pub fn mat_vec(j: &[Vec<f64>], v: &[f64]) -> Vec<f64> {
    j.iter().map(|row| dot(row, v)).collect()
}

/// `Jᵀ w` for `J` given by rows.
pub fn mat_t_vec(j: &[Vec<f64>], w: &[f64]) -> Vec<f64> {
    let n = j.first().map_or(0, Vec::len);
    (0..n)
        .map(|i| j.iter().zip(w).map(|(row, wk)| row[i] * wk).sum())
        .collect()
}

/// `(1, 0, 0, ..)`-style basis vector: `n` entries, a one at `i`.
pub fn basis(n: usize, i: usize) -> Vec<f64> {
    (0..n).map(|j| if i == j { 1.0 } else { 0.0 }).collect()
}

/// `|a - b| <= rtol · max(|a|, |b|) + atol`; NaN is never close to anything.
pub fn close(a: f64, b: f64, rtol: f64, atol: f64) -> bool {
    a == b || (a - b).abs() <= rtol * a.abs().max(b.abs()) + atol
}

#[track_caller]
pub fn assert_close(what: &str, actual: f64, expected: f64, rtol: f64) {
    assert!(
        close(actual, expected, rtol, 0.0),
        "{what}: got {actual:e}, expected {expected:e} (diff {:e}, rtol {rtol:e})",
        (actual - expected).abs()
    );
}

#[track_caller]
pub fn assert_all_close(what: &str, actual: &[f64], expected: &[f64], rtol: f64, atol: f64) {
    assert_eq!(actual.len(), expected.len(), "{what}: length mismatch");
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert!(
            close(*a, *e, rtol, atol),
            "{what}[{i}]: got {a:e}, expected {e:e} (diff {:e}, rtol {rtol:e}, atol {atol:e})\n  \
             actual:   {actual:?}\n  expected: {expected:?}",
            (a - e).abs()
        );
    }
}

/// The dot-product test: `⟨w, J v⟩` (from forward mode) must equal `⟨Jᵀ w, v⟩` (from reverse
/// mode) up to rounding, measured against the sizes of the terms summed.
#[track_caller]
pub fn assert_dot_test(what: &str, v: &[f64], jv: &[f64], w: &[f64], jtw: &[f64], tol: f64) {
    let lhs = dot(w, jv);
    let rhs = dot(jtw, v);
    let scale: f64 = w.iter().zip(jv).map(|(a, b)| (a * b).abs()).sum::<f64>()
        + jtw.iter().zip(v).map(|(a, b)| (a * b).abs()).sum::<f64>();
    assert!(
        (lhs - rhs).abs() <= tol * scale + f64::MIN_POSITIVE,
        "{what}: dot-product test failed: <w, Jv> = {lhs:e}, <J^T w, v> = {rhs:e} \
         (diff {:e}, scale {scale:e})",
        (lhs - rhs).abs()
    );
}
