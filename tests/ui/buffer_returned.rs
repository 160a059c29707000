use ad::differentiate;

// A buffer is not a number: it cannot be used in arithmetic or returned as a float.
#[differentiate(reverse)]
fn f(x: &[f64]) -> f64 {
    let v = vec![0.0; x.len()];
    v * 2.0
}

fn main() {
    let _ = f(&[1.0]);
}
