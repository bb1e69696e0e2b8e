#!/usr/bin/env bash
# udplab system tests: boot a real systemd 252 in systemd-nspawn on this machine's own /usr, with
# `make install DESTDIR=TREE PREFIX=/usr` laid over it, and drive udplabd as an administrator
# would (Tests/System/scenario.sh). Part of `make test`. Needs root and systemd-nspawn; without
# them it says so loudly and skips.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

if [ "$(id -u)" != 0 ] || ! command -v systemd-nspawn > /dev/null; then
    echo "############################################################################"
    echo "## SKIPPED: system tests need root and systemd-nspawn (package"
    echo "## systemd-container); this is $(id -un) and nspawn is $(command -v systemd-nspawn || echo missing)."
    echo "############################################################################"
    exit 0
fi

work=$(mktemp -d /tmp/udplab-systest.XXXXXX)
trap 'rm -rf "$work"' EXIT
tree="$work/tree"
mkdir -p "$work/results" "$work/etc-udplabd"
# The first config is there before boot: systemd's first-boot presets enable udplabd, which may
# then start before the scenario could write it.
cp "$here/udplabd.toml" "$work/etc-udplabd/udplabd.toml"
make -C "$root" --no-print-directory install DESTDIR="$tree" PREFIX=/usr > "$work/install.log" 2>&1 || {
    cat "$work/install.log"
    echo "system tests: make install failed"
    exit 1
}

echo "system tests: booting systemd in a container ..."
status=0
timeout 600 systemd-nspawn -D / --volatile=yes --register=no --keep-unit -q -M udplab-systest \
    --overlay-ro="/usr:$tree/usr:/usr" \
    --bind-ro="$here:/systest" \
    --bind="$work/results:/results" \
    --bind="$work/etc-udplabd:/etc/udplabd" \
    --bind-ro="$here/udplab-systest.service:/run/systemd/system/udplab-systest.service" \
    --boot systemd.firstboot=off systemd.wants=udplab-systest.service \
    > "$work/console.log" 2>&1 || status=$?

cat "$work/results/log" 2>/dev/null || { echo "no results: the scenario did not run"; tail -50 "$work/console.log"; }
passed=$(grep -c '^ok ' "$work/results/log" 2>/dev/null || true)
failed=$(grep -c '^FAIL ' "$work/results/log" 2>/dev/null || true)
if [ "$status" != 0 ] || [ "$failed" != 0 ] || [ "$passed" = 0 ]; then
    echo "--- what the failed steps printed ---"
    tail -80 "$work/results/detail" 2>/dev/null || true
    echo "--- journal of the failed run ---"
    cat "$work/results/journal.txt" 2>/dev/null | tail -150 || true
    echo "system: $passed passed, $failed failed (container exit $status)"
    exit 1
fi
echo "system: $passed passed, 0 failed"
