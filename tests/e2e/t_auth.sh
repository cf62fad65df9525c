#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Login and verification: each failure a user can meet gives its own plain
# message and exit code; hubs are isolated from each other.
#
#   c1 (alice) --TLS-- [hub DEFAULT]        c3 (dave) --TLS-- [hub OTHER]
#   c2: the client under test with a broken profile, one case at a time
set -u
cd "$(dirname "$0")/../.." && source tests/e2e/lib.sh
trap topo_down EXIT

# run_client I: runs client I in the foreground (bounded), records exit code and output
run_client() {
	local i=$1
	timeout 30 ip netns exec "$P-c$i" "$VPNCLIENT" connect "$WORK/c$i.conf" >"$WORK/run$i.out" 2>&1
	RC=$?
}
expect() { # expect EXITCODE TEXT
	[ "$RC" -eq "$1" ] && grep -q -- "$2" "$WORK/run2.out"
}

topo_up 3
# nothing listens yet: unreachable hub
hub_conf "$WORK/SoftHUB.cfg"
FINGERPRINT=00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF
client_profile 2 DEFAULT bob bob-pw "reconnect = no" "connect_timeout = 3"
run_client 2
assert "unreachable hub: exit 4 and a clear message" expect 4 "cannot reach hub 10.199.2.1:5555: Connection refused"

start_hub
client_profile 1 DEFAULT alice alice-pw
start_client 1

client_profile 2 DEFAULT bob wrong-pw
run_client 2
assert "wrong password: exit 3, told in plain words" expect 3 "wrong user name or password"
assert "wrong password logged by the hub" grep -q "(user bob): rejected: wrong password" "$WORK/hub.log"

client_profile 2 default BOB bob-pw
start_client 2
assert "hub and user names are case-insensitive" wait_connected 2
kill "${CLIENT_PID[2]}"; wait "${CLIENT_PID[2]}" 2>/dev/null; : >"$WORK/c2.log"

client_profile 2 DEFAULT mallory whatever
run_client 2
assert "unknown user: same answer as a wrong password" expect 3 "wrong user name or password"
# a failure soon after another from the same source is summed up, name kept (authfail.h);
# one 10 s or more after it starts an episode of its own, logged in full
assert "the second failure from c2 is logged, with the name tried" wait_for "mallory" 15 \
	grep -qE "\(user mallory\): rejected: no such user|failed logins from 10\.199\.2\.2 to hub DEFAULT: 1 more in [0-9]+ s \(users mallory\)" \
	"$WORK/hub.log"

client_profile 2 NOSUCHHUB bob bob-pw
run_client 2
assert "unknown hub: exit 3 and named" expect 3 "no such virtual hub"

good_fp=$FINGERPRINT
# flip the first byte (to 00, or to FF when it already is 00)
bad=00; [ "${good_fp:0:2}" = 00 ] && bad=FF
FINGERPRINT=$bad${good_fp:2}
client_profile 2 DEFAULT bob bob-pw
run_client 2
assert "wrong pinned fingerprint: refused before login" expect 3 "TLS verification failed: the hub's certificate fingerprint is"
FINGERPRINT=$good_fp

sed -i '/^fingerprint/d' "$WORK/c2.conf"
echo "ca = $WORK/state/hub.crt" >>"$WORK/c2.conf"
echo "verify_name = wrong.example" >>"$WORK/c2.conf"
run_client 2
assert "CA file with the wrong host name: verification failure" expect 3 "certificate verification failed"

sed -i '/^verify_name/d' "$WORK/c2.conf"
echo "verify_name = $(hostname)" >>"$WORK/c2.conf"
start_client 2
assert "CA file + host name verification: connects" wait_connected 2
assert "ping c1 -> c2 over the CA-verified session" wait_for "ping" 10 ping_ok c1 10.77.0.2 1
kill "${CLIENT_PID[2]}"; wait "${CLIENT_PID[2]}" 2>/dev/null
assert "SIGTERM: client says goodbye" wait_for "bye" 5 grep -q "bob@DEFAULT.*closed: client disconnected" "$WORK/hub.log"

client_profile 2 DEFAULT bob bob-pw "verify = none"
sed -i '/^fingerprint/d' "$WORK/c2.conf"
: >"$WORK/c2.log"
start_client 2
assert "verify = none connects" wait_connected 2
assert "verify = none warns loudly" grep -q "WARNING: the hub's certificate is NOT verified" "$WORK/c2.log"
kill "${CLIENT_PID[2]}"; wait "${CLIENT_PID[2]}" 2>/dev/null

client_profile 2 DEFAULT bob bob-pw
unpriv=$(mktemp /tmp/vpnhub-unpriv.XXXXXX); cp "$WORK/c2.conf" "$unpriv"; chmod 644 "$unpriv"
RC=0; timeout 10 ip netns exec "$P-c2" setpriv --reuid=65534 --regid=65534 --clear-groups \
	--inh-caps=-all --bounding-set=-all "$VPNCLIENT" connect "$unpriv" >"$WORK/run2.out" 2>&1 || RC=$?
rm -f "$unpriv"
assert "no CAP_NET_ADMIN: device creation failure explained" expect 1 "needs CAP_NET_ADMIN"

printf 'server = 10.199.2.1\nhub = DEFAULT\nuser = bob\nbogus = 1\n' >"$WORK/c2.conf"
run_client 2
assert "bad profile key: file:line and exit 2" expect 2 "c2.conf:4: unknown key \"bogus\""

# a third client on hub OTHER sees nothing of hub DEFAULT
client_profile 3 OTHER dave dave-pw
start_client 3
wait_connected 3
refute "c3 (hub OTHER) cannot ping c1 (hub DEFAULT)" ping_ok c3 10.77.0.1 2
ns c1 sysctl -qw net.ipv4.icmp_echo_ignore_broadcasts=0
refute "c3's broadcast does not reach hub DEFAULT" bash -c \
	"ip netns exec $P-c3 ping -b -c 2 -i 0.3 -W 1 10.77.0.255 2>&1 | grep -q 'from 10.77.0.1'"
finish
