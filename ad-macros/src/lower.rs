//! Lowering: the user's function body → the IR in normal form.
//!
//! Every intermediate value gets its own variable and every `let`, assignment or compound
//! assignment in straight-line code defines a new one (SSA): shadowing and `let mut` rebinding
//! are resolved here, once. A variable that a branch or a loop assigns becomes a cell just
//! before that region (`control`), and reads of a cell are explicit loads. Tuples and arrays built in the body are kept as
//! compile-time aggregates of scalar variables. Type constraints are recorded for `types`.
//! Each unsupported construct is reported at its span and lowering goes on, so that one build
//! lists all of them.

use crate::diag::Diagnostics;
use crate::ir::{BinOp, Expr, FloatTy, Function, Origin, Param, Stmt, Ty, UnOp, Var, VarInfo};
use crate::primitives;
use crate::signature::{self, Shape, Signature, TypeClass};
use crate::types::{Kind, TypeTable};
use proc_macro2::Span;
use quote::ToTokens;
use std::collections::{HashMap, HashSet};
use syn::spanned::Spanned;

mod buffers;
mod control;

/// A value of the user's program: a scalar variable or an aggregate of them.
#[derive(Clone, Debug)]
enum Value {
    Scalar(Var),
    Tuple(Vec<Value>),
    Array(Vec<Value>),
    Unit,
    /// A buffer: a slice, an array or a `Vec`.
    Buffer(Var),
    /// A constant place of the receiver (`self`, `self.data`), read when used.
    Place(Expr),
    /// The value of an expression that does not finish (`return`, `break`, `continue`).
    Never,
    /// The value of an expression that was reported as an error; uses are not reported again.
    Error,
}

/// The lowered primal and the variables of its parameters, in order.
pub struct Lowered {
    pub function: Function,
    pub params: Vec<Var>,
}

pub fn lower(item: &syn::ItemFn, sig: &Signature, diag: &mut Diagnostics) -> Lowered {
    let mut l = Lowerer {
        diag,
        fun: Function {
            vars: Vec::new(),
            params: Vec::new(),
            stmts: Vec::new(),
            ret: None,
            ret_ty: sig.output_ty.clone(),
            generic: signature::generic_float(&item.sig),
            receiver: sig.receiver.clone(),
        },
        types: TypeTable::default(),
        scopes: vec![HashMap::new()],
        consts: HashMap::new(),
        float_consts_glob: false,
        cells: HashSet::new(),
        loads: HashMap::new(),
        element_loads: HashMap::new(),
        call_arity: None,
        inout: HashSet::new(),
        scalar_refs: HashSet::new(),
        output: sig.output.clone(),
        loops: Vec::new(),
        next_loop: 0,
    };
    let mut params = Vec::new();
    if sig.receiver.is_some() {
        l.scopes[0].insert("self".to_string(), Value::Place(Expr::SelfValue));
    }
    for p in &sig.params {
        let origin = Origin::User(p.ident.unraw_string());
        let (v, value) = match p.kind {
            Ty::Buffer(elem) => {
                let b = l.new_buffer(origin, buffers::element_kind(elem));
                if p.inout {
                    l.inout.insert(b);
                }
                if signature::is_scalar_ref(&p.ty) {
                    l.scalar_refs.insert(b);
                }
                (b, Value::Buffer(b))
            }
            kind => {
                let v = l.new_var(origin, Kind::of(kind));
                (v, Value::Scalar(v))
            }
        };
        l.fun.params.push(Param {
            var: v,
            ty: p.ty.clone(),
        });
        l.bind(&p.ident, value);
        params.push(v);
    }
    let tail = l.body(&item.block);
    if let Some(shape) = &sig.output {
        if !matches!(tail, Value::Never) {
            l.fun.ret = Some(l.output(tail, shape, &item.block));
        }
    }
    l.type_call_results();
    let Lowerer { fun, types, .. } = l;
    let mut fun = fun;
    types.apply(&mut fun);
    Lowered {
        function: fun,
        params,
    }
}

trait UnrawString {
    fn unraw_string(&self) -> String;
}

impl UnrawString for syn::Ident {
    fn unraw_string(&self) -> String {
        use syn::ext::IdentExt;
        self.unraw().to_string()
    }
}

struct Lowerer<'d> {
    diag: &'d mut Diagnostics,
    fun: Function,
    types: TypeTable,
    scopes: Vec<HashMap<String, Value>>,
    /// `const` items of the body and float constants imported by `use`, with their types.
    consts: HashMap<String, Kind>,
    /// The body has `use std::f64::consts::*` (or `f32`, `core`).
    float_consts_glob: bool,
    /// Variables assigned after their definition: read through loads.
    cells: HashSet<Var>,
    /// The load of each cell made since its last store, in the current block.
    loads: HashMap<Var, Var>,
    /// The load of each buffer element (buffer, index variable) since the buffer's last store.
    element_loads: HashMap<(Var, Var), Var>,
    /// The number of values a call in `let (a, b) = g(..)` returns, and whether they come as
    /// an array (`let [a, b] = g(..)`, `let p: [f64; 2] = g(..)`).
    call_arity: Option<(usize, bool)>,
    /// The `&mut` buffer parameters.
    inout: HashSet<Var>,
    /// The `&mut f64` parameters, buffers of one element.
    scalar_refs: HashSet<Var>,
    output: Option<Shape>,
    /// The loops around the code being lowered, innermost last.
    loops: Vec<control::LoopCtx>,
    next_loop: u32,
}

/// The names of the constants in `std::f64::consts`.
const STD_FLOAT_CONSTS: &[&str] = &[
    "PI",
    "TAU",
    "E",
    "SQRT_2",
    "LN_2",
    "LN_10",
    "LOG2_E",
    "LOG2_10",
    "LOG10_E",
    "LOG10_2",
    "FRAC_PI_2",
    "FRAC_PI_3",
    "FRAC_PI_4",
    "FRAC_PI_6",
    "FRAC_PI_8",
    "FRAC_1_PI",
    "FRAC_2_PI",
    "FRAC_2_SQRT_PI",
    "FRAC_1_SQRT_2",
];

impl Lowerer<'_> {
    fn new_var(&mut self, origin: Origin, kind: Kind) -> Var {
        self.types.add(kind);
        self.fun.vars.push(VarInfo {
            origin,
            ty: Ty::Opaque,
        });
        Var(self.fun.vars.len() as u32 - 1)
    }

    /// Defines a new variable as `expr`, named `hint` if given.
    fn define(&mut self, hint: Option<&str>, kind: Kind, expr: Expr, span: Span) -> Var {
        let origin = match hint {
            Some(name) => Origin::User(name.to_string()),
            None => Origin::Temp,
        };
        let v = self.new_var(origin, kind);
        self.fun.stmts.push(Stmt::Let {
            vars: vec![Some(v)],
            mutable: false,
            expr,
            span,
        });
        v
    }

    /// Lowers into a fresh block and returns it, with `f`'s result.
    fn with_block<T>(&mut self, f: impl FnOnce(&mut Self) -> T) -> (Vec<Stmt>, T) {
        let saved = std::mem::take(&mut self.fun.stmts);
        // A load made outside is stale inside a loop, and one made inside is out of scope after.
        let loads = std::mem::take(&mut self.loads);
        let element_loads = std::mem::take(&mut self.element_loads);
        let out = f(self);
        let block = std::mem::replace(&mut self.fun.stmts, saved);
        let mut assigned = HashSet::new();
        crate::ir::walk(&block, &mut |s| {
            if let Stmt::Assign { var, .. } | Stmt::Store { buf: var, .. } = s {
                assigned.insert(*var);
            }
        });
        self.loads = loads;
        self.loads.retain(|c, _| !assigned.contains(c));
        self.element_loads = element_loads;
        self.element_loads.retain(|(b, _), _| !assigned.contains(b));
        (block, out)
    }

    /// Replaces cells in a value by loads of their current contents.
    fn load(&mut self, value: Value) -> Value {
        match value {
            Value::Scalar(v) if self.cells.contains(&v) => {
                if let Some(t) = self.loads.get(&v) {
                    return Value::Scalar(*t);
                }
                let t = self.new_var(Origin::Temp, Kind::Unknown);
                self.loads.insert(v, t);
                self.types.same(v, t, Span::call_site(), self.diag);
                self.fun.stmts.push(Stmt::Let {
                    vars: vec![Some(t)],
                    mutable: false,
                    expr: Expr::Var(v),
                    span: Span::call_site(),
                });
                Value::Scalar(t)
            }
            Value::Tuple(items) => Value::Tuple(items.into_iter().map(|v| self.load(v)).collect()),
            Value::Array(items) => Value::Array(items.into_iter().map(|v| self.load(v)).collect()),
            other => other,
        }
    }

    /// Stores `value` into the cells of `target` (same shape), leaf by leaf; leaves of
    /// `target` that are not cells are replaced by the new values.
    fn store(&mut self, target: Value, value: Value, span: Span) -> Value {
        match (target, value) {
            (Value::Scalar(c), Value::Scalar(v)) if self.cells.contains(&c) => {
                self.types.same(c, v, span, self.diag);
                self.loads.remove(&c);
                self.fun.stmts.push(Stmt::Assign {
                    var: c,
                    op: crate::ir::AssignOp::Set,
                    expr: Expr::Var(v),
                });
                Value::Scalar(c)
            }
            (Value::Scalar(old), Value::Scalar(v)) => {
                self.types.same(old, v, span, self.diag);
                Value::Scalar(v)
            }
            (Value::Tuple(ts), Value::Tuple(vs)) if ts.len() == vs.len() => Value::Tuple(
                ts.into_iter()
                    .zip(vs)
                    .map(|(t, v)| self.store(t, v, span))
                    .collect(),
            ),
            (Value::Array(ts), Value::Array(vs)) if ts.len() == vs.len() => Value::Array(
                ts.into_iter()
                    .zip(vs)
                    .map(|(t, v)| self.store(t, v, span))
                    .collect(),
            ),
            (_, v) => v,
        }
    }

    fn bind(&mut self, name: &syn::Ident, value: Value) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.insert(name.unraw_string(), value);
        }
    }

    fn lookup(&self, name: &str) -> Option<Value> {
        self.scopes.iter().rev().find_map(|s| s.get(name).cloned())
    }

    /// Rebinds an existing variable (assignment to a `let mut`).
    fn rebind(&mut self, name: &str, value: Value) -> bool {
        for scope in self.scopes.iter_mut().rev() {
            if let Some(slot) = scope.get_mut(name) {
                *slot = value;
                return true;
            }
        }
        false
    }

    fn body(&mut self, block: &syn::Block) -> Value {
        self.block(block, true)
    }

    fn block(&mut self, block: &syn::Block, top: bool) -> Value {
        self.scopes.push(HashMap::new());
        let n = block.stmts.len();
        let mut tail = Value::Unit;
        for (i, stmt) in block.stmts.iter().enumerate() {
            let last = i + 1 == n;
            let value = match stmt {
                syn::Stmt::Local(local) => self.local(local),
                syn::Stmt::Item(item) if top => {
                    self.item(item);
                    Value::Unit
                }
                syn::Stmt::Item(item) => {
                    self.diag.error(
                        item,
                        "items are supported only at the top level of a differentiated \
                         function's body; move this item there or out of the function",
                    );
                    Value::Unit
                }
                syn::Stmt::Macro(m) => {
                    self.diag.error(&m.mac, MACRO_MESSAGE);
                    Value::Unit
                }
                // A final `return` of the function is its value.
                syn::Stmt::Expr(syn::Expr::Return(r), _) if top && last => match &r.expr {
                    Some(e) => self.expr(e, None),
                    None => Value::Unit,
                },
                syn::Stmt::Expr(e, None) if last => self.expr(e, None),
                syn::Stmt::Expr(e, _) => self.statement(e),
            };
            if matches!(value, Value::Never) {
                // The rest of the block is unreachable.
                tail = Value::Never;
                break;
            }
            if last && (top || matches!(stmt, syn::Stmt::Expr(_, None))) {
                tail = value;
            }
        }
        self.scopes.pop();
        tail
    }

    fn item(&mut self, item: &syn::Item) {
        match item {
            syn::Item::Const(c) => {
                let kind = match signature::classify(&c.ty) {
                    TypeClass::Scalar(ty) => Kind::of(ty),
                    TypeClass::Buffer { .. } | TypeClass::FloatContainer => Kind::Unknown,
                };
                self.consts.insert(c.ident.unraw_string(), kind);
                self.fun.stmts.push(Stmt::Item(c.to_token_stream()));
            }
            syn::Item::Use(u) => {
                self.note_use(&u.tree, &mut Vec::new());
                self.fun.stmts.push(Stmt::Item(u.to_token_stream()));
            }
            other => self.diag.error(
                other,
                "only `const` and `use` items are supported inside a differentiated function; \
                 move this item out of the function",
            ),
        }
    }

    /// Remembers float constants imported from `std::f64::consts` and the like.
    fn note_use(&mut self, tree: &syn::UseTree, prefix: &mut Vec<String>) {
        let width = |prefix: &[String]| -> Option<FloatTy> {
            let n = prefix.len();
            if n >= 2 && prefix[n - 1] == "consts" {
                match prefix[n - 2].as_str() {
                    "f64" => Some(FloatTy::F64),
                    "f32" => Some(FloatTy::F32),
                    _ => None,
                }
            } else {
                None
            }
        };
        match tree {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.note_use(&p.tree, prefix);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                if let Some(w) = width(prefix) {
                    self.consts.insert(n.ident.to_string(), Kind::Float(w));
                }
            }
            syn::UseTree::Rename(r) => {
                if let Some(w) = width(prefix) {
                    self.consts.insert(r.rename.to_string(), Kind::Float(w));
                }
            }
            syn::UseTree::Glob(_) => self.float_consts_glob |= width(prefix).is_some(),
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.note_use(t, prefix);
                }
            }
        }
    }

    fn local(&mut self, local: &syn::Local) -> Value {
        let Some(init) = &local.init else {
            self.diag.error(
                local,
                "a `let` without an initial value is not supported; give it a value (`let x = 0.0;`)",
            );
            return Value::Unit;
        };
        if let Some((else_token, _)) = &init.diverge {
            self.diag.error(
                else_token,
                "`let .. else` is not supported; use `match` or `if` to choose the value",
            );
            return Value::Unit;
        }
        let hint = pattern_name(&local.pat);
        if let syn::Expr::Call(_) = &*init.expr {
            self.call_arity = call_shape(&local.pat);
        }
        let value = self.expr(&init.expr, hint.as_deref());
        self.call_arity = None;
        if matches!(value, Value::Never) {
            return Value::Never;
        }
        self.pattern(&local.pat, value);
        Value::Unit
    }

    fn pattern(&mut self, pat: &syn::Pat, value: Value) {
        match (pat, value) {
            (_, Value::Error) => self.poison(pat),
            (syn::Pat::Ident(pi), value) if pi.by_ref.is_none() && pi.subpat.is_none() => {
                // A temporary bound to a name (`let (s, c) = x.sin_cos();`) takes that name.
                if let Value::Scalar(v) = value {
                    let info = &mut self.fun.vars[v.0 as usize];
                    if matches!(info.origin, Origin::Temp) {
                        info.origin = Origin::User(pi.ident.unraw_string());
                    }
                }
                self.bind(&pi.ident, value)
            }
            (syn::Pat::Wild(_), _) => {}
            (syn::Pat::Paren(p), value) => self.pattern(&p.pat, value),
            (syn::Pat::Type(pt), value) => {
                self.annotate(&value, &pt.ty);
                self.pattern(&pt.pat, value)
            }
            (syn::Pat::Tuple(t), Value::Tuple(items)) if t.elems.len() == items.len() => {
                for (p, v) in t.elems.iter().zip(items) {
                    self.pattern(p, v);
                }
            }
            (syn::Pat::Slice(s), Value::Array(items)) if s.elems.len() == items.len() => {
                for (p, v) in s.elems.iter().zip(items) {
                    self.pattern(p, v);
                }
            }
            (syn::Pat::Tuple(_) | syn::Pat::Slice(_), _) => self.diag.error(
                pat,
                "this pattern does not match the shape of the value (or uses `..`); \
                 destructure tuples and arrays element by element",
            ),
            _ => self.diag.error(
                pat,
                "unsupported pattern; bind a name, `_`, or a tuple of them",
            ),
        }
    }

    /// Binds every name of a pattern to an error value so that later uses are not reported.
    fn poison(&mut self, pat: &syn::Pat) {
        match pat {
            syn::Pat::Ident(pi) => self.bind(&pi.ident, Value::Error),
            syn::Pat::Type(pt) => self.poison(&pt.pat),
            syn::Pat::Paren(p) => self.poison(&p.pat),
            syn::Pat::Tuple(t) => t.elems.iter().for_each(|p| self.poison(p)),
            syn::Pat::Slice(s) => s.elems.iter().for_each(|p| self.poison(p)),
            _ => {}
        }
    }

    /// Applies a type annotation (`let x: f64 = ..`) to a value.
    fn annotate(&mut self, value: &Value, ty: &syn::Type) {
        match (value, ty) {
            (Value::Scalar(v), _) => {
                if let TypeClass::Scalar(t) = signature::classify(ty) {
                    self.types.fact(*v, Kind::of(t), ty.span(), self.diag);
                }
            }
            (Value::Tuple(items), syn::Type::Tuple(t)) => {
                for (v, ty) in items.iter().zip(&t.elems) {
                    self.annotate(v, ty);
                }
            }
            (Value::Array(items), syn::Type::Array(a)) => {
                for v in items {
                    self.annotate(v, &a.elem);
                }
            }
            _ => {}
        }
    }

    /// An expression in statement position.
    fn statement(&mut self, e: &syn::Expr) -> Value {
        match e {
            syn::Expr::Assign(a) if self.buffer_place(&a.left).is_some() => {
                let Some((b, index)) = self.buffer_place(&a.left) else {
                    return Value::Unit;
                };
                let value = self.expr(&a.right, None);
                if matches!(value, Value::Never) {
                    return Value::Never;
                }
                match index {
                    Some(index) => self.store_element(b, index, value, a.eq_token.span),
                    None => self.store_at(b, Expr::Usize(0), value, a.eq_token.span),
                }
                Value::Unit
            }
            syn::Expr::Binary(bin)
                if compound_op(&bin.op).is_some() && self.buffer_place(&bin.left).is_some() =>
            {
                let Some((b, index)) = self.buffer_place(&bin.left) else {
                    return Value::Unit;
                };
                let op = compound_op(&bin.op).unwrap_or(BinOp::Add);
                let index = match index {
                    Some(index) => {
                        let Some(i) = self.scalar(index) else {
                            return Value::Unit;
                        };
                        self.types.fact(i, Kind::Int, index.span(), self.diag);
                        Expr::Var(i)
                    }
                    None => Expr::Usize(0),
                };
                if matches!(op, BinOp::Add | BinOp::Sub) {
                    // `b[i] += v` stays an update in place: its adjoint only reads `b_bar[i]`.
                    let Some(v) = self.scalar(&bin.right) else {
                        return Value::Unit;
                    };
                    if let Some(slot) = self.types.element_slot(b) {
                        self.types.same(v, slot, bin.op.span(), self.diag);
                    }
                    self.element_loads.retain(|(buf, _), _| *buf != b);
                    self.fun.stmts.push(Stmt::Store {
                        buf: b,
                        index,
                        op: if op == BinOp::Add {
                            crate::ir::AssignOp::Add
                        } else {
                            crate::ir::AssignOp::Sub
                        },
                        value: Expr::Var(v),
                    });
                    return Value::Unit;
                }
                let old = self.load_at(b, index.clone(), None, bin.op.span());
                let rhs = self.expr(&bin.right, None);
                if matches!(rhs, Value::Never) {
                    return Value::Never;
                }
                let new = self.binary(op, old, rhs, None, bin.op.span());
                let (Value::Scalar(v), Some(slot)) = (new, self.types.element_slot(b)) else {
                    return Value::Unit;
                };
                self.types.same(v, slot, bin.op.span(), self.diag);
                self.element_loads.retain(|(buf, _), _| *buf != b);
                self.fun.stmts.push(Stmt::Store {
                    buf: b,
                    index,
                    op: crate::ir::AssignOp::Set,
                    value: Expr::Var(v),
                });
                Value::Unit
            }
            syn::Expr::Assign(a) => {
                let hint = place_name(&a.left);
                let value = self.expr(&a.right, hint.as_deref());
                if matches!(value, Value::Never) {
                    return Value::Never;
                }
                self.assign(&a.left, value);
                Value::Unit
            }
            syn::Expr::Binary(b) if compound_op(&b.op).is_some() => {
                let op = compound_op(&b.op).unwrap_or(BinOp::Add);
                let old = self.expr(&b.left, None);
                let rhs = self.expr(&b.right, None);
                if matches!(rhs, Value::Never) {
                    return Value::Never;
                }
                let hint = place_name(&b.left);
                let new = self.binary(op, old, rhs, hint.as_deref(), b.op.span());
                self.assign(&b.left, new);
                Value::Unit
            }
            other => match self.expr(other, None) {
                Value::Never => Value::Never,
                _ => Value::Unit,
            },
        }
    }

    /// Assigns `value` to a place: a variable, a tuple field or an array element.
    fn assign(&mut self, place: &syn::Expr, value: Value) {
        if matches!(value, Value::Error) {
            return;
        }
        match place {
            syn::Expr::Path(p) if p.qself.is_none() && p.path.get_ident().is_some() => {
                let name = p
                    .path
                    .get_ident()
                    .map(|i| i.unraw_string())
                    .unwrap_or_default();
                let Some(old) = self.lookup(&name) else {
                    self.diag.error(
                        place,
                        "assignment to something that is not a local variable is not supported",
                    );
                    return;
                };
                let value = self.store(old, value, place.span());
                if !self.rebind(&name, value) {
                    self.diag.error(
                        place,
                        "assignment to something that is not a local variable is not supported",
                    );
                }
            }
            syn::Expr::Paren(p) => self.assign(&p.expr, value),
            syn::Expr::Field(_) | syn::Expr::Index(_) => {
                let Some((name, path)) = self.place_path(place) else {
                    return;
                };
                let Some(mut root) = self.lookup(&name) else {
                    self.diag.error(
                        place,
                        "assignment to something that is not a local variable is not supported",
                    );
                    return;
                };
                let mut slot = &mut root;
                for i in &path {
                    slot = match slot {
                        Value::Tuple(items) | Value::Array(items) if *i < items.len() => {
                            &mut items[*i]
                        }
                        _ => {
                            self.diag
                                .error(place, "this element does not exist in the value");
                            return;
                        }
                    };
                }
                let old = std::mem::replace(slot, Value::Unit);
                *slot = self.store(old, value, place.span());
                self.rebind(&name, root);
            }
            other => self.diag.error(
                other,
                "unsupported assignment target; assign to a local variable, a tuple field `t.0` \
                 or an array element with a literal index `a[1]`",
            ),
        }
    }

    /// The value of a constant place (`self.scale`) used as a number.
    fn read_place(&mut self, v: Value, span: Span) -> Value {
        match v {
            Value::Place(p) => Value::Scalar(self.define(None, Kind::Unknown, p, span)),
            other => other,
        }
    }

    /// `&self.data`: a constant place used as a buffer.
    fn borrow_place(&mut self, place: Expr, span: Span) -> Var {
        let b = self.new_buffer(Origin::Temp, Kind::Unknown);
        self.fun.stmts.push(Stmt::Let {
            vars: vec![Some(b)],
            mutable: false,
            expr: Expr::Borrow(Box::new(place)),
            span,
        });
        b
    }

    /// The buffer an expression names: a buffer variable, or a place of the receiver.
    fn as_buffer(&mut self, e: &syn::Expr) -> Option<Var> {
        match e {
            syn::Expr::Paren(p) => self.as_buffer(&p.expr),
            syn::Expr::Reference(r) => self.as_buffer(&r.expr),
            syn::Expr::Path(p) => match p
                .path
                .get_ident()
                .and_then(|i| self.lookup(&i.unraw_string()))
            {
                Some(Value::Buffer(b)) => Some(b),
                _ => None,
            },
            syn::Expr::Field(_) => match self.expr(e, None) {
                Value::Place(p) => Some(self.borrow_place(p, e.span())),
                _ => None,
            },
            _ => None,
        }
    }

    /// `*p` where `p` is a `&mut f64` parameter (a buffer of one element).
    fn deref_place(&self, e: &syn::Expr) -> Option<Var> {
        match e {
            syn::Expr::Paren(p) => self.deref_place(&p.expr),
            syn::Expr::Path(p) => match p
                .path
                .get_ident()
                .and_then(|i| self.lookup(&i.unraw_string()))
            {
                Some(Value::Buffer(b)) if self.scalar_refs.contains(&b) => Some(b),
                _ => None,
            },
            _ => None,
        }
    }

    /// `x[i]` where `x` is a buffer: the buffer and the index expression.
    fn buffer_place<'e>(&self, place: &'e syn::Expr) -> Option<(Var, Option<&'e syn::Expr>)> {
        match place {
            syn::Expr::Paren(p) => self.buffer_place(&p.expr),
            syn::Expr::Unary(u) if matches!(u.op, syn::UnOp::Deref(_)) => {
                self.deref_place(&u.expr).map(|b| (b, None))
            }
            syn::Expr::Index(ix) => match &*ix.expr {
                syn::Expr::Path(p) => match p
                    .path
                    .get_ident()
                    .and_then(|i| self.lookup(&i.unraw_string()))
                {
                    Some(Value::Buffer(b)) => Some((b, Some(&*ix.index))),
                    _ => None,
                },
                _ => None,
            },
            _ => None,
        }
    }

    /// The root variable and element path of a place like `t.0[2]`.
    fn place_path(&mut self, place: &syn::Expr) -> Option<(String, Vec<usize>)> {
        match place {
            syn::Expr::Path(p) => p.path.get_ident().map(|i| (i.unraw_string(), Vec::new())),
            syn::Expr::Paren(p) => self.place_path(&p.expr),
            syn::Expr::Field(f) => {
                let (name, mut path) = self.place_path(&f.base)?;
                match &f.member {
                    syn::Member::Unnamed(i) => path.push(i.index as usize),
                    syn::Member::Named(n) => {
                        self.diag
                            .error(n, "named fields are not supported; use local variables");
                        return None;
                    }
                }
                Some((name, path))
            }
            syn::Expr::Index(ix) => {
                let (name, mut path) = self.place_path(&ix.expr)?;
                path.push(self.literal_index(&ix.index)?);
                Some((name, path))
            }
            other => {
                self.diag.error(other, "unsupported assignment target");
                None
            }
        }
    }

    fn literal_index(&mut self, e: &syn::Expr) -> Option<usize> {
        if let syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(n),
            ..
        }) = e
        {
            if let Ok(i) = n.base10_parse::<usize>() {
                return Some(i);
            }
        }
        self.diag.error(
            e,
            "a local array or tuple is indexed with an integer literal; for a runtime index use a \
             buffer (`vec![0.0; n]`, or a `&[f64]` parameter)",
        );
        None
    }

    /// Lowers an expression; the operation that makes its value is named `hint` if given.
    fn expr(&mut self, e: &syn::Expr, hint: Option<&str>) -> Value {
        match e {
            syn::Expr::Lit(l) => self.literal(&l.lit, hint),
            syn::Expr::Path(p) => self.path(p, hint),
            syn::Expr::Paren(p) => self.expr(&p.expr, hint),
            syn::Expr::Group(g) => self.expr(&g.expr, hint),
            syn::Expr::Unary(u) => {
                let op = match u.op {
                    syn::UnOp::Neg(_) => UnOp::Neg,
                    syn::UnOp::Not(_) => UnOp::Not,
                    syn::UnOp::Deref(_) => {
                        if let Some(b) = self.deref_place(&u.expr) {
                            return self.load_at(b, Expr::Usize(0), hint, u.op.span());
                        }
                        self.diag.error(
                            u,
                            "dereferencing is supported on `&mut f64` parameters only; use the value \
                             directly",
                        );
                        return Value::Error;
                    }
                    _ => {
                        self.diag
                            .error(u, "dereferencing is not supported; use the value directly");
                        return Value::Error;
                    }
                };
                let Some(a) = self.scalar(&u.expr) else {
                    return Value::Error;
                };
                let kind = if op == UnOp::Neg {
                    Kind::Unknown
                } else {
                    self.types.kind(a)
                };
                let v = self.define(
                    hint,
                    kind,
                    Expr::Unary(op, Box::new(Expr::Var(a))),
                    u.op.span(),
                );
                self.types.same(a, v, u.op.span(), self.diag);
                Value::Scalar(v)
            }
            syn::Expr::Binary(b) => match binary_op(&b.op) {
                Some(op @ (BinOp::And | BinOp::Or)) => self.short_circuit(b, op, hint),
                Some(op) => {
                    // A left-nested chain (`a + b + c + ..`) is walked in a loop, not by
                    // recursion, so that long sums cannot overflow the stack.
                    let mut spine = vec![(op, b)];
                    let mut leftmost = &*b.left;
                    while let syn::Expr::Binary(inner) = leftmost {
                        match binary_op(&inner.op) {
                            Some(op) if !matches!(op, BinOp::And | BinOp::Or) => {
                                spine.push((op, inner));
                                leftmost = &inner.left;
                            }
                            _ => break,
                        }
                    }
                    let mut acc = self.expr(leftmost, None);
                    let last = spine.len() - 1;
                    for (k, (op, node)) in spine.into_iter().rev().enumerate() {
                        let rhs = self.expr(&node.right, None);
                        let name = if k == last { hint } else { None };
                        acc = self.binary(op, acc, rhs, name, node.op.span());
                    }
                    acc
                }
                None => {
                    self.statement(e);
                    Value::Unit
                }
            },
            syn::Expr::Cast(c) => {
                let Some(a) = self.scalar(&c.expr) else {
                    return Value::Error;
                };
                let kind = match signature::classify(&c.ty) {
                    TypeClass::Scalar(t) => Kind::of(t),
                    TypeClass::Buffer { .. } | TypeClass::FloatContainer => {
                        self.diag
                            .error(&c.ty, "casts to this type are not supported");
                        return Value::Error;
                    }
                };
                Value::Scalar(self.define(
                    hint,
                    kind,
                    Expr::Cast(Box::new(Expr::Var(a)), c.ty.clone()),
                    c.as_token.span,
                ))
            }
            syn::Expr::MethodCall(m) => self.method_call(m, hint),
            syn::Expr::Call(c) => self.call(c, hint),
            syn::Expr::Tuple(t) => {
                if t.elems.is_empty() {
                    return Value::Unit;
                }
                Value::Tuple(t.elems.iter().map(|e| self.expr(e, None)).collect())
            }
            syn::Expr::Array(a) => {
                Value::Array(a.elems.iter().map(|e| self.expr(e, None)).collect())
            }
            syn::Expr::Repeat(r) => {
                let value = self.expr(&r.expr, None);
                match &*r.len {
                    syn::Expr::Lit(syn::ExprLit {
                        lit: syn::Lit::Int(n),
                        ..
                    }) if n.base10_parse::<usize>().is_ok_and(|n| n <= 4096) => {
                        let n = n.base10_parse::<usize>().unwrap_or(0);
                        Value::Array(vec![value; n])
                    }
                    len => {
                        // A runtime length: a buffer. (`value` was lowered already.)
                        let Value::Scalar(v) = value else {
                            return Value::Error;
                        };
                        self.filled_buffer(v, len, hint)
                    }
                }
            }
            syn::Expr::Field(f) => {
                let base = self.expr(&f.base, None);
                match (&f.member, base) {
                    (_, Value::Error) => Value::Error,
                    (member, Value::Place(p)) => {
                        Value::Place(Expr::Member(Box::new(p), member.clone()))
                    }
                    (syn::Member::Unnamed(i), Value::Tuple(items)) => {
                        match items.get(i.index as usize) {
                            Some(v) => v.clone(),
                            None => {
                                self.diag
                                    .error(i, format!("this tuple has no field {}", i.index));
                                Value::Error
                            }
                        }
                    }
                    _ => {
                        self.diag.error(
                            f,
                            "field access is supported only on local tuples (`t.0`); struct fields \
                             are not supported yet",
                        );
                        Value::Error
                    }
                }
            }
            syn::Expr::Index(ix) => {
                let base = self.expr(&ix.expr, None);
                if matches!(base, Value::Error) {
                    return Value::Error;
                }
                if let Value::Buffer(b) = base {
                    return self.load_element(b, &ix.index, hint);
                }
                if let Value::Place(p) = base {
                    let b = self.borrow_place(p, ix.bracket_token.span.join());
                    return self.load_element(b, &ix.index, hint);
                }
                let Some(i) = self.literal_index(&ix.index) else {
                    return Value::Error;
                };
                match base {
                    Value::Array(items) if i < items.len() => items[i].clone(),
                    Value::Array(items) => {
                        self.diag.error(
                            &ix.index,
                            format!(
                                "index {i} is out of bounds: the array has {} elements",
                                items.len()
                            ),
                        );
                        Value::Error
                    }
                    _ => {
                        self.diag.error(
                            ix,
                            "only buffers (`&[f64]`, `&[f64; N]`, `&Vec<f64>`, `vec![..]`) and \
                             local arrays can be indexed",
                        );
                        Value::Error
                    }
                }
            }
            syn::Expr::Block(b) if b.label.is_none() => self.block(&b.block, false),
            syn::Expr::Macro(m) if m.mac.path.is_ident("vec") => {
                self.vec_macro(m, hint).unwrap_or(Value::Error)
            }
            syn::Expr::If(i) => self.if_expr(i, hint),
            syn::Expr::Match(m) => self.match_expr(m, hint),
            syn::Expr::ForLoop(f) => self.for_loop(f),
            syn::Expr::While(w) => self.while_loop(w),
            syn::Expr::Loop(l) => self.infinite_loop(l),
            syn::Expr::Break(b) => self.break_expr(b),
            syn::Expr::Continue(c) => self.continue_expr(c),
            syn::Expr::Return(r) => self.return_expr(r),
            syn::Expr::Assign(_) => {
                self.statement(e);
                Value::Unit
            }
            other => {
                let keyword = other
                    .to_token_stream()
                    .into_iter()
                    .find(|t| !matches!(t, proc_macro2::TokenTree::Punct(p) if p.as_char() == '#'))
                    .map_or_else(|| other.span(), |t| t.span());
                self.diag.error_at(keyword, unsupported_message(other));
                Value::Error
            }
        }
    }

    /// Lowers an expression that must be a scalar.
    fn scalar(&mut self, e: &syn::Expr) -> Option<Var> {
        match self.expr(e, None) {
            Value::Scalar(v) => Some(v),
            Value::Error | Value::Never => None,
            Value::Place(p) => Some(self.define(None, Kind::Unknown, p, e.span())),
            // A `&mut f64` used as a number (a method's receiver): its value.
            Value::Buffer(b) if self.scalar_refs.contains(&b) => {
                match self.load_at(b, Expr::Usize(0), None, e.span()) {
                    Value::Scalar(v) => Some(v),
                    _ => None,
                }
            }
            Value::Buffer(_) => {
                self.diag.error(
                    e,
                    "expected a number here, found a buffer; index it (`x[i]`)",
                );
                None
            }
            _ => {
                self.diag
                    .error(e, "expected a number here, found a tuple, an array or `()`");
                None
            }
        }
    }

    fn literal(&mut self, lit: &syn::Lit, hint: Option<&str>) -> Value {
        let kind = match lit {
            syn::Lit::Float(f) => match f.suffix() {
                "f32" => Kind::Float(FloatTy::F32),
                "f64" => Kind::Float(FloatTy::F64),
                _ => Kind::AnyFloat,
            },
            syn::Lit::Int(i) => match i.suffix() {
                "f32" => Kind::Float(FloatTy::F32),
                "f64" => Kind::Float(FloatTy::F64),
                _ => Kind::Int,
            },
            syn::Lit::Bool(_) => Kind::Bool,
            other => {
                self.diag
                    .error(other, "only numeric and boolean literals are supported");
                return Value::Error;
            }
        };
        Value::Scalar(self.define(hint, kind, Expr::Lit(lit.clone()), lit.span()))
    }

    fn path(&mut self, p: &syn::ExprPath, hint: Option<&str>) -> Value {
        if p.qself.is_none() {
            if let Some(ident) = p.path.get_ident() {
                if let Some(v) = self.lookup(&ident.unraw_string()) {
                    return self.load(v);
                }
            }
        }
        // Not a local: a constant of the user's or of std.
        let segments: Vec<String> = p
            .path
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        let n = segments.len();
        let width = |s: &str| match s {
            "f64" => Some(FloatTy::F64),
            "f32" => Some(FloatTy::F32),
            _ => None,
        };
        let kind = if n >= 2 && width(&segments[n - 2]).is_some() {
            // `f64::EPSILON`, `f64::MAX`
            Kind::Float(width(&segments[n - 2]).unwrap_or(FloatTy::F64))
        } else if n >= 3 && segments[n - 2] == "consts" && width(&segments[n - 3]).is_some() {
            Kind::Float(width(&segments[n - 3]).unwrap_or(FloatTy::F64))
        } else if n == 1 {
            match self.consts.get(&segments[0]) {
                Some(k) => *k,
                None if self.float_consts_glob
                    && STD_FLOAT_CONSTS.contains(&segments[0].as_str()) =>
                {
                    Kind::AnyFloat
                }
                None => Kind::Unknown,
            }
        } else {
            Kind::Unknown
        };
        Value::Scalar(self.define(hint, kind, Expr::Path(p.clone()), p.span()))
    }

    fn binary(
        &mut self,
        op: BinOp,
        lhs: Value,
        rhs: Value,
        hint: Option<&str>,
        span: Span,
    ) -> Value {
        let lhs = self.read_place(lhs, span);
        let rhs = self.read_place(rhs, span);
        let (a, b) = match (lhs, rhs) {
            (Value::Scalar(a), Value::Scalar(b)) => (a, b),
            (Value::Never, _) | (_, Value::Never) => return Value::Never,
            (Value::Error, _) | (_, Value::Error) => return Value::Error,
            _ => {
                self.diag.error_at(
                    span,
                    "arithmetic on tuples, arrays, buffers or `()` is not supported; operate on the elements",
                );
                return Value::Error;
            }
        };
        let expr = Expr::bin(op, Expr::Var(a), Expr::Var(b));
        let v = match op {
            _ if op.is_comparison() => {
                self.types.same(a, b, span, self.diag);
                self.define(hint, Kind::Bool, expr, span)
            }
            BinOp::And | BinOp::Or => {
                self.types.fact(a, Kind::Bool, span, self.diag);
                self.types.fact(b, Kind::Bool, span, self.diag);
                self.define(hint, Kind::Bool, expr, span)
            }
            BinOp::Shl | BinOp::Shr => {
                self.types.fact(b, Kind::Int, span, self.diag);
                let v = self.define(hint, Kind::Int, expr, span);
                self.types.same(a, v, span, self.diag);
                v
            }
            _ => {
                self.types.same(a, b, span, self.diag);
                let v = self.define(hint, Kind::Unknown, expr, span);
                self.types.same(a, v, span, self.diag);
                v
            }
        };
        Value::Scalar(v)
    }

    fn method_call(&mut self, m: &syn::ExprMethodCall, hint: Option<&str>) -> Value {
        let name = m.method.to_string();
        let span = m.method.span();
        // Methods of buffers.
        if m.args.is_empty() {
            let receiver_buffer = match &*m.receiver {
                syn::Expr::Path(_) | syn::Expr::Field(_)
                    if matches!(name.as_str(), "len" | "to_vec" | "clone") =>
                {
                    self.as_buffer(&m.receiver)
                }
                _ => None,
            };
            match (name.as_str(), receiver_buffer) {
                ("len", Some(b)) => return self.len(b, hint, span),
                ("to_vec" | "clone", Some(b)) => return self.copy_buffer(b, hint, span),
                ("sum" | "product", _) => {
                    if let Some((bufs, false)) = self.buffer_iteration(&m.receiver) {
                        if bufs.len() == 1 {
                            let op = if name == "sum" {
                                BinOp::Add
                            } else {
                                BinOp::Mul
                            };
                            return self.reduce(bufs[0], op, hint, span);
                        }
                    }
                }
                _ => {}
            }
        }
        if name == "fill" && m.args.len() == 1 {
            if let Some(b) = self.as_buffer(&m.receiver) {
                return self.fill(b, &m.args[0], span);
            }
        }
        if name == "push" && m.args.len() == 1 {
            if let Some(b) = self.as_buffer(&m.receiver) {
                let Some(v) = self.scalar(&m.args[0]) else {
                    return Value::Error;
                };
                if let Some(slot) = self.types.element_slot(b) {
                    self.types.same(v, slot, span, self.diag);
                }
                self.fun.stmts.push(Stmt::Append {
                    buf: b,
                    value: Expr::Var(v),
                });
                return Value::Unit;
            }
        }
        if let Some(t) = &m.turbofish {
            self.diag
                .error(t, "turbofish arguments are not supported here");
            return Value::Error;
        }
        if name == "clone" && m.args.is_empty() {
            return self.expr(&m.receiver, hint);
        }
        let mut args = vec![&*m.receiver];
        args.extend(m.args.iter());
        self.primitive(&m.method, &args, None, true, hint, m.method.span())
    }

    fn call(&mut self, c: &syn::ExprCall, hint: Option<&str>) -> Value {
        let arity = self.call_arity.take();
        let syn::Expr::Path(func) = &*c.func else {
            self.diag.error(
                &c.func,
                "only calls of functions named by a path are supported",
            );
            return Value::Error;
        };
        // `f64::sin(x)`
        let segs = &func.path.segments;
        // `Vec::with_capacity(n)`, `Vec::new()`: a buffer grown by `push`.
        if func.qself.is_none() && segs.len() == 2 && segs[0].ident == "Vec" {
            let capacity = match (segs[1].ident.to_string().as_str(), c.args.len()) {
                ("new", 0) => None,
                ("with_capacity", 1) => match self.scalar(&c.args[0]) {
                    Some(n) => {
                        self.types.fact(n, Kind::Int, c.args[0].span(), self.diag);
                        Some(Box::new(Expr::Var(n)))
                    }
                    None => return Value::Error,
                },
                _ => {
                    self.diag.error(
                        c,
                        "of `Vec`'s constructors only `Vec::new()` and `Vec::with_capacity(n)` \
                         are supported (or `vec![v; n]`)",
                    );
                    return Value::Error;
                }
            };
            let origin = hint.map_or(Origin::Temp, |h| Origin::User(h.to_string()));
            let b = self.new_buffer(origin, Kind::Unknown);
            self.fun.stmts.push(Stmt::Let {
                vars: vec![Some(b)],
                mutable: true,
                expr: Expr::NewVec { capacity },
                span: c.func.span(),
            });
            return Value::Buffer(b);
        }
        if func.qself.is_none() && segs.len() == 2 {
            let width = match segs[0].ident.to_string().as_str() {
                "f64" => Some(FloatTy::F64),
                "f32" => Some(FloatTy::F32),
                _ => None,
            };
            if let Some(w) = width {
                let args: Vec<&syn::Expr> = c.args.iter().collect();
                if segs[1].ident == "from" && args.len() == 1 {
                    // `f64::from(n)` converts losslessly, like `n as f64`.
                    let Some(a) = self.scalar(args[0]) else {
                        return Value::Error;
                    };
                    let ident = &segs[0].ident;
                    let ty: syn::Type = syn::parse_quote!(#ident);
                    let expr = Expr::Cast(Box::new(Expr::Var(a)), Box::new(ty));
                    return Value::Scalar(self.define(hint, Kind::Float(w), expr, c.func.span()));
                }
                return self.primitive(&segs[1].ident, &args, Some(w), false, hint, c.func.span());
            }
        }
        // A call of a function: its companions differentiate it.
        let mut args = Vec::new();
        for a in &c.args {
            match self.call_arg(a) {
                Some(e) => args.push(e),
                None => return Value::Error,
            }
        }
        for a in &args {
            if let Expr::Ref {
                buf, mutable: true, ..
            } = a
            {
                self.element_loads.retain(|(b, _), _| b != buf);
            }
        }
        let expr = Expr::Call {
            func: func.clone(),
            args,
            array: matches!(arity, Some((_, true))),
        };
        let span = c.func.span();
        match arity {
            // `let (a, b) = g(..);`, `let [a, b] = g(..);`, `let p: [f64; 2] = g(..);`
            Some((n, array)) => {
                let outs: Vec<Var> = (0..n)
                    .map(|_| self.new_var(Origin::Temp, Kind::Unknown))
                    .collect();
                match self.define_tuple(outs, expr, span) {
                    Value::Tuple(items) if array => Value::Array(items),
                    other => other,
                }
            }
            None => Value::Scalar(self.define(hint, Kind::Unknown, expr, span)),
        }
    }

    /// A call's result that nothing else gives a type (one only passed on to another call)
    /// is taken to be a float of the kind of the call's first float argument: left untyped it
    /// would be treated as a constant and its derivative silently dropped. An integer result
    /// then fails to compile in the generated code instead; annotate it (`let n: usize = ..`).
    fn type_call_results(&mut self) {
        let mut pending = Vec::new();
        crate::ir::walk(&self.fun.stmts, &mut |s| {
            if let Stmt::Let {
                vars,
                expr: Expr::Call { args, .. },
                span,
                ..
            } = s
            {
                pending.push((vars.clone(), args.clone(), *span));
            }
        });
        for (vars, args, span) in pending {
            let float = args.iter().find_map(|a| match a {
                Expr::Var(v) if matches!(self.types.kind(*v), Kind::Float(_) | Kind::AnyFloat) => {
                    Some(*v)
                }
                Expr::Ref { buf, .. } => self
                    .types
                    .element_slot(*buf)
                    .filter(|e| matches!(self.types.kind(*e), Kind::Float(_) | Kind::AnyFloat)),
                _ => None,
            });
            let Some(float) = float else { continue };
            for v in vars.into_iter().flatten() {
                if self.types.kind(v) == Kind::Unknown {
                    self.types.same(v, float, span, self.diag);
                }
            }
        }
    }

    /// An argument of a call: a number, or a buffer passed by reference.
    fn call_arg(&mut self, a: &syn::Expr) -> Option<Expr> {
        let (inner, mutable) = match a {
            syn::Expr::Reference(r) => (&*r.expr, r.mutability.is_some()),
            other => (other, false),
        };
        if let syn::Expr::Path(p) = inner {
            if let Some(Value::Buffer(b)) = p
                .path
                .get_ident()
                .and_then(|i| self.lookup(&i.unraw_string()))
            {
                // A `&mut` parameter passed on by name is passed mutably.
                let mutable = mutable || self.inout.contains(&b);
                return Some(Expr::Ref {
                    buf: b,
                    mutable,
                    range: None,
                });
            }
        }
        if let (syn::Expr::Reference(_), syn::Expr::Index(ix)) = (a, inner) {
            if let syn::Expr::Range(r) = &*ix.index {
                return self.sub_slice(&ix.expr, r, mutable);
            }
        }
        if matches!(a, syn::Expr::Reference(_)) {
            self.diag.error(
                a,
                "only buffers, sub-slices (`&x[a..b]`) and numbers (by value) can be passed to a \
                 call",
            );
            return None;
        }
        self.scalar(a).map(Expr::Var)
    }

    /// `&x[a..b]`, `&mut x[a..]`, `&x[..b]`: a sub-slice of a buffer passed to a call.
    fn sub_slice(&mut self, base: &syn::Expr, r: &syn::ExprRange, mutable: bool) -> Option<Expr> {
        let buf = match base {
            syn::Expr::Path(p) => p
                .path
                .get_ident()
                .and_then(|i| self.lookup(&i.unraw_string())),
            _ => None,
        };
        let Some(Value::Buffer(buf)) = buf else {
            self.diag.error(
                base,
                "only a sub-slice of a buffer named by a variable can be passed to a call",
            );
            return None;
        };
        if matches!(r.limits, syn::RangeLimits::Closed(_)) {
            self.diag.error(
                r,
                "write the sub-slice with `a..b` (an exclusive end), not `a..=b`",
            );
            return None;
        }
        let mut bound = |e: &Option<Box<syn::Expr>>, default: Expr| match e {
            Some(e) => {
                let i = self.scalar(e)?;
                self.types.fact(i, Kind::Int, e.span(), self.diag);
                Some(Expr::Var(i))
            }
            None => Some(default),
        };
        let start = bound(&r.start, Expr::Usize(0))?;
        let end = bound(&r.end, Expr::Len(buf))?;
        Some(Expr::Ref {
            buf,
            mutable: mutable || self.inout.contains(&buf),
            range: Some(Box::new((start, end))),
        })
    }

    /// A method of the scalar types, called as `recv.name(args)` or `f64::name(recv, args)`.
    fn primitive(
        &mut self,
        name: &syn::Ident,
        args: &[&syn::Expr],
        width: Option<FloatTy>,
        method_syntax: bool,
        hint: Option<&str>,
        span: Span,
    ) -> Value {
        let text = name.to_string();
        let prim = primitives::lookup(&text);
        let int_method = primitives::is_int_method(&text) && width.is_none();
        let (floats, ints, outputs) = match prim {
            Some(p) => (p.floats, p.ints, p.outputs),
            // Integer methods, and methods of other constants (`n.count_ones()`), are evaluated
            // as constants; `activity` rejects them if the receiver turns out to be a float.
            None if width.is_none() => (args.len(), 0, 1),
            None => {
                self.diag.error(
                    name,
                    format!(
                        "`{text}` is not a differentiable primitive; the supported float methods \
                         are listed in the README (sin, exp, ln, powi, powf, sqrt, max, ...)"
                    ),
                );
                return Value::Error;
            }
        };
        if prim.is_some() && args.len() != floats + ints {
            let receiver = usize::from(method_syntax);
            self.diag.error(
                name,
                format!("`{text}` takes {} argument(s)", floats + ints - receiver),
            );
            return Value::Error;
        }
        let mut vars = Vec::new();
        for a in args {
            vars.push(self.scalar(a));
        }
        let Some(vars) = vars.into_iter().collect::<Option<Vec<Var>>>() else {
            return Value::Error;
        };
        let recv = vars[0];
        // `pow` only exists on integers; the shared names (abs, max, ..) are settled by the
        // receiver's type; the rest are float methods.
        if prim.is_none() && !int_method {
            let expr = Expr::Method {
                name: name.clone(),
                recv: Ty::Opaque,
                args: vars.into_iter().map(Expr::Var).collect(),
            };
            return Value::Scalar(self.define(hint, Kind::Unknown, expr, span));
        }
        if text == "pow" {
            self.types.fact(recv, Kind::Int, span, self.diag);
        } else if !int_method || width.is_some() {
            let kind = width.map_or(Kind::AnyFloat, Kind::Float);
            self.types.fact(recv, kind, span, self.diag);
        }
        for (i, v) in vars.iter().enumerate().skip(1) {
            if i < floats {
                self.types.same(recv, *v, span, self.diag);
            } else {
                self.types.fact(*v, Kind::Int, span, self.diag);
            }
        }
        let expr = Expr::Method {
            name: name.clone(),
            recv: Ty::Opaque,
            args: vars.into_iter().map(Expr::Var).collect(),
        };
        if outputs == 1 {
            let v = self.define(hint, Kind::Unknown, expr, span);
            self.types.same(recv, v, span, self.diag);
            return Value::Scalar(v);
        }
        let outs: Vec<Var> = (0..outputs)
            .map(|_| {
                let v = self.new_var(Origin::Temp, Kind::Unknown);
                self.types.same(recv, v, span, self.diag);
                v
            })
            .collect();
        self.define_tuple(outs, expr, span)
    }

    /// `let (a, b, ..) = expr;`: several values defined at once (`sin_cos`, a call).
    fn define_tuple(&mut self, outs: Vec<Var>, expr: Expr, span: Span) -> Value {
        self.fun.stmts.push(Stmt::Let {
            vars: outs.iter().copied().map(Some).collect(),
            mutable: false,
            expr,
            span,
        });
        Value::Tuple(outs.into_iter().map(Value::Scalar).collect())
    }

    /// The function's result, checked against the declared output shape.
    fn output(&mut self, value: Value, shape: &Shape, block: &syn::Block) -> Expr {
        let at = block
            .stmts
            .last()
            .map_or_else(|| block.span(), |s| s.span());
        self.shape_expr(value, shape, at).unwrap_or(Expr::Zero)
    }

    fn shape_expr(&mut self, value: Value, shape: &Shape, at: Span) -> Option<Expr> {
        match (value, shape) {
            (Value::Error, _) => None,
            (Value::Unit, Shape::Unit) => Some(Expr::Tuple(Vec::new())),
            (Value::Scalar(v), Shape::Scalar(w)) => {
                self.types.fact(v, Kind::Float(*w), at, self.diag);
                Some(Expr::Var(v))
            }
            (Value::Tuple(items), Shape::Tuple(shapes)) if items.len() == shapes.len() => {
                let parts: Option<Vec<Expr>> = items
                    .into_iter()
                    .zip(shapes)
                    .map(|(v, s)| self.shape_expr(v, s, at))
                    .collect();
                parts.map(Expr::Tuple)
            }
            (Value::Array(items), Shape::Array(elem, len))
                if len.is_none_or(|n| n == items.len()) =>
            {
                let parts: Option<Vec<Expr>> = items
                    .into_iter()
                    .map(|v| self.shape_expr(v, elem, at))
                    .collect();
                parts.map(Expr::Array)
            }
            (Value::Unit, _) => {
                self.diag.error_at(
                    at,
                    "the function must end with the value it returns (a tail expression or `return`)",
                );
                None
            }
            _ => {
                self.diag.error_at(
                    at,
                    "the returned value does not have the shape of the declared output type; \
                     return tuples and arrays built element by element",
                );
                None
            }
        }
    }
}

const MACRO_MESSAGE: &str = "macro calls such as `println!` cannot be differentiated; move the \
                             macro call out of the differentiated function (into its caller)";

fn unsupported_message(e: &syn::Expr) -> String {
    let what = match e {
        syn::Expr::If(_) => {
            return "`if` is not supported yet by #[differentiate]; compute the value without \
                    branching (`max`, `min`, `clamp`, `abs` and `signum` are differentiable)"
                .into()
        }
        syn::Expr::Match(_) => {
            return "`match` is not supported yet by #[differentiate]; compute the value without \
                    branching (`max`, `min`, `clamp`, `abs` and `signum` are differentiable)"
                .into()
        }
        syn::Expr::ForLoop(_) | syn::Expr::While(_) | syn::Expr::Loop(_) => {
            return "loops are not supported yet by #[differentiate]; unroll the loop by hand"
                .into()
        }
        syn::Expr::Macro(_) => return MACRO_MESSAGE.into(),
        syn::Expr::Closure(_) => {
            return "closures (and iterator adaptors taking them, `.map(|v| ..)`, `.fold(..)`) are \
                    not supported by #[differentiate]; write the loop: `for v in x.iter() { .. }`"
                .into()
        }
        syn::Expr::Return(_) => {
            return "`return` is only supported as the last statement of the function".into()
        }
        syn::Expr::Reference(_) => "references (`&x`)",
        syn::Expr::Struct(_) => "struct literals",
        syn::Expr::Range(_) => "ranges",
        syn::Expr::Try(_) => "the `?` operator",
        syn::Expr::Async(_) | syn::Expr::Await(_) => "`async` code",
        syn::Expr::Unsafe(_) => "`unsafe` blocks",
        syn::Expr::Break(_) | syn::Expr::Continue(_) => "`break` and `continue`",
        syn::Expr::Let(_) => "`let` expressions",
        syn::Expr::Block(_) => {
            return "labeled blocks are not supported by #[differentiate]; use `if`/`else`, or a \
                    `loop` that ends with `break value`"
                .into()
        }
        _ => "this kind of expression",
    };
    format!("{what} cannot be differentiated by #[differentiate]; rewrite this part with arithmetic on `f64`/`f32` values")
}

fn binary_op(op: &syn::BinOp) -> Option<BinOp> {
    use syn::BinOp as S;
    Some(match op {
        S::Add(_) => BinOp::Add,
        S::Sub(_) => BinOp::Sub,
        S::Mul(_) => BinOp::Mul,
        S::Div(_) => BinOp::Div,
        S::Rem(_) => BinOp::Rem,
        S::And(_) => BinOp::And,
        S::Or(_) => BinOp::Or,
        S::BitXor(_) => BinOp::BitXor,
        S::BitAnd(_) => BinOp::BitAnd,
        S::BitOr(_) => BinOp::BitOr,
        S::Shl(_) => BinOp::Shl,
        S::Shr(_) => BinOp::Shr,
        S::Eq(_) => BinOp::Eq,
        S::Lt(_) => BinOp::Lt,
        S::Le(_) => BinOp::Le,
        S::Ne(_) => BinOp::Ne,
        S::Ge(_) => BinOp::Ge,
        S::Gt(_) => BinOp::Gt,
        _ => return None,
    })
}

fn compound_op(op: &syn::BinOp) -> Option<BinOp> {
    use syn::BinOp as S;
    Some(match op {
        S::AddAssign(_) => BinOp::Add,
        S::SubAssign(_) => BinOp::Sub,
        S::MulAssign(_) => BinOp::Mul,
        S::DivAssign(_) => BinOp::Div,
        S::RemAssign(_) => BinOp::Rem,
        S::BitXorAssign(_) => BinOp::BitXor,
        S::BitAndAssign(_) => BinOp::BitAnd,
        S::BitOrAssign(_) => BinOp::BitOr,
        S::ShlAssign(_) => BinOp::Shl,
        S::ShrAssign(_) => BinOp::Shr,
        _ => return None,
    })
}

/// What a call bound by `pat` returns: several values as a tuple or an array (its length
/// from the pattern or a type annotation), or one value (`None`).
fn call_shape(pat: &syn::Pat) -> Option<(usize, bool)> {
    if let syn::Pat::Type(pt) = pat {
        if let syn::Type::Array(a) = &*pt.ty {
            if let syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Int(n),
                ..
            }) = &a.len
            {
                return n.base10_parse().ok().map(|n| (n, true));
            }
        }
    }
    match strip_type(pat) {
        syn::Pat::Tuple(t) => Some((t.elems.len(), false)),
        syn::Pat::Slice(s) => Some((s.elems.len(), true)),
        _ => None,
    }
}

fn strip_type(pat: &syn::Pat) -> &syn::Pat {
    match pat {
        syn::Pat::Type(t) => strip_type(&t.pat),
        syn::Pat::Paren(p) => strip_type(&p.pat),
        p => p,
    }
}

/// The name a `let` pattern gives its value, to name the operation that computes it.
fn pattern_name(pat: &syn::Pat) -> Option<String> {
    match pat {
        syn::Pat::Ident(pi) => Some(pi.ident.unraw_string()),
        syn::Pat::Type(pt) => pattern_name(&pt.pat),
        syn::Pat::Paren(p) => pattern_name(&p.pat),
        _ => None,
    }
}

fn place_name(place: &syn::Expr) -> Option<String> {
    match place {
        syn::Expr::Path(p) => p.path.get_ident().map(|i| i.unraw_string()),
        syn::Expr::Paren(p) => place_name(&p.expr),
        _ => None,
    }
}
