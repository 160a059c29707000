//! det: the determinant of an ℓ × ℓ matrix by recursive expansion along the first row
//! (O(ℓ!) work), `primal`, and its gradient with respect to the matrix (the cofactors),
//! `gradient`. Input `{"A": [ℓ² floats, row-major], "ell": ℓ}`.

use super::{scalar_and_gradient, Evaluation};
use crate::input::{field, floats, runs, size, Result};
use serde_json::Value;

/// The determinant of the minor of the `n × n` row-major matrix `a` made of rows `row..n` and
/// of the columns not set in the bit set `used` (one bit per column, so n ≤ 64).
///
/// Expands along the minor's first row: each term removes one column by setting its bit for
/// the sub-minor, so no matrix is ever copied.
#[ad::differentiate(reverse)]
pub fn det_of_minor(a: &[f64], n: usize, row: usize, used: u64) -> f64 {
    let mut free = !used & ((1u64 << n) - 1);
    if row + 1 == n {
        return a[row * n + free.trailing_zeros() as usize];
    }
    let mut det = 0.0;
    let mut sign = 1.0;
    while free != 0 {
        let col = free.trailing_zeros() as usize;
        free &= free - 1;
        det += sign * a[row * n + col] * det_of_minor(a, n, row + 1, used | (1u64 << col));
        sign = -sign;
    }
    det
}

/// The determinant of the `ell × ell` row-major matrix `a` (ell ≤ 63).
#[ad::differentiate(reverse)]
pub fn det(a: &[f64], ell: usize) -> f64 {
    det_of_minor(a, ell, 0, 0)
}

pub fn run(function: &str, input: &Value) -> Result<Evaluation> {
    let a = floats(field(input, "A")?)?;
    let ell = size(field(input, "ell")?)?;
    let runs = runs(input)?;
    if ell == 0 || ell > 63 || a.len() != ell * ell {
        return Err(format!(
            "need 1 ≤ ell ≤ 63 and ell² elements in `A`, got ell = {ell} and {}",
            a.len()
        ));
    }
    scalar_and_gradient(
        "det",
        function,
        runs,
        a.len(),
        || det(&a, ell),
        |g| det_vjp(&a, g, ell, 1.0),
    )
}
