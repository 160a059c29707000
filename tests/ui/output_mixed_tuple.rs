use ad::differentiate;

#[differentiate(reverse)]
fn f(x: f64) -> (f64, usize) {
    (x * x, 1)
}

fn main() {
    let _ = f(1.0);
}
