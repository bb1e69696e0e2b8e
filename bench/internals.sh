#!/usr/bin/env bash
# Regenerates the measured table in docs/internals.md (between its two marker lines) from live
# engines: `make internals`.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(swift build -c release --show-bin-path)
table=$(mktemp)
trap 'rm -f "$table"' EXIT
"$bin/udplab-internals" 1000 > "$table"
python3 - "$table" << 'PY'
import sys, datetime
table = open(sys.argv[1]).read().rstrip("\n")
path = "docs/internals.md"
text = open(path).read()
begin, end = "<!-- internals:begin -->", "<!-- internals:end -->"
head, rest = text.split(begin, 1)
_, tail = rest.split(end, 1)
stamp = f"Measured by `make internals` on {datetime.date.today()}: 1,000 lone datagrams per engine, each sent once the engine waits again; counters' growth ÷ 1,000."
open(path, "w").write(f"{head}{begin}\n{stamp}\n\n{table}\n{end}{tail}")
PY
echo "updated docs/internals.md"
