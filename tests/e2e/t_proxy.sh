#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Proxy traversal: client 1 has no route to the hub, only to a proxy namespace
# running squid (HTTP CONNECT, Basic authentication against an htpasswd file)
# and dante (SOCKS5, RFC 1929 user/password against the system's password
# database).  Sessions work through each; wrong proxy passwords, a proxy that
# wants credentials and a wrong hub fingerprint end the client with plain
# messages; a proxy restart makes the client reconnect through it.
#
#   ns c1                     ns px                                  ns hub
#   vc1 10.199.1.2 --veth-- vp1 10.199.1.1                            vpnhub *:5555
#       fd99:1::2               fd99:1::1
#                           squid :3128, danted :1080
#                           vpx 10.199.9.2 ---------- veth ---------- vh9 10.199.9.1
#                               fd99:9::2                                 fd99:9::1
#                                                   ns c2 vc2 10.199.2.2 -- vh2 10.199.2.1
#
# dante checks passwords with getpwnam/getspnam, so it runs in a private mount
# namespace whose /etc is an overlay with a copy of /etc/passwd plus one user and
# a shadow file with that user alone: the machine's user database is never changed.
set -u
cd "$(dirname "$0")/../.." && source tests/e2e/lib.sh
trap topo_down EXIT

PX=10.199.1.1 PX6=fd99:1::1
SQUID_USER=pxuser SQUID_PW='sq-pass 1'
SOCKS_USER=vpnproxy SOCKS_PW='s0cks@pw'
SQUID_PID= DANTE_PID=

# $WORK must be traversable by squid's user (proxy); its files stay mode 600
chmod 711 "$WORK"
mkdir -p "$WORK/px"
chown proxy: "$WORK/px"
printf '10.199.9.1 hub.test\n' >"$WORK/px/hosts"

write_squid_conf() {
	htpasswd -cbB "$WORK/px/htpasswd" "$SQUID_USER" "$SQUID_PW" 2>/dev/null
	chown proxy: "$WORK/px/htpasswd"
	cat >"$WORK/px/squid.conf" <<-EOF
	http_port $PX:3128
	http_port [$PX6]:3128
	pid_filename $WORK/px/squid.pid
	cache_log $WORK/px/cache.log
	access_log stdio:$WORK/px/access.log
	netdb_filename none
	coredump_dir $WORK/px
	cache deny all
	visible_hostname vpnhub-test-proxy
	hosts_file $WORK/px/hosts
	dns_nameservers 127.0.0.1
	shutdown_lifetime 0 seconds
	auth_param basic program /usr/lib/squid/basic_ncsa_auth $WORK/px/htpasswd
	auth_param basic realm vpnhub-test
	acl authed proxy_auth REQUIRED
	acl hubport port 5555
	http_access deny !CONNECT
	http_access deny !hubport
	http_access allow authed
	http_access deny all
	EOF
}

# setsid: the proxy leads its own process group, so it goes with its helpers
start_squid() {
	ip netns exec "$P-px" setsid squid -N -f "$WORK/px/squid.conf" >>"$WORK/squid.log" 2>&1 &
	SQUID_PID=$!
	wait_for "squid listening" 15 listening 3128
}

write_dante_conf() {
	mkdir -p "$WORK/px/etc"
	cp -p /etc/passwd "$WORK/px/passwd"
	echo "$SOCKS_USER:x:64999:64999::/nonexistent:/usr/sbin/nologin" >>"$WORK/px/passwd"
	# only the test user's hash: no copy of the machine's hashes lies around
	(umask 077 && echo "$SOCKS_USER:$(openssl passwd -6 "$SOCKS_PW"):20000:0:99999:7:::" \
		>"$WORK/px/shadow")
	cat >"$WORK/px/danted.conf" <<-EOF
	logoutput: $WORK/dante.log
	internal: $PX port = 1080
	external: 10.199.9.2
	socksmethod: username
	clientmethod: none
	user.privileged: root
	user.unprivileged: nobody
	client pass {
		from: 0.0.0.0/0 to: 0.0.0.0/0
	}
	socks pass {
		from: 0.0.0.0/0 to: 0.0.0.0/0
		command: connect
		log: connect disconnect error
	}
	EOF
}

# An overlay, not bind mounts of single files: useradd elsewhere on the machine
# renames /etc/passwd, and that drops a file bind mount in every namespace.
start_dante() {
	ip netns exec "$P-px" setsid unshare --mount sh -c "
		mount -t tmpfs -o mode=0700 vhpx '$WORK/px/etc' &&
		mkdir '$WORK/px/etc/upper' '$WORK/px/etc/work' &&
		cp -p '$WORK/px/passwd' '$WORK/px/shadow' '$WORK/px/hosts' '$WORK/px/etc/upper/' &&
		mount -t overlay vhpx -o 'lowerdir=/etc,upperdir=$WORK/px/etc/upper,workdir=$WORK/px/etc/work' /etc &&
		exec danted -f '$WORK/px/danted.conf'" >>"$WORK/dante.log" 2>&1 &
	DANTE_PID=$!
	wait_for "dante listening" 15 listening 1080
}

listening() { ns px ss -Hltn "sport = :$1" | grep -q .; }
forwarding() { [ "$(ns px sysctl -n net.ipv4.ip_forward)" = 1 ]; }

# stop_group PID: the proxy and every process it started
stop_group() { kill -TERM -- "-$1" 2>/dev/null; wait "$1" 2>/dev/null || true; }

stop_client() {
	kill -TERM "${CLIENT_PID[$1]}"
	wait "${CLIENT_PID[$1]}" 2>/dev/null
	unset "CLIENT_PID[$1]"
}

# one_shot NAME PROXY_URL [extra profile lines...]: runs a client in c1 that
# must give up; its log is $WORK/NAME.log and its exit status $WORK/NAME.rc.
one_shot() {
	local name=$1 url=$2; shift 2
	SERVER=10.199.9.1:5555 client_profile 1 DEFAULT alice alice-pw "proxy = $url" \
		"reconnect = no" "$@"
	ns c1 timeout 30 "$VPNCLIENT" connect "$WORK/c1.conf" >"$WORK/$name.log" 2>&1
	echo $? >"$WORK/$name.rc"
}

# refused NAME URL MESSAGE: a client through URL gives up with MESSAGE and exit status 3
refused() {
	local name=$1 url=$2 msg=$3
	one_shot "$name" "$url"
	assert "$name: says \"$msg\"" grep -qF -- "$msg" "$WORK/$name.log"
	assert "$name: exit status 3" grep -qx 3 "$WORK/$name.rc"
}

# IPv6 on both sides of the proxy too: c1 fd99:1::2 -- fd99:1::1 px fd99:9::2 -- fd99:9::1 hub
ipv6_up() {
	ns c1 ip addr add fd99:1::2/64 dev vc1 nodad
	ns px ip addr add "$PX6/64" dev vp1 nodad
	ns px ip addr add fd99:9::2/64 dev vpx nodad
	ns hub ip addr add fd99:9::1/64 dev vh9 nodad
}

topo_up 2
proxy_ns_up 1
ipv6_up
start_hub
write_squid_conf
write_dante_conf
assert "squid starts in the proxy namespace" start_squid
assert "dante starts in the proxy namespace" start_dante

refute "c1 has no route to the hub" ns c1 ip route get 10.199.9.1
refute "the proxy namespace does not forward" forwarding
client_profile 2 DEFAULT bob bob-pw
start_client 2

# HTTP CONNECT through squid, the password in a file
printf '%s\n' "$SQUID_PW" >"$WORK/squid.pass"
chmod 600 "$WORK/squid.pass"
SERVER=10.199.9.1:5555 client_profile 1 DEFAULT alice alice-pw \
	"proxy = http://$SQUID_USER@$PX:3128" "proxy_password_file = $WORK/squid.pass"
start_client 1
assert "c1 logs in through squid" wait_connected 1
assert "c1 says squid opened the tunnel" \
	grep -q "HTTP proxy $PX:3128 opened a tunnel to the hub at 10.199.9.1:5555" "$WORK/c1.log"
assert "the hub sees c1 coming from the proxy" \
	grep -qF "alice logged in to hub DEFAULT from [::ffff:10.199.9.2]" "$WORK/hub.log"
wait_connected 2 && wait_for "IPv6 ready" 10 no_tentative c2
assert "ping c1 -> c2 across squid" wait_for "ping" 10 ping_ok c1 10.77.0.2 1
assert "ping c2 -> c1" ping_ok c2 10.77.0.1

stop_group "$SQUID_PID"
assert "c1 notices squid is gone" \
	wait_for "reconnect message" 15 grep -q "reconnecting in" "$WORK/c1.log"
assert "squid starts again" start_squid
assert "c1 reconnects through the restarted squid" wait_connected 1 2
assert "ping after the squid restart" wait_for "ping" 10 ping_ok c1 10.77.0.2 1
stop_client 1
mv "$WORK/c1.log" "$WORK/c1-squid.log"
assert "squid logged both tunnels, for $SQUID_USER" wait_for "access log" 10 \
	count_ge 2 "TCP_TUNNEL/200 .* CONNECT 10.199.9.1:5555 $SQUID_USER " "$WORK/px/access.log"

# the same over IPv6: proxy and hub as bracketed addresses
SERVER=[fd99:9::1]:5555 client_profile 1 DEFAULT alice alice-pw \
	"proxy = http://$SQUID_USER@[$PX6]:3128" "proxy_password_file = $WORK/squid.pass"
start_client 1
assert "c1 logs in through squid over IPv6" wait_connected 1
assert "c1 says squid opened the tunnel to [fd99:9::1]:5555" grep -qF \
	"HTTP proxy [$PX6]:3128 opened a tunnel to the hub at fd99:9::1:5555" "$WORK/c1.log"
assert "ping c1 -> c2 across squid over IPv6" wait_for "ping" 10 ping_ok c1 10.77.0.2 1
stop_client 1
mv "$WORK/c1.log" "$WORK/c1-squid6.log"

# SOCKS5 through dante, the hub by name (resolved by the proxy), the password
# in the URL with a %-escape
SERVER=hub.test:5555 client_profile 1 DEFAULT alice alice-pw \
	"proxy = socks5://$SOCKS_USER:${SOCKS_PW/@/%40}@$PX:1080"
start_client 1
assert "c1 logs in through dante" wait_connected 1
assert "c1 says dante opened the tunnel to hub.test" \
	grep -q "SOCKS5 proxy $PX:1080 opened a tunnel to the hub at hub.test:5555" "$WORK/c1.log"
refute "c1 itself cannot resolve hub.test" ns c1 getent hosts hub.test
assert "ping c1 -> c2 across dante" wait_for "ping" 10 ping_ok c1 10.77.0.2 1
stop_group "$DANTE_PID"
assert "dante starts again" start_dante
assert "c1 reconnects through the restarted dante" wait_connected 1 2
assert "ping after the dante restart" wait_for "ping" 10 ping_ok c1 10.77.0.2 1
stop_client 1

# refusals: plain messages, exit status 3 (retrying cannot help)
refused squid-badpw "http://$SQUID_USER:wrong@$PX:3128" \
	"HTTP proxy $PX:3128 refused the credentials of proxy user \"$SQUID_USER\" (407 Proxy Authentication Required)"
refused squid-noauth "http://$PX:3128" "HTTP proxy $PX:3128 asks for credentials (407"
refused dante-badpw "socks5://$SOCKS_USER:wrong@$PX:1080" \
	"SOCKS5 proxy $PX:1080 refused the user name or password of proxy user \"$SOCKS_USER\" (RFC 1929 status"
refused dante-noauth "socks5://$PX:1080" "SOCKS5 proxy $PX:1080 asks for credentials"
# the hub's certificate is verified end to end, through the proxy
FINGERPRINT=$(printf '00:%.0s' {1..31})00 refused wrong-fingerprint \
	"socks5://$SOCKS_USER:${SOCKS_PW/@/%40}@$PX:1080" "TLS verification failed"
stop_group "$SQUID_PID"
stop_group "$DANTE_PID"
finish
