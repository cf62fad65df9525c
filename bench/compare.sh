#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# vpnhub beside SoftEther VPN 5 and OpenVPN 2.6 (tap; TCP and UDP), Debian packages, in
# one topology and one run.  Every peer is up at the same time, each on its own inner
# subnet, and the measurements are interleaved (peer A, peer B, ... for every
# repetition), so background load on a shared machine hits them alike.
#
#   ns $P-c1                         ns $P-hub                          ns $P-c2
#   vc1 10.199.1.2 ---- veth ---- vh1 10.199.1.1   (servers)
#                                 vh2 10.199.2.1 ---- veth ---- vc2 10.199.2.2
#   inner LANs (client 1 .1, client 2 .2), L2-switched by each server:
#     vpnhub 10.77.0.0/24 (vpn0)   softether 10.78.0.0/24 (vpn_se)
#     openvpn-tcp 10.79.0.0/24 (ovt)   openvpn-udp 10.80.0.0/24 (ovu)
#     se-vpnhub 10.81.0.0/24 (vpn_sh): the stock SoftEther clients of peer softether,
#       each with a second NIC and account, logged in to vpnhub in SoftEther's protocol
#       (docs/softether-protocol.md); its server is vpnhub, its clients SoftEther's
#     vc-softether 10.82.0.0/24 (vpn_vs): two vpnclients with "protocol = softether"
#       logged in to the stock SoftEther server of peer softether (users u1, u2): its
#       server is SoftEther's, its clients vpnhub's
#
# The namespaces have no default route (nothing can leave the machine).  SoftEther's
# DDNS, NAT traversal, VPN Azure, keep-alive, web API and extra listeners are turned
# off, and it runs in a private mount namespace so its state stays under $WORK.
#
# usage: bench/compare.sh [-t SECONDS] [-r REPS] [-p PINGS] [-b BUILD] [-c REPS] [PEER...]
#   PEER: vpnhub softether openvpn-tcp openvpn-udp se-vpnhub vc-softether (default:
#         all six; se-vpnhub needs vpnhub and softether before it, vc-softether softether)
#   -t   iperf3 seconds per run (10)          -r  repetitions (2)
#   -p   pings per ping measurement (200, 10 ms apart)
#   -b   build directory with vpnhub and vpnclient (build)
#   -c N contention mode instead of the table: N repetitions of 1- and 4-stream runs in
#        both directions, each once alone and once beside `stress-ng --cpu 2`; prints
#        retransmissions per GB of every contended run against the uncontended median
# Environment: HUB_OPTS, one more root/Vpnhub item of vpnhub's SoftHUB.cfg (e.g.
# "string TunnelCongestionControl system"); PROFILE_OPTS, one more line of its clients'
# profiles (e.g. "congestion_control = system").
# Output: progress on stderr; JSON lines and the table on stdout; raw records and logs
# under bench/results/compare-<date>-<time>/.  Needs root, iperf3, python3, ping,
# softether-vpnserver/-vpnclient/-vpncmd, openvpn, stress-ng (-c only).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=10 REPEAT=2 PINGS=200 BUILD=build CONTEND=0
while getopts "t:r:p:b:c:h" o; do
	case $o in
	t) DURATION=$OPTARG ;;
	r) REPEAT=$OPTARG ;;
	p) PINGS=$OPTARG ;;
	b) BUILD=$OPTARG ;;
	c) CONTEND=$OPTARG ;;
	*) sed -n '2,40p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
PEERS=("$@")
[ ${#PEERS[@]} -gt 0 ] || PEERS=(vpnhub softether openvpn-tcp openvpn-udp se-vpnhub vc-softether)
P=${P:-vcmp$$}
export BUILD P
# shellcheck source=tests/e2e/lib.sh
source tests/e2e/lib.sh

OUTDIR=bench/results/compare-$(date +%Y%m%d-%H%M%S)
RAW=$WORK/raw.jsonl
PORT=5201
SE=/usr/libexec/softether
CLK_TCK=$(getconf CLK_TCK)
declare -A NET=([vpnhub]=10.77.0 [softether]=10.78.0 [openvpn-tcp]=10.79.0 [openvpn-udp]=10.80.0
	[se-vpnhub]=10.81.0 [vc-softether]=10.82.0)
declare -A DEV=([vpnhub]=vpn0 [softether]=vpn_se [openvpn-tcp]=ovt [openvpn-udp]=ovu
	[se-vpnhub]=vpn_sh [vc-softether]=vpn_vs)
declare -A ROOTS=() # "peer role" -> PID of the process tree's root (server, c1, c2)
STRESS_PID=

[ "$(id -u)" = 0 ] || { log "must run as root (network namespaces)"; exit 2; }
for p in "${PEERS[@]}"; do [ -n "${NET[$p]:-}" ] || { log "unknown peer $p"; exit 2; }; done
for c in iperf3 python3 ping ip; do command -v "$c" >/dev/null || { log "missing $c"; exit 2; }; done
[ "$CONTEND" = 0 ] || command -v stress-ng >/dev/null || { log "missing stress-ng"; exit 2; }

cleanup() {
	local rc=$? k
	set +e
	trap - EXIT INT TERM
	[ -n "$STRESS_PID" ] && kill "$STRESS_PID" 2>/dev/null
	for k in "${!ROOTS[@]}"; do kill -TERM $(tree_pids "${ROOTS[$k]}") 2>/dev/null; done
	sleep 1
	for k in "${!ROOTS[@]}"; do kill -KILL $(tree_pids "${ROOTS[$k]}") 2>/dev/null; done
	mkdir -p "$OUTDIR"
	cp -r "$WORK"/*.log "$WORK"/*.json* "$WORK"/*.txt "$WORK"/se "$OUTDIR"/ 2>/dev/null
	topo_down >/dev/null 2>&1
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# tree_pids PID: PID and all its descendants
tree_pids() {
	ps -e -o pid=,ppid= | awk -v root="$1" '{ kids[$2] = kids[$2] " " $1 }
		END { q[1] = root; n = 1; for (i = 1; i <= n; i++) { printf "%s ", q[i];
			m = split(kids[q[i]], k, " "); for (j = 1; j <= m; j++) q[++n] = k[j] } }'
}

# cpu_ticks PID...: utime+stime of the processes (all threads)
cpu_ticks() {
	local p s t=0
	for p in "$@"; do
		s=$(cat "/proc/$p/stat" 2>/dev/null) || continue
		s=${s##*) }
		# shellcheck disable=SC2086
		set -- $s
		t=$((t + ${12} + ${13}))
	done
	echo "$t"
}

# bg NS ROLE-KEY CMD...: starts CMD in namespace NS, remembers its PID under ROLE-KEY
bg() {
	local n=$1 key=$2; shift 2
	ip netns exec "$P-$n" "$@" >>"$WORK/${key// /-}.log" 2>&1 </dev/null &
	ROOTS[$key]=$!
}

# ------------------------------------------------------------------------- the peers
up_vpnhub() {
	# port 5555 is SoftEther's
	hub_conf "$WORK/SoftHUB.cfg" ${HUB_OPTS:+"$HUB_OPTS"}
	sed -i 's/uint Port 5555/uint Port 5443/' "$WORK/SoftHUB.cfg"
	start_hub
	ROOTS["vpnhub server"]=$HUB_PID
	for i in 1 2; do
		client_profile "$i" DEFAULT "$([ "$i" = 1 ] && echo alice || echo bob)" \
			"$([ "$i" = 1 ] && echo alice-pw || echo bob-pw)" ${PROFILE_OPTS:+"$PROFILE_OPTS"}
		sed -i '/^address = fd77/d; s/:5555$/:5443/' "$WORK/c$i.conf"
		start_client "$i"
		ROOTS["vpnhub c$i"]=${CLIENT_PID[$i]}
	done
	wait_connected 1 && wait_connected 2
}

# se_run NS KEY BINARY: a SoftEther daemon with /var/lib, /var/log, /run of its own
se_run() {
	local d=$WORK/se/$2
	mkdir -p "$d/lib/softether" "$d/log/softether" "$d/run/softether"
	echo "nameserver 127.0.0.1" >"$d/resolv.conf"
	bg "$1" "softether $2" unshare -m --propagation private sh -c \
		'mount --bind "$1/lib" /var/lib && mount --bind "$1/log" /var/log &&
		 mount --bind "$1/run" /run && mount --bind "$1/resolv.conf" /etc/resolv.conf &&
		 exec "$2" execsvc' sh "$d" "$SE/$3/$3"
}

# se_cmd NS TARGET ARGS...: vpncmd batch from stdin (every parameter given, or it asks)
se_cmd() {
	local n=$1 f=$WORK/se/cmd.$$.in; shift
	cat >"$f"
	timeout 30 ip netns exec "$P-$n" "$SE/vpncmd/vpncmd" "$@" /IN:"$f" </dev/null >>"$WORK/se/vpncmd.log" 2>&1
}

listening() { ns "$1" ss -lnt | grep -q ":$2 "; }
has_link() { ns "$1" ip link show "$2" >/dev/null; }

# all_gone PID...: none of the processes is left
all_gone() {
	local p
	for p in "$@"; do kill -0 "$p" 2>/dev/null && return 1; done
	return 0
}

up_softether() {
	local i cfg pids
	mkdir -p "$WORK/se"
	se_run hub server vpnserver
	wait_for "SoftEther server" 90 listening hub 5555
	se_cmd hub 127.0.0.1:5555 /SERVER <<-EOF
		HubDelete DEFAULT
		HubCreate BENCH /PASSWORD:benchhubpw
		ListenerDelete 443
		ListenerDelete 992
		ListenerDelete 1194
		KeepDisable
		VpnAzureSetEnable no
		VpnOverIcmpDnsEnable /ICMP:no /DNS:no
		ProtoOptionsSet OpenVPN /NAME:Enabled /VALUE:false
		ProtoOptionsSet SSTP /NAME:Enabled /VALUE:false
		IPsecEnable /L2TP:no /L2TPRAW:no /ETHERIP:no /PSK:notused /DEFAULTHUB:BENCH
		Hub BENCH
		UserCreate u1 /GROUP:none /REALNAME:none /NOTE:none
		UserPasswordSet u1 /PASSWORD:pw1
		UserCreate u2 /GROUP:none /REALNAME:none /NOTE:none
		UserPasswordSet u2 /PASSWORD:pw2
		ExtOptionSet DisableUdpAcceleration /VALUE:1
		Flush
	EOF
	# what vpncmd cannot reach: DDNS client, NAT traversal, web API, reverse DNS, keep-alive
	# every process of it gone and its port closed: a new server started while the old
	# one's worker still shuts down exits at once, and the old one still listens
	pids=$(tree_pids "${ROOTS[softether server]}")
	# shellcheck disable=SC2086 # one word per PID
	kill -TERM $pids
	# shellcheck disable=SC2086
	wait_for "SoftEther server stop" 30 all_gone $pids
	wait_for "SoftEther port closed" 30 bash -c "! ip netns exec $P-hub ss -lnt | grep -q ':5555 '"
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
	se_run hub server vpnserver
	wait_for "SoftEther server" 90 listening hub 5555
	for i in 1 2; do
		se_run "c$i" "c$i" vpnclient
		wait_for "SoftEther client $i" 30 listening "c$i" 9931
		se_cmd "c$i" localhost /CLIENT <<-EOF
			KeepDisable
			NicCreate se
			AccountCreate bench /SERVER:10.199.$i.1:5555 /HUB:BENCH /USERNAME:u$i /NICNAME:se
			AccountPasswordSet bench /PASSWORD:pw$i /TYPE:standard
			AccountDetailSet bench /MAXTCP:1 /INTERVAL:1 /TTL:0 /HALF:no /BRIDGE:no /MONITOR:no /NOTRACK:yes /NOQOS:yes /DISABLEUDP:yes
			AccountEncryptEnable bench
			AccountConnect bench
		EOF
		wait_for "SoftEther tap $i" 30 has_link "c$i" vpn_se
		ns "c$i" ip addr add "${NET[softether]}.$i/24" dev vpn_se
		ns "c$i" ip link set vpn_se up
	done
}

# the SoftEther clients of peer softether, on a second NIC, logged in to vpnhub (the
# plain-password type: the hub's users have salted verifiers); the processes are
# shared with those peers, their CPU counted per run as for every peer
up_se_vpnhub() {
	local i user
	[ -n "${ROOTS[vpnhub server]:-}" ] && [ -n "${ROOTS[softether c1]:-}" ] ||
		{ log "se-vpnhub needs peers vpnhub and softether before it"; exit 2; }
	for i in 1 2; do
		user=$([ "$i" = 1 ] && echo alice || echo bob)
		se_cmd "c$i" localhost /CLIENT <<-EOF
			NicCreate sh
			AccountCreate hub /SERVER:10.199.$i.1:5443 /HUB:DEFAULT /USERNAME:$user /NICNAME:sh
			AccountPasswordSet hub /PASSWORD:$user-pw /TYPE:radius
			AccountDetailSet hub /MAXTCP:1 /INTERVAL:1 /TTL:0 /HALF:no /BRIDGE:no /MONITOR:no /NOTRACK:yes /NOQOS:yes /DISABLEUDP:yes
			AccountConnect hub
		EOF
		wait_for "SoftEther tap vpn_sh $i" 30 has_link "c$i" vpn_sh
		ns "c$i" ip addr add "${NET[se-vpnhub]}.$i/24" dev vpn_sh
		ns "c$i" ip link set vpn_sh up
		ROOTS["se-vpnhub c$i"]=${ROOTS[softether c$i]}
	done
	ROOTS["se-vpnhub server"]=${ROOTS[vpnhub server]}
}

# vpnclient with protocol = softether in both client namespaces, on the SoftEther server's
# hub BENCH (its certificate pinned), beside the stock clients of peer softether
up_vc_softether() {
	local i fp
	[ -n "${ROOTS[softether server]:-}" ] ||
		{ log "vc-softether needs peer softether before it"; exit 2; }
	fp=$(ns hub openssl s_client -connect 127.0.0.1:5555 </dev/null 2>/dev/null |
		openssl x509 -noout -fingerprint -sha256 | sed 's/.*=//')
	for i in 1 2; do
		printf '%s\n' "server = 10.199.$i.1:5555" "protocol = softether" "hub = BENCH" \
			"user = u$i" "password = pw$i" "fingerprint = $fp" "device = vpn_vs" \
			"address = ${NET[vc-softether]}.$i/24" >"$WORK/vcse$i.conf"
		chmod 600 "$WORK/vcse$i.conf"
		bg "c$i" "vc-softether c$i" "$VPNCLIENT" connect "$WORK/vcse$i.conf"
	done
	for i in 1 2; do
		wait_for "vc-softether client $i" 30 grep -q "connected to hub" "$WORK/vc-softether-c$i.log"
	done
	ROOTS["vc-softether server"]=${ROOTS[softether server]}
}

# throwaway PKI for OpenVPN (EC P-256, valid 2 days)
ovpn_pki() {
	local d=$WORK/ovpn n
	[ -f "$d/ca.crt" ] && return 0
	mkdir -p "$d"
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$d/ca.key" \
		-out "$d/ca.crt" -days 2 -subj /CN=bench-ca 2>/dev/null
	for n in server c1 c2; do
		openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout "$d/$n.key" \
			-out "$d/$n.csr" -subj "/CN=$n" 2>/dev/null
		printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyAgreement\nextendedKeyUsage=%s\n' \
			"$([ $n = server ] && echo serverAuth || echo clientAuth)" >"$d/$n.ext"
		openssl x509 -req -in "$d/$n.csr" -CA "$d/ca.crt" -CAkey "$d/ca.key" -CAcreateserial \
			-days 2 -out "$d/$n.crt" -extfile "$d/$n.ext" 2>/dev/null
	done
}

# up_openvpn tcp|udp: tap server (a pure switch: --client-to-client, no address), two clients
up_openvpn() {
	local proto=$1 peer=openvpn-$1 dev port d=$WORK/ovpn i sp=udp cp=udp nd=() cnd=()
	dev=$([ "$proto" = tcp ] && echo ovt || echo ovu)
	port=$([ "$proto" = tcp ] && echo 1196 || echo 1197)
	[ "$proto" = tcp ] && { sp=tcp-server; cp=tcp-client; nd=(--tcp-nodelay); cnd=(--socket-flags TCP_NODELAY); }
	ovpn_pki
	local common=(--dev "$dev" --dev-type tap --ca "$d/ca.crt" --data-ciphers AES-128-GCM
		--tls-version-min 1.2 --disable-dco --verb 3 --keepalive 10 60)
	bg hub "$peer server" openvpn --mode server --tls-server --proto "$sp" --port "$port" \
		--client-to-client --cert "$d/server.crt" --key "$d/server.key" --dh none \
		--remote-cert-tls client "${nd[@]}" "${common[@]}"
	wait_for "OpenVPN server" 15 has_link hub "$dev"
	ns hub ip link set "$dev" up
	for i in 1 2; do
		bg "c$i" "$peer c$i" openvpn --client --proto "$cp" --remote "10.199.$i.1" "$port" \
			--nobind --connect-retry 1 --cert "$d/c$i.crt" --key "$d/c$i.key" \
			--remote-cert-tls server --ifconfig "${NET[$peer]}.$i" 255.255.255.0 \
			"${cnd[@]}" "${common[@]}"
	done
	for i in 1 2; do
		wait_for "OpenVPN client $i" 30 grep -q "Initialization Sequence Completed" \
			"$WORK/$peer-c$i.log"
	done
}

# ---------------------------------------------------------------------- measurements
py() { python3 bench/compare.py "$@"; }

alive() {
	local k
	for k in "${!ROOTS[@]}"; do
		[ -d "/proc/${ROOTS[$k]}" ] || { log "$k (pid ${ROOTS[$k]}) has exited; aborting"; exit 1; }
	done
}

start_iperf_server() {
	[ -f "$WORK/iperf3.pid" ] && kill "$(<"$WORK/iperf3.pid")" 2>/dev/null && sleep 0.5
	ns c2 iperf3 -s -D -p "$PORT" --pidfile "$WORK/iperf3.pid" --logfile "$WORK/iperf3-server.log"
	wait_for "iperf3 server" 10 listening c2 "$PORT"
}

# tcp_run PEER STREAMS DIR REP CONTENDED: one iperf3 run, one raw record with CPU per role
tcp_run() {
	local peer=$1 streams=$2 dir=$3 rep=$4 cont=$5 f role cpu=() before=() i=0 rev=()
	[ "$dir" = rev ] && rev=(-R)
	f=$WORK/tcp-$peer-$streams-$dir-$rep-$cont.json
	alive
	counters "$peer" >"$WORK/counters0.json"
	for role in server c1 c2; do before+=("$(cpu_ticks $(tree_pids "${ROOTS[$peer $role]}"))"); done
	timeout $((DURATION + 30)) ip netns exec "$P-c1" iperf3 -c "${NET[$peer]}.2" -p "$PORT" \
		--connect-timeout 5000 -J -t "$DURATION" -P "$streams" "${rev[@]}" >"$f" 2>&1 ||
		{ log "  iperf3 $peer failed; restarting its server"; start_iperf_server; }
	for role in server c1 c2; do
		cpu+=("$role" $(($(cpu_ticks $(tree_pids "${ROOTS[$peer $role]}")) - before[i++])))
	done
	counters "$peer" >"$WORK/counters1.json"
	py iperf "$f" "$peer" "$streams" "$dir" "$rep" "$cont" "$CLK_TCK" "${cpu[@]}" |
		py drops "$WORK/counters0.json" "$WORK/counters1.json" | tee -a "$RAW" | py show >&2
	sleep 1 # the iperf3 server takes a moment before it accepts the next test
}

# ping_run PEER LOAD: PINGS echoes 10 ms apart, idle or beside a 1-stream iperf3 c1 -> c2
ping_run() {
	local peer=$1 load=$2 f=$WORK/ping-$1-$2.txt lf="" lp=
	alive
	if [ "$load" = loaded ]; then
		lf=$WORK/ping-load-$peer.json
		ns c1 iperf3 -c "${NET[$peer]}.2" -p "$PORT" -J -t $((PINGS / 100 + 4)) >"$lf" 2>&1 &
		lp=$!
		sleep 1.5
	fi
	ns c1 ping -n -c "$PINGS" -i 0.01 -W 1 "${NET[$peer]}.2" >"$f" 2>&1 || true
	[ -n "$lp" ] && { wait "$lp" || start_iperf_server; }
	py ping "$f" "$peer" "$load" "$lf" | tee -a "$RAW" | py show >&2
	sleep 1
}

# counters PEER: the client devices' kernel statistics, and vpnhub's own counters, as JSON
counters() {
	local i
	{
		for i in 1 2; do ns "c$i" ip -s -j link show "${DEV[$1]}"; done
		if [ "$1" = vpnhub ] || [ "$1" = se-vpnhub ]; then
			ns hub "$BUILD/vpnhubctl" -s "$WORK/admin.sock" stats --json 2>/dev/null || echo '{}'
		else
			echo '{}'
		fi
	} | python3 -c '
import json, sys
l = [json.loads(x) for x in sys.stdin.read().splitlines() if x.strip()]
dev = {"c%d" % (i + 1): {d + "_" + k: l[i][0]["stats64"][d][k] for d in ("rx", "tx")
                         for k in ("packets", "dropped", "errors")} for i in range(2)}
print(json.dumps({"dev": dev, "hub": l[2]}))'
}

# hub_counters: vpnhub's drop counters (vpnhubctl stats --json), one JSON record
hub_counters() {
	[ -n "${ROOTS[vpnhub server]:-}" ] || return 0
	ns hub "$BUILD/vpnhubctl" -s "$WORK/admin.sock" stats --json 2>/dev/null |
		python3 -c 'import json,sys; print(json.dumps({"kind":"hubstats","when":sys.argv[1],"stats":json.load(sys.stdin)}))' "$1" \
		>>"$RAW" || true
}

stress_on() { stress-ng --cpu 2 --quiet >/dev/null 2>&1 & STRESS_PID=$!; sleep 1; }
stress_off() { kill "$STRESS_PID" 2>/dev/null; wait "$STRESS_PID" 2>/dev/null || true; STRESS_PID=; }

# ------------------------------------------------------------------------------- run
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
log "peers: ${PEERS[*]}; namespaces $P-*; work dir $WORK; load $LOAD0"
topo_up 2
for peer in "${PEERS[@]}"; do
	log "starting $peer"
	case $peer in
	vpnhub) up_vpnhub ;;
	softether) up_softether ;;
	se-vpnhub) up_se_vpnhub ;;
	vc-softether) up_vc_softether ;;
	openvpn-*) up_openvpn "${peer#openvpn-}" ;;
	esac
	wait_for "$peer tunnel" 30 ns c1 ping -c1 -W1 -q "${NET[$peer]}.2" >/dev/null
done
start_iperf_server
: >"$RAW"
hub_counters start
if [ "$CONTEND" = 0 ]; then
	for peer in "${PEERS[@]}"; do ping_run "$peer" idle; done
	for ((rep = 1; rep <= REPEAT; rep++)); do
		for cfg in "1 fwd" "1 rev" "4 fwd" "4 rev"; do
			for peer in "${PEERS[@]}"; do tcp_run "$peer" ${cfg% *} ${cfg#* } "$rep" 0; done
		done
	done
	for peer in "${PEERS[@]}"; do ping_run "$peer" loaded; done
else
	for ((rep = 1; rep <= CONTEND; rep++)); do
		for cfg in "1 fwd" "1 rev" "4 fwd" "4 rev"; do
			for peer in "${PEERS[@]}"; do tcp_run "$peer" ${cfg% *} ${cfg#* } "$rep" 0; done
			stress_on
			for peer in "${PEERS[@]}"; do tcp_run "$peer" ${cfg% *} ${cfg#* } "$rep" 1; done
			stress_off
		done
	done
fi
hub_counters end
mkdir -p "$OUTDIR"
meta=$(printf '{"date":"%s","kernel":"%s","cpus":%d,"load_start":"%s","load_end":"%s","duration_s":%s,"repeat":%s,"contend":%s,"commit":"%s","softether":"%s","openvpn":"%s"}' \
	"$(date -Iseconds)" "$(uname -r)" "$(nproc)" "$LOAD0" "$(cut -d' ' -f1-3 /proc/loadavg)" \
	"$DURATION" "$REPEAT" "$CONTEND" "$(git rev-parse --short HEAD 2>/dev/null || echo ?)" \
	"$(dpkg-query -W -f='${Version}' softether-vpnserver 2>/dev/null || echo -)" \
	"$(dpkg-query -W -f='${Version}' openvpn 2>/dev/null || echo -)")
py report "$RAW" "$meta" | tee "$OUTDIR/report.txt"
