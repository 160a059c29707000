//! Emission: IR → Rust tokens. The only place that writes syntax; it chooses names, adds the
//! parentheses that precedence needs (and no others), and builds the function item.

use crate::ir::{
    reads, Adaptor, AssignOp, BinOp, Expr, FloatTy, Function, Iter, LoopId, LoopKind, Stmt, Ty,
    UnOp, Var,
};
use crate::names::Names;
use proc_macro2::{Span, TokenStream};
use quote::{quote, ToTokens};
use std::collections::HashMap;
use std::collections::HashSet;

/// What the generated function takes from the user's: its name, visibility, generics and the
/// attributes that must carry over (`#[cfg]`).
pub struct Header<'a> {
    pub name: syn::Ident,
    pub vis: &'a syn::Visibility,
    pub generics: &'a syn::Generics,
    pub attrs: Vec<&'a syn::Attribute>,
    pub doc: String,
}

pub fn function(f: &Function, header: &Header, user_idents: &HashSet<String>) -> TokenStream {
    let read = reads(&f.stmts, f.ret.as_ref());
    let mut e = Emitter {
        f,
        names: Names::new(user_idents, f.vars.len()),
        labels: labels(f),
        loops: Vec::new(),
        read: read.clone(),
        reserved: reserved(f),
        indexed: crate::records::indexed(f),
        slots: HashMap::new(),
    };
    let receiver = f.receiver.iter().map(|r| quote!(#r));
    let params: Vec<TokenStream> = receiver
        .chain(f.params.iter().map(|p| {
            let mut name = e.names.of(f, p.var);
            if !read.contains(&p.var) {
                name = e.names.unused(&name);
            }
            let ty = &p.ty;
            quote!(#name: #ty)
        }))
        .collect();
    let stmts: Vec<TokenStream> = f.stmts.iter().map(|s| e.stmt(s)).collect();
    let ret = f.ret.as_ref().map(|r| e.expr(r, 0));
    let Header {
        name,
        vis,
        generics,
        attrs,
        doc,
    } = header;
    let ret_ty = &f.ret_ty;
    let arrow = (!crate::forward::is_unit(ret_ty)).then(|| quote!(-> #ret_ty));
    let where_clause = &generics.where_clause;
    // Only the lints the derivative's shape can trigger though the user's function did not
    // (`forbid` in the user's crate makes an unneeded `allow` an error).
    let mut allow = Vec::new();
    if params.len() > 7 {
        allow.push(quote!(clippy::too_many_arguments));
    }
    if type_size(ret_ty) > 8 {
        allow.push(quote!(clippy::type_complexity));
    }
    let allow = (!allow.is_empty()).then(|| quote!(#[allow(#(#allow),*)]));
    quote! {
        #(#attrs)*
        #[doc = #doc]
        #allow
        #vis fn #name #generics (#(#params),*) #arrow #where_clause {
            #(#stmts)*
            #ret
        }
    }
}

/// A rough count of the types nested in `ty`, to tell when clippy's `type_complexity` may fire.
fn type_size(ty: &syn::Type) -> usize {
    match ty {
        syn::Type::Tuple(t) => 1 + t.elems.iter().map(type_size).sum::<usize>(),
        syn::Type::Array(a) => 1 + type_size(&a.elem),
        syn::Type::Paren(p) => type_size(&p.elem),
        _ => 1,
    }
}

struct Emitter<'a> {
    f: &'a Function,
    names: Names,
    /// The loops that a `break` or `continue` inside a nested loop names.
    labels: HashMap<LoopId, syn::Lifetime>,
    /// The loops around the statement being emitted, innermost last.
    loops: Vec<LoopId>,
    read: HashSet<Var>,
    /// The tapes reserved before the loop that records on them.
    reserved: HashSet<Var>,
    /// The tapes recorded and replayed by the loop counter.
    indexed: crate::records::Indexed,
    /// The name of the slots of each such tape.
    slots: HashMap<Var, proc_macro2::Ident>,
}

fn reserved(f: &Function) -> HashSet<Var> {
    let mut out = HashSet::new();
    crate::ir::walk(&f.stmts, &mut |s| {
        if let Stmt::Reserve { tape, .. } = s {
            out.insert(*tape);
        }
    });
    out
}

/// Labels for the loops that need one: those left from inside a nested loop.
fn labels(f: &Function) -> HashMap<LoopId, syn::Lifetime> {
    fn visit(
        block: &[Stmt],
        stack: &mut Vec<(LoopId, Option<String>)>,
        out: &mut HashMap<LoopId, syn::Lifetime>,
    ) {
        for s in block {
            match s {
                Stmt::Break(id) | Stmt::Continue(id) if stack.last().map(|l| l.0) != Some(*id) => {
                    let name = stack
                        .iter()
                        .find(|l| l.0 == *id)
                        .and_then(|l| l.1.clone())
                        .unwrap_or_else(|| format!("l{}", id.0));
                    out.entry(*id).or_insert_with(|| {
                        syn::Lifetime::new(&format!("'{name}"), proc_macro2::Span::mixed_site())
                    });
                }
                Stmt::Loop(l) => {
                    stack.push((l.id, l.label.clone()));
                    if let LoopKind::While { cond, .. } = &l.kind {
                        visit(cond, stack, out);
                    }
                    visit(&l.body, stack, out);
                    stack.pop();
                }
                Stmt::If { then, els, .. } => {
                    visit(then, stack, out);
                    visit(els, stack, out);
                }
                _ => {}
            }
        }
    }
    let mut out = HashMap::new();
    visit(&f.stmts, &mut Vec::new(), &mut out);
    out
}

/// Binding strength of each expression form; higher binds tighter.
fn precedence(e: &Expr) -> u8 {
    match e {
        Expr::Binary(op, ..) => match op {
            BinOp::Mul | BinOp::Div | BinOp::Rem => 12,
            BinOp::Add | BinOp::Sub => 11,
            BinOp::Shl | BinOp::Shr => 10,
            BinOp::BitAnd => 9,
            BinOp::BitXor => 8,
            BinOp::BitOr => 7,
            BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => 6,
            BinOp::And => 5,
            BinOp::Or => 4,
        },
        Expr::Cast(..) => 13,
        Expr::Unary(..) => 14,
        _ => 20,
    }
}

impl Emitter<'_> {
    fn var(&mut self, v: Var) -> TokenStream {
        self.names.of(self.f, v).into_token_stream()
    }

    fn stmt(&mut self, s: &Stmt) -> TokenStream {
        match s {
            Stmt::Let {
                vars,
                mutable,
                expr,
                ..
            } => {
                let value = self.expr(expr, 0);
                let mutability = mutable.then(|| quote!(mut));
                let mut bind = |v: &Option<Var>| match v {
                    Some(v) => {
                        let name = self.var(*v);
                        quote!(#mutability #name)
                    }
                    None => quote!(_),
                };
                if vars.iter().all(Option::is_none) {
                    return quote!(#value;);
                }
                if let [single] = vars.as_slice() {
                    let pat = bind(single);
                    quote!(let #pat = #value;)
                } else {
                    let pats: Vec<TokenStream> = vars.iter().map(bind).collect();
                    if matches!(expr, Expr::Call { array: true, .. }) {
                        quote!(let [#(#pats),*] = #value;)
                    } else {
                        quote!(let (#(#pats),*) = #value;)
                    }
                }
            }
            Stmt::Assign { var, op, expr } => {
                let name = self.var(*var);
                let value = self.expr(expr, 0);
                // `v = v + e` is written `v += e`, as clippy asks.
                if let (AssignOp::Set, Expr::Binary(op, a, b)) = (op, expr) {
                    let commutes = matches!(op, BinOp::Add | BinOp::Mul);
                    let other = match (&**a, &**b) {
                        (Expr::Var(l), r) if l == var => Some(r),
                        (l, Expr::Var(r)) if r == var && commutes => Some(l),
                        _ => None,
                    };
                    let compound = match op {
                        BinOp::Add => Some(quote!(+=)),
                        BinOp::Sub => Some(quote!(-=)),
                        BinOp::Mul => Some(quote!(*=)),
                        BinOp::Div => Some(quote!(/=)),
                        BinOp::Rem => Some(quote!(%=)),
                        _ => None,
                    };
                    if let (Some(other), Some(op)) = (other, compound) {
                        let rhs = self.expr(other, 0);
                        return quote!(#name #op #rhs;);
                    }
                }
                match op {
                    AssignOp::Set => quote!(#name = #value;),
                    AssignOp::Add => quote!(#name += #value;),
                    AssignOp::Sub => quote!(#name -= #value;),
                }
            }
            Stmt::Declare { var } => {
                let name = self.var(*var);
                quote!(let #name;)
            }
            Stmt::Item(tokens) => tokens.clone(),
            Stmt::If { cond, then, els } => {
                let then_t = self.block(then);
                let els_t = self.block(els);
                match (then.is_empty(), els.is_empty()) {
                    (_, true) => {
                        let c = self.expr(cond, 0);
                        quote!(if #c { #then_t })
                    }
                    (true, false) => {
                        let c = self.expr(&Expr::Unary(UnOp::Not, Box::new(cond.clone())), 0);
                        quote!(if #c { #els_t })
                    }
                    (false, false) => {
                        let c = self.expr(cond, 0);
                        quote!(if #c { #then_t } else { #els_t })
                    }
                }
            }
            Stmt::Loop(l) => {
                let label = self.labels.get(&l.id).map(|lt| quote!(#lt:));
                self.loops.push(l.id);
                let body = self.block(&l.body);
                let tokens = match &l.kind {
                    LoopKind::For { var, iter } => {
                        let replayed = self.indexed.replayed_by(&l.body, *var);
                        let takes = replayed.into_iter().map(|tape| {
                            let t = self.var(tape);
                            let slots = self.slots_of(tape);
                            let n = self.iter(&iter.reversed(), true);
                            quote!(let #slots = #t.replay(#n.size_hint().0);)
                        });
                        let takes: TokenStream = takes.collect();
                        let v = if self.read.contains(var) || self.indexed.indexes_by(*var) {
                            self.var(*var)
                        } else {
                            quote!(_)
                        };
                        let it = self.iter(iter, false);
                        quote!(#takes #label for #v in #it { #body })
                    }
                    LoopKind::While { cond, test } if cond.is_empty() => {
                        let t = self.expr(test, 0);
                        quote!(#label while #t { #body })
                    }
                    LoopKind::While { cond, test } => {
                        let c = self.block(cond);
                        let t = self.expr(&Expr::Unary(UnOp::Not, Box::new(test.clone())), 0);
                        quote!(#label loop { #c if #t { break; } #body })
                    }
                    LoopKind::Infinite => quote!(#label loop { #body }),
                };
                self.loops.pop();
                tokens
            }
            Stmt::Break(id) => match self.jump_label(*id) {
                Some(l) => quote!(break #l;),
                None => quote!(break;),
            },
            Stmt::Continue(id) => match self.jump_label(*id) {
                Some(l) => quote!(continue #l;),
                None => quote!(continue;),
            },
            Stmt::Return(e) => {
                let e = self.expr(e, 0);
                quote!(return #e;)
            }
            Stmt::Store {
                buf,
                index,
                op,
                value,
            } => {
                let b = self.var(*buf);
                let i = self.expr(index, 0);
                let v = self.expr(value, 0);
                let b = if self.scalar_ref(*buf) {
                    quote!(*#b)
                } else {
                    quote!(#b[#i])
                };
                match op {
                    AssignOp::Set => quote!(#b = #v;),
                    AssignOp::Add => quote!(#b += #v;),
                    AssignOp::Sub => quote!(#b -= #v;),
                }
            }
            Stmt::CheckLen { a, b } => {
                let (an, bn) = (self.var(*a), self.var(*b));
                let message = format!(
                    "`{}` has length {{}} but `{}` has length {{}}: a tangent or adjoint buffer \
                     must have the length of its buffer",
                    an.to_string().trim_start_matches("r#"),
                    bn.to_string().trim_start_matches("r#")
                );
                quote!(assert!(#an.len() == #bn.len(), #message, #an.len(), #bn.len());)
            }
            // A buffer is recorded and restored whole; a `&mut f64` parameter as one value.
            Stmt::Push { tape, value } => {
                let t = self.var(*tape);
                match value {
                    Expr::Ref { buf, .. } if self.scalar_ref(*buf) => {
                        let b = self.var(*buf);
                        quote!(#t.push(*#b);)
                    }
                    Expr::Ref { .. } => {
                        let v = self.expr(value, 0);
                        quote!(#t.push_slice(#v);)
                    }
                    _ if self.indexed.recorded.contains_key(tape) => {
                        let slot = self.slot(*tape, &self.indexed.recorded[tape].clone());
                        let v = self.expr(value, 0);
                        quote!(#slot = #v;)
                    }
                    // A `for` loop's record goes into the slots reserved before the loop.
                    _ if self.reserved.contains(tape) => {
                        let v = self.expr(value, 0);
                        quote!(#t.push_reserved(#v);)
                    }
                    _ => {
                        let v = self.expr(value, 0);
                        quote!(#t.push(#v);)
                    }
                }
            }
            Stmt::Append { buf, value } => {
                let b = self.var(*buf);
                let v = self.expr(value, 0);
                quote!(#b.push(#v);)
            }
            Stmt::Restore { tape, place } => {
                let t = self.var(*tape);
                match place {
                    Expr::Ref { buf, .. } if self.scalar_ref(*buf) => {
                        let b = self.var(*buf);
                        quote!(*#b = #t.pop();)
                    }
                    _ => {
                        let p = self.expr(place, 0);
                        quote!(#t.pop_into(#p);)
                    }
                }
            }
            Stmt::Reserve { tape, iter } => {
                let t = self.var(*tape);
                let it = self.iter(iter, true);
                if self.indexed.recorded.contains_key(tape) {
                    let slots = self.slots_of(*tape);
                    quote!(let #slots = #t.record(#it.size_hint().0);)
                } else {
                    quote!(#t.reserve(#it.size_hint().0);)
                }
            }
        }
    }

    /// The name of the slots `tape` is recorded into or replayed from.
    fn slots_of(&mut self, tape: Var) -> proc_macro2::Ident {
        if let Some(s) = self.slots.get(&tape) {
            return s.clone();
        }
        let base = self.var(tape).to_string();
        let base = base.trim_start_matches("r#");
        let base = format!("{}_slots", base.strip_suffix("_tape").unwrap_or(base));
        let s = self.names.fresh(&base);
        self.slots.insert(tape, s.clone());
        s
    }

    /// `slots[i − start]` for a tape recorded or replayed by index.
    fn slot(&mut self, tape: Var, counter: &crate::records::Counter) -> TokenStream {
        let i = self.var(counter.var);
        let start = self.expr(&counter.start, 0);
        let slots = self.slots_of(tape);
        quote!(#slots[::ad::Counter::slot(#i, #start)])
    }

    fn block(&mut self, block: &[Stmt]) -> TokenStream {
        block.iter().map(|s| self.stmt(s)).collect()
    }

    /// Whether `v` is a `&mut f64` parameter, read and written through `*`.
    fn scalar_ref(&self, v: Var) -> bool {
        self.f
            .params
            .iter()
            .any(|p| p.var == v && crate::signature::is_scalar_ref(&p.ty))
    }

    /// The label a jump to loop `id` must name, if it is not the innermost loop.
    fn jump_label(&self, id: LoopId) -> Option<syn::Lifetime> {
        if self.loops.last() == Some(&id) {
            None
        } else {
            self.labels.get(&id).cloned()
        }
    }

    /// `a..b`, `(a..=b).rev()`, ...; `parens` when the range is the receiver of a method.
    fn iter(&mut self, iter: &Iter, parens: bool) -> TokenStream {
        let a = self.expr(&iter.start, 11);
        let b = self.expr(&iter.end, 11);
        let range = if iter.inclusive {
            quote!(#a..=#b)
        } else {
            quote!(#a..#b)
        };
        if iter.adaptors.is_empty() && !parens {
            return range;
        }
        let mut out = quote!((#range));
        for ad in &iter.adaptors {
            out = match ad {
                Adaptor::Rev => quote!(#out.rev()),
                Adaptor::StepBy(k) => {
                    let k = self.expr(k, 0);
                    quote!(#out.step_by(#k))
                }
                Adaptor::Skip(k) => {
                    let k = self.expr(k, 0);
                    quote!(#out.skip(#k))
                }
                Adaptor::Take(k) => {
                    let k = self.expr(k, 0);
                    quote!(#out.take(#k))
                }
            };
        }
        out
    }

    /// Emits `e`, in parentheses if it binds less tightly than `min`.
    fn expr(&mut self, e: &Expr, min: u8) -> TokenStream {
        let own = precedence(e);
        let tokens = match e {
            Expr::Var(v) => self.var(*v),
            Expr::Lit(l) => l.to_token_stream(),
            Expr::Zero => match &self.f.generic {
                Some(t) => quote!(<#t as ::ad::Float>::ZERO),
                None => quote!(0.0),
            },
            Expr::Bool(b) => quote!(#b),
            Expr::SelfValue => {
                let span = self
                    .f
                    .receiver
                    .as_ref()
                    .map_or_else(Span::call_site, |r| r.self_token.span);
                let token = syn::Ident::new("self", span);
                quote!(#token)
            }
            Expr::Member(base, member) => {
                let b = self.expr(base, 20);
                quote!(#b.#member)
            }
            Expr::Borrow(base) => {
                let b = self.expr(base, 20);
                quote!(&#b)
            }
            Expr::InRange {
                value,
                start,
                end,
                inclusive,
            } => {
                let v = self.expr(value, 0);
                let a = self.expr(start, 11);
                let b = self.expr(end, 11);
                if *inclusive {
                    quote!((#a..=#b).contains(&#v))
                } else {
                    quote!((#a..#b).contains(&#v))
                }
            }
            Expr::Usize(n) => {
                let n = proc_macro2::Literal::usize_unsuffixed(*n);
                quote!(#n)
            }
            Expr::NewTape => quote!(::ad::Tape::new()),
            Expr::NewSlot => quote!(::ad::Slot::new()),
            Expr::Load { buf, .. } if self.scalar_ref(*buf) => {
                let b = self.var(*buf);
                quote!(*#b)
            }
            Expr::Load { buf, index } => {
                let b = self.var(*buf);
                let i = self.expr(index, 0);
                quote!(#b[#i])
            }
            Expr::Ref {
                buf,
                mutable,
                range: Some(r),
            } => {
                let b = self.var(*buf);
                let (start, end) = (self.expr(&r.0, 0), self.expr(&r.1, 0));
                if *mutable {
                    quote!(&mut #b[#start..#end])
                } else {
                    quote!(&#b[#start..#end])
                }
            }
            Expr::Ref { buf, mutable, .. } => {
                let b = self.var(*buf);
                // Parameters are references already; locals are borrowed.
                let is_param = self.f.params.iter().any(|p| p.var == *buf);
                match (is_param, mutable) {
                    (true, _) => b,
                    (false, true) => quote!(&mut #b),
                    (false, false) => quote!(&#b),
                }
            }
            Expr::Len(b) => {
                let b = self.var(*b);
                quote!(#b.len())
            }
            Expr::NewVec { capacity: Some(c) } => {
                let c = self.expr(c, 0);
                quote!(::std::vec::Vec::with_capacity(#c))
            }
            Expr::NewVec { capacity: None } => quote!(::std::vec::Vec::new()),
            Expr::NewBuf { init, len } => {
                let v = self.expr(init, 0);
                let n = self.expr(len, 0);
                quote!(::std::vec![#v; #n])
            }
            Expr::Pop(t) if self.indexed.replayed.contains_key(t) => {
                self.slot(*t, &self.indexed.replayed[t].clone())
            }
            Expr::Pop(t) => {
                let t = self.var(*t);
                quote!(#t.pop())
            }
            Expr::Path(p) => p.to_token_stream(),
            Expr::Unary(op, a) => {
                // `-(-x)`, not `--x`
                let a = self.expr(
                    a,
                    if matches!(**a, Expr::Unary(..)) {
                        20
                    } else {
                        14
                    },
                );
                match op {
                    UnOp::Neg => quote!(-#a),
                    UnOp::Not => quote!(!#a),
                }
            }
            Expr::Binary(op, a, b) => {
                let non_assoc = matches!(
                    op,
                    BinOp::Eq | BinOp::Ne | BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge
                );
                // `x as usize < y` would parse `usize<` as generics.
                let left_min =
                    if matches!(op, BinOp::Lt | BinOp::Shl) && matches!(**a, Expr::Cast(..)) {
                        20
                    } else {
                        own + u8::from(non_assoc)
                    };
                let a = self.expr(a, left_min);
                // `x / (n as f64) < y`: a cast ending a left operand of `<` would read as generics.
                let b = self.expr(
                    b,
                    if matches!(**b, Expr::Cast(..)) {
                        20
                    } else {
                        own + 1
                    },
                );
                let op = binop_tokens(*op);
                quote!(#a #op #b)
            }
            Expr::Cast(a, ty) => {
                let a = self.expr(a, 13);
                quote!(#a as #ty)
            }
            Expr::Method { name, recv, args } => {
                let args_t: Vec<TokenStream> = args.iter().map(|a| self.expr(a, 0)).collect();
                match recv {
                    Ty::Float(FloatTy::Generic) => {
                        let t = &self.f.generic;
                        quote!(<#t as ::ad::Float>::#name(#(#args_t),*))
                    }
                    Ty::Float(w) => {
                        let ty = syn::Ident::new(w.name(), Span::call_site());
                        quote!(#ty::#name(#(#args_t),*))
                    }
                    _ => {
                        let r = args.first().map(|a| self.expr(a, 20)).unwrap_or_default();
                        let rest = &args_t[1.min(args_t.len())..];
                        quote!(#r.#name(#(#rest),*))
                    }
                }
            }
            Expr::Rule { name, args } => {
                let args: Vec<TokenStream> = args.iter().map(|a| self.expr(a, 0)).collect();
                quote!(::ad::rules::#name(#(#args),*))
            }
            Expr::Call { func, args, .. } => {
                let args: Vec<TokenStream> = args.iter().map(|a| self.expr(a, 0)).collect();
                quote!(#func(#(#args),*))
            }
            Expr::Tuple(items) => {
                let items: Vec<TokenStream> = items.iter().map(|a| self.expr(a, 0)).collect();
                if items.len() == 1 {
                    quote!((#(#items),*,))
                } else {
                    quote!((#(#items),*))
                }
            }
            Expr::Array(items) => {
                let items: Vec<TokenStream> = items.iter().map(|a| self.expr(a, 0)).collect();
                quote!([#(#items),*])
            }
            Expr::Field(a, i) => {
                let a = self.expr(a, 20);
                let i = syn::Index::from(*i as usize);
                quote!(#a.#i)
            }
            Expr::Index(a, i) => {
                let a = self.expr(a, 20);
                let i = proc_macro2::Literal::usize_unsuffixed(*i);
                quote!(#a[#i])
            }
        };
        if own < min {
            quote!((#tokens))
        } else {
            tokens
        }
    }
}

fn binop_tokens(op: BinOp) -> TokenStream {
    match op {
        BinOp::Add => quote!(+),
        BinOp::Sub => quote!(-),
        BinOp::Mul => quote!(*),
        BinOp::Div => quote!(/),
        BinOp::Rem => quote!(%),
        BinOp::And => quote!(&&),
        BinOp::Or => quote!(||),
        BinOp::BitAnd => quote!(&),
        BinOp::BitOr => quote!(|),
        BinOp::BitXor => quote!(^),
        BinOp::Shl => quote!(<<),
        BinOp::Shr => quote!(>>),
        BinOp::Eq => quote!(==),
        BinOp::Ne => quote!(!=),
        BinOp::Lt => quote!(<),
        BinOp::Le => quote!(<=),
        BinOp::Gt => quote!(>),
        BinOp::Ge => quote!(>=),
    }
}
