#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Lossy-link benchmark: the hub's congestion control versus plain tail-drop
# (docs/congestion.md), on a transport link with 50 ms delay and 0, 1 and 5 % loss.
#
# Topology (tests/e2e/lib.sh topo_up 2; every address lives in namespaces made here):
#
#   ns $P-c1                      ns $P-hub                        ns $P-c2
#   vpn0 10.77.0.1  ============  vpnhub :5555  ==== lossy ====  vpn0 10.77.0.2
#   vc1 10.199.1.2 ---- veth ---- vh1 10.199.1.1
#                                 vh2 10.199.2.1 ---- veth ---- vc2 10.199.2.2
#                                 tc netem on vh2 (hub -> c2): delay 50 ms, loss L %,
#                                 rate RATE Mbit/s behind BUFFER_MS of buffer
#
# Kernels without sch_netem (Firecracker VMs among them): the vh2 <-> vc2 veth is
# replaced by two TAP devices joined by bench/linkemu.py, which applies the same delay
# and loss to frames from the hub to c2 in user space.  The JSON says which was used.
#
# The rate limit makes the lossy link the bottleneck, as a wireless or mobile link is:
# the inner TCP can then send faster than the outer connection to c2 drains, and the
# hub's queue for c2 is where the difference between the two modes shows.
#
# For each loss rate L in LOSSES and each mode, in one run (modes interleaved so that
# background noise on a shared machine hits both alike, REPEAT times):
#   cc        CongestionControl true (the default)
#   taildrop  CongestionControl false: plain tail-drop at QueueFrames / QueueBytes
# the hub and both clients are restarted with that mode, then iperf3 TCP c1 -> c2 runs
# for DURATION s (the inner TCP rides the lossy outer TLS connection: TCP over TCP)
# while c1 pings c2 every 0.2 s (the latency the inner traffic sees under load).
#
# Output: one JSON line per run on stdout and in bench/results/lossy-<date>.jsonl, then
# a table: goodput (median Mbit/s), inner retransmits, ping RTT median under load, for
# cc and taildrop side by side.  The daemons' logs go to bench/results/lossy-<date>.logs/.
# This is a benchmark: nothing is asserted about the numbers.
#
# TCP congestion control of the inner flow: TCP_CC (cubic; iperf3 -C), loss-based as on
# most clients, which is where TCP over TCP melts down.  The outer TLS connections use
# the system's default (net.ipv4.tcp_congestion_control, recorded in the JSON).
#
# Environment: DURATION (20), REPEAT (1), LOSSES ("0 1 5"), RATE (20 Mbit/s),
#              BUFFER_MS (100), TCP_CC (cubic), BUILD (build), P (vl$$).
set -euo pipefail

cd "$(dirname "$0")/.."
DURATION=${DURATION:-20}
REPEAT=${REPEAT:-1}
LOSSES=${LOSSES:-0 1 5}
TCP_CC=${TCP_CC:-cubic}
RATE=${RATE:-20}
BUFFER_MS=${BUFFER_MS:-100}
P=${P:-vl$$}
# shellcheck source=tests/e2e/lib.sh
source tests/e2e/lib.sh

STAMP=$(date +%Y%m%d-%H%M%S)
RESULTS=bench/results
OUT=$RESULTS/lossy-$STAMP.jsonl
LOGDIR=$RESULTS/lossy-$STAMP.logs
MODES=(cc taildrop)
USERS=([1]=alice [2]=bob) # of hub_conf's hub DEFAULT

[ "$(id -u)" = 0 ] || { log "must run as root (network namespaces)"; exit 2; }
for c in iperf3 python3 ping ip tc; do
	command -v "$c" >/dev/null || { log "missing command: $c"; exit 2; }
done
mkdir -p "$RESULTS" "$LOGDIR"
EMU_PID=
stop_emu() {
	if [ -n "$EMU_PID" ]; then
		kill "$EMU_PID" 2>/dev/null || true
		wait "$EMU_PID" 2>/dev/null || true
	fi
	EMU_PID=
	return 0
}
trap 'stop_emu; topo_down' EXIT

has_netem() {
	local n="$P-probe" rc=0
	ip netns add "$n"
	ip netns exec "$n" tc qdisc add dev lo root netem delay 1ms 2>/dev/null || rc=1
	ip netns del "$n"
	return $rc
}
if has_netem; then EMULATOR=netem; else EMULATOR=linkemu; fi
log "link emulation: $EMULATOR"

# lossy_link LOSS: hub -> c2 gets 50 ms delay, LOSS % loss and the rate limit
# (netem, else linkemu.py).
lossy_link() {
	if [ "$EMULATOR" = netem ]; then
		ns hub tc qdisc replace dev vh2 root netem delay 50ms loss "${1}%" rate "${RATE}mbit" \
			limit $((RATE * 1000000 / 8 * (BUFFER_MS + 50) / 1000 / 1500 + 1))
		return
	fi
	stop_emu
	ns hub ip link del vh2 2>/dev/null || true # the veth pair, or the last run's TAP
	rm -f "$WORK/emu.ready"
	python3 bench/linkemu.py "$P-lh" "$P-lc" 50 "$1" "$RATE" "$BUFFER_MS" "$WORK/emu.ready" &
	EMU_PID=$!
	wait_for "link emulator" 10 test -f "$WORK/emu.ready"
	ip link set "$P-lh" netns "$P-hub" name vh2
	ip link set "$P-lc" netns "$P-c2" name vc2
	ns hub ip addr add 10.199.2.1/24 dev vh2
	ns hub ip link set vh2 up
	ns c2 ip addr add 10.199.2.2/24 dev vc2
	ns c2 ip link set vc2 up
}

# run_mode MODE LOSS REP: fresh hub and clients in MODE; one iperf3 + ping; one JSON line.
run_mode() {
	local mode=$1 loss=$2 rep=$3 cc=true tag="$1-loss$2-rep$3" i
	[ "$mode" = taildrop ] && cc=false
	hub_conf "$WORK/SoftHUB.cfg" "bool CongestionControl $cc"
	lossy_link "$loss"
	start_hub
	for i in 1 2; do
		client_profile "$i" DEFAULT "${USERS[$i]}" "${USERS[$i]}-pw"
		start_client "$i"
	done
	wait_connected 1 && wait_connected 2
	ping_ok c1 10.77.0.2 >/dev/null 2>&1 || true
	ns c2 iperf3 -s -D -1 -p 5201 --logfile "$WORK/iperf-s.log"
	wait_for "iperf3 server" 5 ns c2 bash -c "ss -ltn | grep -q :5201"
	ns c1 ping -i 0.2 -w "$DURATION" 10.77.0.2 >"$WORK/ping.out" 2>&1 &
	local ping_pid=$!
	ns c1 timeout $((DURATION + 60)) iperf3 -c 10.77.0.2 -p 5201 -t "$DURATION" -C "$TCP_CC" -J \
		>"$WORK/iperf.json" 2>&1 || true
	wait "$ping_pid" || true
	python3 - "$mode" "$loss" "$rep" "$WORK/iperf.json" "$WORK/ping.out" "$EMULATOR" "$TCP_CC" "$(sysctl -n net.ipv4.tcp_congestion_control)" "$RATE" "$BUFFER_MS" <<'PYEOF' | tee -a "$OUT"
import json, re, statistics, sys
mode, loss, rep, jf, pf, emu, tcp_cc, outer_cc = sys.argv[1:9]
rec = {"mode": mode, "loss_pct": float(loss), "rep": int(rep), "delay_ms": 50, "emulator": emu,
       "rate_mbit": float(sys.argv[9]), "buffer_ms": float(sys.argv[10]),
       "inner_cc": tcp_cc, "outer_cc": outer_cc}
try:
    d = json.load(open(jf))
    rec["error"] = d.get("error")
    rec["mbps"] = round(d["end"]["sum_received"]["bits_per_second"] / 1e6, 1)
    rec["retr"] = d["end"]["sum_sent"].get("retransmits")
except Exception as e:
    rec["error"] = "iperf3: %s" % e
rtts = [float(x) for x in re.findall(r"time[=<]([0-9.]+) ms", open(pf).read())]
m = re.search(r"(\d+) packets transmitted, (\d+) received", open(pf).read())
if m:
    rec["ping_sent"], rec["ping_recv"] = int(m.group(1)), int(m.group(2))
rec["rtt_med_ms"] = round(statistics.median(rtts), 1) if rtts else None
rec["rtt_max_ms"] = round(max(rtts), 1) if rtts else None
print(json.dumps(rec))
PYEOF
	stop_all
	for f in hub c1 c2; do mv "$WORK/$f.log" "$LOGDIR/$f-$tag.log"; done
}

topo_up 2
for ((rep = 1; rep <= REPEAT; rep++)); do
	for loss in $LOSSES; do
		for mode in "${MODES[@]}"; do run_mode "$mode" "$loss" "$rep"; done
	done
done

python3 - "$OUT" <<'PYEOF'
import json, statistics, sys
recs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None
def cell(mode, loss, key):
    v = med([r.get(key) for r in recs if r["mode"] == mode and r["loss_pct"] == loss])
    return "-" if v is None else ("%.1f" % v if isinstance(v, float) else str(v))
print("\nTCP c1 -> c2 through the hub; hub -> c2 link: delay 50 ms, loss, rate limit (median of runs)")
print("%-7s %14s %14s %12s %12s %14s %14s" % ("loss", "cc Mbit/s", "taildrop Mbit/s",
      "cc retr", "taildrop retr", "cc RTT ms", "taildrop RTT ms"))
for loss in sorted({r["loss_pct"] for r in recs}):
    print("%-7s %14s %14s %12s %12s %14s %14s" % ("%g%%" % loss,
          cell("cc", loss, "mbps"), cell("taildrop", loss, "mbps"),
          cell("cc", loss, "retr"), cell("taildrop", loss, "retr"),
          cell("cc", loss, "rtt_med_ms"), cell("taildrop", loss, "rtt_med_ms")))
PYEOF
