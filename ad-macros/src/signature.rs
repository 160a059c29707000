//! The function's interface: which parameters are active, and the shape of the output.

use crate::diag::Diagnostics;
use crate::ir::{FloatTy, Ty};
use crate::options::Options;
use syn::{FnArg, Ident, Pat, ReturnType, Type};

#[derive(Clone, Debug)]
pub struct ParamInfo {
    pub ident: Ident,
    pub ty: Type,
    /// The type as differentiation sees it.
    pub kind: Ty,
    /// Differentiated: a float parameter selected by `wrt` (or by default).
    pub active: bool,
    /// A `&mut` buffer: an input and an output.
    pub inout: bool,
}

/// The shape of the output (and of the JVP's tangent and the VJP's seed `dout`).
#[derive(Clone, Debug)]
pub enum Shape {
    /// `()`: the results are in `&mut` buffers.
    Unit,
    Scalar(FloatTy),
    Tuple(Vec<Shape>),
    Array(Box<Shape>, Option<usize>),
}

/// The type parameter bounded by `Float` that a generic function's floats have, if any.
pub fn generic_float(sig: &syn::Signature) -> Option<syn::Ident> {
    sig.generics.type_params().find_map(|g| {
        let ident = &g.ident;
        let ty: Type = syn::parse_quote!(#ident);
        is_generic(&ty, &sig.generics).then(|| g.ident.clone())
    })
}

pub struct Signature {
    pub params: Vec<ParamInfo>,
    /// `&self` or `self`, a constant.
    pub receiver: Option<syn::Receiver>,
    /// `None` when the output type was reported as an error.
    pub output: Option<Shape>,
    pub output_ty: Type,
}

/// Classifies a parameter or output type.
pub fn classify(ty: &Type) -> TypeClass {
    if let Type::Reference(r) = ty {
        // `&mut f64`: an in-out value, handled as a buffer of one element read through `*`.
        if let (Some(_), TypeClass::Scalar(Ty::Float(w))) = (r.mutability, classify(&r.elem)) {
            return TypeClass::Buffer {
                elem: Some(w),
                mutable: true,
            };
        }
        let elem = match &*r.elem {
            Type::Slice(s) => Some(&*s.elem),
            Type::Array(a) => Some(&*a.elem),
            Type::Path(p) => p
                .path
                .segments
                .last()
                .filter(|s| s.ident == "Vec")
                .and_then(|s| match &s.arguments {
                    syn::PathArguments::AngleBracketed(a) => a.args.first(),
                    _ => None,
                })
                .and_then(|a| match a {
                    syn::GenericArgument::Type(t) => Some(t),
                    _ => None,
                }),
            _ => None,
        };
        if let Some(elem) = elem {
            return match classify(elem) {
                TypeClass::Scalar(Ty::Float(w)) => TypeClass::Buffer {
                    elem: Some(w),
                    mutable: r.mutability.is_some(),
                },
                TypeClass::Scalar(_) => TypeClass::Buffer {
                    elem: None,
                    mutable: r.mutability.is_some(),
                },
                _ => TypeClass::FloatContainer,
            };
        }
    }
    match ty {
        Type::Paren(p) => classify(&p.elem),
        Type::Group(g) => classify(&g.elem),
        Type::Path(p) if p.qself.is_none() => match p.path.get_ident().map(Ident::to_string) {
            Some(n) if n == "f64" => TypeClass::Scalar(Ty::Float(FloatTy::F64)),
            Some(n) if n == "f32" => TypeClass::Scalar(Ty::Float(FloatTy::F32)),
            Some(n) if n == "bool" => TypeClass::Scalar(Ty::Bool),
            Some(n) if is_int_type(&n) => TypeClass::Scalar(Ty::Int),
            _ if mentions_float(ty) => TypeClass::FloatContainer,
            _ => TypeClass::Scalar(Ty::Opaque),
        },
        _ if mentions_float(ty) => TypeClass::FloatContainer,
        _ => TypeClass::Scalar(Ty::Opaque),
    }
}

pub enum TypeClass {
    Scalar(Ty),
    /// `&[T]`, `&[T; N]`, `&Vec<T>` or their `&mut` forms; `elem` is `Some` for floats.
    Buffer {
        elem: Option<FloatTy>,
        mutable: bool,
    },
    /// A buffer, array, tuple or reference holding floats.
    FloatContainer,
}

pub fn is_int_type(name: &str) -> bool {
    matches!(
        name,
        "i8" | "i16"
            | "i32"
            | "i64"
            | "i128"
            | "isize"
            | "u8"
            | "u16"
            | "u32"
            | "u64"
            | "u128"
            | "usize"
    )
}

/// Whether `ty` is a type parameter bounded by a `Float` trait (`T: ad::Float`).
fn is_generic(ty: &Type, generics: &syn::Generics) -> bool {
    let Type::Path(p) = ty else { return false };
    let float_bound = |b: &syn::TypeParamBound| {
        matches!(b, syn::TypeParamBound::Trait(t)
            if t.path.segments.last().is_some_and(|s| s.ident == "Float"))
    };
    let in_where = |g: &syn::TypeParam| {
        generics
            .where_clause
            .iter()
            .flat_map(|w| &w.predicates)
            .any(|pred| {
                matches!(pred, syn::WherePredicate::Type(pt)
                if matches!(&pt.bounded_ty, Type::Path(b) if b.path.is_ident(&g.ident))
                    && pt.bounds.iter().any(float_bound))
            })
    };
    generics.type_params().any(|g| {
        p.qself.is_none()
            && p.path.is_ident(&g.ident)
            && (g.bounds.iter().any(float_bound) || in_where(g))
    })
}

fn mentions_float(ty: &Type) -> bool {
    let text = quote::quote!(#ty).to_string();
    text.split(|c: char| !c.is_alphanumeric() && c != '_')
        .any(|w| w == "f64" || w == "f32")
}

pub fn parse(sig: &syn::Signature, options: &Options, diag: &mut Diagnostics) -> Signature {
    let mut params = Vec::new();
    let mut receiver = None;
    for arg in &sig.inputs {
        match arg {
            FnArg::Receiver(r) if matches!(r.kind, syn::ReceiverKind::Reference(_, _, Some(_))) => diag.error(
                r,
                "methods taking `&mut self` are not supported; take `&self`, and pass what the \
                 method writes as `&mut` parameters",
            ),
            // `&self` / `self`: a constant; fields holding what is differentiated are passed
            // explicitly.
            FnArg::Receiver(r) => receiver = Some(r.clone()),
            FnArg::Typed(pt) => {
                let ident = match &*pt.pat {
                    Pat::Ident(pi) if pi.by_ref.is_none() && pi.subpat.is_none() => pi.ident.clone(),
                    other => {
                        diag.error(
                            other,
                            "only plain parameter names are supported here; bind the parameter to a \
                             name and destructure it in the body",
                        );
                        continue;
                    }
                };
                let kind = match classify(&pt.ty) {
                    TypeClass::Scalar(_) if is_generic(&pt.ty, &sig.generics) => {
                        Ty::Float(FloatTy::Generic)
                    }
                    TypeClass::Scalar(ty) => ty,
                    TypeClass::Buffer { elem, .. } => Ty::Buffer(elem),
                    TypeClass::FloatContainer => {
                        diag.error(
                            &pt.ty,
                            "this parameter type is not supported; use `f64`/`f32`, a buffer \
                             (`&[f64]`, `&[f64; N]`, `&Vec<f64>` or their `&mut` forms), or pass \
                             the floats separately",
                        );
                        Ty::Opaque
                    }
                };
                let inout = matches!(classify(&pt.ty), TypeClass::Buffer { mutable: true, .. });
                params.push(ParamInfo {
                    ident,
                    ty: (*pt.ty).clone(),
                    kind,
                    active: matches!(kind, Ty::Float(_) | Ty::Buffer(Some(_))),
                    inout,
                });
            }
        }
    }
    if let Some(v) = &sig.variadic {
        diag.error(v, "variadic functions cannot be differentiated");
    }
    if let Some(wrt) = &options.wrt {
        for p in params.iter_mut() {
            p.active &= wrt.contains(&p.ident);
        }
        for name in wrt {
            match params.iter().find(|p| p.ident == *name) {
                None => diag.error(
                    name,
                    format!(
                        "`wrt` names `{name}`, which is not a parameter of `{}`",
                        sig.ident
                    ),
                ),
                Some(p) if !matches!(p.kind, Ty::Float(_) | Ty::Buffer(Some(_))) => {
                    let ty = &p.ty;
                    diag.error(
                        name,
                        format!(
                            "parameter `{name}` has type `{}`, which cannot be differentiated; \
                             `wrt(..)` takes `f64` or `f32` parameters",
                            quote::quote!(#ty)
                        ),
                    )
                }
                Some(_) => {}
            }
        }
    }
    let (output, output_ty) = match &sig.output {
        ReturnType::Default if params.iter().any(|p| p.inout && p.active) => {
            (Some(Shape::Unit), syn::parse_quote!(()))
        }
        ReturnType::Default if diag.has_errors() => (None, syn::parse_quote!(())),
        ReturnType::Default => {
            diag.error(
                sig,
                "the function returns `()`, so there is nothing to differentiate; return a float, \
                 a tuple of floats or an array `[f64; N]`, or write the results into a `&mut [f64]` \
                 parameter",
            );
            (None, syn::parse_quote!(()))
        }
        ReturnType::Type(_, ty) if is_generic(ty, &sig.generics) => {
            (Some(Shape::Scalar(FloatTy::Generic)), (**ty).clone())
        }
        ReturnType::Type(_, ty) => (output_shape(ty, diag), (**ty).clone()),
    };
    Signature {
        params,
        receiver,
        output,
        output_ty,
    }
}

/// Whether a parameter type is `&mut f64` / `&mut f32` (read and written through `*`).
pub fn is_scalar_ref(ty: &Type) -> bool {
    matches!(ty, Type::Reference(r) if r.mutability.is_some()
        && matches!(classify(&r.elem), TypeClass::Scalar(Ty::Float(_))))
}

/// The type of the adjoint buffer that follows a buffer parameter in `f_vjp`.
pub fn adjoint_type(ty: &Type) -> Type {
    if is_scalar_ref(ty) {
        return ty.clone();
    }
    match ty {
        Type::Reference(r) => match &*r.elem {
            Type::Array(a) => {
                let a = a.clone();
                syn::parse_quote!(&mut #a)
            }
            Type::Slice(s) => {
                let e = &s.elem;
                syn::parse_quote!(&mut [#e])
            }
            _ => match classify(ty) {
                TypeClass::Buffer { elem: Some(w), .. } => {
                    let e = syn::Ident::new(w.name(), proc_macro2::Span::call_site());
                    syn::parse_quote!(&mut [#e])
                }
                _ => ty.clone(),
            },
        },
        _ => ty.clone(),
    }
}

fn output_shape(ty: &Type, diag: &mut Diagnostics) -> Option<Shape> {
    let before = diag.count();
    let shape = shape_of(ty, diag);
    (diag.count() == before).then_some(shape)
}

fn shape_of(ty: &Type, diag: &mut Diagnostics) -> Shape {
    const MESSAGE: &str =
        "cannot differentiate a function with this output type; the output must be `f64`/`f32`, \
         a tuple of them, or an array `[f64; N]`";
    match ty {
        Type::Paren(p) => shape_of(&p.elem, diag),
        Type::Group(g) => shape_of(&g.elem, diag),
        Type::Tuple(t) if !t.elems.is_empty() => {
            Shape::Tuple(t.elems.iter().map(|e| shape_of(e, diag)).collect())
        }
        Type::Array(a) => {
            let len = match &a.len {
                syn::Expr::Lit(syn::ExprLit {
                    lit: syn::Lit::Int(n),
                    ..
                }) => n.base10_parse().ok(),
                _ => None,
            };
            Shape::Array(Box::new(shape_of(&a.elem, diag)), len)
        }
        _ => match classify(ty) {
            TypeClass::Scalar(Ty::Float(f)) => Shape::Scalar(f),
            _ => {
                diag.error(ty, MESSAGE);
                Shape::Scalar(FloatTy::F64)
            }
        },
    }
}
