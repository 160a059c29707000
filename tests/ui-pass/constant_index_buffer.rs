use ad::differentiate;

// `&[usize]` is a constant buffer: indexing it needs no derivative.
#[differentiate(forward, reverse)]
fn f(x: f64, idx: &[usize]) -> f64 {
    x * idx[0] as f64
}

fn main() {
    assert_eq!(f(2.0, &[3]), 6.0);
    assert_eq!(f_jvp(2.0, 1.0, &[3]), (6.0, 3.0));
    assert_eq!(f_vjp(2.0, &[3], 1.0), (6.0, 3.0));
}
