use ad::differentiate;

#[differentiate(forward)]
fn f(x: f64) -> f64 {
    let y = 'done: {
        if x > 1.0 {
            break 'done x;
        }
        x * x
    };
    y + 1.0
}

fn main() {
    let _ = f(1.0);
}
