# SPDX-License-Identifier: GPL-2.0-or-later
# Stock SoftEther 5.01 (Debian's softether-vpnserver/-vpnclient/-vpncmd) inside the
# test's namespaces, for the tests that meet it on the wire.  Source after lib.sh.
#
# Every daemon runs in a private mount namespace whose /var/lib, /var/log, /run and
# /etc/resolv.conf are directories under $WORK/se (the Debian build hard-codes its
# paths), so two instances never share a configuration and nothing is written
# outside $WORK.  The server's outbound features (DDNS, NAT traversal, VPN Azure,
# keep-alive to the internet, ...) are switched off; the namespaces have no route out.

SE=${SE:-/usr/libexec/softether}
declare -A SE_PID=()

# se_tree PID: the process and all its descendants (SoftEther forks a watchdog child)
se_tree() {
	ps -e -o pid=,ppid= | awk -v root="$1" '{ kids[$2] = kids[$2] " " $1 }
		END { q[1] = root; n = 1; for (i = 1; i <= n; i++) { printf "%s ", q[i];
			m = split(kids[q[i]], k, " "); for (j = 1; j <= m; j++) q[++n] = k[j] } }'
}

# se_run NS KEY BINARY: starts vpnserver or vpnclient (foreground "execsvc") in ns $P-NS
se_run() {
	local n=$1 key=$2 bin=$3 d=$WORK/se/$2
	mkdir -p "$d/lib/softether" "$d/log/softether" "$d/run/softether"
	echo "nameserver 127.0.0.1" >"$d/resolv.conf"
	ip netns exec "$P-$n" unshare -m --propagation private sh -c \
		'mount --bind "$1/lib" /var/lib && mount --bind "$1/log" /var/log &&
		 mount --bind "$1/run" /run && mount --bind "$1/resolv.conf" /etc/resolv.conf &&
		 exec "$2" execsvc' sh "$d" "$SE/$bin/$bin" >>"$WORK/se-$key.out" 2>&1 </dev/null &
	SE_PID[$key]=$!
}

# se_stop KEY: TERM to the daemon's tree, KILL what is left after 10 s
se_stop() {
	local pids t
	[ -n "${SE_PID[$1]:-}" ] || return 0
	pids=$(se_tree "${SE_PID[$1]}")
	kill -TERM $pids 2>/dev/null
	for ((t = 0; t < 50; t++)); do
		kill -0 $pids 2>/dev/null || break
		sleep 0.2
	done
	kill -KILL $pids 2>/dev/null
	wait "${SE_PID[$1]}" 2>/dev/null
	unset "SE_PID[$1]"
}

se_stop_all() {
	local k
	for k in "${!SE_PID[@]}"; do se_stop "$k"; done
}

# se_cmd NS ARGS...: a vpncmd batch from stdin; every parameter must be given (vpncmd
# asks for a missing one and spins on a closed stdin), so it also runs under a timeout
se_cmd() {
	local n=$1 f=$WORK/se/cmd.in; shift
	cat >"$f"
	timeout 30 ip netns exec "$P-$n" "$SE/vpncmd/vpncmd" "$@" /IN:"$f" </dev/null \
		>>"$WORK/se-vpncmd.out" 2>&1
}

se_listening() { ns "$1" ss -lnt | grep -q ":$2 "; }

# se_server_up NS HUB USER:PASSWORD...: a SoftEther VPN Server on TCP 5555 only, with
# hub HUB and those users (SoftEther's standard password type), outbound features off
se_server_up() {
	local n=$1 hub=$2 u cfg
	se_run "$n" server vpnserver
	wait_for "SoftEther server" 30 se_listening "$n" 5555 || return 1
	{
		printf 'HubDelete DEFAULT\nHubCreate %s /PASSWORD:hubadminpw\n' "$hub"
		printf 'ListenerDelete 443\nListenerDelete 992\nListenerDelete 1194\nKeepDisable\n'
		printf 'VpnAzureSetEnable no\nVpnOverIcmpDnsEnable /ICMP:no /DNS:no\n'
		printf 'ProtoOptionsSet OpenVPN /NAME:Enabled /VALUE:false\n'
		printf 'ProtoOptionsSet SSTP /NAME:Enabled /VALUE:false\n'
		printf 'IPsecEnable /L2TP:no /L2TPRAW:no /ETHERIP:no /PSK:notused /DEFAULTHUB:%s\n' "$hub"
		printf 'Hub %s\n' "$hub"
		for u in "${@:3}"; do
			printf 'UserCreate %s /GROUP:none /REALNAME:none /NOTE:none\n' "${u%%:*}"
			printf 'UserPasswordSet %s /PASSWORD:%s\n' "${u%%:*}" "${u#*:}"
		done
		printf 'ExtOptionSet DisableUdpAcceleration /VALUE:1\nFlush\n'
	} | se_cmd "$n" 127.0.0.1:5555 /SERVER || return 1
	# what vpncmd cannot reach: DDNS client, NAT traversal, web API, reverse DNS, keep-alive
	se_stop server
	cfg=$WORK/se/server/lib/softether/vpn_server.config
	python3 - "$cfg" <<-'PY'
		import re, sys
		f = sys.argv[1]; s = open(f).read()
		s = re.sub(r"(declare DDnsClient\s*\{[^}]*?bool Disabled )false", r"\1true", s)
		for k in ("DisableNatTraversal", "DisableJsonRpcWebApi", "DisableGetHostNameWhenAcceptTcp"):
		    s = s.replace("bool %s false" % k, "bool %s true" % k)
		s = s.replace("bool UseKeepConnect true", "bool UseKeepConnect false")
		open(f, "w").write(s)
	PY
	se_run "$n" server vpnserver
	wait_for "SoftEther server" 30 se_listening "$n" 5555
}

# se_client_up NS KEY SERVER HUB USER PASSWORD: a stock SoftEther VPN Client whose
# tap vpn_se (one TCP connection, no UDP acceleration) joins HUB on SERVER:5555
se_client_up() {
	local n=$1 key=$2 server=$3 hub=$4 user=$5 pw=$6
	se_run "$n" "$key" vpnclient
	wait_for "SoftEther client $key" 30 se_listening "$n" 9931 || return 1
	se_cmd "$n" localhost /CLIENT <<-EOF
		KeepDisable
		NicCreate se
		AccountCreate acct /SERVER:$server:5555 /HUB:$hub /USERNAME:$user /NICNAME:se
		AccountPasswordSet acct /PASSWORD:$pw /TYPE:standard
		AccountDetailSet acct /MAXTCP:1 /INTERVAL:1 /TTL:0 /HALF:no /BRIDGE:no /MONITOR:no /NOTRACK:yes /NOQOS:yes /DISABLEUDP:yes
		AccountEncryptEnable acct
		AccountRetrySet acct /NUM:999 /INTERVAL:5
		AccountStartupSet acct
		AccountConnect acct
	EOF
	wait_for "SoftEther client $key tap" 30 ns "$n" ip link show vpn_se >/dev/null
}

# se_fingerprint NS: SHA-256 fingerprint of the certificate the server on 5555 presents
se_fingerprint() {
	ns "$1" openssl s_client -connect 127.0.0.1:5555 </dev/null 2>/dev/null |
		openssl x509 -noout -fingerprint -sha256 | sed 's/.*=//'
}

# se_client_established NS: the stock client's account "acct" has its session up
se_client_established() {
	local f=$WORK/se/status.in
	printf 'AccountStatusGet acct\n' >"$f"
	timeout 30 ip netns exec "$P-$1" "$SE/vpncmd/vpncmd" localhost /CLIENT /IN:"$f" </dev/null |
		tr -d '\r' | grep -Eq '^Session Status +\|.*Session Established'
}
