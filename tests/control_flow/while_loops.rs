//! `while` loops with integer counters, with conditions that read active values (so the
//! number of iterations depends on the input), with compound conditions, nested in `for`,
//! running zero times, and converging to a fixed point; `loop` with plain `break`.

use crate::common::{assert_derivative, binary, unary, Case};
use ad::differentiate;

/// A counter-driven `while` loop with a loop-carried power.
#[differentiate(forward, reverse)]
pub fn log_series(x: f64, n: usize) -> f64 {
    let mut i = 0;
    let mut s = 0.0;
    let mut term = x;
    while i < n {
        s += term / (i as f64 + 1.0);
        term *= x;
        i += 1;
    }
    s
}

#[test]
fn while_with_counter() {
    // s = Σ_{i<n} xⁱ⁺¹/(i + 1) (the series of −ln(1 − x)); s' = Σ_{i<n} xⁱ = (1 − xⁿ)/(1 − x).
    for n in [0, 1, 6, 30] {
        unary(
            &format!("log_series n={n}"),
            move |x| log_series(x, n),
            move |x, dx| log_series_jvp(x, dx, n),
            move |x, w| log_series_vjp(x, n, w),
        )
        .derivative(move |x| (1.0 - x.powi(n as i32)) / (1.0 - x))
        .tol(1e-11)
        .check(&[&[0.5], &[-0.8]]);
    }
}

/// The condition reads the active value that the body updates.
#[differentiate(forward, reverse)]
pub fn halvings(x: f64) -> f64 {
    let mut y = x;
    let mut k = 0;
    while y > 1.0 {
        y *= 0.5;
        k += 1;
    }
    y + k as f64
}

#[test]
fn while_condition_reads_active_value() {
    // After k halvings (k = 0 when x ≤ 1), f = x/2ᵏ + k, f' = 2⁻ᵏ.
    let derivative = |x: f64| {
        let mut d = 1.0;
        let mut y = x;
        while y > 1.0 {
            y *= 0.5;
            d *= 0.5;
        }
        d
    };
    unary("halvings", halvings, halvings_jvp, halvings_vjp)
        .derivative(derivative)
        .check(&[&[-5.0], &[0.5], &[3.0], &[100.0]]);
    // Zero iterations: f = x.
    assert_derivative("halvings", halvings, halvings_jvp, halvings_vjp, 0.5, 1.0);
    assert_derivative(
        "halvings",
        halvings,
        halvings_jvp,
        halvings_vjp,
        100.0,
        1.0 / 128.0,
    );
}

/// The number of iterations depends on `x`, but only `y` flows into the result.
#[differentiate(forward, reverse)]
pub fn sweep(x: f64, y: f64) -> f64 {
    let mut t = y;
    let mut s = 0.0;
    while t < x {
        s += t.sin();
        t += 0.25;
    }
    s
}

#[test]
fn while_condition_on_one_input_value_from_another() {
    // s = Σ_{k<K} sin(y + k/4) with K = #{k : y + k/4 < x}: ∂x = 0, ∂y = Σ_{k<K} cos(y + k/4).
    binary("sweep", sweep, sweep_jvp, sweep_vjp)
        .gradient(|p| {
            let (x, y) = (p[0], p[1]);
            let mut t = y;
            let mut gy = 0.0;
            while t < x {
                gy += t.cos();
                t += 0.25;
            }
            vec![0.0, gy]
        })
        .check(&[&[2.1, 0.0], &[1.0, -0.9], &[-1.0, 0.3]]);
}

/// A compound condition over an integer counter and an active accumulator.
#[differentiate(forward, reverse)]
pub fn capped_sum(x: f64, y: f64, n: usize) -> f64 {
    let mut i = 0;
    let mut acc = 0.0;
    while i < n && acc < 10.0 {
        acc += x * (i as f64 + 1.0);
        i += 1;
    }
    acc + y * i as f64
}

#[test]
fn while_with_compound_condition() {
    // K iterations: acc = x K (K + 1)/2, f = acc + y K: ∂x = K (K + 1)/2, ∂y = K.
    for n in [0, 3, 100] {
        Case::new(
            &format!("capped_sum n={n}"),
            2,
            1,
            move |p| vec![capped_sum(p[0], p[1], n)],
            move |p, v| {
                let (f, df) = capped_sum_jvp(p[0], v[0], p[1], v[1], n);
                (vec![f], vec![df])
            },
            move |p, w| {
                let (f, gx, gy) = capped_sum_vjp(p[0], p[1], n, w[0]);
                (vec![f], vec![gx, gy])
            },
        )
        .gradient(move |p| {
            let x = p[0];
            let mut k = 0;
            let mut acc = 0.0;
            while k < n && acc < 10.0 {
                acc += x * (k as f64 + 1.0);
                k += 1;
            }
            let k = k as f64;
            vec![k * (k + 1.0) / 2.0, k]
        })
        .check(&[&[0.3, 1.5], &[1.3, -0.5], &[-0.2, 0.7]]);
    }
}

/// `while` nested in `for`, with the inner condition on an active value.
#[differentiate(forward, reverse)]
pub fn grow_until(x: f64, m: usize) -> f64 {
    let mut acc = 0.0;
    for j in 0..m {
        let mut z = x;
        while z < 10.0 {
            z = z * 1.5 + j as f64 * 0.1;
        }
        acc += z.ln();
    }
    acc
}

#[test]
fn while_nested_in_for() {
    // z_K after K steps is affine in x with slope 1.5ᴷ; ∂x = Σ_j 1.5^{K_j} / z_j.
    for m in [0, 1, 4] {
        unary(
            &format!("grow_until m={m}"),
            move |x| grow_until(x, m),
            move |x, dx| grow_until_jvp(x, dx, m),
            move |x, w| grow_until_vjp(x, m, w),
        )
        .derivative(move |x| {
            let mut d = 0.0;
            for j in 0..m {
                let (mut z, mut dz) = (x, 1.0);
                while z < 10.0 {
                    z = z * 1.5 + j as f64 * 0.1;
                    dz *= 1.5;
                }
                d += dz / z;
            }
            d
        })
        .check(&[&[1.1], &[2.4], &[12.0]]);
    }
}

/// `loop` with plain `break`s: one on an active value, one on an iteration cap.
#[differentiate(forward, reverse)]
pub fn escape_time(x: f64, c: f64) -> f64 {
    let mut y = x;
    let mut k = 0;
    loop {
        if y > 4.0 {
            break;
        }
        y = y * y + c;
        k += 1;
        if k >= 20 {
            break;
        }
    }
    y + k as f64
}

/// `escape_time` and its gradient by hand: y' = 2y y_old' + c'.
fn escape_time_gradient(x: f64, c: f64) -> Vec<f64> {
    let (mut y, mut dx, mut dc) = (x, 1.0, 0.0);
    let mut k = 0;
    while y <= 4.0 && k < 20 {
        dx *= 2.0 * y;
        dc = 2.0 * y * dc + 1.0;
        y = y * y + c;
        k += 1;
    }
    vec![dx, dc]
}

#[test]
fn loop_with_break() {
    // (1.3, 0.4): escapes after a few steps; (0.2, 0.1): runs to the cap of 20;
    // (5, 1): breaks before the first step, so f = x + 0 and the gradient is (1, 0).
    binary("escape_time", escape_time, escape_time_jvp, escape_time_vjp)
        .gradient(|p| escape_time_gradient(p[0], p[1]))
        .tol(1e-11)
        .check(&[&[1.3, 0.4], &[0.2, 0.1], &[5.0, 1.0]]);
}

/// Fixed-point iteration `y ← ½ cos y + x` until it stops moving.
#[differentiate(forward, reverse)]
pub fn fixed_point(x: f64) -> f64 {
    let mut y = x;
    let mut previous = y + 1.0;
    let mut k = 0;
    while (y - previous).abs() > 1e-15 && k < 200 {
        previous = y;
        y = 0.5 * y.cos() + x;
        k += 1;
    }
    y
}

#[test]
fn while_until_converged() {
    // At the fixed point y = ½ cos y + x, so dy/dx = 1 / (1 + ½ sin y).
    unary("fixed_point", fixed_point, fixed_point_jvp, fixed_point_vjp)
        .derivative(|x| {
            let y = fixed_point(x);
            1.0 / (1.0 + 0.5 * y.sin())
        })
        .tol(1e-10)
        .check(&[&[0.0], &[1.0], &[-2.5]]);
}

/// `loop` driven by a runtime count that may be zero, breaking at the top.
#[differentiate(forward, reverse)]
pub fn countdown(x: f64, n: u32) -> f64 {
    let mut left = n;
    let mut y = x;
    loop {
        if left == 0 {
            break;
        }
        y = (y + 1.0).sqrt();
        left -= 1;
    }
    y * x
}

#[test]
fn loop_with_zero_iterations() {
    // n = 0: f = x², f' = 2x exactly along the path taken; otherwise via the chain
    // y' ← y' / (2 √(y + 1)), f' = y' x + y.
    for n in [0, 1, 5] {
        unary(
            &format!("countdown n={n}"),
            move |x| countdown(x, n),
            move |x, dx| countdown_jvp(x, dx, n),
            move |x, w| countdown_vjp(x, n, w),
        )
        .derivative(move |x| {
            let (mut y, mut dy) = (x, 1.0);
            for _ in 0..n {
                dy /= 2.0 * (y + 1.0).sqrt();
                y = (y + 1.0).sqrt();
            }
            dy * x + y
        })
        .check(&[&[0.5], &[3.0]]);
    }
    assert_derivative(
        "countdown n=0",
        |x| countdown(x, 0),
        |x, dx| countdown_jvp(x, dx, 0),
        |x, w| countdown_vjp(x, 0, w),
        1.5,
        3.0,
    );
}
