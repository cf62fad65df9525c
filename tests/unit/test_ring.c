// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The user-space side of the vpnlan rings (src/client/ring.c) against a
 * simulated kernel peer: the same layout the module reports, the peer's
 * producer and consumer in another thread, eventfds standing in for the
 * module's eventfd and KICK ioctl.  Wrap-around of the free-running
 * indices, a full ring, chained frames, hostile indices and descriptors,
 * and two threads streaming both ways with the sleep/wake flags: a lost
 * wake-up hangs the test (no poll timeout) instead of passing by luck.
 */
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "ring.h"
#include "suites.h"

#define NSLOTS 64
#define SLOT 2048

struct area {
	struct vpnlan_setup s;
	void *mem;
};

static void area_new(struct area *a)
{
	memset(a, 0, sizeof(*a));
	a->s.nslots = NSLOTS;
	a->s.slot_size = SLOT;
	vpnlan_layout(&a->s);
	a->mem = aligned_alloc(VPNLAN_LAYOUT_ALIGN, a->s.map_size);
	ck_assert_ptr_nonnull(a->mem);
	memset(a->mem, 0, a->s.map_size);
}

/* Producer and consumer views of one ring (tx) of the area. */
static void attach_pair(struct area *a, struct ring *prod, struct ring *cons)
{
	ck_assert_int_eq(ring_attach(prod, a->mem, a->s.map_size, &a->s.tx, NSLOTS, SLOT), 0);
	ck_assert_int_eq(ring_attach(cons, a->mem, a->s.map_size, &a->s.tx, NSLOTS, SLOT), 0);
}

/* Both views start at index start, as if start frames had already passed. */
static void start_at(struct ring *prod, struct ring *cons, uint32_t start)
{
	*prod->prod = *prod->cons = start;
	prod->own = prod->peer = cons->own = cons->peer = start;
}

/* Frame number seq: len bytes, seq in the first four, a pattern after. */
static size_t frame_of(uint32_t seq, uint8_t *buf)
{
	size_t len = 14 + (seq * 7919u) % 9000;

	memcpy(buf, &seq, 4);
	for (size_t i = 4; i < len; i++)
		buf[i] = (uint8_t)(seq + i);
	return len;
}

static void check_frame(uint32_t seq, const uint8_t *buf, ssize_t n)
{
	static uint8_t want[VPNLAN_UNIT_MAX];
	size_t len = frame_of(seq, want);

	ck_assert_int_eq(n, (ssize_t)len);
	ck_assert_int_eq(memcmp(buf, want, len), 0);
}

START_TEST(test_attach_checks_layout)
{
	struct area a;
	struct ring r;
	struct vpnlan_ring_offsets o;

	area_new(&a);
	ck_assert_int_eq(ring_attach(&r, a.mem, a.s.map_size, &a.s.rx, NSLOTS, SLOT), 0);
	ck_assert_int_eq(ring_attach(&r, a.mem, a.s.map_size, &a.s.rx, 100, SLOT), -1);
	ck_assert_int_eq(ring_attach(&r, a.mem, a.s.map_size, &a.s.rx, NSLOTS, 1024), -1);
	o = a.s.rx;
	o.data = a.s.map_size - SLOT; /* data area runs past the mapping */
	ck_assert_int_eq(ring_attach(&r, a.mem, a.s.map_size, &o, NSLOTS, SLOT), -1);
	o = a.s.rx;
	o.cons = a.s.map_size; /* index word outside */
	ck_assert_int_eq(ring_attach(&r, a.mem, a.s.map_size, &o, NSLOTS, SLOT), -1);
	o = a.s.rx;
	o.prod = 2; /* misaligned */
	ck_assert_int_eq(ring_attach(&r, a.mem, a.s.map_size, &o, NSLOTS, SLOT), -1);
	free(a.mem);
}
END_TEST

/* Chained frames across the end of the slot array and across 2^32. */
START_TEST(test_wrap_around)
{
	static uint8_t f[VPNLAN_UNIT_MAX], out[VPNLAN_UNIT_MAX];
	struct area a;
	struct ring p, c;
	uint32_t got = 0;

	area_new(&a);
	attach_pair(&a, &p, &c);
	start_at(&p, &c, UINT32_MAX - 100);
	for (uint32_t seq = 0; seq < 2000; seq++) {
		size_t len = frame_of(seq, f);
		ssize_t n;

		ck_assert_int_eq(ring_put(&p, f, 10, f + 10, len - 10), 1);
		ring_publish(&p);
		if (seq % 3 != 2)
			continue; /* the consumer lags: frames pile up */
		while ((n = ring_get(&c, out, sizeof(out))) > 0)
			check_frame(got++, out, n);
		ck_assert_int_eq(n, 0);
		ring_release(&c);
	}
	ck_assert_uint_eq(got, 1998);
	ck_assert_uint_lt(p.own, 100000); /* the indices did wrap */
	free(a.mem);
}
END_TEST

START_TEST(test_full_ring)
{
	static uint8_t f[SLOT + 1000], out[VPNLAN_UNIT_MAX];
	struct area a;
	struct ring p, c;
	int frames = 0;

	area_new(&a);
	attach_pair(&a, &p, &c);
	memset(f, 0xab, sizeof(f));
	while (ring_put(&p, f, sizeof(f), NULL, 0) == 1) /* 2 slots each */
		frames++;
	ck_assert_int_eq(frames, NSLOTS / 2);
	ck_assert(!ring_publish(&p)); /* the consumer did not ask to be woken */
	ck_assert(ring_wait_space(&p, sizeof(f)));
	ck_assert_uint_eq(*p.prod_flags, VPNLAN_RING_NEED_SPACE);
	ck_assert_int_eq(ring_get(&c, out, sizeof(out)), (ssize_t)sizeof(f));
	ck_assert(ring_release(&c)); /* the producer waits: signal it */
	ck_assert(!ring_wait_space(&p, sizeof(f)));
	ck_assert_uint_eq(*p.prod_flags, 0);
	ck_assert_int_eq(ring_put(&p, f, sizeof(f), NULL, 0), 1);
	ck_assert_int_eq(ring_put(&p, f, sizeof(f), NULL, 0), 0);
	/* a frame larger than any unit, or empty, is refused outright */
	ck_assert_int_eq(ring_put(&c, f, VPNLAN_UNIT_MAX, f, 1), -1);
	free(a.mem);
}
END_TEST

START_TEST(test_sleep_flags)
{
	static uint8_t f[64], out[VPNLAN_UNIT_MAX];
	struct area a;
	struct ring p, c;

	area_new(&a);
	attach_pair(&a, &p, &c);
	ck_assert(ring_sleep(&c));
	ck_assert_uint_eq(*c.cons_flags, VPNLAN_RING_NEED_WAKEUP);
	ck_assert_int_eq(ring_put(&p, f, sizeof(f), NULL, 0), 1);
	ck_assert(ring_publish(&p)); /* consumer sleeps: wake it */
	ck_assert(!ring_sleep(&c));  /* a frame arrived between flag and check */
	ck_assert_uint_eq(*c.cons_flags, 0);
	ck_assert(ring_sleep(&c) == false);
	ck_assert_int_eq(ring_get(&c, out, sizeof(out)), (ssize_t)sizeof(f));
	ck_assert_uint_eq(*c.cons_flags, 0);
	free(a.mem);
}
END_TEST

START_TEST(test_hostile_consumer_side)
{
	static uint8_t out[VPNLAN_UNIT_MAX];
	struct area a;
	struct ring p, c;

	area_new(&a);
	attach_pair(&a, &p, &c);
	/* prod more than nslots ahead */
	*c.prod = NSLOTS + 1;
	ck_assert_int_eq(ring_get(&c, out, sizeof(out)), -1);
	ck_assert(c.broken);
	*c.prod = 0;
	ck_assert_int_eq(ring_get(&c, out, sizeof(out)), -1); /* stays broken */
	/* a slot length above slot_size */
	attach_pair(&a, &p, &c);
	c.desc[0] = (struct vpnlan_desc){.len = SLOT + 1};
	*c.prod = 1;
	ck_assert_int_eq(ring_get(&c, out, sizeof(out)), -1);
	/* a chain that never ends before prod */
	attach_pair(&a, &p, &c);
	for (int i = 0; i < 4; i++)
		c.desc[i] = (struct vpnlan_desc){.len = 100, .flags = VPNLAN_DESC_F_MORE};
	*c.prod = 4;
	ck_assert_int_eq(ring_get(&c, out, sizeof(out)), -1);
	/* a chain longer than any frame */
	attach_pair(&a, &p, &c);
	for (int i = 0; i < NSLOTS; i++)
		c.desc[i] = (struct vpnlan_desc){.len = SLOT, .flags = VPNLAN_DESC_F_MORE};
	c.desc[NSLOTS - 1].flags = 0;
	*c.prod = NSLOTS;
	ck_assert_int_eq(ring_get(&c, out, sizeof(out)), -1);
	/* a frame larger than the reader's buffer */
	attach_pair(&a, &p, &c);
	c.desc[0] = (struct vpnlan_desc){.len = 200};
	*c.prod = 1;
	ck_assert_int_eq(ring_get(&c, out, 100), -1);
	free(a.mem);
}
END_TEST

START_TEST(test_hostile_producer_side)
{
	static uint8_t f[64];
	struct area a;
	struct ring p, c;

	area_new(&a);
	attach_pair(&a, &p, &c);
	for (int i = 0; i < NSLOTS; i++) /* fill: the next put must read cons */
		ck_assert_int_eq(ring_put(&p, f, sizeof(f), NULL, 0), 1);
	*p.cons = NSLOTS + 5; /* consumer claims frames never produced */
	ck_assert_int_eq(ring_put(&p, f, sizeof(f), NULL, 0), -1);
	ck_assert(p.broken);
	*p.cons = 0;
	ck_assert_int_eq(ring_put(&p, f, sizeof(f), NULL, 0), -1);
	ck_assert(!ring_wait_space(&p, sizeof(f)));
	free(a.mem);
}
END_TEST

/*
 * One end of the stream test: produces n frames into out, consumes n from
 * in, and sleeps on its own eventfd only after flagging every ring it waits
 * on; signals the other end's eventfd only when the flags ask for it.
 */
struct end {
	struct ring out, in;
	int my_efd, peer_efd;
	uint32_t n, sent, got;
	bool ok;
};

static void notify(int efd)
{
	uint64_t one = 1;

	ck_assert_int_eq(write(efd, &one, sizeof(one)), (ssize_t)sizeof(one));
}

static bool pump_in(struct end *e, uint8_t *buf)
{
	bool moved = false;
	ssize_t n;

	while ((n = ring_get(&e->in, buf, VPNLAN_UNIT_MAX)) > 0) {
		uint8_t want[VPNLAN_UNIT_MAX];
		size_t len = frame_of(e->got, want);

		if ((size_t)n != len || memcmp(buf, want, len) != 0)
			return e->ok = false;
		e->got++;
		moved = true;
	}
	if (n < 0)
		e->ok = false;
	if (moved && ring_release(&e->in))
		notify(e->peer_efd);
	return moved;
}

static bool pump_out(struct end *e, uint8_t *buf)
{
	bool moved = false;

	while (e->sent < e->n) {
		size_t len = frame_of(e->sent, buf);
		int rc = ring_put(&e->out, buf, len, NULL, 0);

		if (rc < 0)
			e->ok = false;
		if (rc != 1)
			break;
		e->sent++;
		moved = true;
		if (e->sent % 5 == 0 && ring_publish(&e->out)) /* publish in small batches */
			notify(e->peer_efd);
	}
	if (moved && ring_publish(&e->out))
		notify(e->peer_efd);
	return moved;
}

static bool ready_to_sleep(struct end *e, uint8_t *buf)
{
	bool in_idle = e->got == e->n || ring_sleep(&e->in);
	bool out_idle = e->sent == e->n || ring_wait_space(&e->out, frame_of(e->sent, buf));

	return in_idle && out_idle;
}

static void *run_end(void *arg)
{
	struct end *e = arg;
	uint8_t *buf = malloc(VPNLAN_UNIT_MAX);

	e->ok = buf != NULL;
	while (e->ok && (e->got < e->n || e->sent < e->n)) {
		bool a = pump_in(e, buf), b = pump_out(e, buf);

		if (!a && !b && ready_to_sleep(e, buf)) {
			struct pollfd p = {.fd = e->my_efd, .events = POLLIN};
			uint64_t v;

			poll(&p, 1, -1); /* a lost wake-up hangs here */
			ck_assert_int_eq(read(e->my_efd, &v, sizeof(v)), (ssize_t)sizeof(v));
		}
	}
	free(buf);
	return NULL;
}

/* The user side and the simulated kernel stream n frames each way at once. */
START_TEST(test_two_threads_both_ways)
{
	struct area a;
	struct end user = {.n = 30000}, kernel = {.n = 30000};
	pthread_t t;

	area_new(&a);
	user.my_efd = kernel.peer_efd = eventfd(0, EFD_NONBLOCK); /* module's eventfd */
	kernel.my_efd = user.peer_efd = eventfd(0, EFD_NONBLOCK); /* KICK ioctl */
	ck_assert_int_ge(user.my_efd, 0);
	ck_assert_int_ge(kernel.my_efd, 0);
	ck_assert_int_eq(ring_attach(&user.out, a.mem, a.s.map_size, &a.s.rx, NSLOTS, SLOT), 0);
	ck_assert_int_eq(ring_attach(&kernel.in, a.mem, a.s.map_size, &a.s.rx, NSLOTS, SLOT), 0);
	ck_assert_int_eq(ring_attach(&kernel.out, a.mem, a.s.map_size, &a.s.tx, NSLOTS, SLOT), 0);
	ck_assert_int_eq(ring_attach(&user.in, a.mem, a.s.map_size, &a.s.tx, NSLOTS, SLOT), 0);
	ck_assert_int_eq(pthread_create(&t, NULL, run_end, &kernel), 0);
	run_end(&user);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	ck_assert(user.ok);
	ck_assert(kernel.ok);
	ck_assert_uint_eq(user.got, 30000);
	ck_assert_uint_eq(kernel.got, 30000);
	close(user.my_efd);
	close(kernel.my_efd);
	free(a.mem);
}
END_TEST

Suite *ring_suite(void)
{
	Suite *s = suite_create("ring");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_attach_checks_layout);
	tcase_add_test(tc, test_wrap_around);
	tcase_add_test(tc, test_full_ring);
	tcase_add_test(tc, test_sleep_flags);
	tcase_add_test(tc, test_hostile_consumer_side);
	tcase_add_test(tc, test_hostile_producer_side);
	tcase_add_test(tc, test_two_threads_both_ways);
	suite_add_tcase(s, tc);
	return s;
}
