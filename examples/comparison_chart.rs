//! The results of `benches/comparison.rs` as a table and a chart.
//!
//! Reads the medians criterion wrote for `cargo bench --bench comparison`
//! (`target/criterion/comparison_<function>/<tool>/<n>/new/estimates.json`), prints two Markdown
//! tables of **ratios**, each time over the primal's time of the same function and size measured
//! in the same run (the whole gradient; one directional derivative), and draws them into one SVG
//! chart, time / primal against n, one panel per function:
//!
//! ```sh
//! cargo bench --bench comparison
//! cargo run --release --example comparison_chart                 # writes docs/comparison.svg
//! cargo run --release --example comparison_chart -- DIR out.svg  # criterion dir, SVG path
//! ```
//!
//! `benches/table.py` tabulates the other benchmarks; it only reads `<group>/<function>/new`,
//! so these results (one level deeper) do not show up there. This is Rust rather than an
//! extension of it because the chart is drawn with `plotters`, and one reader of the JSON is
//! enough.

use plotters::prelude::*;
use std::error::Error;
use std::path::{Path, PathBuf};

/// The benchmarked functions: criterion group suffix, title.
const FUNCTIONS: [(&str, &str); 3] = [
    ("sum_sq_sin", "Σ (xᵢ² + sin xᵢ)"),
    ("log_sum_exp", "log-sum-exp"),
    ("rosenbrock", "Rosenbrock chain"),
];

const SIZES: [usize; 3] = [10, 1_000, 100_000];

/// A benchmarked tool: its id in `benches/comparison.rs`, its label, and whether it computes the
/// whole gradient (else one directional derivative).
struct Tool {
    id: &'static str,
    label: &'static str,
    gradient: bool,
    color: RGBColor,
}

const TOOLS: [Tool; 9] = [
    Tool {
        id: "ad_vjp",
        label: "ad f_vjp (reverse)",
        gradient: true,
        color: RGBColor(213, 94, 0),
    },
    Tool {
        id: "handwritten",
        label: "hand-written",
        gradient: true,
        color: RGBColor(0, 0, 0),
    },
    Tool {
        id: "tape_easy_ml",
        label: "easy-ml tape",
        gradient: true,
        color: RGBColor(0, 114, 178),
    },
    Tool {
        id: "fd_gradient",
        label: "central FD, 2n evals",
        gradient: true,
        color: RGBColor(120, 120, 120),
    },
    Tool {
        id: "ad_jvp_gradient",
        label: "ad n × f_jvp",
        gradient: true,
        color: RGBColor(230, 159, 0),
    },
    Tool {
        id: "num_dual_gradient",
        label: "num-dual n × Dual64",
        gradient: true,
        color: RGBColor(0, 158, 115),
    },
    Tool {
        id: "ad_jvp",
        label: "ad f_jvp (forward)",
        gradient: false,
        color: RGBColor(213, 94, 0),
    },
    Tool {
        id: "num_dual_jvp",
        label: "num-dual Dual64",
        gradient: false,
        color: RGBColor(0, 158, 115),
    },
    Tool {
        id: "fd_directional",
        label: "central FD, 2 evals",
        gradient: false,
        color: RGBColor(120, 120, 120),
    },
];

/// Medians in ns, indexed [function][tool][size]; `None` where nothing was measured. The primal's
/// are separate.
struct Results {
    primal: [[Option<f64>; 3]; 3],
    tools: Vec<Vec<[Option<f64>; 3]>>,
}

impl Results {
    fn ratio(&self, f: usize, t: usize, s: usize) -> Option<f64> {
        Some(self.tools[f][t][s]? / self.primal[f][s]?)
    }
}

/// The median point estimate (ns) of one benchmark, or `None` if it has not been run.
fn median(root: &Path, group: &str, id: &str, n: usize) -> Result<Option<f64>, Box<dyn Error>> {
    let path = root
        .join(group)
        .join(id)
        .join(n.to_string())
        .join("new/estimates.json");
    let text = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(err) => return Err(format!("{}: {err}", path.display()).into()),
    };
    // {"mean":{..},"median":{"confidence_interval":{..},"point_estimate":X,"standard_error":..},..}
    // Nothing else in the file is called "median"; the JSON is criterion's, one line, no escapes.
    let value = text
        .find("\"median\"")
        .and_then(|at| {
            let rest = &text[at..];
            let key = "\"point_estimate\":";
            let start = rest.find(key)? + key.len();
            let rest = rest[start..].trim_start();
            let end = rest.find([',', '}']).unwrap_or(rest.len());
            rest[..end].trim().parse::<f64>().ok()
        })
        .ok_or_else(|| format!("{}: no median point estimate", path.display()))?;
    Ok(Some(value))
}

fn read(root: &Path) -> Result<Results, Box<dyn Error>> {
    let mut results = Results {
        primal: [[None; 3]; 3],
        tools: vec![vec![[None; 3]; TOOLS.len()]; FUNCTIONS.len()],
    };
    for (f, (name, _)) in FUNCTIONS.iter().enumerate() {
        let group = format!("comparison_{name}");
        for (s, &n) in SIZES.iter().enumerate() {
            results.primal[f][s] = median(root, &group, "primal", n)?;
            for (t, tool) in TOOLS.iter().enumerate() {
                results.tools[f][t][s] = median(root, &group, tool.id, n)?;
            }
        }
    }
    Ok(results)
}

fn fmt_time(ns: Option<f64>) -> String {
    let Some(ns) = ns else {
        return "—".into();
    };
    for (unit, scale) in [("s", 1e9), ("ms", 1e6), ("µs", 1e3)] {
        if ns >= scale {
            return format!("{:.3} {unit}", ns / scale);
        }
    }
    format!("{ns:.1} ns")
}

fn fmt_ratio(r: Option<f64>) -> String {
    match r {
        None => "—".into(),
        Some(r) if r < 10.0 => format!("{r:.2}"),
        Some(r) if r < 100.0 => format!("{r:.1}"),
        Some(r) => format!("{r:.0}"),
    }
}

/// One Markdown table: a row per function and size, a column per tool of the kind asked for.
fn print_table(results: &Results, gradient: bool) {
    let tools: Vec<usize> = (0..TOOLS.len())
        .filter(|&t| TOOLS[t].gradient == gradient)
        .collect();
    let mut header = vec!["function".to_string(), "n".into(), "primal".into()];
    header.extend(tools.iter().map(|&t| TOOLS[t].label.to_string()));
    println!("| {} |", header.join(" | "));
    println!("|---|---:|{}", "---:|".repeat(header.len() - 2));
    for (f, (name, _)) in FUNCTIONS.iter().enumerate() {
        for (s, &n) in SIZES.iter().enumerate() {
            let mut row = vec![
                format!("`{name}`"),
                n.to_string(),
                fmt_time(results.primal[f][s]),
            ];
            row.extend(tools.iter().map(|&t| fmt_ratio(results.ratio(f, t, s))));
            println!("| {} |", row.join(" | "));
        }
    }
}

/// One panel per function: time / primal against n, both logarithmic, gradients as solid lines
/// with circles, directional derivatives as dashed lines with triangles; the legend below.
fn draw(results: &Results, path: &Path) -> Result<(), Box<dyn Error>> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let all: Vec<f64> = (0..FUNCTIONS.len())
        .flat_map(|f| (0..TOOLS.len()).flat_map(move |t| (0..SIZES.len()).map(move |s| (f, t, s))))
        .filter_map(|(f, t, s)| results.ratio(f, t, s))
        .collect();
    if all.is_empty() {
        return Err("no ratios to draw".into());
    }
    let lo = all.iter().copied().fold(1.0, f64::min) * 0.6;
    let hi = all.iter().copied().fold(1.0, f64::max) * 1.8;

    let root = SVGBackend::new(path, (1500, 620)).into_drawing_area();
    root.fill(&WHITE)?;
    let (top, bottom) = root.split_vertically(40);
    let (panels, legend) = bottom.split_vertically(480);
    top.titled(
        "cost of a derivative: time / primal time (medians of one run; lower is better)",
        ("sans-serif", 20),
    )?;

    for (f, (panel, (_, title))) in panels
        .split_evenly((1, FUNCTIONS.len()))
        .iter()
        .zip(FUNCTIONS.iter())
        .enumerate()
    {
        let mut chart = ChartBuilder::on(panel)
            .caption(*title, ("sans-serif", 18))
            .margin(12)
            .x_label_area_size(40)
            .y_label_area_size(56)
            .build_cartesian_2d((5f64..2e5f64).log_scale(), (lo..hi).log_scale())?;
        chart
            .configure_mesh()
            .x_desc("n")
            .y_desc("time / primal")
            .label_style(("sans-serif", 13))
            .axis_desc_style(("sans-serif", 15))
            .x_label_formatter(&|v| format!("{v:e}"))
            .y_label_formatter(&|v| format!("{v}"))
            .draw()?;
        chart.draw_series(DashedLineSeries::new(
            [(5.0, 1.0), (2e5, 1.0)],
            4,
            4,
            BLACK.mix(0.4).stroke_width(1),
        ))?;
        for (t, tool) in TOOLS.iter().enumerate() {
            let points: Vec<(f64, f64)> = (0..SIZES.len())
                .filter_map(|s| Some((SIZES[s] as f64, results.ratio(f, t, s)?)))
                .collect();
            let style = tool.color.stroke_width(2);
            if tool.gradient {
                chart.draw_series(LineSeries::new(points.iter().copied(), style))?;
                chart.draw_series(
                    points
                        .iter()
                        .map(|&p| Circle::new(p, 4, tool.color.filled())),
                )?;
            } else {
                chart.draw_series(DashedLineSeries::new(points.iter().copied(), 6, 4, style))?;
                chart.draw_series(
                    points
                        .iter()
                        .map(|&p| TriangleMarker::new(p, 5, tool.color.filled())),
                )?;
            }
        }
    }

    // The legend: gradients on the first line, directional derivatives on the second.
    let text = ("sans-serif", 15).into_font().color(&BLACK);
    for (row, gradient) in [(0, true), (1, false)] {
        let y = 30 + 40 * row;
        legend.draw_text(
            if gradient {
                "whole gradient:"
            } else {
                "one directional derivative:"
            },
            &text,
            (20, y - 8),
        )?;
        let tools = TOOLS.iter().filter(|tool| tool.gradient == gradient);
        for (k, tool) in tools.enumerate() {
            let x = 230 + 210 * k as i32;
            let style = tool.color.stroke_width(2);
            if gradient {
                legend.draw(&PathElement::new([(x, y), (x + 30, y)], style))?;
                legend.draw(&Circle::new((x + 15, y), 4, tool.color.filled()))?;
            } else {
                for d in [0, 12, 24] {
                    legend.draw(&PathElement::new([(x + d, y), (x + d + 6, y)], style))?;
                }
                legend.draw(&TriangleMarker::new((x + 15, y), 5, tool.color.filled()))?;
            }
            legend.draw_text(tool.label, &text, (x + 38, y - 8))?;
        }
    }
    root.present()?;
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut args = std::env::args_os().skip(1);
    let root = match args.next() {
        Some(dir) => PathBuf::from(dir),
        None => match std::env::var_os("CARGO_TARGET_DIR") {
            Some(target) => PathBuf::from(target).join("criterion"),
            None => manifest.join("target/criterion"),
        },
    };
    let svg = args
        .next()
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("docs/comparison.svg"));

    let results = read(&root)?;
    if results.primal.iter().flatten().all(Option::is_none) {
        return Err(format!(
            "no results of the comparison benchmark under {}: run `cargo bench --bench comparison` first",
            root.display()
        )
        .into());
    }
    println!("Whole gradient, time / primal time:\n");
    print_table(&results, true);
    println!("\nOne directional derivative (JVP), time / primal time:\n");
    print_table(&results, false);
    println!(
        "\nMedians from {}; ratios of medians of the same run.",
        root.display()
    );
    draw(&results, &svg)?;
    eprintln!("chart written to {}", svg.display());
    Ok(())
}
