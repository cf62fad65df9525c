# SPDX-License-Identifier: GPL-2.0-or-later
# The office LAN of tests/e2e/t_lan.sh and bench/bridge.sh (source after lib.sh,
# after topo_up has made $P-hub):
#
#   ns $P-office: br0 10.77.0.10/24 fd77::10/64, dnsmasq (DHCP with a route to
#                 10.99.0.0/16 and a search domain, RA, DNS), web :80
#                 |-- upl ==veth== up0 in brh (ns $P-hub, 10.77.0.254/24: the hub
#                 |                host's own address; tap_office joins brh)
#                 |-- lanp ==veth== lan0 (ns $P-hub, bridged by the hub in direct mode)

CFG=${CFG:-$WORK/SoftHUB.cfg}
TAPMAC=5E-2C-91-0A-44-17

# office_up: the office LAN and the hub host's links into it.
office_up() {
	ip netns add "$P-office"
	ns office ip link set lo up
	ns office ip link add br0 type bridge
	ns office ip addr add 10.77.0.10/24 dev br0
	ns office ip addr add fd77::10/64 dev br0 nodad
	ns office ip link set br0 up
	ns hub ip link add brh type bridge
	ns hub ip addr add 10.77.0.254/24 dev brh
	ns hub ip link set brh up
	veth_into_office up0 upl
	ns hub ip link set up0 master brh
	veth_into_office lan0 lanp
}

# veth_into_office HUBSIDE OFFICESIDE: a veth from the hub namespace into br0.
veth_into_office() {
	ip link add "$P-$1" type veth peer name "$P-$2"
	ip link set "$P-$1" netns "$P-hub" name "$1"
	ip link set "$P-$2" netns "$P-office" name "$2"
	ns office ip link set "$2" master br0
	ns office ip link set "$2" up
	ns hub ip link set "$1" up
}

office_services() {
	mkdir -p "$WORK/www"
	echo "office intranet $P" >"$WORK/www/index.html"
	ns office dnsmasq --pid-file="$WORK/dnsmasq.pid" --conf-file=/dev/null \
		--interface=br0 --bind-interfaces --except-interface=lo \
		--dhcp-range=10.77.0.100,10.77.0.150,255.255.255.0,2m \
		--dhcp-range=fd77::,ra-only --enable-ra \
		--dhcp-option=121,10.99.0.0/16,10.77.0.10 \
		--dhcp-option=option:domain-search,office.test \
		--dhcp-leasefile="$WORK/dnsmasq.leases" \
		--address=/intranet.office.test/10.77.0.10 --no-resolv --no-hosts \
		--log-facility="$WORK/dnsmasq.log" --log-dhcp
	ns office python3 -m http.server 80 --bind 10.77.0.10 --directory "$WORK/www" \
		>>"$WORK/web.log" 2>&1 &
	wait_for "web server" 10 ns office bash -c "ss -ltn | grep -q '10.77.0.10:80'"
}

# bridge_folder N DEVICE HUB TAPMODE: a LocalBridge<n> as SoftEther writes it.
bridge_folder() {
	printf '\t\tdeclare LocalBridge%s\n\t\t{\n' "$1"
	printf '\t\t\tstring DeviceName %s\n\t\t\tstring HubName %s\n' "$2" "$3"
	printf '\t\t\tbool LimitBroadcast false\n\t\t\tbool MonitorMode false\n'
	printf '\t\t\tbool NoPromiscuousMode false\n\t\t\tstring TapMacAddress %s\n' \
		"$([ "$4" = true ] && echo "$TAPMAC" || echo '$')"
	printf '\t\t\tbool TapMode %s\n\t\t}\n' "$4"
}

# lan_conf [BRIDGE...]: hub_conf plus a LocalBridgeList ("N DEVICE HUB TAPMODE" each)
# and a packet log of ICMP for hub DEFAULT.
lan_conf() {
	local b
	hub_conf "$CFG" "string LogDir $WORK/logs"
	{
		printf '\tdeclare LocalBridgeList\n\t{\n\t\tbool DoNotDisableOffloading false\n\n'
		for b in "$@"; do bridge_folder $b; done
		printf '\t}\n'
	} >"$WORK/bridges"
	sed -i "/^declare root$/{n;r $WORK/bridges
}" "$CFG"
	printf '\t\t\tdeclare LogSetting\n\t\t\t{\n\t\t\t\tbool SavePacketLog true\n\t\t\t\tuint PACKET_LOG_ICMP 1\n\t\t\t}\n' >"$WORK/logsetting"
	sed -i "/^\t\tdeclare DEFAULT$/{n;r $WORK/logsetting
}" "$CFG"
}

enslave_tap() { ns hub ip link set tap_office master brh && ns hub ip link set tap_office up; }
tap_exists() { ns hub ip link show tap_office >/dev/null 2>&1; }
