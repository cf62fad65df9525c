#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# vpnclient with "protocol = softether" against a stock SoftEther VPN Server 5.01:
# it logs in with SoftEther's password proof (the server's certificate pinned by
# fingerprint), exchanges traffic with a stock SoftEther VPN Client on the same
# virtual hub (ping, iperf3 both ways), is refused with a clear error and exit
# code 3 for a wrong password or a wrong fingerprint, and reconnects after the
# server restarts.
#
#   c1: vpnclient vpn0 10.77.0.1 --TLS:5555-- [hub ns: vpnserver, hub SEHUB] --TLS:5555-- c2: stock vpnclient vpn_se 10.77.0.2
set -u
cd "$(dirname "$0")/../.." && source tests/e2e/lib.sh && source tests/e2e/se_lib.sh
P=vhsec$$
cleanup() {
	se_stop_all
	topo_down
}
trap cleanup EXIT
# ping_within SECS: c1 reaches the stock client within SECS (each ping bounded by -W)
ping_within() {
	local end=$((SECONDS + $1))
	while ((SECONDS < end)); do
		ping_ok c1 10.77.0.2 1 && return 0
		sleep 0.5
	done
	return 1
}

topo_up 2
mkdir -p "$WORK/se"
assert "a stock SoftEther VPN Server runs in the hub namespace" \
	se_server_up hub SEHUB alice:alice-pw bob:bob-pw
assert "a stock SoftEther VPN Client joins its hub" \
	se_client_up c2 c2 10.199.2.1 SEHUB bob bob-pw
ns c2 ip addr add 10.77.0.2/24 dev vpn_se
ns c2 ip link set vpn_se up
FINGERPRINT=$(se_fingerprint hub)

client_profile 1 SEHUB alice alice-pw "protocol = softether"
sed -i '/^address = fd77/d' "$WORK/c1.conf"
start_client 1
assert "vpnclient logs in to the SoftEther server" wait_connected 1
assert "the login used SoftEther's protocol" grep -q "SoftEther" "$WORK/c1.log"
assert "it pings the stock client across the SoftEther hub" \
	ping_within 15
ns c2 iperf3 -s -D -1 -p 5201 --logfile "$WORK/iperf-s1.txt"
ns c1 iperf3 -s -D -1 -p 5202 --logfile "$WORK/iperf-s2.txt"
sleep 0.5
ns c1 timeout 30 iperf3 -c 10.77.0.2 -p 5201 -t 2 -J >"$WORK/iperf-up.json" 2>&1
ns c2 timeout 30 iperf3 -c 10.77.0.1 -p 5202 -t 2 -J >"$WORK/iperf-down.json" 2>&1
# iperf3_ok FILE: a finished run that moved at least 1 MB
iperf3_ok() {
	python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
assert "error" not in r and r["end"]["sum_received"]["bytes"] > 1000000
print("%.3f Gbit/s" % (r["end"]["sum_received"]["bits_per_second"] / 1e9))' "$1"
}
assert "iperf3 TCP vpnclient -> stock client" iperf3_ok "$WORK/iperf-up.json"
assert "iperf3 TCP stock client -> vpnclient" iperf3_ok "$WORK/iperf-down.json"
echo "# iperf3 up $(iperf3_ok "$WORK/iperf-up.json" 2>/dev/null), down $(iperf3_ok "$WORK/iperf-down.json" 2>/dev/null)"

# wrong password: refused at once, exit code 3, SoftEther's reason in words
SERVER=10.199.1.1:5555 client_profile 3 SEHUB alice wrong-pw "protocol = softether" \
	"reconnect = no"
sed -i 's/^device = vpn0/device = vpn1/; /^address/d' "$WORK/c3.conf"
timeout 30 ip netns exec "$P-c1" "$VPNCLIENT" connect "$WORK/c3.conf" >"$WORK/wrong-pw.log" 2>&1
rc=$?
assert "a wrong password ends vpnclient with exit code 3" test "$rc" -eq 3
assert "and says the password was refused" grep -qi "password" "$WORK/wrong-pw.log"

# wrong pinned fingerprint: refused before any login, exit code 3
sed -i 's/^password = .*/password = alice-pw/; s/^fingerprint = .*/fingerprint = '"$(printf '%064d' 0)"'/' \
	"$WORK/c3.conf"
timeout 30 ip netns exec "$P-c1" "$VPNCLIENT" connect "$WORK/c3.conf" >"$WORK/wrong-fp.log" 2>&1
rc=$?
assert "a wrong fingerprint ends vpnclient with exit code 3" test "$rc" -eq 3
assert "and names the fingerprint" grep -q "fingerprint" "$WORK/wrong-fp.log"

# the server restarts: vpnclient (and the stock client) come back
se_stop server
se_run hub server vpnserver
assert "the SoftEther server is back" wait_for "server" 30 se_listening hub 5555
assert "vpnclient logs in again after the restart" \
	wait_for "second login" 40 count_ge 2 'connected to hub' "$WORK/c1.log"
# the stock client's own session does not forward after its automatic reconnect
# (SoftEther 5.01's client, seen here): its daemon restarts with the account at startup
se_stop c2
se_run c2 c2 vpnclient
assert "the stock client logs in again after the restart" \
	wait_for "stock client session" 40 se_client_established c2
ns c2 ip addr replace 10.77.0.2/24 dev vpn_se
ns c2 ip link set vpn_se up
assert "traffic flows again" ping_within 20

finish
