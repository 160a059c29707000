#!/usr/bin/env python3
"""Check that the generated gradients' loops have no bounds check or call the primal lacks.

Builds the benchmark workloads (benches/common/buffer_workloads.rs and workloads.rs) as a
library in release mode, each primal marked #[inline(never)] so it keeps its own symbol, reads
the assembly, and for each workload compares the primal `f` with its generated `f_vjp`:

    bounds checks per loop   jumps from inside a loop to a block that calls
                             core::panicking::panic_bounds_check, in the loop that has most
    calls in loops           functions called inside an innermost loop (panics excluded)

Loops are the natural loops of the control-flow graph of the assembly (a back edge to a block
that dominates it). The check fails (exit status 1) when a loop of a gradient has more bounds
checks than every loop of its primal, or when a gradient's innermost loops call a function that
allocates, frees or grows a buffer that its primal's do not call (a nested loop reserves its
records once per iteration of the loop around it, outside the inner loop). Other callees (the
`sincos` a derivative of `sin` needs) are listed. Standard library only.

Usage: python3 benches/asm_check.py   (from anywhere; builds under target/asm-check)
"""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["benches/common/buffer_workloads.rs", "benches/common/workloads.rs"]
PANICS = ("panic", "overflow", "underflow", "unwrap_failed", "assert_failed", "index_fail")
# Callees that allocate, free or grow a buffer.
ALLOCATING = ("alloc", "grow", "reserve", "malloc", "free", "drop_in_place", "Vec", "Tape")


def build() -> Path:
    """Writes the check crate and returns the path of its assembly."""
    crate = ROOT / "target" / "asm-check"
    (crate / "src").mkdir(parents=True, exist_ok=True)
    (crate / "Cargo.toml").write_text(
        '[package]\nname = "asm_check"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n'
        f'[dependencies]\nad = {{ path = "{ROOT}" }}\n[workspace]\n'
    )
    modules = []
    for i, src in enumerate(SOURCES):
        text = (ROOT / src).read_text()
        text = re.sub(r"^pub fn ", "#[inline(never)]\npub fn ", text, flags=re.M)
        (crate / "src" / f"m{i}.rs").write_text(text)
        modules.append(f"pub mod m{i};\n")
    (crate / "src" / "lib.rs").write_text("".join(modules))
    env = dict(os.environ, CARGO_TARGET_DIR=str(ROOT / "target"))
    subprocess.run(
        ["cargo", "rustc", "-q", "--release", "--lib", "--", "--emit", "asm"],
        cwd=crate,
        env=env,
        check=True,
    )
    deps = ROOT / "target" / "release" / "deps"
    return max(deps.glob("asm_check-*.s"), key=lambda p: p.stat().st_mtime)


def functions(asm: Path) -> dict:
    """Instruction lines of each function of the check crate, by its Rust name."""
    out, name = {}, None
    for line in asm.read_text().splitlines():
        m = re.match(r"^(_ZN\S+):$", line)
        if m:
            d = re.match(r"_ZN9asm_check2m\d(\d+)(\w+)", m.group(1))
            name = d.group(2)[: int(d.group(1))] if d else None
            if name:
                out[name] = []
            continue
        if name and line.startswith(".Lfunc_end"):
            name = None
        if name:
            out[name].append(line.strip())
    return out


def blocks(lines: list) -> list:
    """Basic blocks as (label, instructions, successor labels)."""
    out, label, body = [], ".entry", []
    for line in lines:
        m = re.match(r"^(\.LBB\w+):", line)
        if m:
            out.append([label, body])
            label, body = m.group(1), []
        elif line and not line.startswith((".", "#")):
            body.append(line)
            if re.match(r"^(j\w+|ret\w*|ud2)\b", line):
                out.append([label, body])
                label, body = f".after{len(out)}", []
    out.append([label, body])
    result = []
    for i, (label, body) in enumerate(out):
        last = body[-1] if body else ""
        succ = []
        m = re.match(r"^(j\w+)\s+(\.LBB\w+)$", last)
        if m:
            succ.append(m.group(2))
        # A call that never returns (a panic, the tape's overflow and underflow) ends it too.
        ends = re.match(r"^(jmp\w*|ret\w*|ud2)\b", last) or any(
            line.startswith("call") and any(p in line for p in PANICS + ("Unwind_Resume",))
            for line in body
        )
        if not ends and i + 1 < len(out):
            succ.append(out[i + 1][0])
        result.append((label, body, succ))
    return result


def loops(lines: list) -> dict:
    """Bounds checks in the worst loop, and callees inside loops, of one function."""
    # Functions called through a register: `mov exp@GOTPCREL(%rip), %r13` .. `call *%r13`.
    pointers = {}
    for line in lines:
        m = re.match(r"^mov\w*\s+(\S+)@GOTPCREL\(%rip\),\s*(%\w+)$", line)
        if m:
            pointers[m.group(2)] = m.group(1)
    bbs = blocks(lines)
    names = [b[0] for b in bbs]
    index = {n: i for i, n in enumerate(names)}
    succ = [[index[s] for s in b[2] if s in index] for b in bbs]
    pred = [[] for _ in bbs]
    for i, ss in enumerate(succ):
        for j in ss:
            pred[j].append(i)
    # Dominators, by the iterative data-flow algorithm, over the blocks reachable from entry.
    reachable, stack = {0}, [0]
    while stack:
        for j in succ[stack.pop()]:
            if j not in reachable:
                reachable.add(j)
                stack.append(j)
    pred = [[p for p in ps if p in reachable] for ps in pred]
    dom = [set(reachable) for _ in bbs]
    dom[0] = {0}
    changed = True
    while changed:
        changed = False
        for i in sorted(reachable - {0}):
            new = set.intersection(*(dom[p] for p in pred[i])) | {i}
            if new != dom[i]:
                dom[i], changed = new, True
    # Natural loops of back edges i -> h (h dominates i).
    checks = {n for n, body, _ in bbs if any("panic_bounds_check" in l for l in body)}
    bodies = {}
    for i, ss in enumerate(succ):
        for h in ss:
            if i not in reachable or h not in dom[i]:
                continue
            # (A one-block loop is its own back edge: nothing to walk back from.)
            body, stack = bodies.setdefault(h, {h}), [i] if i != h else []
            body.add(i)
            while stack:
                for p in pred[stack.pop()]:
                    if p not in body:
                        body.add(p)
                        stack.append(p)
    worst, calls = 0, set()
    for h, body in bodies.items():
        # The loop's own blocks: those of the loops nested in it are counted there.
        own = set(body)
        for g, inner in bodies.items():
            if g != h and g in body:
                own -= inner
        worst = max(worst, sum(1 for b in own for s in bbs[b][2] if s in checks))
        if own != body:
            continue  # calls: innermost loops only (an inner loop's reservation is outside it)
        for b in body:
            for line in bbs[b][1]:
                m = re.match(r"^call\w*\s+\*?(%\w+)$", line)
                target = pointers.get(m.group(1), m.group(1)) if m else None
                m = target or re.match(r"^call\w*\s+(\S+)", line)
                target = target or (m.group(1) if m else None)
                if target and not any(p in target for p in PANICS):
                    calls.add(demangle(target))
    return {"bounds": worst, "calls": calls}


def demangle(symbol: str) -> str:
    """`_ZN10ad_runtime4tape...17h..E@PLT` -> `ad_runtime::tape::...`, roughly."""
    symbol = re.sub(r"@.*", "", symbol.lstrip("*"))
    if not symbol.startswith("_ZN"):
        return symbol
    parts, rest = [], symbol[3:]
    while rest and rest[0].isdigit():
        n = int(re.match(r"\d+", rest).group())
        rest = rest[len(str(n)) :]
        parts.append(rest[:n])
        rest = rest[n:]
    parts = [p for p in parts if not re.fullmatch(r"h[0-9a-f]{16}", p)]
    text = "::".join(parts)
    for a, b in [("$LT$", "<"), ("$GT$", ">"), ("$C$", ","), ("$LP$", "("), ("$RP$", ")"),
                 ("$u20$", " "), ("..", "::")]:
        text = text.replace(a, b)
    return text


def main() -> int:
    fns = functions(build())
    failed = False
    print(f"{'workload':<14} {'bounds checks per loop':>24}  calls in the gradient's inner loops")
    for name in sorted(n for n in fns if n + "_vjp" in fns):
        p, g = loops(fns[name]), loops(fns[name + "_vjp"])
        extra = {c for c in g["calls"] - p["calls"] if any(a in c for a in ALLOCATING)}
        ok = g["bounds"] <= p["bounds"] and not extra
        failed |= not ok
        calls = ", ".join(sorted(g["calls"])) or "none"
        print(
            f"{name:<14} {'primal %d, vjp %d' % (p['bounds'], g['bounds']):>24}  "
            f"{calls}{'' if ok else '   FAIL ' + ', '.join(sorted(extra))}"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
