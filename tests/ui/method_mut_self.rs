use ad::differentiate;

struct Model {
    scale: f64,
}

impl Model {
    // `&mut self` is not supported: the method would write the receiver.
    #[differentiate(forward)]
    fn f(&mut self, x: f64) -> f64 {
        x * 2.0
    }
}

fn main() {
    let mut m = Model { scale: 1.0 };
    let _ = m.scale;
    let _ = m.f(1.0);
}
