//! Parsing of the attribute's arguments: `forward`, `reverse`, `wrt(a, b, ..)`.

use crate::diag::Diagnostics;
use proc_macro2::TokenStream;
use syn::parse::Parser;
use syn::punctuated::Punctuated;
use syn::{Ident, Meta, Token};

#[derive(Default, Debug)]
pub struct Options {
    pub forward: bool,
    pub reverse: bool,
    /// The parameters named in `wrt(..)`, if given; otherwise every float parameter is active.
    pub wrt: Option<Vec<Ident>>,
}

const USAGE: &str =
    "expected `forward`, `reverse` or `wrt(param, ..)`, e.g. `#[differentiate(forward, reverse)]`";

pub fn parse(attr: TokenStream, diag: &mut Diagnostics) -> Options {
    let mut options = Options::default();
    let metas = match Punctuated::<Meta, Token![,]>::parse_terminated.parse2(attr.clone()) {
        Ok(metas) => metas,
        Err(e) => {
            diag.push(syn::Error::new(e.span(), format!("{e}; {USAGE}")));
            return options;
        }
    };
    for meta in &metas {
        match meta {
            Meta::Path(p) if p.is_ident("forward") => {
                if options.forward {
                    diag.error(p, "mode `forward` is given twice; remove one");
                }
                options.forward = true;
            }
            Meta::Path(p) if p.is_ident("reverse") => {
                if options.reverse {
                    diag.error(p, "mode `reverse` is given twice; remove one");
                }
                options.reverse = true;
            }
            Meta::List(list) if list.path.is_ident("wrt") => {
                let parsed =
                    Punctuated::<Ident, Token![,]>::parse_terminated.parse2(list.tokens.clone());
                match parsed {
                    Ok(names) if names.is_empty() => diag.error(
                        list,
                        "`wrt()` names no parameter; list the parameters to differentiate, e.g. `wrt(x)`",
                    ),
                    Ok(names) => {
                        if options.wrt.is_some() {
                            diag.error(list, "`wrt(..)` is given twice; list every parameter in one `wrt(..)`");
                        }
                        let mut seen: Vec<Ident> = Vec::new();
                        for name in names {
                            if seen.contains(&name) {
                                diag.error(&name, format!("parameter `{name}` is listed twice in `wrt(..)`"));
                            } else {
                                seen.push(name);
                            }
                        }
                        options.wrt.get_or_insert_with(Vec::new).extend(seen);
                    }
                    Err(e) => diag.push(syn::Error::new(
                        e.span(),
                        "`wrt(..)` takes a comma-separated list of parameter names, e.g. `wrt(x, w)`",
                    )),
                }
            }
            other => diag.error(other, format!("unknown option; {USAGE}")),
        }
    }
    if !options.forward && !options.reverse && !diag.has_errors() {
        diag.error_at(
            proc_macro2::Span::call_site(),
            "no mode given: write `#[differentiate(forward)]`, `#[differentiate(reverse)]` or both",
        );
    }
    options
}
