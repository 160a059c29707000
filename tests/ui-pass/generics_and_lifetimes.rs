use ad::differentiate;

// Constant generic, lifetime and const parameters are passed through.
#[differentiate(forward, reverse)]
fn f<'a, T: Copy, const N: usize>(x: f64, _t: T, _s: &'a str) -> f64
where
    T: Clone,
{
    x * N as f64
}

fn main() {
    assert_eq!(f::<u8, 3>(2.0, 0, "s"), 6.0);
    assert_eq!(f_jvp::<u8, 3>(2.0, 1.0, 0, "s"), (6.0, 3.0));
    assert_eq!(f_vjp::<u8, 3>(2.0, 0, "s", 1.0), (6.0, 3.0));
}
