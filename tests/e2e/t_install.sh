#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Installation and service integration, without starting anything: no unit is
# ever started (the machine need not run systemd) and nothing outside the
# scratch directory is touched.
#
#   cmake --install $BUILD --prefix /usr, DESTDIR=$WORK/dest
#       -> the tree: binaries, units, sysusers.d, tmpfiles.d, man pages,
#          sample configurations (modes; an edited SoftHUB.cfg survives a
#          second install)
#   $WORK/root = copy of dest + the host's units (targets) + /bin/kill
#       -> systemd-sysusers/systemd-tmpfiles --root apply vpnhub.conf and
#          vpnclient.conf
#       -> systemd-analyze verify --root: unit syntax, ExecStart/ExecReload
#          binaries, Documentation= man pages, all inside the installed tree
#       -> systemd-analyze security --offline: exposure printed as "# security:"
#   every installed man page through man -l and groff -man -ww -z
set -u
cd "$(dirname "$0")/../.." && source tests/e2e/lib.sh
trap 'rm -rf "$WORK"' EXIT
DEST=$WORK/dest
ROOT=$WORK/root

# mode_is PATH MODE: PATH (under $DEST) exists, belongs to root, has MODE.
mode_is() { [ "$(stat -c '%a %u' "$DEST/$1")" = "$2 0" ]; }

# same_as PATH SOURCE: the installed file is the source file.
same_as() { cmp "$DEST/$1" "$2"; }

install_tree() { DESTDIR=$DEST cmake --install "$BUILD" --prefix /usr; }

# quiet_ok OUT COMMAND...: COMMAND succeeds and prints nothing at all on
# stdout or stderr (systemd-analyze verify reports problems as warnings).
quiet_ok() {
	local out=$1; shift
	"$@" >"$out" 2>&1 && [ ! -s "$out" ] || { cat "$out"; return 1; }
}

# renders PAGE: man -l and groff -man -ww produce output and no warning.
renders() {
	local page=$1 err=$WORK/man.err
	MANWIDTH=80 man --warnings -l "$page" 2>"$err" | grep -q . && [ ! -s "$err" ] &&
		groff -man -ww -z "$page" 2>"$err" && [ ! -s "$err" ] || { cat "$err"; return 1; }
}

# --- (b) the installed tree
assert "cmake --install --prefix /usr into a DESTDIR" install_tree
for f in usr/sbin/vpnhub usr/sbin/vpnclient; do
	assert "$f installed, mode 755" mode_is "$f" 755
done
assert "the installed hub runs" "$DEST/usr/sbin/vpnhub" --version
for f in vpnhub.service vpnclient@.service; do
	assert "unit $f installed, mode 644, as written" \
		eval "mode_is usr/lib/systemd/system/$f 644 && same_as usr/lib/systemd/system/$f systemd/$f"
done
for d in vpnhub vpnclient; do
	assert "sysusers.d/$d.conf installed, mode 644" \
		eval "mode_is usr/lib/sysusers.d/$d.conf 644 && same_as usr/lib/sysusers.d/$d.conf systemd/$d.sysusers"
	assert "tmpfiles.d/$d.conf installed, mode 644" \
		eval "mode_is usr/lib/tmpfiles.d/$d.conf 644 && same_as usr/lib/tmpfiles.d/$d.conf systemd/$d.tmpfiles"
done
for src in man/*.[58]; do
	f=usr/share/man/man${src##*.}/$(basename "$src")
	assert "man page $f installed, mode 644" eval "mode_is $f 644 && same_as $f $src"
done
for f in man8/vpnhub.8 man8/vpnclient.8 man5/vpnclient.conf.5 man5/SoftHUB.cfg.5; do
	assert "man page $f present" test -f "$DEST/usr/share/man/$f"
done
assert "/etc/vpnhub: mode 770" mode_is etc/vpnhub 770
assert "/etc/vpnhub/SoftHUB.cfg: the sample, mode 660" \
	eval "mode_is etc/vpnhub/SoftHUB.cfg 660 && same_as etc/vpnhub/SoftHUB.cfg etc/SoftHUB.cfg"
assert "the installed SoftHUB.cfg passes --check-config" \
	"$DEST/usr/sbin/vpnhub" --check-config -c "$DEST/etc/vpnhub/SoftHUB.cfg"
assert "/etc/vpnclient: mode 750" mode_is etc/vpnclient 750
assert "/etc/vpnclient/example.conf.sample: the sample profile, mode 600" \
	eval "mode_is etc/vpnclient/example.conf.sample 600 && same_as etc/vpnclient/example.conf.sample etc/profile.conf"
refute "nothing installed is world-writable, nothing but /etc/vpnhub group-writable" \
	bash -c "find '$DEST' \\( -perm /002 -o -perm /020 ! -path '$DEST/etc/vpnhub*' \\) ! -type l | grep ."
refute "nothing lands in /usr/etc or /usr/local" \
	test -e "$DEST/usr/etc" -o -e "$DEST/usr/local"

echo "# local edit" >>"$DEST/etc/vpnhub/SoftHUB.cfg"
echo "# local edit" >>"$DEST/etc/vpnclient/example.conf.sample"
rm "$DEST/usr/lib/systemd/system/vpnhub.service"
install_tree >"$WORK/install2.out" 2>&1
assert "a second install succeeds and reinstalls the rest" \
	test -f "$DEST/usr/lib/systemd/system/vpnhub.service"
assert "a second install keeps the edited SoftHUB.cfg (and says so)" eval \
	"grep -q '^# local edit' '$DEST/etc/vpnhub/SoftHUB.cfg' && grep -q 'Not overwriting.*SoftHUB.cfg' '$WORK/install2.out'"
assert "a second install keeps the edited sample profile" \
	grep -q '^# local edit' "$DEST/etc/vpnclient/example.conf.sample"
assert "the kept SoftHUB.cfg keeps its mode" mode_is etc/vpnhub/SoftHUB.cfg 660

# --- (a) the units, verified against the installed tree
mkdir -p "$ROOT"
cp -a "$DEST/." "$ROOT/"
cp -an /usr/lib/systemd/system/. "$ROOT/usr/lib/systemd/system/" # targets, default deps
mkdir -p "$ROOT/bin"
cp /bin/kill "$ROOT/bin/kill" # ExecReload=/bin/kill
assert "sysusers.d: vpnhub.conf and vpnclient.conf create vpnhub and vpnclient" eval \
	"systemd-sysusers --root='$ROOT' && grep -q '^vpnhub:' '$ROOT/etc/passwd' && grep -q '^vpnclient:' '$ROOT/etc/passwd'"
gid=$(awk -F: '$1 == "vpnhub" {print $3}' "$ROOT/etc/group")
tmpfiles_ok() {
	systemd-tmpfiles --root="$ROOT" --create &&
		[ "$(stat -c '%a %u:%g' "$ROOT/etc/vpnhub")" = "770 0:$gid" ] &&
		[ "$(stat -c '%a %u:%g' "$ROOT/etc/vpnhub/SoftHUB.cfg")" = "660 0:$gid" ] &&
		[ "$(stat -c '%a %u:%g' "$ROOT/var/lib/vpnhub")" = "770 0:$gid" ] &&
		[ "$(stat -c '%a %u:%g' "$ROOT/var/log/vpnhub")" = "770 0:$gid" ] &&
		[ "$(stat -c '%a %u:%g' "$ROOT/run/vpnhub")" = "770 0:$gid" ] &&
		[ "$(stat -c '%a %u:%g' "$ROOT/etc/vpnclient")" = "750 0:0" ]
}
assert "tmpfiles.d: vpnhub.conf and vpnclient.conf create the directories with their owners and modes" tmpfiles_ok

verify() {
	MANPATH=$ROOT/usr/share/man systemd-analyze verify --root="$ROOT" \
		--recursive-errors=no "$@"
}
assert "systemd-analyze verify: vpnhub.service, no warning" \
	quiet_ok "$WORK/verify-hub.out" verify vpnhub.service
assert "systemd-analyze verify: vpnclient@office.service, no warning" \
	quiet_ok "$WORK/verify-client.out" verify vpnclient@office.service
# The check is live: it fails once ExecStart's binary is gone.
mv "$ROOT/usr/sbin/vpnclient" "$WORK/vpnclient.moved"
refute "systemd-analyze verify fails when /usr/sbin/vpnclient is missing" \
	verify vpnclient@office.service
mv "$WORK/vpnclient.moved" "$ROOT/usr/sbin/vpnclient"

for u in vpnhub.service vpnclient@office.service; do
	score=$(systemd-analyze security --offline=yes --root="$ROOT" --no-pager "$u" 2>&1 |
		sed -n 's/.*Overall exposure level for \([^:]*\): \([0-9.]*\) \([A-Z]*\).*/\1 \2 \3/p')
	echo "# security: ${score:-$u: no score}"
done

# --- (c) every installed man page renders without a warning
for page in "$DEST"/usr/share/man/man*/*; do
	echo "# man page: ${page#"$DEST"}"
	assert "$(basename "$page") renders with man -l and groff -man -ww" renders "$page"
done

finish
