use ad::differentiate;

#[differentiate(forward, reverse)]
fn total(x: &[f64]) -> f64 {
    x.iter().sum()
}

// Reverse mode: a `Vec` grown by `push` inside a loop, and one that grows after a call read it.
#[differentiate(reverse)]
fn f(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for &v in x {
        let mut row = Vec::new();
        row.push(v * v);
        s += row[0];
    }
    let mut grown = Vec::with_capacity(2);
    grown.push(s);
    let t = total(&grown);
    grown.push(t);
    grown[1]
}

fn main() {
    let _ = f(&[1.0]);
}
