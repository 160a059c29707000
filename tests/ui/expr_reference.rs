use ad::differentiate;

fn h(v: &f64) -> f64 {
    *v
}

#[differentiate(forward)]
fn f(x: f64) -> f64 {
    h(&x) * 2.0
}

fn main() {
    let _ = f(1.0);
}
