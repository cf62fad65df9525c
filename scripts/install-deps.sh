#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs the Debian 12 packages needed to build, demo, test and benchmark.
# systemd is there for systemd-analyze, -sysusers and -tmpfiles in
# tests/e2e/t_install.sh: nothing starts a unit or needs systemd as init
# (tests/system boots its own systemd in a qemu guest).
set -euo pipefail
PKGS=(build-essential cmake pkg-config libssl-dev libcap-dev libreadline-dev check clang libclang-rt-14-dev
      iproute2 iputils-ping arping iperf3 procps util-linux passwd python3
      systemd man-db groff-base busybox-static
      qemu-system-x86 xz-utils # tests/kmod; its setup.sh adds kernel headers
      dpkg-dev debhelper dh-dkms lintian # scripts/build-debs.sh, lintian in .ci/run
      debootstrap e2fsprogs) # tests/system: the Debian 12 guest
missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update
	apt-get install -y --no-install-recommends "${missing[@]}"
fi
