#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# README command (1): installs dependencies, builds, and shows a hub and two
# clients in network namespaces exchanging traffic over TLS; tears all down.
#
#   ns demo-c1                   ns demo-hub                  ns demo-c2
#   vpn0 10.77.0.1 ==TLS==> vpnhub (hub DEFAULT) <==TLS== vpn0 10.77.0.2
#
# Needs root (network namespaces and TAP devices).  Touches nothing outside
# the namespaces it creates.
set -euo pipefail
cd "$(dirname "$0")"
[ "$(id -u)" -eq 0 ] || { echo "demo.sh: run as root (sudo ./demo.sh)" >&2; exit 2; }
scripts/install-deps.sh
scripts/build.sh build release
export BUILD=build P=demo
source tests/e2e/lib.sh
trap topo_down EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "network namespaces: demo-hub, demo-c1, demo-c2 (veth links, no route out)"
topo_up 2
step "vpnhub: hub DEFAULT, users alice and bob (password verifiers, never passwords)"
start_hub
cat "$WORK/hub.log"
step "vpnclient in demo-c1 (alice) and demo-c2 (bob), hub pinned by fingerprint"
client_profile 1 DEFAULT alice alice-pw
client_profile 2 DEFAULT bob bob-pw
sed 's/^password = .*/password = (hidden)/' "$WORK/c1.conf"
start_client 1
start_client 2
wait_connected 1
wait_connected 2
cat "$WORK/c1.log" "$WORK/c2.log"
ns c1 ip -br addr show dev vpn0
step "ping from demo-c1 to demo-c2 and back through the hub"
ns c1 ping -c 3 -i 0.3 10.77.0.2
ns c2 ping -c 3 -i 0.3 10.77.0.1
step "IPv6 across the virtual LAN"
wait_for "IPv6 DAD" 10 no_tentative c1
wait_for "IPv6 DAD" 10 no_tentative c2
# the first neighbour discovery right after login was seen to go unanswered on a
# loaded machine (not explained yet): give it a few seconds before showing the ping
wait_for "IPv6 neighbour" 10 ns c1 ping -6 -c 1 -W 1 fd77::2 >/dev/null
ns c1 ping -6 -c 2 -i 0.3 fd77::2
step "iperf3: 5 s of bulk TCP from demo-c1 to demo-c2"
ns c2 iperf3 -s -1 -D
wait_for "iperf3 server" 5 ns c2 bash -c "ss -ltn | grep -q :5201"
ns c1 iperf3 -c 10.77.0.2 -t 5 -f g | tail -n 4
step "tearing down"
stop_all
tail -n 3 "$WORK/hub.log"
