#!/usr/bin/env python3
"""Turns the raw measurements (TSV: test, path, rep, metric, value) into markdown tables:
every repetition, medians, ratios to direct, X-ClusterLink vs HAProxy/stunnel, and the idle-tunnel
memory numbers. Writes the markdown to OUT and prints the summary tables to stdout."""
import collections
import statistics
import sys

PATHS = [("direct", "A direct"), ("xcl", "B X-ClusterLink"), ("haproxy", "C HAProxy pair"), ("stunnel", "D stunnel pair")]
LABEL = dict(PATHS)

# (test, metric, column title, format, higher is better)
COLUMNS = [
    ("iperf1", "gbps", "iperf3 1 stream Gbit/s", "{:.2f}", True),
    ("iperf4", "gbps", "iperf3 4 streams Gbit/s", "{:.2f}", True),
    ("conn", "rps", "new conn/s", "{:.0f}", True),
    ("lat", "p50_us", "p50 µs", "{:.0f}", False),
    ("lat", "p99_us", "p99 µs", "{:.0f}", False),
    ("lat", "p999_us", "p99.9 µs", "{:.0f}", False),
    ("iperf1", "cpu_s_per_gb", "proxy CPU s/GB (1 stream)", "{:.2f}", False),
]


def load(path):
    data = collections.defaultdict(dict)  # (test, path, metric) -> {rep: value}
    with open(path) as f:
        for line in f:
            test, p, rep, metric, value = line.rstrip("\n").split("\t")
            try:
                data[(test, p, metric)][int(rep)] = float(value)
            except ValueError:
                pass
    return data


def med(data, test, path, metric):
    vals = list(data.get((test, path, metric), {}).values())
    return statistics.median(vals) if vals else None


def fmt(v, f="{:.2f}"):
    return "–" if v is None else f.format(v)


def ratio(a, b):
    return None if a is None or b is None or b == 0 else a / b


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def main():
    raw, out, reps = sys.argv[1], sys.argv[2], int(sys.argv[3])
    data = load(raw)
    md = []

    # medians
    med_rows = []
    for p, label in PATHS:
        med_rows.append([label] + [fmt(med(data, t, p, m), f) for t, m, _, f, _ in COLUMNS])
    medians = table(["path"] + [c[2] for c in COLUMNS], med_rows)

    # each path vs direct
    vs_direct_rows = []
    for p, label in PATHS[1:]:
        row = [label]
        for t, m, _, _, _ in COLUMNS[:6]:
            row.append(fmt(ratio(med(data, t, p, m), med(data, t, "direct", m))))
        vs_direct_rows.append(row)
    vs_direct = table(["path / direct"] + [c[2] for c in COLUMNS[:6]], vs_direct_rows)

    # X-ClusterLink vs the other proxies
    vs_rows = []
    for other in ("haproxy", "stunnel"):
        row = ["X-ClusterLink / " + LABEL[other].split(" ", 1)[1]]
        for t, m, _, _, _ in COLUMNS:
            row.append(fmt(ratio(med(data, t, "xcl", m), med(data, t, other, m))))
        vs_rows.append(row)
    vs_proxies = table(["ratio"] + [c[2] for c in COLUMNS], vs_rows)

    # memory
    mem = {m: v.get(0) for (t, p, m), v in data.items() if t == "mem"}
    mem_md = ""
    if mem:
        n = mem.get("n")
        rows = []
        for gw in ("west", "east"):
            def g(k):
                return mem.get("%s_%s" % (gw, k))
            per = lambda a, b: None if a is None or b is None or not n else (a - b) * 1024.0 / n
            rows.append([
                gw + (" (import side)" if gw == "west" else " (export side)"),
                fmt(g("rss_kb_before"), "{:.0f}"), fmt(g("rss_kb_after"), "{:.0f}"),
                fmt(per(g("rss_kb_after"), g("rss_kb_before")), "{:.0f}"),
                fmt(g("liveheap_kb_before"), "{:.0f}"), fmt(g("liveheap_kb_after"), "{:.0f}"),
                fmt(per(g("liveheap_kb_after"), g("liveheap_kb_before")), "{:.0f}"),
                fmt(g("heap_kb_before"), "{:.0f}"), fmt(g("heap_kb_after"), "{:.0f}"),
                fmt(per(g("heap_kb_after"), g("heap_kb_before")), "{:.0f}"),
            ])
        both = lambda k: None if mem.get("west_" + k) is None or mem.get("east_" + k) is None else mem["west_" + k] + mem["east_" + k]
        per2 = lambda k: None if not n or both(k + "_after") is None or both(k + "_before") is None else (both(k + "_after") - both(k + "_before")) * 1024.0 / n
        rows.append(["both gateways", fmt(both("rss_kb_before"), "{:.0f}"), fmt(both("rss_kb_after"), "{:.0f}"),
                     fmt(per2("rss_kb"), "{:.0f}"), fmt(both("liveheap_kb_before"), "{:.0f}"),
                     fmt(both("liveheap_kb_after"), "{:.0f}"), fmt(per2("liveheap_kb"), "{:.0f}"),
                     fmt(both("heap_kb_before"), "{:.0f}"), fmt(both("heap_kb_after"), "{:.0f}"),
                     fmt(per2("heap_kb"), "{:.0f}")])
        mem_md = (
            "Idle tunnels: %s requested, %s held by the client at the end (%s dropped); "
            "status showed egressTunnelsActive=%s (west), ingressTunnelsActive=%s (east).\n\n"
            % (fmt(n, "{:.0f}"), fmt(mem.get("held"), "{:.0f}"), fmt(mem.get("dropped"), "{:.0f}"),
               fmt(mem.get("west_active"), "{:.0f}"), fmt(mem.get("east_active"), "{:.0f}"))
            + table(["gateway", "RSS before KiB", "RSS after KiB", "RSS B/tunnel",
                     "live heap before KiB", "live heap after KiB", "live heap B/tunnel",
                     "heap as found before KiB", "heap as found after KiB", "as found B/tunnel"], rows)
            + "\n\n\"Live heap\" is `jcmd GC.heap_info` \"used\" right after `jcmd GC.run` (a full GC): the number to read. "
              "\"Heap as found\" is the same before that GC and includes garbage, so it can even go down. RSS is VmRSS from /proc/PID/status, read right after that GC. "
              "B/tunnel = (after − before) / tunnels requested.\n")

    # every repetition
    raw_md = []
    for t, m, title, f, _ in COLUMNS + [("iperf4", "cpu_s_per_gb", "proxy CPU s/GB (4 streams)", "{:.2f}", False),
                                        ("iperf1", "cpu_s", "proxy CPU seconds during the 1-stream run", "{:.2f}", False),
                                        ("iperf1", "gb", "GB received in the 1-stream run", "{:.2f}", False),
                                        ("conn", "errors", "wrk socket errors + non-2xx (conn/s test)", "{:.0f}", False),
                                        ("lat", "n", "latency samples", "{:.0f}", False),
                                        ("lat", "late", "latency requests sent behind schedule", "{:.0f}", False)]:
        rows = []
        for p, label in PATHS:
            vals = data.get((t, p, m), {})
            if not vals:
                continue
            rows.append([label] + [fmt(vals.get(r), f) for r in range(1, reps + 1)] + [fmt(med(data, t, p, m), f)])
        if rows:
            raw_md.append("**%s**\n\n" % title + table(["path"] + ["rep %d" % r for r in range(1, reps + 1)] + ["median"], rows))

    md.append("## Medians\n\n" + medians)
    md.append("## Each path vs direct (median / median of direct; throughput and conn/s: higher is better, latency: lower is better)\n\n" + vs_direct)
    md.append("## X-ClusterLink vs the other proxy pairs (ratio of medians; > 1 means X-ClusterLink is higher)\n\n" + vs_proxies)
    if mem_md:
        md.append("## Memory: idle tunnels through the gateway pair (XCL_JAVA_OPTS=-Xmx512m)\n\n" + mem_md)
    md.append("## Every repetition\n\n" + "\n\n".join(raw_md))
    with open(out, "w") as f:
        f.write("\n\n".join(md) + "\n")

    print(medians)
    print()
    print(vs_direct)
    print()
    print(vs_proxies)
    if mem_md:
        print()
        print(mem_md.split("\n\n\"Live heap\"")[0])


if __name__ == "__main__":
    main()
