//! In-out parameters `&mut [f64]` and `&mut f64`, and functions that return `()`.
//!
//! An in-out buffer is an input (its contents on entry) and an output (its contents on return).
//! Forward mode: its tangent buffer holds the tangent of the entry contents on entry and the
//! tangent of the returned contents on return. Reverse mode: its adjoint buffer holds the
//! cotangent of the returned contents on entry and the cotangent of the entry contents on return,
//! zero where the function overwrote an element without reading it.
//!
//! For `()` functions `f_jvp` returns `()`, and `f_vjp` takes no `dout` and returns the adjoints
//! of the active scalars: `()` for none, the adjoint for one, a tuple for several.
//!
//! In the [`Case`] layout an in-out buffer contributes its entry contents to the inputs and its
//! returned contents to the outputs.

use crate::common::{assert_all_close, assert_same_bits, Case, Rng};
use ad::differentiate;

/// The right-hand side of a chain of reservoirs y' = f(y, k): each drains at rate k into the
/// next and loses 0.1 y³; written into `out` without reading it.
#[differentiate(forward, reverse)]
pub fn rhs(y: &[f64], k: f64, out: &mut [f64]) {
    let n = y.len();
    for i in 0..n {
        let inflow = if i > 0 { k * y[i - 1] } else { 0.0 };
        out[i] = inflow - k * y[i] - 0.1 * y[i] * y[i] * y[i];
    }
}

const N: usize = 4;

/// Inputs `(y, k, out on entry)`, outputs `out` on return.
fn rhs_case() -> Case {
    let n = N;
    Case::new(
        "rhs",
        2 * n + 1,
        n,
        move |p| {
            let mut out = p[n + 1..].to_vec();
            rhs(&p[..n], p[n], &mut out);
            out
        },
        move |p, v| {
            let mut out = p[n + 1..].to_vec();
            let mut d_out = v[n + 1..].to_vec();
            let () = rhs_jvp(&p[..n], &v[..n], p[n], v[n], &mut out, &mut d_out);
            (out, d_out)
        },
        move |p, w, g| {
            let mut out = p[n + 1..].to_vec();
            let mut out_adj = w.to_vec();
            let (gy, rest) = g.split_at_mut(n);
            // One active scalar: `f_vjp` returns its adjoint alone.
            let dk: f64 = rhs_vjp(&p[..n], gy, p[n], &mut out, &mut out_adj);
            rest[0] += dk;
            for (gi, a) in rest[1..].iter_mut().zip(&out_adj) {
                *gi += a;
            }
            out
        },
    )
    .jacobian(move |p| {
        let (y, k) = (&p[..n], p[n]);
        (0..n)
            .map(|i| {
                let mut row = vec![0.0; 2 * n + 1];
                if i > 0 {
                    row[i - 1] = k;
                    row[n] = y[i - 1] - y[i];
                } else {
                    row[n] = -y[i];
                }
                row[i] = -k - 0.3 * y[i] * y[i];
                // The entry contents of `out` have no influence: columns n+1.. stay zero.
                row
            })
            .collect()
    })
}

#[test]
fn ode_right_hand_side() {
    rhs_case().check_random(3, 1.5);
}

#[test]
fn ode_right_hand_side_in_out_semantics() {
    let y = [0.5, -1.0, 1.5, 0.25];
    let k = 0.7;
    let mut expected = [0.0; N];
    rhs(&y, k, &mut expected);

    // Forward: the entry contents of `out` and of its tangent buffer do not matter; on return
    // `out` holds the primal's result and the tangent buffer the output tangent.
    let dy = [1.0, 0.0, -2.0, 0.5];
    let dk = 0.25;
    let mut out = [1e3; N];
    let mut d_out = [-7e5; N];
    rhs_jvp(&y, &dy, k, dk, &mut out, &mut d_out);
    assert_same_bits("rhs_jvp out", &out, &expected);
    let tangent: Vec<f64> = (0..N)
        .map(|i| {
            let (left, dleft) = if i > 0 {
                (y[i - 1], dy[i - 1])
            } else {
                (0.0, 0.0)
            };
            dk * (left - y[i]) + k * (dleft - dy[i]) - 0.3 * y[i] * y[i] * dy[i]
        })
        .collect();
    assert_all_close("rhs_jvp tangent of out", &d_out, &tangent, 1e-14, 1e-14);

    // Reverse: the adjoint buffer of `out` holds the cotangent of the output on entry, and the
    // cotangent of `out`'s entry contents on return: zero, since every element is overwritten
    // without being read.
    let w = [1.0, -0.5, 2.0, 0.75];
    let mut out = [1e3; N];
    let mut out_adj = w;
    let mut gy = [0.0; N];
    let gk = rhs_vjp(&y, &mut gy, k, &mut out, &mut out_adj);
    assert_same_bits("rhs_vjp out", &out, &expected);
    assert_eq!(
        out_adj, [0.0; N],
        "cotangent of the overwritten entry contents"
    );
    let mut expected_gy = [0.0; N];
    let mut expected_gk = 0.0;
    for i in 0..N {
        expected_gy[i] += w[i] * (-k - 0.3 * y[i] * y[i]);
        if i > 0 {
            expected_gy[i - 1] += w[i] * k;
            expected_gk += w[i] * (y[i - 1] - y[i]);
        } else {
            expected_gk -= w[i] * y[i];
        }
    }
    assert_all_close("rhs_vjp adjoint of y", &gy, &expected_gy, 1e-14, 1e-14);
    assert_all_close("rhs_vjp adjoint of k", &[gk], &[expected_gk], 1e-14, 1e-14);

    // The adjoint buffer of `y` accumulates over calls; that of `out` is reset by each.
    let mut out_adj = w;
    let gk2 = rhs_vjp(&y, &mut gy, k, &mut out, &mut out_adj);
    assert_eq!(gk2, gk);
    assert_eq!(out_adj, [0.0; N]);
    let doubled: Vec<f64> = expected_gy.iter().map(|g| 2.0 * g).collect();
    assert_all_close("rhs_vjp twice", &gy, &doubled, 1e-14, 1e-14);
}

/// One explicit Euler step y + h f(y, k) composed by hand from the companions of `rhs`, the
/// way a caller combines them: forward mode chains the tangents, reverse mode seeds `rhs`'s
/// output adjoint with h ȳ₁.
#[test]
fn composing_the_right_hand_side() {
    let (n, h) = (N, 0.1);
    let step = move |y: &[f64], k: f64| -> Vec<f64> {
        let mut f = vec![0.0; n];
        rhs(y, k, &mut f);
        y.iter().zip(&f).map(|(a, b)| a + h * b).collect()
    };
    Case::new(
        "euler step through rhs",
        n + 1,
        n,
        move |p| step(&p[..n], p[n]),
        move |p, v| {
            let mut f = vec![0.0; n];
            let mut df = vec![0.0; n];
            rhs_jvp(&p[..n], &v[..n], p[n], v[n], &mut f, &mut df);
            let y1 = p[..n].iter().zip(&f).map(|(a, b)| a + h * b).collect();
            let dy1 = v[..n].iter().zip(&df).map(|(a, b)| a + h * b).collect();
            (y1, dy1)
        },
        move |p, w, g| {
            let mut f = vec![0.0; n];
            let mut f_adj: Vec<f64> = w.iter().map(|a| h * a).collect();
            let (gy, gk) = g.split_at_mut(n);
            for (gi, wi) in gy.iter_mut().zip(w) {
                *gi += wi;
            }
            gk[0] += rhs_vjp(&p[..n], gy, p[n], &mut f, &mut f_adj);
            p[..n].iter().zip(&f).map(|(a, b)| a + h * b).collect()
        },
    )
    .check_random(2, 1.0);
}

/// Writes part of `out`: element 0 is overwritten without being read, element 1 is read and
/// overwritten (`*=`), element 2 is left alone. No active scalar: `f_vjp` returns `()`.
#[differentiate(forward, reverse)]
pub fn partial_update(x: &[f64], out: &mut [f64]) {
    out[0] = x[0] * x[1];
    out[1] *= x[0];
}

#[test]
fn partially_overwritten_buffer() {
    // Inputs (x₀, x₁, out₀, out₁, out₂), outputs (out₀, out₁, out₂).
    Case::new(
        "partial_update",
        5,
        3,
        |p| {
            let mut out = p[2..].to_vec();
            partial_update(&p[..2], &mut out);
            out
        },
        |p, v| {
            let mut out = p[2..].to_vec();
            let mut d_out = v[2..].to_vec();
            partial_update_jvp(&p[..2], &v[..2], &mut out, &mut d_out);
            (out, d_out)
        },
        |p, w, g| {
            let mut out = p[2..].to_vec();
            let mut out_adj = w.to_vec();
            let (gx, rest) = g.split_at_mut(2);
            let () = partial_update_vjp(&p[..2], gx, &mut out, &mut out_adj);
            for (gi, a) in rest.iter_mut().zip(&out_adj) {
                *gi += a;
            }
            out
        },
    )
    .jacobian(|p| {
        let (x0, x1, o1) = (p[0], p[1], p[3]);
        vec![
            vec![x1, x0, 0.0, 0.0, 0.0],
            vec![o1, 0.0, 0.0, x0, 0.0],
            vec![0.0, 0.0, 0.0, 0.0, 1.0],
        ]
    })
    .check_random(3, 1.5);

    // The cotangent of the entry contents: 0 where overwritten unread, ȳ₁ x₀ where read, ȳ₂
    // where untouched.
    let x = [2.0, 3.0];
    let mut out = [5.0, 7.0, 11.0];
    let mut out_adj = [1.0, 10.0, 100.0];
    let mut gx = [0.0; 2];
    partial_update_vjp(&x, &mut gx, &mut out, &mut out_adj);
    assert_eq!(out, [6.0, 14.0, 11.0]);
    assert_eq!(out_adj, [0.0, 20.0, 100.0]);
    assert_eq!(gx, [3.0 + 10.0 * 7.0, 2.0]);
    // Forward: the tangent of the untouched element passes through.
    let mut out = [5.0, 7.0, 11.0];
    let mut d_out = [1.0, 2.0, 3.0];
    partial_update_jvp(&x, &[1.0, 0.0], &mut out, &mut d_out);
    assert_eq!(d_out, [3.0, 7.0 + 2.0 * 2.0, 3.0]);
}

/// y ← y + a x, reading `y`'s entry contents; one active scalar.
#[differentiate(forward, reverse)]
#[allow(clippy::needless_range_loop)]
pub fn axpy(a: f64, x: &[f64], y: &mut [f64]) {
    for i in 0..y.len() {
        y[i] += a * x[i];
    }
}

#[test]
fn buffer_read_and_written() {
    let n = 3;
    // Inputs (a, x, y on entry), outputs y on return.
    Case::new(
        "axpy",
        2 * n + 1,
        n,
        move |p| {
            let mut y = p[n + 1..].to_vec();
            axpy(p[0], &p[1..=n], &mut y);
            y
        },
        move |p, v| {
            let mut y = p[n + 1..].to_vec();
            let mut dy = v[n + 1..].to_vec();
            axpy_jvp(p[0], v[0], &p[1..=n], &v[1..=n], &mut y, &mut dy);
            (y, dy)
        },
        move |p, w, g| {
            let mut y = p[n + 1..].to_vec();
            let mut y_adj = w.to_vec();
            let (ga, rest) = g.split_at_mut(1);
            let (gx, gy) = rest.split_at_mut(n);
            ga[0] += axpy_vjp(p[0], &p[1..=n], gx, &mut y, &mut y_adj);
            for (gi, b) in gy.iter_mut().zip(&y_adj) {
                *gi += b;
            }
            y
        },
    )
    .jacobian(move |p| {
        (0..n)
            .map(|i| {
                let mut row = vec![0.0; 2 * n + 1];
                row[0] = p[1 + i];
                row[1 + i] = p[0];
                row[n + 1 + i] = 1.0;
                row
            })
            .collect()
    })
    .check_random(2, 1.0);

    // The entry contents pass straight through: their cotangent is the output's.
    let mut y = [1.0, 2.0];
    let mut y_adj = [3.0, -4.0];
    let mut gx = [0.0; 2];
    let ga = axpy_vjp(2.0, &[0.5, 0.25], &mut gx, &mut y, &mut y_adj);
    assert_eq!(y, [2.0, 2.5]);
    assert_eq!(y_adj, [3.0, -4.0]);
    assert_eq!(gx, [6.0, -8.0]);
    assert_eq!(ga, 1.5 - 1.0);
}

/// In-place prefix sums vᵢ ← vᵢ + vᵢ₋₁ over the new values: a linear map whose transpose takes
/// suffix sums, so the cotangent of the entry contents is known exactly.
#[differentiate(forward, reverse)]
pub fn cumsum_in_place(v: &mut [f64]) {
    for i in 1..v.len() {
        v[i] += v[i - 1];
    }
}

#[test]
fn in_place_prefix_sums() {
    let mut v = [1.0, 2.0, 3.0, 4.0];
    let mut dv = [1.0, 0.0, 0.0, -1.0];
    cumsum_in_place_jvp(&mut v, &mut dv);
    assert_eq!(v, [1.0, 3.0, 6.0, 10.0]);
    assert_eq!(dv, [1.0, 1.0, 1.0, 0.0]);

    let mut v = [1.0, 2.0, 3.0, 4.0];
    let mut v_adj = [1.0, 2.0, 4.0, 8.0];
    let () = cumsum_in_place_vjp(&mut v, &mut v_adj);
    assert_eq!(v, [1.0, 3.0, 6.0, 10.0]);
    assert_eq!(v_adj, [15.0, 14.0, 12.0, 8.0]);

    let n = 5;
    Case::new(
        "cumsum_in_place",
        n,
        n,
        |p| {
            let mut v = p.to_vec();
            cumsum_in_place(&mut v);
            v
        },
        |p, d| {
            let mut v = p.to_vec();
            let mut dv = d.to_vec();
            cumsum_in_place_jvp(&mut v, &mut dv);
            (v, dv)
        },
        |p, w, g| {
            let mut v = p.to_vec();
            let mut v_adj = w.to_vec();
            cumsum_in_place_vjp(&mut v, &mut v_adj);
            for (gi, a) in g.iter_mut().zip(&v_adj) {
                *gi += a;
            }
            v
        },
    )
    .jacobian(move |_| {
        (0..n)
            .map(|i| (0..n).map(|j| if j <= i { 1.0 } else { 0.0 }).collect())
            .collect()
    })
    .check_random(1, 1.0);
}

/// Scales `v` in place to unit length and returns its old length: a returned value and an
/// in-out buffer together.
#[differentiate(forward, reverse)]
#[allow(clippy::needless_range_loop)]
pub fn normalize(v: &mut [f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..v.len() {
        s += v[i] * v[i];
    }
    let r = s.sqrt();
    for i in 0..v.len() {
        v[i] /= r;
    }
    r
}

#[test]
fn returned_value_and_in_out_buffer() {
    let n = 3;
    // Inputs v on entry; outputs (r, v on return).
    Case::new(
        "normalize",
        n,
        n + 1,
        |p| {
            let mut v = p.to_vec();
            let r = normalize(&mut v);
            std::iter::once(r).chain(v).collect()
        },
        |p, d| {
            let mut v = p.to_vec();
            let mut dv = d.to_vec();
            let (r, dr) = normalize_jvp(&mut v, &mut dv);
            (
                std::iter::once(r).chain(v).collect(),
                std::iter::once(dr).chain(dv).collect(),
            )
        },
        |p, w, g| {
            let mut v = p.to_vec();
            let mut v_adj = w[1..].to_vec();
            // `dout` (the seed of the returned value) comes last.
            let r = normalize_vjp(&mut v, &mut v_adj, w[0]);
            for (gi, a) in g.iter_mut().zip(&v_adj) {
                *gi += a;
            }
            std::iter::once(r).chain(v).collect()
        },
    )
    .jacobian(move |p| {
        let r = p.iter().map(|x| x * x).sum::<f64>().sqrt();
        let mut rows = vec![p.iter().map(|x| x / r).collect::<Vec<f64>>()];
        for i in 0..n {
            // ∂(vᵢ/r)/∂vⱼ = δᵢⱼ/r − vᵢvⱼ/r³
            rows.push(
                (0..n)
                    .map(|j| f64::from(u8::from(i == j)) / r - p[i] * p[j] / (r * r * r))
                    .collect(),
            );
        }
        rows
    })
    .check_random(3, 1.0);
}

/// A `&mut f64` in-out scalar: adds Σ xᵢ² to `total`.
#[differentiate(forward, reverse)]
pub fn add_squares(x: &[f64], total: &mut f64) {
    for &v in x {
        *total += v * v;
    }
}

/// A `&mut f64` multiplied in place by e^{−rate·t}, with two active scalars.
#[differentiate(forward, reverse)]
pub fn decay(amount: &mut f64, rate: f64, t: f64) {
    *amount *= (-rate * t).exp();
}

#[test]
fn mutable_scalar_reference() {
    let n = 3;
    // Inputs (x, total on entry), output total on return.
    Case::new(
        "add_squares",
        n + 1,
        1,
        move |p| {
            let mut total = p[n];
            add_squares(&p[..n], &mut total);
            vec![total]
        },
        move |p, v| {
            let (mut total, mut d_total) = (p[n], v[n]);
            add_squares_jvp(&p[..n], &v[..n], &mut total, &mut d_total);
            (vec![total], vec![d_total])
        },
        move |p, w, g| {
            let (mut total, mut total_adj) = (p[n], w[0]);
            let (gx, gt) = g.split_at_mut(n);
            let () = add_squares_vjp(&p[..n], gx, &mut total, &mut total_adj);
            gt[0] += total_adj;
            vec![total]
        },
    )
    .gradient(move |p| {
        let mut g: Vec<f64> = p[..n].iter().map(|x| 2.0 * x).collect();
        g.push(1.0);
        g
    })
    .check_random(2, 1.0);

    Case::new(
        "decay",
        3,
        1,
        |p| {
            let mut a = p[0];
            decay(&mut a, p[1], p[2]);
            vec![a]
        },
        |p, v| {
            let (mut a, mut da) = (p[0], v[0]);
            decay_jvp(&mut a, &mut da, p[1], v[1], p[2], v[2]);
            (vec![a], vec![da])
        },
        |p, w, g| {
            let (mut a, mut a_adj) = (p[0], w[0]);
            // Two active scalars: a tuple of their adjoints.
            let (g_rate, g_t): (f64, f64) = decay_vjp(&mut a, &mut a_adj, p[1], p[2]);
            g[0] += a_adj;
            g[1] += g_rate;
            g[2] += g_t;
            vec![a]
        },
    )
    .gradient(|p| {
        let e = (-p[1] * p[2]).exp();
        vec![e, -p[2] * p[0] * e, -p[1] * p[0] * e]
    })
    .check_random(3, 1.0);
}

/// Two active scalars and an output buffer: out ← a x + b; `f_vjp` returns `(ā, b̄)`.
#[differentiate(forward, reverse)]
pub fn affine_into(a: f64, b: f64, x: &[f64], out: &mut [f64]) {
    for (i, v) in x.iter().enumerate() {
        out[i] = a * v + b;
    }
}

/// No active scalar and an output buffer: outᵢ ← xᵢ²; `f_vjp` returns `()`.
#[differentiate(forward, reverse)]
pub fn square_into(x: &[f64], out: &mut [f64]) {
    for (i, v) in x.iter().enumerate() {
        out[i] = v * v;
    }
}

#[test]
fn unit_functions_return_scalar_adjoints() {
    let x = [1.0, -2.0, 0.5];
    let mut out = [0.0; 3];
    let mut out_adj = [1.0, 2.0, 3.0];
    let mut gx = [0.0; 3];
    let (ga, gb): (f64, f64) = affine_into_vjp(2.0, 1.0, &x, &mut gx, &mut out, &mut out_adj);
    let mut primal = [0.0; 3];
    affine_into(2.0, 1.0, &x, &mut primal);
    assert_eq!(out, primal);
    assert_eq!(out, [3.0, -3.0, 2.0]);
    assert_eq!((ga, gb), (1.0 - 4.0 + 1.5, 6.0));
    assert_eq!(gx, [2.0, 4.0, 6.0]);
    assert_eq!(out_adj, [0.0; 3]);

    let mut out = [0.0; 3];
    let mut d_out = [9.0; 3];
    let () = affine_into_jvp(2.0, 1.0, 1.0, 0.0, &x, &[0.0; 3], &mut out, &mut d_out);
    assert_eq!(d_out, x);

    let mut out = [0.0; 3];
    let mut out_adj = [1.0, 2.0, 3.0];
    let mut gx = [0.0; 3];
    let () = square_into_vjp(&x, &mut gx, &mut out, &mut out_adj);
    let mut primal = [0.0; 3];
    square_into(&x, &mut primal);
    assert_eq!(out, primal);
    assert_eq!(out, [1.0, 4.0, 0.25]);
    assert_eq!(gx, [2.0, -8.0, 3.0]);
    assert_eq!(out_adj, [0.0; 3]);
    let mut d_out = [0.0; 3];
    let () = square_into_jvp(&x, &[1.0, 1.0, 1.0], &mut out, &mut d_out);
    assert_eq!(d_out, [2.0, -4.0, 1.0]);
}

#[test]
fn output_buffer_longer_than_the_input() {
    // Elements of `out` beyond x.len() are untouched: their tangents and cotangents pass through.
    let mut rng = Rng::new("square_into longer out");
    let x = rng.vec(2);
    let mut out = [0.0, 0.0, 5.0];
    let mut out_adj = [1.0, 1.0, 7.0];
    let mut gx = [0.0; 2];
    square_into_vjp(&x, &mut gx, &mut out, &mut out_adj);
    assert_eq!(out[2], 5.0);
    assert_eq!(out_adj, [0.0, 0.0, 7.0]);
    let mut d_out = [0.0, 0.0, -3.0];
    square_into_jvp(&x, &[1.0, 1.0], &mut out, &mut d_out);
    assert_eq!(d_out[2], -3.0);
}
