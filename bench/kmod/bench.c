// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vpnlan rings against TAP in the same guest.  Frames per second from user
 * space into the stack: the same frames ([virtio_net_hdr][frame], an
 * ethertype nobody handles, so the stack drops each after eth_type_trans)
 * through the rx ring or TAP write(2).  And both directions with GSO: one
 * TCP connection between two network namespaces whose interfaces are joined
 * back to back by a user-space wire (wire.c for vpnlan; read(2) and write(2)
 * for TAP), so every byte goes stack -> user space -> stack and the ACKs
 * come back the same way; throughput, and the wire thread's CPU per GB.
 * Software emulation: only the ratios mean anything.  Prints numbers only.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guest_util.h"
#include "wire.h"

#define BENCH_SECONDS 2.0
#define TCP_SECONDS 4.0
#define TCP_PORT 5002
#define TAP_BATCH 64

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

/* A TAP device in the current netns: vnet headers, checksum and TSO offloads, as vpnclient's. */
static int tap_open(const char *name, int flags)
{
	struct ifreq ifr = {.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR};
	int fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC | flags);

	snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
	if (fd >= 0 && (ioctl(fd, TUNSETIFF, &ifr) != 0 ||
			ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6) != 0)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

static double bench_tap(size_t flen)
{
	static uint8_t f[VPNLAN_VNET_HDR_LEN + 1514];
	size_t unit = VPNLAN_VNET_HDR_LEN + flen;
	uint64_t frames = 0;
	int fd = tap_open("tapbench", 0);
	double t0, t = 0;

	if (fd < 0 || if_setup("tapbench", NULL) != 0) {
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

/* The TAP wire: whatever one device's stack sends is written into the other, both ways. */
struct tap_wire {
	int fd[2];
	pthread_t thread;
	bool stop; /* set by the bench, read by the thread (atomics) */
	uint64_t frames, gso_frames;
};

/* Up to TAP_BATCH frames from device i into the other one, a system call each way per frame. */
static void tap_pass(struct tap_wire *w, int i, uint8_t *buf)
{
	for (int k = 0; k < TAP_BATCH; k++) {
		ssize_t n = read(w->fd[i], buf, VPNLAN_UNIT_MAX);

		if (n <= 0)
			return;
		(void)!write(w->fd[1 - i], buf, (size_t)n);
		w->frames++;
		w->gso_frames += buf[1] != 0; /* virtio_net_hdr.gso_type */
	}
}

static void *tap_wire_main(void *arg)
{
	struct tap_wire *w = arg;
	uint8_t *buf = malloc(VPNLAN_UNIT_MAX);

	/* acquire: pairs with the release store in tap_wire_stop */
	while (buf && !__atomic_load_n(&w->stop, __ATOMIC_ACQUIRE)) {
		struct pollfd p[2] = {{.fd = w->fd[0], .events = POLLIN},
				      {.fd = w->fd[1], .events = POLLIN}};

		if (poll(p, 2, 100) <= 0)
			continue;
		for (int i = 0; i < 2; i++)
			if (p[i].revents & POLLIN)
				tap_pass(w, i, buf);
	}
	free(buf);
	return NULL;
}

static void tap_wire_stop(struct tap_wire *w)
{
	/* release: pairs with the acquire in tap_wire_main */
	__atomic_store_n(&w->stop, true, __ATOMIC_RELEASE);
	pthread_join(w->thread, NULL);
}

/* A new netns with lo and one interface of address ip (a vpnlan one if l, else TAP); its fd. */
static int side_ns(int home, struct lan *l, int *tap, const char *name, const char *ip)
{
	int nsfd = -1;

	if (unshare(CLONE_NEWNET) != 0)
		return -1;
	if (l ? lan_create(l, name, 256, 2048) == 0 : (*tap = tap_open(name, O_NONBLOCK)) >= 0) {
		if (if_setup("lo", "127.0.0.1") == 0 && if_setup(name, ip) == 0 &&
		    (!l || lan_carrier(l, true) == 0))
			nsfd = ns_current();
	}
	ns_enter(home);
	return nsfd;
}

static double seconds_of(clockid_t c)
{
	struct timespec ts;

	return clock_gettime(c, &ts) == 0 ? (double)ts.tv_sec + (double)ts.tv_nsec / 1e9 : 0;
}

/* Sends TCP_SECONDS of data to 10.78.0.2 from a socket made in nsfd; exits. */
static void tcp_sender(int nsfd, int home)
{
	static uint8_t buf[65536];
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(TCP_PORT)};
	struct timeval tv = {.tv_sec = 30};
	double t0;
	int s;

	ns_enter(nsfd);
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ns_enter(home);
	inet_pton(AF_INET, "10.78.0.2", &to.sin_addr);
	setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (s < 0 || connect(s, (struct sockaddr *)&to, sizeof(to)) != 0)
		_exit(1);
	t0 = now_s();
	while (now_s() - t0 < TCP_SECONDS)
		if (write(s, buf, sizeof(buf)) <= 0)
			_exit(2);
	_exit(close(s) == 0 ? 0 : 3);
}

/*
 * One TCP connection from namespace a to b (10.78.0.2), received here until the
 * sender closes: Mbit/s, and the wire thread's CPU seconds per GB; 0 or -1.
 */
static int tcp_through(int home, int a, int b, pthread_t wire, double *mbps, double *cpu_gb)
{
	static uint8_t buf[65536];
	struct sockaddr_in any = {.sin_family = AF_INET, .sin_port = htons(TCP_PORT)};
	struct timeval tv = {.tv_sec = 30};
	clockid_t wire_cpu;
	double t0, c0, bytes = 0;
	int ls, c, one = 1, st;
	ssize_t n;
	pid_t tx;

	ns_enter(b);
	ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ns_enter(home);
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	setsockopt(ls, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (ls < 0 || bind(ls, (struct sockaddr *)&any, sizeof(any)) != 0 || listen(ls, 1) != 0 ||
	    pthread_getcpuclockid(wire, &wire_cpu) != 0)
		return -1;
	tx = fork();
	if (tx == 0)
		tcp_sender(a, home);
	c = accept(ls, NULL, NULL);
	close(ls);
	if (c >= 0)
		setsockopt(c, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	t0 = now_s();
	c0 = seconds_of(wire_cpu);
	while (c >= 0 && (n = read(c, buf, sizeof(buf))) > 0)
		bytes += (double)n;
	*mbps = bytes * 8 / (now_s() - t0) / 1e6;
	*cpu_gb = bytes > 0 ? (seconds_of(wire_cpu) - c0) / (bytes / 1e9) : 0;
	if (c >= 0)
		close(c);
	if (tx <= 0 || waitpid(tx, &st, 0) != tx || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		return -1;
	return bytes > 0 ? 0 : -1;
}

/* TCP through two vpnlan interfaces joined by wire.c; 0 or -1. */
static int tcp_vpnlan(double *mbps, double *cpu_gb, uint64_t *gso)
{
	int home = ns_current(), rc = -1;
	struct lan la, lb;
	struct wire w;
	int a = side_ns(home, &la, NULL, "vlta", "10.78.0.1");
	int b = side_ns(home, &lb, NULL, "vltb", "10.78.0.2");

	if (a >= 0 && b >= 0 && wire_start(&w, &la, &lb) == 0) {
		rc = tcp_through(home, a, b, w.thread, mbps, cpu_gb);
		wire_stop(&w);
		*gso = w.gso_frames;
	}
	if (a >= 0) {
		lan_close(&la);
		close(a);
	}
	if (b >= 0) {
		lan_close(&lb);
		close(b);
	}
	close(home);
	return rc;
}

/* TCP through two TAP devices joined by tap_wire; 0 or -1. */
static int tcp_tap(double *mbps, double *cpu_gb, uint64_t *gso)
{
	int home = ns_current(), rc = -1;
	struct tap_wire w = {.fd = {-1, -1}};
	int a = side_ns(home, NULL, &w.fd[0], "tapta", "10.78.0.1");
	int b = side_ns(home, NULL, &w.fd[1], "taptb", "10.78.0.2");

	if (a >= 0 && b >= 0 && pthread_create(&w.thread, NULL, tap_wire_main, &w) == 0) {
		rc = tcp_through(home, a, b, w.thread, mbps, cpu_gb);
		tap_wire_stop(&w);
		*gso = w.gso_frames;
	}
	for (int i = 0; i < 2; i++)
		if (w.fd[i] >= 0)
			close(w.fd[i]);
	if (a >= 0)
		close(a);
	if (b >= 0)
		close(b);
	close(home);
	return rc;
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
	for (int round = 1; round <= 2; round++) {
		double vm = 0, vc = 0, tm = 0, tc = 0;
		uint64_t vg = 0, tg = 0;
		int rv = tcp_vpnlan(&vm, &vc, &vg), rt = tcp_tap(&tm, &tc, &tg);

		if (rv != 0 || rt != 0) {
			printf("bench: TCP through a user-space wire: setup or transfer failed "
			       "(vpnlan %d, tap %d)\n",
			       rv, rt);
			continue;
		}
		printf(
		    "bench: TCP through a user-space wire (stack -> user space -> stack, GSO), "
		    "round %d: vpnlan %.0f Mbit/s (wire %.2f CPU s/GB, %llu GSO frames), tap %.0f "
		    "Mbit/s (wire %.2f CPU s/GB, %llu GSO frames), throughput ratio %.2f, CPU "
		    "ratio %.2f\n",
		    round, vm, vc, (unsigned long long)vg, tm, tc, (unsigned long long)tg,
		    tm > 0 ? vm / tm : 0.0, tc > 0 ? vc / tc : 0.0);
	}
	fflush(stdout);
	return 0;
}
