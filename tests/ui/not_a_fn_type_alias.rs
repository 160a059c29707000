use ad::differentiate;

#[differentiate(forward)]
type Real = f64;

fn main() {
    let _: Real = 1.0;
}
