#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A vpn_server.config as a stock SoftEther VPN Server writes it (tests/data/)
# runs the hub as it is, plus only a Vpnhub folder naming a state directory
# inside the test's scratch space.  alice logs in with her SoftEther password
# (AuthPassword = SHA-0 hash), items the hub does not implement are reported
# in the ranked start-up report, its local bridge (TAP mode) is made, and the file
# is never rewritten.
#
#   c1 (alice, SoftEther hash) --TLS:443-- [hub DEFAULT] --TLS:992-- c2 (carol, verifier)
set -u
cd "$(dirname "$0")/../.." && source tests/e2e/lib.sh
trap topo_down EXIT
CFG=$WORK/SoftHUB.cfg

topo_up 2
mkdir -p "$WORK/state"
# the SoftEther file, plus a Vpnhub folder and a user with a salted verifier
python3 - "$CFG" "$WORK/state" "$(printf 'carol-pw\n' | "$VPNHUB" --hash-password)" <<'PY'
import sys
src = open("tests/data/vpn_server.config", "rb").read().decode("utf-8")
cfg, state, items = sys.argv[1], sys.argv[2], sys.argv[3]
vpnhub = "\tdeclare Vpnhub\r\n\t{\r\n\t\tstring StateDir %s\r\n\t}\r\n" % state
src = src.replace("declare root\r\n{\r\n", "declare root\r\n{\r\n" + vpnhub, 1)
carol = "\t\t\t\t\tdeclare carol\r\n\t\t\t\t\t{\r\n" + "".join(
    "\t\t\t\t\t\t%s\r\n" % l for l in items.splitlines()) + "\t\t\t\t\t}\r\n"
src = src.replace("\t\t\t\t\tdeclare alice\r\n", carol + "\t\t\t\t\tdeclare alice\r\n", 1)
open(cfg, "wb").write(src.encode("utf-8"))
PY
chmod 640 "$CFG"
sha_before=$(sha256sum "$CFG")
start_hub
client_profile 1 DEFAULT alice secret
sed -i 's/^server = .*/server = 10.199.1.1:443/' "$WORK/c1.conf"
client_profile 2 DEFAULT carol carol-pw
sed -i 's/^server = .*/server = 10.199.2.1:992/' "$WORK/c2.conf"
start_client 1
start_client 2
assert "alice logs in with the hash a SoftEther server wrote" wait_connected 1
assert "carol logs in with a salted verifier" wait_connected 2
assert "they talk" ping_ok c1 10.77.0.2
assert "its LocalBridge0 (TapMode true) made tap_lab with the TapMacAddress" \
	bash -c "ip netns exec $P-hub ip link show tap_lab | grep -qi 5e:2c:91:0a:44:17"
assert "the local bridge is attached to hub DEFAULT" \
	grep -q "local bridge tap_lab (hub DEFAULT): attached (TAP mode" "$WORK/hub.log"
assert "alice's password-equivalent hash is pointed out" \
	grep -q "user alice has only SoftEther's password hash" "$WORK/hub.log"
ip netns exec "$P-hub" "$VPNHUB" -c "$CFG" --check-config -v >"$WORK/check-v.out" 2>&1
assert "an inert folder is listed once by --check-config -v" \
	test "$(grep -c 'inert: folder root/VirtualHUB/\*/Traffic ' "$WORK/check-v.out")" -eq 1
assert "an inert item is listed once by --check-config -v" \
	test "$(grep -c 'inert: item root/VirtualHUB/\*/RadiusServerPort ' "$WORK/check-v.out")" -eq 1
assert "the start-up log counts the inert items in one line" \
	test "$(grep -c 'inert: [0-9]* item(s) stored without effect' "$WORK/hub.log")" -eq 1
assert "the local bridge is not reported as unimplemented" \
	bash -c "! grep -q 'LocalBridgeList' '$WORK/check-v.out'"
kill "${CLIENT_PID[2]}"; wait "${CLIENT_PID[2]}" 2>/dev/null; unset "CLIENT_PID[2]"
client_profile 2 DEFAULT alice wrong "reconnect = no"
sed -i 's/^server = .*/server = 10.199.2.1:992/' "$WORK/c2.conf"
timeout 20 ip netns exec "$P-c2" "$VPNCLIENT" connect "$WORK/c2.conf" >"$WORK/wrong.out" 2>&1
assert "a wrong SoftEther password is refused" grep -q "wrong user name or password" "$WORK/wrong.out"
stop_all
assert "the hub never rewrote its configuration" test "$(sha256sum "$CFG")" = "$sha_before"
finish
