#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Bridge-port benchmark: throughput and CPU per GB from a remote client to an office
# host through each kind of local bridge, beside client-to-client through the hub,
# in the same run (rounds interleaved, so background noise hits every path alike).
#
# Topology (tests/e2e/lan_lib.sh; every address lives in namespaces made here):
#
#   c1 alice 10.77.0.1 --TLS--.                     .-- tap_office -- brh -- up0 ==veth== br0
#   c2 bob   10.77.0.2 --TLS--+- vpnhub DEFAULT ----'                     office 10.77.0.10
#   c3 dave  10.77.0.3 --TLS--+- vpnhub OTHER ------ lan0 (AF_PACKET) ==veth== br0
#
#   path "client": c1 -> c2          TLS session to TLS session (two client sessions)
#   path "tap":    c1 -> office      TLS session to the TAP bridge port
#   path "direct": c3 -> office      TLS session to the direct (AF_PACKET) bridge port
#
# Each path: iperf3 one TCP stream, both directions (-R), DURATION s, REPEAT rounds.
# CPU: utime+stime of vpnhub and of the sending/receiving vpnclient around each run,
# divided by the bytes iperf3 moved (CPU seconds per GB of payload).  Medians.
# The bridge port replaces a client session on one side of the hub, so "bridge/client"
# of vpnhub's CPU per GB compares a bridge port with a client session (target: <= 1.10).
#
# Output: JSON lines on stdout and in bench/results/bridge-<date>.jsonl, then a table.
# Environment: DURATION (5), REPEAT (3), PATHS ("client tap direct"), BUILD (build),
# P (vbb$$).  Needs root.  The daemons' logs are kept in bench/results/bridge-<date>.logs/.
# This is a benchmark: nothing is asserted about the numbers.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-5}
REPEAT=${REPEAT:-3}
PATHS=${PATHS:-client tap direct}
P=${P:-vbb$$}
source tests/e2e/lib.sh
source tests/e2e/lan_lib.sh
[ "$(id -u)" = 0 ] || { log "must run as root (network namespaces)"; exit 2; }
STAMP=$(date +%Y%m%d-%H%M%S)
mkdir -p bench/results
OUT=bench/results/bridge-$STAMP.jsonl
RAW=$WORK/raw.jsonl
CLK_TCK=$(getconf CLK_TCK)
cleanup() {
	[ -f "$WORK/dnsmasq.pid" ] && kill "$(cat "$WORK/dnsmasq.pid")" 2>/dev/null
	stop_all
	mkdir -p "bench/results/bridge-$STAMP.logs"
	cp "$WORK"/*.log "$RAW" "bench/results/bridge-$STAMP.logs/" 2>/dev/null
	topo_down >/dev/null 2>&1
}
trap cleanup EXIT

# cpu_ticks PID: utime+stime (all threads) in clock ticks.
cpu_ticks() {
	local s
	s=$(<"/proc/$1/stat")
	s=${s##*) }
	# shellcheck disable=SC2086
	set -- $s
	echo $((${12} + ${13}))
}

topo_up 3
office_up
office_services
lan_conf "0 office DEFAULT true" "1 lan0 OTHER false"
sed -i 's/\t\t\t\tbool SavePacketLog true/\t\t\t\tbool SavePacketLog false/' "$CFG"
start_hub
wait_for "tap_office" 10 tap_exists && enslave_tap
client_profile 1 DEFAULT alice alice-pw
client_profile 2 DEFAULT bob bob-pw
client_profile 3 OTHER dave dave-pw
for i in 1 2 3; do start_client "$i"; done
for i in 1 2 3; do wait_connected "$i"; done
ns c2 iperf3 -s -D -p 5201 --logfile "$WORK/iperf-c2.log"
ns office iperf3 -s -D -p 5201 --logfile "$WORK/iperf-office.log"
wait_for "iperf3 servers" 10 bash -c "ip netns exec $P-c2 ss -ltn | grep -q :5201 &&
	ip netns exec $P-office ss -ltn | grep -q :5201"
for d in 10.77.0.2 10.77.0.10; do ping_ok c1 "$d" 2 >/dev/null; done
ping_ok c3 10.77.0.10 2 >/dev/null

declare -A SRC=([client]=1 [tap]=1 [direct]=3) DST=([client]=10.77.0.2 [tap]=10.77.0.10 [direct]=10.77.0.10)
# idle round-trip time per path: 40 pings at 50 ms, before the bulk runs
for path in $PATHS; do
	ns "c${SRC[$path]}" ping -c 40 -i 0.05 -W 1 "${DST[$path]}" 2>/dev/null |
		sed -n 's|.*= [0-9.]*/\([0-9.]*\)/.*|{"path": "'"$path"'", "dir": "ping", "avg_ms": \1}|p' |
		tee -a "$RAW"
done
for ((rep = 1; rep <= REPEAT; rep++)); do
	for path in $PATHS; do
		for dir in fwd rev; do
			c=${SRC[$path]}
			h0=$(cpu_ticks "$HUB_PID") s0=$(cpu_ticks "${CLIENT_PID[$c]}")
			ns "c$c" iperf3 -c "${DST[$path]}" -p 5201 -t "$DURATION" -J \
				$([ "$dir" = rev ] && echo -R) >"$WORK/run.json" 2>>"$WORK/iperf-client.log" || true
			h1=$(cpu_ticks "$HUB_PID") s1=$(cpu_ticks "${CLIENT_PID[$c]}")
			python3 - "$WORK/run.json" "$path" "$dir" "$rep" "$((h1 - h0))" "$((s1 - s0))" \
				"$CLK_TCK" <<'PY' | tee -a "$RAW"
import json, sys
f, path, d, rep, hub, cli, tck = sys.argv[1:]
try:
    j = json.load(open(f)); err = j.get("error"); rcv = j["end"]["sum_received"]
    bps, nbytes = rcv["bits_per_second"], rcv["bytes"]
except Exception as e:
    err, bps, nbytes = str(e), None, None
print(json.dumps({"path": path, "dir": d, "rep": int(rep), "bps": bps, "bytes": nbytes,
                  "hub_cpu_s": int(hub) / float(tck), "client_cpu_s": int(cli) / float(tck),
                  "error": err}))
PY
		done
	done
done

python3 - "$RAW" "$OUT" "$DURATION" "$REPEAT" "$(cut -d' ' -f1-3 /proc/loadavg)" "$PATHS" <<'PY'
import json, statistics, sys
raw, out, dur, rep, load, paths = sys.argv[1:]
paths = paths.split()
recs = [json.loads(l) for l in open(raw) if l.strip()]
pings = {x["path"]: x["avg_ms"] for x in recs if x.get("dir") == "ping"}
recs = [x for x in recs if x.get("dir") != "ping"]
def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None
rows = {}
with open(out, "w") as fo:
    for path in paths:
        for d in ("fwd", "rev"):
            rs = [x for x in recs if x["path"] == path and x["dir"] == d and x["bytes"]]
            o = {"test": "bridge", "path": path, "dir": d,
                 "gbps": med([x["bps"] / 1e9 for x in rs]),
                 "hub_s_per_gb": med([x["hub_cpu_s"] / (x["bytes"] / 1e9) for x in rs]),
                 "client_s_per_gb": med([x["client_cpu_s"] / (x["bytes"] / 1e9) for x in rs]),
                 "runs": len(rs), "failed": sum(1 for x in recs if x["path"] == path
                                               and x["dir"] == d and x["error"])}
            if d == "fwd":
                o["idle_rtt_ms"] = pings.get(path)
            rows[path, d] = o
            print(json.dumps(o)); fo.write(json.dumps(o) + "\n")
def f(x, n=2):
    return "%8.*f" % (n, x) if x is not None else "%8s" % "-"
print("\nbridge ports vs client sessions (DURATION=%s s, REPEAT=%s, medians, load at end %s)"
      % (dur, rep, load.split()[0]))
print("%-8s %-4s %8s %12s %14s %16s %12s" % ("path", "dir", "Gbit/s", "hub s/GB",
      "client s/GB", "hub s/GB vs client", "idle RTT ms"))
for path in paths:
    for d in ("fwd", "rev"):
        o, c = rows[path, d], rows.get(("client", d), {"hub_s_per_gb": None})
        ratio = (o["hub_s_per_gb"] / c["hub_s_per_gb"]
                 if o["hub_s_per_gb"] and c["hub_s_per_gb"] else None)
        print("%-8s %-4s %s %12s %14s %16s %12s" % (path, d, f(o["gbps"]), f(o["hub_s_per_gb"], 3),
              f(o["client_s_per_gb"], 3), f(ratio), f(pings.get(path), 3) if d == "fwd" else ""))
print("fwd: from the remote client; rev: to it (iperf3 -R).  Results: %s" % out)
PY
