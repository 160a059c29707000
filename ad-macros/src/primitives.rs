//! The table of differentiable primitives: which float methods have a rule in `ad::rules`,
//! and the shape of that rule. The derivative formulas themselves live only in the runtime.

/// The shape of a primitive's rule.
#[derive(Clone, Copy, Debug)]
pub struct Primitive {
    pub name: &'static str,
    /// Float arguments, the receiver first.
    pub floats: usize,
    /// Integer arguments after the float ones (`powi`'s exponent).
    pub ints: usize,
    /// Values returned (`sin_cos` returns two).
    pub outputs: usize,
}

const fn p(name: &'static str, floats: usize, ints: usize, outputs: usize) -> Primitive {
    Primitive {
        name,
        floats,
        ints,
        outputs,
    }
}

const TABLE: &[Primitive] = &[
    p("abs", 1, 0, 1),
    p("signum", 1, 0, 1),
    p("sqrt", 1, 0, 1),
    p("cbrt", 1, 0, 1),
    p("exp", 1, 0, 1),
    p("exp2", 1, 0, 1),
    p("exp_m1", 1, 0, 1),
    p("ln", 1, 0, 1),
    p("log2", 1, 0, 1),
    p("log10", 1, 0, 1),
    p("ln_1p", 1, 0, 1),
    p("sin", 1, 0, 1),
    p("cos", 1, 0, 1),
    p("tan", 1, 0, 1),
    p("asin", 1, 0, 1),
    p("acos", 1, 0, 1),
    p("atan", 1, 0, 1),
    p("sinh", 1, 0, 1),
    p("cosh", 1, 0, 1),
    p("tanh", 1, 0, 1),
    p("asinh", 1, 0, 1),
    p("acosh", 1, 0, 1),
    p("atanh", 1, 0, 1),
    p("recip", 1, 0, 1),
    p("to_degrees", 1, 0, 1),
    p("to_radians", 1, 0, 1),
    p("floor", 1, 0, 1),
    p("ceil", 1, 0, 1),
    p("round", 1, 0, 1),
    p("trunc", 1, 0, 1),
    p("fract", 1, 0, 1),
    p("powi", 1, 1, 1),
    p("log", 2, 0, 1),
    p("powf", 2, 0, 1),
    p("atan2", 2, 0, 1),
    p("hypot", 2, 0, 1),
    p("max", 2, 0, 1),
    p("min", 2, 0, 1),
    p("copysign", 2, 0, 1),
    p("mul_add", 3, 0, 1),
    p("clamp", 3, 0, 1),
    p("sin_cos", 1, 0, 2),
];

/// The rule for the float method `name`, if it has one.
pub fn lookup(name: &str) -> Option<Primitive> {
    TABLE.iter().copied().find(|p| p.name == name)
}

/// The rule the `%` operator on floats uses.
pub const REM: Primitive = p("rem", 2, 0, 1);

/// The runtime rule that differentiates `expr`, if it is a float primitive (a float method, or
/// `%` on floats): the rule's name, its arguments, and how many of them are floats.
pub fn rule_of(
    expr: &crate::ir::Expr,
    span: proc_macro2::Span,
) -> Option<(syn::Ident, Vec<crate::ir::Expr>, usize)> {
    use crate::ir::{BinOp, Expr, Ty};
    match expr {
        Expr::Method {
            name,
            recv: Ty::Float(_),
            args,
        } => lookup(&name.to_string()).map(|p| (name.clone(), args.clone(), p.floats)),
        Expr::Binary(BinOp::Rem, a, b) => Some((
            syn::Ident::new(REM.name, span),
            vec![(**a).clone(), (**b).clone()],
            REM.floats,
        )),
        _ => None,
    }
}

/// Methods that integers also have, with the integer meaning; evaluated as constants.
pub fn is_int_method(name: &str) -> bool {
    matches!(name, "abs" | "signum" | "min" | "max" | "clamp" | "pow")
}

/// `max` and `min` depend on their arguments only through which one wins: reverse mode records
/// that choice (`max_choice` / `min_choice`, one byte) and rebuilds the two partials from it in
/// the adjoint sweep (`choice_partials`). The rule that gives the choice, for a rule that has one.
pub fn choice_rule(name: &syn::Ident) -> Option<syn::Ident> {
    matches!(name.to_string().as_str(), "max" | "min")
        .then(|| syn::Ident::new(&format!("{name}_choice"), name.span()))
}

/// The rule that rebuilds the partials of `max` / `min` from a recorded choice.
pub fn choice_partials(span: proc_macro2::Span) -> syn::Ident {
    syn::Ident::new(CHOICE_PARTIALS, span)
}

/// Whether `e` rebuilds partials from a recorded choice: cheap, and worth recomputing rather
/// than recording the two partials.
pub fn is_choice_partials(e: &crate::ir::Expr) -> bool {
    matches!(e, crate::ir::Expr::Rule { name, .. } if name == CHOICE_PARTIALS)
}

const CHOICE_PARTIALS: &str = "choice_partials";
