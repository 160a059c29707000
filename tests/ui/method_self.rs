use ad::differentiate;

struct Model {
    scale: f64,
}

impl Model {
    #[differentiate(forward)]
    fn f(&self, x: f64) -> f64 {
        x * 2.0
    }
}

fn main() {
    let m = Model { scale: 1.0 };
    let _ = m.scale;
    let _ = m.f(1.0);
}
