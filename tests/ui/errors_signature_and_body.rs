use ad::differentiate;

// An unsupported parameter and an unsupported body construct: both should be reported.
#[differentiate(forward)]
fn f(x: f64, w: &[f64]) -> f64 {
    if x > 0.0 {
        x
    } else {
        w[0]
    }
}

fn main() {
    let _ = f(1.0, &[2.0]);
}
