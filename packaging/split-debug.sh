#!/usr/bin/env bash
# Strips installed programs as Debian's dh_strip does, keeping what was stripped apart:
#   packaging/split-debug.sh DEBUGROOT PROGRAM...
# Each PROGRAM loses its symbol table and DWARF (strip --strip-all; the build-id note stays), which
# go to DEBUGROOT/.build-id/XX/REST.debug (XX/REST: the program's build id), with compressed debug
# sections and a .gnu_debuglink from the program to it. DEBUGROOT is $(DESTDIR)/usr/lib/debug in
# make install: where the Swift runtime's backtracer, gdb, addr2line and perf look a build id up.
# So a crash backtrace names functions while the debug file is installed (package udplabd-dbgsym)
# and prints addresses, image base and build id without it (docs/architecture.md, Binary sizes).
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: split-debug.sh DEBUGROOT PROGRAM..." >&2; exit 64; }
root=$1
shift
for program in "$@"; do
    id=$(readelf --notes "$program" | sed -n 's/^ *Build ID: *\([0-9a-f]*\)$/\1/p')
    [ ${#id} -ge 4 ] || { echo "split-debug: $program has no build id (link with --build-id)" >&2; exit 65; }
    debug=$root/.build-id/${id:0:2}/${id:2}.debug
    install -d -m 0755 "$(dirname "$debug")"
    objcopy --only-keep-debug --compress-debug-sections=zlib "$program" "$debug"
    chmod 0644 "$debug"
    strip --strip-all "$program"
    objcopy --add-gnu-debuglink="$debug" "$program"
    echo "split-debug: $program -> $debug"
done
