use ad::differentiate;

// rustc hides "cannot find" errors once a macro has reported an error, so the absence of
// "cannot find function `f`" proves nothing. Instead each original item is used at a wrong type:
// the only errors besides the macro's must be these `expected u8, found f64` mismatches, which
// show that the original items are still there, with their signatures, after each kind of error.

#[differentiate(sideways)]
fn bad_option(x: f64) -> f64 {
    x
}

#[differentiate(forward)]
fn bad_signature(x: f64, n: usize) -> usize {
    x as usize + n
}

#[differentiate(reverse)]
fn bad_body(x: f64) -> f64 {
    println!("{x}");
    x
}

#[differentiate(forward)]
struct NotAFn {
    x: f64,
}

fn main() {
    let _: u8 = bad_option(1.0);
    let _: u8 = bad_signature(1.0, 2) as f64;
    let _: u8 = bad_body(1.0);
    let _: u8 = NotAFn { x: 1.0 }.x;
}
