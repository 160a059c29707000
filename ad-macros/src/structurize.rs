//! Structurizing, before reverse mode: removes `break`, `continue` and `return`, whose
//! reversal the adjoint sweep could not express as nested blocks. Each jump sets a flag cell;
//! the statements after one that may jump run under `if !flag`, and a loop stops when a flag
//! says so. A `for` loop over a plain range that may stop early becomes a `while` over a
//! counter; with other adaptors it runs to the end with its body skipped.

use crate::ir::{
    walk, Adaptor, AssignOp, BinOp, Block, Expr, FloatTy, Function, Loop, LoopId, LoopKind, Origin,
    Stmt, Ty, UnOp, Var,
};
use crate::signature::Shape;
use proc_macro2::Span;
use std::collections::{BTreeSet, HashMap, HashSet};

pub fn structurize(f: &mut Function, output: &Shape) {
    let mut returns = false;
    let mut breaks = HashSet::new();
    let mut continues = HashSet::new();
    walk(&f.stmts, &mut |s| match s {
        Stmt::Return(_) => returns = true,
        Stmt::Break(id) => {
            breaks.insert(*id);
        }
        Stmt::Continue(id) => {
            continues.insert(*id);
        }
        _ => {}
    });
    if !returns && breaks.is_empty() && continues.is_empty() {
        return;
    }
    let mut s = Structurizer {
        f,
        returned: None,
        results: Vec::new(),
        flags: HashMap::new(),
        breaks,
        continues,
    };
    let mut top = Vec::new();
    if returns {
        let returned = s.cell(
            Origin::Named("returned"),
            Ty::Bool,
            Expr::Bool(false),
            &mut top,
        );
        s.returned = Some(returned);
        for w in leaf_types(output) {
            let r = s.cell(Origin::Named("result"), Ty::Float(w), Expr::Zero, &mut top);
            s.results.push(r);
        }
        // The end of the body is one more return.
        if let Some(r) = s.f.ret.take() {
            s.f.stmts.push(Stmt::Return(r));
        }
    }
    // A `let r;` assigned under a flag is no longer definitely initialized: give it a value.
    let types: Vec<Ty> = s.f.vars.iter().map(|v| v.ty).collect();
    crate::ir::walk_mut(&mut s.f.stmts, &mut |stmt| {
        if let Stmt::Declare { var } = stmt {
            let zero = match types[var.0 as usize] {
                Ty::Float(_) => Some(Expr::Zero),
                Ty::Int => Some(Expr::Lit(syn::parse_quote!(0))),
                Ty::Bool => Some(Expr::Bool(false)),
                Ty::Opaque | Ty::Buffer(_) => None,
            };
            if let Some(expr) = zero {
                *stmt = Stmt::Let {
                    vars: vec![Some(*var)],
                    mutable: true,
                    expr,
                    span: Span::call_site(),
                };
            }
        }
    });
    let body = std::mem::take(&mut s.f.stmts);
    let (body, _) = s.block(body);
    top.extend(body);
    if returns {
        let loads: Vec<Var> = s
            .results
            .clone()
            .into_iter()
            .map(|r| s.load(r, &mut top))
            .collect();
        s.f.ret = Some(rebuild(output, &mut loads.into_iter()));
    }
    s.f.stmts = top;
}

fn leaf_types(shape: &Shape) -> Vec<FloatTy> {
    match shape {
        Shape::Unit => Vec::new(),
        Shape::Scalar(w) => vec![*w],
        Shape::Tuple(items) => items.iter().flat_map(leaf_types).collect(),
        Shape::Array(elem, n) => (0..n.unwrap_or(0)).flat_map(|_| leaf_types(elem)).collect(),
    }
}

fn rebuild(shape: &Shape, leaves: &mut impl Iterator<Item = Var>) -> Expr {
    match shape {
        Shape::Unit => Expr::Tuple(Vec::new()),
        Shape::Scalar(_) => leaves.next().map_or(Expr::Zero, Expr::Var),
        Shape::Tuple(items) => Expr::Tuple(items.iter().map(|s| rebuild(s, leaves)).collect()),
        Shape::Array(elem, n) => {
            Expr::Array((0..n.unwrap_or(0)).map(|_| rebuild(elem, leaves)).collect())
        }
    }
}

fn leaves_of(e: &Expr) -> Vec<Expr> {
    match e {
        Expr::Tuple(items) | Expr::Array(items) => items.iter().flat_map(leaves_of).collect(),
        other => vec![other.clone()],
    }
}

/// The flags one loop may set.
#[derive(Clone, Copy, Default)]
struct Flags {
    broke: Option<Var>,
    continued: Option<Var>,
}

struct Structurizer<'a> {
    f: &'a mut Function,
    returned: Option<Var>,
    results: Vec<Var>,
    flags: HashMap<LoopId, Flags>,
    breaks: HashSet<LoopId>,
    continues: HashSet<LoopId>,
}

impl Structurizer<'_> {
    fn cell(&mut self, origin: Origin, ty: Ty, init: Expr, out: &mut Block) -> Var {
        let v = self.f.new_var(origin, ty);
        out.push(Stmt::Let {
            vars: vec![Some(v)],
            mutable: true,
            expr: init,
            span: Span::call_site(),
        });
        v
    }

    fn define(&mut self, ty: Ty, expr: Expr, out: &mut Block) -> Var {
        let v = self.f.new_var(Origin::Temp, ty);
        out.push(Stmt::Let {
            vars: vec![Some(v)],
            mutable: false,
            expr,
            span: Span::call_site(),
        });
        v
    }

    fn load(&mut self, cell: Var, out: &mut Block) -> Var {
        let ty = self.f.ty(cell);
        self.define(ty, Expr::Var(cell), out)
    }

    fn set(var: Var, expr: Expr) -> Stmt {
        Stmt::Assign {
            var,
            op: AssignOp::Set,
            expr,
        }
    }

    /// `!(f1 || f2 || ..)` over the current values of `flags`.
    fn none_set(&mut self, flags: &BTreeSet<Var>, out: &mut Block) -> Var {
        let mut any: Option<Var> = None;
        for flag in flags {
            let t = self.load(*flag, out);
            any = Some(match any {
                Some(a) => self.define(
                    Ty::Bool,
                    Expr::bin(BinOp::Or, Expr::Var(a), Expr::Var(t)),
                    out,
                ),
                None => t,
            });
        }
        let any = any.map_or(Expr::Bool(false), Expr::Var);
        self.define(Ty::Bool, Expr::Unary(UnOp::Not, Box::new(any)), out)
    }

    /// Rewrites a block; also returns the flags it may set that its enclosing code must check.
    fn block(&mut self, stmts: Block) -> (Block, BTreeSet<Var>) {
        let mut out = Vec::new();
        let mut exits = BTreeSet::new();
        let mut rest = stmts.into_iter();
        while let Some(stmt) = rest.next() {
            let (code, e) = self.stmt(stmt);
            out.extend(code);
            if !e.is_empty() {
                let remaining: Block = rest.by_ref().collect();
                exits.extend(e.iter().copied());
                if !remaining.is_empty() {
                    let (then, e2) = self.block(remaining);
                    if !then.is_empty() {
                        let go = self.none_set(&e, &mut out);
                        out.push(Stmt::If {
                            cond: Expr::Var(go),
                            then,
                            els: Vec::new(),
                        });
                    }
                    exits.extend(e2);
                }
                break;
            }
        }
        (out, exits)
    }

    fn stmt(&mut self, stmt: Stmt) -> (Block, BTreeSet<Var>) {
        match stmt {
            Stmt::Return(e) => {
                let mut code: Block = self
                    .results
                    .clone()
                    .into_iter()
                    .zip(leaves_of(&e))
                    .map(|(r, v)| Self::set(r, v))
                    .collect();
                let returned = self.returned.unwrap_or(Var(0));
                code.push(Self::set(returned, Expr::Bool(true)));
                (code, BTreeSet::from([returned]))
            }
            Stmt::Break(id) => {
                let flag = self.flags.get(&id).and_then(|f| f.broke).unwrap_or(Var(0));
                (
                    vec![Self::set(flag, Expr::Bool(true))],
                    BTreeSet::from([flag]),
                )
            }
            Stmt::Continue(id) => {
                let flag = self
                    .flags
                    .get(&id)
                    .and_then(|f| f.continued)
                    .unwrap_or(Var(0));
                (
                    vec![Self::set(flag, Expr::Bool(true))],
                    BTreeSet::from([flag]),
                )
            }
            Stmt::If { cond, then, els } => {
                let (then, e1) = self.block(then);
                let (els, e2) = self.block(els);
                (vec![Stmt::If { cond, then, els }], &e1 | &e2)
            }
            Stmt::Loop(l) => self.looped(*l),
            other => (vec![other], BTreeSet::new()),
        }
    }

    fn looped(&mut self, l: Loop) -> (Block, BTreeSet<Var>) {
        let Loop {
            id,
            label,
            kind,
            body,
        } = l;
        let mut pre = Vec::new();
        let mut flags = Flags::default();
        if self.breaks.contains(&id) {
            flags.broke = Some(self.cell(
                Origin::Named("broke"),
                Ty::Bool,
                Expr::Bool(false),
                &mut pre,
            ));
        }
        if self.continues.contains(&id) {
            flags.continued = Some(self.cell(
                Origin::Named("continued"),
                Ty::Bool,
                Expr::Bool(false),
                &mut pre,
            ));
        }
        self.flags.insert(id, flags);
        let (body, exits) = self.block(body);
        let mut body = body;
        if let Some(c) = flags.continued {
            body.insert(0, Self::set(c, Expr::Bool(false)));
        }
        let mut stop = exits.clone();
        if let Some(c) = flags.continued {
            stop.remove(&c);
        }
        let mut escaping = stop.clone();
        if let Some(b) = flags.broke {
            escaping.remove(&b);
        }
        let kind = if stop.is_empty() {
            kind
        } else {
            match kind {
                LoopKind::For { var, iter }
                    if iter.adaptors.is_empty()
                        || matches!(iter.adaptors.as_slice(), [Adaptor::Rev]) =>
                {
                    self.counted(var, iter, &stop, &mut pre, &mut body)
                }
                LoopKind::For { var, iter } => {
                    // Runs to the end of the range, skipping the body once stopped.
                    let mut guarded = Vec::new();
                    let go = self.none_set(&stop, &mut guarded);
                    guarded.push(Stmt::If {
                        cond: Expr::Var(go),
                        then: std::mem::take(&mut body),
                        els: Vec::new(),
                    });
                    body = guarded;
                    LoopKind::For { var, iter }
                }
                LoopKind::While { mut cond, test } => {
                    let go = self.none_set(&stop, &mut cond);
                    let both = self.define(
                        Ty::Bool,
                        Expr::bin(BinOp::And, test, Expr::Var(go)),
                        &mut cond,
                    );
                    LoopKind::While {
                        cond,
                        test: Expr::Var(both),
                    }
                }
                LoopKind::Infinite => {
                    let mut cond = Vec::new();
                    let go = self.none_set(&stop, &mut cond);
                    LoopKind::While {
                        cond,
                        test: Expr::Var(go),
                    }
                }
            }
        };
        pre.push(Stmt::Loop(Box::new(Loop {
            id,
            label,
            kind,
            body,
        })));
        (pre, escaping)
    }

    /// `for var in a..b` that may stop early, as `while` over a counter cell.
    fn counted(
        &mut self,
        var: Var,
        iter: crate::ir::Iter,
        stop: &BTreeSet<Var>,
        pre: &mut Block,
        body: &mut Block,
    ) -> LoopKind {
        let ty = self.f.ty(var);
        let one = Expr::Lit(syn::parse_quote!(1));
        let rev = !iter.adaptors.is_empty();
        let mut cond = Vec::new();
        let mut head = Vec::new();
        let counter = if rev {
            // counts down from the end: var = counter - 1
            let end = if iter.inclusive {
                Expr::Var(self.define(
                    ty,
                    Expr::bin(BinOp::Add, iter.end.clone(), one.clone()),
                    pre,
                ))
            } else {
                iter.end.clone()
            };
            let c = self.cell(Origin::Named("counter"), ty, end, pre);
            let t = self.load(c, &mut cond);
            let more = self.define(
                Ty::Bool,
                Expr::bin(BinOp::Gt, Expr::Var(t), iter.start.clone()),
                &mut cond,
            );
            let go = self.none_set(stop, &mut cond);
            let test = self.define(
                Ty::Bool,
                Expr::bin(BinOp::And, Expr::Var(more), Expr::Var(go)),
                &mut cond,
            );
            let now = self.load(c, &mut head);
            head.push(Stmt::Let {
                vars: vec![Some(var)],
                mutable: false,
                expr: Expr::bin(BinOp::Sub, Expr::Var(now), one),
                span: Span::call_site(),
            });
            head.push(Self::set(c, Expr::Var(var)));
            return self.finish(cond, test, head, body);
        } else {
            self.cell(Origin::Named("counter"), ty, iter.start.clone(), pre)
        };
        let t = self.load(counter, &mut cond);
        let op = if iter.inclusive { BinOp::Le } else { BinOp::Lt };
        let more = self.define(
            Ty::Bool,
            Expr::bin(op, Expr::Var(t), iter.end.clone()),
            &mut cond,
        );
        let go = self.none_set(stop, &mut cond);
        let test = self.define(
            Ty::Bool,
            Expr::bin(BinOp::And, Expr::Var(more), Expr::Var(go)),
            &mut cond,
        );
        head.push(Stmt::Let {
            vars: vec![Some(var)],
            mutable: false,
            expr: Expr::Var(counter),
            span: Span::call_site(),
        });
        let next = self.define(ty, Expr::bin(BinOp::Add, Expr::Var(var), one), &mut head);
        head.push(Self::set(counter, Expr::Var(next)));
        self.finish(cond, test, head, body)
    }

    fn finish(&mut self, cond: Block, test: Var, mut head: Block, body: &mut Block) -> LoopKind {
        head.append(body);
        *body = head;
        LoopKind::While {
            cond,
            test: Expr::Var(test),
        }
    }
}
