//! Reverse mode: primal IR → IR of `f_vjp`.
//!
//! The forward sweep is the primal, with each active primitive call replaced by its runtime
//! rule so that the partials it needs later are kept in locals. The adjoint sweep visits the
//! statements in reverse order and accumulates each operand's adjoint (`a_bar += y_bar * b`).
//! Straight-line code in SSA form overwrites nothing, so nothing is stored beyond those locals.
//! An adjoint's first contribution declares it (`let a_bar = ..`), and it is `mut` only when
//! more follow.

use crate::activity::Activity;
use crate::ir::{AssignOp, BinOp, Expr, Function, Origin, Stmt, Ty, UnOp, Var};
use crate::primitives;
use crate::signature::Shape;
use proc_macro2::Span;

/// One term of an adjoint: `target_bar += expr` (or `-=` when `negate`).
struct Contribution {
    target: Var,
    expr: Expr,
    negate: bool,
}

pub fn transform(primal: &Function, inputs: &[Var], act: &Activity, output: &Shape) -> Function {
    let t = &primal.ret_ty;
    let mut f = Function {
        vars: primal.vars.clone(),
        params: primal.params.clone(),
        stmts: Vec::new(),
        ret: Expr::Zero,
        ret_ty: t.clone(),
    };
    let dout = f.new_var(Origin::Named("dout"), Ty::Opaque);
    f.params.push(crate::ir::Param {
        var: dout,
        ty: t.clone(),
    });

    // Forward sweep; remember the partials of each active primitive.
    let mut partials: Vec<Option<Vec<Vec<Option<Var>>>>> = Vec::with_capacity(primal.stmts.len());
    for stmt in &primal.stmts {
        let mut kept = None;
        match stmt {
            Stmt::Let {
                vars, expr, span, ..
            } if vars.iter().flatten().any(|v| act.active(*v)) => {
                let outs: Vec<Var> = vars.iter().flatten().copied().collect();
                let rule = match expr {
                    Expr::Method {
                        name,
                        recv: Ty::Float(_),
                        args,
                    } => primitives::lookup(&name.to_string())
                        .map(|p| (name.clone(), args.clone(), p.floats)),
                    Expr::Binary(BinOp::Rem, a, b) => Some((
                        syn::Ident::new(primitives::REM.name, *span),
                        vec![(**a).clone(), (**b).clone()],
                        2,
                    )),
                    _ => None,
                };
                match rule {
                    Some((name, args, floats)) => {
                        let table = forward_rule(&mut f, act, &outs, name, args, floats, *span);
                        kept = Some(table);
                    }
                    None => f.stmts.push(stmt.clone()),
                }
            }
            _ => f.stmts.push(stmt.clone()),
        }
        partials.push(kept);
    }

    // Adjoint sweep.
    let mut adjoint: Vec<Option<Var>> = vec![None; f.vars.len()];
    let mut terms: Vec<Contribution> = Vec::new();
    seed(&primal.ret, Expr::Var(dout), output, act, &mut terms);
    for (stmt, table) in primal.stmts.iter().zip(&partials).rev() {
        let Stmt::Let { vars, expr, .. } = stmt else {
            continue;
        };
        let outs: Vec<Var> = vars.iter().flatten().copied().collect();
        let bars: Vec<Option<Var>> = outs
            .iter()
            .map(|v| adjoint_var(&mut f, &mut adjoint, &terms, *v))
            .collect();
        if bars.iter().all(Option::is_none) {
            continue;
        }
        let active_var = |e: &Expr| match e {
            Expr::Var(v) if act.active(*v) => Some(*v),
            _ => None,
        };
        let mut push = |target: Option<Var>, expr: Expr, negate: bool| {
            if let Some(target) = target {
                terms.push(Contribution {
                    target,
                    expr,
                    negate,
                });
            }
        };
        if let Some(table) = table {
            let args: Vec<Var> = match expr {
                Expr::Method { args, .. } => args
                    .iter()
                    .filter_map(|a| match a {
                        Expr::Var(v) => Some(*v),
                        _ => None,
                    })
                    .collect(),
                Expr::Binary(_, a, b) => [a, b]
                    .iter()
                    .filter_map(|a| match &***a {
                        Expr::Var(v) => Some(*v),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            for (row, bar) in table.iter().zip(&bars) {
                let Some(bar) = bar else { continue };
                for (p, a) in row.iter().zip(&args) {
                    if let Some(p) = p {
                        push(
                            Some(*a),
                            Expr::bin(BinOp::Mul, Expr::Var(*p), Expr::Var(*bar)),
                            false,
                        );
                    }
                }
            }
            continue;
        }
        let (y, ybar) = match (outs.first(), bars.first()) {
            (Some(y), Some(Some(b))) => (*y, Expr::Var(*b)),
            _ => continue,
        };
        match expr {
            Expr::Var(a) => push(active_var(&Expr::Var(*a)), ybar, false),
            Expr::Cast(a, _) => {
                let back = match active_var(a) {
                    Some(v) if f.ty(v) != f.ty(y) => match f.ty(v) {
                        Ty::Float(w) => {
                            let ty = syn::Ident::new(w.name(), Span::call_site());
                            Expr::Cast(Box::new(ybar), Box::new(syn::parse_quote!(#ty)))
                        }
                        _ => ybar,
                    },
                    _ => ybar,
                };
                push(active_var(a), back, false)
            }
            Expr::Unary(UnOp::Neg, a) => push(active_var(a), ybar, true),
            Expr::Binary(op, a, b) => {
                let (ta, tb) = (active_var(a), active_var(b));
                let (a, b) = ((**a).clone(), (**b).clone());
                match op {
                    BinOp::Add => {
                        push(ta, ybar.clone(), false);
                        push(tb, ybar, false);
                    }
                    BinOp::Sub => {
                        push(ta, ybar.clone(), false);
                        push(tb, ybar, true);
                    }
                    BinOp::Mul => {
                        push(ta, Expr::bin(BinOp::Mul, ybar.clone(), b), false);
                        push(tb, Expr::bin(BinOp::Mul, ybar, a), false);
                    }
                    // y = a / b: a_bar += y_bar / b, b_bar -= y_bar * y / b
                    BinOp::Div => {
                        push(ta, Expr::bin(BinOp::Div, ybar.clone(), b.clone()), false);
                        push(
                            tb,
                            Expr::bin(BinOp::Div, Expr::bin(BinOp::Mul, ybar, Expr::Var(y)), b),
                            true,
                        );
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    let results: Vec<Expr> = inputs
        .iter()
        .map(|x| adjoint_var(&mut f, &mut adjoint, &terms, *x).map_or(Expr::Zero, Expr::Var))
        .collect();
    emit_terms(&mut f, terms, &adjoint);

    let y = primal.ret.clone();
    if inputs.is_empty() {
        f.ret = y;
    } else {
        let mut items = vec![y];
        items.extend(results);
        f.ret = Expr::Tuple(items);
        let scalars: Vec<&syn::Type> = primal
            .params
            .iter()
            .filter(|p| inputs.contains(&p.var))
            .map(|p| &p.ty)
            .collect();
        f.ret_ty = syn::parse_quote!((#t, #(#scalars),*));
    }
    f
}

/// The forward-sweep form of an active primitive: `let (y, dy_da, ..) = rule(args);`.
/// Returns, for each output, the partial with respect to each float argument that is active.
fn forward_rule(
    f: &mut Function,
    act: &Activity,
    outs: &[Var],
    name: syn::Ident,
    args: Vec<Expr>,
    floats: usize,
    span: Span,
) -> Vec<Vec<Option<Var>>> {
    let mut pattern: Vec<Option<Var>> = outs.iter().copied().map(Some).collect();
    let mut table = Vec::new();
    for &y in outs {
        let mut row = Vec::new();
        for a in args.iter().take(floats) {
            let p = match a {
                Expr::Var(a) if act.active(*a) && act.active(y) => {
                    Some(f.new_var(Origin::Partial(y, Some(*a)), f.ty(y)))
                }
                _ => None,
            };
            pattern.push(p);
            row.push(p);
        }
        table.push(row);
    }
    f.stmts.push(Stmt::Let {
        vars: pattern,
        mutable: false,
        expr: Expr::Rule { name, args },
        span,
    });
    table
}

/// Seeds the adjoints of the returned variables from `dout` (`dout.0`, `dout[1]`, ..).
fn seed(ret: &Expr, dout: Expr, shape: &Shape, act: &Activity, terms: &mut Vec<Contribution>) {
    match (ret, shape) {
        (Expr::Var(v), _) if act.active(*v) => terms.push(Contribution {
            target: *v,
            expr: dout,
            negate: false,
        }),
        (Expr::Tuple(items), Shape::Tuple(shapes)) => {
            for (i, (e, s)) in items.iter().zip(shapes).enumerate() {
                seed(
                    e,
                    Expr::Field(Box::new(dout.clone()), i as u32),
                    s,
                    act,
                    terms,
                );
            }
        }
        (Expr::Array(items), Shape::Array(elem, _)) => {
            for (i, e) in items.iter().enumerate() {
                seed(e, Expr::Index(Box::new(dout.clone()), i), elem, act, terms);
            }
        }
        _ => {}
    }
}

/// The adjoint variable of `v`, created on its first use, if anything flows into it.
fn adjoint_var(
    f: &mut Function,
    adjoint: &mut Vec<Option<Var>>,
    terms: &[Contribution],
    v: Var,
) -> Option<Var> {
    if adjoint.len() <= v.0 as usize {
        adjoint.resize(v.0 as usize + 1, None);
    }
    if adjoint[v.0 as usize].is_none() && terms.iter().any(|t| t.target == v) {
        adjoint[v.0 as usize] = Some(f.new_var(Origin::Adjoint(v), f.ty(v)));
    }
    adjoint[v.0 as usize]
}

/// Turns the contributions into statements: the first declares the adjoint, the rest add to it.
fn emit_terms(f: &mut Function, terms: Vec<Contribution>, adjoint: &[Option<Var>]) {
    let mut count = vec![0usize; f.vars.len()];
    for t in &terms {
        count[t.target.0 as usize] += 1;
    }
    let mut declared = vec![false; f.vars.len()];
    for t in terms {
        let Some(bar) = adjoint.get(t.target.0 as usize).copied().flatten() else {
            continue;
        };
        let i = t.target.0 as usize;
        if !declared[i] {
            declared[i] = true;
            f.stmts.push(Stmt::Let {
                vars: vec![Some(bar)],
                mutable: count[i] > 1,
                expr: if t.negate { Expr::neg(t.expr) } else { t.expr },
                span: Span::call_site(),
            });
        } else {
            f.stmts.push(Stmt::Assign {
                var: bar,
                op: if t.negate {
                    AssignOp::Sub
                } else {
                    AssignOp::Add
                },
                expr: t.expr,
            });
        }
    }
}
