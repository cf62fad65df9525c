#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# One bad session never harms another: while c1 and c2 talk, a misbehaving
# peer in c3's namespace sends garbage before login, an oversized length, a
# runt frame, an unknown message type and a bad virtio header; a plain-text
# peer and a peer that trickles its handshake are cut off.  Each time the
# hub must close only that session, with a logged reason, and c1 <-> c2 must
# keep working.  Then killing client 2 outright leaves the hub serving others.
#
#   c1 --TLS-- [hub DEFAULT] --TLS-- c2      c3: badpeer (carol), then a real client
set -u
cd "$(dirname "$0")/../.." && source tests/e2e/lib.sh
trap topo_down EXIT
BADPEER=${BADPEER:-$BUILD/badpeer}

two_clients 3
assert "baseline ping c1 -> c2" ping_ok c1 10.77.0.2

assert "garbage before login: hub hangs up" ns c3 "$BADPEER" 10.199.3.1 5555 DEFAULT carol carol-pw garbage
assert "garbage logged with a reason" grep -q "(user ?): rejected: " "$WORK/hub.log"
for mode in oversize runt badtype badvnet; do
	assert "$mode: hub closes the session" ns c3 "$BADPEER" 10.199.3.1 5555 DEFAULT carol carol-pw "$mode"
	assert "$mode: others unaffected" ping_ok c1 10.77.0.2 2
done
assert "oversized length logged" grep -q "carol.*closed: protocol error: bad message: frame longer" "$WORK/hub.log"
assert "runt logged" grep -q "carol.*bad message: frame shorter" "$WORK/hub.log"
assert "unknown type logged" grep -q "carol.*bad message: unknown message type" "$WORK/hub.log"
assert "bad virtio header logged" grep -q "carol.*bad virtio header: unknown GSO type" "$WORK/hub.log"

# a raw TCP peer that never speaks TLS must not hold anything up either
ns c3 bash -c 'exec 3<>/dev/tcp/10.199.3.1/5555; printf "GET / HTTP/1.0\r\n\r\n" >&3; sleep 1' || true
assert "plain-text peer refused, counted in the pre-authentication line" \
	wait_for "TLS failure log" 15 grep -qE "[1-9][0-9]* TLS handshakes failed" "$WORK/hub.log"

# a peer that trickles a byte every 3 s never finishes its handshake: cut at 10 s
ns c3 bash -c 'exec 3<>/dev/tcp/10.199.3.1/5555; for i in $(seq 10); do printf "\x16" >&3 || exit 0; sleep 3; done' &
trickle=$!
assert "a trickling handshake is cut by the hub" \
	wait_for "handshake reaped" 35 grep -qE "[1-9][0-9]* not finished within 10 s" "$WORK/hub.log"
kill "$trickle" 2>/dev/null; wait "$trickle" 2>/dev/null

# a client killed without a goodbye: the hub drops its session, the rest go on
client_profile 3 DEFAULT carol carol-pw
start_client 3
wait_connected 3
assert "c3 joined" ping_ok c3 10.77.0.1 2
kill -9 "${CLIENT_PID[2]}"
assert "hub notices the killed client" wait_for "session close" 15 grep -q "bob@DEFAULT.*closed" "$WORK/hub.log"
assert "hub still serves c1 <-> c3" ping_ok c1 10.77.0.3
refute "killed client unreachable" ping_ok c1 10.77.0.2 2
finish
