//! Tests of the compiler on token streams: snapshots of the generated code, and checks that
//! bad input becomes spanned errors rather than panics.
//!
//! Each snapshot test expands one function with `forward, reverse` and stores the
//! pretty-printed expansion under `src/snapshots/`, so any change to the generated code is a
//! visible diff in review. Update them with `INSTA_UPDATE=always cargo test -p ad-macros`
//! (or `cargo insta review`), then read the diff.

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

/// Snapshots the expansion of `#[differentiate(forward, reverse)] item`.
macro_rules! snapshot {
    ($name:ident, $item:expr) => {
        snapshot!($name, quote!(forward, reverse), $item);
    };
    ($name:ident, $attr:expr, $item:expr) => {
        #[test]
        fn $name() {
            insta::assert_snapshot!(pretty($attr, $item));
        }
    };
}

// The product rule through a primitive with a rule in the runtime.
snapshot!(
    snap_product_sin,
    quote! {
        fn f(x: f64, y: f64) -> f64 {
            x * y.sin()
        }
    }
);

// Shadowing, `let mut` and every compound assignment; names must follow the user's.
snapshot!(
    snap_shadowing_compound,
    quote! {
        fn f(x: f64, y: f64) -> f64 {
            let a = x * y.sin();
            let mut b = a / (x + 1.0);
            b += x.exp();
            b -= y;
            b *= a;
            b /= 2.0;
            let a = a + b;
            a * 2.0 - y
        }
    }
);

// A tuple output: the tangent is a tuple, the seed `dout` is a tuple.
snapshot!(
    snap_tuple_output,
    quote! {
        fn polar(r: f64, theta: f64) -> (f64, f64) {
            (r * theta.cos(), r * theta.sin())
        }
    }
);

// An array output: the tangent and the seed are arrays.
snapshot!(
    snap_array_output,
    quote! {
        fn moments(x: f64, y: f64) -> [f64; 3] {
            let s = x + y;
            [s, x * y, s * s]
        }
    }
);

// `wrt` narrows the active set: `c` and `k` are constants and get no tangent or adjoint.
snapshot!(
    snap_wrt_narrowing,
    quote!(forward, reverse, wrt(x)),
    quote! {
        pub fn spring(x: f64, c: f64, k: f64) -> f64 {
            0.5 * k * x * x + c * x.abs()
        }
    }
);

// f32 throughout: literals and rules must stay in f32.
snapshot!(
    snap_f32,
    quote! {
        fn sigmoid(z: f32, w: f32) -> f32 {
            let t = -(z * w);
            1.0 / (1.0 + t.exp())
        }
    }
);

// A `const`, a `std::f64::consts` path and an int→float cast of a constant parameter.
snapshot!(
    snap_const_and_cast,
    quote! {
        fn gauss(x: f64, sigma: f64, n: usize) -> f64 {
            const HALF: f64 = 0.5;
            let m = n as f64;
            let z = (x - m) / sigma;
            (-HALF * z * z).exp() / (sigma * (2.0 * std::f64::consts::PI).sqrt())
        }
    }
);

// The example from the crate docs, forward only and reverse only.
snapshot!(
    snap_forward_only,
    quote!(forward),
    quote! {
        fn f(x: f64, y: f64) -> f64 {
            x * y.sin()
        }
    }
);

snapshot!(
    snap_reverse_only,
    quote!(reverse),
    quote! {
        fn f(x: f64, y: f64) -> f64 {
            x * y.sin()
        }
    }
);

// A loop that overwrites its state: reverse mode records one value and one partial per step.
snapshot!(
    snap_euler_loop,
    quote! {
        fn euler(y0: f64, k: f64, n: usize) -> f64 {
            let h = 1.0 / n as f64;
            let mut y = y0;
            for _ in 0..n {
                y += h * (-k * y + y.sin());
            }
            y
        }
    }
);

// Branches on an active value, an early return, and a `while` loop with a trip count.
snapshot!(
    snap_branches_and_while,
    quote! {
        fn f(x: f64, y: f64) -> f64 {
            let z = if x > y { x * y } else { x.sqrt() + y };
            if z > 10.0 {
                return z;
            }
            let mut t = z;
            while t < 10.0 {
                t = t * 1.5 + x;
            }
            t
        }
    }
);

// A checkpointed loop: snapshots in the forward sweep, replayed segments in the adjoint sweep.
snapshot!(
    snap_checkpointed_loop,
    quote!(reverse),
    quote! {
        fn f(x: f64, n: usize) -> f64 {
            let mut y = x;
            for _ in ad::checkpoint(0..n, 100) {
                y = y.sin() * x;
            }
            y
        }
    }
);

// Buffers: a read-only buffer, an in-out buffer, element reads and writes.
snapshot!(
    snap_matvec_buffers,
    quote! {
        fn matvec(a: &[f64], x: &[f64], n: usize, y: &mut [f64]) {
            for i in 0..n {
                let mut acc = 0.0;
                for j in 0..n {
                    acc += a[i * n + j] * x[j];
                }
                y[i] = acc;
            }
        }
    }
);

// Iteration over buffers and a local buffer that is overwritten.
snapshot!(
    snap_local_buffer,
    quote! {
        fn f(x: &[f64], w: f64) -> f64 {
            let mut v = vec![0.0; x.len()];
            for (i, &xi) in x.iter().enumerate() {
                v[i] = w * xi;
            }
            for i in 1..v.len() {
                v[i] = v[i] * v[i - 1];
            }
            v.iter().sum::<f64>()
        }
    }
);

/// A 3000-term sum once overflowed the stack in emission; generated expressions are now
/// bounded in depth. Runs on a thread with a stack like rustc's macro thread.
#[test]
fn long_flat_expression_does_not_overflow() {
    let handle = std::thread::Builder::new()
        .stack_size(32 << 20)
        .spawn(|| {
            let terms: Vec<proc_macro2::TokenStream> = (0..3000)
                .map(|i| {
                    let c = proc_macro2::Literal::f64_suffixed(1.0 + f64::from(i) / 1000.0);
                    quote!(x * #c)
                })
                .collect();
            let item = quote! { fn long_sum(x: f64) -> f64 { #(#terms)+* } };
            let out = expand(quote!(forward, reverse), item).to_string();
            assert!(out.contains("fn long_sum_jvp") && out.contains("fn long_sum_vjp"));
            assert!(!out.contains("compile_error"));
        })
        .expect("spawn");
    handle
        .join()
        .expect("expansion of a 3000-term sum panicked");
}

/// The `for` loops in the `f_vjp` that `#[differentiate(reverse)] item` expands to, outer
/// first: whether each runs backwards (`.rev()`).
fn vjp_for_loops(item: TokenStream) -> Vec<bool> {
    struct Loops(Vec<bool>);
    impl<'a> syn::visit::Visit<'a> for Loops {
        fn visit_expr_for_loop(&mut self, e: &'a syn::ExprForLoop) {
            let backwards = matches!(&*e.expr, syn::Expr::MethodCall(m) if m.method == "rev");
            self.0.push(backwards);
            syn::visit::visit_expr_for_loop(self, e);
        }
    }
    let file: syn::File = syn::parse2(expand(quote!(reverse), item)).expect("valid Rust");
    let mut loops = Loops(Vec::new());
    for item in &file.items {
        if let syn::Item::Fn(f) = item {
            if f.sig.ident == "f_vjp" {
                syn::visit::visit_item_fn(&mut loops, f);
            }
        }
    }
    loops.0
}

/// The number of `for` loops in the `f_vjp` that `#[differentiate(reverse)] item` expands to.
fn vjp_loops(item: TokenStream) -> usize {
    vjp_for_loops(item).len()
}

/// A reduction's reversed loop needs only the seed: it runs fused with the forward loop, one
/// pass as written by hand. So do `y = A x` and `Σ yᵢ²` with their adjoints.
#[test]
fn independent_adjoint_loops_are_fused() {
    let sum_squares = quote! {
        fn f(x: &[f64], w: &[f64]) -> f64 {
            let mut s = 0.0;
            for (a, b) in x.iter().zip(w) {
                s += a * a * b;
            }
            s / x.len() as f64
        }
    };
    assert_eq!(vjp_loops(sum_squares), 1);
    let matvec = quote! {
        fn f(a: &[f64], x: &[f64]) -> f64 {
            let n = x.len();
            let mut y = vec![0.0; n];
            for i in 0..n {
                let mut acc = 0.0;
                for j in 0..n {
                    acc += a[i * n + j] * x[j];
                }
                y[i] = acc;
            }
            let mut s = 0.0;
            for i in 0..n {
                s += y[i] * y[i];
            }
            0.5 * s
        }
    };
    // One loop over the rows, holding the row's product and its adjoint.
    assert_eq!(vjp_loops(matvec), 3);
}

/// Loops whose fusion would change the result stay apart: a second loop reading the first
/// one's sum, and a reversed loop carrying an adjoint between iterations.
#[test]
fn dependent_loops_are_not_fused() {
    let normalised = quote! {
        fn f(x: &[f64]) -> f64 {
            let mut s = 0.0;
            for v in x {
                s += v;
            }
            let mut q = 0.0;
            for v in x {
                q += v / s;
            }
            q
        }
    };
    // The second loop runs fused with its adjoint (the tape between them dropped), but
    // apart from the first loop, whose final sum it reads, and from the first loop's
    // adjoint, which needs s̄ from all of it.
    assert_eq!(vjp_loops(normalised), 3);
    let product = quote! {
        fn f(x: &[f64]) -> f64 {
            let mut p = 1.0;
            for v in x {
                p *= v;
            }
            p
        }
    };
    assert_eq!(vjp_loops(product), 2);
}

/// The tape calls in the `f_vjp` that `#[differentiate(reverse)] item` expands to, in order.
fn vjp_tape_calls(item: TokenStream) -> Vec<String> {
    let out = expand(quote!(reverse), item).to_string();
    let calls = ["push_reserved", "push", "pop", "record", "replay"];
    let mut found = Vec::new();
    for piece in out.split(". ").skip(1) {
        if let Some(c) = calls.iter().find(|c| piece.starts_with(&format!("{c} ("))) {
            found.push(c.to_string());
        }
    }
    found
}

/// A `for` loop over a range that records once per iteration writes slot `i − start`, and its
/// reversed loop reads it. A value recorded only on some iterations (after a `continue`) is
/// pushed and popped.
#[test]
fn loops_over_ranges_record_by_index() {
    let power = quote! {
        fn f(x: f64, n: i32) -> f64 {
            let mut t = 1.0;
            for _ in 0..n {
                t *= x;
            }
            t
        }
    };
    assert_eq!(vjp_tape_calls(power), ["record", "replay"]);
    let skipping = quote! {
        fn f(x: f64, n: usize) -> f64 {
            let mut t = 1.0;
            for i in 0..n {
                if i % 3 == 0 {
                    continue;
                }
                t *= x;
            }
            t
        }
    };
    // Whether the iteration went on is recorded every time, `t` only when it did.
    assert_eq!(
        vjp_tape_calls(skipping),
        ["record", "push_reserved", "replay", "pop"]
    );
    let from_k = quote! {
        fn f(x: f64, k: i64, n: i64) -> f64 {
            let mut t = 1.0;
            for _ in k..=n {
                t *= x;
            }
            t
        }
    };
    assert_eq!(vjp_tape_calls(from_k), ["record", "replay"]);
    let moving_start = quote! {
        fn f(x: f64, n: usize) -> f64 {
            let mut t = 1.0;
            let mut k = 0;
            for _ in k..n {
                t *= x;
                k += 1;
            }
            t + k as f64
        }
    };
    // The range is evaluated once, into a value of its own: the body's `k += 1` changes
    // another.
    assert_eq!(vjp_tape_calls(moving_start), ["record", "replay"]);
}

/// An adjoint loop touching each element once runs forwards (the row loop of `A x`); one
/// carrying an adjoint between iterations, or updating neighbours, keeps running backwards.
#[test]
fn independent_adjoint_loops_run_forwards() {
    let rows = quote! {
        fn f(a: &[f64], x: &[f64], y: &mut [f64]) {
            let n = x.len();
            for i in 0..n {
                let mut acc = 0.0;
                for j in 0..n {
                    acc += a[i * n + j] * x[j];
                }
                y[i] = acc;
            }
        }
    };
    assert!(vjp_for_loops(rows).iter().all(|backwards| !backwards));
    let product = quote! {
        fn f(x: &[f64]) -> f64 {
            let mut p = 1.0;
            for v in x {
                p *= v;
            }
            p
        }
    };
    assert_eq!(vjp_for_loops(product), [false, true]);
    // Each iteration adds to two neighbouring elements, so iterations share elements.
    let neighbours = quote! {
        fn f(x: &[f64]) -> f64 {
            let mut s = 0.0;
            for i in 1..x.len() {
                s += x[i] * x[i - 1];
            }
            s.sin()
        }
    };
    assert_eq!(vjp_for_loops(neighbours), [false, true]);
}
