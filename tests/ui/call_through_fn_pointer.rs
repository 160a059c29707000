use ad::differentiate;

#[differentiate(forward)]
fn f(x: f64) -> f64 {
    (f64::sin)(x)
}

fn main() {
    let _ = f(1.0);
}
