#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Two clients on one hub: ARP, ping both ways, IPv6 (global and link-local),
# broadcast reaching every client, bulk TCP (iperf3, 200 MB) with the hold mark
# following the link, and the tunnel connections' TCP congestion control
# (TunnelCongestionControl, congestion_control).
#
#   c1 vpn0 10.77.0.1 --TLS-- [hub DEFAULT] --TLS-- c2 vpn0 10.77.0.2
#   c3 vpn0 10.77.0.3 --TLS-- [hub DEFAULT]
set -u
cd "$(dirname "$0")/../.." && source tests/e2e/lib.sh
trap topo_down EXIT

hub_conf "$WORK/SoftHUB.cfg" "string TunnelCongestionControl reno"
two_clients 3
client_profile 3 DEFAULT carol carol-pw "address = 10.78.0.3/24" "congestion_control = reno"
start_client 3
wait_connected 3

# tunnel_cc NS: the congestion controls of NS's established connections to or from :5555
tunnel_cc() {
	ns "$1" ss -tin state established "( sport = :5555 or dport = :5555 )" |
		grep -oE '(^|[[:space:]])(reno|cubic|bbr[0-9]*|htcp|vegas|dctcp)[[:space:]]' |
		tr -d ' \t' | sort -u | paste -sd' '
}
assert "the hub's three connections use its TunnelCongestionControl, reno" \
	test "$(tunnel_cc hub)" = reno
assert "c3 uses its profile's congestion_control, reno" test "$(tunnel_cc c3)" = reno
assert "c1 uses the profile default, cubic" test "$(tunnel_cc c1)" = cubic

assert "ping c1 -> c2" ping_ok c1 10.77.0.2
assert "ping c2 -> c1" ping_ok c2 10.77.0.1
assert "a client keeps every IPv4 address of its profile" \
	bash -c "ip netns exec $P-c3 ip -4 addr show dev vpn0 | grep -q 10.77.0.3/24 &&
		 ip netns exec $P-c3 ip -4 addr show dev vpn0 | grep -q 10.78.0.3/24"
assert "c1 learned c2's MAC by ARP" \
	bash -c "ip netns exec $P-c1 ip neigh show 10.77.0.2 dev vpn0 | grep -q lladdr"
assert "ARP request answered (arping)" ns c2 arping -c 2 -w 3 -I vpn0 10.77.0.1
wait_for "c3 IPv6" 10 no_tentative c3
assert "IPv6 ping c1 -> c2 (global)" ns c1 ping -6 -c 3 -i 0.2 -W 2 fd77::2
ll2=$(ns c2 ip -6 addr show dev vpn0 scope link | sed -n 's|.*inet6 \([^/]*\)/.*|\1|p')
assert "IPv6 link-local ping c1 -> c2 ($ll2)" ns c1 ping -6 -c 3 -i 0.2 -W 2 "$ll2%vpn0"

# broadcast: an ICMP echo to 10.77.0.255 must reach (and be answered by) c2 and c3
for i in 2 3; do ns "c$i" sysctl -qw net.ipv4.icmp_echo_ignore_broadcasts=0; done
ns c1 ping -b -c 3 -i 0.3 -W 2 10.77.0.255 >"$WORK/bcast.out" 2>&1 || true
assert "broadcast reached c2" grep -q "from 10.77.0.2" "$WORK/bcast.out"
assert "broadcast reached c3" grep -q "from 10.77.0.3" "$WORK/bcast.out"

# bulk TCP: 200 MB c1 -> c2 and 200 MB c2 -> c1, with no error
ns c2 iperf3 -s -D -1 -p 5201 --logfile "$WORK/iperf-s.log"
wait_for "iperf3 server" 5 ns c2 bash -c "ss -ltn | grep -q :5201"
assert "iperf3 200 MB c1 -> c2" ns c1 iperf3 -c 10.77.0.2 -p 5201 -n 200M -J --logfile "$WORK/iperf1.json"
assert "iperf3 sent >= 200 MB with no error" python3 -c "
import json,sys; d=json.load(open('$WORK/iperf1.json'))
sys.exit(0 if d['end']['sum_sent']['bytes'] >= 200*1024*1024 and 'error' not in d else 1)"
ns c2 iperf3 -s -D -1 -p 5202 --logfile "$WORK/iperf-s2.log"
wait_for "iperf3 server" 5 ns c2 bash -c "ss -ltn | grep -q :5202"
assert "iperf3 200 MB c2 -> c1 (reverse)" ns c1 iperf3 -c 10.77.0.2 -p 5202 -n 200M -R -J --logfile "$WORK/iperf2.json"
python3 -c "
import json; d=json.load(open('$WORK/iperf1.json'))
print('# c1->c2: %.2f Gbit/s' % (d['end']['sum_received']['bits_per_second']/1e9))"
# alice's queue took the reverse transfer: its hold mark followed her link (docs/congestion.md
# 4c), 4 ms of what a veth delivers, so above the 128 KiB floor and at most half of QueueBytes
hubctl() { "$BUILD/vpnhubctl" -s "$WORK/admin.sock" --json "$@"; }
alice=$(hubctl session list | python3 -c "
import json, sys; print([s['id'] for s in json.load(sys.stdin) if s['user'] == 'alice'][0])")
hubctl stats session "$alice" >"$WORK/alice.json"
assert "alice's hold mark follows her link: above 131072, at most 2097152" python3 -c "
import json, sys; b = json.load(open('$WORK/alice.json'))['backpressure']
print('# hold mark', b['hold_mark_bytes'], 'link rate', b['link_rate_bytes_per_s'])
sys.exit(0 if b['link_rate_bytes_per_s'] > 0 and 131072 < b['hold_mark_bytes'] <= 2097152 else 1)"
assert "ping still fine after bulk transfer" ping_ok c1 10.77.0.2
finish
