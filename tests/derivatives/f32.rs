//! f32 functions. Finite differences are useless at single precision, so the derivatives are
//! checked against analytic Jacobians evaluated in f64 with a single-precision tolerance, and
//! against f64 twins of the same functions. Values must still equal the f32 primal exactly.

use crate::common::Model;
use ad::differentiate;

const TOL32: f64 = 2e-5;

/// Logistic loss of one example in single precision.
#[differentiate(forward, reverse)]
fn logistic_loss32(w: f32, b: f32, x: f32, y: f32) -> f32 {
    let z = w * x + b;
    z.max(0.0) + (-z.abs()).exp().ln_1p() - y * z
}

#[test]
fn logistic_loss_f32() {
    type Jvp = fn(f32, f32, f32, f32, f32, f32, f32, f32) -> (f32, f32);
    type Vjp = fn(f32, f32, f32, f32, f32) -> (f32, f32, f32, f32, f32);
    let _: Jvp = logistic_loss32_jvp;
    let _: Vjp = logistic_loss32_vjp;
    let c = |p: &[f64]| -> Vec<f32> { p.iter().map(|x| *x as f32).collect() };
    // ∂w = (σ(z) − y) x, ∂b = σ(z) − y, ∂x = (σ(z) − y) w, ∂y = −z
    Model::new("logistic_loss32", 4, 1, move |p| {
        let p = c(p);
        vec![f64::from(logistic_loss32(p[0], p[1], p[2], p[3]))]
    })
    .jvp(move |p, v| {
        let (p, v) = (c(p), c(v));
        let (l, dl) = logistic_loss32_jvp(p[0], v[0], p[1], v[1], p[2], v[2], p[3], v[3]);
        (vec![f64::from(l)], vec![f64::from(dl)])
    })
    .vjp(move |p, w| {
        let p = c(p);
        let (l, a, b, x, y) = logistic_loss32_vjp(p[0], p[1], p[2], p[3], w[0] as f32);
        (vec![f64::from(l)], [a, b, x, y].map(f64::from).to_vec())
    })
    .gradient(|p| {
        let (w, b, x, y) = (p[0], p[1], p[2], p[3]);
        let z = w * x + b;
        let r = 1.0 / (1.0 + (-z).exp()) - y;
        vec![r * x, r, r * w, -z]
    })
    .no_fd()
    .tol(TOL32)
    .check(&[&[0.5, -0.25, 1.5, 1.0], &[-2.0, 0.375, 4.0, 0.0]]);
}

/// Polar to Cartesian in f32, with the path form of the methods.
#[differentiate(forward, reverse)]
fn polar32(r: f32, theta: f32) -> (f32, f32) {
    (r * f32::cos(theta), r * f32::sin(theta))
}

#[test]
fn polar_f32() {
    type Jvp = fn(f32, f32, f32, f32) -> ((f32, f32), (f32, f32));
    type Vjp = fn(f32, f32, (f32, f32)) -> ((f32, f32), f32, f32);
    let _: Jvp = polar32_jvp;
    let _: Vjp = polar32_vjp;
    Model::new("polar32", 2, 2, |p| {
        let (x, y) = polar32(p[0] as f32, p[1] as f32);
        vec![f64::from(x), f64::from(y)]
    })
    .jvp(|p, v| {
        let ((x, y), (dx, dy)) = polar32_jvp(p[0] as f32, v[0] as f32, p[1] as f32, v[1] as f32);
        (
            [x, y].map(f64::from).to_vec(),
            [dx, dy].map(f64::from).to_vec(),
        )
    })
    .vjp(|p, w| {
        let ((x, y), gr, gt) = polar32_vjp(p[0] as f32, p[1] as f32, (w[0] as f32, w[1] as f32));
        (
            [x, y].map(f64::from).to_vec(),
            [gr, gt].map(f64::from).to_vec(),
        )
    })
    .jacobian(|p| {
        let (r, t) = (p[0], p[1]);
        vec![vec![t.cos(), -r * t.sin()], vec![t.sin(), r * t.cos()]]
    })
    .no_fd()
    .tol(TOL32)
    .check(&[&[1.0, 0.5], &[2.5, -2.0]]);
}

/// A rotation by θ + π/4, returning `[f32; 2]`, with an f32 std constant.
#[differentiate(forward, reverse)]
fn rotate_eighth32(x: f32, y: f32, theta: f32) -> [f32; 2] {
    let a = theta + std::f32::consts::FRAC_PI_4;
    let (s, c) = a.sin_cos();
    [c * x - s * y, s * x + c * y]
}

#[test]
fn rotation_f32() {
    Model::new("rotate_eighth32", 3, 2, |p| {
        rotate_eighth32(p[0] as f32, p[1] as f32, p[2] as f32)
            .map(f64::from)
            .to_vec()
    })
    .jvp(|p, v| {
        let (y, dy) = rotate_eighth32_jvp(
            p[0] as f32,
            v[0] as f32,
            p[1] as f32,
            v[1] as f32,
            p[2] as f32,
            v[2] as f32,
        );
        (y.map(f64::from).to_vec(), dy.map(f64::from).to_vec())
    })
    .vjp(|p, w| {
        let (y, gx, gy, ga) = rotate_eighth32_vjp(
            p[0] as f32,
            p[1] as f32,
            p[2] as f32,
            [w[0] as f32, w[1] as f32],
        );
        (
            y.map(f64::from).to_vec(),
            [gx, gy, ga].map(f64::from).to_vec(),
        )
    })
    .jacobian(|p| {
        let (x, y) = (p[0], p[1]);
        let a = p[2] as f32 as f64 + std::f64::consts::FRAC_PI_4;
        let (s, c) = a.sin_cos();
        vec![vec![c, -s, -s * x - c * y], vec![s, c, c * x - s * y]]
    })
    .no_fd()
    .tol(TOL32)
    .check(&[&[1.0, 0.0, 0.5], &[-2.0, 3.0, 2.0]]);
}

/// Gaussian log-density in f32 (suffixed literals, an imported f32 constant) and its f64 twin.
#[differentiate(forward, reverse)]
fn gaussian32(x: f32, mu: f32, sigma: f32) -> f32 {
    use std::f32::consts::PI;
    let z = (x - mu) / sigma;
    -0.5f32 * z * z - sigma.ln() - 0.5_f32 * (2.0 * PI).ln()
}

#[differentiate(forward, reverse)]
fn gaussian64(x: f64, mu: f64, sigma: f64) -> f64 {
    use std::f64::consts::PI;
    let z = (x - mu) / sigma;
    -0.5f64 * z * z - sigma.ln() - 0.5_f64 * (2.0 * PI).ln()
}

#[test]
fn gaussian_f32_matches_f64_twin() {
    for (x, mu, s) in [
        (0.5f32, 0.0f32, 1.0f32),
        (1.75, -0.5, 0.75),
        (-3.0, 2.0, 2.5),
    ] {
        let (xd, md, sd) = (f64::from(x), f64::from(mu), f64::from(s));
        let (y32, gx32, gm32, gs32) = gaussian32_vjp(x, mu, s, 1.0);
        assert_eq!(y32, gaussian32(x, mu, s));
        let (y64, gx64, gm64, gs64) = gaussian64_vjp(xd, md, sd, 1.0);
        assert_eq!(y64, gaussian64(xd, md, sd));
        approx::assert_relative_eq!(f64::from(y32), y64, max_relative = 1e-5);
        for (a, b) in [(gx32, gx64), (gm32, gm64), (gs32, gs64)] {
            approx::assert_relative_eq!(f64::from(a), b, max_relative = 1e-5, epsilon = 1e-6);
        }
        let (_, d32) = gaussian32_jvp(x, 1.0, mu, -1.0, s, 0.5);
        let (_, d64) = gaussian64_jvp(xd, 1.0, md, -1.0, sd, 0.5);
        approx::assert_relative_eq!(f64::from(d32), d64, max_relative = 1e-5, epsilon = 1e-6);
        // And the f64 twin is the exact formula: ∂x = −(x − µ)/σ², ∂σ = −1/σ + (x − µ)²/σ³.
        approx::assert_relative_eq!(gx64, -(xd - md) / (sd * sd), max_relative = 1e-14);
        approx::assert_relative_eq!(
            gs64,
            -1.0 / sd + (xd - md).powi(2) / sd.powi(3),
            max_relative = 1e-14
        );
    }
}

/// Softplus in path form, `f32::ln_1p(f32::exp(x))`.
#[differentiate(forward, reverse)]
fn softplus32(x: f32) -> f32 {
    f32::ln_1p(f32::exp(x))
}

/// A damped spring's energy after n steps: compound assignment, `usize` cast to f32, powi,
/// powf, hypot and atan2 in f32.
#[differentiate(forward, reverse)]
fn spring32(x: f32, v: f32, damping: f32, n: usize) -> f32 {
    let mut e = 0.5 * x * x;
    e += 0.5 * v.powi(2);
    e *= (1.0 - damping).powf(n as f32);
    e -= 0.01 * x.hypot(v);
    e /= 1.0 + 0.1 * v.atan2(x + 3.0);
    e
}

#[test]
fn scalar_f32_functions() {
    // softplus' = σ
    Model::new("softplus32", 1, 1, |p| {
        vec![f64::from(softplus32(p[0] as f32))]
    })
    .jvp(|p, v| {
        let (y, d) = softplus32_jvp(p[0] as f32, v[0] as f32);
        (vec![f64::from(y)], vec![f64::from(d)])
    })
    .vjp(|p, w| {
        let (y, g) = softplus32_vjp(p[0] as f32, w[0] as f32);
        (vec![f64::from(y)], vec![f64::from(g)])
    })
    .gradient(|p| vec![1.0 / (1.0 + (-p[0]).exp())])
    .no_fd()
    .tol(TOL32)
    .check(&[&[-4.0], &[0.0], &[2.5]]);
    for n in [1usize, 5] {
        // With q = (1 − d)ⁿ, h = hypot(x, v), a = atan2(v, x + 3), D = 1 + a/10,
        // N = q (x² + v²)/2 − h/100, e = N / D.
        Model::new("spring32", 3, 1, move |p| {
            vec![f64::from(spring32(
                p[0] as f32,
                p[1] as f32,
                p[2] as f32,
                n,
            ))]
        })
        .jvp(move |p, t| {
            let (y, d) = spring32_jvp(
                p[0] as f32,
                t[0] as f32,
                p[1] as f32,
                t[1] as f32,
                p[2] as f32,
                t[2] as f32,
                n,
            );
            (vec![f64::from(y)], vec![f64::from(d)])
        })
        .vjp(move |p, w| {
            let (y, gx, gv, gd) =
                spring32_vjp(p[0] as f32, p[1] as f32, p[2] as f32, n, w[0] as f32);
            (vec![f64::from(y)], [gx, gv, gd].map(f64::from).to_vec())
        })
        .gradient(move |p| {
            let (x, v, d) = (p[0], p[1], p[2]);
            let nf = n as f64;
            let q = (1.0 - d).powf(nf);
            let h = x.hypot(v);
            let u = x + 3.0;
            let a = v.atan2(u);
            let den = 1.0 + 0.1 * a;
            let num = q * 0.5 * (x * x + v * v) - 0.01 * h;
            // ∂a/∂x = −v/(u² + v²), ∂a/∂v = u/(u² + v²)
            let r2 = u * u + v * v;
            let dnum_dx = q * x - 0.01 * x / h;
            let dnum_dv = q * v - 0.01 * v / h;
            let dnum_dd = -nf * (1.0 - d).powf(nf - 1.0) * 0.5 * (x * x + v * v);
            vec![
                dnum_dx / den - num * 0.1 * (-v / r2) / (den * den),
                dnum_dv / den - num * 0.1 * (u / r2) / (den * den),
                dnum_dd / den,
            ]
        })
        .no_fd()
        .tol(TOL32)
        .check(&[&[1.0, 0.5, 0.125], &[-0.75, 2.0, 0.25]]);
    }
}

/// Widening and narrowing `as` casts between the float types carry the derivative.
#[differentiate(forward, reverse)]
fn widen(x: f32) -> f64 {
    (x as f64).sin() * 2.0
}

#[differentiate(forward, reverse)]
fn narrow(x: f64) -> f32 {
    (x as f32).exp()
}

/// Outputs of both widths from inputs of both widths.
#[differentiate(forward, reverse)]
fn mixed_widths(x: f32, y: f64) -> (f32, f64) {
    (x * 2.0, y * x as f64)
}

#[test]
fn casts_between_float_widths() {
    let _: fn(f32, f32) -> (f64, f64) = widen_jvp;
    let _: fn(f32, f64) -> (f64, f32) = widen_vjp;
    let _: fn(f64, f64) -> (f32, f32) = narrow_jvp;
    let _: fn(f64, f32) -> (f32, f64) = narrow_vjp;
    for x in [-1.5f32, 0.25, 2.0] {
        // (2 sin x)' = 2 cos x, in f64 after the widening
        let xd = f64::from(x);
        let (v, d) = widen_jvp(x, 1.0);
        assert_eq!(v, widen(x));
        approx::assert_relative_eq!(d, 2.0 * xd.cos(), max_relative = 1e-15);
        let (v, g) = widen_vjp(x, 1.0);
        assert_eq!(v, widen(x));
        approx::assert_relative_eq!(f64::from(g), 2.0 * xd.cos(), max_relative = 1e-6);
        // (eˣ)' = eˣ, in f32 after the narrowing
        let (v, d) = narrow_jvp(xd, 1.0);
        assert_eq!(v, narrow(xd));
        approx::assert_relative_eq!(f64::from(d), xd.exp(), max_relative = 1e-6);
        let (v, g) = narrow_vjp(xd, 1.0);
        assert_eq!(v, narrow(xd));
        approx::assert_relative_eq!(g, xd.exp(), max_relative = 1e-6);
    }
    // (2x, x y): J = [[2, 0], [y, x]]
    type Jvp = fn(f32, f32, f64, f64) -> ((f32, f64), (f32, f64));
    type Vjp = fn(f32, f64, (f32, f64)) -> ((f32, f64), f32, f64);
    let _: Jvp = mixed_widths_jvp;
    let _: Vjp = mixed_widths_vjp;
    Model::new("mixed_widths", 2, 2, |p| {
        let (a, b) = mixed_widths(p[0] as f32, p[1]);
        vec![f64::from(a), b]
    })
    .jvp(|p, v| {
        let ((a, b), (da, db)) = mixed_widths_jvp(p[0] as f32, v[0] as f32, p[1], v[1]);
        (vec![f64::from(a), b], vec![f64::from(da), db])
    })
    .vjp(|p, w| {
        let ((a, b), gx, gy) = mixed_widths_vjp(p[0] as f32, p[1], (w[0] as f32, w[1]));
        (vec![f64::from(a), b], vec![f64::from(gx), gy])
    })
    .jacobian(|p| vec![vec![2.0, 0.0], vec![p[1], p[0] as f32 as f64]])
    .no_fd()
    .tol(TOL32)
    .check(&[&[0.5, 2.0], &[-1.25, 0.75]]);
}

/// Every supported method in single precision, and the same body in double precision.
#[differentiate(forward, reverse)]
fn every_method32(x: f32, y: f32) -> f32 {
    let a = x.sin() + x.cos() * y.tan().atan() + (0.5 * x).asin() + (0.5 * y).acos();
    let b = x.sinh() + y.cosh() * x.tanh() + x.asinh() + (2.0 + y * y).acosh() + (0.3 * x).atanh();
    let c = x.exp() + y.exp2() + x.exp_m1() + (1.0 + x * x).ln() + y.abs().log2();
    let d = (3.0 + x).log10() + (x * x).ln_1p() + x.powi(3) + y.abs().powf(1.5) + x.hypot(y);
    let e = x.recip() + x.mul_add(y, 1.0) + y.abs().sqrt() + x.cbrt() + x.max(y) + x.min(y);
    let f = x.clamp(-0.5, 0.5) + x.signum() + x.copysign(y) + x.to_degrees() + y.to_radians();
    let g = x.floor() + y.ceil() + x.round() + y.trunc() + x.fract() + (x % 0.7) + y.atan2(x);
    let (s, co) = f32::sin_cos(x);
    a + b + c + d + e + f + g + (1.0 + x * x).log(3.0) + s * co
}

#[differentiate(forward, reverse)]
fn every_method64(x: f64, y: f64) -> f64 {
    let a = x.sin() + x.cos() * y.tan().atan() + (0.5 * x).asin() + (0.5 * y).acos();
    let b = x.sinh() + y.cosh() * x.tanh() + x.asinh() + (2.0 + y * y).acosh() + (0.3 * x).atanh();
    let c = x.exp() + y.exp2() + x.exp_m1() + (1.0 + x * x).ln() + y.abs().log2();
    let d = (3.0 + x).log10() + (x * x).ln_1p() + x.powi(3) + y.abs().powf(1.5) + x.hypot(y);
    let e = x.recip() + x.mul_add(y, 1.0) + y.abs().sqrt() + x.cbrt() + x.max(y) + x.min(y);
    let f = x.clamp(-0.5, 0.5) + x.signum() + x.copysign(y) + x.to_degrees() + y.to_radians();
    let g = x.floor() + y.ceil() + x.round() + y.trunc() + x.fract() + (x % 0.7) + y.atan2(x);
    let (s, co) = f64::sin_cos(x);
    a + b + c + d + e + f + g + (1.0 + x * x).log(3.0) + s * co
}

#[test]
fn every_method_f32_matches_f64() {
    // The f64 twin is checked against finite differences; the f32 version against the twin.
    Model::new("every_method64", 2, 1, |p| vec![every_method64(p[0], p[1])])
        .jvp(|p, v| {
            let (y, d) = every_method64_jvp(p[0], v[0], p[1], v[1]);
            (vec![y], vec![d])
        })
        .vjp(|p, w| {
            let (y, gx, gy) = every_method64_vjp(p[0], p[1], w[0]);
            (vec![y], vec![gx, gy])
        })
        .step(1e-4)
        .check(&[&[0.4, -0.8], &[-0.9, 1.3], &[1.2, 0.3]]);
    for (x, y) in [(0.4f32, -0.8f32), (-0.9, 1.3), (1.2, 0.3)] {
        let (xd, yd) = (f64::from(x), f64::from(y));
        let (v32, gx32, gy32) = every_method32_vjp(x, y, 1.0);
        assert_eq!(v32, every_method32(x, y));
        let (v64, gx64, gy64) = every_method64_vjp(xd, yd, 1.0);
        approx::assert_relative_eq!(f64::from(v32), v64, max_relative = 1e-5);
        approx::assert_relative_eq!(f64::from(gx32), gx64, max_relative = 1e-5);
        approx::assert_relative_eq!(f64::from(gy32), gy64, max_relative = 1e-5);
        let (w32, d32) = every_method32_jvp(x, 0.5, y, -1.0);
        assert_eq!(w32, v32);
        let (_, d64) = every_method64_jvp(xd, 0.5, yd, -1.0);
        approx::assert_relative_eq!(f64::from(d32), d64, max_relative = 1e-5);
    }
}
