#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Scale-out (docs/scale-out.md): HAProxy in TCP mode in front of 3 hubs that share
# one certificate and serve one Ethernet segment, joined by cascades in a
# triangle (the loop guard blocks one link).
#
#   30 clients (ns $P-cI, 10.197.0.(I+10) on a bridge in $P-lb)
#     --> HAProxy 10.197.0.1:5555 in $P-lb --> hubs A, B, C (10.196.N.2, veths from $P-lb)
#   A ==l1== B ==l2== C ==l3== A
#
# The clients spread over the hubs; two clients on different hubs ping each other;
# the hub between the ends of the blocked link is killed with SIGKILL: its clients are
# back (through HAProxy, on the others) within a time printed here, the clients of the
# other two keep their sessions, and the ping loss between them across the kill is
# printed (their direct link, blocked until then, takes over).
set -u
cd "$(dirname "$0")/../.."
. tests/e2e/lib.sh
. tests/e2e/cascade_lib.sh
N=${SCALEOUT_CLIENTS:-30}
trap mh_down EXIT

mh_scaleout
assert "the three hubs share one certificate" test "${FP[A]}" = "${FP[B]}" -a "${FP[B]}" = "${FP[C]}"

for ((i = 1; i <= N; i++)); do
	ip netns add "$P-c$i"
	ns "c$i" ip link set lo up
	ip link add "$P-x$i" type veth peer name "$P-y$i"
	ip link set "$P-x$i" netns "$P-lb"
	ip link set "$P-y$i" netns "$P-c$i" name eth0
	ns lb ip link set "$P-x$i" master br0 up
	ns "c$i" ip addr add "10.197.0.$((i + 10))/16" dev eth0
	ns "c$i" ip link set eth0 up
	FINGERPRINT=${FP[A]} SERVER=10.197.0.1:5555 client_profile "$i" DEFAULT user user-pw \
		"mac = 02:00:00:00:00:$(printf %02x "$i")"
done
t0=$(date +%s.%N)
for ((i = 1; i <= N; i++)); do start_client "$i"; done
all_connected() {
	local i
	for ((i = 1; i <= N; i++)); do count_ge 1 'connected to hub' "$WORK/c$i.log" || return 1; done
}
wait_for "$N clients connected" 60 all_connected
t1=$(date +%s.%N)
assert "$N clients logged in through HAProxy" all_connected
echo "# $N clients logged in through HAProxy in $(echo "$t1 - $t0" | awk '{printf "%.2f", $1 - $3}') s"

# hub_of I: the hub client I is logged in to (its MAC on a "user" session there)
hub_of() {
	local x mac
	mac=$(printf '02-00-00-00-00-%02X' "$1")
	for x in A B C; do
		mh_ctl "$x" --json session list >"$WORK/s.json" 2>/dev/null || continue
		mh_ctl "$x" --json mac table >"$WORK/m.json" 2>/dev/null || continue
		python3 - "$WORK/s.json" "$WORK/m.json" "$mac" <<'PY' && { echo "$x"; return 0; }
import json, sys
s, m, mac = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
users = {e["id"] for e in s if e["user"] == "user"}
norm = lambda t: t.upper().replace(":", "").replace("-", "")
sys.exit(0 if any(norm(e["mac"]) == norm(mac) and e["session"] in users for e in m) else 1)
PY
	done
	return 1
}
# the triangle settles: its links up and the loop guard's block in place, before any ping
wait_for "the loop guard blocks exactly one link of the triangle" 30 mh_one_blocked
assert "the triangle's links are up and exactly one is blocked" mh_one_blocked
# every client speaks once, so every hub learns where it is
pings=()
for ((i = 2; i <= N; i++)); do ns c1 ping -c 1 -W 2 "10.77.0.$i" >/dev/null 2>&1 & pings+=($!); done
wait "${pings[@]}"
declare -A ON=() COUNT=([A]=0 [B]=0 [C]=0)
for ((i = 1; i <= N; i++)); do
	ON[$i]=$(hub_of "$i") && COUNT[${ON[$i]}]=$((COUNT[${ON[$i]}] + 1))
done
echo "# spread: A ${COUNT[A]}, B ${COUNT[B]}, C ${COUNT[C]}"
assert "clients spread over the three hubs (each has at least $((N / 6)))" \
	test "${COUNT[A]}" -ge $((N / 6)) -a "${COUNT[B]}" -ge $((N / 6)) -a "${COUNT[C]}" -ge $((N / 6))
pair_on() { local i; for ((i = 1; i <= N; i++)); do [ "${ON[$i]:-}" = "$1" ] && { echo "$i"; return; }; done; }
a=$(pair_on A); b=$(pair_on B); c=$(pair_on C)
assert "client $a (hub A) pings client $c (hub C)" ping_ok "c$a" "10.77.0.$c" 3
assert "client $b (hub B) pings client $a (hub A)" ping_ok "c$b" "10.77.0.$a" 3
assert "client $c (hub C) pings client $b (hub B)" ping_ok "c$c" "10.77.0.$b" 3
fails=0
for ((i = 2; i <= N; i++)); do ns c1 ping -c 1 -W 2 "10.77.0.$i" >/dev/null 2>&1 || fails=$((fails + 1)); done
assert "client 1 reaches all $((N - 1)) others" test "$fails" -eq 0

# The hub killed is the one between the two ends of the link the loop guard blocked:
# the traffic between the other two hubs crossed it, and their direct link must take
# over (the worst case for "others lose nothing").
read -r _ _ _ K <<<"$(mh_blocked_link || echo "- - - B")"
read -r X Y <<<"$(echo A B C | tr ' ' '\n' | grep -v "^$K$" | tr '\n' ' ')"
x=$(pair_on "$X"); y=$(pair_on "$Y")
echo "# the loop guard blocked the link $X-$Y; hub $K (between them) is killed"
victims=() others=()
for ((i = 1; i <= N; i++)); do
	if [ "${ON[$i]:-}" = "$K" ]; then victims+=("$i"); elif [ -n "${ON[$i]:-}" ]; then others+=("$i"); fi
done
ns "c$x" ping -c 50 -i 0.1 -W 1 "10.77.0.$y" >"$WORK/ping-xy.log" 2>&1 &
ping_pid=$!
sleep 0.5
t0=$(date +%s.%N)
kill -9 "${HPID[$K]}"
wait "${HPID[$K]}" 2>/dev/null
unset "HPID[$K]"
victims_back() {
	local i
	for i in "${victims[@]}"; do count_ge 2 'connected to hub' "$WORK/c$i.log" || return 1; done
}
wait_for "hub $K's clients back" 60 victims_back
t1=$(date +%s.%N)
assert "hub $K's ${#victims[@]} clients logged in again elsewhere" victims_back
echo "# hub $K killed: its ${#victims[@]} clients were all back in $(echo "$t1 - $t0" | awk '{printf "%.2f", $1 - $3}') s"
wait "$ping_pid"
echo "# ping every 100 ms between clients on $X and $Y (their path crossed hub $K) across the kill:" \
	"$(grep -o '[0-9]* received, [0-9.]*% packet loss' "$WORK/ping-xy.log")"
kept=0
for i in "${others[@]}"; do count_ge 2 'connected to hub' "$WORK/c$i.log" || kept=$((kept + 1)); done
assert "the ${#others[@]} clients of hubs $X and $Y kept their sessions" test "$kept" -eq "${#others[@]}"
v=${victims[0]}
wait_for "client $v reaches client $x" 20 ping_ok "c$v" "10.77.0.$x" 1
assert "client $v (was on $K) pings client $x (hub $X) again" ping_ok "c$v" "10.77.0.$x" 3
assert "client $v (was on $K) pings client $y (hub $Y) again" ping_ok "c$v" "10.77.0.$y" 3

finish
