use ad::differentiate;

// `&[usize]` is a constant parameter (SPEC table); reading it involves no active value.
#[differentiate(forward)]
fn f(x: f64, idx: &[usize]) -> f64 {
    x * idx[0] as f64
}

fn main() {
    let _ = f(1.0, &[2]);
}
