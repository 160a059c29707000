use ad::differentiate;

#[differentiate(reverse)]
fn f(x: f64) -> f64 {
    let mut y = x;
    loop {
        y = y * 2.0;
        if y > 3.0 {
            break;
        }
    }
    y
}

fn main() {
    let _ = f(1.0);
}
