#!/usr/bin/env bash
# The one test command (README, CI): sets up everything the tests need on a fresh machine,
# then runs every test. Extra arguments go to `cargo test`.
#
# - creates a git-ignored venv in .venv with a pinned moto server (the AWS emulator)
# - checks formatting first (it compiles nothing)
# - builds and runs the unit and integration tests with the committed Cargo.lock, in the bench
#   profile (Cargo.toml): the dependencies compile exactly as for the README's quick start and
#   the release binary, so the AWS SDK compiles once for all three
# - lints while it builds: clippy's driver compiles this package (RUSTC_WORKSPACE_WRAPPER, as
#   `cargo clippy` does) with warnings as errors, so clippy costs no second pass over the SDK.
#   ACCTSPLIT_CLIPPY=0 builds without it, for a quick run while a lint is still being fixed.
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

if [ "${ACCTSPLIT_CLIPPY:-1}" != 0 ]; then
    source scripts/clippy-env.sh
fi

echo "==> cargo test --profile bench" >&2
cargo test --locked --profile bench "$@"
