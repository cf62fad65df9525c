#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A hub cascade to a stock SoftEther VPN Server 5.01 (CascadeList entry with
# "string Protocol softether", docs/cascade.md): the link logs in with SoftEther's
# password proof and runs SoftEther's data phase; a vpnclient on vpnhub pings and
# runs iperf3 both ways with a stock SoftEther client on the server's hub (the
# vpnclient's GSO super-frames are segmented in software for the link, the stock
# client sees no checksum errors); the console lists the link; a wrong password is
# the link's last error.
#
#   c1: vpnclient 10.77.0.1 -- [hA: vpnhub, hub DEFAULT] ==link toS, l1== [hS: vpnserver, hub SEHUB] -- c2: stock vpnclient vpn_se 10.77.0.2
set -u
cd "$(dirname "$0")/../.." && source tests/e2e/lib.sh && source tests/e2e/se_lib.sh
source tests/e2e/cascade_lib.sh
P=vhsca$$
cleanup() {
	se_stop_all
	mh_down
}
trap cleanup EXIT

# status_has NAME EXPR: the Python expression EXPR holds for d, the link's JSON status
status_has() {
	mh_ctl A --json cascade status "$1" |
		python3 -c "import json,sys; d=json.load(sys.stdin); sys.exit(0 if ($2) else 1)"
}
# iperf3_ok FILE: a finished run that moved at least 1 MB
iperf3_ok() {
	python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
assert "error" not in r and r["end"]["sum_received"]["bytes"] > 1000000
print("%.3f Gbit/s" % (r["end"]["sum_received"]["bits_per_second"] / 1e9))' "$1"
}
csum_errors() { ns c2 nstat -az TcpInCsumErrors | awk '/TcpInCsumErrors/ {print $2}'; }

mh_hub_folder
mh_hub A
mh_hub S
mh_client 1 A
mh_client 2 S
mh_link 1 A S
mkdir -p "$WORK/se"
assert "a stock SoftEther VPN Server runs in its namespace" \
	se_server_up hS SEHUB sitea:sitea-pw bob:bob-pw
assert "a stock SoftEther VPN Client joins its hub" \
	se_client_up c2 c2 10.199.2.1 SEHUB bob bob-pw
ns c2 ip addr add 10.77.0.2/24 dev vpn_se
ns c2 ip link set vpn_se up
FP[S]=$(se_fingerprint hS)
mh_start A

assert "cascade add --protocol softether" \
	mh_ctl A cascade add toS --server 10.198.1.2:5555 --remote-hub SEHUB --user sitea \
	--password sitea-pw --fingerprint "${FP[S]}" --retry 2 --protocol softether
assert "the entry says Protocol softether" grep -q "string Protocol softether" "$WORK/A/SoftHUB.cfg"
wait_for "link established" 20 status_has toS 'd["state"] == "established"'
assert "the link to the SoftEther server is established" \
	status_has toS 'd["state"] == "established" and d["protocol"] == "softether"'
listed() { mh_ctl A cascade list | grep toS | grep -q established; }
assert "cascade list shows it" listed
mh_client_start 1 A
assert "vpnclient logs in to vpnhub" wait_connected 1
wait_for "c1 reaches the stock client" 20 ping_ok c1 10.77.0.2 1
assert "ping vpnclient -> stock SoftEther client across the link" ping_ok c1 10.77.0.2 3
before=$(csum_errors)
ns c2 iperf3 -s -D -1 -p 5201 --logfile "$WORK/iperf-s1.txt"
ns c1 iperf3 -s -D -1 -p 5202 --logfile "$WORK/iperf-s2.txt"
wait_for "iperf3 servers" 5 ns c2 bash -c "ss -ltn | grep -q :5201"
ns c1 timeout 30 iperf3 -c 10.77.0.2 -p 5201 -t 2 -J >"$WORK/iperf-up.json" 2>&1
ns c2 timeout 30 iperf3 -c 10.77.0.1 -p 5202 -t 2 -J >"$WORK/iperf-down.json" 2>&1
assert "iperf3 TCP vpnclient -> stock client" iperf3_ok "$WORK/iperf-up.json"
assert "iperf3 TCP stock client -> vpnclient" iperf3_ok "$WORK/iperf-down.json"
echo "# iperf3 up $(iperf3_ok "$WORK/iperf-up.json" 2>/dev/null), down $(iperf3_ok "$WORK/iperf-down.json" 2>/dev/null)"
# segmented: the link's session counts the super-frames it cut (session show)
segmented() {
	local sid
	sid=$(mh_ctl A --json cascade status toS | python3 -c 'import json,sys; print(json.load(sys.stdin)["session"])')
	mh_ctl A --json session show "$sid" | python3 -c 'import json,sys
d = json.load(sys.stdin)
d = d[0] if isinstance(d, list) else d
se = d["softether"]
print(se)
assert d["protocol"] == "cascade" and se["superframes_segmented"] > 0 and se["dropped"] == 0'
}
assert "the link's port cut the vpnclient's super-frames in software, none dropped" segmented
assert "the stock client counted no TCP checksum errors ($before -> $(csum_errors))" \
	test "$(csum_errors)" = "${before:-0}"
assert "cascade status counts frames both ways" status_has toS 'd["rx_frames"] > 1000 and d["tx_frames"] > 1000'

# a wrong password: the link retries, its last error says why
assert "cascade add toBad with a wrong password" \
	mh_ctl A cascade add toBad --server 10.198.1.2:5555 --remote-hub SEHUB --user sitea \
	--password wrong-pw --fingerprint "${FP[S]}" --retry 2 --protocol softether
wait_for "toBad's error" 20 status_has toBad '"SoftEther error 9" in d["last_error"]'
assert "a wrong password is the link's last error ($(mh_ctl A --json cascade status toBad |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["last_error"])'))" \
	status_has toBad '"SoftEther error 9" in d["last_error"] and d["state"] != "established"'
assert "the good link stays up" status_has toS 'd["state"] == "established"'

finish
