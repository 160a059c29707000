//! Neighbouring adjoint updates carried in a register.
//!
//! A stencil `f(x[i], x[i + 1])` in a loop becomes, in the reversed loop,
//! `x_bar[i] += a; x_bar[i + 1] += b;`: each element is updated by two consecutive iterations,
//! through memory. Besides doubling the memory traffic, the pair is often vectorised into one
//! 16-byte update that overlaps the next iteration's, which the processor cannot forward from
//! store to load (a stall of a dozen cycles per iteration). Going down the range, the update at
//! the lower offset is instead kept in a local and added to the higher one by the next
//! iteration, which is the same element:
//!
//! ```text
//! let mut carry = 0.0;
//! for i in (lo..hi).rev() { ..; x_bar[i + 1] += b + carry; carry = a; }
//! if lo < hi { x_bar[lo] += carry; }
//! ```
//!
//! Going up (a reversed loop fused with its forward loop runs up), the update at the higher
//! offset is the one carried, and the last one goes to `x_bar[hi]`.

use crate::ir::{
    rebuild, walk, Adaptor, AssignOp, BinOp, Block, Expr, Function, LoopKind, Origin, Stmt, Ty, Var,
};
use std::collections::HashMap;

pub fn carry_neighbour_updates(f: &mut Function) {
    let mut stmts = std::mem::take(&mut f.stmts);
    rebuild(&mut stmts, &mut |mut s| match carried(f, &mut s) {
        Some((mut before, after)) => {
            before.push(s);
            before.extend(after);
            before
        }
        None => vec![s],
    });
    f.stmts = stmts;
}

/// One of the two updates of a buffer in the loop body.
struct Update {
    at: usize,
    offset: i64,
    /// The value added (negated for `-=`).
    value: Expr,
}

/// Rewrites `s` if it is a descending unit-step loop with such a pair of updates; returns
/// what goes before and after it.
fn carried(f: &mut Function, s: &mut Stmt) -> Option<(Block, Block)> {
    let Stmt::Loop(l) = s else { return None };
    let LoopKind::For { var: i, iter } = &l.kind else {
        return None;
    };
    let descending = match iter.adaptors.as_slice() {
        [Adaptor::Rev] => true,
        [] => false,
        _ => return None,
    };
    if iter.inclusive || iter.checkpoint.is_some() {
        return None;
    }
    let (i, start, end) = (*i, iter.start.clone(), iter.end.clone());
    if crate::ir::jumps(&l.body) {
        return None;
    }
    // Offsets from the loop variable: `let t = i + c;`, `let t = i - c;`.
    let mut offset: HashMap<Var, i64> = HashMap::from([(i, 0)]);
    walk(&l.body, &mut |t| {
        if let Stmt::Let {
            vars,
            mutable: false,
            expr: Expr::Binary(op @ (BinOp::Add | BinOp::Sub), a, b),
            ..
        } = t
        {
            if let ([Some(v)], Expr::Var(x), Some(c)) = (vars.as_slice(), &**a, integer(b)) {
                if *x == i {
                    offset.insert(*v, if *op == BinOp::Add { c } else { -c });
                }
            }
        }
    });
    // The top-level `+=` / `-=` updates of each buffer, and every other mention of buffers.
    let mut updates: HashMap<Var, Vec<Update>> = HashMap::new();
    let mut mentions: HashMap<Var, usize> = HashMap::new();
    for (at, t) in l.body.iter().enumerate() {
        if let Stmt::Store {
            buf,
            index: Expr::Var(x),
            op: op @ (AssignOp::Add | AssignOp::Sub),
            value,
        } = t
        {
            if let Some(&o) = offset.get(x) {
                let value = if *op == AssignOp::Sub {
                    Expr::neg(value.clone())
                } else {
                    value.clone()
                };
                updates.entry(*buf).or_default().push(Update {
                    at,
                    offset: o,
                    value,
                });
            }
        }
    }
    walk(&l.body, &mut |t| {
        let mut count = |v: Var| *mentions.entry(v).or_default() += 1;
        match t {
            Stmt::Store {
                buf, index, value, ..
            } => {
                count(*buf);
                index.visit_vars(&mut count);
                value.visit_vars(&mut count);
            }
            other => other.visit_reads(&mut count),
        }
    });
    let (buf, mut pair) = updates.into_iter().find(|(b, u)| {
        u.len() == 2
            && mentions.get(b) == Some(&2)
            && (u[0].offset - u[1].offset).abs() == 1
            && matches!(f.ty(*b), Ty::Buffer(Some(_)))
    })?;
    pair.sort_by_key(|u| u.offset);
    // Going down, the lower offset's update is the next iteration's higher one, and is
    // carried; going up, the higher offset's.
    let (carried, kept) = if descending {
        (&pair[0], &pair[1])
    } else {
        (&pair[1], &pair[0])
    };
    // The carried update's value is read at the end of the body: it must still hold then.
    let mut assigned = std::collections::HashSet::new();
    walk(&l.body[carried.at + 1..], &mut |t| {
        if let Stmt::Assign { var, .. } | Stmt::Declare { var } = t {
            assigned.insert(*var);
        }
    });
    if carried.value.reads_any(|v| assigned.contains(&v)) {
        return None;
    }
    let Ty::Buffer(Some(width)) = f.ty(buf) else {
        return None;
    };
    let carry = f.new_var(Origin::Named("carry"), Ty::Float(width));
    let (carried_at, kept_at, carried_value) = (carried.at, kept.at, carried.value.clone());
    let Stmt::Store { value, .. } = &mut l.body[kept_at] else {
        return None;
    };
    *value = Expr::bin(BinOp::Add, kept.value.clone(), Expr::Var(carry));
    if let Stmt::Store { op, .. } = &mut l.body[kept_at] {
        *op = AssignOp::Add;
    }
    l.body.remove(carried_at);
    l.body.push(Stmt::Assign {
        var: carry,
        op: AssignOp::Set,
        expr: carried_value,
    });
    // The last iteration's carried update, to element `start + low` going down, to
    // `end - 1 + high` going up.
    let (base, shift) = if descending {
        (start.clone(), pair[0].offset)
    } else {
        (end.clone(), pair[1].offset - 1)
    };
    let literal = integer(&base);
    let first = match shift {
        0 => base.clone(),
        o if literal.is_some_and(|c| c + o >= 0) => {
            Expr::Usize(literal.map_or(0, |c| c + o) as usize)
        }
        o if o > 0 => Expr::bin(BinOp::Add, base.clone(), Expr::Usize(o as usize)),
        o => Expr::bin(
            BinOp::Sub,
            base.clone(),
            Expr::Usize(o.unsigned_abs() as usize),
        ),
    };
    let before = vec![Stmt::Let {
        vars: vec![Some(carry)],
        mutable: true,
        expr: Expr::Zero,
        span: proc_macro2::Span::call_site(),
    }];
    let after = vec![Stmt::If {
        cond: Expr::bin(BinOp::Lt, start, end),
        then: vec![Stmt::Store {
            buf,
            index: first,
            op: AssignOp::Add,
            value: Expr::Var(carry),
        }],
        els: Vec::new(),
    }];
    Some((before, after))
}

/// The value of an integer literal.
fn integer(e: &Expr) -> Option<i64> {
    match e {
        Expr::Usize(c) => i64::try_from(*c).ok(),
        Expr::Lit(syn::Lit::Int(c)) => c.base10_parse().ok(),
        _ => None,
    }
}
