# SPDX-License-Identifier: GPL-2.0-or-later
# Several hubs in their own namespaces, joined by cascades (t_cascade, t_scaleout,
# bench/cascade.sh, bench/scaleout.sh).  Source after lib.sh.
#
#   ns $P-hX: hub X (vpnhub, hub DEFAULT with users "user" and "link"), console at
#             $WORK/X/admin.sock
#   ns $P-cI: client I, veth vcI 10.199.I.2 -- 10.199.I.1 in its hub's namespace
#   link N between hubs X and Y: veth lN, 10.198.N.1 in X, 10.198.N.2 in Y
#
# Nothing routes out of these namespaces.

VPNHUBCTL=${VPNHUBCTL:-$BUILD/vpnhubctl}
declare -A HPID=() FP=()

mh_hub() {
	ip netns add "$P-h$1"
	ns "h$1" ip link set lo up
	mkdir -p "$WORK/$1/state"
}

# mh_client I HUB: client I's namespace, on a veth to hub HUB's namespace.
mh_client() {
	local i=$1 h=$2
	ip netns add "$P-c$i"
	ns "c$i" ip link set lo up
	ip link add "$P-x$i" type veth peer name "$P-y$i"
	ip link set "$P-x$i" netns "$P-h$h" name "vc$i"
	ip link set "$P-y$i" netns "$P-c$i" name "vc$i"
	ns "h$h" ip addr add "10.199.$i.1/24" dev "vc$i"
	ns "h$h" ip link set "vc$i" up
	ns "c$i" ip addr add "10.199.$i.2/24" dev "vc$i"
	ns "c$i" ip link set "vc$i" up
}

# mh_link N X Y: the transport of a cascade between hubs X and Y.
mh_link() {
	local n=$1 x=$2 y=$3
	ip link add "$P-l$n" type veth peer name "$P-m$n"
	ip link set "$P-l$n" netns "$P-h$x" name "l$n"
	ip link set "$P-m$n" netns "$P-h$y" name "l$n"
	ns "h$x" ip addr add "10.198.$n.1/24" dev "l$n"
	ns "h$y" ip addr add "10.198.$n.2/24" dev "l$n"
	ns "h$x" ip link set "l$n" up
	ns "h$y" ip link set "l$n" up
}

# mh_cfg X [ITEM...]: hub X's SoftHUB.cfg; extra "type Name value" items go to root/Vpnhub.
mh_cfg() {
	local x=$1 l; shift
	{
		printf 'declare root\n{\n'
		printf '\tdeclare ListenerList\n\t{\n\t\tdeclare Listener0\n\t\t{\n'
		printf '\t\t\tbool Enabled true\n\t\t\tuint Port 5555\n\t\t}\n\t}\n'
		printf '\tdeclare Vpnhub\n\t{\n\t\tuint KeepAlive 2\n\t\tuint Timeout 8\n'
		printf '\t\tstring StateDir %s\n\t\tstring AdminSocket %s\n' "$WORK/$x/state" \
			"$WORK/$x/admin.sock"
		for l in "$@"; do printf '\t\t%s\n' "$l"; done
		printf '\t}\n\tdeclare VirtualHUB\n\t{\n'
		printf '%s\n' "$MH_HUB_FOLDER"
		printf '\t}\n}\n'
	} >"$WORK/$x/SoftHUB.cfg"
	chmod 600 "$WORK/$x/SoftHUB.cfg"
}

# The hub folder every hub serves (users hashed once per test).  The links' user has a
# Policy folder (Access true, CheckMac and the rest false, as SoftEther reads absent
# items): without one, the hub's secure defaults for users (CheckMac, CheckIp) would
# hold a MAC or IP address moving onto a link for 13 s (docs/cascade.md).
mh_hub_folder() {
	MH_HUB_FOLDER=$(hub_folder DEFAULT user:user-pw link:link-pw |
		sed '/^\t*declare link$/,/^\t*}$/ s/^\(\t*\)}$/\1\tdeclare Policy\n\1\t{\n\1\t\tbool Access true\n\1\t\tbool CheckMac false\n\1\t}\n\1}/')
}

# mh_link_policy X USER: on hub X, USER (a cascade's user) gets a Policy without the
# secure defaults' checks (console "policy set" writes the effective policy for the rest).
mh_link_policy() {
	local it
	for it in CheckMac CheckIP CheckIPv6 RAFilter DHCPNoServer DHCPv6NoServer; do
		mh_ctl "$1" policy set user "$2" "$it" false >/dev/null || return 1
	done
}

mh_start() {
	local x=$1 n
	[ -f "$WORK/$x/SoftHUB.cfg" ] || mh_cfg "$x"
	n=$(grep -c "ready" "$WORK/hub$x.log" 2>/dev/null)
	ip netns exec "$P-h$x" "$VPNHUB" -c "$WORK/$x/SoftHUB.cfg" >>"$WORK/hub$x.log" 2>&1 &
	HPID[$x]=$!
	wait_for "hub $x ready" 10 count_ge $((${n:-0} + 1)) "ready" "$WORK/hub$x.log"
	FP[$x]=$(sed -n 's/.*fingerprint: //p' "$WORK/hub$x.log" | tail -1)
}

mh_stop() {
	kill "${HPID[$1]}" 2>/dev/null || true
	wait "${HPID[$1]}" 2>/dev/null || true
	unset "HPID[$1]"
}

mh_ctl() { local x=$1; shift; "$VPNHUBCTL" -s "$WORK/$x/admin.sock" -H DEFAULT "$@"; }

# mh_cascade X NAME ADDRESS Y: hub X links to hub Y at ADDRESS.
mh_cascade() {
	mh_ctl "$1" cascade add "$2" --server "$3:5555" --remote-hub DEFAULT --user link \
		--password link-pw --fingerprint "${FP[$4]}" --retry 2
}

# mh_state X NAME: the link's state as the console says it.
mh_state() { mh_ctl "$1" --json cascade status "$2" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])'; }
mh_state_is() { [ "$(mh_state "$1" "$2")" = "$3" ]; }

# mh_client_start I HUB: client I logs in to hub HUB as "user".
mh_client_start() {
	FINGERPRINT=${FP[$2]} client_profile "$1" DEFAULT user user-pw
	start_client "$1"
}

# mh_blocked_link: "X NAME N OTHER" of the triangle's link the loop guard blocks
# (A toB over l1, B toC over l2, C toA over l3; OTHER: the hub not on it); 1 if none.
mh_blocked_link() {
	local x name n other
	for x in "A toB 1 C" "B toC 2 A" "C toA 3 B"; do
		read -r x name n other <<<"$x"
		[ "$(mh_state "$x" "$name")" = "blocked (loop)" ] && { echo "$x $name $n $other"; return 0; }
	done
	return 1
}

# mh_blocked_count: how many links of the triangle the loop guard blocks.
mh_blocked_count() {
	local n=0 x
	for x in A B C; do n=$((n + $(mh_ctl "$x" cascade list | grep -c blocked))); done
	echo "$n"
}
# mh_one_blocked: the triangle has settled, its loop broken by exactly one block (a hub
# that blocked before it knew of a hub that outranks it lifts its block: docs/cascade.md).
mh_one_blocked() { [ "$(mh_blocked_count)" -eq 1 ]; }

# mh_scaleout [ITEM...]: hubs A, B, C sharing one certificate, reachable from namespace
# $P-lb (10.196.N.2, N = 1, 2, 3), joined in a triangle (A toB, B toC, C toA), and
# HAProxy in TCP mode on 10.197.0.1:5555 in $P-lb (br0, 10.197.0.0/16) in front of
# them (LB_PID); extra ITEMs go to each hub's root/Vpnhub.
LB_PID=
mh_scaleout() {
	local n=0 x
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 \
		-subj /CN=vpnhub -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
	chmod 600 "$WORK/key.pem"
	mh_hub_folder
	ip netns add "$P-lb"
	ns lb ip link set lo up
	ns lb ip link add br0 type bridge
	ns lb ip addr add 10.197.0.1/16 dev br0
	ns lb ip link set br0 up
	for x in A B C; do
		n=$((n + 1))
		mh_hub "$x"
		ip link add "$P-b$n" type veth peer name "$P-d$n"
		ip link set "$P-b$n" netns "$P-lb" name "h$x"
		ip link set "$P-d$n" netns "$P-h$x" name lb
		ns lb ip addr add "10.196.$n.1/24" dev "h$x"
		ns lb ip link set "h$x" up
		ns "h$x" ip addr add "10.196.$n.2/24" dev lb
		ns "h$x" ip link set lb up
		mh_cfg "$x" "string Certificate $WORK/cert.pem" "string Key $WORK/key.pem" "$@"
	done
	mh_link 1 A B
	mh_link 2 B C
	mh_link 3 C A
	for x in A B C; do mh_start "$x"; done
	mh_cascade A toB 10.198.1.2 B >/dev/null
	mh_cascade B toC 10.198.2.2 C >/dev/null
	mh_cascade C toA 10.198.3.2 A >/dev/null
	cat >"$WORK/haproxy.cfg" <<CFG
global
	maxconn 4000
defaults
	mode tcp
	timeout connect 2s
	timeout client 1h
	timeout server 1h
frontend vpn
	bind 10.197.0.1:5555
	default_backend hubs
backend hubs
	balance roundrobin
	server A 10.196.1.2:5555 check inter 500 fall 2 rise 2
	server B 10.196.2.2:5555 check inter 500 fall 2 rise 2
	server C 10.196.3.2:5555 check inter 500 fall 2 rise 2
CFG
	ip netns exec "$P-lb" haproxy -db -f "$WORK/haproxy.cfg" >>"$WORK/haproxy.log" 2>&1 &
	LB_PID=$!
	wait_for "HAProxy listening" 10 ns lb bash -c "ss -ltn | grep -q 10.197.0.1:5555"
}

mh_down() {
	local x
	[ -n "$LB_PID" ] && kill "$LB_PID" 2>/dev/null
	LB_PID=
	for x in "${!HPID[@]}"; do kill "${HPID[$x]}" 2>/dev/null || true; done
	for x in "${!HPID[@]}"; do wait "${HPID[$x]}" 2>/dev/null || true; done
	HPID=()
	topo_down
}
