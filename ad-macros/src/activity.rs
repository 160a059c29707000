//! Activity analysis: a variable needs a derivative only if it depends on an active input
//! (varied) and the output depends on it (useful). Both are data-flow facts over the
//! differentiable dependencies of each statement; integer, boolean and comparison results
//! carry no derivative.

use crate::diag::Diagnostics;
use crate::ir::{Expr, Function, Stmt, Ty, UnOp, Var};
use crate::primitives;

pub struct Activity {
    varied: Vec<bool>,
    useful: Vec<bool>,
}

impl Activity {
    /// Varied and useful: the variable carries a derivative.
    pub fn active(&self, v: Var) -> bool {
        self.varied[v.0 as usize] && self.useful[v.0 as usize]
    }
}

/// The operands through which `expr`'s value depends differentiably on other variables.
pub fn dependencies(f: &Function, expr: &Expr) -> Vec<Var> {
    let float = |v: &Var| matches!(f.ty(*v), Ty::Float(_));
    let var = |e: &Expr| match e {
        Expr::Var(v) if float(v) => Some(*v),
        _ => None,
    };
    match expr {
        Expr::Var(v) if float(v) => vec![*v],
        Expr::Unary(UnOp::Neg, a) => var(a).into_iter().collect(),
        Expr::Binary(op, a, b) if op.is_arithmetic() => var(a).into_iter().chain(var(b)).collect(),
        Expr::Cast(a, ty) => match crate::signature::classify(ty) {
            crate::signature::TypeClass::Scalar(Ty::Float(_)) => var(a).into_iter().collect(),
            _ => Vec::new(),
        },
        Expr::Method {
            name,
            recv: Ty::Float(_),
            args,
        } => {
            let floats = primitives::lookup(&name.to_string()).map_or(0, |p| p.floats);
            args.iter().take(floats).filter_map(var).collect()
        }
        _ => Vec::new(),
    }
}

pub fn analyse(f: &Function, inputs: &[Var], outputs: &[Var], diag: &mut Diagnostics) -> Activity {
    let n = f.vars.len();
    let mut varied = vec![false; n];
    let mut useful = vec![false; n];
    for v in inputs {
        varied[v.0 as usize] = true;
    }
    for stmt in &f.stmts {
        if let Stmt::Let {
            vars, expr, span, ..
        } = stmt
        {
            if let Expr::Call { func, args } = expr {
                let mut flows = false;
                for a in args {
                    a.visit_vars(&mut |v| flows |= varied[v.0 as usize]);
                }
                if flows {
                    let name = quote::quote!(#func).to_string().replace(' ', "");
                    diag.error_at(
                        *span,
                        format!(
                            "cannot differentiate through the call to `{name}`: calls of other \
                             functions with values that depend on the differentiated parameters \
                             are not supported yet; inline `{name}`'s body here, or pass it only \
                             constants"
                        ),
                    );
                }
            }
            if let Expr::Method {
                name,
                recv: Ty::Float(_),
                ..
            } = expr
            {
                if primitives::lookup(&name.to_string()).is_none() {
                    diag.error(
                        name,
                        format!(
                            "`{name}` is not a differentiable primitive; the supported float \
                             methods are listed in the README (sin, exp, ln, powi, powf, sqrt, \
                             max, ...)"
                        ),
                    );
                }
            }
            let deps = dependencies(f, expr);
            if deps.iter().any(|d| varied[d.0 as usize]) {
                for v in vars.iter().flatten() {
                    varied[v.0 as usize] = matches!(f.ty(*v), Ty::Float(_));
                }
            }
        }
    }
    for v in outputs {
        useful[v.0 as usize] = true;
    }
    for stmt in f.stmts.iter().rev() {
        if let Stmt::Let { vars, expr, .. } = stmt {
            if vars.iter().flatten().any(|v| useful[v.0 as usize]) {
                for d in dependencies(f, expr) {
                    useful[d.0 as usize] = true;
                }
            }
        }
    }
    Activity { varied, useful }
}
