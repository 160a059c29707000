//! Quickstart: differentiate a small physics formula in both modes and check the result
//! against finite differences.
//!
//! Run with `cargo run --example quickstart`.

use ad::differentiate;

/// The horizontal distance travelled by a projectile launched from height `h` (m) with speed
/// `v` (m/s) at angle `theta` (rad) above the horizontal, without air resistance:
///
/// R = v cos θ / g · (v sin θ + √((v sin θ)² + 2 g h))
#[differentiate(forward, reverse)]
fn range(v: f64, theta: f64, h: f64) -> f64 {
    const G: f64 = 9.81;
    let vx = v * theta.cos();
    let vy = v * theta.sin();
    let t_flight = (vy + (vy * vy + 2.0 * G * h).sqrt()) / G;
    vx * t_flight
}

/// Central finite difference of `range` along `dir` at `p`.
fn central_difference(p: [f64; 3], dir: [f64; 3]) -> f64 {
    let eps = 1e-6;
    let at = |s: f64| range(p[0] + s * dir[0], p[1] + s * dir[1], p[2] + s * dir[2]);
    (at(eps) - at(-eps)) / (2.0 * eps)
}

fn relative_error(got: f64, want: f64) -> f64 {
    (got - want).abs() / want.abs().max(f64::MIN_POSITIVE)
}

fn main() {
    let (v, theta, h) = (20.0, 0.6, 1.5);
    let p = [v, theta, h];
    println!(
        "range(v = {v} m/s, theta = {theta} rad, h = {h} m) = {:.6} m",
        range(v, theta, h)
    );

    // Forward mode: one call gives the value and the derivative along a direction.
    let dir = [1.0, 0.1, -0.5];
    let (value, jvp) = range_jvp(v, dir[0], theta, dir[1], h, dir[2]);
    let fd = central_difference(p, dir);
    println!();
    println!("forward mode, direction (dv, dtheta, dh) = {dir:?}");
    println!("  value                {value:.6}");
    println!("  J·v                  {jvp:.10}");
    println!(
        "  finite difference    {fd:.10}   relative error {:.1e}",
        relative_error(jvp, fd)
    );

    // Reverse mode: one call gives the value and the whole gradient (seed dout = 1).
    let (value, dv, dtheta, dh) = range_vjp(v, theta, h, 1.0);
    println!();
    println!("reverse mode, dout = 1");
    println!("  value                {value:.6}");
    println!(
        "  {:<10} {:>15} {:>18} {:>15}",
        "", "gradient", "finite difference", "relative error"
    );
    let grad = [dv, dtheta, dh];
    for (i, name) in ["dR/dv", "dR/dtheta", "dR/dh"].iter().enumerate() {
        let mut e = [0.0; 3];
        e[i] = 1.0;
        let fd = central_difference(p, e);
        println!(
            "  {name:<10} {:>15.10} {fd:>18.10} {:>15.1e}",
            grad[i],
            relative_error(grad[i], fd)
        );
    }

    // The two modes agree: the gradient dotted with the direction is the forward derivative.
    let dot: f64 = grad.iter().zip(dir).map(|(g, d)| g * d).sum();
    println!();
    println!(
        "gradient · direction = {dot:.10}, J·v = {jvp:.10}, relative difference {:.1e}",
        relative_error(dot, jvp)
    );
}
