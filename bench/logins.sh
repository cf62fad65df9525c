#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# bench/logins.sh [BUILD] [PENDING] [SESSIONS]: what logins and idle connections cost
# the hub, measured on its resident memory (VmRSS) in one run:
#   - memory per pending handshake: PENDING idle TCP connections (no TLS) from one
#     namespace, VmRSS before and while they are held: all silent, then half of
#     them trickling a byte a second (each of those has its thread and TLS state);
#   - logins per second and memory per idle session: SESSIONS idle sessions (badpeer
#     idle, 50 at a time), time to log them all in, VmRSS before and after;
#   - memory after the attack: VmRSS once they have all gone.
# Prints the numbers; asserts nothing (a shared machine is noisy).
set -u
cd "$(dirname "$0")/.." && export BUILD=${1:-build}
PENDING=${2:-1000}
SESSIONS=${3:-1000}
source tests/e2e/lib.sh
trap topo_down EXIT
BADPEER=$BUILD/badpeer

rss_kb() { sed -n 's/^VmRSS:[[:space:]]*\([0-9]*\) kB/\1/p' "/proc/$HUB_PID/status"; }

topo_up 3
hub_conf "$WORK/SoftHUB.cfg" "uint MaxPendingPerSource $((PENDING + 100))" \
	"uint MaxPendingHandshakes $((PENDING + 100))" "uint MaxSessions $((SESSIONS + 100))" \
	"uint HubMaxSessions $((SESSIONS + 100))"
start_hub
sleep 1
base=$(rss_kb)

# hold_pending MODE: PENDING connections from c3, silent or half of them trickling a
# byte a second (trickle), measured once they are all open and again 3 s later
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
hold_pending silent
hold_pending trickle

before=$(rss_kb)
start=$(date +%s%N)
for ((i = 0; i < SESSIONS; i++)); do
	ns c$((i % 2 + 1)) "$BADPEER" "10.199.$((i % 2 + 1)).1" 5555 DEFAULT bob bob-pw idle \
		>>"$WORK/idle.log" 2>&1 &
	((i % 50 == 49)) && wait_for "batch" 60 count_ge $((i + 1)) "badpeer: logged in" "$WORK/idle.log"
done
wait_for "all sessions" 120 count_ge "$SESSIONS" "badpeer: logged in" "$WORK/idle.log"
ms=$((($(date +%s%N) - start) / 1000000))
after=$(rss_kb)
echo "idle sessions: $SESSIONS logged in in $ms ms ($((SESSIONS * 1000 / (ms > 0 ? ms : 1))) logins/s," \
	"50 in flight); VmRSS $before -> $after kB: $(((after - before) * 1024 / SESSIONS)) bytes each"
ip netns pids "$P-c1" | xargs -r kill 2>/dev/null
ip netns pids "$P-c2" | xargs -r kill 2>/dev/null
sleep 15 # the hub notices the closed sockets
echo "after the attack: VmRSS $(rss_kb) kB (baseline $base kB)"
