use ad::differentiate;

#[differentiate(reverse)]
fn f(w: &[f64], b: f64) -> f64 {
    w[0] * b
}

fn main() {
    let _ = f(&[1.0, 2.0], 3.0);
}
