use ad::differentiate;

#[differentiate(reverse)]
fn f(x: f64) -> f64 {
    let y = dbg!(x * x);
    y + 1.0
}

fn main() {
    let _ = f(1.0);
}
