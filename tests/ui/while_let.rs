use ad::differentiate;

#[differentiate(reverse)]
fn f(x: f64, n: Option<usize>) -> f64 {
    let mut y = x;
    while let Some(_) = n {
        y = y * 2.0;
    }
    y
}

fn main() {
    let _ = f(1.0, None);
}
