#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Records and the side-by-side table of bench/compare.sh.

  compare.py iperf FILE PEER STREAMS DIR REP CONTENDED CLK_TCK [ROLE TICKS]...
  compare.py ping FILE PEER LOAD [LOAD_IPERF_JSON]
  compare.py show            (one progress line for the record on stdin)
  compare.py report RAW META_JSON
"""
import json
import re
import statistics
import sys

ROLES = ("server", "c1", "c2")
# retransmissions per GB below which a ratio means nothing (one dropped 64 KB GSO frame
# is ~44 retransmitted segments; a GB is ~690,000 segments)
FLOOR = 100


def pct(xs, p):
    """p-th percentile, linear interpolation between closest ranks."""
    xs = sorted(xs)
    if not xs:
        return None
    k = (len(xs) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def iperf_summary(f):
    try:
        d = json.load(open(f))
        if "error" in d:
            return None, None, None, d["error"]
        e = d["end"]
        return (e["sum_received"]["bits_per_second"], e["sum_received"]["bytes"],
                e["sum_sent"].get("retransmits"), None)
    except Exception as ex:  # a run that died leaves no JSON
        return None, None, None, "no iperf3 result: %s" % ex


def cmd_iperf(f, peer, streams, direction, rep, cont, tck, *cpu):
    bps, nbytes, retr, err = iperf_summary(f)
    print(json.dumps({"kind": "tcp", "peer": peer, "streams": int(streams), "dir": direction,
                      "rep": int(rep), "contended": cont == "1", "bps": bps, "bytes": nbytes,
                      "retr": retr, "error": err,
                      "cpu_s": {cpu[i]: int(cpu[i + 1]) / float(tck)
                                for i in range(0, len(cpu), 2)}}))


def cmd_drops(before, after):
    """Adds to the record on stdin what was dropped during it: device and hub counters."""
    x = json.loads(sys.stdin.read())
    a, b = json.load(open(before)), json.load(open(after))
    d = diff(a, b)
    dev = d.get("dev", {})
    x["dev_drops"] = {c: {k: v for k, v in dev.get(c, {}).items() if "packets" not in k}
                      for c in ("c1", "c2")}
    x["dev_frames"] = {c: dev.get(c, {}).get("tx_packets", 0) for c in ("c1", "c2")}
    hub = d.get("hub", {})
    x["hub_drops"] = {k: v for k, v in hub.items() if "drop" in k}
    print(json.dumps(x))


def cmd_ping(f, peer, load, loadf=""):
    txt = open(f).read()
    rtts = [float(x) for x in re.findall(r"time[=<]([0-9.]+) ms", txt)]
    m = re.search(r"(\d+) packets transmitted", txt)
    rec = {"kind": "ping", "peer": peer, "load": load, "sent": int(m.group(1)) if m else 0,
           "rtts": rtts}
    if loadf:
        rec["load_bps"] = iperf_summary(loadf)[0]
    print(json.dumps(rec))


def cmd_show():
    x = json.loads(sys.stdin.read())
    if x["kind"] == "tcp":
        s = "%.2f Gbit/s retr %s" % (x["bps"] / 1e9, x["retr"]) if x["bps"] else "FAILED"
        c = " ".join("%s %.2fs" % kv for kv in x["cpu_s"].items())
        dd = {c + "." + k: v for c, m in x.get("dev_drops", {}).items() for k, v in m.items()}
        dd.update(x.get("hub_drops", {}))
        print("  %-12s P%d %s rep %d%s: %s; cpu %s%s" % (x["peer"], x["streams"], x["dir"], x["rep"],
              " +stress" if x["contended"] else "", s, c,
              "; drops " + json.dumps(dd) if any(v for v in dd.values()) else ""))
    else:
        t = x["rtts"]
        print("  %-12s ping %s: %s" % (x["peer"], x["load"], "avg %.3f ms p99 %.3f ms, %d/%d" % (
            statistics.mean(t), pct(t, 99), len(t), x["sent"]) if t else "no replies"))


def fmt(x, n=2):
    return "-" if x is None else "%.*f" % (n, x)


def retr_per_gb(x):
    return x["retr"] / (x["bytes"] / 1e9) if x["bytes"] and x["retr"] is not None else None


def table(rows, peers, meta):
    """rows: (label, {peer: value}, digits); prints peers side by side, plus ratios to softether."""
    ratio = "vpnhub" in peers and "softether" in peers
    head = ["measure"] + list(peers) + (["vpnhub/softether"] if ratio else [])
    out = [head]
    for label, vals, n in rows:
        line = [label] + [fmt(vals.get(p), n) for p in peers]
        if ratio:
            a, b = vals.get("vpnhub"), vals.get("softether")
            line.append(fmt(a / b, 2) if a is not None and b else "-")
        out.append(line)
    w = [max(len(r[i]) for r in out) for i in range(len(head))]
    for r in out:
        print("  ".join(r[0].ljust(w[0]) if i == 0 else r[i].rjust(w[i])
                        for i in range(len(r))))


def cmd_report(raw, meta_json):
    meta = json.loads(meta_json)
    recs = [json.loads(l) for l in open(raw) if l.strip()]
    tcp = [x for x in recs if x["kind"] == "tcp"]
    peers = list(dict.fromkeys(x["peer"] for x in recs if "peer" in x))
    print(json.dumps(dict(meta, kind="meta")))
    print("compare (%s, commit %s, %s CPUs, load %s -> %s, -t %s, SoftEther %s, OpenVPN %s)" % (
        meta["date"], meta["commit"], meta["cpus"], meta["load_start"].split()[0],
        meta["load_end"].split()[0], meta["duration_s"], meta["softether"], meta["openvpn"]))
    if meta["contend"]:
        contention_report(tcp, peers)
        return
    rows = []
    for streams in (1, 4):
        for d in ("fwd", "rev"):
            v, rv = {}, {}
            for p in peers:
                rs = [x for x in tcp if x["peer"] == p and x["streams"] == streams
                      and x["dir"] == d]
                v[p] = med([x["bps"] / 1e9 if x["bps"] else None for x in rs])
                rv[p] = med([x["retr"] for x in rs])
                print(json.dumps({"kind": "tcp_median", "peer": p, "streams": streams,
                                  "dir": d, "gbps": v[p], "retr": rv[p],
                                  "runs": [x["bps"] and round(x["bps"] / 1e9, 3) for x in rs]}))
            label = "%d stream%s %s" % (streams, "s" if streams > 1 else "", d)
            rows.append((label + ", Gbit/s", v, 2))
            rows.append((label + ", retransmits", rv, 0))
    for role, name in (("server", "server"), ("clients", "both clients")):
        v = {}
        for p in peers:
            rs = [x for x in tcp if x["peer"] == p and x["bytes"]]
            gb = sum(x["bytes"] for x in rs) / 1e9
            s = sum(x["cpu_s"]["server"] if role == "server" else
                    x["cpu_s"]["c1"] + x["cpu_s"]["c2"] for x in rs)
            v[p] = s / gb if gb else None
        rows.append(("CPU s per GB, " + name, v, 2))
    for load in ("idle", "loaded"):
        for k in ("avg", "p99"):
            v = {}
            for p in peers:
                rs = [x for x in recs if x["kind"] == "ping" and x["peer"] == p
                      and x["load"] == load]
                t = [r for x in rs for r in x["rtts"]]
                v[p] = (statistics.mean(t) if k == "avg" else pct(t, 99)) if t else None
            rows.append(("ping %s %s, ms" % (load, k), v, 3))
        v = {}
        for p in peers:
            rs = [x for x in recs if x["kind"] == "ping" and x["peer"] == p and x["load"] == load]
            v[p] = sum(x["sent"] - len(x["rtts"]) for x in rs)
        rows.append(("ping %s lost" % load, v, 0))
    v = {p: med([x.get("load_bps") and x["load_bps"] / 1e9 for x in recs if x["kind"] == "ping"
                 and x["peer"] == p and x["load"] == "loaded"]) for p in peers}
    rows.append(("load during ping, Gbit/s", v, 2))
    print()
    table(rows, peers, meta)
    print("(medians of %s repetitions; CPU = utime+stime of each daemon's processes over all "
          "runs / GB received; fwd = c1 sends, rev = iperf3 -R)" % meta["repeat"])
    hub_stats(recs)


def contention_report(tcp, peers):
    print("\nretransmissions per GB, alone vs beside stress-ng --cpu 2")
    print("%-12s %-6s %9s %7s  %s" % ("peer", "run", "alone/GB", "Gbit/s",
                                      "contended runs: retr/GB (x max(alone, %d)) Gbit/s" % FLOOR))
    worst = {}
    for p in peers:
        for streams in (1, 4):
            for d in ("fwd", "rev"):
                sel = [x for x in tcp if x["peer"] == p and x["dir"] == d
                       and x["streams"] == streams]
                alone = [x for x in sel if not x["contended"]]
                base = med([retr_per_gb(x) for x in alone])
                runs = []
                for x in (x for x in sel if x["contended"]):
                    r = retr_per_gb(x)
                    # against at least FLOOR per GB: a handful of retransmissions is noise
                    ratio = r / max(base or 0, FLOOR) if r is not None else None
                    worst[p] = max(worst.get(p, 0), ratio or 0)
                    runs.append("%s (x%s) %s" % (fmt(r, 0), fmt(ratio, 1),
                                                 fmt(x["bps"] and x["bps"] / 1e9)))
                    print(json.dumps({"kind": "contention", "peer": p, "streams": streams,
                                      "dir": d, "rep": x["rep"], "retr_per_gb": r,
                                      "alone_retr_per_gb": base, "ratio": ratio,
                                      "gbps": x["bps"] and x["bps"] / 1e9,
                                      "dev_drops": x.get("dev_drops"),
                                      "hub_drops": x.get("hub_drops")}))
                if sel:
                    print("%-12s %dP %-3s %9s %7s  %s" % (
                        p, streams, d, fmt(base, 0),
                        fmt(med([x["bps"] and x["bps"] / 1e9 for x in alone])), "; ".join(runs)))
    for p, w in worst.items():
        print("%s: worst contended run x%.1f the uncontended retransmissions per GB (%s 2x)"
              % (p, w, "within" if w <= 2 else "NOT within"))


def hub_stats(recs):
    st = {x["when"]: x["stats"] for x in recs if x["kind"] == "hubstats"}
    if "start" in st and "end" in st:
        print("vpnhub counters over the run: " + json.dumps(diff(st["start"], st["end"])))


def diff(a, b):
    """b - a for the numbers of two equally shaped JSON values; non-zero leaves only."""
    if isinstance(b, dict):
        out = {k: diff(a.get(k) if isinstance(a, dict) else None, v) for k, v in b.items()}
        return {k: v for k, v in out.items() if v not in (None, 0, {}, [])}
    if isinstance(b, list):
        return [diff(a[i] if isinstance(a, list) and i < len(a) else None, v)
                for i, v in enumerate(b)]
    if isinstance(b, (int, float)) and not isinstance(b, bool):
        return b - (a if isinstance(a, (int, float)) else 0)
    return None


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"iperf": cmd_iperf, "drops": cmd_drops, "ping": cmd_ping, "show": cmd_show, "report": cmd_report}[cmd](*args)
