//! A projectile with quadratic air drag, integrated with explicit Euler until it hits the
//! ground, differentiated through the loop in both modes.
//!
//! - Reverse mode (`range_vjp`) gives the sensitivity of the range to the launch angle, the drag
//!   coefficient and the launch speed in one call; it is checked against finite differences.
//! - Forward mode (`range_jvp`) gives dR/dθ for Newton's method, which finds the launch angle
//!   that lands on a target distance.
//!
//! Run with `cargo run --example projectile`.

use ad::differentiate;

/// Horizontal distance (m) travelled by a projectile launched from the ground at `angle` (rad)
/// above the horizontal with speed `v0` (m/s), under gravity and quadratic drag:
///
/// x'' = -c |v| vx,   y'' = -g - c |v| vy,
///
/// with `drag` = c (1/m). Explicit Euler with a fixed step of 1 ms runs while the projectile is
/// above the ground; the crossing y = 0 is then interpolated linearly within the last step, so
/// the range is continuous in the parameters (it does not jump by a whole step when the number
/// of steps changes).
#[differentiate(forward, reverse)]
fn range(angle: f64, drag: f64, v0: f64) -> f64 {
    const G: f64 = 9.81;
    const DT: f64 = 1e-3;
    let mut x = 0.0;
    let mut y = 0.0;
    let mut vx = v0 * angle.cos();
    let mut vy = v0 * angle.sin();
    let mut x_prev = 0.0;
    let mut y_prev = 0.0;
    while y >= 0.0 {
        x_prev = x;
        y_prev = y;
        let speed = vx.hypot(vy);
        x += DT * vx;
        y += DT * vy;
        vx -= DT * drag * speed * vx;
        vy -= DT * (G + drag * speed * vy);
    }
    // The ground lies between the last two positions: y_prev >= 0 > y.
    let t = y_prev / (y_prev - y);
    x_prev + t * (x - x_prev)
}

/// Central finite difference of `range` along coordinate `i` of `p = [angle, drag, v0]`.
fn central_difference(p: [f64; 3], i: usize) -> f64 {
    let h = 1e-6 * p[i].abs().max(1e-3);
    let (mut lo, mut hi) = (p, p);
    lo[i] -= h;
    hi[i] += h;
    (range(hi[0], hi[1], hi[2]) - range(lo[0], lo[1], lo[2])) / (2.0 * h)
}

fn relative_error(got: f64, want: f64) -> f64 {
    (got - want).abs() / want.abs().max(f64::MIN_POSITIVE)
}

fn main() {
    // A baseball-like projectile: 45 m/s, c = ρ C_d A / (2 m) ≈ 0.005 1/m.
    let (angle, drag, v0) = (0.6, 0.005, 45.0);
    let p = [angle, drag, v0];

    // Reverse mode: the value and all three sensitivities in one call, seeded with dout = 1.
    let (r, angle_bar, drag_bar, v0_bar) = range_vjp(angle, drag, v0, 1.0);
    assert_eq!(r, range(angle, drag, v0));
    println!("range(angle = {angle} rad, drag = {drag} 1/m, v0 = {v0} m/s) = {r:.6} m");
    println!();
    println!("reverse mode (range_vjp, dout = 1) against central finite differences:");
    println!(
        "  {:<10} {:>16} {:>18} {:>15}",
        "", "reverse mode", "finite difference", "relative error"
    );
    let grad = [angle_bar, drag_bar, v0_bar];
    for (i, name) in ["dR/dangle", "dR/ddrag", "dR/dv0"].iter().enumerate() {
        let fd = central_difference(p, i);
        println!(
            "  {name:<10} {:>16.6} {fd:>18.6} {:>15.1e}",
            grad[i],
            relative_error(grad[i], fd)
        );
    }
    println!(
        "  (1° more elevation adds {:.3} m; 10% more drag changes the range by {:.3} m)",
        angle_bar * 1f64.to_radians(),
        drag_bar * 0.1 * drag
    );

    // Forward mode: Newton's method on R(θ) = target, with dR/dθ from range_jvp along θ.
    let target = 100.0;
    let mut theta: f64 = 0.3;
    println!();
    println!("Newton's method for range(θ) = {target} m (forward mode, range_jvp along θ):");
    println!(
        "  {:>4} {:>14} {:>10} {:>14} {:>16}",
        "step", "θ (rad)", "θ (deg)", "range (m)", "dR/dθ (m/rad)"
    );
    for step in 0..20 {
        let (r, dr) = range_jvp(theta, 1.0, drag, 0.0, v0, 0.0);
        println!(
            "  {step:>4} {theta:>14.10} {:>10.5} {r:>14.8} {dr:>16.6}",
            theta.to_degrees()
        );
        if (r - target).abs() < 1e-9 {
            break;
        }
        theta -= (r - target) / dr;
    }
    let hit = range(theta, drag, v0);
    println!(
        "launch at θ = {theta:.10} rad ({:.4}°): range {hit:.9} m, off the target by {:.1e} m",
        theta.to_degrees(),
        (hit - target).abs()
    );
    assert!((hit - target).abs() < 1e-6);
}
