#!/usr/bin/env bash
# Benchmarks `acctsplit scan` (release build) against the moto emulator and prints a table:
# for the legacy test account and a bulk account of >= 5,000 resources in 3 regions, a scan at
# --concurrency 1 and at the default concurrency, each straight to moto and through the latency
# proxy (50 ms a request, like a real region's round trip). See docs/benchmarks.md.
#
# Settings (environment): BENCH_BULK (resources in the bulk account, default 5000),
# BENCH_LATENCY_MS (proxy latency, default 50), BENCH_OUT (work folder, default bench-out),
# ACCTSPLIT_MOTO_SERVER (the emulator, default .venv/bin/moto_server: run scripts/test.sh once).
set -euo pipefail
cd "$(dirname "$0")/.."
# Cargo's target directory: CARGO_TARGET_DIR when set, as cargo itself does.
TARGET="${CARGO_TARGET_DIR:-target}"

BULK="${BENCH_BULK:-5000}"
LATENCY_MS="${BENCH_LATENCY_MS:-50}"
OUT="${BENCH_OUT:-bench-out}"
MOTO="${ACCTSPLIT_MOTO_SERVER:-$PWD/.venv/bin/moto_server}"
BULK_REGIONS="us-east-1,eu-west-1,us-west-2"
LEGACY_REGIONS="us-east-1,eu-west-1"
PROFILE="${BENCH_PROFILE:-release}"
case "$PROFILE" in
    release) BIN="$TARGET/release"; BUILD=(cargo build --locked --release --examples --bins) ;;
    debug) BIN="$TARGET/debug"; BUILD=(cargo build --locked --examples --bins) ;;
    *) echo "bench-scan: BENCH_PROFILE is release or debug, not $PROFILE" >&2; exit 2 ;;
esac
PY="$(command -v python3)"

[ -x "$MOTO" ] || { echo "bench-scan: no moto server at $MOTO; run scripts/test.sh first or set ACCTSPLIT_MOTO_SERVER" >&2; exit 2; }

echo "==> ${BUILD[*]}" >&2
# In cargo's environment SOURCE_DATE_EPOCH would rebuild aws-lc-sys and the whole SDK.
unset SOURCE_DATE_EPOCH
"${BUILD[@]}"

mkdir -p "$OUT"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
}
trap cleanup EXIT

free_port() {
    "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Starts a fresh moto on a free port; sets MOTO_PORT and MOTO_PID.
start_moto() {
    MOTO_PORT="$(free_port)"
    "$MOTO" -H 127.0.0.1 -p "$MOTO_PORT" >"$OUT/moto-$MOTO_PORT.log" 2>&1 &
    MOTO_PID=$!
    PIDS+=("$MOTO_PID")
    for _ in $(seq 1 600); do
        if curl -sf "http://127.0.0.1:$MOTO_PORT/moto-api/data.json" >/dev/null; then
            curl -sf -X POST "http://127.0.0.1:$MOTO_PORT/moto-api/seed?a=42" >/dev/null
            return
        fi
        kill -0 "$MOTO_PID" 2>/dev/null || { echo "bench-scan: moto exited; see $OUT/moto-$MOTO_PORT.log" >&2; exit 2; }
        sleep 0.1
    done
    echo "bench-scan: moto did not answer on port $MOTO_PORT within 60 s" >&2
    exit 2
}

# Starts the latency proxy in front of moto; sets PROXY_PORT and PROXY_PID.
start_proxy() {
    local log="$OUT/proxy-$MOTO_PORT.log"
    "$BIN/examples/latency_proxy" --upstream-port "$MOTO_PORT" --port 0 --latency-ms "$LATENCY_MS" >"$log" 2>&1 &
    PROXY_PID=$!
    PIDS+=("$PROXY_PID")
    for _ in $(seq 1 100); do
        if grep -qs "^listening on" "$log"; then
            PROXY_PORT="$(sed -n 's/^listening on http:\/\/127.0.0.1:\([0-9]*\)$/\1/p' "$log")"
            return
        fi
        sleep 0.05
    done
    echo "bench-scan: the latency proxy did not start; see $log" >&2
    exit 2
}

moto_version() {
    "$(dirname "$MOTO")/python" -c 'import importlib.metadata as m; print(m.version("moto"))' 2>/dev/null || echo "(version unknown)"
}

stop() {
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

# The table, as Markdown rows.
ROWS=()
FAILED=0

# scan ACCOUNT REGIONS SEEDED ENDPOINT LATENCY_LABEL CONCURRENCY(empty = default)
scan() {
    local account=$1 regions=$2 seeded=$3 endpoint=$4 latency=$5 concurrency=$6
    local label="${concurrency:-default}"
    local out="$OUT/inventory-$account-c$label-$latency.json"
    local args=(scan --quiet --out "$out" --regions "$regions" --endpoint-url "$endpoint")
    [ -n "$concurrency" ] && args+=(--concurrency "$concurrency")
    rm -f "$out"
    echo "==> $account: acctsplit ${args[*]}" >&2
    local start end code=0
    start=$(date +%s%N)
    env -i PATH="$PATH" HOME="$HOME" \
        AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 \
        AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/nonexistent AWS_SHARED_CREDENTIALS_FILE=/nonexistent \
        "$BIN/acctsplit" "${args[@]}" 2>"$out.stderr" || code=$?
    end=$(date +%s%N)
    local wall requests found
    wall=$("$PY" -c "print(f'{($end - $start) / 1e9:.2f}')")
    if [ -f "$out" ]; then
        read -r requests found < <("$PY" -c '
import json, sys
inv = json.load(open(sys.argv[1]))
print(sum(row["requests"] for row in inv["coverage"]), len(inv["resources"]))' "$out")
    else
        requests="-" found="-"
        FAILED=1
        echo "bench-scan: scan exited $code and wrote no inventory: $(head -c 300 "$out.stderr")" >&2
    fi
    ROWS+=("| $account | $seeded | $label | $latency | $code | $wall | $requests | $found |")
}

# bench ACCOUNT REGIONS SEED_ARGS...
bench() {
    local account=$1 regions=$2
    shift 2
    start_moto
    echo "==> seeding $account: seed_moto $*" >&2
    local summary seeded seconds
    summary=$("$BIN/examples/seed_moto" --endpoint "http://127.0.0.1:$MOTO_PORT" "$@")
    read -r seeded seconds < <("$PY" -c 'import json, sys; s = json.loads(sys.argv[1]); print(s["resources"], s["seconds"])' "$summary")
    echo "    seeded $seeded resources in $seconds s" >&2
    SEEDING+=("$account: $seeded resources seeded in $seconds s")
    start_proxy
    for concurrency in 1 ""; do
        scan "$account" "$regions" "$seeded" "http://127.0.0.1:$MOTO_PORT" "none" "$concurrency"
        scan "$account" "$regions" "$seeded" "http://127.0.0.1:$PROXY_PORT" "${LATENCY_MS}ms" "$concurrency"
    done
    stop "$PROXY_PID"
    stop "$MOTO_PID"
}

SEEDING=()
bench legacy "$LEGACY_REGIONS" --legacy
bench bulk "$BULK_REGIONS" --bulk "$BULK" --regions "$BULK_REGIONS"

{
    echo
    echo "acctsplit scan, $PROFILE build, moto $(moto_version), $(nproc) cores, proxy latency ${LATENCY_MS} ms"
    for line in "${SEEDING[@]}"; do echo "$line"; done
    echo
    echo "| account | resources seeded | concurrency | proxy latency | exit | wall s | requests | resources found |"
    echo "|---|---:|---|---|---:|---:|---:|---:|"
    for row in "${ROWS[@]}"; do echo "$row"; done
} | tee "$OUT/results.md"
exit "$FAILED"
