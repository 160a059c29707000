//! Bad input: every unsupported construct is a compile error at its own span, with a message
//! that says what to write instead, the original item is still emitted, and the macro never
//! panics. `tests/ui-pass` holds valid neighbours of those cases that must keep compiling.
//!
//! Regenerate the expected output with `TRYBUILD=overwrite cargo test --test ui` and read every
//! `.stderr` before committing it.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
    t.pass("tests/ui-pass/*.rs");
}
