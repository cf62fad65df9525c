#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A stock SoftEther VPN Client (Debian's softether-vpnclient 5.01, driven by
# vpncmd) logs in to vpnhub over SoftEther's own protocol, on the listener
# our clients use:
#   - alice, imported from a SoftEther config (AuthPassword), with the
#     standard password type (secure_password);
#   - carol, who has only our salted verifier, with the RADIUS password type
#     (the plain password inside TLS);
# each pings and runs iperf3 both ways with bob, a vpnclient whose TAP device
# sends GSO super-frames (segmented in software by the hub: no bad checksum
# reaches the SoftEther client's kernel).  A wrong password, an unknown hub,
# a user whose policy denies access and DisableSoftEtherProtocol reach the
# stock client as SoftEther's own error codes.
#
#   c1: SoftEther client, vpn_se 10.77.0.1 --TLS:5555-- [hub DEFAULT] --TLS-- c2: bob, vpn0 10.77.0.2
set -u
cd "$(dirname "$0")/../.." && source tests/e2e/lib.sh
SE=/usr/libexec/softether
SE_PID=
trap 'se_stop; [ -z "${KEEP_WORK:-}" ] || cp -r "$WORK" "$KEEP_WORK"; topo_down' EXIT

# se_cmd FILE: vpncmd batch against the client in c1 (every parameter given:
# vpncmd prompts for any that is missing), bounded in time.
se_cmd() {
	timeout 30 ip netns exec "$P-c1" "$SE/vpncmd/vpncmd" localhost /CLIENT /IN:"$1" \
		</dev/null 2>&1 | tr -d '\r'
}

se_start() {
	ip netns exec "$P-c1" unshare -m --propagation private tests/e2e/se_wrap.sh \
		"$WORK/se" "$SE/vpnclient/vpnclient" execsvc >>"$WORK/se-client.log" 2>&1 &
	SE_PID=$!
	wait_for "SoftEther client's RPC port" 15 \
		bash -c "ip netns exec $P-c1 ss -lnt 'sport = :9931' | grep -q LISTEN"
}

# se_stop: the client's process tree, by PID
se_stop() {
	[ -n "$SE_PID" ] || return 0
	local pids
	pids="$(pgrep -P "$SE_PID" || true) $SE_PID"
	kill -TERM $pids 2>/dev/null || true
	wait "$SE_PID" 2>/dev/null || true
	kill -KILL $pids 2>/dev/null || true
	SE_PID=
}

# se_account NAME HUB USER PASSWORD TYPE: an account on NIC "se", one TCP connection.
se_account() {
	cat >"$WORK/acct-$1.in" <<IN
AccountCreate $1 /SERVER:10.199.1.1:5555 /HUB:$2 /USERNAME:$3 /NICNAME:se
AccountPasswordSet $1 /PASSWORD:$4 /TYPE:$5
AccountDetailSet $1 /MAXTCP:1 /INTERVAL:1 /TTL:0 /HALF:no /BRIDGE:no /MONITOR:no /NOTRACK:yes /NOQOS:yes /DISABLEUDP:yes
AccountRetrySet $1 /NUM:0 /INTERVAL:5
IN
	se_cmd "$WORK/acct-$1.in" >>"$WORK/vpncmd.log"
}

se_status() {
	printf 'AccountStatusGet %s\n' "$1" >"$WORK/status.in"
	se_cmd "$WORK/status.in"
}

se_established() { se_status "$1" | grep -q "Session Established"; }
se_gone() { ! se_established "$1"; }

# se_try NAME: connects, waits for the session or an error, prints AccountStatusGet
# and AccountConnect's own output, then disconnects.
se_connect() {
	printf 'AccountConnect %s\n' "$1" >"$WORK/connect.in"
	se_cmd "$WORK/connect.in" >>"$WORK/vpncmd.log"
}

se_disconnect() {
	printf 'AccountDisconnect %s\n' "$1" >"$WORK/disconnect.in"
	se_cmd "$WORK/disconnect.in" >>"$WORK/vpncmd.log"
}

# se_failed NAME CODE: the client's log reports the connection of NAME failing
# with that SoftEther error code ("... Cause: <text> (code N)")
se_failed() {
	cat "$WORK"/se/log/softether/client_log/*.log 2>/dev/null | tr -d '\r' |
		grep -q "VPN Connection Setting \"$1\": The connection has been either disconnected or it failed\. Cause: .*(code $2)"
}

# se_refused NAME CODE: NAME's connection attempt ends with that error code
se_refused() {
	se_connect "$1"
	wait_for "$1 refused with code $2" 20 se_failed "$1" "$2"
}

# traffic NAME: the stock client's session NAME pings bob and runs iperf3 both ways
traffic() {
	local port=$((5200 + RANDOM % 100))
	assert "$1 pings bob's vpnclient across the hub" ping_ok c1 10.77.0.2
	ns c2 iperf3 -s -D -1 -p $port --logfile "$WORK/iperf-$1-s1.log"
	sleep 0.3
	ns c1 iperf3 -c 10.77.0.2 -p $port -t 2 -J >"$WORK/iperf-$1-up.json"
	assert "iperf3 TCP $1 -> bob" iperf_moved "$WORK/iperf-$1-up.json"
	ns c2 iperf3 -s -D -1 -p $((port + 1)) --logfile "$WORK/iperf-$1-s2.log"
	sleep 0.3
	ns c1 iperf3 -c 10.77.0.2 -p $((port + 1)) -t 2 -R -J >"$WORK/iperf-$1-down.json"
	assert "iperf3 TCP bob -> $1 (GSO super-frames from vpnclient)" \
		iperf_moved "$WORK/iperf-$1-down.json"
	echo "# $1: $(mbits "$WORK/iperf-$1-up.json") Mbit/s up, $(mbits "$WORK/iperf-$1-down.json") Mbit/s down"
}

iperf_moved() {
	python3 -c 'import json,sys; sys.exit(0 if json.load(open(sys.argv[1]))["end"]["sum_received"]["bytes"] > 0 else 1)' "$1"
}

mbits() {
	python3 -c 'import json,sys; print(round(json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 1e6))' "$1" 2>/dev/null
}

# csum_errors: the stock client's namespace's TCP, UDP and UDPv6 checksum error counters
csum_errors() {
	ns c1 nstat -az TcpInCsumErrors UdpInCsumErrors Udp6InCsumErrors |
		awk '/InCsumErrors/ {n++; s += $2} END {if (n == 3) print s}'
}

# udp_ok FILE: an iperf3 UDP run whose receiver got datagrams
udp_ok() {
	python3 -c 'import json,sys
r = json.load(open(sys.argv[1]))["end"]["sum"]
print(r["bytes"], "bytes,", r["lost_percent"], "% lost")
sys.exit(0 if r["bytes"] > 0 and r["lost_percent"] < 100 else 1)' "$1"
}

# ipv6_and_udp: alice's session carries IPv6 TCP, and UDP datagrams over the MTU
# (IPv4 and IPv6: fragments, or super-frames the hub segments) from bob's vpnclient
ipv6_and_udp() {
	local port=$((5300 + RANDOM % 100)) f
	ns c1 ip addr add fd77::1/64 dev vpn_se nodad
	wait_for "IPv6 to bob" 10 ns c1 ping -6 -c 1 -W 1 fd77::2 >/dev/null
	ns c2 iperf3 -s -D -p $port --logfile "$WORK/iperf-v6-s.log"
	wait_for "iperf3 server" 5 ns c2 bash -c "ss -ltn | grep -q :$port"
	ns c1 timeout 30 iperf3 -6 -c fd77::2 -p $port -t 2 -R -J >"$WORK/iperf-v6.json"
	assert "iperf3 -6 TCP bob -> alice over IPv6" iperf_moved "$WORK/iperf-v6.json"
	for f in 10.77.0.2 fd77::2; do
		ns c1 timeout 30 iperf3 -c "$f" -p $port -u -b 100M -l 3000 -t 2 -R -J \
			>"$WORK/iperf-udp-$f.json"
		assert "iperf3 UDP bob -> alice, 3000-byte datagrams to $f ($(udp_ok "$WORK/iperf-udp-$f.json" 2>/dev/null))" \
			udp_ok "$WORK/iperf-udp-$f.json"
	done
}

topo_up 2
mkdir -p "$WORK/state"
# hub DEFAULT: alice as a SoftEther server stored her (tests/data/vpn_server.config),
# carol and bob with our verifiers, dave whose policy denies access; hub OTHER.
{
	printf 'declare root\n{\n'
	printf '\tdeclare ListenerList\n\t{\n\t\tdeclare Listener0\n\t\t{\n'
	printf '\t\t\tbool Enabled true\n\t\t\tuint Port 5555\n\t\t}\n\t}\n'
	printf '\tdeclare Vpnhub\n\t{\n\t\tuint KeepAlive 2\n\t\tstring StateDir %s\n' "$WORK/state"
	printf '\t\tstring AdminSocket %s\n\t\tuint Timeout 8\n\t}\n' "$WORK/admin.sock"
	printf '\tdeclare VirtualHUB\n\t{\n'
	hub_folder DEFAULT carol:carol-pw bob:bob-pw dave:dave-pw |
		python3 -c '
import sys
t = sys.stdin.read()
alice = ("\t\t\t\t\tdeclare alice\n\t\t\t\t\t{\n"
         "\t\t\t\t\t\tbyte AuthPassword DngtrNt4kY1zAHmZ2oG8QIkG1FE=\n"
         "\t\t\t\t\t\tuint AuthType 1\n\t\t\t\t\t}\n")
t = t.replace("\t\t\t\tdeclare UserList\n\t\t\t\t{\n",
              "\t\t\t\tdeclare UserList\n\t\t\t\t{\n" + alice, 1)
guest = ("\t\t\t\t\tdeclare guest\n\t\t\t\t\t{\n\t\t\t\t\t\tuint AuthType 0\n\t\t\t\t\t}\n")
t = t.replace("\t\t\t\tdeclare UserList\n\t\t\t\t{\n",
              "\t\t\t\tdeclare UserList\n\t\t\t\t{\n" + guest, 1)
deny = "\t\t\t\t\t\tdeclare Policy\n\t\t\t\t\t\t{\n\t\t\t\t\t\t\tbool Access false\n\t\t\t\t\t\t}\n"
i = t.index("\t\t\t\t\tdeclare dave\n\t\t\t\t\t{\n") + len("\t\t\t\t\tdeclare dave\n\t\t\t\t\t{\n")
msg = "\t\t\tdeclare Message\n\t\t\t{\n\t\t\t\tstring MessageText Welcome$20to$20DEFAULT\n\t\t\t}\n"
t = t.replace("\t\t\tbool Online true\n", "\t\t\tbool Online true\n" + msg, 1)
sys.stdout.write(t[:i + len(msg)] + deny + t[i + len(msg):])'
	printf '\t}\n}\n'
} >"$WORK/SoftHUB.cfg"
start_hub
client_profile 2 DEFAULT bob bob-pw
start_client 2
assert "bob (vpnclient) connects" wait_connected 2

mkdir -p "$WORK/se"
se_start
printf 'NicCreate se\n' >"$WORK/nic.in"
se_cmd "$WORK/nic.in" >>"$WORK/vpncmd.log"
se_account alice DEFAULT alice secret standard
se_connect alice
assert "the stock SoftEther client logs in as alice (secure_password)" \
	wait_for "alice's session" 20 se_established alice
se_status alice >"$WORK/status-alice.txt"
ns c1 ip addr add 10.77.0.1/24 dev vpn_se
ns c1 ip link set vpn_se up
csum_before=$(csum_errors)
traffic alice
ipv6_and_udp
csum_after=$(csum_errors)
assert "the console lists alice's session as a SoftEther one (text and JSON)" \
	bash -c "$BUILD/vpnhubctl -s $WORK/admin.sock session list | grep 'user=alice' | grep -q 'protocol=softether' &&
		$BUILD/vpnhubctl -s $WORK/admin.sock session list --json | python3 -c '
import json, sys
d = json.load(sys.stdin)
sys.exit(0 if any(s[\"user\"] == \"alice\" and s[\"protocol\"] == \"softether\" for s in d) else 1)'"
assert "no frame reached the SoftEther client with a bad TCP or UDP checksum (Tcp/Udp/Udp6InCsumErrors ${csum_before:-?} -> ${csum_after:-?})" \
	test -n "$csum_before" -a "$csum_before" = "$csum_after"
se_disconnect alice
assert "the hub segmented super-frames for the SoftEther session, and counted them" \
	wait_for "alice's session summary" 10 grep -q "(alice): SoftEther peer: [1-9][0-9]* super-frames segmented into [1-9][0-9]* frames, 0 frames dropped" "$WORK/hub.log"

# carol has only our salted verifier: the RADIUS password type sends the plain password
se_account carol DEFAULT carol carol-pw radius
se_connect carol
assert "carol logs in with the plain password (RADIUS password type)" \
	wait_for "carol's session" 20 se_established carol
assert "the hub logged carol's plain_password login" \
	grep -q "carol logged in to hub DEFAULT .*(SoftEther client, plain_password" "$WORK/hub.log"
traffic carol
# idle for longer than the session timeout (8 s): keepalives both ways keep it
sleep 10
assert "carol's idle session outlives its 8 s timeout (keepalives both ways)" se_established carol
assert "and still carries frames" ping_ok c1 10.77.0.2
se_disconnect carol

# guest: AuthType 0, SoftEther's anonymous login
se_account guest DEFAULT guest unused standard
printf 'AccountAnonymousSet guest\n' >"$WORK/anon.in"
se_cmd "$WORK/anon.in" >>"$WORK/vpncmd.log"
se_connect guest
assert "guest logs in anonymously (AuthType 0)" wait_for "guest's session" 20 se_established guest
assert "guest pings bob" ping_ok c1 10.77.0.2
guest_id=$("$BUILD/vpnhubctl" -s "$WORK/admin.sock" session list --json | python3 -c '
import json, sys
print([s["id"] for s in json.load(sys.stdin) if s["user"] == "guest"][0])')
kick_at=$(date '+%F %T.%3N')
assert "session kick ends guest's SoftEther session" \
	"$BUILD/vpnhubctl" -s "$WORK/admin.sock" session kick "$guest_id"
assert "the stock client sees its session end" \
	wait_for "guest's session to end" 15 se_gone guest
# the hub ends it with a TLS close_notify and a FIN; how long the stock client took
# to report it (information: SoftEther's client reports a lost connection as code 13)
echo "# kick at $kick_at, the stock client's report: $(cat "$WORK"/se/log/softether/client_log/*.log |
	tr -d '\r' | grep 'VPN Connection Setting "guest": The connection has been' | tail -1 |
	sed -E 's/^(.{23}).*(\(code [0-9]+\))$/\1 \2/')"
se_disconnect guest

se_account wrongpw DEFAULT alice not-secret standard
assert "a wrong password reaches the stock client as error 9 (ERR_AUTH_FAILED)" \
	se_refused wrongpw 9
se_account nohub NOSUCHHUB alice secret standard
assert "an unknown hub reaches the stock client as error 8 (ERR_HUB_NOT_FOUND)" \
	se_refused nohub 8
se_account dave DEFAULT dave dave-pw radius
assert "a policy refusal (Access false) reaches the stock client as error 12 (ERR_ACCESS_DENIED)" \
	se_refused dave 12
se_account carolstd DEFAULT carol carol-pw standard
assert "a verifier-only user with the standard password type is refused (error 9), with a hint in the hub's log" \
	se_refused carolstd 9
assert "the hint names the RADIUS password type" \
	grep -q "carol.*only a salted verifier.*RADIUS" "$WORK/hub.log"
assert "our own clients still log in beside them" count_ge 1 "connected to hub" "$WORK/c2.log"

# malformed SoftEther logins (tests/e2e/se_probe.py): bounded, answered, the hub unharmed
probe() { ns c1 python3 tests/e2e/se_probe.py 10.199.1.1 5555 "$@" 2>&1; }
assert "a signature of the wrong size is answered 403" test "$(probe badsig)" = 403
assert "a head past 8 KiB is answered 403" test "$(probe bighead)" = 403
assert "a login PACK announced past 64 KiB is answered 403" test "$(probe bigpack)" = 403
assert "a truncated login PACK is answered error 4 (ERR_PROTOCOL_ERROR)" test "$(probe badpack)" = "200 4"
assert "additional_connect is answered error 33 (ERR_NOT_SUPPORTED)" test "$(probe addconn)" = "200 33"
assert "the Welcome carries the hub message (element Msg)" \
	test "$(probe anon DEFAULT guest | tail -1)" = "200 0 msg=Welcome to DEFAULT"
assert "bob's session was not disturbed (logged in once, still listed)" bash -c \
	"[ \$(grep -c 'connected to hub' '$WORK/c2.log') -eq 1 ] &&
	 $BUILD/vpnhubctl -s '$WORK/admin.sock' session list | grep -q 'user=bob'"

# DisableSoftEtherProtocol: the signature is refused with HTTP 403, our clients still log in
stop_hub
sed -i 's/^\t\tuint Timeout 8$/\t\tuint Timeout 8\n\t\tbool DisableSoftEtherProtocol true/' "$WORK/SoftHUB.cfg"
start_hub
se_account off DEFAULT alice secret standard
se_connect off
assert "with DisableSoftEtherProtocol the stock client is refused (error 2, ERR_SERVER_IS_NOT_VPN)" \
	wait_for "off refused" 20 se_failed off 2
assert "the hub says why" grep -q "SoftEther login refused: DisableSoftEtherProtocol is set" "$WORK/hub.log"
assert "and our vpnclient reconnects to the same listener" wait_connected 2 2

finish
