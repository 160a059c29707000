//! Rows as slices: an inner loop that reads or accumulates `b[base + j]` for `j` in `0..n`
//! indexes `&b[base..base + n]`, taken before the loop, by `j`.
//!
//! Written as the user wrote it (`a[i * n + j]`), every access is bounds-checked, and the
//! check stops the compiler from vectorising the loop; the derivatives repeat such loops
//! (recomputing the row, then accumulating into the adjoint's row). Indexed by `j < n`, a
//! slice of length `n` needs no check. The slice is taken only when the loop runs, and only of
//! a buffer that every iteration accesses (at the top level of the body, which no `break`
//! leaves), so it panics exactly when one of the accesses would have, only earlier. The
//! primal function itself is never changed.

use crate::ir::{
    bound_in, rebuild, walk, walk_mut, BinOp, Block, Expr, Function, LoopKind, Origin, Stmt, Ty,
    Var,
};
use std::collections::{HashMap, HashSet};

pub fn slice_rows(f: &mut Function) {
    let mut stmts = std::mem::take(&mut f.stmts);
    rebuild(&mut stmts, &mut |mut s| match sliced(f, &mut s) {
        Some((mut then, end)) => {
            then.push(s);
            vec![Stmt::If {
                cond: Expr::bin(BinOp::Lt, Expr::Lit(syn::parse_quote!(0)), end),
                then,
                els: Vec::new(),
            }]
        }
        None => vec![s],
    });
    f.stmts = stmts;
}

/// An access to a buffer in a loop body.
struct Access {
    buf: Var,
    /// The index variable, when the index is one.
    index: Option<Var>,
    top_level: bool,
    store: bool,
}

/// Rewrites the loop `s` to index slices; returns the statements that take them, to run
/// before it, and the loop's end (the slices' length).
fn sliced(f: &mut Function, s: &mut Stmt) -> Option<(Block, Expr)> {
    let Stmt::Loop(l) = s else { return None };
    let LoopKind::For { var: j, iter } = &l.kind else {
        return None;
    };
    let (j, end) = (*j, iter.end.clone());
    let from_zero = matches!(&iter.start, Expr::Lit(syn::Lit::Int(z)) if z.base10_digits() == "0")
        || matches!(iter.start, Expr::Usize(0));
    let unit_step = iter
        .adaptors
        .iter()
        .all(|a| matches!(a, crate::ir::Adaptor::Rev));
    if !from_zero || iter.inclusive || !unit_step || iter.checkpoint.is_some() || end.has_effects()
    {
        return None;
    }
    let mut items = false;
    walk(&l.body, &mut |s| items |= matches!(s, Stmt::Item(_)));
    if items || crate::ir::jumps(&l.body) {
        return None;
    }
    // What the body defines and assigns: an offset must not depend on it, except through
    // the top-level `let`s it inlines.
    let defined = bound_in(&l.body);
    let mut assigned = HashSet::new();
    walk(&l.body, &mut |s| match s {
        Stmt::Assign { var, .. } => {
            assigned.insert(*var);
        }
        other => assigned.extend(other.written_buffers()),
    });
    let lets: HashMap<Var, Expr> = l
        .body
        .iter()
        .filter_map(|s| match s {
            Stmt::Let {
                vars,
                mutable: false,
                expr,
                ..
            } => match vars.as_slice() {
                [Some(v)] => Some((*v, expr.clone())),
                _ => None,
            },
            _ => None,
        })
        .collect();
    // Index variables `t = offset + j`, with the offset computable before the loop.
    let mut offsets: HashMap<Var, Expr> = HashMap::new();
    for (t, e) in &lets {
        let Expr::Binary(BinOp::Add, a, b) = e else {
            continue;
        };
        let base = match (&**a, &**b) {
            (x, Expr::Var(v)) | (Expr::Var(v), x) if *v == j => x,
            _ => continue,
        };
        if let Some(offset) = invariant(base, &lets, &defined, &assigned, j, 0) {
            offsets.insert(*t, offset);
        }
    }
    if offsets.is_empty() {
        return None;
    }
    let mut accesses = Vec::new();
    collect(&l.body, true, &mut accesses);
    let mut bufs: Vec<Var> = accesses.iter().map(|a| a.buf).collect();
    bufs.sort();
    bufs.dedup();
    let mut pre = Vec::new();
    let mut rows: HashMap<Var, Var> = HashMap::new();
    let mut offset_vars: HashMap<String, Var> = HashMap::new();
    for b in bufs {
        let of_b: Vec<&Access> = accesses.iter().filter(|a| a.buf == b).collect();
        // Every access at `offset + j`, for one offset (possibly through several variables).
        let key = |a: &&Access| {
            a.index
                .and_then(|t| offsets.get(&t))
                .map(|o| format!("{o:?}"))
        };
        let Some(t) = of_b[0].index else { continue };
        let same = of_b
            .iter()
            .all(|a| key(a).is_some() && key(a) == key(&of_b[0]));
        if defined.contains(&b) || !same {
            continue;
        }
        if !of_b.iter().any(|a| a.top_level) {
            continue;
        }
        let off = *offset_vars
            .entry(format!("{:?}", offsets[&t]))
            .or_insert_with(|| {
                if let Expr::Var(v) = offsets[&t] {
                    return v;
                }
                let v = f.new_var(Origin::Temp, Ty::Int);
                pre.push(Stmt::Let {
                    vars: vec![Some(v)],
                    mutable: false,
                    expr: offsets[&t].clone(),
                    span: proc_macro2::Span::call_site(),
                });
                v
            });
        let row = f.new_var(Origin::Temp, f.ty(b));
        pre.push(Stmt::Let {
            vars: vec![Some(row)],
            mutable: false,
            expr: Expr::Ref {
                buf: b,
                mutable: of_b.iter().any(|a| a.store),
                range: Some(Box::new((
                    Expr::Var(off),
                    Expr::bin(BinOp::Add, Expr::Var(off), end.clone()),
                ))),
            },
            span: proc_macro2::Span::call_site(),
        });
        rows.insert(b, row);
    }
    if rows.is_empty() {
        return None;
    }
    let mut body = l.body.clone();
    walk_mut(&mut body, &mut |s| {
        if let Stmt::Store { buf, index, .. } = s {
            if let Some(row) = rows.get(buf) {
                *buf = *row;
                *index = Expr::Var(j);
            }
        }
        for e in s.exprs_mut() {
            reindex(e, &rows, j);
        }
    });
    // Every access now goes through the slices (else the buffer would be borrowed twice).
    let mut left = Vec::new();
    collect(&body, true, &mut left);
    if left.iter().any(|a| rows.contains_key(&a.buf)) {
        return None;
    }
    drop_unread(&mut body);
    l.body = body;
    Some((pre, end))
}

/// `e` with the body's top-level `let`s inlined, if it depends on nothing else the body
/// defines or changes (nor on `j`, nor on a load).
fn invariant(
    e: &Expr,
    lets: &HashMap<Var, Expr>,
    defined: &HashSet<Var>,
    assigned: &HashSet<Var>,
    j: Var,
    depth: usize,
) -> Option<Expr> {
    if depth > 4 {
        return None;
    }
    let mut ok = true;
    e.visit(&mut |x| ok &= !matches!(x, Expr::Load { .. } | Expr::Call { .. } | Expr::Pop(_)));
    if !ok {
        return None;
    }
    let mut out = e.clone();
    let mut failed = false;
    out.map_vars(&mut |v| {
        if v == j || assigned.contains(&v) {
            failed = true;
            None
        } else if let Some(def) = lets.get(&v) {
            let inlined = invariant(def, lets, defined, assigned, j, depth + 1);
            failed |= inlined.is_none();
            inlined
        } else {
            failed |= defined.contains(&v);
            None
        }
    });
    (!failed).then_some(out)
}

fn collect(block: &[Stmt], top_level: bool, out: &mut Vec<Access>) {
    for s in block {
        let index_var = |e: &Expr| match e {
            Expr::Var(v) => Some(*v),
            _ => None,
        };
        if let Stmt::Store { buf, index, .. } = s {
            out.push(Access {
                buf: *buf,
                index: index_var(index),
                top_level,
                store: true,
            });
        }
        if let Stmt::Append { buf, .. } = s {
            out.push(Access {
                buf: *buf,
                index: None,
                top_level,
                store: true,
            });
        }
        for e in s.exprs() {
            e.visit(&mut |x| match x {
                Expr::Load { buf, index } => out.push(Access {
                    buf: *buf,
                    index: index_var(index),
                    top_level,
                    store: false,
                }),
                Expr::Ref { buf, .. } | Expr::Len(buf) => out.push(Access {
                    buf: *buf,
                    index: None,
                    top_level,
                    store: false,
                }),
                _ => {}
            });
        }
        for b in s.blocks() {
            collect(b, false, out);
        }
    }
}

fn reindex(e: &mut Expr, rows: &HashMap<Var, Var>, j: Var) {
    if let Expr::Load { buf, index } = e {
        if let Some(row) = rows.get(buf) {
            *buf = *row;
            **index = Expr::Var(j);
            return;
        }
    }
    for c in e.children_mut() {
        reindex(c, rows, j);
    }
}

/// Removes the body's top-level `let`s nothing reads any more (the index computations).
fn drop_unread(body: &mut Block) {
    loop {
        let mut read = HashSet::new();
        walk(body, &mut |s| {
            s.visit_reads(&mut |v| {
                read.insert(v);
            })
        });
        let before = body.len();
        body.retain(|s| match s {
            Stmt::Let {
                vars,
                mutable: false,
                expr,
                ..
            } => expr.has_effects() || vars.iter().flatten().any(|v| read.contains(v)),
            _ => true,
        });
        if body.len() == before {
            return;
        }
    }
}
