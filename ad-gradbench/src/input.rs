//! Reading the fields of an `evaluate` input: converted to flat `Vec<f64>` before any timing.

use crate::timing::Runs;
use serde_json::Value;

/// What went wrong, as the text sent back in the reply's `error`.
pub type Result<T> = std::result::Result<T, String>;

/// The field `key` of `input`.
pub fn field<'a>(input: &'a Value, key: &str) -> Result<&'a Value> {
    input
        .get(key)
        .ok_or_else(|| format!("missing field `{key}`"))
}

/// A number.
pub fn float(value: &Value) -> Result<f64> {
    value
        .as_f64()
        .ok_or_else(|| format!("expected a number, got {value}"))
}

/// A non-negative integer.
pub fn size(value: &Value) -> Result<usize> {
    value
        .as_u64()
        .map(|v| v as usize)
        .ok_or_else(|| format!("expected a non-negative integer, got {value}"))
}

/// A list of numbers.
pub fn floats(value: &Value) -> Result<Vec<f64>> {
    let mut out = Vec::new();
    append_floats(value, &mut out)?;
    Ok(out)
}

/// A list of equally long lists of numbers, flattened row by row (the layout the primals use).
/// Returns the data and the common row length.
pub fn rows(value: &Value) -> Result<(Vec<f64>, usize)> {
    let list = value
        .as_array()
        .ok_or_else(|| format!("expected a list of lists, got {value}"))?;
    let mut out = Vec::new();
    let mut width = None;
    for row in list {
        let before = out.len();
        append_floats(row, &mut out)?;
        let len = out.len() - before;
        if *width.get_or_insert(len) != len {
            return Err("rows of different lengths".into());
        }
    }
    Ok((out, width.unwrap_or(0)))
}

fn append_floats(value: &Value, out: &mut Vec<f64>) -> Result<()> {
    let list = value
        .as_array()
        .ok_or_else(|| format!("expected a list of numbers, got {value}"))?;
    out.reserve(list.len());
    for v in list {
        out.push(float(v)?);
    }
    Ok(())
}

/// The repetition counts `min_runs` and `min_seconds` (one run when absent).
pub fn runs(input: &Value) -> Result<Runs> {
    let mut runs = Runs::ONCE;
    if let Some(v) = input.get("min_runs") {
        runs.min_runs = size(v)?;
    }
    if let Some(v) = input.get("min_seconds") {
        runs.min_seconds = float(v)?;
    }
    Ok(runs)
}
