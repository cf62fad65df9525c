#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# tests/e2e/se_wrap.sh DIR CMD...: runs a Debian SoftEther 5.01 binary with its
# state in DIR.  Its directories are compiled in (/var/lib/softether,
# /var/log/softether, /run/softether), so the caller runs this under
# `unshare -m --propagation private` and DIR/{lib,log,run} are bind-mounted
# over them in that mount namespace only; /etc/resolv.conf points at the
# namespace's own loopback, so no name look-up leaves it.
set -eu
d=$1; shift
mkdir -p "$d/lib/softether" "$d/log/softether" "$d/run/softether"
mount --bind "$d/lib" /var/lib
mount --bind "$d/log" /var/log
mount --bind "$d/run" /run
echo "nameserver 127.0.0.1" >"$d/resolv.conf"
mount --bind "$d/resolv.conf" /etc/resolv.conf
exec "$@"
