# Sourced by scripts/test.sh and scripts/lint.sh: compile this package with clippy's driver, as
# `cargo clippy` does, with warnings as errors. Cargo applies the wrapper to workspace members
# only, so the dependencies stay the ones the quick start and the tests share. Both scripts set the same
# values, so after one of them the other finds the build fresh.
driver="$(rustup which clippy-driver 2>/dev/null || command -v clippy-driver || true)"
if [ -z "$driver" ]; then
    echo "clippy-driver not found: install it with 'rustup component add clippy'" >&2
    exit 2
fi
export RUSTC_WORKSPACE_WRAPPER="$driver"
# The separator is the one cargo-clippy uses to pass its arguments to the driver.
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
