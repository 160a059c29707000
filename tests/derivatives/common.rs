//! Shared test machinery: a deterministic pseudo-random generator, 5-point central finite
//! differences, tolerant comparisons, the dot-product test, and [`Model`], which runs every
//! check on one differentiated function.
//!
//! A `Model` sees a function as a map `R^n -> R^m` on its *active* inputs (constant parameters
//! are captured by the closures). It is given the primal, optionally `f_jvp` and `f_vjp` adapted
//! to slices, and optionally an analytic Jacobian. At each point, [`Model::check`]:
//!
//! 1. checks that the value returned by `f_jvp` / `f_vjp` is bit-for-bit the primal's value;
//! 2. builds a reference Jacobian (the analytic one if given, else 5-point finite differences)
//!    and, when both exist, checks the analytic formula against finite differences;
//! 3. checks `f_jvp` along every basis vector and along random directions against `J v`;
//! 4. checks `f_vjp` for every basis cotangent and random cotangents against `Jᵀ w`;
//! 5. checks linearity: `f_jvp` in the direction, `f_vjp` in `dout` (scaling, additivity,
//!    and a zero seed giving exactly zero adjoints);
//! 6. runs the dot-product test `⟨w, J v⟩ = ⟨Jᵀ w, v⟩` between forward and reverse mode.

#![allow(dead_code)]

#[allow(dead_code)]
#[path = "../support/numeric.rs"]
mod numeric;
pub use numeric::*;

/// xorshift64* generator: deterministic, seedable, good enough for test directions.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        // Avoid the all-zero state and decorrelate small seeds.
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03)
    }

    /// Seeds from a name, so every model gets its own stream.
    pub fn from_name(name: &str) -> Self {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in name.bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        Rng::new(h)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `[-1, 1)`.
    pub fn uniform(&mut self) -> f64 {
        let u = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        2.0 * u - 1.0
    }

    /// Uniform in `[lo, hi)`.
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * 0.5 * (self.uniform() + 1.0)
    }

    /// A vector with entries in `[-1, 1)`, none of them tiny (so no direction is degenerate).
    pub fn vec(&mut self, n: usize) -> Vec<f64> {
        (0..n)
            .map(|_| {
                let u = self.uniform();
                u.signum() * (0.25 + 0.75 * u.abs())
            })
            .collect()
    }
}

/// Bit-for-bit equality (NaN equals NaN); the value computed by a derivative function must be
/// exactly the primal's.
#[track_caller]
pub fn assert_same_bits(what: &str, actual: &[f64], expected: &[f64]) {
    assert_eq!(actual.len(), expected.len(), "{what}: length mismatch");
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert!(
            a.to_bits() == e.to_bits() || (a.is_nan() && e.is_nan()),
            "{what}[{i}]: value {a:e} differs from the primal's {e:e}"
        );
    }
}

type Primal = Box<dyn Fn(&[f64]) -> Vec<f64>>;
type Linear = Box<dyn Fn(&[f64], &[f64]) -> (Vec<f64>, Vec<f64>)>;
type Jacobian = Box<dyn Fn(&[f64]) -> Vec<Vec<f64>>>;

/// One differentiated function under test; see the module docs.
pub struct Model {
    name: String,
    n_in: usize,
    n_out: usize,
    f: Primal,
    jvp: Option<Linear>,
    vjp: Option<Linear>,
    jac: Option<Jacobian>,
    /// Whether to compute finite differences (off for f32, where they are meaningless).
    fd: bool,
    /// Base step of the finite differences.
    h: f64,
    /// Relative tolerance against finite differences.
    fd_tol: f64,
    /// Relative tolerance against the analytic Jacobian and for the exact identities.
    tol: f64,
    /// Floor of the magnitude finite-difference errors are measured against, for points where
    /// the Jacobian vanishes (finite differences then only see rounding noise).
    scale: f64,
}

impl Model {
    pub fn new(
        name: &str,
        n_in: usize,
        n_out: usize,
        f: impl Fn(&[f64]) -> Vec<f64> + 'static,
    ) -> Self {
        Model {
            name: name.to_string(),
            n_in,
            n_out,
            f: Box::new(f),
            jvp: None,
            vjp: None,
            jac: None,
            fd: true,
            h: 1e-3,
            fd_tol: 1e-6,
            tol: 1e-12,
            scale: 1.0,
        }
    }

    /// `jvp(x, v) = (value, J v)`.
    pub fn jvp(mut self, jvp: impl Fn(&[f64], &[f64]) -> (Vec<f64>, Vec<f64>) + 'static) -> Self {
        self.jvp = Some(Box::new(jvp));
        self
    }

    /// `vjp(x, w) = (value, Jᵀ w)`.
    pub fn vjp(mut self, vjp: impl Fn(&[f64], &[f64]) -> (Vec<f64>, Vec<f64>) + 'static) -> Self {
        self.vjp = Some(Box::new(vjp));
        self
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

    pub fn no_fd(mut self) -> Self {
        self.fd = false;
        self
    }

    pub fn step(mut self, h: f64) -> Self {
        self.h = h;
        self
    }

    pub fn fd_tol(mut self, tol: f64) -> Self {
        self.fd_tol = tol;
        self
    }

    pub fn tol(mut self, tol: f64) -> Self {
        self.tol = tol;
        self
    }

    pub fn scale(mut self, scale: f64) -> Self {
        self.scale = scale;
        self
    }

    /// Runs every check at every point.
    #[track_caller]
    pub fn check(&self, points: &[&[f64]]) {
        assert!(!points.is_empty(), "{}: no points", self.name);
        assert!(
            self.jvp.is_some() || self.vjp.is_some(),
            "{}: nothing to check",
            self.name
        );
        assert!(
            self.fd || self.jac.is_some(),
            "{}: needs a reference Jacobian",
            self.name
        );
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
        assert!(
            y.iter().all(|v| v.is_finite()),
            "{at}: primal is not finite: {y:?}"
        );

        let fd = self.fd.then(|| fd_jacobian(&*self.f, x, self.h));
        let analytic = self.jac.as_ref().map(|j| j(x));
        if let Some(a) = &analytic {
            assert_eq!(a.len(), m, "{at}: analytic Jacobian has wrong row count");
            assert!(
                a.iter().all(|r| r.len() == n),
                "{at}: analytic Jacobian rows"
            );
        }
        // The analytic formula itself must agree with finite differences.
        let y_scale = y.iter().fold(self.scale, |m, v| m.max(v.abs()));
        if let (Some(a), Some(d)) = (&analytic, &fd) {
            let atol = self.fd_tol * max_abs(d).max(y_scale);
            for k in 0..m {
                assert_all_close(
                    &format!("{at}: analytic Jacobian row {k} vs finite differences"),
                    &a[k],
                    &d[k],
                    self.fd_tol,
                    atol,
                );
            }
        }
        let (reference, rtol, jscale) = match (&analytic, &fd) {
            (Some(a), _) => (a.clone(), self.tol, max_abs(a)),
            (None, Some(d)) => (d.clone(), self.fd_tol, max_abs(d).max(y_scale)),
            (None, None) => unreachable!(),
        };

        // Forward mode.
        let mut directions: Vec<Vec<f64>> = (0..n)
            .map(|i| (0..n).map(|j| f64::from(u8::from(i == j))).collect())
            .collect();
        directions.push(rng.vec(n));
        directions.push(rng.vec(n));
        if let Some(jvp) = &self.jvp {
            for v in &directions {
                let (yv, jv) = jvp(x, v);
                assert_same_bits(&format!("{at}: f_jvp value"), &yv, &y);
                let expected = mat_vec(&reference, v);
                assert_all_close(
                    &format!("{at}: f_jvp along {v:?}"),
                    &jv,
                    &expected,
                    rtol,
                    rtol * jscale * norm1(v),
                );
            }
            // Linearity in the direction.
            let (v1, v2) = (rng.vec(n), rng.vec(n));
            let (a, b) = (1.75, -0.5);
            let v12: Vec<f64> = v1.iter().zip(&v2).map(|(p, q)| a * p + b * q).collect();
            let (_, j1) = jvp(x, &v1);
            let (_, j2) = jvp(x, &v2);
            let (_, j12) = jvp(x, &v12);
            let combo: Vec<f64> = j1.iter().zip(&j2).map(|(p, q)| a * p + b * q).collect();
            assert_all_close(
                &format!("{at}: f_jvp linear in the tangent"),
                &j12,
                &combo,
                self.tol,
                self.tol * jscale * norm1(&v12).max(norm1(&v1)),
            );
        }

        // Reverse mode.
        let mut seeds: Vec<Vec<f64>> = (0..m)
            .map(|k| (0..m).map(|j| f64::from(u8::from(k == j))).collect())
            .collect();
        seeds.push(rng.vec(m));
        seeds.push(rng.vec(m));
        if let Some(vjp) = &self.vjp {
            for w in &seeds {
                let (yv, g) = vjp(x, w);
                assert_same_bits(&format!("{at}: f_vjp value"), &yv, &y);
                let expected = mat_t_vec(&reference, w);
                assert_all_close(
                    &format!("{at}: f_vjp with dout {w:?}"),
                    &g,
                    &expected,
                    rtol,
                    rtol * jscale * norm1(w),
                );
            }
            // Linear in dout: scaling, additivity, and a zero seed gives zero adjoints.
            let (w1, w2) = (rng.vec(m), rng.vec(m));
            let s = -2.5;
            let (_, g1) = vjp(x, &w1);
            let (_, g2) = vjp(x, &w2);
            let ws: Vec<f64> = w1.iter().map(|p| s * p).collect();
            let (_, gs) = vjp(x, &ws);
            let scaled: Vec<f64> = g1.iter().map(|p| s * p).collect();
            assert_all_close(
                &format!("{at}: f_vjp scales with dout"),
                &gs,
                &scaled,
                self.tol,
                self.tol * jscale,
            );
            let w12: Vec<f64> = w1.iter().zip(&w2).map(|(p, q)| p + q).collect();
            let (_, g12) = vjp(x, &w12);
            let sum: Vec<f64> = g1.iter().zip(&g2).map(|(p, q)| p + q).collect();
            assert_all_close(
                &format!("{at}: f_vjp additive in dout"),
                &g12,
                &sum,
                self.tol,
                self.tol * jscale * norm1(&w12),
            );
            let (y0, g0) = vjp(x, &vec![0.0; m]);
            assert_same_bits(&format!("{at}: f_vjp value with zero seed"), &y0, &y);
            if reference.iter().flatten().all(|d| d.is_finite()) {
                assert!(
                    g0.iter().all(|g| *g == 0.0),
                    "{at}: zero dout must give zero adjoints, got {g0:?}"
                );
            }
        }

        // Forward against reverse.
        if let (Some(jvp), Some(vjp)) = (&self.jvp, &self.vjp) {
            for _ in 0..3 {
                let v = rng.vec(n);
                let w = rng.vec(m);
                let (_, jv) = jvp(x, &v);
                let (_, jtw) = vjp(x, &w);
                assert_dot_test(&at, &v, &jv, &w, &jtw, self.tol.max(1e-12));
            }
        }
    }
}

/// The harness itself: each check must be able to fail.
mod self_tests {
    use super::*;

    /// f(x, y) = (x y, sin x), with a correct or a deliberately broken derivative.
    fn model(broken: &'static str) -> Model {
        let f = |p: &[f64]| vec![p[0] * p[1], p[0].sin()];
        Model::new(broken, 2, 2, f)
            .jvp(move |p, v| {
                let mut dy = vec![p[1] * v[0] + p[0] * v[1], p[0].cos() * v[0]];
                let mut y = f(p);
                match broken {
                    "jvp" => dy[1] *= 1.0 + 1e-9,
                    "jvp value" => y[0] += 1e-15 * y[0].abs().max(1e-300),
                    _ => {}
                }
                (y, dy)
            })
            .vjp(move |p, w| {
                let mut g = vec![p[1] * w[0] + p[0].cos() * w[1], p[0] * w[0]];
                if broken == "vjp" {
                    g.swap(0, 1);
                }
                if broken == "vjp nonlinear" {
                    g[0] += 1e-3 * w[0] * w[0];
                }
                (f(p), g)
            })
            .jacobian(move |p| {
                let mut j = vec![vec![p[1], p[0]], vec![p[0].cos(), 0.0]];
                if broken == "analytic" {
                    j[1][0] = -p[0].sin();
                }
                j
            })
    }

    const POINTS: &[&[f64]] = &[&[0.7, -1.3], &[2.0, 0.5]];

    #[test]
    fn correct_model_passes() {
        model("none").check(POINTS);
        model("none").no_fd().check(POINTS);
    }

    #[test]
    #[should_panic(expected = "f_jvp along")]
    fn wrong_jvp_is_caught() {
        model("jvp").check(POINTS);
    }

    #[test]
    #[should_panic(expected = "differs from the primal")]
    fn wrong_value_is_caught() {
        model("jvp value").check(POINTS);
    }

    #[test]
    #[should_panic(expected = "f_vjp with dout")]
    fn wrong_vjp_is_caught() {
        model("vjp").check(POINTS);
    }

    #[test]
    #[should_panic(expected = "f_vjp")]
    fn nonlinear_vjp_is_caught() {
        model("vjp nonlinear").check(POINTS);
    }

    #[test]
    #[should_panic(expected = "vs finite differences")]
    fn wrong_analytic_formula_is_caught() {
        model("analytic").check(POINTS);
    }

    #[test]
    #[should_panic(expected = "dot-product test failed")]
    fn dot_test_detects_inconsistent_modes() {
        // A reverse mode that is the transpose of a different matrix.
        let (v, jv) = ([1.0, 2.0], [3.0, -1.0]);
        let (w, jtw) = ([0.5, 0.25], [1.0, 1.0]);
        assert_dot_test("inconsistent", &v, &jv, &w, &jtw, 1e-12);
    }

    #[test]
    fn five_point_stencil_is_fourth_order() {
        // Halving h divides the error by about 2⁴ = 16.
        let e1 = (fd5(f64::sin, 1.0, 0.1) - 1f64.cos()).abs();
        let e2 = (fd5(f64::sin, 1.0, 0.05) - 1f64.cos()).abs();
        assert!(e1 / e2 > 12.0 && e1 / e2 < 20.0, "ratio {}", e1 / e2);
        assert!((fd5(f64::exp, 0.5, 1e-3) - 0.5f64.exp()).abs() < 1e-11);
    }
}
