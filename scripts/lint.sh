#!/usr/bin/env bash
# Clippy on every target, warnings as errors. scripts/test.sh already lints while it builds the
# tests; this builds the same targets in the same profile under the same driver, so after
# test.sh it finds everything fresh and finishes at once. On its own it compiles what the
# tests compile, without running them. (`cargo clippy` would check every dependency again in
# its own mode: a second pass over the AWS SDK.)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/clippy-env.sh
echo "==> clippy: cargo build --profile bench --all-targets" >&2
cargo build --locked --profile bench --all-targets
