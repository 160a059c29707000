use ad::differentiate;

// A `return` inside a branch: both the `if` and the `return` are unsupported.
#[differentiate(reverse)]
fn f(x: f64) -> f64 {
    let y = x * 2.0;
    if y > 1.0 {
        return y;
    }
    y * y
}

fn main() {
    let _ = f(1.0);
}
