#!/usr/bin/env python3
"""Turns bench/run-bench.sh's records into docs/BENCHMARKS.md and a long-format raw CSV.

    report.py RECORDS.tsv META.json OUT.md RAW.csv

RECORDS.tsv lines: trial, server, kind, value (tab-separated; value is one JSON line from
`udplabctl bench --json`, or space-separated numbers). Every udplab figure is given as the median
of per-trial ratios to the C reference measured in the same trial. `profile` records (trial 0) are
JSON naming a flat `perf report -t '|'` listing of that server at saturation (see run-bench.sh).
"""

import csv
import json
import os
import re
import statistics
import sys
from collections import defaultdict

import fastpath_report

records_path, meta_path, out_path, raw_path = sys.argv[1:5]
meta = json.load(open(meta_path))

REF = "c-recvfrom"
REF_MMSG = "c-recvmmsg"
NIO = "NIOUDPEchoServer"

# ---- Parse -------------------------------------------------------------------------------------
rows = []  # (trial, server, metric, value) for raw.csv
per = defaultdict(dict)  # (trial, server) -> metric -> value
status = {}  # (trial, server) -> status text
order = []  # servers in run order
calib_bench, calib_c = [], []
xcheck = defaultdict(lambda: defaultdict(list))  # server -> tool -> [(p50, p99, n)]
xstatus = {}
profiles = {}  # server -> the profile record (JSON), in run order


def number(text):
    try:
        return float(text)
    except (TypeError, ValueError):
        return None


for line in open(records_path, encoding="utf-8"):
    trial, server, kind, value = line.rstrip("\n").split("\t", 3)
    trial = int(trial)
    if kind.startswith("fp_"):  # the fast-path runs: bench/fastpath_report.py
        continue
    if kind == "profile":
        try:
            profiles[server] = json.loads(value)
        except ValueError:
            profiles[server] = {"status": "failed: unreadable profile record"}
        continue
    if kind in ("calib_bench", "xbench", "pp64", "pp1400", "sat", "bcheck"):
        try:
            result = json.loads(value)
        except ValueError:
            result = None
        if kind == "calib_bench":
            if result:
                calib_bench.append(result["echoes_per_second"])
                rows.append((0, server, "calibration_bench_echoes_per_s", result["echoes_per_second"]))
            continue
        if kind == "xbench":
            if result and result.get("received"):
                xcheck[server]["bench"].append((result["rtt_p50_us"], result["rtt_p99_us"], result["received"]))
                rows += [(trial, server, "xcheck_bench_p50_us", result["rtt_p50_us"]),
                         (trial, server, "xcheck_bench_p99_us", result["rtt_p99_us"])]
            continue
        if server not in order:
            order.append(server)
        data = per[(trial, server)]
        if not result or not result.get("received"):
            data[kind + "_failed"] = True
            continue
        if kind == "bcheck":
            data["bcheck_eps"] = result["echoes_per_second"]
            continue
        if kind == "sat":
            data["eps"] = result["echoes_per_second"]
            data["sent"] = result["sent"]
            data["received"] = result["received"]
            data["loss_pct"] = result["loss_percent"]
            data["sat_client"] = "udplabctl bench"
        else:
            data[kind + "_p50"] = result["rtt_p50_us"]
            data[kind + "_p99"] = result["rtt_p99_us"]
            data[kind + "_p999"] = result["rtt_p99_9_us"]
            data[kind + "_lost"] = result["lost"]
        continue
    fields = value.split()
    if kind == "calib_c":
        if fields and number(fields[0]):
            calib_c.append(number(fields[0]))
            rows.append((0, server, "calibration_c_client_echoes_per_s", number(fields[0])))
        continue
    if kind.startswith("xsockperf"):
        tool = "sockperf" + kind[len("xsockperf"):]
        if len(fields) == 3 and number(fields[0]) is not None and number(fields[2]):
            xcheck[server][tool].append((number(fields[0]), number(fields[1]), number(fields[2])))
            rows += [(trial, server, f"xcheck_{tool}_p50_us", number(fields[0])),
                     (trial, server, f"xcheck_{tool}_p99_us", number(fields[1]))]
        else:
            xcheck[server][tool].append(None)
        continue
    if kind == "xstatus":
        xstatus[server] = value
        continue
    if server not in order:
        order.append(server)
    data = per[(trial, server)]
    if kind == "status":
        status[(trial, server)] = value
    elif kind == "sat_c":
        if len(fields) == 3 and number(fields[2]):
            sent, received = number(fields[1]), number(fields[2])
            data.update(eps=number(fields[0]), sent=sent, received=received,
                        loss_pct=100 * (sent - received) / sent if sent else 0, sat_client="C client-window")
    elif kind == "cclient":
        if fields and number(fields[0]):
            data["cclient_eps"] = number(fields[0])
    elif kind == "cpu":
        if len(fields) == 3 and all(number(f) is not None for f in fields):
            data["cpu_seconds"] = (number(fields[1]) - number(fields[0])) / number(fields[2])
    elif kind == "ppcpu":
        if len(fields) == 4 and all(number(f) is not None for f in fields) and number(fields[3]) > 0:
            data["pp_cpu_pct"] = 100 * (number(fields[1]) - number(fields[0])) / number(fields[2]) / number(fields[3])
    elif kind == "mallocs":
        if len(fields) == 2 and all(number(f) is not None for f in fields):
            data["mallocs"] = number(fields[1]) - number(fields[0])

trials = sorted({t for (t, _) in per})
for (trial, server), data in per.items():
    if data.get("received"):
        if "cpu_seconds" in data:
            data["cpu_us"] = data["cpu_seconds"] * 1e6 / data["received"]
        if "mallocs" in data:
            data["allocs"] = data["mallocs"] / data["received"]
    if "cclient_eps" in data and "eps" in data and data.get("sat_client") == "udplabctl bench":
        data["bench_vs_c"] = data["eps"] / data["cclient_eps"]
    if "bcheck_eps" in data and "eps" in data and data.get("sat_client") == "C client-window":
        data["bench_vs_c"] = data["bcheck_eps"] / data["eps"]

METRICS = [  # key, raw.csv name
    ("eps", "echoes_per_s"), ("sent", "sat_sent"), ("received", "sat_received"),
    ("loss_pct", "sat_loss_percent"), ("cpu_us", "server_cpu_us_per_echo"),
    ("allocs", "heap_allocations_per_echo"),
    ("pp64_p50", "pingpong64_p50_us"), ("pp64_p99", "pingpong64_p99_us"), ("pp64_p999", "pingpong64_p99_9_us"),
    ("pp64_lost", "pingpong64_lost"),
    ("pp1400_p50", "pingpong1400_p50_us"), ("pp1400_p99", "pingpong1400_p99_us"),
    ("pp1400_p999", "pingpong1400_p99_9_us"), ("pp1400_lost", "pingpong1400_lost"),
    ("pp_cpu_pct", "server_cpu_percent_in_pingpong"), ("cclient_eps", "c_client_echoes_per_s"), ("bcheck_eps", "bench_check_echoes_per_s"),
    ("bench_vs_c", "bench_over_c_client"),
]


# ---- Profiles ------------------------------------------------------------------------------------
KERNEL = "[kernel.kallsyms]"


def read_profile(record):
    """A flat `perf report --no-children --sort dso,sym -g none -t '|'` listing → the entries
    (percent, object, symbol, kernel?), its CPU seconds (cpu-clock counts nanoseconds) and samples."""
    entries, cpu_seconds, samples = [], None, None
    try:
        text = open(record["file"], encoding="utf-8", errors="replace").read()
    except OSError as error:
        return {"error": f"no perf report ({error.strerror})"}
    for line in text.splitlines():
        if line.startswith("#"):
            m = re.match(r"# Event count \(approx\.\): (\d+)", line)
            if m:
                cpu_seconds = int(m.group(1)) / 1e9
            m = re.match(r"# Samples: (\d+)([KMG]?)\b", line)
            if m:
                samples = int(m.group(1)) * {"": 1, "K": 1000, "M": 10 ** 6, "G": 10 ** 9}[m.group(2)]
            continue
        parts = line.split("|", 2)
        if len(parts) != 3 or not parts[0].strip().endswith("%"):
            continue
        percent = number(parts[0].strip().rstrip("%"))
        dso, symbol = parts[1].strip(), parts[2].strip()
        kernel = dso == KERNEL or symbol.startswith("[k] ")
        symbol = re.sub(r"^\[[a-zA-Z.]\] ", "", symbol)
        if percent is not None:
            entries.append((percent, dso, symbol, kernel))
    if cpu_seconds is not None:  # the event count is exact; the header's sample count is rounded (3K)
        samples = round(cpu_seconds * record.get("freq", 999))
    if not entries or not samples:
        return {"error": "no samples (the server did not run while perf watched it)"}
    kernel = sum(e[0] for e in entries if e[3])
    by_object = defaultdict(float)
    for percent, dso, _, is_kernel in entries:
        if not is_kernel:
            by_object[dso] += percent
    seconds = record.get("seconds") or 0
    result = {"entries": entries, "samples": samples, "kernel_pct": kernel,
              "user_pct": sum(e[0] for e in entries) - kernel,
              "cpu_seconds": cpu_seconds if cpu_seconds is not None else samples / record.get("freq", 999),
              "by_object": sorted(by_object.items(), key=lambda kv: -kv[1])}
    result["cpu_share"] = result["cpu_seconds"] / seconds if seconds else None
    # Echoes while perf watched: the client's rate (over warm-up and profile) × the profile's length.
    eps = None
    output = record.get("client_output", "")
    try:
        eps = json.loads(output)["echoes_per_second"] if output.startswith("{") else number(output.split()[0])
    except (ValueError, KeyError, IndexError):
        eps = None
    if eps and seconds:
        per_echo = result["cpu_seconds"] / (eps * seconds) * 1e6
        result.update(eps=eps, us_per_echo=per_echo, kernel_us=per_echo * kernel / 100,
                      user_us=per_echo * result["user_pct"] / 100)
    return result


profile_data = {s: read_profile(r) for s, r in profiles.items() if r.get("status") == "ok"}
for server, p in profile_data.items():
    if "error" in p:
        continue
    rows += [(0, server, "profile_samples", p["samples"]),
             (0, server, "profile_kernel_percent", round(p["kernel_pct"], 2)),
             (0, server, "profile_user_percent", round(p["user_pct"], 2))]
    if "us_per_echo" in p:
        rows += [(0, server, "profile_echoes_per_s", round(p["eps"], 1)),
                 (0, server, "profile_kernel_us_per_echo", round(p["kernel_us"], 4)),
                 (0, server, "profile_user_us_per_echo", round(p["user_us"], 4))]

for (trial, server) in sorted(per, key=lambda k: (k[0], order.index(k[1]))):
    data = per[(trial, server)]
    rows.append((trial, server, "status", status.get((trial, server), "?")))
    if "sat_client" in data:
        rows.append((trial, server, "saturation_client", data["sat_client"]))
    for key, name in METRICS:
        if key in data:
            rows.append((trial, server, name, round(data[key], 6) if isinstance(data[key], float) else data[key]))

# The fast-path runs (issue 12): their own targets and tables, written below after the main targets.
trains_csv = (os.path.join(os.path.dirname(raw_path), "trains.csv") if os.path.basename(raw_path) == "raw.csv"
              else raw_path + ".trains.csv")
fp_lines, fp_rows = fastpath_report.section(records_path, meta, trains_csv)
rows += [(t, server, name, round(v, 6) if isinstance(v, float) else v) for t, server, name, v in fp_rows]

with open(raw_path, "w", newline="") as handle:
    writer = csv.writer(handle)
    writer.writerow(["trial", "server", "metric", "value"])
    writer.writerows(rows)


# ---- Statistics ----------------------------------------------------------------------------------
def values(server, key):
    return [per[(t, server)][key] for t in trials if key in per.get((t, server), {})]


def ratios(server, key, ref):
    out = []
    for t in trials:
        a, b = per.get((t, server), {}), per.get((t, ref), {})
        if key in a and b.get(key):
            out.append(a[key] / b[key])
    return out


def med(xs):
    return statistics.median(xs) if xs else None


def fmt(x, digits=1, thousands=False):
    if x is None:
        return "–"
    if thousands:
        return f"{x:,.0f}"
    return f"{x:.{digits}f}"


def spread(xs, digits=1, thousands=False):
    if not xs:
        return "–"
    if len(xs) == 1:
        return fmt(xs[0], digits, thousands)
    return f"{fmt(med(xs), digits, thousands)} ({fmt(min(xs), digits, thousands)}–{fmt(max(xs), digits, thousands)})"


def ratio_text(xs):
    if not xs:
        return "–"
    if len(xs) == 1:
        return f"{xs[0]:.2f}×"
    return f"{med(xs):.2f}× ({min(xs):.2f}–{max(xs):.2f})"


def alloc_fmt(x):
    if x is None:
        return "–"
    if x == 0:
        return "0"
    if abs(x) < 0.01:
        return f"{x:.4f}"
    return f"{x:.2f}"


def alloc_spread(xs):
    if not xs:
        return "n/a"
    if len(xs) == 1:
        return alloc_fmt(xs[0])
    return f"{alloc_fmt(med(xs))} ({alloc_fmt(min(xs))}–{alloc_fmt(max(xs))})"


def available(server):
    return any(per.get((t, server), {}).get("eps") or per.get((t, server), {}).get("pp64_p50") for t in trials)


unavailable = {s: status[(t, s)] for (t, s) in status if status[(t, s)].startswith("unavailable")}
crashed = [(t, s, v) for (t, s), v in sorted(status.items()) if v.startswith("crashed")]
measured = [s for s in order if available(s)]
udplab = [s for s in measured if s.startswith("udplab-")]
peers = [s for s in measured if not s.startswith("udplab-")]


def label(server):
    return {"c-recvfrom": "C recvfrom/sendto", "c-recvmmsg": "C recvmmsg/sendmmsg (32)",
            "sockperf-sr": "sockperf sr", NIO: "NIOUDPEchoServer",
            NIO + "-gathering": "NIOUDPEchoServer --enable-gathering-reads"}.get(
        server, f"udplab {server[len('udplab-'):]}" if server.startswith("udplab-") else server)


# ---- Targets -------------------------------------------------------------------------------------
OTHER_EXEMPT = {"mmsg", "uring", "epoll-edge", "reactor-edge", "nio", "nio-async"}
targets = []  # (text, measured text, verdict)
target_verdicts = defaultdict(list)  # "udplab-X" -> [(target text, verdict)]


BUILT = set(meta["backends"].split())


def absent(name):
    backend = name[len("udplab-"):]
    if name in unavailable:
        return "not measured: " + unavailable[name]
    if backend in BUILT:
        return "not measured: left out of this run (--only)"
    return "not measured: no such backend in this build yet"


def at_least(server, key, ref, threshold, text):
    name = "udplab-" + server
    if name not in measured:
        targets.append((text, absent(name), "—"))
        return
    if ref not in measured:
        targets.append((text, f"not measured: {label(ref)} unavailable", "—"))
        return
    xs = ratios(name, key, ref)
    if not xs:
        targets.append((text, "no data", "—"))
        return
    m = med(xs)
    verdict = "met" if m >= threshold else "**missed**"
    by = (m / threshold - 1) * 100
    targets.append((text, f"{ratio_text(xs)}", f"{verdict} ({by:+.0f}% vs {threshold:.2f}×)"))
    target_verdicts[name].append((text, targets[-1][2]))


def at_most(server, key, ref, threshold, text):
    name = "udplab-" + server
    if name not in measured or ref not in measured:
        targets.append((text, absent(name) if name not in measured else f"not measured: {label(ref)} unavailable", "—"))
        return
    xs = ratios(name, key, ref)
    if not xs:
        targets.append((text, "no data", "—"))
        return
    m = med(xs)
    verdict = "met" if m <= threshold else "**missed**"
    by = (m / threshold - 1) * 100
    targets.append((text, ratio_text(xs), f"{verdict} ({by:+.0f}% vs {threshold:.2f}×)"))
    target_verdicts[name].append((text, targets[-1][2]))


def allocs_at_most(server, limit, text, ref=None):
    name = "udplab-" + server
    if name not in measured:
        targets.append((text, absent(name), "—"))
        return
    xs = values(name, "allocs")
    if not xs:
        targets.append((text, "n/a (not counted)", "—"))
        return
    if ref is not None:
        refs = values(ref, "allocs")
        if not refs:
            targets.append((text, alloc_spread(xs) + f"; {label(ref)} not counted", "—"))
            return
        limit = med(refs)
        shown = f"{alloc_spread(xs)} vs {alloc_spread(refs)}"
    else:
        shown = alloc_spread(xs)
    m = med(xs)
    # "0" means no allocation per echo in steady state: fewer than 1 per 1,000 echoes (a periodic
    # timer or a log line in the window is not per-echo work).
    ok = m < 0.001 if limit == 0 else m <= limit + 0.001
    targets.append((text, shown, "met" if ok else f"**missed** (+{m - limit:.2f} per echo)"))
    target_verdicts[name].append((text, targets[-1][2]))


at_least("mmsg", "eps", REF, 1.0, "saturation: mmsg ≥ 1.0× C recvfrom")
at_least("mmsg", "eps", REF_MMSG, 0.9, "saturation: mmsg ≥ 0.9× C recvmmsg")
at_least("uring", "eps", REF_MMSG, 0.9, "saturation: uring ≥ 0.9× C recvmmsg")
at_least("epoll-edge", "eps", REF, 0.85, "saturation: epoll-edge ≥ 0.85× C recvfrom")
at_least("reactor-edge", "eps", REF, 0.85, "saturation: reactor-edge ≥ 0.85× C recvfrom")
at_least("nio", "eps", NIO, 1.0, "saturation: nio ≥ 1.0× NIOUDPEchoServer")
at_least("nio-async", "eps", NIO, 0.8, "saturation: nio-async ≥ 0.8× NIOUDPEchoServer")
for server in udplab:
    backend = server[len("udplab-"):]
    if backend not in OTHER_EXEMPT:
        at_least(backend, "eps", REF, 0.5, f"saturation: {backend} ≥ 0.5× C recvfrom")
for backend in ("epoll-edge", "reactor-edge", "mmsg", "gso"):
    at_most(backend, "pp64_p50", REF, 1.15, f"ping-pong p50 64 B: {backend} ≤ 1.15× C recvfrom")
for backend in ("select", "poll", "epoll-level", "epoll-edge", "reactor-level", "reactor-edge", "flipflop",
                "mmsg", "uring", "gso"):
    allocs_at_most(backend, 0, f"allocations per echo: {backend} = 0")
for backend in ("task", "task-mpsc"):
    allocs_at_most(backend, 2, f"allocations per echo: {backend} ≤ 2")
allocs_at_most("nio", None, "allocations per echo: nio ≤ NIOUDPEchoServer", ref=NIO)

bench_vs_c = values(REF, "bench_vs_c")
calib = (med(calib_bench) / med(calib_c)) if calib_bench and calib_c else None
if meta["sat_client"] == "bench":
    if bench_vs_c:
        m = med(bench_vs_c)
        targets.append(("`udplabctl bench` window drives C recvfrom to ≥ 90% of the C spinning client",
                        ratio_text(bench_vs_c).replace("×", ""),
                        ("met" if m >= 0.9 else "**missed**") + f" ({(m / 0.9 - 1) * 100:+.0f}% vs 0.90)"))
else:
    shown = (f"{calib:.2f} in the calibration" if calib else "no calibration data")
    if bench_vs_c:
        shown += f"; {ratio_text(bench_vs_c).replace('×', '')} in the trials"
    m = med(bench_vs_c) if bench_vs_c else calib
    by = f" ({(m / 0.9 - 1) * 100:+.0f}% vs 0.90)" if m else ""
    targets.append(("`udplabctl bench` window drives C recvfrom to ≥ 90% of the C spinning client", shown,
                    f"**missed**{by}: saturation was measured with the C client instead"))

# ---- Machine -------------------------------------------------------------------------------------
def cpu_fields(line):
    return [int(x) for x in line.split()[1:]]


start, end = cpu_fields(meta["stat_start"]), cpu_fields(meta["stat_end"])
delta = [b - a for a, b in zip(start, end)]
total = sum(delta[:8]) or 1
steal_pct = 100 * delta[7] / total if len(delta) > 7 else 0
busy_pct = 100 * (total - delta[3] - delta[4]) / total

# ---- Write ---------------------------------------------------------------------------------------
L = []
w = L.append
quick_note = (" **This is a `--quick` development run (one trial, short durations): its figures are"
              " indicative only.**" if meta["quick"] else "")
w("# Benchmarks: udplab's echo backends against C, sockperf and SwiftNIO")
w("")
w(f"Generated by `make bench` (bench/run-bench.sh, bench/report.py) on {meta['date']} from one run of "
  f"{meta['trials']} interleaved trial{'s' if meta['trials'] != 1 else ''}; do not edit by hand.{quick_note} "
  "On this 2-core VM absolute figures move by up to 2× between runs, so every udplab figure is also given "
  "as a ratio to the C reference measured in the same trial (the median of the per-trial ratios, with "
  "their range). Raw per-trial numbers: [benchmarks/raw.csv](benchmarks/raw.csv).")
w("")

# Headline
w("## Headline: udplab as a multiple of the C reference (same run)")
w("")
w("Medians of per-trial ratios to C recvfrom/sendto. Saturation: higher is better; RTT and CPU: lower "
  "is better. Allocations are absolute (the C servers allocate nothing).")
w("")
w("| server | saturation echoes/s | ping-pong p50 64 B | ping-pong p50 1400 B | server CPU per echo | heap allocations per echo |")
w("|---|---|---|---|---|---|")
for s in measured:
    if s == REF:
        continue
    w(f"| {label(s)} | {ratio_text(ratios(s, 'eps', REF))} | {ratio_text(ratios(s, 'pp64_p50', REF))} | "
      f"{ratio_text(ratios(s, 'pp1400_p50', REF))} | {ratio_text(ratios(s, 'cpu_us', REF))} | "
      f"{alloc_fmt(med(values(s, 'allocs'))) if values(s, 'allocs') else 'n/a'} |")
w("")
w(f"C recvfrom itself, for scale: {spread(values(REF, 'eps'), thousands=True)} echoes/s, ping-pong p50 "
  f"{spread(values(REF, 'pp64_p50'))} µs (64 B), {spread(values(REF, 'cpu_us'), 2)} µs of server CPU per echo.")
w("")

# Plots: the SVGs bench/plot.py drew beside raw.csv (run-bench.sh runs it after this, then this again).
import os  # noqa: E402
from plot import PLOTS  # noqa: E402  (bench/plot.py's list of plots; matplotlib is not imported)
plot_dir = os.path.dirname(os.path.abspath(raw_path))
w("## Plots")
w("")
w("Drawn by `bench/plot.py` (matplotlib) from this run: a bar is the median of the per-trial ratios to C "
  "recvfrom (whiskers: their range); an RTT curve is the pointwise median of a server's trials' `udplabctl "
  "bench --hgrm` files (µs; any HdrHistogram plotter reads them).")
w("")
for name, title, source in PLOTS:
    svg = os.path.join(plot_dir, name)
    if os.path.exists(svg):
        w(f"![{title}]({os.path.relpath(svg, os.path.dirname(os.path.abspath(out_path)))})")
    else:
        w(f"- {title}: not drawn in this run (it needs {source}).")
    w("")

# Targets
w("## The issue's targets")
w("")
w("Same-run medians of per-trial ratios (range in brackets); \"by how much\" is the median against the "
  "target. Where a target is missed, [Profiles](#profiles) shows where that server's CPU time goes at "
  "saturation, next to C recvfrom's.")
w("")
w("| target | measured | verdict |")
w("|---|---|---|")
for text, shown, verdict in targets:
    w(f"| {text} | {shown} | {verdict} |")
w("")


L += fp_lines


# Profiles
def cell(text, limit=90):
    text = text if len(text) <= limit else text[:limit - 1] + "…"
    return text.replace("|", "\\|")


def where(entry):
    percent, dso, symbol, kernel = entry
    return f"[k] `{cell(symbol)}`" if kernel else f"`{cell(symbol)}` ({cell(dso, 40)})"


def pct(x):
    return f"{x:.1f}%"


def split_text(p):
    text = f"kernel {pct(p['kernel_pct'])} / user space {pct(p['user_pct'])} of {p['samples']:,} samples"
    if p.get("cpu_share") is not None:
        text += f" ({p['cpu_share']:.2f} of a CPU"
        if "us_per_echo" in p:
            text += (f"; {p['kernel_us']:.2f} µs kernel + {p['user_us']:.2f} µs user per echo at "
                     f"{p['eps']:,.0f} echoes/s")
        text += ")"
    return text


# What the user-space symbols that top these profiles are, for the readings: (substrings of the
# symbol, text).
SYMBOL_NOTES = [
    (("__vfprintf_internal",), "`__vfprintf_internal` is glibc's printf engine: NIO turns every datagram's "
     "source address into text (`inet_ntop`, which calls `sprintf`) as it builds the envelope's `SocketAddress`"),
    (("_reuseExistingBuffer",), "`_reuseExistingBuffer` is NIO's receive-buffer pool looking, on every read, "
     "for a buffer nothing references any more"),
    (("swift_retain", "swift_release"), "`swift_retain`/`swift_release` are Swift reference counting of the "
     "objects handed along per datagram"),
    (("AccessSet", "swift_beginAccess", "swift_endAccess"), "`AccessSet`, `swift_beginAccess`/`swift_endAccess` "
     "are Swift's run-time exclusivity checks on class properties"),
    (("__tls_get_addr",), "`__tls_get_addr` looks up a shared library's thread-local variables"),
    (("clock_gettime",), "`clock_gettime` reads the monotonic clock for the residence times"),
]


def reading(server):
    p = profile_data[server]
    ref = profile_data.get(REF)
    parts = [split_text(p)]
    if ref and "error" not in ref and server != REF:
        parts[0] += f", vs {split_text(ref)} for C recvfrom"
        if "us_per_echo" in p and "us_per_echo" in ref:
            dk, du = p["kernel_us"] - ref["kernel_us"], p["user_us"] - ref["user_us"]
            if dk + du > 0:
                most = "user space" if du >= dk else "the kernel"
                parts.append(f"per echo it spends {dk + du:.2f} µs more CPU than C recvfrom ({dk:+.2f} µs "
                             f"kernel, {du:+.2f} µs user): most of the extra is in {most}")
            else:
                parts.append(f"per echo it spends no more CPU than C recvfrom ({dk:+.2f} µs kernel, "
                             f"{du:+.2f} µs user)")
    if p.get("cpu_share") is not None and p["cpu_share"] < 0.9:
        also = (f" (C recvfrom {100 * ref['cpu_share']:.0f}%)"
                if server != REF and ref and "error" not in ref and ref.get("cpu_share") is not None else "")
        parts.append(f"it was on its CPU only {100 * p['cpu_share']:.0f}% of the time{also}: the rest it was "
                     f"blocked waiting for datagrams, or runnable behind other work on CPU {meta['cpu_server']}")
    objects = [f"{cell(o, 40)} {pct(x)}" for o, x in p["by_object"] if x >= 0.5][:5]
    if objects:
        parts.append("user space by object: " + ", ".join(objects))
    user = [e for e in p["entries"] if not e[3]][:5]
    if user:
        parts.append("top user symbols: " + ", ".join(f"`{cell(e[2], 70)}` {pct(e[0])}" for e in user))
        notes = []
        for _, _, symbol, _ in user:
            note = next((text for keys, text in SYMBOL_NOTES if any(key in symbol for key in keys)), None)
            if note and note not in notes:
                notes.append(note)
        if notes:
            parts.append("what those are: " + "; ".join(notes))
    kernel = [e for e in p["entries"] if e[3]][:3]
    if kernel:
        parts.append("top kernel symbols: " + ", ".join(f"`{cell(e[2], 50)}` {pct(e[0])}" for e in kernel))
    return "; ".join(parts) + "."


TOP = 15
# gso is profiled on its fast path (run-bench.sh): its profile is of 16-segment trains.
GSO_PROFILE_NOTE = " (16-segment GSO trains, window 128)"


def profile_table(server):
    p = profile_data[server]
    ref = profile_data.get(REF) if server != REF else None
    ref = ref if ref and "error" not in ref else None
    if ref:
        w(f"| # | {label(server)}{GSO_PROFILE_NOTE if server == 'udplab-gso' else ''}: self time, by symbol | % | C recvfrom/sendto: self time | % |")
        w("|---|---|---|---|---|")
    else:
        w(f"| # | {label(server)}{GSO_PROFILE_NOTE if server == 'udplab-gso' else ''}: self time, by symbol | % |")
        w("|---|---|---|")
    for i in range(TOP):
        a = p["entries"][i] if i < len(p["entries"]) else None
        b = ref["entries"][i] if ref and i < len(ref["entries"]) else None
        if a is None and b is None:
            break
        row = f"| {i + 1} | {where(a) if a else ''} | {pct(a[0]) if a else ''} |"
        if ref:
            row += f" {where(b) if b else ''} | {pct(b[0]) if b else ''} |"
        w(row)
    w("")


w("## Profiles")
w("")
profile_status = meta.get("profile_status", "skipped: the harness that made this run took no profiles")
if profile_status != "ok":
    w(f"Not taken in this run: {profile_status.removeprefix('skipped: ').rstrip(' .')}. "
      "`bench/run-bench.sh` samples every udplab backend with a saturation target, and C recvfrom, with "
      "`perf record` after the trials when perf can run.")
    w("")
else:
    profiled = [s for s in profiles if s.startswith("udplab-")]
    client = ("`udplabctl bench --mode window --window 32`" if meta["sat_client"] == "bench"
              else "the C spinning client `bench/c/client-window`")
    w(f"Where each server's CPU time goes at saturation. After the trials, every udplab backend with a "
      f"saturation target in this run, and C recvfrom for comparison, was started again as in the trials "
      f"(pinned to CPU {meta['cpu_server']}, same command, same malloc-counting preload) and driven by "
      f"{client} from CPU {meta['cpu_client']}; after a {meta['prof_warm']} s warm-up, `perf record -e "
      f"cpu-clock -F {meta['prof_freq']} -g -p PID -- sleep {meta['prof']}` sampled all its threads "
      f"({meta['perf'] or 'perf'}; cpu-clock because this VM has no hardware counters). Tables: self time by "
      f"symbol, top {TOP} (`perf report --no-children --sort dso,sym`), Swift names demangled "
      f"(`swift demangle --simplified`); [k] marks kernel symbols (`[kernel.kallsyms]`), the rest is user "
      f"space, its object in brackets. On loopback the server's `sendto` delivers the reply into the "
      f"client's socket, so the kernel share includes the receiving half of each reply. µs per echo = "
      f"sampled CPU time ÷ (the client's echoes/s over the run × {meta['prof']} s): approximate, and perf "
      f"itself slows the server a little. One run of {meta['prof']} s each: indicative, not a trial median.")
    w("")
    if meta.get("perf_kernel") == "no":
        w("**perf could sample user space only here** (not root, `kernel.perf_event_paranoid` ≥ 2): the kernel "
          "shares below are missing, not zero.")
        w("")
    missed_profiled, met_profiled = [], []
    for server in profiled:
        verdicts = target_verdicts.get(server, [])
        missed = [(t, v) for t, v in verdicts if "missed" in v]
        if missed:
            missed_profiled.append((server, missed))
        else:
            met_profiled.append((server, "met its targets" if verdicts else "no target judged in this run"))
    failed = [(s, profiles[s]["status"]) for s in profiles if profiles[s].get("status") != "ok"]
    failed += [(s, profile_data[s]["error"]) for s in profile_data if "error" in profile_data[s]]
    ref_ok = REF in profile_data and "error" not in profile_data[REF]
    if not missed_profiled:
        w("No profiled server missed a target in this run; its profiles are below, collapsed.")
        w("")
    for server, missed in missed_profiled:
        w(f"### {label(server)}")
        w("")
        w("Missed: " + "; ".join(f"{t} — {v.replace('**missed**', 'missed')}" for t, v in missed) + ".")
        w("")
        if server in profile_data and "error" not in profile_data[server]:
            w("Reading (machine-made): " + reading(server))
            w("")
            profile_table(server)
        else:
            w("No profile: " + dict(failed).get(server, "not profiled") + ".")
            w("")
    if met_profiled:
        shown = [(s, why) for s, why in met_profiled if s in profile_data and "error" not in profile_data[s]]
        if shown:
            w("<details><summary>Profiles of the servers that missed no target ("
              + ", ".join(f"{label(s)}: {why}" for s, why in shown) + ")</summary>")
            w("")
            for server, why in shown:
                w(f"**{label(server)}** ({why}). Reading (machine-made): {reading(server)}")
                w("")
                profile_table(server)
            w("</details>")
            w("")
    if ref_ok:
        w("C recvfrom/sendto, for scale: " + split_text(profile_data[REF]) + ".")
        w("")
    not_profiled = sorted({s for s, vs in target_verdicts.items()
                           if s not in profiles and any("missed" in v for _, v in vs)}, key=order.index)
    if not_profiled:
        w("Missed targets of servers this harness does not profile (only backends with a saturation target "
          "are): " + ", ".join(label(s) for s in not_profiled) + ".")
        w("")
    shown_missed = {s for s, _ in missed_profiled}
    failed = [(s, reason) for s, reason in failed if s not in shown_missed]
    for server, reason in failed:
        w(f"- {label(server)}: no profile ({reason})")
    if failed:
        w("")

# Method
sat_client_text = ("`udplabctl bench` (window mode), since it drove the C reference to at least 90% of the "
                   "rate the C spinning client reached in the calibration"
                   if meta["sat_client"] == "bench" else
                   "**the C spinning client `bench/c/client-window`**, because `udplabctl bench` reached less "
                   "than 90% of its rate against the C reference in the calibration (sockperf's server, which "
                   "ignores the C client's plain datagrams, was still driven by `udplabctl bench`); "
                   "bench's own overhead is the next thing to fix")
w("## Method")
w("")
w(f"- **Servers**: the C reference echoes written for this harness (`bench/c/echo-recvfrom.c`: blocking "
  f"`recvfrom`/`sendto`; `bench/c/echo-mmsg.c`: `recvmmsg` up to 32 with `MSG_WAITFORONE`, then `sendmmsg`), "
  f"`gcc -O2`; `sockperf sr -i 127.0.0.1 -p PORT` ({meta['sockperf']}; one socket, blocking `recvfrom`); "
  f"SwiftNIO {meta['nio_version']}'s `NIOUDPEchoServer` example built in release from the local package "
  f"mirror, once on its defaults and once with `--enable-gathering-reads` (recvmmsg of 30); and every echo "
  f"backend `udplabd run --help` lists ({meta['backends']}), as `udplabd run echo --backend B --bind "
  f"127.0.0.1:PORT` in release, on their defaults (so `nio` reads up to 16 datagrams per readiness event, "
  f"its `--budget`, where `NIOUDPEchoServer` reads NIO's default 4; `nio-async` queues up to 32).")
w(f"- **Interleaving**: {meta['trials']} trial{'s' if meta['trials'] != 1 else ''}; in each, every server in "
  f"turn (A B C … A B C …): started on a fresh port, measured, stopped. Server pinned to CPU "
  f"{meta['cpu_server']} (`taskset`), every client to CPU {meta['cpu_client']}. Loopback only.")
w(f"- **Per server and trial, in this order**: ping-pong 64 B, then 1400 B (`udplabctl bench --mode pingpong "
  f"--size N --duration {meta['pp']}s --warmup {meta['pp_warm']}s`, one request in flight, RTT p50/p99 from "
  f"its HdrHistogram); a {meta['sat_warm']} s saturation run to warm the server (discarded); then the "
  f"measured saturation window ({meta['sat']} s, `--mode window --window 32 --warmup 0`: the server is "
  f"already warm, so every echo in the window is counted). All `udplabctl bench` runs use `--payload "
  f"sockperf` (sockperf-format requests, which sockperf's server needs and the plain echo servers return "
  f"unchanged), so every server sees the same client.")
w(f"- **Saturation client**: {sat_client_text}. Echoes/s = replies received ÷ window; loss = requests "
  "unanswered after 100 ms (bench) or sent − received (C client), in percent of sent.")
w("- **Server CPU per echo**: Δ(utime + stime) of the server process, all threads (`/proc/PID/stat`, clock "
  "ticks of 10 ms), over the saturation window ÷ echoes received. On loopback the kernel delivers a "
  "datagram inside the sender's syscall, so this includes putting the replies into the client's socket.")
w("- **Heap allocations per echo**: every server runs under `LD_PRELOAD=bench/c/mallocount.c` (counts "
  "malloc, calloc, realloc, posix_memalign, aligned_alloc); `SIGUSR2` just before and just after the "
  "saturation window writes the count; (after − before) ÷ echoes. A statically linked or setuid binary "
  "cannot be counted this way (n/a). \"0\" in a target means fewer than 1 per 1,000 echoes.")
w(f"- **Calibration** (before the trials: {meta['calib_rounds']} × 1 s of each client, alternating) and "
  f"**per trial**: the C spinning client (`bench/c/client-window`, window 32, sendmmsg/recvmmsg, never "
  f"sleeping) against C recvfrom, next to `udplabctl bench` window 32 on the same server ({meta['cclient']} s "
  f"for whichever client did not measure the saturation window).")
w("- **Server CPU in ping-pong**: Δ(utime + stime) over the two ping-pong runs ÷ their wall time; near "
  "100% means the server spins (busy-polls) instead of blocking, which buys RTT with a whole core.")
w(f"- **Cross-check** after the trials ({meta['xrounds']} round{'s' if meta['xrounds'] != 1 else ''}, "
  f"interleaved): `sockperf pp -i 127.0.0.1 -p PORT -m 64 -t {meta['xcheck_t']} --full-rtt` (its blocking "
  f"client, and with `--nonblocked`, which spins) and `udplabctl bench --mode pingpong --payload sockperf "
  f"--size 64 --duration {meta['xcheck_t']}s` against `sockperf sr` and against `udplabd run echo --backend "
  f"reactor-edge --reply sockperf`.")
if meta.get("profile_status") == "ok":
    w(f"- **Profiles** after the trials (before the cross-check): see [Profiles](#profiles); "
      f"{meta['prof']} s of `perf record` per server, {meta['profile_seconds']} s in all.")
w("- Each client run has a timeout; a server that does not bind within 10 s is reported unavailable, one "
  "that dies is reported as crashed; neither stops the run.")
w("")

# Machine
w("## Machine")
w("")
w(f"- Date: {meta['date']}; udplab commit {meta['commit']}")
w(f"- Kernel {meta['kernel']}, {meta['nproc']} CPUs, CPU model \"{meta['cpu']}\"")
w(f"- {meta['swift']}; {meta['gcc']}; {meta['sockperf']}; SwiftNIO {meta['nio_version']}")
w(f"- `net.core.rmem_max` {meta['rmem_max']}, `net.core.netdev_max_backlog` {meta['netdev_max_backlog']}")
w(f"- During the trials ({meta['trials_seconds']} s; {meta['total_seconds']} s for the whole run with builds): "
  f"both CPUs {busy_pct:.0f}% busy, steal {steal_pct:.1f}% of CPU time; load average "
  f"{meta['loadavg_start']} at the start, {meta['loadavg_end']} at the end.")
w("")


def table(title, intro, header, rowfunc, servers):
    w(f"## {title}")
    w("")
    if intro:
        w(intro)
        w("")
    w("| " + " | ".join(header) + " |")
    w("|" + "---|" * len(header))
    for s in servers:
        w("| " + " | ".join([label(s)] + rowfunc(s)) + " |")
    w("")


table("Saturation: echoes per second",
      "Median (min–max) over the trials; ratios are medians of per-trial ratios.",
      ["server", "echoes/s", "× C recvfrom", "× C recvmmsg", "loss % (median, max)", "client"],
      lambda s: [spread(values(s, "eps"), thousands=True), ratio_text(ratios(s, "eps", REF)),
                 ratio_text(ratios(s, "eps", REF_MMSG)),
                 f"{fmt(med(values(s, 'loss_pct')), 3)}, {fmt(max(values(s, 'loss_pct')), 3)}" if values(s, "loss_pct") else "–",
                 ", ".join(sorted({per[(t, s)]['sat_client'] for t in trials if 'sat_client' in per.get((t, s), {})})) or "–"],
      measured)
for size in (64, 1400):
    k = f"pp{size}"
    table(f"Ping-pong RTT, {size} B (µs)",
          "One request in flight; full round trip as `udplabctl bench` (spinning) measures it. Server CPU: "
          "its CPU use over both ping-pong runs (near 100%: it spins rather than blocks).",
          ["server", "p50", "p50 × C recvfrom", "p99", "p99 × C recvfrom", "p99.9", "server CPU %"],
          lambda s, k=k: [spread(values(s, k + "_p50")), ratio_text(ratios(s, k + "_p50", REF)),
                          spread(values(s, k + "_p99")), ratio_text(ratios(s, k + "_p99", REF)),
                          spread(values(s, k + "_p999")), fmt(med(values(s, "pp_cpu_pct")), 0)],
          measured)
table("Server CPU per echo (µs) and heap allocations per echo, at saturation", None,
      ["server", "CPU µs/echo", "× C recvfrom", "heap allocations/echo"],
      lambda s: [spread(values(s, "cpu_us"), 2), ratio_text(ratios(s, "cpu_us", REF)),
                 alloc_spread(values(s, "allocs"))],
      measured)

# bench vs C client
w("## `udplabctl bench` against the C spinning client")
w("")
w("Both drive C recvfrom with 32 requests in flight from CPU " + str(meta["cpu_client"]) + ".")
w("")
w("| run | udplabctl bench echoes/s | C client-window echoes/s | bench ÷ C client |")
w("|---|---|---|---|")
if calib_bench and calib_c:
    w(f"| calibration ({len(calib_bench)} × 1 s each, alternating) | {spread(calib_bench, thousands=True)} | "
      f"{spread(calib_c, thousands=True)} | {med(calib_bench) / med(calib_c):.2f} |")
if meta["sat_client"] == "bench":
    ref_bench = [per[(t, REF)]["eps"] for t in trials if "bench_vs_c" in per.get((t, REF), {})]
    ref_c = [per[(t, REF)]["cclient_eps"] for t in trials if "bench_vs_c" in per.get((t, REF), {})]
    window = f"bench: the {meta['sat']} s saturation window; C client: {meta['cclient']} s after it"
else:
    ref_bench = [per[(t, REF)]["bcheck_eps"] for t in trials if "bench_vs_c" in per.get((t, REF), {})]
    ref_c = [per[(t, REF)]["eps"] for t in trials if "bench_vs_c" in per.get((t, REF), {})]
    window = f"C client: the {meta['sat']} s saturation window; bench: {meta['cclient']} s after it"
if bench_vs_c:
    w(f"| trials ({len(bench_vs_c)}; {window}) | {spread(ref_bench, thousands=True)} | "
      f"{spread(ref_c, thousands=True)} | {ratio_text(bench_vs_c).replace('×', '')} |")
w("")
w("Verdict: " + ("`udplabctl bench` is used for saturation (it reached ≥ 90% of the C client in the calibration)."
                 if meta["sat_client"] == "bench" else
                 "`udplabctl bench` reached < 90% of the C client, so saturation figures above come from the C "
                 "client (except sockperf sr, see Method); bench's own overhead is the next thing to fix."))
w("")

# cross-check
w("## Cross-check: sockperf ping-pong next to `udplabctl bench`")
w("")
w("64 B, one request in flight, full round trip (`--full-rtt`; sockperf's default would be half). "
  "sockperf pp cuts its first 400 ms as warm-up; bench ran with a 400 ms warm-up. Medians over the rounds. "
  "`udplabctl bench` busy-polls for replies, so its figures compare with sockperf's `--nonblocked` client; "
  "sockperf's default client sleeps in `recvfrom` and pays a wake-up on every reply.")
w("")
w("| server | sockperf pp p50 µs (blocking client) | sockperf pp --nonblocked p50 µs | bench p50 µs | bench − sockperf --nonblocked | sockperf p99 µs (blocking, nonblocked) | bench p99 µs |")
w("|---|---|---|---|---|---|---|")
xnames = {"sockperf-sr": "sockperf sr", "udplab-reactor-edge-sockperf": "udplab reactor-edge --reply sockperf"}
for server in xcheck:
    spb = [x for x in xcheck[server]["sockperf-blocking"] if x]
    spn = [x for x in xcheck[server]["sockperf-nonblocked"] if x]
    bn = xcheck[server]["bench"]
    spn50, bn50 = med([x[0] for x in spn]), med([x[0] for x in bn])
    diff = f"{bn50 - spn50:+.1f} µs" if spn50 is not None and bn50 is not None else "–"
    note = "" if spb or not xcheck[server]["sockperf-blocking"] else " (sockperf got no valid reply)"
    w(f"| {xnames.get(server, server)}{note} | {spread([x[0] for x in spb])} | {spread([x[0] for x in spn])} | "
      f"{spread([x[0] for x in bn])} | {diff} | {spread([x[1] for x in spb])}, {spread([x[1] for x in spn])} | "
      f"{spread([x[1] for x in bn])} |")
for server, text in xstatus.items():
    w(f"| {xnames.get(server, server)} | {text} | | | | | |")
w("")

# unavailable and crashed
if unavailable or crashed:
    w("## Unavailable and crashed servers")
    w("")
    for server, text in unavailable.items():
        w(f"- {label(server)}: {text}")
    for trial, server, text in crashed:
        w(f"- {label(server)}, trial {trial}: {text}")
    w("")

w("## Not covered by this harness")
w("")
w("- Latency under load: `udplabctl bench --mode rate` at fixed fractions of the C reference's saturation "
  "(open loop, planned-time latency), as `../shared/reference/perf-anchors.md` §7 suggests, is not run here.")
w("- Whole-system CPU per echo (softirq included) and the kernel's drop counters (`/proc/net/snmp`, "
  "`/proc/net/softnet_stat`) per window; the report gives the server process's CPU and the client's loss.")
w("- Instruction counts: the profiles are cpu-clock samples (no hardware counters on this VM); "
  "`valgrind --tool=callgrind` for user-space instructions per echo is not run. Call graphs are "
  "recorded (`-g`, in `.build/bench/work/profiles/*.data`) but the report shows self time only.")
w("")

# raw, collapsed
w("## Per-trial figures")
w("")
w("<details><summary>Every trial, every server (also in <a href=\"benchmarks/raw.csv\">benchmarks/raw.csv</a>)</summary>")
w("")
w("| trial | server | echoes/s | loss % | CPU µs/echo | allocs/echo | pp64 p50 | pp64 p99 | pp1400 p50 | pp1400 p99 | status |")
w("|---|---|---|---|---|---|---|---|---|---|---|")
for t in trials:
    for s in order:
        d = per.get((t, s))
        if d is None:
            continue
        w(f"| {t} | {label(s)} | {fmt(d.get('eps'), thousands=True)} | {fmt(d.get('loss_pct'), 3)} | "
          f"{fmt(d.get('cpu_us'), 2)} | {alloc_fmt(d.get('allocs')) if 'allocs' in d else 'n/a'} | "
          f"{fmt(d.get('pp64_p50'))} | {fmt(d.get('pp64_p99'))} | {fmt(d.get('pp1400_p50'))} | "
          f"{fmt(d.get('pp1400_p99'))} | {status.get((t, s), '?')} |")
w("")
w("</details>")
w("")

# Sections written by hand after KEPT_MARKER (e.g. a same-run A/B from bench/ab-trees.sh) survive
# regeneration: everything from the marker on is carried over from the previous report.
KEPT_MARKER = "<!-- Hand-written sections below: bench/report.py keeps them. -->"
try:
    previous = open(out_path, encoding="utf-8").read()
except OSError:
    previous = ""
if KEPT_MARKER in previous:
    L.append(previous[previous.index(KEPT_MARKER):].rstrip("\n"))
    L.append("")
open(out_path, "w", encoding="utf-8").write("\n".join(L))
print(f"report: {len(measured)} servers measured, {len(unavailable)} unavailable, {len(crashed)} crashes")
