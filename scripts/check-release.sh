#!/usr/bin/env bash
# Builds the release binary the way it ships and checks what it carries (CI runs this after
# scripts/test.sh):
# - its size stays under the cap (60 MB), so the binary a user copies to a bastion host or a
#   container stays small as SDK crates are added;
# - none of the test kit (src/testkit/: builders, synthetic Cost Explorer, seeders, proxy) is
#   compiled into it.
# Prints the size and the number of lines the build compiled from src/.
set -euo pipefail
cd "$(dirname "$0")/.."
# Cargo's target directory: CARGO_TARGET_DIR when set, as cargo itself does.
TARGET="${CARGO_TARGET_DIR:-target}"

CAP_BYTES=60000000

echo "==> cargo build --release" >&2
cargo build --locked --release --bin acctsplit

bin="$TARGET/release/acctsplit"
deps="$TARGET/release/acctsplit.d"
size=$(stat -c %s "$bin")
echo "release binary: $size bytes ($(( size / 1000000 )) MB; cap $(( CAP_BYTES / 1000000 )) MB)"

# The dependency file lists every source file the build read; keep ours.
sources=$(tr ' ' '\n' <"$deps" | grep -F "$PWD/src/" | grep '\.rs$' | sort -u)
lines=$(echo "$sources" | xargs cat | wc -l)
echo "compiled from src/: $(echo "$sources" | wc -l) files, $lines lines (in-file test modules included)"

status=0
if [ "$size" -gt "$CAP_BYTES" ]; then
    echo "check-release: the release binary is $size bytes, over the cap of $CAP_BYTES" >&2
    status=1
fi
if echo "$sources" | grep -q "/src/testkit/"; then
    echo "check-release: the release build compiled the test kit:" >&2
    echo "$sources" | grep "/src/testkit/" >&2
    status=1
fi
exit "$status"
