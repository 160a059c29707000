//! Numeric tests of derivatives through buffers: active `&[f64]`, `&[f64; N]` and `&Vec<f64>`
//! parameters read by index (`x[i]`, `a[i * d + j]`, `x.len()`) and by iteration (`iter`,
//! `for &v in x`, `enumerate`, `zip`, `sum`, `product`), local buffers `vec![c; n]` and
//! `[0.0; N]` whose elements are overwritten, constant buffers (`&[usize]` index arrays, float
//! buffers outside `wrt`), in-out `&mut [f64]` and `&mut f64` parameters, functions that return
//! `()`, accumulation into adjoint buffers, and the length checks at entry.
//!
//! Every function is differentiated in both modes; each derivative is checked against an
//! analytic formula (itself checked against finite differences) or against 5-point central
//! finite differences of the primal that perturb one buffer element at a time, and forward
//! mode against reverse mode by the dot-product test (see `buffers/common.rs`). One test crate
//! keeps the compile time low; the buffers are short so the tests stay fast in debug builds.
//!
//! Generated code must not warn: any rustc warning or clippy lint fails the build.
#![deny(warnings)]
#![deny(clippy::all)]

#[path = "buffers/common.rs"]
mod common;

#[path = "buffers/arrays.rs"]
mod arrays;
#[path = "buffers/constants.rs"]
mod constants;
#[path = "buffers/fusion.rs"]
mod fusion;
#[path = "buffers/indexing.rs"]
mod indexing;
#[path = "buffers/inout.rs"]
mod inout;
#[path = "buffers/iterators.rs"]
mod iterators;
#[path = "buffers/lengths.rs"]
mod lengths;
#[path = "buffers/locals.rs"]
mod locals;
#[path = "buffers/rows.rs"]
mod rows;
