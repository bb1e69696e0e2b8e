#!/usr/bin/env bash
# Same-run A/B of two udplab builds: each backend's echo saturation with tree A's udplabd against
# tree B's, in interleaved rounds, one client for both. A benchmark program, not a test: it
# reports, it does not judge.
#
#     bench/ab-trees.sh [options] BIN_A BIN_B
#
#   BIN_A, BIN_B     release bin directories holding udplabd (e.g. TREE/.build/release);
#                    A is "before", B is "after" in the report
#   --client PATH    the udplabctl that drives both (default BIN_B/udplabctl)
#   --backends LIST  space-separated backends (default: the 13 echo backends)
#   --rounds N       interleaved rounds (default 5)
#   --duration S     counted saturation window in seconds (default 2)
#   --warmup S       saturation warm-up before it, not counted (default 0.5)
#   --out FILE       raw results, one TSV line per run (default .build/ab-trees.tsv)
#   --args-a ARGS, --args-b ARGS
#                    more engine options for side A's or B's server (word-split), e.g. the same
#                    build twice with --args-b "--rate-limit 1000000": what an option costs
#
# Method (as bench/run-bench.sh's saturation step): per round and backend, both builds run once,
# in the order A B on odd rounds and B A on even ones (so neither side is always second). Each
# run starts `udplabd run echo --backend B --bind 127.0.0.1:PORT` pinned to CPU 0, waits (≤ 10 s)
# until the port is bound, drives it with `udplabctl bench --mode window --window 32 --payload
# sockperf` pinned to CPU 1 for the warm-up, then for the counted window, and stops the server.
# The summary prints, per backend, the median echoes/s of A and B, B/A of the medians, the range
# of the per-round ratios B/A, in how many rounds B was below A, and the highest loss (% of
# requests sent) of any run. All loops are bounded; only 127.0.0.1 is used.
set -euo pipefail
cd "$(dirname "$0")/.."

backends="select poll epoll-level epoll-edge reactor-level reactor-edge flipflop task task-mpsc mmsg uring nio nio-async"
rounds=5
duration=2
warmup=0.5
out=.build/ab-trees.tsv
client=""
args_a=""
args_b=""
positional=()
while [ $# -gt 0 ]; do
    case "$1" in
        --client) client=$2; shift ;;
        --backends) backends=$2; shift ;;
        --rounds) rounds=$2; shift ;;
        --duration) duration=$2; shift ;;
        --warmup) warmup=$2; shift ;;
        --out) out=$2; shift ;;
        --args-a) args_a=$2; shift ;;
        --args-b) args_b=$2; shift ;;
        -h | --help) awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "$0"; exit 0 ;;
        -*) echo "ab-trees: unknown option $1" >&2; exit 64 ;;
        *) positional+=("$1") ;;
    esac
    shift
done
[ "${#positional[@]}" -eq 2 ] || { echo "ab-trees: give two bin directories (see --help)" >&2; exit 64; }
bin_a=${positional[0]}
bin_b=${positional[1]}
client=${client:-$bin_b/udplabctl}
for program in "$bin_a/udplabd" "$bin_b/udplabd" "$client"; do
    [ -x "$program" ] || { echo "ab-trees: not executable: $program" >&2; exit 66; }
done
command -v taskset > /dev/null || { echo "ab-trees: taskset (util-linux) is missing" >&2; exit 69; }

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
mkdir -p "$(dirname "$out")"
logs=$(dirname "$out")/ab-trees-logs
mkdir -p "$logs"
: > "$out"

server_pid=""
cleanup() { if [ -n "$server_pid" ]; then kill -KILL "$server_pid" 2> /dev/null || true; wait "$server_pid" 2> /dev/null || true; fi; }
trap cleanup EXIT
trap 'exit 130' INT TERM

next_port=$((20000 + RANDOM % 20000))
free_port() {
    local hex
    while :; do
        next_port=$((next_port + 1))
        [ "$next_port" -lt 60000 ] || next_port=20001
        hex=$(printf ':%04X ' "$next_port")
        grep -q "$hex" /proc/net/udp /proc/net/udp6 2> /dev/null || { echo "$next_port"; return; }
    done
}
bound() { grep -q "^ *[0-9]*: 0100007F:$(printf '%04X' "$1") " /proc/net/udp; }

# bench SECONDS PORT: one saturation run pinned to CPU 1, its JSON line (or nothing on failure).
bench() {
    timeout -k 2 "$(python3 -c "print(int(float('$1') + 15))")" taskset -c 1 "$client" bench --json 127.0.0.1:"$2" \
        --mode window --window 32 --duration "$1s" --warmup 0 --payload sockperf 2>> "$logs/udplabctl.log" | tail -n 1 || true
}

# run SIDE BIN BACKEND ROUND: one server start, warm-up, counted window, stop; appends a TSV line.
run() {
    local side=$1 bin=$2 backend=$3 round=$4 port deadline result eps lost extra
    extra=$args_a
    [ "$side" = A ] || extra=$args_b
    port=$(free_port)
    # shellcheck disable=SC2086  # the extra options are word-split on purpose
    taskset -c 0 "$bin/udplabd" run echo --backend "$backend" --bind 127.0.0.1:"$port" $extra >> "$logs/$side-$backend.log" 2>&1 &
    server_pid=$!
    deadline=$((SECONDS + 10))
    until bound "$port"; do
        if ! kill -0 "$server_pid" 2> /dev/null || [ "$SECONDS" -ge "$deadline" ]; then
            printf '%s\t%s\t%s\tn/a\tn/a\n' "$round" "$backend" "$side" >> "$out"
            log "  $side $backend: did not start"
            cleanup; server_pid=""
            return
        fi
        sleep 0.02
    done
    bench "$warmup" "$port" > /dev/null
    result=$(bench "$duration" "$port")
    eps=$(python3 -c 'import json, sys
try: print(json.loads(sys.argv[1])["echoes_per_second"])
except Exception: print("n/a")' "$result")
    lost=$(python3 -c 'import json, sys
try: print(json.loads(sys.argv[1])["loss_percent"])
except Exception: print("n/a")' "$result")
    kill -TERM "$server_pid" 2> /dev/null || true
    local i
    for i in $(seq 100); do kill -0 "$server_pid" 2> /dev/null || break; sleep 0.02; done
    cleanup; server_pid=""
    printf '%s\t%s\t%s\t%s\t%s\n' "$round" "$backend" "$side" "$eps" "$lost" >> "$out"
}

log "A=$bin_a B=$bin_b client=$client; $rounds rounds × $(echo $backends | wc -w) backends; ${warmup}s warm-up + ${duration}s counted"
for round in $(seq "$rounds"); do
    log "round $round/$rounds"
    for backend in $backends; do
        if [ $((round % 2)) = 1 ]; then
            run before "$bin_a" "$backend" "$round"; run after "$bin_b" "$backend" "$round"
        else
            run after "$bin_b" "$backend" "$round"; run before "$bin_a" "$backend" "$round"
        fi
    done
done

python3 - "$out" << 'EOF'
import collections, statistics, sys
eps = collections.defaultdict(dict)
loss = collections.defaultdict(list)
order = []
for line in open(sys.argv[1]):
    rnd, backend, side, value, lost = line.rstrip("\n").split("\t")
    if backend not in order: order.append(backend)
    if value != "n/a": eps[backend].setdefault(side, {})[rnd] = float(value)
    if lost != "n/a": loss[backend].append(float(lost))
print("| backend | before median (echoes/s) | after median (echoes/s) | after/before | per-round ratio range | rounds after < before | max loss % |")
print("|---|---:|---:|---:|---|---:|---:|")
for backend in order:
    a, b = eps[backend].get("before", {}), eps[backend].get("after", {})
    common = sorted(set(a) & set(b), key=int)
    if not common:
        print(f"| {backend} | n/a | n/a | n/a | n/a | 0 | n/a |"); continue
    ma, mb = statistics.median(a[r] for r in common), statistics.median(b[r] for r in common)
    ratios = [b[r] / a[r] for r in common if a[r] > 0]
    rng = f"{min(ratios):.2f}–{max(ratios):.2f}" if ratios else "n/a"
    print(f"| {backend} | {ma:,.0f} | {mb:,.0f} | {mb / ma:.2f} | {rng} | {sum(r < 1 for r in ratios)} of {len(ratios)} | {max(loss[backend], default=float('nan')):.3g} |")
EOF
