#!/usr/bin/env bash
# Classifier benchmark, release build. Two measurements on the same generated snapshot of
# 1,000,000 resources (or the count given), with relations and mixed tags:
#
#   1. in process: generate the snapshot, classify it, render assignments.csv; prints the time
#      of classify alone and the peak resident memory after each step;
#   2. end to end: the real `acctsplit classify --inventory inventory.json --out-dir D`, which
#      also reads the JSON snapshot and writes plan.json and assignments.csv; prints its wall
#      time and peak resident memory (measured by the parent, from getrusage).
#
# Targets (issue 3): classify in <= 5 s and <= 2 GB peak RSS for 1,000,000 resources.
#
#   scripts/bench-classify.sh            # 1,000,000 resources
#   scripts/bench-classify.sh 200000     # a smaller snapshot
#
# The snapshot (about 0.6 GB per million resources) and the outputs go to a temporary folder
# that is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
# Cargo's target directory: CARGO_TARGET_DIR when set, as cargo itself does.
TARGET="${CARGO_TARGET_DIR:-target}"
count="${1:-1000000}"
cargo build --locked --release --example bench_classify --bin acctsplit
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "== in process"
"$TARGET/release/examples/bench_classify" "$count" --snapshot "$work/inventory.json"

echo "== end to end: acctsplit classify"
python3 - "$work" "$TARGET" <<'EOF'
import resource, subprocess, sys, time
work = sys.argv[1]
cmd = [sys.argv[2] + "/release/acctsplit", "--quiet", "classify", "--inventory", f"{work}/inventory.json", "--out-dir", f"{work}/out"]
started = time.monotonic()
done = subprocess.run(cmd)
wall = time.monotonic() - started
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
# ru_maxrss is in KiB on Linux.
print(f"exit {done.returncode}; {wall:.2f} s wall, {usage.ru_utime + usage.ru_stime:.2f} s CPU, peak RSS {usage.ru_maxrss / 1024:.0f} MiB")
sys.exit(done.returncode)
EOF
ls -l "$work/out"
