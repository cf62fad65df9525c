#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Scale-out benchmark (docs/scale-out.md): logins per second through HAProxy (TCP
# mode) to 3 hubs joined by cascades, beside the same logins to one of those hubs
# directly, in the same run (rounds interleaved, so background noise hits both).
#
#   ns $P-lb: the logins' source, and HAProxy on 10.197.0.1:5555
#     --> hubs A, B, C (10.196.N.2:5555, one certificate), A==B==C==A cascades
#
#   path "direct":  LOGINS logins to hub A at 10.196.1.2
#   path "haproxy": LOGINS logins to 10.197.0.1 (HAProxy, roundrobin over A, B, C)
#
# A login is a real session (tests/e2e/badpeer idle: TLS, HELLO, SCRAM proof,
# WELCOME) kept open until the round ends; INFLIGHT logins are started at a time and
# the next batch waits for them.  Per round and path: the time from the first start
# to the last WELCOME; the sessions are then closed and the hubs drained before the
# next run.  Medians over REPEAT rounds; the ratio haproxy/direct.
# Environment: LOGINS (150), INFLIGHT (30), REPEAT (3), BUILD (build), P (vso$$).
# Needs root.  A benchmark: nothing is asserted about the numbers.  On a machine
# with fewer cores than hubs, the 3 hubs share the cores (and with the clients'
# own key derivation), so the ratio shows HAProxy's cost more than the scale-out.
set -uo pipefail
cd "$(dirname "$0")/.."
LOGINS=${LOGINS:-150}
INFLIGHT=${INFLIGHT:-30}
REPEAT=${REPEAT:-3}
P=${P:-vso$$}
source tests/e2e/lib.sh
source tests/e2e/cascade_lib.sh
[ "$(id -u)" = 0 ] || { log "must run as root (network namespaces)"; exit 2; }
BADPEER=$BUILD/badpeer
trap mh_down EXIT

mh_scaleout "uint MaxPendingPerSource $((INFLIGHT + 50))" "uint LoginBackoff 0"
sleep 2 # the links are up and HAProxy has seen every hub healthy

# user_sessions: logged-in "user" sessions on the three hubs (cascades log in as "link")
user_sessions() {
	local x t=0
	for x in A B C; do
		t=$((t + $(mh_ctl "$x" --json session list |
			python3 -c 'import json,sys; print(sum(e["user"] == "user" for e in json.load(sys.stdin)))')))
	done
	echo "$t"
}
no_sessions() { [ "$(user_sessions)" -eq 0 ]; }

declare -A RATE=()
run() { # run PATH ADDRESS
	local path=$1 addr=$2 i start ms pids=() out="$WORK/$1.$RANDOM.log"
	start=$(date +%s%N)
	for ((i = 0; i < LOGINS; i++)); do
		# ip netns exec execs badpeer: $! is its PID
		ip netns exec "$P-lb" "$BADPEER" "$addr" 5555 DEFAULT user user-pw idle >>"$out" 2>&1 &
		pids+=($!)
		if ((i % INFLIGHT == INFLIGHT - 1 || i == LOGINS - 1)); then
			wait_for "batch" 60 count_ge $((i + 1)) "badpeer: logged in" "$out" ||
				{ log "$path: only $(grep -c 'badpeer: logged in' "$out") of $((i + 1)) logged in"; break; }
		fi
	done
	ms=$((($(date +%s%N) - start) / 1000000))
	echo "# $path: $LOGINS logins in $ms ms; sessions per hub: $(for x in A B C; do
		printf '%s %s ' "$x" "$(mh_ctl "$x" --json session list |
			python3 -c 'import json,sys; print(sum(e["user"] == "user" for e in json.load(sys.stdin)))')"
	done)"
	RATE[$path]+="$(python3 -c "print($LOGINS * 1000 / max($ms, 1))") "
	kill "${pids[@]}" 2>/dev/null
	wait "${pids[@]}" 2>/dev/null
	wait_for "sessions closed" 30 no_sessions || log "$path: sessions still open after 30 s"
}
for ((r = 1; r <= REPEAT; r++)); do
	run direct 10.196.1.2
	run haproxy 10.197.0.1
done
median() { python3 -c 'import statistics,sys; print("%.1f" % statistics.median(map(float, sys.argv[1:])))' "$@"; }
printf '%-8s %12s   (%d logins, %d in flight, %d rounds)\n' path logins/s "$LOGINS" "$INFLIGHT" "$REPEAT"
for p in direct haproxy; do
	# shellcheck disable=SC2086
	printf '%-8s %12s   rounds: %s\n' "$p" "$(median ${RATE[$p]})" "${RATE[$p]}"
done
# shellcheck disable=SC2086
echo "haproxy (3 hubs) / direct (1 hub) logins/s: $(python3 -c "print('%.2f' % ($(median ${RATE[haproxy]}) / $(median ${RATE[direct]})))")"
