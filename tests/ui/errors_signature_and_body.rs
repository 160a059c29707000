use ad::differentiate;

// An unsupported parameter and an unsupported body construct: both should be reported.
#[differentiate(forward)]
fn f(x: f64, m: &mut f64) -> f64 {
    if let Some(v) = Some(x) {
        v * *m
    } else {
        x
    }
}

fn main() {
    let mut m = 2.0;
    let _ = f(1.0, &mut m);
}
