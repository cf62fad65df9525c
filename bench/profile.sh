#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Where vpnhub's and the clients' CPU time goes: perf (cpu-clock samples, which need no
# hardware counters) on the hub and both clients during one iperf3 run through the
# tunnel (topology of tests/e2e/lib.sh), then the share of each symbol and the hub's
# system calls per MB.
#
# usage: sudo bench/profile.sh [-t SECONDS] [-P STREAMS] [-R] [-b BUILD]
# Output: perf reports (self time per symbol, per process) on stdout; perf.data files in
# bench/results/profile-<date>-<time>/.  Needs perf (linux-perf), iperf3, root.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=10 STREAMS=1 REV=() BUILD=build
while getopts "t:P:Rb:h" o; do
	case $o in
	t) DURATION=$OPTARG ;;
	P) STREAMS=$OPTARG ;;
	R) REV=(-R) ;;
	b) BUILD=$OPTARG ;;
	*) sed -n '2,12p' "$0" >&2; exit 2 ;;
	esac
done
P=${P:-vprof$$}
export BUILD P
# shellcheck source=tests/e2e/lib.sh
source tests/e2e/lib.sh
OUT=bench/results/profile-$(date +%Y%m%d-%H%M%S)
trap 'mkdir -p "$OUT"; cp "$WORK"/*.log "$WORK"/*.data "$OUT"/ 2>/dev/null; topo_down' EXIT
command -v perf >/dev/null || { log "perf missing (apt-get install linux-perf)"; exit 2; }

two_clients
ns c2 iperf3 -s -D -p 5201 --pidfile "$WORK/iperf3.pid"
wait_for "iperf3 server" 10 ns c1 ping -c1 -W1 -q 10.77.0.2 >/dev/null
sleep 1
declare -A PID=([hub]=$HUB_PID [c1]=${CLIENT_PID[1]} [c2]=${CLIENT_PID[2]})
perfs=()
for k in hub c1 c2; do
	perf record -q -e cpu-clock -F 1999 -g -p "${PID[$k]}" -o "$WORK/$k.data" \
		-- sleep "$((DURATION - 1))" 2>/dev/null &
	perfs+=($!)
done
ticks() { awk '{sub(/.*\) /, ""); print $12 + $13}' "/proc/$1/stat"; }
declare -A T0=()
for k in hub c1 c2; do T0[$k]=$(ticks "${PID[$k]}"); done
io0=$(awk '/syscr|syscw/{s+=$2} END{print s}' "/proc/$HUB_PID/io")
ns c1 iperf3 -c 10.77.0.2 -p 5201 -t "$DURATION" -P "$STREAMS" "${REV[@]}" -J >"$WORK/iperf.json"
io1=$(awk '/syscr|syscw/{s+=$2} END{print s}' "/proc/$HUB_PID/io")
declare -A SPG=()
gb=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["end"]["sum_received"]["bytes"] / 1e9)' "$WORK/iperf.json")
for k in hub c1 c2; do
	SPG[$k]=$(python3 -c "print(($(ticks "${PID[$k]}") - ${T0[$k]}) / $(getconf CLK_TCK) / $gb)")
done
wait "${perfs[@]}"
python3 - "$WORK/iperf.json" "$((io1 - io0))" <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))["end"]
mb = e["sum_received"]["bytes"] / 1e6
print("iperf3: %.2f Gbit/s, %d retransmits; hub read/write system calls per MB: %.0f"
      % (e["sum_received"]["bits_per_second"] / 1e9, e["sum_sent"].get("retransmits", 0),
         int(sys.argv[2]) / mb))
PY
for k in hub c1 c2; do
	perf report -i "$WORK/$k.data" --no-children --sort dso,sym -g none --stdio -q 2>/dev/null \
		>"$WORK/$k.report.log"
	python3 bench/perfcat.py "$k" "${SPG[$k]}" <"$WORK/$k.report.log"
	echo "  top symbols:"
	grep '%' "$WORK/$k.report.log" | head -12
done
