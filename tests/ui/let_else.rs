use ad::differentiate;

#[differentiate(forward)]
fn f(x: f64) -> f64 {
    let Some(y) = Some(x) else { return 0.0 };
    y
}

fn main() {
    let _ = f(1.0);
}
