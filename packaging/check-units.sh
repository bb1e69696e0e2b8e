#!/usr/bin/env bash
# Static checks of udplabd's systemd files, no running systemd needed:
#   - systemd-analyze verify on udplabd.service and udplabd.socket prints nothing (it only warns
#     about unknown keys or a Type= this systemd lacks, and exits 0, so any output fails);
#   - systemd-analyze security --offline=yes --threshold=20: exposure at most 2.0;
#   - the sysusers.d file parses, and journalctl compiles the catalog with one entry per id.
#
#   packaging/check-units.sh          checks packaging/ (stub binaries, man pages from packaging/man)
#   packaging/check-units.sh TREE     checks an install tree (make install DESTDIR=TREE PREFIX=/usr):
#                                     its units, binaries and gzipped man pages
#
# verify fails when ExecStart='s binary or a Documentation= man page is missing, so the units are
# checked as copies whose /usr/bin paths point at the tree's (or stub) binaries, with MANPATH set.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tree=${1:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

mkdir -p "$work/units" "$work/man/man1" "$work/man/man8" "$work/catalog/usr/lib/systemd/catalog"
if [ -n "$tree" ]; then
    tree=$(cd "$tree" && pwd)
    units=$tree/usr/lib/systemd/system
    bin=$tree/usr/bin
    libexec=$tree/usr/libexec
    cp -r "$tree/usr/share/man/." "$work/man/"
    sysusers=$tree/usr/lib/sysusers.d/udplabd.conf
    cp "$tree/usr/lib/systemd/catalog/udplabd.catalog" "$work/catalog/usr/lib/systemd/catalog/"
else
    units=$here
    bin=$work/bin
    libexec=$work/libexec
    mkdir -p "$bin" "$libexec/udplabd"
    for program in "$bin/udplabd" "$bin/udplabctl" "$libexec/udplabd/swift-backtrace"; do
        printf '#!/bin/sh\nexit 0\n' > "$program"
        chmod 0755 "$program"
    done
    cp "$here/man/udplabd.8" "$work/man/man8/"
    cp "$here/man/udplabctl.1" "$work/man/man1/"
    sysusers=$here/udplabd.sysusers
    cp "$here/udplabd.catalog" "$work/catalog/usr/lib/systemd/catalog/"
fi
for unit in udplabd.service udplabd.socket; do
    [ -f "$units/$unit" ] || {
        echo "FAIL: $units/$unit is missing"
        exit 1
    }
    sed -e "s|/usr/bin/udplab|$bin/udplab|g" -e "s|/usr/libexec/udplabd/|$libexec/udplabd/|g" "$units/$unit" > "$work/units/$unit"
done

echo "== systemd-analyze verify udplabd.service udplabd.socket"
output=$(cd "$work" && MANPATH="$work/man" systemd-analyze verify "$work/units/udplabd.service" "$work/units/udplabd.socket" 2>&1) \
    || fail "systemd-analyze verify exited $?"
if [ -n "$output" ]; then
    echo "$output"
    fail "systemd-analyze verify printed something"
else
    echo "(no output)"
fi

echo "== systemd-analyze security --offline=yes --threshold=20 udplabd.service"
if output=$(systemd-analyze security --offline=yes --threshold=20 "$work/units/udplabd.service" 2>&1); then
    echo "$output" | grep -E '^(✗|→)' || true
else
    echo "$output"
    fail "exposure above 2.0"
fi

echo "== systemd-sysusers --dry-run udplabd.conf"
cp "$sysusers" "$work/udplabd.conf"
if ! output=$(systemd-sysusers --dry-run "$work/udplabd.conf" 2>&1) || echo "$output" | grep -qiE 'ignoring|fail|invalid'; then
    echo "$output"
    fail "sysusers.d file"
else
    echo "${output:-(group udplab exists)}" | head -1
fi

echo "== journalctl --update-catalog"
if ! journalctl --root="$work/catalog" --update-catalog 2>&1; then
    fail "journalctl --update-catalog"
fi
listed=$(journalctl --root="$work/catalog" --list-catalog 2>&1 | grep -c ' udplabd: ' || true)
declared=$(grep -c '^-- [0-9a-f]\{32\}$' "$work/catalog/usr/lib/systemd/catalog/udplabd.catalog" || true)
echo "$listed of $declared catalog entries compiled"
[ "$listed" = "$declared" ] && [ "$declared" -gt 0 ] || fail "the catalog compiled $listed of $declared entries"

if [ "$failures" != 0 ]; then
    echo "check-units: $failures failed"
    exit 1
fi
echo "check-units: all passed"
