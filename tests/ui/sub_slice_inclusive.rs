use ad::differentiate;

#[differentiate(forward, reverse)]
fn total(x: &[f64]) -> f64 {
    x.iter().sum()
}

// Sub-slices passed to calls take an exclusive end.
#[differentiate(reverse)]
fn f(x: &[f64]) -> f64 {
    total(&x[0..=1])
}

fn main() {
    let _ = f(&[1.0, 2.0]);
}
