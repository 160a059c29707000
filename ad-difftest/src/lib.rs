//! # ad-difftest: a random-program differential tester for `ad`
//!
//! `build.rs` generates random, well-typed functions over the syntax `ad` supports ([`gen`]),
//! each `pub fn f{k}(x: &[f64], a: f64, b: f64) -> f64` under
//! `#[ad::differentiate(forward, reverse)]`: `let`s, shadowing, `let mut` with updates,
//! smooth primitives on guarded arguments, branches on active values, `for` / `while` loops,
//! early `return`s, local buffers and calls of earlier functions. They are compiled into this
//! crate and listed in [`PROGRAMS`]. The test `tests/differential.rs` runs each on random
//! inputs and checks that
//!
//! - `f_jvp` and `f_vjp` return the primal's value,
//! - forward and reverse mode agree (the dot-product test `dout · J v = ⟨Jᵀ dout, v⟩`),
//! - the JVP matches central finite differences where the function is smooth (elsewhere the
//!   comparison is skipped and counted).
//!
//! Run by hand with another seed or count (function `k` depends only on the seed and `k`):
//!
//! ```sh
//! AD_DIFFTEST_SEED=7 AD_DIFFTEST_COUNT=2000 cargo test -p ad-difftest --release -- --nocapture
//! ```
//!
//! `AD_DIFFTEST_FEATURES=-calls,-buffers` leaves constructs out (names in [`gen::Features`]).
//! A program that does not compile, or a mismatch, is a bug in `ad`: see `FOUND.md`.

pub mod gen;

/// `f(x, a, b)`.
pub type Primal = fn(&[f64], f64, f64) -> f64;
/// `f_jvp(x, dx, a, da, b, db) -> (y, dy)`.
pub type Jvp = fn(&[f64], &[f64], f64, f64, f64, f64) -> (f64, f64);
/// `f_vjp(x, x_bar, a, b, dout) -> (y, a_bar, b_bar)`, adding the gradient in `x` to `x_bar`.
pub type Vjp = fn(&[f64], &mut [f64], f64, f64, f64) -> (f64, f64, f64);

/// A generated function with its companions and its source (for error messages).
pub struct Program {
    pub name: &'static str,
    pub primal: Primal,
    pub jvp: Jvp,
    pub vjp: Vjp,
    pub source: &'static str,
}

/// The generated functions (unused locals and clippy's style lints are expected in them). Left
/// out of the library's own unit-test build, which would compile them a second time.
#[cfg(not(test))]
#[allow(unused, clippy::all)]
mod programs {
    include!(concat!(env!("OUT_DIR"), "/programs.rs"));
}

#[cfg(not(test))]
pub use programs::{COUNT, PROGRAMS, SEED};
