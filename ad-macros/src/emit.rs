//! Emission: IR → Rust tokens. The only place that writes syntax; it chooses names, adds the
//! parentheses that precedence needs (and no others), and builds the function item.

use crate::ir::{AssignOp, BinOp, Expr, Function, Stmt, Ty, UnOp, Var};
use crate::names::Names;
use proc_macro2::{Span, TokenStream};
use quote::{quote, ToTokens};
use std::collections::HashSet;

/// What the generated function takes from the user's: its name, visibility, generics and the
/// attributes that must carry over (`#[cfg]`).
pub struct Header<'a> {
    pub name: syn::Ident,
    pub vis: &'a syn::Visibility,
    pub generics: &'a syn::Generics,
    pub attrs: Vec<&'a syn::Attribute>,
    pub doc: String,
}

pub fn function(f: &Function, header: &Header, user_idents: &HashSet<String>) -> TokenStream {
    let mut e = Emitter {
        f,
        names: Names::new(user_idents, f.vars.len()),
    };
    let mut read = HashSet::new();
    for s in &f.stmts {
        s.visit_reads(&mut |v| {
            read.insert(v);
        });
    }
    f.ret.visit_vars(&mut |v| {
        read.insert(v);
    });
    let params: Vec<TokenStream> = f
        .params
        .iter()
        .map(|p| {
            let mut name = e.names.of(f, p.var);
            if !read.contains(&p.var) {
                name = e.names.unused(&name);
            }
            let ty = &p.ty;
            quote!(#name: #ty)
        })
        .collect();
    let stmts: Vec<TokenStream> = f.stmts.iter().map(|s| e.stmt(s)).collect();
    let ret = e.expr(&f.ret, 0);
    let Header {
        name,
        vis,
        generics,
        attrs,
        doc,
    } = header;
    let ret_ty = &f.ret_ty;
    let where_clause = &generics.where_clause;
    // Only the lints the derivative's shape can trigger though the user's function did not
    // (`forbid` in the user's crate makes an unneeded `allow` an error).
    let mut allow = Vec::new();
    if params.len() > 7 {
        allow.push(quote!(clippy::too_many_arguments));
    }
    if type_size(ret_ty) > 8 {
        allow.push(quote!(clippy::type_complexity));
    }
    let allow = (!allow.is_empty()).then(|| quote!(#[allow(#(#allow),*)]));
    quote! {
        #(#attrs)*
        #[doc = #doc]
        #allow
        #vis fn #name #generics (#(#params),*) -> #ret_ty #where_clause {
            #(#stmts)*
            #ret
        }
    }
}

/// A rough count of the types nested in `ty`, to tell when clippy's `type_complexity` may fire.
fn type_size(ty: &syn::Type) -> usize {
    match ty {
        syn::Type::Tuple(t) => 1 + t.elems.iter().map(type_size).sum::<usize>(),
        syn::Type::Array(a) => 1 + type_size(&a.elem),
        syn::Type::Paren(p) => type_size(&p.elem),
        _ => 1,
    }
}

struct Emitter<'a> {
    f: &'a Function,
    names: Names,
}

/// Binding strength of each expression form; higher binds tighter.
fn precedence(e: &Expr) -> u8 {
    match e {
        Expr::Binary(op, ..) => match op {
            BinOp::Mul | BinOp::Div | BinOp::Rem => 12,
            BinOp::Add | BinOp::Sub => 11,
            BinOp::Shl | BinOp::Shr => 10,
            BinOp::BitAnd => 9,
            BinOp::BitXor => 8,
            BinOp::BitOr => 7,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => 6,
            BinOp::And => 5,
            BinOp::Or => 4,
        },
        Expr::Cast(..) => 13,
        Expr::Unary(..) => 14,
        _ => 20,
    }
}

impl Emitter<'_> {
    fn var(&mut self, v: Var) -> TokenStream {
        self.names.of(self.f, v).into_token_stream()
    }

    fn stmt(&mut self, s: &Stmt) -> TokenStream {
        match s {
            Stmt::Let {
                vars,
                mutable,
                expr,
                ..
            } => {
                let value = self.expr(expr, 0);
                let mutability = mutable.then(|| quote!(mut));
                let mut bind = |v: &Option<Var>| match v {
                    Some(v) => {
                        let name = self.var(*v);
                        quote!(#mutability #name)
                    }
                    None => quote!(_),
                };
                if let [single] = vars.as_slice() {
                    let pat = bind(single);
                    quote!(let #pat = #value;)
                } else {
                    let pats: Vec<TokenStream> = vars.iter().map(bind).collect();
                    quote!(let (#(#pats),*) = #value;)
                }
            }
            Stmt::Assign { var, op, expr } => {
                let name = self.var(*var);
                let value = self.expr(expr, 0);
                match op {
                    AssignOp::Add => quote!(#name += #value;),
                    AssignOp::Sub => quote!(#name -= #value;),
                }
            }
            Stmt::Item(tokens) => tokens.clone(),
        }
    }

    /// Emits `e`, in parentheses if it binds less tightly than `min`.
    fn expr(&mut self, e: &Expr, min: u8) -> TokenStream {
        let own = precedence(e);
        let tokens = match e {
            Expr::Var(v) => self.var(*v),
            Expr::Lit(l) => l.to_token_stream(),
            Expr::Zero => quote!(0.0),
            Expr::Path(p) => p.to_token_stream(),
            Expr::Unary(op, a) => {
                // `-(-x)`, not `--x`
                let a = self.expr(
                    a,
                    if matches!(**a, Expr::Unary(..)) {
                        20
                    } else {
                        14
                    },
                );
                match op {
                    UnOp::Neg => quote!(-#a),
                    UnOp::Not => quote!(!#a),
                }
            }
            Expr::Binary(op, a, b) => {
                let non_assoc = matches!(
                    op,
                    BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
                );
                // `x as usize < y` would parse `usize<` as generics.
                let left_min =
                    if matches!(op, BinOp::Lt | BinOp::Shl) && matches!(**a, Expr::Cast(..)) {
                        20
                    } else {
                        own + u8::from(non_assoc)
                    };
                let a = self.expr(a, left_min);
                let b = self.expr(b, own + 1);
                let op = binop_tokens(*op);
                quote!(#a #op #b)
            }
            Expr::Cast(a, ty) => {
                let a = self.expr(a, 13);
                quote!(#a as #ty)
            }
            Expr::Method { name, recv, args } => {
                let args_t: Vec<TokenStream> = args.iter().map(|a| self.expr(a, 0)).collect();
                match recv {
                    Ty::Float(w) => {
                        let ty = syn::Ident::new(w.name(), Span::call_site());
                        quote!(#ty::#name(#(#args_t),*))
                    }
                    _ => {
                        let r = args.first().map(|a| self.expr(a, 20)).unwrap_or_default();
                        let rest = &args_t[1.min(args_t.len())..];
                        quote!(#r.#name(#(#rest),*))
                    }
                }
            }
            Expr::Rule { name, args } => {
                let args: Vec<TokenStream> = args.iter().map(|a| self.expr(a, 0)).collect();
                quote!(::ad::rules::#name(#(#args),*))
            }
            Expr::Call { func, args } => {
                let args: Vec<TokenStream> = args.iter().map(|a| self.expr(a, 0)).collect();
                quote!(#func(#(#args),*))
            }
            Expr::Tuple(items) => {
                let items: Vec<TokenStream> = items.iter().map(|a| self.expr(a, 0)).collect();
                if items.len() == 1 {
                    quote!((#(#items),*,))
                } else {
                    quote!((#(#items),*))
                }
            }
            Expr::Array(items) => {
                let items: Vec<TokenStream> = items.iter().map(|a| self.expr(a, 0)).collect();
                quote!([#(#items),*])
            }
            Expr::Field(a, i) => {
                let a = self.expr(a, 20);
                let i = syn::Index::from(*i as usize);
                quote!(#a.#i)
            }
            Expr::Index(a, i) => {
                let a = self.expr(a, 20);
                let i = proc_macro2::Literal::usize_unsuffixed(*i);
                quote!(#a[#i])
            }
        };
        if own < min {
            quote!((#tokens))
        } else {
            tokens
        }
    }
}

fn binop_tokens(op: BinOp) -> TokenStream {
    match op {
        BinOp::Add => quote!(+),
        BinOp::Sub => quote!(-),
        BinOp::Mul => quote!(*),
        BinOp::Div => quote!(/),
        BinOp::Rem => quote!(%),
        BinOp::And => quote!(&&),
        BinOp::Or => quote!(||),
        BinOp::BitAnd => quote!(&),
        BinOp::BitOr => quote!(|),
        BinOp::BitXor => quote!(^),
        BinOp::Shl => quote!(<<),
        BinOp::Shr => quote!(>>),
        BinOp::Eq => quote!(==),
        BinOp::Ne => quote!(!=),
        BinOp::Lt => quote!(<),
        BinOp::Le => quote!(<=),
        BinOp::Gt => quote!(>),
        BinOp::Ge => quote!(>=),
    }
}
