#!/usr/bin/env python3
"""Print the ratios of the `control_flow` and `buffers` benchmarks as a Markdown table.

Reads the medians criterion wrote to target/criterion/<group>/<function>/new/estimates.json
(run `cargo bench --bench control_flow` and/or `cargo bench --bench buffers` first) and prints,
per workload (criterion group), the median times and the ratios

    gradient/primal   generated f_vjp over the primal (the cost of the gradient)
    hand/primal       hand-written gradient over the primal
    generated/hand    generated f_vjp over the hand-written gradient (1.00 = as fast)
    JVP/primal        generated f_jvp over the primal

Usage: python3 benches/table.py [CRITERION_DIR]
CRITERION_DIR defaults to $CARGO_TARGET_DIR/criterion, else target/criterion of the workspace.
Standard library only.
"""

import json
import os
import sys
from pathlib import Path

PRIMAL = "primal"
GENERATED = "gradient_generated"
HAND = "gradient_handwritten"
JVP = "jvp_generated"

# Workloads in the order the benchmarks define them: benches/control_flow.rs, then
# benches/buffers.rs. Any other group with a `primal` follows alphabetically; workloads not run
# yet are left out.
ORDER = [
    "ode_euler",
    "ode_rk4",
    "branchy",
    "poly",
    "sum_squares",
    "dot",
    "matvec",
    "softmax_xent",
]


def criterion_dir(argv):
    if len(argv) > 1:
        return Path(argv[1])
    target = os.environ.get("CARGO_TARGET_DIR")
    if target:
        return Path(target) / "criterion"
    return Path(__file__).resolve().parent.parent / "target" / "criterion"


def read_medians(root):
    """{group: {function: median in ns}} from every */*/new/estimates.json under root."""
    medians = {}
    for path in sorted(root.glob("*/*/new/estimates.json")):
        function_dir = path.parent.parent
        group, function = function_dir.parent.name, function_dir.name
        try:
            with open(path, encoding="utf-8") as f:
                median = json.load(f)["median"]["point_estimate"]
        except (OSError, ValueError, KeyError, TypeError) as err:
            print(f"warning: skipping {path}: {err}", file=sys.stderr)
            continue
        medians.setdefault(group, {})[function] = float(median)
    return medians


def fmt_time(ns):
    if ns is None:
        return "—"
    for unit, scale in (("s", 1e9), ("ms", 1e6), ("µs", 1e3)):
        if ns >= scale:
            return f"{ns / scale:.3g} {unit}"
    return f"{ns:.3g} ns"


def ratio(num, den):
    if num is None or den is None or den <= 0:
        return "—"
    return f"{num / den:.2f}"


def main(argv):
    root = criterion_dir(argv)
    medians = read_medians(root)
    groups = [g for g in ORDER if g in medians]
    groups += sorted(g for g in medians if g not in ORDER and PRIMAL in medians[g])
    if not groups:
        print(
            f"no benchmark results under {root}: run `cargo bench --bench control_flow` "
            "or `cargo bench --bench buffers` first",
            file=sys.stderr,
        )
        return 1

    header = [
        "workload",
        "primal",
        "f_vjp",
        "hand-written",
        "f_jvp",
        "gradient/primal",
        "hand/primal",
        "generated/hand",
        "JVP/primal",
    ]
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join(["---"] + ["---:"] * (len(header) - 1)) + "|")
    for group in groups:
        m = medians[group]
        primal, generated, hand, jvp = (m.get(k) for k in (PRIMAL, GENERATED, HAND, JVP))
        row = [
            group,
            fmt_time(primal),
            fmt_time(generated),
            fmt_time(hand),
            fmt_time(jvp),
            ratio(generated, primal),
            ratio(hand, primal),
            ratio(generated, hand),
            ratio(jvp, primal),
        ]
        print("| " + " | ".join(row) + " |")
    print()
    print(f"Median times from {root}; ratios of medians.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
