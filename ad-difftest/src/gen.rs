//! The program generator: from a seed, the Rust source of random, well-typed functions over the
//! syntax `ad` supports. Shared by `build.rs`, which writes them out, and the library, whose
//! unit tests check it.
//!
//! Every function is `pub fn f{k}(x: &[f64], a: f64, b: f64) -> f64` with `x.len() == 4`. Values
//! stay finite: the generator tracks a bound on the magnitude of every expression (assuming
//! arguments in `[-ARG, ARG]`) and squashes an expression through `tanh`, `sin` or `atan` when
//! its bound passes `CAP`; `exp`, `ln`, `sqrt` and division only see guarded arguments.

use std::fmt::Write as _;

/// Largest bound an expression may have before it is squashed.
const CAP: f64 = 8.0;
/// Bound on the arguments of every generated function (the tests draw from `[-1.5, 1.5]`).
const ARG: f64 = 1.6;
/// Most primal evaluations per call of a function (its body once, plus its calls).
const COST_CAP: u64 = 24;

/// The splitmix64 generator.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `[lo, hi)`.
    pub fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// A stream for item `k` of a run seeded with `seed`, independent of the other items.
    pub fn for_item(seed: u64, k: u64) -> Self {
        let s = Rng::new(seed).next_u64() ^ Rng::new(k.wrapping_add(0x5EED)).next_u64();
        Rng::new(s)
    }
}

/// Constructs the generator may use; `Default` enables all of them.
#[derive(Clone, Copy, Debug)]
pub struct Features {
    /// `f{j}(x, ..)` calls of earlier functions.
    pub calls: bool,
    /// `f{j}(&buf, ..)` calls with a local buffer.
    pub buffer_calls: bool,
    /// Local `vec![0.0; 4]` buffers.
    pub buffers: bool,
    /// `return` inside a branch.
    pub early_return: bool,
    /// `while` loops.
    pub while_loops: bool,
    /// `for &v in x` and `for (i, &v) in x.iter().enumerate()`.
    pub x_loops: bool,
    /// `let mut r = 0.0; for i in 0..4 { r += e; }` at the top level: loops the reverse
    /// transform fuses with their adjoint loops or with each other.
    pub reductions: bool,
    /// `m = e;` where `e` does not read `m` (FOUND.md, bug 1, fixed).
    pub overwrite: bool,
    /// `return` inside `for .. in x` loops (FOUND.md, bug 2, fixed).
    pub return_in_x_loops: bool,
    /// Calls passed a buffer declared after an early `return` (FOUND.md, bug 3,
    /// fixed).
    pub late_buffer_calls: bool,
    /// `let mut` in a nested block after an early `return`, where the variable may end up
    /// dead (FOUND.md, bug 4, fixed).
    pub late_nested_mutables: bool,
    /// `let mut m = v;` with `v` a local read again later (FOUND.md, bug 5, fixed).
    pub copy_init: bool,
}

impl Default for Features {
    fn default() -> Self {
        Features {
            calls: true,
            buffer_calls: true,
            buffers: true,
            early_return: true,
            while_loops: true,
            x_loops: true,
            reductions: true,
            overwrite: true,
            return_in_x_loops: true,
            late_buffer_calls: true,
            late_nested_mutables: true,
            copy_init: true,
        }
    }
}

impl Features {
    /// Turns on (`name`) or off (`-name`) the features named in a comma-separated list.
    pub fn apply(mut self, list: &str) -> Result<Self, String> {
        for item in list.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (on, name) = match item.strip_prefix('-') {
                Some(name) => (false, name),
                None => (true, item),
            };
            let flag = match name {
                "calls" => &mut self.calls,
                "buffer_calls" => &mut self.buffer_calls,
                "buffers" => &mut self.buffers,
                "early_return" => &mut self.early_return,
                "while_loops" => &mut self.while_loops,
                "x_loops" => &mut self.x_loops,
                "reductions" => &mut self.reductions,
                "overwrite" => &mut self.overwrite,
                "return_in_x_loops" => &mut self.return_in_x_loops,
                "late_buffer_calls" => &mut self.late_buffer_calls,
                "late_nested_mutables" => &mut self.late_nested_mutables,
                "copy_init" => &mut self.copy_init,
                _ => return Err(format!("unknown feature `{name}`")),
            };
            *flag = on;
        }
        Ok(self)
    }
}

/// One generated function.
pub struct Function {
    pub name: String,
    pub source: String,
    /// Primal evaluations per call, callees included.
    cost: u64,
    /// Bound on the result's magnitude.
    bound: f64,
}

/// Generates `count` functions; function `k` depends only on `seed` and functions `0..k`.
pub fn generate(seed: u64, count: usize, features: Features) -> Vec<Function> {
    let mut out: Vec<Function> = Vec::with_capacity(count);
    for k in 0..count {
        let mut rng = Rng::for_item(seed, k as u64);
        let f = FnGen::new(&mut rng, &out, features).function(k);
        out.push(f);
    }
    out
}

/// The contents of `programs.rs`: the functions, `SEED`, `COUNT` and the table `PROGRAMS` of
/// `crate::Program`s.
pub fn programs_rs(seed: u64, count: usize, features: Features) -> String {
    let fns = generate(seed, count, features);
    let mut s = format!(
        "// Generated by ad-difftest's build.rs; do not edit.\n\
         pub const SEED: u64 = {seed};\npub const COUNT: usize = {count};\n\n"
    );
    for f in &fns {
        s.push_str(&f.source);
        s.push('\n');
    }
    s.push_str("pub static PROGRAMS: &[crate::Program] = &[\n");
    for f in &fns {
        let n = &f.name;
        writeln!(
            s,
            "    crate::Program {{ name: {n:?}, primal: {n}, jvp: {n}_jvp, vjp: {n}_vjp, source: {:?} }},",
            f.source
        )
        .unwrap();
    }
    s.push_str("];\n");
    s
}

/// An expression's text, a bound on its magnitude, and whether it needs no parentheses.
#[derive(Clone)]
struct Expr {
    text: String,
    bound: f64,
    atom: bool,
}

impl Expr {
    fn new(text: String, bound: f64) -> Self {
        Expr {
            text,
            bound,
            atom: false,
        }
    }

    fn atom(text: String, bound: f64) -> Self {
        Expr {
            text,
            bound,
            atom: true,
        }
    }

    /// The text as an operand or a method receiver.
    fn op(&self) -> String {
        if self.atom {
            self.text.clone()
        } else {
            format!("({})", self.text)
        }
    }

    /// `t * t` for a short atom, else `(t).powi(2)`.
    fn square(&self) -> String {
        if self.atom && self.text.len() <= 8 {
            format!("{0} * {0}", self.text)
        } else {
            format!("{}.powi(2)", self.op())
        }
    }
}

#[derive(Clone)]
struct Var {
    name: String,
    bound: f64,
    mutable: bool,
    buffer: bool,
    /// Declared after an early `return`.
    late: bool,
}

/// A `usize` loop index in scope, `0..=max`.
struct Index {
    name: String,
    max: usize,
}

/// A statement generator.
type StmtKind<'a> = fn(&mut FnGen<'a>);

struct FnGen<'a> {
    rng: &'a mut Rng,
    earlier: &'a [Function],
    features: Features,
    scopes: Vec<Vec<Var>>,
    indices: Vec<Index>,
    ids: usize,
    budget: usize,
    loops: usize,
    /// Enclosing `for .. in x` loops.
    x_loops: usize,
    blocks: usize,
    /// Product of the trip counts of the enclosing loops.
    trips: u64,
    cost: u64,
    ret_bound: f64,
    /// An early `return` has been written.
    returned: bool,
    src: String,
    indent: usize,
}

impl<'a> FnGen<'a> {
    fn new(rng: &'a mut Rng, earlier: &'a [Function], features: Features) -> Self {
        let param = |name: &str| Var {
            name: name.into(),
            bound: ARG,
            mutable: false,
            buffer: false,
            late: false,
        };
        FnGen {
            rng,
            earlier,
            features,
            scopes: vec![vec![param("a"), param("b")]],
            indices: Vec::new(),
            ids: 0,
            budget: 0,
            loops: 0,
            x_loops: 0,
            blocks: 0,
            trips: 1,
            cost: 1,
            ret_bound: 0.0,
            returned: false,
            src: String::new(),
            indent: 1,
        }
    }

    fn function(mut self, k: usize) -> Function {
        self.budget = 5 + self.rng.below(21);
        while self.budget > 0 {
            self.stmt();
        }
        let mut tail = self.tail();
        if self.features.reductions && !self.returned && self.rng.chance(0.3) {
            // A last reduction that enters the value linearly: its adjoint is the seed.
            let r = self.reduction();
            tail = Expr::new(
                format!("{} + {r}", tail.op()),
                tail.bound + self.bound_of(&r),
            );
        }
        self.line(&tail.text);
        let name = format!("f{k}");
        let source = format!(
            "#[ad::differentiate(forward, reverse)]\npub fn {name}(x: &[f64], a: f64, b: f64) -> f64 {{\n{}}}\n",
            self.src
        );
        Function {
            name,
            source,
            cost: self.cost,
            bound: self.ret_bound.max(tail.bound),
        }
    }

    // ---- output and scopes ----

    fn line(&mut self, s: &str) {
        for _ in 0..self.indent {
            self.src.push_str("    ");
        }
        self.src.push_str(s);
        self.src.push('\n');
    }

    fn fresh(&mut self, prefix: &str) -> String {
        self.ids += 1;
        format!("{prefix}{}", self.ids)
    }

    fn push_var(&mut self, name: String, bound: f64, mutable: bool, buffer: bool) {
        let var = Var {
            name,
            bound,
            mutable,
            buffer,
            late: self.returned,
        };
        self.scopes.last_mut().unwrap().push(var);
    }

    /// The variables in scope: the latest binding of each name.
    fn visible(&self) -> Vec<Var> {
        let mut seen: Vec<Var> = Vec::new();
        for v in self.scopes.iter().flatten().rev() {
            if !seen.iter().any(|s| s.name == v.name) {
                seen.push(v.clone());
            }
        }
        seen
    }

    fn floats(&self) -> Vec<Var> {
        self.visible().into_iter().filter(|v| !v.buffer).collect()
    }

    fn mutables(&self) -> Vec<Var> {
        self.visible()
            .into_iter()
            .filter(|v| v.mutable && !v.buffer)
            .collect()
    }

    fn buffers(&self) -> Vec<Var> {
        self.visible().into_iter().filter(|v| v.buffer).collect()
    }

    fn set_bound(&mut self, name: &str, bound: f64) {
        if let Some(v) = self
            .scopes
            .iter_mut()
            .flatten()
            .rev()
            .find(|v| v.name == name)
        {
            v.bound = bound;
        }
    }

    fn bound_of(&self, name: &str) -> f64 {
        self.scopes
            .iter()
            .flatten()
            .rev()
            .find(|v| v.name == name)
            .map_or(0.0, |v| v.bound)
    }

    /// Bounds of the mutable variables and buffers in scope, to merge after a branch or loop.
    fn snapshot(&self) -> Vec<(String, f64)> {
        self.visible()
            .into_iter()
            .filter(|v| v.mutable)
            .map(|v| (v.name, v.bound))
            .collect()
    }

    fn merge(&mut self, snap: &[(String, f64)]) {
        for (name, b) in snap {
            let now = self.bound_of(name);
            self.set_bound(name, now.max(*b));
        }
    }

    fn open(&mut self) {
        self.scopes.push(Vec::new());
        self.blocks += 1;
        self.indent += 1;
    }

    fn close(&mut self) {
        self.scopes.pop();
        self.blocks -= 1;
        self.indent -= 1;
    }

    /// Opens a loop body running `trips` times: every mutable value may grow in it.
    fn open_loop(&mut self, trips: u64) -> Vec<(String, f64)> {
        for (name, b) in self.snapshot() {
            self.set_bound(&name, b + 2.0 * ARG * trips as f64);
        }
        let snap = self.snapshot();
        self.open();
        self.loops += 1;
        self.trips *= trips;
        snap
    }

    fn close_loop(&mut self, trips: u64, snap: &[(String, f64)]) {
        self.trips /= trips;
        self.loops -= 1;
        self.close();
        self.merge(snap);
    }

    /// Up to `n` statements of a block (at least one if the budget allows).
    fn stmts(&mut self, n: usize) {
        for _ in 0..n.max(1) {
            if self.budget == 0 {
                break;
            }
            self.stmt();
        }
    }

    // ---- expressions ----

    fn lit(&mut self, lo: f64, hi: f64) -> String {
        format!("{:.2}", self.rng.uniform(lo, hi))
    }

    /// A `usize` index into a buffer of length 4.
    fn index(&mut self) -> String {
        let mut opts: Vec<String> = Vec::new();
        for i in &self.indices {
            let n = &i.name;
            if i.max <= 3 {
                opts.push(n.clone());
                opts.push(format!("3 - {n}"));
            }
            if i.max <= 2 {
                opts.push(format!("{n} + 1"));
            }
            opts.push(format!("({n} + 1) % 4"));
        }
        if self.indices.len() >= 2 {
            let (i, j) = (&self.indices[0].name, &self.indices[1].name);
            opts.push(format!("({i} + {j}) % 4"));
        }
        if opts.is_empty() || self.rng.chance(0.35) {
            return self.rng.below(4).to_string();
        }
        opts.swap_remove(self.rng.below(opts.len()))
    }

    fn leaf(&mut self) -> Expr {
        let r = self.rng.unit();
        if r < 0.35 {
            let i = self.index();
            return Expr::atom(format!("x[{i}]"), ARG);
        }
        if r < 0.45 {
            let bufs = self.buffers();
            if !bufs.is_empty() {
                let buf = bufs[self.rng.below(bufs.len())].clone();
                let i = self.index();
                return Expr::atom(format!("{}[{i}]", buf.name), buf.bound);
            }
        }
        if r < 0.5 && !self.indices.is_empty() {
            let i = &self.indices[self.rng.below(self.indices.len())];
            return Expr::new(format!("{} as f64", i.name), i.max as f64);
        }
        let vars = self.floats();
        let v = &vars[self.rng.below(vars.len())];
        Expr::atom(v.name.clone(), v.bound)
    }

    /// `e` through `tanh`, `sin`, `cos` or (if `limit` allows) `atan`.
    fn squash(&mut self, e: Expr, limit: f64) -> Expr {
        let n = if limit >= 1.571 { 4 } else { 3 };
        let (m, b) =
            [("tanh", 1.0), ("sin", 1.0), ("cos", 1.0), ("atan", 1.571)][self.rng.below(n)];
        Expr::atom(format!("{}.{m}()", e.op()), b)
    }

    /// `e`, squashed if its bound passes `limit`.
    fn within(&mut self, e: Expr, limit: f64) -> Expr {
        if e.bound > limit {
            self.squash(e, limit)
        } else {
            e
        }
    }

    fn expr(&mut self, depth: usize) -> Expr {
        if depth == 0 || self.rng.chance(0.2) {
            return self.leaf();
        }
        let d = depth - 1;
        let e = match self.rng.below(14) {
            0 | 1 => {
                let (l, r) = (self.expr(d), self.expr(d));
                let op = ["+", "-"][self.rng.below(2)];
                Expr::new(format!("{} {op} {}", l.op(), r.op()), l.bound + r.bound)
            }
            2 => {
                let l = self.expr(d);
                let r = self.expr(d);
                Expr::new(format!("{} * {}", l.op(), r.op()), l.bound * r.bound)
            }
            3 => {
                let e = self.expr(d);
                let c = self.lit(0.1, 2.0);
                let v: f64 = c.parse().unwrap();
                match self.rng.below(5) {
                    0 => Expr::new(format!("{} * {c}", e.op()), e.bound * v),
                    1 => Expr::new(format!("{c} * {}", e.op()), e.bound * v),
                    2 => Expr::new(format!("{} + {c}", e.op()), e.bound + v),
                    3 => Expr::new(format!("{c} - {}", e.op()), e.bound + v),
                    _ => Expr::new(format!("{} / {c}", e.op()), e.bound / v),
                }
            }
            4 | 5 => {
                let e = self.expr(d);
                let (m, b) =
                    [("sin", 1.0), ("cos", 1.0), ("tanh", 1.0), ("atan", 1.571)][self.rng.below(4)];
                Expr::atom(format!("{}.{m}()", e.op()), b)
            }
            6 => {
                let e = self.expr(d);
                if self.rng.chance(0.5) {
                    Expr::atom(format!("{}.tanh().exp()", e.op()), 2.719)
                } else {
                    Expr::atom(format!("({} * 0.1).sin().exp()", e.op()), 2.719)
                }
            }
            7 => {
                let e = self.expr(d);
                let b2 = 1.0 + e.bound * e.bound;
                if self.rng.chance(0.5) {
                    Expr::atom(format!("(1.0 + {}).ln()", e.square()), b2.ln())
                } else {
                    Expr::atom(format!("(1.0 + {}).sqrt()", e.square()), b2.sqrt())
                }
            }
            8 => {
                let n = self.expr(d);
                let m = self.expr(d);
                Expr::new(format!("{} / (1.0 + {})", n.op(), m.square()), n.bound)
            }
            9 => {
                let p = 2 + self.rng.below(2) as i32;
                let e = self.expr(d);
                let e = self.within(e, CAP.sqrt());
                Expr::atom(format!("{}.powi({p})", e.op()), e.bound.powi(p))
            }
            10 => {
                let e = self.expr(d);
                let f = self.expr(d);
                let fb = 0.5 + f.bound * f.bound;
                Expr::atom(
                    format!("{}.hypot(0.5 + {})", e.op(), f.square()),
                    e.bound + fb,
                )
            }
            11 => {
                let (e, f, g) = (self.expr(d), self.expr(d), self.expr(d));
                let bound = e.bound * f.bound + g.bound;
                Expr::atom(format!("{}.mul_add({}, {})", e.op(), f.text, g.text), bound)
            }
            12 => {
                let e = self.expr(d);
                Expr::new(format!("-{}", e.op()), e.bound)
            }
            _ => match self.call_expr() {
                Some(e) => e,
                None => self.leaf(),
            },
        };
        self.within(e, CAP)
    }

    /// A call of an earlier function, if one fits the cost budget.
    fn call_expr(&mut self) -> Option<Expr> {
        if !self.features.calls || self.earlier.is_empty() {
            return None;
        }
        let j = self.earlier.len() - 1 - self.rng.below(self.earlier.len().min(20));
        let callee = &self.earlier[j];
        let extra = callee.cost * self.trips;
        if self.cost + extra > COST_CAP {
            return None;
        }
        let (name, bound) = (callee.name.clone(), callee.bound);
        self.cost += extra;
        let bufs: Vec<Var> = self
            .buffers()
            .into_iter()
            .filter(|v| v.bound <= ARG && (!v.late || self.features.late_buffer_calls))
            .collect();
        let buf = if self.features.buffer_calls && !bufs.is_empty() && self.rng.chance(0.4) {
            format!("&{}", bufs[self.rng.below(bufs.len())].name)
        } else {
            "x".to_string()
        };
        let e1 = self.expr(2);
        let e1 = self.within(e1, ARG);
        let e2 = self.expr(2);
        let e2 = self.within(e2, ARG);
        Some(Expr::atom(
            format!("{name}({buf}, {}, {})", e1.text, e2.text),
            bound,
        ))
    }

    fn cond(&mut self) -> String {
        if !self.indices.is_empty() && self.rng.chance(0.2) {
            let i = self.indices[self.rng.below(self.indices.len())]
                .name
                .clone();
            return if self.rng.chance(0.5) {
                format!("{i} % 2 == 0")
            } else {
                format!("{i} > 0")
            };
        }
        let e = self.expr(2);
        let c = self.lit(-0.8, 0.8);
        let op = [">", "<"][self.rng.below(2)];
        let first = format!("{} {op} {c}", e.op());
        if self.rng.chance(0.15) {
            let f = self.leaf();
            let c2 = self.lit(-0.8, 0.8);
            let join = ["&&", "||"][self.rng.below(2)];
            format!("{first} {join} {} > {c2}", f.op())
        } else {
            first
        }
    }

    /// The value the function returns at its end: reads every mutable variable, so that no
    /// update is dead.
    fn tail(&mut self) -> Expr {
        let vars = self.floats();
        let mut e = self.expr(2);
        let v = &vars[self.rng.below(vars.len())];
        e = Expr::new(format!("{} + {}", e.op(), v.name), e.bound + v.bound);
        for m in self.mutables() {
            e = Expr::new(format!("{} + {}", e.op(), m.name), e.bound + m.bound);
        }
        self.within(e, CAP)
    }

    /// Whether a `let mut` may be written here.
    fn may_declare_mutable(&self) -> bool {
        self.blocks == 0 || !self.returned || self.features.late_nested_mutables
    }

    // ---- statements ----

    fn stmt(&mut self) {
        self.budget -= 1;
        let f = self.features;
        let nested = self.blocks < 3;
        let has_mut = !self.mutables().is_empty();
        let has_buf = !self.buffers().is_empty();
        let mut kinds: Vec<(u32, StmtKind<'a>)> = vec![
            (6, Self::let_stmt),
            (2, Self::shadow),
            (
                if self.may_declare_mutable() { 2 } else { 0 },
                Self::let_mut,
            ),
            (1, Self::sin_cos),
        ];
        if has_mut {
            kinds.push((4, Self::update));
        }
        if nested {
            kinds.push((2, Self::if_let));
            kinds.push((2, Self::if_stmt));
            // A loop needs an accumulator.
            if self.loops < 2 && (has_mut || self.may_declare_mutable()) {
                kinds.push((2, Self::for_range));
                if f.x_loops {
                    kinds.push((1, Self::for_x));
                }
                if f.while_loops {
                    kinds.push((1, Self::while_loop));
                }
            }
        }
        if f.early_return && (self.x_loops == 0 || f.return_in_x_loops) {
            kinds.push((1, Self::early_return));
        }
        if f.buffers && self.blocks == 0 {
            kinds.push((1, Self::buffer));
        }
        if f.reductions && self.blocks == 0 {
            kinds.push((1, |g| {
                g.reduction();
            }));
        }
        if has_buf {
            kinds.push((2, Self::buffer_write));
        }
        if f.calls && !self.earlier.is_empty() {
            kinds.push((2, Self::call_stmt));
        }
        let total: u32 = kinds.iter().map(|k| k.0).sum();
        let mut r = self.rng.below(total as usize) as u32;
        for (w, k) in kinds {
            if r < w {
                return k(self);
            }
            r -= w;
        }
    }

    fn let_stmt(&mut self) {
        let name = self.fresh("v");
        let e = self.expr(3);
        self.line(&format!("let {name} = {};", e.text));
        self.push_var(name, e.bound, false, false);
    }

    fn shadow(&mut self) {
        let vars = self.floats();
        let v = vars[self.rng.below(vars.len())].name.clone();
        let e = self.expr(3);
        self.line(&format!("let {v} = {};", e.text));
        self.push_var(v, e.bound, false, false);
    }

    fn let_mut(&mut self) {
        let name = self.fresh("m");
        if self.rng.chance(0.2) {
            let c = self.lit(-1.0, 1.0);
            self.line(&format!("let mut {name}: f64 = {c};"));
            self.push_var(name, 1.0, true, false);
        } else {
            let mut e = self.expr(2);
            let copy = e.text.chars().all(|c| c.is_alphanumeric() || c == '_');
            if copy && !self.features.copy_init {
                e = self.squash(e, ARG);
            }
            self.line(&format!("let mut {name} = {};", e.text));
            self.push_var(name, e.bound, true, false);
        }
    }

    /// An update of a mutable variable; inside loops only forms that keep it bounded.
    fn update(&mut self) {
        let vars = self.mutables();
        let m = vars[self.rng.below(vars.len())].clone();
        self.update_var(&m);
    }

    fn update_var(&mut self, m: &Var) {
        let n = &m.name;
        let e = self.expr(2);
        let forms = if self.features.overwrite { 6 } else { 5 };
        let (text, bound) = match self.rng.below(forms) {
            0 => {
                let e = self.within(e, ARG);
                (format!("{n} += {};", e.text), m.bound + e.bound)
            }
            1 => {
                let e = self.within(e, ARG);
                (format!("{n} -= {};", e.text), m.bound + e.bound)
            }
            2 => {
                let e = self.within(e, 1.0);
                (format!("{n} *= {};", e.text), m.bound)
            }
            3 => (format!("{n} /= 1.0 + {};", e.square()), m.bound),
            4 => {
                let e = self.within(e, ARG);
                (
                    format!("{n} = {n} * 0.9 + {};", e.op()),
                    0.9 * m.bound + e.bound,
                )
            }
            _ => (format!("{n} = {};", e.text), e.bound),
        };
        self.line(&text);
        self.set_bound(n, bound);
    }

    fn sin_cos(&mut self) {
        let (s, c) = (self.fresh("s"), self.fresh("c"));
        let e = self.expr(2);
        self.line(&format!("let ({s}, {c}) = {}.sin_cos();", e.op()));
        self.push_var(s, 1.0, false, false);
        self.push_var(c, 1.0, false, false);
    }

    /// `let v = if c { .. } else { .. };`
    fn if_let(&mut self) {
        let name = self.fresh("v");
        let c = self.cond();
        let snap = self.snapshot();
        self.line(&format!("let {name} = if {c} {{"));
        let mut bound: f64 = 0.0;
        for branch in 0..2 {
            if branch == 1 {
                self.line("} else {");
            }
            self.open();
            let n = self.rng.below(2);
            if n > 0 {
                self.stmts(n);
            }
            let e = self.expr(2);
            self.line(&e.text);
            bound = bound.max(e.bound);
            self.close();
        }
        self.line("};");
        self.merge(&snap);
        self.push_var(name, bound, false, false);
    }

    fn if_stmt(&mut self) {
        let c = self.cond();
        let snap = self.snapshot();
        self.line(&format!("if {c} {{"));
        self.branch();
        if self.rng.chance(0.6) {
            self.line("} else {");
            self.branch();
        }
        self.line("}");
        self.merge(&snap);
    }

    /// The block of a branch: an update of a mutable variable if there is one, and a few
    /// random statements.
    fn branch(&mut self) {
        self.open();
        let n = self.rng.below(3);
        if self.mutables().is_empty() || self.rng.chance(0.2) {
            self.stmts(n + 1);
        } else {
            self.update();
            if n > 0 {
                self.stmts(n);
            }
        }
        self.close();
    }

    /// A fresh accumulator, or an existing mutable variable, to update in a loop.
    fn accumulator(&mut self) -> Var {
        let vars = self.mutables();
        if !vars.is_empty() && (self.rng.chance(0.4) || !self.may_declare_mutable()) {
            return vars[self.rng.below(vars.len())].clone();
        }
        self.let_mut();
        self.mutables().into_iter().next().unwrap()
    }

    /// A loop body: an update of `acc`, then a few random statements.
    fn loop_body(&mut self, acc: &Var) {
        let acc = Var {
            bound: self.bound_of(&acc.name),
            ..acc.clone()
        };
        self.update_var(&acc);
        let n = self.rng.below(3);
        if n > 0 {
            self.stmts(n);
        }
    }

    fn for_range(&mut self) {
        let acc = self.accumulator();
        let i = self.fresh("i");
        let (range, trips, max) = match self.rng.below(7) {
            0 => ("(0..4).rev()".to_string(), 4, 3),
            1 => ("(0..4).step_by(2)".to_string(), 2, 2),
            2 => ("0..4".to_string(), 4, 3),
            // Ranges from elsewhere than zero (their records are indexed from the start).
            3 => ("1..4".to_string(), 3, 3),
            4 => ("1..=3".to_string(), 3, 3),
            _ => ("0..3".to_string(), 3, 2),
        };
        self.line(&format!("for {i} in {range} {{"));
        let snap = self.open_loop(trips);
        self.indices.push(Index { name: i, max });
        self.loop_body(&acc);
        self.indices.pop();
        self.close_loop(trips, &snap);
        self.line("}");
    }

    fn for_x(&mut self) {
        let acc = self.accumulator();
        let v = self.fresh("w");
        let i = if self.rng.chance(0.5) {
            let i = self.fresh("i");
            self.line(&format!("for ({i}, &{v}) in x.iter().enumerate() {{"));
            Some(i)
        } else {
            self.line(&format!("for &{v} in x {{"));
            None
        };
        let snap = self.open_loop(4);
        self.push_var(v, ARG, false, false);
        let pushed = i.is_some();
        if let Some(name) = i {
            self.indices.push(Index { name, max: 3 });
        }
        self.x_loops += 1;
        self.loop_body(&acc);
        self.x_loops -= 1;
        if pushed {
            self.indices.pop();
        }
        self.close_loop(4, &snap);
        self.line("}");
    }

    fn while_loop(&mut self) {
        let acc = self.accumulator();
        let k = self.fresh("k");
        self.line(&format!("let mut {k}: usize = 0;"));
        if self.rng.chance(0.3) {
            let c = self.lit(0.5, 3.0);
            self.line(&format!("while {k} < 3 && {} < {c} {{", acc.name));
        } else {
            self.line(&format!("while {k} < 3 {{"));
        }
        let snap = self.open_loop(3);
        self.indices.push(Index {
            name: k.clone(),
            max: 2,
        });
        self.loop_body(&acc);
        self.indices.pop();
        self.line(&format!("{k} += 1;"));
        self.close_loop(3, &snap);
        self.line("}");
    }

    fn early_return(&mut self) {
        let c = self.cond();
        self.line(&format!("if {c} {{"));
        self.indent += 1;
        let e = self.expr(2);
        self.line(&format!("return {};", e.text));
        self.indent -= 1;
        self.line("}");
        self.ret_bound = self.ret_bound.max(e.bound);
        self.returned = true;
    }

    /// `let mut buf = vec![0.0; 4];` filled by a loop.
    fn buffer(&mut self) {
        let buf = self.fresh("buf");
        self.line(&format!("let mut {buf} = vec![0.0; 4];"));
        let bound = self.four_times(|i, e| format!("{buf}[{i}] = {e};"));
        self.push_var(buf, bound, true, true);
    }

    /// `for i in 0..4 { <stmt(i, e)> }` for a bounded expression `e` that may index by `i`;
    /// returns the bound of `e`.
    fn four_times(&mut self, stmt: impl Fn(&str, &str) -> String) -> f64 {
        let i = self.fresh("i");
        self.line(&format!("for {i} in 0..4 {{"));
        let snap = self.open_loop(4);
        self.indices.push(Index {
            name: i.clone(),
            max: 3,
        });
        let e = self.expr(2);
        let e = self.within(e, ARG);
        self.line(&stmt(&i, &e.text));
        self.indices.pop();
        self.close_loop(4, &snap);
        self.line("}");
        e.bound
    }

    /// Returns the accumulator's name.
    fn reduction(&mut self) -> String {
        let r = self.fresh("r");
        self.line(&format!("let mut {r} = 0.0;"));
        let bound = self.four_times(|_, e| format!("{r} += {e};"));
        self.push_var(r.clone(), 4.0 * bound, true, false);
        r
    }

    fn buffer_write(&mut self) {
        let bufs = self.buffers();
        let buf = bufs[self.rng.below(bufs.len())].clone();
        let looped = self.loops == 0 && self.rng.chance(0.5);
        let (i, snap) = if looped {
            let i = self.fresh("i");
            self.line(&format!("for {i} in 0..4 {{"));
            let snap = self.open_loop(4);
            self.indices.push(Index { name: i, max: 3 });
            (true, snap)
        } else {
            (false, Vec::new())
        };
        let idx = self.index();
        let e = self.expr(2);
        let bound = self.bound_of(&buf.name);
        if self.rng.chance(0.5) {
            let e = self.within(e, 1.0);
            self.line(&format!("{}[{idx}] += {};", buf.name, e.text));
            self.set_bound(&buf.name, bound + e.bound);
        } else {
            let e = self.within(e, ARG);
            self.line(&format!("{}[{idx}] = {};", buf.name, e.text));
            self.set_bound(&buf.name, bound.max(e.bound));
        }
        if i {
            self.indices.pop();
            self.close_loop(4, &snap);
            self.line("}");
        }
    }

    fn call_stmt(&mut self) {
        if let Some(e) = self.call_expr() {
            let name = self.fresh("v");
            self.line(&format!("let {name} = {};", e.text));
            self.push_var(name, e.bound, false, false);
        } else {
            self.let_stmt();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_prefix_stable() {
        let a = programs_rs(3, 20, Features::default());
        assert_eq!(a, programs_rs(3, 20, Features::default()));
        assert_ne!(a, programs_rs(4, 20, Features::default()));
        let long = generate(3, 30, Features::default());
        for (f, g) in generate(3, 20, Features::default()).iter().zip(&long) {
            assert_eq!(f.source, g.source);
        }
    }

    #[test]
    fn sizes_costs_and_braces() {
        for f in generate(11, 300, Features::default()) {
            let lines = f.source.lines().count();
            assert!((6..200).contains(&lines), "{}", f.source);
            assert!(f.cost <= COST_CAP && f.bound.is_finite());
            let opens = f.source.matches('{').count();
            assert_eq!(opens, f.source.matches('}').count(), "{}", f.source);
        }
    }

    #[test]
    fn features_switch_constructs_off() {
        let none = Features::default()
            .apply("-calls,-buffers,-early_return,-while_loops,-x_loops")
            .unwrap();
        for f in generate(5, 200, none) {
            for needle in ["vec!", "return", "while", "in x", "f0(x, ", "f0(&"] {
                assert!(!f.source.contains(needle), "{needle} in {}", f.source);
            }
        }
        assert!(Features::default().apply("bogus").is_err());
    }
}
