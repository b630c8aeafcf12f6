#!/usr/bin/env bash
# Regenerates sample-reports/, the committed output of `acctsplit assess --sample`.
# Run it after changing the rules, the templates, the classifier or report code, or sample-data/;
# the test `assess::sample_reports_are_up_to_date` fails until you do.
set -euo pipefail
cd "$(dirname "$0")/.."
# Cargo's target directory: CARGO_TARGET_DIR when set, as cargo itself does.
TARGET="${CARGO_TARGET_DIR:-target}"
# The bench profile, as scripts/test.sh builds: the dependencies are already compiled.
cargo build --locked --quiet --profile bench --bin acctsplit
rm -rf sample-reports
env -u SOURCE_DATE_EPOCH "$TARGET/release/acctsplit" assess --sample --out-dir sample-reports --quiet
echo "regenerated sample-reports/ ($(find sample-reports -type f | wc -l) files)" >&2
