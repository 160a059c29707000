use ad::differentiate;

#[differentiate(forward)]
fn f(x: f64) -> f64 {
    let t = (x, x * x);
    t.5
}

fn main() {
    let _ = f(1.0);
}
