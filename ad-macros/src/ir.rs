//! The intermediate representation shared by every phase.
//!
//! A function is a tree of blocks of statements over numbered variables, with structured
//! control flow (`if`, loops) kept as nested blocks. The lowering produces it in a normal form:
//! every intermediate value is named once, one operation per `let`, operands are variables.
//! Most variables are immutable SSA values; a user variable that a branch or a loop assigns
//! becomes a *cell* (`let mut`), written only by [`Stmt::Assign`] and read only by a `let`
//! that copies it (a load), so every operand of an operation is an immutable value. The
//! transforms produce derivative programs in the same IR, where small nested expressions are
//! allowed so that a tangent or an adjoint update reads like the formula it is. Emission to
//! Rust tokens happens once, at the end, from this IR.

use proc_macro2::{Span, TokenStream};

/// A variable of the IR; an index into [`Function::vars`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct Var(pub u32);

/// The two float widths.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FloatTy {
    F32,
    F64,
    /// The function's type parameter bounded by `ad::Float` (`T`, in [`Function::generic`]).
    Generic,
}

impl FloatTy {
    /// The name of a concrete width; `T` stands for the generic one.
    pub fn name(self) -> &'static str {
        match self {
            FloatTy::F32 => "f32",
            FloatTy::F64 => "f64",
            FloatTy::Generic => "T",
        }
    }
}

/// The type of a variable, as far as differentiation cares.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Ty {
    Float(FloatTy),
    Int,
    Bool,
    /// A constant whose type the compiler could not infer; it is passed through untouched.
    Opaque,
    /// A buffer (slice, array, `Vec`) of floats (`Some`) or of constants (`None`).
    Buffer(Option<FloatTy>),
}

/// How a variable came to be; emission derives its name from this.
#[derive(Clone, Debug)]
pub enum Origin {
    /// A variable of the user's program (a parameter or a `let`), named as the user named it.
    User(String),
    /// An intermediate value of an expression.
    Temp,
    /// The tangent of a variable (`x` → `dx`).
    Tangent(Var),
    /// The adjoint of a variable (`x` → `x_bar`).
    Adjoint(Var),
    /// The partial derivative of a primitive's output with respect to one input (`dy_dx`).
    Partial(Var, Option<Var>),
    /// A variable the compiler introduces under a fixed name (`dout`, `returned`).
    Named(&'static str),
    /// The stack on which reverse mode records a variable's values (`x_tape`).
    Tape(Var),
}

#[derive(Clone, Debug)]
pub struct VarInfo {
    pub origin: Origin,
    pub ty: Ty,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum UnOp {
    Neg,
    Not,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Rem,
    And,
    Or,
    BitAnd,
    BitOr,
    BitXor,
    Shl,
    Shr,
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl BinOp {
    pub fn is_arithmetic(self) -> bool {
        matches!(
            self,
            BinOp::Add | BinOp::Sub | BinOp::Mul | BinOp::Div | BinOp::Rem
        )
    }

    pub fn is_comparison(self) -> bool {
        matches!(
            self,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
        )
    }
}

#[derive(Clone, Debug)]
pub enum Expr {
    Var(Var),
    /// A literal as the user wrote it (keeps its span and suffix).
    Lit(syn::Lit),
    /// A generated float literal (`0.0`), typed by its context.
    Zero,
    /// A path to a constant (`PI`, `std::f64::consts::E`, a `const` item).
    Path(syn::ExprPath),
    Unary(UnOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    Cast(Box<Expr>, Box<syn::Type>),
    /// A method of the scalar types called for its value only: `f64::sin(x)`, or `n.pow(2)`
    /// for integers. `recv` is the type of the first argument, settled by type inference.
    Method {
        name: syn::Ident,
        recv: Ty,
        args: Vec<Expr>,
    },
    /// A primitive's runtime rule, returning the value(s) and the partial derivatives.
    Rule {
        name: syn::Ident,
        args: Vec<Expr>,
    },
    /// A call of a user function with constant arguments, left as it is.
    Call {
        func: syn::ExprPath,
        args: Vec<Expr>,
        /// Several results come as an array (`let [a, b] = g(..)`), not a tuple.
        array: bool,
    },
    Tuple(Vec<Expr>),
    Array(Vec<Expr>),
    Field(Box<Expr>, u32),
    Index(Box<Expr>, usize),
    /// `(start..end).contains(&value)` (or `..=`): a range pattern's test.
    InRange {
        value: Box<Expr>,
        start: Box<Expr>,
        end: Box<Expr>,
        inclusive: bool,
    },
    /// `buf[index]`
    Load {
        buf: Var,
        index: Box<Expr>,
    },
    /// `buf.len()`
    Len(Var),
    /// `self` (the receiver of a method), `base.field`, and `&place`: constants read from the
    /// receiver.
    SelfValue,
    Member(Box<Expr>, syn::Member),
    Borrow(Box<Expr>),
    /// A buffer passed to a call: `&v` / `&mut v` for a local buffer, the name for a parameter;
    /// `&v[start..end]` for a sub-slice.
    Ref {
        buf: Var,
        mutable: bool,
        range: Option<Box<(Expr, Expr)>>,
    },
    /// `Vec::with_capacity(capacity)` / `Vec::new()`: an empty buffer grown by `push`.
    NewVec {
        capacity: Option<Box<Expr>>,
    },
    /// `vec![init; len]`
    NewBuf {
        init: Box<Expr>,
        len: Box<Expr>,
    },
    /// A generated boolean or `usize` constant (flags and counters).
    Bool(bool),
    Usize(usize),
    /// `::ad::Tape::new()`
    NewTape,
    /// `::ad::Slot::new()`: the record of a block that runs at most once per call.
    NewSlot,
    /// `tape.pop()`
    Pop(Var),
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AssignOp {
    Set,
    Add,
    Sub,
}

/// Identifies a loop, for `break` and `continue`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct LoopId(pub u32);

pub type Block = Vec<Stmt>;

/// A `for` loop's iterator: a range and its adaptors, e.g. `(a..b).step_by(k).rev()`.
#[derive(Clone, Debug)]
pub struct Iter {
    pub start: Expr,
    pub end: Expr,
    pub inclusive: bool,
    pub adaptors: Vec<Adaptor>,
    /// `ad::checkpoint(range, k)`: reverse mode snapshots the loop every `k` iterations.
    pub checkpoint: Option<Expr>,
}

#[derive(Clone, Debug)]
pub enum Adaptor {
    Rev,
    StepBy(Expr),
    Skip(Expr),
    Take(Expr),
}

impl Iter {
    /// The same values in the opposite order.
    pub fn reversed(&self) -> Iter {
        let mut it = self.clone();
        if matches!(it.adaptors.last(), Some(Adaptor::Rev)) {
            it.adaptors.pop();
        } else {
            it.adaptors.push(Adaptor::Rev);
        }
        it
    }

    pub fn visit_vars(&self, f: &mut impl FnMut(Var)) {
        self.start.visit_vars(f);
        self.end.visit_vars(f);
        for a in &self.adaptors {
            if let Adaptor::StepBy(k) | Adaptor::Skip(k) | Adaptor::Take(k) = a {
                k.visit_vars(f);
            }
        }
        if let Some(k) = &self.checkpoint {
            k.visit_vars(f);
        }
    }

    /// The expressions of the iterator.
    pub fn exprs(&self) -> Vec<&Expr> {
        let mut v = vec![&self.start, &self.end];
        for a in &self.adaptors {
            if let Adaptor::StepBy(k) | Adaptor::Skip(k) | Adaptor::Take(k) = a {
                v.push(k);
            }
        }
        v.extend(&self.checkpoint);
        v
    }

    /// The expressions of the iterator, for rewriting.
    pub fn exprs_mut(&mut self) -> Vec<&mut Expr> {
        let mut v = vec![&mut self.start, &mut self.end];
        for a in &mut self.adaptors {
            if let Adaptor::StepBy(k) | Adaptor::Skip(k) | Adaptor::Take(k) = a {
                v.push(k);
            }
        }
        if let Some(k) = &mut self.checkpoint {
            v.push(k);
        }
        v
    }
}

// The IR is built once per function and never stored in bulk: variant sizes do not matter.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
pub enum LoopKind {
    /// `for var in iter`
    For { var: Var, iter: Iter },
    /// `while { cond; test } { .. }`: `cond` computes the value `test` reads, every iteration.
    While { cond: Block, test: Expr },
    /// `loop { .. }`
    Infinite,
}

#[derive(Clone, Debug)]
pub struct Loop {
    pub id: LoopId,
    /// The user's label, without the quote.
    pub label: Option<String>,
    pub kind: LoopKind,
    pub body: Block,
}

#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
pub enum Stmt {
    /// `let v = e;` (one variable) or `let (a, _, b) = e;` (several; `None` binds `_`).
    Let {
        vars: Vec<Option<Var>>,
        mutable: bool,
        expr: Expr,
        span: Span,
    },
    /// `let v;`: a cell assigned later, once on every path (the value of an `if`).
    Declare {
        var: Var,
    },
    /// `v = e;`, `v += e;` or `v -= e;`
    Assign {
        var: Var,
        op: AssignOp,
        expr: Expr,
    },
    /// An item of the user's body (`const`, `use`) copied verbatim.
    Item(TokenStream),
    If {
        cond: Expr,
        then: Block,
        els: Block,
    },
    Loop(Box<Loop>),
    Break(LoopId),
    Continue(LoopId),
    Return(Expr),
    /// `buf[index] = value;`, `+=`, `-=`
    Store {
        buf: Var,
        index: Expr,
        op: AssignOp,
        value: Expr,
    },
    /// `assert!(a.len() == b.len(), ..)` at entry: a tangent or adjoint buffer `a` must have
    /// the length of its primal buffer `b`.
    CheckLen {
        a: Var,
        b: Var,
    },
    /// `tape.push(value);`, or `tape.push_slice(buf);` when `value` is a buffer reference.
    Push {
        tape: Var,
        value: Expr,
    },
    /// `buf.push(value);`: a new last element.
    Append {
        buf: Var,
        value: Expr,
    },
    /// `tape.pop_into(place);`: puts back contents a `push_slice` recorded; `place` is a
    /// mutable `Expr::Ref`.
    Restore {
        tape: Var,
        place: Expr,
    },
    /// `tape.reserve(iter.size_hint().0);` before a `for` loop that records.
    Reserve {
        tape: Var,
        iter: Iter,
    },
}

/// A parameter of a function in the IR.
#[derive(Clone, Debug)]
pub struct Param {
    pub var: Var,
    pub ty: syn::Type,
}

/// A whole function: the primal after lowering, or a derivative after a transform.
#[derive(Clone, Debug)]
pub struct Function {
    pub vars: Vec<VarInfo>,
    pub params: Vec<Param>,
    pub stmts: Block,
    /// The value at the end of the body; `None` when every path returns earlier.
    pub ret: Option<Expr>,
    pub ret_ty: syn::Type,
    /// The type parameter the floats have in a generic function (`T: ad::Float`).
    pub generic: Option<syn::Ident>,
    /// `&self` or `self` of a method: emitted first, as written.
    pub receiver: Option<syn::Receiver>,
}

impl Function {
    pub fn new_var(&mut self, origin: Origin, ty: Ty) -> Var {
        self.vars.push(VarInfo { origin, ty });
        Var(self.vars.len() as u32 - 1)
    }

    pub fn ty(&self, v: Var) -> Ty {
        self.vars[v.0 as usize].ty
    }
}

impl Expr {
    pub fn bin(op: BinOp, a: Expr, b: Expr) -> Expr {
        Expr::Binary(op, Box::new(a), Box::new(b))
    }

    pub fn neg(a: Expr) -> Expr {
        Expr::Unary(UnOp::Neg, Box::new(a))
    }

    /// Whether this expression reads a variable for which `hit` holds.
    pub fn reads_any(&self, hit: impl Fn(Var) -> bool) -> bool {
        let mut found = false;
        self.visit_vars(&mut |v| found |= hit(v));
        found
    }

    /// Calls `f` on every variable this expression reads.
    pub fn visit_vars(&self, f: &mut impl FnMut(Var)) {
        match self {
            Expr::Var(v) | Expr::Pop(v) | Expr::Len(v) => f(*v),
            Expr::Ref { buf, .. } | Expr::Load { buf, .. } => f(*buf),
            _ => {}
        }
        for c in self.children() {
            c.visit_vars(f);
        }
    }

    /// Calls `f` on this expression and on each expression nested in it, parents first.
    pub fn visit(&self, f: &mut impl FnMut(&Expr)) {
        f(self);
        for c in self.children() {
            c.visit(f);
        }
    }

    /// The expressions nested directly in this one.
    pub fn children(&self) -> Vec<&Expr> {
        match self {
            Expr::Member(a, _)
            | Expr::Borrow(a)
            | Expr::Unary(_, a)
            | Expr::Cast(a, _)
            | Expr::Field(a, _)
            | Expr::Index(a, _) => vec![a],
            Expr::Binary(_, a, b) => vec![a, b],
            Expr::Ref { range, .. } => range.iter().flat_map(|r| [&r.0, &r.1]).collect(),
            Expr::Load { index, .. } => vec![index],
            Expr::NewBuf { init, len } => vec![init, len],
            Expr::NewVec { capacity } => capacity.iter().map(|c| &**c).collect(),
            Expr::InRange {
                value, start, end, ..
            } => vec![value, start, end],
            Expr::Method { args, .. }
            | Expr::Rule { args, .. }
            | Expr::Call { args, .. }
            | Expr::Tuple(args)
            | Expr::Array(args) => args.iter().collect(),
            Expr::Var(_)
            | Expr::Lit(_)
            | Expr::Zero
            | Expr::Path(_)
            | Expr::Bool(_)
            | Expr::Usize(_)
            | Expr::NewTape
            | Expr::NewSlot
            | Expr::SelfValue
            | Expr::Pop(_)
            | Expr::Len(_) => Vec::new(),
        }
    }

    /// The expressions nested directly in this one, for rewriting.
    pub fn children_mut(&mut self) -> Vec<&mut Expr> {
        match self {
            Expr::Member(a, _)
            | Expr::Borrow(a)
            | Expr::Unary(_, a)
            | Expr::Cast(a, _)
            | Expr::Field(a, _)
            | Expr::Index(a, _) => vec![a],
            Expr::Binary(_, a, b) => vec![a, b],
            Expr::Ref { range, .. } => range
                .iter_mut()
                .flat_map(|r| {
                    let (x, y) = &mut **r;
                    [x, y]
                })
                .collect(),
            Expr::Load { index, .. } => vec![index],
            Expr::NewBuf { init, len } => vec![init, len],
            Expr::NewVec { capacity } => capacity.iter_mut().map(|c| &mut **c).collect(),
            Expr::InRange {
                value, start, end, ..
            } => vec![value, start, end],
            Expr::Method { args, .. }
            | Expr::Rule { args, .. }
            | Expr::Call { args, .. }
            | Expr::Tuple(args)
            | Expr::Array(args) => args.iter_mut().collect(),
            Expr::Var(_)
            | Expr::Lit(_)
            | Expr::Zero
            | Expr::Path(_)
            | Expr::Bool(_)
            | Expr::Usize(_)
            | Expr::NewTape
            | Expr::NewSlot
            | Expr::SelfValue
            | Expr::Pop(_)
            | Expr::Len(_) => Vec::new(),
        }
    }

    /// Replaces variables by expressions, bottom-up.
    pub fn map_vars(&mut self, f: &mut impl FnMut(Var) -> Option<Expr>) {
        if let Expr::Var(v) = self {
            if let Some(e) = f(*v) {
                *self = e;
            }
            return;
        }
        // The buffer of a load or a sub-slice is a place, not a value: it is not a child.
        for c in self.children_mut() {
            c.map_vars(f);
        }
    }

    /// Whether evaluating the expression can have an effect besides its value.
    pub fn has_effects(&self) -> bool {
        // A load may panic, but the primal performed the same access: it counts as pure.
        matches!(self, Expr::Call { .. } | Expr::Pop(_))
            || self.children().into_iter().any(Expr::has_effects)
    }
}

impl Stmt {
    /// Calls `f` on every variable this statement reads at its own level (not in nested
    /// blocks): a `let`'s operands, an `if`'s condition, a loop's bounds.
    pub fn visit_reads(&self, f: &mut impl FnMut(Var)) {
        match self {
            Stmt::Let { expr, .. } | Stmt::Return(expr) => expr.visit_vars(f),
            Stmt::Assign { var, op, expr } => {
                if *op != AssignOp::Set {
                    f(*var);
                }
                expr.visit_vars(f)
            }
            Stmt::If { cond, .. } => cond.visit_vars(f),
            Stmt::Loop(l) => match &l.kind {
                LoopKind::For { iter, .. } => iter.visit_vars(f),
                LoopKind::While { test, .. } => test.visit_vars(f),
                LoopKind::Infinite => {}
            },
            Stmt::Push { tape, value } => {
                f(*tape);
                value.visit_vars(f)
            }
            Stmt::Store {
                buf, index, value, ..
            } => {
                f(*buf);
                index.visit_vars(f);
                value.visit_vars(f)
            }
            Stmt::CheckLen { a, b } => {
                f(*a);
                f(*b)
            }
            Stmt::Reserve { tape, iter } => {
                f(*tape);
                iter.visit_vars(f)
            }
            Stmt::Restore { tape, place } => {
                f(*tape);
                place.visit_vars(f)
            }
            Stmt::Append { buf, value } => {
                f(*buf);
                value.visit_vars(f)
            }
            Stmt::Declare { .. } | Stmt::Item(_) | Stmt::Break(_) | Stmt::Continue(_) => {}
        }
    }

    /// The buffers this statement itself writes: by a store, a `push`, or passing them
    /// mutably to a call.
    pub fn written_buffers(&self) -> Vec<Var> {
        match self {
            Stmt::Store { buf, .. } | Stmt::Append { buf, .. } => vec![*buf],
            Stmt::Let {
                expr: Expr::Call { args, .. },
                ..
            } => args
                .iter()
                .filter_map(|a| match a {
                    Expr::Ref {
                        buf, mutable: true, ..
                    } => Some(*buf),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The blocks nested in this statement.
    pub fn blocks(&self) -> Vec<&Block> {
        match self {
            Stmt::If { then, els, .. } => vec![then, els],
            Stmt::Loop(l) => match &l.kind {
                LoopKind::While { cond, .. } => vec![cond, &l.body],
                _ => vec![&l.body],
            },
            _ => Vec::new(),
        }
    }

    pub fn blocks_mut(&mut self) -> Vec<&mut Block> {
        match self {
            Stmt::If { then, els, .. } => vec![then, els],
            Stmt::Loop(l) => match &mut l.kind {
                LoopKind::While { cond, .. } => vec![cond, &mut l.body],
                _ => vec![&mut l.body],
            },
            _ => Vec::new(),
        }
    }

    /// The expressions of this statement itself (not of nested blocks).
    pub fn exprs(&self) -> Vec<&Expr> {
        match self {
            Stmt::Let { expr, .. }
            | Stmt::Return(expr)
            | Stmt::Assign { expr, .. }
            | Stmt::Push { value: expr, .. }
            | Stmt::Append { value: expr, .. }
            | Stmt::Restore { place: expr, .. } => vec![expr],
            Stmt::Store { index, value, .. } => vec![index, value],
            Stmt::If { cond, .. } => vec![cond],
            Stmt::Reserve { iter, .. } => iter.exprs(),
            Stmt::Loop(l) => match &l.kind {
                LoopKind::For { iter, .. } => iter.exprs(),
                LoopKind::While { test, .. } => vec![test],
                LoopKind::Infinite => Vec::new(),
            },
            _ => Vec::new(),
        }
    }

    /// The expressions of this statement itself, for rewriting.
    pub fn exprs_mut(&mut self) -> Vec<&mut Expr> {
        match self {
            Stmt::Let { expr, .. }
            | Stmt::Return(expr)
            | Stmt::Assign { expr, .. }
            | Stmt::Push { value: expr, .. }
            | Stmt::Append { value: expr, .. } => vec![expr],
            Stmt::Store { index, value, .. } => vec![index, value],
            Stmt::If { cond, .. } => vec![cond],
            Stmt::Reserve { iter, .. } => iter.exprs_mut(),
            Stmt::Loop(l) => match &mut l.kind {
                LoopKind::For { iter, .. } => iter.exprs_mut(),
                LoopKind::While { test, .. } => vec![test],
                LoopKind::Infinite => Vec::new(),
            },
            _ => Vec::new(),
        }
    }
}

/// Calls `f` on every statement of `block`, nested ones included, parents first.
pub fn walk(block: &[Stmt], f: &mut impl FnMut(&Stmt)) {
    for s in block {
        f(s);
        for b in s.blocks() {
            walk(b, f);
        }
    }
}

/// Calls `f` on every statement of `block`, nested ones included, parents first.
pub fn walk_mut(block: &mut Block, f: &mut impl FnMut(&mut Stmt)) {
    for s in block {
        f(s);
        for b in s.blocks_mut() {
            walk_mut(b, f);
        }
    }
}

/// Rebuilds `block` bottom-up: the blocks nested in each statement first, then the statement
/// replaced by the statements `f` returns for it.
pub fn rebuild(block: &mut Block, f: &mut impl FnMut(Stmt) -> Vec<Stmt>) {
    let mut out = Vec::with_capacity(block.len());
    for mut s in std::mem::take(block) {
        for b in s.blocks_mut() {
            rebuild(b, f);
        }
        out.extend(f(s));
    }
    *block = out;
}

/// How often each tape is recorded to (`push`, a whole buffer's `push_slice`) and how often
/// taken back from (`pop`, `pop_into`) in `block`, at any depth.
pub struct TapeUses {
    pub pushes: std::collections::HashMap<Var, usize>,
    pub pops: std::collections::HashMap<Var, usize>,
}

pub fn tape_uses(block: &[Stmt]) -> TapeUses {
    let mut uses = TapeUses {
        pushes: Default::default(),
        pops: Default::default(),
    };
    walk(block, &mut |s| {
        match s {
            Stmt::Push { tape, .. } => *uses.pushes.entry(*tape).or_default() += 1,
            Stmt::Restore { tape, .. } => *uses.pops.entry(*tape).or_default() += 1,
            _ => {}
        }
        for e in s.exprs() {
            e.visit(&mut |e| {
                if let Expr::Pop(t) = e {
                    *uses.pops.entry(*t).or_default() += 1;
                }
            });
        }
    });
    uses
}

/// Whether `block` has a `break`, `continue` or `return` anywhere in it.
pub fn jumps(block: &[Stmt]) -> bool {
    let mut found = false;
    walk(block, &mut |s| {
        found |= matches!(s, Stmt::Break(_) | Stmt::Continue(_) | Stmt::Return(_))
    });
    found
}

/// The variables bound inside `block` (by `let`, a declaration, or a `for`), at any depth.
pub fn bound_in(block: &[Stmt]) -> std::collections::HashSet<Var> {
    let mut out = std::collections::HashSet::new();
    walk(block, &mut |s| match s {
        Stmt::Let { vars, .. } => out.extend(vars.iter().flatten().copied()),
        Stmt::Declare { var } => {
            out.insert(*var);
        }
        Stmt::Loop(l) => {
            if let LoopKind::For { var, .. } = &l.kind {
                out.insert(*var);
            }
        }
        _ => {}
    });
    out
}

/// The cells of a function: variables assigned after their definition, and buffers written
/// element by element.
pub fn cells(block: &Block) -> std::collections::HashSet<Var> {
    let mut out = std::collections::HashSet::new();
    walk(block, &mut |s| match s {
        Stmt::Let {
            vars,
            mutable: true,
            ..
        } => out.extend(vars.iter().flatten().copied()),
        Stmt::Declare { var } | Stmt::Assign { var, .. } => {
            out.insert(*var);
        }
        // A buffer written (by a store, a push or a call): reading it is reading mutable
        // state too.
        other => out.extend(other.written_buffers()),
    });
    out
}

/// For each buffer written in `stmts` (by a store, a `push` or a call), one past the index of
/// the last top-level statement that writes it.
pub fn frozen_after(stmts: &Block) -> std::collections::HashMap<Var, usize> {
    let mut out = std::collections::HashMap::new();
    for (i, stmt) in stmts.iter().enumerate() {
        walk(std::slice::from_ref(stmt), &mut |s| {
            for buf in s.written_buffers() {
                out.insert(buf, i + 1);
            }
        });
    }
    out
}

/// The buffers that grow by `push`.
pub fn appended(block: &Block) -> std::collections::HashSet<Var> {
    let mut out = std::collections::HashSet::new();
    walk(block, &mut |s| {
        if let Stmt::Append { buf, .. } = s {
            out.insert(*buf);
        }
    });
    out
}

/// Every variable read anywhere in `block` (and in `ret`).
pub fn reads(block: &Block, ret: Option<&Expr>) -> std::collections::HashSet<Var> {
    let mut out = std::collections::HashSet::new();
    walk(block, &mut |s| {
        s.visit_reads(&mut |v| {
            out.insert(v);
        })
    });
    if let Some(r) = ret {
        r.visit_vars(&mut |v| {
            out.insert(v);
        });
    }
    out
}
