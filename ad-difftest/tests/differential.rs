//! Runs every generated program on random inputs: the companions' values against the primal,
//! forward against reverse mode (the dot-product test), and the JVP against central finite
//! differences where the function is smooth.

use ad_difftest::gen::Rng;
use ad_difftest::{Program, COUNT, PROGRAMS, SEED};

/// Random inputs per program.
const INPUTS: u64 = 3;
/// Mismatches printed in full before the test fails.
const SHOWN: usize = 10;

/// One evaluation point: the inputs, a tangent direction and an output seed.
#[derive(Debug)]
struct Point {
    x: [f64; 4],
    a: f64,
    b: f64,
    dx: [f64; 4],
    da: f64,
    db: f64,
    dout: f64,
}

impl Point {
    fn random(rng: &mut Rng) -> Self {
        let mut v = || rng.uniform(-1.5, 1.5);
        let (x, a, b) = ([v(), v(), v(), v()], v(), v());
        let mut d = || rng.uniform(-1.0, 1.0);
        let (dx, da, db, dout) = ([d(), d(), d(), d()], d(), d(), d());
        Point {
            x,
            a,
            b,
            dx,
            da,
            db,
            dout,
        }
    }

    /// The primal at the point moved by `s` along the tangent.
    fn along(&self, p: &Program, s: f64) -> f64 {
        let x: Vec<f64> = self
            .x
            .iter()
            .zip(&self.dx)
            .map(|(x, d)| x + s * d)
            .collect();
        (p.primal)(&x, self.a + s * self.da, self.b + s * self.db)
    }

    /// Central difference along the tangent with step `h`.
    fn fd(&self, p: &Program, h: f64) -> f64 {
        (self.along(p, h) - self.along(p, -h)) / (2.0 * h)
    }
}

fn rel_close(x: f64, y: f64, tol: f64, scale: f64) -> bool {
    (x - y).abs() <= tol * scale.max(f64::MIN_POSITIVE)
}

/// Checks one program at one point; `Ok(true)` if the finite-difference comparison ran.
fn check(p: &Program, pt: &Point) -> Result<bool, String> {
    let y = (p.primal)(&pt.x, pt.a, pt.b);
    if !y.is_finite() {
        return Err(format!("primal is not finite: {y}"));
    }
    let (yj, dy) = (p.jvp)(&pt.x, &pt.dx, pt.a, pt.da, pt.b, pt.db);
    let mut x_bar = [0.0; 4];
    let (yv, a_bar, b_bar) = (p.vjp)(&pt.x, &mut x_bar, pt.a, pt.b, pt.dout);
    for (what, v) in [("jvp", yj), ("vjp", yv)] {
        if v != y && !rel_close(v, y, 1e-12, y.abs()) {
            return Err(format!("{what} value {v:e} != primal {y:e}"));
        }
    }
    // Dot-product test: dout · (J v) = ⟨Jᵀ dout, v⟩.
    let terms: Vec<f64> = x_bar
        .iter()
        .zip(&pt.dx)
        .map(|(g, d)| g * d)
        .chain([a_bar * pt.da, b_bar * pt.db])
        .collect();
    let lhs = pt.dout * dy;
    let rhs: f64 = terms.iter().sum();
    let scale = lhs.abs() + terms.iter().map(|t| t.abs()).sum::<f64>();
    if !lhs.is_finite() || !rhs.is_finite() || !rel_close(lhs, rhs, 1e-10, scale) {
        return Err(format!(
            "dot-product test: dout * jvp = {lhs:e}, <vjp, v> = {rhs:e} \
             (jvp {dy:e}, x_bar {x_bar:?}, a_bar {a_bar:e}, b_bar {b_bar:e})"
        ));
    }
    // Finite differences, skipped where the two steps disagree (a branch or a kink is near).
    let h = 1e-6
        * pt.x
            .iter()
            .chain([&pt.a, &pt.b])
            .fold(1.0f64, |m, v| m.max(v.abs()));
    let (fd, fd_fine) = (pt.fd(p, h), pt.fd(p, h / 10.0));
    if !rel_close(fd, fd_fine, 1e-4, fd.abs().max(1.0)) {
        return Ok(false);
    }
    if !rel_close(dy, fd, 1e-5, dy.abs().max(1.0)) {
        return Err(format!("jvp {dy:e} != finite difference {fd:e}"));
    }
    Ok(true)
}

#[test]
fn generated_programs_differentiate_correctly() {
    assert_eq!(PROGRAMS.len(), COUNT);
    let (mut inputs, mut skips, mut failures) = (0, 0, Vec::new());
    for (k, p) in PROGRAMS.iter().enumerate() {
        for t in 0..INPUTS {
            let pt = Point::random(&mut Rng::for_item(SEED ^ 0xD1FF, k as u64 * INPUTS + t));
            inputs += 1;
            match check(p, &pt) {
                Ok(true) => {}
                Ok(false) => skips += 1,
                Err(e) => failures.push((k, e, pt)),
            }
        }
    }
    for (k, e, pt) in failures.iter().take(SHOWN) {
        eprintln!(
            "MISMATCH seed {SEED}, program {k}: {e}\ninputs: {pt:?}\n{}",
            PROGRAMS[*k].source
        );
    }
    println!(
        "ad-difftest: seed {SEED}, {} programs checked, {inputs} inputs, {skips} finite-difference \
         skips, {} mismatches",
        PROGRAMS.len(),
        failures.len()
    );
    assert!(
        failures.is_empty(),
        "{} mismatches (first {SHOWN} above)",
        failures.len()
    );
}

/// The checks catch a wrong derivative, in either mode.
#[test]
fn checks_catch_wrong_derivatives() {
    fn f(x: &[f64], a: f64, b: f64) -> f64 {
        x[0] * a.sin() + b
    }
    fn jvp(x: &[f64], dx: &[f64], a: f64, da: f64, b: f64, db: f64) -> (f64, f64) {
        (f(x, a, b), dx[0] * a.sin() + x[0] * a.cos() * da + db)
    }
    fn vjp(x: &[f64], x_bar: &mut [f64], a: f64, b: f64, dout: f64) -> (f64, f64, f64) {
        x_bar[0] += dout * a.sin();
        (f(x, a, b), dout * x[0] * a.cos(), dout)
    }
    fn wrong_jvp(x: &[f64], dx: &[f64], a: f64, da: f64, b: f64, _db: f64) -> (f64, f64) {
        (f(x, a, b), dx[0] * a.sin() + x[0] * a.cos() * da)
    }
    fn wrong_vjp(x: &[f64], x_bar: &mut [f64], a: f64, b: f64, dout: f64) -> (f64, f64, f64) {
        x_bar[1] += dout * a.sin();
        (f(x, a, b), dout * x[0] * a.cos(), dout)
    }
    let program = |jvp, vjp| Program {
        name: "test",
        primal: f,
        jvp,
        vjp,
        source: "",
    };
    let pt = Point::random(&mut Rng::new(3));
    assert_eq!(check(&program(jvp, vjp), &pt), Ok(true));
    assert!(check(&program(wrong_jvp, vjp), &pt).is_err());
    assert!(check(&program(jvp, wrong_vjp), &pt).is_err());
}
