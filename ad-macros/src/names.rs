//! Names of the generated variables: derived from the user's (`x` → tangent `dx`, adjoint
//! `x_bar`, partial `dy_dx`), never equal to any identifier the user's function mentions
//! (except a user variable's own name), and unique within the generated function. They carry
//! `Span::mixed_site()`, so they could not capture the user's names even if they were equal.

use crate::ir::{Function, Origin, Var};
use proc_macro2::{Ident, Span, TokenStream, TokenTree};
use std::collections::HashSet;

pub struct Names {
    /// Every identifier in the user's function.
    user: HashSet<String>,
    taken: HashSet<String>,
    assigned: Vec<Option<Ident>>,
    next_temp: usize,
}

impl Names {
    pub fn new(user_idents: &HashSet<String>, vars: usize) -> Names {
        Names {
            user: user_idents.clone(),
            taken: HashSet::new(),
            assigned: vec![None; vars],
            next_temp: 0,
        }
    }

    /// The identifier of `v`, chosen on first request.
    pub fn of(&mut self, f: &Function, v: Var) -> Ident {
        if let Some(Some(id)) = self.assigned.get(v.0 as usize) {
            return id.clone();
        }
        let id = match &f.vars[v.0 as usize].origin {
            Origin::User(name) => self.claim(name, true),
            Origin::Temp => loop {
                let candidate = format!("t{}", self.next_temp);
                self.next_temp += 1;
                if self.free(&candidate) {
                    break self.claim(&candidate, false);
                }
            },
            Origin::Tangent(x) => {
                let base = format!("d{}", self.base(f, *x));
                self.claim(&base, false)
            }
            Origin::Adjoint(x) => {
                let base = format!("{}_bar", self.base(f, *x));
                self.claim(&base, false)
            }
            Origin::Partial(y, x) => {
                let y = self.base(f, *y);
                let base = match x {
                    Some(x) => format!("d{y}_d{}", self.base(f, *x)),
                    None => format!("d{y}"),
                };
                self.claim(&base, false)
            }
            Origin::Named(name) => self.claim(name, false),
            Origin::Tape(x) => {
                let base = format!("{}_tape", self.base(f, *x));
                self.claim(&base, false)
            }
        };
        if self.assigned.len() <= v.0 as usize {
            self.assigned.resize(v.0 as usize + 1, None);
        }
        self.assigned[v.0 as usize] = Some(id.clone());
        id
    }

    /// A fresh name derived from `base`, for a generated value that is not a variable.
    pub fn fresh(&mut self, base: &str) -> Ident {
        self.claim(base, false)
    }

    /// A fresh name for a parameter the derivative does not read (`_x`).
    pub fn unused(&mut self, name: &Ident) -> Ident {
        let name = name.to_string();
        let name = name.trim_start_matches("r#");
        if name.starts_with('_') {
            return make_ident(name);
        }
        self.claim(&format!("_{name}"), false)
    }

    fn base(&mut self, f: &Function, v: Var) -> String {
        self.of(f, v)
            .to_string()
            .trim_start_matches("r#")
            .to_string()
    }

    fn free(&self, name: &str) -> bool {
        !self.taken.contains(name) && !self.user.contains(name) && usable(name)
    }

    /// Claims `base`, or `base_1`, `base_2`, .. if it is taken. A user variable may take its
    /// own name even though it appears among the user's identifiers.
    fn claim(&mut self, base: &str, users_own: bool) -> Ident {
        let ok = |s: &Self, name: &str| {
            if users_own && name == base {
                !s.taken.contains(name) && usable(name)
            } else {
                s.free(name)
            }
        };
        let mut name = base.to_string();
        let mut k = 1;
        while !ok(self, &name) {
            name = format!("{base}_{k}");
            k += 1;
        }
        self.taken.insert(name.clone());
        make_ident(&name)
    }
}

/// Names that cannot be a binding even as a raw identifier.
fn usable(name: &str) -> bool {
    !matches!(name, "self" | "Self" | "super" | "crate" | "_" | "")
}

fn make_ident(name: &str) -> Ident {
    let span = Span::mixed_site();
    if syn::parse_str::<syn::Ident>(name).is_ok() {
        Ident::new(name, span)
    } else {
        Ident::new_raw(name, span)
    }
}

/// Every identifier appearing in `tokens`, without `r#`.
pub fn collect_idents(tokens: TokenStream, out: &mut HashSet<String>) {
    for tt in tokens {
        match tt {
            TokenTree::Ident(i) => {
                out.insert(i.to_string().trim_start_matches("r#").to_string());
            }
            TokenTree::Group(g) => collect_idents(g.stream(), out),
            _ => {}
        }
    }
}
