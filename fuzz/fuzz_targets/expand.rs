//! libFuzzer on `#[differentiate]`'s compiler: the input, as text, is split at its first
//! newline into the attribute's arguments and the item. Whatever it is, the compiler must not
//! panic, and for an item that parses its output must parse too (derivatives, or spanned
//! errors next to the item). (The in-tree `fuzz` test of
//! `ad-macros` runs seeded mutations in CI; this target lets libFuzzer search with coverage.)
#![no_main]

// The compiler's modules, compiled into this crate as they are in `ad-macros` (a proc-macro
// crate cannot export them), under their own names.
#[path = "../../ad-macros/src"]
#[allow(dead_code)]
mod src {
    pub mod activity;
    pub mod ascend;
    pub mod carry;
    pub mod chain;
    pub mod cleanup;
    pub mod diag;
    pub mod emit;
    pub mod expand;
    pub mod forward;
    pub mod fuse;
    pub mod ir;
    pub mod lower;
    pub mod names;
    pub mod options;
    pub mod primitives;
    pub mod records;
    pub mod reverse;
    pub mod signature;
    pub mod slices;
    pub mod structurize;
    pub mod types;
}
use src::{
    activity, ascend, carry, chain, cleanup, diag, emit, expand, forward, fuse, ir, lower, names,
    options, primitives, records, reverse, signature, slices, structurize, types,
};

use libfuzzer_sys::fuzz_target;
use std::str::FromStr;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (attr, item) = text.split_once('\n').unwrap_or(("forward, reverse", text));
    let (Ok(attr), Ok(item)) = (
        proc_macro2::TokenStream::from_str(attr),
        proc_macro2::TokenStream::from_str(item),
    ) else {
        return;
    };
    let valid = syn::parse2::<syn::Item>(item.clone()).is_ok();
    let out = expand::expand(attr, item);
    // Derivatives, or `compile_error!`s next to the original item: Rust, if the item was.
    if valid {
        assert!(
            syn::parse2::<syn::File>(out).is_ok(),
            "the output does not parse"
        );
    }
});
