#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A hostile internet (issue 16): c3 attacks while alice (c1) and bob (c2) stay
# connected and pinging.
#   - pre-authentication: c3 holds idle and trickling TCP connections past its
#     Vpnhub/MaxPendingPerSource (8 here): the rest are refused at once, one log
#     line counts them, and logins from another source still go through;
#   - impersonation under default settings (no policy): carol on c3 spoofing bob's
#     MAC, a gratuitous ARP for bob's address and a rogue router advertisement
#     are dropped and logged, and so is a neighbour advertisement for bob's IPv6
#     address; with Option/SoftEtherPolicyDefaults the MAC spoof passes
#     (SoftEther's behaviour), a MAC flapping between two sessions logged once
#     and summed up;
#   - wrong passwords from one source are slowed down (per-source back-off) while
#     another source logs in at once;
#   - TLS 1.2 session tickets are not issued;
#   - files: a FIFO as the config path is refused at once; SIGTERM during start-up;
#     stale SoftHUB.cfg.tmp.* files removed;
#   - a hub under a low fd limit warns at start-up and says "out of file descriptors".
#
#   c1 alice 10.77.0.1 --+                 +-- c2 bob 10.77.0.2
#                        [hub DEFAULT]
#   c3 carol 10.77.0.3 --+  (and c3's raw attack sockets)
set -u
cd "$(dirname "$0")/../.." && source tests/e2e/lib.sh
trap topo_down EXIT
HOSTILE=tests/e2e/hostile.py
BADPEER=${BADPEER:-$BUILD/badpeer}
PER_SOURCE=8

# login_from I: a fresh login from client I's address (badpeer), printed with its time.
login_from() {
	local i=$1 start ms rc=0
	start=$(date +%s%N)
	timeout 20 ip netns exec "$P-c$i" "$BADPEER" "10.199.$i.1" 5555 DEFAULT alice alice-pw \
		idle >"$WORK/login$i.out" 2>&1 &
	local pid=$!
	wait_for "login from c$i" 15 grep -q "badpeer: logged in" "$WORK/login$i.out" || rc=1
	ms=$((($(date +%s%N) - start) / 1000000))
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
	echo "# login from c$i during the attack: $ms ms"
	return $rc
}

topo_up 3
hub_conf "$WORK/SoftHUB.cfg" "uint MaxPendingPerSource $PER_SOURCE" "uint LoginBackoff 2000"
# leftovers of a save killed half-way (they hold verifiers): removed at start
touch "$WORK/SoftHUB.cfg.tmp.AbC123"
start_hub
refute "a stale SoftHUB.cfg.tmp.* file is removed at start" test -e "$WORK/SoftHUB.cfg.tmp.AbC123"
client_profile 1 DEFAULT alice alice-pw
client_profile 2 DEFAULT bob bob-pw
client_profile 3 DEFAULT carol carol-pw
for i in 1 2 3; do start_client "$i"; done
for i in 1 2 3; do wait_connected "$i"; done
wait_for "IPv6 ready" 10 no_tentative c3

# ---- pre-authentication: one source holds its share, nobody else notices
hub_threads() { sed -n 's/^Threads:[[:space:]]*//p' "/proc/$HUB_PID/status"; }
threads_before=$(hub_threads)
ns c3 python3 "$HOSTILE" hold 10.199.3.1 5555 40 8 >"$WORK/hold.out" 2>&1 &
holder=$!
wait_for "attack in place" 10 grep -q "^open" "$WORK/hold.out"
read -r _ held _ refused < <(head -1 "$WORK/hold.out")
echo "# c3 opened 40 connections: $held held, $refused closed by the hub at once"
sleep 3 # half of them trickle a TLS record, a byte a second
threads_during=$(hub_threads)
assert "silent and trickling connections wait without a thread ($threads_before -> $threads_during)" \
	test "$threads_during" -le "$threads_before"
assert "c3 holds at most $PER_SOURCE pending handshakes ($held)" test "${held:-99}" -le "$PER_SOURCE"
assert "the rest of c3's connections were refused ($refused)" test "${refused:-0}" -ge 32
assert "a login from c1's address goes through meanwhile" login_from 1
assert "a login from c2's address goes through meanwhile" login_from 2
assert "the established pair loses no ping during the attack" ns c1 ping -c 10 -i 0.2 -W 2 10.77.0.2
assert "refusals counted in one pre-authentication line" wait_for "pre-auth line" 15 \
	grep -qE "refused [1-9][0-9]* at a source's bound .*last 10\.199\.3\.2\)" "$WORK/hub.log"
wait "$holder"
lines=$(grep -c "pre-authentication" "$WORK/hub.log")
echo "# pre-authentication log lines during the attack: $lines"
assert "not one line per refused connection ($lines)" test "$lines" -le 3

# ---- a whole ClientHello, then nothing: the TLS handshake waits in the accept thread
threads_before=$(hub_threads)
ns c3 python3 "$HOSTILE" hold 10.199.3.1 5555 6 4 hello >"$WORK/hello.out" 2>&1 &
holder=$!
wait_for "ClientHellos in place" 10 grep -q "^open" "$WORK/hello.out"
read -r _ held _ _ < <(head -1 "$WORK/hello.out")
threads_during=$(hub_threads)
assert "6 connections stalled after their ClientHello are held ($held)" test "${held:-0}" -eq 6
assert "and hold no thread ($threads_before -> $threads_during)" \
	test "$threads_during" -le "$threads_before"
assert "a login from c1's address goes through meanwhile" login_from 1
wait "$holder"

# ---- failed logins: c3 tries 40 wrong passwords for alice; with Vpnhub/LoginBackoff
# 2000 ms (doubling per failure, at most LoginBackoffMax 30 s) at most 6 can reach the
# password check in the 90 s those delays add up to; the rest are closed at accept
timeout 300 bash -c 'for ((i = 0; i < 40; i++)); do
	ip netns exec "$0-c3" "$1" 10.199.3.1 5555 DEFAULT alice wrong-pw idle >/dev/null 2>&1
	echo try; done' "$P" "$BADPEER" >"$WORK/guess.out" 2>&1
tries=$(grep -c try "$WORK/guess.out")
assert "a login from c1's address goes through at once" login_from 1
assert "the back-off refusals are counted in the pre-authentication line" \
	wait_for "backoff line" 15 grep -qE "[1-9][0-9]* backing off after failed logins" "$WORK/hub.log"

# ---- impersonation, default settings: carol has no policy
bob_mac=$(ns c2 cat /sys/class/net/vpn0/address)
ns c2 ping -c 40 -i 0.2 -W 2 10.77.0.1 >"$WORK/bobping.out" 2>&1 &
bobping=$!
sleep 1
ns c3 ip link set dev vpn0 address "$bob_mac"
ns c3 ping -c 5 -i 0.2 -W 1 10.77.0.1 >/dev/null 2>&1
assert "MAC spoof refused (CheckMac by default) and logged" wait_for "CheckMac" 5 \
	grep -q "(carol): dropping frames (CheckMac)" "$WORK/hub.log"
wait "$bobping"
assert "bob lost no ping while carol spoofed his MAC" grep -q " 0% packet loss" "$WORK/bobping.out"
ns c3 ip link set dev vpn0 address 02:00:00:00:33:33
ns c2 ping -c 2 -i 0.2 -W 1 10.77.0.1 >/dev/null 2>&1 # bob's address is fresh in the table
ns c3 python3 "$HOSTILE" garp vpn0 10.77.0.2
assert "ARP takeover of bob's address refused (CheckIP by default) and logged" \
	wait_for "CheckIP" 5 grep -q "(carol): dropping frames (CheckIP): ARP" "$WORK/hub.log"
assert "c1 still reaches bob at 10.77.0.2" ns c1 bash -c \
	"ip neigh flush dev vpn0; ping -c 3 -i 0.2 -W 2 10.77.0.2"
ns c3 python3 "$HOSTILE" ra vpn0
assert "rogue router advertisement refused (RAFilter by default) and logged" \
	wait_for "RAFilter" 5 grep -q "(carol): dropping frames (RAFilter)" "$WORK/hub.log"
refute "c1 learned no default route from carol" ns c1 bash -c "ip -6 route | grep -q '^default'"
bob_ll=$(ns c2 ip -6 -o addr show dev vpn0 scope link | awk '{ sub("/.*", "", $4); print $4 }')
ns c1 ping -6 -c 2 -i 0.2 -W 2 "$bob_ll%vpn0" >/dev/null 2>&1 # bob's address is fresh in the table
ns c3 python3 "$HOSTILE" na vpn0 "$bob_ll"
assert "a neighbour advertisement for bob's IPv6 address refused (CheckIPv6) and logged" \
	wait_for "CheckIPv6" 5 grep -q "(carol): dropping frames (CheckIPv6)" "$WORK/hub.log"
assert "c1 still has bob's MAC for $bob_ll" ns c1 bash -c \
	"ip -6 neigh show dev vpn0 '$bob_ll' | grep -qi '$bob_mac'"

# ---- the one switch back to SoftEther: Option/SoftEtherPolicyDefaults
sed -i '0,/bool Online true/s//bool Online true\n\t\t\tdeclare Option\n\t\t\t{\n\t\t\t\tbool SoftEtherPolicyDefaults true\n\t\t\t}/' \
	"$WORK/SoftHUB.cfg"
kill -HUP "$HUB_PID"
wait_for "reloaded" 10 grep -q "reloaded" "$WORK/hub.log"
sleep 14 # let CheckMac's 13 s of exclusivity on bob's address pass
ns c2 ping -c 3 -i 0.2 -W 1 10.77.0.1 >/dev/null 2>&1
ns c3 ip link set dev vpn0 address "$bob_mac"
ns c3 ping -c 5 -i 0.2 -W 1 10.77.0.1 >/dev/null 2>&1
assert "with SoftEtherPolicyDefaults, bob's MAC moves to carol (logged)" \
	wait_for "MAC moved" 5 grep -qE "$(echo "$bob_mac" | tr a-f: A-F-).*moved to session .*carol" \
	"$WORK/hub.log"
# bob and carol both send from bob's MAC: it flaps between them, logged once, summed up.
# The move above may have ended its episode (10 s quiet) on a slow machine: then
# the flapping starts one new episode, with one line.
bob_mac_log=$(echo "$bob_mac" | tr a-f: A-F-)
moves_before=$(grep -c "MAC $bob_mac_log (VLAN 0) moved to session" "$WORK/hub.log")
for k in 1 2 3; do
	ns c2 ping -c 1 -W 1 10.77.0.1 >/dev/null 2>&1
	ns c3 ping -c 1 -W 1 10.77.0.1 >/dev/null 2>&1
done
ns c3 ip link set dev vpn0 address 02:00:00:00:33:33
assert "the flapping is summed up in one line when it ends" wait_for "MAC summary" 20 \
	grep -qE "MAC $bob_mac_log \(VLAN 0\) moved [1-9][0-9]* more times in [0-9]+ s, to sessions .*which has ended" \
	"$WORK/hub.log"
moves=$(($(grep -c "MAC $bob_mac_log (VLAN 0) moved to session" "$WORK/hub.log") - moves_before))
assert "at most one line for the start of the 6 moves, not one per move ($moves)" test "$moves" -le 1

# ---- the guesses counted: the first failure of each episode (a source quiet for
# 10 s ends one) has its own line, the rest are summed up per source (authfail.h);
# the 14 s above let the last episode end
first=$(grep -c "10.199.3.2.*(user alice): rejected: wrong password" "$WORK/hub.log")
more=$(sed -n 's/.*failed logins from 10\.199\.3\.2 to hub DEFAULT: \([0-9]*\) more.*/\1/p' \
	"$WORK/hub.log")
answered=$((first + $(echo "$more" | awk '{ s += $1 } END { print s + 0 }')))
echo "# c3 tried $tries wrong passwords; $answered reached the password check ($first logged on their own)"
assert "the back-off let at most 6 of $tries guesses through ($answered)" test "$answered" -le 6
assert "a failed login is logged" test "$first" -ge 1

# ---- TLS 1.2: no session ticket, no resumption
ns c1 openssl s_client -tls1_2 -connect 10.199.1.1:5555 -sess_out "$WORK/sess.pem" \
	</dev/null >"$WORK/s_client.out" 2>&1
refute "no TLS 1.2 session ticket issued" grep -q "TLS session ticket:" "$WORK/s_client.out"
ns c1 openssl s_client -tls1_2 -connect 10.199.1.1:5555 -sess_in "$WORK/sess.pem" \
	</dev/null >"$WORK/s_client2.out" 2>&1
refute "no TLS session resumed" grep -q "^Reused" "$WORK/s_client2.out"
stop_all

# ---- files and signals
mkfifo "$WORK/fifo.cfg"
rc=0; timeout 20 ip netns exec "$P-hub" "$VPNHUB" -c "$WORK/fifo.cfg" >"$WORK/fifo.log" 2>&1 || rc=$?
assert "a FIFO config path is refused at once (exit 2, not hung: $rc)" test "$rc" -eq 2
assert "the FIFO refusal names the cause" grep -q "not a regular file" "$WORK/fifo.log"
# SIGTERM as soon as vpnhub's main has blocked it (its first act, before any thread,
# file or configuration): start-up goes on, then stops in order (exit 0)
ip netns exec "$P-hub" "$VPNHUB" -c "$WORK/SoftHUB.cfg" >"$WORK/early.log" 2>&1 &
early=$!
# (exactly SIGHUP, SIGINT and SIGTERM: a sanitizer's start-up blocks them all for a
# moment; and once ready, main's sigwait shows them unblocked while it waits)
sigterm_blocked() {
	[ "$(sed -n 's/^SigBlk:[[:space:]]*//p' "/proc/$early/status" 2>/dev/null)" = \
		0000000000004003 ] || grep -q "ready" "$WORK/early.log"
}
for ((k = 0; k < 2000; k++)); do sigterm_blocked && break; done
kill -TERM "$early"
rc=0; wait_exit "$early" 30 || rc=$?
assert "SIGTERM right after start ends the hub in order (exit 0, not killed: $rc)" test "$rc" -eq 0
assert "the early SIGTERM was acted on" grep -q "SIGTERM: shutting down" "$WORK/early.log"

# ---- a low file descriptor limit: warned at start, named when reached
hub_conf "$WORK/SoftHUB.cfg" "uint MaxPendingPerSource 200"
# Two limits of different parity: when a pending connection held two
# descriptors (its socket and its queue's eventfd), at one parity the accept
# took the last descriptor and the eventfd failed instead, unreported.
for lim in 48 49; do
	ip netns exec "$P-hub" prlimit --nofile=$lim:$lim "$VPNHUB" -c "$WORK/SoftHUB.cfg" \
		>"$WORK/lowfd$lim.log" 2>&1 &
	HUB_PID=$!
	wait_for "hub ready" 10 grep -q "ready" "$WORK/lowfd$lim.log"
	assert "limit $lim: start-up warns that the fd limit is too low" \
		grep -q "file descriptor limit $lim is below" "$WORK/lowfd$lim.log"
	# 100 idle connections: far more than the descriptors leave room for.
	ns c3 python3 "$HOSTILE" hold 10.199.3.1 5555 100 2 >"$WORK/hold$lim.out" 2>&1
	log "hold: $(tr '\n' ' ' <"$WORK/hold$lim.out")"
	assert "limit $lim: running out says \"out of file descriptors\"" \
		wait_for "the fd message" 10 grep -q "accept: out of file descriptors" "$WORK/lowfd$lim.log"
	assert "limit $lim: after the flood, a login goes through" login_from 1
	assert "limit $lim: the hub is still running" kill -0 "$HUB_PID"
	kill -TERM "$HUB_PID"
	wait_exit "$HUB_PID" 30 >/dev/null
done
finish
