//! A [GradBench](https://github.com/gradbench/gradbench) tool for `ad`.
//!
//! Each eval's primal is plain Rust over slices in its own module under [`evals`], annotated with
//! `#[ad::differentiate]`; every derivative reported comes from the companions the macro writes.
//! The library holds everything so that tests can call the primals directly; the binary only
//! runs [`protocol::serve`].

pub mod evals;
pub mod input;
pub mod protocol;
pub mod timing;
