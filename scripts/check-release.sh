#!/usr/bin/env bash
# Builds the release binary the way it ships and checks what it carries:
# - its size stays under the cap (60 MB), so the binary a user copies to a bastion host or a
#   container stays small as SDK crates are added;
# - none of the test kit (src/testkit/: builders, synthetic Cost Explorer, seeders, proxy) is
#   compiled into it.
# Prints the size and the number of lines the build compiled from src/, and, when both checks
# pass, writes release-size.json: the size, with the Cargo.lock and release profile it was
# measured for. Commit that file. CI checks the record (scripts/check-release-record.sh) instead
# of building the release binary itself: with the whole SDK optimised, that build takes longer
# on the 2-core CI machine than CI has left after the tests. Run this script after adding or
# updating a crate or changing the release profile; CI fails until you do.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/no-testkit.sh
# Cargo's target directory: CARGO_TARGET_DIR when set, as cargo itself does.
TARGET="${CARGO_TARGET_DIR:-target}"

# The cap is kept once, in the record script that CI checks against.
CAP_BYTES=$(python3 scripts/release-record.py cap)

echo "==> cargo build --release" >&2
cargo build --locked --release --bin acctsplit

bin="$TARGET/release/acctsplit"
size=$(stat -c %s "$bin")
echo "release binary: $size bytes ($(( size / 1000000 )) MB; cap $(( CAP_BYTES / 1000000 )) MB)"

status=0
if [ "$size" -gt "$CAP_BYTES" ]; then
    echo "check-release: the release binary is $size bytes, over the cap of $CAP_BYTES" >&2
    status=1
fi
no_testkit "$TARGET/release/acctsplit.d" || status=1
if [ "$status" = 0 ]; then
    python3 scripts/release-record.py write "$size"
fi
exit "$status"
