#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# A SoftEther site moves over: the vpn_server.config that SoftEther 5.01 wrote
# (tests/data/migrate, made by make-softether-config.sh) runs as it is, plus a
# Vpnhub folder for the state directory and a CRL file for hub MIGRATE.
#   - SoftEther's server certificate is kept: the client pins the fingerprint
#     of the certificate SoftEther made, and the hub prints the same one;
#   - the source-IP list (allow 10.199.1.2 at priority 5, deny 10.199.1.0/24
#     at 10, deny 10.199.2.0/24 at 20) admits c1 and refuses c2 before any
#     password work, with a reason code and a security-log line;
#   - alice's expiry (SoftEther: 2031-12-31 23:59:59 UTC, stored minus 9 h)
#     holds at the millisecond, under the hub's explicit --test-clock;
#   - certificate users: AuthType 2 (registered certificate, key under a
#     passphrase), AuthType 3 (trusted CA, CN and serial); refused: revoked by
#     SoftEther's CrlList and by the CRL file, an untrusted CA, another CN;
#   - the hub message reaches the client; the start-up report is ranked;
#   - the console shows every hub option with its effect, every access list
#     condition, and edits the source-IP list; a reload ends the session a new
#     deny rule covers, and a new CRL ends the session of a revoked certificate.
#
#   c1 10.199.1.2 (admitted) --TLS:5555-- [hub MIGRATE] --TLS:5555-- c2 10.199.2.2 (denied)
set -u
cd "$(dirname "$0")/../.." && source tests/e2e/lib.sh
trap topo_down EXIT
DATA=tests/data/migrate
CFG=$WORK/SoftHUB.cfg
CLOCK=$WORK/clock
SOCK=$WORK/admin.sock
VPNHUBCTL=${VPNHUBCTL:-$BUILD/vpnhubctl}
EXPIRE_MS=1956527999000 # 2031-12-31T23:59:59Z = SoftEther's ExpireTime 1956495599000 + 9 h
ctl() { "$VPNHUBCTL" -s "$SOCK" --hub MIGRATE "$@"; }

topo_up 2
mkdir -p "$WORK/state"
cp "$DATA"/*.pem "$DATA/user2.pass" "$WORK/"
cp "$DATA"/*.key "$WORK/" && chmod 600 "$WORK"/*.key
# the SoftEther file, plus root/Vpnhub and VirtualHUB/MIGRATE/Vpnhub
python3 - "$DATA/vpn_server.config" "$CFG" "$WORK" <<'PY'
import sys
src = open(sys.argv[1], "rb").read().decode("utf-8")
cfg, work = sys.argv[2], sys.argv[3]
vpnhub = ("\tdeclare Vpnhub\r\n\t{\r\n\t\tuint KeepAlive 2\r\n\t\tuint Timeout 8\r\n"
          "\t\tstring StateDir %s/state\r\n\t\tstring AdminSocket %s/admin.sock\r\n\t}\r\n"
          % (work, work))
src = src.replace("declare root\r\n{\r\n", "declare root\r\n{\r\n" + vpnhub, 1)
hubv = "\t\t\tdeclare Vpnhub\r\n\t\t\t{\r\n\t\t\t\tstring CrlFile crl.pem\r\n\t\t\t}\r\n"
src = src.replace("\r\n\t\t\tdeclare Traffic\r\n", "\r\n" + hubv + "\t\t\tdeclare Traffic\r\n", 1)
open(cfg, "wb").write(src.encode("utf-8"))
PY
chmod 640 "$CFG"
echo $((EXPIRE_MS - 1)) >"$CLOCK"
sha_before=$(sha256sum "$CFG")

# ---- start-up report and the SoftEther certificate
ip netns exec "$P-hub" "$VPNHUB" -c "$CFG" --check-config -v >"$WORK/check-v.out" 2>&1
ip netns exec "$P-hub" "$VPNHUB" -c "$CFG" --check-config >"$WORK/check.out" 2>&1
mkdir -p "$WORK/state"
ip netns exec "$P-hub" "$VPNHUB" -c "$CFG" --test-clock "$CLOCK" >>"$WORK/hub.log" 2>&1 &
HUB_PID=$!
wait_for "hub listening" 10 grep -q "ready" "$WORK/hub.log"
FINGERPRINT=$(sed -n 's/.*fingerprint: \([0-9A-F:]*\).*/\1/p' "$WORK/hub.log" | tail -1)
assert "the hub uses SoftEther's certificate: the fingerprint SoftEther's one has" \
	test "$FINGERPRINT" = "$(cat "$DATA/server-fingerprint.txt")"
report() { grep -E "NOT APPLIED|not applied|inert" "$WORK/hub.log"; }
# the first report: up to the first "inert:" line
sed -n '/start-up report:/,/inert: /p' "$WORK/hub.log" | sed 's/^.*\]: //' >"$WORK/report.txt"
assert "start-up report: a summary line with the counts" \
	grep -Eq "start-up report: [1-9][0-9]* security or access item\(s\) to act on" "$WORK/report.txt"
assert "start-up report: security/access lines come first, each with what to do" bash -c \
	"sed -n 2p '$WORK/report.txt' | grep -q '^warning: SECURITY/ACCESS: .*; do: '"
assert "start-up report: then behaviour changes, each with what to do" bash -c \
	"grep -v SECURITY/ACCESS '$WORK/report.txt' | sed -n 2p | grep -q '^behaviour: .*; do: '"
assert "start-up report: no security line after a behaviour line" bash -c \
	"awk '/^behaviour: /{b=1} /SECURITY\/ACCESS/{if (b) exit 1}' '$WORK/report.txt'"
assert "start-up report: inert items are one counted line" bash -c \
	"[ \$(grep -c 'inert: [0-9]* item(s) stored without effect' '$WORK/report.txt') -eq 1 ] && ! grep -q 'inert: item ' '$WORK/report.txt'"
assert "start-up report: no line twice" bash -c "[ -z \"\$(sort '$WORK/report.txt' | uniq -d)\" ]"
assert "start-up report: the SoftEther password hashes are security items" \
	grep -q "SECURITY/ACCESS: hub MIGRATE: user alice has only SoftEther's password hash" "$WORK/report.txt"
assert "start-up report: SoftEther's defaults (AdminOption all 0) are inert, not warned about" \
	bash -c "! grep -q 'AdminOption' '$WORK/report.txt'"
assert "--check-config -v lists the inert items one by one" bash -c \
	"[ \$(grep -c 'inert: ' '$WORK/check-v.out') -gt 20 ] && grep -q 'inert: .*ConfigRevision' '$WORK/check-v.out'"
assert "certificate users are not reported as unusable" bash -c "! grep -q 'AuthType [23]' '$WORK/hub.log'"

# ---- source-IP list, hub message, password login from SoftEther's hash
client_profile 1 MIGRATE alice alicepw "reconnect = no"
client_profile 2 MIGRATE bob bobpw "reconnect = no"
start_client 1
assert "alice from 10.199.1.2 (allowed single host, priority 5) logs in" wait_connected 1
assert "the hub message reaches the client (UTF-8 kept)" wait_for "message" 5 \
	grep -q "| Welcome to MIGRATE — café\." "$WORK/c1.log"
assert "the hub message keeps its second line" grep -q "| Second line\." "$WORK/c1.log"
timeout 20 ip netns exec "$P-c2" "$VPNCLIENT" connect "$WORK/c2.conf" >"$WORK/c2.out" 2>&1
assert "bob from 10.199.2.2 (denied network, priority 20) is refused with the reason" \
	grep -q "source address list does not admit this address" "$WORK/c2.out"
SEC=$WORK/state/log/MIGRATE/security.log
assert "the refusal is in the security log with the deciding entry" wait_for "sec" 5 \
	grep -q "10.199.2.2.*source address denied by IPAccessControlList entry Acl3 (priority 20" "$SEC"
assert "no password work was done for bob (refused before the challenge)" \
	bash -c "! grep -q 'bob.*wrong password' '$WORK/hub.log'"

# ---- expiry at the boundary (SoftEther's offset read correctly)
stop_client_1() { kill "${CLIENT_PID[1]}"; wait "${CLIENT_PID[1]}" 2>/dev/null; unset "CLIENT_PID[1]"; }
stop_client_1
ctl user show alice >"$WORK/alice.out" 2>&1
assert "user show prints the expiry SoftEther shows (23:59:59 UTC, not 14:59:59)" \
	grep -q "expire: 2031-12-31T23:59:59Z" "$WORK/alice.out"
echo $EXPIRE_MS >"$CLOCK"
timeout 20 ip netns exec "$P-c1" "$VPNCLIENT" connect "$WORK/c1.conf" >"$WORK/expired.out" 2>&1
assert "at 23:59:59.000 alice's account has expired" grep -q "the user account has expired" "$WORK/expired.out"
echo $((EXPIRE_MS - 1)) >"$CLOCK"
start_client 1
assert "at 23:59:58.999 alice still logs in" wait_connected 1
stop_client_1

# ---- certificate users (the client pins SoftEther's certificate)
# cert_login NAME USER CERT KEY [extra lines]: one attempt from c1, output in $WORK/NAME.out
cert_login() {
	local name=$1 user=$2 cert=$3 key=$4; shift 4
	client_profile 1 MIGRATE "$user" unused "reconnect = no" "cert = $WORK/$cert" \
		"key = $WORK/$key" "$@"
	sed -i '/^password = /d' "$WORK/c1.conf"
	timeout 10 ip netns exec "$P-c1" "$VPNCLIENT" connect "$WORK/c1.conf" >"$WORK/$name.out" 2>&1
}
cert_login_bg() {
	local user=$1 cert=$2 key=$3; shift 3
	client_profile 1 MIGRATE "$user" unused "cert = $WORK/$cert" "key = $WORK/$key" "$@"
	sed -i '/^password = /d' "$WORK/c1.conf"
	: >"$WORK/c1.log"
	start_client 1
}
cert_login_bg certuser user2.pem user2.key "key_passphrase_file = $WORK/user2.pass"
assert "AuthType 2: the registered certificate logs in (key under a passphrase)" wait_connected 1
stop_client_1
cert_login wrongpass certuser user2.pem user2.key "key_passphrase_file = $WORK/c2.conf"
assert "a wrong key passphrase is a clear local error" grep -q "wrong passphrase" "$WORK/wrongpass.out"
cert_login notreg certuser causer.pem causer.key
assert "AuthType 2: another certificate is refused" grep -q "certificate not accepted" "$WORK/notreg.out"
cert_login_bg causer causer.pem causer.key
assert "AuthType 3: a certificate of the trusted CA with the right CN and serial logs in" wait_connected 1
stop_client_1
cert_login rogue causer rogue.pem rogue.key
assert "AuthType 3: same CN and serial from an untrusted CA is refused" grep -q "certificate not accepted" "$WORK/rogue.out"
assert "the hub logs why" grep -q "causer.*does not chain to a trusted CA" "$WORK/hub.log"
cert_login mallory causer mallory.pem mallory.key
assert "AuthType 3: a trusted certificate with another CN is refused" grep -q "certificate not accepted" "$WORK/mallory.out"
cert_login revoked revoked revoked.pem revoked.key
assert "AuthType 3: a revoked certificate is refused" grep -q "certificate not accepted" "$WORK/revoked.out"
assert "the hub names the revocation" grep -q "revoked.*certificate is revoked" "$WORK/hub.log"
client_profile 1 MIGRATE causer anything "reconnect = no"
timeout 10 ip netns exec "$P-c1" "$VPNCLIENT" connect "$WORK/c1.conf" >"$WORK/causerpw.out" 2>&1
assert "a certificate user cannot log in with a password" grep -q "refused" "$WORK/causerpw.out"

# ---- console: hub show, access list, source-IP list, certificate users
ctl hub show >"$WORK/hubshow.out" 2>&1
assert "hub show: MaxSession with its effect" grep -Eq "MaxSession +20 +applied" "$WORK/hubshow.out"
assert "hub show: NoEnum with its effect" grep -Eq "NoEnum +true +applied" "$WORK/hubshow.out"
assert "hub show: FilterOSPF applied" grep -Eq "FilterOSPF +true +applied" "$WORK/hubshow.out"
assert "hub show: an option stored only" grep -Eq "AdjustTcpMssValue +0 +stored only" "$WORK/hubshow.out"
assert "hub show: the message" grep -q "Welcome to MIGRATE" "$WORK/hubshow.out"
ctl access list >"$WORK/access.out" 2>&1
assert "access list shows the source MAC condition" grep -qi "src_mac=02-00-5e-00-00-99/ff-ff-ff-ff-ff-ff" "$WORK/access.out"
# (vpncmd's /TCPSTATE:unestablished was stored by SoftEther 5.01 as Established true)
assert "access list shows the TCP state condition" grep -q "tcp_state=established" "$WORK/access.out"
ctl ac list >"$WORK/ac.out" 2>&1
assert "ac list shows SoftEther's entries in priority order" bash -c \
	"grep -E '^ *[0-9]' '$WORK/ac.out' | awk '{print \$2}' | tr '\n' ' ' | grep -q '^5 10 20 30 '"
sha_after_logins=$(sha256sum "$CFG")
assert "the hub never rewrote the SoftEther file (start, logins, refusals)" test "$sha_after_logins" = "$sha_before"
assert "user add --cn makes an AuthType 3 user" ctl user add carol --cn carol --serial 1003
ctl user show carol >"$WORK/carol.out" 2>&1
assert "user show tells what an AuthType 3 user must match" \
	grep -q "auth: signed by a trusted CA (AuthType 3), common name carol, serial 1003" "$WORK/carol.out"
assert "user set --cert makes bob an AuthType 2 user (his password hash goes)" \
	ctl user set bob --cert "@$WORK/user2.pem"
ctl user show bob >"$WORK/bob.out" 2>&1
assert "user show tells the method" grep -q "auth: certificate (AuthType 2)" "$WORK/bob.out"
assert "bob's SoftEther password hash is gone from the file" bash -c \
	"! sed -n '/declare bob/,/declare Traffic/p' '$CFG' | grep -q AuthPassword"

# ---- reload: a new deny rule ends the session it covers; a new CRL ends a revoked one
cert_login_bg causer causer.pem causer.key
wait_connected 1
# a CRL revoking causer's certificate (serial 0x1003), signed by the test CA
mkdir -p "$WORK/ca" && : >"$WORK/ca/index.txt" && echo 2000 >"$WORK/ca/crlnumber"
printf '[ca]\ndefault_ca=t\n[t]\ndatabase=%s/ca/index.txt\ncrlnumber=%s/ca/crlnumber\ncertificate=%s/ca.pem\nprivate_key=%s/ca.key\ndefault_md=sha256\ndefault_crl_days=30\n' \
	"$WORK" "$WORK" "$WORK" "$WORK" >"$WORK/ca/ca.cnf"
openssl ca -config "$WORK/ca/ca.cnf" -revoke "$WORK/revoked.pem" >/dev/null 2>&1
openssl ca -config "$WORK/ca/ca.cnf" -revoke "$WORK/causer.pem" >/dev/null 2>&1
openssl ca -config "$WORK/ca/ca.cnf" -gencrl -out "$WORK/crl.pem" >/dev/null 2>&1
kill -HUP "$HUB_PID"
assert "a reload with a CRL revoking causer ends causer's session" wait_for "revoked" 10 \
	grep -q "causer@MIGRATE) ends: .*revoked" "$WORK/hub.log"
assert "causer's client cannot log in again" wait_for "refused" 10 \
	grep -q "certificate not accepted" "$WORK/c1.log"
stop_client_1
client_profile 1 MIGRATE alice alicepw
start_client 1
wait_connected 1 2
assert "ac add deny through the console" ctl ac add deny 10.199.1.2 --priority 1
assert "the new deny rule ends alice's session from 10.199.1.2" wait_for "denied" 10 \
	grep -q "alice@MIGRATE) ends: the hub's source address list does not admit this address" "$WORK/hub.log"
assert "alice is told why" wait_for "told" 10 grep -q "source address list does not admit" "$WORK/c1.log"
ctl ac list >"$WORK/ac2.out" 2>&1
assert "ac list shows the new entry first" bash -c "grep -E '^ *[0-9]' '$WORK/ac2.out' | head -1 | grep -Eq '^ *5 +1 +deny +10.199.1.2'"
assert "ac delete removes it" ctl ac delete 5
finish
