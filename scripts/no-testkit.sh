# Sourced by scripts/check-release.sh and scripts/check-release-record.sh.
# no_testkit DEPFILE: prints how many lines the build compiled from src/, and fails if the
# build's dependency file lists any file of the test kit (src/testkit/).
no_testkit() {
    local sources lines
    # The dependency file lists every source file the build read; keep ours.
    sources=$(tr ' ' '\n' <"$1" | grep -F "$PWD/src/" | grep '\.rs$' | sort -u)
    lines=$(echo "$sources" | xargs cat | wc -l)
    echo "compiled from src/: $(echo "$sources" | wc -l) files, $lines lines (in-file test modules included)"
    if echo "$sources" | grep -q "/src/testkit/"; then
        echo "check-release: the build without the test kit compiled it:" >&2
        echo "$sources" | grep "/src/testkit/" >&2
        return 1
    fi
}
