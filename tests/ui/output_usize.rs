use ad::differentiate;

#[differentiate(forward)]
fn f(x: f64) -> usize {
    x as usize
}

fn main() {
    let _ = f(1.0);
}
