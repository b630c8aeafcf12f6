#!/usr/bin/env bash
# The one test command (README, CI): sets up everything the tests need on a fresh machine,
# then runs every test. Extra arguments go to `cargo test`.
#
# - creates a git-ignored venv in .venv with a pinned moto server (the AWS emulator)
# - runs the unit and integration tests with the committed Cargo.lock
# - checks formatting first (it compiles nothing)
# It builds in the same (debug) profile as the README's quick start, so after that command
# the dependencies are already compiled. Clippy runs in CI (scripts/lint.sh), since it
# compiles every dependency again in its own mode.
set -euo pipefail
cd "$(dirname "$0")/.."

MOTO_VERSION="5.2.5"
VENV=".venv"

moto_ready() {
    [ -x "$VENV/bin/moto_server" ] &&
        "$VENV/bin/python" -c "import sys, importlib.metadata as m; sys.exit(m.version('moto') != '$MOTO_VERSION')" 2>/dev/null
}

if ! moto_ready; then
    echo "==> installing moto[server]==$MOTO_VERSION into $VENV" >&2
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
fi
export ACCTSPLIT_MOTO_SERVER="$PWD/$VENV/bin/moto_server"

echo "==> cargo fmt --check" >&2
cargo fmt --all -- --check

echo "==> cargo test" >&2
cargo test --locked "$@"
