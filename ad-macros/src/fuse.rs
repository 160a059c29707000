//! Loop fusion: two loops of a block over the same range become one pass.
//!
//! The adjoint sweep repeats each loop of the forward sweep backwards. When the reversed loop
//! needs nothing the forward loop computes across its iterations (for Σ xᵢ², the adjoint of
//! the sum is the seed, known before the loop), both can run as one loop, as a gradient is
//! written by hand: each element is loaded once and is still in a register for its adjoint.
//! Likewise two loops over the same range in the same direction (`yᵢ = Σⱼ aᵢⱼ xⱼ`, then
//! `Σ yᵢ²`) fuse when the second reads only the element the first has just written.
//!
//! The fused loop is `for i in range { first body; second body }` at the place of the first
//! loop. It does what the two loops did, for each element in the same order, when:
//!
//! - the statements between the loops that the second one depends on (transitively) do not
//!   depend on the first loop: they move before it, the other statements after the fused loop;
//! - the second loop reads no variable the first assigns outside its body (the final value of
//!   an accumulator), and a buffer either loop writes is accessed by both only at the loop
//!   index (`y[i]`), so iteration `i` of one never sees iteration `j ≠ i` of the other;
//! - a reversed loop that is to run forwards has independent iterations: each variable it
//!   assigns outside its body is only accumulated (`+=`, `-=`) and never read there, and each
//!   buffer it writes is either accessed only at the loop index or only accumulated into.
//!
//! In the last case the accumulations happen in the other order, which may change the
//! rounding of a scalar adjoint, never its value in exact arithmetic. Loops that record or
//! replay a tape, jump, or pass a buffer mutably to a call are left alone.

use crate::ir::{
    bound_in, tape_uses, walk, walk_mut, AssignOp, Block, Expr, Function, Iter, LoopKind, Stmt,
    TapeUses, Var,
};
use std::collections::{HashMap, HashSet};

pub fn fuse_loops(f: &mut Function) {
    let TapeUses { mut pushes, pops } = tape_uses(&f.stmts);
    for (tape, n) in pops {
        *pushes.entry(tape).or_default() += n;
    }
    let mut tapes = Tapes {
        uses: pushes,
        dropped: HashSet::new(),
    };
    fuse_block(&mut f.stmts, &mut tapes);
    if !tapes.dropped.is_empty() {
        drop_tapes(&mut f.stmts, &tapes.dropped);
    }
}

/// The tapes of the function: how often each is pushed or popped, and those fusion made
/// unnecessary.
struct Tapes {
    uses: HashMap<Var, usize>,
    dropped: HashSet<Var>,
}

fn fuse_block(block: &mut Block, tapes: &mut Tapes) {
    while fuse_one(block, tapes) {}
    for s in block.iter_mut() {
        for b in s.blocks_mut() {
            fuse_block(b, tapes);
        }
    }
}

/// Removes the declarations and reservations of `dropped` tapes.
fn drop_tapes(block: &mut Block, dropped: &HashSet<Var>) {
    block.retain(|s| match s {
        Stmt::Let { vars, expr, .. } => {
            !(matches!(expr, Expr::NewTape | Expr::NewSlot)
                && vars.iter().flatten().all(|v| dropped.contains(v)))
        }
        Stmt::Reserve { tape, .. } => !dropped.contains(tape),
        _ => true,
    });
    for s in block.iter_mut() {
        for b in s.blocks_mut() {
            drop_tapes(b, dropped);
        }
    }
}

/// Fuses the first pair of loops of `block` that can be fused; whether there was one.
fn fuse_one(block: &mut Block, tapes: &mut Tapes) -> bool {
    for q in 0..block.len() {
        let Some((_, second)) = for_loop(&block[q]) else {
            continue;
        };
        for p in (0..q).rev() {
            let Some((_, first)) = for_loop(&block[p]) else {
                continue;
            };
            let reversed = if same(first, second) {
                false
            } else if same(&first.reversed(), second) {
                true
            } else {
                continue;
            };
            if let Some(fused) = fuse(block, p, q, reversed, tapes) {
                *block = fused;
                return true;
            }
        }
    }
    false
}

/// The variable and iterator of a `for` loop that is not checkpointed.
fn for_loop(s: &Stmt) -> Option<(Var, &Iter)> {
    let Stmt::Loop(l) = s else { return None };
    match &l.kind {
        LoopKind::For { var, iter } if iter.checkpoint.is_none() => Some((*var, iter)),
        _ => None,
    }
}

/// Whether two iterators are written the same (so, with the same variables, give the same
/// values).
fn same(a: &Iter, b: &Iter) -> bool {
    format!("{a:?}") == format!("{b:?}")
}

/// `block` with the loops at `p` and `q > p` fused, or `None` when that would change what
/// the block computes. `reversed`: the second loop runs the first one's range backwards.
fn fuse(block: &Block, p: usize, q: usize, reversed: bool, tapes: &mut Tapes) -> Option<Block> {
    let (Stmt::Loop(first), Stmt::Loop(second)) = (&block[p], &block[q]) else {
        return None;
    };
    let (Some((i, _)), Some((j, _))) = (for_loop(&block[p]), for_loop(&block[q])) else {
        return None;
    };
    let mut fused = first.clone();
    let mut body = second.body.clone();
    if j != i {
        rename(&mut body, j, i);
    }
    let passed = pass_records(&mut fused.body, &mut body, &tapes.uses);
    if !bodies_fuse(&fused.body, &body, i, reversed) {
        return None;
    }

    // Which statements in between the second loop depends on, transitively.
    let between = &block[p + 1..q];
    let mut stripped = (**second).clone();
    stripped.body.clone_from(&body);
    let mut needed = Effects::of(&[Stmt::Loop(Box::new(stripped))]);
    let mut moved_up = vec![false; between.len()];
    for k in (0..between.len()).rev() {
        let e = Effects::of(std::slice::from_ref(&between[k]));
        if e.conflicts(&needed) {
            moved_up[k] = true;
            needed.absorb(e);
        }
    }
    let first_effects = Effects::of(&[Stmt::Loop(fused.clone())]);
    let mut up = Vec::new();
    let mut down = Vec::new();
    for (s, m) in between.iter().zip(&moved_up) {
        if *m {
            if Effects::of(std::slice::from_ref(s)).conflicts(&first_effects) {
                return None;
            }
            up.push(s.clone());
        } else {
            down.push(s.clone());
        }
    }

    tapes.dropped.extend(passed);
    let recomputed = first_lets(&fused.body);
    let mut all_written = HashSet::new();
    for b in [&fused.body, &body] {
        walk(b, &mut |s| all_written.extend(written(s)));
    }
    fused.body.extend(body.into_iter().filter(|s| {
        // A value the first body already bound, from inputs neither body changes.
        !matches!(s, Stmt::Let { mutable: false, expr, .. }
            if recomputed.contains(&let_key(s))
                && !expr.has_effects()
                && !expr.reads_any(|v| all_written.contains(&v)))
    }));
    let mut out = block[..p].to_vec();
    out.extend(up);
    out.push(Stmt::Loop(fused));
    out.extend(down);
    out.extend(block[q + 1..].iter().cloned());
    Some(out)
}

/// Once fused, what the first body records each iteration the second pops at once: the
/// values are still in scope. Removes each such push and pop (of a tape used nowhere else),
/// the pop becoming a plain `let` where it binds other names; returns the tapes.
fn pass_records(first: &mut Block, second: &mut Block, uses: &HashMap<Var, usize>) -> Vec<Var> {
    let mut passed = Vec::new();
    first.retain(|s| {
        let Stmt::Push { tape, value } = s else {
            return true;
        };
        if uses.get(tape) != Some(&2) {
            return true;
        }
        let popped = second
            .iter()
            .position(|s| matches!(s, Stmt::Let { expr: Expr::Pop(t), .. } if t == tape));
        let Some(k) = popped else { return true };
        let Stmt::Let { vars, expr, .. } = &mut second[k] else {
            return true;
        };
        let pushed: Vec<Option<Var>> = match value {
            Expr::Var(v) => vec![Some(*v)],
            Expr::Tuple(items) => items
                .iter()
                .map(|e| match e {
                    Expr::Var(v) => Some(*v),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        let same = pushed.len() == vars.len()
            && vars.iter().zip(&pushed).all(|(v, p)| v.is_none() || v == p);
        if same {
            second.remove(k);
        } else {
            *expr = value.clone();
        }
        passed.push(*tape);
        false
    });
    passed
}

/// Whether the loop bodies `a` and `b` (both over loop variable `i`) may run as one body, `a`
/// then `b`, for each `i` in `a`'s order; `b` originally ran after all of `a`, in the
/// opposite order when `reversed`.
fn bodies_fuse(a: &Block, b: &Block, i: Var, reversed: bool) -> bool {
    let (ea, eb) = (Effects::of(a), Effects::of(b));
    if ea.opaque || eb.opaque {
        return false;
    }
    let assigned = |e: &Effects| e.assigned.iter().map(|(v, _)| *v).collect::<HashSet<_>>();
    let (aa, ab) = (assigned(&ea), assigned(&eb));
    if !aa.is_disjoint(&eb.reads) || !aa.is_disjoint(&ab) || !ab.is_disjoint(&ea.reads) {
        return false;
    }
    let at_i = |e: &Effects, buf: Var| {
        e.accesses
            .iter()
            .filter(|x| x.buf == buf)
            .all(|x| matches!(x.index, Some(Expr::Var(v)) if v == i))
    };
    let touched = |e: &Effects, buf: Var| e.accesses.iter().any(|x| x.buf == buf);
    let shared = ea.stored.iter().filter(|s| touched(&eb, **s));
    let shared = shared.chain(eb.stored.iter().filter(|s| touched(&ea, **s)));
    if !shared.into_iter().all(|&s| at_i(&ea, s) && at_i(&eb, s)) {
        return false;
    }
    if reversed {
        // `b`'s iterations must be independent of one another.
        let accumulated = |op: AssignOp| matches!(op, AssignOp::Add | AssignOp::Sub);
        if !eb
            .assigned
            .iter()
            .all(|(v, op)| accumulated(*op) && !eb.reads.contains(v))
        {
            return false;
        }
        let only_accumulated = |buf: Var| {
            eb.accesses
                .iter()
                .filter(|x| x.buf == buf)
                .all(|x| x.store.is_some_and(accumulated))
        };
        if !eb
            .stored
            .iter()
            .all(|&s| at_i(&eb, s) || only_accumulated(s))
        {
            return false;
        }
    }
    true
}

/// Renames the variable `from` to `to` in `block`.
fn rename(block: &mut Block, from: Var, to: Var) {
    walk_mut(block, &mut |s| {
        for e in s.exprs_mut() {
            e.map_vars(&mut |v| (v == from).then_some(Expr::Var(to)));
        }
    });
}

/// The immutable `let`s at the top of `body`, as keys.
fn first_lets(body: &Block) -> HashSet<String> {
    body.iter()
        .filter(|s| matches!(s, Stmt::Let { mutable: false, .. }))
        .map(let_key)
        .collect()
}

fn let_key(s: &Stmt) -> String {
    match s {
        Stmt::Let { vars, expr, .. } => format!("{vars:?} {expr:?}"),
        _ => String::new(),
    }
}

/// The variables and buffers a statement itself changes.
fn written(s: &Stmt) -> Vec<Var> {
    let mut out = s.written_buffers();
    match s {
        Stmt::Assign { var, .. } => out.push(*var),
        Stmt::Push { tape, .. } | Stmt::Reserve { tape, .. } | Stmt::Restore { tape, .. } => {
            out.push(*tape)
        }
        _ => {}
    }
    for e in s.exprs() {
        e.visit(&mut |e| {
            if let Expr::Pop(t) = e {
                out.push(*t)
            }
        });
    }
    out
}

/// An access to an element (`index`) or to the whole (`None`) of a buffer.
pub struct Access {
    pub buf: Var,
    pub index: Option<Expr>,
    /// How the element is written, or `None` for a read.
    pub store: Option<AssignOp>,
}

/// What statements read and write, for deciding whether they may change order. Variables
/// defined inside them are local and left out: the IR defines each variable once, except
/// that the adjoint sweep may bind again, in its own scope, a value the forward sweep bound.
#[derive(Default)]
pub struct Effects {
    /// Variables bound inside (by `let`, `for`, or a declaration).
    pub defs: HashSet<Var>,
    /// Outside variables and buffers read, not counting an accumulation's read of its target.
    pub reads: HashSet<Var>,
    /// Everything outside that is changed: variables, buffers, tapes.
    pub writes: HashSet<Var>,
    /// Outside variables assigned, with how.
    pub assigned: Vec<(Var, AssignOp)>,
    /// Outside buffers written element by element.
    pub stored: HashSet<Var>,
    /// Accesses to outside buffers.
    pub accesses: Vec<Access>,
    /// A jump, an item, a record or replay, a growing `Vec`, or a buffer passed mutably to a
    /// call. (Reserving a tape only writes the tape.)
    pub opaque: bool,
}

impl Effects {
    pub fn of(block: &[Stmt]) -> Effects {
        let mut e = Effects {
            defs: bound_in(block),
            ..Effects::default()
        };
        walk(block, &mut |s| e.add(s));
        let defs = &e.defs;
        e.reads.retain(|v| !defs.contains(v));
        e.writes.retain(|v| !defs.contains(v));
        e.assigned.retain(|(v, _)| !defs.contains(v));
        e.stored.retain(|v| !defs.contains(v));
        e.accesses.retain(|x| !defs.contains(&x.buf));
        e
    }

    fn add(&mut self, s: &Stmt) {
        self.writes.extend(written(s));
        match s {
            Stmt::Assign { var, op, expr } => {
                self.assigned.push((*var, *op));
                self.expr(expr);
            }
            Stmt::Store {
                buf,
                index,
                op,
                value,
            } => {
                self.stored.insert(*buf);
                self.accesses.push(Access {
                    buf: *buf,
                    index: Some(index.clone()),
                    store: Some(*op),
                });
                self.expr(index);
                self.expr(value);
            }
            Stmt::Break(_)
            | Stmt::Continue(_)
            | Stmt::Return(_)
            | Stmt::Item(_)
            | Stmt::Push { .. }
            | Stmt::Append { .. }
            | Stmt::Restore { .. } => {
                self.opaque = true;
                s.visit_reads(&mut |v| {
                    self.reads.insert(v);
                });
            }
            _ => {
                for e in s.exprs() {
                    self.expr(e);
                }
                if let Stmt::CheckLen { a, b } = s {
                    self.reads.extend([*a, *b]);
                }
            }
        }
    }

    fn expr(&mut self, e: &Expr) {
        e.visit_vars(&mut |v| {
            self.reads.insert(v);
        });
        e.visit(&mut |x| match x {
            Expr::Load { buf, index } => self.accesses.push(Access {
                buf: *buf,
                index: Some((**index).clone()),
                store: None,
            }),
            Expr::Ref { buf, mutable, .. } => {
                self.opaque |= *mutable;
                self.accesses.push(Access {
                    buf: *buf,
                    index: None,
                    store: None,
                });
            }
            Expr::Pop(_) | Expr::NewVec { .. } => self.opaque = true,
            _ => {}
        });
    }

    /// Whether running `self` and `other` in the other order could change what they do.
    fn conflicts(&self, other: &Effects) -> bool {
        self.opaque
            || other.opaque
            || !self.writes.is_disjoint(&other.reads)
            || !self.writes.is_disjoint(&other.writes)
            || !self.reads.is_disjoint(&other.writes)
            || self.binds_used_by(other)
            || other.binds_used_by(self)
    }

    /// Whether `other` reads or writes a variable `self` binds.
    fn binds_used_by(&self, other: &Effects) -> bool {
        !self.defs.is_disjoint(&other.reads) || !self.defs.is_disjoint(&other.writes)
    }

    fn absorb(&mut self, other: Effects) {
        self.defs.extend(other.defs);
        self.reads.extend(other.reads);
        self.writes.extend(other.writes);
        self.opaque |= other.opaque;
    }
}
