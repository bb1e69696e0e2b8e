# The fast-path runs of `make bench` (issue 12), sourced by bench/run-bench.sh: GRO/GSO and
# SO_REUSEPORT threads against the C references, on two network paths, interleaved with the main
# trials (each trial runs them all once, after the main servers). Uses run-bench.sh's start_server,
# stop_server, record, free_port, cpu_ticks, malloc_count and its variables.
#
# Runs (path · client · servers), every one at saturation, udplabctl bench in window mode:
#   lo-train16   loopback · 16-segment GSO trains, window 128 · C recvfrom, C recvmmsg, C GRO/GSO,
#                mmsg, uring, gso (a train reaches a UDP_GRO socket whole; others get it segmented)
#   lo-trainN    loopback · trains of 1, 4 and 64 · C recvfrom, C GRO/GSO, gso: cost per echo
#                against train length (16 is lo-train16)
#   veth-single  veth between namespaces · single datagrams, window 128 · the six of lo-train16:
#                GRO on the server's end really coalesces them (bench/netns.sh)
#   veth-train16 veth · 16-segment trains · the same six
#   threads      loopback · 64 flows: two udplabctl bench processes of 32 sockets and window 32,
#                one pinned to each CPU (a sender's CPU runs its packets' receive softirq on
#                loopback, which is what --steer cpu steers by), the server unpinned · C recvfrom,
#                mmsg, uring, gso alone and with --threads 2 --steer cpu
# Per run: the server's CPU ticks (all threads) and heap allocation count around the counted window,
# the client's JSON, and for threaded engines each thread's share of received datagrams (from the
# statistics `udplabd run` prints when it stops; they cover the whole run, warm-up included).
# Server CPU is the server process's: softirq work the kernel runs outside it (the veth end's GRO
# under a flush timer, ksoftirqd) is charged to no server, and the report says so.
#
# Records (trial, "fp/RUN/SERVER", kind, value): fp_sat (bench JSON), fp_cpu ("before after
# CLK_TCK"), fp_mallocs ("before after"), fp_shares (received datagrams per thread, space-separated),
# fp_loop (a udplab engine's wakeups and syscalls per datagram over its life, from the statistics
# `udplabd run` prints), fp_status (ok, unavailable: …, crashed: …). bench/fastpath_report.py
# reads them.

fp_netns=fp$$
fp_netns=${fp_netns:0:8}
fp_veth=""       # "up" once the namespaces exist, else why the veth runs are skipped
fp_runs=()

# fastpath_setup: the run list, and the veth pair (kept up for all trials, removed at exit).
fastpath_setup() {
    local train
    fp_runs=()
    fp_add lo-train16 lo "--gso 16 --window 128" pinned c-recvfrom c-recvmmsg c-gso udplab-mmsg udplab-uring udplab-gso
    for train in 1 4 64; do
        fp_add "lo-train$train" lo "--gso $train --window 128" pinned c-recvfrom c-gso udplab-gso
    done
    if [ "$(id -u)" != 0 ]; then
        fp_veth="skipped: network namespaces need root"
    elif ! command -v ethtool > /dev/null || ! command -v ip > /dev/null; then
        fp_veth="skipped: ethtool or ip (iproute2) is missing"
    elif UDPLAB_NETNS_GRO=srv bench/netns.sh up "$fp_netns" >> "$work/logs/netns.log" 2>&1; then
        fp_veth=up
        fp_add veth-single veth "--gso 1 --window 128" pinned c-recvfrom c-recvmmsg c-gso udplab-mmsg udplab-uring udplab-gso
        fp_add veth-train16 veth "--gso 16 --window 128" pinned c-recvfrom c-recvmmsg c-gso udplab-mmsg udplab-uring udplab-gso
    else
        fp_veth="skipped: bench/netns.sh up failed: $(tail -n 1 "$work/logs/netns.log" | tr '\t|' '  ')"
        bench/netns.sh down "$fp_netns" > /dev/null 2>&1 || true
    fi
    [ "$fp_veth" = up ] || log "fast path: veth runs $fp_veth"
    fp_add threads lo "--sockets 32 --window 32" split c-recvfrom udplab-mmsg udplab-mmsg-t2 \
        udplab-uring udplab-uring-t2 udplab-gso udplab-gso-t2
}

fastpath_teardown() {
    [ "$fp_veth" != up ] || bench/netns.sh down "$fp_netns" >> "$work/logs/netns.log" 2>&1 || true
}

# fp_add RUN PATH CLIENT_ARGS PINNING SERVER…: one entry per server, "RUN|PATH|CLIENT|PINNING|SERVER".
fp_add() {
    local run=$1 path=$2 client=$3 pinning=$4 server
    shift 4
    for server in "$@"; do
        [ -z "$only" ] || [ "$server" = c-recvfrom ] || [[ $server =~ $only ]] || [[ $run =~ $only ]] || continue
        fp_runs+=("$run|$path|$client|$pinning|$server")
    done
}

# fp_command SERVER ADDRESS: the server's command line (PORT left for start_server).
fp_command() {
    local server=$1 address=$2 threads=""
    case $server in
        c-recvfrom) echo "$bb/echo-recvfrom $address PORT" ;;
        c-recvmmsg) echo "$bb/echo-mmsg $address PORT 32" ;;
        c-gso) echo "$bb/echo-gso $address PORT" ;;
        udplab-*)
            local backend=${server#udplab-}
            if [[ $backend == *-t2 ]]; then backend=${backend%-t2}; threads=" --threads 2 --steer cpu"; fi
            echo "$bin/udplabd run echo --backend $backend$threads --bind $address:PORT"
            ;;
    esac
}

# fastpath_trial TRIAL: every fast-path run once.
fastpath_trial() {
    local trial=$1 entry run path client pinning server address name port pid failed
    local before after mallocs_before mallocs_after ns_prefix=() client_pin
    for entry in "${fp_runs[@]}"; do
        IFS='|' read -r run path client pinning server <<< "$entry"
        name=fp/$run/$server
        if [ -n "${unavailable[$name]:-}" ]; then continue; fi
        address=127.0.0.1
        ns_prefix=()
        if [ "$path" = veth ]; then address=198.18.0.1; fi
        port=$(free_port)
        [ "$(nproc)" -ge 2 ] || [ "$pinning" != split ] || pinning=pinned
        if [ "$pinning" = pinned ]; then server_pin=("${pin_server[@]}"); client_pin=("${pin_client[@]}"); else server_pin=(); client_pin=(); fi
        if [ "$path" = veth ]; then server_pin=(ip netns exec "udplab-$fp_netns-srv" "${server_pin[@]}"); ns_prefix=(ip netns exec "udplab-$fp_netns-cli"); fi
        server_address=$address
        if ! start_server "fp-$run-$server" "$(fp_command "$server" "$address")" "$port"; then
            server_pin=("${pin_server[@]}"); server_address=127.0.0.1
            if [ "$trial" = 1 ]; then
                unavailable[$name]=1
                record "$trial" "$name" fp_status "unavailable: $start_error"
                log "  $name: unavailable ($start_error)"
            else
                record "$trial" "$name" fp_status "crashed: at start: $start_error"
            fi
            continue
        fi
        server_pin=("${pin_server[@]}"); server_address=127.0.0.1
        pid=$server_pid
        failed=""
        # shellcheck disable=SC2086  # the client arguments are word-split on purpose
        fp_client "$sat_warm" "$address:$port" $client --duration "${sat_warm}s" > /dev/null
        alive "$pid" || failed="during the warm-up"
        if [ -z "$failed" ]; then
            before=$(cpu_ticks "$pid" 2> /dev/null || echo n/a)
            mallocs_before=$(malloc_count "$pid" "$server_mc")
            # shellcheck disable=SC2086
            record "$trial" "$name" fp_sat "$(fp_client "$fp_sat" "$address:$port" $client --duration "${fp_sat}s")"
            after=$(cpu_ticks "$pid" 2> /dev/null || echo n/a)
            mallocs_after=$(malloc_count "$pid" "$server_mc")
            record "$trial" "$name" fp_cpu "$before $after $clk_tck"
            record "$trial" "$name" fp_mallocs "$mallocs_before $mallocs_after"
            alive "$pid" || failed="during saturation"
        fi
        if [ -n "$failed" ]; then
            reap "$pid"
            record "$trial" "$name" fp_status "crashed: $failed (exit status $status)"
            log "  $name: crashed $failed (exit status $status)"
            continue
        fi
        local logfile=$work/logs/fp-$run-$server.log lines
        lines=$(wc -l < "$logfile" 2> /dev/null || echo 0)
        stop_server "$pid"
        if [[ $server == *-t2 ]]; then
            record "$trial" "$name" fp_shares "$(tail -n +$((lines + 1)) "$logfile" | sed -n 's/^ *rx on thread [0-9]*: \([0-9]*\) datagrams.*/\1/p' | tr '\n' ' ')"
        fi
        if [[ $server == udplab-* ]]; then
            # The engine's own loop counters over its life: what a batch held (the profile in numbers).
            record "$trial" "$name" fp_loop "$(tail -n +$((lines + 1)) "$logfile" | sed -n 's/^ *\(wakeups\|syscalls\) [0-9]* (\([0-9.]*\)\/datagram.*/\2/p' | tr '\n' ' ')"
        fi
        record "$trial" "$name" fp_status ok
    done
}

# fp_client SECONDS TARGET ARGS…: the run's client: one udplabctl bench, or (pinning split) one on
# each CPU at once, their JSON lines summed into one (flows, sent, received, lost, echoes/s).
fp_client() {
    if [ "$pinning" != split ]; then fp_bench "$@"; return; fi
    local halves=() pids=() cpu pid
    for cpu in "$cpu_server" "$cpu_client"; do
        halves+=("$work/fp-half.$cpu")
        (client_pin=(taskset -c "$cpu"); fp_bench "$@") > "$work/fp-half.$cpu" &
        pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid" || true; done
    python3 - "${halves[@]}" << 'EOF'
import json, sys
try:
    parts = [json.loads(open(path).read().strip().splitlines()[-1]) for path in sys.argv[1:]]
except (OSError, ValueError, IndexError):
    sys.exit(0)
total = {key: sum(p[key] for p in parts) for key in ("sent", "received", "lost", "echoes_per_second", "flows")}
total["loss_percent"] = 100 * total["lost"] / total["sent"] if total["sent"] else 0
total["clients"] = len(parts)
print(json.dumps(total, sort_keys=True))
EOF
}

# fp_bench SECONDS TARGET ARGS…: udplabctl bench in window mode, one JSON line (or nothing);
# inside the client namespace for the veth path, pinned to the client CPU where the run pins.
fp_bench() {
    local seconds=$1 target=$2
    shift 2
    timeout -k 2 "$(python3 -c "import sys; print(int(float(sys.argv[1]) + 15))" "$seconds")" \
        "${ns_prefix[@]}" "${client_pin[@]}" "$bin/udplabctl" bench --json "$target" --mode window --warmup 0 \
        --payload sockperf "$@" 2>> "$work/logs/udplabctl.log" | tail -n 1 || true
}
