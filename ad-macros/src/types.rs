//! Type inference. A proc macro sees no types, so the lowering records what each operation
//! implies (`x + y` has one type, `1.0` is a float, `n as f64` is an `f64`, a parameter has its
//! declared type) and this module solves those constraints with union-find. Values whose type
//! stays unknown are constants of the user's (an outer `const`, a call's result used only as
//! a constant): they are passed through untouched, never differentiated.

use crate::diag::Diagnostics;
use crate::ir::{Expr, FloatTy, Function, Stmt, Ty, Var};
use proc_macro2::Span;

/// What is known of a type.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    Unknown,
    /// A float of a width not yet known (an unsuffixed literal); defaults to `f64`.
    AnyFloat,
    Float(FloatTy),
    Int,
    Bool,
    /// A buffer; its elements' type is that of its element slot.
    Buffer,
}

impl Kind {
    pub fn of(ty: Ty) -> Kind {
        match ty {
            Ty::Float(f) => Kind::Float(f),
            Ty::Int => Kind::Int,
            Ty::Bool => Kind::Bool,
            Ty::Opaque => Kind::Unknown,
            Ty::Buffer(_) => Kind::Buffer,
        }
    }

    fn describe(self) -> &'static str {
        match self {
            Kind::Unknown => "unknown",
            Kind::AnyFloat => "a float",
            Kind::Float(FloatTy::F32) => "`f32`",
            Kind::Float(FloatTy::Generic) => "the generic float type",
            Kind::Float(FloatTy::F64) => "`f64`",
            Kind::Int => "an integer",
            Kind::Bool => "a `bool`",
            Kind::Buffer => "a buffer",
        }
    }
}

fn merge(a: Kind, b: Kind) -> Option<Kind> {
    use Kind::*;
    match (a, b) {
        (Unknown, k) | (k, Unknown) => Some(k),
        (AnyFloat, Float(f)) | (Float(f), AnyFloat) => Some(Float(f)),
        (a, b) if a == b => Some(a),
        _ => None,
    }
}

/// One slot per IR variable.
#[derive(Default)]
pub struct TypeTable {
    parent: Vec<usize>,
    kind: Vec<Kind>,
    /// For each buffer, the variable standing for the type of its elements.
    elements: std::collections::HashMap<Var, Var>,
}

impl TypeTable {
    /// Adds the slot of the next variable.
    pub fn add(&mut self, kind: Kind) {
        self.parent.push(self.parent.len());
        self.kind.push(kind);
    }

    fn find(&mut self, mut i: usize) -> usize {
        while self.parent[i] != i {
            self.parent[i] = self.parent[self.parent[i]];
            i = self.parent[i];
        }
        i
    }

    /// Records that `v` has kind `k`.
    pub fn fact(&mut self, v: Var, k: Kind, span: Span, diag: &mut Diagnostics) {
        let r = self.find(v.0 as usize);
        match merge(self.kind[r], k) {
            Some(m) => self.kind[r] = m,
            None => conflict(self.kind[r], k, span, diag),
        }
    }

    /// Records that `a` and `b` have the same type.
    pub fn same(&mut self, a: Var, b: Var, span: Span, diag: &mut Diagnostics) {
        let (ra, rb) = (self.find(a.0 as usize), self.find(b.0 as usize));
        if ra == rb {
            return;
        }
        match merge(self.kind[ra], self.kind[rb]) {
            Some(m) => {
                self.parent[rb] = ra;
                self.kind[ra] = m;
            }
            None => conflict(self.kind[ra], self.kind[rb], span, diag),
        }
    }

    /// Records that `slot` has the type of `buffer`'s elements.
    pub fn elements(&mut self, buffer: Var, slot: Var) {
        self.elements.insert(buffer, slot);
    }

    pub fn element_slot(&self, buffer: Var) -> Option<Var> {
        self.elements.get(&buffer).copied()
    }

    pub fn kind(&mut self, v: Var) -> Kind {
        let r = self.find(v.0 as usize);
        self.kind[r]
    }

    /// Writes the solved types into the function and settles which methods are float
    /// primitives and which are integer methods.
    pub fn apply(mut self, f: &mut Function) {
        for i in 0..f.vars.len() {
            f.vars[i].ty = match self.kind(Var(i as u32)) {
                Kind::Unknown => Ty::Opaque,
                Kind::AnyFloat => Ty::Float(FloatTy::F64),
                Kind::Float(w) => Ty::Float(w),
                Kind::Int => Ty::Int,
                Kind::Bool => Ty::Bool,
                Kind::Buffer => {
                    let slot = self.elements.get(&Var(i as u32)).copied();
                    Ty::Buffer(match slot.map(|s| self.kind(s)) {
                        Some(Kind::Float(w)) => Some(w),
                        Some(Kind::AnyFloat) => Some(FloatTy::F64),
                        _ => None,
                    })
                }
            };
        }
        let types: Vec<Ty> = f.vars.iter().map(|v| v.ty).collect();
        crate::ir::walk_mut(&mut f.stmts, &mut |stmt| {
            if let Stmt::Let {
                expr: Expr::Method { recv, args, .. },
                ..
            } = stmt
            {
                if let Some(Expr::Var(v)) = args.first() {
                    *recv = types[v.0 as usize];
                }
            }
        });
    }
}

fn conflict(a: Kind, b: Kind, span: Span, diag: &mut Diagnostics) {
    diag.error_at(
        span,
        format!(
            "cannot infer the type of this expression: it is used both as {} and as {}; \
             add a type annotation or a suffix (`1.0_f64`)",
            a.describe(),
            b.describe()
        ),
    );
}
