#!/usr/bin/env bash
# Opens a runbook.html in headless Chromium and saves a PNG screenshot, to check by eye that
# the page and its inline SVG charts render. Not run by CI.
#
# Usage: scripts/screenshot-runbook.sh path/to/runbook.html [out.png]
# Needs Debian's `chromium` package: apt-get update && apt-get install -y chromium
set -euo pipefail

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 path/to/runbook.html [out.png]" >&2
    exit 2
fi
html=$1
if [ ! -f "$html" ]; then
    echo "error: $html is not a file; render one with 'acctsplit runbook ... --out-dir DIR' first" >&2
    exit 2
fi
png=${2:-"${html%.html}.png"}

browser=""
for candidate in chromium chromium-browser; do
    if command -v "$candidate" >/dev/null 2>&1; then
        browser=$candidate
        break
    fi
done
if [ -z "$browser" ]; then
    echo "error: chromium not found; install it with: apt-get update && apt-get install -y chromium" >&2
    exit 2
fi

profile=$(mktemp -d "${TMPDIR:-/tmp}/acctsplit-chromium.XXXXXX")
trap 'rm -rf "$profile"' EXIT

abs_html=$(cd "$(dirname "$html")" && pwd)/$(basename "$html")
case "$png" in
    /*) abs_png=$png ;;
    *) abs_png=$(pwd)/$png ;;
esac

"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --screenshot="$abs_png" --window-size=1280,2400 \
    "file://$abs_html" 2>"$profile/chromium.log" || {
    echo "error: chromium failed; its log:" >&2
    cat "$profile/chromium.log" >&2
    exit 1
}
if [ ! -s "$abs_png" ]; then
    echo "error: chromium wrote no screenshot to $abs_png" >&2
    exit 1
fi
echo "$abs_png"
