//! Regression tests for compiler bugs this suite found. Each states the input and the
//! expected result. (Bug 1, items in nested blocks, is now a compile error: see
//! `tests/ui/item_in_nested_block.rs`. Bug 3, a stack overflow on a 3000-term expression, is
//! covered by a unit test in `ad-macros`.)

use ad::differentiate;

// ------------------------------------------------------------------------------------------
// Bug 2 (fixed): `f64::from(x)` / `f32::from(x)` of an active float dropped the derivative.
//
// lower.rs turns `f64::from(a)` into `Expr::Cast(a, Type::Verbatim(f64))`. activity.rs
// (`dependencies`, case `Expr::Cast`) asks `signature::classify(ty)`, which recognises only
// `Type::Path` float types; `Type::Verbatim` falls through to `FloatContainer`, so the cast
// has no dependencies and its result is treated as a constant. `x as f64` works.
// Likely fix: build the target type as a path, e.g. `syn::parse_quote!(#ident)`.
// ------------------------------------------------------------------------------------------

/// Widening with `From`: f = 2x, f' = 2.
#[differentiate(forward, reverse)]
fn widen_from(x: f32) -> f64 {
    f64::from(x) * 2.0
}

/// A product of a widened f32 and an f64: f = x y, ∂x = y, ∂y = x.
#[differentiate(forward, reverse)]
fn product_from(x: f32, y: f64) -> f64 {
    f64::from(x) * y
}

#[test]
fn float_from_keeps_the_derivative() {
    assert_eq!(widen_from(0.5), 1.0);
    assert_eq!(widen_from_jvp(0.5, 1.0), (1.0, 2.0), "forward");
    assert_eq!(widen_from_vjp(0.5, 1.0), (1.0, 2.0), "reverse");
    assert_eq!(product_from(1.5, 4.0), 6.0);
    assert_eq!(product_from_jvp(1.5, 1.0, 4.0, 0.0), (6.0, 4.0), "forward");
    assert_eq!(product_from_vjp(1.5, 4.0, 1.0), (6.0, 4.0, 1.5), "reverse");
}
