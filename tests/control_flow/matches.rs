//! `match` on integers (literals, alternatives, inclusive, exclusive and half-open ranges, a
//! binding catch-all), on bools (parameters and comparisons of active values), with guards
//! that read active values, as an expression and as a statement, and on an integer bucket
//! computed from an active value.

use crate::common::{assert_derivative, unary, Case};
use ad::differentiate;

/// Literal arms, an alternative, and a wildcard.
#[differentiate(forward, reverse)]
pub fn by_integer(x: f64, k: i32) -> f64 {
    match k {
        0 => x,
        1 => x * x,
        2 | 3 => x.sin(),
        _ => x.exp(),
    }
}

#[test]
fn match_integer_literals() {
    // k = 0: 1; k = 1: 2x; k ∈ {2, 3}: cos x; otherwise eˣ.
    for k in [0, 1, 2, 3, 4, -1] {
        unary(
            &format!("by_integer k={k}"),
            move |x| by_integer(x, k),
            move |x, dx| by_integer_jvp(x, dx, k),
            move |x, w| by_integer_vjp(x, k, w),
        )
        .derivative(move |x| match k {
            0 => 1.0,
            1 => 2.0 * x,
            2 | 3 => x.cos(),
            _ => x.exp(),
        })
        .check(&[&[-0.6], &[1.3]]);
    }
}

/// Range patterns on a `usize` parameter, and `n as f64` / `n as i32` in the arms.
#[differentiate(forward, reverse)]
pub fn by_range(x: f64, n: usize) -> f64 {
    match n {
        0 => 1.0,
        1..=3 => x * n as f64,
        4..10 => x.powi(n as i32),
        _ => x.ln(),
    }
}

#[test]
fn match_integer_ranges() {
    // n = 0: 0; 1..=3: n; 4..10: n xⁿ⁻¹; otherwise 1/x.
    for n in [0, 1, 3, 4, 9, 10, 25] {
        unary(
            &format!("by_range n={n}"),
            move |x| by_range(x, n),
            move |x, dx| by_range_jvp(x, dx, n),
            move |x, w| by_range_vjp(x, n, w),
        )
        .derivative(move |x| match n {
            0 => 0.0,
            1..=3 => n as f64,
            4..10 => n as f64 * x.powi(n as i32 - 1),
            _ => 1.0 / x,
        })
        .check(&[&[0.7], &[1.1]]);
    }
}

/// Guards that read the active input, falling through to later arms of the same range.
#[differentiate(forward, reverse)]
pub fn guarded_arms(x: f64, k: i64) -> f64 {
    match k {
        0 if x > 0.0 => x.sqrt(),
        0 => -x,
        1..=5 if x < 1.0 => x * k as f64,
        1..=5 => x.ln() + k as f64,
        m if m < 0 => x * x * m as f64,
        _ => 0.0,
    }
}

#[test]
fn match_with_guards() {
    // k = 0: 1/(2√x) if x > 0 else −1; 1..=5: k if x < 1 else 1/x; k < 0: 2kx; else 0.
    let derivative = |x: f64, k: i64| match k {
        0 if x > 0.0 => 0.5 / x.sqrt(),
        0 => -1.0,
        1..=5 if x < 1.0 => k as f64,
        1..=5 => 1.0 / x,
        m if m < 0 => 2.0 * x * m as f64,
        _ => 0.0,
    };
    for k in [-2, 0, 1, 5, 6] {
        unary(
            &format!("guarded_arms k={k}"),
            move |x| guarded_arms(x, k),
            move |x, dx| guarded_arms_jvp(x, dx, k),
            move |x, w| guarded_arms_vjp(x, k, w),
        )
        .derivative(move |x| derivative(x, k))
        .check(&[&[-1.5], &[0.5], &[2.0]]);
    }
    // The unguarded arm for x ≤ 0: the sqrt arm is not taken, so no NaN.
    assert_derivative(
        "guarded_arms k=0",
        |x| guarded_arms(x, 0),
        |x, dx| guarded_arms_jvp(x, dx, 0),
        |x, w| guarded_arms_vjp(x, 0, w),
        -4.0,
        -1.0,
    );
}

/// `match` on a bool parameter and on a comparison of an active value.
#[differentiate(forward, reverse)]
pub fn by_bool(x: f64, flag: bool) -> f64 {
    let a = match flag {
        true => x.cos(),
        false => x.sin(),
    };
    let b = match x > 1.0 {
        true => x * x,
        false => 2.0 * x - 1.0,
    };
    a + b
}

#[test]
fn match_on_bools() {
    // a' = −sin x (flag) or cos x; b' = 2x for x > 1, else 2.
    for flag in [true, false] {
        unary(
            &format!("by_bool flag={flag}"),
            move |x| by_bool(x, flag),
            move |x, dx| by_bool_jvp(x, dx, flag),
            move |x, w| by_bool_vjp(x, flag, w),
        )
        .derivative(move |x| {
            let a = if flag { -x.sin() } else { x.cos() };
            let b = if x > 1.0 { 2.0 * x } else { 2.0 };
            a + b
        })
        .check(&[&[-0.5], &[0.4], &[2.3]]);
    }
}

/// `match` as a statement whose arms mutate an accumulator (one arm does nothing).
#[differentiate(forward, reverse)]
pub fn match_statement(x: f64, y: f64, k: u8) -> f64 {
    let mut acc = x;
    match k {
        0 => acc *= y,
        1 => {
            acc = acc.sin();
            acc += y * y;
        }
        2..=4 => acc -= y,
        _ => {}
    }
    acc * x
}

#[test]
fn match_as_statement() {
    // k = 0: x²y → (2xy, x²); k = 1: x sin x + xy² → (sin x + x cos x + y², 2xy);
    // k ∈ 2..=4: x² − xy → (2x − y, −x); otherwise x² → (2x, 0).
    for k in [0u8, 1, 3, 200] {
        Case::new(
            &format!("match_statement k={k}"),
            2,
            1,
            move |p| vec![match_statement(p[0], p[1], k)],
            move |p, v| {
                let (f, df) = match_statement_jvp(p[0], v[0], p[1], v[1], k);
                (vec![f], vec![df])
            },
            move |p, w| {
                let (f, gx, gy) = match_statement_vjp(p[0], p[1], k, w[0]);
                (vec![f], vec![gx, gy])
            },
        )
        .gradient(move |p| {
            let (x, y) = (p[0], p[1]);
            match k {
                0 => vec![2.0 * x * y, x * x],
                1 => vec![x.sin() + x * x.cos() + y * y, 2.0 * x * y],
                2..=4 => vec![2.0 * x - y, -x],
                _ => vec![2.0 * x, 0.0],
            }
        })
        .check(&[&[0.9, -1.4], &[-2.0, 0.3]]);
    }
}

/// A piecewise function: the piece is chosen by matching on `floor(2x)` (a float-to-integer
/// cast, so a constant as far as derivatives go) with half-open and inclusive ranges.
#[differentiate(forward, reverse)]
pub fn bucketed(x: f64) -> f64 {
    let bucket = (2.0 * x).floor() as i64;
    match bucket {
        ..=-1 => x * x,
        0 => x.exp(),
        1..=3 => 3.0 * x - x.cos(),
        _ => x.sqrt() * 4.0,
    }
}

#[test]
fn match_on_bucket_of_active_value() {
    // x < 0: 2x; 0 ≤ x < ½: eˣ; ½ ≤ x < 2: 3 + sin x; x ≥ 2: 2/√x.
    unary("bucketed", bucketed, bucketed_jvp, bucketed_vjp)
        .derivative(|x| match (2.0 * x).floor() as i64 {
            ..=-1 => 2.0 * x,
            0 => x.exp(),
            1..=3 => 3.0 + x.sin(),
            _ => 2.0 / x.sqrt(),
        })
        .check(&[&[-1.2], &[0.2], &[0.75], &[1.7], &[3.1]]);
}

/// `match` arms that return different active inputs (a selector).
#[differentiate(forward, reverse)]
pub fn select(a: f64, b: f64, c: f64, which: usize) -> f64 {
    let chosen = match which % 3 {
        0 => a,
        1 => b * b,
        _ => c.exp(),
    };
    chosen * a
}

#[test]
fn match_selects_active_inputs() {
    // which ≡ 0: a² → (2a, 0, 0); ≡ 1: ab² → (b², 2ab, 0); ≡ 2: a eᶜ → (eᶜ, 0, a eᶜ).
    for which in [0, 1, 2, 5] {
        Case::new(
            &format!("select which={which}"),
            3,
            1,
            move |p| vec![select(p[0], p[1], p[2], which)],
            move |p, v| {
                let (f, df) = select_jvp(p[0], v[0], p[1], v[1], p[2], v[2], which);
                (vec![f], vec![df])
            },
            move |p, w| {
                let (f, ga, gb, gc) = select_vjp(p[0], p[1], p[2], which, w[0]);
                (vec![f], vec![ga, gb, gc])
            },
        )
        .gradient(move |p| {
            let (a, b, c) = (p[0], p[1], p[2]);
            match which % 3 {
                0 => vec![2.0 * a, 0.0, 0.0],
                1 => vec![b * b, 2.0 * a * b, 0.0],
                _ => vec![c.exp(), 0.0, a * c.exp()],
            }
        })
        .check(&[&[1.5, -0.5, 0.25], &[-0.8, 2.0, -1.0]]);
    }
}
