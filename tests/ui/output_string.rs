use ad::differentiate;

#[differentiate(reverse)]
fn f(x: f64) -> String {
    x.to_string()
}

fn main() {
    let _ = f(1.0);
}
