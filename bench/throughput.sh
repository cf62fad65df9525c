#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Throughput / latency / CPU benchmark: vpnhub tunnel versus the plain veth path.
#
# Topology (tests/e2e/lib.sh topo_up 2; every address lives in namespaces made here):
#
#   ns $P-c1                      ns $P-hub                       ns $P-c2
#   vpn0 10.77.0.1/24  ===========  vpnhub :5555  ===========  vpn0 10.77.0.2/24
#      (vpnclient, TAP)    TLS/TCP   (L2 switch)    TLS/TCP    (vpnclient, TAP)
#   vc1 10.199.1.2 ---- veth ---- vh1 10.199.1.1
#                                 vh2 10.199.2.1 ---- veth ---- vc2 10.199.2.2
#                                 ip_forward=1 (plain path only)
#
#   path "vpnhub": c1 -> 10.77.0.2   frames go vpn0 -> vpnclient -> TLS -> vpnhub ->
#                                    TLS -> vpnclient -> vpn0 (two TLS hops, all user space)
#   path "plain":  c1 -> 10.199.2.2  routed by the hub namespace's kernel over the same
#                                    two veths (routes 10.199.1.0/24 <-> 10.199.2.0/24 are
#                                    added inside the client namespaces only)
#
# Measured, for both paths, in one run (tunnel and plain runs are interleaved so that
# background noise on a shared machine hits both alike):
#   tcp        iperf3 TCP goodput (receiver side), 1 stream and 4 streams (-P 4), c1->c2
#              and c2->c1 (iperf3 -R), DURATION s each, REPEAT times; median reported
#   ping_idle  PINGS ICMP echoes at PING_INTERVAL s, c1 -> c2: avg and p99 of the RTTs
#   ping_load  the same ping while a 1-stream iperf3 c1->c2 runs (latency under load)
#   cpu        (tunnel only) utime+stime of vpnhub and of each vpnclient, read from
#              /proc/PID/stat around every tcp run, divided by the bytes iperf3 moved:
#              CPU seconds per GB (1e9 bytes) of payload; median over runs
#   health     reconnects, warning/fatal lines in the daemons' logs, vpn0 drop and error
#              counters and frames lost inside the tunnel (vpn0 tx_packets of one client
#              minus rx_packets of the other, during the measurements), daemons alive
#
# Output: one JSON object per line on stdout and in bench/results/throughput-<date>.jsonl,
# then a side-by-side table (tunnel, plain, tunnel/plain).  The daemons' logs are kept
# in bench/results/throughput-<date>.logs/.  Needs root, iperf3, python3, ping.
# This is a benchmark: nothing is asserted about the numbers.
#
# Environment: DURATION (10), REPEAT (3), PINGS (50), PING_INTERVAL (0.05),
#              BUILD (build), P (namespace prefix, vb$$), WORK (scratch dir).
set -euo pipefail

cd "$(dirname "$0")/.."
DURATION=${DURATION:-10}
REPEAT=${REPEAT:-3}
PINGS=${PINGS:-50}
PING_INTERVAL=${PING_INTERVAL:-0.05}
P=${P:-vb$$}
# shellcheck source=tests/e2e/lib.sh
source tests/e2e/lib.sh

STAMP=$(date +%Y%m%d-%H%M%S)
RESULTS=bench/results
OUT=$RESULTS/throughput-$STAMP.jsonl
LOGDIR=$RESULTS/throughput-$STAMP.logs
RAW=$WORK/raw.jsonl
PORT=5201
declare -A DST=([vpnhub]=10.77.0.2 [plain]=10.199.2.2)
PATHS=(vpnhub plain)
CLK_TCK=$(getconf CLK_TCK)

[ "$(id -u)" = 0 ] || { log "must run as root (network namespaces)"; exit 2; }
for c in iperf3 python3 ping ip pgrep timeout; do
	command -v "$c" >/dev/null || { log "missing command: $c"; exit 2; }
done
for b in "$VPNHUB" "$VPNCLIENT"; do
	[ -x "$b" ] || { log "$b not built (cmake --build $BUILD --target vpnhub vpnclient)"; exit 2; }
done

# ---------------------------------------------------------------------------------------
# Statistics, JSON and the table (python3).  Subcommands: iperf, ping, report.
PY=$(cat <<'PYEOF'
import json, os, platform, re, statistics, sys

def pct(xs, p):
    """p-th percentile, linear interpolation between closest ranks (numpy default)."""
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

def r(x, n=3):
    return None if x is None else round(x, n)

def iperf_summary(f):
    """(bits/s, bytes, retransmits, error) of an iperf3 --json file, receiver side."""
    try:
        d = json.load(open(f))
    except Exception as e:
        return None, None, None, "unreadable iperf3 json: %s" % e
    if "error" in d:
        return None, None, None, d["error"]
    rcv = d["end"]["sum_received"]
    return rcv["bits_per_second"], rcv["bytes"], d["end"]["sum_sent"].get("retransmits"), None

def cmd_iperf(f, path, streams, direction, rep, tck, *cpu):
    bps, nbytes, retr, err = iperf_summary(f)
    rec = {"kind": "tcp", "path": path, "streams": int(streams), "dir": direction,
           "rep": int(rep), "bps": bps, "bytes": nbytes, "retr": retr, "error": err}
    if cpu:
        rec["cpu_s"] = {cpu[i]: int(cpu[i + 1]) / float(tck) for i in range(0, len(cpu), 2)}
    print(json.dumps(rec))

def cmd_ping(f, path, test, rep, loadf=""):
    txt = open(f).read()
    rtts = [float(x) for x in re.findall(r"time[=<]([0-9.]+) ms", txt)]
    m = re.search(r"(\d+) packets transmitted", txt)
    rec = {"kind": "ping", "path": path, "test": test, "rep": int(rep),
           "sent": int(m.group(1)) if m else 0, "rtts": rtts}
    if loadf:
        bps, _, _, err = iperf_summary(loadf)
        rec["load_bps"] = bps
        rec["load_error"] = err
    print(json.dumps(rec))

CONFIGS = [(1, "c1->c2"), (1, "c2->c1"), (4, "c1->c2"), (4, "c2->c1")]
PROCS = ["vpnhub", "vpnclient-c1", "vpnclient-c2"]

def cmd_report(raw, out, meta_json, health_json):
    recs = [json.loads(l) for l in open(raw) if l.strip()]
    lines = [dict(json.loads(meta_json), test="meta")]
    tcp, ping, cpu = {}, {}, {}
    for path in ("vpnhub", "plain"):
        for streams, d in CONFIGS:
            rs = [x for x in recs if x["kind"] == "tcp" and x["path"] == path
                  and x["streams"] == streams and x["dir"] == d]
            runs = [r(x["bps"] / 1e9) if x["bps"] else None for x in rs]
            o = {"path": path, "test": "tcp", "streams": streams, "dir": d,
                 "gbps": r(med(runs)), "runs": runs,
                 "retr": med([x["retr"] for x in rs]),
                 "failed": sum(1 for x in rs if x["error"])}
            errs = sorted({x["error"] for x in rs if x["error"]})
            if errs:
                o["errors"] = errs
            tcp[path, streams, d] = o
            lines.append(o)
        for test in ("ping_idle", "ping_load"):
            rs = [x for x in recs if x["kind"] == "ping" and x["path"] == path
                  and x["test"] == test]
            per = [{"avg": statistics.mean(x["rtts"]) if x["rtts"] else None,
                    "p99": pct(x["rtts"], 99)} for x in rs]
            allr = [t for x in rs for t in x["rtts"]]
            sent = sum(x["sent"] for x in rs)
            o = {"path": path, "test": test,
                 "avg_ms": r(med([p["avg"] for p in per])),
                 "p99_ms": r(med([p["p99"] for p in per])),
                 "p50_ms": r(pct(allr, 50)), "max_ms": r(max(allr) if allr else None),
                 "sent": sent, "lost": sent - len(allr),
                 "runs": [{"avg_ms": r(p["avg"]), "p99_ms": r(p["p99"])} for p in per]}
            if test == "ping_load":
                o["load_gbps"] = r(med([x["load_bps"] / 1e9 if x.get("load_bps") else None
                                        for x in rs]))
            ping[path, test] = o
            lines.append(o)
    tr = [x for x in recs if x["kind"] == "tcp" and x["path"] == "vpnhub" and x.get("cpu_s")
          and x["bytes"]]
    for proc in PROCS:
        for streams, d in CONFIGS:
            rs = [x for x in tr if x["streams"] == streams and x["dir"] == d]
            runs = [r(x["cpu_s"][proc] / (x["bytes"] / 1e9)) for x in rs]
            o = {"path": "vpnhub", "test": "cpu", "proc": proc, "streams": streams, "dir": d,
                 "s_per_gb": r(med(runs)), "runs": runs}
            cpu[proc, streams, d] = o
            lines.append(o)
        tot_b = sum(x["bytes"] for x in tr)
        tot_s = sum(x["cpu_s"][proc] for x in tr)
        o = {"path": "vpnhub", "test": "cpu", "proc": proc, "streams": "all", "dir": "all",
             "s_per_gb": r(tot_s / (tot_b / 1e9)) if tot_b else None,
             "cpu_s": r(tot_s, 2), "gb": r(tot_b / 1e9)}
        cpu[proc, "all", "all"] = o
        lines.append(o)
    lines.append(dict(json.loads(health_json), path="vpnhub", test="health"))

    with open(out, "w") as fo:
        for o in lines:
            s = json.dumps(o)
            print(s)
            fo.write(s + "\n")

    def fmt(x, w=10, n=2):
        return ("%*.*f" % (w, n, x)) if x is not None else "%*s" % (w, "-")

    def ratio(a, b):
        return a / b if a is not None and b else None

    meta = lines[0]
    print()
    print("vpnhub vs plain veth  (%s, %s build, %s CPUs, load %s -> %s, DURATION=%s s, REPEAT=%s, medians)"
          % (meta["date"], meta["build_type"] or "?", meta["cpus"], meta["loadavg_start"].split()[0],
             meta["loadavg_end"].split()[0], meta["duration_s"], meta["repeat"]))
    print("%-34s%10s%10s%14s" % ("", "tunnel", "plain", "tunnel/plain"))
    for streams, d in CONFIGS:
        a, b = tcp["vpnhub", streams, d]["gbps"], tcp["plain", streams, d]["gbps"]
        label = "TCP %d stream%s %s [Gbit/s]" % (streams, "s" if streams > 1 else " ", d)
        print("%-34s%s%s%s" % (label, fmt(a), fmt(b), fmt(ratio(a, b), 14, 3)))
    for test, name in (("ping_idle", "ping idle"), ("ping_load", "ping under load")):
        for k, kn in (("avg_ms", "avg"), ("p99_ms", "p99")):
            a, b = ping["vpnhub", test][k], ping["plain", test][k]
            print("%-34s%s%s%s" % ("%s %s [ms]" % (name, kn), fmt(a, 10, 3), fmt(b, 10, 3),
                                   fmt(ratio(a, b), 14, 1)))
    for test, name in (("ping_idle", "ping idle"), ("ping_load", "ping under load")):
        a, b = ping["vpnhub", test], ping["plain", test]
        print("%-34s%10s%10s" % (name + " lost/sent", "%d/%d" % (a["lost"], a["sent"]),
                                 "%d/%d" % (b["lost"], b["sent"])))
    a, b = ping["vpnhub", "ping_load"]["load_gbps"], ping["plain", "ping_load"]["load_gbps"]
    print("%-34s%s%s%s" % ("load during ping [Gbit/s]", fmt(a), fmt(b), fmt(ratio(a, b), 14, 3)))
    print()
    print("CPU seconds per GB through the tunnel (utime+stime / 1e9 payload bytes)")
    hdr = ["1s c1->c2", "1s c2->c1", "4s c1->c2", "4s c2->c1", "all runs"]
    print("%-16s" % "" + "".join("%11s" % h for h in hdr))
    for proc in PROCS:
        vals = [cpu[proc, s, d]["s_per_gb"] for s, d in CONFIGS] + [cpu[proc, "all", "all"]["s_per_gb"]]
        print("%-16s" % proc + "".join(fmt(v, 11, 3) for v in vals))
    h = lines[-1]
    print()
    drops = sum(v for c in h["vpn0_drops"].values() for v in c.values())
    lost = h["tunnel_lost_frames"]
    print("health: reconnects c1=%s c2=%s, warning/fatal log lines=%s, failed iperf3 runs=%d, "
          "daemons alive at end=%s"
          % (h["reconnects"]["c1"], h["reconnects"]["c2"], h["log_warnings"],
             sum(o.get("failed", 0) for o in tcp.values()),
             "yes" if all(h["daemons_alive"].values()) else h["daemons_alive"]))
    print("        vpn0 drops+errors=%d, frames lost in the tunnel c1->c2 %d of %d, c2->c1 %d of %d, "
          "tunnel TCP retransmits (sum of medians)=%d"
          % (drops, lost["c1->c2"], h["tunnel_frames"]["c1->c2"], lost["c2->c1"],
             h["tunnel_frames"]["c2->c1"],
             sum(o["retr"] or 0 for k, o in tcp.items() if k[0] == "vpnhub")))
    print("results: %s" % out)

cmd, args = sys.argv[1], sys.argv[2:]
{"iperf": cmd_iperf, "ping": cmd_ping, "report": cmd_report}[cmd](*args)
PYEOF
)
py() { python3 -c "$PY" "$@"; }

# ---------------------------------------------------------------------------------------
DAEMONS=()   # "name pid" of vpnhub and both vpnclients, filled in once they run

cleanup() {
	local rc=$? d
	set +e
	trap - EXIT INT TERM
	if [ -d "$WORK" ]; then
		# stop the daemons politely first so their logs end with the shutdown
		for d in "${DAEMONS[@]}"; do kill -TERM "${d#* }" 2>/dev/null; done
		sleep 0.5
		mkdir -p "$LOGDIR"
		cp "$WORK"/*.log "$RAW" "$LOGDIR"/ 2>/dev/null
	fi
	topo_down >/dev/null 2>&1
	[ "$rc" = 0 ] || log "throughput.sh failed (exit $rc); daemon logs in $LOGDIR"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# cpu_ticks PID: utime+stime (all threads) in clock ticks.  Fields 14 and 15 of
# /proc/PID/stat, counted after the ")" that ends the command name.
cpu_ticks() {
	local s
	s=$(<"/proc/$1/stat")
	s=${s##*) }
	# shellcheck disable=SC2086
	set -- $s
	echo $((${12} + ${13}))
}

# check_daemons: abort (and tear down) when vpnhub or a vpnclient has exited.
check_daemons() {
	local d
	for d in "${DAEMONS[@]}"; do
		[ -d "/proc/${d#* }" ] && continue
		log "${d% *} (pid ${d#* }) has exited; see $LOGDIR; aborting"
		exit 1
	done
}

start_iperf_server() {
	if [ -f "$WORK/iperf3.pid" ]; then
		kill "$(<"$WORK/iperf3.pid")" 2>/dev/null || true
		sleep 0.5
	fi
	ns c2 iperf3 -s -D -p "$PORT" --pidfile "$WORK/iperf3.pid" --logfile "$WORK/iperf3-server.log"
	wait_for "iperf3 server" 10 ns c2 bash -c "ss -ltn | grep -q ':$PORT '"
}

# iperf_client TIMEOUT ARGS...: iperf3 client in c1, JSON on stdout.
iperf_client() {
	local t=$1; shift
	timeout "$t" ip netns exec "$P-c1" iperf3 -p "$PORT" --connect-timeout 5000 --json "$@" 2>>"$WORK/iperf3-client.log"
}

# tcp_run PATH STREAMS DIR REP: one iperf3 run, one raw record.
tcp_run() {
	local path=$1 streams=$2 dir=$3 rep=$4 f d cpu=() before=() i=0
	local rev=()
	[ "$dir" = "c2->c1" ] && rev=(-R)
	f=$WORK/tcp-$path-$streams-${dir/->/-}-$rep.json
	check_daemons
	for d in "${DAEMONS[@]}"; do before+=("$(cpu_ticks "${d#* }")"); done
	if ! iperf_client $((DURATION + 30)) -c "${DST[$path]}" -t "$DURATION" -P "$streams" \
		"${rev[@]}" >"$f"; then
		log "  warning: iperf3 $path $streams $dir failed (see $LOGDIR); restarting server"
		check_daemons
		start_iperf_server
	fi
	check_daemons
	if [ "$path" = vpnhub ]; then
		for d in "${DAEMONS[@]}"; do
			cpu+=("${d% *}" $(($(cpu_ticks "${d#* }") - before[i++])))
		done
	fi
	py iperf "$f" "$path" "$streams" "$dir" "$rep" "$CLK_TCK" "${cpu[@]}" >>"$RAW"
}

# ping_run PATH TEST REP: TEST is ping_idle or ping_load (1-stream iperf3 c1->c2 meanwhile).
ping_run() {
	local path=$1 test=$2 rep=$3 f lf="" lp load_t
	f=$WORK/$test-$path-$rep.txt
	check_daemons
	if [ "$test" = ping_load ]; then
		lf=$WORK/load-$path-$rep.json
		# long enough to cover 1 s of ramp-up plus the whole ping
		load_t=$(python3 -c "import math; print(max($DURATION, math.ceil($PINGS * $PING_INTERVAL) + 3))")
		iperf_client $((load_t + 30)) -c "${DST[$path]}" -t "$load_t" -P 1 >"$lf" &
		lp=$!
		sleep 1
	fi
	ns c1 ping -n -c "$PINGS" -i "$PING_INTERVAL" -W 1 "${DST[$path]}" >"$f" 2>&1 || true
	if [ -n "$lf" ] && ! wait "$lp"; then
		log "  warning: load iperf3 ($path) failed; restarting server"
		start_iperf_server
	fi
	py ping "$f" "$path" "$test" "$rep" "$lf" >>"$RAW"
}

# vpn0_counters: drop and error counters of vpn0 in c1 and c2, as one JSON object.
vpn0_counters() {
	local i
	for i in 1 2; do ns "c$i" ip -s -j link show vpn0; done | python3 -c '
import json, sys
out = {}
for i, line in enumerate(sys.stdin, 1):
    s = json.loads(line)[0]["stats64"]
    out["c%d" % i] = {"rx_dropped": s["rx"]["dropped"], "tx_dropped": s["tx"]["dropped"],
                      "rx_errors": s["rx"]["errors"], "tx_errors": s["tx"]["errors"],
                      "rx_packets": s["rx"]["packets"], "tx_packets": s["tx"]["packets"]}
print(json.dumps(out))'
}

# progress line for the last raw record
show() { tail -n 1 "$RAW" | python3 -c '
import json, statistics, sys
x = json.loads(sys.stdin.read())
if x["kind"] == "tcp":
    s = "%.3f Gbit/s" % (x["bps"] / 1e9) if x["bps"] else "FAILED: %s" % x["error"]
    c = " ".join("%s=%.2fs" % kv for kv in x.get("cpu_s", {}).items())
    print("  %-6s tcp P%d %s rep %d: %s %s" % (x["path"], x["streams"], x["dir"], x["rep"], s, c))
else:
    t = x["rtts"]
    s = "avg %.3f ms, %d/%d replies" % (statistics.mean(t), len(t), x["sent"]) if t else "no replies"
    print("  %-6s %s rep %d: %s" % (x["path"], x["test"], x["rep"], s))
' >&2; }

# ---------------------------------------------------------------------------------------
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)   # the machine may be shared: note how busy it was
log "topology $P (2 clients), work dir $WORK, load average $LOAD0"
topo_up 2
# plain path: the hub namespace routes between the two veth subnets
ns hub sysctl -qw net.ipv4.ip_forward=1
ns c1 ip route add 10.199.2.0/24 via 10.199.1.1
ns c2 ip route add 10.199.1.0/24 via 10.199.2.1

start_hub
client_profile 1 DEFAULT alice alice-pw
client_profile 2 DEFAULT bob bob-pw
start_client 1
start_client 2
wait_connected 1
wait_connected 2
wait_for "ping through the tunnel" 15 ns c1 ping -c 1 -W 1 -q 10.77.0.2 >/dev/null
wait_for "ping over the plain path" 5 ns c1 ping -c 1 -W 1 -q 10.199.2.2 >/dev/null
DAEMONS=("vpnhub $HUB_PID" "vpnclient-c1 ${CLIENT_PID[1]}" "vpnclient-c2 ${CLIENT_PID[2]}")
log "daemons: ${DAEMONS[*]}"
start_iperf_server

: >"$RAW"
counters0=$(vpn0_counters)   # drops during the measurements only, not during setup
for ((rep = 1; rep <= REPEAT; rep++)); do
	log "repetition $rep/$REPEAT (DURATION=$DURATION s)"
	for cfg in "1 c1->c2" "1 c2->c1" "4 c1->c2" "4 c2->c1"; do
		for path in "${PATHS[@]}"; do
			tcp_run "$path" "${cfg% *}" "${cfg#* }" "$rep"
			show
			sleep 1
		done
	done
	for test in ping_idle ping_load; do
		for path in "${PATHS[@]}"; do
			ping_run "$path" "$test" "$rep"
			show
			sleep 1
		done
	done
done

# health of the tunnel over the whole run
reconn() { echo $(($(grep -c 'connected to hub' "$WORK/c$1.log" || true) - 1)); }
warnings=$(cat "$WORK"/hub.log "$WORK"/c1.log "$WORK"/c2.log | grep -c 'warning: \|fatal: ' || true)
# vpn0 tx_packets counts the frames the local vpnclient read from the TAP, rx_packets the
# frames the remote vpnclient wrote into its TAP: the difference is what the tunnel lost
# (client, hub queues, client), as the only other vpn0 is the one peer.
drops=$(vpn0_counters | python3 -c '
import json, sys
before = json.loads(sys.argv[1]); after = json.loads(sys.stdin.read())
d = {c: {k: after[c][k] - before[c][k] for k in after[c]} for c in after}
print(json.dumps({"vpn0_drops": {c: {k: v for k, v in d[c].items() if "packets" not in k} for c in d},
                  "tunnel_lost_frames": {"c1->c2": d["c1"]["tx_packets"] - d["c2"]["rx_packets"],
                                         "c2->c1": d["c2"]["tx_packets"] - d["c1"]["rx_packets"]},
                  "tunnel_frames": {"c1->c2": d["c1"]["tx_packets"],
                                    "c2->c1": d["c2"]["tx_packets"]}})[1:-1])' "$counters0")
alive=$(for d in "${DAEMONS[@]}"; do
	[ -d "/proc/${d#* }" ] && a=true || a=false
	printf '"%s":%s\n' "${d% *}" "$a"
done | paste -sd, -)
health=$(printf '{"reconnects":{"c1":%d,"c2":%d},"log_warnings":%d,%s,"daemons_alive":{%s}}' \
	"$(reconn 1)" "$(reconn 2)" "$warnings" "$drops" "$alive")
meta=$(printf '{"date":"%s","kernel":"%s","cpus":%d,"loadavg_start":"%s","loadavg_end":"%s","duration_s":%s,"repeat":%d,"pings":%d,"ping_interval_s":%s,"iperf3":"%s","build":"%s","build_type":"%s"}' \
	"$(date -Iseconds)" "$(uname -r)" "$(nproc)" "$LOAD0" "$(cut -d' ' -f1-3 /proc/loadavg)" \
	"$DURATION" "$REPEAT" "$PINGS" "$PING_INTERVAL" \
	"$(iperf3 --version | head -n 1 | awk '{print $2}')" "$BUILD" \
	"$(sed -n 's/^CMAKE_BUILD_TYPE:STRING=//p; s/^SANITIZE:STRING=\(..*\)/sanitize=\1/p' \
		"$BUILD/CMakeCache.txt" 2>/dev/null | paste -sd' ' -)")

mkdir -p "$RESULTS"
py report "$RAW" "$OUT" "$meta" "$health"
