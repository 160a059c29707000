use ad::differentiate;

// A bad option and an unsupported body construct: both should be reported in one build.
#[differentiate(sideways)]
fn f(x: f64) -> f64 {
    if x > 0.0 {
        x
    } else {
        -x
    }
}

fn main() {
    let _ = f(1.0);
}
