use ad::differentiate;

struct P {
    x: f64,
}

fn g(t: f64) -> f64 {
    t * t
}

// Every unsupported construct of one function is reported in the same build.
#[differentiate(forward, reverse)]
fn f(x: f64, p: P) -> f64 {
    let a = x.foo();
    println!("a = {a}");
    let b = g(x);
    let c = |t: f64| t + 1.0;
    let d = &x;
    a + b * p.x + c(1.0) + *d
}

fn main() {
    let _ = f(1.0, P { x: 2.0 });
    let _ = g(1.0);
}
