# SPDX-License-Identifier: GPL-2.0-or-later
# Several hubs in their own namespaces, joined by cascades (t_cascade, t_scaleout,
# bench/cascade.sh).  Source after lib.sh.
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

# The hub folder every hub serves (users hashed once per test).
mh_hub_folder() { MH_HUB_FOLDER=$(hub_folder DEFAULT user:user-pw link:link-pw); }

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

mh_down() {
	local x
	for x in "${!HPID[@]}"; do kill "${HPID[$x]}" 2>/dev/null || true; done
	for x in "${!HPID[@]}"; do wait "${HPID[$x]}" 2>/dev/null || true; done
	HPID=()
	topo_down
}
