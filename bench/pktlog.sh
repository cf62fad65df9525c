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
# receives.  Also printed: packet log lines written per second, and the
# records the logger dropped.  Numbers only, no pass/fail.
# Usage (root): [BUILD=build-rel] [DURATION=10] [REPEAT=3] bench/pktlog.sh
set -u
cd "$(dirname "$0")/.." && source tests/e2e/lib.sh
: "${DURATION:=10}" "${REPEAT:=3}"
BADPEER=$BUILD/badpeer
CFG=$WORK/SoftHUB.cfg
LOGS=$WORK/logs
PKT=$LOGS/DEFAULT/packet.log
trap topo_down EXIT
[ -n "${KEEP:-}" ] && trap - EXIT

# config LEVEL: every frame at LEVEL (0 = packet log off)
config() {
	hub_conf "$CFG" "string LogDir $LOGS" "uint LogMaxFileSize 1048576" # no rotation mid-run
	printf '\t\t\tdeclare LogSetting\n\t\t\t{\n\t\t\t\tbool SavePacketLog true\n\t\t\t\tuint PACKET_LOG_ETHERNET %s\n\t\t\t}\n' \
		"$1" >"$WORK/logsetting"
	sed -i "/^\t\tdeclare DEFAULT$/{n;r $WORK/logsetting
}" "$CFG"
}

sink_count() { sed -n 's/^frames //p' "$WORK/sink.out" | tail -1; }
lines() { if [ -f "$PKT" ]; then wc -l <"$PKT"; else echo 0; fi; }
now() { date +%s.%N; }
# CPU time of the hub process (every thread, the logger's included), in clock ticks
hub_ticks() { awk '{ print $14 + $15 }' "/proc/$HUB_PID/stat"; }
HZ=$(getconf CLK_TCK)

topo_up 2
config 0
start_hub
ns c2 "$BADPEER" 10.199.2.1 5555 DEFAULT bob bob-pw sink >"$WORK/sink.out" 2>&1 &
SINK=$!
wait_for "sink logged in" 10 grep -q counting "$WORK/sink.out" || exit 1
ns c1 "$BADPEER" 10.199.1.1 5555 DEFAULT alice alice-pw flood >"$WORK/flood.out" 2>&1 &
FLOOD=$!
CLIENT_PID=([1]=$FLOOD [2]=$SINK)
wait_for "flood running" 10 grep -q flooding "$WORK/flood.out" || exit 1

declare -A SUM=() LSUM=() NSUM=()
names=(off header full)
for ((r = 1; r <= REPEAT; r++)); do
	for level in 0 1 2; do
		rm -f "$LOGS"/DEFAULT/packet*.log
		config "$level"
		kill -HUP "$HUB_PID" # reload, and reopen the log files
		sleep 2
		c0=$(sink_count) l0=$(lines) t0=$(now) k0=$(hub_ticks)
		sleep "$DURATION"
		c1=$(sink_count) l1=$(lines) t1=$(now) k1=$(hub_ticks)
		rate=$(echo "($c1 - $c0) / ($t1 - $t0)" | bc)
		lrate=$(echo "($l1 - $l0) / ($t1 - $t0)" | bc)
		# hub CPU nanoseconds per forwarded frame: less sensitive to other load than the rate
		ns=$(echo "($k1 - $k0) * 1000000000 / $HZ / ($c1 - $c0)" | bc)
		echo "run $r ${names[$level]}: $rate frames/s forwarded, $lrate lines/s logged, hub CPU $ns ns/frame"
		SUM[$level]=$((${SUM[$level]:-0} + rate))
		LSUM[$level]=$((${LSUM[$level]:-0} + lrate))
		NSUM[$level]=$((${NSUM[$level]:-0} + ns))
	done
done
off=$((SUM[0] / REPEAT))
for level in 0 1 2; do
	avg=$((SUM[$level] / REPEAT))
	printf '{"level":"%s","frames_per_s":%d,"logged_lines_per_s":%d,"vs_off":%.3f,"hub_cpu_ns_per_frame":%d}\n' \
		"${names[$level]}" "$avg" $((LSUM[$level] / REPEAT)) "$(echo "$avg / $off" | bc -l)" \
		$((NSUM[$level] / REPEAT))
done
grep "records dropped" "$WORK/hub.log" | tail -3 | sed 's/^/# /'
stop_all
