#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/pktlog.sh: what packet logging costs the forwarding path.  64-byte
# frames through the hub, in frames/s, with the packet log off, at header
# level and at full level (every frame logged: PACKET_LOG_ETHERNET), in one
# run: the levels are switched by SIGHUP reloads, interleaved REPEAT times so
# that background load hits each alike.
#
#   ns c1: badpeer flood (alice) --TLS-- [vpnhub, hub DEFAULT] --TLS-- ns c2: badpeer sink (bob)
#
# The sender writes 512 frames per TLS record; the sink counts the frames it
# receives.  The sender outruns the sink, so source pacing (docs/congestion.md)
# is off: it would slow the flood to a trickle and measure nothing.  Every
# frame the hub reads is logged, also those it cannot queue for the sink, so
# the hub's input rate is printed too.  Lines written and records dropped
# come from the hub's own counters (vpnhubctl stats).  The cost of a level is
# the median over the rounds of (rate at that level / rate with the log off
# in the same round).  With FPS set, the sender is paced to FPS frames/s
# instead: what the log keeps when the machine is not saturated.  Numbers
# only, no pass/fail.
# Usage (root): [BUILD=build-rel] [DURATION=10] [REPEAT=5] [FPS=N] bench/pktlog.sh
set -u
cd "$(dirname "$0")/.." && source tests/e2e/lib.sh
: "${DURATION:=10}" "${REPEAT:=5}"
BADPEER=$BUILD/badpeer
CFG=$WORK/SoftHUB.cfg
LOGS=$WORK/logs
trap topo_down EXIT
[ -n "${KEEP:-}" ] && trap - EXIT

# config LEVEL: every frame at LEVEL (0 = packet log off)
config() {
	# no rotation mid-run; EXTRA_CONF: one more Vpnhub item, e.g. "bool CongestionControl false"
	hub_conf "$CFG" "string LogDir $LOGS" "uint LogMaxFileSize 1048576" "bool SourcePacing false" \
		${EXTRA_CONF:+"$EXTRA_CONF"}
	printf '\t\t\tdeclare LogSetting\n\t\t\t{\n\t\t\t\tbool SavePacketLog true\n\t\t\t\tuint PACKET_LOG_ETHERNET %s\n\t\t\t}\n' \
		"$1" >"$WORK/logsetting"
	sed -i "/^\t\tdeclare DEFAULT$/{n;r $WORK/logsetting
}" "$CFG"
}

sink_count() { sed -n 's/^frames //p' "$WORK/sink.out" | tail -1; }
# "frames_in packet_written packet_dropped" of hub DEFAULT
hub_counts() {
	"$BUILD/vpnhubctl" -s "$WORK/admin.sock" stats --json | python3 -c '
import json, sys
s = json.load(sys.stdin)
print(s["frames_in"], s["log_records"]["packet_written"], s["log_records"]["packet_dropped"])'
}
now() { date +%s.%N; }
# CPU time of the hub process (every thread, the logger's included), in clock ticks
hub_ticks() { awk '{ print $14 + $15 }' "/proc/$HUB_PID/stat"; }
HZ=$(getconf CLK_TCK)
median() { printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

topo_up 2
config 0
start_hub
ns c2 "$BADPEER" 10.199.2.1 5555 DEFAULT bob bob-pw sink >"$WORK/sink.out" 2>&1 &
SINK=$!
wait_for "sink logged in" 10 grep -q counting "$WORK/sink.out" || exit 1
ns c1 "$BADPEER" 10.199.1.1 5555 DEFAULT alice alice-pw flood ${FPS:-} >"$WORK/flood.out" 2>&1 &
FLOOD=$!
CLIENT_PID=([1]=$FLOOD [2]=$SINK)
wait_for "flood running" 10 grep -q flooding "$WORK/flood.out" || exit 1

names=(off header full)
declare -a RATE0 RATE1 RATE2 IN1 IN2 LINES1 LINES2 DROP1 DROP2 NS0 NS1 NS2 VS1 VS2
for ((r = 0; r < REPEAT; r++)); do
	for level in 0 1 2; do
		rm -f "$LOGS"/DEFAULT/packet*.log
		config "$level"
		kill -HUP "$HUB_PID" # reload, and reopen the log files
		sleep 2
		t0=$(now) c0=$(sink_count) k0=$(hub_ticks)
		read -r in0 w0 d0 < <(hub_counts)
		sleep "$DURATION"
		t1=$(now) c1=$(sink_count) k1=$(hub_ticks)
		read -r in1 w1 d1 < <(hub_counts)
		dt=$(echo "$t1 - $t0" | bc -l)
		rate=$(echo "($c1 - $c0) / $dt" | bc)
		inrate=$(echo "($in1 - $in0) / $dt" | bc)
		lines=$(echo "($w1 - $w0) / $dt" | bc)
		drops=$(echo "($d1 - $d0) / $dt" | bc)
		# hub CPU nanoseconds per frame read: less sensitive to other load than the rate
		ns=$(echo "($k1 - $k0) * 1000000000 / $HZ / ($in1 - $in0)" | bc)
		echo "round $((r + 1)) ${names[$level]}: $rate frames/s forwarded, $inrate read," \
			"$lines lines/s written, $drops records/s dropped, hub CPU $ns ns/frame read"
		eval "RATE$level[r]=$rate NS$level[r]=$ns"
		if ((level > 0)); then
			eval "IN$level[r]=$inrate LINES$level[r]=$lines DROP$level[r]=$drops"
			eval "VS$level[r]=$(echo "$rate / ${RATE0[r]}" | bc -l)"
		fi
	done
done
printf '{"level":"off","frames_per_s":%.0f,"hub_cpu_ns_per_frame":%.0f}\n' \
	"$(median "${RATE0[@]}")" "$(median "${NS0[@]}")"
for level in 1 2; do
	eval 'rates=("${RATE'$level'[@]}") ins=("${IN'$level'[@]}") lines=("${LINES'$level'[@]}")'
	eval 'drops=("${DROP'$level'[@]}") nss=("${NS'$level'[@]}") vs=("${VS'$level'[@]}")'
	printf '{"level":"%s","frames_per_s":%.0f,"frames_read_per_s":%.0f,"lines_per_s":%.0f,"dropped_per_s":%.0f,"vs_off":%.3f,"hub_cpu_ns_per_frame":%.0f}\n' \
		"${names[$level]}" "$(median "${rates[@]}")" "$(median "${ins[@]}")" \
		"$(median "${lines[@]}")" "$(median "${drops[@]}")" "$(median "${vs[@]}")" \
		"$(median "${nss[@]}")"
done
grep "records dropped" "$WORK/hub.log" | tail -2 | sed 's/^/# /'
stop_all
