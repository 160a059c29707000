use ad::differentiate;

const K: f64 = 2.0;

// An item inside a nested block would be hoisted out of its scope by the generated code.
#[differentiate(forward, reverse)]
fn f(x: f64) -> f64 {
    let y = {
        const K: f64 = 3.0;
        x * K
    };
    y * K
}

fn main() {
    let _ = f(1.0);
}
