use ad::differentiate;

// A call whose arguments are all constants is left as it is: `g` needs no companion.
fn g(n: usize) -> f64 {
    n as f64 + 0.5
}

#[differentiate(forward, reverse)]
fn f(x: f64, n: usize) -> f64 {
    x * g(n)
}

fn main() {
    assert_eq!(f(2.0, 3), 7.0);
    assert_eq!(f_jvp(2.0, 1.0, 3), (7.0, 3.5));
    assert_eq!(f_vjp(2.0, 3, 1.0), (7.0, 3.5));
}
