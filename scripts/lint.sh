#!/usr/bin/env bash
# Clippy on every target, warnings as errors. CI runs it after scripts/test.sh. It is kept out
# of the test command because clippy checks every dependency again in its own mode, which on a
# fresh machine would compile the AWS SDK a second time.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "==> cargo clippy" >&2
cargo clippy --locked --all-targets -- -D warnings
