#!/usr/bin/env bash
# Peak memory and time of reverse mode over a 10^7-step loop: recorded, then checkpointed
# with several periods. Usage: benches/memory.sh [N]
set -euo pipefail
n=${1:-10000000}
cargo build -q --release --example long_loop
bin=target/release/examples/long_loop
echo "| mode | peak RSS (MiB) | gradient/primal time |"
echo "|---|---:|---:|"
for k in "" 100000 10000 3162 1000; do
    out=$( { /usr/bin/time -v "$bin" "$n" $k; } 2>&1 )
    rss=$(echo "$out" | awk -F: '/Maximum resident set size/ {print $2}')
    ratio=$(echo "$out" | awk '/gradient\/primal/ {print $NF}')
    mode=${k:+checkpoint every $k}
    echo "| ${mode:-recorded} | $((rss / 1024)) | $ratio |"
done
