#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/logins.sh [BUILD] [PENDING] [SESSIONS...]: what logins, pending handshakes and
# idle sessions cost the hub, and what 10,000 idle sessions cost two active clients.
# One run, measured on the hub's resident memory (VmRSS):
#   - memory per pending handshake: PENDING (1000) idle TCP connections (no TLS) from
#     one namespace, all silent, then half of them trickling a TLS record a byte a second,
#     then each sending a whole ClientHello and stalling;
#   - for each SESSIONS count (1000 10000): logins per second and memory per idle session,
#     the sessions held by one `badpeer hold` process in c3 (WINDOW, 8, logins in flight,
#     real TLS and SCRAM logins as bob), and VmRSS once they have all ended;
#   - throughput: two real vpnclients (c1 alice, c2 carol) with iperf3 -t DURATION (5)
#     c1 -> c2 over the hub, on an empty hub and with the largest SESSIONS count held,
#     alternating, ROUNDS (3) times; medians and their ratio;
#   - memory after everything ended, against the baseline before anything.
# The hub runs with its default KeepAlive (5 s) and Timeout (20 s). Prints the numbers;
# asserts nothing (a shared machine is noisy). Needs root, iperf3, python3.
set -u
cd "$(dirname "$0")/.." && export BUILD=${1:-build}
PENDING=${2:-1000}
shift $(($# > 2 ? 2 : $#))
COUNTS=("$@")
((${#COUNTS[@]})) || COUNTS=(1000 10000)
WINDOW=${WINDOW:-8}
ROUNDS=${ROUNDS:-3}
DURATION=${DURATION:-5}
source tests/e2e/lib.sh
trap topo_down EXIT
BADPEER=$BUILD/badpeer
MAX=0
for n in "${COUNTS[@]}"; do ((n > MAX)) && MAX=$n; done

# two fds per session in the hub (its socket and its queue's eventfd), one in badpeer;
# both inherit this limit. Without CAP_SYS_RESOURCE the hard limit cannot be raised:
# the largest count is then lowered to what fits.
NOFILE=$((2 * MAX + 2 * PENDING + 1024))
(($(ulimit -Hn) < NOFILE)) && ! ulimit -n "$NOFILE" 2>/dev/null &&
	{ ulimit -Sn "$(ulimit -Hn)"; }
if ((2 * MAX + 512 > $(ulimit -Hn))); then
	FIT=$((($(ulimit -Hn) - 512) / 2 / 100 * 100))
	echo "fd hard limit $(ulimit -Hn) cannot be raised here: $MAX sessions lowered to $FIT"
	for i in "${!COUNTS[@]}"; do ((COUNTS[i] == MAX)) && COUNTS[i]=$FIT; done
	MAX=$FIT
fi

rss_kb() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$HUB_PID/status"; }
threads() { sed -n 's/^Threads:[[:space:]]*//p' "/proc/$HUB_PID/status"; }
# cpu_ticks PID: its utime + stime, in clock ticks
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
CLK_TCK=$(getconf CLK_TCK)
# cpu_pct TICKS0 TICKS1 SECONDS: the CPU used between the two readings, % of a core
cpu_pct() { echo $((($2 - $1) * 100 / CLK_TCK / $3)); }
threads_at_most() { (($(threads) <= $1)); }

topo_up 3
hub_conf "$WORK/SoftHUB.cfg" "uint MaxPendingPerSource $((PENDING + 100))" \
	"uint MaxPendingHandshakes $((PENDING + 100))" "uint MaxSessions $((MAX + 100))" \
	"uint HubMaxSessions $((MAX + 100))"
sed -i 's/uint KeepAlive 2$/uint KeepAlive 5/; s/uint Timeout 8$/uint Timeout 20/' "$WORK/SoftHUB.cfg"
start_hub
sleep 1
base=$(rss_kb)
base_threads=$(threads)
echo "baseline: VmRSS $base kB, $base_threads threads"

# hold_pending MODE: PENDING connections from c3, silent, or half of them trickling a
# byte a second (trickle), or each a whole ClientHello then nothing (hello), measured
# once they are all open and again 3 s later
hold_pending() {
	local mode=$1 held rss1 rss2 before
	before=$(rss_kb)
	ns c3 python3 tests/e2e/hostile.py hold 10.199.3.1 5555 "$PENDING" 4 "$mode" \
		>"$WORK/hold.out" 2>&1 &
	holder=$!
	wait_for "held" 60 grep -q "^open" "$WORK/hold.out"
	rss1=$(rss_kb)
	sleep 3
	rss2=$(rss_kb)
	read -r _ held _ _ < <(head -1 "$WORK/hold.out")
	wait "$holder"
	sleep 22 # reaped at 10 s; the heap trimmed when the episode ends (up to 20 s)
	echo "pending handshakes ($mode): $held held; VmRSS $before -> $rss1 kB:" \
		"$(((rss1 - before) * 1024 / (held > 0 ? held : 1))) bytes each; 3 s later" \
		"$rss2 kB: $(((rss2 - before) * 1024 / (held > 0 ? held : 1))) bytes each"
}
((PENDING > 0)) && { hold_pending silent; hold_pending trickle; hold_pending hello; }

# open_sessions N: N idle sessions from c3 in one badpeer process ($HOLDER); prints
# logins/s and bytes per session
open_sessions() {
	local n=$1 before after line
	before=$(rss_kb)
	PRE_THREADS=$(threads)
	: >"$WORK/idle.log"
	# ip netns exec execs badpeer: $! is its PID
	ip netns exec "$P-c3" "$BADPEER" 10.199.3.1 5555 DEFAULT bob bob-pw hold "$n" "$WINDOW" \
		>"$WORK/idle.log" 2>&1 &
	HOLDER=$!
	wait_for "$n sessions" $((n / 20 + 60)) grep -q "logins/s" "$WORK/idle.log"
	sleep 2 # the sessions' first keep-alives
	after=$(rss_kb)
	line=$(grep "logins/s" "$WORK/idle.log")
	echo "idle sessions: ${line#badpeer: }; hub VmRSS $before -> $after kB:" \
		"$(((after - before) * 1024 / n)) bytes each; $(threads) threads"
}

# close_sessions: kills the holder (all its sessions end at once), waits until the hub
# has ended them, and prints VmRSS then and 10 s later
close_sessions() {
	local t0
	t0=$(date +%s%N)
	kill "$HOLDER" 2>/dev/null
	wait "$HOLDER" 2>/dev/null
	wait_for "sessions ended" 60 threads_at_most "$PRE_THREADS"
	echo "sessions ended in $((($(date +%s%N) - t0) / 1000000)) ms: VmRSS $(rss_kb) kB;" \
		"10 s later $(sleep 10; rss_kb) kB (baseline $base kB)"
}

for n in "${COUNTS[@]}"; do
	((n == MAX)) && continue
	open_sessions "$n"
	close_sessions
done

# throughput: the two clients, iperf3 c1 -> c2 through the hub
client_profile 1 DEFAULT alice alice-pw
client_profile 2 DEFAULT carol carol-pw
start_client 1
start_client 2
wait_connected 1 && wait_connected 2
ip netns exec "$P-c2" iperf3 -s -p 5201 >"$WORK/iperf-s.log" 2>&1 &
IPERF_PID=$! # ip netns exec execs iperf3
ns c1 ping -c 3 -W 2 10.77.0.2 >/dev/null # neighbours learnt
mbps() {
	ns c1 iperf3 -c 10.77.0.2 -p 5201 -t "$DURATION" -J 2>/dev/null | python3 -c \
		'import json,sys; print(round(json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"]/1e6))' \
		2>/dev/null || echo 0
}
empty=() loaded=()
for ((r = 1; r <= ROUNDS; r++)); do
	h1=$(cpu_ticks "$HUB_PID")
	empty+=("$(mbps)")
	echo "round $r: empty hub ${empty[-1]} Mbit/s; CPU during iperf3: hub" \
		"$(cpu_pct "$h1" "$(cpu_ticks "$HUB_PID")" "$DURATION") % of a core"
	open_sessions "$MAX"
	h0=$(cpu_ticks "$HUB_PID") b0=$(cpu_ticks "$HOLDER")
	sleep "$DURATION"
	h1=$(cpu_ticks "$HUB_PID") b1=$(cpu_ticks "$HOLDER")
	loaded+=("$(mbps)")
	h2=$(cpu_ticks "$HUB_PID") b2=$(cpu_ticks "$HOLDER")
	echo "round $r: with $MAX idle sessions ${loaded[-1]} Mbit/s; CPU, % of a core, no" \
		"traffic: hub $(cpu_pct "$h0" "$h1" "$DURATION"), badpeer $(cpu_pct "$b0" "$b1" "$DURATION");" \
		"during iperf3: hub $(cpu_pct "$h1" "$h2" "$DURATION"), badpeer $(cpu_pct "$b1" "$b2" "$DURATION")"
	close_sessions
done
kill "$IPERF_PID" 2>/dev/null
python3 - "${empty[*]}" "${loaded[*]}" "$MAX" <<'PY'
import statistics, sys
e = [float(x) for x in sys.argv[1].split()]
l = [float(x) for x in sys.argv[2].split()]
me, ml = statistics.median(e), statistics.median(l)
print(f"throughput, median of {len(e)}: empty hub {me:.0f} Mbit/s, with {sys.argv[3]} idle "
      f"sessions {ml:.0f} Mbit/s: ratio {ml / me if me else 0:.3f}")
PY
echo "at the end, the two clients still connected: VmRSS $(rss_kb) kB (baseline $base kB)"
stop_all
