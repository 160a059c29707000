//! Calls between differentiated functions, through their companions `g_jvp` / `g_vjp`, and
//! hand-written companions (custom derivatives). Every derivative is checked against central
//! finite differences, and forward against reverse.
#![deny(warnings)]
#![deny(clippy::all)]

use ad::differentiate;

fn fd(f: impl Fn(f64) -> f64, x: f64) -> f64 {
    let h = 1e-5 * (1.0 + x.abs());
    (-f(x + 2.0 * h) + 8.0 * f(x + h) - 8.0 * f(x - h) + f(x - 2.0 * h)) / (12.0 * h)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-7 * (1.0 + a.abs().max(b.abs()))
}

#[differentiate(forward, reverse)]
fn inner(a: f64, b: f64) -> f64 {
    a * b.sin() + a.exp()
}

#[differentiate(forward, reverse)]
fn middle(x: f64, y: f64) -> f64 {
    inner(x * y, 0.5) + inner(2.0, x)
}

#[differentiate(forward, reverse)]
fn outer(x: f64, y: f64) -> f64 {
    let m = middle(x, y);
    m * m + inner(m, y)
}

#[test]
fn three_level_chain() {
    for (x, y) in [(0.3, 0.7), (-0.4, 1.1)] {
        let (v, dx) = outer_jvp(x, 1.0, y, 0.0);
        let (_, dy) = outer_jvp(x, 0.0, y, 1.0);
        let (v2, gx, gy) = outer_vjp(x, y, 1.0);
        assert_eq!(v, outer(x, y));
        assert_eq!(v2, v);
        assert!(close(dx, fd(|x| outer(x, y), x)), "{dx}");
        assert!(close(dy, fd(|y| outer(x, y), y)), "{dy}");
        assert!(close(gx, dx) && close(gy, dy));
    }
}

mod shapes {
    use ad::differentiate;

    /// Polar to cartesian: a tuple result.
    #[differentiate(forward, reverse)]
    pub fn polar(r: f64, t: f64) -> (f64, f64) {
        (r * t.cos(), r * t.sin())
    }

    /// A buffer argument: a weighted sum.
    #[differentiate(forward, reverse)]
    pub fn weighted(w: &[f64], s: f64) -> f64 {
        let mut t = 0.0;
        for (i, v) in w.iter().enumerate() {
            t += v * s * (i as f64 + 1.0);
        }
        t
    }
}

/// Calls through a module path, tuple results, buffer arguments, calls in a loop and a branch.
#[differentiate(forward, reverse)]
fn caller(x: f64, w: &[f64], n: usize) -> f64 {
    let (a, b) = shapes::polar(x, 0.3 * x);
    let mut acc = 0.0;
    for i in 0..n {
        if i % 2 == 0 {
            acc += shapes::weighted(w, a + i as f64);
        } else {
            acc -= b * inner(x, i as f64);
        }
    }
    acc
}

#[test]
fn calls_with_buffers_tuples_loops_and_branches() {
    let w = [0.5, -1.0, 2.0];
    for x in [0.4, 1.3] {
        let (v, dx) = caller_jvp(x, 1.0, &w, &[0.0; 3], 5);
        assert_eq!(v, caller(x, &w, 5));
        assert!(close(dx, fd(|x| caller(x, &w, 5), x)), "{dx}");
        let mut gw = [0.0; 3];
        let (v2, gx) = caller_vjp(x, &w, &mut gw, 5, 1.0);
        assert_eq!(v2, v);
        assert!(close(gx, dx));
        for k in 0..3 {
            let dk = fd(
                |t| {
                    let mut w2 = w;
                    w2[k] = t;
                    caller(x, &w2, 5)
                },
                w[k],
            );
            assert!(close(gw[k], dk), "{k}: {} vs {dk}", gw[k]);
            // forward along e_k
            let mut e = [0.0; 3];
            e[k] = 1.0;
            let (_, d) = caller_jvp(x, 0.0, &w, &e, 5);
            assert!(close(d, gw[k]));
        }
    }
}

/// A recursive function: x^n by halving.
#[differentiate(forward, reverse)]
fn power(x: f64, n: u32) -> f64 {
    if n == 0 {
        return 1.0;
    }
    let half = power(x, n / 2);
    if n.is_multiple_of(2) {
        half * half
    } else {
        half * half * x
    }
}

#[test]
fn recursion() {
    for n in [0, 1, 5, 8] {
        let x: f64 = 1.3;
        let want = if n == 0 {
            0.0
        } else {
            f64::from(n) * x.powi(n as i32 - 1)
        };
        let (v, d) = power_jvp(x, 1.0, n);
        let (v2, g) = power_vjp(x, n, 1.0);
        assert_eq!(v, power(x, n));
        assert_eq!(v2, v);
        assert!(close(d, want) && close(g, want), "n = {n}: {d} {g} {want}");
    }
}

/// `ln(1 + e^x)`, written the naive way, which overflows for large x; its companions below are
/// hand-written with a numerically stable formula (a custom derivative).
fn log1p_exp(x: f64) -> f64 {
    (1.0 + x.exp()).ln()
}

fn stable(x: f64) -> f64 {
    if x > 0.0 {
        x + (-x).exp().ln_1p()
    } else {
        x.exp().ln_1p()
    }
}

/// The logistic function, the derivative of `log1p_exp`, without overflow.
fn sigmoid(x: f64) -> f64 {
    if x >= 0.0 {
        1.0 / (1.0 + (-x).exp())
    } else {
        let e = x.exp();
        e / (1.0 + e)
    }
}

#[allow(dead_code)]
fn log1p_exp_jvp(x: f64, dx: f64) -> (f64, f64) {
    (stable(x), sigmoid(x) * dx)
}

#[allow(dead_code)]
fn log1p_exp_vjp(x: f64, dout: f64) -> (f64, f64) {
    (stable(x), sigmoid(x) * dout)
}

#[differentiate(forward, reverse)]
fn softplus_loss(x: f64, y: f64) -> f64 {
    log1p_exp(x * y) - 0.5 * x
}

#[test]
fn custom_derivative_is_used() {
    // At x y = 800, e^800 overflows: the naive derivative would be NaN; the custom one is 1.
    let (_, d) = softplus_loss_jvp(2.0, 1.0, 400.0, 0.0);
    let (_, gx, gy) = softplus_loss_vjp(2.0, 400.0, 1.0);
    assert_eq!(d, 400.0 - 0.5);
    assert_eq!(gx, d);
    assert_eq!(gy, 2.0);
    // Where the naive formula is fine, the values agree with finite differences.
    let (x, y) = (0.3, 1.7);
    let (_, d) = softplus_loss_jvp(x, 1.0, y, 0.0);
    assert!(close(d, fd(|x| softplus_loss(x, y), x)));
    assert!(log1p_exp(1.0) > 0.0);
}

/// A generic float function, differentiated once and used at both widths.
#[differentiate(forward, reverse)]
fn damped<T: ad::Float>(x: T, k: T, n: usize) -> T {
    let mut s = x;
    for _ in 0..n {
        s = s.sin() * k + T::from_f64(0.5) * s;
    }
    if s > k {
        s * s
    } else {
        s.exp()
    }
}

#[test]
fn generic_float_at_both_widths() {
    for (x, k) in [(0.4, 0.9), (1.2, 0.3)] {
        let (v, dx) = damped_jvp::<f64>(x, 1.0, k, 0.0, 6);
        let (v2, gx, gk) = damped_vjp::<f64>(x, k, 6, 1.0);
        assert_eq!(v, damped(x, k, 6));
        assert_eq!(v2, v);
        assert!(close(dx, fd(|x| damped(x, k, 6), x)));
        assert!(close(gx, dx));
        assert!(close(gk, fd(|k| damped(x, k, 6), k)));
        // The same function at f32.
        let (v32, dx32) = damped_jvp::<f32>(x as f32, 1.0, k as f32, 0.0, 6);
        let (_, gx32, _) = damped_vjp::<f32>(x as f32, k as f32, 6, 1.0);
        assert_eq!(v32, damped(x as f32, k as f32, 6));
        assert!(
            ((dx32 as f64) - dx).abs() <= 1e-4 * (1.0 + dx.abs()),
            "{dx32} vs {dx}"
        );
        assert!((gx32 - dx32).abs() <= 1e-5 * (1.0 + dx32.abs()));
    }
}

/// A model whose data lives in a struct; the parameters are passed explicitly.
struct Model {
    xs: Vec<f64>,
    ys: Vec<f64>,
    scale: f64,
}

impl Model {
    #[differentiate(forward, reverse)]
    fn predict(&self, w: &[f64], x: f64) -> f64 {
        w[0] * (w[1] * x).tanh() * self.scale + w[2]
    }

    /// `loss(&self, w)`, calling another method as `Self::predict`. The element read from
    /// `self` is annotated: the compiler cannot see the field's type, and the callee's
    /// companion takes a tangent for it.
    #[differentiate(forward, reverse)]
    fn loss(&self, w: &[f64]) -> f64 {
        let mut l = 0.0;
        for i in 0..self.xs.len() {
            let x: f64 = self.xs[i];
            let r = Self::predict(self, w, x) - self.ys[i];
            l += 0.5 * r * r;
        }
        l
    }
}

#[test]
fn methods_with_self_as_a_constant() {
    let m = Model {
        xs: vec![0.1, 0.5, -0.7, 1.2],
        ys: vec![0.3, -0.2, 0.4, 0.9],
        scale: 1.5,
    };
    let w = [0.8, -1.1, 0.2];
    let mut g = [0.0; 3];
    let l = m.loss_vjp(&w, &mut g, 1.0);
    assert_eq!(l, m.loss(&w));
    for k in 0..3 {
        let mut e = [0.0; 3];
        e[k] = 1.0;
        let (_, d) = m.loss_jvp(&w, &e);
        let dk = fd(
            |t| {
                let mut w2 = w;
                w2[k] = t;
                m.loss(&w2)
            },
            w[k],
        );
        assert!(close(g[k], dk) && close(d, dk), "{k}: {} {d} {dk}", g[k]);
    }
}

/// The right-hand side of y' = f(y): written into `out`, without reading it.
#[differentiate(forward, reverse)]
fn decay_rhs(k: f64, y: &[f64], out: &mut [f64]) {
    out[0] = -k * y[0];
    for i in 1..y.len() {
        out[i] = k * y[i - 1] - 0.5 * y[i] * y[i];
    }
}

/// Classic RK4: the state `y` and the stages are overwritten every step and passed to calls
/// that write into buffers; reverse mode must give each `decay_rhs_vjp` the buffers as they
/// were at its call.
#[differentiate(forward, reverse)]
fn rk4_last(k: f64, y0: &[f64], steps: usize) -> f64 {
    let n = y0.len();
    let h = 1.0 / steps as f64;
    let mut y = y0.to_vec();
    let mut k1 = vec![0.0; n];
    let mut k2 = vec![0.0; n];
    let mut k3 = vec![0.0; n];
    let mut k4 = vec![0.0; n];
    let mut tmp = vec![0.0; n];
    for _ in 0..steps {
        decay_rhs(k, &y, &mut k1);
        for i in 0..n {
            tmp[i] = y[i] + 0.5 * h * k1[i];
        }
        decay_rhs(k, &tmp, &mut k2);
        for i in 0..n {
            tmp[i] = y[i] + 0.5 * h * k2[i];
        }
        decay_rhs(k, &tmp, &mut k3);
        for i in 0..n {
            tmp[i] = y[i] + h * k3[i];
        }
        decay_rhs(k, &tmp, &mut k4);
        for i in 0..n {
            y[i] += h / 6.0 * (k1[i] + 2.0 * k2[i] + 2.0 * k3[i] + k4[i]);
        }
    }
    y[n - 1]
}

#[test]
fn reverse_calls_that_write_into_buffers() {
    let y0 = [1.0, 0.5, -0.3, 0.2];
    let k = 0.7;
    let mut gy = [0.0; 4];
    let (v, gk) = rk4_last_vjp(k, &y0, &mut gy, 20, 1.0);
    assert_eq!(v, rk4_last(k, &y0, 20));
    assert!(close(gk, fd(|k| rk4_last(k, &y0, 20), k)), "{gk}");
    let (_, dk) = rk4_last_jvp(k, 1.0, &y0, &[0.0; 4], 20);
    assert!(close(gk, dk));
    for j in 0..4 {
        let want = fd(
            |v| {
                let mut y = y0;
                y[j] = v;
                rk4_last(k, &y, 20)
            },
            y0[j],
        );
        assert!(close(gy[j], want), "{j}: {} vs {want}", gy[j]);
        let mut e = [0.0; 4];
        e[j] = 1.0;
        let (_, d) = rk4_last_jvp(k, 0.0, &y0, &e, 20);
        assert!(close(d, gy[j]));
    }
}

/// The determinant by expansion along successive rows; `used` marks the columns taken by the
/// rows above and is changed and put back around each recursive call.
#[differentiate(forward, reverse)]
fn minor_det(a: &[f64], ell: usize, row: usize, used: &mut [usize]) -> f64 {
    if row == ell {
        return 1.0;
    }
    let mut sign = 1.0;
    let mut total = 0.0;
    for j in 0..ell {
        if used[j] == 0 {
            used[j] = 1;
            total += sign * a[row * ell + j] * minor_det(a, ell, row + 1, used);
            used[j] = 0;
            sign = -sign;
        }
    }
    total
}

#[test]
fn recursion_with_a_mutated_index_buffer() {
    let a = [2.0, -1.0, 0.5, 0.3, 1.5, -0.7, 1.1, 0.4, 3.0];
    let mut used = [0; 3];
    let mut ga = [0.0; 9];
    let det = minor_det_vjp(&a, &mut ga, 3, 0, &mut used, 1.0);
    assert_eq!(used, [0; 3]);
    assert!(close(det, minor_det(&a, 3, 0, &mut used)));
    // ∂det/∂a_ij is the cofactor C_ij.
    let m = |i: usize, j: usize| a[3 * (i % 3) + j % 3];
    for i in 0..3 {
        for j in 0..3 {
            let cofactor = m(i + 1, j + 1) * m(i + 2, j + 2) - m(i + 1, j + 2) * m(i + 2, j + 1);
            assert!(close(ga[3 * i + j], cofactor), "{i}{j}");
            let mut e = [0.0; 9];
            e[3 * i + j] = 1.0;
            let (_, d) = minor_det_jvp(&a, &e, 3, 0, &mut used);
            assert!(close(d, ga[3 * i + j]));
        }
    }
}

/// An in-out parameter passed on to a call, twice, with a read in between.
#[differentiate(forward, reverse)]
fn twice_rhs(k: f64, y: &[f64], out: &mut [f64]) -> f64 {
    decay_rhs(k, y, out);
    let first = out[0];
    let z = out.to_vec();
    decay_rhs(k, &z, out);
    first * out[1]
}

#[test]
fn in_out_parameter_passed_to_calls() {
    let y = [0.8, -0.4, 0.6];
    let k = 1.3;
    let f = |k: f64, y: &[f64]| twice_rhs(k, y, &mut [0.0; 3]);
    let mut out = [0.0; 3];
    let mut out_bar = [0.0; 3];
    let mut gy = [0.0; 3];
    let (v, gk) = twice_rhs_vjp(k, &y, &mut gy, &mut out, &mut out_bar, 1.0);
    let mut want_out = [0.0; 3];
    assert_eq!(v, twice_rhs(k, &y, &mut want_out));
    assert_eq!(
        out, want_out,
        "the in-out parameter holds the primal's result"
    );
    assert!(close(gk, fd(|k| f(k, &y), k)), "{gk}");
    for j in 0..3 {
        let want = fd(
            |v| {
                let mut y2 = y;
                y2[j] = v;
                f(k, &y2)
            },
            y[j],
        );
        assert!(close(gy[j], want), "{j}: {} vs {want}", gy[j]);
    }
}

/// A dot product of equal-length slices, called on sub-slices.
#[differentiate(forward, reverse)]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let mut s = 0.0;
    for i in 0..a.len() {
        s += a[i] * b[i];
    }
    s
}

/// Writes `scale * x` into `out`.
#[differentiate(forward, reverse)]
fn scaled(scale: f64, x: &[f64], out: &mut [f64]) {
    for i in 0..x.len() {
        out[i] = scale * x[i];
    }
}

/// Rows of a row-major matrix as sub-slices, read and written through calls.
#[differentiate(forward, reverse)]
fn rows(m: &[f64], v: &[f64], d: usize) -> f64 {
    let n = m.len() / d;
    let mut out = vec![0.0; m.len()];
    let mut total = 0.0;
    for r in 0..n {
        total += dot(&m[r * d..(r + 1) * d], v);
        scaled(total, &m[r * d..(r + 1) * d], &mut out[r * d..(r + 1) * d]);
    }
    total * dot(&out[..d], &out[d..2 * d])
}

#[test]
fn sub_slices_passed_to_calls() {
    let m = [0.3, -1.2, 0.8, 0.5, 1.1, -0.4, 0.9, 0.2, -0.7];
    let v = [0.6, -0.1, 1.4];
    let mut gm = [0.0; 9];
    let mut gv = [0.0; 3];
    let value = rows_vjp(&m, &mut gm, &v, &mut gv, 3, 1.0);
    assert_eq!(value, rows(&m, &v, 3));
    for j in 0..9 {
        let want = fd(
            |x| {
                let mut m2 = m;
                m2[j] = x;
                rows(&m2, &v, 3)
            },
            m[j],
        );
        assert!(close(gm[j], want), "m{j}: {} vs {want}", gm[j]);
        let mut e = [0.0; 9];
        e[j] = 1.0;
        let (_, d) = rows_jvp(&m, &e, &v, &[0.0; 3], 3);
        assert!(close(d, gm[j]));
    }
    for j in 0..3 {
        let want = fd(
            |x| {
                let mut v2 = v;
                v2[j] = x;
                rows(&m, &v2, 3)
            },
            v[j],
        );
        assert!(close(gv[j], want), "v{j}: {} vs {want}", gv[j]);
    }
}

/// An array result.
#[differentiate(forward, reverse)]
fn rotate(x: f64, angle: f64) -> [f64; 2] {
    [x * angle.cos(), x * angle.sin()]
}

/// Array results bound by a slice pattern and by a typed name.
#[differentiate(forward, reverse)]
fn uses_arrays(x: f64, y: f64) -> f64 {
    let [a, b] = rotate(x, 0.3 * y);
    let p: [f64; 2] = rotate(a + y, b);
    p[0] * p[1] + a
}

#[test]
fn array_results_of_calls() {
    for (x, y) in [(0.7, 1.3), (-1.1, 0.4)] {
        let (v, dx) = uses_arrays_jvp(x, 1.0, y, 0.0);
        let (_, dy) = uses_arrays_jvp(x, 0.0, y, 1.0);
        let (v2, gx, gy) = uses_arrays_vjp(x, y, 1.0);
        assert_eq!(v, uses_arrays(x, y));
        assert_eq!(v2, v);
        assert!(close(dx, fd(|x| uses_arrays(x, y), x)), "{dx}");
        assert!(close(dy, fd(|y| uses_arrays(x, y), y)), "{dy}");
        assert!(close(gx, dx) && close(gy, dy));
    }
}

/// A call's value passed straight to another call: its derivative must not be dropped.
#[differentiate(forward, reverse)]
fn nested_calls(x: f64, y: f64) -> f64 {
    inner(middle(x, y), y)
}

#[test]
fn nested_call_values_carry_derivatives() {
    let (x, y) = (0.4, 0.9);
    let (v, dx) = nested_calls_jvp(x, 1.0, y, 0.0);
    let (v2, gx, gy) = nested_calls_vjp(x, y, 1.0);
    assert_eq!(v, nested_calls(x, y));
    assert_eq!(v2, v);
    assert!(close(dx, fd(|x| nested_calls(x, y), x)), "{dx}");
    assert!(close(gx, dx));
    assert!(close(gy, fd(|y| nested_calls(x, y), y)), "{gy}");
}
