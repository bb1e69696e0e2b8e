"""The fast-path section of docs/BENCHMARKS.md (issue 12), from bench/fastpath.sh's records.

    import fastpath_report
    lines, raw_rows = fastpath_report.section(records_path, meta, trains_csv_path)

Every figure is the median over the trials of a per-trial ratio to a C reference measured in the
same trial on the same path with the same client (range in brackets), besides the absolute medians.
Writes trains_csv_path: cost per echo against GSO train length (bench/plot.py draws it).
"""

import csv
import json
import statistics
from collections import defaultdict

REF = "c-recvfrom"
GSO_REF = "c-gso"
TRAINS = (1, 4, 16, 64)
LABELS = {"c-recvfrom": "C recvfrom/sendto", "c-recvmmsg": "C recvmmsg/sendmmsg", "c-gso": "C GRO/GSO"}
RUNS = {
    "lo-train16": "Loopback, 16-segment GSO trains",
    "veth-single": "veth between namespaces, single datagrams",
    "veth-train16": "veth between namespaces, 16-segment GSO trains",
    "threads": "Loopback, 64 flows from a client on each CPU: SO_REUSEPORT threads",
}


def label(server):
    if server in LABELS:
        return LABELS[server]
    backend = server[len("udplab-"):]
    if backend.endswith("-t2"):
        return f"udplab {backend[:-3]} --threads 2 --steer cpu"
    return f"udplab {backend}"


def number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


def med(xs):
    return statistics.median(xs) if xs else None


def spread(xs, digits=1, thousands=False):
    if not xs:
        return "–"
    f = (lambda x: f"{x:,.0f}") if thousands else (lambda x: f"{x:.{digits}f}")
    return f(med(xs)) if len(xs) == 1 else f"{f(med(xs))} ({f(min(xs))}–{f(max(xs))})"


def ratio_text(xs):
    if not xs:
        return "–"
    return f"{med(xs):.2f}×" if len(xs) == 1 else f"{med(xs):.2f}× ({min(xs):.2f}–{max(xs):.2f})"


def alloc_text(xs):
    if not xs:
        return "n/a"
    m = med(xs)
    return "0" if m < 0.001 else f"{m:.2f}"


def read(records_path):
    """(run, server) -> trial -> metrics; run -> servers in order; (run, server) -> statuses."""
    data = defaultdict(lambda: defaultdict(dict))
    servers = defaultdict(list)
    status = defaultdict(list)
    for line in open(records_path, encoding="utf-8"):
        trial, name, kind, value = line.rstrip("\n").split("\t", 3)
        if not kind.startswith("fp_"):
            continue
        _, run, server = name.split("/", 2)
        if server not in servers[run]:
            servers[run].append(server)
        d = data[(run, server)][int(trial)]
        fields = value.split()
        if kind == "fp_status":
            status[(run, server)].append((int(trial), value))
        elif kind == "fp_sat":
            try:
                result = json.loads(value)
            except ValueError:
                result = None
            if result and result.get("received"):
                d.update(eps=result["echoes_per_second"], received=result["received"],
                         loss=result["loss_percent"], flows=result.get("flows"))
        elif kind == "fp_cpu" and len(fields) == 3 and all(number(f) is not None for f in fields):
            d["cpu_s"] = (number(fields[1]) - number(fields[0])) / number(fields[2])
        elif kind == "fp_mallocs" and len(fields) == 2 and all(number(f) is not None for f in fields):
            d["mallocs"] = number(fields[1]) - number(fields[0])
        elif kind == "fp_loop" and len(fields) == 2 and all(number(f) is not None for f in fields):
            d["wakeups"], d["syscalls"] = number(fields[0]), number(fields[1])
        elif kind == "fp_shares":
            counts = [number(f) for f in fields if number(f) is not None]
            if counts and sum(counts) > 0:
                d["shares"] = [c / sum(counts) for c in counts]
    for trials in data.values():
        for d in trials.values():
            if d.get("received"):
                if "cpu_s" in d:
                    d["cpu_us"] = d["cpu_s"] * 1e6 / d["received"]
                if "mallocs" in d:
                    d["allocs"] = d["mallocs"] / d["received"]
    return data, servers, status


def section(records_path, meta, trains_csv_path):
    data, servers, status = read(records_path)
    L, rows = [], []
    w = L.append

    def values(run, server, key):
        trials = data.get((run, server), {})
        return [trials[t][key] for t in sorted(trials) if key in trials[t]]

    def ratios(run, server, key, ref_run, ref, ):
        a, b = data.get((run, server), {}), data.get((ref_run, ref), {})
        return [a[t][key] / b[t][key] for t in sorted(a) if key in a[t] and key in b.get(t, {}) and b[t][key]]

    for (run, server), trials in data.items():
        for t, d in sorted(trials.items()):
            for key, metric in (("eps", "echoes_per_s"), ("loss", "loss_percent"), ("cpu_us", "server_cpu_us_per_echo"),
                                ("allocs", "heap_allocations_per_echo"), ("wakeups", "wakeups_per_datagram"),
                                ("syscalls", "syscalls_per_datagram")):
                if key in d:
                    rows.append((t, f"fp/{run}/{server}", metric, d[key]))
            for i, share in enumerate(d.get("shares", [])):
                rows.append((t, f"fp/{run}/{server}", f"thread{i}_share", share))

    w("## Fast path: GRO/GSO trains, a veth path and SO_REUSEPORT threads")
    w("")
    if not servers:
        w("Not run (no fast-path run matched `--only`).")
        w("")
        return L, rows
    veth = meta.get("fp_veth", "")
    w(f"Generated from the same trials: in each trial, after the main servers, every run below once "
      f"(bench/fastpath.sh): warm-up {meta['sat_warm']} s, then a counted {meta['fp_sat']} s window of "
      "`udplabctl bench --mode window --payload sockperf` with the server's CPU time (all threads, "
      "/proc/PID/stat) and heap allocations sampled around it. Ratios are medians of per-trial ratios to "
      "the C reference of the same run (same path, same client, same trial). Server pinned to CPU "
      f"{meta['cpu_server']} and client to CPU {meta['cpu_client']}, except in the threads run (both "
      "unpinned; `--steer cpu` pins each engine thread to its CPU). The veth path: two network namespaces "
      "joined by a veth pair (bench/netns.sh, 198.18.0.1 ↔ 198.18.0.2), GRO on the server's end with "
      f"`gro_flush_timeout` {meta.get('fp_netns_flush_ns', '20000')} ns so that single datagrams are "
      "really coalesced for a UDP_GRO socket" + ("" if veth == "up" else f" — **{veth}**") + ". "
      "Server CPU is the server process's: on veth the receive side's softirq work under the flush timer "
      "runs outside any process and is charged to none of the servers, which flatters every server "
      "there alike; C recvfrom's figure is the baseline all the same.")
    w("")

    # Targets
    targets = []

    def target(text, xs, threshold, at_least):
        if not xs:
            targets.append((text, "not measured", "—"))
            return
        m = med(xs)
        ok = m >= threshold if at_least else m <= threshold
        targets.append((text, ratio_text(xs), f"{'met' if ok else '**missed**'} ({(m / threshold - 1) * 100:+.0f}% vs {threshold:.2f}×)"))

    target("gso, 16-segment trains on loopback: echoes/s ≥ 3× C recvfrom",
           ratios("lo-train16", "udplab-gso", "eps", "lo-train16", REF), 3.0, True)
    target("gso, 16-segment trains on loopback: server CPU per echo ≤ 0.35× C recvfrom",
           ratios("lo-train16", "udplab-gso", "cpu_us", "lo-train16", REF), 0.35, False)
    target("gso, 16-segment trains on loopback: echoes/s ≥ 0.9× C GRO/GSO",
           ratios("lo-train16", "udplab-gso", "eps", "lo-train16", GSO_REF), 0.9, True)
    target("gso over veth, single datagrams: server CPU per echo ≤ 0.7× C recvfrom",
           ratios("veth-single", "udplab-gso", "cpu_us", "veth-single", REF), 0.7, False)
    for server in servers.get("threads", []):
        if not server.endswith("-t2"):
            continue
        single = server[:-3]
        target(f"{server[len('udplab-'):]}: CPU per echo ≤ 1.1× the single-thread engine (64 flows)",
               ratios("threads", server, "cpu_us", "threads", single), 1.1, False)
        worst = [max(abs(s - 0.5) for s in shares) / 0.5 for shares in values("threads", server, "shares")]
        if worst:
            m = med(worst)
            targets.append((f"{server[len('udplab-'):]}: each thread's share within 10% of half (64 flows)",
                            f"farthest from half by {spread([100 * x for x in worst], 0)}% of half",
                            "met" if m <= 0.10 else f"**missed** ({100 * m:.0f}% vs 10%)"))
        else:
            targets.append((f"{server[len('udplab-'):]}: each thread's share within 10% of half", "not measured", "—"))
    for run, server in (("lo-train16", "udplab-gso"), ("veth-single", "udplab-gso"), ("threads", "udplab-mmsg-t2"),
                        ("threads", "udplab-uring-t2"), ("threads", "udplab-gso-t2")):
        xs = values(run, server, "allocs")
        text = f"heap allocations per echo: {label(server)[len('udplab '):]} ({run}) = 0"
        if not xs:
            targets.append((text, "n/a (not counted)", "—"))
        else:
            m = med(xs)
            targets.append((text, alloc_text(xs), "met" if m < 0.001 else f"**missed** (+{m:.2f} per echo)"))
    w("### The fast-path targets")
    w("")
    w("| target | measured | verdict |")
    w("|---|---|---|")
    for text, shown, verdict in targets:
        w(f"| {text} | {shown} | {verdict} |")
    w("")
    w("The ping-pong target (gso's p50 ≤ 1.15× C recvfrom's: a lone datagram does not pay for the batch "
      "machinery) is in the main targets table above: ping-pong sends single datagrams.")
    w("")

    # One table per run
    for run, title in RUNS.items():
        if run not in servers:
            continue
        ref = single_of = None
        w(f"### {title}")
        w("")
        if run == "threads":
            w("Two `udplabctl bench --sockets 32 --window 32` at once, one pinned to each CPU: 64 flows, "
              "and each CPU's softirq receives its own client's datagrams, which is what `--steer cpu` "
              "steers by. The server is not pinned (a `--steer cpu` thread pins itself to its CPU), so "
              "on this 2-core VM each server thread shares its CPU with a client. Ratios of a threaded "
              "engine are to the same backend with one thread in the same trial; thread shares are each "
              "thread's part of the datagrams received over the server's life, warm-up included (median "
              "over the trials of the largest and smallest). Wakeups and syscalls per datagram are the "
              "engine's own counters over its life (`udplabd run`'s statistics): how much one readiness "
              "wakeup and one batch carried.")
            w("")
            w("| server | echoes/s | × C recvfrom | × one thread | CPU µs/echo | CPU × one thread | thread shares | wakeups, syscalls per datagram | allocs/echo |")
            w("|---|---|---|---|---|---|---|---|---|")
        else:
            w("| server | echoes/s | × C recvfrom | × C GRO/GSO | CPU µs/echo | CPU × C recvfrom | wakeups, syscalls per datagram | allocs/echo | loss % |")
            w("|---|---|---|---|---|---|---|---|---|")
        for server in servers[run]:
            eps, cpu = values(run, server, "eps"), values(run, server, "cpu_us")
            if not eps:
                why = "; ".join(sorted({text for _, text in status.get((run, server), []) if text != "ok"})) or "no data"
                w(f"| {label(server)} | {why} | | | | | | | |")
                continue
            wakeups, syscalls = values(run, server, "wakeups"), values(run, server, "syscalls")
            loop = f"{med(wakeups):.2f}, {med(syscalls):.2f}" if wakeups and syscalls else "–"
            if run == "threads":
                single = server[:-3] if server.endswith("-t2") else None
                shares = values(run, server, "shares")
                share_text = (f"{100 * med([max(s) for s in shares]):.1f}% / {100 * med([min(s) for s in shares]):.1f}%"
                              if shares else "–")
                w(f"| {label(server)} | {spread(eps, thousands=True)} | {ratio_text(ratios(run, server, 'eps', run, REF))} | "
                  f"{ratio_text(ratios(run, server, 'eps', run, single)) if single else '–'} | {spread(cpu, 2)} | "
                  f"{ratio_text(ratios(run, server, 'cpu_us', run, single)) if single else '–'} | {share_text} | "
                  f"{loop} | {alloc_text(values(run, server, 'allocs'))} |")
            else:
                w(f"| {label(server)} | {spread(eps, thousands=True)} | {ratio_text(ratios(run, server, 'eps', run, REF))} | "
                  f"{ratio_text(ratios(run, server, 'eps', run, GSO_REF))} | {spread(cpu, 2)} | "
                  f"{ratio_text(ratios(run, server, 'cpu_us', run, REF))} | {loop} | "
                  f"{alloc_text(values(run, server, 'allocs'))} | {spread(values(run, server, 'loss'), 3)} |")
        w("")

    # Cost per echo against train length
    sweep = [s for s in ("c-recvfrom", "c-gso", "udplab-gso") if any(f"lo-train{n}" in servers and s in servers[f"lo-train{n}"] for n in TRAINS)]
    if sweep:
        w("### Cost per echo against GSO train length (loopback)")
        w("")
        w("Server CPU µs per echo, and as a ratio to C recvfrom's with single datagrams (train 1) in the same "
          "trial; echoes/s below. A train is one `sendmsg` with UDP_SEGMENT from the client and, to a UDP_GRO "
          "socket, one receive; a socket without UDP_GRO gets it as single datagrams.")
        w("")
        w("| server | " + " | ".join(f"train {n}" for n in TRAINS) + " |")
        w("|---|" + "---|" * len(TRAINS))
        out = []
        for server in sweep:
            cells, eps_cells = [], []
            for n in TRAINS:
                run = f"lo-train{n}"
                cpu = values(run, server, "cpu_us")
                xs = ratios(run, server, "cpu_us", "lo-train1", REF)
                cells.append(f"{spread(cpu, 2)} µs, {ratio_text(xs)}" if cpu else "–")
                eps = values(run, server, "eps")
                eps_cells.append(spread(eps, thousands=True) + " /s" if eps else "–")
                if cpu:
                    out.append((server, n, med(eps), med(cpu), med(xs) if xs else ""))
            w(f"| {label(server)} CPU | " + " | ".join(cells) + " |")
            w(f"| {label(server)} echoes/s | " + " | ".join(eps_cells) + " |")
        w("")
        with open(trains_csv_path, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(["server", "train", "echoes_per_second", "cpu_us_per_echo", "ratio_to_c"])
            for server, n, eps, cpu, ratio in out:
                writer.writerow([server, n, f"{eps:.0f}", f"{cpu:.4f}", f"{ratio:.4f}" if ratio != "" else ""])

    problems = [(run, server, t, text) for (run, server), items in status.items() for t, text in items if text != "ok"]
    if problems:
        w("Fast-path runs that did not finish: " + "; ".join(f"{run}/{label(server)} trial {t}: {text}"
                                                            for run, server, t, text in problems) + ".")
        w("")
    return L, rows
