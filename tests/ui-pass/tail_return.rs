use ad::differentiate;

// `return` as the last statement is supported.
#[differentiate(forward, reverse)]
fn f(x: f64) -> f64 {
    let y = x * 2.0;
    return y * y;
}

fn main() {
    assert_eq!(f(1.5), 9.0);
    assert_eq!(f_jvp(1.5, 1.0), (9.0, 12.0));
    assert_eq!(f_vjp(1.5, 1.0), (9.0, 12.0));
}
