#!/usr/bin/env bash
# Regenerates sample-data/inventory.json, the built-in sample legacy account: starts moto, seeds the
# sample account (src/testkit/seed.rs, seed_sample_account) with pinned ids, scans it with
# the real binary, and stops moto. See docs/benchmarks.md.
#
# SOURCE_DATE_EPOCH pins the snapshot's scanned_at (default 2026-11-22T05:45:00Z, just before the
# sample cost export in sample-data/costs was taken);
# ACCTSPLIT_MOTO_SERVER names the emulator (default .venv/bin/moto_server: run scripts/test.sh once).
set -euo pipefail
cd "$(dirname "$0")/.."
# Cargo's target directory: CARGO_TARGET_DIR when set, as cargo itself does.
TARGET="${CARGO_TARGET_DIR:-target}"

MOTO="${ACCTSPLIT_MOTO_SERVER:-$PWD/.venv/bin/moto_server}"
OUT="sample-data/inventory.json"
# Only the scan sees it: in cargo's environment it would rebuild aws-lc-sys and the whole SDK.
EPOCH="${SOURCE_DATE_EPOCH:-1795326300}"
unset SOURCE_DATE_EPOCH
[ -x "$MOTO" ] || { echo "make-sample-data: no moto server at $MOTO; run scripts/test.sh first or set ACCTSPLIT_MOTO_SERVER" >&2; exit 2; }

# The bench profile, as scripts/test.sh builds: the dependencies are already compiled.
echo "==> cargo build --profile bench --examples --bins" >&2
cargo build --locked --profile bench --examples --bins

PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
LOG="$(mktemp -t acctsplit-sample-moto.XXXXXX)"
"$MOTO" -H 127.0.0.1 -p "$PORT" >"$LOG" 2>&1 &
MOTO_PID=$!
trap 'kill "$MOTO_PID" 2>/dev/null || true; wait "$MOTO_PID" 2>/dev/null || true; rm -f "$LOG"' EXIT
for _ in $(seq 1 600); do
    curl -sf "http://127.0.0.1:$PORT/moto-api/data.json" >/dev/null && break
    kill -0 "$MOTO_PID" 2>/dev/null || { echo "make-sample-data: moto exited:" >&2; cat "$LOG" >&2; exit 2; }
    sleep 0.1
done
curl -sf -X POST "http://127.0.0.1:$PORT/moto-api/seed?a=42" >/dev/null

echo "==> seeding the sample account" >&2
"$TARGET/release/examples/seed_moto" --endpoint "http://127.0.0.1:$PORT" --sample >&2

echo "==> acctsplit scan --out $OUT" >&2
mkdir -p sample-data
code=0
env -i PATH="$PATH" HOME="$HOME" SOURCE_DATE_EPOCH="$EPOCH" \
    AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 \
    AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/nonexistent AWS_SHARED_CREDENTIALS_FILE=/nonexistent \
    "$TARGET/release/acctsplit" scan --quiet --regions us-east-1,eu-west-1,us-west-2 --out "$OUT" \
    --endpoint-url "http://127.0.0.1:$PORT" || code=$?
# Exit code 1 means the scan finished with incomplete coverage: keep the snapshot, say so.
case "$code" in
    0) echo "==> wrote $OUT" >&2 ;;
    1) echo "==> wrote $OUT, with incomplete coverage (see its coverage rows)" >&2 ;;
    *) echo "make-sample-data: acctsplit scan failed (exit $code)" >&2; exit "$code" ;;
esac
