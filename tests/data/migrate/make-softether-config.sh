#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make-softether-config.sh: writes vpn_server.config with Debian's stock
# SoftEther VPN Server 5.01 (softether-vpnserver, softether-vpncmd) for
# tests/e2e/t_migrate.sh.  Run once, as root, after make-certs.sh; the results
# (vpn_server.config, server-cert.pem, server-fingerprint.txt) are committed so
# the test does not need SoftEther (nor scripts/install-deps.sh, which does not
# install it; here: apt-get install softether-vpnserver softether-vpncmd with
# /usr/sbin/policy-rc.d exiting 101, so the service does not start).
#
# The server runs in a network namespace that has only a loopback interface (no
# route out, so its keep-alive, DDNS and NAT-T look-ups go nowhere), in a
# private mount namespace with its own /var/lib, /var/log and /run (the Debian
# build hard-codes them).  vpncmd configures it; the one thing vpncmd cannot
# set, the hub message (an RPC of the GUI manager), is added to the file while
# the server is stopped, and the server is started once more so that it reads
# the file and writes it back in its own form.
set -eu
cd "$(dirname "$0")"
HERE=$(pwd)
SE=/usr/libexec/softether
NS=semk$$
T=$(mktemp -d /tmp/se-mkcfg.XXXXXX)
SRV_PID=

cleanup() {
	[ -n "$(ip netns pids "$NS" 2>/dev/null)" ] && kill -KILL $(ip netns pids "$NS") 2>/dev/null
	ip netns del "$NS" 2>/dev/null || true
	rm -rf "$T"
}
trap cleanup EXIT

start_server() {
	ip netns exec "$NS" unshare -m --propagation private bash -c '
		set -e
		mkdir -p "$1/lib/softether" "$1/log/softether" "$1/run/softether"
		mount --bind "$1/lib" /var/lib
		mount --bind "$1/log" /var/log
		mount --bind "$1/run" /run
		echo "nameserver 127.0.0.1" > "$1/resolv.conf"
		mount --bind "$1/resolv.conf" /etc/resolv.conf
		exec env TZ=UTC '"$SE"'/vpnserver/vpnserver execsvc' _ "$T/srv" >"$T/srv.out" 2>&1 &
	for _ in $(seq 100); do
		ip netns exec "$NS" ss -lnt "sport = :5555" | grep -q LISTEN && return 0
		sleep 0.1
	done
	echo "vpnserver did not start" >&2
	exit 1
}

# the watchdog parent and the worker: every process in the namespace is ours
stop_server() {
	kill -TERM $(ip netns pids "$NS") 2>/dev/null || true
	for _ in $(seq 100); do
		[ -z "$(ip netns pids "$NS")" ] && return 0
		sleep 0.1
	done
	kill -KILL $(ip netns pids "$NS") 2>/dev/null || true
}

# vpncmd asks for any missing parameter on stdin: give every one, stdin at EOF, a timeout
# (run in $T: a file name starting with "/" would be taken for a parameter)
vpncmd() {
	(cd "$T" && timeout 30 ip netns exec "$NS" env TZ=UTC "$SE/vpncmd/vpncmd" 127.0.0.1:5555 \
		/SERVER "$@" </dev/null | tr -d '\r')
}

ip netns add "$NS"
ip netns exec "$NS" ip link set lo up

cp ca.pem user2.pem "$T/"
start_server
cat > "$T/setup.in" <<X
HubDelete DEFAULT
HubCreate MIGRATE /PASSWORD:hubadminpw
KeepDisable
VpnAzureSetEnable no
VpnOverIcmpDnsEnable /ICMP:no /DNS:no
ProtoOptionsSet OpenVPN /NAME:Enabled /VALUE:false
ProtoOptionsSet SSTP /NAME:Enabled /VALUE:false
IPsecEnable /L2TP:no /L2TPRAW:no /ETHERIP:no /PSK:notused /DEFAULTHUB:MIGRATE
Hub MIGRATE
SetMaxSession 20
SetEnumDeny
ExtOptionSet FilterOSPF /VALUE:1
ExtOptionSet NoIpTable /VALUE:0
LogEnable security
CAAdd ca.pem
CrlAdd /SERIAL:1004 /MD5:none /SHA1:none /CN:revoked /O:none /OU:none /C:none /ST:none /L:none
GroupCreate staff /REALNAME:Staff /NOTE:none
GroupPolicySet staff /NAME:MaxConnection /VALUE:4
UserCreate alice /GROUP:staff /REALNAME:Alice /NOTE:none
UserPasswordSet alice /PASSWORD:alicepw
UserExpiresSet alice /EXPIRES:"2031/12/31 23:59:59"
UserCreate bob /GROUP:none /REALNAME:Bob /NOTE:none
UserPasswordSet bob /PASSWORD:bobpw
UserCreate certuser /GROUP:none /REALNAME:none /NOTE:none
UserCertSet certuser /LOADCERT:user2.pem
UserCreate causer /GROUP:none /REALNAME:none /NOTE:none
UserSignedSet causer /CN:causer /SERIAL:1003
UserCreate revoked /GROUP:none /REALNAME:none /NOTE:none
UserSignedSet revoked /CN:revoked /SERIAL:none
AcAdd allow /PRIORITY:5 /IP:10.199.1.2/32
AcAdd deny /PRIORITY:10 /IP:10.199.1.0/24
AcAdd deny /PRIORITY:20 /IP:10.199.2.0/255.255.255.0
AcAdd6 deny /PRIORITY:30 /IP:2001:db8::/32
AccessAdd discard /MEMO:no-spoofed-mac /PRIORITY:100 /SRCUSERNAME: /DESTUSERNAME: /SRCMAC:02-00-5e-00-00-99/ff-ff-ff-ff-ff-ff /DESTMAC: /SRCIP:0.0.0.0/0 /DESTIP:0.0.0.0/0 /PROTOCOL:0 /SRCPORT: /DESTPORT: /TCPSTATE:
AccessAdd discard /MEMO:no-inbound-ssh /PRIORITY:200 /SRCUSERNAME: /DESTUSERNAME: /SRCMAC: /DESTMAC: /SRCIP:0.0.0.0/0 /DESTIP:0.0.0.0/0 /PROTOCOL:tcp /SRCPORT: /DESTPORT:22 /TCPSTATE:unestablished
UserList
AcList
CAList
ServerCertGet server-cert.pem
Flush
X
vpncmd /IN:setup.in > "$T/setup.log"
if grep -q "Error occurred" "$T/setup.log"; then
	cat "$T/setup.log" >&2
	exit 1
fi
stop_server

# the hub message (and the outbound features vpncmd cannot switch off)
cfg="$T/srv/lib/softether/vpn_server.config"
awk '
	/declare DDnsClient/ { inddns = 1 }
	inddns && /bool Disabled false/ { sub(/false/, "true"); inddns = 0 }
	/bool DisableNatTraversal false/ { sub(/false/, "true") }
	/bool DisableJsonRpcWebApi false/ { sub(/false/, "true") }
	/bool UseKeepConnect true/ { sub(/true/, "false") }
	/^\t\tdeclare MIGRATE\r?$/ { inhub = 1 }
	inhub && /^\t\t\tdeclare Message\r?$/ { inmsg = 1 }
	inmsg && /^\t\t\t\{\r?$/ {
		print
		printf "\t\t\t\tstring MessageText Welcome$20to$20MIGRATE$20$E2$80$94$20caf$C3$A9.$0D$0ASecond$20line.\r\n"
		inhub = inmsg = 0
		next
	}
	{ print }' "$cfg" > "$cfg.new"
mv "$cfg.new" "$cfg"
start_server
echo "ConfigGet dump.config" > "$T/check.in"
vpncmd /IN:check.in > "$T/check.log"
stop_server

cp "$cfg" vpn_server.config
openssl x509 -in "$T/server-cert.pem" -out server-cert.pem
# SoftEther shows SHA-1 and MD5 digests; vpnhub pins SHA-256 (of the same DER)
openssl x509 -in server-cert.pem -noout -fingerprint -sha256 | sed 's/.*=//' > server-fingerprint.txt
grep -A2 "Message" vpn_server.config | tr -d '\r'
cat server-fingerprint.txt
