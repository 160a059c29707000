use ad::differentiate;

struct P {
    x: f64,
}

#[differentiate(reverse)]
fn f(x: f64, p: P) -> f64 {
    x * p.x
}

fn main() {
    let _ = f(1.0, P { x: 2.0 });
}
