// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Frames per second from user space into the stack, vpnlan rings against
 * TAP write(2), same guest, same frames ([virtio_net_hdr][frame], an
 * ethertype nobody handles, so the stack drops each after eth_type_trans).
 * Software emulation: only the ratios mean anything.  Prints numbers only.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "guest_util.h"

#define BENCH_SECONDS 2.0

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void make_frame(uint8_t *f, size_t len)
{
	static const uint8_t src_mac[6] = {0x02, 0, 0, 0, 0, 0x01};

	memset(f, 0, len);
	memset(f + VPNLAN_VNET_HDR_LEN, 0xff, 6); /* broadcast */
	memcpy(f + VPNLAN_VNET_HDR_LEN + 6, src_mac, 6);
	f[VPNLAN_VNET_HDR_LEN + 12] = 0x88; /* 0x88b5: local experimental */
	f[VPNLAN_VNET_HDR_LEN + 13] = 0xb5;
}

static double bench_vpnlan(size_t flen)
{
	static uint8_t f[VPNLAN_VNET_HDR_LEN + 1514];
	size_t unit = VPNLAN_VNET_HDR_LEN + flen;
	uint64_t frames = 0;
	struct lan l;
	double t0, t = 0;

	if (lan_create(&l, "vlbench", 1024, 2048) != 0 || if_setup("vlbench", NULL) != 0)
		return -1;
	make_frame(f, unit);
	t0 = now_s();
	do {
		int rc = 1;

		for (int i = 0; i < 64; i++) {
			rc = ring_put(&l.rx, f, unit, NULL, 0);
			if (rc != 1)
				break;
			frames++;
		}
		if (ring_publish(&l.rx))
			lan_kick(&l);
		if (rc == 0 && ring_wait_space(&l.rx, unit)) {
			struct pollfd p = {.fd = l.efd, .events = POLLIN};
			uint64_t v;

			poll(&p, 1, 100);
			(void)!read(l.efd, &v, sizeof(v));
		} else if (rc < 0) {
			break;
		}
	} while ((t = now_s() - t0) < BENCH_SECONDS);
	lan_close(&l);
	return (double)frames / t;
}

static double bench_tap(size_t flen)
{
	static uint8_t f[VPNLAN_VNET_HDR_LEN + 1514];
	size_t unit = VPNLAN_VNET_HDR_LEN + flen;
	struct ifreq ifr = {.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR};
	uint64_t frames = 0;
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	double t0, t = 0;

	snprintf(ifr.ifr_name, IFNAMSIZ, "tapbench");
	if (fd < 0 || ioctl(fd, TUNSETIFF, &ifr) != 0 ||
	    ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6) != 0 ||
	    if_setup("tapbench", NULL) != 0) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	make_frame(f, unit);
	t0 = now_s();
	do {
		for (int i = 0; i < 64; i++)
			frames += write(fd, f, unit) == (ssize_t)unit;
	} while ((t = now_s() - t0) < BENCH_SECONDS);
	close(fd);
	return (double)frames / t;
}

int vpnlan_bench(void)
{
	static const size_t sizes[] = {64, 1514};

	for (size_t i = 0; i < 2; i++) {
		double v = bench_vpnlan(sizes[i]), t = bench_tap(sizes[i]);

		printf("bench: %zu-byte frames into the stack: vpnlan %.0f frames/s, tap %.0f "
		       "frames/s, ratio %.2f\n",
		       sizes[i], v, t, t > 0 ? v / t : 0.0);
	}
	fflush(stdout);
	return 0;
}
