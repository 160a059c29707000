//! The code `#[differentiate]` emits must raise no warnings, from rustc or from clippy's default
//! set, in the user's crate. This file denies both and annotates a variety of functions, so
//! `cargo clippy --workspace --all-targets -- -D warnings` and `cargo test` fail if the generated
//! code warns. Each derivative is also called once and one number of it is checked against a
//! central finite difference, so the file cannot pass by dead-code elimination of the checks.
#![deny(warnings)]
#![deny(clippy::all)]

use ad::differentiate;

// ---------------------------------------------------------------------------------------------
// Functions under test.

/// Seven active parameters: `seven_jvp` has fourteen.
#[differentiate(forward, reverse)]
fn seven(a: f64, b: f64, c: f64, d: f64, e: f64, g: f64, h: f64) -> f64 {
    a * b + c.sin() * d - e / (g * g + 1.0) + h.exp()
}

/// Nine parameters; the user allows `too_many_arguments` on their own function.
#[allow(clippy::too_many_arguments)]
#[differentiate(forward, reverse)]
fn nine(a: f64, b: f64, c: f64, d: f64, e: f64, g: f64, h: f64, i: f64, j: f64) -> f64 {
    let s = a + b + c;
    let p = d * e * g;
    s * p - h.tanh() * i + j.sqrt()
}

/// `_y` is active by type but never read; `n` and `k` are integer constants.
#[differentiate(forward, reverse)]
fn ignores_y(x: f64, _y: f64, n: usize, k: i32) -> f64 {
    x.powi(k) * n as f64
}

/// `y` is read only by a local that does not reach the output.
#[differentiate(forward, reverse)]
fn dead_local(x: f64, y: f64) -> f64 {
    let _unused = y.sin();
    x * 2.0
}

/// The output is a constant.
#[differentiate(forward, reverse)]
fn constant(_x: f64) -> f64 {
    3.0
}

/// One component of the output is a constant, the other depends only on `x`.
#[differentiate(forward, reverse)]
fn half_constant(x: f64) -> (f64, f64) {
    (x.cos(), 2.5)
}

/// `wrt` narrows to `x`: `c` and `k` are constant floats, passed through.
#[differentiate(forward, reverse, wrt(x))]
fn spring(x: f64, c: f64, k: f64) -> f64 {
    0.5 * k * x * x + c * x.abs()
}

/// `wrt` narrows to the last parameter; the first float is a constant.
#[differentiate(forward, reverse, wrt(k))]
fn stiffness(x: f64, k: f64) -> f64 {
    (k * x).sin() / k
}

/// A tuple output.
#[differentiate(forward, reverse)]
fn polar(r: f64, theta: f64) -> (f64, f64) {
    (r * theta.cos(), r * theta.sin())
}

/// An array output.
#[differentiate(forward, reverse)]
fn moments(x: f64, y: f64) -> [f64; 3] {
    let s = x + y;
    [s, x * y, s * s]
}

/// A tuple holding an array.
#[differentiate(forward, reverse)]
fn nested(x: f64, y: f64) -> (f64, [f64; 2]) {
    (x.hypot(y), [x.atan2(y), (x * y).ln_1p()])
}

/// An f32 function.
#[differentiate(forward, reverse)]
fn sigmoid(z: f32, w: f32) -> f32 {
    let t = -(z * w);
    1.0 / (1.0 + t.exp())
}

/// An f32 function with an array output, a constant f32 parameter and an integer cast.
#[differentiate(forward, reverse, wrt(x))]
fn scaled32(x: f32, c: f32, n: u8) -> [f32; 2] {
    [x * n as f32 + c, (c * x).cbrt()]
}

/// Shadowing, `let mut` and every compound assignment, with an explicit final `return` (which
/// the user allows on their function; the derivatives must not need the allowance).
#[allow(clippy::needless_return)]
#[differentiate(forward, reverse)]
fn compound(x: f64, y: f64) -> f64 {
    let a = x * y.sin();
    let mut b = a / (x + 1.0);
    b += x.exp();
    b -= y;
    b *= a;
    b /= 2.0;
    let a = a + b;
    return a * 2.0 - y;
}

/// A `const`, a path to a std constant and an int→float cast.
#[differentiate(forward, reverse)]
fn gauss(x: f64, sigma: f64, n: usize) -> f64 {
    const HALF: f64 = 0.5;
    let m = n as f64;
    let z = (x - m) / sigma;
    (-HALF * z * z).exp() / (sigma * (2.0 * std::f64::consts::PI).sqrt())
}

/// Unary minus in several places, and `%`.
#[differentiate(forward, reverse)]
fn negations(x: f64, y: f64) -> f64 {
    let a = -x;
    let b = -(a * y);
    -(b % 1.5) + -y
}

mod physics {
    use ad::differentiate;

    /// Public, in a module, with the user's own attributes.
    #[inline]
    #[must_use]
    #[differentiate(forward, reverse)]
    pub fn pendulum_energy(theta: f64, omega: f64, length: f64) -> f64 {
        const G: f64 = 9.81;
        0.5 * length * length * omega * omega + G * length * (1.0 - theta.cos())
    }
}

// ---------------------------------------------------------------------------------------------
// Checks.

/// Central finite difference of `f` at `x`.
fn fd(f: impl Fn(f64) -> f64, x: f64) -> f64 {
    let h = 1e-6 * (1.0 + x.abs());
    (f(x + h) - f(x - h)) / (2.0 * h)
}

/// Central finite difference of an f32 function, evaluated with a step suited to f32.
fn fd32(f: impl Fn(f32) -> f32, x: f32) -> f32 {
    let h = 1e-2 * (1.0 + x.abs());
    (f(x + h) - f(x - h)) / (2.0 * h)
}

#[track_caller]
fn close(got: f64, want: f64, tol: f64) {
    let err = (got - want).abs() / want.abs().max(1.0);
    assert!(err < tol, "got {got}, want {want} (relative error {err:e})");
}

const TOL: f64 = 1e-7;

#[test]
fn seven_params() {
    let p = [0.3, -1.2, 0.7, 2.0, -0.4, 1.1, 0.2];
    let (v, d) = seven_jvp(
        p[0], 0.0, p[1], 0.0, p[2], 1.0, p[3], 0.0, p[4], 0.0, p[5], 0.0, p[6], 0.0,
    );
    assert_eq!(v, seven(p[0], p[1], p[2], p[3], p[4], p[5], p[6]));
    close(
        d,
        fd(|c| seven(p[0], p[1], c, p[3], p[4], p[5], p[6]), p[2]),
        TOL,
    );
    let (v, .., dg, _) = seven_vjp(p[0], p[1], p[2], p[3], p[4], p[5], p[6], 1.0);
    assert_eq!(v, seven(p[0], p[1], p[2], p[3], p[4], p[5], p[6]));
    close(
        dg,
        fd(|g| seven(p[0], p[1], p[2], p[3], p[4], g, p[6]), p[5]),
        TOL,
    );
}

#[test]
fn nine_params() {
    let p = [0.3, -1.2, 0.7, 2.0, -0.4, 1.1, 0.2, 1.5, 2.5];
    let f = |q: [f64; 9]| nine(q[0], q[1], q[2], q[3], q[4], q[5], q[6], q[7], q[8]);
    let (v, d) = nine_jvp(
        p[0], 0.0, p[1], 0.0, p[2], 0.0, p[3], 0.0, p[4], 0.0, p[5], 0.0, p[6], 1.0, p[7], 0.0,
        p[8], 0.0,
    );
    assert_eq!(v, f(p));
    let at = |k: usize| {
        move |t: f64| {
            let mut q = p;
            q[k] = t;
            f(q)
        }
    };
    close(d, fd(at(6), p[6]), TOL);
    let (v, da, ..) = nine_vjp(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], 1.0);
    assert_eq!(v, f(p));
    close(da, fd(at(0), p[0]), TOL);
}

#[test]
fn unread_parameter() {
    let (v, d) = ignores_y_jvp(1.3, 1.0, 0.5, 1.0, 4, 3);
    assert_eq!(v, ignores_y(1.3, 0.5, 4, 3));
    close(d, fd(|x| ignores_y(x, 0.5, 4, 3), 1.3), TOL);
    let (v, dx, dy) = ignores_y_vjp(1.3, 0.5, 4, 3, 1.0);
    assert_eq!(v, ignores_y(1.3, 0.5, 4, 3));
    close(dx, fd(|x| ignores_y(x, 0.5, 4, 3), 1.3), TOL);
    assert_eq!(dy, 0.0);
}

#[test]
fn dead_parameter() {
    let (v, d) = dead_local_jvp(1.3, 1.0, 0.5, 1.0);
    assert_eq!(v, dead_local(1.3, 0.5));
    close(
        d,
        fd(|x| dead_local(x, 0.5), 1.3) + fd(|y| dead_local(1.3, y), 0.5),
        TOL,
    );
    let (v, dx, dy) = dead_local_vjp(1.3, 0.5, 1.0);
    assert_eq!(v, dead_local(1.3, 0.5));
    close(dx, 2.0, TOL);
    close(dy, fd(|y| dead_local(1.3, y), 0.5), TOL);
}

#[test]
fn constant_output() {
    let (v, d) = constant_jvp(0.7, 1.0);
    assert_eq!(v, constant(0.7));
    close(d, fd(constant, 0.7), TOL);
    let (v, dx) = constant_vjp(0.7, 1.0);
    assert_eq!(v, constant(0.7));
    assert_eq!(dx, 0.0);
}

#[test]
fn partly_constant_output() {
    let (v, d) = half_constant_jvp(0.7, 1.0);
    assert_eq!(v, half_constant(0.7));
    close(d.0, fd(|x| half_constant(x).0, 0.7), TOL);
    assert_eq!(d.1, 0.0);
    let (v, dx) = half_constant_vjp(0.7, (0.0, 1.0));
    assert_eq!(v, half_constant(0.7));
    assert_eq!(dx, 0.0);
}

#[test]
fn wrt_with_constant_floats() {
    let (v, d) = spring_jvp(-0.8, 1.0, 0.3, 4.0);
    assert_eq!(v, spring(-0.8, 0.3, 4.0));
    close(d, fd(|x| spring(x, 0.3, 4.0), -0.8), TOL);
    let (v, dx) = spring_vjp(-0.8, 0.3, 4.0, 1.0);
    assert_eq!(v, spring(-0.8, 0.3, 4.0));
    close(dx, fd(|x| spring(x, 0.3, 4.0), -0.8), TOL);

    let (v, d) = stiffness_jvp(0.9, 2.0, 1.0);
    assert_eq!(v, stiffness(0.9, 2.0));
    close(d, fd(|k| stiffness(0.9, k), 2.0), TOL);
    let (v, dk) = stiffness_vjp(0.9, 2.0, 1.0);
    assert_eq!(v, stiffness(0.9, 2.0));
    close(dk, fd(|k| stiffness(0.9, k), 2.0), TOL);
}

#[test]
fn tuple_output() {
    let (v, d) = polar_jvp(2.0, 0.0, 0.6, 1.0);
    assert_eq!(v, polar(2.0, 0.6));
    close(d.1, fd(|t| polar(2.0, t).1, 0.6), TOL);
    let (v, _, dtheta) = polar_vjp(2.0, 0.6, (1.0, 0.0));
    assert_eq!(v, polar(2.0, 0.6));
    close(dtheta, fd(|t| polar(2.0, t).0, 0.6), TOL);
}

#[test]
fn array_output() {
    let (v, d) = moments_jvp(0.5, 1.0, -1.5, 0.0);
    assert_eq!(v, moments(0.5, -1.5));
    close(d[2], fd(|x| moments(x, -1.5)[2], 0.5), TOL);
    let (v, _, dy) = moments_vjp(0.5, -1.5, [0.0, 1.0, 0.0]);
    assert_eq!(v, moments(0.5, -1.5));
    close(dy, fd(|y| moments(0.5, y)[1], -1.5), TOL);
}

#[test]
fn nested_output() {
    let (v, d) = nested_jvp(0.5, 0.0, 1.5, 1.0);
    assert_eq!(v, nested(0.5, 1.5));
    close(d.1[0], fd(|y| nested(0.5, y).1[0], 1.5), TOL);
    let (v, dx, _) = nested_vjp(0.5, 1.5, (0.0, [0.0, 1.0]));
    assert_eq!(v, nested(0.5, 1.5));
    close(dx, fd(|x| nested(x, 1.5).1[1], 0.5), TOL);
}

#[test]
fn single_precision() {
    let (v, d) = sigmoid_jvp(0.4, 1.0, -1.2, 0.0);
    assert_eq!(v, sigmoid(0.4, -1.2));
    let want = fd32(|z| sigmoid(z, -1.2), 0.4);
    close(f64::from(d), f64::from(want), 1e-3);
    let (v, _, dw) = sigmoid_vjp(0.4, -1.2, 1.0);
    assert_eq!(v, sigmoid(0.4, -1.2));
    close(
        f64::from(dw),
        f64::from(fd32(|w| sigmoid(0.4, w), -1.2)),
        1e-3,
    );

    let (v, d) = scaled32_jvp(0.8, 1.0, 0.5, 3);
    assert_eq!(v, scaled32(0.8, 0.5, 3));
    close(
        f64::from(d[1]),
        f64::from(fd32(|x| scaled32(x, 0.5, 3)[1], 0.8)),
        1e-3,
    );
    let (v, dx) = scaled32_vjp(0.8, 0.5, 3, [1.0, 0.0]);
    assert_eq!(v, scaled32(0.8, 0.5, 3));
    close(f64::from(dx), 3.0, 1e-6);
}

#[test]
fn shadowing_and_compound_assignment() {
    let (v, d) = compound_jvp(0.9, 1.0, -0.3, 0.0);
    assert_eq!(v, compound(0.9, -0.3));
    close(d, fd(|x| compound(x, -0.3), 0.9), TOL);
    let (v, _, dy) = compound_vjp(0.9, -0.3, 1.0);
    assert_eq!(v, compound(0.9, -0.3));
    close(dy, fd(|y| compound(0.9, y), -0.3), TOL);
}

#[test]
fn consts_and_casts() {
    let (v, d) = gauss_jvp(2.5, 0.0, 0.7, 1.0, 2);
    assert_eq!(v, gauss(2.5, 0.7, 2));
    close(d, fd(|s| gauss(2.5, s, 2), 0.7), TOL);
    let (v, dx, _) = gauss_vjp(2.5, 0.7, 2, 1.0);
    assert_eq!(v, gauss(2.5, 0.7, 2));
    close(dx, fd(|x| gauss(x, 0.7, 2), 2.5), TOL);
}

#[test]
fn unary_minus_and_remainder() {
    let (v, d) = negations_jvp(0.8, 1.0, 1.3, 0.0);
    assert_eq!(v, negations(0.8, 1.3));
    close(d, fd(|x| negations(x, 1.3), 0.8), TOL);
    let (v, _, dy) = negations_vjp(0.8, 1.3, 1.0);
    assert_eq!(v, negations(0.8, 1.3));
    close(dy, fd(|y| negations(0.8, y), 1.3), TOL);
}

#[test]
fn public_in_a_module() {
    use physics::{pendulum_energy, pendulum_energy_jvp, pendulum_energy_vjp};
    let (v, d) = pendulum_energy_jvp(0.3, 1.0, 1.2, 0.0, 0.8, 0.0);
    assert_eq!(v, pendulum_energy(0.3, 1.2, 0.8));
    close(d, fd(|t| pendulum_energy(t, 1.2, 0.8), 0.3), TOL);
    let (v, _, _, dl) = pendulum_energy_vjp(0.3, 1.2, 0.8, 1.0);
    assert_eq!(v, pendulum_energy(0.3, 1.2, 0.8));
    close(dl, fd(|l| pendulum_energy(0.3, 1.2, l), 0.8), TOL);
}
