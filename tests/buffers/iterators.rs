//! Iterating over active buffers: `for v in x.iter()`, `for &v in x`,
//! `for (i, v) in x.iter().enumerate()`, `for (a, b) in x.iter().zip(y)`,
//! `x.iter().sum::<f64>()` and `x.iter().product::<f64>()`, and products with zero factors,
//! where a gradient computed as `product / xᵢ` would be NaN or wrong.

use crate::common::{assert_close, of_buffer, of_two_buffers, Case};
use ad::differentiate;

/// `for v in x.iter()`: Σ sin(vᵢ) + vᵢ² / 2.
#[differentiate(forward, reverse)]
pub fn iter_by_ref(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for v in x.iter() {
        s += v.sin() + 0.5 * v * v;
    }
    s
}

#[test]
fn iter() {
    of_buffer(
        "iter_by_ref",
        6,
        iter_by_ref,
        iter_by_ref_jvp,
        iter_by_ref_vjp,
    )
    .gradient(|x| x.iter().map(|v| v.cos() + v).collect())
    .check_random(3, 2.0);
}

/// `for &v in x`: the log of Σ exp(vᵢ), without the usual shift.
#[differentiate(forward, reverse)]
pub fn iter_by_pattern(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for &v in x {
        s += v.exp();
    }
    s.ln()
}

#[test]
fn iter_with_reference_pattern() {
    // The gradient of log-sum-exp is softmax.
    of_buffer(
        "iter_by_pattern",
        5,
        iter_by_pattern,
        iter_by_pattern_jvp,
        iter_by_pattern_vjp,
    )
    .gradient(|x| {
        let s: f64 = x.iter().map(|v| v.exp()).sum();
        x.iter().map(|v| v.exp() / s).collect()
    })
    .check_random(3, 2.0);
}

/// `enumerate`: Σ (i + 1) vᵢ³ — the weight depends on the position.
#[differentiate(forward, reverse)]
pub fn weighted_cubes(x: &[f64]) -> f64 {
    let mut s = 0.0;
    for (i, v) in x.iter().enumerate() {
        s += (i as f64 + 1.0) * v * v * v;
    }
    s
}

#[test]
fn enumerate() {
    of_buffer(
        "weighted_cubes",
        5,
        weighted_cubes,
        weighted_cubes_jvp,
        weighted_cubes_vjp,
    )
    .gradient(|x| {
        x.iter()
            .enumerate()
            .map(|(i, v)| 3.0 * (i as f64 + 1.0) * v * v)
            .collect()
    })
    .check_random(2, 1.5);
}

/// `zip` of two active buffers: Σ aᵢ bᵢ + aᵢ² bᵢ.
#[differentiate(forward, reverse)]
pub fn zipped(a: &[f64], b: &[f64]) -> f64 {
    let mut s = 0.0;
    for (p, q) in a.iter().zip(b) {
        s += p * q + p * p * q;
    }
    s
}

#[test]
fn zip() {
    let n = 4;
    of_two_buffers("zipped", n, n, zipped, zipped_jvp, zipped_vjp)
        .gradient(move |x| {
            let (a, b) = x.split_at(n);
            let ga = a.iter().zip(b).map(|(p, q)| q + 2.0 * p * q);
            let gb = a.iter().map(|p| p + p * p);
            ga.chain(gb).collect()
        })
        .check_random(2, 1.0);
}

#[test]
fn zip_stops_at_the_shorter_buffer() {
    // Elements past the shorter length take no part: their adjoints stay as they were.
    let (a, b) = ([1.0, 2.0, 3.0], [4.0, 5.0]);
    let mut ga = [0.0; 3];
    let mut gb = [0.0; 2];
    let y = zipped_vjp(&a, &mut ga, &b, &mut gb, 1.0);
    assert_eq!(y, zipped(&a, &b));
    assert_eq!(ga, [4.0 + 8.0, 5.0 + 20.0, 0.0]);
    assert_eq!(gb, [2.0, 6.0]);
}

/// `iter().sum::<f64>()` squared, plus a `product` of another buffer: (Σ xᵢ)² + Π yᵢ.
#[differentiate(forward, reverse)]
pub fn sum_and_product(x: &[f64], y: &[f64]) -> f64 {
    let s = x.iter().sum::<f64>();
    let p = y.iter().product::<f64>();
    s * s + p
}

/// Πⱼ≠ᵢ yⱼ for every i, by multiplication only (correct when some yⱼ are zero).
fn products_of_others(y: &[f64]) -> Vec<f64> {
    (0..y.len())
        .map(|i| {
            y.iter()
                .enumerate()
                .filter(|&(j, _)| j != i)
                .map(|(_, v)| v)
                .product()
        })
        .collect()
}

#[test]
fn sum_and_product_methods() {
    let (n, k) = (3, 4);
    of_two_buffers(
        "sum_and_product",
        n,
        k,
        sum_and_product,
        sum_and_product_jvp,
        sum_and_product_vjp,
    )
    .gradient(move |p| {
        let (x, y) = p.split_at(n);
        let s: f64 = x.iter().sum();
        let mut g = vec![2.0 * s; n];
        g.extend(products_of_others(y));
        g
    })
    .check_random(3, 1.5);
}

/// `iter().product::<f64>()` alone.
#[differentiate(forward, reverse)]
pub fn product(x: &[f64]) -> f64 {
    x.iter().product::<f64>()
}

/// The same product by a loop with `*=`.
#[differentiate(forward, reverse)]
#[allow(clippy::needless_range_loop)]
pub fn product_loop(x: &[f64]) -> f64 {
    let mut p = 1.0;
    for i in 0..x.len() {
        p *= x[i];
    }
    p
}

/// Points with no zero, one zero (at either end and inside) and two zeros.
const PRODUCT_POINTS: &[&[f64]] = &[
    &[1.5, -0.5, 2.0, 0.75],
    &[1.5, 0.0, -2.0, 0.7],
    &[0.0, 1.25, -0.8, 3.0],
    &[0.9, 1.25, -0.8, 0.0],
    &[0.0, 1.25, 0.0, 3.0],
];

#[test]
fn product_with_zero_factors() {
    for (name, case) in [
        (
            "product",
            of_buffer("product", 4, product, product_jvp, product_vjp),
        ),
        (
            "product_loop",
            of_buffer(
                "product_loop",
                4,
                product_loop,
                product_loop_jvp,
                product_loop_vjp,
            ),
        ),
    ] {
        case.gradient(products_of_others).check(PRODUCT_POINTS);
        // The exact values: with one zero at position 1 only that element has a gradient.
        let x = [1.5, 0.0, -2.0, 0.7];
        let mut g = [0.0; 4];
        let y = if name == "product" {
            product_vjp(&x, &mut g, 1.0)
        } else {
            product_loop_vjp(&x, &mut g, 1.0)
        };
        assert_eq!(y, 0.0, "{name}");
        assert_eq!([g[0], g[2], g[3]], [0.0; 3], "{name}: one zero factor");
        assert_close(&format!("{name}: one zero factor"), g[1], -2.1, 1e-15);
        // Two zeros: every partial derivative vanishes, none is NaN.
        let x = [0.0, 1.25, 0.0, 3.0];
        let mut g = [0.0; 4];
        if name == "product" {
            product_vjp(&x, &mut g, 1.0);
        } else {
            product_loop_vjp(&x, &mut g, 1.0);
        }
        assert_eq!(g, [0.0; 4], "{name}: two zero factors");
        // Forward mode along the zero element's direction.
        let (_, d) = if name == "product" {
            product_jvp(&[1.5, 0.0, -2.0, 0.7], &[0.0, 1.0, 0.0, 0.0])
        } else {
            product_loop_jvp(&[1.5, 0.0, -2.0, 0.7], &[0.0, 1.0, 0.0, 0.0])
        };
        assert_close(&format!("{name}: forward mode"), d, -2.1, 1e-15);
    }
}

#[test]
fn sum_and_product_of_empty_buffers() {
    // The empty sum is 0 and the empty product 1.
    assert_eq!(sum_and_product_jvp(&[], &[], &[], &[]), (1.0, 0.0));
    assert_eq!(product_vjp(&[], &mut [], 1.0), 1.0);
}

/// An iterator loop that carries a running value: Σᵢ tanh(sᵢ) with sᵢ = sᵢ₋₁ · vᵢ + 1.
#[differentiate(forward, reverse)]
pub fn running(x: &[f64]) -> f64 {
    let mut s = 0.0;
    let mut total = 0.0;
    for &v in x {
        s = s * v + 1.0;
        total += s.tanh();
    }
    total
}

#[test]
fn loop_carried_value_in_an_iterator_loop() {
    of_buffer("running", 6, running, running_jvp, running_vjp).check_random(3, 1.0);
}

/// Iterating the same buffer twice: the variance Σ (vᵢ − mean)² / n.
#[differentiate(forward, reverse)]
pub fn variance(x: &[f64]) -> f64 {
    let n = x.len() as f64;
    let mean = x.iter().sum::<f64>() / n;
    let mut s = 0.0;
    for v in x.iter() {
        s += (v - mean) * (v - mean);
    }
    s / n
}

#[test]
fn two_passes() {
    let n = 5;
    Case::new(
        "variance",
        n,
        1,
        |x| vec![variance(x)],
        |x, v| {
            let (y, dy) = variance_jvp(x, v);
            (vec![y], vec![dy])
        },
        |x, w, g| vec![variance_vjp(x, g, w[0])],
    )
    .gradient(move |x| {
        let mean = x.iter().sum::<f64>() / n as f64;
        x.iter().map(|v| 2.0 * (v - mean) / n as f64).collect()
    })
    .check_random(2, 2.0);
}
