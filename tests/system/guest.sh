#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/system, inside the Debian 12 guest (systemd is PID 1; started by
# systemtest.service once multi-user.target is reached).  DATA holds
# debs-N/ and debs-N1/ (the .debs of version N and N+1).  Prints
# "ok - ..." / "not ok - ..." and "# ..." lines (the transcript: each
# systemctl command and the states it led to).  Traffic stays inside the
# guest: loopback and a namespace made here (veth 10.200.0.0/24).
#
#   root ns: vpnhub.service on *:5555, vpnclient@office (alice, vpn0 10.77.0.1)
#   ns sysT-peer: vpnclient (bob, TAP, vpn0 10.77.0.2) --veth-- 10.200.0.1:5555
set -u
DATA=$1
NS=sysT-peer
export SYSTEMD_PAGER= LC_ALL=C.UTF-8 DEBIAN_FRONTEND=noninteractive
fails=0
ok() { echo "ok - $*"; }
notok() { echo "not ok - $*"; fails=$((fails + 1)); }
note() { echo "# $*"; }
# section TITLE: a transcript header with the guest's uptime (where TCG spends its time)
section() { echo "# --- $* (t=$(cut -d' ' -f1 /proc/uptime) s)"; }
# check DESCRIPTION COMMAND...: one result line
check() {
	local what=$1
	shift
	if "$@" >/dev/null 2>&1; then ok "$what"; else notok "$what"; fi
}
# wait_for SECONDS COMMAND...: retries COMMAND every half second for SECONDS
# of wall time (TCG is slow: the bounds are generous and never a measurement)
wait_for() {
	local end=$((SECONDS + $1))
	shift
	while ! "$@" >/dev/null 2>&1; do
		[ "$SECONDS" -lt "$end" ] || return 1
		sleep 0.5
	done
}
# run COMMAND...: runs it and writes it with its exit status to the transcript
run() {
	local rc=0
	"$@" >/tmp/run.out 2>&1 || rc=$?
	note "\$ $* -> exit $rc"
	sed 's/^/#   /' /tmp/run.out | head -n 20
	return $rc
}
# state UNIT: one transcript line with the unit's states
state() {
	note "  $1: $(systemctl show -p ActiveState,SubState,Result,MainPID,NRestarts "$1" | tr '\n' ' ')"
}
prop() { systemctl show -p "$2" --value "$1"; }
is_state() { [ "$(prop "$1" ActiveState)/$(prop "$1" SubState)" = "$2" ]; }
in_journal() { journalctl -q -u "$1" --no-pager -o cat | grep -q -- "$2"; }
# since CURSOR_FILE UNIT PATTERN: PATTERN logged by UNIT after the cursor
in_journal_since() {
	journalctl -q -u "$2" --no-pager -o cat --after-cursor="$(cat "$1")" | grep -q -- "$3"
}
cursor() { journalctl -q -n 0 --show-cursor | sed -n 's/^-- cursor: //p' >"$1"; }
main_pid() { prop vpnhub MainPID; }

note "kernel $(uname -r), $(systemctl --version | head -n 1)"
check "systemd is PID 1" test "$(cat /proc/1/comm)" = systemd

# --- install version N
section "install version N"
mkdir -p /tmp/debs && cp "$DATA"/debs-N/*.deb /tmp/debs/
cursor /tmp/c0
run dpkg -i /tmp/debs/vpnhub_*.deb /tmp/debs/vpnclient_*.deb
section "dpkg -i vpnlan-dkms: dkms builds vpnlan.ko in the guest"
run dpkg -i /tmp/debs/vpnlan-dkms_*.deb
section "installed"
check "dpkg -i vpnhub vpnclient vpnlan-dkms (version N)" \
	bash -c "dpkg-query -W -f='\${Status}\n' vpnhub vpnclient vpnlan-dkms | grep -vc 'install ok installed' | grep -qx 0"
note "installed: $(dpkg-query -W -f='${Package} ${Version}, ' vpnhub vpnclient vpnlan-dkms)"
check "sysusers: accounts vpnhub and vpnclient exist" bash -c "getent passwd vpnhub && getent passwd vpnclient"
check "/etc/vpnhub/SoftHUB.cfg is the sample, 0660 root:vpnhub" bash -c \
	"cmp /etc/vpnhub/SoftHUB.cfg /usr/share/vpnhub/SoftHUB.cfg && [ \"\$(stat -c '%a %U:%G' /etc/vpnhub/SoftHUB.cfg)\" = '660 root:vpnhub' ]"
run dkms status
if modinfo vpnlan >/dev/null 2>&1; then
	ok "dkms built vpnlan.ko for the guest kernel $(uname -r)"
else
	notok "dkms built vpnlan.ko for the guest kernel $(uname -r)"
fi

# --- first run: the hub was started by the package, with no user
section "first run: the hub was started by the package, with no user"
state vpnhub.service
check "vpnhub.service enabled by the package" test "$(systemctl is-enabled vpnhub)" = enabled
check "vpnhub.service active/running after install (Type=notify: READY=1 received)" \
	wait_for 60 is_state vpnhub active/running
check "Type=notify, NotifyAccess=main" test "$(prop vpnhub Type)/$(prop vpnhub NotifyAccess)" = notify/main
check "journal: the hub said it is ready" in_journal vpnhub "ready:"
check "journal: first run says the hub has no users and refuses every login" \
	in_journal vpnhub "hub DEFAULT has no users: every login is refused"
check "the hub listens on port 5555" bash -c "ss -Hltn | grep -q ':5555 '"
check "the hub runs as vpnhub" test "$(ps -o user= -p "$(main_pid)")" = vpnhub
fp=$(journalctl -q -u vpnhub -o cat | sed -n 's/.*fingerprint: //p' | tail -n 1)
note "hub fingerprint $fp"

# the office profile (alice) in the root namespace, backend auto
mkdir -p /etc/vpnclient
cat >/etc/vpnclient/office.conf <<EOF
server = 127.0.0.1:5555
hub = DEFAULT
user = alice
password = alice-pw
fingerprint = $fp
device = vpn0
address = 10.77.0.1/24
reconnect_min = 1
reconnect_max = 2
EOF
chmod 600 /etc/vpnclient/office.conf
run systemctl start vpnclient@office
wait_for 30 bash -c "[ \"\$(systemctl show -p ActiveState --value vpnclient@office)\" = failed ]"
state vpnclient@office.service
check "no user yet: vpnclient@office's login is refused (unit failed, exit 3, no restart)" \
	test "$(prop vpnclient@office ActiveState) $(prop vpnclient@office ExecMainStatus)" = "failed 3"
check "journal: the client says why (authentication failed)" in_journal vpnclient@office "authentication failed"
run systemctl reset-failed vpnclient@office

# --- a user through the admin console (as root, over /run/vpnhub/admin.sock)
section "a user through the admin console (as root, over /run/vpnhub/admin.sock)"
run vpnhubctl -H DEFAULT user add alice
run vpnhubctl -H DEFAULT user passwd alice alice-pw
check "vpnhubctl saved alice to SoftHUB.cfg" grep -q "declare alice" /etc/vpnhub/SoftHUB.cfg

# --- systemctl start vpnclient@office
section "systemctl start vpnclient@office"
cursor /tmp/c1
run systemctl start vpnclient@office
check "systemctl start vpnclient@office: active/running (READY=1)" wait_for 60 is_state vpnclient@office active/running
state vpnclient@office.service
check "journal: vpnclient@office connected to the hub" \
	wait_for 30 in_journal_since /tmp/c1 vpnclient@office "connected to hub DEFAULT"
backend=$(journalctl -q -u vpnclient@office -o cat --after-cursor="$(cat /tmp/c1)" |
	sed -n 's/.*interface vpn0 (\([a-z]*\) backend).*/\1/p' | tail -n 1)
note "vpnclient@office backend: ${backend:-unknown}; lsmod: $(lsmod | grep -c '^vpnlan ') vpnlan"
if modinfo vpnlan >/dev/null 2>&1; then
	check "vpnclient@office uses vpnlan.ko (loaded by modprobe@vpnlan.service)" \
		bash -c "[ '$backend' = vpnlan ] && lsmod | grep -q '^vpnlan '"
else
	check "vpnclient@office falls back to TAP (no vpnlan.ko)" test "$backend" = tap
fi

# --- the peer: bob, in a namespace, refused until a reload adds him
section "the peer: bob, in a namespace, refused until a reload adds him"
ip netns add "$NS"
ip link add sysT-h type veth peer name sysT-p
ip link set sysT-p netns "$NS"
ip addr add 10.200.0.1/24 dev sysT-h && ip link set sysT-h up
ip netns exec "$NS" ip addr add 10.200.0.2/24 dev sysT-p
ip netns exec "$NS" ip link set sysT-p up
ip netns exec "$NS" ip link set lo up
cat >/root/bob.conf <<EOF
server = 10.200.0.1:5555
hub = DEFAULT
user = bob
password = bob-pw
fingerprint = $fp
device = vpn0
backend = tap
address = 10.77.0.2/24
reconnect_min = 1
reconnect_max = 2
EOF
chmod 600 /root/bob.conf
rc=0
ip netns exec "$NS" timeout 60 /usr/sbin/vpnclient --foreground connect /root/bob.conf \
	>/tmp/bob0.log 2>&1 || rc=$?
check "before the reload: bob is refused (exit 3)" test "$rc" = 3

# --- systemctl reload vpnhub applies a config change: bob added to the file
section "systemctl reload vpnhub applies a config change: bob added to the file"
bob_items=$(printf 'bob-pw\n' | vpnhub --hash-password)
awk -v items="$bob_items" '
	{ print }
	/declare UserList/ { inlist = 1; next }
	inlist && /^[ \t]*\{/ {
		n = split(items, l, "\n")
		print "\t\t\t\t\tdeclare bob\n\t\t\t\t\t{"
		for (i = 1; i <= n; i++) print "\t\t\t\t\t\t" l[i]
		print "\t\t\t\t\t}"
		inlist = 0
	}' /etc/vpnhub/SoftHUB.cfg >/tmp/cfg.new && cat /tmp/cfg.new >/etc/vpnhub/SoftHUB.cfg
check "the edited file passes vpnhub --check-config" vpnhub --check-config -c /etc/vpnhub/SoftHUB.cfg
pid_before=$(main_pid)
cursor /tmp/c2
run systemctl reload vpnhub
state vpnhub.service
check "systemctl reload vpnhub: active/running, same MainPID" \
	bash -c "[ \"\$(systemctl show -p SubState --value vpnhub)\" = running ] && [ \"\$(systemctl show -p MainPID --value vpnhub)\" = $pid_before ]"
check "journal: reloaded" wait_for 30 in_journal_since /tmp/c2 vpnhub "reloaded /etc/vpnhub/SoftHUB.cfg"
run systemd-run --unit=sysT-peer --property=NetworkNamespacePath=/run/netns/$NS \
	--property=Type=notify /usr/sbin/vpnclient --foreground connect /root/bob.conf
check "after the reload: bob logs in (peer unit active/running)" wait_for 60 is_state sysT-peer active/running
check "vpnclient@office was not disturbed by the reload" is_state vpnclient@office active/running

# --- traffic across the hub
section "traffic across the hub"
check "ping vpn0 -> the peer's vpn0 across the hub" wait_for 60 ping -c 1 -W 2 10.77.0.2
run ping -c 5 -i 0.3 -W 3 10.77.0.2
check "5 pings, 0% loss" grep -q " 0% packet loss" /tmp/run.out

# --- the watchdog restarts a hub that hangs (SIGSTOP)
section "the watchdog restarts a hub that hangs (SIGSTOP)"
pid_before=$(main_pid)
restarts_before=$(prop vpnhub NRestarts)
cursor /tmp/c3
run kill -STOP "$pid_before"
note "vpnhub (pid $pid_before) stopped; WatchdogSec=$(prop vpnhub WatchdogUSec)"
check "watchdog: a new hub process is active/running" \
	wait_for 150 bash -c "[ \"\$(systemctl show -p MainPID --value vpnhub)\" != $pid_before ] && [ \"\$(systemctl show -p SubState --value vpnhub)\" = running ]"
state vpnhub.service
check "journal: systemd killed the hung hub for its watchdog (Result 'watchdog')" \
	wait_for 30 in_journal_since /tmp/c3 vpnhub "Failed with result 'watchdog'"
journalctl -q -u vpnhub -o cat --after-cursor="$(cat /tmp/c3)" |
	grep -i -e watchdog -e SIGABRT -e 'status=' -e 'Scheduled restart' | sed 's/^/#   /'

check "NRestarts went up" test "$(prop vpnhub NRestarts)" -gt "$restarts_before"
check "the old process is gone" bash -c "! kill -0 $pid_before"
check "the clients reconnect and traffic passes again" wait_for 90 ping -c 1 -W 2 10.77.0.2

# --- journalctl -u vpnhub
section "journalctl -u vpnhub"
n=$(journalctl -q -u vpnhub -o cat | wc -l)
note "journalctl -u vpnhub: $n lines; the last ones:"
journalctl -q -u vpnhub --no-pager -n 8 -o short-monotonic | sed 's/^/#   /'
check "journalctl -u vpnhub shows the hub's log (start, logins, reload)" bash -c \
	"journalctl -q -u vpnhub -o cat | grep -q 'ready:' && journalctl -q -u vpnhub -o cat | grep -q 'alice' && journalctl -q -u vpnhub -o cat | grep -q 'reloaded'"

# --- systemd-analyze security
section "systemd-analyze security"
for u in vpnhub.service vpnclient@office.service; do
	score=$(systemd-analyze security --no-pager "$u" 2>&1 | sed -n 's/.*Overall exposure level for [^:]*: //p')
	note "security: $u: ${score:-no score}"
	check "systemd-analyze security scores $u" test -n "$score"
done

# --- upgrade N -> N+1: configuration and state kept, the hub restarted
section "upgrade N -> N+1: configuration and state kept, the hub restarted"
cfg_sum=$(sha256sum /etc/vpnhub/SoftHUB.cfg)
cert_sum=$(cat /var/lib/vpnhub/*.crt 2>/dev/null | sha256sum)
pid_before=$(main_pid)
rm -f /tmp/debs/*.deb && cp "$DATA"/debs-N1/*.deb /tmp/debs/
cursor /tmp/c4
# vpnlan-dkms stays at N: its upgrade would only make dkms build the same
# module again, minutes under TCG
run dpkg -i /tmp/debs/vpnhub_*.deb /tmp/debs/vpnclient_*.deb
note "installed: $(dpkg-query -W -f='${Package} ${Version}, ' vpnhub vpnclient vpnlan-dkms)"
check "dpkg -i of version N+1 upgrades vpnhub and vpnclient" bash -c \
	"[ \"\$(dpkg-query -W -f='\${Version}' vpnhub)\" = \"\$(dpkg-deb -f /tmp/debs/vpnhub_*.deb Version)\" ]"
check "upgrade: SoftHUB.cfg kept byte for byte (alice and bob)" test "$(sha256sum /etc/vpnhub/SoftHUB.cfg)" = "$cfg_sum"
check "upgrade: the hub's state kept (certificate in /var/lib/vpnhub)" test "$(cat /var/lib/vpnhub/*.crt 2>/dev/null | sha256sum)" = "$cert_sum"
check "upgrade: vpnhub restarted (new MainPID, active/running)" \
	wait_for 60 bash -c "[ \"\$(systemctl show -p MainPID --value vpnhub)\" != $pid_before ] && [ \"\$(systemctl show -p SubState --value vpnhub)\" = running ]"
state vpnhub.service
check "upgrade: the restarted hub runs the new binary" bash -c \
	"[ \"\$(readlink /proc/\$(systemctl show -p MainPID --value vpnhub)/exe)\" = /usr/sbin/vpnhub ]"
check "upgrade: same fingerprint after the restart" in_journal_since /tmp/c4 vpnhub "fingerprint: $fp"
check "upgrade: the clients reconnect and traffic passes" wait_for 90 ping -c 1 -W 2 10.77.0.2

# --- systemctl stop ends both cleanly
section "systemctl stop ends both cleanly"
run systemctl stop sysT-peer
run systemctl stop vpnclient@office
state vpnclient@office.service
check "systemctl stop vpnclient@office: inactive/dead, Result=success" \
	test "$(prop vpnclient@office ActiveState)/$(prop vpnclient@office SubState)/$(prop vpnclient@office Result)" = inactive/dead/success
check "vpn0 is gone with the client" bash -c "! ip link show vpn0"
hub_pid=$(main_pid)
run systemctl stop vpnhub
state vpnhub.service
check "systemctl stop vpnhub: inactive/dead, Result=success" \
	test "$(prop vpnhub ActiveState)/$(prop vpnhub SubState)/$(prop vpnhub Result)" = inactive/dead/success
# by the hub's pid: a cursor taken before the stop missed this line (journald
# orders the hub's stream lines and systemd's own by arrival)
check "journal: the stopped hub logged SIGTERM: shutting down" \
	wait_for 30 bash -c "journalctl -q _PID=$hub_pid -o cat | grep -q 'SIGTERM: shutting down'"
journalctl -q -u vpnhub -o short-monotonic -n 8 | sed 's/^/#   /'
check "nothing listens on 5555 any more" bash -c "! ss -Hltn | grep -q ':5555 '"

# --- purge: state goes, an admin-changed configuration stays
section "purge: state goes, an admin-changed configuration stays"
run dpkg --purge vpnhub
check "purge: /var/lib/vpnhub and /var/log/vpnhub removed" bash -c "[ ! -e /var/lib/vpnhub ] && [ ! -e /var/log/vpnhub ]"
check "purge: the admin-changed SoftHUB.cfg stays" test "$(sha256sum /etc/vpnhub/SoftHUB.cfg 2>/dev/null)" = "$cfg_sum"
rm -f /etc/vpnhub/SoftHUB.cfg*
run dpkg -i /tmp/debs/vpnhub_*.deb
check "reinstall: the sample is installed again and the hub starts" wait_for 60 is_state vpnhub active/running
run dpkg --purge vpnhub
check "purge: an unchanged sample configuration is removed with /etc/vpnhub" test ! -e /etc/vpnhub

ip netns del "$NS"
section "end: $fails checks failed"
