use ad::differentiate;

// `n` is a constant (`u32`): a method on it involves no active value and is left as it is.
#[differentiate(forward, reverse)]
fn f(x: f64, n: u32) -> f64 {
    x * n.count_ones() as f64
}

fn main() {
    // 7 has three bits set: f = 3x, df/dx = 3.
    assert_eq!(f(2.0, 7), 6.0);
    assert_eq!(f_jvp(2.0, 1.0, 7), (6.0, 3.0));
    assert_eq!(f_vjp(2.0, 7, 1.0), (6.0, 3.0));
}
