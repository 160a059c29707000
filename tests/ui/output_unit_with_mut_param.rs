use ad::differentiate;

// `()` output is valid when results go into a `&mut` float parameter (SPEC "Functions that return
// `()`"); only the parameter is unsupported for now, so it is the one thing reported.
#[differentiate(reverse)]
fn f(x: f64, out: &mut [f64]) {
    out[0] = x * x;
}

fn main() {
    let mut out = [0.0];
    f(1.0, &mut out);
}
