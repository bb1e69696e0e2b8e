#!/usr/bin/env python3
"""Draws `make bench`'s results as SVG with matplotlib, for docs/BENCHMARKS.md's "Plots" section.

    plot.py RAW.csv HGRM_DIR OUT_DIR [TRAINS.csv]

RAW.csv is bench/report.py's long-format raw data (trial, server, metric, value); HGRM_DIR holds
the 64 B ping-pong runs' `udplabctl bench --hgrm` files, NAME.trialN.hgrm (HdrHistogram's
percentile distribution, values in µs); TRAINS.csv (default OUT_DIR/trains.csv) is the fast-path
bench's `server,train,echoes_per_second,cpu_us_per_echo,ratio_to_c`. Writes into OUT_DIR the
files of PLOTS that it has data for, and removes those it has none for, so that the SVGs there are
always this run's (bench/report.py links the ones that exist).

Ratios are computed as report.py computes them: per trial, the server's figure over C
recvfrom's in the same trial, then the median over the trials (the bars), with the range of the
per-trial ratios (the whiskers). An RTT curve is the pointwise median of the server's trials.

Run by bench/run-bench.sh with the Python of .venv-bench (`make bench` installs matplotlib there).
The SVGs are deterministic (fixed hash salt, no date, text kept as text), so a rerun on the same
data changes nothing and a new run's diff is the data's.
"""

import csv
import math
import os
import re
import statistics
import sys
from collections import defaultdict

REF = "c-recvfrom"

# Every plot this program draws: file name (in OUT_DIR), title (the report's alt text), and what it
# is drawn from (the report says so when it is missing). report.py imports this list only.
PLOTS = [
    ("saturation-vs-c.svg", "Saturation echoes/s as a ratio to C recvfrom (higher is better)",
     "the saturation runs' echoes/s"),
    ("cpu-per-echo-vs-c.svg", "Server CPU µs per echo at saturation as a ratio to C recvfrom (lower is better)",
     "the saturation runs' server CPU per echo"),
    ("rtt-percentiles-64.svg", "Ping-pong RTT percentile curves, 64 B (HdrHistogram percentile distribution)",
     "the 64 B ping-pong runs' `udplabctl bench --hgrm` files"),
    ("trains.svg", "Cost per echo against train length",
     "`benchmarks/trains.csv`, which the fast-path bench writes"),
]


def read_raw(path):
    """RAW.csv → {(trial, server): {metric: float}} for trials ≥ 1, and the servers in file order."""
    per = defaultdict(dict)
    order = []
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            try:
                trial, value = int(row["trial"]), float(row["value"])
            except (KeyError, ValueError):
                continue
            if trial < 1 or not math.isfinite(value):
                continue
            per[(trial, row["server"])][row["metric"]] = value
            if row["server"] not in order:
                order.append(row["server"])
    return per, order


def ratios(per, server, metric):
    """The per-trial ratios of `server`'s `metric` to C recvfrom's in the same trial."""
    out = []
    for (trial, name), data in sorted(per.items()):
        ref = per.get((trial, REF), {}).get(metric)
        if name == server and metric in data and ref:
            out.append(data[metric] / ref)
    return out


def read_hgrm(path):
    """An .hgrm file → [(value µs, percentile 0–1)] of its finite rows (the 100 % line left out)."""
    rows = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            fields = line.split()
            if len(fields) != 4:
                continue
            try:
                value, percentile = float(fields[0]), float(fields[1])
            except ValueError:
                continue  # the header
            if percentile < 1:
                rows.append((value, percentile))
    return rows


def median_curve(trials, points=160):
    """The pointwise median of step curves [(value, percentile)] on a log grid of 1/(1-percentile),
    up to the last point every trial reached: [(1/(1-p), value)]."""
    reach = min(1 / (1 - rows[-1][1]) for rows in trials)
    if reach <= 1:
        return []
    grid = [reach ** (i / (points - 1)) for i in range(points)]
    curve = []
    for x in grid:
        at = []
        for rows in trials:
            # The smallest value whose percentile reaches x's (the rows are in percentile order).
            at.append(next((v for v, p in rows if 1 / (1 - p) >= x * (1 - 1e-9)), rows[-1][0]))
        curve.append((x, statistics.median(at)))
    return curve


def setup(plt):
    """Deterministic SVG: fixed hash salt (element ids), text as text, no dates."""
    plt.rcParams.update({
        "svg.hashsalt": "udplab-bench",
        "svg.fonttype": "none",
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.grid": True,
        "grid.alpha": 0.3,
    })


def save(plt, figure, out_dir, name, drawn):
    path = os.path.join(out_dir, name)
    figure.savefig(path, format="svg", metadata={"Date": None, "Creator": "bench/plot.py (matplotlib)"},
                   bbox_inches="tight")
    plt.close(figure)
    drawn.append(path)


def ratio_bars(plt, per, order, metric, name, title, xlabel, higher_is_better, out_dir, drawn, skipped):
    """Horizontal bars, one per server: the median of its per-trial ratios, whiskers at their range."""
    bars = []
    for server in order:
        xs = ratios(per, server, metric)
        if server != REF and xs:
            bars.append((statistics.median(xs), min(xs), max(xs), server))
    if not bars:
        skipped.append((name, f"no {metric} ratios to {REF} in the raw data"))
        return
    # Best at the top: barh draws the first bar at the bottom.
    bars.sort(key=lambda b: (b[0], b[3]), reverse=not higher_is_better)
    figure, axes = plt.subplots(figsize=(7.5, 0.28 * len(bars) + 1.4))
    positions = range(len(bars))
    medians = [b[0] for b in bars]
    colors = ["#1f77b4" if b[3].startswith("udplab-") else "#999999" for b in bars]
    axes.barh(positions, medians, color=colors, height=0.7,
              xerr=[[m - b[1] for m, b in zip(medians, bars)], [b[2] - m for m, b in zip(medians, bars)]],
              error_kw={"ecolor": "#333333", "elinewidth": 0.8, "capsize": 2})
    for y, b in zip(positions, bars):
        axes.text(b[2] + 0.01 * max(b[2] for b in bars), y, f"{b[0]:.2f}×", va="center", fontsize=8)
    axes.axvline(1.0, color="black", linestyle="--", linewidth=1, label=f"{REF} = 1.0")
    axes.set_yticks(list(positions), [b[3] for b in bars])
    axes.set_xlim(0, max(b[2] for b in bars) * 1.15)
    axes.set_xlabel(xlabel)
    axes.set_title(title, fontsize=10)
    axes.grid(axis="y", visible=False)
    axes.legend(handles=[
        plt.Rectangle((0, 0), 1, 1, color="#1f77b4", label="udplab backend"),
        plt.Rectangle((0, 0), 1, 1, color="#999999", label="reference / peer"),
        axes.get_lines()[-1],
    ], loc="upper center", bbox_to_anchor=(0.5, -0.09), ncol=3, fontsize=8, frameon=False)
    save(plt, figure, out_dir, name, drawn)


def rtt_curves(plt, matplotlib, hgrm_dir, order, name, title, out_dir, drawn, skipped):
    """One curve per server: RTT µs against 1/(1-percentile), log-log, as HdrHistogram's plotter."""
    runs = defaultdict(list)
    pattern = re.compile(r"^(.+)\.trial(\d+)\.hgrm$")
    for entry in sorted(os.listdir(hgrm_dir)) if os.path.isdir(hgrm_dir) else []:
        m = pattern.match(entry)
        if m:
            rows = read_hgrm(os.path.join(hgrm_dir, entry))
            if rows:
                runs[m.group(1)].append(rows)
    if not runs:
        skipped.append((name, f"no .hgrm files in {hgrm_dir}"))
        return
    servers = [s for s in order if s in runs] + sorted(s for s in runs if s not in order)
    figure, axes = plt.subplots(figsize=(8.5, 5))
    # tab20's strong colours first, then their light pairs.
    palette = plt.get_cmap("tab20").colors[0::2] + plt.get_cmap("tab20").colors[1::2]
    for index, server in enumerate(servers):
        curve = median_curve(runs[server])
        if not curve:
            continue
        style = ({"color": "black", "linewidth": 2.2, "zorder": 3} if server == REF else
                 {"color": palette[index % len(palette)], "linewidth": 1.2,
                  "linestyle": "-" if server.startswith("udplab-") else ":"})
        trials = len(runs[server])
        axes.plot([x for x, _ in curve], [v for _, v in curve],
                  label=f"{server} ({trials} trial{'s' if trials != 1 else ''})", **style)
    axes.set_xscale("log")
    axes.set_yscale("log")
    ticks = [t for t in (1, 10, 100, 1000, 10000, 100000, 1000000) if t <= axes.get_xlim()[1] * 1.01]
    axes.set_xticks(ticks, [f"{100 * (1 - 1 / t):.{max(0, round(math.log10(t)) - 2)}f}%" for t in ticks])
    axes.yaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v:g}"))
    axes.set_xlabel("percentile (axis: 1/(1 − percentile), log scale)")
    axes.set_ylabel("round-trip time, µs (log scale)")
    axes.set_title(title, fontsize=10)
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=7.5, frameon=False)
    save(plt, figure, out_dir, name, drawn)


def trains(plt, path, name, title, out_dir, drawn, skipped):
    """CPU µs per echo, and its ratio to C, against the train length, one line per server."""
    if not os.path.exists(path):
        skipped.append((name, f"no {path} (the fast-path bench writes it)"))
        return
    points = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))  # server → train → column → values
    order = []
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            try:
                train = int(row["train"])
                for column in ("cpu_us_per_echo", "ratio_to_c"):
                    if row.get(column) not in (None, ""):
                        points[row["server"]][train][column].append(float(row[column]))
            except (KeyError, ValueError):
                continue
            if row["server"] not in order:
                order.append(row["server"])
    if not points:
        skipped.append((name, f"{path} has no rows"))
        return
    figure, (cost, ratio) = plt.subplots(1, 2, figsize=(10, 4.2))
    palette = plt.get_cmap("tab10").colors
    for index, server in enumerate(order):
        trains_ = sorted(points[server])
        for axes, column in ((cost, "cpu_us_per_echo"), (ratio, "ratio_to_c")):
            xs = [t for t in trains_ if points[server][t][column]]
            if xs:
                axes.plot(xs, [statistics.median(points[server][t][column]) for t in xs], marker="o",
                          markersize=3, color=palette[index % len(palette)], label=server)
    all_trains = sorted({t for server in points for t in points[server]})
    for axes in (cost, ratio):
        axes.set_xscale("log", base=2)
        axes.set_xticks(all_trains, [str(t) for t in all_trains])
        axes.set_xlabel("train length (datagrams per send)")
    cost.set_ylabel("server CPU µs per echo")
    ratio.set_ylabel("ratio to C")
    ratio.axhline(1.0, color="black", linestyle="--", linewidth=1)
    cost.legend(fontsize=7.5)
    figure.suptitle(title, fontsize=10)
    save(plt, figure, out_dir, name, drawn)


def main(argv):
    if len(argv) not in (4, 5):
        print(__doc__.strip().split("\n\n")[1], file=sys.stderr)
        return 64
    raw_path, hgrm_dir, out_dir = argv[1:4]
    trains_path = argv[4] if len(argv) == 5 else os.path.join(out_dir, "trains.csv")
    try:
        import matplotlib
    except ImportError:
        # Plots of an earlier run next to this run's figures would mislead: they go.
        for name, _, _ in PLOTS:
            if os.path.exists(os.path.join(out_dir, name)):
                os.remove(os.path.join(out_dir, name))
        print("plot: matplotlib is missing (`make bench-venv` installs it in .venv-bench): no plots drawn",
              file=sys.stderr)
        return 69
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import matplotlib.ticker
    setup(plt)
    os.makedirs(out_dir, exist_ok=True)
    per, order = read_raw(raw_path)
    drawn, skipped = [], []
    titles = {name: title for name, title, _ in PLOTS}
    ratio_bars(plt, per, order, "echoes_per_s", "saturation-vs-c.svg", titles["saturation-vs-c.svg"],
               f"echoes/s ÷ {REF}'s in the same trial (median, whiskers: range over the trials)", True,
               out_dir, drawn, skipped)
    ratio_bars(plt, per, order, "server_cpu_us_per_echo", "cpu-per-echo-vs-c.svg", titles["cpu-per-echo-vs-c.svg"],
               f"server CPU µs per echo ÷ {REF}'s in the same trial (median, whiskers: range)", False,
               out_dir, drawn, skipped)
    rtt_curves(plt, matplotlib, hgrm_dir, order, "rtt-percentiles-64.svg", titles["rtt-percentiles-64.svg"], out_dir, drawn,
               skipped)
    trains(plt, trains_path, "trains.svg", titles["trains.svg"] + " (the fast-path bench's trains.csv)", out_dir,
           drawn, skipped)
    for name, why in skipped:
        stale = os.path.join(out_dir, name)
        if os.path.exists(stale):
            os.remove(stale)
        print(f"plot: {name} not drawn: {why}", file=sys.stderr)
    print(f"plot: wrote {', '.join(drawn) if drawn else 'nothing'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
