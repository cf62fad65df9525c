#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Link failures: the hub killed and restarted, the hub stopped with SIGTERM,
# and a transport link that silently goes dead.  Clients keep their interface
# with carrier down while disconnected and reconnect by themselves.
#
#   c1 vpn0 --TLS over vc1/vh1-- [hub DEFAULT] --TLS over vh2/vc2-- c2 vpn0
set -u
cd "$(dirname "$0")/../.." && source tests/e2e/lib.sh
trap topo_down EXIT

carrier_down() { ns "$1" ip link show vpn0 | grep -q NO-CARRIER; }

two_clients
assert "ping before the outage" ping_ok c1 10.77.0.2

kill -9 "$HUB_PID"; wait "$HUB_PID" 2>/dev/null; HUB_PID=
assert "carrier goes down when the hub dies" wait_for "carrier down" 15 carrier_down c1
assert "the interface stays while disconnected" ns c1 ip link show vpn0
assert "the client says it will reconnect" wait_for "reconnect message" 15 grep -q "reconnecting in" "$WORK/c1.log"
start_hub
assert "c1 reconnects by itself after the hub restarts" wait_connected 1 2
assert "c2 reconnects by itself after the hub restarts" wait_connected 2 2
assert "ping after the hub restart" wait_for "ping" 10 ping_ok c1 10.77.0.2 1
refute "carrier back up" carrier_down c1

# dead peer: the transport link goes silent (no FIN, no RST)
ns hub ip link set vh1 down
assert "c1 declares the hub dead after its timeout" \
	wait_for "dead-peer timeout" 20 grep -q "silent for .* (dead-peer timeout)" "$WORK/c1.log"
assert "the hub declares c1 dead after its timeout" \
	wait_for "hub timeout" 20 grep -q "alice@DEFAULT.*closed: peer silent for too long" "$WORK/hub.log"
assert "c2 unaffected meanwhile" ping_ok c2 10.77.0.2 1
ns hub ip link set vh1 up
assert "c1 comes back when the link does" wait_connected 1 3
assert "ping after the link outage" wait_for "ping" 10 ping_ok c1 10.77.0.2 1

# orderly stop: clients are told why
kill -TERM "$HUB_PID"
assert "hub exits 0 on SIGTERM" wait "$HUB_PID"
HUB_PID=
assert "c1 is told the hub is shutting down" \
	wait_for "shutdown reason" 10 grep -q "the hub closed the connection: the hub is shutting down" "$WORK/c1.log"
assert "hub logs each session's end" grep -q "bob@DEFAULT.*closed: the hub is shutting down" "$WORK/hub.log"
finish
