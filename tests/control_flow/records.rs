//! Loops that record one value per iteration into slots indexed by the loop counter, whatever
//! its integer type and the start of its range (a literal, a parameter, negative, inclusive),
//! including empty ranges and an inner loop recording once per outer iteration; and a loop that
//! records some iterations only (after a `continue`) and pushes instead. Each in both modes
//! against analytic derivatives.

use crate::common::{assert_exact_derivative, binary, unary, Case};
use ad::differentiate;

/// xⁿ by `t *= x` over an `i32` counter.
#[differentiate(forward, reverse)]
pub fn power_i32(x: f64, n: i32) -> f64 {
    let mut t = 1.0;
    for _ in 0..n {
        t *= x;
    }
    t
}

/// xⁿ over a `u64` counter that the body reads.
#[differentiate(forward, reverse)]
pub fn power_u64(x: f64, n: u64) -> f64 {
    let mut t = 1.0;
    for i in 0..n {
        t *= x + 0.0 * i as f64;
    }
    t
}

/// A function of x whose value is xᵏ, with its derivative k xᵏ⁻¹.
fn power(
    name: String,
    k: i32,
    f: impl Fn(f64) -> f64 + 'static,
    jvp: impl Fn(f64, f64) -> (f64, f64) + 'static,
    vjp: impl Fn(f64, f64) -> (f64, f64) + 'static,
) -> Case {
    unary(&name, f, jvp, vjp).derivative(move |x| f64::from(k) * x.powi(k - 1))
}

#[test]
fn counters_of_any_integer_type() {
    for n in [1, 2, 7] {
        power(
            format!("power_i32 n={n}"),
            n,
            move |x| power_i32(x, n),
            move |x, dx| power_i32_jvp(x, dx, n),
            move |x, w| power_i32_vjp(x, n, w),
        )
        .check(&[&[-1.3], &[0.6]]);
        let m = n as u64;
        power(
            format!("power_u64 n={n}"),
            n,
            move |x| power_u64(x, m),
            move |x, dx| power_u64_jvp(x, dx, m),
            move |x, w| power_u64_vjp(x, m, w),
        )
        .check(&[&[1.1], &[-0.4]]);
    }
    // Empty ranges, one of them backwards: nothing recorded, the derivative of 1 is 0.
    for n in [0, -3] {
        assert_exact_derivative(
            "power_i32, empty range",
            |x| power_i32(x, n),
            |x, dx| power_i32_jvp(x, dx, n),
            |x, w| power_i32_vjp(x, n, w),
            2.0,
            0.0,
        );
    }
}

/// xᵏ where k counts the i < n that are not multiples of 3: `t` is recorded only on the
/// iterations that go on past the `continue`.
#[differentiate(forward, reverse)]
pub fn skipping_power(x: f64, n: usize) -> f64 {
    let mut t = 1.0;
    for i in 0..n {
        if i % 3 == 0 {
            continue;
        }
        t *= x;
    }
    t
}

/// x^(n−2) over `2..n`: a range not from zero.
#[differentiate(forward, reverse)]
pub fn power_from_two(x: f64, n: usize) -> f64 {
    let mut t = 1.0;
    for _ in 2..n {
        t *= x;
    }
    t
}

/// Π_{k ≤ i ≤ n} (1 + x i / 64) over `k..=n` with an `i8` counter (the range may start below
/// zero and span more than `i8::MAX` values).
#[differentiate(forward, reverse)]
pub fn shifted_product(x: f64, k: i8, n: i8) -> f64 {
    let mut t = 1.0;
    for i in k..=n {
        t *= 1.0 + x * f64::from(i) / 64.0;
    }
    t
}

/// xⁿ over `k..n` where the body moves `k` on: the range keeps the start it was made with.
#[differentiate(forward, reverse)]
#[allow(clippy::mut_range_bound)]
pub fn moving_start(x: f64, n: usize) -> f64 {
    let mut t = 1.0;
    let mut k = 0;
    for _ in k..n {
        t *= x;
        k += 1;
    }
    t + k as f64
}

#[test]
fn loops_recording_some_iterations_or_not_from_zero() {
    for n in [1_usize, 4, 8] {
        power(
            format!("skipping_power n={n}"),
            (0..n).filter(|i| i % 3 != 0).count() as i32,
            move |x| skipping_power(x, n),
            move |x, dx| skipping_power_jvp(x, dx, n),
            move |x, w| skipping_power_vjp(x, n, w),
        )
        .check(&[&[0.7], &[-1.2]]);
        power(
            format!("power_from_two n={n}"),
            n.saturating_sub(2) as i32,
            move |x| power_from_two(x, n),
            move |x, dx| power_from_two_jvp(x, dx, n),
            move |x, w| power_from_two_vjp(x, n, w),
        )
        .check(&[&[0.7], &[-1.2]]);
        power(
            format!("moving_start n={n}"),
            n as i32,
            move |x| moving_start(x, n),
            move |x, dx| moving_start_jvp(x, dx, n),
            move |x, w| moving_start_vjp(x, n, w),
        )
        .check(&[&[0.7], &[-1.2]]);
    }
}

#[test]
fn ranges_from_any_start() {
    for (k, n) in [(-3_i8, 2_i8), (-100, 100), (5, 4), (0, 0)] {
        // d/dx Π (1 + x cᵢ) = Π · Σ cᵢ / (1 + x cᵢ), cᵢ = i / 64.
        let c = move |i: i8| f64::from(i) / 64.0;
        let factors = move |x: f64| (k..=n).map(move |i| (c(i), 1.0 + x * c(i)));
        unary(
            &format!("shifted_product {k}..={n}"),
            move |x| shifted_product(x, k, n),
            move |x, dx| shifted_product_jvp(x, dx, k, n),
            move |x, w| shifted_product_vjp(x, k, n, w),
        )
        .derivative(move |x| {
            let p: f64 = factors(x).map(|(_, f)| f).product();
            p * factors(x).map(|(c, f)| c / f).sum::<f64>()
        })
        .check(&[&[0.3], &[-0.45]]);
    }
}

/// Σ_{i<n} Σ_{j<n} xⁱ yʲ with running powers: the inner loop records yʲ into slots taken
/// once per outer iteration, the outer loop records xⁱ.
#[differentiate(forward, reverse)]
pub fn double_geometric(x: f64, y: f64, n: usize) -> f64 {
    let mut s = 0.0;
    let mut xi = 1.0;
    for _ in 0..n {
        let mut yj = 1.0;
        for _ in 0..n {
            s += xi * yj;
            yj *= y;
        }
        xi *= x;
    }
    s
}

#[test]
fn inner_loop_records_once_per_outer_iteration() {
    for n in [0_i32, 1, 3, 6] {
        // s = P(x) P(y) with P(t) = Σ_{k<n} tᵏ, P'(t) = Σ_{k<n} k tᵏ⁻¹.
        let p = move |t: f64| (0..n).map(|k| t.powi(k)).sum::<f64>();
        let dp = move |t: f64| (1..n).map(|k| f64::from(k) * t.powi(k - 1)).sum::<f64>();
        let m = n as usize;
        binary(
            &format!("double_geometric n={n}"),
            move |x, y| double_geometric(x, y, m),
            move |x, dx, y, dy| double_geometric_jvp(x, dx, y, dy, m),
            move |x, y, w| double_geometric_vjp(x, y, m, w),
        )
        .gradient(move |v| vec![dp(v[0]) * p(v[1]), p(v[0]) * dp(v[1])])
        .check(&[&[0.8, -0.6], &[1.1, 0.9]]);
    }
}
