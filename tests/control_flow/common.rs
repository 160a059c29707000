//! Shared checks for the control-flow tests.
//!
//! A [`Case`] sees a differentiated function as a map `R^n -> R^m` on its active inputs (the
//! constant parameters, such as loop bounds, are captured by the closures). It is given the
//! primal, `f_jvp` and `f_vjp` adapted to slices, and optionally the analytic Jacobian. At every
//! point, [`Case::check`]:
//!
//! 1. checks that the values returned by `f_jvp` and `f_vjp` are bit-for-bit the primal's;
//! 2. takes the analytic Jacobian as the reference when there is one, and checks it against
//!    5-point central finite differences of the primal; otherwise the finite differences are
//!    the reference;
//! 3. checks `f_jvp` along every basis direction and two random ones against `J v`;
//! 4. checks `f_vjp` for every basis cotangent and two random ones against `Jᵀ w`, and that a
//!    zero cotangent gives exactly zero adjoints;
//! 5. runs the dot-product test `⟨w, J v⟩ = ⟨Jᵀ w, v⟩` between the two modes.
//!
//! Points must lie at least a few finite-difference steps away from any switch of the control
//! flow (a branch condition flipping, a loop running one more time), so that the function is
//! smooth on the whole stencil. `assert_no_nan` and exact comparisons cover the points where a
//! switch happens.

#![allow(dead_code)]

#[allow(dead_code)]
#[path = "../support/numeric.rs"]
mod numeric;
pub use numeric::*;

/// Relative tolerance of the derivatives against an analytic reference (rounding only).
pub const TOL: f64 = 1e-12;
/// Relative tolerance of anything compared with finite differences.
pub const FD_TOL: f64 = 1e-6;
/// Relative tolerance of the few direct comparisons with a derivative known in closed form that
/// should come out exact or within an ulp or two (`d/dx x = 1` along the path taken).
pub const STRICT: f64 = 1e-14;

/// splitmix64: deterministic directions and cotangents.
pub struct Rng(u64);

impl Rng {
    /// Seeds from a name, so every case gets its own stream.
    pub fn from_name(name: &str) -> Self {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in name.bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        Rng(h)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[-1, 1)`.
    pub fn uniform(&mut self) -> f64 {
        let u = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        2.0 * u - 1.0
    }

    /// `n` entries of magnitude in `[0.25, 1)` and random sign, so no component vanishes.
    pub fn vec(&mut self, n: usize) -> Vec<f64> {
        (0..n)
            .map(|_| {
                let u = self.uniform();
                u.signum() * (0.25 + 0.75 * u.abs())
            })
            .collect()
    }
}

/// Bit-for-bit equality: a derivative function must return exactly the primal's value.
#[track_caller]
fn assert_same_bits(what: &str, actual: &[f64], expected: &[f64]) {
    assert_eq!(actual.len(), expected.len(), "{what}: length mismatch");
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert!(
            a.to_bits() == e.to_bits(),
            "{what}[{i}]: value {a:e} differs from the primal's {e:e}"
        );
    }
}

/// Every derivative is a number (a guarded singularity must not leak a NaN or an infinity).
#[track_caller]
pub fn assert_finite(what: &str, values: &[f64]) {
    assert!(
        values.iter().all(|v| v.is_finite()),
        "{what}: not finite: {values:?}"
    );
}

type Primal = Box<dyn Fn(&[f64]) -> Vec<f64>>;
type Linear = Box<dyn Fn(&[f64], &[f64]) -> (Vec<f64>, Vec<f64>)>;
type Jacobian = Box<dyn Fn(&[f64]) -> Vec<Vec<f64>>>;

/// One differentiated function under test; see the module docs.
pub struct Case {
    name: String,
    n_in: usize,
    n_out: usize,
    f: Primal,
    jvp: Linear,
    vjp: Linear,
    jac: Option<Jacobian>,
    h: f64,
    fd_tol: f64,
    tol: f64,
}

impl Case {
    /// `jvp(x, v) = (f(x), J v)`, `vjp(x, w) = (f(x), Jᵀ w)`.
    pub fn new(
        name: &str,
        n_in: usize,
        n_out: usize,
        f: impl Fn(&[f64]) -> Vec<f64> + 'static,
        jvp: impl Fn(&[f64], &[f64]) -> (Vec<f64>, Vec<f64>) + 'static,
        vjp: impl Fn(&[f64], &[f64]) -> (Vec<f64>, Vec<f64>) + 'static,
    ) -> Self {
        Case {
            name: name.to_string(),
            n_in,
            n_out,
            f: Box::new(f),
            jvp: Box::new(jvp),
            vjp: Box::new(vjp),
            jac: None,
            h: 1e-3,
            fd_tol: FD_TOL,
            tol: TOL,
        }
    }

    /// The analytic Jacobian, `m` rows of `n`.
    pub fn jacobian(mut self, jac: impl Fn(&[f64]) -> Vec<Vec<f64>> + 'static) -> Self {
        self.jac = Some(Box::new(jac));
        self
    }

    /// The analytic gradient of a scalar function.
    pub fn gradient(self, grad: impl Fn(&[f64]) -> Vec<f64> + 'static) -> Self {
        self.jacobian(move |x| vec![grad(x)])
    }

    /// The analytic derivative of a function of one variable.
    pub fn derivative(self, d: impl Fn(f64) -> f64 + 'static) -> Self {
        self.jacobian(move |x| vec![vec![d(x[0])]])
    }

    /// Base step of the finite differences (relative to `max(|x_i|, 1)`).
    pub fn step(mut self, h: f64) -> Self {
        self.h = h;
        self
    }

    /// Tolerance of comparisons with finite differences.
    pub fn fd_tol(mut self, tol: f64) -> Self {
        self.fd_tol = tol;
        self
    }

    /// Tolerance against the analytic Jacobian and of the exact identities (for long loops,
    /// whose rounding differs between the derivative code and the closed form).
    pub fn tol(mut self, tol: f64) -> Self {
        self.tol = tol;
        self
    }

    /// Runs every check at every point.
    #[track_caller]
    pub fn check(&self, points: &[&[f64]]) {
        assert!(!points.is_empty(), "{}: no points", self.name);
        let mut rng = Rng::from_name(&self.name);
        for x in points {
            self.check_at(x, &mut rng);
        }
    }

    #[track_caller]
    fn check_at(&self, x: &[f64], rng: &mut Rng) {
        let (n, m) = (self.n_in, self.n_out);
        let at = format!("{} at {x:?}", self.name);
        assert_eq!(x.len(), n, "{at}: wrong number of inputs");
        let y = (self.f)(x);
        assert_eq!(y.len(), m, "{at}: wrong number of outputs");
        assert_finite(&format!("{at}: primal"), &y);
        let y_scale = y.iter().fold(1.0, |s: f64, v| s.max(v.abs()));

        let fd = fd_jacobian(&*self.f, x, self.h);
        assert_finite(&format!("{at}: finite differences"), &fd.concat());
        let (reference, rtol) = match &self.jac {
            Some(jac) => {
                let a = jac(x);
                assert_eq!(a.len(), m, "{at}: analytic Jacobian rows");
                assert!(
                    a.iter().all(|r| r.len() == n),
                    "{at}: analytic Jacobian columns"
                );
                // The closed form itself must agree with finite differences of the primal.
                let atol = self.fd_tol * max_abs(&fd).max(y_scale);
                for k in 0..m {
                    assert_all_close(
                        &format!("{at}: analytic Jacobian row {k} vs finite differences"),
                        &a[k],
                        &fd[k],
                        self.fd_tol,
                        atol,
                    );
                }
                (a, self.tol)
            }
            None => (fd, self.fd_tol),
        };
        // Absolute floor for entries that vanish: finite differences of a function of size
        // `y_scale` only resolve it to about `fd_tol · y_scale`.
        let jscale = if self.jac.is_some() {
            max_abs(&reference)
        } else {
            max_abs(&reference).max(y_scale)
        };

        // Forward mode.
        let mut directions: Vec<Vec<f64>> = (0..n).map(|i| basis(n, i)).collect();
        directions.push(rng.vec(n));
        directions.push(rng.vec(n));
        for v in &directions {
            let (value, jv) = (self.jvp)(x, v);
            assert_same_bits(&format!("{at}: f_jvp value"), &value, &y);
            assert_finite(&format!("{at}: f_jvp tangent along {v:?}"), &jv);
            assert_all_close(
                &format!("{at}: f_jvp along {v:?}"),
                &jv,
                &mat_vec(&reference, v),
                rtol,
                rtol * jscale * norm1(v),
            );
        }

        // Reverse mode.
        let mut seeds: Vec<Vec<f64>> = (0..m).map(|k| basis(m, k)).collect();
        seeds.push(rng.vec(m));
        seeds.push(rng.vec(m));
        for w in &seeds {
            let (value, g) = (self.vjp)(x, w);
            assert_same_bits(&format!("{at}: f_vjp value"), &value, &y);
            assert_finite(&format!("{at}: f_vjp adjoint for dout {w:?}"), &g);
            assert_all_close(
                &format!("{at}: f_vjp with dout {w:?}"),
                &g,
                &mat_t_vec(&reference, w),
                rtol,
                rtol * jscale * norm1(w),
            );
        }
        let (value, g0) = (self.vjp)(x, &vec![0.0; m]);
        assert_same_bits(&format!("{at}: f_vjp value with dout = 0"), &value, &y);
        assert!(
            g0.iter().all(|g| *g == 0.0),
            "{at}: dout = 0 must give zero adjoints, got {g0:?}"
        );

        // Forward against reverse.
        for _ in 0..3 {
            let (v, w) = (rng.vec(n), rng.vec(m));
            let (_, jv) = (self.jvp)(x, &v);
            let (_, jtw) = (self.vjp)(x, &w);
            assert_dot_test(&at, &v, &jv, &w, &jtw, self.tol.max(TOL));
        }
    }
}

/// A function of one active scalar and one output: `f(x)`, `f_jvp(x, dx)`, `f_vjp(x, dout)`.
pub fn unary(
    name: &str,
    f: impl Fn(f64) -> f64 + 'static,
    jvp: impl Fn(f64, f64) -> (f64, f64) + 'static,
    vjp: impl Fn(f64, f64) -> (f64, f64) + 'static,
) -> Case {
    Case::new(
        name,
        1,
        1,
        move |p| vec![f(p[0])],
        move |p, v| {
            let (y, dy) = jvp(p[0], v[0]);
            (vec![y], vec![dy])
        },
        move |p, w| {
            let (y, g) = vjp(p[0], w[0]);
            (vec![y], vec![g])
        },
    )
}

/// A function of two active scalars and one output.
pub fn binary(
    name: &str,
    f: impl Fn(f64, f64) -> f64 + 'static,
    jvp: impl Fn(f64, f64, f64, f64) -> (f64, f64) + 'static,
    vjp: impl Fn(f64, f64, f64) -> (f64, f64, f64) + 'static,
) -> Case {
    Case::new(
        name,
        2,
        1,
        move |p| vec![f(p[0], p[1])],
        move |p, v| {
            let (y, dy) = jvp(p[0], v[0], p[1], v[1]);
            (vec![y], vec![dy])
        },
        move |p, w| {
            let (y, ga, gb) = vjp(p[0], p[1], w[0]);
            (vec![y], vec![ga, gb])
        },
    )
}

/// A function of three active scalars and one output.
pub fn ternary(
    name: &str,
    f: impl Fn(f64, f64, f64) -> f64 + 'static,
    jvp: impl Fn(f64, f64, f64, f64, f64, f64) -> (f64, f64) + 'static,
    vjp: impl Fn(f64, f64, f64, f64) -> (f64, f64, f64, f64) + 'static,
) -> Case {
    Case::new(
        name,
        3,
        1,
        move |p| vec![f(p[0], p[1], p[2])],
        move |p, v| {
            let (y, dy) = jvp(p[0], v[0], p[1], v[1], p[2], v[2]);
            (vec![y], vec![dy])
        },
        move |p, w| {
            let (y, ga, gb, gc) = vjp(p[0], p[1], p[2], w[0]);
            (vec![y], vec![ga, gb, gc])
        },
    )
}

/// Both modes' derivative of a one-variable function at `x`: `(f_jvp(x, 1).1, f_vjp(x, 1).1)`,
/// after checking that both return the primal's value.
#[track_caller]
pub fn both_derivatives(
    f: impl Fn(f64) -> f64,
    jvp: impl Fn(f64, f64) -> (f64, f64),
    vjp: impl Fn(f64, f64) -> (f64, f64),
    x: f64,
) -> (f64, f64) {
    let y = f(x);
    let (y1, d1) = jvp(x, 1.0);
    let (y2, d2) = vjp(x, 1.0);
    assert_same_bits("f_jvp value", &[y1], &[y]);
    assert_same_bits("f_vjp value", &[y2], &[y]);
    (d1, d2)
}

/// Both modes give exactly `expected` (bit for bit, so `0.0` means no NaN crept in).
#[track_caller]
pub fn assert_exact_derivative(
    what: &str,
    f: impl Fn(f64) -> f64,
    jvp: impl Fn(f64, f64) -> (f64, f64),
    vjp: impl Fn(f64, f64) -> (f64, f64),
    x: f64,
    expected: f64,
) {
    let (d1, d2) = both_derivatives(f, jvp, vjp, x);
    assert!(
        d1 == expected && d2 == expected,
        "{what} at {x:e}: f_jvp gives {d1:e}, f_vjp gives {d2:e}, expected exactly {expected:e}"
    );
}

/// Both modes give `expected` within `STRICT` (a derivative known in closed form, e.g. of the
/// straight-line path taken when a loop runs zero times).
#[track_caller]
pub fn assert_derivative(
    what: &str,
    f: impl Fn(f64) -> f64,
    jvp: impl Fn(f64, f64) -> (f64, f64),
    vjp: impl Fn(f64, f64) -> (f64, f64),
    x: f64,
    expected: f64,
) {
    let (d1, d2) = both_derivatives(f, jvp, vjp, x);
    assert_close(&format!("{what} at {x:e}: f_jvp"), d1, expected, STRICT);
    assert_close(&format!("{what} at {x:e}: f_vjp"), d2, expected, STRICT);
}
