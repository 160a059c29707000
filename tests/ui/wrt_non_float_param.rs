use ad::differentiate;

#[differentiate(forward, wrt(x, n))]
fn f(x: f64, n: usize) -> f64 {
    x * 2.0 + n as f64
}

fn main() {
    let _ = f(1.0, 3);
}
