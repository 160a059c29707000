//! Fits a small neural network to noisy samples of a curve by gradient descent, with the
//! gradient of the loss from reverse mode.
//!
//! The network has one input, `H` tanh hidden units and one output,
//!
//! f_θ(x) = Σⱼ vⱼ tanh(wⱼ x + bⱼ) + c,
//!
//! with all its parameters in one vector θ = (w₀..w_{H−1}, b₀..b_{H−1}, v₀..v_{H−1}, c). The loss
//! is L(θ) = ½ Σᵢ (yᵢ − f_θ(xᵢ))² over samples yᵢ = sin(xᵢ) + noise on [−3, 3] (a tiny linear
//! congruential generator makes them, so every run is the same). `#[differentiate(reverse,
//! wrt(theta))]` writes `loss_vjp`, which returns L and adds ∇L into a buffer in one pass;
//! gradient descent with momentum (and a step size that ramps up over the first steps, while the
//! gradient is large) follows it downhill.
//!
//! The example checks the gradient against finite differences once, prints the loss as it
//! falls, and draws the data, the fitted curve and the loss curve into an SVG file:
//!
//! ```sh
//! cargo run --release --example mse_fit              # writes target/mse_fit.svg
//! cargo run --release --example mse_fit -- fit.svg   # or the file given
//! ```

use ad::differentiate;
use plotters::prelude::*;
use std::error::Error;
use std::path::{Path, PathBuf};

/// Hidden units.
const H: usize = 10;
/// Samples.
const N: usize = 60;
/// Standard deviation of the noise.
const NOISE: f64 = 0.1;
/// Gradient-descent steps, the step size, the steps over which it ramps up from zero, and the
/// momentum.
const STEPS: usize = 3000;
const LEARNING_RATE: f64 = 2e-3;
const WARMUP: usize = 100;
const MOMENTUM: f64 = 0.9;

/// ½ Σᵢ (yᵢ − f_θ(xᵢ))² for the network with `hidden` units whose parameters are `theta`
/// (layout in the module docs). Only `theta` is differentiated; the data are constants.
#[differentiate(reverse, wrt(theta))]
fn loss(theta: &[f64], xs: &[f64], ys: &[f64], hidden: usize) -> f64 {
    let mut total = 0.0;
    for (x, y) in xs.iter().zip(ys) {
        let mut f = theta[3 * hidden];
        for j in 0..hidden {
            let a = (theta[j] * x + theta[hidden + j]).tanh();
            f += theta[2 * hidden + j] * a;
        }
        let r = y - f;
        total += 0.5 * r * r;
    }
    total
}

/// f_θ(x), for plotting.
fn predict(theta: &[f64], x: f64) -> f64 {
    let (w, rest) = theta.split_at(H);
    let (b, rest) = rest.split_at(H);
    let (v, c) = rest.split_at(H);
    c[0] + (0..H).map(|j| v[j] * (w[j] * x + b[j]).tanh()).sum::<f64>()
}

/// A 64-bit linear congruential generator (Knuth's MMIX constants).
struct Lcg(u64);

impl Lcg {
    /// Uniform in [0, 1), from the high 53 bits.
    fn uniform(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [lo, hi).
    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.uniform()
    }

    /// Approximately standard normal: the sum of 12 uniforms, minus 6.
    fn normal(&mut self) -> f64 {
        (0..12).map(|_| self.uniform()).sum::<f64>() - 6.0
    }
}

/// Whether `n` is 1, 2 or 5 times a power of ten: the steps at which the loss is printed.
fn is_one_two_five(n: usize) -> bool {
    let mut decade = 1;
    while decade * 10 <= n {
        decade *= 10;
    }
    n > 0 && n.is_multiple_of(decade) && matches!(n / decade, 1 | 2 | 5)
}

fn main() -> Result<(), Box<dyn Error>> {
    let path = std::env::args_os().nth(1).map_or_else(
        || PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/target/mse_fit.svg")),
        PathBuf::from,
    );

    // The data: x sorted on [−3, 3], y = sin x + noise.
    let mut rng = Lcg(2024);
    let mut xs: Vec<f64> = (0..N).map(|_| rng.range(-3.0, 3.0)).collect();
    xs.sort_by(f64::total_cmp);
    let ys: Vec<f64> = xs.iter().map(|x| x.sin() + NOISE * rng.normal()).collect();

    // Initial parameters: input weights and biases of order 1 spread the units' centres over
    // the data, small output weights.
    let mut theta = Vec::with_capacity(3 * H + 1);
    for (count, half_width) in [(H, 2.0), (H, 2.0), (H, 0.1)] {
        for _ in 0..count {
            theta.push(rng.range(-half_width, half_width));
        }
    }
    theta.push(0.0);
    let p = theta.len();

    // The gradient against central finite differences, once, at the starting point.
    let mut grad = vec![0.0; p];
    let l0 = loss_vjp(&theta, &mut grad, &xs, &ys, H, 1.0);
    let mut worst: f64 = 0.0;
    for k in 0..p {
        let h = 1e-6;
        let mut q = theta.clone();
        q[k] += h;
        let hi = loss(&q, &xs, &ys, H);
        q[k] -= 2.0 * h;
        let lo = loss(&q, &xs, &ys, H);
        let fd = (hi - lo) / (2.0 * h);
        worst = worst.max((fd - grad[k]).abs() / grad[k].abs().max(1.0));
    }
    println!("{H} hidden units, {p} parameters, {N} samples");
    println!("gradient check: largest relative difference from finite differences {worst:.1e}");
    assert!(
        worst < 1e-6,
        "the gradient disagrees with finite differences"
    );
    let direct: f64 = xs
        .iter()
        .zip(&ys)
        .map(|(x, y)| 0.5 * (y - predict(&theta, *x)).powi(2))
        .sum();
    assert!(
        (direct - l0).abs() <= 1e-12 * l0,
        "loss and predict disagree"
    );

    // Gradient descent with momentum: velocity ← μ velocity − η ∇L, θ ← θ + velocity.
    let mut velocity = vec![0.0; p];
    let mut history = Vec::with_capacity(STEPS + 1);
    println!("{:>6}  {:>12}", "step", "loss");
    for step in 0..=STEPS {
        grad.fill(0.0); // loss_vjp adds into it
        let l = loss_vjp(&theta, &mut grad, &xs, &ys, H, 1.0);
        if !l.is_finite() {
            return Err(format!("gradient descent diverged at step {step}").into());
        }
        history.push(l);
        if step == 0 || is_one_two_five(step) || step == STEPS {
            println!("{step:>6}  {l:>12.6}");
        }
        if step == STEPS {
            break;
        }
        // The step size ramps up over the first WARMUP steps, while the gradient is large.
        let eta = LEARNING_RATE * ((step + 1) as f64 / WARMUP as f64).min(1.0);
        for ((t, v), g) in theta.iter_mut().zip(&mut velocity).zip(&grad) {
            *v = MOMENTUM * *v - eta * g;
            *t += *v;
        }
    }
    let final_loss = history[STEPS];
    // For a perfect fit of sin, ½ Σ noise² would remain.
    let noise_floor: f64 = xs
        .iter()
        .zip(&ys)
        .map(|(x, y)| 0.5 * (y - x.sin()).powi(2))
        .sum();
    println!(
        "final loss {final_loss:.4} (the noise alone gives {noise_floor:.4}); \
         RMS residual {:.3}",
        (2.0 * final_loss / N as f64).sqrt()
    );

    draw(&path, &xs, &ys, &theta, &history)?;
    println!("figure written to {}", path.display());
    Ok(())
}

/// Left: the samples, sin x and the fitted network; right: the loss against the step.
fn draw(
    path: &Path,
    xs: &[f64],
    ys: &[f64],
    theta: &[f64],
    history: &[f64],
) -> Result<(), Box<dyn Error>> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let root = SVGBackend::new(path, (1100, 450)).into_drawing_area();
    root.fill(&WHITE)?;
    let (left, right) = root.split_horizontally(560);

    let mut fit = ChartBuilder::on(&left)
        .caption(
            "two-layer tanh network fitted to sin x + noise",
            ("sans-serif", 18),
        )
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(44)
        .build_cartesian_2d(-3.2f64..3.2f64, -1.6f64..1.6f64)?;
    fit.configure_mesh().x_desc("x").y_desc("y").draw()?;
    let grid: Vec<f64> = (0..=300).map(|i| -3.2 + 6.4 * i as f64 / 300.0).collect();
    fit.draw_series(LineSeries::new(
        grid.iter().map(|&x| (x, x.sin())),
        BLACK.mix(0.35).stroke_width(1),
    ))?
    .label("sin x")
    .legend(|(x, y)| PathElement::new([(x, y), (x + 18, y)], BLACK.mix(0.35)));
    fit.draw_series(
        xs.iter()
            .zip(ys)
            .map(|(&x, &y)| Circle::new((x, y), 3, BLUE.filled())),
    )?
    .label("samples")
    .legend(|(x, y)| Circle::new((x + 9, y), 3, BLUE.filled()));
    fit.draw_series(LineSeries::new(
        grid.iter().map(|&x| (x, predict(theta, x))),
        RED.stroke_width(2),
    ))?
    .label("network")
    .legend(|(x, y)| PathElement::new([(x, y), (x + 18, y)], RED.stroke_width(2)));
    fit.configure_series_labels()
        .position(SeriesLabelPosition::UpperLeft)
        .background_style(WHITE.mix(0.8))
        .border_style(BLACK.mix(0.3))
        .draw()?;

    let lo = history.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = history.iter().copied().fold(0.0, f64::max);
    let mut curve = ChartBuilder::on(&right)
        .caption("loss ½ Σ (y − f(x))²", ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(36)
        .y_label_area_size(56)
        .build_cartesian_2d(
            (1f64..history.len() as f64).log_scale(),
            (0.5 * lo..2.0 * hi).log_scale(),
        )?;
    curve
        .configure_mesh()
        .x_desc("gradient-descent step + 1")
        .y_desc("loss")
        .x_label_formatter(&|v| format!("{v}"))
        .y_label_formatter(&|v| format!("{v}"))
        .draw()?;
    curve.draw_series(LineSeries::new(
        history
            .iter()
            .enumerate()
            .map(|(i, &l)| ((i + 1) as f64, l)),
        RED.stroke_width(2),
    ))?;
    root.present()?;
    Ok(())
}
