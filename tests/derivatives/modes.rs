//! Which functions are emitted: forward only, reverse only, both in one attribute, two stacked
//! attributes in either order; and their visibility matches the original's.

use crate::common::Model;
use ad::differentiate;

/// The Michaelis–Menten rate v = Vmax S / (Km + S), in four variants.
#[differentiate(forward, reverse)]
fn mm_both(s: f64, vmax: f64, km: f64) -> f64 {
    vmax * s / (km + s)
}

#[differentiate(forward)]
#[differentiate(reverse)]
fn mm_stacked(s: f64, vmax: f64, km: f64) -> f64 {
    vmax * s / (km + s)
}

#[differentiate(reverse)]
#[differentiate(forward)]
fn mm_stacked_rev(s: f64, vmax: f64, km: f64) -> f64 {
    vmax * s / (km + s)
}

#[differentiate(forward)]
fn mm_forward(s: f64, vmax: f64, km: f64) -> f64 {
    vmax * s / (km + s)
}

#[differentiate(reverse)]
fn mm_reverse(s: f64, vmax: f64, km: f64) -> f64 {
    vmax * s / (km + s)
}

type Jvp3 = fn(f64, f64, f64, f64, f64, f64) -> (f64, f64);
type Vjp3 = fn(f64, f64, f64, f64) -> (f64, f64, f64, f64);

fn michaelis_menten(
    name: &str,
    f: fn(f64, f64, f64) -> f64,
    jvp: Option<Jvp3>,
    vjp: Option<Vjp3>,
) -> Model {
    let mut m = Model::new(name, 3, 1, move |p| vec![f(p[0], p[1], p[2])]).gradient(|p| {
        // ∂S = Vmax Km/(Km + S)², ∂Vmax = S/(Km + S), ∂Km = −Vmax S/(Km + S)²
        let (s, vmax, km) = (p[0], p[1], p[2]);
        let d = km + s;
        vec![vmax * km / (d * d), s / d, -vmax * s / (d * d)]
    });
    if let Some(jvp) = jvp {
        m = m.jvp(move |p, v| {
            let (y, dy) = jvp(p[0], v[0], p[1], v[1], p[2], v[2]);
            (vec![y], vec![dy])
        });
    }
    if let Some(vjp) = vjp {
        m = m.vjp(move |p, w| {
            let (y, a, b, c) = vjp(p[0], p[1], p[2], w[0]);
            (vec![y], vec![a, b, c])
        });
    }
    m
}

#[test]
fn every_mode_combination() {
    let pts: &[&[f64]] = &[&[0.5, 2.0, 1.5], &[10.0, 1.0, 0.3]];
    michaelis_menten("mm_both", mm_both, Some(mm_both_jvp), Some(mm_both_vjp)).check(pts);
    michaelis_menten(
        "mm_stacked",
        mm_stacked,
        Some(mm_stacked_jvp),
        Some(mm_stacked_vjp),
    )
    .check(pts);
    michaelis_menten(
        "mm_stacked_rev",
        mm_stacked_rev,
        Some(mm_stacked_rev_jvp),
        Some(mm_stacked_rev_vjp),
    )
    .check(pts);
    michaelis_menten("mm_forward", mm_forward, Some(mm_forward_jvp), None).check(pts);
    michaelis_menten("mm_reverse", mm_reverse, None, Some(mm_reverse_vjp)).check(pts);
    // All variants compute bit-identical results.
    for p in pts {
        let (s, vm, km) = (p[0], p[1], p[2]);
        let fwd = mm_both_jvp(s, 0.3, vm, -1.2, km, 0.7);
        assert_eq!(mm_stacked_jvp(s, 0.3, vm, -1.2, km, 0.7), fwd);
        assert_eq!(mm_stacked_rev_jvp(s, 0.3, vm, -1.2, km, 0.7), fwd);
        assert_eq!(mm_forward_jvp(s, 0.3, vm, -1.2, km, 0.7), fwd);
        let rev = mm_both_vjp(s, vm, km, -0.4);
        assert_eq!(mm_stacked_vjp(s, vm, km, -0.4), rev);
        assert_eq!(mm_stacked_rev_vjp(s, vm, km, -0.4), rev);
        assert_eq!(mm_reverse_vjp(s, vm, km, -0.4), rev);
    }
}

mod kinematics {
    use ad::differentiate;

    /// Kinetic energy; public, so its derivatives are public too.
    #[differentiate(forward, reverse)]
    pub fn kinetic_energy(mass: f64, speed: f64) -> f64 {
        0.5 * mass * speed * speed
    }

    /// Crate-visible momentum.
    #[differentiate(reverse)]
    pub(crate) fn momentum(mass: f64, speed: f64) -> f64 {
        mass * speed
    }
}

#[test]
fn derivatives_share_the_visibility() {
    // Callable from outside the module: ∂m = v²/2, ∂v = m v; momentum: ∂m = v, ∂v = m.
    assert_eq!(
        kinematics::kinetic_energy_jvp(2.0, 1.0, 3.0, 0.0),
        (9.0, 4.5)
    );
    assert_eq!(
        kinematics::kinetic_energy_vjp(2.0, 3.0, 1.0),
        (9.0, 4.5, 6.0)
    );
    assert_eq!(
        kinematics::momentum_vjp(2.0, 3.0, 0.5),
        (kinematics::momentum(2.0, 3.0), 1.5, 1.0)
    );
    assert_eq!(kinematics::kinetic_energy(2.0, 3.0), 9.0);
}

/// Stacked attributes with different activity: forward narrowed to `x`, reverse in both.
#[differentiate(forward, wrt(x))]
#[differentiate(reverse)]
fn differently_narrowed(x: f64, y: f64) -> f64 {
    x * y.sin()
}

#[test]
fn stacked_attributes_with_their_own_wrt() {
    let _: fn(f64, f64, f64) -> (f64, f64) = differently_narrowed_jvp;
    let _: fn(f64, f64, f64) -> (f64, f64, f64) = differently_narrowed_vjp;
    // ∂x = sin y, ∂y = x cos y
    for (x, y) in [(1.5, 2.0), (-0.5, 0.25)] {
        let (v, d) = differently_narrowed_jvp(x, 1.0, y);
        assert_eq!(v, differently_narrowed(x, y));
        assert_eq!(d, y.sin());
        let (v, gx, gy) = differently_narrowed_vjp(x, y, 1.0);
        assert_eq!(v, differently_narrowed(x, y));
        assert_eq!(gx, y.sin());
        approx::assert_relative_eq!(gy, x * y.cos(), max_relative = 1e-15);
    }
}
