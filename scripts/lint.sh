#!/usr/bin/env bash
# Clippy on every target, warnings as errors. scripts/test.sh already lints while it builds the
# tests; this builds the same targets in the same (debug) profile under the same driver, so
# after test.sh it has little left to compile. On its own it compiles what the tests compile,
# without running them. (`cargo clippy` would check every dependency again in its own mode: a
# second pass over the AWS SDK, which took CI over its 90 minutes.)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/clippy-env.sh
echo "==> clippy: cargo build --all-targets" >&2
cargo build --locked --all-targets
