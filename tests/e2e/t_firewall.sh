#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The firewall with real clients: security policies of SoftHUB.cfg users
# enforced on real traffic between TAP devices in namespaces.
#
#   c1 alice   PrivacyFilter          c4 mallory  CheckMac, DHCPNoServer, MaxUpload 10 Mbit/s
#   c2 bob     PrivacyFilter          c5 mona     MonitorPort
#   c3 carol   a policy with nothing on (the legitimate DHCP server: without a policy,
#              vpnhub's secure defaults would silence it, docs/firewall.md)
set -u
cd "$(dirname "$0")/../.." && source tests/e2e/lib.sh
trap topo_down EXIT

# policy_user NAME PASSWORD "type Item value"...: a user folder with a Policy folder.
policy_user() {
	local name=$1 pw=$2 item; shift 2
	user_folder 5 "$name" "$pw" | sed '$d'
	printf '\t\t\t\t\t\tdeclare Policy\n\t\t\t\t\t\t{\n'
	printf "\t\t\t\t\t\t\tbool Access true\n" # absent items read as 0, as in SoftEther
	for item in "$@"; do printf '\t\t\t\t\t\t\t%s\n' "$item"; done
	printf '\t\t\t\t\t\t}\n\t\t\t\t\t}\n'
}

write_conf() {
	{
		printf 'declare root\n{\n'
		printf '\tdeclare ListenerList\n\t{\n\t\tdeclare Listener0\n\t\t{\n'
		printf '\t\t\tbool Enabled true\n\t\t\tuint Port 5555\n\t\t}\n\t}\n'
		printf '\tdeclare Vpnhub\n\t{\n\t\tuint KeepAlive 2\n\t\tstring StateDir %s\n' \
			"$WORK/state"
		printf '\t\tstring AdminSocket %s\n' "$WORK/admin.sock"
		printf '\t\tuint Timeout 8\n\t}\n\tdeclare VirtualHUB\n\t{\n'
		printf '\t\tdeclare DEFAULT\n\t\t{\n\t\t\tbool Online true\n'
		printf '\t\t\tdeclare SecurityAccountDatabase\n\t\t\t{\n\t\t\t\tdeclare UserList\n\t\t\t\t{\n'
		policy_user alice alice-pw "bool PrivacyFilter true"
		policy_user bob bob-pw "bool PrivacyFilter true"
		policy_user carol carol-pw
		policy_user mallory mallory-pw "bool CheckMac true" "bool DHCPNoServer true" \
			"uint MaxUpload 10000000"
		policy_user mona mona-pw "bool MonitorPort true"
		printf '\t\t\t\t}\n\t\t\t}\n'
		# carol may not reach TCP port 22 anywhere
		printf '\t\t\tdeclare AccessList\n\t\t\t{\n\t\t\t\tdeclare 1\n\t\t\t\t{\n'
		printf '\t\t\t\t\tstring Note "no ssh for carol"\n\t\t\t\t\tbool Active true\n'
		printf '\t\t\t\t\tuint Priority 10\n\t\t\t\t\tbool Discard true\n'
		printf '\t\t\t\t\tuint Protocol 6\n\t\t\t\t\tuint DestPortStart 22\n'
		printf '\t\t\t\t\tuint DestPortEnd 22\n\t\t\t\t\tstring SrcUsername carol\n'
		printf '\t\t\t\t}\n\t\t\t}\n\t\t}\n\t}\n}\n'
	} >"$WORK/SoftHUB.cfg"
}

# tcp_listen NS PORT: a TCP server in NS that answers every connection with "hello".
tcp_listen() {
	ns "$1" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", int(sys.argv[1]))); s.listen(8)
while True:
    c, _ = s.accept(); c.sendall(b"hello\n"); c.close()' "$2" &
	LISTENERS+=($!)
}
LISTENERS=()
tcp_hello() { # tcp_hello NS ADDR PORT: connects and expects the greeting
	ns "$1" python3 -c '
import socket, sys
c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=3)
sys.exit(0 if c.recv(16) == b"hello\n" else 1)' "$2" "$3"
}

rx_packets() { ns "$1" cat /sys/class/net/vpn0/statistics/rx_packets; }

topo_up 5
write_conf
start_hub
users=(- alice bob carol mallory mona)
for i in 1 2 3 4 5; do
	client_profile "$i" DEFAULT "${users[$i]}" "${users[$i]}-pw"
	start_client "$i"
done
for i in 1 2 3 4 5; do wait_connected "$i"; done
for i in 1 2 3 4; do wait_for "IPv6 ready on c$i" 10 no_tentative "c$i"; done

# PrivacyFilter: alice and bob cannot reach each other, both reach carol
refute "PrivacyFilter: alice cannot ping bob" ping_ok c1 10.77.0.2 2
assert "PrivacyFilter: alice reaches carol" ping_ok c1 10.77.0.3
assert "PrivacyFilter: bob reaches carol" ping_ok c2 10.77.0.3
assert "PrivacyFilter drops counted by the hub" grep -q "(PrivacyFilter)" "$WORK/hub.log"

# MonitorPort: mona gets a copy of carol <-> mallory traffic and cannot send
before=$(rx_packets c5)
assert "carol pings mallory" ping_ok c3 10.77.0.4 20
after=$(rx_packets c5)
assert "MonitorPort: mona saw both directions of 20 pings ($((after - before)) frames)" \
	test $((after - before)) -ge 40
refute "MonitorPort: mona cannot send" ping_ok c5 10.77.0.3 2
assert "MonitorPort drops counted" grep -q "session .* (mona): dropping frames (MonitorPort)" "$WORK/hub.log"

# CheckMac: mallory takes carol's MAC while carol is active: refused, carol unharmed
carol_mac=$(ns c3 cat /sys/class/net/vpn0/address)
mallory_mac=$(ns c4 cat /sys/class/net/vpn0/address)
ns c3 ping -q -c 40 -i 0.1 10.77.0.1 >"$WORK/carol-ping.out" 2>&1 &
carol_ping=$!
sleep 0.5
ns c4 ip link set dev vpn0 address "$carol_mac"
ns c4 ping -c 5 -i 0.2 -W 1 10.77.0.1 >/dev/null 2>&1
wait "$carol_ping"
assert "CheckMac: the spoofed frames are dropped and logged" \
	grep -q "session .* (mallory): dropping frames (CheckMac)" "$WORK/hub.log"
assert "CheckMac: carol's ping through the spoofing attempt lost nothing" \
	grep -q " 0% packet loss" "$WORK/carol-ping.out"
ns c4 ip link set dev vpn0 address "$mallory_mac"
ns c4 ip neigh flush dev vpn0
ns c3 ip neigh flush dev vpn0
ns c1 ip neigh flush dev vpn0

# DHCPNoServer: mallory's rogue DHCP server is silenced, carol's works
dhcpd_conf() { # dhcpd_conf I START END
	printf 'start %s\nend %s\ninterface vpn0\nlease_file %s\noption subnet 255.255.255.0\n' \
		"$2" "$3" "$WORK/leases$1" >"$WORK/udhcpd$1.conf"
	printf 'pidfile %s\n' "$WORK/udhcpd$1.pid" >>"$WORK/udhcpd$1.conf"
	touch "$WORK/leases$1"
}
dhcpd_conf 3 10.77.0.100 10.77.0.109
dhcpd_conf 4 10.77.0.200 10.77.0.209
ns c3 busybox udhcpd -f "$WORK/udhcpd3.conf" >>"$WORK/udhcpd3.log" 2>&1 &
dhcpd3=$!
ns c4 busybox udhcpd -f "$WORK/udhcpd4.conf" >>"$WORK/udhcpd4.log" 2>&1 &
dhcpd4=$!
sleep 1
leases=0
rogue=0
for n in 1 2 3; do
	out=$(ns c2 timeout 20 busybox udhcpc -f -q -n -i vpn0 -s /bin/true -t 5 -T 1 2>&1)
	echo "$out" >>"$WORK/udhcpc.log"
	grep -q "lease of 10.77.0.10[0-9] obtained" <<<"$out" && leases=$((leases + 1))
	grep -q "lease of 10.77.0.20[0-9] obtained\|10.77.0.20[0-9]" <<<"$out" && rogue=$((rogue + 1))
done
assert "DHCPNoServer: the legitimate server gave a lease 3 times ($leases)" test "$leases" -eq 3
assert "DHCPNoServer: the rogue server was never heard ($rogue)" test "$rogue" -eq 0
assert "DHCPNoServer drops logged" grep -q "(mallory): dropping frames (DHCPNoServer)" "$WORK/hub.log"
kill "$dhcpd3" "$dhcpd4" 2>/dev/null
wait "$dhcpd3" "$dhcpd4" 2>/dev/null

# MaxUpload: mallory's UDP flood is capped near 10 Mbit/s; ARP and ICMP still pass
ns c3 iperf3 -s -1 -p 5201 >"$WORK/iperf-s.log" 2>&1 &
iperf_srv=$!
sleep 0.5
ns c4 iperf3 -c 10.77.0.3 -u -b 200M -t 4 -p 5201 -J >"$WORK/iperf-flood.json" 2>&1 &
iperf_cli=$!
sleep 1
assert "MaxUpload: ICMP from mallory passes during its flood" ping_ok c4 10.77.0.3 5
assert "MaxUpload: ARP from mallory passes during its flood" \
	ns c4 arping -c 3 -w 5 -I vpn0 10.77.0.3
wait "$iperf_cli"
wait "$iperf_srv"
rate=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(int(d["end"]["sum_received"]["bits_per_second"]) if "sum_received" in d["end"] else int(d["end"]["sum"]["bits_per_second"]*(100-d["end"]["sum"]["lost_percent"])/100))' "$WORK/iperf-flood.json" 2>/dev/null || echo 999999999)
log "# MaxUpload 10 Mbit/s: flood received at $rate bit/s"
assert "MaxUpload: the flood arrived at <= 12 Mbit/s ($rate bit/s)" test "$rate" -le 12000000
assert "MaxUpload: the flood was not cut off entirely ($rate bit/s)" test "$rate" -ge 2000000
assert "MaxUpload drops logged" grep -q "(mallory): dropping frames (MaxUpload)" "$WORK/hub.log"

# Access list: entry 1 discards TCP port 22 from carol only
tcp_listen c4 22
tcp_listen c4 2222
sleep 0.5
refute "AccessList: carol cannot reach mallory's port 22" tcp_hello c3 10.77.0.4 22
assert "AccessList: carol reaches mallory's port 2222" tcp_hello c3 10.77.0.4 2222
assert "AccessList: alice reaches mallory's port 22" tcp_hello c1 10.77.0.4 22
assert "AccessList drop logged with its entry" \
	grep -q "(carol): dropping frames (AccessList entry 1)" "$WORK/hub.log"
kill "${LISTENERS[@]}" 2>/dev/null
wait "${LISTENERS[@]}" 2>/dev/null

finish
