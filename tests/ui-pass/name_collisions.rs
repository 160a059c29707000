use ad::differentiate;

// Parameters whose names the generated code would otherwise use for itself.
#[differentiate(forward, reverse)]
fn f(x: f64, dx: f64, dout: f64, f_jvp: f64) -> f64 {
    x * dx + dout * f_jvp
}

fn main() {
    assert_eq!(f(1.0, 2.0, 3.0, 4.0), 14.0);
    // Tangent (1, 0, 0, 0): d/dx = dx = 2.
    assert_eq!(f_jvp(1.0, 1.0, 2.0, 0.0, 3.0, 0.0, 4.0, 0.0), (14.0, 2.0));
    assert_eq!(f_vjp(1.0, 2.0, 3.0, 4.0, 1.0), (14.0, 2.0, 1.0, 4.0, 3.0));
}
