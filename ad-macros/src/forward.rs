//! Forward mode: primal IR → IR of `f_jvp`.
//!
//! Each statement is followed by its tangent: `y = a * b` gains `dy = da * b + a * db`, and a
//! primitive call becomes its runtime rule, which returns the value and the partials
//! (`let (y, dy_dx) = ::ad::rules::sin(x); let dy = dy_dx * dx;`). Tangents exist only for
//! active variables; a tangent that equals another (`y = x`, `y = a + c` with `c` constant) is
//! that other variable, not a copy.

use crate::activity::Activity;
use crate::ir::{BinOp, Expr, Function, Origin, Param, Stmt, Ty, UnOp, Var};
use crate::primitives;

pub fn transform(primal: &Function, inputs: &[Var], act: &Activity) -> Function {
    let mut f = Function {
        vars: primal.vars.clone(),
        params: Vec::new(),
        stmts: Vec::new(),
        ret: Expr::Zero,
        ret_ty: {
            let t = &primal.ret_ty;
            syn::parse_quote!((#t, #t))
        },
    };
    let mut tangent: Vec<Option<Var>> = vec![None; primal.vars.len()];
    for p in &primal.params {
        f.params.push(p.clone());
        if inputs.contains(&p.var) {
            let t = f.new_var(Origin::Tangent(p.var), primal.ty(p.var));
            f.params.push(Param {
                var: t,
                ty: p.ty.clone(),
            });
            tangent[p.var.0 as usize] = Some(t);
        }
    }
    for stmt in &primal.stmts {
        let Stmt::Let {
            vars, expr, span, ..
        } = stmt
        else {
            f.stmts.push(stmt.clone());
            continue;
        };
        let outs: Vec<Var> = vars.iter().flatten().copied().collect();
        if !outs.iter().any(|v| act.active(*v)) {
            f.stmts.push(stmt.clone());
            continue;
        }
        let td = |v: &Expr| match v {
            Expr::Var(v) => tangent[v.0 as usize].map(Expr::Var),
            _ => None,
        };
        let y = outs[0];
        let ty = primal.ty(y);
        let ty_y = ty;
        let define = |f: &mut Function, e: Expr| {
            let t = f.new_var(Origin::Tangent(y), ty);
            f.stmts.push(Stmt::Let {
                vars: vec![Some(t)],
                mutable: false,
                expr: e,
                span: *span,
            });
            Some(t)
        };
        let result: Option<Var> = match expr {
            Expr::Var(a) => {
                f.stmts.push(stmt.clone());
                tangent[a.0 as usize]
            }
            Expr::Cast(a, ty) => {
                f.stmts.push(stmt.clone());
                let same_width = matches!(&**a, Expr::Var(v) if primal.ty(*v) == ty_y);
                match td(a) {
                    Some(Expr::Var(da)) if same_width => Some(da),
                    Some(da) => define(&mut f, Expr::Cast(Box::new(da), ty.clone())),
                    None => None,
                }
            }
            Expr::Unary(UnOp::Neg, a) => {
                f.stmts.push(stmt.clone());
                match td(a) {
                    Some(da) => define(&mut f, Expr::neg(da)),
                    None => None,
                }
            }
            Expr::Binary(op @ (BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div), a, b) => {
                f.stmts.push(stmt.clone());
                let (da, db) = (td(a), td(b));
                let (a, b) = ((**a).clone(), (**b).clone());
                let alias = |e: &Option<Expr>| match e {
                    Some(Expr::Var(v)) => Some(*v),
                    _ => None,
                };
                match (op, da, db) {
                    (_, None, None) => None,
                    (BinOp::Add | BinOp::Sub, Some(da), None) => alias(&Some(da)),
                    (BinOp::Add, None, Some(db)) => alias(&Some(db)),
                    (BinOp::Add, Some(da), Some(db)) => {
                        define(&mut f, Expr::bin(BinOp::Add, da, db))
                    }
                    (BinOp::Sub, None, Some(db)) => define(&mut f, Expr::neg(db)),
                    (BinOp::Sub, Some(da), Some(db)) => {
                        define(&mut f, Expr::bin(BinOp::Sub, da, db))
                    }
                    (BinOp::Mul, Some(da), None) => define(&mut f, Expr::bin(BinOp::Mul, da, b)),
                    (BinOp::Mul, None, Some(db)) => define(&mut f, Expr::bin(BinOp::Mul, a, db)),
                    (BinOp::Mul, Some(da), Some(db)) => define(
                        &mut f,
                        Expr::bin(
                            BinOp::Add,
                            Expr::bin(BinOp::Mul, da, b),
                            Expr::bin(BinOp::Mul, a, db),
                        ),
                    ),
                    // y = a / b: dy = (da - y db) / b
                    (BinOp::Div, Some(da), None) => define(&mut f, Expr::bin(BinOp::Div, da, b)),
                    (BinOp::Div, None, Some(db)) => define(
                        &mut f,
                        Expr::bin(
                            BinOp::Div,
                            Expr::neg(Expr::bin(BinOp::Mul, Expr::Var(y), db)),
                            b,
                        ),
                    ),
                    (BinOp::Div, Some(da), Some(db)) => define(
                        &mut f,
                        Expr::bin(
                            BinOp::Div,
                            Expr::bin(BinOp::Sub, da, Expr::bin(BinOp::Mul, Expr::Var(y), db)),
                            b,
                        ),
                    ),
                    _ => None,
                }
            }
            Expr::Binary(BinOp::Rem, a, b) => {
                let name = syn::Ident::new(primitives::REM.name, *span);
                rule(
                    &mut f,
                    &mut tangent,
                    &outs,
                    &name,
                    &[(**a).clone(), (**b).clone()],
                    2,
                    *span,
                );
                None
            }
            Expr::Method {
                name,
                recv: Ty::Float(_),
                args,
            } => {
                let floats = primitives::lookup(&name.to_string()).map_or(0, |p| p.floats);
                rule(&mut f, &mut tangent, &outs, name, args, floats, *span);
                None
            }
            _ => {
                f.stmts.push(stmt.clone());
                None
            }
        };
        if !matches!(expr, Expr::Method { .. } | Expr::Binary(BinOp::Rem, ..)) {
            tangent[y.0 as usize] = result;
        }
    }
    let dret = tangent_of(&primal.ret, &tangent);
    f.ret = Expr::Tuple(vec![primal.ret.clone(), dret]);
    f
}

/// `let (y.., dy_da..) = rule(args); let dy = dy_da * da + ..;`
fn rule(
    f: &mut Function,
    tangent: &mut [Option<Var>],
    outs: &[Var],
    name: &syn::Ident,
    args: &[Expr],
    floats: usize,
    span: proc_macro2::Span,
) {
    let mut pattern: Vec<Option<Var>> = outs.iter().copied().map(Some).collect();
    let mut partials: Vec<Vec<(Var, Var)>> = Vec::new();
    for &y in outs {
        let mut row = Vec::new();
        for a in args.iter().take(floats) {
            let da = match a {
                Expr::Var(a) => tangent[a.0 as usize].map(|t| (*a, t)),
                _ => None,
            };
            match da {
                Some((a, t)) => {
                    let p = f.new_var(Origin::Partial(y, Some(a)), f.ty(y));
                    pattern.push(Some(p));
                    row.push((p, t));
                }
                None => pattern.push(None),
            }
        }
        partials.push(row);
    }
    f.stmts.push(Stmt::Let {
        vars: pattern,
        mutable: false,
        expr: Expr::Rule {
            name: name.clone(),
            args: args.to_vec(),
        },
        span,
    });
    for (&y, row) in outs.iter().zip(partials) {
        let sum = row
            .into_iter()
            .map(|(p, t)| Expr::bin(BinOp::Mul, Expr::Var(p), Expr::Var(t)))
            .reduce(|acc, term| Expr::bin(BinOp::Add, acc, term));
        tangent[y.0 as usize] = sum.map(|e| {
            let t = f.new_var(Origin::Tangent(y), f.ty(y));
            f.stmts.push(Stmt::Let {
                vars: vec![Some(t)],
                mutable: false,
                expr: e,
                span,
            });
            t
        });
    }
}

/// The tangent of the returned value, with the same shape; constant parts are zero.
fn tangent_of(ret: &Expr, tangent: &[Option<Var>]) -> Expr {
    match ret {
        Expr::Var(v) => tangent[v.0 as usize].map_or(Expr::Zero, Expr::Var),
        Expr::Tuple(items) => Expr::Tuple(items.iter().map(|e| tangent_of(e, tangent)).collect()),
        Expr::Array(items) => Expr::Array(items.iter().map(|e| tangent_of(e, tangent)).collect()),
        _ => Expr::Zero,
    }
}
