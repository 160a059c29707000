use ad::differentiate;

#[differentiate(forward)]
fn f((a, b): (f64, f64), _: f64) -> f64 {
    a * b
}

fn main() {
    let _ = f((1.0, 2.0), 3.0);
}
