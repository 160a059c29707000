//! Fixed-size arrays: `&[f64; 3]` parameters (tangents `&[f64; 3]`, adjoint buffers
//! `&mut [f64; 3]`), an `[f64; 3]` output, and local `[0.0; N]` buffers whose elements are
//! overwritten.

use crate::common::Case;
use ad::differentiate;

fn arr<const N: usize>(s: &[f64]) -> [f64; N] {
    s.try_into().expect("slice of the array's length")
}

/// ‖a × b‖² + a · b.
#[differentiate(forward, reverse)]
pub fn cross_norm(a: &[f64; 3], b: &[f64; 3]) -> f64 {
    let c0 = a[1] * b[2] - a[2] * b[1];
    let c1 = a[2] * b[0] - a[0] * b[2];
    let c2 = a[0] * b[1] - a[1] * b[0];
    let mut d = 0.0;
    for (p, q) in a.iter().zip(b.iter()) {
        d += p * q;
    }
    c0 * c0 + c1 * c1 + c2 * c2 + d
}

#[test]
fn array_parameters() {
    // ‖a × b‖² = ‖a‖²‖b‖² − (a·b)²: ∂/∂a = 2‖b‖² a − 2 (a·b) b + b.
    Case::new(
        "cross_norm",
        6,
        1,
        |p| vec![cross_norm(&arr(&p[..3]), &arr(&p[3..]))],
        |p, v| {
            let (y, dy) =
                cross_norm_jvp(&arr(&p[..3]), &arr(&v[..3]), &arr(&p[3..]), &arr(&v[3..]));
            (vec![y], vec![dy])
        },
        |p, w, g| {
            // Adjoint arrays that start from the buffer's contents, so accumulation is checked.
            let mut ga: [f64; 3] = arr(&g[..3]);
            let mut gb: [f64; 3] = arr(&g[3..]);
            let y = cross_norm_vjp(&arr(&p[..3]), &mut ga, &arr(&p[3..]), &mut gb, w[0]);
            g[..3].copy_from_slice(&ga);
            g[3..].copy_from_slice(&gb);
            vec![y]
        },
    )
    .gradient(|p| {
        let (a, b) = p.split_at(3);
        let (aa, bb) = (crate::common::dot(a, a), crate::common::dot(b, b));
        let ab = crate::common::dot(a, b);
        let ga = (0..3).map(|i| 2.0 * bb * a[i] - 2.0 * ab * b[i] + b[i]);
        let gb = (0..3).map(|i| 2.0 * aa * b[i] - 2.0 * ab * a[i] + a[i]);
        ga.chain(gb).collect()
    })
    .check_random(3, 1.5);
}

#[test]
fn array_adjoints_accumulate() {
    let (a, b) = ([1.0, 0.0, 0.0], [0.0, 1.0, 0.0]);
    // At a ⟂ b with unit lengths: ∂/∂a = 2a·‖b‖² − 0 + b = (2, 1, 0), ∂/∂b = (1, 2, 0).
    let mut ga = [0.0; 3];
    let mut gb = [0.0; 3];
    cross_norm_vjp(&a, &mut ga, &b, &mut gb, 1.0);
    cross_norm_vjp(&a, &mut ga, &b, &mut gb, 1.0);
    assert_eq!(ga, [4.0, 2.0, 0.0]);
    assert_eq!(gb, [2.0, 4.0, 0.0]);
}

/// The cross product as an `[f64; 3]` output.
#[differentiate(forward, reverse)]
pub fn cross(a: &[f64; 3], b: &[f64; 3]) -> [f64; 3] {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

#[test]
fn array_output() {
    Case::new(
        "cross",
        6,
        3,
        |p| cross(&arr(&p[..3]), &arr(&p[3..])).to_vec(),
        |p, v| {
            let (y, dy) = cross_jvp(&arr(&p[..3]), &arr(&v[..3]), &arr(&p[3..]), &arr(&v[3..]));
            (y.to_vec(), dy.to_vec())
        },
        |p, w, g| {
            let mut ga: [f64; 3] = arr(&g[..3]);
            let mut gb: [f64; 3] = arr(&g[3..]);
            let y = cross_vjp(&arr(&p[..3]), &mut ga, &arr(&p[3..]), &mut gb, arr(w));
            g[..3].copy_from_slice(&ga);
            g[3..].copy_from_slice(&gb);
            y.to_vec()
        },
    )
    .jacobian(|p| {
        let (a, b) = (&p[..3], &p[3..]);
        // Row k of ∂(a × b)/∂(a, b).
        vec![
            vec![0.0, b[2], -b[1], 0.0, -a[2], a[1]],
            vec![-b[2], 0.0, b[0], a[2], 0.0, -a[0]],
            vec![b[1], -b[0], 0.0, -a[1], a[0], 0.0],
        ]
    })
    .check_random(2, 1.0);
}

/// Number of coefficients of [`cubic`].
const COEFFICIENTS: usize = 4;

/// Σ cₖ tᵏ (k < 4) with the powers of `t` in a local `[0.0; N]`.
#[differentiate(forward, reverse)]
#[allow(clippy::needless_range_loop)]
pub fn cubic(c: &[f64; 4], t: f64) -> f64 {
    let mut powers = [0.0; COEFFICIENTS];
    powers[0] = 1.0;
    for k in 1..4 {
        powers[k] = powers[k - 1] * t;
    }
    let mut s = 0.0;
    for k in 0..4 {
        s += c[k] * powers[k];
    }
    s
}

#[test]
fn local_array() {
    Case::new(
        "cubic",
        5,
        1,
        |p| vec![cubic(&arr(&p[..4]), p[4])],
        |p, v| {
            let (y, dy) = cubic_jvp(&arr(&p[..4]), &arr(&v[..4]), p[4], v[4]);
            (vec![y], vec![dy])
        },
        |p, w, g| {
            let mut gc: [f64; 4] = arr(&g[..4]);
            let (y, dt) = cubic_vjp(&arr(&p[..4]), &mut gc, p[4], w[0]);
            g[..4].copy_from_slice(&gc);
            g[4] += dt;
            vec![y]
        },
    )
    .gradient(|p| {
        let t = p[4];
        vec![
            1.0,
            t,
            t * t,
            t * t * t,
            p[1] + 2.0 * p[2] * t + 3.0 * p[3] * t * t,
        ]
    })
    .check_random(3, 1.5);
}

/// Length of the local array in a constant.
const STATE: usize = 3;

/// Three steps of a map applied to a local copy of `a` whose elements are overwritten, each step
/// reading both old (`first`) and new (`u[0]` in the last line) values.
#[differentiate(forward, reverse)]
pub fn twist(a: &[f64; 3], t: f64) -> f64 {
    let mut u = [0.0; STATE];
    u[0] = a[0];
    u[1] = a[1];
    u[2] = a[2];
    for _ in 0..3 {
        let first = u[0];
        u[0] = u[1] * t.cos() + first * t.sin();
        u[1] = u[2] - first * t;
        u[2] = first.tanh() + u[0];
    }
    u[0] * u[1] + u[2]
}

#[test]
fn overwritten_local_array() {
    Case::new(
        "twist",
        4,
        1,
        |p| vec![twist(&arr(&p[..3]), p[3])],
        |p, v| {
            let (y, dy) = twist_jvp(&arr(&p[..3]), &arr(&v[..3]), p[3], v[3]);
            (vec![y], vec![dy])
        },
        |p, w, g| {
            let mut ga: [f64; 3] = arr(&g[..3]);
            let (y, dt) = twist_vjp(&arr(&p[..3]), &mut ga, p[3], w[0]);
            g[..3].copy_from_slice(&ga);
            g[3] += dt;
            vec![y]
        },
    )
    .check_random(4, 1.0);
}
