use ad::differentiate;

// Returns `()` and has no `&mut` float parameter: nothing to differentiate.
#[differentiate(reverse)]
fn f(x: f64) {
    let _y = x * 2.0;
}

fn main() {
    f(1.0);
}
