//! Seeds for the fuzz test in `src/fuzz.rs`: edge cases of the accepted syntax and near misses,
//! mutated along with the functions of the tests and examples. Never compiled: only parsed.

#[differentiate(forward, reverse)]
fn empty_array(x: f64) -> [f64; 0] { [] }

#[differentiate(forward, reverse)]
fn unit_out(x: f64) {}

#[differentiate(forward, reverse)]
fn unit_out_explicit(x: f64) -> () { () }

#[differentiate(forward, reverse)]
fn one_tuple(x: f64) -> (f64,) { (x,) }

#[differentiate(forward, reverse)]
fn nested_output(x: f64, y: f64) -> ((f64, f64), [f64; 2]) { ((x * y, x), [y, x + y]) }

#[differentiate(forward, reverse)]
fn tuple_index_out_of_range(x: f64) -> f64 { let t = (x, x); t.2 }

#[differentiate(forward, reverse)]
fn array_index_out_of_range(x: f64) -> f64 { let a = [x, x]; a[5] }

#[differentiate(forward, reverse)]
fn tuple_arity_mismatch(x: f64) -> f64 { let (a, b) = (x, x, x); a * b }

#[differentiate(forward, reverse)]
fn array_pattern(x: f64) -> f64 { let [a, b] = [x, x * 2.0]; a * b }

#[differentiate(forward, reverse)]
fn nested_pattern(x: f64) -> f64 { let ((a, b), c) = ((x, x * x), x.sin()); a * b * c }

#[differentiate(forward, reverse)]
fn dead_code_after_return(x: f64) -> f64 { return x * 2.0; x }

#[differentiate(forward, reverse)]
fn endless(x: f64) -> f64 { loop {} }

#[differentiate(forward, reverse)]
fn break_value(x: f64) -> f64 { let y = loop { break x * 2.0; }; y.sin() }

#[differentiate(forward, reverse)]
fn labeled_breaks(x: f64, n: usize) -> f64 {
    let mut s = x;
    'outer: loop {
        'inner: for i in 0..n {
            if i == 2 { continue 'outer; }
            if i == 3 { break 'outer; }
            s *= x;
            if s > 10.0 { break 'inner; }
        }
        break;
    }
    s
}

#[differentiate(forward, reverse)]
fn step_by_zero(x: f64) -> f64 { let mut s = x; for i in (0..10).step_by(0) { s += x; } s }

#[differentiate(forward, reverse)]
fn checkpoint_zero(x: f64) -> f64 { let mut s = x; for i in ad::checkpoint(0..10, 0) { s *= x; } s }

#[differentiate(forward, reverse)]
fn nested_checkpoints(x: f64, n: usize) -> f64 {
    let mut s = x;
    for i in ad::checkpoint(0..n, 3) {
        for j in ad::checkpoint(0..i, 2) {
            s = s * x + (j as f64);
        }
        if s > 100.0 { return s; }
    }
    s
}

#[differentiate(forward, reverse)]
fn checkpoint_reversed(x: f64, n: usize) -> f64 {
    let mut s = x;
    for i in ad::checkpoint((0..n).rev(), 4) { s = (s * x).sin() + i as f64; }
    s
}

#[differentiate(forward, reverse)]
fn powi_extremes(x: f64) -> f64 { x.powi(2147483647) + x.powi(-2147483648) + x.powi(0) }

#[differentiate(forward, reverse)]
fn powi_overflow(x: f64) -> f64 { x.powi(99999999999999999999) }

#[differentiate(forward, reverse)]
fn duplicate_params(x: f64, x: f64) -> f64 { x * x }

#[differentiate(forward, reverse)]
fn underscore_param(_: f64, y: f64) -> f64 { y * y }

#[differentiate(forward, reverse)]
fn tuple_param((a, b): (f64, f64)) -> f64 { a * b }

#[differentiate(forward, reverse)]
fn mut_param(mut x: f64) -> f64 { x *= x; x = x.sin(); x }

#[differentiate(forward, reverse)]
fn where_clause(x: f64) -> f64 where f64: Copy { x * x }

#[differentiate(forward, reverse)]
fn lifetime_param<'a>(xs: &'a [f64]) -> f64 { xs[0] * xs[1] }

#[differentiate(forward, reverse)]
fn shadow_in_blocks(x: f64) -> f64 { let x = x; let x = x * 2.0; { let x = x * x; } x }

#[differentiate(forward, reverse)]
fn index_at_len(xs: &[f64]) -> f64 { xs[xs.len()] + xs[usize::MAX] }

#[differentiate(forward, reverse)]
fn square_in_place(xs: &mut [f64]) { xs[0] = xs[0] * xs[0]; xs[1] *= xs[0]; }

#[differentiate(forward, reverse)]
fn zip_mut(xs: &mut [f64], ys: &[f64]) { for i in 0..xs.len() { xs[i] *= ys[i]; } }

#[differentiate(forward, reverse)]
fn zip_iter(xs: &[f64], ys: &[f64]) -> f64 { let mut s = 0.0; for (a, b) in xs.iter().zip(ys.iter()) { s += a * b; } s }

#[differentiate(forward, reverse)]
fn enumerate_iter(xs: &[f64]) -> f64 { let mut s = 0.0; for (i, &v) in xs.iter().enumerate() { s += v * i as f64; } s }

#[differentiate(forward, reverse)]
fn match_on_float(x: f64) -> f64 { match x { _ => x } }

#[differentiate(forward, reverse)]
fn match_extreme_ranges(x: f64, k: i32) -> f64 { match k { i32::MIN..=0 => x, 1..=i32::MAX => -x } }

#[differentiate(forward, reverse)]
fn match_bool(x: f64, b: bool) -> f64 { match b { true => x * x, false => x } }

#[differentiate(forward, reverse)]
fn match_binding_guard(x: f64, k: usize) -> f64 { match k { m if m > 3 => x * m as f64, 0 | 1 => x, _ => 0.0 } }

#[differentiate(forward, reverse)]
fn const_array(x: f64) -> f64 { const N: usize = 3; let a = [x; N]; a[2] * a[0] }

#[differentiate(forward, reverse)]
fn use_alias(x: f64) -> f64 { use std::f64::consts::PI as P; P * x }

#[differentiate(forward, reverse)]
fn empty_vec(x: f64) -> f64 { let v = vec![x; 0]; v[0] }

#[differentiate(forward, reverse)]
fn local_vec(x: f64, n: usize) -> f64 {
    let mut v = vec![0.0; n];
    for i in 0..n { v[i] = x * i as f64; }
    let mut s = 0.0;
    for i in 0..n { s += v[i] * v[n - 1 - i]; }
    s
}

#[differentiate(forward, reverse)]
fn return_in_both_branches(x: f64) -> f64 { if x > 0.0 { return x } else { return -x } }

#[differentiate(forward, reverse)]
fn while_false(x: f64) -> f64 { while false {} x }

#[differentiate(forward, reverse)]
fn deferred_init(x: f64) -> f64 { let y; if x > 0.0 { y = x } else { y = -x } y }

#[differentiate(forward, reverse)]
fn uninitialised(x: f64) -> f64 { let y: f64; y }

#[differentiate(forward, reverse)]
fn deep_blocks(x: f64) -> f64 { { { { { x } } } } }

#[differentiate(forward, reverse)]
fn cast_chain(x: f64) -> f64 { x as f64 as f32 as f64 }

#[differentiate(forward, reverse)]
fn widen(x: f32) -> f64 { x as f64 * 2.0 }

#[differentiate(forward, reverse)]
fn narrow(x: f64) -> f32 { x as f32 }

#[differentiate(forward, reverse)]
fn negations(x: f64) -> f64 { -(-(-x)) }

#[differentiate(forward, reverse)]
fn not_a_float(x: f64) -> f64 { !x }

#[differentiate(forward, reverse)]
fn ties(x: f64) -> f64 { x.max(x).min(x).clamp(x, x) }

#[differentiate(forward, reverse)]
fn path_methods(x: f64) -> f64 { f64::mul_add(x, x, x) + f64::sin_cos(x).0 }

#[differentiate(forward, reverse)]
fn sin_cos_out(x: f64) -> (f64, f64) { x.sin_cos() }

#[differentiate(forward, reverse)]
fn tuple_field_update(x: f64, y: f64) -> f64 { let mut t = (x, y); t.0 += 1.0; t.1 *= t.0; t.0 * t.1 }

#[differentiate(forward, reverse)]
fn array_element_update(x: f64) -> f64 { let mut a = [x; 3]; a[1] = 2.0 * a[0]; a[1] * a[2] }

#[differentiate(forward, reverse)]
fn array_runtime_index(x: f64, k: usize) -> f64 { let mut a = [0.0; 3]; for i in 0..3 { a[i] = x * i as f64; } a[k] }

#[differentiate(forward, reverse)]
fn reductions(xs: &[f64]) -> f64 { xs.iter().sum::<f64>() + xs.iter().product::<f64>() }

#[differentiate(forward, reverse)]
fn fixed_buffer(xs: &[f64; 3]) -> [f64; 3] { [xs[0] * xs[1], xs[1], xs[2].sin()] }

#[differentiate(forward, reverse)]
fn buffer_copy(xs: &[f64]) -> f64 { let ys = xs.to_vec(); let zs = xs.clone(); ys[0] * zs[1] }

#[differentiate(forward, reverse)]
fn r#fn(r#x: f64) -> f64 { r#x * r#x }

#[differentiate(forward, reverse)]
fn unicode_names(é: f64, ß: f64) -> f64 { é * ß }

#[differentiate(forward, reverse)]
fn generated_names(x: f64, dx: f64, x_bar: f64, dout: f64, t0: f64, dt0: f64) -> f64 { x * dx * x_bar * dout * t0 * dt0 }

#[differentiate(forward, reverse)]
fn f_jvp(x: f64) -> f64 { x }

#[differentiate(forward, reverse)]
const fn constant(x: f64) -> f64 { x }

#[differentiate(forward, reverse)]
extern "C" fn external(x: f64) -> f64 { x * x }

#[differentiate(forward, reverse)]
fn statement_attributes(x: f64) -> f64 { #[allow(unused)] let y = x; #[cfg(any())] let y = 0.0; y }

#[differentiate(forward, reverse)]
fn empty_statements(x: f64) -> f64 { ; let y = x;; ; y }

#[differentiate(forward, reverse)]
fn self_type(x: f64) -> Self { x }

#[differentiate(forward, reverse)]
fn by_value_self(self, x: f64) -> f64 { x * x }

#[differentiate(forward, reverse)]
fn by_ref_self(&self, x: f64) -> f64 { x * x }

#[differentiate(forward, reverse)]
fn if_let(x: f64) -> f64 { if let Some(y) = Some(x) { y } else { x } }

#[differentiate(forward, reverse)]
fn short_circuit(x: f64, b: bool) -> f64 { if b && x > 0.0 || !b { x } else { 0.0 } }

#[differentiate(forward, reverse)]
fn bool_local(x: f64) -> f64 { let b = x > 0.0; let c = !b; if c { -x } else { x } }

#[differentiate(forward, reverse)]
fn while_continue(x: f64, n: usize) -> f64 {
    let mut s = 0.0;
    let mut i = 0;
    while i < n { if i == 3 { i += 1; continue; } s += x * s + 1.0; i += 1; }
    s
}

#[differentiate(forward, reverse)]
fn generic<T: ad::Float>(x: T, y: T) -> T { x * y.sin() }

#[differentiate(forward, reverse)]
fn generic_literal<F: Float>(x: F) -> F { x.powi(2) + F::from(1.0).unwrap() }

#[differentiate(forward, reverse)]
fn call_other(x: f64) -> f64 { helper(x) * 2.0 }

#[differentiate(forward, reverse)]
fn call_constant(x: f64, n: usize) -> f64 { x * helper(n as f64) }

#[differentiate(forward, reverse)]
fn method_on_int(x: f64, n: u32) -> f64 { x * n.pow(2) as f64 + n.count_ones() as f64 }

#[differentiate(forward, reverse)]
fn compound_on_int(x: f64, mut n: usize) -> f64 { n += 1; n *= 2; n %= 3; x * n as f64 }

#[differentiate(forward, reverse)]
fn outer_const(x: f64) -> f64 { x * SCALE + OFFSET }

#[differentiate(forward, reverse)]
fn float_consts(x: f64) -> f64 { x * f64::EPSILON + f64::MAX.min(x) + std::f64::consts::E }

#[differentiate(forward, reverse)]
fn huge_literals(x: f64) -> f64 { x * 1e308 * 1e308 + 0.000000000000000000000000001 }

#[differentiate(forward, reverse)]
fn suffixed_mix(x: f64) -> f64 { x * 1.0_f32 + 2f64 }

#[differentiate(forward, reverse)]
fn int_float_mix(x: f64) -> f64 { x * 2 }

#[differentiate(forward, reverse, wrt(y))]
fn wrt_unused(x: f64, y: f64) -> f64 { x * x }

#[differentiate(forward, reverse, wrt(n))]
fn wrt_integer(x: f64, n: usize) -> f64 { x * n as f64 }

#[differentiate(forward, reverse, wrt(xs))]
fn wrt_buffer(x: f64, xs: &[f64]) -> f64 { x * xs[0] }

#[differentiate(forward, reverse)]
fn out_param_only(xs: &mut [f64], x: f64) { for i in 0..xs.len() { xs[i] = x * i as f64; } }

#[differentiate(forward, reverse)]
fn ref_float(x: &f64) -> f64 { *x * *x }

#[differentiate(forward, reverse)]
fn mut_ref_float(x: &mut f64, y: f64) { *x *= y; }

#[differentiate(forward, reverse)]
fn many_returns(x: f64, n: usize) -> (f64, f64) {
    for i in 0..n {
        if i == 1 { return (x, x); }
        let mut j = 0;
        while j < i { if j == 2 { return (x * x, x); } j += 1; }
        loop { if x > 1.0 { return (1.0, x); } break; }
    }
    (0.0, x)
}
