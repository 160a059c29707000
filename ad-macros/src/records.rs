//! Records indexed by the loop counter. A `for` loop over `a..b` (or `a..=b`) that records one
//! value per iteration writes it into slot `i − a` of the slots taken before the loop
//! (`Tape::record`); the reversed loop that takes the values back reads slot `i − a` of those it
//! takes at once (`Tape::replay`).
//!
//! Recording with `push` updates the tape's top in every iteration and checks it against the
//! reservation; the compiler cannot tell the recorded store from the loop's own values, so it
//! kept running values (a maximum, an accumulator) in memory, several times slower than the
//! loop without the record. Indexed by the counter, the check is one the compiler removes
//! (`i − a < b − a`) and the top is updated once.
//!
//! A tape qualifies when it is pushed (or popped) at exactly one place, at the top level of
//! the body of a `for` loop over a range (reversed for the pop, no other adaptor) that no jump
//! leaves or restarts early, so the body records (replays) exactly once per iteration, in the
//! order of the counter, and whose start is a literal or a variable the body does not assign. The forward side also needs the one reservation of the tape to be for that
//! loop's range. Either side may qualify without the other: both lay the values out in
//! the order a stack would.

use crate::ir::{tape_uses, walk, Adaptor, Expr, Function, Iter, LoopKind, Stmt, TapeUses, Var};
use std::collections::{HashMap, HashSet};

#[derive(Default)]
pub struct Indexed {
    /// Tapes recorded by index, with the loop that records them.
    pub recorded: HashMap<Var, Counter>,
    /// Tapes replayed by index, with the loop that replays them (which takes them back just
    /// before it starts).
    pub replayed: HashMap<Var, Counter>,
}

/// A loop's counter and the start of its range.
#[derive(Clone)]
pub struct Counter {
    pub var: Var,
    pub start: Expr,
}

pub fn indexed(f: &Function) -> Indexed {
    let TapeUses { pushes, pops } = tape_uses(&f.stmts);
    let mut reserves: HashMap<Var, Vec<String>> = HashMap::new();
    walk(&f.stmts, &mut |s| {
        if let Stmt::Reserve { tape, iter } = s {
            reserves.entry(*tape).or_default().push(format!("{iter:?}"));
        }
    });

    let mut out = Indexed::default();
    walk(&f.stmts, &mut |s| {
        let Stmt::Loop(l) = s else { return };
        let LoopKind::For { var, iter } = &l.kind else {
            return;
        };
        let Some(reversed) = counted(iter, &l.body) else {
            return;
        };
        if leaves_early(&l.body) {
            return;
        }
        let counter = Counter {
            var: *var,
            start: iter.start.clone(),
        };
        for s in &l.body {
            match s {
                Stmt::Push { tape, value } if !reversed && !matches!(value, Expr::Ref { .. }) => {
                    let reserved_here = matches!(reserves.get(tape).map(Vec::as_slice),
                        Some([r]) if *r == format!("{iter:?}"));
                    if pushes.get(tape) == Some(&1) && reserved_here {
                        out.recorded.insert(*tape, counter.clone());
                    }
                }
                Stmt::Let {
                    expr: Expr::Pop(tape),
                    ..
                } if reversed && pops.get(tape) == Some(&1) => {
                    out.replayed.insert(*tape, counter.clone());
                }
                _ => {}
            }
        }
    });
    out
}

impl Indexed {
    /// Whether a tape is recorded or replayed by the counter `i`.
    pub fn indexes_by(&self, i: Var) -> bool {
        let mut counters = self.recorded.values().chain(self.replayed.values());
        counters.any(|c| c.var == i)
    }

    /// The tapes the loop with counter `i` and body `body` replays by index.
    pub fn replayed_by(&self, body: &[Stmt], i: Var) -> Vec<Var> {
        let replays = |s: &Stmt| match s {
            Stmt::Let {
                expr: Expr::Pop(t), ..
            } if self.replayed.get(t).is_some_and(|c| c.var == i) => Some(*t),
            _ => None,
        };
        body.iter().filter_map(replays).collect()
    }
}

/// For a loop over a range whose start `body` leaves alone, `Some(false)`; over such a range
/// reversed, `Some(true)`; else `None`.
fn counted(iter: &Iter, body: &[Stmt]) -> Option<bool> {
    let stable = match &iter.start {
        Expr::Usize(_) | Expr::Lit(syn::Lit::Int(_)) => true,
        Expr::Var(v) => {
            let mut assigned = false;
            walk(body, &mut |s| {
                assigned |= matches!(s, Stmt::Assign { var, .. } if var == v);
            });
            !assigned
        }
        _ => false,
    };
    if !stable || iter.checkpoint.is_some() {
        return None;
    }
    match iter.adaptors.as_slice() {
        [] => Some(false),
        [Adaptor::Rev] => Some(true),
        _ => None,
    }
}

/// Whether a jump in `body` can end an iteration early: a `return`, or a `break` or
/// `continue` of a loop that `body` does not contain.
fn leaves_early(body: &[Stmt]) -> bool {
    let mut inner = HashSet::new();
    walk(body, &mut |s| {
        if let Stmt::Loop(l) = s {
            inner.insert(l.id);
        }
    });
    let mut early = false;
    walk(body, &mut |s| match s {
        Stmt::Return(_) => early = true,
        Stmt::Break(id) | Stmt::Continue(id) => early |= !inner.contains(id),
        _ => {}
    });
    early
}
