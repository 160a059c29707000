//! A reversed loop whose only incoming adjoint is one carried scalar: the per-iteration
//! factors are computed apart from it, so the chain from one iteration to the next is one
//! multiplication.
//!
//! The adjoint sweep is linear in the adjoints. In the reversed body of `y = y + h f(y)`,
//! everything the body computes from `ȳ` is `ȳ` times a factor that depends on the recorded
//! values only; written as it comes out of the transform, `ȳ` flows through every operation of
//! the body (`ȳ·h`, `·a`, `·f'(y)`, `+ ȳ`, ..), and each iteration waits for that whole
//! sequence of the previous one. Evaluating the body with `ȳ` replaced by one gives the
//! factors, which no longer depend on the previous iteration, so the processor overlaps them
//! across iterations; then
//!
//! ```text
//! let y_in = y_bar;  /* body with y_bar read as 1.0 */  k_bar += e * y_in;  y_bar = e' * y_in;
//! ```
//!
//! This is what a gradient written by hand does when it multiplies the adjoint by the step's
//! derivative. It applies when the body reads no adjoint but the carried one (adjoints
//! computed before the loop would make the body affine, not linear, in it), calls nothing,
//! and reads the carried adjoint only before setting or adding to it (a read after an
//! addition, say in a branch, would see more than the incoming value).
//!
//! Likewise, what a loop only adds to an adjoint declared outside it is summed in a local of
//! the loop (`summed`), so the chain of additions stays in a register.

use crate::ir::{
    bound_in, walk_mut, AssignOp, BinOp, Block, Expr, FloatTy, Function, Origin, Stmt, Ty, Var,
};
use std::collections::HashSet;

pub fn shorten_adjoint_chains(f: &mut Function) {
    let mut stmts = std::mem::take(&mut f.stmts);
    rewrite_loops(f, &mut stmts, false);
    f.stmts = stmts;
}

/// `in_loop`: the block is inside a loop (whose own local, if any, sums for its inner loops
/// too, so that a checkpointed loop sums in the same order as the plain one).
fn rewrite_loops(f: &mut Function, block: &mut Block, in_loop: bool) {
    let mut out = Vec::with_capacity(block.len());
    for mut s in std::mem::take(block) {
        let inner = in_loop || matches!(s, Stmt::Loop(_));
        for b in s.blocks_mut() {
            rewrite_loops(f, b, inner);
        }
        let mut after = Vec::new();
        if let Stmt::Loop(l) = &mut s {
            if let Some(c) = carried(f, &l.body) {
                let ty = f.ty(c);
                let c_in = f.new_var(Origin::Temp, ty);
                scale(f, &mut l.body, c, c_in);
                l.body.insert(0, let_var(c_in, false, Expr::Var(c)));
            }
            let sums = if in_loop {
                Vec::new()
            } else {
                summed(f, &l.body)
            };
            for v in sums {
                let origin = f.vars[v.0 as usize].origin.clone();
                let local = f.new_var(origin, f.ty(v));
                walk_mut(&mut l.body, &mut |s| {
                    if let Stmt::Assign { var, .. } = s {
                        if *var == v {
                            *var = local;
                        }
                    }
                });
                out.push(let_var(local, true, Expr::Zero));
                after.push(Stmt::Assign {
                    var: v,
                    op: AssignOp::Add,
                    expr: Expr::Var(local),
                });
            }
        }
        out.push(s);
        out.extend(after);
    }
    *block = out;
}

fn let_var(v: Var, mutable: bool, expr: Expr) -> Stmt {
    Stmt::Let {
        vars: vec![Some(v)],
        mutable,
        expr,
        span: proc_macro2::Span::call_site(),
    }
}

/// The adjoints declared outside an outermost loop's body that it only adds to (`+=`, `-=`),
/// which it then sums in a local of its own, added to the adjoint after the loop: each
/// iteration's addition then waits on a register, not on whatever holds the adjoint across
/// the rest of the function (which may be memory). Only the order of the sum changes.
fn summed(f: &Function, body: &Block) -> Vec<Var> {
    let mut scan = Scan::default();
    scan.block(f, &bound_in(body), body);
    let mut out: Vec<Var> = scan
        .accumulated
        .iter()
        .copied()
        .filter(|v| !scan.read.contains(v) && !scan.set.contains(v))
        .filter(|v| matches!(f.ty(*v), Ty::Float(_)))
        .collect();
    out.sort();
    out
}

fn is_adjoint(f: &Function, v: Var) -> bool {
    matches!(
        f.vars[v.0 as usize].origin,
        Origin::Adjoint(_) | Origin::Named("dout")
    )
}

/// What a loop body does with the adjoints bound outside it, in program order.
#[derive(Default)]
struct Scan {
    read: HashSet<Var>,
    set: HashSet<Var>,
    /// Outside adjoints added to (`+=`, `-=`).
    accumulated: HashSet<Var>,
    /// Outside adjoints set or added to so far, on the path being scanned.
    changed: HashSet<Var>,
    /// An outside adjoint read after being set or added to (in the same iteration, or in the
    /// next iteration of a nested loop).
    reread: bool,
    /// A call or a jump.
    opaque: bool,
}

impl Scan {
    fn block(&mut self, f: &Function, defs: &HashSet<Var>, block: &Block) {
        for s in block {
            let outer = |v: &Var| !defs.contains(v) && is_adjoint(f, *v);
            let mut reads = Vec::new();
            let mut changes = None;
            match s {
                Stmt::Assign { var, op, expr } => {
                    expr.visit_vars(&mut |v| reads.push(v));
                    if outer(var) {
                        if *op == AssignOp::Set {
                            self.set.insert(*var);
                        } else {
                            self.accumulated.insert(*var);
                        }
                        changes = Some(*var);
                    }
                }
                Stmt::Store { index, value, .. } => {
                    index.visit_vars(&mut |v| reads.push(v));
                    value.visit_vars(&mut |v| reads.push(v));
                }
                Stmt::Break(_) | Stmt::Continue(_) | Stmt::Return(_) | Stmt::Item(_) => {
                    self.opaque = true
                }
                _ => {
                    for e in s.exprs() {
                        e.visit(&mut |e| self.opaque |= matches!(e, Expr::Call { .. }));
                        e.visit_vars(&mut |v| reads.push(v));
                    }
                }
            }
            // The value assigned is computed before the assignment.
            for v in reads.into_iter().filter(|v| outer(v)) {
                self.reread |= self.changed.contains(&v);
                self.read.insert(v);
            }
            self.changed.extend(changes);
            match s {
                Stmt::If { then, els, .. } => {
                    // One branch runs: each starts from what was changed before the `if`.
                    let before = self.changed.clone();
                    self.block(f, defs, then);
                    let after_then = std::mem::replace(&mut self.changed, before);
                    self.block(f, defs, els);
                    self.changed.extend(after_then);
                }
                _ => {
                    // A nested loop twice: its next iteration sees what this one changed.
                    let passes = if matches!(s, Stmt::Loop(_)) { 2 } else { 1 };
                    for _ in 0..passes {
                        for b in s.blocks() {
                            self.block(f, defs, b);
                        }
                    }
                }
            }
        }
    }
}

/// The one adjoint the loop body carries from iteration to iteration, if the rewrite applies.
fn carried(f: &Function, body: &Block) -> Option<Var> {
    let mut scan = Scan::default();
    scan.block(f, &bound_in(body), body);
    let [c] = scan.read.iter().copied().collect::<Vec<_>>()[..] else {
        return None;
    };
    let concrete = matches!(f.ty(c), Ty::Float(FloatTy::F32 | FloatTy::F64));
    (concrete && scan.set.contains(&c) && !scan.reread && !scan.opaque).then_some(c)
}

/// Reads `c` as one and scales every adjoint the body passes out by `c_in`.
fn scale(f: &Function, body: &mut Block, c: Var, c_in: Var) {
    let defs = bound_in(body);
    let one: syn::Lit = syn::parse_quote!(1.0);
    walk_mut(body, &mut |s| {
        let out = match s {
            Stmt::Assign { var, expr, .. } if !defs.contains(var) && is_adjoint(f, *var) => {
                Some(expr)
            }
            Stmt::Store { buf, value, .. } if is_adjoint(f, *buf) => Some(value),
            _ => None,
        };
        if let Some(e) = out {
            // A constant (`= 0.0`) stays: it is not proportional to anything.
            let mut reads = false;
            e.visit_vars(&mut |_| reads = true);
            if reads {
                let inner = std::mem::replace(e, Expr::Zero);
                *e = Expr::bin(BinOp::Mul, inner, Expr::Var(c_in));
            }
        }
        for e in s.exprs_mut() {
            e.map_vars(&mut |v| (v == c).then(|| Expr::Lit(one.clone())));
        }
    });
}
