#!/usr/bin/env bash
# Regenerates the starvation tables in docs/internals.md (between its starvation marker lines)
# from live relay engines: `make starvation`. Arguments go to udplab-starvation (e.g. --quick
# for a short check, --rounds N, --duration SECONDS).
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product udplab-starvation
bin=$(swift build -c release --show-bin-path)
tables=$(mktemp)
trap 'rm -f "$tables"' EXIT
# The program's main thread is the light flow's: real-time (SCHED_FIFO), so that its own
# wake-ups do not wait behind the flood's time slices or a compiler's, and the light flow's
# latency is the loop's. --reset-on-fork: the threads it starts (the engine's loop, the
# flooders) run at normal priority. It sleeps between datagrams, so it takes little CPU.
runner=()
realtime="at normal priority"
if [ "$(id -u)" = 0 ] && command -v chrt > /dev/null; then
    runner=(chrt --fifo --reset-on-fork 10)
    realtime="the light flow's thread real-time (\`chrt --fifo --reset-on-fork 10\`), the loop and flooders at normal priority"
fi
"${runner[@]}" "$bin/udplab-starvation" "$@" > "$tables"
stamp="Measured by \`make starvation\` on $(date -u +%F) on $(nproc) CPUs, Linux $(uname -r), load average $(cut -d' ' -f1 /proc/loadavg) at the end (other builds were running; the rounds spread that noise over every cell), $realtime."
python3 - "$tables" "$stamp" << 'PY'
import sys
tables = open(sys.argv[1]).read().rstrip("\n")
stamp = sys.argv[2]
path = "docs/internals.md"
text = open(path).read()
begin, end = "<!-- starvation:begin -->", "<!-- starvation:end -->"
head, rest = text.split(begin, 1)
_, tail = rest.split(end, 1)
open(path, "w").write(f"{head}{begin}\n{stamp}\n\n{tables}\n{end}{tail}")
PY
echo "updated docs/internals.md"
