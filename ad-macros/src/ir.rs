//! The intermediate representation shared by every phase.
//!
//! A function is a list of statements over numbered variables. The lowering produces it in a
//! normal form (every intermediate value named once, one operation per `let`, operands are
//! variables); the transforms produce derivative programs in the same IR, where small nested
//! expressions are allowed so that a tangent or an adjoint update reads like the formula it is.
//! Emission to Rust tokens happens once, at the end, from this IR.

use proc_macro2::{Span, TokenStream};

/// A variable of the IR; an index into [`Function::vars`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct Var(pub u32);

/// The two float widths.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FloatTy {
    F32,
    F64,
}

impl FloatTy {
    pub fn name(self) -> &'static str {
        match self {
            FloatTy::F32 => "f32",
            FloatTy::F64 => "f64",
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
    /// A parameter the transform introduces under a fixed name (`dout`).
    Named(&'static str),
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
    },
    Tuple(Vec<Expr>),
    Array(Vec<Expr>),
    Field(Box<Expr>, u32),
    Index(Box<Expr>, usize),
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum AssignOp {
    Add,
    Sub,
}

#[derive(Clone, Debug)]
pub enum Stmt {
    /// `let v = e;` (one variable) or `let (a, _, b) = e;` (several; `None` binds `_`).
    Let {
        vars: Vec<Option<Var>>,
        mutable: bool,
        expr: Expr,
        span: Span,
    },
    /// `v += e;` or `v -= e;`
    Assign { var: Var, op: AssignOp, expr: Expr },
    /// An item of the user's body (`const`, `use`) copied verbatim.
    Item(TokenStream),
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
    pub stmts: Vec<Stmt>,
    pub ret: Expr,
    pub ret_ty: syn::Type,
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

    /// Calls `f` on every variable this expression reads.
    pub fn visit_vars(&self, f: &mut impl FnMut(Var)) {
        match self {
            Expr::Var(v) => f(*v),
            Expr::Lit(_) | Expr::Zero | Expr::Path(_) => {}
            Expr::Unary(_, a) | Expr::Cast(a, _) | Expr::Field(a, _) | Expr::Index(a, _) => {
                a.visit_vars(f)
            }
            Expr::Binary(_, a, b) => {
                a.visit_vars(f);
                b.visit_vars(f);
            }
            Expr::Method { args, .. }
            | Expr::Rule { args, .. }
            | Expr::Call { args, .. }
            | Expr::Tuple(args)
            | Expr::Array(args) => args.iter().for_each(|a| a.visit_vars(f)),
        }
    }

    /// Replaces variables by expressions, bottom-up.
    pub fn map_vars(&mut self, f: &mut impl FnMut(Var) -> Option<Expr>) {
        match self {
            Expr::Var(v) => {
                if let Some(e) = f(*v) {
                    *self = e;
                }
            }
            Expr::Lit(_) | Expr::Zero | Expr::Path(_) => {}
            Expr::Unary(_, a) | Expr::Cast(a, _) | Expr::Field(a, _) | Expr::Index(a, _) => {
                a.map_vars(f)
            }
            Expr::Binary(_, a, b) => {
                a.map_vars(f);
                b.map_vars(f);
            }
            Expr::Method { args, .. }
            | Expr::Rule { args, .. }
            | Expr::Call { args, .. }
            | Expr::Tuple(args)
            | Expr::Array(args) => args.iter_mut().for_each(|a| a.map_vars(f)),
        }
    }

    /// Whether evaluating the expression can have an effect besides its value.
    pub fn has_effects(&self) -> bool {
        let mut effects = matches!(self, Expr::Call { .. });
        match self {
            Expr::Unary(_, a) | Expr::Cast(a, _) | Expr::Field(a, _) | Expr::Index(a, _) => {
                effects |= a.has_effects()
            }
            Expr::Binary(_, a, b) => effects |= a.has_effects() || b.has_effects(),
            Expr::Method { args, .. }
            | Expr::Rule { args, .. }
            | Expr::Call { args, .. }
            | Expr::Tuple(args)
            | Expr::Array(args) => effects |= args.iter().any(Expr::has_effects),
            _ => {}
        }
        effects
    }
}

impl Stmt {
    pub fn visit_reads(&self, f: &mut impl FnMut(Var)) {
        match self {
            Stmt::Let { expr, .. } => expr.visit_vars(f),
            Stmt::Assign { var, expr, .. } => {
                f(*var);
                expr.visit_vars(f)
            }
            Stmt::Item(_) => {}
        }
    }
}
