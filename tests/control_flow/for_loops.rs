//! `for` loops over `a..b`, `a..=b`, `(a..b).rev()` and `(a..b).step_by(k)`, with constant and
//! runtime (`usize` parameter) bounds, zero-iteration ranges, nested loops, loop-carried
//! accumulators and overwritten variables (`t *= x`, `x = r x (1 − x)`), `i as f64` in float
//! expressions, integer state updated in the loop, shadowing inside the body, a branch on an
//! active value inside the body, and a 1000-iteration loop.

use crate::common::{assert_derivative, assert_exact_derivative, binary, unary, Case};
use ad::differentiate;

/// `t *= x` n times: xⁿ.
#[differentiate(forward, reverse)]
pub fn power_loop(x: f64, n: usize) -> f64 {
    let mut t = 1.0;
    for _ in 0..n {
        t *= x;
    }
    t
}

#[test]
fn repeated_multiplication() {
    // d/dx xⁿ = n xⁿ⁻¹.
    for n in [0, 1, 2, 5, 10] {
        unary(
            &format!("power_loop n={n}"),
            move |x| power_loop(x, n),
            move |x, dx| power_loop_jvp(x, dx, n),
            move |x, w| power_loop_vjp(x, n, w),
        )
        .derivative(move |x| n as f64 * x.powi(n as i32 - 1))
        .check(&[&[-1.3], &[0.6], &[1.1]]);
    }
    // n = 0: the loop body never runs; the result is the constant 1.
    assert_exact_derivative(
        "power_loop n=0",
        |x| power_loop(x, 0),
        |x, dx| power_loop_jvp(x, dx, 0),
        |x, w| power_loop_vjp(x, 0, w),
        2.0,
        0.0,
    );
}

/// An accumulator over `i as f64` terms, starting from an active value.
#[differentiate(forward, reverse)]
pub fn weighted_sines(x: f64, n: usize) -> f64 {
    let mut s = x;
    for i in 0..n {
        let fi = i as f64;
        s += (fi + 1.0) * (x * fi).sin();
    }
    s
}

#[test]
fn accumulator_with_integer_cast() {
    // d/dx = 1 + Σ_{i<n} (i + 1) i cos(i x).
    for n in [0, 1, 4, 12] {
        unary(
            &format!("weighted_sines n={n}"),
            move |x| weighted_sines(x, n),
            move |x, dx| weighted_sines_jvp(x, dx, n),
            move |x, w| weighted_sines_vjp(x, n, w),
        )
        .derivative(move |x| {
            1.0 + (0..n)
                .map(|i| {
                    let fi = i as f64;
                    (fi + 1.0) * fi * (x * fi).cos()
                })
                .sum::<f64>()
        })
        .check(&[&[0.3], &[-1.7]]);
    }
    // n = 0: the path taken is `s = x`, derivative exactly 1.
    assert_derivative(
        "weighted_sines n=0",
        |x| weighted_sines(x, 0),
        |x, dx| weighted_sines_jvp(x, dx, 0),
        |x, w| weighted_sines_vjp(x, 0, w),
        0.3,
        1.0,
    );
}

/// Constant inclusive range with the counter in a float expression.
#[differentiate(forward, reverse)]
pub fn inclusive_sum(x: f64) -> f64 {
    let mut s = 0.0;
    for k in 1..=4 {
        s += x.powi(k) / k as f64;
    }
    s
}

#[test]
fn constant_inclusive_range() {
    // Σ_{k=1..4} xᵏ / k → Σ_{k=1..4} xᵏ⁻¹ = 1 + x + x² + x³.
    unary(
        "inclusive_sum",
        inclusive_sum,
        inclusive_sum_jvp,
        inclusive_sum_vjp,
    )
    .derivative(|x| 1.0 + x + x * x + x * x * x)
    .check(&[&[-0.9], &[0.5], &[2.0]]);
}

/// A reversed range with a non-commutative recurrence, so the order matters.
#[differentiate(forward, reverse)]
pub fn reversed_recurrence(x: f64, n: usize) -> f64 {
    let mut y = x;
    for i in (0..n).rev() {
        y = (y + i as f64) * x;
    }
    y
}

/// `reversed_recurrence` by hand, with its tangent (same order).
fn reversed_recurrence_reference(x: f64, n: usize) -> (f64, f64) {
    let (mut y, mut dy) = (x, 1.0);
    for i in (0..n).rev() {
        dy = dy * x + (y + i as f64);
        y = (y + i as f64) * x;
    }
    (y, dy)
}

#[test]
fn reversed_range() {
    // Tangent recurrence: y' ← y' x + (y + i), in the loop's order i = n−1, …, 0.
    for n in [0, 1, 3, 6] {
        assert_eq!(
            reversed_recurrence(0.7, n),
            reversed_recurrence_reference(0.7, n).0
        );
        unary(
            &format!("reversed_recurrence n={n}"),
            move |x| reversed_recurrence(x, n),
            move |x, dx| reversed_recurrence_jvp(x, dx, n),
            move |x, w| reversed_recurrence_vjp(x, n, w),
        )
        .derivative(move |x| reversed_recurrence_reference(x, n).1)
        .check(&[&[0.7], &[-1.2]]);
    }
}

/// `step_by` with runtime bounds and step; the counter enters through `as f64`.
#[differentiate(forward, reverse)]
pub fn strided(x: f64, start: usize, end: usize, step: usize) -> f64 {
    let mut s = 0.0;
    for i in (start..end).step_by(step) {
        s += (x * i as f64).cos();
    }
    s + x
}

#[test]
fn step_by_with_runtime_bounds() {
    // d/dx = 1 − Σ_{i in (start..end).step_by(step)} i sin(i x).
    for (start, end, step) in [(0, 10, 3), (2, 11, 4), (5, 6, 2), (7, 7, 1), (9, 3, 2)] {
        unary(
            &format!("strided {start}..{end} by {step}"),
            move |x| strided(x, start, end, step),
            move |x, dx| strided_jvp(x, dx, start, end, step),
            move |x, w| strided_vjp(x, start, end, step, w),
        )
        .derivative(move |x| {
            1.0 - (start..end)
                .step_by(step)
                .map(|i| i as f64 * (x * i as f64).sin())
                .sum::<f64>()
        })
        .check(&[&[0.2], &[1.3]]);
    }
}

/// Constant `step_by` and `rev` ranges, and an inclusive range with runtime bounds.
#[differentiate(forward, reverse)]
pub fn range_forms(x: f64, lo: usize, hi: usize) -> f64 {
    let mut a = 0.0;
    for i in (0..10).step_by(3) {
        a += x * i as f64;
    }
    let mut b = 1.0;
    for i in (1..4).rev() {
        b = b * x + i as f64;
    }
    let mut c = 0.0;
    for i in lo..=hi {
        c += x.powi(i as i32);
    }
    a + b + c
}

#[test]
fn constant_and_inclusive_ranges() {
    // a = 18x → 18; b = ((x + 3) x + 2) x + 1 = x³ + 3x² + 2x + 1 → 3x² + 6x + 2;
    // c = Σ_{i=lo..=hi} xⁱ → Σ i xⁱ⁻¹ (empty when lo > hi).
    for (lo, hi) in [(0, 3), (2, 2), (4, 1)] {
        unary(
            &format!("range_forms {lo}..={hi}"),
            move |x| range_forms(x, lo, hi),
            move |x, dx| range_forms_jvp(x, dx, lo, hi),
            move |x, w| range_forms_vjp(x, lo, hi, w),
        )
        .derivative(move |x| {
            let c: f64 = (lo..=hi).map(|i| i as f64 * x.powi(i as i32 - 1)).sum();
            18.0 + 3.0 * x * x + 6.0 * x + 2.0 + c
        })
        .check(&[&[0.8], &[-1.4]]);
    }
}

/// Ranges that may be empty: the derivative is that of the straight path around the loop.
#[differentiate(forward, reverse)]
pub fn maybe_empty(x: f64, lo: usize, hi: usize) -> f64 {
    let mut y = x.sin();
    for i in lo..hi {
        y = y * y + x / (i as f64 + 1.0);
    }
    for _ in (lo..hi).rev() {
        y *= 0.5;
    }
    y
}

#[test]
fn zero_iteration_loops() {
    // With lo ≥ hi both loops are skipped: f = sin x, f' = cos x.
    for (lo, hi) in [(0, 0), (3, 3), (5, 2)] {
        unary(
            &format!("maybe_empty {lo}..{hi}"),
            move |x| maybe_empty(x, lo, hi),
            move |x, dx| maybe_empty_jvp(x, dx, lo, hi),
            move |x, w| maybe_empty_vjp(x, lo, hi, w),
        )
        .derivative(f64::cos)
        .check(&[&[0.4], &[2.0]]);
        assert_derivative(
            &format!("maybe_empty {lo}..{hi}"),
            |x| maybe_empty(x, lo, hi),
            |x, dx| maybe_empty_jvp(x, dx, lo, hi),
            |x, w| maybe_empty_vjp(x, lo, hi, w),
            0.4,
            0.4_f64.cos(),
        );
    }
    // Non-empty ranges: finite differences.
    for (lo, hi) in [(0, 1), (1, 4)] {
        unary(
            &format!("maybe_empty {lo}..{hi}"),
            move |x| maybe_empty(x, lo, hi),
            move |x, dx| maybe_empty_jvp(x, dx, lo, hi),
            move |x, w| maybe_empty_vjp(x, lo, hi, w),
        )
        .check(&[&[0.4], &[-0.9]]);
    }
}

/// Two nested loops whose inner bound is the outer counter, with two active inputs.
#[differentiate(forward, reverse)]
pub fn triangle(x: f64, y: f64, n: usize) -> f64 {
    let mut s = 0.0;
    for i in 0..n {
        for j in 0..i {
            s += x.powi(i as i32) * (y * j as f64).cos();
        }
    }
    s
}

#[test]
fn nested_loops() {
    // ∂x = Σ_{j<i<n} i xⁱ⁻¹ cos(j y), ∂y = −Σ_{j<i<n} xⁱ j sin(j y).
    for n in [0, 1, 2, 5] {
        Case::new(
            &format!("triangle n={n}"),
            2,
            1,
            move |p| vec![triangle(p[0], p[1], n)],
            move |p, v| {
                let (f, df) = triangle_jvp(p[0], v[0], p[1], v[1], n);
                (vec![f], vec![df])
            },
            move |p, w| {
                let (f, gx, gy) = triangle_vjp(p[0], p[1], n, w[0]);
                (vec![f], vec![gx, gy])
            },
        )
        .gradient(move |p| {
            let (x, y) = (p[0], p[1]);
            let (mut gx, mut gy) = (0.0, 0.0);
            for i in 0..n {
                for j in 0..i {
                    let (fi, fj) = (i as f64, j as f64);
                    gx += fi * x.powi(i as i32 - 1) * (y * fj).cos();
                    gy -= x.powi(i as i32) * fj * (y * fj).sin();
                }
            }
            vec![gx, gy]
        })
        .check(&[&[0.9, 0.4], &[-1.1, 2.0]]);
    }
}

/// Three levels of nesting, a loop-carried product and an accumulator.
#[differentiate(forward, reverse)]
pub fn triple_nested(x: f64, n: usize) -> f64 {
    let mut s = 0.0;
    let mut p = 1.0;
    for i in 0..n {
        for j in 0..2 {
            for k in 1..=2 {
                p *= 1.0 + x / (i + j + k) as f64;
                s += p;
            }
        }
    }
    s
}

#[test]
fn triple_nested_loops() {
    for n in [0, 1, 3] {
        unary(
            &format!("triple_nested n={n}"),
            move |x| triple_nested(x, n),
            move |x, dx| triple_nested_jvp(x, dx, n),
            move |x, w| triple_nested_vjp(x, n, w),
        )
        .check(&[&[0.3], &[-0.45]]);
    }
}

/// The logistic map: a loop-carried variable overwritten every iteration.
#[differentiate(forward, reverse)]
pub fn logistic_map(r: f64, x0: f64, n: usize) -> f64 {
    let mut x = x0;
    for _ in 0..n {
        x = r * x * (1.0 - x);
    }
    x
}

/// The map and its Jacobian by hand: x' = r x (1 − x) has ∂x'/∂x = r (1 − 2x), ∂x'/∂r = x (1 − x).
fn logistic_map_gradient(r: f64, x0: f64, n: usize) -> Vec<f64> {
    let (mut x, mut dr, mut dx0) = (x0, 0.0, 1.0);
    for _ in 0..n {
        let slope = r * (1.0 - 2.0 * x);
        dr = slope * dr + x * (1.0 - x);
        dx0 *= slope;
        x = r * x * (1.0 - x);
    }
    vec![dr, dx0]
}

#[test]
fn overwritten_loop_variable() {
    for n in [0, 1, 7, 20] {
        binary(
            &format!("logistic_map n={n}"),
            move |r, x0| logistic_map(r, x0, n),
            move |r, dr, x0, dx0| logistic_map_jvp(r, dr, x0, dx0, n),
            move |r, x0, w| logistic_map_vjp(r, x0, n, w),
        )
        .gradient(move |p| logistic_map_gradient(p[0], p[1], n))
        .tol(1e-11)
        .check(&[&[2.5, 0.3], &[3.2, 0.6]]);
    }
}

/// Shadowing inside the loop body: `let x = ..` shadows the parameter for one iteration only,
/// and `t` is rebound twice per iteration.
#[differentiate(forward, reverse)]
pub fn shadow_in_loop(x: f64, n: usize) -> f64 {
    let mut acc = 0.0;
    for i in 0..n {
        let x = x * 1.1;
        let t = x.sin();
        let t = t * t + i as f64;
        acc += t;
    }
    acc + x
}

#[test]
fn shadowing_inside_loop_body() {
    // Every iteration sees the outer x: f = n sin²(1.1x) + Σi + x,
    // f' = 2.2 n sin(1.1x) cos(1.1x) + 1.
    for n in [0, 1, 3, 8] {
        unary(
            &format!("shadow_in_loop n={n}"),
            move |x| shadow_in_loop(x, n),
            move |x, dx| shadow_in_loop_jvp(x, dx, n),
            move |x, w| shadow_in_loop_vjp(x, n, w),
        )
        .derivative(move |x| 2.2 * n as f64 * (1.1 * x).sin() * (1.1 * x).cos() + 1.0)
        .check(&[&[0.5], &[-2.0]]);
    }
}

/// Integer state updated conditionally in the loop and used in a float expression.
#[differentiate(forward, reverse)]
pub fn integer_state(x: f64, n: usize) -> f64 {
    let mut k = 0;
    let mut s = 0.0;
    for i in 0..n {
        if i % 3 == 0 {
            k += 2;
        } else {
            k -= 1;
        }
        s += x * k as f64 + (x * k as f64).sin();
    }
    s
}

#[test]
fn integer_state_in_float_expression() {
    // d/dx = Σ_i kᵢ (1 + cos(kᵢ x)) with kᵢ the counter after iteration i.
    for n in [0, 1, 5, 9] {
        unary(
            &format!("integer_state n={n}"),
            move |x| integer_state(x, n),
            move |x, dx| integer_state_jvp(x, dx, n),
            move |x, w| integer_state_vjp(x, n, w),
        )
        .derivative(move |x| {
            let mut k = 0i32;
            let mut d = 0.0;
            for i in 0..n {
                k += if i % 3 == 0 { 2 } else { -1 };
                let kf = f64::from(k);
                d += kf * (1.0 + (x * kf).cos());
            }
            d
        })
        .check(&[&[0.35], &[1.9]]);
    }
}

/// Every iteration overwrites `y` without reading it: only the last write counts.
#[differentiate(forward, reverse)]
pub fn last_write_wins(x: f64, n: usize) -> f64 {
    let mut y = x * x;
    for i in 0..n {
        y = x * i as f64;
    }
    y
}

#[test]
fn overwrite_without_reading() {
    // n = 0: f = x², f' = 2x; otherwise f = (n − 1) x, f' = n − 1 (the earlier writes and
    // the initial x² contribute nothing).
    for n in [0, 1, 2, 6] {
        unary(
            &format!("last_write_wins n={n}"),
            move |x| last_write_wins(x, n),
            move |x, dx| last_write_wins_jvp(x, dx, n),
            move |x, w| last_write_wins_vjp(x, n, w),
        )
        .derivative(move |x| if n == 0 { 2.0 * x } else { n as f64 - 1.0 })
        .check(&[&[1.5], &[-0.4]]);
    }
    assert_exact_derivative(
        "last_write_wins n=1",
        |x| last_write_wins(x, 1),
        |x, dx| last_write_wins_jvp(x, dx, 1),
        |x, w| last_write_wins_vjp(x, 1, w),
        1.5,
        0.0,
    );
}

/// Two loop-carried variables that trade places every iteration (through a temporary).
#[differentiate(forward, reverse)]
pub fn swap_recurrence(x: f64, y: f64, n: usize) -> f64 {
    let mut a = x;
    let mut b = y;
    for _ in 0..n {
        let t = a;
        a = b;
        b = t + 0.5 * a * b.sin();
    }
    a + 2.0 * b
}

/// `swap_recurrence` with its gradient by forward propagation of both basis tangents.
fn swap_recurrence_gradient(x: f64, y: f64, n: usize) -> Vec<f64> {
    // State (a, b) and the tangents (da, db) along x and along y.
    let (mut a, mut b) = (x, y);
    let (mut da, mut db) = ([1.0, 0.0], [0.0, 1.0]);
    for _ in 0..n {
        // a' = b, b' = a + ½ b sin b (with the old a, b).
        let dnew_b = [
            da[0] + 0.5 * (b.sin() + b * b.cos()) * db[0],
            da[1] + 0.5 * (b.sin() + b * b.cos()) * db[1],
        ];
        let new_b = a + 0.5 * b * b.sin();
        da = db;
        db = dnew_b;
        a = b;
        b = new_b;
    }
    vec![da[0] + 2.0 * db[0], da[1] + 2.0 * db[1]]
}

#[test]
fn loop_carried_swap() {
    for n in [0, 1, 2, 9] {
        binary(
            &format!("swap_recurrence n={n}"),
            move |x, y| swap_recurrence(x, y, n),
            move |x, dx, y, dy| swap_recurrence_jvp(x, dx, y, dy, n),
            move |x, y, w| swap_recurrence_vjp(x, y, n, w),
        )
        .gradient(move |p| swap_recurrence_gradient(p[0], p[1], n))
        .tol(1e-11)
        .check(&[&[0.3, 0.8], &[-1.1, 0.5]]);
    }
}

/// A running maximum: a branch on active values inside the loop decides what is carried.
#[differentiate(forward, reverse)]
pub fn running_max(x: f64, y: f64, n: usize) -> f64 {
    let mut best = y;
    for i in 0..n {
        let v = (x * i as f64).sin() * y;
        if v > best {
            best = v;
        }
    }
    best
}

#[test]
fn branch_on_active_value_inside_loop() {
    // The derivative is that of the winning term: y → (0, 1); iteration i → (i y cos(i x), sin(i x)).
    for n in [0, 4, 9] {
        Case::new(
            &format!("running_max n={n}"),
            2,
            1,
            move |p| vec![running_max(p[0], p[1], n)],
            move |p, v| {
                let (f, df) = running_max_jvp(p[0], v[0], p[1], v[1], n);
                (vec![f], vec![df])
            },
            move |p, w| {
                let (f, gx, gy) = running_max_vjp(p[0], p[1], n, w[0]);
                (vec![f], vec![gx, gy])
            },
        )
        .gradient(move |p| {
            let (x, y) = (p[0], p[1]);
            let mut best = y;
            let mut grad = vec![0.0, 1.0];
            for i in 0..n {
                let fi = i as f64;
                let v = (x * fi).sin() * y;
                if v > best {
                    best = v;
                    grad = vec![fi * y * (x * fi).cos(), (x * fi).sin()];
                }
            }
            grad
        })
        .check(&[&[0.7, 1.5], &[0.3, 2.0], &[1.1, -0.5]]);
    }
}

/// A loop of 1000 iterations with a loop-carried sum.
#[differentiate(forward, reverse)]
pub fn thousand_terms(x: f64) -> f64 {
    let mut s = 0.0;
    for i in 0..1000 {
        s += (x + i as f64 * 1e-3).sin();
    }
    s / 1000.0
}

#[test]
fn thousand_iterations() {
    // d/dx = (1/1000) Σ_{i<1000} cos(x + i/1000).
    unary(
        "thousand_terms",
        thousand_terms,
        thousand_terms_jvp,
        thousand_terms_vjp,
    )
    .derivative(|x| (0..1000).map(|i| (x + i as f64 * 1e-3).cos()).sum::<f64>() / 1000.0)
    .tol(1e-11)
    .check(&[&[0.1], &[2.5]]);
}

/// A long product loop with a runtime bound, and a counter used as an `i64`.
#[differentiate(forward, reverse)]
pub fn compound_growth(rate: f64, n: usize) -> f64 {
    let mut value = 1.0;
    for i in 0..n {
        let bonus = if (i as i64) % 100 == 99 { 1e-3 } else { 0.0 };
        value *= 1.0 + rate + bonus;
    }
    value
}

#[test]
fn long_product_loop() {
    // value = (1 + r)^(n − b) (1 + r + 10⁻³)^b with b = ⌊n/100⌋ bonus years, so
    // d/dr = value ((n − b)/(1 + r) + b/(1 + r + 10⁻³)).
    for n in [0, 99, 1000] {
        unary(
            &format!("compound_growth n={n}"),
            move |r| compound_growth(r, n),
            move |r, dr| compound_growth_jvp(r, dr, n),
            move |r, w| compound_growth_vjp(r, n, w),
        )
        .derivative(move |r| {
            let b = (n / 100) as f64;
            let a = n as f64 - b;
            let v = (1.0 + r).powf(a) * (1.0 + r + 1e-3).powf(b);
            v * (a / (1.0 + r) + b / (1.0 + r + 1e-3))
        })
        .step(1e-5)
        .tol(1e-10)
        .check(&[&[1e-3], &[-2e-3]]);
    }
}
