//! Reverse mode: primal IR → IR of `f_vjp`.
//!
//! The primal is first structurized (no jumps). Then each block becomes a forward-sweep block
//! (the primal, with each active primitive replaced by its runtime rule so the partials it
//! needs are kept) and an adjoint-sweep block (the adjoints of its statements in reverse order,
//! accumulated with `+=`); an `if` is reversed as an `if` on the same condition, a `for` loop
//! as the same loop over the reversed range, a `while` loop as a `for` over its recorded trip
//! count.
//!
//! What to record: the adjoint sweep of a block reads some values the block defines. At the
//! top level they are still in scope. In a nested block (a loop body, a branch) they are gone
//! by then, so each is either recomputed at the start of the reversed block (a constant-valued
//! operation on values available there, such as `i as f64`) or pushed on its own tape at the
//! end of the block and popped at the start of the reversed block. Values that the adjoint
//! sweep does not read are never recorded; code without loops or branches records nothing.

use crate::activity::{self, Activity};
use crate::diag::Diagnostics;
use crate::ir::{
    cells, Adaptor, AssignOp, BinOp, Block, Expr, Function, Iter, Loop, LoopId, LoopKind, Origin,
    Param, Stmt, Ty, UnOp, Var,
};
use crate::primitives;
use crate::signature::Shape;
use crate::structurize::structurize;
use proc_macro2::Span;
use std::collections::{BTreeSet, HashSet};

pub fn transform(primal: &Function, inputs: &[Var], outputs: &[Var], output: &Shape) -> Function {
    let mut p = primal.clone();
    structurize(&mut p, output);
    let act = activity::analyse(&p, inputs, outputs, &mut Diagnostics::default());
    let t = &p.ret_ty;
    let unit = matches!(output, Shape::Unit);
    let mut f = Function {
        vars: p.vars.clone(),
        params: Vec::new(),
        stmts: Vec::new(),
        ret: None,
        ret_ty: t.clone(),
        generic: p.generic.clone(),
        receiver: p.receiver.clone(),
    };
    // Each active buffer is followed by its adjoint buffer.
    let mut adjoint = Vec::new();
    let mut checks = Vec::new();
    for q in &p.params {
        f.params.push(q.clone());
        if inputs.contains(&q.var) && matches!(p.ty(q.var), Ty::Buffer(_)) {
            let bar = f.new_var(Origin::Adjoint(q.var), p.ty(q.var));
            f.params.push(Param {
                var: bar,
                ty: crate::signature::adjoint_type(&q.ty),
            });
            if adjoint.len() <= q.var.0 as usize {
                adjoint.resize(q.var.0 as usize + 1, None);
            }
            adjoint[q.var.0 as usize] = Some(bar);
            if !crate::signature::is_scalar_ref(&q.ty) {
                checks.push(Stmt::CheckLen { a: bar, b: q.var });
            }
        }
    }
    let dout = f.new_var(Origin::Named("dout"), Ty::Opaque);
    if !unit {
        f.params.push(Param {
            var: dout,
            ty: t.clone(),
        });
    }
    let mut stored = HashSet::new();
    crate::ir::walk(&p.stmts, &mut |s| stored.extend(s.written_buffers()));
    let params: Vec<Var> = p.params.iter().map(|q| q.var).collect();
    let mut r = Reverse {
        cells: cells(&p.stmts),
        act,
        f,
        adjoint,
        tapes: Vec::new(),
        next_loop: 1_000_000,
        stored,
        buffer_len: std::collections::HashMap::new(),
        frozen_after: crate::ir::frozen_after(&p.stmts),
        appended: crate::ir::appended(&p.stmts),
        loop_depth: 0,
        branch_records: Vec::new(),
        slots: HashSet::new(),
        top_index: 0,
        primal_reads: crate::ir::reads(&p.stmts, p.ret.as_ref()),
        params: params.clone(),
        restored_params: Vec::new(),
    };
    let mut seeds = Vec::new();
    if let Some(ret) = &p.ret {
        r.seed(ret, Expr::Var(dout), output, &mut seeds);
    }
    let mut top = r.block(&p.stmts, Some((&params, seeds)));
    for buf in std::mem::take(&mut r.restored_params) {
        let tape = r.fresh(Origin::Tape(buf), Ty::Opaque);
        r.tapes.push(tape);
        let place = |mutable| Expr::Ref {
            buf,
            mutable,
            range: None,
        };
        top.fwd.push(Stmt::Push {
            tape,
            value: place(false),
        });
        top.rev.push(Stmt::Restore {
            tape,
            place: place(true),
        });
    }
    let scalars: Vec<Var> = inputs
        .iter()
        .copied()
        .filter(|x| !matches!(p.ty(*x), Ty::Buffer(_)))
        .collect();
    let inputs = &scalars;
    let results: Vec<Expr> = inputs
        .iter()
        .map(|x| {
            r.adjoint
                .get(x.0 as usize)
                .copied()
                .flatten()
                .map_or(Expr::Zero, Expr::Var)
        })
        .collect();
    let mut f = r.f;
    let mut stmts: Block = r
        .tapes
        .iter()
        .map(|t| Stmt::Let {
            vars: vec![Some(*t)],
            mutable: true,
            expr: if r.slots.contains(t) {
                Expr::NewSlot
            } else {
                Expr::NewTape
            },
            span: Span::call_site(),
        })
        .collect();
    stmts.extend(checks);
    stmts.extend(top.fwd);
    stmts.extend(top.rev);
    f.stmts = stmts;
    let y = p.ret.clone().unwrap_or(Expr::Zero);
    let scalar_types: Vec<&syn::Type> = p
        .params
        .iter()
        .filter(|q| inputs.contains(&q.var))
        .map(|q| &q.ty)
        .collect();
    if unit {
        // No value: the adjoints of the active scalars, `()`, one, or a tuple.
        match results.as_slice() {
            [] => {
                f.ret = None;
                f.ret_ty = syn::parse_quote!(());
            }
            [one] => {
                f.ret = Some(one.clone());
                f.ret_ty = scalar_types[0].clone();
            }
            _ => {
                f.ret = Some(Expr::Tuple(results));
                f.ret_ty = syn::parse_quote!((#(#scalar_types),*));
            }
        }
    } else if inputs.is_empty() {
        f.ret = Some(y);
    } else {
        let mut items = vec![y];
        items.extend(results);
        f.ret = Some(Expr::Tuple(items));
        f.ret_ty = syn::parse_quote!((#t, #(#scalar_types),*));
    }
    f
}

/// Values recorded together share a tuple; values of one size share it without padding.
fn size_class(ty: Ty) -> u8 {
    match ty {
        Ty::Float(crate::ir::FloatTy::F64) | Ty::Int => 0,
        Ty::Float(crate::ir::FloatTy::F32) => 1,
        Ty::Bool => 2,
        Ty::Float(crate::ir::FloatTy::Generic) => 3,
        _ => 4,
    }
}

/// The two sweeps of one block, and what the reversed block needs from outside it.
struct Swept {
    fwd: Block,
    rev: Block,
    /// Variables the adjoint code reads that the block does not define.
    free: BTreeSet<Var>,
    /// Tapes pushed directly by this block or by its branches, at most once per execution
    /// of the block: to reserve before a loop over it.
    recorded: Vec<Var>,
}

struct Reverse {
    act: Activity,
    /// The function being built (its variables; its body is assembled at the end).
    f: Function,
    cells: HashSet<Var>,
    adjoint: Vec<Option<Var>>,
    tapes: Vec<Var>,
    next_loop: u32,
    /// Buffers written by the primal (their elements cannot be re-read in the adjoint sweep).
    stored: HashSet<Var>,
    /// The length of each local buffer, to size its adjoint.
    buffer_len: std::collections::HashMap<Var, Expr>,
    /// For each buffer the primal writes, the index of the first top-level statement after
    /// its last write: loads in that statement or later read its final contents, which the
    /// adjoint sweep can read again instead of recording them.
    frozen_after: std::collections::HashMap<Var, usize>,
    /// The top-level statement being transformed.
    top_index: usize,
    /// Buffers that grow by `push`: their length is not a constant.
    appended: HashSet<Var>,
    /// How many loops enclose the block being transformed.
    loop_depth: usize,
    /// Tapes the branches of the block being swept record on (see `Swept::recorded`).
    branch_records: Vec<Var>,
    /// Tapes of blocks outside loops, which hold at most one record: `ad::Slot`s.
    slots: HashSet<Var>,
    /// Variables the primal reads (a call whose value nothing reads returns `()`).
    primal_reads: HashSet<Var>,
    params: Vec<Var>,
    /// `&mut` parameters that calls' buffers were put back into in the adjoint sweep: their
    /// final contents are recorded at the end of the forward sweep and put back at the end.
    restored_params: Vec<Var>,
}

impl Reverse {
    fn bar(&mut self, v: Var) -> Var {
        let i = v.0 as usize;
        if self.adjoint.len() <= i {
            self.adjoint.resize(i + 1, None);
        }
        if let Some(b) = self.adjoint[i] {
            return b;
        }
        let b = self.f.new_var(Origin::Adjoint(v), self.f.ty(v));
        self.adjoint[i] = Some(b);
        b
    }

    fn active_var(&self, e: &Expr) -> Option<Var> {
        match e {
            Expr::Var(v) if self.act.active(*v) => Some(*v),
            _ => None,
        }
    }

    /// `target_bar += expr` (or `-=`), if `target` carries a derivative.
    fn add(&mut self, out: &mut Block, target: Option<Var>, expr: Expr, negate: bool) {
        if let Some(t) = target {
            let var = self.bar(t);
            out.push(Stmt::Assign {
                var,
                op: if negate { AssignOp::Sub } else { AssignOp::Add },
                expr,
            });
        }
    }

    fn seed(&mut self, ret: &Expr, dout: Expr, shape: &Shape, out: &mut Block) {
        match (ret, shape) {
            (Expr::Var(v), _) => {
                let t = self.active_var(&Expr::Var(*v));
                self.add(out, t, dout, false)
            }
            (Expr::Tuple(items), Shape::Tuple(shapes)) => {
                for (i, (e, s)) in items.iter().zip(shapes).enumerate() {
                    self.seed(e, Expr::Field(Box::new(dout.clone()), i as u32), s, out);
                }
            }
            (Expr::Array(items), Shape::Array(elem, _)) => {
                for (i, e) in items.iter().enumerate() {
                    self.seed(e, Expr::Index(Box::new(dout.clone()), i), elem, out);
                }
            }
            _ => {}
        }
    }

    /// The adjoint of `b[i] = v` (`v_bar += b_bar[i]; b_bar[i] = 0`) or of `b[i] += v` / `-=`
    /// (`v_bar ±= b_bar[i]`, which leaves `b_bar[i]` as it is).
    fn element_adjoint(
        &mut self,
        rev: &mut Block,
        buf: Var,
        index: &Expr,
        value: &Expr,
        op: AssignOp,
    ) {
        if !self.act.active(buf) {
            return;
        }
        let bar = self.bar(buf);
        let src = self.active_var(value);
        let element = Expr::Load {
            buf: bar,
            index: Box::new(index.clone()),
        };
        self.add(rev, src, element, op == AssignOp::Sub);
        if op == AssignOp::Set {
            rev.push(Stmt::Store {
                buf: bar,
                index: index.clone(),
                op: AssignOp::Set,
                value: Expr::Zero,
            });
        }
    }

    /// `for k in 0..buf.len() { let t = buf[k]; <body(k, t)> }`
    fn each_element(&mut self, buf: Var, body: impl FnOnce(Var, Var) -> Stmt) -> Stmt {
        let k = self.fresh(Origin::Temp, Ty::Int);
        let elem = match self.f.ty(buf) {
            Ty::Buffer(Some(f)) => Ty::Float(f),
            _ => Ty::Int,
        };
        let t = self.fresh(Origin::Temp, elem);
        let id = LoopId(self.next_loop);
        self.next_loop += 1;
        Stmt::Loop(Box::new(Loop {
            id,
            label: None,
            kind: LoopKind::For {
                var: k,
                iter: Iter {
                    start: Expr::Usize(0),
                    end: Expr::Len(buf),
                    inclusive: false,
                    adaptors: Vec::new(),
                    checkpoint: None,
                },
            },
            body: vec![
                Stmt::Let {
                    vars: vec![Some(t)],
                    mutable: false,
                    expr: Expr::Load {
                        buf,
                        index: Box::new(Expr::Var(k)),
                    },
                    span: Span::call_site(),
                },
                body(k, t),
            ],
        }))
    }

    fn fresh(&mut self, origin: Origin, ty: Ty) -> Var {
        self.f.new_var(origin, ty)
    }

    /// Both sweeps of `block`. `top` holds the parameters and the output seeds when this is
    /// the function's body.
    fn block(&mut self, block: &Block, top: Option<(&[Var], Block)>) -> Swept {
        let mut fwd = Vec::new();
        let mut parts: Vec<Block> = Vec::new();
        let mut free = BTreeSet::new();
        let outer_branches = std::mem::take(&mut self.branch_records);
        for (i, stmt) in block.iter().enumerate() {
            if top.is_some() {
                self.top_index = i;
            }
            let mut part = Vec::new();
            self.stmt(stmt, &mut fwd, &mut part, &mut free);
            parts.push(part);
        }
        let branch_records = std::mem::replace(&mut self.branch_records, outer_branches);
        let mut rev_body: Block = parts.into_iter().rev().flatten().collect();
        for s in &rev_body {
            s.visit_reads(&mut |v| {
                free.insert(v);
            });
        }
        // What this block defines, in order.
        let mut defined: Vec<Var> = Vec::new();
        if let Some((params, _)) = &top {
            defined.extend(params.iter().copied());
        }
        for s in &fwd {
            match s {
                Stmt::Let { vars, .. } => defined.extend(vars.iter().flatten().copied()),
                Stmt::Declare { var } => defined.push(*var),
                _ => {}
            }
        }
        let defined_set: HashSet<Var> = defined.iter().copied().collect();
        let mut decls = Vec::new();
        // Adjoints of this block's values start at zero at the start of the reversed block
        // (buffer parameters have theirs passed in).
        for v in &defined {
            if let Some(Some(b)) = self.adjoint.get(v.0 as usize) {
                let expr = match self.f.ty(*v) {
                    Ty::Buffer(_) => match self.buffer_len.get(v) {
                        Some(len) => Expr::NewBuf {
                            init: Box::new(Expr::Zero),
                            len: Box::new(len.clone()),
                        },
                        None => continue,
                    },
                    _ => Expr::Zero,
                };
                decls.push(Stmt::Let {
                    vars: vec![Some(*b)],
                    mutable: true,
                    expr,
                    span: Span::call_site(),
                });
            }
        }
        for d in &decls {
            d.visit_reads(&mut |v| {
                free.insert(v);
            });
        }
        let mut prefix = Vec::new();
        let mut recorded = branch_records;
        if top.is_none() {
            // Recompute or record what the reversed block reads of this block's values.
            let mut needed: BTreeSet<Var> = free
                .iter()
                .copied()
                .filter(|v| defined_set.contains(v))
                .collect();
            let mut recompute: HashSet<Var> = HashSet::new();
            let mut record: Vec<Var> = Vec::new();
            let direct = needed.clone();
            let mut work: Vec<Var> = needed.iter().copied().collect();
            while let Some(v) = work.pop() {
                // Recomputing `v` must not make the block record an operand nothing else needs
                // (`v > m` would record the float `m`): then record `v` itself.
                let recomputed = self.recomputable(v, &fwd).filter(|e| {
                    // Recording a `max`/`min` choice (a byte) beats recording its partials.
                    if primitives::is_choice_partials(e) {
                        return true;
                    }
                    let mut costly = false;
                    e.visit_vars(&mut |u| {
                        // A buffer of this block is never made again just to read it.
                        let buffer = matches!(self.f.ty(u), Ty::Buffer(_));
                        costly |= defined_set.contains(&u)
                            && !direct.contains(&u)
                            && (buffer || !self.recomputes_freely(u, &fwd, &defined_set, 0));
                    });
                    !costly
                });
                match recomputed {
                    Some(expr) => {
                        recompute.insert(v);
                        expr.visit_vars(&mut |u| {
                            if defined_set.contains(&u) {
                                if needed.insert(u) {
                                    work.push(u);
                                }
                            } else {
                                free.insert(u);
                            }
                        });
                    }
                    None => record.push(v),
                }
            }
            record.sort();
            // One tape per size of value (per 12 values), holding a tuple per execution of the
            // block: one push and one pop per iteration, and no padding between floats. A block outside
            // loops runs at most once per call: its record needs one slot, not a stack.
            let mut groups: Vec<(u8, Vec<Var>)> = Vec::new();
            for v in record {
                let class = size_class(self.f.ty(v));
                // Tuples implement `Default` (which the tape's slots need) up to 12 items.
                match groups
                    .iter_mut()
                    .find(|(c, vs)| *c == class && vs.len() < 12)
                {
                    Some((_, vs)) => vs.push(v),
                    None => groups.push((class, vec![v])),
                }
            }
            for (_, vs) in groups {
                let tape = self.fresh(Origin::Tape(vs[0]), Ty::Opaque);
                self.tapes.push(tape);
                if self.loop_depth == 0 {
                    self.slots.insert(tape);
                }
                recorded.push(tape);
                let value = match vs.as_slice() {
                    [v] => Expr::Var(*v),
                    _ => Expr::Tuple(vs.iter().copied().map(Expr::Var).collect()),
                };
                fwd.push(Stmt::Push { tape, value });
                prefix.push(Stmt::Let {
                    vars: vs.into_iter().map(Some).collect(),
                    mutable: false,
                    expr: Expr::Pop(tape),
                    span: Span::call_site(),
                });
            }
            for s in &fwd {
                if let Stmt::Let { vars, .. } = s {
                    if vars.iter().flatten().any(|v| recompute.contains(v)) {
                        prefix.push(s.clone());
                    }
                }
            }
        }
        prefix.append(&mut decls);
        if let Some((_, seeds)) = top {
            prefix.extend(seeds);
        }
        prefix.append(&mut rev_body);
        for v in &defined {
            free.remove(v);
        }
        Swept {
            fwd,
            rev: prefix,
            free,
            recorded,
        }
    }

    /// Whether `v` can be recomputed from values available without recording anything.
    fn recomputes_freely(&self, v: Var, fwd: &Block, defined: &HashSet<Var>, depth: usize) -> bool {
        if depth > 8 {
            return false;
        }
        match self.recomputable(v, fwd) {
            Some(e) => {
                let mut ok = true;
                e.visit_vars(&mut |u| {
                    ok &=
                        !defined.contains(&u) || self.recomputes_freely(u, fwd, defined, depth + 1);
                });
                ok
            }
            None => false,
        }
    }

    /// The definition of `v` if the reversed block can recompute it instead of recording it:
    /// one cheap operation (no primitive call) that reads no cell.
    fn recomputable(&self, v: Var, fwd: &Block) -> Option<Expr> {
        // A local buffer a call reads: allocate it again (with its initial contents, which
        // are its contents if nothing writes it, else restored from the tape before the call).
        let fresh_buffer = fwd.iter().find_map(|s| match s {
            Stmt::Let {
                vars,
                expr: expr @ Expr::NewBuf { .. },
                ..
            } if vars.as_slice() == [Some(v)] => Some(expr.clone()),
            _ => None,
        });
        if fresh_buffer.is_some() {
            return fresh_buffer;
        }
        if self.cells.contains(&v) {
            return None;
        }
        let expr = fwd.iter().find_map(|s| match s {
            Stmt::Let {
                vars,
                mutable: false,
                expr,
                ..
            } if vars.as_slice() == [Some(v)] => Some(expr),
            // The partials of `max`/`min` come as a pair, recomputed together.
            Stmt::Let {
                vars,
                mutable: false,
                expr,
                ..
            } if primitives::is_choice_partials(expr) && vars.contains(&Some(v)) => Some(expr),
            _ => None,
        })?;
        // A buffer is a cell for its elements, which are handled below, not for its length.
        let mut reads_cell = false;
        match expr {
            Expr::Load { index, .. } => {
                index.visit_vars(&mut |u| reads_cell |= self.cells.contains(&u))
            }
            Expr::Len(_) => {}
            _ => expr.visit_vars(&mut |u| reads_cell |= self.cells.contains(&u)),
        }
        let cheap = match expr {
            Expr::Lit(_) | Expr::Path(_) | Expr::Zero | Expr::Bool(_) | Expr::Usize(_) => true,
            // An element of a buffer nothing writes, or nothing writes any more: read it again.
            Expr::Load { buf, .. } => {
                !self.stored.contains(buf)
                    || self
                        .frozen_after
                        .get(buf)
                        .is_some_and(|&k| self.top_index >= k)
            }
            Expr::Len(b) => !self.appended.contains(b),
            // The partials of `max`/`min` from the recorded choice.
            e @ Expr::Rule { .. } => primitives::is_choice_partials(e),
            // Reading the receiver again.
            Expr::SelfValue | Expr::Member(..) | Expr::Borrow(_) => true,
            Expr::Cast(..) | Expr::Unary(..) => true,
            // A division may be as slow as a load from memory; it is recorded when it matters.
            Expr::Binary(op, ..) => !self.act.varied(v) || !matches!(op, BinOp::Div | BinOp::Rem),
            _ => false,
        };
        (cheap && !reads_cell).then(|| expr.clone())
    }

    fn stmt(&mut self, stmt: &Stmt, fwd: &mut Block, rev: &mut Block, free: &mut BTreeSet<Var>) {
        match stmt {
            Stmt::Let {
                vars,
                mutable: true,
                expr,
                ..
            } => {
                // A cell's initial value.
                fwd.push(stmt.clone());
                if let (Expr::NewVec { .. }, [Some(b)]) = (expr, vars.as_slice()) {
                    // Created at the top level (`expand` checks): its adjoint is made when the
                    // adjoint sweep starts, with the length the forward sweep left.
                    self.buffer_len.insert(*b, Expr::Len(*b));
                    return;
                }
                if let (Expr::NewBuf { init, len }, [Some(b)]) = (expr, vars.as_slice()) {
                    self.buffer_len.insert(*b, (**len).clone());
                    // vec![x; n] with x active: x_bar += Σ b_bar[k]
                    if let (Some(x), true) = (self.active_var(init), self.act.active(*b)) {
                        let bar = self.bar(*b);
                        let xbar = self.bar(x);
                        let body = |_: Var, t: Var| Stmt::Assign {
                            var: xbar,
                            op: AssignOp::Add,
                            expr: Expr::Var(t),
                        };
                        rev.push(self.each_element(bar, body));
                    }
                    return;
                }
                for c in vars.iter().flatten() {
                    if self.act.active(*c) {
                        let bar = self.bar(*c);
                        let src = self.active_var(expr);
                        self.add(rev, src, Expr::Var(bar), false);
                    }
                }
            }
            Stmt::Let {
                vars,
                expr: Expr::Call { func, args, .. },
                span,
                ..
            } => self.call(stmt, vars, func, args, *span, fwd, rev),
            Stmt::Let { .. } => self.let_stmt(stmt, fwd, rev),
            Stmt::Assign {
                var,
                op: AssignOp::Set,
                expr,
            } => {
                fwd.push(stmt.clone());
                if self.act.active(*var) {
                    let bar = self.bar(*var);
                    let src = self.active_var(expr);
                    self.add(rev, src, Expr::Var(bar), false);
                    rev.push(Stmt::Assign {
                        var: bar,
                        op: AssignOp::Set,
                        expr: Expr::Zero,
                    });
                }
            }
            Stmt::Store {
                buf,
                index,
                op,
                value,
            } => {
                fwd.push(stmt.clone());
                self.element_adjoint(rev, *buf, index, value, *op);
            }
            Stmt::Append { buf, value } => {
                // b.push(v) is b[k] = v with k the length before.
                if self.act.active(*buf) {
                    let k = self.fresh(Origin::Temp, Ty::Int);
                    fwd.push(Stmt::Let {
                        vars: vec![Some(k)],
                        mutable: false,
                        expr: Expr::Len(*buf),
                        span: Span::call_site(),
                    });
                    self.element_adjoint(rev, *buf, &Expr::Var(k), value, AssignOp::Add);
                }
                fwd.push(stmt.clone());
            }
            Stmt::If { cond, then, els } => {
                let a = self.block(then, None);
                let b = self.block(els, None);
                // Each branch records at most once per execution of this block.
                self.branch_records
                    .extend(a.recorded.iter().chain(&b.recorded));
                fwd.push(Stmt::If {
                    cond: cond.clone(),
                    then: a.fwd,
                    els: b.fwd,
                });
                free.extend(a.free);
                free.extend(b.free);
                if !a.rev.is_empty() || !b.rev.is_empty() {
                    rev.push(Stmt::If {
                        cond: cond.clone(),
                        then: a.rev,
                        els: b.rev,
                    });
                }
            }
            Stmt::Loop(l) => self.looped(l, fwd, rev, free),
            other => fwd.push(other.clone()),
        }
    }

    fn looped(&mut self, l: &Loop, fwd: &mut Block, rev: &mut Block, free: &mut BTreeSet<Var>) {
        self.loop_depth += 1;
        self.looped_in(l, fwd, rev, free);
        self.loop_depth -= 1;
    }

    fn looped_in(&mut self, l: &Loop, fwd: &mut Block, rev: &mut Block, free: &mut BTreeSet<Var>) {
        let mut body = self.block(&l.body, None);
        match &l.kind {
            LoopKind::For { var, iter } if iter.checkpoint.is_some() => {
                body.free.remove(var);
                free.extend(body.free.iter().copied());
                self.checkpointed(l, *var, iter, body, fwd, rev, free);
            }
            LoopKind::For { var, iter } => {
                body.free.remove(var);
                for tape in &body.recorded {
                    fwd.push(Stmt::Reserve {
                        tape: *tape,
                        iter: iter.clone(),
                    });
                }
                fwd.push(Stmt::Loop(Box::new(Loop {
                    id: l.id,
                    label: l.label.clone(),
                    kind: l.kind.clone(),
                    body: body.fwd,
                })));
                free.extend(body.free);
                if !body.rev.is_empty() {
                    rev.push(Stmt::Loop(Box::new(Loop {
                        id: l.id,
                        label: None,
                        kind: LoopKind::For {
                            var: *var,
                            iter: iter.reversed(),
                        },
                        body: body.rev,
                    })));
                }
            }
            LoopKind::While { .. } | LoopKind::Infinite => {
                // Count the iterations; the reversed loop runs that many times.
                let count = self.fresh(Origin::Named("count"), Ty::Int);
                fwd.push(Stmt::Let {
                    vars: vec![Some(count)],
                    mutable: true,
                    expr: Expr::Usize(0),
                    span: Span::call_site(),
                });
                let mut inner = vec![Stmt::Assign {
                    var: count,
                    op: AssignOp::Add,
                    expr: Expr::Usize(1),
                }];
                inner.extend(body.fwd);
                fwd.push(Stmt::Loop(Box::new(Loop {
                    id: l.id,
                    label: l.label.clone(),
                    kind: l.kind.clone(),
                    body: inner,
                })));
                let trips = self.fresh(Origin::Named("trips"), Ty::Int);
                fwd.push(Stmt::Let {
                    vars: vec![Some(trips)],
                    mutable: false,
                    expr: Expr::Var(count),
                    span: Span::call_site(),
                });
                free.extend(body.free);
                if !body.rev.is_empty() {
                    let index = self.fresh(Origin::Temp, Ty::Int);
                    let id = LoopId(self.next_loop);
                    self.next_loop += 1;
                    rev.push(Stmt::Loop(Box::new(Loop {
                        id,
                        label: None,
                        kind: LoopKind::For {
                            var: index,
                            iter: Iter {
                                start: Expr::Usize(0),
                                end: Expr::Var(trips),
                                inclusive: false,
                                adaptors: Vec::new(),
                                checkpoint: None,
                            },
                        },
                        body: body.rev,
                    })));
                }
            }
        }
    }

    /// A loop under `ad::checkpoint(a..b, k)`. The forward sweep runs the primal body and
    /// pushes a snapshot of the loop's state (the cells it reads or writes) every `k`
    /// iterations. The adjoint sweep goes through the segments backwards: it restores a
    /// segment's snapshot, re-runs the segment recording as usual, then reverses it.
    #[allow(clippy::too_many_arguments)]
    fn checkpointed(
        &mut self,
        l: &Loop,
        var: Var,
        iter: &Iter,
        body: Swept,
        fwd: &mut Block,
        rev: &mut Block,
        free: &mut BTreeSet<Var>,
    ) {
        // The period, bound to a name: a literal `1` in `step % 1` would trip a lint.
        let every = self.fresh(Origin::Named("every"), Ty::Int);
        fwd.push(Stmt::Let {
            vars: vec![Some(every)],
            mutable: false,
            expr: iter.checkpoint.clone().unwrap_or(Expr::Usize(1)),
            span: Span::call_site(),
        });
        let k = Expr::Var(every);
        let mut plain = iter.clone();
        plain.checkpoint = None;
        // The state: cells the body mentions that live outside it.
        let mut inside = HashSet::new();
        let mut mentioned = BTreeSet::new();
        crate::ir::walk(&l.body, &mut |s| {
            match s {
                Stmt::Let { vars, .. } => inside.extend(vars.iter().flatten().copied()),
                Stmt::Declare { var } => {
                    inside.insert(*var);
                }
                Stmt::Assign { var, .. } => {
                    mentioned.insert(*var);
                }
                _ => {}
            }
            s.visit_reads(&mut |v| {
                mentioned.insert(v);
            });
        });
        let state: Vec<Var> = mentioned
            .into_iter()
            .filter(|v| self.cells.contains(v) && !inside.contains(v))
            .collect();
        let snaps: Vec<Var> = state
            .iter()
            .map(|c| {
                let t = self.fresh(Origin::Tape(*c), Ty::Opaque);
                self.tapes.push(t);
                t
            })
            .collect();
        let span = Span::call_site();
        let let_ = |v: Var, expr: Expr| Stmt::Let {
            vars: vec![Some(v)],
            mutable: false,
            expr,
            span,
        };
        // Forward: the primal loop, counting iterations and taking snapshots.
        let step = self.fresh(Origin::Named("step"), Ty::Int);
        fwd.push(Stmt::Let {
            vars: vec![Some(step)],
            mutable: true,
            // Typed: with a literal `k` nothing else would fix the counter's integer type.
            expr: Expr::Lit(syn::parse_quote!(0usize)),
            span,
        });
        let (now, due) = (
            self.fresh(Origin::Temp, Ty::Int),
            self.fresh(Origin::Temp, Ty::Bool),
        );
        let mut first = vec![
            let_(now, Expr::Var(step)),
            let_(
                due,
                Expr::bin(
                    BinOp::Eq,
                    Expr::bin(BinOp::Rem, Expr::Var(now), k.clone()),
                    Expr::Usize(0),
                ),
            ),
            Stmt::If {
                cond: Expr::Var(due),
                then: state
                    .iter()
                    .zip(&snaps)
                    .map(|(c, t)| Stmt::Push {
                        tape: *t,
                        value: Expr::Var(*c),
                    })
                    .collect(),
                els: Vec::new(),
            },
        ];
        first.extend(l.body.iter().cloned());
        first.push(Stmt::Assign {
            var: step,
            op: AssignOp::Add,
            expr: Expr::Usize(1),
        });
        fwd.push(Stmt::Loop(Box::new(Loop {
            id: l.id,
            label: l.label.clone(),
            kind: LoopKind::For {
                var,
                iter: plain.clone(),
            },
            body: first,
        })));
        let trips = self.fresh(Origin::Named("trips"), Ty::Int);
        fwd.push(let_(trips, Expr::Var(step)));
        free.insert(trips);
        k.visit_vars(&mut |v| {
            free.insert(v);
        });
        plain.visit_vars(&mut |v| {
            free.insert(v);
        });
        // Reverse: segment by segment, last first.
        let (seg, lo, len) = (
            self.fresh(Origin::Named("segment"), Ty::Int),
            self.fresh(Origin::Temp, Ty::Int),
            self.fresh(Origin::Temp, Ty::Int),
        );
        let mut segment: Block = state
            .iter()
            .zip(&snaps)
            .map(|(c, t)| Stmt::Assign {
                var: *c,
                op: AssignOp::Set,
                expr: Expr::Pop(*t),
            })
            .collect();
        segment.push(let_(lo, Expr::bin(BinOp::Mul, Expr::Var(seg), k.clone())));
        // len = (trips - lo).min(k)
        segment.push(let_(
            len,
            Expr::Method {
                name: syn::Ident::new("min", span),
                recv: Ty::Int,
                args: vec![
                    Expr::bin(BinOp::Sub, Expr::Var(trips), Expr::Var(lo)),
                    k.clone(),
                ],
            },
        ));
        let mut part = plain.clone();
        part.adaptors = vec![Adaptor::Skip(Expr::Var(lo)), Adaptor::Take(Expr::Var(len))];
        for tape in &body.recorded {
            segment.push(Stmt::Reserve {
                tape: *tape,
                iter: part.clone(),
            });
        }
        segment.push(Stmt::Loop(Box::new(Loop {
            id: LoopId(self.next_loop),
            label: None,
            kind: LoopKind::For {
                var,
                iter: part.clone(),
            },
            body: body.fwd,
        })));
        self.next_loop += 1;
        if !body.rev.is_empty() {
            segment.push(Stmt::Loop(Box::new(Loop {
                id: LoopId(self.next_loop),
                label: None,
                kind: LoopKind::For {
                    var,
                    iter: part.reversed(),
                },
                body: body.rev,
            })));
            self.next_loop += 1;
        }
        // segments = ceil(trips / k)
        let count = Expr::Method {
            name: syn::Ident::new("div_ceil", span),
            recv: Ty::Int,
            args: vec![Expr::Var(trips), k],
        };
        rev.push(Stmt::Loop(Box::new(Loop {
            id: LoopId(self.next_loop),
            label: None,
            kind: LoopKind::For {
                var: seg,
                iter: Iter {
                    start: Expr::Usize(0),
                    end: count,
                    inclusive: false,
                    adaptors: vec![Adaptor::Rev],
                    checkpoint: None,
                },
            },
            body: segment,
        })));
        self.next_loop += 1;
    }

    /// The adjoint of `y = g(a, x, ..)`: `let r = g_vjp(a, x, x_bar, .., y_bar); a_bar += r.1;`.
    /// The callee's reverse companion takes an adjoint buffer after each float buffer (a
    /// scratch one for a constant buffer) and returns the value and the adjoint of each float.
    /// A call whose value is discarded is taken to return `()`: its companion takes no seed
    /// and returns only the adjoints (one bare, several as a tuple).
    ///
    /// `g_vjp` runs `g` again, so each buffer it gets must hold what it held at the call: a
    /// buffer the function writes (or the call writes into) is recorded before the call and
    /// put back before `g_vjp`.
    #[allow(clippy::too_many_arguments)]
    fn call(
        &mut self,
        stmt: &Stmt,
        vars: &[Option<Var>],
        func: &syn::ExprPath,
        args: &[Expr],
        span: Span,
        fwd: &mut Block,
        rev: &mut Block,
    ) {
        let returns_value = vars.iter().flatten().any(|v| self.primal_reads.contains(v));
        let outs: Vec<Option<Var>> = vars
            .iter()
            .map(|v| v.filter(|v| self.act.active(*v)))
            .collect();
        let writes_active = args
            .iter()
            .any(|a| matches!(a, Expr::Ref { buf, mutable: true, .. } if self.act.active(*buf)));
        let value_active = returns_value && outs.iter().any(Option::is_some);
        if !writes_active && !value_active {
            fwd.push(stmt.clone());
            return;
        }
        let mut restores = Vec::new();
        for a in args {
            if let Expr::Ref {
                buf,
                mutable,
                range,
            } = a
            {
                // A buffer nothing writes from here on holds at `g_vjp` what it held here.
                let frozen = self
                    .frozen_after
                    .get(buf)
                    .is_none_or(|&k| self.top_index >= k);
                if *mutable || !frozen {
                    let tape = self.fresh(Origin::Tape(*buf), Ty::Opaque);
                    self.tapes.push(tape);
                    fwd.push(Stmt::Push {
                        tape,
                        value: Expr::Ref {
                            buf: *buf,
                            mutable: false,
                            range: range.clone(),
                        },
                    });
                    restores.push(Stmt::Restore {
                        tape,
                        place: Expr::Ref {
                            buf: *buf,
                            mutable: true,
                            range: range.clone(),
                        },
                    });
                    if self.params.contains(buf) && !self.restored_params.contains(buf) {
                        self.restored_params.push(*buf);
                    }
                }
            }
        }
        fwd.push(stmt.clone());
        rev.extend(restores);
        let mut full = Vec::new();
        let mut scalars = Vec::new();
        let mut seen = HashSet::new();
        let mut after = Vec::new();
        for a in args {
            full.push(a.clone());
            match a {
                Expr::Var(v) if matches!(self.f.ty(*v), Ty::Float(_)) => {
                    scalars.push(Some(*v).filter(|v| self.act.active(*v)))
                }
                Expr::Ref { buf, range, .. } if matches!(self.f.ty(*buf), Ty::Buffer(Some(_))) => {
                    let shared = !seen.insert(*buf);
                    let bar = if self.act.active(*buf) && !shared {
                        self.bar(*buf)
                    } else if let (true, Some(r)) = (self.act.active(*buf), range) {
                        // A second slice of the same buffer: its adjoint goes to a scratch
                        // buffer (two `&mut` borrows of one adjoint cannot coexist), added
                        // into the slice after the call.
                        let scratch = self.fresh(Origin::Adjoint(*buf), self.f.ty(*buf));
                        let len = Expr::bin(BinOp::Sub, r.1.clone(), r.0.clone());
                        rev.push(Stmt::Let {
                            vars: vec![Some(scratch)],
                            mutable: true,
                            expr: Expr::NewBuf {
                                init: Box::new(Expr::Zero),
                                len: Box::new(len),
                            },
                            span,
                        });
                        let target = self.bar(*buf);
                        let start = r.0.clone();
                        let add = move |k: Var, t: Var| Stmt::Store {
                            buf: target,
                            index: Expr::bin(BinOp::Add, start, Expr::Var(k)),
                            op: AssignOp::Add,
                            value: Expr::Var(t),
                        };
                        after.push(self.each_element(scratch, add));
                        full.push(Expr::Ref {
                            buf: scratch,
                            mutable: true,
                            range: None,
                        });
                        continue;
                    } else {
                        let scratch = self.fresh(Origin::Adjoint(*buf), self.f.ty(*buf));
                        rev.push(Stmt::Let {
                            vars: vec![Some(scratch)],
                            mutable: true,
                            expr: Expr::NewBuf {
                                init: Box::new(Expr::Zero),
                                len: Box::new(Expr::Len(*buf)),
                            },
                            span,
                        });
                        scratch
                    };
                    full.push(Expr::Ref {
                        buf: bar,
                        mutable: true,
                        range: range.clone(),
                    });
                }
                _ => {}
            }
        }
        if returns_value {
            let seed =
                |r: &mut Self, y: &Option<Var>| y.map_or(Expr::Zero, |y| Expr::Var(r.bar(y)));
            let array = matches!(
                stmt,
                Stmt::Let {
                    expr: Expr::Call { array: true, .. },
                    ..
                }
            );
            let dout = match outs.as_slice() {
                [one] if !array => seed(self, one),
                many => {
                    let seeds = many.iter().map(|y| seed(self, y)).collect();
                    if array {
                        Expr::Array(seeds)
                    } else {
                        Expr::Tuple(seeds)
                    }
                }
            };
            full.push(dout);
        }
        let call = Expr::Call {
            func: crate::forward::companion(func, "vjp"),
            args: full,
            array: false,
        };
        let result = self.fresh(Origin::Temp, Ty::Opaque);
        let bare = !returns_value && scalars.len() == 1;
        rev.push(Stmt::Let {
            vars: vec![(!scalars.is_empty()).then_some(result)],
            mutable: false,
            expr: call,
            span,
        });
        let first = u32::from(returns_value);
        for (i, a) in scalars.into_iter().enumerate() {
            let adjoint = if bare {
                Expr::Var(result)
            } else {
                Expr::Field(Box::new(Expr::Var(result)), i as u32 + first)
            };
            self.add(rev, a, adjoint, false);
        }
        rev.extend(after);
    }

    /// A `let`: its forward form, and the adjoint of its operation.
    fn let_stmt(&mut self, stmt: &Stmt, fwd: &mut Block, rev: &mut Block) {
        let Stmt::Let {
            vars, expr, span, ..
        } = stmt
        else {
            return;
        };
        let outs: Vec<Var> = vars.iter().flatten().copied().collect();
        if !outs.iter().any(|v| self.act.active(*v)) {
            fwd.push(stmt.clone());
            return;
        }
        let rule = primitives::rule_of(expr, *span);
        if let Some((name, args, floats)) = rule {
            // let (y.., dy_da..) = rule(args);  then  a_bar += dy_da * y_bar
            let mut pattern: Vec<Option<Var>> = outs.iter().copied().map(Some).collect();
            let mut terms = Vec::new();
            for &y in &outs {
                for a in args.iter().take(floats) {
                    match a {
                        Expr::Var(a) if self.act.active(*a) && self.act.active(y) => {
                            let p = self.fresh(Origin::Partial(y, Some(*a)), self.f.ty(y));
                            pattern.push(Some(p));
                            terms.push((y, *a, p));
                        }
                        _ => pattern.push(None),
                    }
                }
            }
            let choice_rule = primitives::choice_rule(&name).filter(|_| !terms.is_empty());
            if let Some(choice_rule) = choice_rule {
                // `max`/`min`: the value and which argument won; the partials follow from
                // that (recorded in one byte in a loop, recomputed in the reversed loop).
                let choice = self.fresh(Origin::Temp, Ty::Opaque);
                fwd.push(Stmt::Let {
                    vars: vec![pattern[0], Some(choice)],
                    mutable: false,
                    expr: Expr::Rule {
                        name: choice_rule,
                        args,
                    },
                    span: *span,
                });
                fwd.push(Stmt::Let {
                    vars: pattern[1..].to_vec(),
                    mutable: false,
                    expr: Expr::Rule {
                        name: primitives::choice_partials(name.span()),
                        args: vec![Expr::Var(choice)],
                    },
                    span: *span,
                });
            } else {
                fwd.push(Stmt::Let {
                    vars: pattern,
                    mutable: false,
                    expr: Expr::Rule { name, args },
                    span: *span,
                });
            }
            for (y, a, p) in terms {
                let ybar = self.bar(y);
                self.add(
                    rev,
                    Some(a),
                    Expr::bin(BinOp::Mul, Expr::Var(p), Expr::Var(ybar)),
                    false,
                );
            }
            return;
        }
        fwd.push(stmt.clone());
        let y = outs[0];
        if !self.act.active(y) {
            return;
        }
        let ybar = Expr::Var(self.bar(y));
        match expr {
            // t = b[i]: b_bar[i] += t_bar
            Expr::Load { buf, index } if self.act.active(*buf) => {
                let bar = self.bar(*buf);
                rev.push(Stmt::Store {
                    buf: bar,
                    index: (**index).clone(),
                    op: AssignOp::Add,
                    value: ybar,
                });
            }
            Expr::Var(a) => {
                let t = self.active_var(&Expr::Var(*a));
                self.add(rev, t, ybar, false)
            }
            Expr::Cast(a, _) => {
                let t = self.active_var(a);
                let back = match t {
                    Some(v) if self.f.ty(v) != self.f.ty(y) => match self.f.ty(v) {
                        Ty::Float(w) => {
                            let ty = syn::Ident::new(w.name(), Span::call_site());
                            Expr::Cast(Box::new(ybar), Box::new(syn::parse_quote!(#ty)))
                        }
                        _ => ybar,
                    },
                    _ => ybar,
                };
                self.add(rev, t, back, false)
            }
            Expr::Unary(UnOp::Neg, a) => {
                let t = self.active_var(a);
                self.add(rev, t, ybar, true)
            }
            Expr::Binary(op, a, b) => {
                let (ta, tb) = (self.active_var(a), self.active_var(b));
                let (a, b) = ((**a).clone(), (**b).clone());
                match op {
                    BinOp::Add => {
                        self.add(rev, ta, ybar.clone(), false);
                        self.add(rev, tb, ybar, false);
                    }
                    BinOp::Sub => {
                        self.add(rev, ta, ybar.clone(), false);
                        self.add(rev, tb, ybar, true);
                    }
                    BinOp::Mul => {
                        self.add(rev, ta, Expr::bin(BinOp::Mul, ybar.clone(), b), false);
                        self.add(rev, tb, Expr::bin(BinOp::Mul, ybar, a), false);
                    }
                    // y = a / b: a_bar += y_bar / b, b_bar -= y_bar * y / b
                    BinOp::Div => {
                        self.add(
                            rev,
                            ta,
                            Expr::bin(BinOp::Div, ybar.clone(), b.clone()),
                            false,
                        );
                        let term =
                            Expr::bin(BinOp::Div, Expr::bin(BinOp::Mul, ybar, Expr::Var(y)), b);
                        self.add(rev, tb, term, true);
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
}
