use ad::differentiate;

fn g(t: f64) -> f64 {
    t * t
}

#[differentiate(forward)]
fn f(x: f64) -> f64 {
    g(x) + 1.0
}

fn main() {
    let _ = f(1.0);
    let _ = g(1.0);
}
