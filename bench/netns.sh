#!/usr/bin/env bash
# A real network path for udplab's tests and benchmarks (issue 12): two network namespaces joined
# by a veth pair, the server in one and the client in the other, with GRO on the receiving sides
# so that datagrams sent one by one are really coalesced (loopback never coalesces those).
#
#     bench/netns.sh up NAME          make udplab-NAME-srv and udplab-NAME-cli (a stale pair first
#                                     goes); prints the path
#     bench/netns.sh down NAME        remove both namespaces and their links; idempotent
#     bench/netns.sh exec NAME srv|cli COMMAND [ARG...]
#                                     run COMMAND inside one of them
#
# NAME: 1–8 letters, digits or '-' (the veth ends are ul-NAME-srv and ul-NAME-cli, and Linux
# allows 15 bytes for a link name). Root only. Addresses come from the benchmarking ranges only:
# RFC 2544's 198.18.0.0/15 and the unique-local fd00::/8:
#
#     server  ul-NAME-srv  198.18.0.1/30  fd00::1/126
#     client  ul-NAME-cli  198.18.0.2/30  fd00::2/126
#
# GRO on veth. Since Linux 5.13 `ethtool -K veth gro on` gives a veth end NAPI, so no XDP dummy
# program is needed (the kernel's selftests/net/udpgro.sh attached one before that). Two more
# settings are needed before single datagrams are really coalesced:
#   - rx-udp-gro-forwarding on: veth hands a packet to NAPI/GRO only if the sending end has no TSO
#     or the receiving end has rx-gro-list or rx-udp-gro-forwarding (veth_skb_is_eligible_for_gro);
#     veth has TSO on. With it, a flow whose socket set UDP_GRO is coalesced; any other socket's
#     datagrams still pass one by one and at once.
#   - gro_flush_timeout: a local sender's every datagram is its own NAPI poll (veth_xmit schedules
#     NAPI, which runs when the sender's syscall re-enables softirqs), so GRO never holds two of
#     them. A flush timeout keeps a UDP_GRO flow's packets in GRO until a timer, as a NIC driver's
#     interrupt moderation would: UDPLAB_GRO_FLUSH_NS (default 20000 ns; 0 turns it off, and then
#     almost nothing is coalesced). A lone datagram to a UDP_GRO socket waits that long, and so does
#     every packet the end receives while the timer runs (its NAPI is not rescheduled before).
# UDPLAB_NETNS_GRO=srv sets all this on the server's end only, so the echoes reach the client at
# once (make bench measures the server's receive path so: the client's end does not hold them);
# the default, both, coalesces the echoes too.
# Measured on Linux 6.18, 20 000 datagrams of 64 B from one Python sender to bench/c/echo-gso:
# 20 000 GRO buffers with the timeout 0, 424–562 with 20 µs (docs/BENCHMARKS.md, Issue 12).
set -euo pipefail

usage() {
    echo "usage: bench/netns.sh up|down NAME | exec NAME srv|cli COMMAND [ARG...]" >&2
    exit 64
}

[ $# -ge 2 ] || usage
action=$1
name=$2
shift 2
[[ $name =~ ^[A-Za-z0-9-]{1,8}$ ]] || { echo "netns.sh: NAME must be 1-8 of [A-Za-z0-9-]: '$name'" >&2; exit 64; }
[ "$(id -u)" = 0 ] || { echo "netns.sh: network namespaces need root" >&2; exit 77; }

flush_ns=${UDPLAB_GRO_FLUSH_NS:-20000}
[[ $flush_ns =~ ^[0-9]+$ ]] || { echo "netns.sh: UDPLAB_GRO_FLUSH_NS must be a number of ns" >&2; exit 64; }
gro_sides=${UDPLAB_NETNS_GRO:-both}
case $gro_sides in both | srv) ;; *) echo "netns.sh: UDPLAB_NETNS_GRO must be both or srv: '$gro_sides'" >&2; exit 64 ;; esac

server_ns=udplab-$name-srv
client_ns=udplab-$name-cli
server_link=ul-$name-srv
client_link=ul-$name-cli

namespace_exists() { ip netns list | awk '{print $1}' | grep -qx -- "$1"; }

# Removes both namespaces and their links. A namespace lives as long as a process in it, and its
# links with it: whatever still runs inside is killed first.
down() {
    local ns pids
    for ns in "$server_ns" "$client_ns"; do
        if namespace_exists "$ns"; then
            pids=$(ip netns pids "$ns" 2> /dev/null || true)
            # shellcheck disable=SC2086 # one pid a word
            [ -z "$pids" ] || kill -KILL $pids 2> /dev/null || true
            ip netns del "$ns"
        fi
    done
    # Links left in this namespace by an interrupted `up` (they are made inside the namespaces).
    local link
    for link in "$server_link" "$client_link"; do
        if ip link show dev "$link" > /dev/null 2>&1; then ip link del dev "$link"; fi
    done
}

# Turns GRO on for the veth end LINK in namespace NS, and checks that the kernel took it.
enable_gro() {
    local ns=$1 link=$2
    ip netns exec "$ns" ethtool -K "$link" gro on rx-udp-gro-forwarding on
    ip netns exec "$ns" sh -c "echo $flush_ns > /sys/class/net/$link/gro_flush_timeout"
    if ! ip netns exec "$ns" ethtool -k "$link" | grep -qx 'generic-receive-offload: on'; then
        echo "netns.sh: $link refused GRO (kernel $(uname -r))" >&2
        return 69
    fi
}

up() {
    command -v ethtool > /dev/null || { echo "netns.sh: ethtool is missing (make deps installs it)" >&2; exit 69; }
    down
    # Whatever fails below (set -e), nothing is left behind.
    trap down EXIT
    ip netns add "$server_ns"
    ip netns add "$client_ns"
    ip link add "$server_link" netns "$server_ns" type veth peer name "$client_link" netns "$client_ns"
    ip -n "$server_ns" addr add 198.18.0.1/30 dev "$server_link"
    ip -n "$server_ns" addr add fd00::1/126 dev "$server_link" nodad
    ip -n "$client_ns" addr add 198.18.0.2/30 dev "$client_link"
    ip -n "$client_ns" addr add fd00::2/126 dev "$client_link" nodad
    local ns
    for ns in "$server_ns" "$client_ns"; do ip -n "$ns" link set lo up; done
    ip -n "$server_ns" link set "$server_link" up
    ip -n "$client_ns" link set "$client_link" up
    # The server receives the client's datagrams; the client receives the echoes.
    enable_gro "$server_ns" "$server_link"
    [ "$gro_sides" = srv ] || enable_gro "$client_ns" "$client_link"
    trap - EXIT
    local sides="both ends"
    [ "$gro_sides" = both ] || sides="the server's end"
    echo "netns $name up: $server_ns ($server_link 198.18.0.1 fd00::1) <-> $client_ns ($client_link 198.18.0.2 fd00::2); GRO on $sides, flush timeout $flush_ns ns"
}

case $action in
    up) [ $# -eq 0 ] || usage; up ;;
    down) [ $# -eq 0 ] || usage; down ;;
    exec)
        [ $# -ge 2 ] || usage
        case $1 in srv) ns=$server_ns ;; cli) ns=$client_ns ;; *) usage ;; esac
        shift
        exec ip netns exec "$ns" "$@"
        ;;
    *) usage ;;
esac
