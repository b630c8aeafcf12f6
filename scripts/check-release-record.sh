#!/usr/bin/env bash
# CI's release check (after scripts/test.sh):
# - release-size.json, written by scripts/check-release.sh after a real release build, was
#   measured for this commit's Cargo.lock and release profile, and its size is under the cap;
# - a build of the binary without the test kit (the debug profile, whose dependencies the tests
#   have just compiled) reads no file of src/testkit/: the release build has the same features.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/no-testkit.sh
TARGET="${CARGO_TARGET_DIR:-target}"

python3 scripts/release-record.py check

echo "==> cargo build --bin acctsplit (without the test kit)" >&2
cargo build --locked --bin acctsplit
no_testkit "$TARGET/debug/acctsplit.d"
