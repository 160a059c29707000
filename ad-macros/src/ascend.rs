//! Reversed loops whose iterations are independent run forwards.
//!
//! The adjoint sweep reverses every loop, but the adjoint loop of a row of `y = A x`
//! (`āᵢⱼ += ȳᵢ xⱼ`, `x̄ⱼ += ȳᵢ aᵢⱼ`) touches each element once, in any order. Run downwards, it
//! is vectorised with a reversal of every vector; upwards, it is the loop written by hand.
//!
//! A reversed `for` loop runs forwards when the result is the same to the last bit: it
//! records and replays nothing, jumps nowhere, assigns no variable declared outside it, and
//! each buffer it writes it accesses at one index only, the counter plus an offset that does
//! not change in the loop, so no two iterations touch the same element.

use crate::fuse::Effects;
use crate::ir::{rebuild, Adaptor, BinOp, Expr, Function, LoopKind, Stmt, Var};
use std::collections::HashSet;

pub fn run_forwards(f: &mut Function) {
    rebuild(&mut f.stmts, &mut |mut s| {
        if let Stmt::Loop(l) = &mut s {
            if let LoopKind::For { var, iter } = &mut l.kind {
                let reversed = matches!(iter.adaptors.last(), Some(Adaptor::Rev));
                if reversed && iter.checkpoint.is_none() && independent(&l.body, *var) {
                    *iter = iter.reversed();
                }
            }
        }
        vec![s]
    });
}

/// Whether the iterations of a loop body over counter `i` may run in any order.
fn independent(body: &[Stmt], i: Var) -> bool {
    let e = Effects::of(body);
    if e.opaque || !e.assigned.is_empty() {
        return false;
    }
    e.stored.iter().all(|&buf| {
        let mut indices = e.accesses.iter().filter(|x| x.buf == buf).map(|x| &x.index);
        let Some(Some(first)) = indices.next() else {
            return false;
        };
        let key = format!("{first:?}");
        counter_plus_offset(first, i, &e.defs)
            && indices.all(|x| x.as_ref().is_some_and(|x| format!("{x:?}") == key))
    })
}

/// `i`, `i + k` or `k + i` with `k` reading neither `i` nor a variable bound in the loop.
fn counter_plus_offset(e: &Expr, i: Var, defs: &HashSet<Var>) -> bool {
    let invariant = |k: &Expr| !k.reads_any(|v| v == i || defs.contains(&v));
    match e {
        Expr::Var(v) => *v == i,
        Expr::Binary(BinOp::Add, a, b) => {
            (matches!(**a, Expr::Var(v) if v == i) && invariant(b))
                || (matches!(**b, Expr::Var(v) if v == i) && invariant(a))
        }
        _ => false,
    }
}
