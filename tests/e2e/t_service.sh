#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Running as a service: both daemons drop root for a service user after
# setup (checked in /proc/PID/status), keep serving, reload and reconnect
# after the drop, talk the systemd notification protocol (READY, RELOADING,
# STOPPING, WATCHDOG) to a socket the test listens on, write pid files, and
# the hub stops cleanly with 50 sessions connected (the time is printed, not asserted:
# a hub still there after 60 s counts as hung).
#
#   c1 (alice, vpnclient --user) --TLS-- [vpnhub --user] --TLS-- c2: 50 idle sessions
set -u
cd "$(dirname "$0")/../.." && source tests/e2e/lib.sh
SVC_USER=vpnhubtest$$
cleanup() {
	topo_down
	userdel "$SVC_USER" 2>/dev/null
	[ -n "${NOTIFY_PID:-}" ] && kill "$NOTIFY_PID" 2>/dev/null
}
trap cleanup EXIT
BADPEER=${BADPEER:-$BUILD/badpeer}
CFG=$WORK/SoftHUB.cfg

useradd --system --no-create-home --shell /usr/sbin/nologin "$SVC_USER"
chmod 755 "$WORK"   # the service user reads SoftHUB.cfg here on reload
status() { grep "^$2:" "/proc/$1/status" | awk '{$1=""; print substr($0,2)}'; }
uid=$(id -u "$SVC_USER")

# the systemd side of sd_notify: a datagram socket that logs what it receives
python3 -c '
import os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1]); os.chmod(sys.argv[1], 0o666)
with open(sys.argv[2], "a", buffering=1) as log:
    while True: log.write(s.recv(4096).decode() + "\n")' "$WORK/notify.sock" "$WORK/notify.log" &
NOTIFY_PID=$!

topo_up 2
mkdir -p "$WORK/run"
chown "$SVC_USER" "$WORK/run"   # like RuntimeDirectory=: the pid file goes away at exit
hub_cfg_file "$CFG" true alice:alice-pw bob:bob-pw
chmod 644 "$CFG"
start_daemon_hub() {
	ip netns exec "$P-hub" env NOTIFY_SOCKET="$WORK/notify.sock" WATCHDOG_USEC=1000000 \
		"$VPNHUB" -c "$CFG" --user "$SVC_USER" --pidfile "$WORK/run/hub.pid" >>"$WORK/hub.log" 2>&1 &
	HUB_PID=$!
	wait_for "hub ready" 10 grep -q "ready" "$WORK/hub.log"
	FINGERPRINT=$(sed -n 's/.*fingerprint: //p' "$WORK/hub.log" | tail -1)
}
start_daemon_hub
client_profile 1 DEFAULT alice alice-pw
ip netns exec "$P-c1" "$VPNCLIENT" --user "$SVC_USER" connect "$WORK/c1.conf" >>"$WORK/c1.log" 2>&1 &
CLIENT_PID[1]=$!
wait_connected 1

assert "hub: runs as the service user" test "$(status "$HUB_PID" Uid)" = "$uid $uid $uid $uid"
assert "hub: no capability left (CapEff, CapPrm, CapBnd)" bash -c \
	"[ '$(status "$HUB_PID" CapEff)$(status "$HUB_PID" CapPrm)$(status "$HUB_PID" CapBnd)' = \
	   000000000000000000000000000000000000000000000000 ]"
assert "hub: no_new_privs set" test "$(status "$HUB_PID" NoNewPrivs)" = 1
assert "hub: pid file" test "$(cat "$WORK/run/hub.pid")" = "$HUB_PID"
cpid=${CLIENT_PID[1]}
assert "client: runs as the service user" test "$(status "$cpid" Uid)" = "$uid $uid $uid $uid"
assert "client: CAP_NET_ADMIN only" bash -c \
	"[ '$(status "$cpid" CapEff) $(status "$cpid" CapPrm) $(status "$cpid" CapBnd)' = \
	   '0000000000001000 0000000000001000 0000000000001000' ]"
assert "client: no_new_privs set" test "$(status "$cpid" NoNewPrivs)" = 1
assert "client after the drop: vpnclient status answers on its root-only socket" bash -c \
	"'$VPNCLIENT' status c1 --json | grep -q '\"state\":\"connected\"' &&
	 [ \"\$(stat -c '%U %a' $VPNCLIENT_RUNDIR/c1.sock)\" = 'root 600' ]"
{ cat "$WORK/c1.conf"; echo "address = dhcp"; } >"$WORK/dhcp.conf" && chmod 600 "$WORK/dhcp.conf"
ip netns exec "$P-c2" "$VPNCLIENT" --user "$SVC_USER" connect "$WORK/dhcp.conf" >"$WORK/dhcp.out" 2>&1
assert "a profile with network setup refuses --user (exit 2, saying why)" bash -c \
	"[ $? = 2 ] && grep -q 'need root to run the DHCP client' '$WORK/dhcp.out'"
assert "systemd told READY=1" wait_for "READY" 5 grep -q "^READY=1" "$WORK/notify.log"
assert "watchdog kept alive (WATCHDOG=1)" wait_for "WATCHDOG" 5 grep -q "^WATCHDOG=1" "$WORK/notify.log"
client_profile 2 DEFAULT bob bob-pw
start_client 2
wait_connected 2
assert "ping between a dropped client and another" ping_ok c1 10.77.0.2

hub_cfg_file "$CFG" true alice:alice-pw bob:bob-pw erin:erin-pw
kill -HUP "$HUB_PID"
assert "reload works after the drop" wait_for "reload" 10 grep -q "reloaded" "$WORK/hub.log"
assert "systemd told RELOADING=1, then READY=1" wait_for "RELOADING" 5 \
	bash -c "grep -A1 '^RELOADING=1' '$WORK/notify.log' | grep -q '^READY=1'"

kill -9 "$HUB_PID"; wait "$HUB_PID" 2>/dev/null
start_daemon_hub
assert "the dropped client reconnects (carrier follows)" wait_connected 1 2
assert "ping after the reconnect" wait_for "ping" 10 ping_ok c1 10.77.0.2 1

for i in $(seq 50); do
	ip netns exec "$P-c2" "$BADPEER" 10.199.2.1 5555 DEFAULT bob bob-pw idle >>"$WORK/idle.log" 2>&1 &
done
assert "50 more sessions connected" wait_for "50 sessions" 30 count_ge 50 "badpeer: logged in" "$WORK/idle.log"
start=$(date +%s%N)
kill -TERM "$HUB_PID"
RC=0; wait_exit "$HUB_PID" 60 || RC=$?
ms=$((($(date +%s%N) - start) / 1000000))
HUB_PID=
echo "# SIGTERM with 52 sessions: exit $RC after $ms ms"
assert "SIGTERM with 52 sessions: exits 0 (not hung: no SIGKILL after 60 s)" test "$RC" -eq 0
assert "every idle session was told and closed" wait_for "idle closed" 30 \
	count_ge 50 "badpeer: hub closed the connection" "$WORK/idle.log"
assert "systemd told STOPPING=1" grep -q "^STOPPING=1" "$WORK/notify.log"
assert "pid file removed" test ! -e "$WORK/run/hub.pid"
assert "state file written by the service user" test "$(stat -c %U "$WORK/state/vpnhub.state")" = "$SVC_USER"

# TSan's runtime keeps a thread of its own, and a forked child of a threaded
# process can deadlock inside it: --daemon is exercised by the other builds.
if ldd "$VPNHUB" | grep -q libtsan; then
	echo "# --daemon: not run under TSan (fork of its threaded runtime)"
	finish
	exit
fi
RC=0; ip netns exec "$P-hub" "$VPNHUB" -c "$CFG" --daemon --pidfile "$WORK/d.pid" || RC=$?
assert "--daemon returns at once with status 0" test "$RC" -eq 0
assert "--daemon: the pid file names a live hub" wait_for "daemon pid" 5 \
	bash -c "kill -0 \$(cat '$WORK/d.pid')"
dpid=$(cat "$WORK/d.pid" 2>/dev/null)
kill -TERM "$dpid" 2>/dev/null
assert "--daemon: stops on SIGTERM and removes its pid file" wait_for "daemon gone" 10 \
	bash -c "! kill -0 $dpid 2>/dev/null && [ ! -e '$WORK/d.pid' ]"
finish
