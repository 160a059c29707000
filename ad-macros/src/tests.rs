//! Tests of the compiler on token streams: snapshots of the generated code, and checks that
//! bad input becomes spanned errors rather than panics.

use crate::expand::expand;
use proc_macro2::TokenStream;
use quote::quote;

/// Expands `#[differentiate(attr)] item` and pretty-prints the result.
fn pretty(attr: TokenStream, item: TokenStream) -> String {
    let out = expand(attr, item);
    match syn::parse2::<syn::File>(out.clone()) {
        Ok(file) => prettyplease::unparse(&file),
        Err(e) => panic!("expansion is not valid Rust ({e}): {out}"),
    }
}

#[test]
fn print_basic() {
    let s = pretty(
        quote!(forward, reverse),
        quote! {
            fn f(x: f64, y: f64) -> f64 {
                let a = x * y.sin();
                let mut b = a / (x + 1.0);
                b += x.exp();
                b * 2.0 - y
            }
        },
    );
    println!("{s}");
}
