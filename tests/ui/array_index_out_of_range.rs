use ad::differentiate;

#[differentiate(forward)]
fn f(x: f64) -> f64 {
    let a = [x, x * x];
    a[5]
}

fn main() {
    let _ = f(1.0);
}
