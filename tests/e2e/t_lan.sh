#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Remote clients on a real office LAN through the hub's local bridges
# (SoftEther's LocalBridgeList, written as SoftEther writes it): TAP mode
# (the hub's tap_office in a Linux bridge with the host's uplink, so the hub
# host's own address answers too) and direct mode (AF_PACKET on a veth whose
# peer is in the office bridge).  The office runs dnsmasq and a web server.
# Interfaces deleted and re-created come back without a hub restart.
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
}
trap cleanup EXIT
SOCK=$WORK/admin.sock
ctl() { "$VPNHUBCTL" -s "$SOCK" "$@"; }

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

topo_up 2
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
assert "IPv6 through the bridges: c1 -> office" ns c1 ping -6 -c 2 -i 0.2 -W 2 fd77::10
# DHCP through both bridges (busybox udhcpc; the client's own "address = dhcp" is issue 15's other half)
for i in 1 2; do
	assert "DHCP through the $([ $i = 1 ] && echo TAP || echo direct) bridge: c$i gets a lease from dnsmasq" \
		ns "c$i" timeout 15 busybox udhcpc -i vpn0 -n -q -f -t 5 -T 2 -s /bin/true
done
assert "dnsmasq's lease file holds both leases" \
	bash -c "[ \$(grep -c ' 10.77.0.1[0-5][0-9] ' '$WORK/dnsmasq.leases') -ge 2 ]"

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
assert "packet log names the bridge port SID-LOCALBRIDGE-n" wait_for "packet log" 5 \
	grep -qE ',SID-ALICE-[0-9]+,SID-LOCALBRIDGE-[0-9]+,.*ICMPv4,Echo Request,10.77.0.1,' \
	"$WORK/logs/DEFAULT/packet.log"

# CheckMac on a bridge port: a LAN host sending with c1's MAC does not take it over
mac1=$(ns c1 cat /sys/class/net/vpn0/address)
bridge_sid() { ctl sessions | grep "tap_office" | sed -n 's/.*id=\([0-9]*\).*/\1/p'; }
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
