#!/usr/bin/env bash
# Regenerates sample-data/costs/ (the cost export of the built-in sample account) from the
# deterministic synthetic Cost Explorer, through the real exporter. The output is
# byte-identical on every run; commit it.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="sample-data/costs"
rm -rf "$OUT"
mkdir -p "$OUT"
cargo run --locked --quiet --profile bench --example make_sample_costs -- "$OUT"
