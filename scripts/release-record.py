#!/usr/bin/env python3
"""The record of the last measured release binary: release-size.json.

A release build compiles the whole AWS SDK with optimisations, which takes longer on the
2-core CI machine than CI has left after the tests. So scripts/check-release.sh builds it,
checks it, and writes this record; CI (scripts/check-release-record.sh) checks that the record
was made from the dependencies and release profile the commit has, and that the size it
measured is under the cap. Adding or updating a crate, or changing the release profile, makes
CI fail until scripts/check-release.sh has been run again and its record committed.

    release-record.py write SIZE   record SIZE bytes for the current Cargo.lock and profile
    release-record.py check        exit 1, saying why, unless the record matches and fits
    release-record.py cap          print the cap in bytes (scripts/check-release.sh reads it here)
"""
import hashlib
import json
import sys
import tomllib

RECORD = "release-size.json"
CAP_BYTES = 60_000_000


def fingerprint():
    with open("Cargo.lock", "rb") as f:
        lock = f.read()
    with open("Cargo.toml", "rb") as f:
        profiles = tomllib.load(f).get("profile", {})
    release = profiles.get("release", {})
    return {
        "cargo_lock_sha256": hashlib.sha256(lock).hexdigest(),
        "release_profile": release,
    }


def main():
    if sys.argv[1:] == ["cap"]:
        print(CAP_BYTES)
        return 0
    if len(sys.argv) == 3 and sys.argv[1] == "write":
        record = {
            "cap_bytes": CAP_BYTES,
            "size_bytes": int(sys.argv[2]),
            **fingerprint(),
        }
        with open(RECORD, "w") as f:
            json.dump(record, f, indent=2, sort_keys=True)
            f.write("\n")
        print(f"wrote {RECORD}: {record['size_bytes']} bytes")
        return 0
    if len(sys.argv) == 2 and sys.argv[1] == "check":
        try:
            with open(RECORD) as f:
                record = json.load(f)
        except FileNotFoundError:
            print(f"check-release: no {RECORD}; run scripts/check-release.sh and commit it", file=sys.stderr)
            return 1
        now = fingerprint()
        stale = [k for k in now if record.get(k) != now[k]]
        if stale:
            print(
                f"check-release: {RECORD} was measured for another {' and '.join(stale)}; "
                "run scripts/check-release.sh (a release build) and commit the record it writes",
                file=sys.stderr,
            )
            return 1
        if record["size_bytes"] > CAP_BYTES:
            print(f"check-release: the recorded release binary is {record['size_bytes']} bytes, over the cap of {CAP_BYTES}", file=sys.stderr)
            return 1
        print(f"release binary (recorded for this Cargo.lock and profile): {record['size_bytes']} bytes, cap {CAP_BYTES}")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
