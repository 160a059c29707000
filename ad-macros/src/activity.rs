//! Activity analysis: a variable needs a derivative only if it depends on an active input
//! (varied) and the output depends on it (useful). Both are reachability in the graph of
//! differentiable dependencies: an edge runs from each operand to the variable a statement
//! defines or assigns. Integer, boolean and comparison results carry no derivative. A cell
//! is one node for all its assignments, which is exact for SSA values and safe for cells.

use crate::diag::Diagnostics;
use crate::ir::{walk, Expr, Function, Stmt, Ty, UnOp, Var};
use crate::primitives;

pub struct Activity {
    varied: Vec<bool>,
    useful: Vec<bool>,
}

impl Activity {
    /// Depends on an active input.
    pub fn varied(&self, v: Var) -> bool {
        self.varied.get(v.0 as usize).copied().unwrap_or(false)
    }

    /// Varied and useful: the variable carries a derivative.
    pub fn active(&self, v: Var) -> bool {
        let i = v.0 as usize;
        i < self.varied.len() && self.varied[i] && self.useful[i]
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
        Expr::Load { buf, .. } if matches!(f.ty(*buf), Ty::Buffer(Some(_))) => vec![*buf],
        Expr::NewBuf { init, .. } => var(init).into_iter().collect(),
        // A call's results depend on every float and float buffer it is given.
        Expr::Call { args, .. } => args
            .iter()
            .filter_map(|a| match a {
                Expr::Var(v) if float(v) => Some(*v),
                Expr::Ref { buf, .. } if matches!(f.ty(*buf), Ty::Buffer(Some(_))) => Some(*buf),
                _ => None,
            })
            .collect(),
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

/// `outputs` are the `&mut` buffers whose contents the function returns, besides its value.
pub fn analyse(f: &Function, inputs: &[Var], outputs: &[Var], diag: &mut Diagnostics) -> Activity {
    let n = f.vars.len();
    // edges[a] = the variables that depend differentiably on a
    let mut edges: Vec<Vec<Var>> = vec![Vec::new(); n];
    let mut outputs: Vec<Var> = outputs.to_vec();
    let mut collect_outputs = |e: &Expr| e.visit_vars(&mut |v| outputs.push(v));
    if let Some(r) = &f.ret {
        collect_outputs(r);
    }
    walk(&f.stmts, &mut |stmt| match stmt {
        Stmt::Let { vars, expr, .. } => {
            check(f, expr, diag);
            // A call writes into the buffers it gets mutably.
            if let Expr::Call { args, .. } = expr {
                for a in args {
                    if let Expr::Ref {
                        buf, mutable: true, ..
                    } = a
                    {
                        for d in dependencies(f, expr) {
                            edges[d.0 as usize].push(*buf);
                        }
                    }
                }
            }
            for d in dependencies(f, expr) {
                for v in vars.iter().flatten() {
                    if matches!(f.ty(*v), Ty::Float(_) | Ty::Buffer(Some(_))) {
                        edges[d.0 as usize].push(*v);
                    }
                }
            }
        }
        Stmt::Assign { var, expr, .. } => {
            for d in dependencies(f, expr) {
                edges[d.0 as usize].push(*var);
            }
        }
        Stmt::Store {
            buf,
            value: Expr::Var(v),
            ..
        }
        | Stmt::Append {
            buf,
            value: Expr::Var(v),
        } if matches!(f.ty(*v), Ty::Float(_)) => edges[v.0 as usize].push(*buf),
        Stmt::Return(e) => collect_outputs(e),
        _ => {}
    });
    let mut varied = vec![false; n];
    let mut stack: Vec<Var> = inputs.to_vec();
    while let Some(v) = stack.pop() {
        if !std::mem::replace(&mut varied[v.0 as usize], true) {
            stack.extend(edges[v.0 as usize].iter().copied());
        }
    }
    let mut reverse_edges: Vec<Vec<Var>> = vec![Vec::new(); n];
    for (a, targets) in edges.iter().enumerate() {
        for t in targets {
            reverse_edges[t.0 as usize].push(Var(a as u32));
        }
    }
    let mut useful = vec![false; n];
    let mut stack = outputs;
    while let Some(v) = stack.pop() {
        if !std::mem::replace(&mut useful[v.0 as usize], true) {
            stack.extend(reverse_edges[v.0 as usize].iter().copied());
        }
    }
    // A method of a constant (a user method called as `self.g(x)`) has no companion the
    // compiler could name: an active argument would be silently dropped.
    walk(&f.stmts, &mut |stmt| {
        if let Stmt::Let {
            expr: Expr::Method { name, recv, args },
            ..
        } = stmt
        {
            let active_arg = args.iter().skip(1).any(|a| match a {
                Expr::Var(u) => varied[u.0 as usize] && matches!(f.ty(*u), Ty::Float(_)),
                _ => false,
            });
            if !matches!(recv, Ty::Float(_)) && active_arg {
                diag.error(
                    name,
                    format!(
                        "cannot differentiate the method call `.{name}(..)`: call it as \
                         `Self::{name}(self, ..)` (or `Type::{name}(..)`) so that its companions \
                         `{name}_jvp` / `{name}_vjp` are used"
                    ),
                );
            }
        }
    });
    Activity { varied, useful }
}

/// Rejects a float method that has no derivative rule.
fn check(_f: &Function, expr: &Expr, diag: &mut Diagnostics) {
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
                    "`{name}` is not a differentiable primitive; the supported float methods are \
                     listed in the README (sin, exp, ln, powi, powf, sqrt, max, ...)"
                ),
            );
        }
    }
}
