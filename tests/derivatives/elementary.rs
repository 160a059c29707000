//! Every std float method the compiler supports, one small function each, checked against the
//! textbook derivative (stated next to each test) and against finite differences. Half of them
//! use the method-call form `x.m(..)`, the other half the path form `f64::m(x, ..)`.

use crate::common::Model;
use ad::differentiate;
use std::f64::consts::{LN_10, LN_2, PI};

type Unary = fn(f64) -> f64;
type UnaryJvp = fn(f64, f64) -> (f64, f64);
type UnaryVjp = fn(f64, f64) -> (f64, f64);

/// A model of `f: R -> R`; taking fn pointers also pins down the generated signatures:
/// `f_jvp(x, dx) -> (y, dy)` and `f_vjp(x, dout) -> (y, dx)`.
fn unary(name: &str, f: Unary, jvp: UnaryJvp, vjp: UnaryVjp, df: Unary) -> Model {
    Model::new(name, 1, 1, move |x| vec![f(x[0])])
        .jvp(move |x, v| {
            let (y, dy) = jvp(x[0], v[0]);
            (vec![y], vec![dy])
        })
        .vjp(move |x, w| {
            let (y, dx) = vjp(x[0], w[0]);
            (vec![y], vec![dx])
        })
        .gradient(move |x| vec![df(x[0])])
}

type Binary = fn(f64, f64) -> f64;
type BinaryJvp = fn(f64, f64, f64, f64) -> (f64, f64);
type BinaryVjp = fn(f64, f64, f64) -> (f64, f64, f64);

/// A model of `f: R² -> R`: `f_jvp(a, da, b, db)`, `f_vjp(a, b, dout) -> (y, da, db)`.
fn binary(
    name: &str,
    f: Binary,
    jvp: BinaryJvp,
    vjp: BinaryVjp,
    grad: fn(f64, f64) -> [f64; 2],
) -> Model {
    Model::new(name, 2, 1, move |x| vec![f(x[0], x[1])])
        .jvp(move |x, v| {
            let (y, dy) = jvp(x[0], v[0], x[1], v[1]);
            (vec![y], vec![dy])
        })
        .vjp(move |x, w| {
            let (y, da, db) = vjp(x[0], x[1], w[0]);
            (vec![y], vec![da, db])
        })
        .gradient(move |x| grad(x[0], x[1]).to_vec())
}

type Ternary = fn(f64, f64, f64) -> f64;
type TernaryJvp = fn(f64, f64, f64, f64, f64, f64) -> (f64, f64);
type TernaryVjp = fn(f64, f64, f64, f64) -> (f64, f64, f64, f64);

fn ternary(
    name: &str,
    f: Ternary,
    jvp: TernaryJvp,
    vjp: TernaryVjp,
    grad: fn(f64, f64, f64) -> [f64; 3],
) -> Model {
    Model::new(name, 3, 1, move |x| vec![f(x[0], x[1], x[2])])
        .jvp(move |x, v| {
            let (y, dy) = jvp(x[0], v[0], x[1], v[1], x[2], v[2]);
            (vec![y], vec![dy])
        })
        .vjp(move |x, w| {
            let (y, da, db, dc) = vjp(x[0], x[1], x[2], w[0]);
            (vec![y], vec![da, db, dc])
        })
        .gradient(move |x| grad(x[0], x[1], x[2]).to_vec())
}

// ---------------------------------------------------------------- sign and magnitude

#[differentiate(forward, reverse)]
fn m_abs(x: f64) -> f64 {
    x.abs()
}

#[differentiate(forward, reverse)]
fn m_signum(x: f64) -> f64 {
    f64::signum(x)
}

#[differentiate(forward, reverse)]
fn m_copysign(a: f64, b: f64) -> f64 {
    a.copysign(b)
}

#[test]
fn abs_signum_copysign() {
    // d|x|/dx = sign(x) away from 0.
    unary("abs", m_abs, m_abs_jvp, m_abs_vjp, f64::signum).check(&[
        &[-2.5],
        &[-0.3],
        &[0.7],
        &[4.0],
    ]);
    // signum is piecewise constant: derivative 0 away from 0.
    unary("signum", m_signum, m_signum_jvp, m_signum_vjp, |_| 0.0).check(&[&[-2.5], &[0.7]]);
    // copysign(a, b) = |a| sign(b): ∂a = sign(a) sign(b), ∂b = 0 away from a = 0, b = 0.
    binary(
        "copysign",
        m_copysign,
        m_copysign_jvp,
        m_copysign_vjp,
        |a, b| [a.signum() * b.signum(), 0.0],
    )
    .check(&[&[1.5, 2.0], &[1.5, -2.0], &[-0.5, 3.0], &[-0.5, -3.0]]);
}

// ---------------------------------------------------------------- roots and powers

#[differentiate(forward, reverse)]
fn m_sqrt(x: f64) -> f64 {
    x.sqrt()
}

#[differentiate(forward, reverse)]
fn m_cbrt(x: f64) -> f64 {
    f64::cbrt(x)
}

#[differentiate(forward, reverse)]
fn m_recip(x: f64) -> f64 {
    x.recip()
}

#[differentiate(forward, reverse)]
fn m_powi3(x: f64) -> f64 {
    x.powi(3)
}

#[differentiate(forward, reverse)]
fn m_powi_neg2(x: f64) -> f64 {
    f64::powi(x, -2)
}

#[differentiate(forward, reverse)]
fn m_powi0(x: f64) -> f64 {
    x.powi(0)
}

#[differentiate(forward, reverse)]
fn m_powf(x: f64, p: f64) -> f64 {
    x.powf(p)
}

#[differentiate(forward, reverse)]
fn m_hypot(a: f64, b: f64) -> f64 {
    f64::hypot(a, b)
}

#[test]
fn roots_and_powers() {
    // (√x)' = 1 / (2√x)
    unary("sqrt", m_sqrt, m_sqrt_jvp, m_sqrt_vjp, |x| 0.5 / x.sqrt()).check(&[
        &[0.3],
        &[2.0],
        &[50.0],
    ]);
    // (∛x)' = 1 / (3 ∛x²), also for negative x
    unary("cbrt", m_cbrt, m_cbrt_jvp, m_cbrt_vjp, |x| {
        1.0 / (3.0 * x.cbrt().powi(2))
    })
    .check(&[&[-8.0], &[0.5], &[27.0]]);
    // (1/x)' = −1/x²
    unary("recip", m_recip, m_recip_jvp, m_recip_vjp, |x| {
        -1.0 / (x * x)
    })
    .check(&[&[-3.0], &[0.4], &[2.0]]);
    // (x³)' = 3x²
    unary("powi3", m_powi3, m_powi3_jvp, m_powi3_vjp, |x| 3.0 * x * x).check(&[
        &[-1.5],
        &[0.0],
        &[2.0],
    ]);
    // (x⁻²)' = −2x⁻³
    unary(
        "powi-2",
        m_powi_neg2,
        m_powi_neg2_jvp,
        m_powi_neg2_vjp,
        |x| -2.0 / (x * x * x),
    )
    .check(&[&[-1.5], &[0.7], &[3.0]]);
    // (x⁰)' = 0
    unary("powi0", m_powi0, m_powi0_jvp, m_powi0_vjp, |_| 0.0).check(&[&[-1.5], &[2.0]]);
    // ∂(xᵖ)/∂x = p xᵖ⁻¹, ∂(xᵖ)/∂p = xᵖ ln x
    binary("powf", m_powf, m_powf_jvp, m_powf_vjp, |x, p| {
        [p * x.powf(p - 1.0), x.powf(p) * x.ln()]
    })
    .check(&[&[0.5, 2.5], &[2.0, -0.5], &[3.0, 1.7], &[1.2, 0.0]]);
    // ∂hypot(a, b) = (a, b) / hypot(a, b)
    binary("hypot", m_hypot, m_hypot_jvp, m_hypot_vjp, |a, b| {
        let h = (a * a + b * b).sqrt();
        [a / h, b / h]
    })
    .check(&[&[3.0, 4.0], &[-1.0, 0.5], &[0.2, -2.0]]);
}

// ---------------------------------------------------------------- exponentials and logarithms

#[differentiate(forward, reverse)]
fn m_exp(x: f64) -> f64 {
    x.exp()
}

#[differentiate(forward, reverse)]
fn m_exp2(x: f64) -> f64 {
    f64::exp2(x)
}

#[differentiate(forward, reverse)]
fn m_exp_m1(x: f64) -> f64 {
    x.exp_m1()
}

#[differentiate(forward, reverse)]
fn m_ln(x: f64) -> f64 {
    f64::ln(x)
}

#[differentiate(forward, reverse)]
fn m_log2(x: f64) -> f64 {
    x.log2()
}

#[differentiate(forward, reverse)]
fn m_log10(x: f64) -> f64 {
    f64::log10(x)
}

#[differentiate(forward, reverse)]
fn m_ln_1p(x: f64) -> f64 {
    x.ln_1p()
}

#[differentiate(forward, reverse)]
fn m_log(x: f64, base: f64) -> f64 {
    f64::log(x, base)
}

#[test]
fn exponentials_and_logarithms() {
    // (eˣ)' = eˣ
    unary("exp", m_exp, m_exp_jvp, m_exp_vjp, f64::exp).check(&[&[-3.0], &[0.0], &[2.5]]);
    // (2ˣ)' = 2ˣ ln 2
    unary("exp2", m_exp2, m_exp2_jvp, m_exp2_vjp, |x| x.exp2() * LN_2).check(&[
        &[-3.0],
        &[0.5],
        &[4.0],
    ]);
    // (eˣ − 1)' = eˣ
    unary("exp_m1", m_exp_m1, m_exp_m1_jvp, m_exp_m1_vjp, f64::exp).check(&[
        &[-1.0],
        &[1e-3],
        &[2.0],
    ]);
    // (ln x)' = 1/x
    unary("ln", m_ln, m_ln_jvp, m_ln_vjp, |x| 1.0 / x).check(&[&[0.1], &[1.0], &[30.0]]);
    // (log₂ x)' = 1/(x ln 2)
    unary("log2", m_log2, m_log2_jvp, m_log2_vjp, |x| 1.0 / (x * LN_2)).check(&[&[0.2], &[8.0]]);
    // (log₁₀ x)' = 1/(x ln 10)
    unary("log10", m_log10, m_log10_jvp, m_log10_vjp, |x| {
        1.0 / (x * LN_10)
    })
    .check(&[&[0.2], &[100.0]]);
    // (ln(1 + x))' = 1/(1 + x)
    unary("ln_1p", m_ln_1p, m_ln_1p_jvp, m_ln_1p_vjp, |x| {
        1.0 / (1.0 + x)
    })
    .check(&[&[-0.5], &[1e-4], &[3.0]]);
    // log_b x = ln x / ln b: ∂x = 1/(x ln b), ∂b = −ln x / (b ln² b)
    binary("log", m_log, m_log_jvp, m_log_vjp, |x, b| {
        [1.0 / (x * b.ln()), -x.ln() / (b * b.ln().powi(2))]
    })
    .check(&[&[8.0, 2.0], &[0.3, 10.0], &[5.0, 0.5]]);
}

// ---------------------------------------------------------------- trigonometry

#[differentiate(forward, reverse)]
fn m_sin(x: f64) -> f64 {
    x.sin()
}

#[differentiate(forward, reverse)]
fn m_cos(x: f64) -> f64 {
    f64::cos(x)
}

#[differentiate(forward, reverse)]
fn m_tan(x: f64) -> f64 {
    x.tan()
}

#[differentiate(forward, reverse)]
fn m_asin(x: f64) -> f64 {
    f64::asin(x)
}

#[differentiate(forward, reverse)]
fn m_acos(x: f64) -> f64 {
    x.acos()
}

#[differentiate(forward, reverse)]
fn m_atan(x: f64) -> f64 {
    f64::atan(x)
}

#[differentiate(forward, reverse)]
fn m_atan2(y: f64, x: f64) -> f64 {
    y.atan2(x)
}

#[differentiate(forward, reverse)]
fn m_sin_cos(x: f64) -> (f64, f64) {
    x.sin_cos()
}

#[differentiate(forward, reverse)]
fn m_sin_cos_path(x: f64) -> f64 {
    let (s, c) = f64::sin_cos(x);
    s * c
}

#[test]
fn trigonometry() {
    unary("sin", m_sin, m_sin_jvp, m_sin_vjp, f64::cos).check(&[&[-2.0], &[0.0], &[1.3]]);
    unary("cos", m_cos, m_cos_jvp, m_cos_vjp, |x| -x.sin()).check(&[&[-2.0], &[0.5], &[3.0]]);
    // (tan x)' = 1 / cos² x
    unary("tan", m_tan, m_tan_jvp, m_tan_vjp, |x| {
        1.0 / x.cos().powi(2)
    })
    .check(&[&[-1.0], &[0.3], &[1.2]]);
    // (asin x)' = 1/√(1 − x²), (acos x)' = −1/√(1 − x²), (atan x)' = 1/(1 + x²)
    unary("asin", m_asin, m_asin_jvp, m_asin_vjp, |x| {
        1.0 / (1.0 - x * x).sqrt()
    })
    .step(1e-4)
    .check(&[&[-0.9], &[0.0], &[0.6]]);
    unary("acos", m_acos, m_acos_jvp, m_acos_vjp, |x| {
        -1.0 / (1.0 - x * x).sqrt()
    })
    .step(1e-4)
    .check(&[&[-0.6], &[0.2], &[0.9]]);
    unary("atan", m_atan, m_atan_jvp, m_atan_vjp, |x| {
        1.0 / (1.0 + x * x)
    })
    .check(&[&[-4.0], &[0.5], &[10.0]]);
    // atan2(y, x): ∂y = x / (x² + y²), ∂x = −y / (x² + y²), in all four quadrants
    binary("atan2", m_atan2, m_atan2_jvp, m_atan2_vjp, |y, x| {
        let r2 = x * x + y * y;
        [x / r2, -y / r2]
    })
    .check(&[&[1.0, 2.0], &[1.0, -2.0], &[-0.5, -0.3], &[-3.0, 0.4]]);
}

#[test]
fn sin_cos_tuple() {
    // sin_cos returns (sin x, cos x), whose derivatives are (cos x, −sin x).
    type Jvp = fn(f64, f64) -> ((f64, f64), (f64, f64));
    type Vjp = fn(f64, (f64, f64)) -> ((f64, f64), f64);
    let _: Jvp = m_sin_cos_jvp;
    let _: Vjp = m_sin_cos_vjp;
    Model::new("sin_cos", 1, 2, |x| {
        let (s, c) = m_sin_cos(x[0]);
        vec![s, c]
    })
    .jvp(|x, v| {
        let ((s, c), (ds, dc)) = m_sin_cos_jvp(x[0], v[0]);
        (vec![s, c], vec![ds, dc])
    })
    .vjp(|x, w| {
        let ((s, c), dx) = m_sin_cos_vjp(x[0], (w[0], w[1]));
        (vec![s, c], vec![dx])
    })
    .jacobian(|x| vec![vec![x[0].cos()], vec![-x[0].sin()]])
    .check(&[&[-1.0], &[0.0], &[2.2]]);
    // sin x cos x = sin(2x)/2, derivative cos 2x.
    unary(
        "sin_cos path",
        m_sin_cos_path,
        m_sin_cos_path_jvp,
        m_sin_cos_path_vjp,
        |x| (2.0 * x).cos(),
    )
    .check(&[&[-1.0], &[0.4], &[2.0]]);
}

// ---------------------------------------------------------------- hyperbolic functions

#[differentiate(forward, reverse)]
fn m_sinh(x: f64) -> f64 {
    x.sinh()
}

#[differentiate(forward, reverse)]
fn m_cosh(x: f64) -> f64 {
    f64::cosh(x)
}

#[differentiate(forward, reverse)]
fn m_tanh(x: f64) -> f64 {
    x.tanh()
}

#[differentiate(forward, reverse)]
fn m_asinh(x: f64) -> f64 {
    f64::asinh(x)
}

#[differentiate(forward, reverse)]
fn m_acosh(x: f64) -> f64 {
    x.acosh()
}

#[differentiate(forward, reverse)]
fn m_atanh(x: f64) -> f64 {
    f64::atanh(x)
}

#[test]
fn hyperbolic() {
    unary("sinh", m_sinh, m_sinh_jvp, m_sinh_vjp, f64::cosh).check(&[&[-2.0], &[0.0], &[1.5]]);
    unary("cosh", m_cosh, m_cosh_jvp, m_cosh_vjp, f64::sinh).check(&[&[-2.0], &[0.3], &[1.5]]);
    // (tanh x)' = 1 − tanh² x
    unary("tanh", m_tanh, m_tanh_jvp, m_tanh_vjp, |x| {
        1.0 - x.tanh().powi(2)
    })
    .check(&[&[-2.0], &[0.0], &[0.8]]);
    // (asinh x)' = 1/√(x² + 1), (acosh x)' = 1/√(x² − 1), (atanh x)' = 1/(1 − x²)
    unary("asinh", m_asinh, m_asinh_jvp, m_asinh_vjp, |x| {
        1.0 / (x * x + 1.0).sqrt()
    })
    .check(&[&[-3.0], &[0.0], &[2.0]]);
    unary("acosh", m_acosh, m_acosh_jvp, m_acosh_vjp, |x| {
        1.0 / (x * x - 1.0).sqrt()
    })
    .check(&[&[1.5], &[3.0], &[10.0]]);
    unary("atanh", m_atanh, m_atanh_jvp, m_atanh_vjp, |x| {
        1.0 / (1.0 - x * x)
    })
    .step(1e-4)
    .check(&[&[-0.8], &[0.0], &[0.5]]);
}

// ---------------------------------------------------------------- angles, rounding, fused ops

#[differentiate(forward, reverse)]
fn m_to_degrees(x: f64) -> f64 {
    x.to_degrees()
}

#[differentiate(forward, reverse)]
fn m_to_radians(x: f64) -> f64 {
    f64::to_radians(x)
}

#[differentiate(forward, reverse)]
fn m_floor(x: f64) -> f64 {
    x.floor()
}

#[differentiate(forward, reverse)]
fn m_ceil(x: f64) -> f64 {
    f64::ceil(x)
}

#[differentiate(forward, reverse)]
fn m_round(x: f64) -> f64 {
    x.round()
}

#[differentiate(forward, reverse)]
fn m_trunc(x: f64) -> f64 {
    f64::trunc(x)
}

#[differentiate(forward, reverse)]
fn m_fract(x: f64) -> f64 {
    x.fract()
}

#[differentiate(forward, reverse)]
fn m_mul_add(a: f64, b: f64, c: f64) -> f64 {
    a.mul_add(b, c)
}

#[differentiate(forward, reverse)]
fn m_mul_add_path(a: f64, b: f64, c: f64) -> f64 {
    f64::mul_add(a, b, c)
}

#[test]
fn angles_rounding_fused() {
    unary(
        "to_degrees",
        m_to_degrees,
        m_to_degrees_jvp,
        m_to_degrees_vjp,
        |_| 180.0 / PI,
    )
    .check(&[&[-1.0], &[2.0]]);
    unary(
        "to_radians",
        m_to_radians,
        m_to_radians_jvp,
        m_to_radians_vjp,
        |_| PI / 180.0,
    )
    .check(&[&[-90.0], &[45.0]]);
    // Rounding functions are piecewise constant: derivative 0 away from their jumps.
    let pts: &[&[f64]] = &[&[-2.3], &[-0.7], &[0.2], &[3.6]];
    unary("floor", m_floor, m_floor_jvp, m_floor_vjp, |_| 0.0).check(pts);
    unary("ceil", m_ceil, m_ceil_jvp, m_ceil_vjp, |_| 0.0).check(pts);
    unary("round", m_round, m_round_jvp, m_round_vjp, |_| 0.0).check(pts);
    unary("trunc", m_trunc, m_trunc_jvp, m_trunc_vjp, |_| 0.0).check(pts);
    // fract x = x − trunc x: derivative 1 away from integers.
    unary("fract", m_fract, m_fract_jvp, m_fract_vjp, |_| 1.0).check(pts);
    // a·b + c: ∂a = b, ∂b = a, ∂c = 1
    let pts: &[&[f64]] = &[&[1.5, -2.0, 0.5], &[-0.3, 4.0, 10.0]];
    ternary(
        "mul_add",
        m_mul_add,
        m_mul_add_jvp,
        m_mul_add_vjp,
        |a, b, _| [b, a, 1.0],
    )
    .check(pts);
    ternary(
        "mul_add path",
        m_mul_add_path,
        m_mul_add_path_jvp,
        m_mul_add_path_vjp,
        |a, b, _| [b, a, 1.0],
    )
    .check(pts);
}

// ---------------------------------------------------------------- max, min, clamp

#[differentiate(forward, reverse)]
fn m_max(a: f64, b: f64) -> f64 {
    a.max(b)
}

#[differentiate(forward, reverse)]
fn m_min(a: f64, b: f64) -> f64 {
    f64::min(a, b)
}

#[differentiate(forward, reverse)]
fn m_clamp(x: f64, lo: f64, hi: f64) -> f64 {
    x.clamp(lo, hi)
}

#[test]
fn max_min_clamp() {
    // The derivative goes entirely to the selected argument.
    let pts: &[&[f64]] = &[&[1.0, 2.0], &[2.0, 1.0], &[-3.0, -0.5]];
    binary("max", m_max, m_max_jvp, m_max_vjp, |a, b| {
        if a > b {
            [1.0, 0.0]
        } else {
            [0.0, 1.0]
        }
    })
    .check(pts);
    binary("min", m_min, m_min_jvp, m_min_vjp, |a, b| {
        if a < b {
            [1.0, 0.0]
        } else {
            [0.0, 1.0]
        }
    })
    .check(pts);
    // clamp(x, lo, hi): 1 to x inside [lo, hi], else 1 to the bound returned.
    ternary("clamp", m_clamp, m_clamp_jvp, m_clamp_vjp, |x, lo, hi| {
        if x < lo {
            [0.0, 1.0, 0.0]
        } else if x > hi {
            [0.0, 0.0, 1.0]
        } else {
            [1.0, 0.0, 0.0]
        }
    })
    .check(&[&[0.5, -1.0, 2.0], &[-3.0, -1.0, 2.0], &[5.0, -1.0, 2.0]]);
}

#[test]
fn documented_conventions_at_kinks() {
    // The conventions of ad::rules at non-differentiable points reach the generated code:
    // |x|' = 0 at x = 0; max/min give ½ to each argument at a tie; clamp gives 1 to x at a bound.
    assert_eq!(m_abs_jvp(0.0, 1.0), (0.0, 0.0));
    assert_eq!(m_abs_vjp(-0.0, 1.0).1, 0.0);
    assert_eq!(m_max_vjp(1.5, 1.5, 1.0), (1.5, 0.5, 0.5));
    assert_eq!(m_min_jvp(1.5, 1.0, 1.5, 0.0), (1.5, 0.5));
    assert_eq!(m_clamp_vjp(2.0, -1.0, 2.0, 1.0), (2.0, 1.0, 0.0, 0.0));
    // (√x)' at 0 is the one-sided limit +∞.
    assert_eq!(m_sqrt_jvp(0.0, 1.0), (0.0, f64::INFINITY));
}

// ---------------------------------------------------------------- shared and constant operands

/// The same variable in both operands of binary and ternary primitives: the adjoint must
/// collect both partials.
#[differentiate(forward, reverse)]
fn same_operand(x: f64) -> f64 {
    x.powf(x) + x.hypot(x) + x.atan2(x) + x.mul_add(x, x) + x.max(x) + x.log(x + 1.0)
}

#[test]
fn same_variable_in_several_operands() {
    // (xˣ)' = xˣ (ln x + 1); hypot(x, x) = √2 x; atan2(x, x) = π/4; (x² + x)' = 2x + 1;
    // max(x, x)' = 1 (½ + ½ at the tie); log_{x+1} x = ln x / ln(x + 1), whose derivative is
    // 1/(x ln(x + 1)) − ln x / ((x + 1) ln²(x + 1)).
    unary(
        "same_operand",
        same_operand,
        same_operand_jvp,
        same_operand_vjp,
        |x| {
            let l1 = (x + 1.0).ln();
            x.powf(x) * (x.ln() + 1.0) + 2f64.sqrt() + 2.0 * x + 1.0 + 1.0 + 1.0 / (x * l1)
                - x.ln() / ((x + 1.0) * l1 * l1)
        },
    )
    .tol(1e-11)
    .check(&[&[0.4], &[1.3], &[2.5]]);
}

/// Primitives whose other operands are constants, some at points where the constant's own
/// partial would be NaN or infinite.
#[differentiate(forward, reverse)]
fn constant_operands(x: f64) -> f64 {
    x.powf(2.0) + 0.0f64.atan2(x) + x.atan2(0.0) + 5.0f64.clamp(x, 10.0) + x.hypot(0.0)
}

#[test]
fn constant_operands_contribute_nothing() {
    // x² + atan2(0, x) + atan2(x, 0) + clamp(5, x, 10) + |x|. At x < 0 the exponent's partial
    // xᵖ ln x is NaN, but the exponent is a constant: the derivative is 2x − 1 (the atan2
    // terms are locally constant, clamp returns 5 when x < 5).
    unary(
        "constant_operands",
        constant_operands,
        constant_operands_jvp,
        constant_operands_vjp,
        |x| 2.0 * x + x.signum() + if x > 5.0 { 1.0 } else { 0.0 },
    )
    .check(&[&[-2.0], &[-0.5], &[1.5], &[7.0]]);
}
