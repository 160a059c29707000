//! The `#[differentiate]` attribute: a compile-time automatic-differentiation compiler.
//!
//! Users depend on the `ad` crate, which re-exports this macro. The compiler is a pipeline of
//! phases, one module each, all working on `proc_macro2` tokens so they can be tested without
//! a compiler invocation:
//!
//! ```text
//! options + signature ─▶ lower ─▶ types ─▶ activity ─▶ forward / reverse ─▶ cleanup ─▶ emit
//! ```
//!
//! [`ir`] is the representation they share; [`expand`] runs them.

mod activity;
mod ascend;
mod carry;
mod chain;
mod cleanup;
mod diag;
mod emit;
mod expand;
mod forward;
mod fuse;
mod ir;
mod lower;
mod names;
mod options;
mod primitives;
mod records;
mod reverse;
mod signature;
mod slices;
mod structurize;
mod types;

#[cfg(test)]
mod fuzz;
#[cfg(test)]
mod tests;

use proc_macro::TokenStream;

/// Writes the derivative of a function next to it: `#[differentiate(forward)]` emits `f_jvp`,
/// `#[differentiate(reverse)]` emits `f_vjp`, and `wrt(a, b)` restricts the differentiated
/// parameters. See the `ad` crate's documentation for the contract.
#[proc_macro_attribute]
pub fn differentiate(attr: TokenStream, item: TokenStream) -> TokenStream {
    let item = proc_macro2::TokenStream::from(item);
    let attr = proc_macro2::TokenStream::from(attr);
    // The compiler reports bad input as errors and is not expected to panic; should it ever,
    // the user still gets their function and a located error instead of an aborted build.
    let run = std::panic::AssertUnwindSafe(|| expand::expand(attr, item.clone()));
    match std::panic::catch_unwind(run) {
        Ok(tokens) => tokens.into(),
        Err(_) => quote::quote! {
            #item
            ::core::compile_error!("internal error in #[differentiate]; please report this function");
        }
        .into(),
    }
}
