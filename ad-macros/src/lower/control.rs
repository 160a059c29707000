//! Lowering of control flow: `if`, `match`, `&&`/`||`, loops, `break`, `continue`, `return`.
//!
//! Before a branch or a loop, every variable it assigns becomes a cell (`materialize`), so
//! the region can update it in place; the value of an `if`, a `match` or a `loop` is written
//! into cells declared before the region and loaded right after it.

use super::{Lowerer, Value};
use crate::ir::{Adaptor, BinOp, Expr, Iter, Loop, LoopId, LoopKind, Origin, Stmt, Var};
use crate::types::Kind;
use proc_macro2::Span;
use std::collections::{BTreeSet, HashMap};
use syn::spanned::Spanned;
use syn::visit::Visit;

pub(super) struct LoopCtx {
    id: LoopId,
    pub(super) label: Option<String>,
    /// Cells receiving `break value`, created at the first such `break`.
    result: Option<Value>,
    /// Whether any `break` leaves this loop.
    breaks: bool,
}

/// The names that assignments inside a piece of syntax write to.
#[derive(Default)]
struct Assigned(BTreeSet<String>);

impl<'ast> Visit<'ast> for Assigned {
    fn visit_expr_assign(&mut self, a: &'ast syn::ExprAssign) {
        self.0.extend(place_root(&a.left));
        syn::visit::visit_expr_assign(self, a);
    }

    fn visit_expr_binary(&mut self, b: &'ast syn::ExprBinary) {
        if super::compound_op(&b.op).is_some() {
            self.0.extend(place_root(&b.left));
        }
        syn::visit::visit_expr_binary(self, b);
    }

    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

/// The local names a piece of syntax reads.
#[derive(Default)]
struct Read(BTreeSet<String>);

impl<'ast> Visit<'ast> for Read {
    fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
        use syn::ext::IdentExt;
        if let Some(i) = p.path.get_ident() {
            self.0.insert(i.unraw().to_string());
        }
    }

    fn visit_item(&mut self, _: &'ast syn::Item) {}
}

fn place_root(place: &syn::Expr) -> Option<String> {
    use syn::ext::IdentExt;
    match place {
        syn::Expr::Path(p) => p.path.get_ident().map(|i| i.unraw().to_string()),
        syn::Expr::Paren(p) => place_root(&p.expr),
        syn::Expr::Field(f) => place_root(&f.base),
        syn::Expr::Index(i) => place_root(&i.expr),
        _ => None,
    }
}

/// The names assigned anywhere in a block.
pub(super) fn assigned_in_block(b: &syn::Block) -> BTreeSet<String> {
    assigned_in(|a| a.visit_block(b))
}

fn assigned_in(f: impl FnOnce(&mut Assigned)) -> BTreeSet<String> {
    let mut a = Assigned::default();
    f(&mut a);
    a.0
}

impl Lowerer<'_> {
    /// Turns the variables named in `names` into cells, so a region can assign them.
    pub(super) fn materialize(&mut self, names: &BTreeSet<String>) {
        for name in names {
            if let Some(v) = self.lookup(name) {
                let cells = self.cellify(v, name);
                self.rebind(name, cells);
            }
        }
    }

    fn cellify(&mut self, value: Value, name: &str) -> Value {
        match value {
            Value::Scalar(v) if !self.cells.contains(&v) => {
                let c = self.new_var(Origin::User(name.to_string()), Kind::Unknown);
                self.types.same(c, v, Span::call_site(), self.diag);
                self.cells.insert(c);
                self.fun.stmts.push(Stmt::Let {
                    vars: vec![Some(c)],
                    mutable: true,
                    expr: Expr::Var(v),
                    span: Span::call_site(),
                });
                Value::Scalar(c)
            }
            Value::Tuple(items) => {
                Value::Tuple(items.into_iter().map(|v| self.cellify(v, name)).collect())
            }
            Value::Array(items) => {
                Value::Array(items.into_iter().map(|v| self.cellify(v, name)).collect())
            }
            other => other,
        }
    }

    /// Loads, before a loop, the cells its body reads but never assigns, and returns them as
    /// bindings for the body: their value is the same in every iteration, so reverse mode has
    /// nothing to record for them per iteration.
    fn invariant_loads(
        &mut self,
        visit: impl Fn(&mut Read, &mut Assigned),
    ) -> HashMap<String, Value> {
        let (mut read, mut assigned) = (Read::default(), Assigned::default());
        visit(&mut read, &mut assigned);
        let mut out = HashMap::new();
        for name in read.0.difference(&assigned.0) {
            if let Some(v) = self.lookup(name) {
                if has_cell(&v, &self.cells) {
                    let loaded = self.load(v);
                    out.insert(name.clone(), loaded);
                }
            }
        }
        out
    }

    /// Cells shaped like `model` (`let r;`), declared in the current block.
    fn declare_like(&mut self, model: &Value, hint: Option<&str>) -> Value {
        let vars = self.result_cells(model, hint);
        for v in leaves(&vars) {
            self.fun.stmts.push(Stmt::Declare { var: v });
        }
        vars
    }

    /// New cells shaped like `model`, not yet declared.
    fn result_cells(&mut self, model: &Value, hint: Option<&str>) -> Value {
        match model {
            Value::Scalar(_) => {
                let origin = hint.map_or(Origin::Temp, |h| Origin::User(h.to_string()));
                let v = self.new_var(origin, Kind::Unknown);
                self.cells.insert(v);
                Value::Scalar(v)
            }
            Value::Tuple(items) => {
                Value::Tuple(items.iter().map(|v| self.result_cells(v, hint)).collect())
            }
            Value::Array(items) => {
                Value::Array(items.iter().map(|v| self.result_cells(v, hint)).collect())
            }
            other => other.clone(),
        }
    }

    /// `if cond { then } else { els }` with the values of the two branches.
    #[allow(clippy::too_many_arguments)]
    fn join(
        &mut self,
        cond: Var,
        mut then: Vec<Stmt>,
        tv: Value,
        mut els: Vec<Stmt>,
        ev: Value,
        hint: Option<&str>,
        span: Span,
    ) -> Value {
        if matches!(tv, Value::Error) || matches!(ev, Value::Error) {
            return Value::Error;
        }
        let model = match (&tv, &ev) {
            (Value::Never, Value::Never) => None,
            (Value::Never, v) | (v, Value::Never) => Some(v.clone()),
            (v, _) => Some(v.clone()),
        };
        let result = match model {
            Some(m @ (Value::Scalar(_) | Value::Tuple(_) | Value::Array(_))) => {
                let cells = self.declare_like(&m, hint);
                for (block, value) in [(&mut then, tv), (&mut els, ev)] {
                    if !matches!(value, Value::Never) {
                        let (stores, _) = self.with_block(|l| l.store(cells.clone(), value, span));
                        block.extend(stores);
                    }
                }
                Some(cells)
            }
            Some(_) => None,
            None => {
                self.fun.stmts.push(Stmt::If {
                    cond: Expr::Var(cond),
                    then,
                    els,
                });
                return Value::Never;
            }
        };
        self.fun.stmts.push(Stmt::If {
            cond: Expr::Var(cond),
            then,
            els,
        });
        match result {
            Some(cells) => self.load(cells),
            None => Value::Unit,
        }
    }

    fn condition(&mut self, e: &syn::Expr) -> Option<Var> {
        if let syn::Expr::Let(l) = e {
            self.diag.error(
                l,
                "`if let` and `while let` are not supported; compare numbers or booleans instead",
            );
            return None;
        }
        let c = self.scalar(e)?;
        self.types.fact(c, Kind::Bool, e.span(), self.diag);
        Some(c)
    }

    pub(super) fn if_expr(&mut self, e: &syn::ExprIf, hint: Option<&str>) -> Value {
        self.materialize(&assigned_in(|a| a.visit_expr_if(e)));
        let Some(c) = self.condition(&e.cond) else {
            return Value::Error;
        };
        let (then, tv) = self.with_block(|l| l.block(&e.then_branch, false));
        let (els, ev) = match &e.else_branch {
            Some((_, els)) => self.with_block(|l| l.expr(els, None)),
            None => (Vec::new(), Value::Unit),
        };
        self.join(c, then, tv, els, ev, hint, e.if_token.span)
    }

    /// `a && b` and `a || b` evaluate `b` only when needed: as an `if` when `b` does work
    /// that might panic or have effects, as a plain operation otherwise.
    pub(super) fn short_circuit(
        &mut self,
        b: &syn::ExprBinary,
        op: BinOp,
        hint: Option<&str>,
    ) -> Value {
        let Some(a) = self.scalar(&b.left) else {
            return Value::Error;
        };
        self.types.fact(a, Kind::Bool, b.op.span(), self.diag);
        let (rhs_block, rhs) = self.with_block(|l| l.scalar(&b.right));
        let Some(r) = rhs else {
            return Value::Error;
        };
        self.types.fact(r, Kind::Bool, b.op.span(), self.diag);
        let cheap = rhs_block.iter().all(|s| match s {
            Stmt::Let { expr, .. } => !matches!(
                expr,
                Expr::Call { .. } | Expr::Method { .. } | Expr::Binary(BinOp::Div | BinOp::Rem, ..)
            ),
            _ => false,
        });
        if cheap {
            self.fun.stmts.extend(rhs_block);
            let v = self.define(
                hint,
                Kind::Bool,
                Expr::bin(op, Expr::Var(a), Expr::Var(r)),
                b.op.span(),
            );
            return Value::Scalar(v);
        }
        let constant = self.define(None, Kind::Bool, Expr::Bool(op == BinOp::Or), b.op.span());
        let (then, tv, els, ev) = match op {
            BinOp::And => (
                rhs_block,
                Value::Scalar(r),
                Vec::new(),
                Value::Scalar(constant),
            ),
            _ => (
                Vec::new(),
                Value::Scalar(constant),
                rhs_block,
                Value::Scalar(r),
            ),
        };
        self.join(a, then, tv, els, ev, hint, b.op.span())
    }

    pub(super) fn match_expr(&mut self, m: &syn::ExprMatch, hint: Option<&str>) -> Value {
        self.materialize(&assigned_in(|a| a.visit_expr_match(m)));
        let Some(s) = self.scalar(&m.expr) else {
            return Value::Error;
        };
        self.arms(s, &m.arms, hint, m.match_token.span)
    }

    /// The arms of a `match` as a chain of `if`s. The last arm needs no test: the match is
    /// exhaustive, so it is taken whenever the others are not.
    fn arms(&mut self, s: Var, arms: &[syn::Arm], hint: Option<&str>, span: Span) -> Value {
        let Some((arm, rest)) = arms.split_first() else {
            return Value::Never;
        };
        self.scopes.push(HashMap::new());
        let (pat, guard) = match &arm.pat {
            syn::Pat::Guard(g) => (&*g.pat, Some(&*g.guard)),
            p => (p, None),
        };
        let test = if rest.is_empty() {
            self.pattern_bindings(pat, s);
            Some(None)
        } else {
            self.pattern_test(pat, s)
        };
        let Some(test) = test else {
            self.scopes.pop();
            return Value::Error;
        };
        let cond = match (test, guard.filter(|_| !rest.is_empty())) {
            (t, None) => t,
            (t, Some(g)) => {
                let Some(gv) = self.condition(g) else {
                    self.scopes.pop();
                    return Value::Error;
                };
                Some(match t {
                    Some(t) => self.define(
                        None,
                        Kind::Bool,
                        Expr::bin(BinOp::And, Expr::Var(t), Expr::Var(gv)),
                        span,
                    ),
                    None => gv,
                })
            }
        };
        let Some(cond) = cond else {
            // Always taken: the remaining arms are unreachable.
            let v = self.expr(&arm.body, hint);
            self.scopes.pop();
            return v;
        };
        let (then, tv) = self.with_block(|l| l.expr(&arm.body, None));
        self.scopes.pop();
        let (els, ev) = self.with_block(|l| l.arms(s, rest, None, span));
        self.join(cond, then, tv, els, ev, hint, span)
    }

    /// Binds the names a pattern introduces (`n => ..`, `x @ ..` is not supported).
    fn pattern_bindings(&mut self, pat: &syn::Pat, s: Var) {
        if let syn::Pat::Ident(pi) = pat {
            if pi.subpat.is_none() && !is_constant_name(&pi.ident) {
                self.bind(&pi.ident, Value::Scalar(s));
            }
        }
    }

    /// The condition under which `pat` matches `s`: `Some(None)` when it always does.
    fn pattern_test(&mut self, pat: &syn::Pat, s: Var) -> Option<Option<Var>> {
        let span = pat.span();
        let compare = |l: &mut Self, op: BinOp, e: &syn::Expr| -> Option<Var> {
            let v = l.scalar(e)?;
            l.types.same(s, v, span, l.diag);
            Some(l.define(
                None,
                Kind::Bool,
                Expr::bin(op, Expr::Var(s), Expr::Var(v)),
                span,
            ))
        };
        match pat {
            syn::Pat::Wild(_) => Some(None),
            syn::Pat::Paren(p) => self.pattern_test(&p.pat, s),
            syn::Pat::Ident(pi) if pi.subpat.is_none() && is_constant_name(&pi.ident) => {
                let path: syn::Expr = syn::Expr::Path(syn::ExprPath {
                    attrs: Vec::new(),
                    qself: None,
                    path: pi.ident.clone().into(),
                });
                Some(Some(compare(self, BinOp::Eq, &path)?))
            }
            syn::Pat::Ident(pi) if pi.subpat.is_none() && pi.by_ref.is_none() => {
                self.bind(&pi.ident, Value::Scalar(s));
                Some(None)
            }
            syn::Pat::Lit(l) => Some(Some(compare(self, BinOp::Eq, &syn::Expr::Lit(l.clone()))?)),
            syn::Pat::Path(p) => Some(Some(compare(self, BinOp::Eq, &syn::Expr::Path(p.clone()))?)),
            syn::Pat::Range(r) => match (&r.start, &r.end) {
                (Some(a), Some(b)) => {
                    // `(a..=b).contains(&s)`
                    let (a, b) = (self.scalar(a)?, self.scalar(b)?);
                    self.types.same(s, a, span, self.diag);
                    self.types.same(s, b, span, self.diag);
                    let expr = Expr::InRange {
                        value: Box::new(Expr::Var(s)),
                        start: Box::new(Expr::Var(a)),
                        end: Box::new(Expr::Var(b)),
                        inclusive: matches!(r.limits, syn::RangeLimits::Closed(_)),
                    };
                    Some(Some(self.define(None, Kind::Bool, expr, span)))
                }
                (Some(a), None) => Some(Some(compare(self, BinOp::Ge, a)?)),
                (None, Some(b)) => {
                    let op = match r.limits {
                        syn::RangeLimits::Closed(_) => BinOp::Le,
                        syn::RangeLimits::HalfOpen(_) => BinOp::Lt,
                    };
                    Some(Some(compare(self, op, b)?))
                }
                (None, None) => Some(None),
            },
            syn::Pat::Or(o) => {
                let mut acc: Option<Var> = None;
                for case in &o.cases {
                    let Some(t) = self.pattern_test(case, s)? else {
                        return Some(None);
                    };
                    acc = Some(match acc {
                        Some(a) => self.define(
                            None,
                            Kind::Bool,
                            Expr::bin(BinOp::Or, Expr::Var(a), Expr::Var(t)),
                            span,
                        ),
                        None => t,
                    });
                }
                Some(acc)
            }
            other => {
                self.diag.error(
                    other,
                    "unsupported pattern in `match`; use literals, ranges (`1..=3`), constants, \
                     `_`, a name, `|` and guards",
                );
                None
            }
        }
    }

    pub(super) fn push_loop(&mut self, label: Option<&syn::Label>) -> LoopId {
        let id = LoopId(self.next_loop);
        self.next_loop += 1;
        self.loops.push(LoopCtx {
            id,
            label: label.map(|l| l.name.ident.to_string()),
            result: None,
            breaks: false,
        });
        id
    }

    fn resolve_loop(
        &mut self,
        label: Option<&syn::Lifetime>,
        at: &impl quote::ToTokens,
    ) -> Option<usize> {
        let found = match label {
            None => self.loops.len().checked_sub(1),
            Some(l) => {
                let name = l.ident.to_string();
                self.loops
                    .iter()
                    .rposition(|c| c.label.as_deref() == Some(name.as_str()))
            }
        };
        if found.is_none() {
            self.diag.error(
                at,
                "`break` and `continue` are supported only in loops (labeled blocks are not)",
            );
        }
        found
    }

    pub(super) fn for_loop(&mut self, f: &syn::ExprForLoop) -> Value {
        if let Some((bufs, indexed)) = self.buffer_iteration(&f.expr) {
            return self.buffer_loop(f, bufs, indexed);
        }
        let Some(iter) = self.iter(&f.expr) else {
            return Value::Error;
        };
        self.materialize(&assigned_in(|a| a.visit_block(&f.body)));
        let invariant = self.invariant_loads(|r, a| {
            r.visit_block(&f.body);
            a.visit_block(&f.body);
        });
        let (name, origin) = match &*f.pat {
            syn::Pat::Ident(pi) if pi.subpat.is_none() && pi.by_ref.is_none() => {
                let n = super::UnrawString::unraw_string(&pi.ident);
                (Some(pi.ident.clone()), Origin::User(n))
            }
            syn::Pat::Wild(_) => (None, Origin::Temp),
            other => {
                self.diag
                    .error(other, "the loop variable must be a name or `_`");
                return Value::Error;
            }
        };
        let var = self.new_var(origin, Kind::Int);
        if let Expr::Var(start) = &iter.start {
            self.types.same(var, *start, f.pat.span(), self.diag);
        }
        let id = self.push_loop(f.label.as_ref());
        let (body, _) = self.with_block(|l| {
            l.scopes.push(invariant);
            if let Some(n) = &name {
                l.bind(n, Value::Scalar(var));
            }
            l.block(&f.body, false);
            l.scopes.pop();
        });
        let ctx = self.loops.pop();
        if iter.checkpoint.is_some() && leaves_loop(&body, id) {
            self.diag.error(
                &f.expr,
                "a checkpointed loop may not `break`, `return` or `continue` an outer loop; \
                 remove `checkpoint` or restructure the loop",
            );
        }
        self.fun.stmts.push(Stmt::Loop(Box::new(Loop {
            id,
            label: ctx.and_then(|c| c.label),
            kind: LoopKind::For { var, iter },
            body,
        })));
        Value::Unit
    }

    /// `a..b`, `a..=b` with `.rev()` and `.step_by(k)`.
    fn iter(&mut self, e: &syn::Expr) -> Option<Iter> {
        const MESSAGE: &str = "`for` loops are supported over integer ranges (`a..b`, `a..=b`, \
                               `.rev()`, `.step_by(k)`) and over buffers (`x`, `x.iter()`, \
                               `.enumerate()`, `.zip(y)`); iterate over indices instead";
        match e {
            syn::Expr::Paren(p) => self.iter(&p.expr),
            syn::Expr::Group(g) => self.iter(&g.expr),
            syn::Expr::Range(r) => {
                let (Some(a), Some(b)) = (&r.start, &r.end) else {
                    self.diag
                        .error(r, "the range of a `for` loop needs both bounds (`a..b`)");
                    return None;
                };
                let start = self.scalar(a)?;
                let end = self.scalar(b)?;
                self.types.same(start, end, r.span(), self.diag);
                self.types.fact(start, Kind::Int, r.span(), self.diag);
                Some(Iter {
                    start: Expr::Var(start),
                    end: Expr::Var(end),
                    inclusive: matches!(r.limits, syn::RangeLimits::Closed(_)),
                    adaptors: Vec::new(),
                    checkpoint: None,
                })
            }
            // `ad::checkpoint(a..b, k)`
            syn::Expr::Call(c)
                if c.args.len() == 2
                    && matches!(&*c.func, syn::Expr::Path(p)
                        if p.path.segments.last().is_some_and(|s| s.ident == "checkpoint")) =>
            {
                let mut it = self.iter(&c.args[0])?;
                if !it.adaptors.is_empty() || it.inclusive {
                    self.diag.error(
                        &c.args[0],
                        "`checkpoint` takes a plain range `a..b`; put `.rev()` or `.step_by(k)` \
                         loops in their own function or leave them unmarked",
                    );
                    return None;
                }
                let k = self.scalar(&c.args[1])?;
                self.types.fact(k, Kind::Int, c.args[1].span(), self.diag);
                it.checkpoint = Some(Expr::Var(k));
                Some(it)
            }
            syn::Expr::MethodCall(m) if m.method == "rev" && m.args.is_empty() => {
                let mut it = self.iter(&m.receiver)?;
                it.adaptors.push(Adaptor::Rev);
                Some(it)
            }
            syn::Expr::MethodCall(m) if m.method == "step_by" && m.args.len() == 1 => {
                let mut it = self.iter(&m.receiver)?;
                let k = self.scalar(&m.args[0])?;
                self.types.fact(k, Kind::Int, m.args[0].span(), self.diag);
                it.adaptors.push(Adaptor::StepBy(Expr::Var(k)));
                Some(it)
            }
            other => {
                self.diag.error(other, MESSAGE);
                None
            }
        }
    }

    pub(super) fn while_loop(&mut self, w: &syn::ExprWhile) -> Value {
        self.materialize(&assigned_in(|a| {
            a.visit_expr(&w.cond);
            a.visit_block(&w.body);
        }));
        let invariant = self.invariant_loads(|r, a| {
            r.visit_expr(&w.cond);
            r.visit_block(&w.body);
            a.visit_expr(&w.cond);
            a.visit_block(&w.body);
        });
        self.scopes.push(invariant);
        let (cond, c) = self.with_block(|l| l.condition(&w.cond));
        let Some(c) = c else {
            self.scopes.pop();
            return Value::Error;
        };
        if cond
            .iter()
            .any(|s| matches!(s, Stmt::Assign { .. } | Stmt::If { .. } | Stmt::Loop(_)))
        {
            self.diag.error(
                &w.cond,
                "a `while` condition may not assign or branch; compute it in the loop body",
            );
        }
        let id = self.push_loop(w.label.as_ref());
        let (body, _) = self.with_block(|l| l.block(&w.body, false));
        let ctx = self.loops.pop();
        self.scopes.pop();
        self.fun.stmts.push(Stmt::Loop(Box::new(Loop {
            id,
            label: ctx.and_then(|c| c.label),
            kind: LoopKind::While {
                cond,
                test: Expr::Var(c),
            },
            body,
        })));
        Value::Unit
    }

    pub(super) fn infinite_loop(&mut self, l: &syn::ExprLoop) -> Value {
        self.materialize(&assigned_in(|a| a.visit_block(&l.body)));
        let invariant = self.invariant_loads(|r, a| {
            r.visit_block(&l.body);
            a.visit_block(&l.body);
        });
        let at = self.fun.stmts.len();
        let id = self.push_loop(l.label.as_ref());
        self.scopes.push(invariant);
        let (body, _) = self.with_block(|lw| lw.block(&l.body, false));
        self.scopes.pop();
        let Some(ctx) = self.loops.pop() else {
            return Value::Error;
        };
        let declares: Vec<Stmt> = ctx
            .result
            .iter()
            .flat_map(leaves)
            .map(|var| Stmt::Declare { var })
            .collect();
        self.fun.stmts.splice(at..at, declares);
        self.fun.stmts.push(Stmt::Loop(Box::new(Loop {
            id,
            label: ctx.label,
            kind: LoopKind::Infinite,
            body,
        })));
        match (ctx.breaks, ctx.result) {
            (false, _) => Value::Never,
            (true, Some(cells)) => self.load(cells),
            (true, None) => Value::Unit,
        }
    }

    pub(super) fn break_expr(&mut self, b: &syn::ExprBreak) -> Value {
        let Some(i) = self.resolve_loop(b.label.as_ref(), b) else {
            return Value::Error;
        };
        if let Some(e) = &b.expr {
            let value = self.expr(e, None);
            if matches!(value, Value::Never | Value::Error) {
                return value;
            }
            let cells = match self.loops[i].result.clone() {
                Some(c) => c,
                None => {
                    let c = self.result_cells(&value, None);
                    self.loops[i].result = Some(c.clone());
                    c
                }
            };
            self.store(cells, value, b.span());
        }
        self.loops[i].breaks = true;
        let id = self.loops[i].id;
        self.fun.stmts.push(Stmt::Break(id));
        Value::Never
    }

    pub(super) fn continue_expr(&mut self, c: &syn::ExprContinue) -> Value {
        let Some(i) = self.resolve_loop(c.label.as_ref(), c) else {
            return Value::Error;
        };
        let id = self.loops[i].id;
        self.fun.stmts.push(Stmt::Continue(id));
        Value::Never
    }

    pub(super) fn return_expr(&mut self, r: &syn::ExprReturn) -> Value {
        let value = match &r.expr {
            Some(e) => self.expr(e, None),
            None => Value::Unit,
        };
        if matches!(value, Value::Never | Value::Error) {
            return value;
        }
        if let Some(shape) = self.output.clone() {
            if let Some(e) = self.shape_expr(value, &shape, r.span()) {
                self.fun.stmts.push(Stmt::Return(e));
            }
        }
        Value::Never
    }
}

/// Whether the body of loop `id` can leave it early (`break`, `return`, or a jump to an
/// outer loop); `continue` of the loop itself is fine.
fn leaves_loop(body: &[Stmt], id: LoopId) -> bool {
    let mut inner = std::collections::HashSet::new();
    crate::ir::walk(body, &mut |s| {
        if let Stmt::Loop(l) = s {
            inner.insert(l.id);
        }
    });
    let mut leaves = false;
    crate::ir::walk(body, &mut |s| match s {
        Stmt::Return(_) => leaves = true,
        Stmt::Break(t) => leaves |= !inner.contains(t),
        Stmt::Continue(t) => leaves |= *t != id && !inner.contains(t),
        _ => {}
    });
    leaves
}

/// Whether a pattern name is a constant (`MAX => ..`) rather than a binding.
fn is_constant_name(ident: &syn::Ident) -> bool {
    let s = ident.to_string();
    s.chars().any(|c| c.is_ascii_uppercase()) && !s.chars().any(|c| c.is_ascii_lowercase())
}

fn has_cell(value: &Value, cells: &std::collections::HashSet<Var>) -> bool {
    leaves(value).iter().any(|v| cells.contains(v))
}

fn leaves(value: &Value) -> Vec<Var> {
    match value {
        Value::Scalar(v) => vec![*v],
        Value::Tuple(items) | Value::Array(items) => items.iter().flat_map(leaves).collect(),
        _ => Vec::new(),
    }
}
