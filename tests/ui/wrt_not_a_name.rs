use ad::differentiate;

#[differentiate(reverse, wrt(0))]
fn f(x: f64) -> f64 {
    x * x
}

fn main() {
    let _ = f(1.0);
}
