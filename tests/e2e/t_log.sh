#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Packet, security and server logs: traffic through the hub leaves the
# expected CSV lines (ARP, ICMP at level full, TCP connection attempts);
# logins, a refused login, a logout and a reload reach the security log; a
# moved-away file is reopened on SIGHUP; with LogToStderr the security log goes
# to stderr (the journal) and no file is made.  Then the log directory sits on a
# tiny tmpfs (made here) that is full: forwarding goes on (pings, 200 MB of
# TCP), the hub reports the write error and counts the records it dropped.
#
#   c1 vpn0 10.77.0.1 (alice) --TLS-- [hub DEFAULT] --TLS-- c2 vpn0 10.77.0.2 (bob)
#   c3 (carol, wrong password)
set -u
cd "$(dirname "$0")/../.." && source tests/e2e/lib.sh
FULL=$WORK/full
cleanup() {
	mountpoint -q "$FULL" && umount "$FULL"
	topo_down
}
trap cleanup EXIT
CFG=$WORK/SoftHUB.cfg

# log_conf LOGDIR "CLASS LEVEL"...: hub_conf with the logs in LOGDIR and a
# LogSetting folder for hub DEFAULT (security and packet logs on); $LOG_EXTRA is
# one more root/Vpnhub item.
log_conf() {
	local dir=$1 c; shift
	hub_conf "$CFG" "string LogDir $dir" "uint LogMaxFileSize 1" ${LOG_EXTRA:+"$LOG_EXTRA"}
	{
		printf '\t\t\tdeclare LogSetting\n\t\t\t{\n'
		printf '\t\t\t\tbool SavePacketLog true\n\t\t\t\tbool SaveSecurityLog true\n'
		for c in "$@"; do printf '\t\t\t\tuint PACKET_LOG_%s\n' "$c"; done
		printf '\t\t\t}\n'
	} >"$WORK/logsetting"
	# the folder goes right after "declare DEFAULT {"
	sed -i "/^\t\tdeclare DEFAULT$/{n;r $WORK/logsetting
}" "$CFG"
}

LOGS=$WORK/logs
log_conf "$LOGS" "TCP_CONN 1" "ICMP 2" "ARP 1"
two_clients 3
PKT=$LOGS/DEFAULT/packet.log
SEC=$LOGS/DEFAULT/security.log

ns c1 ip neigh flush dev vpn0
assert "ping c1 -> c2" ping_ok c1 10.77.0.2
ns c1 bash -c 'exec 3<>/dev/tcp/10.77.0.2/9' 2>/dev/null || true # SYN, then RST
client_profile 3 DEFAULT carol wrong-pw "reconnect = no"
start_client 3
wait_for "carol refused" 10 grep -q "carol.*rejected" "$WORK/hub.log"

assert "ARP request from alice logged" wait_for "ARP line" 5 \
	grep -qE '^[0-9-]+,[0-9:.]+,SID-ALICE-[0-9]+,-,[0-9A-F]{12},FFFFFFFFFFFF,0x0806,[0-9]+,ARPv4,Request,.*Who has 10.77.0.2\? Please Tell [0-9A-F]{12}\(10.77.0.1\)' "$PKT"
assert "ICMP echo request alice -> bob at level full (frame hex)" wait_for "ICMP" 5 \
	grep -qE ',SID-ALICE-[0-9]+,SID-BOB-[0-9]+,.*,0x0800,98,ICMPv4,Echo Request,10.77.0.1,-,10.77.0.2,-,-,-,-,[0-9A-F]{196}$' "$PKT"
assert "ICMP echo reply bob -> alice logged" wait_for "reply" 5 \
	grep -qE ',SID-BOB-[0-9]+,SID-ALICE-[0-9]+,.*ICMPv4,Echo Reply,10.77.0.2,' "$PKT"
assert "TCP SYN logged with ports, sequence and window" wait_for "SYN" 5 \
	grep -qE ',TCP_CONNECTv4,SYN,10.77.0.1,[0-9]+,10.77.0.2,9,[0-9]+,0,WindowSize=[0-9]+,-$' "$PKT"
assert "TCP RST answer logged" wait_for "RST" 5 grep -qE ',TCP_CONNECTv4,RST\+ACK|,TCP_CONNECTv4,ACK\+RST' "$PKT"
refute "no line for UDP or TCP data (class level 0)" grep -qE ',(UDPv4|TCP_DATAv4),' "$PKT"
assert "every packet log line has 18 columns" \
	awk -F, 'NF != 18 { exit 1 }' "$PKT"
# stats counts what the logger rendered: at least the lines in the file now
log_count() { # FIELD: that log_records counter of hub DEFAULT
	"$BUILD/vpnhubctl" -s "$WORK/admin.sock" stats --json |
		python3 -c "import json, sys; print(json.load(sys.stdin)['log_records']['$1'])"
}
written_covers_file() { # the file first: the logger may write more in between
	local lines
	lines=$(wc -l <"$PKT")
	[ "$(log_count packet_written)" -ge "$lines" ]
}
drops_counted() { [ "$(log_count packet_dropped)" -gt 0 ]; }
assert "vpnhubctl stats: packet log records written" written_covers_file
# the logger writes at least every 200 ms: wait for lines, never assume them there
assert "security log: alice logged in, with an ISO-8601 time and zone" wait_for "login" 5 \
	grep -qE '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+[+-][0-9]{4} session [0-9]+ \(alice\) from \[::ffff:10.199.1.2\]:[0-9]+: logged in to hub DEFAULT' "$SEC"
assert "security log: carol's wrong password refused, with source address" \
	wait_for "refusal" 5 grep -qE 'session [0-9]+ \(carol\) from \[::ffff:10.199.3.2\]:[0-9]+: login refused' "$SEC"
assert "security log: start" wait_for "start" 5 grep -q "vpnhub .* started" "$SEC"
assert "server log: the daemon's lines" wait_for "server log" 5 grep -q "ready: 2 hub(s)" "$LOGS/server.log"

mv "$PKT" "$PKT.1"
kill -HUP "$HUB_PID"
assert "security log: reload" wait_for "reload line" 10 grep -q "configuration reloaded from $CFG" "$SEC"
assert "ping after SIGHUP" ping_ok c2 10.77.0.1
assert "packet.log reopened after logrotate moved it" wait_for "new packet.log" 5 \
	grep -q "ICMPv4,Echo Request,10.77.0.2" "$PKT"
kill -TERM "${CLIENT_PID[2]}"
wait "${CLIENT_PID[2]}" 2>/dev/null
unset 'CLIENT_PID[2]'
assert "security log: bob's logout with reason and counters" wait_for "logout" 10 \
	grep -qE 'session [0-9]+ \(bob\) from .*: logged out: .*frames in [0-9]+' "$SEC"
stop_all

# Under systemd: LogToStderr sends the server and security logs to the journal.
LOG_EXTRA="bool LogToStderr true" log_conf "$WORK/logs2" "ICMP 1"
start_hub
start_client 1
wait_connected 1 2
assert "LogToStderr: the security log goes to stderr" wait_for "security line" 10 \
	grep -qE "hub DEFAULT: security: session [0-9]+ \(alice\) from .*: logged in to hub DEFAULT" "$WORK/hub.log"
refute "LogToStderr: no security.log, no server.log" \
	bash -c "ls '$WORK/logs2/DEFAULT/security.log' '$WORK/logs2/server.log'"
stop_all
client_profile 1 DEFAULT alice alice-pw

# A full disk: the log directory on a 2 MB tmpfs filled up before the hub starts.
mkdir -p "$FULL"
mount -t tmpfs -o size=2m tmpfs "$FULL"
mkdir -p "$FULL/logs/DEFAULT"
dd if=/dev/zero of="$FULL/filler" bs=64k 2>/dev/null || true
log_conf "$FULL/logs" "ETHERNET 2"
start_hub
start_client 1
client_profile 2 DEFAULT bob bob-pw
start_client 2
wait_connected 1 3 && wait_connected 2 2
wait_for "IPv6 ready" 10 no_tentative c1
assert "ping through the hub with every frame logged to a full disk" ping_ok c1 10.77.0.2 10
ns c2 iperf3 -s -D -1 -p 5201 --logfile "$WORK/iperf-s.log"
wait_for "iperf3 server" 5 ns c2 bash -c "ss -ltn | grep -q :5201"
assert "200 MB of TCP through the hub while the log disk is full" \
	ns c1 iperf3 -c 10.77.0.2 -p 5201 -n 200M -J --logfile "$WORK/iperf.json"
python3 -c "
import json; d=json.load(open('$WORK/iperf.json'))
print('# c1->c2 with full-level logging to a full disk: %.2f Gbit/s' % (d['end']['sum_received']['bits_per_second']/1e9))"
assert "the write error is reported" wait_for "write error" 5 \
	grep -q "hub DEFAULT packet log: cannot write .*No space left on device" "$WORK/hub.log"
assert "the dropped records are counted" wait_for "drop count" 15 \
	grep -qE "hub DEFAULT packet log: [0-9]+ records dropped" "$WORK/hub.log"
assert "vpnhubctl stats: packet log records dropped" drops_counted
assert "ping still fine" ping_ok c2 10.77.0.1
sed -n 's/.*hub DEFAULT packet log: \([0-9]* records dropped.*\)/# \1/p' "$WORK/hub.log" | tail -1
finish
