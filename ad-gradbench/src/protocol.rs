//! The GradBench protocol: one JSON message per line on the input, exactly one JSON reply per
//! message on the output, with the message's `id`, flushed at once. Logs go to stderr only.

use crate::evals;
use serde_json::{json, Value};
use std::io::{self, BufRead, Write};
use std::panic;

/// Answers every message of `input` on `output` until the input ends.
pub fn serve(input: impl BufRead, mut output: impl Write) -> io::Result<()> {
    for line in input.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let reply = match serde_json::from_str::<Value>(&line) {
            Ok(message) => respond(&message),
            Err(e) => {
                eprintln!("ad-gradbench: unreadable message: {e}");
                json!({})
            }
        };
        // `serde_json` writes non-finite floats as `null`: no `NaN` reaches the eval.
        serde_json::to_writer(&mut output, &reply)?;
        output.write_all(b"\n")?;
        output.flush()?;
    }
    Ok(())
}

/// The reply to one message.
pub fn respond(message: &Value) -> Value {
    let id = message.get("id").cloned().unwrap_or(Value::Null);
    let text = |key| message.get(key).and_then(Value::as_str).unwrap_or("");
    match text("kind") {
        "start" => json!({ "id": id, "tool": "ad" }),
        "define" => {
            let module = text("module");
            if evals::MODULES.contains(&module) {
                json!({ "id": id, "success": true })
            } else {
                json!({ "id": id, "success": false, "error": format!("unknown module `{module}`") })
            }
        }
        "evaluate" => {
            let input = message.get("input").unwrap_or(&Value::Null);
            // A panic (an input the primal cannot take) fails this request, not the session.
            let result =
                panic::catch_unwind(|| evals::evaluate(text("module"), text("function"), input))
                    .unwrap_or_else(|_| Err("the function panicked".into()));
            match result {
                Ok(done) => {
                    let timings: Vec<Value> = done
                        .timings
                        .iter()
                        .map(|ns| json!({ "name": "evaluate", "nanoseconds": ns }))
                        .collect();
                    json!({ "id": id, "success": true, "output": done.output, "timings": timings })
                }
                Err(error) => {
                    eprintln!("ad-gradbench: {error}");
                    json!({ "id": id, "success": false, "error": error })
                }
            }
        }
        _ => json!({ "id": id }),
    }
}
