use ad::differentiate;

#[differentiate(forward)]
fn f(x: f64, k: i32) -> f64 {
    match k {
        n @ 1..=3 => x * n as f64,
        _ => x,
    }
}

fn main() {
    let _ = f(1.0, 2);
}
