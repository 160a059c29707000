//! Hygiene: user names that look like the generated ones (`dx`, `dout`, `x_bar`, `t0`,
//! `dy_dx`, `ad`), raw identifiers, `mut` parameters, and functions in an `impl` block.

use crate::common::Model;
use ad::differentiate;

/// A parameter called `dx` next to `x`: the tangent of `x` must not capture it.
#[differentiate(forward, reverse)]
fn work(x: f64, dx: f64) -> f64 {
    x * dx + dx.sin()
}

/// A parameter called `dout`, like the seed of the reverse mode.
#[differentiate(forward, reverse)]
fn scaled(x: f64, dout: f64) -> f64 {
    x * dout * dout
}

/// Locals named like generated adjoints, temporaries and partials; a local named `ad`.
#[differentiate(forward, reverse)]
fn lookalikes(x: f64, y: f64) -> f64 {
    let x_bar = x.sin();
    let t0 = y.exp();
    let dy_dx = x_bar * t0;
    let ad = dy_dx + x;
    ad * t0
}

#[test]
fn user_names_do_not_collide_with_generated_ones() {
    // x·dx + sin(dx): ∂x = dx, ∂dx = x + cos(dx)
    Model::new("work", 2, 1, |p| vec![work(p[0], p[1])])
        .jvp(|p, v| {
            let (y, d) = work_jvp(p[0], v[0], p[1], v[1]);
            (vec![y], vec![d])
        })
        .vjp(|p, w| {
            let (y, g0, g1) = work_vjp(p[0], p[1], w[0]);
            (vec![y], vec![g0, g1])
        })
        .gradient(|p| vec![p[1], p[0] + p[1].cos()])
        .check(&[&[2.0, 3.0], &[-0.5, 0.25]]);
    // x·dout²: ∂x = dout², ∂dout = 2 x dout (the seed is a separate, last argument)
    Model::new("scaled", 2, 1, |p| vec![scaled(p[0], p[1])])
        .jvp(|p, v| {
            let (y, d) = scaled_jvp(p[0], v[0], p[1], v[1]);
            (vec![y], vec![d])
        })
        .vjp(|p, w| {
            let (y, g0, g1) = scaled_vjp(p[0], p[1], w[0]);
            (vec![y], vec![g0, g1])
        })
        .gradient(|p| vec![p[1] * p[1], 2.0 * p[0] * p[1]])
        .check(&[&[2.0, 3.0], &[-0.5, 0.25]]);
    // (sin x · eʸ + x) eʸ: ∂x = (cos x · eʸ + 1) eʸ, ∂y = 2 sin x · e²ʸ + x eʸ
    Model::new("lookalikes", 2, 1, |p| vec![lookalikes(p[0], p[1])])
        .jvp(|p, v| {
            let (y, d) = lookalikes_jvp(p[0], v[0], p[1], v[1]);
            (vec![y], vec![d])
        })
        .vjp(|p, w| {
            let (y, g0, g1) = lookalikes_vjp(p[0], p[1], w[0]);
            (vec![y], vec![g0, g1])
        })
        .gradient(|p| {
            let (x, y) = (p[0], p[1]);
            let e = y.exp();
            vec![(x.cos() * e + 1.0) * e, 2.0 * x.sin() * e * e + x * e]
        })
        .check(&[&[0.5, 0.2], &[-1.5, -0.75]]);
}

/// Raw identifiers as a function name, a parameter and a local.
#[differentiate(forward, reverse)]
fn r#loop(r#in: f64) -> f64 {
    let r#type = r#in * 2.0;
    r#type.sin()
}

/// A `mut` parameter updated in place.
#[differentiate(forward, reverse)]
fn mut_param(mut x: f64, y: f64) -> f64 {
    x *= y;
    x += 1.0;
    x.ln()
}

#[test]
fn raw_identifiers_and_mut_parameters() {
    // sin(2x)' = 2 cos(2x)
    for x in [-1.0, 0.3, 2.0] {
        let (v, d) = loop_jvp(x, 1.0);
        assert_eq!(v, r#loop(x));
        approx::assert_relative_eq!(d, 2.0 * (2.0 * x).cos(), max_relative = 1e-14);
        assert_eq!(loop_vjp(x, 1.0), (v, d));
    }
    // ln(x y + 1): ∂x = y/(xy + 1), ∂y = x/(xy + 1)
    Model::new("mut_param", 2, 1, |p| vec![mut_param(p[0], p[1])])
        .jvp(|p, v| {
            let (y, d) = mut_param_jvp(p[0], v[0], p[1], v[1]);
            (vec![y], vec![d])
        })
        .vjp(|p, w| {
            let (y, g0, g1) = mut_param_vjp(p[0], p[1], w[0]);
            (vec![y], vec![g0, g1])
        })
        .gradient(|p| {
            let q = p[0] * p[1] + 1.0;
            vec![p[1] / q, p[0] / q]
        })
        .check(&[&[2.0, 3.0], &[-0.5, 0.25]]);
}

/// A Hookean spring, as associated functions of a type.
struct Spring;

impl Spring {
    /// ½ k x²
    #[differentiate(forward, reverse)]
    pub fn energy(k: f64, x: f64) -> f64 {
        0.5 * k * x * x
    }

    /// −k x
    #[differentiate(forward)]
    fn force(k: f64, x: f64) -> f64 {
        -k * x
    }
}

#[test]
fn functions_in_impl_blocks() {
    // ∂k = x²/2, ∂x = k x; the force is −∂E/∂x, whose derivative in x is −k.
    for (k, x) in [(2.0, 3.0), (0.5, -1.25)] {
        assert_eq!(
            Spring::energy_jvp(k, 1.0, x, 0.0),
            (Spring::energy(k, x), 0.5 * x * x)
        );
        assert_eq!(
            Spring::energy_vjp(k, x, 1.0),
            (Spring::energy(k, x), 0.5 * x * x, k * x)
        );
        let (_, _, de_dx) = Spring::energy_vjp(k, x, 1.0);
        assert_eq!(Spring::force(k, x), -de_dx);
        assert_eq!(Spring::force_jvp(k, 0.0, x, 1.0), (Spring::force(k, x), -k));
    }
}

/// Parameters and locals named like the crates and items the generated code uses (`std`,
/// `core`, `ad`, `vec`, `Vec`-like, `_0`): it names them by absolute paths.
#[differentiate(forward, reverse)]
#[allow(non_snake_case, clippy::just_underscores_and_digits)]
fn shadowing_names(std: f64, core: f64, _0: f64, tape: &[f64]) -> f64 {
    let ad = std * core;
    let vec = vec![ad; tape.len()];
    let mut Tape = 0.0;
    for (i, &t) in tape.iter().enumerate() {
        Tape += vec[i] * t + _0;
    }
    Tape
}

#[test]
fn names_of_std_items_and_underscores() {
    let tape = [0.5, -1.0, 2.0];
    let (std, core, z) = (0.7, 1.3, 0.2);
    let v = shadowing_names(std, core, z, &tape);
    let mut tape_bar = [0.0; 3];
    let (v2, g_std, g_core, g_z) = shadowing_names_vjp(std, core, z, &tape, &mut tape_bar, 1.0);
    assert_eq!(v, v2);
    let sum: f64 = tape.iter().sum();
    // ∂std = core Σt, ∂core = std Σt, ∂_0 = n, ∂tᵢ = std·core
    approx::assert_relative_eq!(g_std, core * sum, max_relative = 1e-14);
    approx::assert_relative_eq!(g_core, std * sum, max_relative = 1e-14);
    approx::assert_relative_eq!(g_z, 3.0, max_relative = 1e-14);
    for t in tape_bar {
        approx::assert_relative_eq!(t, std * core, max_relative = 1e-14);
    }
    let (_, d) = shadowing_names_jvp(std, 1.0, core, 0.0, z, 0.0, &tape, &[0.0; 3]);
    approx::assert_relative_eq!(d, g_std, max_relative = 1e-14);
}
