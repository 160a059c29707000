use ad::differentiate;

#[differentiate(reverse)]
#[allow(unreachable_code)]
fn f(x: f64) -> f64 {
    let y = x * 2.0;
    return y;
    y * y
}

fn main() {
    let _ = f(1.0);
}
