use ad::differentiate;

// An unsupported parameter and an unsupported body construct: both should be reported.
#[differentiate(forward)]
fn f(x: f64, m: [f64; 2]) -> f64 {
    if let Some(v) = Some(x) {
        v * m[0]
    } else {
        x
    }
}

fn main() {
    let m = [2.0, 1.0];
    let _ = f(1.0, m);
}
