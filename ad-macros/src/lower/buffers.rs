//! Lowering of buffers: slices, arrays and `Vec`s of floats or of constants. A buffer is a
//! variable of its own; its elements are read by loads (`let t = x[i];`, an SSA value) and
//! written by stores (`x[i] = t;`), so, like cells, buffers are never operands. Iterating over a
//! buffer and `sum`/`product` are lowered to loops over indices.

use super::{Lowerer, Value};
use crate::ir::{AssignOp, BinOp, Expr, FloatTy, Iter, Loop, LoopId, LoopKind, Origin, Stmt, Var};
use crate::types::Kind;
use proc_macro2::Span;
use std::collections::HashMap;
use syn::spanned::Spanned;

impl Lowerer<'_> {
    /// A new buffer variable whose elements have kind `elem`.
    pub(super) fn new_buffer(&mut self, origin: Origin, elem: Kind) -> Var {
        let b = self.new_var(origin, Kind::Buffer);
        let slot = self.new_var(Origin::Temp, elem);
        self.types.elements(b, slot);
        b
    }

    fn element_slot(&self, b: Var) -> Option<Var> {
        self.types.element_slot(b)
    }

    /// `x[i]` with a runtime index.
    pub(super) fn load_element(&mut self, b: Var, index: &syn::Expr, hint: Option<&str>) -> Value {
        let Some(i) = self.scalar(index) else {
            return Value::Error;
        };
        self.types.fact(i, Kind::Int, index.span(), self.diag);
        self.load_at(b, Expr::Var(i), hint, index.span())
    }

    pub(super) fn load_at(&mut self, b: Var, index: Expr, hint: Option<&str>, span: Span) -> Value {
        // The same element read again, with no store to the buffer in between.
        let key = match &index {
            Expr::Var(i) => Some((b, *i)),
            _ => None,
        };
        if let Some(t) = key.and_then(|k| self.element_loads.get(&k)) {
            return Value::Scalar(*t);
        }
        let t = self.define(
            hint,
            Kind::Unknown,
            Expr::Load {
                buf: b,
                index: Box::new(index),
            },
            span,
        );
        if let Some(slot) = self.element_slot(b) {
            self.types.same(t, slot, span, self.diag);
        }
        if let Some(k) = key {
            self.element_loads.insert(k, t);
        }
        Value::Scalar(t)
    }

    /// `x[i] = value` (`op` is `Set`), or a compound assignment through a load.
    pub(super) fn store_element(&mut self, b: Var, index: &syn::Expr, value: Value, span: Span) {
        let Some(i) = self.scalar(index) else {
            return;
        };
        self.types.fact(i, Kind::Int, index.span(), self.diag);
        self.store_at(b, Expr::Var(i), value, span);
    }

    pub(super) fn store_at(&mut self, b: Var, index: Expr, value: Value, span: Span) {
        let Value::Scalar(v) = value else {
            if !matches!(value, Value::Error | Value::Never) {
                self.diag
                    .error_at(span, "a buffer element can only be set to a number");
            }
            return;
        };
        if let Some(slot) = self.element_slot(b) {
            self.types.same(v, slot, span, self.diag);
        }
        self.element_loads.retain(|(buf, _), _| *buf != b);
        self.fun.stmts.push(Stmt::Store {
            buf: b,
            index,
            op: AssignOp::Set,
            value: Expr::Var(v),
        });
    }

    /// `vec![init; n]`, or `[init; N]` with a length that is not a literal.
    pub(super) fn new_vec(
        &mut self,
        init: &syn::Expr,
        len: &syn::Expr,
        hint: Option<&str>,
    ) -> Value {
        let Some(v) = self.scalar(init) else {
            return Value::Error;
        };
        self.filled_buffer(v, len, hint)
    }

    /// A buffer of `len` copies of the value `v`.
    pub(super) fn filled_buffer(&mut self, v: Var, len: &syn::Expr, hint: Option<&str>) -> Value {
        let Some(n) = self.scalar(len) else {
            return Value::Error;
        };
        self.types.fact(n, Kind::Int, len.span(), self.diag);
        let origin = hint.map_or(Origin::Temp, |h| Origin::User(h.to_string()));
        let b = self.new_buffer(origin, Kind::Unknown);
        if let Some(slot) = self.element_slot(b) {
            self.types.same(v, slot, len.span(), self.diag);
        }
        self.fun.stmts.push(Stmt::Let {
            vars: vec![Some(b)],
            mutable: true,
            expr: Expr::NewBuf {
                init: Box::new(Expr::Var(v)),
                len: Box::new(Expr::Var(n)),
            },
            span: len.span(),
        });
        Value::Buffer(b)
    }

    /// `vec![init; n]` from a macro's tokens.
    pub(super) fn vec_macro(&mut self, m: &syn::ExprMacro, hint: Option<&str>) -> Option<Value> {
        if !m.mac.path.is_ident("vec") {
            return None;
        }
        let parsed = m.mac.parse_body_with(|input: syn::parse::ParseStream| {
            let init: syn::Expr = input.parse()?;
            let _: syn::Token![;] = input.parse()?;
            let len: syn::Expr = input.parse()?;
            Ok((init, len))
        });
        match parsed {
            Ok((init, len)) => Some(self.new_vec(&init, &len, hint)),
            Err(_) => {
                self.diag.error(
                    &m.mac,
                    "only `vec![value; length]` is supported; build other vectors with `vec![0.0; n]` \
                     and element assignments",
                );
                Some(Value::Error)
            }
        }
    }

    /// `x.len()`
    pub(super) fn len(&mut self, b: Var, hint: Option<&str>, span: Span) -> Value {
        Value::Scalar(self.define(hint, Kind::Int, Expr::Len(b), span))
    }

    /// `x.to_vec()` / `x.clone()`: a new buffer filled by a loop.
    pub(super) fn copy_buffer(&mut self, src: Var, hint: Option<&str>, span: Span) -> Value {
        let elem = match self.element_slot(src) {
            Some(slot) => self.types.kind(slot),
            None => Kind::Unknown,
        };
        let zero = match elem {
            Kind::Float(_) | Kind::AnyFloat => Expr::Zero,
            _ => {
                self.diag
                    .error_at(span, "only buffers of floats can be copied here");
                return Value::Error;
            }
        };
        let n = self.define(None, Kind::Int, Expr::Len(src), span);
        let origin = hint.map_or(Origin::Temp, |h| Origin::User(h.to_string()));
        let b = self.new_buffer(origin, elem);
        self.fun.stmts.push(Stmt::Let {
            vars: vec![Some(b)],
            mutable: true,
            expr: Expr::NewBuf {
                init: Box::new(zero),
                len: Box::new(Expr::Var(n)),
            },
            span,
        });
        let i = self.new_var(Origin::Temp, Kind::Int);
        self.types.same(i, n, span, self.diag);
        let (body, _) = self.with_block(|l| {
            let v = l.load_at(src, Expr::Var(i), None, span);
            l.store_at(b, Expr::Var(i), v, span);
        });
        self.push_index_loop(i, Expr::Var(n), body);
        Value::Buffer(b)
    }

    /// `b.fill(v)`: a loop storing `v` into every element.
    pub(super) fn fill(&mut self, b: Var, value: &syn::Expr, span: Span) -> Value {
        let Some(v) = self.scalar(value) else {
            return Value::Error;
        };
        let n = self.define(None, Kind::Int, Expr::Len(b), span);
        let i = self.new_var(Origin::Temp, Kind::Int);
        self.types.same(i, n, span, self.diag);
        let (body, _) = self.with_block(|l| l.store_at(b, Expr::Var(i), Value::Scalar(v), span));
        self.push_index_loop(i, Expr::Var(n), body);
        Value::Unit
    }

    fn push_index_loop(&mut self, i: Var, len: Expr, body: Vec<Stmt>) {
        let id = LoopId(self.next_loop);
        self.next_loop += 1;
        self.fun.stmts.push(Stmt::Loop(Box::new(Loop {
            id,
            label: None,
            kind: LoopKind::For {
                var: i,
                iter: Iter {
                    start: Expr::Usize(0),
                    end: len,
                    inclusive: false,
                    adaptors: Vec::new(),
                    checkpoint: None,
                },
            },
            body,
        })));
    }

    /// `x.iter().sum()` and `x.iter().product()`: a loop accumulating into a cell.
    pub(super) fn reduce(&mut self, b: Var, op: BinOp, hint: Option<&str>, span: Span) -> Value {
        let slot = self.element_slot(b);
        let unit: syn::Lit = if op == BinOp::Add {
            syn::parse_quote!(0.0)
        } else {
            syn::parse_quote!(1.0)
        };
        let start = self.define(None, Kind::AnyFloat, Expr::Lit(unit), span);
        if let Some(slot) = slot {
            self.types.same(start, slot, span, self.diag);
        }
        let acc = self.new_var(
            hint.map_or(Origin::Temp, |h| Origin::User(h.to_string())),
            Kind::Unknown,
        );
        self.types.same(acc, start, span, self.diag);
        self.cells.insert(acc);
        self.fun.stmts.push(Stmt::Let {
            vars: vec![Some(acc)],
            mutable: true,
            expr: Expr::Var(start),
            span,
        });
        let n = self.define(None, Kind::Int, Expr::Len(b), span);
        let i = self.new_var(Origin::Temp, Kind::Int);
        self.types.same(i, n, span, self.diag);
        let (body, _) = self.with_block(|l| {
            let Value::Scalar(v) = l.load_at(b, Expr::Var(i), None, span) else {
                return;
            };
            let Value::Scalar(old) = l.load(Value::Scalar(acc)) else {
                return;
            };
            let new = l.define(
                None,
                Kind::Unknown,
                Expr::bin(op, Expr::Var(old), Expr::Var(v)),
                span,
            );
            l.types.same(new, acc, span, l.diag);
            l.fun.stmts.push(Stmt::Assign {
                var: acc,
                op: AssignOp::Set,
                expr: Expr::Var(new),
            });
        });
        self.push_index_loop(i, Expr::Var(n), body);
        self.load(Value::Scalar(acc))
    }

    /// The buffers a `for` loop iterates over element by element: `x`, `&x`, `x.iter()`,
    /// `.copied()`, `.enumerate()`, `.zip(y)`. Returns the buffers and whether the loop also
    /// binds the index.
    pub(super) fn buffer_iteration(&mut self, e: &syn::Expr) -> Option<(Vec<Var>, bool)> {
        match e {
            syn::Expr::Paren(p) => self.buffer_iteration(&p.expr),
            syn::Expr::Reference(r) => self.buffer_iteration(&r.expr),
            syn::Expr::Path(_) | syn::Expr::Field(_) => self.as_buffer(e).map(|b| (vec![b], false)),
            syn::Expr::MethodCall(m) if m.args.is_empty() => match m.method.to_string().as_str() {
                "iter" | "copied" | "cloned" | "into_iter" => self.buffer_iteration(&m.receiver),
                "enumerate" => {
                    let (bufs, indexed) = self.buffer_iteration(&m.receiver)?;
                    (!indexed).then_some((bufs, true))
                }
                _ => None,
            },
            syn::Expr::MethodCall(m) if m.method == "zip" && m.args.len() == 1 => {
                let (mut bufs, indexed) = self.buffer_iteration(&m.receiver)?;
                let (other, false) = self.buffer_iteration(&m.args[0])? else {
                    return None;
                };
                if indexed || bufs.len() != 1 || other.len() != 1 {
                    return None;
                }
                bufs.extend(other);
                Some((bufs, false))
            }
            _ => None,
        }
    }

    /// `for pat in <buffers>`: a loop over the indices, binding `pat` to the elements.
    pub(super) fn buffer_loop(
        &mut self,
        f: &syn::ExprForLoop,
        bufs: Vec<Var>,
        indexed: bool,
    ) -> Value {
        let span = f.for_token.span;
        let mut len = Expr::Len(bufs[0]);
        for b in &bufs[1..] {
            len = Expr::Method {
                name: syn::Ident::new("min", span),
                recv: crate::ir::Ty::Int,
                args: vec![len, Expr::Len(*b)],
            };
        }
        let n = self.define(None, Kind::Int, len, span);
        let i = self.new_var(Origin::Temp, Kind::Int);
        self.types.same(i, n, span, self.diag);
        // (index, element) for enumerate, (a, b) for zip
        let (index_pat, elem_pats): (Option<&syn::Pat>, Vec<&syn::Pat>) = match (&*f.pat, indexed) {
            (syn::Pat::Tuple(t), true) if t.elems.len() == 2 => {
                (Some(&t.elems[0]), vec![&t.elems[1]])
            }
            (p, false) if bufs.len() == 1 => (None, vec![p]),
            (syn::Pat::Tuple(t), false) if t.elems.len() == bufs.len() => {
                (None, t.elems.iter().collect())
            }
            (other, _) => {
                self.diag.error(
                    other,
                    "this pattern does not match the elements iterated over",
                );
                return Value::Error;
            }
        };
        let elem_pats: Vec<&syn::Pat> = elem_pats
            .into_iter()
            .map(|p| match p {
                syn::Pat::Reference(r) => &*r.pat,
                p => p,
            })
            .collect();
        // With zip inside enumerate: `(i, (a, b))`.
        let elem_pats: Vec<&syn::Pat> = match (elem_pats.as_slice(), bufs.len()) {
            ([syn::Pat::Tuple(t)], n) if n > 1 && t.elems.len() == n => t.elems.iter().collect(),
            _ => elem_pats,
        };
        if elem_pats.len() != bufs.len() {
            self.diag.error(
                &f.pat,
                "this pattern does not match the elements iterated over",
            );
            return Value::Error;
        }
        let assigned = super::control::assigned_in_block(&f.body);
        self.materialize(&assigned);
        let id = self.push_loop(f.label.as_ref());
        let (body, _) = self.with_block(|l| {
            l.scopes.push(HashMap::new());
            if let Some(p) = index_pat {
                l.pattern(p, Value::Scalar(i));
            }
            for (b, p) in bufs.iter().zip(&elem_pats) {
                let hint = super::pattern_name(p);
                let v = l.load_at(*b, Expr::Var(i), hint.as_deref(), span);
                l.pattern(p, v);
            }
            l.block(&f.body, false);
            l.scopes.pop();
        });
        let label = self.loops.pop().and_then(|c| c.label);
        self.fun.stmts.push(Stmt::Loop(Box::new(Loop {
            id,
            label,
            kind: LoopKind::For {
                var: i,
                iter: Iter {
                    start: Expr::Usize(0),
                    end: Expr::Var(n),
                    inclusive: false,
                    adaptors: Vec::new(),
                    checkpoint: None,
                },
            },
            body,
        })));
        Value::Unit
    }
}

/// The element kind of a buffer parameter.
pub(super) fn element_kind(elem: Option<FloatTy>) -> Kind {
    elem.map_or(Kind::Unknown, Kind::Float)
}
