use ad::differentiate;

#[differentiate(forward)]
fn f(x: f64) -> f64 {
    x.max() + x.sin(1.0)
}

fn main() {
    let _ = f(1.0);
}
