#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs the Debian 12 packages needed to build, demo, test and benchmark.
# systemd is there for systemd-analyze, -sysusers and -tmpfiles in
# tests/e2e/t_install.sh: nothing starts a unit or needs systemd as init.
set -euo pipefail
PKGS=(build-essential cmake pkg-config libssl-dev libcap-dev libreadline-dev check clang libclang-rt-14-dev
      iproute2 iputils-ping arping iperf3 procps util-linux passwd python3
      systemd man-db groff-base busybox-static
      qemu-system-x86 xz-utils # tests/kmod; its setup.sh adds kernel headers
      softether-vpnserver softether-vpnclient softether-vpncmd openvpn openssl stress-ng) # bench/compare.sh
missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
	export DEBIAN_FRONTEND=noninteractive
	# SoftEther and OpenVPN ship services: none may start in the root namespace
	# (SoftEther would phone home); bench/compare.sh runs them in namespaces
	made_policy=
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod +x /usr/sbin/policy-rc.d
		made_policy=1
	fi
	trap '[ -n "$made_policy" ] && rm -f /usr/sbin/policy-rc.d' EXIT
	apt-get update
	apt-get install -y --no-install-recommends "${missing[@]}"
	if [ -d /run/systemd/system ]; then
		for u in softether-vpnserver softether-vpnclient softether-vpnbridge openvpn; do
			systemctl disable --now "$u" >/dev/null 2>&1 || true
		done
	fi
fi
