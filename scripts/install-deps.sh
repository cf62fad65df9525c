#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs the Debian 12 packages needed to build, demo, test and benchmark.
# systemd is there for systemd-analyze, -sysusers and -tmpfiles in
# tests/e2e/t_install.sh: nothing starts a unit or needs systemd as init
# (tests/system boots its own systemd in a qemu guest).
# scripts/lint.sh takes checkpatch.pl from linux-source-6.1's tarball.
set -euo pipefail
PKGS=(build-essential cmake pkg-config libssl-dev libcap-dev libreadline-dev check clang libclang-rt-14-dev
      iproute2 iputils-ping arping iperf3 procps util-linux passwd python3 openssl
      systemd man-db groff-base busybox-static
      isc-dhcp-client # vpnclient's "address = dhcp" runs dhclient (docs/client-network.md)
      dnsmasq curl    # tests/e2e/t_netsetup.sh, t_lan.sh: the DHCP/DNS server, fetching a page
      qemu-system-x86 xz-utils # tests/kmod; its setup.sh adds kernel headers
      squid dante-server apache2-utils # tests/e2e/t_proxy.sh runs the proxies in a namespace
      haproxy # tests/e2e/t_scaleout.sh runs it in a namespace, in front of 3 hubs
      clang-format clang-tidy cppcheck linux-source-6.1 perl # scripts/lint.sh
      softether-vpnserver softether-vpnclient softether-vpncmd openvpn stress-ng # bench/compare.sh
      dpkg-dev debhelper dh-dkms lintian # scripts/build-debs.sh, lintian in .ci/run
      debootstrap e2fsprogs) # tests/system: the Debian 12 guest
missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
# Services of the packages installed here (dnsmasq, squid, danted, haproxy, SoftEther, OpenVPN) must not run in the
# root namespace: the tests start their own instances inside their namespaces.
# policy-rc.d answers "forbidden" to invoke-rc.d and deb-systemd-invoke during
# the install (an existing one is put back afterwards), and on a machine that
# runs systemd the units are disabled too, so they do not start at boot.
POLICY=/usr/sbin/policy-rc.d
allow_services() {
	rm -f "$POLICY"
	if [ -e "$POLICY.vpnhub-saved" ]; then mv "$POLICY.vpnhub-saved" "$POLICY"; fi
}
if [ "${#missing[@]}" -gt 0 ]; then
	export DEBIAN_FRONTEND=noninteractive
	trap allow_services EXIT
	if [ -e "$POLICY" ]; then mv "$POLICY" "$POLICY.vpnhub-saved"; fi
	printf '#!/bin/sh\nexit 101\n' >"$POLICY"
	chmod 755 "$POLICY"
	apt-get update
	apt-get install -y --no-install-recommends "${missing[@]}"
	if [ -d /run/systemd/system ]; then
		for p in "${missing[@]}"; do
			case $p in
			squid) systemctl disable --now squid.service || true ;;
			dante-server) systemctl disable --now danted.service || true ;;
			haproxy) systemctl disable --now haproxy.service || true ;;
			dnsmasq) systemctl disable --now dnsmasq.service || true ;;
			# SoftEther would phone home (DDNS, NAT-T); bench/compare.sh runs them in namespaces
			softether-vpnserver | softether-vpnclient | openvpn)
				systemctl disable --now "$p" >/dev/null 2>&1 || true ;;
			esac
		done
	fi
fi
