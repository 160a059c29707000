use ad::differentiate;

// Arrays, tuples, `&Vec<f64>` and `&mut f64` hold floats: active, but not supported yet.
#[differentiate(reverse)]
fn f(a: [f64; 2], t: (f64, f64), v: &Vec<f64>, m: &mut f64) -> f64 {
    *m = a[0];
    t.0 * v[0]
}

fn main() {
    let mut m = 0.0;
    let _ = f([1.0, 2.0], (1.0, 2.0), &vec![1.0], &mut m);
}
