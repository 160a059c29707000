//! Runs the `ad-gradbench` binary over the GradBench protocol on small inputs of every eval and
//! checks its answers: derivatives against central finite differences of the library's own
//! primals, primal values against closed forms where those are easy.

use ad_gradbench::evals::{ba, det, gmm, llsq, lse, ode};
use serde_json::{json, Value};
use std::io::Write;
use std::process::{Command, Stdio};

/// Sends `messages` to a fresh tool process and returns its replies, one per message.
fn exchange(messages: &[Value]) -> Vec<Value> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_ad-gradbench"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the tool");
    let mut stdin = child.stdin.take().unwrap();
    for m in messages {
        writeln!(stdin, "{m}").unwrap();
    }
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains("NaN") && !text.contains("Infinity"));
    let replies: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(replies.len(), messages.len(), "one reply per message");
    for (m, r) in messages.iter().zip(&replies) {
        assert_eq!(r["id"], m["id"]);
    }
    replies
}

/// Starts a session of `module` and evaluates each `(function, input)` once; returns the outputs.
fn evaluate(module: &str, calls: &[(&str, Value)]) -> Vec<Value> {
    let mut messages = vec![
        json!({ "id": 0, "kind": "start", "eval": module }),
        json!({ "id": 1, "kind": "define", "module": module }),
    ];
    for (i, (function, input)) in calls.iter().enumerate() {
        let mut input = input.clone();
        if let Some(fields) = input.as_object_mut() {
            fields.insert("min_runs".into(), json!(1));
            fields.insert("min_seconds".into(), json!(0));
        }
        messages.push(json!({
            "id": i + 2, "kind": "evaluate", "module": module, "function": function, "input": input,
        }));
    }
    let replies = exchange(&messages);
    assert_eq!(replies[0]["tool"], "ad");
    assert_eq!(replies[1]["success"], true);
    replies[2..]
        .iter()
        .map(|r| {
            assert_eq!(r["success"], true, "{r}");
            let timings = r["timings"].as_array().unwrap();
            assert_eq!(timings.len(), 1);
            assert_eq!(timings[0]["name"], "evaluate");
            assert!(timings[0]["nanoseconds"].is_u64());
            r["output"].clone()
        })
        .collect()
}

/// A small deterministic generator (xorshift), uniform in [lo, hi).
struct Rng(u64);

impl Rng {
    fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        lo + (hi - lo) * (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }

    fn vec(&mut self, n: usize, lo: f64, hi: f64) -> Vec<f64> {
        (0..n).map(|_| self.uniform(lo, hi)).collect()
    }
}

/// The gradient of `f` at `x` by fourth-order central differences.
fn fd_gradient(f: impl Fn(&[f64]) -> f64, x: &[f64]) -> Vec<f64> {
    let mut p = x.to_vec();
    (0..x.len())
        .map(|i| {
            let h = 1e-3 * (1.0 + x[i].abs());
            let mut at = |t: f64| {
                p[i] = x[i] + t * h;
                let v = f(&p);
                p[i] = x[i];
                v
            };
            (at(-2.0) - 8.0 * at(-1.0) + 8.0 * at(1.0) - at(2.0)) / (12.0 * h)
        })
        .collect()
}

fn floats(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap_or_else(|| panic!("a list: {v}"))
        .iter()
        .map(|e| e.as_f64().unwrap())
        .collect()
}

/// The first 30 elements and the last, as the ba eval receives its Jacobian.
fn abridged(v: &[usize]) -> Vec<usize> {
    [&v[..30], &v[v.len() - 1..]].concat()
}

fn assert_close(what: &str, got: &[f64], want: &[f64], tol: f64) {
    assert_eq!(got.len(), want.len(), "{what}: lengths");
    for (i, (a, b)) in got.iter().zip(want).enumerate() {
        assert!(
            (a - b).abs() <= tol * (1.0 + a.abs().max(b.abs())),
            "{what}[{i}]: {a} vs {b}"
        );
    }
}

#[test]
fn messages_other_than_evaluate() {
    let replies = exchange(&[
        json!({ "id": 0, "kind": "start", "eval": "nope", "config": {} }),
        json!({ "id": 1, "kind": "define", "module": "nope" }),
        json!({ "id": 2, "kind": "evaluate", "module": "lse", "function": "nope", "input": { "x": [1.0] } }),
        json!({ "id": 3, "kind": "analysis", "of": 2, "valid": false }),
        json!({ "id": 4, "kind": "evaluate", "module": "lse", "function": "primal",
                "input": { "x": [0.0, 0.0], "min_runs": 3, "min_seconds": 0 } }),
        // The primal panics on an empty vector: that request fails, the session goes on.
        json!({ "id": 5, "kind": "evaluate", "module": "lse", "function": "primal", "input": { "x": [] } }),
        json!({ "id": 6, "kind": "evaluate", "module": "hello", "function": "square", "input": 2.0 }),
    ]);
    assert_eq!(replies[0], json!({ "id": 0, "tool": "ad" }));
    assert_eq!(replies[1]["success"], false);
    assert_eq!(replies[2]["success"], false);
    assert_eq!(replies[3], json!({ "id": 3 }));
    assert_eq!(replies[4]["timings"].as_array().unwrap().len(), 3);
    assert!((replies[4]["output"].as_f64().unwrap() - 2f64.ln()).abs() < 1e-15);
    assert_eq!(replies[5]["success"], false);
    assert_eq!(replies[6]["output"], 4.0);
}

#[test]
fn hello() {
    let out = exchange(&[
        json!({ "id": 0, "kind": "define", "module": "hello" }),
        json!({ "id": 1, "kind": "evaluate", "module": "hello", "function": "square", "input": 3.0 }),
        json!({ "id": 2, "kind": "evaluate", "module": "hello", "function": "double", "input": 9.0 }),
    ]);
    assert_eq!(out[1]["output"], 9.0);
    assert_eq!(out[2]["output"], 18.0);
}

#[test]
fn lse() {
    let x = Rng(1).vec(20, -3.0, 3.0);
    let out = evaluate(
        "lse",
        &[
            ("primal", json!({ "x": x })),
            ("gradient", json!({ "x": x })),
        ],
    );
    let direct = x.iter().map(|v| v.exp()).sum::<f64>().ln();
    assert_close("lse", &[out[0].as_f64().unwrap()], &[direct], 1e-14);
    let fd = fd_gradient(lse::logsumexp, &x);
    assert_close("lse gradient", &floats(&out[1]), &fd, 1e-6);
}

#[test]
fn llsq() {
    let x = Rng(2).vec(6, -1.0, 1.0);
    // An odd n puts a point at t = 0, where the target sign(t) is 0.
    for n in [20, 21] {
        let input = json!({ "x": x, "n": n });
        let out = evaluate("llsq", &[("primal", input.clone()), ("gradient", input)]);
        assert_eq!(out[0].as_f64().unwrap(), llsq::llsq(&x, n));
        let fd = fd_gradient(|x| llsq::llsq(x, n), &x);
        assert_close("llsq gradient", &floats(&out[1]), &fd, 1e-6);
    }
    // x = (0, 1) fits t itself: the loss is Σᵢ (sign tᵢ − tᵢ)² / 2, over t = −1, 0, 1 zero.
    let out = evaluate("llsq", &[("primal", json!({ "x": [0.0, 1.0], "n": 3 }))]);
    assert_eq!(out[0], 0.0);
}

#[test]
fn det() {
    let a = [2.0, 1.0, 0.0, 1.0, 3.0, 1.0, 0.0, 1.0, 4.0];
    let input = json!({ "A": a, "ell": 3 });
    let out = evaluate("det", &[("primal", input.clone()), ("gradient", input)]);
    assert_eq!(out[0], 18.0);
    // The cofactors of a symmetric tridiagonal matrix.
    let cofactors = [11.0, -4.0, 1.0, -4.0, 8.0, -2.0, 1.0, -2.0, 5.0];
    assert_close("det gradient", &floats(&out[1]), &cofactors, 1e-14);

    let ell = 5;
    let a = Rng(3).vec(ell * ell, 0.0, 1.0);
    let out = evaluate("det", &[("gradient", json!({ "A": a, "ell": ell }))]);
    let fd = fd_gradient(|a| det::det(a, ell), &a);
    assert_close("det gradient", &floats(&out[0]), &fd, 1e-6);
}

#[test]
fn ode() {
    // With n ≤ 4 the RK4 step is the exact flow: yᵢ(2) = x₀⋯xᵢ 2^(i+1) / (i+1)!.
    let x = [0.5, 1.5, 0.8, 1.2];
    let out = evaluate("ode", &[("primal", json!({ "x": x, "s": 3 }))]);
    let mut exact = vec![];
    let (mut prod, mut factor) = (1.0, 1.0);
    for (i, v) in x.iter().enumerate() {
        prod *= v;
        factor *= 2.0 / (i + 1) as f64;
        exact.push(prod * factor);
    }
    assert_close("ode primal", &floats(&out[0]), &exact, 1e-14);

    let x = Rng(4).vec(7, 0.0, 1.0);
    let s = 5;
    let out = evaluate("ode", &[("gradient", json!({ "x": x, "s": s }))]);
    let last = |x: &[f64]| {
        let mut y = vec![0.0; x.len()];
        ode::integrate(x, s, &mut y);
        y[x.len() - 1]
    };
    assert_close(
        "ode gradient",
        &floats(&out[0]),
        &fd_gradient(last, &x),
        1e-6,
    );
}

#[test]
fn gmm() {
    let (d, k, n, m, gamma) = (3, 2, 5, 2, 1.3);
    let lsz = d * (d - 1) / 2;
    let mut rng = Rng(5);
    let alpha = rng.vec(k, -1.0, 1.0);
    let mu = rng.vec(k * d, 0.0, 1.0);
    let q = rng.vec(k * d, -0.5, 0.5);
    let l = rng.vec(k * lsz, -1.0, 1.0);
    let x = rng.vec(n * d, -1.0, 1.0);
    let nested = |v: &[f64], w: usize| v.chunks(w).map(|c| json!(c)).collect::<Vec<_>>();
    let input = json!({
        "d": d, "k": k, "n": n, "m": m, "gamma": gamma, "alpha": alpha,
        "mu": nested(&mu, d), "q": nested(&q, d), "l": nested(&l, lsz), "x": nested(&x, d),
    });
    let out = evaluate("gmm", &[("objective", input.clone()), ("jacobian", input)]);
    assert_eq!(
        out[0].as_f64().unwrap(),
        gmm::objective(&alpha, &mu, &q, &l, &x, m, gamma)
    );

    // All the parameters in one vector, as finite differences need them.
    let theta = [&alpha[..], &mu, &q, &l].concat();
    let objective = |t: &[f64]| {
        let (alpha, t) = t.split_at(k);
        let (mu, t) = t.split_at(k * d);
        let (q, l) = t.split_at(k * d);
        gmm::objective(alpha, mu, q, l, &x, m, gamma)
    };
    let fd = fd_gradient(objective, &theta);
    let jac = &out[1];
    let flat = |key: &str, width: usize| -> Vec<f64> {
        let rows = jac[key].as_array().unwrap();
        assert_eq!(rows.len(), k, "{key}: one list per component");
        rows.iter()
            .flat_map(|r| {
                let r = floats(r);
                assert_eq!(r.len(), width, "{key}");
                r
            })
            .collect()
    };
    let got = [
        floats(&jac["alpha"]),
        flat("mu", d),
        flat("q", d),
        flat("l", lsz),
    ]
    .concat();
    assert_close("gmm jacobian", &got, &fd, 1e-6);

    // One component in one dimension: Q = (e^q), and the objective in closed form.
    let (a, mu, q, xs, m, g): (f64, f64, f64, [f64; 2], usize, f64) =
        (0.3, 0.2, -0.4, [0.5, -1.0], 1, 2.0);
    let input = json!({
        "d": 1, "k": 1, "n": 2, "m": m, "gamma": g, "alpha": [a],
        "mu": [[mu]], "q": [[q]], "l": [[]], "x": [[xs[0]], [xs[1]]],
    });
    let out = evaluate("gmm", &[("objective", input)]);
    let nu = 3.0; // d + m + 1
    let ln_gamma_3_2 = (std::f64::consts::PI.sqrt() / 2.0).ln(); // ln Γ(3/2)
    let c = nu * (g.ln() - 0.5 * 2f64.ln()) - ln_gamma_3_2;
    let data: f64 = xs
        .iter()
        .map(|xi| q - 0.5 * (q.exp() * (xi - mu)).powi(2))
        .sum();
    let exact = -(2.0 * std::f64::consts::PI).ln() + data + c
        - (0.5 * g * g * (2.0 * q).exp() - m as f64 * q);
    assert_close(
        "gmm objective",
        &[out[0].as_f64().unwrap()],
        &[exact],
        1e-13,
    );
}

#[test]
fn ba() {
    let cam = [
        -0.76, -1.11, -0.85, 34.6, 39.7, 53.9, 419.2, 5.86, -8.52, 0.0878, 0.00274,
    ];
    let (point, w, feat) = ([7.2, 0.0011, 3.02], 0.417, [271.8, 834.2]);
    let (n, m, p) = (3, 4, 10);
    // The second camera has no rotation: the first-order branch of Rodrigues' formula.
    let still = [&[0.0; 3], &cam[3..]].concat();
    for cam in [&cam[..], &still] {
        let input = json!({ "n": n, "m": m, "p": p, "cam": cam, "x": point, "w": w, "feat": feat });
        let out = evaluate("ba", &[("objective", input.clone()), ("jacobian", input)]);

        let (e0, e1) = ba::reprojection_error(cam, &point, w, &feat);
        let objective = &out[0];
        assert_eq!(objective["reproj_error"]["elements"], json!([e0, e1]));
        assert_eq!(objective["reproj_error"]["repeated"], p);
        assert_eq!(objective["w_err"]["element"], 1.0 - w * w);
        assert_eq!(objective["w_err"]["repeated"], p);

        // 2p rows of 15 entries, then p rows of one; the eval sees the first 30 and the last.
        let jac = &out[1];
        let rows: Vec<usize> = (0..=2 * p)
            .map(|r| 15 * r)
            .chain((1..=p).map(|i| 30 * p + i))
            .collect();
        assert_eq!(jac["rows"], json!(abridged(&rows)));
        let weight_col = 11 * n + 3 * m;
        let row_cols: Vec<usize> = (0..11).chain(33..36).chain([weight_col]).collect();
        let cols = [&row_cols[..], &row_cols, &[weight_col + p - 1]].concat();
        assert_eq!(jac["cols"], json!(cols));

        let params = [cam, &point[..], &[w]].concat();
        let error = |r: usize| {
            move |t: &[f64]| {
                let e = ba::reprojection_error(&t[..11], &t[11..14], t[14], &feat);
                [e.0, e.1][r]
            }
        };
        let want = [
            fd_gradient(error(0), &params),
            fd_gradient(error(1), &params),
            vec![-2.0 * w],
        ]
        .concat();
        assert_close("ba jacobian", &floats(&jac["vals"]), &want, 1e-6);
    }
}
