//! Clean-up of a derivative program before emission: generated temporaries that merely copy a
//! variable or hold a literal are substituted into their uses, temporaries used once are
//! written into their use, dead definitions are removed (so the generated code has no unused
//! variables), and a final `let y = ..; y` becomes the tail expression.

use crate::ir::{Expr, Function, Origin, Stmt, Ty, Var};

pub fn simplify(f: &mut Function) {
    propagate_copies(f);
    remove_dead(f);
    inline_single_use(f);
    inline_tail(f);
}

fn propagate_copies(f: &mut Function) {
    let mut subst: Vec<Option<Expr>> = vec![None; f.vars.len()];
    let mut mutable = vec![false; f.vars.len()];
    for s in &f.stmts {
        if let Stmt::Let {
            vars,
            mutable: true,
            ..
        } = s
        {
            for v in vars.iter().flatten() {
                mutable[v.0 as usize] = true;
            }
        }
    }
    let mut kept = Vec::with_capacity(f.stmts.len());
    for mut stmt in std::mem::take(&mut f.stmts) {
        substitute(&mut stmt, &subst, f);
        if let Stmt::Let {
            vars,
            mutable: false,
            expr,
            ..
        } = &stmt
        {
            if let [Some(v)] = vars.as_slice() {
                let copy = match (&f.vars[v.0 as usize].origin, expr) {
                    (Origin::Temp, Expr::Lit(_) | Expr::Path(_) | Expr::Zero) => true,
                    (Origin::Temp | Origin::Adjoint(_), Expr::Var(src)) => !mutable[src.0 as usize],
                    _ => false,
                };
                if copy {
                    subst[v.0 as usize] = Some(expr.clone());
                    continue;
                }
            }
        }
        kept.push(stmt);
    }
    f.stmts = kept;
    let mut ret = std::mem::replace(&mut f.ret, Expr::Zero);
    ret.map_vars(&mut |v| subst[v.0 as usize].clone());
    f.ret = ret;
}

/// Substitutes copies into a statement. A literal is not put where it would become the
/// receiver of a method call (`2.pow(n)` does not type-check).
fn substitute(stmt: &mut Stmt, subst: &[Option<Expr>], f: &Function) {
    let mut lookup = |v: Var| subst[v.0 as usize].clone();
    match stmt {
        Stmt::Let {
            expr: Expr::Method { recv, args, .. },
            ..
        } if !matches!(recv, Ty::Float(_)) => {
            for (i, a) in args.iter_mut().enumerate() {
                if i == 0 {
                    a.map_vars(&mut |v| lookup(v).filter(|e| matches!(e, Expr::Var(_))));
                } else {
                    a.map_vars(&mut lookup);
                }
            }
        }
        Stmt::Let { expr, .. } | Stmt::Assign { expr, .. } => expr.map_vars(&mut lookup),
        Stmt::Item(_) => {}
    }
    let _ = f;
}

fn remove_dead(f: &mut Function) {
    let mut live = vec![false; f.vars.len()];
    f.ret.visit_vars(&mut |v| live[v.0 as usize] = true);
    let mut kept = Vec::with_capacity(f.stmts.len());
    for mut stmt in std::mem::take(&mut f.stmts).into_iter().rev() {
        let keep = match &mut stmt {
            Stmt::Let { vars, expr, .. } => {
                for slot in vars.iter_mut() {
                    if slot.is_some_and(|v| !live[v.0 as usize]) {
                        *slot = None;
                    }
                }
                vars.iter().any(Option::is_some) || expr.has_effects()
            }
            Stmt::Assign { var, .. } => live[var.0 as usize],
            Stmt::Item(_) => true,
        };
        if keep {
            stmt.visit_reads(&mut |v| live[v.0 as usize] = true);
            kept.push(stmt);
        }
    }
    kept.reverse();
    f.stmts = kept;
}

fn inline_tail(f: &mut Function) {
    let Expr::Var(r) = f.ret else { return };
    if let Some(Stmt::Let {
        vars,
        mutable: false,
        expr,
        ..
    }) = f.stmts.last()
    {
        if vars.as_slice() == [Some(r)] {
            f.ret = expr.clone();
            f.stmts.pop();
        }
    }
}

/// Writes a temporary (or a temporary's tangent) that is read exactly once into the
/// expression that reads it. Both are immutable and read only immutable variables, so moving
/// one later cannot change its value.
fn inline_single_use(f: &mut Function) {
    let mut uses = vec![0usize; f.vars.len()];
    let mut receiver = vec![false; f.vars.len()];
    for s in &f.stmts {
        s.visit_reads(&mut |v| uses[v.0 as usize] += 1);
        if let Stmt::Let {
            expr: Expr::Method { recv, args, .. },
            ..
        } = s
        {
            if let (false, Some(Expr::Var(v))) = (matches!(recv, Ty::Float(_)), args.first()) {
                receiver[v.0 as usize] = true;
            }
        }
    }
    f.ret.visit_vars(&mut |v| uses[v.0 as usize] += 1);
    let mut subst: Vec<Option<Expr>> = vec![None; f.vars.len()];
    let mut kept = Vec::with_capacity(f.stmts.len());
    for mut stmt in std::mem::take(&mut f.stmts) {
        match &mut stmt {
            Stmt::Let { expr, .. } | Stmt::Assign { expr, .. } => {
                expr.map_vars(&mut |v| subst[v.0 as usize].take())
            }
            Stmt::Item(_) => {}
        }
        if let Stmt::Let {
            vars,
            mutable: false,
            expr,
            ..
        } = &stmt
        {
            if let [Some(v)] = vars.as_slice() {
                let i = v.0 as usize;
                let temp = |v: Var| matches!(f.vars[v.0 as usize].origin, Origin::Temp);
                let inlinable = match f.vars[i].origin {
                    Origin::Temp => true,
                    Origin::Tangent(x) => temp(x),
                    _ => false,
                };
                if inlinable && uses[i] == 1 && !receiver[i] && !expr.has_effects() {
                    subst[i] = Some(expr.clone());
                    continue;
                }
            }
        }
        kept.push(stmt);
    }
    f.stmts = kept;
    f.ret.map_vars(&mut |v| subst[v.0 as usize].take());
}
