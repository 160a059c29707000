//! Output shapes: tuples and arrays of floats. `f_jvp` returns `(y, dy)` with `dy` of the
//! output's type; `f_vjp` takes `dout` of the output's type. Also outputs that alias inputs or
//! each other, and outputs that do not depend on the inputs (zero tangent, zero adjoint).

use crate::common::{Model, Rng};
use ad::differentiate;

const G_EARTH: f64 = 9.81;

/// Polar to Cartesian coordinates, as a tuple.
#[differentiate(forward, reverse)]
fn polar_to_cartesian(r: f64, theta: f64) -> (f64, f64) {
    (r * theta.cos(), r * theta.sin())
}

#[test]
fn polar_to_cartesian_jacobian() {
    type Jvp = fn(f64, f64, f64, f64) -> ((f64, f64), (f64, f64));
    type Vjp = fn(f64, f64, (f64, f64)) -> ((f64, f64), f64, f64);
    let _: Jvp = polar_to_cartesian_jvp;
    let _: Vjp = polar_to_cartesian_vjp;
    // J = [[cos θ, −r sin θ], [sin θ, r cos θ]], determinant r
    Model::new("polar_to_cartesian", 2, 2, |p| {
        let (x, y) = polar_to_cartesian(p[0], p[1]);
        vec![x, y]
    })
    .jvp(|p, v| {
        let ((x, y), (dx, dy)) = polar_to_cartesian_jvp(p[0], v[0], p[1], v[1]);
        (vec![x, y], vec![dx, dy])
    })
    .vjp(|p, w| {
        let ((x, y), gr, gt) = polar_to_cartesian_vjp(p[0], p[1], (w[0], w[1]));
        (vec![x, y], vec![gr, gt])
    })
    .jacobian(|p| {
        let (r, t) = (p[0], p[1]);
        vec![vec![t.cos(), -r * t.sin()], vec![t.sin(), r * t.cos()]]
    })
    .check(&[&[1.0, 0.0], &[2.0, 0.7], &[0.5, -2.5], &[3.0, 3.1]]);
}

/// Rotation of a point by an angle, as an array.
#[differentiate(forward, reverse)]
fn rotate(x: f64, y: f64, angle: f64) -> [f64; 2] {
    let (s, c) = angle.sin_cos();
    [c * x - s * y, s * x + c * y]
}

#[test]
fn rotation_jacobian() {
    type Jvp = fn(f64, f64, f64, f64, f64, f64) -> ([f64; 2], [f64; 2]);
    type Vjp = fn(f64, f64, f64, [f64; 2]) -> ([f64; 2], f64, f64, f64);
    let _: Jvp = rotate_jvp;
    let _: Vjp = rotate_vjp;
    // J = [[c, −s, −s x − c y], [s, c, c x − s y]]
    Model::new("rotate", 3, 2, |p| rotate(p[0], p[1], p[2]).to_vec())
        .jvp(|p, v| {
            let (y, dy) = rotate_jvp(p[0], v[0], p[1], v[1], p[2], v[2]);
            (y.to_vec(), dy.to_vec())
        })
        .vjp(|p, w| {
            let (y, gx, gy, ga) = rotate_vjp(p[0], p[1], p[2], [w[0], w[1]]);
            (y.to_vec(), vec![gx, gy, ga])
        })
        .jacobian(|p| {
            let (x, y, a) = (p[0], p[1], p[2]);
            let (s, c) = a.sin_cos();
            vec![vec![c, -s, -s * x - c * y], vec![s, c, c * x - s * y]]
        })
        .check(&[&[1.0, 0.0, 0.5], &[-2.0, 3.0, 2.0], &[0.3, -0.4, -1.2]]);
    // A rotation is orthogonal: the tangent of (x, y) has the same length as (dx, dy).
    let mut rng = Rng::new(7);
    for _ in 0..5 {
        let p = rng.vec(3);
        let v = rng.vec(2);
        let (_, d) = rotate_jvp(p[0], v[0], p[1], v[1], p[2], 0.0);
        approx::assert_relative_eq!(d[0].hypot(d[1]), v[0].hypot(v[1]), max_relative = 1e-14);
    }
}

/// Spherical (r, θ polar, φ azimuth) to Cartesian coordinates, as a 3-tuple.
#[differentiate(forward, reverse)]
fn spherical_to_cartesian(r: f64, theta: f64, phi: f64) -> (f64, f64, f64) {
    let (st, ct) = theta.sin_cos();
    let (sp, cp) = phi.sin_cos();
    (r * st * cp, r * st * sp, r * ct)
}

#[test]
fn spherical_to_cartesian_jacobian() {
    // Columns: ∂r = (sθ cφ, sθ sφ, cθ), ∂θ = r (cθ cφ, cθ sφ, −sθ), ∂φ = r (−sθ sφ, sθ cφ, 0)
    Model::new("spherical_to_cartesian", 3, 3, |p| {
        let (x, y, z) = spherical_to_cartesian(p[0], p[1], p[2]);
        vec![x, y, z]
    })
    .jvp(|p, v| {
        let ((x, y, z), (dx, dy, dz)) =
            spherical_to_cartesian_jvp(p[0], v[0], p[1], v[1], p[2], v[2]);
        (vec![x, y, z], vec![dx, dy, dz])
    })
    .vjp(|p, w| {
        let ((x, y, z), gr, gt, gp) =
            spherical_to_cartesian_vjp(p[0], p[1], p[2], (w[0], w[1], w[2]));
        (vec![x, y, z], vec![gr, gt, gp])
    })
    .jacobian(|p| {
        let (r, t, f) = (p[0], p[1], p[2]);
        let (st, ct, sp, cp) = (t.sin(), t.cos(), f.sin(), f.cos());
        vec![
            vec![st * cp, r * ct * cp, -r * st * sp],
            vec![st * sp, r * ct * sp, r * st * cp],
            vec![ct, -r * st, 0.0],
        ]
    })
    .check(&[&[1.0, 0.5, 0.3], &[2.5, 2.0, -1.0]]);
}

/// Softmax of three logits, stabilised by the maximum, as an array.
#[differentiate(forward, reverse)]
fn softmax3(a: f64, b: f64, c: f64) -> [f64; 3] {
    let m = a.max(b).max(c);
    let (ea, eb, ec) = ((a - m).exp(), (b - m).exp(), (c - m).exp());
    let total = ea + eb + ec;
    [ea / total, eb / total, ec / total]
}

#[test]
fn softmax_jacobian() {
    // J = diag(p) − p pᵀ
    Model::new("softmax3", 3, 3, |p| softmax3(p[0], p[1], p[2]).to_vec())
        .jvp(|p, v| {
            let (y, dy) = softmax3_jvp(p[0], v[0], p[1], v[1], p[2], v[2]);
            (y.to_vec(), dy.to_vec())
        })
        .vjp(|p, w| {
            let (y, ga, gb, gc) = softmax3_vjp(p[0], p[1], p[2], [w[0], w[1], w[2]]);
            (y.to_vec(), vec![ga, gb, gc])
        })
        .jacobian(|p| {
            let e: Vec<f64> = p.iter().map(|x| x.exp()).collect();
            let s: f64 = e.iter().sum();
            let q: Vec<f64> = e.iter().map(|x| x / s).collect();
            (0..3)
                .map(|i| {
                    (0..3)
                        .map(|j| {
                            if i == j {
                                q[i] - q[i] * q[j]
                            } else {
                                -q[i] * q[j]
                            }
                        })
                        .collect()
                })
                .collect()
        })
        .check(&[&[1.0, 2.0, 3.0], &[0.0, -1.0, 0.5], &[10.0, 9.0, -3.0]]);
    // Probabilities sum to 1, so the tangents sum to 0 and a constant dout has zero adjoint.
    let (_, d) = softmax3_jvp(0.3, 0.7, -0.2, -1.1, 0.4, 2.0);
    approx::assert_abs_diff_eq!(d[0] + d[1] + d[2], 0.0, epsilon = 1e-15);
    let (_, ga, gb, gc) = softmax3_vjp(0.3, -0.2, 0.4, [2.0, 2.0, 2.0]);
    approx::assert_abs_diff_eq!(ga.abs() + gb.abs() + gc.abs(), 0.0, epsilon = 1e-15);
}

/// Position of a projectile after time t, launched at speed v₀ and elevation α.
#[differentiate(forward, reverse)]
fn projectile(speed: f64, elevation: f64, t: f64) -> (f64, f64) {
    let x = speed * elevation.cos() * t;
    let y = speed * elevation.sin() * t - 0.5 * G_EARTH * t * t;
    (x, y)
}

#[test]
fn projectile_jacobian() {
    // x = v cos α t, y = v sin α t − g t²/2
    Model::new("projectile", 3, 2, |p| {
        let (x, y) = projectile(p[0], p[1], p[2]);
        vec![x, y]
    })
    .jvp(|p, v| {
        let ((x, y), (dx, dy)) = projectile_jvp(p[0], v[0], p[1], v[1], p[2], v[2]);
        (vec![x, y], vec![dx, dy])
    })
    .vjp(|p, w| {
        let ((x, y), gv, ga, gt) = projectile_vjp(p[0], p[1], p[2], (w[0], w[1]));
        (vec![x, y], vec![gv, ga, gt])
    })
    .jacobian(|p| {
        let (v, a, t) = (p[0], p[1], p[2]);
        vec![
            vec![a.cos() * t, -v * a.sin() * t, v * a.cos()],
            vec![a.sin() * t, v * a.cos() * t, v * a.sin() - G_EARTH * t],
        ]
    })
    .check(&[&[20.0, 0.8, 1.5], &[5.0, 0.1, 0.3]]);
}

/// A 3-vector scaled to unit length.
#[differentiate(forward, reverse)]
fn normalize3(x: f64, y: f64, z: f64) -> [f64; 3] {
    let inv = (x * x + y * y + z * z).sqrt().recip();
    [x * inv, y * inv, z * inv]
}

#[test]
fn normalize_jacobian() {
    // J = (I − n nᵀ)/|v|
    Model::new("normalize3", 3, 3, |p| {
        normalize3(p[0], p[1], p[2]).to_vec()
    })
    .jvp(|p, v| {
        let (y, dy) = normalize3_jvp(p[0], v[0], p[1], v[1], p[2], v[2]);
        (y.to_vec(), dy.to_vec())
    })
    .vjp(|p, w| {
        let (y, gx, gy, gz) = normalize3_vjp(p[0], p[1], p[2], [w[0], w[1], w[2]]);
        (y.to_vec(), vec![gx, gy, gz])
    })
    .jacobian(|p| {
        let len = (p[0] * p[0] + p[1] * p[1] + p[2] * p[2]).sqrt();
        let n: Vec<f64> = p.iter().map(|c| c / len).collect();
        (0..3)
            .map(|i| {
                (0..3)
                    .map(|j| (f64::from(u8::from(i == j)) - n[i] * n[j]) / len)
                    .collect()
            })
            .collect()
    })
    .check(&[&[1.0, 2.0, 2.0], &[-0.3, 0.1, 0.9]]);
    // The radial direction is in the kernel: moving along v does not change v/|v|.
    let (_, d) = normalize3_jvp(1.0, 1.0, 2.0, 2.0, 2.0, 2.0);
    approx::assert_abs_diff_eq!(d[0].abs() + d[1].abs() + d[2].abs(), 0.0, epsilon = 1e-15);
}

/// Outputs that are inputs themselves, swapped and duplicated.
#[differentiate(forward, reverse)]
fn swap_and_copy(x: f64, y: f64) -> (f64, f64, f64) {
    (y, x, x)
}

/// An array filled by a repeat expression.
#[differentiate(forward, reverse)]
fn broadcast3(x: f64) -> [f64; 3] {
    [x.exp(); 3]
}

#[test]
fn aliased_outputs() {
    // J = [[0, 1], [1, 0], [1, 0]]; in reverse mode x collects both of its cotangents.
    Model::new("swap_and_copy", 2, 3, |p| {
        let (a, b, c) = swap_and_copy(p[0], p[1]);
        vec![a, b, c]
    })
    .jvp(|p, v| {
        let ((a, b, c), (da, db, dc)) = swap_and_copy_jvp(p[0], v[0], p[1], v[1]);
        (vec![a, b, c], vec![da, db, dc])
    })
    .vjp(|p, w| {
        let ((a, b, c), gx, gy) = swap_and_copy_vjp(p[0], p[1], (w[0], w[1], w[2]));
        (vec![a, b, c], vec![gx, gy])
    })
    .jacobian(|_| vec![vec![0.0, 1.0], vec![1.0, 0.0], vec![1.0, 0.0]])
    .check(&[&[1.5, -2.0]]);
    assert_eq!(swap_and_copy_vjp(1.0, 2.0, (3.0, 5.0, 7.0)).1, 5.0 + 7.0);
    // Every element is eˣ: J = (eˣ, eˣ, eˣ)ᵀ
    Model::new("broadcast3", 1, 3, |p| broadcast3(p[0]).to_vec())
        .jvp(|p, v| {
            let (y, dy) = broadcast3_jvp(p[0], v[0]);
            (y.to_vec(), dy.to_vec())
        })
        .vjp(|p, w| {
            let (y, g) = broadcast3_vjp(p[0], [w[0], w[1], w[2]]);
            (y.to_vec(), vec![g])
        })
        .jacobian(|p| vec![vec![p[0].exp()]; 3])
        .check(&[&[-1.0], &[0.5]]);
}

/// A tuple whose second element is a constant.
#[differentiate(forward, reverse)]
fn with_constant(x: f64) -> (f64, f64) {
    (x.sin(), 2.5)
}

/// An array whose last element comes only from a constant parameter.
#[differentiate(forward, reverse)]
fn with_count(x: f64, n: usize) -> [f64; 2] {
    [x * 2.0, n as f64 * 0.5]
}

/// A float output that only depends on a non-float parameter.
#[differentiate(forward, reverse)]
fn only_constant(n: usize) -> f64 {
    (n as f64).sqrt()
}

/// A float input that the output does not use.
#[differentiate(forward, reverse)]
fn ignores_input(_x: f64, y: f64) -> f64 {
    y * 3.0
}

#[test]
fn constant_outputs_have_zero_derivatives() {
    // The constant element has tangent exactly 0 and its cotangent reaches no input.
    for x in [-1.0, 0.3, 2.0] {
        let ((s, c), (ds, dc)) = with_constant_jvp(x, 1.0);
        assert_eq!((s, c), with_constant(x));
        assert_eq!(ds, x.cos());
        assert_eq!(dc, 0.0);
        let ((s2, c2), g) = with_constant_vjp(x, (0.0, 1.0));
        assert_eq!((s2, c2), (s, c));
        assert_eq!(g, 0.0);
        let (_, g) = with_constant_vjp(x, (2.0, 1e6));
        assert_eq!(g, 2.0 * x.cos());
    }
    for n in [0usize, 3, 10] {
        let (y, dy) = with_count_jvp(1.25, -4.0, n);
        assert_eq!(y, with_count(1.25, n));
        assert_eq!(dy, [2.0 * -4.0, 0.0]);
        let (y, g) = with_count_vjp(1.25, n, [0.5, 100.0]);
        assert_eq!(y, with_count(1.25, n));
        assert_eq!(g, 1.0);
    }
    // No active input at all: forward gives a zero tangent; reverse returns just the value.
    let _: fn(usize) -> (f64, f64) = only_constant_jvp;
    let _: fn(usize, f64) -> f64 = only_constant_vjp;
    for n in [0usize, 2, 49] {
        assert_eq!(only_constant_jvp(n), (only_constant(n), 0.0));
        assert_eq!(only_constant_vjp(n, 1.0), only_constant(n));
    }
    // An unused float input is still active (it gets a tangent and an adjoint), with
    // derivative 0.
    let _: fn(f64, f64, f64, f64) -> (f64, f64) = ignores_input_jvp;
    let _: fn(f64, f64, f64) -> (f64, f64, f64) = ignores_input_vjp;
    assert_eq!(ignores_input(1.0, 2.0), 6.0);
    assert_eq!(ignores_input_jvp(1.0, 5.0, 2.0, 0.0), (6.0, 0.0));
    assert_eq!(ignores_input_jvp(1.0, 0.0, 2.0, 1.0), (6.0, 3.0));
    assert_eq!(ignores_input_vjp(1.0, 2.0, 1.0), (6.0, 0.0, 3.0));
}

/// The simplest outputs: a parameter itself, its negation, and an array whose length is a
/// named constant.
#[differentiate(forward, reverse)]
fn identity(x: f64) -> f64 {
    x
}

#[differentiate(forward, reverse)]
fn negated(x: f64) -> f64 {
    -x
}

const DIM: usize = 2;

#[differentiate(forward, reverse)]
fn sum_and_product(x: f64, y: f64) -> [f64; DIM] {
    [x + y, x * y]
}

#[test]
fn trivial_outputs() {
    for x in [-2.5, 0.0, 1.25] {
        assert_eq!(identity_jvp(x, 0.75), (identity(x), 0.75));
        assert_eq!(identity_vjp(x, -3.0), (x, -3.0));
        assert_eq!(negated_jvp(x, 0.75), (negated(x), -0.75));
        assert_eq!(negated_vjp(x, -3.0), (-x, 3.0));
    }
    // J = [[1, 1], [y, x]]
    Model::new("sum_and_product", 2, 2, |p| {
        sum_and_product(p[0], p[1]).to_vec()
    })
    .jvp(|p, v| {
        let (y, d) = sum_and_product_jvp(p[0], v[0], p[1], v[1]);
        (y.to_vec(), d.to_vec())
    })
    .vjp(|p, w| {
        let (y, gx, gy) = sum_and_product_vjp(p[0], p[1], [w[0], w[1]]);
        (y.to_vec(), vec![gx, gy])
    })
    .jacobian(|p| vec![vec![1.0, 1.0], vec![p[1], p[0]]])
    .check(&[&[1.5, -2.0], &[0.25, 4.0]]);
}
