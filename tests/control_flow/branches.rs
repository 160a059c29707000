//! `if` / `else if` / `else` as statements and as expressions (in a `let`, inside an
//! arithmetic expression, as the tail value), with conditions over floats (active and not),
//! integers and bools, nested branches, tuple-valued branches, shadowing inside a branch, and
//! guards that keep a singularity out of the derivative.

use crate::common::{assert_derivative, assert_exact_derivative, binary, ternary, unary, Case};
use ad::differentiate;

/// `if` / `else` as the tail expression; the condition reads the active input.
#[differentiate(forward, reverse)]
pub fn leaky_square(x: f64) -> f64 {
    if x > 0.0 {
        x * x
    } else {
        -0.5 * x
    }
}

#[test]
fn if_else_as_tail() {
    // d/dx = 2x for x > 0, −½ otherwise.
    unary(
        "leaky_square",
        leaky_square,
        leaky_square_jvp,
        leaky_square_vjp,
    )
    .derivative(|x| if x > 0.0 { 2.0 * x } else { -0.5 })
    .check(&[&[-1.3], &[-0.2], &[0.7], &[2.5]]);
}

/// `if` as a statement that overwrites a variable in one branch only.
#[differentiate(forward, reverse)]
pub fn abs_times_three(x: f64) -> f64 {
    let mut y = x;
    if y < 0.0 {
        y = -y;
    }
    3.0 * y + x
}

#[test]
fn if_statement_without_else() {
    // d/dx = 3 sign(x) + 1.
    unary(
        "abs_times_three",
        abs_times_three,
        abs_times_three_jvp,
        abs_times_three_vjp,
    )
    .derivative(|x| 3.0 * x.signum() + 1.0)
    .check(&[&[-2.0], &[-0.1], &[0.4], &[5.0]]);
}

/// A four-way `else if` chain.
#[differentiate(forward, reverse)]
pub fn four_pieces(x: f64) -> f64 {
    if x < -1.0 {
        x.exp()
    } else if x < 0.5 {
        x * x * x
    } else if x < 2.0 {
        x.sin() + x
    } else {
        1.0 / x
    }
}

#[test]
fn else_if_chain() {
    // Pieces: eˣ, x³, sin x + x, 1/x; derivatives eˣ, 3x², cos x + 1, −1/x².
    unary("four_pieces", four_pieces, four_pieces_jvp, four_pieces_vjp)
        .derivative(|x| {
            if x < -1.0 {
                x.exp()
            } else if x < 0.5 {
                3.0 * x * x
            } else if x < 2.0 {
                x.cos() + 1.0
            } else {
                -1.0 / (x * x)
            }
        })
        .check(&[
            &[-2.5],
            &[-1.2],
            &[-0.7],
            &[0.3],
            &[0.9],
            &[1.9],
            &[2.2],
            &[6.0],
        ]);
}

/// The branch taken depends on the comparison of two active values.
#[differentiate(forward, reverse)]
pub fn compare_actives(x: f64, y: f64) -> f64 {
    if x > y {
        x * x - y
    } else {
        x * y.sin()
    }
}

#[test]
fn branch_on_two_active_values() {
    // x > y: (2x, −1); otherwise (sin y, x cos y).
    binary(
        "compare_actives",
        compare_actives,
        compare_actives_jvp,
        compare_actives_vjp,
    )
    .gradient(|p| {
        let (x, y) = (p[0], p[1]);
        if x > y {
            vec![2.0 * x, -1.0]
        } else {
            vec![y.sin(), x * y.cos()]
        }
    })
    .check(&[&[2.0, 1.0], &[0.5, 1.5], &[-1.0, -3.0], &[-2.0, 0.4]]);
}

/// An `if` expression in a `let` chooses which active value flows on.
#[differentiate(forward, reverse)]
pub fn select_then_square(x: f64, y: f64) -> f64 {
    let m = if x > y { x } else { y };
    m * m + x
}

#[test]
fn if_expression_selects_active_value() {
    // m = max(x, y): x > y gives (2x + 1, 0), otherwise (1, 2y).
    binary(
        "select_then_square",
        select_then_square,
        select_then_square_jvp,
        select_then_square_vjp,
    )
    .gradient(|p| {
        if p[0] > p[1] {
            vec![2.0 * p[0] + 1.0, 0.0]
        } else {
            vec![1.0, 2.0 * p[1]]
        }
    })
    .check(&[&[3.0, -1.0], &[-1.0, 3.0], &[0.25, 0.2], &[0.2, 0.25]]);
}

/// A guard keeps `sqrt` away from negative inputs.
#[differentiate(forward, reverse)]
pub fn guarded_sqrt(x: f64) -> f64 {
    if x > 0.0 {
        x.sqrt()
    } else {
        0.0
    }
}

#[test]
fn guarded_sqrt_has_no_nan() {
    // d/dx = 1 / (2 √x) for x > 0, exactly 0 otherwise (the sqrt branch is not taken, so its
    // derivative, NaN for x < 0 and ∞ at 0, must not leak).
    unary(
        "guarded_sqrt",
        guarded_sqrt,
        guarded_sqrt_jvp,
        guarded_sqrt_vjp,
    )
    .derivative(|x| if x > 0.0 { 0.5 / x.sqrt() } else { 0.0 })
    .check(&[&[-1.0], &[-7.5], &[0.25], &[4.0]]);
    for x in [-1.0, -1e-300, 0.0, -0.0, -5.0] {
        assert_exact_derivative(
            "guarded_sqrt",
            guarded_sqrt,
            guarded_sqrt_jvp,
            guarded_sqrt_vjp,
            x,
            0.0,
        );
    }
    assert_derivative(
        "guarded_sqrt",
        guarded_sqrt,
        guarded_sqrt_jvp,
        guarded_sqrt_vjp,
        4.0,
        0.25,
    );
}

/// sinc with the removable singularity guarded by an `else` that is constant.
#[differentiate(forward, reverse)]
pub fn sinc(x: f64) -> f64 {
    if x.abs() > 1e-8 {
        x.sin() / x
    } else {
        1.0
    }
}

#[test]
fn guarded_division() {
    // d/dx = (x cos x − sin x) / x²; exactly 0 at x = 0 where the constant branch is taken.
    unary("sinc", sinc, sinc_jvp, sinc_vjp)
        .derivative(|x| (x * x.cos() - x.sin()) / (x * x))
        .check(&[&[-2.0], &[0.3], &[1.2], &[7.0]]);
    assert_exact_derivative("sinc", sinc, sinc_jvp, sinc_vjp, 0.0, 0.0);
    assert_exact_derivative("sinc", sinc, sinc_jvp, sinc_vjp, 1e-9, 0.0);
}

/// A guarded logarithm whose unguarded branch is linear.
#[differentiate(forward, reverse)]
pub fn safe_log(x: f64) -> f64 {
    let y = if x > 1e-3 {
        x.ln()
    } else {
        x / 1e-3 + 1e-3_f64.ln() - 1.0
    };
    2.0 * y
}

#[test]
fn guarded_log() {
    // d/dx = 2/x for x > 10⁻³, 2000 otherwise.
    unary("safe_log", safe_log, safe_log_jvp, safe_log_vjp)
        .derivative(|x| if x > 1e-3 { 2.0 / x } else { 2000.0 })
        .check(&[&[-3.0], &[0.5], &[10.0]]);
    assert_derivative(
        "safe_log",
        safe_log,
        safe_log_jvp,
        safe_log_vjp,
        0.0,
        2000.0,
    );
}

/// The condition is an integer parameter (a constant).
#[differentiate(forward, reverse)]
pub fn parity_power(x: f64, k: i32) -> f64 {
    if k % 2 == 0 {
        x.powi(2)
    } else if k < 0 {
        -x
    } else {
        x.powi(3)
    }
}

#[test]
fn condition_on_integer_parameter() {
    // Even k: 2x; odd negative k: −1; odd positive k: 3x².
    for k in [-3, -2, 0, 1, 4, 7] {
        unary(
            &format!("parity_power k={k}"),
            move |x| parity_power(x, k),
            move |x, dx| parity_power_jvp(x, dx, k),
            move |x, w| parity_power_vjp(x, k, w),
        )
        .derivative(move |x| {
            if k % 2 == 0 {
                2.0 * x
            } else if k < 0 {
                -1.0
            } else {
                3.0 * x * x
            }
        })
        .check(&[&[-1.5], &[0.8]]);
    }
}

/// Conditions combine a bool parameter with float comparisons through `&&`, `||` and `!`.
#[differentiate(forward, reverse)]
pub fn boolean_logic(x: f64, flip: bool) -> f64 {
    let positive = x > 0.0;
    if flip && positive {
        -x.exp()
    } else if !flip || x < -2.0 {
        x.cos()
    } else {
        x * x
    }
}

#[test]
fn condition_with_bool_parameter() {
    // flip ∧ x > 0: −eˣ; ¬flip ∨ x < −2: −sin x; otherwise 2x.
    for flip in [false, true] {
        unary(
            &format!("boolean_logic flip={flip}"),
            move |x| boolean_logic(x, flip),
            move |x, dx| boolean_logic_jvp(x, dx, flip),
            move |x, w| boolean_logic_vjp(x, flip, w),
        )
        .derivative(move |x| {
            if flip && x > 0.0 {
                -x.exp()
            } else if !flip || x < -2.0 {
                -x.sin()
            } else {
                2.0 * x
            }
        })
        .check(&[&[-3.0], &[-1.0], &[0.5], &[1.5]]);
    }
}

/// Nested `if`s with an `else` at each level.
#[differentiate(forward, reverse)]
pub fn quadrants(x: f64, y: f64) -> f64 {
    if x > 0.0 {
        if y > 0.0 {
            x * y
        } else {
            x - y * y
        }
    } else if y > x {
        (x + y).sin()
    } else {
        x * x * y
    }
}

#[test]
fn nested_branches() {
    // Gradients per region: (y, x), (1, −2y), (cos(x+y), cos(x+y)), (2xy, x²).
    binary("quadrants", quadrants, quadrants_jvp, quadrants_vjp)
        .gradient(|p| {
            let (x, y) = (p[0], p[1]);
            if x > 0.0 {
                if y > 0.0 {
                    vec![y, x]
                } else {
                    vec![1.0, -2.0 * y]
                }
            } else if y > x {
                let c = (x + y).cos();
                vec![c, c]
            } else {
                vec![2.0 * x * y, x * x]
            }
        })
        .check(&[&[1.5, 2.0], &[1.5, -2.0], &[-1.0, 0.5], &[-1.0, -2.0]]);
}

/// A tuple-valued `if` expression destructured in a `let`.
#[differentiate(forward, reverse)]
pub fn tuple_branch(x: f64, y: f64) -> f64 {
    let (a, b) = if x > 0.0 { (x * y, y) } else { (y, x * x) };
    a * b + a
}

#[test]
fn tuple_valued_if() {
    // x > 0: a = xy, b = y, f = xy² + xy → (y² + y, 2xy + x);
    // else: a = y, b = x², f = x²y + y → (2xy, x² + 1).
    binary(
        "tuple_branch",
        tuple_branch,
        tuple_branch_jvp,
        tuple_branch_vjp,
    )
    .gradient(|p| {
        let (x, y) = (p[0], p[1]);
        if x > 0.0 {
            vec![y * y + y, 2.0 * x * y + x]
        } else {
            vec![2.0 * x * y, x * x + 1.0]
        }
    })
    .check(&[&[0.8, -1.2], &[2.0, 3.0], &[-0.6, 0.9]]);
}

/// An `if` expression used as an operand in arithmetic.
#[differentiate(forward, reverse)]
pub fn if_in_arithmetic(x: f64) -> f64 {
    2.0 * (if x > 1.0 { x.ln() } else { x - 1.0 }) + x * x
}

#[test]
fn if_as_operand() {
    // x > 1: 2/x + 2x; else 2 + 2x.
    unary(
        "if_in_arithmetic",
        if_in_arithmetic,
        if_in_arithmetic_jvp,
        if_in_arithmetic_vjp,
    )
    .derivative(|x| {
        if x > 1.0 {
            2.0 / x + 2.0 * x
        } else {
            2.0 + 2.0 * x
        }
    })
    .check(&[&[0.3], &[-2.0], &[1.7], &[4.0]]);
}

/// Shadowing inside a branch does not leak out of it.
#[differentiate(forward, reverse)]
pub fn shadow_in_branch(x: f64) -> f64 {
    let y = 2.0 * x;
    let z = if y > 1.0 {
        let y = y * y;
        y + 1.0
    } else {
        let x = y.sin();
        x * 3.0
    };
    z * x + y
}

#[test]
fn shadowing_inside_branch() {
    // y = 2x. y > 1: z = 4x² + 1, f = 4x³ + x + 2x → 12x² + 3;
    // else: z = 3 sin 2x, f = 3x sin 2x + 2x → 3 sin 2x + 6x cos 2x + 2.
    unary(
        "shadow_in_branch",
        shadow_in_branch,
        shadow_in_branch_jvp,
        shadow_in_branch_vjp,
    )
    .derivative(|x| {
        if 2.0 * x > 1.0 {
            12.0 * x * x + 3.0
        } else {
            3.0 * (2.0 * x).sin() + 6.0 * x * (2.0 * x).cos() + 2.0
        }
    })
    .check(&[&[-1.0], &[0.2], &[0.9], &[3.0]]);
}

/// Two `if` statements that overwrite an active variable with constants.
#[differentiate(forward, reverse)]
pub fn clamp_then_exp(x: f64) -> f64 {
    let mut y = x;
    if y > 1.0 {
        y = 1.0;
    }
    if x < -1.0 {
        y = 0.0;
    }
    y * y.exp() + 0.1 * x
}

#[test]
fn overwrite_with_constant_in_branch() {
    // |x| < 1: (1 + x) eˣ + 0.1; otherwise 0.1 (y is a constant there).
    unary(
        "clamp_then_exp",
        clamp_then_exp,
        clamp_then_exp_jvp,
        clamp_then_exp_vjp,
    )
    .derivative(|x| {
        if x.abs() < 1.0 {
            (1.0 + x) * x.exp() + 0.1
        } else {
            0.1
        }
    })
    .check(&[&[-3.0], &[-0.5], &[0.5], &[2.0]]);
}

/// A condition mixing an active value and an integer cast; both branches update two
/// variables.
#[differentiate(forward, reverse)]
pub fn two_updates(x: f64, y: f64, k: usize) -> f64 {
    let mut a = x;
    let mut b = y;
    if x * (k as f64) > y {
        a *= y;
        b += x * x;
    } else {
        a -= y;
        b *= 2.0;
    }
    a * b
}

#[test]
fn branch_updates_several_variables() {
    // xk > y: a = xy, b = y + x² → f = xy² + x³y: (y² + 3x²y, 2xy + x³);
    // else: a = x − y, b = 2y → f = 2xy − 2y²: (2y, 2x − 4y).
    for k in [0, 1, 3] {
        Case::new(
            &format!("two_updates k={k}"),
            2,
            1,
            move |p| vec![two_updates(p[0], p[1], k)],
            move |p, v| {
                let (f, df) = two_updates_jvp(p[0], v[0], p[1], v[1], k);
                (vec![f], vec![df])
            },
            move |p, w| {
                let (f, gx, gy) = two_updates_vjp(p[0], p[1], k, w[0]);
                (vec![f], vec![gx, gy])
            },
        )
        .gradient(move |p| {
            let (x, y) = (p[0], p[1]);
            if x * (k as f64) > y {
                vec![y * y + 3.0 * x * x * y, 2.0 * x * y + x * x * x]
            } else {
                vec![2.0 * y, 2.0 * x - 4.0 * y]
            }
        })
        .check(&[&[1.0, 0.5], &[1.0, 2.5], &[-0.7, -0.2]]);
    }
}

/// Three active inputs; the branch reads a value computed from two of them.
#[differentiate(forward, reverse)]
pub fn soft_threshold(x: f64, lambda: f64, scale: f64) -> f64 {
    let shrunk = if x > lambda {
        x - lambda
    } else if x < -lambda {
        x + lambda
    } else {
        0.0
    };
    scale * shrunk
}

#[test]
fn soft_thresholding() {
    // x > λ: (s, −s, x − λ); x < −λ: (s, s, x + λ); otherwise all 0.
    ternary(
        "soft_threshold",
        soft_threshold,
        soft_threshold_jvp,
        soft_threshold_vjp,
    )
    .gradient(|p| {
        let (x, l, s) = (p[0], p[1], p[2]);
        if x > l {
            vec![s, -s, x - l]
        } else if x < -l {
            vec![s, s, x + l]
        } else {
            vec![0.0, 0.0, 0.0]
        }
    })
    .check(&[&[2.0, 0.5, 1.5], &[-2.0, 0.5, -0.7], &[0.2, 0.5, 3.0]]);
}
