use ad::differentiate;

#[differentiate(forward, reverse)]
fn rhs(y: &[f64], out: &mut [f64]) {
    out[0] = y[0] * y[0];
}

// Reverse mode cannot call `rhs_vjp` with `out` as it was at the call yet.
#[differentiate(reverse)]
fn f(x: &[f64]) -> f64 {
    let mut out = vec![0.0; 1];
    rhs(x, &mut out);
    out[0]
}

fn main() {
    let _ = f(&[1.0]);
}
