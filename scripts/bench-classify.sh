#!/usr/bin/env bash
# Classifier benchmark: builds the example in release mode, generates a snapshot of
# 1,000,000 resources (or the count given) with relations and mixed tags, classifies it, and
# prints the time and the peak resident memory. Target: <= 5 s and <= 2 GB for 1,000,000.
#
#   scripts/bench-classify.sh                 # 1,000,000 resources, classify only
#   scripts/bench-classify.sh 200000          # a smaller snapshot
#   scripts/bench-classify.sh 1000000 --write /tmp/plan-1m   # also write plan.json + CSV
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --locked --release --example bench_classify
exec target/release/examples/bench_classify "$@"
