#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# In the guest: vpnhub and two vpnclients with "backend = kmod" over an
# underlay of vpnlan interfaces (vpnlan-guest underlay); client 1 pings
# client 2 through the hub.  Prints "ok - ..." / "not ok - ..." lines.
d=/tmp/u
mkdir -p $d /tmp/state
export VPNCLIENT_RUNDIR=$d/run # control sockets (vpnclient(8))
/bin/vpnlan-guest underlay $d > $d/underlay.log 2>&1 &
under=$!
# wait_file FILE PATTERN TRIES: bounded wait for PATTERN in FILE (0.5 s a try)
wait_file() {
	n=0
	while [ $n -lt "$3" ]; do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.5
		n=$((n + 1))
	done
	return 1
}
pid_of() { cat $d/$1.pid; }
n=0
while [ ! -e $d/ready ] && [ $n -lt 60 ] && kill -0 $under 2>/dev/null; do
	sleep 0.5
	n=$((n + 1))
done
if [ ! -e $d/ready ]; then
	echo "not ok - vpnhub and vpnclient: the underlay of vpnlan interfaces comes up"
	sed 's/^/# /' $d/underlay.log
	kill $under 2>/dev/null
	wait $under
	exit 1
fi
# nsenter execs the daemon, so $! is the daemon's PID
nsenter -t "$(pid_of hub)" -n /bin/vpnhub -c /etc/vpn/SoftHUB.cfg > $d/hub.log 2>&1 &
hub=$!
wait_file $d/hub.log ready 120 || { echo "not ok - vpnhub starts in the guest"; cat $d/hub.log; }
fp=$(sed -n 's/.*fingerprint: //p' $d/hub.log | tail -n 1)
for i in 1 2; do
	cat > $d/c$i.conf <<EOC
server = 10.199.$i.1:5555
hub = DEFAULT
user = $( [ $i = 1 ] && echo alice || echo bob )
password = $( [ $i = 1 ] && echo alice-pw || echo bob-pw )
fingerprint = $fp
device = vpn0
backend = kmod
address = 10.88.0.$i/24
EOC
	chmod 600 $d/c$i.conf
	nsenter -t "$(pid_of c$i)" -n /bin/vpnclient connect $d/c$i.conf > $d/c$i.log 2>&1 &
	eval "client$i=\$!"
done
ok=1
for i in 1 2; do
	if ! wait_file $d/c$i.log "connected to hub" 120; then
		ok=0
		echo "# client $i log:"
		sed 's/^/# /' $d/c$i.log
	fi
done
if [ $ok = 1 ] && grep -q "(vpnlan backend)" $d/c1.log && grep -q "(vpnlan backend)" $d/c2.log; then
	echo "ok - vpnclient with backend = kmod creates its interface and connects to vpnhub"
else
	echo "not ok - vpnclient with backend = kmod creates its interface and connects to vpnhub"
fi
if nsenter -t "$(pid_of c1)" -n ping -q -c 3 -W 10 10.88.0.2 > $d/ping.log 2>&1; then
	echo "ok - ping between two vpnlan-backed clients through the hub"
else
	echo "not ok - ping between two vpnlan-backed clients through the hub"
	sed 's/^/# /' $d/ping.log
fi
kill $client1 $client2 $hub
wait $client1 $client2 $hub 2>/dev/null
kill $under
wait $under
