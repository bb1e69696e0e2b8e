#!/bin/bash
# Runs inside the container (Tests/System/run.sh) as udplab-systest.service: drives udplabd under a
# real systemd 252 as an administrator would. Each step is one assertion, logged as "ok" or
# "FAIL" to /results/log. The container's exit status is the number of failures.
set -u
results=/results
failures=0
log() { echo "$*" | tee -a "$results/log"; }
check() {
    local what=$1
    shift
    if "$@" >> "$results/detail" 2>&1; then log "ok   $what"; else log "FAIL $what"; failures=$((failures + 1)); fi
}
# Waits up to $1 seconds for the command to succeed.
eventually() {
    local deadline=$((SECONDS + $1))
    shift
    until "$@"; do
        [ $SECONDS -ge $deadline ] && return 1
        sleep 0.1
    done
}
prop() { systemctl show -p "$1" --value udplabd; }
echo_ok() {
    exec 3<> "/dev/udp/127.0.0.1/$1" || return 1
    printf 'ping-%s' "$1" >&3
    local reply=""
    IFS= read -r -t 2 -N 9 reply <&3
    exec 3<&-
    [ "$reply" = "ping-$1" ]
}
journal_has() { journalctl -u udplabd -o json "MESSAGE_ID=$1" | grep -q "$2"; }
engines() { udplabctl list --json; }
config() {
    mkdir -p /etc/udplabd
    cat > /etc/udplabd/udplabd.toml
}

# The checks below run some of these in child shells.
export -f echo_ok journal_has engines prop

ENGINE_STARTED=109d0a16f6aa4e4a90de376f48d5430a
ENGINE_STATS=99047fc947514c23bf49eba56328c2ca
DAEMON_STOPPING=f2a7f3693ab84bb1a59900df8d0883fb
ENGINE_STALLED=e412a5e089b945bd8bcada98bc7d938f

# The first config, Tests/System/udplabd.toml, is in /etc/udplabd before the container boots
# (run.sh): on a first boot systemd's presets enable udplabd, so it may start before this script.
check "the first config is in place" test -s /etc/udplabd/udplabd.toml

# --- Static checks on the installed units.
check "systemd-analyze verify prints nothing" \
    bash -c 'out=$(systemd-analyze verify --man=no /usr/lib/systemd/system/udplabd.service /usr/lib/systemd/system/udplabd.socket 2>&1); echo "$out"; [ -z "$out" ]'
check "systemd-analyze security --threshold=20" systemd-analyze security --threshold=20 udplabd.service

# --- README, "Install as a service", after make install: exactly these commands.
check "systemd-sysusers udplabd.conf creates group udplab" bash -c 'systemd-sysusers udplabd.conf && getent group udplab'
check "systemd-tmpfiles --create udplabd.conf links /run/systemd/report/io.udplab" bash -c \
    'systemd-tmpfiles --create udplabd.conf && [ "$(readlink /run/systemd/report/io.udplab)" = /run/udplabd/io.udplab ]'
check "journalctl --update-catalog" journalctl --update-catalog
check "systemctl daemon-reload" systemctl daemon-reload
check "systemctl enable --now udplabd" systemctl enable --now udplabd

# --- Start: active only after READY (Type=notify): the control socket answers at once.
check "active after start" bash -c '[ "$(systemctl show -p ActiveState --value udplabd)" = active ]'
check "STATUS= from the daemon" bash -c '[ -n "$(systemctl show -p StatusText --value udplabd)" ]'
check "udplabctl status answers right away" udplabctl status
check "the config's engine echoes" echo_ok 2000

# --- Runtime engine, journal fields, stats entry, catalog.
check "udplabctl start echo --backend reactor-edge" udplabctl start echo --name e1 --backend reactor-edge --bind 127.0.0.1:7001
check "its datagrams echo" echo_ok 7001
check "journal: engine-started MESSAGE_ID with UDPLAB_ fields" bash -c "journal_has $ENGINE_STARTED '\"UDPLAB_ENGINE\":\"e1\"' && \
    journalctl -u udplabd -o json MESSAGE_ID=$ENGINE_STARTED | grep '\"UDPLAB_ENGINE\":\"e1\"' | grep '\"UDPLAB_KIND\":\"echo\"' | grep '\"UDPLAB_BACKEND\":\"reactor-edge\"' | grep -q '\"UDPLAB_BIND\":\"127.0.0.1:7001\"'"
# e1's stats entries; on failure, what they and the journal said.
e1_stats() { journalctl -u udplabd -o json "MESSAGE_ID=$ENGINE_STATS" | grep '"UDPLAB_ENGINE":"e1"'; }
e1_counted_one() { e1_stats | grep -q '"UDPLAB_RX_DATAGRAMS":"1"'; }
e1_stats_entry() {
    eventually 10 e1_counted_one && return 0
    e1_stats | tail -3
    journalctl -o short-precise | tail -60
    return 1
}
check "journal: a stats entry after one interval" e1_stats_entry
check "journalctl -x explains the event (catalog)" bash -c "journalctl -x -u udplabd MESSAGE_ID=$ENGINE_STARTED | grep -q 'udplabd(8)'"

# --- Reload through systemctl: reconciled, ReloadResult=success.
config << 'TOML'
[daemon]
stats_interval = "2s"

[[engine]]
name = "echo"
kind = "echo"
backend = "epoll-edge"
bind = "127.0.0.1:2000"

[[engine]]
name = "r2"
kind = "echo"
backend = "poll"
bind = "127.0.0.1:7002"
TOML
check "systemctl reload udplabd" systemctl reload udplabd
check "ReloadResult=success" bash -c '[ "$(systemctl show -p ReloadResult --value udplabd)" = success ]'
check "reload started r2 and restarted echo on epoll-edge" bash -c 'engines | grep -q "\"name\":\"r2\"" && engines | grep -q "\"backend\":\"epoll-edge\""'
check "r2 echoes" echo_ok 7002

# --- Restart: persisted runtime engines come back.
check "systemctl restart udplabd" systemctl restart udplabd
check "e1 is back after restart" bash -c 'engines | grep -q "\"name\":\"e1\""'
check "e1 echoes after restart" echo_ok 7001

# --- kill -9: systemd restarts the service, with its engines.
pid=$(prop MainPID)
check "kill -9 the main pid" kill -9 "$pid"
check "restarted by systemd (new pid, active)" eventually 15 bash -c "[ \"\$(systemctl show -p MainPID --value udplabd)\" != $pid ] && [ \"\$(systemctl show -p ActiveState --value udplabd)\" = active ]"
check "e1 echoes after the crash" eventually 5 echo_ok 7001

# --- Socket activation: only udplabd.socket started; the first udplabctl call starts the service.
check "stop service and socket" systemctl stop udplabd.service udplabd.socket
check "start only udplabd.socket" systemctl start udplabd.socket
check "service is inactive" bash -c '[ "$(systemctl show -p ActiveState --value udplabd)" != active ]'
check "udplabctl status activates the service" udplabctl status
check "service active after activation" eventually 10 bash -c '[ "$(systemctl show -p ActiveState --value udplabd)" = active ]'
check "e1 echoes in the activated daemon" eventually 5 echo_ok 7001

# --- Backend uring: allowed by the shipped unit; with io_uring filtered out it is unavailable,
# with a typed error, while every other engine keeps running and nothing saved is lost.
check "udplabctl start echo --backend uring" udplabctl start echo --name u1 --backend uring --bind 127.0.0.1:7003
check "u1 echoes" echo_ok 7003
check "backends: uring available" bash -c 'udplabctl backends --json | grep -q "\"available\":true,\"kinds\":\[\"echo\",\"relay\"\],\"mirrors\":\"(none: io_uring completions)\""'
mkdir -p /run/systemd/system/udplabd.service.d
printf '[Service]\nSystemCallFilter=~io_uring_setup\n' > /run/systemd/system/udplabd.service.d/no-uring.conf
check "daemon-reload, restart with io_uring_setup filtered out" bash -c 'systemctl daemon-reload && systemctl restart udplabd'
check "start --backend uring: BackendUnavailable, exit 70" bash -c \
    'out=$(udplabctl start echo --name u2 --backend uring --bind 127.0.0.1:7004 2>&1); status=$?; echo "$out"; [ $status = 70 ] && echo "$out" | grep -q "backend uring is not available here: io_uring is disabled"'
check "backends: uring not available" bash -c 'udplabctl backends | grep uring | grep -q "not available here"'
check "e1 still echoes without io_uring" echo_ok 7001
check "u1 is kept (failed to start, not lost)" bash -c 'engines | grep -q "\"name\":\"u1\""'
rm -rf /run/systemd/system/udplabd.service.d
check "daemon-reload, restart with io_uring allowed again" bash -c 'systemctl daemon-reload && systemctl restart udplabd'
check "u1 echoes again" eventually 5 echo_ok 7003

# --- Metrics under the shipped unit's hardening (issue 13): /metrics on loopback, and
# io.systemd.Metrics in the service's /run/udplabd, reached through the tmpfiles.d link at
# /run/systemd/report/io.udplab.
config << 'TOML'
[daemon]
stats_interval = "2s"
metrics_listen = "127.0.0.1:9477"
metrics_socket = "/run/udplabd/io.udplab"

[[engine]]
name = "echo"
kind = "echo"
backend = "epoll-edge"
bind = "127.0.0.1:2000"
TOML
check "daemon-reload, restart with metrics_listen and metrics_socket" bash -c \
    'systemctl daemon-reload && systemctl restart udplabd || { journalctl -u udplabd -n 25 --no-pager -o cat | tee -a /results/log; exit 1; }'
check "the config's engine echoes (metrics on)" echo_ok 2000
metrics() { curl -sf http://127.0.0.1:9477/metrics; }
export -f metrics
check "GET /metrics counts the echo" eventually 5 bash -c 'metrics | grep -q "^udplab_engine_received_datagrams_total{engine=\"echo\",kind=\"echo\",backend=\"epoll-edge\"} [1-9]"'
check "promtool check metrics prints nothing" bash -c 'out=$(metrics | promtool check metrics 2>&1); echo "$out"; [ -z "$out" ]'
check "io.systemd.Metrics.List at /run/systemd/report/io.udplab" bash -c \
    'python3 /systest/varlink-call.py --more /run/systemd/report/io.udplab io.systemd.Metrics.List "{}" | grep -q "io.udplab.Engine.receivedDatagrams"'
config < /systest/udplabd.toml
check "daemon-reload, restart without metrics" bash -c 'systemctl daemon-reload && systemctl restart udplabd'
check "no /metrics once unset" bash -c '! curl -s --max-time 2 http://127.0.0.1:9477/metrics'

# --- Watchdog: a stalled engine loop stops the pings; systemd restarts the service.
mkdir -p /run/systemd/system/udplabd.service.d
printf '[Service]\nWatchdogSec=2s\nEnvironment=UDPLABD_TEST_HOOKS=1\n' > /run/systemd/system/udplabd.service.d/systest.conf
check "daemon-reload with WatchdogSec=2s" systemctl daemon-reload
check "restart with the watchdog on" systemctl restart udplabd
restarts=$(prop NRestarts)
check "watchdog pings while healthy (no restart in 5 s)" bash -c "sleep 5; [ \"\$(systemctl show -p NRestarts --value udplabd)\" = $restarts ]"
check "stall engine e1 (test hook)" python3 /systest/varlink-call.py /run/udplabd.sock io.udplab.Debug.StallEngine '{"name":"e1","seconds":30}'
check "journal: engine-stalled entry" eventually 10 journal_has "$ENGINE_STALLED" '"UDPLAB_ENGINE":"e1"'
check "systemd: watchdog timeout, Result=watchdog" eventually 30 bash -c "journalctl -u udplabd | grep -q 'Watchdog timeout' && journalctl -u udplabd -o json | grep -q '\"UNIT_RESULT\":\"watchdog\"'"
check "restarted after the watchdog" eventually 40 bash -c "[ \"\$(systemctl show -p NRestarts --value udplabd)\" -gt $restarts ] && [ \"\$(systemctl show -p ActiveState --value udplabd)\" = active ]"
rm -rf /run/systemd/system/udplabd.service.d
systemctl daemon-reload

# --- Stop: STOPPING seen, clean exit.
check "systemctl stop udplabd" systemctl stop udplabd.service udplabd.socket
check "journal: daemon-stopping entry" journal_has "$DAEMON_STOPPING" '"MESSAGE":"daemon stopping"'
check "clean exit (Result=success, status 0)" bash -c '[ "$(systemctl show -p Result --value udplabd)" = success ] && [ "$(systemctl show -p ExecMainStatus --value udplabd)" = 0 ]'

journalctl --no-pager -u udplabd -u udplabd.socket > "$results/journal.txt" 2>&1
log "system tests inside the container: $failures failed"
systemctl exit "$failures"
