#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs the Debian 12 packages needed to build, demo, test and benchmark.
# systemd is there for systemd-analyze, -sysusers and -tmpfiles in
# tests/e2e/t_install.sh: nothing starts a unit or needs systemd as init.
# scripts/lint.sh takes checkpatch.pl from linux-source-6.1's tarball.
set -euo pipefail
PKGS=(build-essential cmake pkg-config libssl-dev libcap-dev libreadline-dev check clang libclang-rt-14-dev
      iproute2 iputils-ping arping iperf3 procps util-linux passwd python3
      systemd man-db groff-base busybox-static
      qemu-system-x86 xz-utils # tests/kmod; its setup.sh adds kernel headers
      clang-format clang-tidy cppcheck linux-source-6.1 perl) # scripts/lint.sh
missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update
	apt-get install -y --no-install-recommends "${missing[@]}"
fi
