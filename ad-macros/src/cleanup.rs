//! Clean-up of a derivative program before emission, so that the generated code is short and
//! raises no warnings:
//! - generated temporaries that copy a value or hold a literal are substituted into their uses;
//! - an adjoint declared as zero whose first update is `+= e` is declared as `e`;
//! - an adjoint set in one branch and then added to another is added in that branch only;
//! - dead definitions and dead stores are removed (a liveness analysis over the structured
//!   code, so no variable is unused and no assignment is never read);
//! - `let mut` becomes `let` where nothing assigns the variable any more;
//! - temporaries used once, next to their definition, are written into their use;
//! - a final `let y = ..; y` becomes the tail expression.

use crate::ir::{
    cells, walk, walk_mut, AssignOp, Block, Expr, Function, LoopId, LoopKind, Origin, Stmt, Ty, Var,
};
use std::collections::{HashMap, HashSet};

pub fn simplify(f: &mut Function) {
    propagate_copies(f);
    accumulate_in_branches(&mut f.stmts);
    fold_adjoint_declarations(&mut f.stmts);
    drop_restoring_assigns(&mut f.stmts);
    remove_dead(f);
    fix_mutability(f);
    // Adjoints that became plain copies once declared where they are first set.
    propagate_copies(f);
    inline_single_use(f);
    sink_loads(f);
    fold_cell_inits(f);
    inline_tail(f);
}

/// `let s = e; let mut s_1 = s;` with `s` read nowhere else → `let mut s = e;`.
fn fold_cell_inits(f: &mut Function) {
    let mut uses: HashMap<Var, usize> = HashMap::new();
    walk(&f.stmts, &mut |s| {
        s.visit_reads(&mut |v| *uses.entry(v).or_default() += 1)
    });
    // The returned value reads too.
    if let Some(r) = &f.ret {
        r.visit_vars(&mut |v| *uses.entry(v).or_default() += 1);
    }
    fold_cells_in(&mut f.stmts, &uses);
}

fn fold_cells_in(block: &mut Block, uses: &HashMap<Var, usize>) {
    for s in block.iter_mut() {
        for b in s.blocks_mut() {
            fold_cells_in(b, uses);
        }
    }
    let cells = cells(block);
    let mut i = 0;
    while i < block.len() {
        let src = match &block[i] {
            Stmt::Let {
                vars,
                mutable: true,
                expr: Expr::Var(src),
                ..
            } if vars.len() == 1 && uses.get(src) == Some(&1) => *src,
            _ => {
                i += 1;
                continue;
            }
        };
        // The value's definition, earlier in this block, pure and reading no cell.
        let def = block[..i].iter().position(|s| {
            matches!(s, Stmt::Let { vars, mutable: false, expr, .. }
            if vars.as_slice() == [Some(src)] && !expr.has_effects() && {
                let mut reads_cell = false;
                expr.visit_vars(&mut |u| reads_cell |= cells.contains(&u));
                !reads_cell
            })
        });
        if let Some(d) = def {
            if let Stmt::Let { expr, .. } = block.remove(d) {
                if let Stmt::Let { expr: init, .. } = &mut block[i - 1] {
                    *init = expr;
                }
            }
            continue;
        }
        i += 1;
    }
    // `let y_1 = e; y = y_1;` → `y = e;`
    let mut i = 0;
    while i + 1 < block.len() {
        let fold = match (&block[i], &block[i + 1]) {
            (
                Stmt::Let {
                    vars,
                    mutable: false,
                    expr,
                    ..
                },
                Stmt::Assign {
                    op: AssignOp::Set,
                    expr: Expr::Var(src),
                    ..
                },
            ) if vars.as_slice() == [Some(*src)] && uses.get(src) == Some(&1) => Some(expr.clone()),
            _ => None,
        };
        if let Some(e) = fold {
            block.remove(i);
            if let Stmt::Assign { expr, .. } = &mut block[i] {
                *expr = e;
            }
        }
        i += 1;
    }
}

/// `let t = c; .. t ..` → `.. c ..` when every read of the load `t` comes, in the same
/// block, before anything assigns the cell `c` again.
fn sink_loads(f: &mut Function) {
    let cells = cells(&f.stmts);
    let mut uses: HashMap<Var, usize> = HashMap::new();
    walk(&f.stmts, &mut |s| {
        s.visit_reads(&mut |v| *uses.entry(v).or_default() += 1)
    });
    if let Some(r) = &f.ret {
        r.visit_vars(&mut |v| *uses.entry(v).or_default() += 1);
    }
    let vars = &f.vars;
    let generated = |t: Var| match vars[t.0 as usize].origin {
        Origin::Temp => true,
        Origin::Tangent(x) => matches!(vars[x.0 as usize].origin, Origin::Temp),
        _ => false,
    };
    sink_in(&mut f.stmts, &cells, &uses, &generated);
    // A load at the very end that only the returned value reads.
    while let Some(Stmt::Let {
        vars,
        mutable: false,
        expr: Expr::Var(c),
        ..
    }) = f.stmts.last()
    {
        let ([Some(t)], Some(ret)) = (vars.as_slice(), &mut f.ret) else {
            break;
        };
        let (t, c) = (*t, *c);
        if !cells.contains(&c) || !generated(t) || uses.get(&t) != Some(&1) {
            break;
        }
        f.stmts.pop();
        ret.map_vars(&mut |u| (u == t).then_some(Expr::Var(c)));
        // Earlier loads may now be last.
        if !matches!(
            f.stmts.last(),
            Some(Stmt::Let {
                expr: Expr::Var(_),
                ..
            })
        ) {
            break;
        }
    }
    walk_mut(&mut f.stmts, &mut |s| {
        if let Stmt::Assign {
            var,
            op: AssignOp::Set,
            expr: Expr::Var(v),
        } = s
        {
            if var == v {
                *s = Stmt::Item(proc_macro2::TokenStream::new());
            }
        }
    });
    retain_all(
        &mut f.stmts,
        &|s| !matches!(s, Stmt::Item(t) if t.is_empty()),
    );
}

fn sink_in(
    block: &mut Block,
    cells: &HashSet<Var>,
    uses: &HashMap<Var, usize>,
    generated: &impl Fn(Var) -> bool,
) {
    for s in block.iter_mut() {
        for b in s.blocks_mut() {
            sink_in(b, cells, uses, generated);
        }
    }
    let mut i = 0;
    while i < block.len() {
        let load = match &block[i] {
            Stmt::Let {
                vars,
                mutable: false,
                expr: Expr::Var(c),
                ..
            } if cells.contains(c) => match vars.as_slice() {
                [Some(t)] if generated(*t) && !cells.contains(t) => Some((*t, *c)),
                _ => None,
            },
            _ => None,
        };
        let Some((t, c)) = load else {
            i += 1;
            continue;
        };
        let total = uses.get(&t).copied().unwrap_or(0);
        let mut found = 0;
        let mut end = i + 1;
        for (j, s) in block.iter().enumerate().skip(i + 1) {
            let mut nested_use = false;
            let mut nested_assign = false;
            for b in s.blocks() {
                walk(b, &mut |n| {
                    n.visit_reads(&mut |u| nested_use |= u == t);
                    if let Stmt::Assign { var, .. } = n {
                        nested_assign |= *var == c;
                    }
                });
            }
            if nested_use {
                break;
            }
            let mut direct = 0;
            s.visit_reads(&mut |u| direct += usize::from(u == t));
            found += direct;
            end = j + 1;
            let assigns = nested_assign || matches!(s, Stmt::Assign { var, .. } if *var == c);
            if assigns || found == total {
                break;
            }
        }
        if found != total || total == 0 {
            i += 1;
            continue;
        }
        for s in &mut block[i + 1..end] {
            for e in s.exprs_mut() {
                e.map_vars(&mut |u| (u == t).then_some(Expr::Var(c)));
            }
        }
        block.remove(i);
    }
}

fn propagate_copies(f: &mut Function) {
    let cells = cells(&f.stmts);
    let params: HashSet<Var> = f.params.iter().map(|p| p.var).collect();
    // A recorded value is bound again where the reversed block pops it: such a variable is
    // not one copy everywhere.
    let mut definitions: HashMap<Var, usize> = HashMap::new();
    walk(&f.stmts, &mut |s| {
        if let Stmt::Let { vars, .. } = s {
            for v in vars.iter().flatten() {
                *definitions.entry(*v).or_default() += 1;
            }
        }
    });
    let mut subst: HashMap<Var, Expr> = HashMap::new();
    walk(&f.stmts, &mut |s| {
        if let Stmt::Let {
            vars,
            mutable: false,
            expr,
            ..
        } = s
        {
            if let [Some(v)] = vars.as_slice() {
                let copy = match (&f.vars[v.0 as usize].origin, expr) {
                    (Origin::Temp, Expr::Lit(_) | Expr::Path(_) | Expr::Zero) => true,
                    (Origin::Temp, Expr::Var(src)) => !cells.contains(src),
                    // Adjoint copies, except those of parameters (returned under their name).
                    (Origin::Adjoint(x), Expr::Var(src)) => {
                        !params.contains(x) && !cells.contains(src)
                    }
                    _ => false,
                };
                // A constant is the same wherever it is bound (recomputed blocks bind it again).
                let single = definitions.get(v) == Some(&1)
                    || matches!(expr, Expr::Lit(_) | Expr::Path(_) | Expr::Zero);
                if copy && !cells.contains(v) && single {
                    // Definitions come before uses in this walk: resolve chains as they form.
                    let mut e = expr.clone();
                    e.map_vars(&mut |u| subst.get(&u).cloned());
                    subst.insert(*v, e);
                }
            }
        }
    });
    if subst.is_empty() {
        return;
    }
    let resolve = |e: &Expr| {
        let mut e = e.clone();
        e.map_vars(&mut |v| subst.get(&v).cloned());
        e
    };
    let receivers = int_receivers(&f.stmts);
    walk_mut(&mut f.stmts, &mut |s| {
        let is_def = matches!(s, Stmt::Let { vars, .. } if matches!(vars.as_slice(), [Some(v)] if subst.contains_key(v)));
        if is_def {
            return;
        }
        for e in s.exprs_mut() {
            e.map_vars(&mut |v| {
                let r = resolve(&Expr::Var(v));
                // A literal may not become the receiver of an integer method (`2.pow(n)`).
                if receivers.contains(&v) && !matches!(r, Expr::Var(_)) {
                    return None;
                }
                (!matches!(&r, Expr::Var(u) if *u == v)).then_some(r)
            });
        }
    });
    if let Some(r) = &mut f.ret {
        *r = resolve(r);
    }
    let kept = |s: &Stmt| {
        !matches!(s, Stmt::Let { vars, .. }
            if matches!(vars.as_slice(), [Some(v)] if subst.contains_key(v) && !receivers.contains(v)))
    };
    retain_all(&mut f.stmts, &kept);
}

/// Variables used as the receiver of a method of a non-float type.
fn int_receivers(block: &Block) -> HashSet<Var> {
    let mut out = HashSet::new();
    walk(block, &mut |s| {
        if let Stmt::Let {
            expr: Expr::Method { recv, args, .. },
            ..
        } = s
        {
            if let (false, Some(Expr::Var(v))) = (matches!(recv, Ty::Float(_)), args.first()) {
                out.insert(*v);
            }
        }
    });
    out
}

fn retain_all(block: &mut Block, keep: &impl Fn(&Stmt) -> bool) {
    block.retain(|s| keep(s));
    for s in block.iter_mut() {
        for b in s.blocks_mut() {
            retain_all(b, keep);
        }
    }
}

/// `let mut a = 0.0; .. a += e;` with nothing reading `a` in between → `let mut a = e;`, and
/// the same for `a = 0.0; .. a += e;` → `a = e;`.
fn fold_adjoint_declarations(block: &mut Block) {
    for s in block.iter_mut() {
        for b in s.blocks_mut() {
            fold_adjoint_declarations(b);
        }
    }
    // Where each variable is mentioned (read or written, nested blocks included).
    let mut seen: HashMap<Var, Vec<usize>> = HashMap::new();
    for (i, s) in block.iter().enumerate() {
        let mut here = HashSet::new();
        walk(std::slice::from_ref(s), &mut |t| {
            t.visit_reads(&mut |u| {
                here.insert(u);
            });
            if let Stmt::Assign { var, .. } | Stmt::Declare { var } = t {
                here.insert(*var);
            }
        });
        for v in here {
            seen.entry(v).or_default().push(i);
        }
    }
    let mut moves: HashMap<usize, usize> = HashMap::new(); // first update → declaration
    for (i, s) in block.iter().enumerate() {
        let v = match s {
            Stmt::Let {
                vars,
                mutable: true,
                expr: Expr::Zero,
                ..
            } => match vars.as_slice() {
                [Some(v)] => v,
                _ => continue,
            },
            // `a = 0.0; .. a += e;` → `a = e;`
            Stmt::Assign {
                var,
                op: AssignOp::Set,
                expr: Expr::Zero,
            } => var,
            _ => continue,
        };
        let Some(&j) = seen.get(v).and_then(|at| at.iter().find(|&&j| j > i)) else {
            continue;
        };
        if let Stmt::Assign {
            var,
            op: AssignOp::Add | AssignOp::Sub,
            expr,
        } = &block[j]
        {
            let mut reads_itself = false;
            expr.visit_vars(&mut |u| reads_itself |= u == *v);
            if var == v && !reads_itself {
                moves.insert(j, i);
            }
        }
    }
    if moves.is_empty() {
        return;
    }
    let removed: HashSet<usize> = moves.values().copied().collect();
    let old = std::mem::take(block);
    let mut decls: HashMap<usize, Stmt> = HashMap::new();
    for (i, s) in old.iter().enumerate() {
        if removed.contains(&i) {
            decls.insert(i, s.clone());
        }
    }
    for (j, s) in old.into_iter().enumerate() {
        if removed.contains(&j) {
            continue;
        }
        match (moves.get(&j), s) {
            (Some(i), Stmt::Assign { op, expr, .. }) => {
                let mut decl = decls
                    .remove(i)
                    .unwrap_or(Stmt::Item(proc_macro2::TokenStream::new()));
                if let Stmt::Let { expr: e, .. } | Stmt::Assign { expr: e, .. } = &mut decl {
                    *e = if op == AssignOp::Sub {
                        Expr::neg(expr)
                    } else {
                        expr
                    };
                }
                block.push(decl);
            }
            (_, s) => block.push(s),
        }
    }
}

/// `let mut a = 0.0; .. if c { .. a += e; .. } b[i] += a;` with `a` read nowhere else: the
/// update moves to the end of the branches that assign `a`, and is dropped where `a` stays
/// zero. A reversed `if v > m { m = v; }` then writes the adjoint buffer once per new maximum
/// instead of adding zero to every element.
fn accumulate_in_branches(block: &mut Block) {
    for s in block.iter_mut() {
        for b in s.blocks_mut() {
            accumulate_in_branches(b);
        }
    }
    let mut k = 0;
    while k + 1 < block.len() {
        let a = match &block[k + 1] {
            Stmt::Store {
                op: AssignOp::Add | AssignOp::Sub,
                value: Expr::Var(a),
                index,
                ..
            } if !index.reads_any(|u| u == *a) => *a,
            Stmt::Assign {
                var,
                op: AssignOp::Add | AssignOp::Sub,
                expr: Expr::Var(a),
            } if var != a => *a,
            _ => {
                k += 1;
                continue;
            }
        };
        let zero_before = block[..k].iter().rposition(|s| {
            matches!(s, Stmt::Let { vars, mutable: true, expr: Expr::Zero, .. }
                if vars.as_slice() == [Some(a)])
        });
        let movable = matches!(block[k], Stmt::If { .. })
            && zero_before.is_some_and(|j| !mentions(&block[j + 1..k], a))
            && !mentions(&block[k + 2..], a);
        if !movable {
            k += 1;
            continue;
        }
        let update = block.remove(k + 1);
        // `a` now lives in the branches: declared in each that mentions it.
        let decl = block.remove(zero_before.unwrap_or_default());
        k -= 1;
        if let Stmt::If { then, els, .. } = &mut block[k] {
            for branch in [then, els] {
                let mut assigns = false;
                walk(branch, &mut |s| {
                    assigns |= matches!(s, Stmt::Assign { var, .. } if *var == a)
                });
                if mentions(branch, a) {
                    branch.insert(0, decl.clone());
                }
                if assigns {
                    branch.push(update.clone());
                }
            }
        }
        k += 1;
    }
}

/// Whether `block` reads or assigns `v` anywhere.
fn mentions(block: &[Stmt], v: Var) -> bool {
    let mut hit = false;
    walk(block, &mut |s| {
        s.visit_reads(&mut |u| hit |= u == v);
        hit |= matches!(s, Stmt::Assign { var, .. } | Stmt::Declare { var } if *var == v);
    });
    hit
}

/// `let a = c; .. c = a;` (or a copy of `a`) with nothing assigning `c` or the copies in
/// between: the second is a no-op (the
/// adjoint of `c -= e` passes `c_bar` through unchanged, which the sweep writes as this pair).
fn drop_restoring_assigns(block: &mut Block) {
    for s in block.iter_mut() {
        for b in s.blocks_mut() {
            drop_restoring_assigns(b);
        }
    }
    let mut dropped = HashSet::new();
    for (i, s) in block.iter().enumerate() {
        let Stmt::Let {
            vars,
            expr: Expr::Var(c),
            ..
        } = s
        else {
            continue;
        };
        let [Some(a)] = vars.as_slice() else { continue };
        // Copies of `a` (and of its copies) hold the same value.
        let mut copies = HashSet::from([*a]);
        for (j, t) in block.iter().enumerate().skip(i + 1) {
            match t {
                Stmt::Let {
                    vars,
                    expr: Expr::Var(x),
                    ..
                } if copies.contains(x) => {
                    copies.extend(vars.iter().flatten().copied());
                    continue;
                }
                Stmt::Assign {
                    var,
                    op: AssignOp::Set,
                    expr: Expr::Var(src),
                } if var == c && copies.contains(src) => {
                    dropped.insert(j);
                    break;
                }
                _ => {}
            }
            let mut assigns = false;
            walk(std::slice::from_ref(t), &mut |u| {
                if let Stmt::Assign { var, .. } | Stmt::Declare { var } = u {
                    assigns |= var == c || copies.contains(var);
                }
            });
            if assigns {
                break;
            }
        }
    }
    let mut j = 0;
    block.retain(|_| {
        j += 1;
        !dropped.contains(&(j - 1))
    });
}

/// Liveness-based removal of dead definitions and stores, over structured code with jumps.
fn remove_dead(f: &mut Function) {
    // Parameters stay live to the end: stores into `&mut` buffers are the function's results.
    let mut live: HashSet<Var> = f.params.iter().map(|p| p.var).collect();
    if let Some(r) = &f.ret {
        r.visit_vars(&mut |v| {
            live.insert(v);
        });
    }
    let mut reassigned = HashSet::new();
    walk(&f.stmts, &mut |s| {
        if let Stmt::Assign { var, .. } = s {
            reassigned.insert(*var);
        }
    });
    let mut ctx = Liveness {
        loops: HashMap::new(),
        ret: live.clone(),
        assigned: HashSet::new(),
        reassigned,
    };
    // Iterate to a fixed point: loops make liveness depend on itself.
    for _ in 0..4 {
        let mut l = live.clone();
        ctx.block(&f.stmts, &mut l, false);
    }
    let mut l = live;
    let mut stmts = std::mem::take(&mut f.stmts);
    ctx.sweep(&mut stmts, &mut l);
    f.stmts = stmts;
}

struct Liveness {
    /// Per loop: live after the loop, live at its head.
    loops: HashMap<LoopId, (HashSet<Var>, HashSet<Var>)>,
    /// Live at a `return` (nothing but its value).
    ret: HashSet<Var>,
    /// Cells with an assignment that the sweep kept.
    assigned: HashSet<Var>,
    /// Cells with an assignment anywhere.
    reassigned: HashSet<Var>,
}

impl Liveness {
    /// Transfers `live` (after the block) to live before it. With `sweep`, also deletes.
    fn block(&mut self, block: &Block, live: &mut HashSet<Var>, _sweep: bool) {
        for s in block.iter().rev() {
            self.stmt(s, live);
        }
    }

    fn stmt(&mut self, s: &Stmt, live: &mut HashSet<Var>) {
        match s {
            Stmt::Let {
                vars,
                expr,
                mutable,
                ..
            } => {
                // A cell's declaration is kept for its later assignments even when its first
                // value is dead (`sweep`), and then still reads its initial value.
                let used = vars
                    .iter()
                    .flatten()
                    .any(|v| live.contains(v) || (*mutable && self.reassigned.contains(v)));
                for v in vars.iter().flatten() {
                    live.remove(v);
                }
                if used || expr.has_effects() {
                    expr.visit_vars(&mut |v| {
                        live.insert(v);
                    });
                }
            }
            Stmt::Declare { var } => {
                live.remove(var);
            }
            Stmt::Assign { var, op, expr } => {
                if live.contains(var) {
                    if *op == AssignOp::Set {
                        live.remove(var);
                    }
                    expr.visit_vars(&mut |v| {
                        live.insert(v);
                    });
                }
            }
            Stmt::If { cond, then, els } => {
                let mut a = live.clone();
                self.block(then, &mut a, false);
                let mut b = live.clone();
                self.block(els, &mut b, false);
                *live = &a | &b;
                cond.visit_vars(&mut |v| {
                    live.insert(v);
                });
            }
            Stmt::Loop(l) => {
                let after = live.clone();
                let head = self
                    .loops
                    .get(&l.id)
                    .map(|x| x.1.clone())
                    .unwrap_or_default();
                self.loops.insert(l.id, (after.clone(), head.clone()));
                // body's live-out is the head's live-in (next iteration) and the exit.
                let mut body_out = &after | &head;
                if let LoopKind::Infinite = l.kind {
                    body_out = head.clone();
                }
                let mut body_in = body_out;
                self.block(&l.body, &mut body_in, false);
                let new_head = match &l.kind {
                    LoopKind::For { var, iter } => {
                        let mut h = &body_in | &after;
                        h.remove(var);
                        iter.visit_vars(&mut |v| {
                            h.insert(v);
                        });
                        h
                    }
                    LoopKind::While { cond, test } => {
                        let mut h = &body_in | &after;
                        test.visit_vars(&mut |v| {
                            h.insert(v);
                        });
                        self.block(cond, &mut h, false);
                        h
                    }
                    LoopKind::Infinite => body_in,
                };
                let merged = &head | &new_head;
                self.loops.insert(l.id, (after, merged.clone()));
                *live = merged;
            }
            Stmt::Break(id) => {
                *live = self.loops.get(id).map(|x| x.0.clone()).unwrap_or_default();
            }
            Stmt::Continue(id) => {
                *live = self.loops.get(id).map(|x| x.1.clone()).unwrap_or_default();
            }
            Stmt::Return(e) => {
                *live = self.ret.clone();
                e.visit_vars(&mut |v| {
                    live.insert(v);
                });
            }
            Stmt::Append { buf, value } => {
                if live.contains(buf) {
                    value.visit_vars(&mut |v| {
                        live.insert(v);
                    });
                }
            }
            Stmt::Store {
                buf, index, value, ..
            } => {
                if live.contains(buf) {
                    index.visit_vars(&mut |v| {
                        live.insert(v);
                    });
                    value.visit_vars(&mut |v| {
                        live.insert(v);
                    });
                }
            }
            Stmt::CheckLen { a, b } => {
                live.insert(*a);
                live.insert(*b);
            }
            Stmt::Push { tape, value } => {
                live.insert(*tape);
                value.visit_vars(&mut |v| {
                    live.insert(v);
                });
            }
            Stmt::Restore { tape, place } => {
                live.insert(*tape);
                place.visit_vars(&mut |v| {
                    live.insert(v);
                });
            }
            Stmt::Reserve { tape, iter } => {
                live.insert(*tape);
                iter.visit_vars(&mut |v| {
                    live.insert(v);
                });
            }
            Stmt::Item(_) => {}
        }
    }

    /// Deletes what is dead, given liveness at loop heads from the fixed point.
    fn sweep(&mut self, block: &mut Block, live: &mut HashSet<Var>) {
        let mut kept = Vec::with_capacity(block.len());
        for mut s in std::mem::take(block).into_iter().rev() {
            let keep = match &mut s {
                Stmt::Let { vars, expr, .. } => {
                    for slot in vars.iter_mut() {
                        if slot.is_some_and(|v| !live.contains(&v) && !self.assigned.contains(&v)) {
                            *slot = None;
                        }
                    }
                    // A cell assigned later keeps its declaration, even if its first value is dead.
                    let assigned_later = vars.iter().flatten().any(|v| self.assigned.contains(v));
                    vars.iter().any(Option::is_some) || expr.has_effects() || assigned_later
                }
                Stmt::Assign { var, .. }
                | Stmt::Store { buf: var, .. }
                | Stmt::Append { buf: var, .. } => live.contains(var),
                // `let r;` stays while an assignment to it does (they follow it).
                Stmt::Declare { var } => self.assigned.contains(var),
                _ => true,
            };
            if let (
                true,
                Stmt::Assign { var, .. }
                | Stmt::Store { buf: var, .. }
                | Stmt::Append { buf: var, .. },
            ) = (keep, &s)
            {
                self.assigned.insert(*var);
            }
            let keep = match &s {
                Stmt::Loop(_) | Stmt::If { .. } => true,
                _ => keep,
            };
            if !keep {
                continue;
            }
            match &mut s {
                Stmt::If { then, els, .. } => {
                    let mut a = live.clone();
                    self.sweep(then, &mut a);
                    let mut b = live.clone();
                    self.sweep(els, &mut b);
                    if then.is_empty() && els.is_empty() {
                        continue;
                    }
                }
                Stmt::Loop(l) => {
                    let (after, head) = self.loops.get(&l.id).cloned().unwrap_or_default();
                    let mut out = match l.kind {
                        LoopKind::Infinite => head.clone(),
                        _ => &after | &head,
                    };
                    self.sweep(&mut l.body, &mut out);
                    if let LoopKind::While { cond, test } = &mut l.kind {
                        let mut h = &head | &after;
                        test.visit_vars(&mut |v| {
                            h.insert(v);
                        });
                        self.sweep(cond, &mut h);
                    }
                    if l.body.is_empty() && matches!(l.kind, LoopKind::For { .. }) {
                        continue;
                    }
                }
                _ => {}
            }
            self.stmt(&s, live);
            kept.push(s);
        }
        kept.reverse();
        *block = kept;
    }
}

fn fix_mutability(f: &mut Function) {
    let mut assigned = HashSet::new();
    walk(&f.stmts, &mut |s| {
        assigned.extend(s.written_buffers());
        match s {
            Stmt::Assign { var, .. }
            | Stmt::Push { tape: var, .. }
            | Stmt::Reserve { tape: var, .. }
            | Stmt::Let {
                expr: Expr::Pop(var),
                ..
            } => {
                assigned.insert(*var);
            }
            Stmt::Restore {
                tape,
                place: Expr::Ref { buf, .. },
            } => {
                assigned.insert(*tape);
                assigned.insert(*buf);
            }
            _ => {}
        }
    });
    walk_mut(&mut f.stmts, &mut |s| {
        if let Stmt::Let { vars, mutable, .. } = s {
            if *mutable && !vars.iter().flatten().any(|v| assigned.contains(v)) {
                *mutable = false;
            }
        }
    });
}

/// Writes a temporary (or a temporary's tangent) that is read exactly once, by a later
/// statement of the same block, into the expression that reads it. Both are immutable and
/// read only immutable values, so moving the computation later cannot change it.
fn inline_single_use(f: &mut Function) {
    let cells = cells(&f.stmts);
    let mut uses: HashMap<Var, usize> = HashMap::new();
    walk(&f.stmts, &mut |s| {
        s.visit_reads(&mut |v| *uses.entry(v).or_default() += 1);
    });
    if let Some(r) = &f.ret {
        r.visit_vars(&mut |v| *uses.entry(v).or_default() += 1);
    }
    let receivers = int_receivers(&f.stmts);
    let vars = &f.vars;
    let inlinable = |v: Var, expr: &Expr| {
        let temp = |v: Var| matches!(vars[v.0 as usize].origin, Origin::Temp);
        let kind_ok = match vars[v.0 as usize].origin {
            Origin::Temp => true,
            Origin::Tangent(x) => temp(x),
            _ => false,
        };
        let mut reads_cell = false;
        expr.visit_vars(&mut |u| reads_cell |= cells.contains(&u));
        // A buffer is used as a place (`b[i]`, `b.len()`), which cannot take an expression.
        let buffer = matches!(vars[v.0 as usize].ty, Ty::Buffer(_));
        kind_ok
            && !buffer
            && depth(expr) < 12
            && uses.get(&v) == Some(&1)
            && !receivers.contains(&v)
            && !expr.has_effects()
            && !reads_cell
            && !cells.contains(&v)
    };
    let tail = inline_block(&mut f.stmts, &inlinable);
    if let Some(r) = &mut f.ret {
        r.map_vars(&mut |v| tail.get(&v).cloned());
    }
}

/// The nesting depth of an expression; inlining stops at a bound so that generated
/// expressions stay readable and emission never recurses deeply.
fn depth(e: &Expr) -> usize {
    match e {
        Expr::Unary(_, a) | Expr::Cast(a, _) | Expr::Field(a, _) | Expr::Index(a, _) => {
            1 + depth(a)
        }
        Expr::Binary(_, a, b) => 1 + depth(a).max(depth(b)),
        Expr::Method { args, .. }
        | Expr::Rule { args, .. }
        | Expr::Call { args, .. }
        | Expr::Tuple(args)
        | Expr::Array(args) => 1 + args.iter().map(depth).max().unwrap_or(0),
        _ => 0,
    }
}

/// Inlines within one block; returns the definitions still pending at its end (for the tail).
fn inline_block(block: &mut Block, inlinable: &impl Fn(Var, &Expr) -> bool) -> HashMap<Var, Expr> {
    let mut pending: HashMap<Var, Expr> = HashMap::new();
    let mut kept = Vec::with_capacity(block.len());
    for mut s in std::mem::take(block) {
        // Only the statement's own expressions, not nested blocks: a use inside a loop would
        // move the computation into the loop.
        for e in s.exprs_mut() {
            e.map_vars(&mut |v| pending.remove(&v));
        }
        // The temporary a `while` condition computes last is written into its test.
        if let Stmt::Loop(l) = &mut s {
            if let LoopKind::While { cond, test } = &mut l.kind {
                let mut rest = inline_block(cond, inlinable);
                test.map_vars(&mut |v| rest.remove(&v));
                for (v, e) in rest {
                    cond.push(Stmt::Let {
                        vars: vec![Some(v)],
                        mutable: false,
                        expr: e,
                        span: proc_macro2::Span::call_site(),
                    });
                }
            }
        }
        for b in s.blocks_mut() {
            let rest = inline_block(b, inlinable);
            // Values left pending inside a nested block cannot leave it: put them back.
            for (v, e) in rest {
                b.push(Stmt::Let {
                    vars: vec![Some(v)],
                    mutable: false,
                    expr: e,
                    span: proc_macro2::Span::call_site(),
                });
            }
        }
        if let Stmt::Let {
            vars,
            mutable: false,
            expr,
            ..
        } = &s
        {
            if let [Some(v)] = vars.as_slice() {
                if inlinable(*v, expr) {
                    pending.insert(*v, expr.clone());
                    continue;
                }
            }
        }
        // Anything still pending that a nested block reads must stay a `let` (and so must
        // what a `while` test reads now that its condition's last value was written into it).
        if !s.blocks().is_empty() {
            let mut nested = HashSet::new();
            for b in s.blocks() {
                walk(b, &mut |t| {
                    t.visit_reads(&mut |u| {
                        nested.insert(u);
                    })
                });
            }
            s.visit_reads(&mut |u| {
                nested.insert(u);
            });
            let mut flush: Vec<(Var, Expr)> = pending
                .iter()
                .filter(|(v, _)| nested.contains(v))
                .map(|(v, e)| (*v, e.clone()))
                .collect();
            flush.sort_by_key(|(v, _)| *v);
            for (v, e) in flush {
                pending.remove(&v);
                kept.push(Stmt::Let {
                    vars: vec![Some(v)],
                    mutable: false,
                    expr: e,
                    span: proc_macro2::Span::call_site(),
                });
            }
        }
        kept.push(s);
    }
    *block = kept;
    pending
}

pub fn inline_tail(f: &mut Function) {
    let Some(Expr::Var(r)) = f.ret else { return };
    if let Some(Stmt::Let {
        vars,
        mutable: false,
        expr,
        ..
    }) = f.stmts.last()
    {
        if vars.as_slice() == [Some(r)] {
            f.ret = Some(expr.clone());
            f.stmts.pop();
        }
    }
}
