//! Forward mode: primal IR → IR of `f_jvp`.
//!
//! Each statement is followed by its tangent: `y = a * b` gains `dy = da * b + a * db`, and a
//! primitive call becomes its runtime rule, which returns the value and the partials
//! (`let (y, dy_dx) = ::ad::rules::sin(x); let dy = dy_dx * dx;`). Tangents exist only for
//! active variables; a tangent that equals another (`y = x`, `y = a + c` with `c` constant) is
//! that other variable, not a copy.

use crate::activity::Activity;
use crate::ir::{
    cells, BinOp, Block, Expr, Function, Loop, LoopKind, Origin, Param, Stmt, Ty, UnOp, Var,
};
use crate::primitives;
use std::collections::HashSet;

pub fn transform(primal: &Function, inputs: &[Var], act: &Activity) -> Function {
    let mut f = Function {
        vars: primal.vars.clone(),
        params: Vec::new(),
        stmts: Vec::new(),
        ret: None,
        generic: primal.generic.clone(),
        receiver: primal.receiver.clone(),
        ret_ty: {
            let t = &primal.ret_ty;
            syn::parse_quote!((#t, #t))
        },
    };
    let mut tangent: Vec<Option<Var>> = vec![None; primal.vars.len()];
    let mut checks = Vec::new();
    for p in &primal.params {
        f.params.push(p.clone());
        if inputs.contains(&p.var) {
            let t = f.new_var(Origin::Tangent(p.var), primal.ty(p.var));
            f.params.push(Param {
                var: t,
                ty: p.ty.clone(),
            });
            tangent[p.var.0 as usize] = Some(t);
            if matches!(primal.ty(p.var), Ty::Buffer(_)) && !crate::signature::is_scalar_ref(&p.ty)
            {
                checks.push(Stmt::CheckLen { a: t, b: p.var });
            }
        }
    }
    let mut fwd = Forward {
        primal,
        act,
        f,
        tangent,
        cells: cells(&primal.stmts),
        reads: crate::ir::reads(&primal.stmts, primal.ret.as_ref()),
    };
    fwd.f.stmts = checks;
    fwd.block(&primal.stmts);
    let mut f = fwd.f;
    if is_unit(&primal.ret_ty) {
        // The results are in the `&mut` buffers; `f_jvp` returns `()` too.
        f.ret_ty = primal.ret_ty.clone();
        f.ret = None;
        return f;
    }
    f.ret = primal
        .ret
        .as_ref()
        .map(|r| Expr::Tuple(vec![r.clone(), tangent_of(r, &fwd.tangent)]));
    f
}

/// `g` → `g_jvp`, `m::g` → `m::g_jvp`: the companion, named at the call's span.
pub fn companion(func: &syn::ExprPath, suffix: &str) -> syn::ExprPath {
    let mut path = func.clone();
    if let Some(last) = path.path.segments.last_mut() {
        let ident = syn::Ident::new(&format!("{}_{suffix}", last.ident), last.ident.span());
        last.ident = ident;
    }
    path
}

/// Whether a function's output type is `()`.
pub fn is_unit(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Tuple(t) if t.elems.is_empty())
}

struct Forward<'a> {
    primal: &'a Function,
    act: &'a Activity,
    /// The function being built; `f.stmts` is the block being written.
    f: Function,
    tangent: Vec<Option<Var>>,
    cells: HashSet<Var>,
    /// Every variable the primal reads.
    reads: HashSet<Var>,
}

impl Forward<'_> {
    fn block(&mut self, block: &Block) {
        for stmt in block {
            self.stmt(stmt);
        }
    }

    fn nested(&mut self, block: &Block) -> Block {
        let saved = std::mem::take(&mut self.f.stmts);
        self.block(block);
        std::mem::replace(&mut self.f.stmts, saved)
    }

    /// The tangent of an operand, if it has one.
    fn td(&self, e: &Expr) -> Option<Expr> {
        match e {
            Expr::Var(v) => self.tangent[v.0 as usize].map(Expr::Var),
            _ => None,
        }
    }

    fn stmt(&mut self, stmt: &Stmt) {
        match stmt {
            Stmt::Let {
                vars,
                mutable: true,
                expr,
                span,
            } => {
                // A cell's declaration: its tangent is a cell too.
                self.f.stmts.push(stmt.clone());
                for v in vars.iter().flatten() {
                    if self.act.active(*v) {
                        let t = self.f.new_var(Origin::Tangent(*v), self.primal.ty(*v));
                        self.tangent[v.0 as usize] = Some(t);
                        let init = match expr {
                            // A buffer's tangent: a buffer of the same length.
                            Expr::NewBuf { init, len } => Expr::NewBuf {
                                init: Box::new(self.td(init).unwrap_or(Expr::Zero)),
                                len: len.clone(),
                            },
                            Expr::NewVec { .. } => expr.clone(),
                            e => self.td(e).unwrap_or(Expr::Zero),
                        };
                        self.f.stmts.push(Stmt::Let {
                            vars: vec![Some(t)],
                            mutable: true,
                            expr: init,
                            span: *span,
                        });
                    }
                }
            }
            Stmt::Let {
                vars,
                expr: Expr::Call { func, args, array },
                span,
                ..
            } if args.iter().any(|a| self.arg_varied(a)) => {
                self.call(vars, func, args, *array, span)
            }
            Stmt::Let { .. } => self.let_stmt(stmt),
            Stmt::Declare { var } => {
                self.f.stmts.push(stmt.clone());
                if self.act.active(*var) {
                    let t = self.f.new_var(Origin::Tangent(*var), self.primal.ty(*var));
                    self.tangent[var.0 as usize] = Some(t);
                    self.f.stmts.push(Stmt::Declare { var: t });
                }
            }
            Stmt::Assign { var, op, expr } => {
                self.f.stmts.push(stmt.clone());
                if let Some(t) = self.tangent[var.0 as usize] {
                    if matches!(self.td(expr), Some(Expr::Var(d)) if d == t) {
                        return; // `y = y_1` where `dy_1` is `dy` itself
                    }
                    self.f.stmts.push(Stmt::Assign {
                        var: t,
                        op: *op,
                        expr: self.td(expr).unwrap_or(Expr::Zero),
                    });
                }
            }
            Stmt::If { cond, then, els } => {
                let then = self.nested(then);
                let els = self.nested(els);
                self.f.stmts.push(Stmt::If {
                    cond: cond.clone(),
                    then,
                    els,
                });
            }
            Stmt::Loop(l) => {
                let kind = match &l.kind {
                    LoopKind::While { cond, test } => LoopKind::While {
                        cond: self.nested(cond),
                        test: test.clone(),
                    },
                    other => other.clone(),
                };
                let body = self.nested(&l.body);
                self.f.stmts.push(Stmt::Loop(Box::new(Loop {
                    id: l.id,
                    label: l.label.clone(),
                    kind,
                    body,
                })));
            }
            Stmt::Store {
                buf,
                index,
                op,
                value,
            } => {
                self.f.stmts.push(stmt.clone());
                if let Some(t) = self.tangent[buf.0 as usize] {
                    self.f.stmts.push(Stmt::Store {
                        buf: t,
                        index: index.clone(),
                        op: *op,
                        value: self.td(value).unwrap_or(Expr::Zero),
                    });
                }
            }
            Stmt::Append { buf, value } => {
                self.f.stmts.push(stmt.clone());
                if let Some(t) = self.tangent[buf.0 as usize] {
                    self.f.stmts.push(Stmt::Append {
                        buf: t,
                        value: self.td(value).unwrap_or(Expr::Zero),
                    });
                }
            }
            Stmt::Return(_) if is_unit(&self.primal.ret_ty) => self.f.stmts.push(stmt.clone()),
            Stmt::Return(e) => {
                let de = tangent_of(e, &self.tangent);
                self.f
                    .stmts
                    .push(Stmt::Return(Expr::Tuple(vec![e.clone(), de])));
            }
            _ => self.f.stmts.push(stmt.clone()),
        }
    }

    fn arg_varied(&self, a: &Expr) -> bool {
        match a {
            Expr::Var(v) | Expr::Ref { buf: v, .. } => self.tangent[v.0 as usize].is_some(),
            _ => false,
        }
    }

    /// `let (y, dy) = g_jvp(a, da, ..);`: a call through the callee's forward companion, which
    /// takes a tangent after each float and each float buffer (zero for constants).
    fn call(
        &mut self,
        vars: &[Option<Var>],
        func: &syn::ExprPath,
        args: &[Expr],
        array: bool,
        span: &proc_macro2::Span,
    ) {
        let span = *span;
        let mut full = Vec::new();
        for a in args {
            full.push(a.clone());
            match a {
                Expr::Var(v) if matches!(self.primal.ty(*v), Ty::Float(_)) => {
                    full.push(self.td(a).unwrap_or(Expr::Zero))
                }
                Expr::Ref {
                    buf,
                    mutable,
                    range,
                } if matches!(self.primal.ty(*buf), Ty::Buffer(Some(_))) => {
                    let tangent = match self.tangent[buf.0 as usize] {
                        Some(t) => t,
                        None => {
                            // A constant buffer: a zero tangent of its length.
                            let t = self.f.new_var(Origin::Tangent(*buf), self.primal.ty(*buf));
                            self.f.stmts.push(Stmt::Let {
                                vars: vec![Some(t)],
                                mutable: *mutable,
                                expr: Expr::NewBuf {
                                    init: Box::new(Expr::Zero),
                                    len: Box::new(Expr::Len(*buf)),
                                },
                                span,
                            });
                            t
                        }
                    };
                    full.push(Expr::Ref {
                        buf: tangent,
                        mutable: *mutable,
                        range: range.clone(),
                    });
                }
                _ => {}
            }
        }
        let call = Expr::Call {
            func: companion(func, "jvp"),
            args: full,
            array: false,
        };
        // A call whose value is unused (or `()`): a statement.
        if vars.iter().flatten().all(|v| !self.reads.contains(v)) {
            self.f.stmts.push(Stmt::Let {
                vars: vec![None],
                mutable: false,
                expr: call,
                span,
            });
            return;
        }
        let result = self.f.new_var(Origin::Temp, Ty::Opaque);
        self.f.stmts.push(Stmt::Let {
            vars: vec![Some(result)],
            mutable: false,
            expr: call,
            span,
        });
        let field = |e: Expr, i: u32| Expr::Field(Box::new(e), i);
        let part = |e: Expr, k: usize| match array {
            true => Expr::Index(Box::new(e), k),
            false => field(e, k as u32),
        };
        for (k, slot) in vars.iter().enumerate() {
            let Some(y) = slot else { continue };
            // (y, dy) for one value, ((y0, y1), (dy0, dy1)) or ([y0, y1], [dy0, dy1]) for several.
            let (value, tangent) = if vars.len() == 1 && !array {
                (field(Expr::Var(result), 0), field(Expr::Var(result), 1))
            } else {
                (
                    part(field(Expr::Var(result), 0), k),
                    part(field(Expr::Var(result), 1), k),
                )
            };
            self.f.stmts.push(Stmt::Let {
                vars: vec![Some(*y)],
                mutable: false,
                expr: value,
                span,
            });
            if self.act.active(*y) {
                let t = self.f.new_var(Origin::Tangent(*y), self.primal.ty(*y));
                self.f.stmts.push(Stmt::Let {
                    vars: vec![Some(t)],
                    mutable: false,
                    expr: tangent,
                    span,
                });
                self.tangent[y.0 as usize] = Some(t);
            }
        }
    }

    /// An operation and its tangent.
    fn let_stmt(&mut self, stmt: &Stmt) {
        let Stmt::Let {
            vars, expr, span, ..
        } = stmt
        else {
            return;
        };
        let primal = self.primal;
        let act = self.act;
        let f = &mut self.f;
        let tangent = &mut self.tangent;
        let outs: Vec<Var> = vars.iter().flatten().copied().collect();
        if !outs.iter().any(|v| act.active(*v)) {
            f.stmts.push(stmt.clone());
            return;
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
        // A primitive: its rule gives the value and the partials.
        if let Some((name, args, floats)) = primitives::rule_of(expr, *span) {
            rule(f, tangent, &outs, &name, &args, floats, *span);
            return;
        }
        let result: Option<Var> = match expr {
            // An element of a buffer: the same element of its tangent.
            Expr::Load { buf, index } => {
                f.stmts.push(stmt.clone());
                match tangent[buf.0 as usize] {
                    Some(db) => define(
                        f,
                        Expr::Load {
                            buf: db,
                            index: index.clone(),
                        },
                    ),
                    None => None,
                }
            }
            // A load of a cell: the tangent cell changes later, so copy it.
            Expr::Var(a) if self.cells.contains(a) => {
                f.stmts.push(stmt.clone());
                match tangent[a.0 as usize] {
                    Some(da) => define(f, Expr::Var(da)),
                    None => None,
                }
            }
            Expr::Var(a) => {
                f.stmts.push(stmt.clone());
                tangent[a.0 as usize]
            }
            Expr::Cast(a, ty) => {
                f.stmts.push(stmt.clone());
                let same_width = matches!(&**a, Expr::Var(v) if primal.ty(*v) == ty_y);
                match td(a) {
                    Some(Expr::Var(da)) if same_width => Some(da),
                    Some(da) => define(f, Expr::Cast(Box::new(da), ty.clone())),
                    None => None,
                }
            }
            Expr::Unary(UnOp::Neg, a) => {
                f.stmts.push(stmt.clone());
                match td(a) {
                    Some(da) => define(f, Expr::neg(da)),
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
                    (BinOp::Add, Some(da), Some(db)) => define(f, Expr::bin(BinOp::Add, da, db)),
                    (BinOp::Sub, None, Some(db)) => define(f, Expr::neg(db)),
                    (BinOp::Sub, Some(da), Some(db)) => define(f, Expr::bin(BinOp::Sub, da, db)),
                    (BinOp::Mul, Some(da), None) => define(f, Expr::bin(BinOp::Mul, da, b)),
                    (BinOp::Mul, None, Some(db)) => define(f, Expr::bin(BinOp::Mul, a, db)),
                    (BinOp::Mul, Some(da), Some(db)) => define(
                        f,
                        Expr::bin(
                            BinOp::Add,
                            Expr::bin(BinOp::Mul, da, b),
                            Expr::bin(BinOp::Mul, a, db),
                        ),
                    ),
                    // y = a / b: dy = (da - y db) / b
                    (BinOp::Div, Some(da), None) => define(f, Expr::bin(BinOp::Div, da, b)),
                    (BinOp::Div, None, Some(db)) => define(
                        f,
                        Expr::bin(
                            BinOp::Div,
                            Expr::neg(Expr::bin(BinOp::Mul, Expr::Var(y), db)),
                            b,
                        ),
                    ),
                    (BinOp::Div, Some(da), Some(db)) => define(
                        f,
                        Expr::bin(
                            BinOp::Div,
                            Expr::bin(BinOp::Sub, da, Expr::bin(BinOp::Mul, Expr::Var(y), db)),
                            b,
                        ),
                    ),
                    _ => None,
                }
            }
            _ => {
                f.stmts.push(stmt.clone());
                None
            }
        };
        tangent[y.0 as usize] = result;
    }
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
