use ad::differentiate;

#[differentiate(forward)]
#[allow(unused_unsafe)]
fn f(x: f64) -> f64 {
    unsafe { x * x }
}

fn main() {
    let _ = f(1.0);
}
