use ad::differentiate;

#[differentiate(forward, reverse)]
fn f(x: f64, y: f64) -> f64 {
    let a = x * y.sin();
    let mut b = a / (x + 1.0);
    b += x.exp();
    b * 2.0 - y
}

#[test]
fn smoke() {
    let (v, d) = f_jvp(1.0, 1.0, 2.0, 0.0);
    let (v2, gx, gy) = f_vjp(1.0, 2.0, 1.0);
    println!("{v} {d} {v2} {gx} {gy}");
    assert_eq!(v, f(1.0, 2.0));
    assert!((d - gx).abs() < 1e-12);
}
