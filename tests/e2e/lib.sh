# SPDX-License-Identifier: GPL-2.0-or-later
# Shared helpers for the end-to-end tests, the demo and the benchmarks.
#
# Topology (every address lives inside namespaces made here; nothing leaves the machine):
#
#   ns $P-c1                       ns $P-hub                        ns $P-c2
#   vpn0 10.77.0.1/24, fd77::1     vpnhub on 0.0.0.0:5555           vpn0 10.77.0.2/24, fd77::2
#   vc1 10.199.1.2 ---- veth ---- vh1 10.199.1.1                    ...
#                                  vh2 10.199.2.1 ---- veth ---- vc2 10.199.2.2
#
# Client i reaches the hub at 10.199.i.1:5555 over its own veth; frames between
# the vpn0 interfaces cross the hub over TLS.  The namespaces have no route out.

: "${BUILD:=build}"
VPNHUB=${VPNHUB:-$BUILD/vpnhub}
VPNCLIENT=${VPNCLIENT:-$BUILD/vpnclient}
P=${P:-vh$$}
WORK=${WORK:-$(mktemp -d /tmp/vpnhub-e2e.XXXXXX)}
# each test's clients keep their control sockets and state to themselves
export VPNCLIENT_RUNDIR=${VPNCLIENT_RUNDIR:-$WORK/vpnclient-run}
HUB_PID=
declare -A CLIENT_PID=()

log() { printf '%s\n' "$*" >&2; }

ns() { local n=$1; shift; ip netns exec "$P-$n" "$@"; }

# topo_up N: hub namespace plus N client namespaces, each joined to the hub by a veth.
topo_up() {
	local n=$1 i
	ip netns add "$P-hub"
	ns hub ip link set lo up
	for ((i = 1; i <= n; i++)); do
		ip netns add "$P-c$i"
		ns "c$i" ip link set lo up
		ip link add "$P-h$i" type veth peer name "$P-c$i"
		ip link set "$P-h$i" netns "$P-hub" name "vh$i"
		ip link set "$P-c$i" netns "$P-c$i" name "vc$i"
		ns hub ip addr add "10.199.$i.1/24" dev "vh$i"
		ns hub ip link set "vh$i" up
		ns "c$i" ip addr add "10.199.$i.2/24" dev "vc$i"
		ns "c$i" ip link set "vc$i" up
	done
}

# proxy_ns_up I: client I loses its link to the hub: its veth now ends in namespace
# $P-px (10.199.I.1, the proxy's address), which reaches the hub at 10.199.9.1 over
# vpx 10.199.9.2 -- vh9.  Nothing forwards between the two links in $P-px.
proxy_ns_up() {
	local i=$1
	ip netns add "$P-px"
	ns px ip link set lo up
	ns hub ip link set "vh$i" netns "$P-px" name "vp$i"
	ns px ip addr add "10.199.$i.1/24" dev "vp$i"
	ns px ip link set "vp$i" up
	ip link add "$P-px" type veth peer name "$P-h9"
	ip link set "$P-px" netns "$P-px" name vpx
	ip link set "$P-h9" netns "$P-hub" name vh9
	ns px ip addr add 10.199.9.2/24 dev vpx
	ns px ip link set vpx up
	ns hub ip addr add 10.199.9.1/24 dev vh9
	ns hub ip link set vh9 up
}

topo_down() {
	local pid n
	for pid in "${CLIENT_PID[@]}" $HUB_PID; do kill "$pid" 2>/dev/null || true; done
	for pid in "${CLIENT_PID[@]}" $HUB_PID; do wait "$pid" 2>/dev/null || true; done
	for n in $(ip netns list | awk '{print $1}' | grep "^$P-" || true); do
		ip netns pids "$n" | xargs -r kill -9 2>/dev/null || true
		ip netns del "$n"
	done
	rm -rf "$WORK"
}

# user_folder DEPTH NAME PASSWORD: a SoftHUB.cfg user folder with a salted verifier.
user_folder() {
	local tabs
	tabs=$(printf '%*s' "$1" '' | tr ' ' '\t')
	printf '%sdeclare %s\n%s{\n' "$tabs" "$2" "$tabs"
	printf '%s\n' "$3" | "$VPNHUB" --hash-password | sed "s/^/$tabs\t/"
	printf '%s}\n' "$tabs"
}

# hub_folder NAME USER:PASSWORD...: a virtual hub folder, online, with those users.
hub_folder() {
	local name=$1 u; shift
	printf '\t\tdeclare %s\n\t\t{\n\t\t\tbool Online true\n' "$name"
	printf '\t\t\tdeclare SecurityAccountDatabase\n\t\t\t{\n\t\t\t\tdeclare UserList\n\t\t\t\t{\n'
	for u in "$@"; do user_folder 5 "${u%%:*}" "${u#*:}"; done
	printf '\t\t\t\t}\n\t\t\t}\n\t\t}\n'
}

# hub_cfg_file FILE ONLINE USER:PASSWORD...: SoftHUB.cfg with the one hub DEFAULT.
hub_cfg_file() {
	local f=$1 online=$2; shift 2
	{
		printf 'declare root\n{\n'
		printf '\tdeclare ListenerList\n\t{\n\t\tdeclare Listener0\n\t\t{\n'
		printf '\t\t\tbool Enabled true\n\t\t\tuint Port 5555\n\t\t}\n\t}\n'
		printf '\tdeclare Vpnhub\n\t{\n\t\tuint KeepAlive 2\n\t\tstring StateDir %s\n' \
			"$WORK/state"
		printf '\t\tstring AdminSocket %s\n' "$WORK/admin.sock"
		printf '\t\tuint Timeout 8\n\t}\n\tdeclare VirtualHUB\n\t{\n'
		hub_folder DEFAULT "$@" | sed "s/bool Online true/bool Online $online/"
		printf '\t}\n}\n'
	} >"$f"
}

# hub_conf FILE [VPNHUB_ITEM...]: SoftHUB.cfg with hub DEFAULT (alice, bob, carol) and
# hub OTHER (dave), listening on 5555; extra "type Name value" items go to root/Vpnhub.
hub_conf() {
	local f=$1 l; shift
	{
		printf 'declare root\n{\n'
		printf '\tdeclare ListenerList\n\t{\n\t\tdeclare Listener0\n\t\t{\n'
		printf '\t\t\tbool Enabled true\n\t\t\tuint Port 5555\n\t\t}\n\t}\n'
		printf '\tdeclare Vpnhub\n\t{\n\t\tuint KeepAlive 2\n\t\tstring StateDir %s\n' \
			"$WORK/state"
		printf '\t\tuint Timeout 8\n'
		# each test hub its own console socket, unless the test names one
		[[ "$*" == *AdminSocket* ]] || printf '\t\tstring AdminSocket %s\n' "$WORK/admin.sock"
		for l in "$@"; do printf '\t\t%s\n' "$l"; done
		printf '\t}\n\tdeclare VirtualHUB\n\t{\n'
		hub_folder DEFAULT alice:alice-pw bob:bob-pw carol:carol-pw
		hub_folder OTHER dave:dave-pw
		printf '\t}\n}\n'
	} >"$f"
}

start_hub() {
	[ -f "$WORK/SoftHUB.cfg" ] || hub_conf "$WORK/SoftHUB.cfg"
	mkdir -p "$WORK/state"
	# ip netns exec execs the daemon, so $! is the daemon's PID
	ip netns exec "$P-hub" "$VPNHUB" -c "$WORK/SoftHUB.cfg" >>"$WORK/hub.log" 2>&1 &
	HUB_PID=$!
	wait_for "hub listening" 10 grep -q "ready" "$WORK/hub.log"
	FINGERPRINT=$(sed -n 's/.*fingerprint: //p' "$WORK/hub.log" | tail -1)
}

# stop_all: SIGTERM to every daemon, then wait, so exit-time reports (leaks) reach the logs.
stop_all() {
	local pid
	for pid in "${CLIENT_PID[@]}" $HUB_PID; do kill -TERM "$pid" 2>/dev/null || true; done
	for pid in "${CLIENT_PID[@]}" $HUB_PID; do wait "$pid" 2>/dev/null || true; done
	CLIENT_PID=()
	HUB_PID=
}

stop_hub() {
	kill "$HUB_PID" 2>/dev/null || true
	wait "$HUB_PID" 2>/dev/null || true
	HUB_PID=
}

# client_profile I HUB USER PASSWORD [extra lines...]; SERVER=host:port overrides the hub.
client_profile() {
	local i=$1 hub=$2 user=$3 pw=$4; shift 4
	{
		echo "server = ${SERVER:-10.199.$i.1:5555}"
		echo "hub = $hub"
		echo "user = $user"
		echo "password = $pw"
		echo "fingerprint = $FINGERPRINT"
		echo "device = vpn0"
		echo "address = 10.77.0.$i/24"
		echo "address = fd77::$i/64"
		echo "reconnect_min = 1"
		echo "reconnect_max = 2"
		local l; for l in "$@"; do echo "$l"; done
	} >"$WORK/c$i.conf"
	chmod 600 "$WORK/c$i.conf"
}

start_client() {
	local i=$1
	ip netns exec "$P-c$i" "$VPNCLIENT" connect "$WORK/c$i.conf" >>"$WORK/c$i.log" 2>&1 &
	CLIENT_PID[$i]=$!
}

# count_ge N PATTERN FILE: true when PATTERN occurs on at least N lines of FILE.
count_ge() { [ "$(grep -c -- "$2" "$3" 2>/dev/null)" -ge "$1" ]; }

# wait_connected I [N]: client I has logged in N times (default 1).
wait_connected() {
	local i=$1 n=${2:-1}
	wait_for "client $i connected" 15 count_ge "$n" 'connected to hub' "$WORK/c$i.log"
}

# wait_for DESCRIPTION SECONDS COMMAND...: retries COMMAND every 0.2 s.
wait_for() {
	local what=$1 secs=$2 t; shift 2
	for ((t = 0; t < secs * 5; t++)); do
		"$@" 2>/dev/null && return 0
		sleep 0.2
	done
	log "timed out waiting for: $what"
	return 1
}

# wait_exit PID SECONDS: waits for child PID to exit and returns its status; a PID
# still running after SECONDS (a hang, not a slow machine) is SIGKILLed (status 137).
wait_exit() {
	local pid=$1 secs=$2 t state
	for ((t = 0; t < secs * 10; t++)); do
		state=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1)
		[ -z "$state" ] || [ "$state" = Z ] && break
		sleep 0.1
	done
	[ "$t" -lt $((secs * 10)) ] || kill -KILL "$pid" 2>/dev/null
	wait "$pid"
}

# assert DESCRIPTION COMMAND...: prints "ok - ..." or "not ok - ..." (counted by tests/run).
FAILS=0
assert() {
	local what=$1; shift
	if "$@" >>"$WORK/assert.log" 2>&1; then
		echo "ok - $what"
	else
		echo "not ok - $what"
		FAILS=$((FAILS + 1))
	fi
}

# refute DESCRIPTION COMMAND...: the command must fail.
refute() {
	local what=$1; shift
	if "$@" >>"$WORK/assert.log" 2>&1; then
		echo "not ok - $what"
		FAILS=$((FAILS + 1))
	else
		echo "ok - $what"
	fi
}

# finish: checks the daemons' logs for sanitizer reports; on failure shows
# the logs; exit status = failures.
finish() {
	stop_all
	refute "no sanitizer reports in the daemons' logs" grep -lE \
		"ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|WARNING: ThreadSanitizer" \
		"$WORK"/*.log
	if [ "$FAILS" -gt 0 ]; then
		local f
		for f in "$WORK"/*.log; do
			[ -f "$f" ] || continue
			echo "--- $(basename "$f") (last 40 lines)"
			tail -n 40 "$f"
		done
	fi
	return "$FAILS"
}

# two_clients: topology, hub and clients 1 (alice) and 2 (bob) on hub DEFAULT, connected.
two_clients() {
	topo_up "${1:-2}"
	start_hub
	client_profile 1 DEFAULT alice alice-pw
	client_profile 2 DEFAULT bob bob-pw
	start_client 1
	start_client 2
	wait_connected 1 && wait_connected 2
	# IPv6 duplicate address detection must finish before fd77:: addresses answer
	wait_for "IPv6 addresses ready" 10 no_tentative c1 && wait_for "IPv6 ready" 10 no_tentative c2
}

no_tentative() { ! ns "$1" ip -6 addr show dev vpn0 | grep -q tentative; }

ping_ok() { ns "$1" ping -c "${3:-3}" -i 0.2 -W 2 "$2"; }
