//! Bad input: every unsupported construct is a compile error at its own span, with a message
//! that says what to write instead. Regenerate the expected output with
//! `TRYBUILD=overwrite cargo test --test ui` and read every `.stderr` before committing it.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
