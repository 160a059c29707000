//! The checks shared by the buffer tests.
//!
//! A [`Case`] sees a differentiated function as a map `R^n -> R^m` between flat vectors: the
//! inputs are the active scalars and every element of every active buffer (and, for an in-out
//! `&mut` buffer, its contents on entry), the outputs are the returned value(s) and the contents
//! of the in-out buffers on return. Each test adapts the primal, `f_jvp` and `f_vjp` to that
//! flat layout with three closures:
//!
//! - `f(x) -> y`;
//! - `jvp(x, v) -> (y, J v)`;
//! - `vjp(x, w, g) -> y`, which must **add** `Jᵀ w` to `g`. The adapter passes the slices of `g`
//!   that belong to buffers straight to `f_vjp` as its adjoint buffers (so the accumulation
//!   checked is the generated code's own) and adds the returned scalar adjoints itself.
//!
//! At every point, [`Case::check`]:
//!
//! 1. checks that `f_jvp` and `f_vjp` compute bit-for-bit the primal's value (and, for in-out
//!    buffers, write bit-for-bit the primal's results);
//! 2. takes the analytic Jacobian as the reference when there is one (after checking it against
//!    finite differences), else 5-point central finite differences of the primal, perturbing one
//!    input (one buffer element) at a time;
//! 3. checks `J v` for every basis direction and two random ones, and `Jᵀ w` for every basis
//!    cotangent and two random ones;
//! 4. checks that `f_vjp` accumulates: into a buffer that already holds `r` it gives
//!    `r + Jᵀ w`, two calls on the same buffer give `2 Jᵀ w`, and a zero cotangent leaves the
//!    buffer exactly as it was;
//! 5. runs the dot-product test `⟨w, J v⟩ = ⟨Jᵀ w, v⟩` between the two modes.

#![allow(dead_code)]

#[allow(dead_code)]
#[path = "../support/numeric.rs"]
mod numeric;
pub use numeric::*;

/// Relative tolerance against an analytic reference: rounding only.
pub const TOL: f64 = 1e-12;
/// Relative tolerance of anything compared with finite differences.
pub const FD_TOL: f64 = 1e-6;

/// xorshift64*: a small deterministic generator for points, directions and cotangents.
pub struct Rng(u64);

impl Rng {
    /// A stream of its own for every name (FNV-1a of the name, never zero).
    pub fn new(name: &str) -> Self {
        let h = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        });
        Rng(h | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// `n` numbers of magnitude in `[0.25, 1)` with random signs: none of them vanishes.
    pub fn vec(&mut self, n: usize) -> Vec<f64> {
        (0..n)
            .map(|_| {
                let m = 0.25 + 0.75 * self.unit();
                if self.next() & 1 == 0 {
                    m
                } else {
                    -m
                }
            })
            .collect()
    }
}

/// The derivative code must compute exactly the primal's value.
#[track_caller]
pub fn assert_same_bits(what: &str, actual: &[f64], expected: &[f64]) {
    assert_eq!(actual.len(), expected.len(), "{what}: lengths differ");
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert!(
            a.to_bits() == e.to_bits(),
            "{what}[{i}]: {a:e} is not the primal's {e:e}\n  got: {actual:?}\n  primal: {expected:?}"
        );
    }
}

type Primal = Box<dyn Fn(&[f64]) -> Vec<f64>>;
type Jvp = Box<dyn Fn(&[f64], &[f64]) -> (Vec<f64>, Vec<f64>)>;
type Vjp = Box<dyn Fn(&[f64], &[f64], &mut [f64]) -> Vec<f64>>;
type Jacobian = Box<dyn Fn(&[f64]) -> Vec<Vec<f64>>>;

/// One differentiated function under test; see the module docs.
pub struct Case {
    name: String,
    n_in: usize,
    n_out: usize,
    f: Primal,
    jvp: Jvp,
    vjp: Vjp,
    jac: Option<Jacobian>,
    h: f64,
    fd_tol: f64,
    tol: f64,
}

impl Case {
    pub fn new(
        name: &str,
        n_in: usize,
        n_out: usize,
        f: impl Fn(&[f64]) -> Vec<f64> + 'static,
        jvp: impl Fn(&[f64], &[f64]) -> (Vec<f64>, Vec<f64>) + 'static,
        vjp: impl Fn(&[f64], &[f64], &mut [f64]) -> Vec<f64> + 'static,
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

    /// The analytic gradient of a function with one output.
    pub fn gradient(self, grad: impl Fn(&[f64]) -> Vec<f64> + 'static) -> Self {
        self.jacobian(move |x| vec![grad(x)])
    }

    /// Base step of the finite differences.
    pub fn step(mut self, h: f64) -> Self {
        self.h = h;
        self
    }

    /// Tolerance against finite differences.
    pub fn fd_tol(mut self, tol: f64) -> Self {
        self.fd_tol = tol;
        self
    }

    /// Tolerance against the analytic Jacobian and of the exact identities.
    pub fn tol(mut self, tol: f64) -> Self {
        self.tol = tol;
        self
    }

    /// Runs every check at every point.
    #[track_caller]
    pub fn check(&self, points: &[&[f64]]) {
        assert!(!points.is_empty(), "{}: no points", self.name);
        let mut rng = Rng::new(&self.name);
        for x in points {
            self.check_at(x, &mut rng);
        }
    }

    /// Runs every check at `count` random points with entries of magnitude in
    /// `[0.25, 1) · scale`.
    #[track_caller]
    pub fn check_random(&self, count: usize, scale: f64) {
        let mut rng = Rng::new(&format!("{} points", self.name));
        let points: Vec<Vec<f64>> = (0..count)
            .map(|_| rng.vec(self.n_in).iter().map(|v| v * scale).collect())
            .collect();
        let refs: Vec<&[f64]> = points.iter().map(Vec::as_slice).collect();
        self.check(&refs);
    }

    #[track_caller]
    fn check_at(&self, x: &[f64], rng: &mut Rng) {
        let (n, m) = (self.n_in, self.n_out);
        let at = format!("{} at {x:?}", self.name);
        assert_eq!(x.len(), n, "{at}: wrong number of inputs");
        let y = (self.f)(x);
        assert_eq!(y.len(), m, "{at}: wrong number of outputs");
        assert!(y.iter().all(|v| v.is_finite()), "{at}: primal {y:?}");
        let y_scale = y.iter().fold(1.0, |s: f64, v| s.max(v.abs()));

        let fd = fd_jacobian(&*self.f, x, self.h);
        let (reference, rtol, jscale) = match &self.jac {
            Some(jac) => {
                let a = jac(x);
                assert_eq!(a.len(), m, "{at}: analytic Jacobian has wrong row count");
                let atol = self.fd_tol * max_abs(&fd).max(y_scale);
                for (k, (ak, dk)) in a.iter().zip(&fd).enumerate() {
                    assert_all_close(
                        &format!("{at}: analytic Jacobian row {k} against finite differences"),
                        ak,
                        dk,
                        self.fd_tol,
                        atol,
                    );
                }
                let s = max_abs(&a);
                (a, self.tol, s)
            }
            None => {
                let s = max_abs(&fd).max(y_scale);
                (fd, self.fd_tol, s)
            }
        };

        // Forward mode along every basis direction and two random ones.
        let mut directions: Vec<Vec<f64>> = (0..n).map(|i| basis(n, i)).collect();
        directions.push(rng.vec(n));
        directions.push(rng.vec(n));
        for v in &directions {
            let (yv, jv) = (self.jvp)(x, v);
            assert_same_bits(&format!("{at}: f_jvp value"), &yv, &y);
            assert_all_close(
                &format!("{at}: f_jvp along {v:?}"),
                &jv,
                &mat_vec(&reference, v),
                rtol,
                rtol * jscale * norm1(v),
            );
        }

        // Reverse mode for every basis cotangent and two random ones, into a zeroed buffer.
        let mut seeds: Vec<Vec<f64>> = (0..m).map(|k| basis(m, k)).collect();
        seeds.push(rng.vec(m));
        seeds.push(rng.vec(m));
        for w in &seeds {
            let mut g = vec![0.0; n];
            let yw = (self.vjp)(x, w, &mut g);
            assert_same_bits(&format!("{at}: f_vjp value"), &yw, &y);
            assert_all_close(
                &format!("{at}: f_vjp with cotangent {w:?}"),
                &g,
                &mat_t_vec(&reference, w),
                rtol,
                rtol * jscale * norm1(w),
            );
        }

        // Accumulation: the adjoint buffers are added to, never overwritten.
        let w = rng.vec(m);
        let mut once = vec![0.0; n];
        (self.vjp)(x, &w, &mut once);
        let mut twice = vec![0.0; n];
        (self.vjp)(x, &w, &mut twice);
        (self.vjp)(x, &w, &mut twice);
        let doubled: Vec<f64> = once.iter().map(|g| 2.0 * g).collect();
        assert_all_close(
            &format!("{at}: f_vjp called twice on the same adjoint buffers"),
            &twice,
            &doubled,
            self.tol,
            self.tol * jscale * norm1(&w),
        );
        let r = rng.vec(n);
        let mut g = r.clone();
        (self.vjp)(x, &w, &mut g);
        let sum: Vec<f64> = r.iter().zip(&once).map(|(a, b)| a + b).collect();
        assert_all_close(
            &format!("{at}: f_vjp into adjoint buffers holding {r:?}"),
            &g,
            &sum,
            self.tol,
            self.tol * (jscale * norm1(&w) + 1.0),
        );
        let mut g = r.clone();
        let y0 = (self.vjp)(x, &vec![0.0; m], &mut g);
        assert_same_bits(&format!("{at}: f_vjp value with a zero cotangent"), &y0, &y);
        assert_same_bits(
            &format!("{at}: adjoint buffers after a zero cotangent"),
            &g,
            &r,
        );

        // Forward against reverse.
        for _ in 0..3 {
            let (v, w) = (rng.vec(n), rng.vec(m));
            let (_, jv) = (self.jvp)(x, &v);
            let mut jtw = vec![0.0; n];
            (self.vjp)(x, &w, &mut jtw);
            assert_dot_test(&at, &v, &jv, &w, &jtw, TOL);
        }
    }
}

/// A function of one active buffer with a scalar output, `f(x: &[f64]) -> f64`.
pub fn of_buffer(
    name: &str,
    n: usize,
    f: impl Fn(&[f64]) -> f64 + 'static,
    jvp: impl Fn(&[f64], &[f64]) -> (f64, f64) + 'static,
    vjp: impl Fn(&[f64], &mut [f64], f64) -> f64 + 'static,
) -> Case {
    Case::new(
        name,
        n,
        1,
        move |x| vec![f(x)],
        move |x, v| {
            let (y, dy) = jvp(x, v);
            (vec![y], vec![dy])
        },
        move |x, w, g| vec![vjp(x, g, w[0])],
    )
}

/// A function of two active buffers of lengths `n` and `k` with a scalar output,
/// `f(x: &[f64], y: &[f64]) -> f64`; the inputs are `x` then `y`.
pub fn of_two_buffers(
    name: &str,
    n: usize,
    k: usize,
    f: impl Fn(&[f64], &[f64]) -> f64 + 'static,
    jvp: impl Fn(&[f64], &[f64], &[f64], &[f64]) -> (f64, f64) + 'static,
    vjp: impl Fn(&[f64], &mut [f64], &[f64], &mut [f64], f64) -> f64 + 'static,
) -> Case {
    Case::new(
        name,
        n + k,
        1,
        move |p| vec![f(&p[..n], &p[n..])],
        move |p, v| {
            let (y, dy) = jvp(&p[..n], &v[..n], &p[n..], &v[n..]);
            (vec![y], vec![dy])
        },
        move |p, w, g| {
            let (gx, gy) = g.split_at_mut(n);
            vec![vjp(&p[..n], gx, &p[n..], gy, w[0])]
        },
    )
}

/// Checks that `run` panics with a message that contains every one of `parts`.
#[track_caller]
pub fn assert_panics_with(what: &str, parts: &[&str], run: impl FnOnce() + std::panic::UnwindSafe) {
    let payload = match std::panic::catch_unwind(run) {
        Ok(()) => panic!("{what}: did not panic"),
        Err(payload) => payload,
    };
    let message = if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else {
        panic!("{what}: panicked with a payload that is not a message");
    };
    for part in parts {
        assert!(
            message.contains(part),
            "{what}: the panic message {message:?} does not mention {part:?}"
        );
    }
}

/// The harness itself: each check must be able to fail.
mod self_tests {
    use super::*;

    fn f(x: &[f64]) -> f64 {
        x[0] * x[1].sin()
    }

    fn grad(x: &[f64]) -> Vec<f64> {
        vec![x[1].sin(), x[0] * x[1].cos()]
    }

    /// `f` with its derivatives, one of them deliberately wrong.
    fn case(broken: &'static str) -> Case {
        of_buffer(
            broken,
            2,
            f,
            move |x, v| {
                let mut dy = dot(&grad(x), v);
                if broken == "jvp" {
                    dy *= 1.0 + 1e-9;
                }
                (f(x), dy)
            },
            move |x, g, w| {
                let d = grad(x);
                match broken {
                    "overwrites" => {
                        g[0] = w * d[0];
                        g[1] = w * d[1];
                    }
                    "vjp" => {
                        g[0] += w * d[1];
                        g[1] += w * d[0];
                    }
                    _ => {
                        g[0] += w * d[0];
                        g[1] += w * d[1];
                    }
                }
                let y = f(x);
                if broken == "value" {
                    y + 1e-16
                } else {
                    y
                }
            },
        )
        .gradient(move |x| {
            let mut d = grad(x);
            if broken == "analytic" {
                d[1] = -x[0] * x[1].sin();
            }
            d
        })
    }

    const POINTS: &[&[f64]] = &[&[0.7, -1.3], &[2.0, 0.5]];

    #[test]
    fn a_correct_case_passes() {
        case("none").check(POINTS);
        case("none").check_random(2, 2.0);
    }

    #[test]
    #[should_panic(expected = "f_jvp along")]
    fn a_wrong_jvp_is_caught() {
        case("jvp").check(POINTS);
    }

    #[test]
    #[should_panic(expected = "f_vjp with cotangent")]
    fn a_wrong_vjp_is_caught() {
        case("vjp").check(POINTS);
    }

    #[test]
    #[should_panic(expected = "is not the primal's")]
    fn a_wrong_value_is_caught() {
        case("value").check(POINTS);
    }

    #[test]
    #[should_panic(expected = "called twice on the same adjoint buffers")]
    fn overwriting_instead_of_accumulating_is_caught() {
        case("overwrites").check(POINTS);
    }

    #[test]
    #[should_panic(expected = "against finite differences")]
    fn a_wrong_analytic_gradient_is_caught() {
        case("analytic").check(POINTS);
    }

    #[test]
    #[should_panic(expected = "dot-product test")]
    fn inconsistent_modes_fail_the_dot_test() {
        assert_dot_test(
            "inconsistent",
            &[1.0, 2.0],
            &[3.0],
            &[1.0],
            &[1.0, 1.5],
            TOL,
        );
    }

    #[test]
    fn the_stencil_is_fourth_order() {
        let f = |x: &[f64]| vec![x[0].exp()];
        let e1 = (fd_jacobian(&f, &[0.5], 0.1)[0][0] - 0.5f64.exp()).abs();
        let e2 = (fd_jacobian(&f, &[0.5], 0.05)[0][0] - 0.5f64.exp()).abs();
        assert!((12.0..20.0).contains(&(e1 / e2)), "error ratio {}", e1 / e2);
    }

    #[test]
    fn panic_messages_are_inspected() {
        assert_panics_with("message", &["weights", "7", "4"], || {
            panic!("tangent of `weights` has length 4, `weights` has length 7")
        });
    }

    #[test]
    #[should_panic(expected = "does not mention")]
    fn a_missing_part_of_a_panic_message_is_caught() {
        assert_panics_with("message", &["weights"], || panic!("length 4, expected 7"));
    }
}
