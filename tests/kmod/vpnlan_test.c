// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vpnlan.ko tests, run as root inside the qemu guest (tests/kmod/run):
 * two interfaces in two network namespaces joined by a wire through their
 * rings; ping, bulk TCP, GSO, queue stop/wake, close removes the interface,
 * hostile rings and setups.  Prints "ok - ..." / "not ok - ..." lines.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guest_util.h"
#include "wire.h"

#define NSLOTS 1024
#define SLOT_SIZE 2048
#define BULK_BYTES (32u << 20)
#define BULK_PORT 5001

static int init_ns;

/* Waits (bounded, 20 s) until the counter reaches min; its last value. */
static int64_t wait_counter(const char *ifname, const char *counter, int64_t min)
{
	int64_t v = -1;

	for (int i = 0; i < 2000; i++) {
		v = if_counter(ifname, counter);
		if (v >= min)
			break;
		usleep(10000);
	}
	return v;
}

/* A new netns holding interface name with address ip, carrier on; 0 or -1. */
static int make_side(struct lan *l, const char *name, const char *ip)
{
	int rc;

	if (unshare(CLONE_NEWNET) != 0)
		return -1;
	rc = lan_create(l, name, NSLOTS, SLOT_SIZE);
	if (rc == 0 && (if_setup("lo", "127.0.0.1") != 0 || if_setup(name, ip) != 0 ||
			lan_carrier(l, true) != 0))
		rc = -1;
	ns_enter(init_ns);
	return rc;
}

static void test_ping(int nsfd, const char *what)
{
	char *argv[] = {"/bin/ping", "-q", "-c", "3", "-W", "10", "10.77.0.2", NULL};

	report(ns_run(nsfd, argv) == 0, "ping through both rings %s", what);
}

static uint8_t pattern(size_t i)
{
	return (uint8_t)(i % 251);
}

/* A TCP socket created in nsfd (a socket keeps the netns it was made in). */
static int socket_in(int nsfd)
{
	int s;

	ns_enter(nsfd);
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ns_enter(init_ns);
	return s;
}

/* A stalled transfer fails instead of hanging the guest. */
static void give_up_after(int s, int seconds)
{
	struct timeval tv = {.tv_sec = seconds};

	setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(s, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static void bulk_receiver(int ls)
{
	static uint8_t buf[65536];
	size_t total = 0;
	int c = accept(ls, NULL, NULL);
	ssize_t n;

	give_up_after(c, 60);
	while (c >= 0 && (n = read(c, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < n; i++, total++)
			if (buf[i] != pattern(total))
				_exit(2);
	_exit(total == BULK_BYTES ? 0 : 3);
}

static void bulk_sender(int s)
{
	static uint8_t buf[65536];
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(BULK_PORT)};
	size_t sent = 0;

	inet_pton(AF_INET, "10.77.0.2", &to.sin_addr);
	give_up_after(s, 60);
	if (connect(s, (struct sockaddr *)&to, sizeof(to)) != 0)
		_exit(4);
	while (sent < BULK_BYTES) {
		size_t n = BULK_BYTES - sent < sizeof(buf) ? BULK_BYTES - sent : sizeof(buf);
		ssize_t w;

		for (size_t i = 0; i < n; i++)
			buf[i] = pattern(sent + i);
		w = write(s, buf, n);
		if (w <= 0)
			_exit(5);
		sent += (size_t)w;
	}
	_exit(close(s) == 0 ? 0 : 6);
}

static int wait_child(pid_t pid)
{
	int st;

	return waitpid(pid, &st, 0) == pid && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void show_counters(struct lan *l)
{
	static const char *const names[] = {"tx_drops", "rx_drops",   "bad_desc",	"tx_stops",
					    "tx_wakes", "user_kicks", "eventfd_signals"};

	ns_enter(l->nsfd);
	printf("# %s:", l->s.ifname);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		printf(" %s %lld", names[i], (long long)if_counter(l->s.ifname, names[i]));
	printf("\n");
	fflush(stdout);
	ns_enter(init_ns);
}

static void test_bulk(struct lan *a, struct lan *b, struct wire *w)
{
	struct sockaddr_in any = {.sin_family = AF_INET, .sin_port = htons(BULK_PORT)};
	int ls = socket_in(b->nsfd), s = socket_in(a->nsfd), one = 1;
	pid_t rx = -1, tx = -1;

	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ls >= 0 && s >= 0 && bind(ls, (struct sockaddr *)&any, sizeof(any)) == 0 &&
	    listen(ls, 1) == 0) {
		rx = fork();
		if (rx == 0)
			bulk_receiver(ls);
		tx = fork();
		if (tx == 0)
			bulk_sender(s);
	}
	give_up_after(ls, 60);
	close(ls);
	close(s);
	int rrx = rx > 0 ? wait_child(rx) : -1, rtx = tx > 0 ? wait_child(tx) : -1;

	if (rrx != 0 || rtx != 0) {
		show_counters(a);
		show_counters(b);
	}
	report(rrx == 0 && rtx == 0,
	       "bulk TCP, %u MiB verified byte for byte (sender %d, receiver %d)", BULK_BYTES >> 20,
	       rtx, rrx);
	report(__atomic_load_n(&w->gso_frames, __ATOMIC_RELAXED) > 0 &&
		   __atomic_load_n(&w->max_len, __ATOMIC_RELAXED) > 1514 + VPNLAN_VNET_HDR_LEN,
	       "GSO super-frames crossed the rings (%llu GSO frames, largest %llu bytes)",
	       (unsigned long long)w->gso_frames, (unsigned long long)w->max_len);
}

/* Floods UDP from a's netns with the wire paused: the queue must stop, not drop. */
static void test_full_ring(struct lan *a, struct wire *w)
{
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(9)};
	static uint8_t dgram[1000];
	int64_t stops, full, wakes;
	int s, big = 8 << 20;

	inet_pton(AF_INET, "10.77.0.2", &to.sin_addr);
	wire_pause(w, true);
	ns_enter(a->nsfd);
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	setsockopt(s, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof(big));
	for (int i = 0; i < 3 * NSLOTS; i++)
		sendto(s, dgram, sizeof(dgram), MSG_DONTWAIT, (struct sockaddr *)&to, sizeof(to));
	stops = wait_counter(a->s.ifname, "tx_stops", 1);
	full = if_counter(a->s.ifname, "tx_ring_full");
	report(stops >= 1 && full == 0,
	       "a full tx ring stops the queue (tx_stops %lld, tx_ring_full %lld)",
	       (long long)stops, (long long)full);
	wire_pause(w, false);
	wakes = wait_counter(a->s.ifname, "tx_wakes", 1);
	report(wakes >= 1, "the queue wakes once the daemon frees slots (tx_wakes %lld)",
	       (long long)wakes);
	close(s);
	ns_enter(init_ns);
}

static void test_close_removes(void)
{
	struct lan l;
	int rc = lan_create(&l, "vlclose", 64, 2048);
	bool there = rc == 0 && if_nametoindex("vlclose") > 0;

	lan_close(&l);
	report(there && if_nametoindex("vlclose") == 0,
	       "closing the file removes the interface (create %d)", rc);
}

/* A fresh interface, up with carrier; hostile() scribbles on its rings; bad_desc must count. */
static void hostile_case(const char *name, const char *what, void (*hostile)(struct lan *))
{
	struct lan l;
	int64_t bad = -1;
	int rc = lan_create(&l, name, 64, 2048);

	if (rc == 0 && if_setup(name, "10.79.0.1") == 0 && lan_carrier(&l, true) == 0) {
		hostile(&l);
		bad = wait_counter(name, "bad_desc", 1);
	}
	report(bad >= 1 && if_nametoindex(name) > 0,
	       "hostile %s rejected and counted (bad_desc %lld)", what, (long long)bad);
	lan_close(&l);
}

static void rx_prod_far(struct lan *l)
{
	/* (B): pairs with the module's acquire of prod (C) */
	__atomic_store_n(l->rx.prod, 100000u, __ATOMIC_RELEASE);
	lan_kick(l);
}

static void rx_desc_too_long(struct lan *l)
{
	l->rx.desc[0] = (struct vpnlan_desc){.len = 2049, .flags = 0};
	/* (B): pairs with the module's acquire of prod (C) */
	__atomic_store_n(l->rx.prod, 1u, __ATOMIC_RELEASE);
	lan_kick(l);
}

static void rx_chain_unended(struct lan *l)
{
	for (int i = 0; i < 3; i++)
		l->rx.desc[i] = (struct vpnlan_desc){.len = 100, .flags = VPNLAN_DESC_F_MORE};
	/* (B): pairs with the module's acquire of prod (C) */
	__atomic_store_n(l->rx.prod, 3u, __ATOMIC_RELEASE);
	lan_kick(l);
}

static void tx_cons_far(struct lan *l)
{
	struct sockaddr_in to = {.sin_family = AF_INET, .sin_port = htons(9)};
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	/* (D): pairs with the module's acquire of cons (A) */
	__atomic_store_n(l->tx.cons, 5000u, __ATOMIC_RELEASE);
	inet_pton(AF_INET, "10.79.0.2", &to.sin_addr);
	sendto(s, "x", 1, 0, (struct sockaddr *)&to, sizeof(to)); /* ARP request: a transmit */
	close(s);
}

/* Short frames and impossible offload headers are dropped one by one; the ring stays usable. */
static void test_bad_frames(void)
{
	/* NEEDS_CSUM with csum_start 1000, past the end of the frame */
	static const uint8_t bad_hdr[VPNLAN_VNET_HDR_LEN] = {1, 0, 0, 0, 0, 0, 0xe8, 0x03, 16, 0};
	static const uint8_t hdr[VPNLAN_VNET_HDR_LEN], runt[4], junk[60];
	struct lan l;
	int64_t drops = -1, bad = -1;

	if (lan_create(&l, "vlbad", 64, 2048) == 0 && if_setup("vlbad", NULL) == 0) {
		ring_put(&l.rx, hdr, sizeof(hdr), runt, sizeof(runt));
		ring_put(&l.rx, bad_hdr, sizeof(bad_hdr), junk, sizeof(junk));
		if (ring_publish(&l.rx))
			lan_kick(&l);
		drops = wait_counter("vlbad", "rx_drops", 2);
		bad = if_counter("vlbad", "bad_desc");
	}
	report(drops == 2 && bad == 0,
	       "runt and bad-offload frames dropped one by one (rx_drops %lld)", (long long)drops);
	lan_close(&l);
}

static int create_errno(uint32_t nslots, uint32_t slot_size, const char *name, uint32_t features)
{
	struct vpnlan_setup s = {.abi = VPNLAN_ABI_VERSION,
				 .nslots = nslots,
				 .slot_size = slot_size,
				 .features = features};
	int fd = open(VPNLAN_DEVICE, O_RDWR), efd = eventfd(0, 0);
	int rc;

	memcpy(s.ifname, name, strnlen(name, sizeof(s.ifname)));
	s.eventfd = efd;
	rc = ioctl(fd, VPNLAN_IOC_CREATE, &s) == 0 ? 0 : errno;
	close(fd);
	close(efd);
	return rc;
}

static void test_bad_setup(void)
{
	int e1 = create_errno(100, 2048, "vlx", VPNLAN_F_VNET_HDR);
	int e2 = create_errno(64, 1000, "vlx", VPNLAN_F_VNET_HDR);
	int e3 = create_errno(64, 2048, "0123456789abcdefXYZ", VPNLAN_F_VNET_HDR);
	int e4 = create_errno(64, 2048, "vlx", 0x80);
	int e5 = create_errno(16384, 65536, "vlx", VPNLAN_F_VNET_HDR);
	int fd = open(VPNLAN_DEVICE, O_RDWR);
	void *m = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
	int e6 = m == MAP_FAILED ? errno : 0;

	if (m != MAP_FAILED)
		munmap(m, 4096);
	close(fd);
	report(e1 == EINVAL && e2 == EINVAL && e3 == EINVAL && e4 == EINVAL && e5 == EINVAL &&
		   e6 == ENODEV,
	       "bad setups rejected (nslots %d, slot_size %d, name %d, features %d, size %d, "
	       "mmap before create %d)",
	       e1, e2, e3, e4, e5, e6);
}

static void test_map_too_big(void)
{
	struct lan l;
	int rc = lan_create(&l, "vlmap", 64, 2048), e = 0;

	if (rc == 0) {
		void *m = mmap(NULL, l.map_size + 4096, PROT_READ, MAP_SHARED, l.fd, 0);
		e = m == MAP_FAILED ? errno : 0;
		if (m != MAP_FAILED)
			munmap(m, l.map_size + 4096);
	}
	report(rc == 0 && e == EINVAL, "a mapping larger than the rings is refused (%d)", e);
	lan_close(&l);
}

static void test_pair(void)
{
	struct lan a, b;
	struct wire w;
	int ra = make_side(&a, "vla", "10.77.0.1"), rb = make_side(&b, "vlb", "10.77.0.2");

	report(ra == 0 && rb == 0, "two interfaces in two network namespaces (%d, %d)", ra, rb);
	if (ra != 0 || rb != 0 || wire_start(&w, &a, &b) != 0) {
		report(false, "the wire between the rings did not start");
		return;
	}
	printf("# wire started\n");
	fflush(stdout);
	test_ping(a.nsfd, "(10.77.0.1 -> 10.77.0.2)");
	test_bulk(&a, &b, &w);
	test_full_ring(&a, &w);
	test_ping(a.nsfd, "after the queue woke");
	wire_stop(&w);
	report(!w.failed, "the wire saw no ring error (%llu frames)", (unsigned long long)w.frames);
	lan_close(&a);
	lan_close(&b);
}

int vpnlan_bench(void);
int vpnlan_underlay(const char *dir);

int main(int argc, char **argv)
{
	init_ns = ns_current();
	if (argc > 1 && strcmp(argv[1], "bench") == 0)
		return vpnlan_bench();
	if (argc > 2 && strcmp(argv[1], "underlay") == 0)
		return vpnlan_underlay(argv[2]);
	test_pair();
	test_close_removes();
	hostile_case("vlh1", "rx producer index", rx_prod_far);
	hostile_case("vlh2", "rx descriptor length", rx_desc_too_long);
	hostile_case("vlh3", "rx chain without an end", rx_chain_unended);
	hostile_case("vlh4", "tx consumer index", tx_cons_far);
	test_bad_frames();
	test_bad_setup();
	test_map_too_big();
	return test_failures ? 1 : 0;
}
