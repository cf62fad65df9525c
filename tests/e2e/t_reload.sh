#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# SIGHUP reload of SoftHUB.cfg without dropping unaffected sessions: a new user
# connects without a restart; a removed user's session ends while the others
# go on; a broken file is refused with its position and the running
# configuration stays; a hub taken offline ends its sessions and clients wait.
#
#   c1 (alice) --TLS-- [hub DEFAULT] --TLS-- c2 (bob)      c3: erin, added by reload
set -u
cd "$(dirname "$0")/../.." && source tests/e2e/lib.sh
trap topo_down EXIT
CFG=$WORK/SoftHUB.cfg
reload() { kill -HUP "$HUB_PID"; }

topo_up 3
mkdir -p "$WORK/state"
printf 'declare root\n{\n\tdeclare VirtualHUB\n\t{\n\t\tbool Online maybe$\n\t}\n}\n' >"$CFG"
RC=0; ip netns exec "$P-hub" "$VPNHUB" -c "$CFG" >"$WORK/broken.out" 2>&1 || RC=$?
assert "the hub refuses to start on a broken file (exit 2, file:line:column)" \
	bash -c "[ $RC -eq 2 ] && grep -q '$CFG:5:' '$WORK/broken.out'"
hub_cfg_file "$CFG" true alice:alice-pw bob:bob-pw
start_hub
client_profile 1 DEFAULT alice alice-pw
client_profile 2 DEFAULT bob bob-pw
client_profile 3 DEFAULT erin erin-pw "reconnect = no"
start_client 1
start_client 2
wait_connected 1 && wait_connected 2
assert "alice and bob talk" ping_ok c1 10.77.0.2

hub_cfg_file "$CFG" true alice:alice-pw bob:bob-pw erin:erin-pw
reload
assert "reload logged" wait_for "reloaded" 10 grep -q "reloaded $CFG" "$WORK/hub.log"
start_client 3
assert "erin, added by reload, logs in without a restart" wait_connected 3
assert "erin reaches alice" ping_ok c3 10.77.0.1

hub_cfg_file "$CFG" true alice:alice-pw erin:erin-pw
reload
assert "bob's session ends when bob is removed" wait_for "bob removed" 10 \
	grep -q "bob@DEFAULT) ends: the user account was removed" "$WORK/hub.log"
assert "bob is told why" wait_for "bye" 10 \
	grep -q "the user account was removed or changed on the hub" "$WORK/c2.log"
assert "bob cannot log in again" wait_for "bob refused" 15 \
	grep -q "wrong user name or password" "$WORK/c2.log"
assert "alice and erin still talk" ping_ok c1 10.77.0.3
assert "alice was never disconnected" test "$(grep -c 'connected to hub' "$WORK/c1.log")" -eq 1

cp "$CFG" "$WORK/good.cfg"
printf 'declare root\n{\n\tuint Broken 99999999999\n}\n' >"$CFG"
reload
assert "a broken file is refused with file:line:column" wait_for "refused" 10 \
	grep -q "reload refused, the running configuration stays: $CFG:3:" "$WORK/hub.log"
assert "sessions survive a refused reload" ping_ok c1 10.77.0.3
assert "the running configuration still admits erin" test "$(grep -c 'erin logged in' "$WORK/hub.log")" -eq 1

hub_cfg_file "$CFG" false alice:alice-pw erin:erin-pw
reload
assert "an offline hub ends its sessions" wait_for "offline" 10 \
	grep -q "alice@DEFAULT) ends: the virtual hub is offline" "$WORK/hub.log"
assert "the client waits for the hub to come back" wait_for "retry" 15 \
	grep -q "the hub refused the connection: the virtual hub is offline" "$WORK/c1.log"
hub_cfg_file "$CFG" true alice:alice-pw erin:erin-pw
reload
assert "alice is back once the hub is online" wait_connected 1 2
assert "login counters kept in the state file, not in SoftHUB.cfg" bash -c \
	"kill -TERM $HUB_PID; sleep 1; grep -q NumLogin '$WORK/state/vpnhub.state' && ! grep -q NumLogin '$CFG'"
finish
