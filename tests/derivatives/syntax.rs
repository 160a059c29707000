//! Statement-level syntax: `let` with names, tuple patterns, `_` and type annotations;
//! shadowing; `let mut` with `=` and compound assignment; block expressions and scoping;
//! `const` items inside the body and at module level; `std::f64::consts`; int → float casts of
//! `usize` parameters and integer constants; an explicit final `return`; local tuples and arrays.

use crate::common::Model;
use ad::differentiate;

const GRAVITY: f64 = 9.81;
const RK_STEP: f64 = 0.1;
const POWER: i32 = 3;

/// Compound interest `P (1 + r/n)^(n t)`: a `usize` parameter cast to `f64`.
#[differentiate(forward, reverse)]
fn compound_interest(principal: f64, rate: f64, years: f64, n: usize) -> f64 {
    let periods = n as f64;
    principal * (1.0 + rate / periods).powf(periods * years)
}

#[test]
fn compound_interest_with_usize_param() {
    type Jvp = fn(f64, f64, f64, f64, f64, f64, usize) -> (f64, f64);
    type Vjp = fn(f64, f64, f64, usize, f64) -> (f64, f64, f64, f64);
    let _: Jvp = compound_interest_jvp;
    let _: Vjp = compound_interest_vjp;
    for n in [1usize, 4, 12, 365] {
        // A = P q^(n t), q = 1 + r/n: ∂P = A/P, ∂r = A t / q, ∂t = A n ln q
        Model::new("compound_interest", 3, 1, move |p| {
            vec![compound_interest(p[0], p[1], p[2], n)]
        })
        .jvp(move |p, v| {
            let (y, dy) = compound_interest_jvp(p[0], v[0], p[1], v[1], p[2], v[2], n);
            (vec![y], vec![dy])
        })
        .vjp(move |p, w| {
            let (y, gp, gr, gt) = compound_interest_vjp(p[0], p[1], p[2], n, w[0]);
            (vec![y], vec![gp, gr, gt])
        })
        .gradient(move |p| {
            let (principal, rate, years) = (p[0], p[1], p[2]);
            let nf = n as f64;
            let q = 1.0 + rate / nf;
            let a = principal * q.powf(nf * years);
            vec![a / principal, a * years / q, a * nf * q.ln()]
        })
        .tol(1e-11)
        .check(&[&[1000.0, 0.05, 10.0], &[250.0, 0.12, 2.5]]);
    }
}

/// Simpson's rule for `∫ₐᵇ sin x dx` with a fixed number of intervals: an integer `const` in
/// the body cast to `f64`, `let mut` with `+=`, and an unrolled sum.
#[differentiate(forward, reverse)]
fn simpson_sin(a: f64, b: f64) -> f64 {
    const INTERVALS: usize = 4;
    let h = (b - a) / INTERVALS as f64;
    let mut sum = a.sin();
    sum += 4.0 * (a + h).sin();
    sum += 2.0 * (a + 2.0 * h).sin();
    sum += 4.0 * (a + 3.0 * h).sin();
    sum += b.sin();
    sum * h / 3.0
}

#[test]
fn simpson_rule() {
    let m = Model::new("simpson_sin", 2, 1, |p| vec![simpson_sin(p[0], p[1])])
        .jvp(|p, v| {
            let (y, dy) = simpson_sin_jvp(p[0], v[0], p[1], v[1]);
            (vec![y], vec![dy])
        })
        .vjp(|p, w| {
            let (y, ga, gb) = simpson_sin_vjp(p[0], p[1], w[0]);
            (vec![y], vec![ga, gb])
        });
    m.check(&[&[0.0, 1.0], &[-0.5, 2.0], &[1.0, 1.3]]);
    // The rule is accurate, so its gradient is close to that of the exact integral
    // cos a − cos b, i.e. (−sin a, sin b).
    let (_, ga, gb) = simpson_sin_vjp(0.2, 0.9, 1.0);
    approx::assert_abs_diff_eq!(ga, -(0.2f64.sin()), epsilon = 1e-4);
    approx::assert_abs_diff_eq!(gb, 0.9f64.sin(), epsilon = 1e-4);
}

/// One classical Runge–Kutta step for `y' = −k y + sin t`, with block expressions for the
/// stages and a module-level step size.
#[differentiate(forward, reverse)]
fn rk4_step(y: f64, t: f64, k: f64) -> f64 {
    let k1 = -k * y + t.sin();
    let k2 = {
        let y_mid = y + 0.5 * RK_STEP * k1;
        -k * y_mid + (t + 0.5 * RK_STEP).sin()
    };
    let k3 = {
        let y_mid = y + 0.5 * RK_STEP * k2;
        -k * y_mid + (t + 0.5 * RK_STEP).sin()
    };
    let k4 = {
        let y_end = y + RK_STEP * k3;
        -k * y_end + (t + RK_STEP).sin()
    };
    y + RK_STEP / 6.0 * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
}

#[test]
fn runge_kutta_blocks() {
    // ∂y_next/∂y = Σ_{j=0..4} (−k h)^j / j!, the RK4 stability polynomial.
    Model::new("rk4_step", 3, 1, |p| vec![rk4_step(p[0], p[1], p[2])])
        .jvp(|p, v| {
            let (y, dy) = rk4_step_jvp(p[0], v[0], p[1], v[1], p[2], v[2]);
            (vec![y], vec![dy])
        })
        .vjp(|p, w| {
            let (y, gy, gt, gk) = rk4_step_vjp(p[0], p[1], p[2], w[0]);
            (vec![y], vec![gy, gt, gk])
        })
        .check(&[&[1.0, 0.0, 0.5], &[-2.0, 1.3, 3.0]]);
    for k in [0.5, 2.0, 7.0] {
        let z = -k * RK_STEP;
        let stability = 1.0 + z + z * z / 2.0 + z * z * z / 6.0 + z * z * z * z / 24.0;
        let (_, gy, _, _) = rk4_step_vjp(0.8, 0.4, k, 1.0);
        approx::assert_relative_eq!(gy, stability, max_relative = 1e-13);
    }
}

/// Specific mechanical energy in kJ/kg, built up with every compound assignment.
#[differentiate(forward, reverse)]
fn specific_energy(mass: f64, vx: f64, vy: f64, height: f64) -> f64 {
    let mut e = 0.0;
    e += 0.5 * mass * vx * vx;
    e += 0.5 * mass * vy * vy;
    e += mass * GRAVITY * height;
    e -= 0.1 * e;
    e *= 1.0 / 1000.0;
    e /= mass;
    e
}

#[test]
fn compound_assignment() {
    // e = 0.9 (½ (vx² + vy²) + g h) / 1000 does not depend on the mass:
    // ∂m = 0, ∂vx = 0.9 vx / 1000, ∂vy = 0.9 vy / 1000, ∂h = 0.9 g / 1000.
    Model::new("specific_energy", 4, 1, |p| {
        vec![specific_energy(p[0], p[1], p[2], p[3])]
    })
    .jvp(|p, v| {
        let (y, dy) = specific_energy_jvp(p[0], v[0], p[1], v[1], p[2], v[2], p[3], v[3]);
        (vec![y], vec![dy])
    })
    .vjp(|p, w| {
        let (y, gm, gx, gy, gh) = specific_energy_vjp(p[0], p[1], p[2], p[3], w[0]);
        (vec![y], vec![gm, gx, gy, gh])
    })
    .gradient(|p| {
        vec![
            0.0,
            0.9 * p[1] / 1000.0,
            0.9 * p[2] / 1000.0,
            0.9 * GRAVITY / 1000.0,
        ]
    })
    .tol(1e-11)
    .scale(1e-3)
    .check(&[&[70.0, 3.0, -1.0, 10.0], &[0.5, -20.0, 15.0, 0.0]]);
}

/// Shadowing: each `let x` makes a new value from the previous one.
#[allow(clippy::let_and_return)] // deliberate
#[differentiate(forward, reverse)]
fn shadowing(x: f64) -> f64 {
    let x = x * 2.0;
    let x = x.sin() + x;
    let y = x;
    let x = y * y;
    x
}

#[test]
fn shadowed_bindings() {
    // u = 2x, w = sin u + u, result w²: derivative 2 w (cos u + 1) · 2
    Model::new("shadowing", 1, 1, |p| vec![shadowing(p[0])])
        .jvp(|p, v| {
            let (y, dy) = shadowing_jvp(p[0], v[0]);
            (vec![y], vec![dy])
        })
        .vjp(|p, w| {
            let (y, g) = shadowing_vjp(p[0], w[0]);
            (vec![y], vec![g])
        })
        .gradient(|p| {
            let u = 2.0 * p[0];
            let w = u.sin() + u;
            vec![2.0 * w * (u.cos() + 1.0) * 2.0]
        })
        .check(&[&[-1.0], &[0.3], &[2.0]]);
}

/// Tuple patterns with `_`, type annotations on patterns, and `sin_cos` destructured.
#[differentiate(forward, reverse)]
fn second_moment(r: f64, theta: f64) -> f64 {
    let (s, c) = theta.sin_cos();
    let (x, y): (f64, f64) = (r * c, r * s);
    let (_, yy) = (x, y * y);
    let area: f64 = x * yy;
    area
}

#[test]
fn tuple_patterns() {
    // x y² = r³ cos θ sin² θ: ∂r = 3 r² cos θ sin² θ, ∂θ = r³ (2 sin θ cos² θ − sin³ θ)
    Model::new("second_moment", 2, 1, |p| vec![second_moment(p[0], p[1])])
        .jvp(|p, v| {
            let (y, dy) = second_moment_jvp(p[0], v[0], p[1], v[1]);
            (vec![y], vec![dy])
        })
        .vjp(|p, w| {
            let (y, gr, gt) = second_moment_vjp(p[0], p[1], w[0]);
            (vec![y], vec![gr, gt])
        })
        .gradient(|p| {
            let (r, t) = (p[0], p[1]);
            let (s, c) = t.sin_cos();
            vec![
                3.0 * r * r * c * s * s,
                r * r * r * (2.0 * s * c * c - s * s * s),
            ]
        })
        .check(&[&[1.5, 0.4], &[0.7, -2.0], &[2.0, 3.0]]);
}

/// The log-odds, ending with an explicit `return`.
#[allow(clippy::needless_return)] // deliberate
#[differentiate(forward, reverse)]
fn logit(p: f64) -> f64 {
    let odds = p / (1.0 - p);
    return odds.ln();
}

#[test]
fn final_return() {
    // (ln(p/(1 − p)))' = 1/(p(1 − p))
    Model::new("logit", 1, 1, |p| vec![logit(p[0])])
        .jvp(|p, v| {
            let (y, dy) = logit_jvp(p[0], v[0]);
            (vec![y], vec![dy])
        })
        .vjp(|p, w| {
            let (y, g) = logit_vjp(p[0], w[0]);
            (vec![y], vec![g])
        })
        .gradient(|p| vec![1.0 / (p[0] * (1.0 - p[0]))])
        .step(1e-4)
        .check(&[&[0.1], &[0.5], &[0.93]]);
}

/// Block expressions: inner `let`s shadow outer names only inside the block, and a block can
/// update an outer `let mut`.
#[differentiate(forward, reverse)]
fn block_scoping(x: f64, y: f64) -> f64 {
    let mut acc = x;
    let inner = {
        let x = x * 3.0;
        let y = y + x;
        x * y
    };
    {
        acc *= y;
        acc += inner;
    }
    acc + x
}

#[test]
fn block_scoping_rules() {
    // 3x(y + 3x) + x y + x = 3xy + 9x² + xy + x: ∂x = 4y + 18x + 1, ∂y = 4x
    Model::new("block_scoping", 2, 1, |p| vec![block_scoping(p[0], p[1])])
        .jvp(|p, v| {
            let (y, dy) = block_scoping_jvp(p[0], v[0], p[1], v[1]);
            (vec![y], vec![dy])
        })
        .vjp(|p, w| {
            let (y, gx, gy) = block_scoping_vjp(p[0], p[1], w[0]);
            (vec![y], vec![gx, gy])
        })
        .gradient(|p| vec![4.0 * p[1] + 18.0 * p[0] + 1.0, 4.0 * p[0]])
        .check(&[&[1.0, 2.0], &[-0.5, 3.0]]);
}

/// A Gaussian kernel density contribution using `use std::f64::consts::*` inside the body,
/// a renamed import, a fully qualified constant and `f64::EPSILON`.
#[allow(clippy::eq_op)] // `E / E`, deliberate
#[differentiate(forward, reverse)]
fn gaussian_kernel(x: f64, center: f64, bandwidth: f64) -> f64 {
    use std::f64::consts::SQRT_2 as ROOT2;
    use std::f64::consts::*;
    let u = (x - center) / (bandwidth + f64::EPSILON);
    let norm = 1.0 / ((2.0 * PI).sqrt() * bandwidth);
    let scale = ROOT2 * FRAC_1_SQRT_2;
    norm * (-0.5 * u * u).exp() * scale * (std::f64::consts::E / E)
}

#[test]
fn std_constants() {
    // K = exp(−u²/2) / (√(2π) h), u = (x − c)/h (ε negligible, scale factors are 1):
    // ∂x = −K u / h, ∂c = K u / h, ∂h = K (u² − 1) / h
    Model::new("gaussian_kernel", 3, 1, |p| {
        vec![gaussian_kernel(p[0], p[1], p[2])]
    })
    .jvp(|p, v| {
        let (y, dy) = gaussian_kernel_jvp(p[0], v[0], p[1], v[1], p[2], v[2]);
        (vec![y], vec![dy])
    })
    .vjp(|p, w| {
        let (y, gx, gc, gh) = gaussian_kernel_vjp(p[0], p[1], p[2], w[0]);
        (vec![y], vec![gx, gc, gh])
    })
    .gradient(|p| {
        let (x, c, h) = (p[0], p[1], p[2]);
        let u = (x - c) / h;
        let k = (-0.5 * u * u).exp() / ((2.0 * std::f64::consts::PI).sqrt() * h);
        vec![-k * u / h, k * u / h, k * (u * u - 1.0) / h]
    })
    .tol(1e-10)
    .check(&[&[0.3, 0.0, 1.0], &[2.0, 1.5, 0.4]]);
}

/// Integer arithmetic on a `usize` parameter before the cast, `powi` with a cast exponent
/// and with a module-level `i32` constant.
#[differentiate(forward, reverse)]
fn int_arithmetic(x: f64, n: usize) -> f64 {
    let m = (n * 2 + 1) as f64;
    x.powi(n as i32) / m + x.powi(POWER)
}

#[test]
fn integer_casts() {
    for n in [1usize, 2, 5] {
        // xⁿ/(2n + 1) + x³: derivative n xⁿ⁻¹/(2n + 1) + 3x²
        Model::new("int_arithmetic", 1, 1, move |p| {
            vec![int_arithmetic(p[0], n)]
        })
        .jvp(move |p, v| {
            let (y, dy) = int_arithmetic_jvp(p[0], v[0], n);
            (vec![y], vec![dy])
        })
        .vjp(move |p, w| {
            let (y, g) = int_arithmetic_vjp(p[0], n, w[0]);
            (vec![y], vec![g])
        })
        .gradient(move |p| {
            let x = p[0];
            let nf = n as f64;
            vec![nf * x.powi(n as i32 - 1) / (2.0 * nf + 1.0) + 3.0 * x * x]
        })
        .check(&[&[-1.5], &[0.5], &[2.0]]);
    }
}

/// A quadratic Bézier curve by de Casteljau's algorithm on a local array with literal
/// indices, element assignment and a repeat expression.
#[differentiate(forward, reverse)]
fn bezier2(p0: f64, p1: f64, p2: f64, t: f64) -> f64 {
    let mut pts = [0.0; 3];
    pts[0] = p0;
    pts[1] = p1;
    pts[2] = p2;
    pts[0] = pts[0] * (1.0 - t) + pts[1] * t;
    pts[1] = pts[1] * (1.0 - t) + pts[2] * t;
    pts[0] * (1.0 - t) + pts[1] * t
}

#[test]
fn local_arrays() {
    // B = (1 − t)² p0 + 2t(1 − t) p1 + t² p2:
    // ∂p0 = (1 − t)², ∂p1 = 2t(1 − t), ∂p2 = t², ∂t = 2(1 − t)(p1 − p0) + 2t(p2 − p1)
    Model::new("bezier2", 4, 1, |p| vec![bezier2(p[0], p[1], p[2], p[3])])
        .jvp(|p, v| {
            let (y, dy) = bezier2_jvp(p[0], v[0], p[1], v[1], p[2], v[2], p[3], v[3]);
            (vec![y], vec![dy])
        })
        .vjp(|p, w| {
            let (y, g0, g1, g2, gt) = bezier2_vjp(p[0], p[1], p[2], p[3], w[0]);
            (vec![y], vec![g0, g1, g2, gt])
        })
        .gradient(|p| {
            let (p0, p1, p2, t) = (p[0], p[1], p[2], p[3]);
            vec![
                (1.0 - t) * (1.0 - t),
                2.0 * t * (1.0 - t),
                t * t,
                2.0 * (1.0 - t) * (p1 - p0) + 2.0 * t * (p2 - p1),
            ]
        })
        .check(&[&[0.0, 1.0, 0.5, 0.3], &[-1.0, 2.0, 4.0, 0.8]]);
}

/// Exponential smoothing of three observations with a local tuple as state: tuple fields
/// read as `s.0` and assigned as `s.1 = ..`.
#[differentiate(forward, reverse)]
fn smoothed_level(y1: f64, y2: f64, y3: f64, alpha: f64) -> f64 {
    let mut state = (y1, 0.0);
    state.1 = alpha * y2 + (1.0 - alpha) * state.0;
    state.0 = alpha * y3 + (1.0 - alpha) * state.1;
    state.0
}

#[test]
fn local_tuples() {
    // s = α y3 + (1 − α)(α y2 + (1 − α) y1):
    // ∂y1 = (1 − α)², ∂y2 = α(1 − α), ∂y3 = α, ∂α = y3 − (α y2 + (1 − α) y1) + (1 − α)(y2 − y1)
    Model::new("smoothed_level", 4, 1, |p| {
        vec![smoothed_level(p[0], p[1], p[2], p[3])]
    })
    .jvp(|p, v| {
        let (y, dy) = smoothed_level_jvp(p[0], v[0], p[1], v[1], p[2], v[2], p[3], v[3]);
        (vec![y], vec![dy])
    })
    .vjp(|p, w| {
        let (y, g1, g2, g3, ga) = smoothed_level_vjp(p[0], p[1], p[2], p[3], w[0]);
        (vec![y], vec![g1, g2, g3, ga])
    })
    .gradient(|p| {
        let (y1, y2, y3, a) = (p[0], p[1], p[2], p[3]);
        let s2 = a * y2 + (1.0 - a) * y1;
        vec![
            (1.0 - a) * (1.0 - a),
            a * (1.0 - a),
            a,
            y3 - s2 + (1.0 - a) * (y2 - y1),
        ]
    })
    .check(&[&[1.0, 2.0, 4.0, 0.3], &[-3.0, 0.5, 1.0, 0.9]]);
}

/// `%=` on a `let mut`, and `let mut` with a type annotation reassigned with `=`.
#[differentiate(forward, reverse)]
fn remainder_assign(x: f64, y: f64) -> f64 {
    let mut a: f64 = x * 3.0;
    a %= 2.0;
    let mut b: f64 = y;
    b = b * a + 1.0;
    b
}

#[test]
fn remainder_assignment() {
    // y·((3x) % 2) + 1: ∂x = 3y, ∂y = (3x) % 2 away from the jumps of the remainder
    Model::new("remainder_assign", 2, 1, |p| {
        vec![remainder_assign(p[0], p[1])]
    })
    .jvp(|p, v| {
        let (y, dy) = remainder_assign_jvp(p[0], v[0], p[1], v[1]);
        (vec![y], vec![dy])
    })
    .vjp(|p, w| {
        let (y, gx, gy) = remainder_assign_vjp(p[0], p[1], w[0]);
        (vec![y], vec![gx, gy])
    })
    .gradient(|p| vec![3.0 * p[1], (3.0 * p[0]) % 2.0])
    .check(&[&[0.1, 2.0], &[1.5, -0.5], &[-0.9, 1.0]]);
}

/// Nested blocks that assign to an outer `let mut`, and an inner block shadowing it.
#[differentiate(forward, reverse)]
fn nested_blocks(x: f64, y: f64) -> f64 {
    let mut acc = x;
    let bump = {
        let acc = acc * 100.0;
        acc + y
    };
    acc += bump;
    {
        let mut t = y;
        t *= 3.0;
        {
            acc += t * x;
        }
    }
    acc
}

#[test]
fn nested_block_assignment() {
    // x + (100x + y) + 3yx: ∂x = 101 + 3y, ∂y = 1 + 3x
    Model::new("nested_blocks", 2, 1, |p| vec![nested_blocks(p[0], p[1])])
        .jvp(|p, v| {
            let (y, d) = nested_blocks_jvp(p[0], v[0], p[1], v[1]);
            (vec![y], vec![d])
        })
        .vjp(|p, w| {
            let (y, gx, gy) = nested_blocks_vjp(p[0], p[1], w[0]);
            (vec![y], vec![gx, gy])
        })
        .gradient(|p| vec![101.0 + 3.0 * p[1], 1.0 + 3.0 * p[0]])
        .check(&[&[1.5, 0.5], &[-2.0, 4.0]]);
}

/// Tuple patterns that swap names, nest, and bind `mut`; compound assignment into tuple
/// fields and array elements.
#[differentiate(forward, reverse)]
fn patterns_and_places(x: f64, y: f64) -> f64 {
    let (x, y) = (y, x * 2.0);
    let ((a, b), c) = ((x, y), x * y);
    let (mut m, n) = (a, b);
    m += n;
    let mut t = (m, c);
    t.0 *= 2.0;
    t.1 -= t.0;
    let mut arr = [t.0, t.1, 1.0];
    arr[1] /= 4.0;
    arr[2] += arr[0] * arr[1];
    arr[0] + arr[1] + arr[2]
}

#[test]
fn patterns_and_assignment_places() {
    // With u = y, v = 2x: m = u + v, t0 = 2m, t1 = uv − t0, arr1 = t1/4,
    // result = t0 + arr1 + 1 + t0 arr1 = t0 + 1 + arr1 (1 + t0).
    let f = |x: f64, y: f64| {
        let (u, v) = (y, 2.0 * x);
        let t0 = 2.0 * (u + v);
        let a1 = (u * v - t0) / 4.0;
        t0 + 1.0 + a1 * (1.0 + t0)
    };
    Model::new("patterns_and_places", 2, 1, |p| {
        vec![patterns_and_places(p[0], p[1])]
    })
    .jvp(|p, v| {
        let (y, d) = patterns_and_places_jvp(p[0], v[0], p[1], v[1]);
        (vec![y], vec![d])
    })
    .vjp(|p, w| {
        let (y, gx, gy) = patterns_and_places_vjp(p[0], p[1], w[0]);
        (vec![y], vec![gx, gy])
    })
    .gradient(|p| {
        // ∂t0/∂x = 4, ∂t0/∂y = 2; ∂a1/∂x = (2y − 4)/4, ∂a1/∂y = (2x − 2)/4
        let (x, y) = (p[0], p[1]);
        let t0 = 2.0 * (y + 2.0 * x);
        let a1 = (2.0 * x * y - t0) / 4.0;
        let (da_dx, da_dy) = ((2.0 * y - 4.0) / 4.0, (2.0 * x - 2.0) / 4.0);
        vec![
            4.0 + da_dx * (1.0 + t0) + a1 * 4.0,
            2.0 + da_dy * (1.0 + t0) + a1 * 2.0,
        ]
    })
    .check(&[&[1.5, 0.5], &[-2.0, 4.0]]);
    for (x, y) in [(0.3, 0.7), (-1.0, 2.0)] {
        approx::assert_relative_eq!(patterns_and_places(x, y), f(x, y), max_relative = 1e-14);
    }
}

/// Literal spellings: exponents, suffixes, underscores, a trailing dot; methods on literal
/// receivers.
#[differentiate(forward, reverse)]
fn literal_forms(x: f64) -> f64 {
    x * 1e-3 + 2f64 * x + 1_000.5 + 2. * x + 0.5E1 * x + 2.0_f64.powf(x) + (2.0f64).ln() * x
}

#[test]
fn literal_spellings() {
    // 0.001 + 2 + 2 + 5 + 2ˣ ln 2 + ln 2
    for x in [-1.0, 0.5, 3.0] {
        let expected = 9.001 + 2f64.powf(x) * 2f64.ln() + 2f64.ln();
        let (v, d) = literal_forms_jvp(x, 1.0);
        assert_eq!(v, literal_forms(x));
        approx::assert_relative_eq!(d, expected, max_relative = 1e-14);
        let (v2, g) = literal_forms_vjp(x, 1.0);
        assert_eq!(v2, v);
        approx::assert_relative_eq!(g, expected, max_relative = 1e-14);
    }
}

/// Integer parameters of several types: `i32` straight into `powi`, `u32` cast, integer
/// methods, a `bool` cast to a number, and a float name shadowed by an integer.
#[differentiate(forward, reverse)]
fn integer_params(x: f64, k: i32, m: u32, n: usize, flag: bool) -> f64 {
    let a = x.powi(k) + x.powi(m as i32);
    let b = n.pow(2) as f64 * x + n.max(1) as f64 * x;
    let c = (flag as i32) as f64 * x;
    let x = 2;
    (a + b + c) * x as f64
}

#[test]
fn integer_parameters() {
    type Jvp = fn(f64, f64, i32, u32, usize, bool) -> (f64, f64);
    type Vjp = fn(f64, i32, u32, usize, bool, f64) -> (f64, f64);
    let _: Jvp = integer_params_jvp;
    let _: Vjp = integer_params_vjp;
    // 2 (k xᵏ⁻¹ + m xᵐ⁻¹ + n² + max(n, 1) + [flag])
    for (k, m, n, flag) in [(3, 2u32, 0usize, true), (-1, 4, 3, false)] {
        Model::new("integer_params", 1, 1, move |p| {
            vec![integer_params(p[0], k, m, n, flag)]
        })
        .jvp(move |p, v| {
            let (y, d) = integer_params_jvp(p[0], v[0], k, m, n, flag);
            (vec![y], vec![d])
        })
        .vjp(move |p, w| {
            let (y, g) = integer_params_vjp(p[0], k, m, n, flag, w[0]);
            (vec![y], vec![g])
        })
        .gradient(move |p| {
            let x = p[0];
            let d = f64::from(k) * x.powi(k - 1)
                + f64::from(m) * x.powi(m as i32 - 1)
                + (n * n) as f64
                + n.max(1) as f64
                + f64::from(u8::from(flag));
            vec![2.0 * d]
        })
        .check(&[&[0.5], &[1.7], &[-2.0]]);
    }
}

/// Float → integer casts are piecewise constant: they stop the derivative.
#[differentiate(forward, reverse)]
fn bucketed(x: f64) -> f64 {
    let bucket = (x * 4.0) as i64;
    let above = (x > 1.0) as i32 as f64;
    bucket as f64 * x + above * x * x
}

#[test]
fn float_to_integer_casts() {
    // b x + [x > 1] x² with b = trunc(4x) held constant: b + 2x [x > 1]
    Model::new("bucketed", 1, 1, |p| vec![bucketed(p[0])])
        .jvp(|p, v| {
            let (y, d) = bucketed_jvp(p[0], v[0]);
            (vec![y], vec![d])
        })
        .vjp(|p, w| {
            let (y, g) = bucketed_vjp(p[0], w[0]);
            (vec![y], vec![g])
        })
        .gradient(|p| {
            let x = p[0];
            let b = (x * 4.0).trunc();
            vec![b + if x > 1.0 { 2.0 * x } else { 0.0 }]
        })
        .check(&[&[0.1], &[0.6], &[1.6], &[-2.1]]);
}

/// A `const` declared after its use (items are visible in the whole block), a block as the
/// tail expression, and a dead intermediate that would be NaN.
#[differentiate(forward, reverse)]
fn odd_order(x: f64) -> f64 {
    let y = x * TWICE;
    const TWICE: f64 = 2.0;
    let _unused = (x - 10.0).ln();
    {
        let z = y.sin();
        z * z
    }
}

#[test]
fn items_after_use_tail_blocks_and_dead_code() {
    // sin²(2x)' = 2 sin(2x) cos(2x) · 2 = 2 sin(4x); the dead ln(x − 10) (NaN here) must not
    // leak into the derivative.
    Model::new("odd_order", 1, 1, |p| vec![odd_order(p[0])])
        .jvp(|p, v| {
            let (y, d) = odd_order_jvp(p[0], v[0]);
            (vec![y], vec![d])
        })
        .vjp(|p, w| {
            let (y, g) = odd_order_vjp(p[0], w[0]);
            (vec![y], vec![g])
        })
        .gradient(|p| vec![2.0 * (4.0 * p[0]).sin()])
        .check(&[&[-1.0], &[0.3], &[2.0]]);
}
