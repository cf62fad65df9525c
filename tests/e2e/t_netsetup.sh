#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Client network setup with a DHCP server on the VPN segment: c3 is a client with
# static addresses running dnsmasq (DHCPv4 with a classless route, DNS server and
# search domain, router advertisements for SLAAC, DNS names) and a web server on
# 10.88.0.1 behind the route; c1 and c2 use "address = dhcp".  Checked: leases,
# routes, DNS through resolv.conf (the namespace's own, /etc/netns/NAME/resolv.conf,
# which "ip netns exec" mounts over /etc/resolv.conf), a name resolved and a page
# fetched, the host route that keeps the hub reachable, up/down hooks, "vpnclient
# status --json" field by field while connecting, connected and backing off, list,
# disconnect (lease released in dnsmasq's lease file, routes and DNS gone), and crash
# recovery (kill -9, restart: what the dead run left is undone).
#
#   c1 vpn0 DHCP ---TLS---\                          /---TLS--- c3 vpn0 10.77.0.3/24, fd77::3
#                         [hub DEFAULT on 10.199.i.1]           dnsmasq, lo 10.88.0.1 http :8080
#   c2 vpn0 DHCP ---TLS---/
set -u
cd "$(dirname "$0")/../.." && source tests/e2e/lib.sh

cleanup() {
	[ -n "${KEEP:-}" ] && cp -r "$WORK" "$KEEP" # KEEP=DIR: keep the logs for a look
	topo_down
	rm -rf "/etc/netns/$P-c1" "/etc/netns/$P-c2"
}
trap cleanup EXIT

RUN=$VPNCLIENT_RUNDIR
ORIG_RESOLV="nameserver 192.0.2.53
search original.test"

vpnclient() { "$VPNCLIENT" --rundir "$RUN" "$@"; }

# dhcp_profile I NAME [extra lines...]: a profile with "address = dhcp" for client I.
dhcp_profile() {
	local i=$1 name=$2 l; shift 2
	{
		echo "server = 10.199.$i.1:5555"
		echo "hub = DEFAULT"
		echo "user = $([ "$i" = 1 ] && echo alice || echo bob)"
		echo "password = $([ "$i" = 1 ] && echo alice-pw || echo bob-pw)"
		echo "fingerprint = $FINGERPRINT"
		echo "address = dhcp"
		echo "address = slaac"
		echo "resolver = file"
		# the hub (10.199.i.1, on the link) would be captured by this route
		echo "route = 10.199.$i.0/25 via 10.77.0.3"
		echo "up = echo \"\$VPN_ACTION \$VPN_PROFILE \$VPN_INTERFACE \$VPN_HUB \$VPN_SERVER_ADDRESS \$VPN_SESSION \$VPN_BACKEND \$VPN_ADDRESSES\" >>$WORK/hook-$name.log"
		echo "down = echo \"\$VPN_ACTION \$VPN_PROFILE \$VPN_ADDRESSES\" >>$WORK/hook-$name.log"
		for l in "$@"; do echo "$l"; done
	} >"$WORK/$name.conf"
	grep -q "^reconnect_min" "$WORK/$name.conf" ||
		printf 'reconnect_min = 1\nreconnect_max = 2\n' >>"$WORK/$name.conf"
	chmod 600 "$WORK/$name.conf"
}

start_named() {
	local i=$1 name=$2
	ip netns exec "$P-c$i" "$VPNCLIENT" -v --rundir "$RUN" connect "$WORK/$name.conf" \
		>>"$WORK/$name.log" 2>&1 &
	CLIENT_PID[$i]=$!
}

# json_check NAME PYTHON-EXPR...: each expression over the status object s must hold.
json_check() {
	local name=$1; shift
	vpnclient status "$name" --json >"$WORK/status-$name.json" || return 1
	python3 - "$WORK/status-$name.json" "$@" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))
bad = [e for e in sys.argv[2:] if not eval(e)]
if bad:
    print("status:", json.dumps(s), "\nfailed:", bad)
sys.exit(1 if bad else 0)
EOF
}

resolv() { cat "/etc/netns/$P-c$1/resolv.conf"; }
resolv_is_original() { [ "$(resolv "$1")" = "$ORIG_RESOLV" ]; }
leased_ip() { ns "c$1" ip -4 -o addr show dev vpn0 | sed -n 's|.* inet \(10\.77\.0\.[0-9]*\)/24.*|\1|p'; }

topo_up 3
# carol (c3) is the segment's DHCP server and IPv6 router: the hub's default for users
# without a policy (DHCPNoServer, RAFilter, ... on: docs/firewall.md) would silence
# her, so she gets a policy of her own, as an administrator gives a server's account
hub_conf "$WORK/SoftHUB.cfg"
python3 - "$WORK/SoftHUB.cfg" <<'PY'
import sys
f = sys.argv[1]
s = open(f).read()
head = "\t\t\t\t\tdeclare carol\n\t\t\t\t\t{\n"
policy = "\t\t\t\t\t\tdeclare Policy\n\t\t\t\t\t\t{\n\t\t\t\t\t\t\tbool Access true\n\t\t\t\t\t\t}\n"
assert head in s
open(f, "w").write(s.replace(head, head + policy, 1))
PY
start_hub
for i in 1 2; do
	mkdir -p "/etc/netns/$P-c$i"
	printf '%s\n' "$ORIG_RESOLV" >"/etc/netns/$P-c$i/resolv.conf"
done

# --- c3: static addresses, the DHCP/DNS server and the web server
client_profile 3 DEFAULT carol carol-pw
start_client 3
wait_connected 3
wait_for "c3 IPv6" 10 no_tentative c3
ns c3 ip addr add 10.88.0.1/32 dev lo
mkdir -p "$WORK/www" && echo "office page $P" >"$WORK/www/index.html"
ns c3 python3 -m http.server 8080 --bind 10.88.0.1 --directory "$WORK/www" \
	>"$WORK/http.log" 2>&1 &
ns c3 dnsmasq -k --conf-file=/dev/null --interface=vpn0 --bind-interfaces \
	--dhcp-range=10.77.0.100,10.77.0.150,255.255.255.0,2m \
	--dhcp-option=121,10.88.0.0/16,10.77.0.3 --dhcp-option=option:dns-server,10.77.0.3 \
	--dhcp-option=option:domain-search,office.test --domain=office.test \
	--address=/www.office.test/10.88.0.1 --enable-ra --dhcp-range=fd77::100,fd77::1ff,slaac,64,2m \
	--dhcp-leasefile="$WORK/leases" --pid-file="$WORK/dnsmasq.pid" --log-facility=- \
	>"$WORK/dnsmasq.log" 2>&1 &
wait_for "dnsmasq" 10 ns c3 bash -c "ss -lun | grep -q '10.77.0.3:67\|:67 '"
wait_for "web server" 10 ns c3 bash -c "ss -ltn | grep -q 10.88.0.1:8080"

# --- status while connecting and backing off: c2 first meets a silent server
ns hub python3 -c "
import socket, time
s = socket.socket(); s.bind(('10.199.2.1', 5556)); s.listen(4); time.sleep(120)" &
SILENT=$!
wait_for "silent listener" 10 ns hub bash -c "ss -ltn | grep -q 10.199.2.1:5556"
dhcp_profile 2 silent "connect_timeout = 3" "reconnect_min = 40" "reconnect_max = 40"
sed -i 's/^server = .*/server = 10.199.2.1:5556/' "$WORK/silent.conf"
start_named 2 silent
assert "status: connecting (TLS handshake pending)" wait_for "connecting" 5 json_check silent \
	"s['state'] == 'connecting'" "s['profile'] == 'silent'" "s['hub'] == 'DEFAULT'" \
	"s['server'] == '10.199.2.1'" "s['port'] == 5556" "s['user'] == 'bob'" \
	"s['session_id'] == 0" "s['tls_version'] == ''" "s['backend'] == 'tap'" \
	"s['interface'] == 'vpn0'" "s['reconnects'] == 0" "s['last_error'] == ''" \
	"s['pid'] > 0" "s['bytes_in'] == 0"
assert "status: backing off with the last error" wait_for "backing off" 10 json_check silent \
	"s['state'] == 'backing off'" "'TLS handshake with 10.199.2.1:5556 failed' in s['last_error']" \
	"s['retry_in_s'] > 0" "s['session_id'] == 0"
assert "status (text) names the state and the error" \
	bash -c "'$VPNCLIENT' --rundir '$RUN' status silent | grep -q 'state: *backing off' &&
		 '$VPNCLIENT' --rundir '$RUN' status silent | grep -q 'last error: *TLS handshake'"
assert "disconnect a profile that never connected" vpnclient disconnect silent
refute "it is gone from status" vpnclient status silent
kill "$SILENT" 2>/dev/null; wait "$SILENT" 2>/dev/null
refute "no hook ran for a profile that never connected" test -e "$WORK/hook-silent.log"

# --- two DHCP clients
dhcp_profile 1 c1 "address = dhcp6"
dhcp_profile 2 c2
start_named 1 c1
start_named 2 c2
for i in 1 2; do
	assert "c$i gets a lease from dnsmasq" wait_for "lease c$i" 20 \
		bash -c "ip netns exec $P-c$i ip -4 addr show dev vpn0 | grep -q 'inet 10.77.0.1[0-9][0-9]/24'"
done
IP1=$(leased_ip 1)
IP2=$(leased_ip 2)
log "# leases: c1 $IP1, c2 $IP2"
assert "dnsmasq's lease file lists both" bash -c "[ \"\$(grep -c ' 10.77.0.1[0-9][0-9] ' $WORK/leases)\" = 2 ]"
assert "the two leases differ" test "$IP1" != "$IP2"
for i in 1 2; do
	assert "c$i: the DHCP route (option 121) to 10.88.0.0/16 via 10.77.0.3" wait_for "route" 10 \
		bash -c "ip netns exec $P-c$i ip route show 10.88.0.0/16 | grep -q 'via 10.77.0.3 dev vpn0'"
	assert "c$i: DNS server and search domain in resolv.conf" wait_for "dns" 10 \
		bash -c "grep -q '^nameserver 10.77.0.3' /etc/netns/$P-c$i/resolv.conf &&
			 grep -q '^search office.test original.test' /etc/netns/$P-c$i/resolv.conf"
	assert "c$i: the host route keeps the hub on its original path" \
		bash -c "ip netns exec $P-c$i ip route get 10.199.$i.1 | grep -q 'dev vc$i'"
	assert "c$i: the profile's route that captures the hub's subnet is in place" \
		bash -c "ip netns exec $P-c$i ip route show 10.199.$i.0/25 | grep -q 'via 10.77.0.3 dev vpn0'"
	assert "c$i: SLAAC address from dnsmasq's router advertisement" wait_for "slaac" 15 \
		bash -c "ip netns exec $P-c$i ip -6 addr show dev vpn0 scope global | grep -q 'inet6 fd77::'"
done
assert "c1 gets a DHCPv6 lease (address = dhcp6)" wait_for "dhcp6" 20 \
	bash -c "ip netns exec $P-c1 ip -6 addr show dev vpn0 | grep -q 'inet6 fd77::1[0-9a-f][0-9a-f]/'"
IP6=$(ns c1 ip -6 -o addr show dev vpn0 | sed -n 's|.* inet6 \(fd77::1[0-9a-f][0-9a-f]\)/.*|\1|p')
assert "dnsmasq's lease file lists it" grep -q " $IP6 " "$WORK/leases"
assert "c1 resolves a name served by dnsmasq" \
	bash -c "ip netns exec $P-c1 getent hosts www.office.test | grep -q 10.88.0.1"
assert "c1 resolves it by its short name (search domain)" \
	bash -c "ip netns exec $P-c1 getent hosts www | grep -q 10.88.0.1"
assert "c1 fetches the page by name through the DHCP route" \
	bash -c "ip netns exec $P-c1 curl -sf --max-time 5 http://www.office.test:8080/ | grep -q 'office page $P'"
assert "c2 fetches the page too" \
	bash -c "ip netns exec $P-c2 curl -sf --max-time 5 http://www.office.test:8080/ | grep -q 'office page $P'"
assert "c1 pings c2 at its leased address" ping_ok c1 "$IP2"
assert "up hook: its environment" wait_for "up hook" 5 \
	grep -q "^up c1 vpn0 DEFAULT 10.199.1.1 [1-9][0-9]* tap .*$IP1/24" "$WORK/hook-c1.log"

assert "status: connected, field by field" json_check c1 \
	"s['state'] == 'connected'" "s['profile'] == 'c1'" "s['hub'] == 'DEFAULT'" \
	"s['server'] == '10.199.1.1'" "s['server_address'] == '10.199.1.1'" "s['user'] == 'alice'" \
	"s['session_id'] > 0" "s['tls_version'] == 'TLSv1.3'" "len(s['tls_cipher']) > 0" \
	"s['backend'] == 'tap'" "s['interface'] == 'vpn0'" "'$IP1/24' in s['addresses']" \
	"any(a.startswith('fd77::') for a in s['addresses'])" \
	"s['bytes_in'] > 0" "s['bytes_out'] > 0" "s['frames_in'] > 0" "s['frames_out'] > 0" \
	"s['reconnects'] == 0" "s['last_error'] == ''" "s['retry_in_s'] == 0" "s['uptime_s'] >= 0" \
	"set(s['drops']) == {'device_refused', 'kernel_tx_dropped', 'kernel_rx_dropped', 'tls_writes_blocked', 'retransmissions'}" \
	"all(v >= 0 for v in s['drops'].values())"
SID1=$(python3 -c "import json; print(json.load(open('$WORK/status-c1.json'))['session_id'])")
assert "status: the session id is the hub's" grep -q "session $SID1: alice logged in" "$WORK/hub.log"
assert "list: one line per running profile" \
	bash -c "[ \"\$('$VPNCLIENT' --rundir '$RUN' list | grep -c connected)\" = 3 ]"
assert "list --json: an array of the three" python3 -c "
import json, subprocess, sys
l = json.loads(subprocess.check_output(['$VPNCLIENT', '--rundir', '$RUN', 'list', '--json']))
sys.exit(0 if sorted(s['profile'] for s in l) == ['c1', 'c2', 'c3'] else 1)"
assert "the control socket is mode 0600" bash -c "[ \"\$(stat -c %a $RUN/c1.sock)\" = 600 ]"
refute "a malformed request is refused" \
	bash -c "python3 -c \"
import socket; s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET); s.connect('$RUN/c1.sock')
s.send(b'lease\\nreason=BOUND\\nnew_ip_address=10.1.1.1\\nbogus=1'); r = s.recv(512)
print(r); exit(0 if r.startswith(b'ok') else 1)\""

# --- reconnect: the lease, routes and DNS stay; the counter says so
stop_hub
start_hub
assert "c1 reconnects" wait_for "c1 reconnect" 20 json_check c1 "s['state'] == 'connected'" \
	"s['reconnects'] == 1" "'$IP1/24' in s['addresses']"
assert "the DHCP route survives the reconnect" \
	bash -c "ip netns exec $P-c1 ip route show 10.88.0.0/16 | grep -q 'via 10.77.0.3'"

# --- disconnect: lease released, routes and DNS gone, down hook ran
assert "vpnclient disconnect c1" vpnclient disconnect c1
assert "c1's lease is released (dnsmasq's lease file)" wait_for "release" 10 \
	bash -c "! grep -q ' $IP1 ' $WORK/leases"
assert "c2's lease is still there" grep -q " $IP2 " "$WORK/leases"
assert "c1's DHCPv6 lease is released too" wait_for "release6" 10 \
	bash -c "! grep -q ' $IP6 ' $WORK/leases"
assert "dnsmasq logged the DHCPRELEASE" grep -q "DHCPRELEASE(vpn0) $IP1" "$WORK/dnsmasq.log"
assert "c1's resolv.conf is the original again" resolv_is_original 1
refute "c1's host route to the hub is gone" \
	bash -c "ip netns exec $P-c1 ip route show 10.199.1.1 | grep -q ."
assert "c1's vpn0 is gone with its routes" \
	bash -c "! ip netns exec $P-c1 ip link show vpn0 && ! ip netns exec $P-c1 ip route | grep -q 10.88.0.0"
assert "down hook ran with the addresses" grep -q "^down c1 .*$IP1/24" "$WORK/hook-c1.log"
refute "c1 is gone from status" vpnclient status c1
assert "c1 exited 0" wait "${CLIENT_PID[1]}"
unset 'CLIENT_PID[1]'

# --- crash recovery: kill -9 c2, restart it, and stop it cleanly
kill -9 "${CLIENT_PID[2]}"; wait "${CLIENT_PID[2]}" 2>/dev/null
assert "after kill -9 the host route to the hub is left behind" \
	bash -c "ip netns exec $P-c2 ip route show 10.199.2.1 | grep -q 'dev vc2'"
assert "after kill -9 resolv.conf still holds the dead run's servers" \
	grep -q "^nameserver 10.77.0.3" "/etc/netns/$P-c2/resolv.conf"
assert "its DHCP client died with it" wait_for "dhclient gone" 5 \
	bash -c "! pgrep -f '[d]hclient.*$RUN/c2.dhclient.pid' >/dev/null"
start_named 2 c2
assert "the restart undoes what the dead run left" wait_for "recovery" 10 \
	grep -q "removed a route a previous run left: -4 route add 10.199.2.1/32 dev vc2" "$WORK/c2.log"
assert "... and its DNS settings" wait_for "dns recovery" 10 \
	grep -q "removed the DNS settings a previous run left (file)" "$WORK/c2.log"
assert "c2 gets its lease again" wait_for "lease again" 20 \
	bash -c "ip netns exec $P-c2 ip route show 10.88.0.0/16 | grep -q 'via 10.77.0.3'"
assert "the up hook runs again once the setup is complete" wait_for "up again" 10 \
	count_ge 2 "^up c2 " "$WORK/hook-c2.log"
assert "one copy of its DNS block, not two" \
	bash -c "cat /etc/netns/$P-c2/resolv.conf; [ \"\$(grep -c '^# vpnclient c2:' /etc/netns/$P-c2/resolv.conf)\" = 1 ]"
assert "one host route to the hub, not two" \
	bash -c "[ \"\$(ip netns exec $P-c2 ip route show 10.199.2.1 | wc -l)\" = 1 ]"
assert "vpnclient disconnect c2" vpnclient disconnect c2
assert "c2's resolv.conf is the original again" resolv_is_original 2
refute "c2's host route to the hub is gone" \
	bash -c "ip netns exec $P-c2 ip route show 10.199.2.1 | grep -q ."
assert "c2's lease is released" wait_for "release c2" 10 bash -c "! grep -q ' 10.77.0.1[0-9][0-9] ' $WORK/leases"
refute "no state left behind" bash -c "ls $RUN | grep -q 'c[12]\\.'"
kill "$(cat "$WORK/dnsmasq.pid")" 2>/dev/null
finish
