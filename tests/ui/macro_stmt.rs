use ad::differentiate;

#[differentiate(forward)]
fn f(x: f64) -> f64 {
    println!("x = {x}");
    x * x
}

fn main() {
    let _ = f(1.0);
}
