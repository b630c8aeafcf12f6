#!/usr/bin/env bash
# Benchmarks `acctsplit scan` against the moto emulator, through the test proxy (50 ms a
# request, like a real region's round trip), and prints Markdown tables (see docs/benchmarks.md):
#
# 1. the bulk account (>= 5,000 resources in 4 regions, 200 buckets), BENCH_RUNS times each:
#    clean, 20% of the requests throttled at random, and a token bucket of 100 requests refilled
#    at 20 a second per (service, region); the median wall time of each, its ratio to the clean
#    median, the emulator floor (the time moto had at least one request to answer, measured by
#    the proxy) and the ratio of the clean scan to it, requests, throttled answers, peak RSS, and whether every inventory is
#    identical to the first clean one;
# 2. the same at other --concurrency values (BENCH_CONCURRENCY, clean only);
# 3. a 10x account (BENCH_TENX=0 skips it), over 17 regions: time, requests, peak RSS, time per
#    resource, and the scan's own CPU time per resource;
# 4. the bulk account with the other services the scanner collects (`seed_moto --services N`:
#    KMS, SQS, SNS, Secrets Manager, SSM, CloudWatch Logs, ECR, ACM, RDS, Lambda, DynamoDB, load
#    balancers, IAM, Route 53, CloudFront, ElastiCache, governance; BENCH_SERVICES=0 skips it),
#    clean scans BENCH_RUNS times straight to moto and through the proxy: median wall time,
#    requests, resources found, requests per resource, and requests and resources by coverage
#    service against the plain bulk account, and each scan's slowest stream (from its summary line);
# 5. with BENCH_BASIC=1, the older table too: the legacy and bulk accounts at --concurrency 1 and
#    the default, straight to moto and through the proxy.
#
# Settings (environment): BENCH_PROFILE (release or debug, default release), BENCH_BULK
# (resources, default 5000), BENCH_BUCKETS (default 200), BENCH_REGIONS (default
# us-east-1,eu-west-1,us-west-2,ap-southeast-2), BENCH_RUNS (default 3), BENCH_LATENCY_MS
# (default 50), BENCH_RANDOM_PERCENT (default 20), BENCH_TOKEN_BUCKET (default 100/20),
# BENCH_CONCURRENCY (default "8 32 64"), BENCH_TENX (default 1), BENCH_TENX_RUNS (the 10x
# scans, default BENCH_RUNS), BENCH_TENX_REGIONS (its regions, default 17: see below),
# BENCH_SERVICES (default 1),
# BENCH_SERVICES_COUNT (the services' resources, `seed_moto --services`, default 1500),
# BENCH_THROTTLING (default 1; 0 skips tables 1 and 2 and the compare scans, so that
# `BENCH_THROTTLING=0 BENCH_TENX=0` runs the services table alone), BENCH_OUT (default bench-out),
# BENCH_UPSTREAM_TIMEOUT (seconds the proxy waits for one of moto's answers before answering
# 502, default 7200: at 10x, 16 slow requests share moto and each takes minutes; a request the
# proxy gives up on is retried by the scan and answered twice by moto),
# BENCH_COMPARE_BIN (another acctsplit binary, an older build for example: one clean and one
# token-bucket scan of the bulk account with it, for the requests and times before a change),
# ACCTSPLIT_MOTO_SERVER (the emulator, default .venv/bin/moto_server: run scripts/test.sh once).
set -euo pipefail
cd "$(dirname "$0")/.."
# Cargo's target directory: CARGO_TARGET_DIR when set, as cargo itself does.
TARGET="${CARGO_TARGET_DIR:-target}"

BULK="${BENCH_BULK:-5000}"
BUCKETS="${BENCH_BUCKETS:-200}"
BULK_REGIONS="${BENCH_REGIONS:-us-east-1,eu-west-1,us-west-2,ap-southeast-2}"
RUNS="${BENCH_RUNS:-3}"
LATENCY_MS="${BENCH_LATENCY_MS:-50}"
RANDOM_PERCENT="${BENCH_RANDOM_PERCENT:-20}"
TOKEN_BUCKET="${BENCH_TOKEN_BUCKET:-100/20}"
CONCURRENCY_SWEEP="${BENCH_CONCURRENCY-8 32 64}"
TENX="${BENCH_TENX:-1}"
SERVICES="${BENCH_SERVICES:-1}"
SERVICES_COUNT="${BENCH_SERVICES_COUNT:-1500}"
THROTTLING="${BENCH_THROTTLING:-1}"
BASIC="${BENCH_BASIC:-0}"
OUT="${BENCH_OUT:-bench-out}"
UPSTREAM_TIMEOUT="${BENCH_UPSTREAM_TIMEOUT:-7200}"
TENX_RUNS="${BENCH_TENX_RUNS:-$RUNS}"
# The 10x account's regions: the 17 that moto 5.2.5 reports enabled (most others it reports as
# opt-in regions not enabled, which the scan skips) and serves with zones a, b and c (the bulk
# seeder puts subnets there). moto renders each EC2 resource's tags by scanning every tag of its
# region, so an EC2 answer costs moto (resources x tags) of that region: ten times the 1x account
# in the 1x account's 4 regions costs it 100 times as much, and a scan of it had sent 400 of its
# 12,000 requests after 10 minutes (see docs/benchmarks.md). Over 17 regions each region holds
# 2.35 times as much as at 1x.
TENX_REGIONS="${BENCH_TENX_REGIONS:-af-south-1,ap-northeast-2,ap-northeast-3,ap-south-1,ap-southeast-1,ap-southeast-2,ap-southeast-3,eu-central-1,eu-north-1,eu-south-1,eu-west-1,eu-west-2,eu-west-3,sa-east-1,us-east-1,us-east-2,us-west-2}"
COMPARE_BIN="${BENCH_COMPARE_BIN:-}"
MOTO="${ACCTSPLIT_MOTO_SERVER:-$PWD/.venv/bin/moto_server}"
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
RUNS_FILE="$OUT/runs.jsonl"
: >"$RUNS_FILE"
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

# start_proxy [PROXY ARGS...]: the latency proxy in front of moto; sets PROXY_PORT and PROXY_PID.
start_proxy() {
    local log="$OUT/proxy-$MOTO_PORT-$RANDOM.log"
    "$BIN/examples/latency_proxy" --upstream-port "$MOTO_PORT" --port 0 --latency-ms "$LATENCY_MS" \
        --upstream-timeout-secs "$UPSTREAM_TIMEOUT" "$@" >"$log" 2>&1 &
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

# Runs one scan and appends its figures to runs.jsonl as one JSON line.
# measure TABLE ACCOUNT MODE SEEDED ENDPOINT CONCURRENCY(empty = default) REGIONS [STATS_URL]
measure() {
    local table=$1 account=$2 mode=$3 seeded=$4 endpoint=$5 concurrency=$6 regions=$7 stats=${8:-}
    local out="$OUT/inventory-$table-$account-${mode//\//-}-c${concurrency:-default}-$RANDOM.json"
    # Not --quiet: the summary line on stderr names the slowest stream (no bars: not a terminal).
    local args=(scan --out "$out" --regions "$regions" --endpoint-url "$endpoint")
    [ -n "$concurrency" ] && args+=(--concurrency "$concurrency")
    echo "==> $table $account $mode: acctsplit ${args[*]}" >&2
    env -i PATH="$PATH" HOME="$HOME" \
        AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 \
        AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/nonexistent AWS_SHARED_CREDENTIALS_FILE=/nonexistent \
        "$PY" - "$RUNS_FILE" "$out" "$stats" \
        "{\"table\": \"$table\", \"account\": \"$account\", \"mode\": \"$mode\", \"seeded\": $seeded, \"concurrency\": \"${concurrency:-default}\"}" \
        "${SCAN_BIN:-$BIN/acctsplit}" "${args[@]}" <<'PYEOF'
# Runs the scan, timing it and reading its children's peak RSS, then the proxy's statistics.
import json, resource, subprocess, sys, time, urllib.request
runs, out, stats, row, command = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4]), sys.argv[5:]
started = time.monotonic()
with open(out + ".stderr", "w") as err:
    code = subprocess.run(command, stdin=subprocess.DEVNULL, stderr=err).returncode
row["wall"] = time.monotonic() - started
# "...; slowest stream: ec2/us-east-1 instances 3.2 s" from the scan's summary line.
import re
slowest = re.search(r"slowest stream: (.+?) ([0-9.]+) s", open(out + ".stderr").read())
row["slowest"] = [slowest.group(1), float(slowest.group(2))] if slowest else None
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
row["rss_mib"] = usage.ru_maxrss / 1024
# The scan's own CPU time, user and system: its cost apart from the emulator's.
row["cpu"] = usage.ru_utime + usage.ru_stime
row["exit"] = code
row["inventory"] = out
try:
    inv = json.load(open(out))
    row["requests"] = sum(r["requests"] for r in inv["coverage"])
    row["found"] = len(inv["resources"])
    row["by_service"] = {}
    for r in inv["coverage"]:
        row["by_service"][r["service"]] = row["by_service"].get(r["service"], 0) + r["requests"]
    # Resources by the collector that read them (its coverage service), the Tagging API only
    # when no other did; "(none)" for relation targets no collector listed.
    row["found_by_service"] = {}
    for r in inv["resources"]:
        source = next((s for s in r["sources"] if s != "tagging"), (r["sources"] or ["(none)"])[0])
        row["found_by_service"][source] = row["found_by_service"].get(source, 0) + 1
    # Coverage rows that did not read everything (calls the emulator does not serve, for one).
    row["not_ok"] = sorted({f"{r['service']}: {r['status']}" + (f" ({r['detail']})" if r.get("detail") else "")
                            for r in inv["coverage"] if r["status"] != "ok"})
    # The longest chain of sequential requests the scan cannot avoid: the Tagging API pages of
    # one region, fetched one after another.
    row["chain"] = max([r["requests"] for r in inv["coverage"] if r["service"] == "tagging"] or [0])
except (OSError, ValueError):
    row["requests"] = row["found"] = None
if stats:
    s = json.load(urllib.request.urlopen(stats))
    row["proxy_requests"], row["throttled"], row["floor"] = s["requests"], s["throttled"], s["busy_seconds"]
    row["upstream_sum"] = s["upstream_seconds"]
    row["upstream_failures"] = s.get("upstream_failures")
with open(runs, "a") as f:
    f.write(json.dumps(row) + "\n")
print(f"    {row['wall']:.2f} s, exit {code}, {row.get('requests')} requests, {row.get('found')} resources", file=sys.stderr)
PYEOF
}

# seed ACCOUNT SEED_ARGS...: a fresh moto with that account; sets SEEDED.
seed() {
    local account=$1
    shift
    start_moto
    echo "==> seeding $account: seed_moto $*" >&2
    local summary seconds
    summary=$("$BIN/examples/seed_moto" --endpoint "http://127.0.0.1:$MOTO_PORT" "$@")
    read -r SEEDED seconds < <("$PY" -c 'import json, sys; s = json.loads(sys.argv[1]); print(s["resources"], s["seconds"])' "$summary")
    echo "    seeded $SEEDED resources in $seconds s" >&2
    SEEDING+=("$account: $SEEDED resources seeded in $seconds s")
}

# One scan through a fresh proxy (fresh buckets and statistics).
# proxied TABLE ACCOUNT MODE CONCURRENCY REGIONS [PROXY ARGS...]
proxied() {
    local table=$1 account=$2 mode=$3 concurrency=$4 regions=$5
    shift 5
    start_proxy "$@"
    measure "$table" "$account" "$mode" "$SEEDED" "http://127.0.0.1:$PROXY_PORT" "$concurrency" "$regions" \
        "http://127.0.0.1:$PROXY_PORT/acctsplit-proxy/stats"
    stop "$PROXY_PID"
}

SEEDING=()

if [ "$BASIC" = 1 ]; then
    for account in legacy bulk; do
        if [ "$account" = legacy ]; then
            regions="$LEGACY_REGIONS"
            seed legacy --legacy
        else
            regions="$BULK_REGIONS"
            seed bulk --bulk "$BULK" --regions "$regions" --buckets "$BUCKETS"
        fi
        for concurrency in 1 ""; do
            measure basic "$account" direct "$SEEDED" "http://127.0.0.1:$MOTO_PORT" "$concurrency" "$regions"
            proxied basic "$account" "${LATENCY_MS}ms" "$concurrency" "$regions"
        done
        stop "$MOTO_PID"
    done
fi

if [ "$THROTTLING" = 1 ]; then
    seed bulk --bulk "$BULK" --regions "$BULK_REGIONS" --buckets "$BUCKETS"
    for run in $(seq 1 "$RUNS"); do
        proxied throttling bulk clean "" "$BULK_REGIONS"
        proxied throttling bulk "random-${RANDOM_PERCENT}%" "" "$BULK_REGIONS" --throttle-percent "$RANDOM_PERCENT" --seed "$run"
        proxied throttling bulk "bucket-${TOKEN_BUCKET}" "" "$BULK_REGIONS" --token-bucket "$TOKEN_BUCKET"
    done
    if [ -n "$COMPARE_BIN" ]; then
        SCAN_BIN="$COMPARE_BIN" proxied compare bulk clean "" "$BULK_REGIONS"
        SCAN_BIN="$COMPARE_BIN" proxied compare bulk "bucket-${TOKEN_BUCKET}" "" "$BULK_REGIONS" --token-bucket "$TOKEN_BUCKET"
    fi
    for concurrency in $CONCURRENCY_SWEEP; do
        for run in $(seq 1 "$RUNS"); do
            proxied concurrency bulk clean "$concurrency" "$BULK_REGIONS"
        done
    done
    stop "$MOTO_PID"
fi

if [ "$SERVICES" = 1 ]; then
    seed bulk-services --bulk "$BULK" --regions "$BULK_REGIONS" --buckets "$BUCKETS" --services "$SERVICES_COUNT"
    for run in $(seq 1 "$RUNS"); do
        measure services bulk-services direct "$SEEDED" "http://127.0.0.1:$MOTO_PORT" "" "$BULK_REGIONS"
        proxied services bulk-services "${LATENCY_MS}ms" "" "$BULK_REGIONS"
    done
    stop "$MOTO_PID"
fi

if [ "$TENX" = 1 ]; then
    seed bulk10x --bulk $((BULK * 10)) --regions "$TENX_REGIONS" --buckets $((BUCKETS * 10))
    for run in $(seq 1 "$TENX_RUNS"); do
        proxied tenx bulk10x clean "" "$TENX_REGIONS"
    done
    stop "$MOTO_PID"
fi

{
    echo
    echo "acctsplit scan, $PROFILE build, moto $(moto_version), $(nproc) cores, proxy latency ${LATENCY_MS} ms, median of $RUNS runs"
    for line in "${SEEDING[@]}"; do echo "$line"; done
    "$PY" - "$RUNS_FILE" "$LATENCY_MS" <<'PYEOF'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None
def same(a, b):
    try:
        x, y = json.load(open(a)), json.load(open(b))
        return x["resources"] == y["resources"] and x["coverage"] == y["coverage"]
    except (OSError, ValueError):
        return False
def walls(rs):
    return ", ".join(format(r["wall"], ".1f") for r in rs)
def fmt(v, spec=".2f"):
    return "-" if v is None else format(v, spec)

basic = [r for r in rows if r["table"] == "basic"]
if basic:
    print("\n| account | resources seeded | concurrency | proxy | exit | wall s | requests | resources found |")
    print("|---|---:|---|---|---:|---:|---:|---:|")
    for r in basic:
        print(f"| {r['account']} | {r['seeded']} | {r['concurrency']} | {r['mode']} | {r['exit']} | {r['wall']:.2f} | {r['requests']} | {r['found']} |")

main = [r for r in rows if r["table"] == "throttling"]
if main:
    reference = main[0]["inventory"]
    clean = med([r["wall"] for r in main if r["mode"] == "clean"])
    print("\n| scan | wall s (median) | runs | ratio to clean | floor s | wall / floor | longest chain x latency s | requests | proxy requests | throttled | moto not answering (502) | resources | identical inventory | peak RSS MiB | exit |")
    print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|")
    modes = []
    for r in main:
        if r["mode"] not in modes:
            modes.append(r["mode"])
    for mode in modes:
        rs = [r for r in main if r["mode"] == mode]
        wall = med([r["wall"] for r in rs])
        floor = med([r.get("floor") for r in rs])
        chain = med([r.get("chain") for r in rs])
        print(f"| {mode} | {wall:.2f} | {walls(rs)} | {wall / clean:.2f} | {fmt(floor)} | "
              f"{fmt(wall / floor if floor else None)} | {fmt(chain * float(sys.argv[2]) / 1000 if chain else None)} | {fmt(med([r['requests'] for r in rs]), '.0f')} | "
              f"{fmt(med([r.get('proxy_requests') for r in rs]), '.0f')} | {fmt(med([r.get('throttled') for r in rs]), '.0f')} | "
              f"{fmt(med([r.get('upstream_failures') for r in rs]), '.0f')} | "
              f"{fmt(med([r['found'] for r in rs]), '.0f')} | {'yes' if all(same(reference, r['inventory']) for r in rs) else 'NO'} | "
              f"{fmt(med([r['rss_mib'] for r in rs]), '.0f')} | {','.join(str(r['exit']) for r in rs)} |")
    per_service = main[0].get("by_service", {})
    print("\nrequests by coverage service (first clean scan): " + ", ".join(f"{k} {v}" for k, v in sorted(per_service.items())))

sweep = [r for r in rows if r["table"] == "concurrency"]
if sweep:
    print("\n| --concurrency | wall s (median) | runs | floor s | wall / floor |")
    print("|---|---:|---|---:|---:|")
    default = [r for r in main if r["mode"] == "clean"]
    groups = [("default", default)] + [(c, [r for r in sweep if r["concurrency"] == c]) for c in dict.fromkeys(r["concurrency"] for r in sweep)]
    for label, rs in groups:
        wall, floor = med([r["wall"] for r in rs]), med([r.get("floor") for r in rs])
        print(f"| {label} | {wall:.2f} | {walls(rs)} | {fmt(floor)} | {fmt(wall / floor if floor else None)} |")

compare = [r for r in rows if r["table"] == "compare"]
if compare and main:
    print("\n| binary | scan | wall s | requests | proxy requests | throttled | resources | requests by service |")
    print("|---|---|---:|---:|---:|---:|---:|---|")
    for label, rs in [("compared (BENCH_COMPARE_BIN)", compare), ("this build, first runs", [r for r in main if r["run_index"] == 0] if "run_index" in main[0] else main[:3])]:
        for r in rs:
            services = ", ".join(f"{k} {v}" for k, v in sorted(r.get("by_service", {}).items()))
            print(f"| {label} | {r['mode']} | {r['wall']:.2f} | {r['requests']} | {r.get('proxy_requests')} | {r.get('throttled')} | {r['found']} | {services} |")

tenx = [r for r in rows if r["table"] == "tenx"]
if tenx and main:
    clean_rows = [r for r in main if r["mode"] == "clean"]
    # A scan stopped before it wrote its inventory has no resources found: no time per resource.
    def per_resource(rs, key):
        return med([r[key] / r["found"] if r["found"] and r.get(key) is not None else None for r in rs])
    one, one_cpu, one_floor = (per_resource(clean_rows, k) for k in ("wall", "cpu", "floor"))
    # Wall time per resource is bound by moto, whose answers grow slower as the account grows; the
    # scan's own CPU time per resource is what the scanner costs apart from the emulator.
    print("\n| account | resources found | wall s (median) | runs | requests | floor s | wall / floor | moto not answering (502) | peak RSS MiB | ms per resource | ratio to 1x | floor ms per resource | floor ratio to 1x | scan CPU s | CPU ms per resource | CPU ratio to 1x | identical inventory | exit |")
    print("|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|")
    for label, rs in [("1x", clean_rows), ("10x", tenx)]:
        per, cpu, flo = (per_resource(rs, k) for k in ("wall", "cpu", "floor"))
        wall, floor = med([r['wall'] for r in rs]), med([r.get('floor') for r in rs])
        print(f"| {label} | {fmt(med([r['found'] for r in rs]), '.0f')} | {wall:.2f} | {walls(rs)} | "
              f"{fmt(med([r['requests'] for r in rs]), '.0f')} | {fmt(floor)} | {fmt(wall / floor if floor else None)} | "
              f"{fmt(med([r.get('upstream_failures') for r in rs]), '.0f')} | {fmt(med([r['rss_mib'] for r in rs]), '.0f')} | "
              f"{fmt(per * 1000 if per else None)} | {fmt(per / one if per and one else None)} | "
              f"{fmt(flo * 1000 if flo else None)} | {fmt(flo / one_floor if flo and one_floor else None)} | "
              f"{fmt(med([r.get('cpu') for r in rs]))} | {fmt(cpu * 1000 if cpu else None, '.3f')} | {fmt(cpu / one_cpu if cpu and one_cpu else None)} | "
              f"{'yes' if all(same(rs[0]['inventory'], r['inventory']) for r in rs) else 'NO'} | "
              f"{','.join(str(r['exit']) for r in rs)} |")
services = [r for r in rows if r["table"] == "services"]
if services:
    print("\n| bulk account with the services | wall s (median) | runs | floor s | requests | resources found | requests per resource | exit |")
    print("|---|---:|---|---:|---:|---:|---:|---|")
    for mode in dict.fromkeys(r["mode"] for r in services):
        rs = [r for r in services if r["mode"] == mode]
        requests, found = med([r["requests"] for r in rs]), med([r["found"] for r in rs])
        print(f"| {'straight to moto' if mode == 'direct' else 'through the proxy, ' + mode} | {med([r['wall'] for r in rs]):.2f} | {walls(rs)} | "
              f"{fmt(med([r.get('floor') for r in rs]))} | {fmt(requests, '.0f')} | {fmt(found, '.0f')} | "
              f"{fmt(requests / found if requests and found else None, '.3f')} | {','.join(str(r['exit']) for r in rs)} |")
    first = services[0]
    same_requests = all(r["by_service"] == first["by_service"] for r in services)
    # The plain bulk account, when the throttling table scanned it: what the services add.
    base = main[0] if main else {"by_service": {}, "found_by_service": {}}
    print(f"\nrequests and resources by coverage service (first scan; {'the same in every scan' if same_requests else 'NOT the same in every scan'})"
          + (", and the plain bulk account's first clean scan" if main else "") + ":")
    print("\n| service | requests | resources found | requests per resource | bulk account requests | bulk account resources |")
    print("|---|---:|---:|---:|---:|---:|")
    names = sorted(set(first["by_service"]) | set(first["found_by_service"]))
    for name in names:
        req, found = first["by_service"].get(name, 0), first["found_by_service"].get(name, 0)
        print(f"| {name} | {req} | {found} | {fmt(req / found if found else None, '.3f')} | "
              f"{base['by_service'].get(name, '-') if main else '-'} | {base.get('found_by_service', {}).get(name, '-') if main else '-'} |")
    if main:
        extra_req = first["requests"] - base["requests"]
        extra_found = first["found"] - base["found"]
        print(f"\nadded by the services: {extra_req} requests for {extra_found} resources ({fmt(extra_req / extra_found if extra_found else None, '.3f')} a resource)")
    if first.get("not_ok"):
        print("\ncoverage rows not ok (first scan): " + "; ".join(first["not_ok"]))
    slow = [r["slowest"] for r in services if r.get("slowest")]
    if slow:
        print("\nslowest stream of each scan (from its first request to its last answer): "
              + "; ".join(f"{r['mode']}: {s[0]} {s[1]:.1f} s" for r, s in zip([r for r in services if r.get("slowest")], slow)))

failed = [r for r in rows if r["exit"] not in (0,) or r["requests"] is None]
if failed:
    print(f"\n{len(failed)} scan(s) exited non-zero or wrote no inventory: " + ", ".join(f"{r['table']}/{r['mode']}: exit {r['exit']}" for r in failed))
PYEOF
} | tee "$OUT/results.md"
"$PY" -c 'import json, sys; sys.exit(any(json.loads(l)["requests"] is None for l in open(sys.argv[1])))' "$RUNS_FILE"
