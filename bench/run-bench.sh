#!/usr/bin/env bash
# `make bench`: udplab's echo backends against a C reference echo (recvfrom/sendto and
# recvmmsg/sendmmsg), sockperf's server and SwiftNIO's NIOUDPEchoServer, in interleaved trials
# (A B C … A B C …), server pinned to CPU 0 and client to CPU 1, each trial followed by the fast-path
# runs of bench/fastpath.sh (GSO trains, veth between namespaces, --threads 2 --steer cpu), then
# writes docs/BENCHMARKS.md, docs/benchmarks/raw.csv and docs/benchmarks/trains.csv. A benchmark
# program, not a test: it reports, it does not judge.
#
#     bench/run-bench.sh [--quick] [--trials N] [--only REGEX] [--out FILE]
#
#   --quick        one trial, short durations (development; the report says so)
#   --trials N     interleaved trials (default 5)
#   --only REGEX   only servers (or fast-path runs) whose name matches (the C recvfrom reference
#                  is always kept)
#   --out FILE     the report (default docs/BENCHMARKS.md; raw data goes next to it under
#                  benchmarks/raw.csv when FILE is docs/BENCHMARKS.md, else FILE.csv)
#
# Method (see the report's "Method" section): per trial and server, start it pinned, ping-pong
# 64 B and 1400 B, a saturation warm-up, then the measured saturation window with the server's
# CPU time (/proc/PID/stat) and heap allocation count (LD_PRELOAD bench/c/mallocount.c, SIGUSR2)
# sampled just before and just after it; stop it. Servers that cannot start are reported as
# unavailable, servers that die as crashed; neither stops the run.
#
# Profiles (after the trials): every udplab backend with a saturation target that is in the run
# (mmsg, uring, epoll-edge, reactor-edge, nio, nio-async, and gso on 16-segment trains), and C
# recvfrom for comparison, is started
# the same way again, driven at saturation by the same client, and sampled with `perf record -e
# cpu-clock -F 999 -g -p PID` (3 s, 1.5 s with --quick); the flat `perf report` of each, demangled,
# goes into the report's "Profiles" section. Without perf, or when `perf record` fails
# (perf_event_paranoid), the phase is skipped and the report says so.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

trials=5
quick=0
only=""
out=docs/BENCHMARKS.md
while [ $# -gt 0 ]; do
    case "$1" in
        --quick) quick=1; trials=1 ;;
        --trials) trials=$2; shift ;;
        --only) only=$2; shift ;;
        --out) out=$2; shift ;;
        -h | --help) awk 'NR > 1 && !/^#/ {exit} NR > 1 {sub(/^# ?/, ""); print}' "$0"; exit 0 ;;
        *) echo "run-bench: unknown option $1" >&2; exit 64 ;;
    esac
    shift
done
if [ "$out" = docs/BENCHMARKS.md ]; then raw_csv=docs/benchmarks/raw.csv; else raw_csv=$out.csv; fi

# Durations (seconds). The saturation window is always counted in full: the server is warmed
# by a separate saturation run first, so the counted run needs no warm-up of its own.
# fp_sat: the counted window of each fast-path run (bench/fastpath.sh).
if [ "$quick" = 1 ]; then
    sat=1; sat_warm=0.3; pp=0.5; pp_warm=0.2; cclient=1; xrounds=1; xcheck_t=1; calib_rounds=1; prof=1.5; fp_sat=0.8
else
    sat=2; sat_warm=0.5; pp=2; pp_warm=0.3; cclient=2; xrounds=2; xcheck_t=2; calib_rounds=3; prof=3; fp_sat=1.5
fi
prof_freq=999                         # perf record -F: samples per second of server CPU time
budget=${BENCH_BUDGET_SECONDS:-660}   # what the interleaved trials and the profiles may take, builds excluded

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
started_at=$(date +%s)

# ---- Processes: every background process is killed on exit ----------------------------------
# Only servers run in the background, one at a time; clients run in the foreground under timeout.
declare -A live=()
work=$root/.build/bench/work
cleanup() {
    local pid
    for pid in "${!live[@]}"; do kill -KILL "$pid" 2> /dev/null || true; done
    for pid in "${!live[@]}"; do wait "$pid" 2> /dev/null || true; done
    ! declare -F fastpath_teardown > /dev/null || fastpath_teardown
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- Build ------------------------------------------------------------------------------------
command -v sockperf > /dev/null || { echo "run-bench: sockperf is missing (make bench installs it)" >&2; exit 69; }
command -v taskset > /dev/null || { echo "run-bench: taskset (util-linux) is missing" >&2; exit 69; }
log "building udplab (release)"
swift build -c release --product udplabd > /dev/null
swift build -c release --product udplabctl > /dev/null
bin=$(swift build -c release --show-bin-path)
bb=$root/.build/bench
rm -rf "$work"
mkdir -p "$bb" "$work/logs"
mkdir -p "$work/hgrm"  # the 64 B ping-pong runs' `udplabctl bench --hgrm` files, for bench/plot.py
for program in echo-recvfrom echo-mmsg client-window; do
    gcc -O2 -Wall -o "$bb/$program" "bench/c/$program.c"
done
gcc -O2 -Wall -shared -fPIC -o "$bb/mallocount.so" bench/c/mallocount.c -ldl
gcc -O2 -Wall -o "$bb/echo-gso" bench/c/echo-gso.c

# SwiftNIO's example server, from the local package mirror, at the version udplab resolves.
nio_version=$(python3 -c 'import json,sys
try:
    pins = json.load(open("Package.resolved"))["pins"]
    print(next(p["state"]["version"] for p in pins if p["identity"] == "swift-nio"))
except Exception:
    print("2.101.3")')
nio_mirror=${NIO_MIRROR:-/opt/swift-packages/apple/swift-nio.git}
nio_dir=$bb/swift-nio
nio_bin=""
if [ -d "$nio_dir" ] && [ "$(git -C "$nio_dir" describe --tags 2> /dev/null)" != "$nio_version" ]; then rm -rf "$nio_dir"; fi
if [ -d "$nio_dir" ] || git clone -q --branch "$nio_version" "$nio_mirror" "$nio_dir" 2> "$work/logs/nio-clone.log" \
    || git clone -q --branch "$nio_version" https://github.com/apple/swift-nio.git "$nio_dir" 2>> "$work/logs/nio-clone.log"; then
    log "building SwiftNIO $nio_version NIOUDPEchoServer (release)"
    if swift build -c release --package-path "$nio_dir" --product NIOUDPEchoServer > "$work/logs/nio-build.log" 2>&1; then
        nio_bin=$(swift build -c release --package-path "$nio_dir" --show-bin-path)/NIOUDPEchoServer
    else
        log "NIOUDPEchoServer did not build (see $work/logs/nio-build.log): reported as unavailable"
    fi
else
    log "swift-nio $nio_version could not be cloned: NIOUDPEchoServer reported as unavailable"
fi

# ---- Servers ----------------------------------------------------------------------------------
# name|kind|command template (PORT is replaced). udplab backends come from `udplabd run --help`,
# so a backend added to udplabd is benchmarked without touching this script.
# Backend lines are indented; a description wrapped onto a line of its own is not.
backends=$("$bin/udplabd" run --help | awk '/^Backends/ {on = 1; next} on && NF == 0 {exit} on && /^  +[a-z]/ {print $1}')
servers=(
    "c-recvfrom|ref|$bb/echo-recvfrom 127.0.0.1 PORT"
    "c-recvmmsg|ref|$bb/echo-mmsg 127.0.0.1 PORT 32"
    "sockperf-sr|peer|sockperf sr -i 127.0.0.1 -p PORT"
    "NIOUDPEchoServer|peer|${nio_bin:-/nonexistent/NIOUDPEchoServer} 127.0.0.1 PORT"
    "NIOUDPEchoServer-gathering|peer|${nio_bin:-/nonexistent/NIOUDPEchoServer} --enable-gathering-reads 127.0.0.1 PORT"
)
for backend in $backends; do
    servers+=("udplab-$backend|udplab|$bin/udplabd run echo --backend $backend --bind 127.0.0.1:PORT")
done
if [ -n "$only" ]; then
    kept=()
    for entry in "${servers[@]}"; do
        name=${entry%%|*}
        if [ "$name" = c-recvfrom ] || [[ $name =~ $only ]]; then kept+=("$entry"); fi
    done
    servers=("${kept[@]}")
fi

# ---- Profiles: which servers, and can perf record here? ---------------------------------------
# The udplab backends with a saturation target, as far as the run has them, and C recvfrom beside them.
profiled=()
profiled_udplab=0
for entry in "${servers[@]}"; do
    case ${entry%%|*} in
        c-recvfrom) profiled+=("$entry") ;;
        udplab-mmsg | udplab-uring | udplab-epoll-edge | udplab-reactor-edge | udplab-nio | udplab-nio-async | udplab-gso)
            profiled+=("$entry"); profiled_udplab=$((profiled_udplab + 1)) ;;
    esac
done
# No hardware counters on a VM: cpu-clock (a timer) is asked for explicitly. --no-bpf-event saves
# perf ~1 s per run reading every loaded BPF program; an older perf without it runs without it.
perf_opts=(-q -e cpu-clock -F "$prof_freq" -g)
profile_status=ok
perf_version=""
if [ "$profiled_udplab" -eq 0 ]; then
    profile_status="skipped: no udplab backend with a saturation target in this run (--only)"
elif ! command -v perf > /dev/null; then
    profile_status="skipped: perf is not installed (Debian package linux-perf)"
else
    perf_version=$(perf --version 2> /dev/null | head -n 1 || true)
    mkdir -p "$work/profiles"
    if perf record "${perf_opts[@]}" --no-bpf-event -o "$work/profiles/probe.data" -- sleep 0.05 > "$work/logs/perf-probe.log" 2>&1; then
        perf_opts+=(--no-bpf-event)
    elif ! perf record "${perf_opts[@]}" -o "$work/profiles/probe.data" -- sleep 0.05 > "$work/logs/perf-probe-2.log" 2>&1; then
        if grep -q perf_event_paranoid "$work/logs/perf-probe-2.log"; then
            why="not permitted: kernel.perf_event_paranoid is $(cat /proc/sys/kernel/perf_event_paranoid 2> /dev/null || echo unknown); run as root, or lower it"
        else
            why=$(grep -v '^ *$' "$work/logs/perf-probe-2.log" | head -n 2 | tr '\n\t|' '   ' | tr -d '"\\' | cut -c 1-200 || true)
        fi
        profile_status="skipped: perf record fails here: ${why:-no message}"
    fi
fi
# Without root, perf_event_paranoid ≥ 2 lets perf sample user space only (it falls back silently).
perf_kernel=yes
if [ "$(id -u)" != 0 ] && [ "$(cat /proc/sys/kernel/perf_event_paranoid 2> /dev/null || echo 2)" -ge 2 ]; then perf_kernel=no; fi
[ "$profile_status" = ok ] || { profiled=(); log "profiles $profile_status"; }

# Fit the trials and the profiles in the budget. Each profile costs its sampling time, a warm-up
# and ~1.2 s of start, perf and stop; the profiles get at most a fifth of the budget (not below
# 1 s of sampling each), the trials the rest: ping-pong runs shrink (not below 1 s, 0.5 s with
# --quick) when there are many servers; the report states the durations used.
per_profile() { python3 -c "print($prof + $sat_warm + 1.2)"; }
if [ "$(python3 -c "print(int(${#profiled[@]} * $(per_profile) > $budget / 5))")" = 1 ]; then
    prof=$(python3 -c "print(max(1.0, round($budget / 5 / ${#profiled[@]} - $sat_warm - 1.2, 1)))")
fi
prof_estimate=$(python3 -c "print(round(${#profiled[@]} * $(per_profile)))")
trial_budget=$((budget - prof_estimate))
per_server() { python3 -c "print($sat + $sat_warm + 2 * ($pp + $pp_warm) + 1.2)"; }
estimate=$(python3 -c "print(round($trials * ${#servers[@]} * $(per_server) + $trials * ($cclient + 0.3)))")
if [ "$estimate" -gt "$trial_budget" ]; then
    pp=$(python3 -c "
spare = ($trial_budget - $trials * ($cclient + 0.3)) / ($trials * ${#servers[@]}) - ($sat + $sat_warm + 1.2)
print(max(1.0 if $quick == 0 else 0.5, round(spare / 2 - $pp_warm, 1)))")
    estimate=$(python3 -c "print(round($trials * ${#servers[@]} * $(per_server) + $trials * ($cclient + 0.3)))")
fi
log "${#servers[@]} servers × $trials trials; ping-pong ${pp}s, saturation ${sat}s; about ${estimate}s of trials"
[ "${#profiled[@]}" -eq 0 ] || log "then ${#profiled[@]} profiles of ${prof}s each; about ${prof_estimate}s"

# ---- Helpers ----------------------------------------------------------------------------------
cpu_server=0
cpu_client=1
[ "$(nproc)" -ge 2 ] || { cpu_client=0; log "one CPU only: server and client share CPU 0"; }
pin_server=(taskset -c "$cpu_server")
pin_client=(taskset -c "$cpu_client")
clk_tck=$(getconf CLK_TCK)
records=$work/records.tsv
: > "$records"
record() { printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" >> "$records"; }

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
# bound PORT: the server (server_pid) has a socket on server_address:PORT, in its own network
# namespace (the veth runs start it in one).
server_address=127.0.0.1
bound() {
    local hex
    hex=$(printf '%02X' $(echo "$server_address" | tr '.' ' ') | sed 's/\(..\)\(..\)\(..\)\(..\)/\4\3\2\1/')
    grep -q "^ *[0-9]*: $hex:$(printf '%04X' "$1") " "/proc/$server_pid/net/udp" 2> /dev/null
}

# start_server NAME TEMPLATE PORT: sets server_pid and server_mc (the malloc count file, empty
# when the binary cannot be preloaded). Returns 1, the reason in start_error, when the server
# exits or does not bind within 10 s. The command runs under server_pin (the server CPU's taskset
# unless a fast-path run says otherwise).
server_pin=("${pin_server[@]}")
server_pid=""
server_mc=""
start_error=""
start_server() {
    local name=$1 template=$2 port=$3 command program deadline status
    command=${template//PORT/$port}
    program=${command%% *}
    [ -x "$program" ] || program=$(command -v "$program" 2> /dev/null) || { start_error="not found: ${command%% *}"; return 1; }
    server_mc=$work/mallocs.$name
    rm -f "$server_mc"
    local logfile=$work/logs/$name.log
    if ldd "$program" > /dev/null 2>&1 && [ ! -u "$program" ]; then
        # shellcheck disable=SC2086  # the template is word-split on purpose
        MALLOCOUNT_FILE=$server_mc LD_PRELOAD=$bb/mallocount.so "${server_pin[@]}" $command >> "$logfile" 2>&1 &
    else
        server_mc=""
        # shellcheck disable=SC2086
        "${server_pin[@]}" $command >> "$logfile" 2>&1 &
    fi
    server_pid=$!
    live[$server_pid]=1
    deadline=$((SECONDS + 10))
    until bound "$port"; do
        if ! kill -0 "$server_pid" 2> /dev/null; then
            reap "$server_pid"
            start_error="exited with status $status before binding: $(tail -c 300 "$logfile" | tr '\n\t|' '   ')"
            return 1
        fi
        if [ "$SECONDS" -ge "$deadline" ]; then
            start_error="did not bind $server_address:$port within 10 s"
            stop_server "$server_pid"
            return 1
        fi
        sleep 0.02
    done
}

# reap PID: wait for a server that has exited; its exit status in status.
reap() {
    wait "$1" 2> /dev/null && status=0 || status=$?
    unset "live[$1]"
}

stop_server() {
    local pid=$1 i
    kill -TERM "$pid" 2> /dev/null || true
    for i in $(seq 100); do alive "$pid" || break; sleep 0.02; done
    if alive "$pid"; then kill -KILL "$pid" 2> /dev/null || true; fi
    reap "$pid"
}

# alive PID: running, not a zombie (bash may reap an exited child at any moment: then no /proc).
alive() {
    local state
    state=$(sed 's/.*) //' "/proc/$1/stat" 2> /dev/null | cut -d' ' -f1) || true
    [ -n "$state" ] && [ "$state" != Z ] && [ "$state" != X ]
}

# CPU ticks (utime + stime, all threads) of a process.
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }

# The heap allocation count so far (mallocount writes it on SIGUSR2), or n/a.
malloc_count() {
    local pid=$1 file=$2 i
    [ -n "$file" ] || { echo n/a; return; }
    rm -f "$file"
    kill -USR2 "$pid" 2> /dev/null || { echo n/a; return; }
    for i in $(seq 100); do
        if [ -s "$file" ] && [ "$(tail -c 1 "$file" | od -An -c | tr -d ' ')" = '\n' ]; then cat "$file"; return; fi
        sleep 0.01
    done
    echo n/a
}

# bench ARGS…: udplabctl bench pinned to the client CPU, one JSON line (or nothing on failure).
bench() {
    local seconds
    seconds=$(python3 -c "import sys; print(int(float(sys.argv[1]) + float(sys.argv[2]) + 15))" "$1" "$2")
    shift 2
    timeout -k 2 "$seconds" "${pin_client[@]}" "$bin/udplabctl" bench --json "$@" 2>> "$work/logs/udplabctl.log" | tail -n 1 || true
}

c_client() { # PORT SECONDS → "echoes_per_second sent received"
    timeout -k 2 $((${2%.*} + 10)) "${pin_client[@]}" "$bb/client-window" 127.0.0.1 "$1" 32 "$2" 64 2>> "$work/logs/client-window.log" || true
}

# ---- Calibration: can udplabctl bench saturate the C reference? --------------------------------
log "calibration: udplabctl bench window vs the C spinning client on C recvfrom"
port=$(free_port)
if ! start_server c-recvfrom "$bb/echo-recvfrom 127.0.0.1 PORT" "$port"; then
    echo "run-bench: the C reference does not start: $start_error" >&2
    exit 70
fi
calib_pid=$server_pid
for round in $(seq "$calib_rounds"); do
    record 0 c-recvfrom calib_bench "$(bench 1 0.3 127.0.0.1:"$port" --mode window --window 32 --duration 1s --warmup 300ms --payload sockperf)"
    record 0 c-recvfrom calib_c "$(c_client "$port" 1)"
done
stop_server "$calib_pid"
sat_client=$(python3 - "$records" << 'EOF'
import json, statistics, sys
bench, c = [], []
for line in open(sys.argv[1]):
    trial, server, kind, value = line.rstrip("\n").split("\t", 3)
    try:
        if kind == "calib_bench": bench.append(json.loads(value)["echoes_per_second"])
        if kind == "calib_c": c.append(float(value.split()[0]))
    except Exception: pass
print("bench" if bench and c and statistics.median(bench) >= 0.9 * statistics.median(c) else "c")
EOF
)
log "saturation client: $([ "$sat_client" = bench ] && echo "udplabctl bench (≥ 90% of the C client)" || echo "the C client (udplabctl bench reached < 90% of it)")"

# ---- Trials -----------------------------------------------------------------------------------
declare -A unavailable=()
# The fast-path runs (GRO/GSO trains, veth, threads) join every trial after the main servers.
# shellcheck source=bench/fastpath.sh
source bench/fastpath.sh
fastpath_setup
log "and ${#fp_runs[@]} fast-path runs per trial (veth: $fp_veth); about $(python3 -c "print(round($trials * ${#fp_runs[@]} * ($fp_sat + $sat_warm + 1.0)))")s"
stat_start=$(head -n 1 /proc/stat)
loadavg_start=$(cut -d' ' -f1-3 /proc/loadavg)
trials_started=$(date +%s)
for trial in $(seq "$trials"); do
    log "trial $trial/$trials"
    for entry in "${servers[@]}"; do
        IFS='|' read -r name kind template <<< "$entry"
        if [ -n "${unavailable[$name]:-}" ]; then continue; fi
        port=$(free_port)
        if ! start_server "$name" "$template" "$port"; then
            reason=$start_error
            if [ "$trial" = 1 ]; then
                unavailable[$name]=1
                record "$trial" "$name" status "unavailable: $reason"
                log "  $name: unavailable ($reason)"
            else
                record "$trial" "$name" status "crashed: at start: $reason"
                log "  $name: failed to start ($reason)"
            fi
            continue
        fi
        pid=$server_pid
        failed=""
        pp_ticks_before=$(cpu_ticks "$pid" 2> /dev/null || echo n/a)
        pp_started=$(date +%s.%N)
        record "$trial" "$name" pp64 "$(bench "$pp" "$pp_warm" 127.0.0.1:"$port" --mode pingpong --size 64 --duration "${pp}s" --warmup "${pp_warm}s" --payload sockperf --hgrm "$work/hgrm/$name.trial$trial.hgrm")"
        alive "$pid" || failed="during ping-pong 64 B"
        if [ -z "$failed" ]; then
            record "$trial" "$name" pp1400 "$(bench "$pp" "$pp_warm" 127.0.0.1:"$port" --mode pingpong --size 1400 --duration "${pp}s" --warmup "${pp_warm}s" --payload sockperf)"
            alive "$pid" || failed="during ping-pong 1400 B"
            # The server's CPU use while one request is in flight: near 100% means it spins.
            record "$trial" "$name" ppcpu "$pp_ticks_before $(cpu_ticks "$pid" 2> /dev/null || echo n/a) $clk_tck $(python3 -c "import time; print(time.time() - $pp_started)")"
        fi
        if [ -z "$failed" ]; then
            # Warm the server at saturation (queues, buffers), then count one whole window.
            if [ "$sat_client" = bench ] || [ "$name" = sockperf-sr ]; then
                bench "$sat_warm" 0 127.0.0.1:"$port" --mode window --window 32 --duration "${sat_warm}s" --warmup 0 --payload sockperf > /dev/null
            else
                c_client "$port" "$sat_warm" > /dev/null
            fi
            ticks_before=$(cpu_ticks "$pid" 2> /dev/null || echo n/a)
            mallocs_before=$(malloc_count "$pid" "$server_mc")
            if [ "$sat_client" = bench ] || [ "$name" = sockperf-sr ]; then
                # sockperf's server ignores the C client's plain datagrams: bench drives it always.
                record "$trial" "$name" sat "$(bench "$sat" 0 127.0.0.1:"$port" --mode window --window 32 --duration "${sat}s" --warmup 0 --payload sockperf)"
            else
                record "$trial" "$name" sat_c "$(c_client "$port" "$sat")"
            fi
            ticks_after=$(cpu_ticks "$pid" 2> /dev/null || echo n/a)
            mallocs_after=$(malloc_count "$pid" "$server_mc")
            record "$trial" "$name" cpu "$ticks_before $ticks_after $clk_tck"
            record "$trial" "$name" mallocs "$mallocs_before $mallocs_after"
            alive "$pid" || failed="during saturation"
        fi
        if [ -z "$failed" ] && [ "$name" = c-recvfrom ]; then
            # The other client on the same server: bench's saturation vs the C client, every trial.
            if [ "$sat_client" = bench ]; then
                record "$trial" "$name" cclient "$(c_client "$port" "$cclient")"
            else
                record "$trial" "$name" bcheck "$(bench "$cclient" 0 127.0.0.1:"$port" --mode window --window 32 --duration "${cclient}s" --warmup 0 --payload sockperf)"
            fi
            alive "$pid" || failed="during the C client run"
        fi
        if [ -n "$failed" ]; then
            reap "$pid"
            record "$trial" "$name" status "crashed: $failed (exit status $status)"
            log "  $name: crashed $failed (exit status $status)"
        else
            stop_server "$pid"
            record "$trial" "$name" status ok
        fi
    done
    fastpath_trial "$trial"
done
fastpath_teardown
fp_veth_status=$fp_veth
fp_veth=torn-down
trials_seconds=$(($(date +%s) - trials_started))
stat_end=$(head -n 1 /proc/stat)

# ---- Profiles: perf record on each server at saturation ----------------------------------------
# Started as in the trials (pinned, same command, same preload), driven by the trials' saturation
# client in the background; after a warm-up, perf (on the client's CPU) samples the server's threads
# for $prof s. The flat profile (self time by object and symbol, all of it, Swift names demangled)
# goes to $work/profiles/NAME.txt and a `profile` record points report.py at it.
if swift demangle --simplified < /dev/null > /dev/null 2>&1; then demangle=(swift demangle --simplified); else demangle=(cat); fi
profile_record() { # NAME STATUS [CLIENT_OUTPUT]
    record 0 "$1" profile "$(python3 -c 'import json, sys
print(json.dumps({"status": sys.argv[1], "file": sys.argv[2], "seconds": float(sys.argv[3]),
                  "freq": int(sys.argv[4]), "client": sys.argv[5], "client_output": sys.argv[6]}))' \
        "$2" "$work/profiles/$1.txt" "$prof" "$prof_freq" "$sat_client" "${3:-}")"
}
profile_started=$(date +%s)
[ "${#profiled[@]}" -eq 0 ] || log "profiles: perf record, ${prof}s per server at saturation"
for entry in "${profiled[@]}"; do
    IFS='|' read -r name kind template <<< "$entry"
    if [ -n "${unavailable[$name]:-}" ]; then continue; fi
    port=$(free_port)
    if ! start_server "$name" "$template" "$port"; then
        profile_record "$name" "failed: did not start: $start_error"
        log "  $name: not profiled ($start_error)"
        continue
    fi
    pid=$server_pid
    load=$(python3 -c "print(round($sat_warm + $prof + 0.6, 2))")
    client_out=$work/profiles/$name.client
    # gso is profiled on its fast path: 16-segment trains, window 128 (the fast-path runs' client).
    if [ "$name" = udplab-gso ]; then
        timeout -k 2 $((${load%.*} + 10)) "${pin_client[@]}" "$bin/udplabctl" bench --json 127.0.0.1:"$port" --mode window --window 128 \
            --gso 16 --duration "${load}s" --warmup 0 --payload sockperf > "$client_out" 2>> "$work/logs/udplabctl.log" &
    elif [ "$sat_client" = bench ]; then
        timeout -k 2 $((${load%.*} + 10)) "${pin_client[@]}" "$bin/udplabctl" bench --json 127.0.0.1:"$port" --mode window --window 32 \
            --duration "${load}s" --warmup 0 --payload sockperf > "$client_out" 2>> "$work/logs/udplabctl.log" &
    else
        timeout -k 2 $((${load%.*} + 10)) "${pin_client[@]}" "$bb/client-window" 127.0.0.1 "$port" 32 "$load" 64 \
            > "$client_out" 2>> "$work/logs/client-window.log" &
    fi
    client_pid=$!
    live[$client_pid]=1
    sleep "$sat_warm"
    perf_failed=""
    timeout -k 2 $((${prof%.*} + 15)) "${pin_client[@]}" perf record "${perf_opts[@]}" -p "$pid" -o "$work/profiles/$name.data" \
        -- sleep "$prof" >> "$work/logs/perf.log" 2>&1 || perf_failed="perf record exited with status $?"
    wait "$client_pid" 2> /dev/null || true
    unset "live[$client_pid]"
    if alive "$pid"; then stop_server "$pid"; else reap "$pid"; perf_failed="the server died (exit status $status)"; fi
    if [ -z "$perf_failed" ] && ! perf report -i "$work/profiles/$name.data" --no-children --sort dso,sym -g none --stdio -t '|' \
        --percent-limit 0 2>> "$work/logs/perf.log" | "${demangle[@]}" > "$work/profiles/$name.txt"; then
        perf_failed="perf report failed"
    fi
    if [ -n "$perf_failed" ]; then
        profile_record "$name" "failed: $perf_failed (see $work/logs/perf.log)"
        log "  $name: not profiled ($perf_failed)"
    else
        profile_record "$name" ok "$(tail -n 1 "$client_out" 2> /dev/null)"
    fi
done
profile_seconds=$(($(date +%s) - profile_started))
[ "${#profiled[@]}" -eq 0 ] || log "profiles took ${profile_seconds}s"

# ---- Cross-check: sockperf ping-pong next to udplabctl bench on the same servers ---------------
log "cross-check: sockperf pp --full-rtt and udplabctl bench --payload sockperf"
xservers=("sockperf-sr|sockperf sr -i 127.0.0.1 -p PORT"
    "udplab-reactor-edge-sockperf|$bin/udplabd run echo --backend reactor-edge --reply sockperf --bind 127.0.0.1:PORT")
for round in $(seq "$xrounds"); do
    for entry in "${xservers[@]}"; do
        IFS='|' read -r name template <<< "$entry"
        port=$(free_port)
        if ! start_server "x-$name" "$template" "$port"; then
            record "$round" "$name" xstatus "unavailable: $start_error"
            continue
        fi
        pid=$server_pid
        # sockperf's client blocks in recvfrom by default; --nonblocked makes it spin, as bench does.
        for variant in blocking nonblocked; do
            flags=()
            [ "$variant" = blocking ] || flags=(--nonblocked)
            summary=$(timeout -k 2 $((xcheck_t + 20)) "${pin_client[@]}" sockperf pp -i 127.0.0.1 -p "$port" -m 64 -t "$xcheck_t" --full-rtt "${flags[@]}" 2>&1 \
                | sed 's/\x1b\[[0-9;]*m//g' | tee -a "$work/logs/sockperf-pp.log" | awk '
                    /percentile 50.000/ {p50 = $NF} /percentile 99.000/ {p99 = $NF}
                    /Total [0-9]+ observations/ {for (i = 1; i <= NF; i++) if ($i == "Total") n = $(i + 1)}
                    END {printf "%s %s %s", (p50 == "" ? "n/a" : p50), (p99 == "" ? "n/a" : p99), (n == "" ? 0 : n)}') || true
            record "$round" "$name" "xsockperf-$variant" "$summary"
        done
        record "$round" "$name" xbench "$(bench "$xcheck_t" 0.4 127.0.0.1:"$port" --mode pingpong --size 64 --duration "${xcheck_t}s" --warmup 400ms --payload sockperf)"
        if alive "$pid"; then stop_server "$pid"; else record "$round" "$name" xstatus "crashed"; fi
    done
done

# ---- Report -----------------------------------------------------------------------------------
meta=$work/meta.json
python3 - "$meta" << EOF
import json, sys
json.dump({
    "date": "$(date -u '+%Y-%m-%d %H:%M UTC')",
    "kernel": "$(uname -r)",
    "nproc": "$(nproc)",
    "cpu": """$(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')""",
    "swift": """$(swift --version 2>&1 | grep -m1 'Swift version')""",
    "gcc": """$(gcc --version | head -n 1)""",
    "sockperf": """$(sockperf --version 2>&1 | head -n 1 | tr -d '\r')""",
    "nio_version": "$nio_version",
    "nio_built": "$([ -n "$nio_bin" ] && echo yes || echo no)",
    "commit": "$(git rev-parse --short HEAD 2> /dev/null)$(git diff --quiet HEAD -- Sources Package.swift 2> /dev/null || echo ' + uncommitted changes')",
    "trials": $trials, "quick": $quick,
    "sat": $sat, "sat_warm": $sat_warm, "pp": $pp, "pp_warm": $pp_warm, "cclient": $cclient,
    "xrounds": $xrounds, "xcheck_t": $xcheck_t, "calib_rounds": $calib_rounds,
    "sat_client": "$sat_client",
    "cpu_server": $cpu_server, "cpu_client": $cpu_client,
    "stat_start": "$stat_start", "stat_end": "$stat_end",
    "loadavg_start": "$loadavg_start", "loadavg_end": "$(cut -d' ' -f1-3 /proc/loadavg)",
    "trials_seconds": $trials_seconds,
    "profile_status": "$profile_status", "prof": $prof, "prof_warm": $sat_warm, "prof_freq": $prof_freq,
    "profile_seconds": $profile_seconds, "perf": "$perf_version", "perf_kernel": "$perf_kernel",
    "total_seconds": $(($(date +%s) - started_at)),
    "backends": "$(echo $backends)",
    "fp_sat": $fp_sat, "fp_veth": "$fp_veth_status", "fp_netns_flush_ns": "${UDPLAB_GRO_FLUSH_NS:-20000}",
    "rmem_max": "$(cat /proc/sys/net/core/rmem_max)",
    "netdev_max_backlog": "$(cat /proc/sys/net/core/netdev_max_backlog)",
}, open(sys.argv[1], "w"), indent=1)
EOF
mkdir -p "$(dirname "$out")" "$(dirname "$raw_csv")"
python3 bench/report.py "$records" "$meta" "$out" "$raw_csv"

# ---- Plots: bench/plot.py draws raw.csv and the --hgrm files as SVG beside raw.csv ---------------
# With matplotlib from .venv-bench (make bench installs it); without it, it removes the old SVGs.
# The report lists the SVGs that exist, so it is written once more.
plot_python=$root/.venv-bench/bin/python3
[ -x "$plot_python" ] || plot_python=python3
# bench/fastpath_report.py writes trains.csv beside raw.csv (FILE.csv.trains.csv with --out FILE).
trains_csv=$(dirname "$raw_csv")/trains.csv
[ "$(basename "$raw_csv")" = raw.csv ] || trains_csv=$raw_csv.trains.csv
"$plot_python" bench/plot.py "$raw_csv" "$work/hgrm" "$(dirname "$raw_csv")" "$trains_csv" || log "plots: bench/plot.py exited with status $?"
python3 bench/report.py "$records" "$meta" "$out" "$raw_csv" > /dev/null
log "wrote $out and $raw_csv in $(($(date +%s) - started_at)) s"
