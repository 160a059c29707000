//! Early exits: `return` in branches, in a `match` arm and inside (nested) loops; `break` and
//! `break value` from `loop`; `continue` skipping the rest of the body; labels with
//! `break 'outer`, `continue 'outer` and `break 'label value`.

use crate::common::{assert_derivative, binary, unary, Case};
use ad::differentiate;

/// `return` from two branches before the tail expression.
#[differentiate(forward, reverse)]
pub fn early_return_in_branches(x: f64) -> f64 {
    if x < 0.0 {
        return -2.0 * x;
    }
    let y = x * x;
    if y > 9.0 {
        return y.ln();
    }
    y.sin() + x
}

#[test]
fn return_from_branches() {
    // x < 0: −2; 0 ≤ x ≤ 3: 2x cos x² + 1; x > 3: 2/x.
    unary(
        "early_return_in_branches",
        early_return_in_branches,
        early_return_in_branches_jvp,
        early_return_in_branches_vjp,
    )
    .derivative(|x| {
        if x < 0.0 {
            -2.0
        } else if x * x > 9.0 {
            2.0 / x
        } else {
            2.0 * x * (x * x).cos() + 1.0
        }
    })
    .check(&[&[-1.0], &[0.8], &[2.0], &[4.5]]);
}

/// `return` from a `match` arm.
#[differentiate(forward, reverse)]
pub fn return_in_match(x: f64, k: i32) -> f64 {
    let mut y = x * 2.0;
    match k {
        0 => return x.exp(),
        1 => y += x * x,
        _ => y *= x,
    }
    y + 1.0
}

#[test]
fn return_from_match_arm() {
    // k = 0: eˣ; k = 1: 2 + 2x; otherwise 4x.
    for k in [0, 1, 2] {
        unary(
            &format!("return_in_match k={k}"),
            move |x| return_in_match(x, k),
            move |x, dx| return_in_match_jvp(x, dx, k),
            move |x, w| return_in_match_vjp(x, k, w),
        )
        .derivative(move |x| match k {
            0 => x.exp(),
            1 => 2.0 + 2.0 * x,
            _ => 4.0 * x,
        })
        .check(&[&[-0.5], &[1.25]]);
    }
}

/// `return` from the body of a `for` loop once a threshold is passed.
#[differentiate(forward, reverse)]
pub fn first_crossing(x: f64, n: usize) -> f64 {
    let mut s = 0.0;
    for i in 0..n {
        s += x * (i as f64 + 1.0);
        if s > 10.0 {
            return s.sqrt() + i as f64;
        }
    }
    0.5 * s
}

#[test]
fn return_inside_loop() {
    // After K terms s = x K (K + 1)/2. Returned early: f' = K (K + 1) / (4 √s);
    // ran to the end (K = n): f' = n (n + 1)/4.
    let derivative = |x: f64, n: usize| {
        let mut s = 0.0;
        for i in 0..n {
            s += x * (i as f64 + 1.0);
            if s > 10.0 {
                let k = (i + 1) as f64;
                return k * (k + 1.0) / (4.0 * s.sqrt());
            }
        }
        let k = n as f64;
        k * (k + 1.0) / 4.0
    };
    for n in [0, 3, 50] {
        unary(
            &format!("first_crossing n={n}"),
            move |x| first_crossing(x, n),
            move |x, dx| first_crossing_jvp(x, dx, n),
            move |x, w| first_crossing_vjp(x, n, w),
        )
        .derivative(move |x| derivative(x, n))
        .check(&[&[0.45], &[1.3], &[-2.0]]);
    }
}

/// `return` from three nested loops, and a tail for when it never fires.
#[differentiate(forward, reverse)]
pub fn nested_return(x: f64, y: f64, n: usize, limit: f64) -> f64 {
    let mut acc = 0.0;
    for i in 0..n {
        for j in 0..n {
            for k in 0..2 {
                let v = x * i as f64 + y * (j + k) as f64;
                if v > limit {
                    return v * x + acc;
                }
                acc += v * v;
            }
        }
    }
    acc * y
}

/// `nested_return` with its gradient by hand.
fn nested_return_gradient(x: f64, y: f64, n: usize, limit: f64) -> Vec<f64> {
    let (mut gx, mut gy) = (0.0, 0.0);
    let mut acc = 0.0;
    for i in 0..n {
        for j in 0..n {
            for k in 0..2 {
                let (a, b) = (i as f64, (j + k) as f64);
                let v = x * a + y * b;
                if v > limit {
                    // d(v x + acc) = (a x + v) dx + b x dy + dacc
                    return vec![gx + a * x + v, gy + b * x];
                }
                acc += v * v;
                gx += 2.0 * v * a;
                gy += 2.0 * v * b;
            }
        }
    }
    // d(acc y) = y dacc + acc dy
    vec![gx * y, gy * y + acc]
}

#[test]
fn return_inside_nested_loops() {
    // `limit` is active too, but it only decides where to stop: its derivative is 0.
    for (n, limit) in [(0, 1.0), (3, 2.5), (4, 100.0), (5, 3.7)] {
        Case::new(
            &format!("nested_return n={n} limit={limit}"),
            3,
            1,
            move |p| vec![nested_return(p[0], p[1], n, p[2])],
            move |p, v| {
                let (f, df) = nested_return_jvp(p[0], v[0], p[1], v[1], n, p[2], v[2]);
                (vec![f], vec![df])
            },
            move |p, w| {
                let (f, gx, gy, gl) = nested_return_vjp(p[0], p[1], n, p[2], w[0]);
                (vec![f], vec![gx, gy, gl])
            },
        )
        .gradient(move |p| {
            let mut g = nested_return_gradient(p[0], p[1], n, p[2]);
            g.push(0.0);
            g
        })
        .check(&[&[0.7, 0.45, limit], &[1.3, -0.35, limit]]);
    }
}

/// `break 'outer` from the inner of two loops.
#[differentiate(forward, reverse)]
pub fn break_outer(x: f64, n: usize) -> f64 {
    let mut s = 0.0;
    'outer: for i in 0..n {
        for j in 0..n {
            let t = x * (i * n + j) as f64;
            if t > 5.0 {
                break 'outer;
            }
            s += t.sin();
        }
        s *= 0.9;
    }
    s
}

#[test]
fn labeled_break_from_inner_loop() {
    // s is linear in the sin terms: every term t = x m enters with weight 0.9^(number of
    // completed rows after it), so f' = Σ 0.9^r m cos(x m) over the terms added.
    let derivative = |x: f64, n: usize| {
        let mut d = 0.0;
        for i in 0..n {
            for j in 0..n {
                let m = (i * n + j) as f64;
                if x * m > 5.0 {
                    return d;
                }
                d += m * (x * m).cos();
            }
            d *= 0.9;
        }
        d
    };
    for n in [0, 2, 4, 6] {
        unary(
            &format!("break_outer n={n}"),
            move |x| break_outer(x, n),
            move |x, dx| break_outer_jvp(x, dx, n),
            move |x, w| break_outer_vjp(x, n, w),
        )
        .derivative(move |x| derivative(x, n))
        .check(&[&[0.35], &[0.9], &[-0.4]]);
    }
}

/// `continue 'outer` skips the rest of the inner loop and the tail of the outer body.
#[differentiate(forward, reverse)]
pub fn continue_outer(x: f64, y: f64, n: usize) -> f64 {
    let mut s = 0.0;
    'rows: for i in 0..n {
        for j in 0..n {
            if j > i {
                continue 'rows;
            }
            s += x.powi(j as i32) * y;
        }
        s += y * y;
    }
    s
}

#[test]
fn labeled_continue() {
    // Row i adds Σ_{j ≤ i} xʲ y, and y² only for the last row (i = n − 1, where no j > i exists).
    // ∂x = y Σ_i Σ_{j≤i} j xʲ⁻¹; ∂y = Σ_i Σ_{j≤i} xʲ + 2y [n > 0].
    for n in [0, 1, 4] {
        Case::new(
            &format!("continue_outer n={n}"),
            2,
            1,
            move |p| vec![continue_outer(p[0], p[1], n)],
            move |p, v| {
                let (f, df) = continue_outer_jvp(p[0], v[0], p[1], v[1], n);
                (vec![f], vec![df])
            },
            move |p, w| {
                let (f, gx, gy) = continue_outer_vjp(p[0], p[1], n, w[0]);
                (vec![f], vec![gx, gy])
            },
        )
        .gradient(move |p| {
            let (x, y) = (p[0], p[1]);
            let (mut gx, mut gy) = (0.0, 0.0);
            for i in 0..n {
                for j in 0..=i {
                    gx += y * j as f64 * x.powi(j as i32 - 1);
                    gy += x.powi(j as i32);
                }
            }
            if n > 0 {
                gy += 2.0 * y;
            }
            vec![gx, gy]
        })
        .check(&[&[0.8, 1.5], &[-1.2, -0.6]]);
    }
}

/// `continue` skips the second half of the body on some iterations.
#[differentiate(forward, reverse)]
pub fn skip_some(x: f64, y: f64, n: usize) -> f64 {
    let mut s = 0.0;
    for i in 0..n {
        s += x * i as f64;
        if i % 3 == 1 {
            continue;
        }
        s += y * y;
        s *= 0.5;
    }
    s
}

#[test]
fn continue_skips_rest_of_body() {
    // s is linear in x and y²: write s = a x + b y² and propagate (a, b) through the loop.
    // ∂x = a, ∂y = 2 b y.
    for n in [0, 1, 2, 7] {
        Case::new(
            &format!("skip_some n={n}"),
            2,
            1,
            move |p| vec![skip_some(p[0], p[1], n)],
            move |p, v| {
                let (f, df) = skip_some_jvp(p[0], v[0], p[1], v[1], n);
                (vec![f], vec![df])
            },
            move |p, w| {
                let (f, gx, gy) = skip_some_vjp(p[0], p[1], n, w[0]);
                (vec![f], vec![gx, gy])
            },
        )
        .gradient(move |p| {
            let (mut a, mut b) = (0.0, 0.0);
            for i in 0..n {
                a += i as f64;
                if i % 3 != 1 {
                    b += 1.0;
                    a *= 0.5;
                    b *= 0.5;
                }
            }
            vec![a, 2.0 * b * p[1]]
        })
        .check(&[&[0.6, -1.1], &[2.0, 0.4]]);
    }
}

/// `continue` in a `while` loop (the counter advances before it) with an active condition.
#[differentiate(forward, reverse)]
pub fn while_continue(x: f64, n: usize) -> f64 {
    let mut i = 0;
    let mut s = 0.0;
    while i < n {
        i += 1;
        let v = (x * i as f64).sin();
        if v < 0.0 {
            continue;
        }
        s += v;
    }
    s
}

#[test]
fn continue_in_while() {
    // f' = Σ_{i=1..n, sin(i x) ≥ 0} i cos(i x).
    for n in [0, 5, 12] {
        unary(
            &format!("while_continue n={n}"),
            move |x| while_continue(x, n),
            move |x, dx| while_continue_jvp(x, dx, n),
            move |x, w| while_continue_vjp(x, n, w),
        )
        .derivative(move |x| {
            (1..=n)
                .map(|i| i as f64)
                .filter(|i| (x * i).sin() >= 0.0)
                .map(|i| i * (x * i).cos())
                .sum()
        })
        .check(&[&[0.75], &[2.9]]);
    }
}

/// `loop` with `break value`: the loop is an expression producing a float.
#[differentiate(forward, reverse)]
pub fn break_with_value(x: f64, n: usize) -> f64 {
    let mut y = x;
    let mut k = 0;
    let r = loop {
        if k >= n {
            break y * 2.0;
        }
        y = 0.5 * y + x.sin();
        k += 1;
    };
    r + 1.0
}

#[test]
fn loop_break_value() {
    // y_k = 2⁻ᵏ x + (2 − 2^{1−k}) sin x, f = 2 y_n + 1:
    // f' = 2 (2⁻ⁿ + (2 − 2^{1−n}) cos x). n = 0: f = 2x + 1, f' = 2.
    for n in [0, 1, 3, 10] {
        unary(
            &format!("break_with_value n={n}"),
            move |x| break_with_value(x, n),
            move |x, dx| break_with_value_jvp(x, dx, n),
            move |x, w| break_with_value_vjp(x, n, w),
        )
        .derivative(move |x| {
            let p = 0.5f64.powi(n as i32);
            2.0 * (p + (2.0 - 2.0 * p) * x.cos())
        })
        .check(&[&[0.3], &[-2.2]]);
    }
    assert_derivative(
        "break_with_value n=0",
        |x| break_with_value(x, 0),
        |x, dx| break_with_value_jvp(x, dx, 0),
        |x, w| break_with_value_vjp(x, 0, w),
        0.3,
        2.0,
    );
}

/// `break value` from a `loop` whose exit condition reads an active value; the value broken
/// with is the tail of the function.
#[differentiate(forward, reverse)]
pub fn doubling_time(x: f64, rate: f64) -> f64 {
    let mut y = x;
    let mut years = 0;
    loop {
        y *= 1.0 + rate;
        years += 1;
        if y > 2.0 * x || years >= 100 {
            break y.ln() + years as f64;
        }
    }
}

#[test]
fn loop_break_value_as_tail() {
    // After K years y = x (1 + r)ᴷ, f = ln x + K ln(1 + r) + K: ∂x = 1/x, ∂r = K/(1 + r).
    binary(
        "doubling_time",
        doubling_time,
        doubling_time_jvp,
        doubling_time_vjp,
    )
    .gradient(|p| {
        let (x, r) = (p[0], p[1]);
        let k = (2f64.ln() / (1.0 + r).ln()).ceil().min(100.0);
        vec![1.0 / x, k / (1.0 + r)]
    })
    .check(&[&[1.5, 0.068], &[0.2, 0.3], &[3.0, 0.001]]);
}

/// `break 'label value` out of a `loop` from an inner `for`, plus a cap.
#[differentiate(forward, reverse)]
pub fn labeled_break_value(x: f64, limit: f64) -> f64 {
    let mut y = x;
    let mut rounds = 0;
    let r = 'grow: loop {
        rounds += 1;
        for j in 0..4 {
            y = y * 1.3 + 0.1 * j as f64;
            if y > limit {
                break 'grow y.ln() + rounds as f64;
            }
        }
        if rounds >= 30 {
            break 'grow y;
        }
    };
    r * 2.0
}

/// `labeled_break_value` with its gradient by hand: y is affine in x with slope 1.3ᵐ after m
/// steps, and `limit` only decides where to stop.
fn labeled_break_value_gradient(x: f64, limit: f64) -> Vec<f64> {
    let (mut y, mut dy) = (x, 1.0);
    for _ in 0..30 {
        for j in 0..4 {
            y = y * 1.3 + 0.1 * j as f64;
            dy *= 1.3;
            if y > limit {
                return vec![2.0 * dy / y, 0.0];
            }
        }
    }
    vec![2.0 * dy, 0.0]
}

#[test]
fn labeled_break_with_value() {
    binary(
        "labeled_break_value",
        labeled_break_value,
        labeled_break_value_jvp,
        labeled_break_value_vjp,
    )
    .gradient(|p| labeled_break_value_gradient(p[0], p[1]))
    .check(&[&[0.5, 3.0], &[1.0, 40.0], &[-0.3, 5.0]]);
}

/// `return` of a tuple output from inside a loop.
#[differentiate(forward, reverse)]
pub fn partial_sums(x: f64, n: usize) -> (f64, f64) {
    let mut s = 0.0;
    let mut p = 1.0;
    for i in 0..n {
        s += x / (i as f64 + 1.0);
        p *= 1.0 + 0.1 * x;
        if s > 3.0 {
            return (s, p);
        }
    }
    (s, 2.0 * p)
}

#[test]
fn return_tuple_from_loop() {
    // After K terms s = x H_K (H_K the harmonic number) and p = (1 + x/10)ᴷ.
    // Returned early: (H_K, K/10 (1 + x/10)ᴷ⁻¹); ran to the end: (H_n, n/5 (1 + x/10)ⁿ⁻¹).
    let jacobian = |x: f64, n: usize| {
        let mut harmonic = 0.0;
        for i in 0..n {
            harmonic += 1.0 / (i as f64 + 1.0);
            if x * harmonic > 3.0 {
                let k = (i + 1) as f64;
                return vec![
                    vec![harmonic],
                    vec![0.1 * k * (1.0 + 0.1 * x).powi(i as i32)],
                ];
            }
        }
        let k = n as f64;
        vec![
            vec![harmonic],
            vec![0.2 * k * (1.0 + 0.1 * x).powi(n as i32 - 1)],
        ]
    };
    for n in [0, 5, 50] {
        Case::new(
            &format!("partial_sums n={n}"),
            1,
            2,
            move |p| {
                let (s, q) = partial_sums(p[0], n);
                vec![s, q]
            },
            move |p, v| {
                let ((s, q), (ds, dq)) = partial_sums_jvp(p[0], v[0], n);
                (vec![s, q], vec![ds, dq])
            },
            move |p, w| {
                let ((s, q), g) = partial_sums_vjp(p[0], n, (w[0], w[1]));
                (vec![s, q], vec![g])
            },
        )
        .jacobian(move |p| jacobian(p[0], n))
        .check(&[&[1.0], &[0.5], &[-1.0]]);
    }
}

/// `return` from a `while` inside a `loop`, and a `break` from the `loop` otherwise.
#[differentiate(forward, reverse)]
pub fn return_from_while_in_loop(x: f64, n: usize) -> f64 {
    let mut y = x;
    let mut outer = 0;
    loop {
        let mut inner = 0;
        while inner < n {
            y = y.sin() + x;
            if y > 1.9 {
                return y * 10.0;
            }
            inner += 1;
        }
        outer += 1;
        if outer >= 3 {
            break;
        }
    }
    y
}

#[test]
fn return_from_deep_loop() {
    for n in [0, 1, 4] {
        unary(
            &format!("return_from_while_in_loop n={n}"),
            move |x| return_from_while_in_loop(x, n),
            move |x, dx| return_from_while_in_loop_jvp(x, dx, n),
            move |x, w| return_from_while_in_loop_vjp(x, n, w),
        )
        .check(&[&[0.5], &[1.2], &[-0.7]]);
    }
    // n = 0: the inner loop never runs and the function returns x.
    assert_derivative(
        "return_from_while_in_loop n=0",
        |x| return_from_while_in_loop(x, 0),
        |x, dx| return_from_while_in_loop_jvp(x, dx, 0),
        |x, w| return_from_while_in_loop_vjp(x, 0, w),
        1.2,
        1.0,
    );
}
