#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The admin console and vpnhubctl against a running hub: kick a client (it
# reconnects), add a user and log in with it, a policy (Access=false) ends and
# refuses that user, every change is in SoftHUB.cfg (comments and unknown
# items kept) and the file still loads, a wrong password on the TCP console
# is refused and logged, a hub administrator manages only its hub, garbage
# and overlong lines and telnet negotiation are survived, a client that does
# not read its answers is cut off, and 128 console
# clients (plus one refused, and abrupt disconnects) do not disturb forwarding.
#
#   c1 (alice) --TLS-- [hub DEFAULT] --TLS-- c2 (bob)      c3: erin, added by vpnhubctl
set -u
cd "$(dirname "$0")/../.." && source tests/e2e/lib.sh
trap topo_down EXIT
VPNHUBCTL=${VPNHUBCTL:-$BUILD/vpnhubctl}
CFG=$WORK/SoftHUB.cfg
SOCK=$WORK/admin.sock
ctl() { "$VPNHUBCTL" -s "$SOCK" "$@"; }
# tcp_console LINES...: the lines sent raw to the loopback TCP console, every answer printed
tcp_console() {
	ns hub python3 - "$@" <<'PY'
import os, socket, sys
s = socket.create_connection(("127.0.0.1", 7777), timeout=20)
s.sendall(b"".join(os.fsencode(a) + b"\n" for a in sys.argv[1:]) + b"quit\n")
out = b""
while True:
    d = s.recv(65536)
    if not d:
        break
    out += d
sys.stdout.write(out.decode("latin-1"))
PY
}
session_id() { ctl session list --json | python3 -c "
import json, sys
print([s['id'] for s in json.load(sys.stdin) if s['user'] == '$1'][0])"; }
config_ok() { ns hub "$VPNHUB" -c "$CFG" --check-config; }

hub_conf "$CFG" "string AdminSocket $SOCK" "uint AdminPort 7777" "uint FutureItem 42"
sed -i 's/^\tdeclare Vpnhub$/\t# kept: a comment written by hand\n&/' "$CFG"
two_clients 3
assert "alice and bob talk" ping_ok c1 10.77.0.2
assert "the console socket has mode 0660" test "$(stat -c %a "$SOCK")" = 660
assert "vpnhubctl sessions lists both clients" bash -c \
	"$VPNHUBCTL -s $SOCK sessions | grep -q 'user=alice' && $VPNHUBCTL -s $SOCK sessions | grep -q 'user=bob'"

ALICE=$(session_id alice)
assert "session kick disconnects alice" ctl session kick "$ALICE"
assert "alice is told an administrator disconnected her" wait_for "kicked" 10 \
	grep -q "disconnected by an administrator" "$WORK/c1.log"
assert "alice reconnects (her profile reconnects)" wait_connected 1 2
assert "alice and bob talk again" ping_ok c1 10.77.0.2
refute "kicking a session that does not exist is an error" ctl session kick 999999

assert "user add through vpnhubctl" ctl user add erin --realname "Erin E" --note "added by t_admin"
assert "user passwd reads the password from stdin" bash -c "echo erin-pw | $VPNHUBCTL -s $SOCK user passwd erin"
assert "a password that starts with -- is a password" bash -c \
	"echo --carol-pw | $VPNHUBCTL -s $SOCK user passwd carol"
client_profile 3 DEFAULT erin erin-pw
start_client 3
assert "erin logs in with the new account" wait_connected 3
assert "erin reaches alice" ping_ok c3 10.77.0.1
assert "SoftHUB.cfg holds erin with a salted verifier" bash -c \
	"grep -A12 'declare erin' '$CFG' | grep -q AuthVerifierStoredKey"
assert "the hand-written comment and the unknown item are kept" bash -c \
	"grep -q '# kept: a comment written by hand' '$CFG' && grep -q 'uint FutureItem 42' '$CFG'"
assert "the file still loads after the change" config_ok

assert "policy set Access=false for erin" ctl policy set user erin Access false
assert "erin's session ends at once" wait_for "erin denied" 10 \
	grep -q "erin@DEFAULT) ends: access denied" "$WORK/hub.log"
assert "erin cannot log in again" wait_for "erin refused" 15 \
	grep -q "refused the connection: access denied" "$WORK/c3.log"
assert "policy show reports Access false" bash -c "$VPNHUBCTL -s $SOCK policy show user erin | grep -q 'Access: false'"
assert "the policy is in SoftHUB.cfg and the file loads" bash -c \
	"grep -A60 'declare erin' '$CFG' | grep -q 'bool Access false' && $VPNHUB -c '$CFG' --check-config"
assert "alice and bob were not disturbed" ping_ok c1 10.77.0.2
refute "a bad policy value is refused" ctl policy set user erin MaxUpload lots
refute "an unknown user is refused" ctl user set nobody --note x

assert "group add, user set --group, access add, log set" bash -c \
	"$VPNHUBCTL -s $SOCK group add staff && $VPNHUBCTL -s $SOCK user set bob --group staff &&
	 $VPNHUBCTL -s $SOCK access add discard --protocol tcp --dst-port 22 &&
	 $VPNHUBCTL -s $SOCK log set SaveSecurityLog true"
assert "the file reflects them and loads" bash -c \
	"grep -q 'declare staff' '$CFG' && grep -q 'string GroupName staff' '$CFG' &&
	 grep -q 'uint DestPortStart 22' '$CFG' && grep -q 'bool SaveSecurityLog true' '$CFG' &&
	 $VPNHUB -c '$CFG' --check-config"
assert "listing commands answer JSON" bash -c \
	"for c in 'user list' 'group list' 'session list' 'mac table' 'access list' 'hub list' status stats 'listener list'; do
	   $VPNHUBCTL -s $SOCK --json \$c | python3 -c 'import json,sys; json.load(sys.stdin)' || exit 1; done"
assert "the MAC table names the sessions' addresses" bash -c \
	"$VPNHUBCTL -s $SOCK mac table | grep -q 'session=$(session_id bob)'"
assert "the IP table names alice's address and session" bash -c \
	"$VPNHUBCTL -s $SOCK ip table | grep -q 'ip=10.77.0.1 session=$(session_id alice)'"
assert "policy set FilterIPv4 for bob, live" ctl policy set user bob FilterIPv4 true
refute "bob's IPv4 is filtered at once" ping_ok c1 10.77.0.2 2
assert "bob's IPv6 still flows" ping_ok c1 fd77::2
assert "stats counts the drops by reason" bash -c "$VPNHUBCTL -s $SOCK stats | grep -q 'FilterIPv4: [1-9]'"
assert "session show counts bob's drops" bash -c \
	"$VPNHUBCTL -s $SOCK --json session show $(session_id bob) | grep -q '\"FilterIPv4\":[1-9]'"
assert "policy set FilterIPv4 false" ctl policy set user bob FilterIPv4 false
assert "bob's IPv4 flows again" ping_ok c1 10.77.0.2
ACL=$(ctl access add discard --protocol icmp --dst-ip 10.77.0.2/32 | sed -n 's/.*entry \([0-9]*\) added.*/\1/p')
assert "access add: discard ICMP to bob (entry $ACL)" test -n "$ACL"
refute "the access list discards alice's ping to bob at once" ping_ok c1 10.77.0.2 2
assert "access list counts the entry's discards" bash -c \
	"$VPNHUBCTL -s $SOCK access list | grep '^id=$ACL ' | grep -q 'discards=[1-9]'"
assert "access disable" ctl access disable "$ACL"
assert "the ping goes through again" ping_ok c1 10.77.0.2
assert "the entry is inactive in the file" bash -c "grep -A8 -P 'declare $ACL\r?\$' '$CFG' | grep -q 'bool Active false'"
assert "access delete removes the entry from the file" bash -c \
	"$VPNHUBCTL -s $SOCK access delete $ACL && ! grep -q -P 'declare $ACL\r?\$' '$CFG' && $VPNHUB -c '$CFG' --check-config"
cp "$CFG" "$WORK/before-refused.cfg"
refute "deleting the last hubs is refused (the file would not load)" bash -c \
	"$VPNHUBCTL -s $SOCK hub delete OTHER && $VPNHUBCTL -s $SOCK hub delete DEFAULT"
assert "hub OTHER was deleted, DEFAULT stays" bash -c \
	"! grep -q 'declare OTHER' '$CFG' && grep -q 'declare DEFAULT' '$CFG'"
assert "hub create brings a new hub" bash -c \
	"$VPNHUBCTL -s $SOCK hub create OTHER && $VPNHUBCTL -s $SOCK hub list | grep -q name=OTHER"

assert "hub password sets the hub administrator's password" bash -c \
	"echo hub-admin-pw | $VPNHUBCTL -s $SOCK -H DEFAULT hub password"
echo wrong-pw >"$WORK/wrong.pw"
echo hub-admin-pw >"$WORK/right.pw"
refute "a wrong password is refused on the TCP console" ns hub "$VPNHUBCTL" -t 127.0.0.1:7777 \
	-p "$WORK/wrong.pw" -H DEFAULT -A status
assert "the failure is logged" grep -q "failed login as administrator of hub DEFAULT from tcp 127.0.0.1" \
	"$WORK/hub.log"
assert "the hub administrator logs in over TCP" ns hub "$VPNHUBCTL" -t 127.0.0.1:7777 \
	-p "$WORK/right.pw" -H DEFAULT -A session list
OUT=$(tcp_console "status" "login DEFAULT hub-admin-pw" "hub select OTHER" "config save" \
	$'\xff\xfb\x01\xff\xfd\x03user list' "$(head -c 5000 /dev/zero | tr '\0' x)" \
	$'garbage \x01\x02' 'user add "unterminated' "hub list")
echo "$OUT" >"$WORK/tcp-console.out"
assert "before login, commands are refused" grep -q "^error: not logged in" "$WORK/tcp-console.out"
assert "a hub administrator cannot select another hub" \
	grep -q "^error: a hub administrator manages only hub DEFAULT" "$WORK/tcp-console.out"
assert "a hub administrator cannot save the server configuration" \
	grep -q "^error: only the server administrator may do this" "$WORK/tcp-console.out"
assert "telnet negotiation is ignored" grep -q "^name=alice" "$WORK/tcp-console.out"
assert "an overlong line is refused and the console goes on" \
	grep -q "^error: line too long" "$WORK/tcp-console.out"
assert "control bytes and bad quoting get clear errors" bash -c \
	"grep -q '^error: control byte 0x01' '$WORK/tcp-console.out' &&
	 grep -q '^error: unterminated' '$WORK/tcp-console.out'"
assert "the hub administrator sees only its hub" bash -c \
	"grep -q '^name=DEFAULT' '$WORK/tcp-console.out' && ! grep -q '^name=OTHER' '$WORK/tcp-console.out'"

assert "vpnhubctl without a command reads commands (interactive mode)" bash -c \
	"printf 'hub list\nstatus\nquit\n' | $VPNHUBCTL -s $SOCK | grep -q uptime_s"

# a console client that sends commands and never reads its answers is cut off
python3 - "$SOCK" >"$WORK/slow.out" 2>&1 <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.settimeout(60)
try:
    for i in range(200000):
        s.sendall(b"help\n")
except OSError as e:
    print("cut off:", e.__class__.__name__, flush=True)
PY
SLOW=$!
assert "the console answers others while one client does not read" ctl status
assert "the client that does not read is disconnected" wait_for "slow client cut" 60 \
	grep -q "disconnected: it does not read its answers" "$WORK/hub.log"
wait "$SLOW"
assert "forwarding was not disturbed" ping_ok c1 10.77.0.2

# 128 console clients (the bound) plus one refused; half of them vanish abruptly mid-command
python3 - "$SOCK" "$WORK" >"$WORK/many.out" 2>&1 <<'PY' &
import os, socket, struct, sys, time
path, work = sys.argv[1], sys.argv[2]
def read_answer(s):
    buf = b""
    while not buf.endswith(b"\n.\n"):
        d = s.recv(65536)
        if not d:
            raise EOFError("closed")
        buf += d
    return buf
clients = []
for i in range(128):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(30)
    s.connect(path)
    read_answer(s)
    clients.append(s)
extra = socket.socket(socket.AF_UNIX)
extra.settimeout(30)
extra.connect(path)
print("129th:", extra.recv(200).decode().splitlines()[0], flush=True)
for s in clients:
    s.sendall(b"session list\nstats --json\n")
ok = sum(1 for s in clients if read_answer(s).startswith(b"ok"))
print("answered:", ok, flush=True)
open(work + "/many.ready", "w").close()
deadline = time.time() + 60
while not os.path.exists(work + "/many.done") and time.time() < deadline:
    for s in clients[:8]:
        s.sendall(b"status\n")
        read_answer(s)
    time.sleep(0.05)
for i, s in enumerate(clients):
    if i % 2:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.sendall(b"mac table\n")
    s.close()
print("done", flush=True)
PY
MANY=$!
assert "128 console clients connect and are answered" wait_for "clients" 60 test -e "$WORK/many.ready"
assert "forwarding goes on while they are connected" ping_ok c1 10.77.0.2 10
touch "$WORK/many.done"
wait "$MANY"
assert "all 128 were answered" grep -q "^answered: 128" "$WORK/many.out"
assert "the 129th console client is refused politely" \
	grep -q "^129th: error: too many console clients" "$WORK/many.out"
assert "the console still answers after abrupt disconnects" wait_for "console back" 10 ctl status
assert "config reload through the console" ctl config reload
assert "log reopen through the console" ctl log reopen
assert "alice and bob still talk" ping_ok c1 10.77.0.2
assert "the security log turned on through the console" ctl log set SaveSecurityLog true
assert "session kick disconnects bob" ctl session kick "$(session_id bob)"
assert "the kick is in the hub's security log" wait_for "security log" 10 \
	grep -rq "kicked by the administrator" "$WORK/state/log/DEFAULT/"
assert "the final file loads" config_ok
finish
