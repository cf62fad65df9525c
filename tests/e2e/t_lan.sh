#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Remote clients on a real office LAN through the hub's local bridges
# (SoftEther's LocalBridgeList, written as SoftEther writes it): TAP mode
# (the hub's tap_office in a Linux bridge with the host's uplink, so the hub
# host's own address answers too) and direct mode (AF_PACKET on a veth whose
# peer is in the office bridge).  The office runs dnsmasq and a web server.
# Interfaces deleted and re-created come back without a hub restart.
# Two more remote clients, c3 (TAP) and c4 (direct), configure themselves with
# "address = dhcp" from the office dnsmasq: lease, route, DNS, name, page, the hub
# host's own address, status, and a clean disconnect (lease released).
#
#   ns office: br0 10.77.0.10/24 fd77::10/64, dnsmasq (DHCP, RA, DNS), web :80
#                |-- upl ==veth== up0 --.
#                |-- lanp ==veth== lan0 |-------- ns hub -------------------------.
#                                       |  brh 10.77.0.254/24 (the host's address) |
#                                       |   `-- up0, tap_office <- LocalBridge0 TAP |
#                                       |  lan0 <- LocalBridge1 direct             |
#                                       `  vpnhub: DEFAULT <-> tap_office,          |
#                                                  OTHER   <-> lan0                 |
#   c1 (alice, hub DEFAULT) 10.77.0.1 --TLS--'     c2 (dave, hub OTHER) 10.77.0.2 --'
#   c3 (carol, hub DEFAULT) DHCP      --TLS--'     c4 (dave, hub OTHER) DHCP      --'
set -u
cd "$(dirname "$0")/../.." && source tests/e2e/lib.sh
CFG=$WORK/etc/SoftHUB.cfg # in a directory the service user may write (console saves)
source tests/e2e/lan_lib.sh
VPNHUBCTL=${VPNHUBCTL:-$BUILD/vpnhubctl}
SVC_USER=vpnhublan$$
cleanup() {
	[ -f "$WORK/dnsmasq.pid" ] && kill "$(cat "$WORK/dnsmasq.pid")" 2>/dev/null
	topo_down
	userdel "$SVC_USER" 2>/dev/null
	rm -rf "/etc/netns/$P-c3" "/etc/netns/$P-c4"
}
trap cleanup EXIT
SOCK=$WORK/admin.sock
ctl() { "$VPNHUBCTL" -s "$SOCK" "$@"; }
bridge_sid() { ctl sessions | grep "tap_office" | sed -n 's/.*id=\([0-9]*\).*/\1/p'; }

page_ok() { ns "$1" curl -sf --max-time 5 http://10.77.0.10/ | grep -q "office intranet $P"; }

# the hub drops root for a service user, keeping only what its bridges need
useradd --system --no-create-home --shell /usr/sbin/nologin "$SVC_USER"
chmod 755 "$WORK" # the service user reads SoftHUB.cfg on reload, writes it on console changes
mkdir -p "$WORK/etc" && chown "$SVC_USER" "$WORK/etc"
status() { grep "^$2:" "/proc/$1/status" | awk '{print $2}'; }
start_hub_as_user() {
	mkdir -p "$WORK/state"
	ip netns exec "$P-hub" "$VPNHUB" -c "$CFG" --user "$SVC_USER" >>"$WORK/hub.log" 2>&1 &
	HUB_PID=$!
	wait_for "hub listening" 10 grep -q "ready" "$WORK/hub.log"
	FINGERPRINT=$(sed -n 's/.*fingerprint: //p' "$WORK/hub.log" | tail -1)
}

topo_up 4
office_up
office_services
lan_conf "0 office DEFAULT true" "1 lan0 OTHER false" "2 late0 DEFAULT false"
assert "a SoftEther LocalBridgeList (TapMode true and false) passes --check-config" \
	"$VPNHUB" -c "$CFG" --check-config
chown "$SVC_USER" "$CFG" # like root:vpnhub 660: the console keeps a .bak by hard link
start_hub_as_user
assert "the hub keeps CAP_NET_ADMIN and CAP_NET_RAW for its bridges, nothing else" bash -c \
	"[ '$(status "$HUB_PID" CapEff) $(status "$HUB_PID" CapPrm) $(status "$HUB_PID" CapBnd)' = \
	   '0000000000003000 0000000000003000 0000000000003000' ]"
assert "log: capabilities kept for the bridges" \
	grep -q "running as $SVC_USER with CAP_NET_ADMIN and CAP_NET_RAW (local bridges)" "$WORK/hub.log"
assert "TAP mode: the hub created tap_office" wait_for "tap_office" 10 tap_exists
assert "TAP mode: tap_office has TapMacAddress" \
	bash -c "ip netns exec $P-hub ip link show tap_office | grep -qi 5e:2c:91:0a:44:17"
enslave_tap # what systemd-networkd or the administrator does (docs/bridge.md)
assert "log: TAP port attached" grep -q "local bridge tap_office (hub DEFAULT): attached (TAP mode" "$WORK/hub.log"
assert "log: direct port attached, promiscuous" \
	grep -q "local bridge lan0 (hub OTHER): attached (direct mode, promiscuous" "$WORK/hub.log"
assert "log: why the host's own address on lan0 cannot reach the clients" \
	grep -q "direct mode: the host's own addresses on lan0 cannot reach the hub's clients" "$WORK/hub.log"
promisc() { ns hub ip -d link show lan0 | grep -q "promiscuity $1 "; }
assert "lan0 is promiscuous" promisc 1
assert "log: late0 (not there yet) is waited for, once" bash -c \
	"[ \$(grep -c 'local bridge late0 (hub DEFAULT): late0: no such interface; retrying' '$WORK/hub.log') = 1 ]"
ns hub ip link add late0 type veth peer name late0p
ns hub ip link set late0 up
assert "log: late0 attached once it exists" wait_for "late0" 5 \
	grep -q "local bridge late0 (hub DEFAULT): attached (direct mode, promiscuous)" "$WORK/hub.log"

client_profile 1 DEFAULT alice alice-pw
client_profile 2 OTHER dave dave-pw
start_client 1
start_client 2
wait_connected 1 && wait_connected 2

# TAP mode: the office host, the hub host's own address, the web server
assert "TAP: c1 pings the office host" ping_ok c1 10.77.0.10
assert "TAP: c1 pings the hub host's own address on the office LAN" ping_ok c1 10.77.0.254
assert "TAP: the hub host pings c1" ns hub ping -c 2 -i 0.2 -W 2 10.77.0.1
assert "TAP: c1 fetches the office web page" page_ok c1
# direct mode: the office host and its web server
assert "direct: c2 pings the office host" ping_ok c2 10.77.0.10
assert "direct: c2 fetches the office web page" page_ok c2
wait_for "c1's IPv6 address past DAD" 10 no_tentative c1 # a tentative source cannot send
assert "IPv6 through the bridges: c1 -> office" \
	wait_for "IPv6 ping" 10 ns c1 ping -6 -c 1 -W 1 fd77::10
log "c1: $(ns c1 ip -6 -o addr show dev vpn0 | tr -s ' ' | cut -d' ' -f4,5,6 | tr '\n' ' ')"
log "c1: $(ns c1 ip -6 neigh show dev vpn0 | tr '\n' ';')"
# --- the client's own network setup through each bridge: c3 (TAP) and c4 (direct)
ORIG_RESOLV="nameserver 192.0.2.53"
RUN=$VPNCLIENT_RUNDIR
ns office ip addr add 10.99.0.1/32 dev lo # behind the route dnsmasq hands out
for i in 3 4; do
	mkdir -p "/etc/netns/$P-c$i" # "ip netns exec" mounts it over /etc/resolv.conf
	echo "$ORIG_RESOLV" >"/etc/netns/$P-c$i/resolv.conf"
	{
		echo "server = 10.199.$i.1:5555"
		[ "$i" = 3 ] && printf 'hub = DEFAULT\nuser = carol\npassword = carol-pw\n' ||
			printf 'hub = OTHER\nuser = dave\npassword = dave-pw\n'
		printf 'fingerprint = %s\naddress = dhcp\naddress = slaac\nresolver = file\n' "$FINGERPRINT"
	} >"$WORK/c$i.conf"
	chmod 600 "$WORK/c$i.conf"
	start_client "$i"
done
wait_connected 3 && wait_connected 4
leased() { ns "$1" ip -4 -o addr show dev vpn0 | sed -n 's|.* inet \(10\.77\.0\.1[0-5][0-9]\)/24.*|\1|p'; }
for i in 3 4; do
	m=$([ "$i" = 3 ] && echo TAP || echo direct)
	assert "$m: c$i gets a lease from the office dnsmasq (address = dhcp)" \
		wait_for "lease c$i" 20 bash -c "[ -n \"\$(ip netns exec $P-c$i ip -4 -o addr show dev vpn0 | grep 'inet 10.77.0.1[0-5][0-9]/24')\" ]"
	assert "$m: c$i has dnsmasq's route to 10.99.0.0/16" wait_for "route c$i" 10 \
		bash -c "ip netns exec $P-c$i ip route show 10.99.0.0/16 | grep -q 'via 10.77.0.10 dev vpn0'"
	assert "$m: c$i has dnsmasq's DNS server and search domain" wait_for "dns c$i" 10 \
		bash -c "grep -q '^nameserver 10.77.0.10' /etc/netns/$P-c$i/resolv.conf &&
			 grep -q '^search office.test' /etc/netns/$P-c$i/resolv.conf"
	assert "$m: c$i resolves a name dnsmasq serves" \
		bash -c "ip netns exec $P-c$i getent hosts intranet.office.test | grep -q 10.77.0.10"
	assert "$m: c$i fetches the office page by name" \
		bash -c "ip netns exec $P-c$i curl -sf --max-time 5 http://intranet.office.test/ | grep -q 'office intranet $P'"
	assert "$m: c$i reaches 10.99.0.1 through the DHCP route" ping_ok "c$i" 10.99.0.1 2
	assert "$m: c$i has a SLAAC address from the office's router advertisements" \
		wait_for "slaac c$i" 15 bash -c "ip netns exec $P-c$i ip -6 addr show dev vpn0 scope global | grep -q 'inet6 fd77::'"
done
IP3=$(leased c3)
IP4=$(leased c4)
assert "TAP: c3 reaches the hub host's own address" ping_ok c3 10.77.0.254 2
assert "TAP: the hub host reaches c3 at its leased address" ns hub ping -c 2 -i 0.2 -W 2 "$IP3"
assert "dnsmasq's lease file holds both leases" \
	bash -c "grep -q ' $IP3 ' '$WORK/dnsmasq.leases' && grep -q ' $IP4 ' '$WORK/dnsmasq.leases'"
status_ok() {
	"$VPNCLIENT" status "$1" --json | python3 -c "
import json, sys
s = json.load(sys.stdin)
want = dict(state='connected', profile='$1', hub='$2', user='$3', server='10.199.$4.1',
            server_address='10.199.$4.1', backend='tap', interface='vpn0', reconnects=0, last_error='')
bad = [k for k, v in want.items() if s[k] != v]
bad += [k for k in ('session_id', 'bytes_in', 'bytes_out', 'frames_in', 'frames_out') if s[k] <= 0]
bad += [] if s['tls_version'].startswith('TLSv1.') and s['tls_cipher'] else ['tls']
bad += [] if '$5/24' in s['addresses'] else ['addresses']
print(bad); sys.exit(1 if bad else 0)"
}
assert "status --json of c3 (TAP bridge), field by field" status_ok c3 DEFAULT carol 3 "$IP3"
assert "status --json of c4 (direct bridge), field by field" status_ok c4 OTHER dave 4 "$IP4"
for i in 3 4; do
	assert "vpnclient disconnect c$i" "$VPNCLIENT" disconnect "c$i"
	unset "CLIENT_PID[$i]"
	assert "c$i's lease is released (dnsmasq's lease file)" wait_for "release c$i" 10 \
		bash -c "! grep -q ' $([ "$i" = 3 ] && echo "$IP3" || echo "$IP4") ' '$WORK/dnsmasq.leases'"
	assert "c$i's resolv.conf is the original again" \
		test "$(cat "/etc/netns/$P-c$i/resolv.conf")" = "$ORIG_RESOLV"
	refute "c$i's route to 10.99.0.0/16 is gone" \
		bash -c "ip netns exec $P-c$i ip route | grep -q 10.99.0.0"
	refute "c$i is gone from vpnclient list" bash -c "'$VPNCLIENT' list | grep -q '^c$i '"
done

# bulk TCP both ways through each mode: GSO super-frames cross AF_PACKET and TAP whole
ns office iperf3 -s -D -p 5201 --logfile "$WORK/iperf-s.log"
wait_for "iperf3 server" 5 ns office bash -c "ss -ltn | grep -q :5201"
for i in 1 2; do
	assert "iperf3 c$i -> office, 2 s, no error" ns "c$i" iperf3 -c 10.77.0.10 -p 5201 -t 2 -J \
		--logfile "$WORK/iperf$i.json"
	assert "iperf3 office -> c$i (reverse), 2 s, no error" ns "c$i" iperf3 -c 10.77.0.10 \
		-p 5201 -t 2 -R -J --logfile "$WORK/iperf$i-r.json"
done
python3 -c "
import json
for f, n in (('1', 'TAP'), ('2', 'direct')):
    for s, d in (('', 'to office'), ('-r', 'from office')):
        j = json.load(open('$WORK/iperf%s%s.json' % (f, s)))
        print('# %s bridge, %s: %.2f Gbit/s' % (n, d, j['end']['sum_received']['bits_per_second'] / 1e9))
"

# a bridge port is a session: session list, packet log
assert "session list shows the TAP bridge port as LOCALBRIDGE" \
	bash -c "$VPNHUBCTL -s $SOCK sessions | grep 'user=LOCALBRIDGE' | grep -q 'tap_office (TAP)'"
refute "session kick refuses a bridge port (bridge delete ends it)" ctl session kick "$(bridge_sid)"
assert "packet log names the bridge port SID-LOCALBRIDGE-n" wait_for "packet log" 5 \
	grep -qE ',SID-ALICE-[0-9]+,SID-LOCALBRIDGE-[0-9]+,.*ICMPv4,Echo Request,10.77.0.1,' \
	"$WORK/logs/DEFAULT/packet.log"

# CheckMac on a bridge port: a LAN host sending with c1's MAC does not take it over
mac1=$(ns c1 cat /sys/class/net/vpn0/address)
ns c1 ping -c 30 -i 0.2 -W 1 10.77.0.10 >/dev/null 2>&1 & keepalive=$!
sleep 1
ns office python3 -c "
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW); s.bind(('br0', 0))
f = b'\xff' * 6 + bytes.fromhex(sys.argv[1].replace(':', '')) + b'\x88\xb5' + b'spoof' * 10
for _ in range(20): s.send(f)" "$mac1"
checkmac_drops() {
	ctl --json session show "$(bridge_sid)" | python3 -c \
		'import json,sys; sys.exit(0 if json.load(sys.stdin)["firewall_drops"]["CheckMac"] >= 20 else 1)'
}
assert "CheckMac: the spoofed frames are dropped at the bridge port" wait_for "CheckMac" 5 checkmac_drops
wait "$keepalive"
assert "CheckMac: c1 keeps its MAC (still reaches the office)" ping_ok c1 10.77.0.10 2

# the direct-mode interface deleted and re-created: the hub re-attaches by itself
ns hub ip link del lan0
assert "log: lan0 gone" wait_for "gone" 5 grep -q "local bridge lan0 (hub OTHER): interface gone" "$WORK/hub.log"
refute "direct: no traffic while lan0 is gone" ping_ok c2 10.77.0.10 2
veth_into_office lan0 lanp
assert "log: lan0 re-attached" wait_for "back" 5 \
	grep -q "local bridge lan0 (hub OTHER): interface back, re-attached" "$WORK/hub.log"
assert "direct: traffic resumes after lan0 came back" wait_for "ping" 10 ping_ok c2 10.77.0.10 1
assert "lan0 is promiscuous again" promisc 1

# the TAP device deleted: the hub makes it again; the bridge membership is the admin's
ns hub ip link del tap_office
assert "log: tap_office gone and re-created" wait_for "tap back" 5 \
	grep -q "local bridge tap_office (hub DEFAULT): interface back, re-attached" "$WORK/hub.log"
wait_for "tap_office" 5 tap_exists && enslave_tap
assert "TAP: traffic resumes after tap_office was re-created" wait_for "ping" 10 ping_ok c1 10.77.0.10 1
assert "the hub never restarted" kill -0 "$HUB_PID"
assert "one line each way per loss" \
	test "$(grep -c 'interface gone' "$WORK/hub.log")" -eq 2 -a \
	"$(grep -c 'interface back' "$WORK/hub.log")" -eq 2

# SIGHUP: a bridge removed from the file stops, added back starts
lan_conf "0 office DEFAULT true"
chown "$SVC_USER" "$CFG" # like root:vpnhub 660: the console keeps a .bak by hard link
kill -HUP "$HUB_PID"
assert "reload: the direct bridge ends" wait_for "ends" 5 \
	grep -q "reload: local bridge lan0 (hub OTHER) ends" "$WORK/hub.log"
assert "reload: lan0 is no longer promiscuous" \
	wait_for "promisc off" 5 promisc 0
assert "reload: the TAP bridge stays (c1 still reaches the office)" ping_ok c1 10.77.0.10
# the console: list, add back (saved to the file, started at once), delete
assert "bridge list: the TAP bridge attached, lan0 gone from the file" bash -c \
	"$VPNHUBCTL -s $SOCK bridge list | grep -q 'interface=tap_office.*state=attached' &&
	 ! $VPNHUBCTL -s $SOCK bridge list | grep -q 'interface=lan0'"
assert "bridge add lan0 --hub OTHER" ctl bridge add lan0 --hub OTHER
assert "the direct bridge is back" wait_for "ping" 10 ping_ok c2 10.77.0.10 1
assert "bridge add wrote SoftEther's LocalBridge1 folder" \
	grep -Pzq 'declare LocalBridge1\r?\n\t*\{\r?\n\t*string DeviceName lan0' "$CFG"
assert "bridge list --json: both, attached, with their sessions" python3 -c "
import json, subprocess, sys
l = json.loads(subprocess.run(['$VPNHUBCTL', '-s', '$SOCK', '--json', 'bridge', 'list'],
                              capture_output=True, text=True).stdout)
m = {b['interface']: b for b in l}
ok = (m['tap_office']['mode'] == 'tap' and m['lan0']['mode'] == 'direct' and
      all(b['state'] == 'attached' and b['session'] > 0 for b in l) and m['lan0']['promiscuous'])
sys.exit(0 if ok else 1)"
assert "bridge delete lan0" ctl bridge delete lan0
assert "bridge delete: the port ends" wait_for "ends" 5 \
	test "$(grep -c 'reload: local bridge lan0 (hub OTHER) ends' "$WORK/hub.log")" -eq 2
refute "bridge delete of an unknown device is refused" ctl bridge delete nosuch0
refute "bridge add with a bad interface name is refused" ctl bridge add bad/name --hub OTHER
finish
