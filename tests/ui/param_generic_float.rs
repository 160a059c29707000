use ad::differentiate;

#[differentiate(forward)]
fn f<T: ad::Float>(x: T) -> T {
    x * x
}

fn main() {
    let _ = f(1.0_f64);
}
