use ad::differentiate;

struct Model {
    scale: f64,
}

impl Model {
    #[differentiate(forward, reverse)]
    fn g(&self, x: f64) -> f64 {
        x * self.scale
    }

    // `self.g(x)` cannot be resolved to `g_jvp`; `Self::g(self, x)` can.
    #[differentiate(forward)]
    fn f(&self, x: f64) -> f64 {
        self.g(x) * 2.0
    }
}

fn main() {
    let m = Model { scale: 1.0 };
    let _ = m.f(1.0);
}
