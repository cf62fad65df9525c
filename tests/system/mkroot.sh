#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds (once) the Debian 12 guest of tests/system: a debootstrapped root
# file system with systemd, Debian's 6.1 kernel and its headers, dkms and the
# runtime libraries the .debs depend on (the guest has no network, so apt
# cannot fetch them there), as an ext4 image DIR/root.img plus the kernel and
# initramfs copied out for qemu -kernel/-initrd.  The cache is keyed by this
# script's own hash: edit it and the next run rebuilds.
# Usage: tests/system/mkroot.sh DIR   (root; debootstrap from deb.debian.org)
set -euo pipefail
dir=$(realpath -m "$1")
key=$(sha256sum "$0" | cut -c1-16)
if [ -f "$dir/root.img" ] && [ "$(cat "$dir/root.key" 2>/dev/null)" = "$key" ]; then
	exit 0
fi
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
rootfs=$dir/rootfs
rm -rf "$rootfs" "$dir/root.img" "$dir/root.key"
mkdir -p "$dir"
# Packages: systemd as PID 1; the kernel, its initramfs and headers (dkms
# builds vpnlan.ko against them inside the guest); the libraries vpnhub and
# vpnclient link; iproute2 and ping for the traffic check.
pkgs=systemd,systemd-sysv,udev,dbus,kmod,linux-image-amd64,linux-headers-amd64,initramfs-tools
pkgs+=,dkms,gcc,make,libc6-dev,libssl3,libcap2,libreadline8,iproute2,iputils-ping,procps
debootstrap --variant=minbase --include="$pkgs" bookworm "$rootfs" "$mirror" >"$dir/debootstrap.log" 2>&1 ||
	{ tail -n 30 "$dir/debootstrap.log" >&2; exit 1; }
echo vpnguest >"$rootfs/etc/hostname"
echo "/dev/vda / ext4 rw,relatime 0 1" >"$rootfs/etc/fstab"
passwd_root=$(chroot "$rootfs" passwd -d root 2>&1) || echo "$passwd_root" >&2
# Quiet, quick boots: no timers or services the test does not need.
for u in apt-daily.timer apt-daily-upgrade.timer e2scrub_all.timer fstrim.timer \
	man-db.timer dpkg-db-backup.timer e2scrub_reap.service; do
	chroot "$rootfs" systemctl mask "$u" >/dev/null 2>&1 || true
done
# The test runner: /dev/vdb holds the .debs and tests/system/guest.sh; results
# go to the second serial port, then the guest powers off.
cat >"$rootfs/etc/systemd/system/systemtest.service" <<'UNIT'
[Unit]
Description=tests/system guest run
After=multi-user.target
Wants=multi-user.target

[Service]
Type=oneshot
StandardOutput=file:/dev/ttyS1
StandardError=journal
ExecStart=/bin/sh -c 'mkdir -p /mnt/t && mount -o ro /dev/vdb /mnt/t && /bin/bash /mnt/t/guest.sh /mnt/t; echo done'
ExecStopPost=/bin/systemctl --no-block poweroff
UNIT
mkdir -p "$rootfs/etc/systemd/system/multi-user.target.wants"
ln -sf ../systemtest.service "$rootfs/etc/systemd/system/multi-user.target.wants/systemtest.service"
chroot "$rootfs" apt-get clean
kver=$(ls "$rootfs/lib/modules" | sort -V | tail -n 1)
cp "$rootfs/boot/vmlinuz-$kver" "$dir/vmlinuz"
cp "$rootfs/boot/initrd.img-$kver" "$dir/initrd.img"
echo "$kver" >"$dir/kernel-version"
mkfs.ext4 -q -F -L vpnguest -d "$rootfs" "$dir/root.img" 3G
rm -rf "$rootfs"
echo "$key" >"$dir/root.key"
