#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Installs what tests/kmod needs and prints the kernel ABIs to test, one a
# line: Debian 12's own kernel (the linux-headers-amd64 metapackage's ABI)
# and the newest 6.12 from bookworm-security.  For each ABI the headers are
# installed and the matching kernel image unpacked (never installed) into
# DIR/img-ABI.  Usage: tests/kmod/setup.sh DIR
set -euo pipefail
dir=$1
mkdir -p "$dir"
export DEBIAN_FRONTEND=noninteractive
base=(qemu-system-x86 busybox-static xz-utils)
missing=()
for p in "${base[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
# one resolution of each ABI name, so headers and image always match
abi_61=$(apt-cache depends linux-headers-amd64 2>/dev/null |
	sed -n 's/.*Depends: linux-headers-\(.*-amd64\)$/\1/p' | head -n 1)
if [ -z "$abi_61" ]; then
	apt-get update >&2
	abi_61=$(apt-cache depends linux-headers-amd64 |
		sed -n 's/.*Depends: linux-headers-\(.*-amd64\)$/\1/p' | head -n 1)
fi
abi_612=$(apt-cache search --names-only '^linux-headers-6\.12\.[0-9]+\+deb12-amd64$' |
	awk '{print $1}' | sed 's/^linux-headers-//' | sort -V | tail -n 1)
abis=("$abi_61")
[ -n "$abi_612" ] && abis+=("$abi_612")
for abi in "${abis[@]}"; do
	[ -d "/usr/src/linux-headers-$abi" ] || missing+=("linux-headers-$abi")
done
if [ "${#missing[@]}" -gt 0 ]; then
	apt-get install -y --no-install-recommends "${missing[@]}" >&2
fi
for abi in "${abis[@]}"; do
	img=$dir/img-$abi
	if [ ! -f "$img/boot/vmlinuz-$abi" ]; then
		rm -rf "$img" "$dir/deb-$abi"
		mkdir -p "$dir/deb-$abi"
		(cd "$dir/deb-$abi" && apt-get download "linux-image-$abi" >&2)
		dpkg-deb -x "$dir/deb-$abi"/linux-image-*.deb "$img"
		rm -rf "$dir/deb-$abi"
	fi
	echo "$abi"
done
