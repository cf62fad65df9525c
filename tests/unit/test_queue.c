// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Shared frames and send queues: reference counts across queues, the
 * empty-to-non-empty wake-up rule, the frame and byte bounds with their drop
 * counter, FIFO order through ring wrap-around, high-water marks, the eventfd
 * as seen by poll(2), and 100,000 frames between two threads.  Under ASan a
 * missed or extra pkt_put shows up as a leak or a double free.
 */
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "queue.h"
#include "suites.h"

static unsigned refs(struct pkt *p)
{
	return atomic_load(&p->refs);
}

/* A pkt of len bytes whose first four bytes hold id. */
static struct pkt *pkt_id(uint32_t id, uint32_t len)
{
	uint8_t data[2048] = {0};
	struct pkt *p;

	ck_assert_uint_ge(len, 4);
	ck_assert_uint_le(len, sizeof(data));
	memcpy(data, &id, 4);
	p = pkt_new(data, len, 0);
	ck_assert_ptr_nonnull(p);
	return p;
}

static uint32_t id_of(const struct pkt *p)
{
	uint32_t id;

	memcpy(&id, p->data, 4);
	return id;
}

static int readable(int fd)
{
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	int n = poll(&pfd, 1, 0);

	ck_assert_int_ge(n, 0);
	return n == 1 && (pfd.revents & POLLIN);
}

START_TEST(test_pkt_new_copies)
{
	uint8_t data[64];
	struct pkt *p;

	for (int i = 0; i < 64; i++)
		data[i] = (uint8_t)i;
	p = pkt_new(data, sizeof(data), PROTO_F_VNET);
	ck_assert_ptr_nonnull(p);
	memset(data, 0, sizeof(data));
	ck_assert_uint_eq(p->len, 64);
	ck_assert_uint_eq(p->flags, PROTO_F_VNET);
	ck_assert_uint_eq(refs(p), 1);
	for (int i = 0; i < 64; i++)
		ck_assert_uint_eq(p->data[i], i);
	pkt_get(p);
	ck_assert_uint_eq(refs(p), 2);
	pkt_put(p);
	ck_assert_uint_eq(refs(p), 1);
	pkt_put(p);
	/* an empty pkt is legal too */
	p = pkt_new(data, 0, 0);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->len, 0);
	pkt_put(p);
}
END_TEST

START_TEST(test_pkt_shared_by_three_queues)
{
	struct queue q[3];
	struct pkt *p = pkt_id(42, 100), *out;

	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(queue_init(&q[i], 16, 1 << 20), 0);
		ck_assert_int_eq(queue_push(&q[i], p), QUEUE_PUSHED_WAKE);
		ck_assert_uint_eq(refs(p), 2 + i);
	}
	pkt_put(p); /* the receiver's reference */
	ck_assert_uint_eq(refs(p), 3);
	for (int i = 0; i < 3; i++) {
		ck_assert_uint_eq(queue_drain(&q[i], &out, 1), 1);
		ck_assert_ptr_eq(out, p);
		ck_assert_uint_eq(id_of(out), 42);
		if (i < 2)
			ck_assert_uint_eq(refs(p), 3 - i);
		pkt_put(out); /* the last put frees it; ASan reports a double free */
	}
	for (int i = 0; i < 3; i++)
		queue_destroy(&q[i]);
}
END_TEST

START_TEST(test_destroy_drops_references)
{
	struct queue q;
	struct pkt *keep = pkt_id(1, 64);

	ck_assert_int_eq(queue_init(&q, 8, 4096), 0);
	ck_assert_int_eq(queue_push(&q, keep), QUEUE_PUSHED_WAKE);
	for (uint32_t i = 2; i < 6; i++) {
		struct pkt *p = pkt_id(i, 64);

		ck_assert_int_eq(queue_push(&q, p), QUEUE_PUSHED);
		pkt_put(p); /* now owned by the queue alone: destroy must free it */
	}
	ck_assert_uint_eq(refs(keep), 2);
	queue_destroy(&q);
	ck_assert_uint_eq(refs(keep), 1);
	pkt_put(keep);
}
END_TEST

START_TEST(test_wake_only_when_empty)
{
	struct queue q;
	struct pkt *p = pkt_id(0, 60), *out[8];

	ck_assert_int_eq(queue_init(&q, 8, 1 << 20), 0);
	ck_assert_int_eq(queue_push(&q, p), QUEUE_PUSHED_WAKE);
	ck_assert_int_eq(queue_push(&q, p), QUEUE_PUSHED);
	ck_assert_int_eq(queue_push(&q, p), QUEUE_PUSHED);
	/* partly drained is not empty */
	ck_assert_uint_eq(queue_drain(&q, out, 2), 2);
	ck_assert_int_eq(queue_push(&q, p), QUEUE_PUSHED);
	ck_assert_uint_eq(queue_drain(&q, out + 2, 8), 2);
	ck_assert_uint_eq(queue_drain(&q, out + 4, 8), 0);
	ck_assert_int_eq(queue_push(&q, p), QUEUE_PUSHED_WAKE);
	ck_assert_uint_eq(queue_drain(&q, out + 4, 8), 1);
	ck_assert_uint_eq(refs(p), 6);
	for (int i = 0; i < 5; i++)
		pkt_put(out[i]);
	ck_assert_uint_eq(refs(p), 1);
	pkt_put(p);
	queue_destroy(&q);
}
END_TEST

START_TEST(test_frame_bound)
{
	struct queue q;
	struct queue_stats st;
	struct pkt *p = pkt_id(0, 100), *out[8];
	uint32_t frames;
	size_t bytes;

	ck_assert_int_eq(queue_init(&q, 4, 1 << 20), 0);
	for (int i = 0; i < 4; i++)
		ck_assert_int_ne(queue_push(&q, p), QUEUE_FULL);
	ck_assert_int_eq(queue_push(&q, p), QUEUE_FULL);
	ck_assert_int_eq(queue_push(&q, p), QUEUE_FULL);
	ck_assert_uint_eq(refs(p), 5); /* no reference taken when refused */
	queue_get_stats(&q, &st, &frames, &bytes);
	ck_assert_uint_eq(st.drops_full, 2);
	ck_assert_uint_eq(frames, 4);
	ck_assert_uint_eq(bytes, 400);
	/* room again after one drain */
	ck_assert_uint_eq(queue_drain(&q, out, 1), 1);
	ck_assert_int_eq(queue_push(&q, p), QUEUE_PUSHED);
	ck_assert_uint_eq(queue_drain(&q, out + 1, 8), 4);
	for (int i = 0; i < 5; i++)
		pkt_put(out[i]);
	queue_get_stats(&q, &st, &frames, &bytes);
	ck_assert_uint_eq(st.drops_full, 2);
	ck_assert_uint_eq(frames, 0);
	ck_assert_uint_eq(bytes, 0);
	pkt_put(p);
	queue_destroy(&q);
}
END_TEST

START_TEST(test_byte_bound)
{
	struct queue q;
	struct queue_stats st;
	struct pkt *big = pkt_id(1, 300), *fit = pkt_id(2, 100), *one = pkt_id(3, 4);
	struct pkt *huge = pkt_id(4, 1001), *out[8];
	uint32_t frames, n;
	size_t bytes;

	ck_assert_int_eq(queue_init(&q, 100, 1000), 0);
	/* larger than the whole bound: never fits */
	ck_assert_int_eq(queue_push(&q, huge), QUEUE_FULL);
	ck_assert_int_eq(queue_push(&q, big), QUEUE_PUSHED_WAKE);
	ck_assert_int_eq(queue_push(&q, big), QUEUE_PUSHED);
	ck_assert_int_eq(queue_push(&q, big), QUEUE_PUSHED);
	ck_assert_int_eq(queue_push(&q, big), QUEUE_FULL);
	/* exactly at the bound is allowed, one byte more is not */
	ck_assert_int_eq(queue_push(&q, fit), QUEUE_PUSHED);
	ck_assert_int_eq(queue_push(&q, one), QUEUE_FULL);
	queue_get_stats(&q, &st, &frames, &bytes);
	ck_assert_uint_eq(frames, 4);
	ck_assert_uint_eq(bytes, 1000);
	ck_assert_uint_eq(st.drops_full, 3);
	ck_assert_uint_eq(refs(big), 4);
	ck_assert_uint_eq(refs(one), 1);
	ck_assert_uint_eq(refs(huge), 1);

	n = queue_drain(&q, out, 1);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(queue_push(&q, one), QUEUE_PUSHED);
	queue_get_stats(&q, &st, &frames, &bytes);
	ck_assert_uint_eq(bytes, 704);
	n += queue_drain(&q, out + 1, 8);
	ck_assert_uint_eq(n, 5);
	ck_assert_ptr_eq(out[3], fit);
	ck_assert_ptr_eq(out[4], one);
	for (uint32_t i = 0; i < n; i++)
		pkt_put(out[i]);
	pkt_put(big);
	pkt_put(fit);
	pkt_put(one);
	pkt_put(huge);
	queue_destroy(&q);
}
END_TEST

START_TEST(test_drain_fifo_partial)
{
	struct queue q;
	struct pkt *out[16];
	uint32_t frames;
	size_t bytes;
	struct queue_stats st;

	ck_assert_int_eq(queue_init(&q, 16, 1 << 20), 0);
	for (uint32_t i = 0; i < 10; i++) {
		struct pkt *p = pkt_id(i, 10 + i);

		ck_assert_int_ne(queue_push(&q, p), QUEUE_FULL);
		pkt_put(p);
	}
	ck_assert_uint_eq(queue_drain(&q, out, 0), 0);
	ck_assert_uint_eq(queue_drain(&q, out, 3), 3);
	for (uint32_t i = 0; i < 3; i++) {
		ck_assert_uint_eq(id_of(out[i]), i);
		ck_assert_uint_eq(refs(out[i]), 1);
		pkt_put(out[i]);
	}
	queue_get_stats(&q, &st, &frames, &bytes);
	ck_assert_uint_eq(frames, 7);
	ck_assert_uint_eq(bytes, (13 + 19) * 7 / 2);
	ck_assert_uint_eq(queue_drain(&q, out, 16), 7);
	for (uint32_t i = 0; i < 7; i++) {
		ck_assert_uint_eq(id_of(out[i]), 3 + i);
		ck_assert_uint_eq(out[i]->len, 13 + i);
		pkt_put(out[i]);
	}
	ck_assert_uint_eq(queue_drain(&q, out, 16), 0);
	queue_destroy(&q);
}
END_TEST

START_TEST(test_drain_budget)
{
	struct queue q;
	struct pkt *out[8];
	uint32_t frames;
	size_t bytes;
	struct queue_stats st;

	ck_assert_int_eq(queue_init(&q, 8, 1 << 20), 0);
	for (uint32_t i = 0; i < 5; i++) {
		struct pkt *p = pkt_id(i, 100 * (i + 1)); /* 100, 200 ... 500 bytes */

		queue_push(&q, p);
		pkt_put(p);
	}
	/* a head frame larger than the budget: nothing is taken, nothing is lost */
	ck_assert_uint_eq(queue_drain_budget(&q, out, 8, 99), 0);
	/* 100 + 200 fit in 350, the next 300 would not */
	ck_assert_uint_eq(queue_drain_budget(&q, out, 8, 350), 2);
	ck_assert_uint_eq(id_of(out[0]), 0);
	ck_assert_uint_eq(id_of(out[1]), 1);
	queue_get_stats(&q, &st, &frames, &bytes);
	ck_assert_uint_eq(frames, 3);
	ck_assert_uint_eq(bytes, 1200);
	/* exactly the budget, and the frame count still applies */
	ck_assert_uint_eq(queue_drain_budget(&q, out + 2, 8, 700), 2);
	ck_assert_uint_eq(id_of(out[3]), 3);
	ck_assert_uint_eq(queue_drain_budget(&q, out + 4, 0, 1 << 20), 0);
	ck_assert_uint_eq(queue_drain_budget(&q, out + 4, 8, 1 << 20), 1);
	ck_assert_uint_eq(id_of(out[4]), 4);
	queue_get_stats(&q, &st, &frames, &bytes);
	ck_assert_uint_eq(frames, 0);
	ck_assert_uint_eq(bytes, 0);
	for (int i = 0; i < 5; i++) {
		ck_assert_uint_eq(refs(out[i]), 1);
		pkt_put(out[i]);
	}
	queue_destroy(&q);
}
END_TEST

START_TEST(test_ring_wraps)
{
	struct queue q;
	struct pkt *out[5];
	uint32_t next_in = 0, next_out = 0, queued = 0, seed = 12345;

	ck_assert_int_eq(queue_init(&q, 5, 1 << 20), 0);
	/* random pushes and drains against a model FIFO, many times around the ring */
	for (int round = 0; round < 5000; round++) {
		uint32_t npush, ndrain, got;

		seed = seed * 1103515245u + 12345u;
		npush = (seed >> 16) % 6;
		ndrain = (seed >> 8) % 6;
		for (uint32_t i = 0; i < npush; i++) {
			struct pkt *p = pkt_id(next_in, 8);
			enum queue_push_result r = queue_push(&q, p);

			if (queued == 5) {
				ck_assert_int_eq(r, QUEUE_FULL);
			} else {
				ck_assert_int_eq(r, queued ? QUEUE_PUSHED : QUEUE_PUSHED_WAKE);
				queued++;
				next_in++;
			}
			pkt_put(p);
		}
		got = queue_drain(&q, out, ndrain);
		ck_assert_uint_eq(got, ndrain < queued ? ndrain : queued);
		for (uint32_t i = 0; i < got; i++) {
			ck_assert_uint_eq(id_of(out[i]), next_out++);
			pkt_put(out[i]);
		}
		queued -= got;
	}
	ck_assert_uint_gt(next_out, 5000);
	queue_destroy(&q);
}
END_TEST

START_TEST(test_high_water_marks)
{
	struct queue q;
	struct queue_stats st;
	struct pkt *out[8];
	uint32_t frames;
	size_t bytes;

	ck_assert_int_eq(queue_init(&q, 8, 1 << 20), 0);
	queue_get_stats(&q, &st, &frames, &bytes);
	ck_assert_uint_eq(st.hwm_frames, 0);
	ck_assert_uint_eq(st.hwm_bytes, 0);
	for (uint32_t i = 0; i < 5; i++) {
		struct pkt *p = pkt_id(i, 100);

		queue_push(&q, p);
		pkt_put(p);
	}
	ck_assert_uint_eq(queue_drain(&q, out, 8), 5);
	for (int i = 0; i < 5; i++)
		pkt_put(out[i]);
	for (uint32_t i = 0; i < 2; i++) {
		struct pkt *p = pkt_id(i, 1000);

		queue_push(&q, p);
		pkt_put(p);
	}
	queue_get_stats(&q, &st, &frames, &bytes);
	ck_assert_uint_eq(st.hwm_frames, 5);
	ck_assert_uint_eq(st.hwm_bytes, 2000);
	ck_assert_uint_eq(frames, 2);
	ck_assert_uint_eq(bytes, 2000);
	ck_assert_uint_eq(st.drops_full, 0);
	queue_destroy(&q);
}
END_TEST

START_TEST(test_eventfd)
{
	struct queue q;
	int fl;

	ck_assert_int_eq(queue_init(&q, 8, 1 << 20), 0);
	ck_assert_int_ge(q.wake_fd, 0);
	fl = fcntl(q.wake_fd, F_GETFL);
	ck_assert(fl & O_NONBLOCK);
	ck_assert(fcntl(q.wake_fd, F_GETFD) & FD_CLOEXEC);
	ck_assert(!readable(q.wake_fd));
	/* clearing when nothing is pending must not block */
	queue_clear_wake(&q);
	ck_assert(!readable(q.wake_fd));
	queue_wake(&q);
	ck_assert(readable(q.wake_fd));
	queue_wake(&q);
	queue_wake(&q);
	ck_assert(readable(q.wake_fd));
	/* one clear consumes every pending wake-up */
	queue_clear_wake(&q);
	ck_assert(!readable(q.wake_fd));
	queue_wake(&q);
	ck_assert(readable(q.wake_fd));
	queue_destroy(&q);
}
END_TEST

/* ---- two threads ---- */

#define XFER_N 100000

struct xfer {
	struct queue q;
	uint32_t full_seen;
	uint32_t received, bad_order, lost_wakes;
};

static void *producer(void *arg)
{
	struct xfer *x = arg;

	for (uint32_t i = 0; i < XFER_N; i++) {
		uint8_t data[4 + 200] = {0};
		struct pkt *p;
		enum queue_push_result r;

		/* no ck_assert here: each one is a write to check's channel */
		memcpy(data, &i, 4);
		p = pkt_new(data, 4 + i % 200, 0);
		if (!p)
			abort();

		while ((r = queue_push(&x->q, p)) == QUEUE_FULL) {
			x->full_seen++;
			sched_yield();
		}
		if (r == QUEUE_PUSHED_WAKE)
			queue_wake(&x->q);
		pkt_put(p);
	}
	return NULL;
}

static void *consumer(void *arg)
{
	struct xfer *x = arg;
	struct pkt *out[64];

	while (x->received < XFER_N) {
		struct pollfd pfd = {.fd = x->q.wake_fd, .events = POLLIN};
		int ready = poll(&pfd, 1, 5000);
		uint32_t n;

		/* clear first, then drain to empty: a push after the drain wakes us again */
		queue_clear_wake(&x->q);
		while ((n = queue_drain(&x->q, out, 64)) > 0) {
			if (ready == 0)
				x->lost_wakes++;
			for (uint32_t i = 0; i < n; i++) {
				if (id_of(out[i]) != x->received ||
				    out[i]->len != 4 + x->received % 200)
					x->bad_order++;
				x->received++;
				pkt_put(out[i]);
			}
		}
	}
	return NULL;
}

START_TEST(test_two_threads)
{
	struct xfer *x = calloc(1, sizeof(*x));
	struct queue_stats st;
	pthread_t prod, cons;
	uint32_t frames;
	size_t bytes;

	ck_assert_ptr_nonnull(x);
	ck_assert_int_eq(queue_init(&x->q, 256, 64 * 1024), 0);
	ck_assert_int_eq(pthread_create(&cons, NULL, consumer, x), 0);
	ck_assert_int_eq(pthread_create(&prod, NULL, producer, x), 0);
	ck_assert_int_eq(pthread_join(prod, NULL), 0);
	ck_assert_int_eq(pthread_join(cons, NULL), 0);
	ck_assert_uint_eq(x->received, XFER_N);
	ck_assert_uint_eq(x->bad_order, 0);
	ck_assert_uint_eq(x->lost_wakes, 0);
	queue_get_stats(&x->q, &st, &frames, &bytes);
	ck_assert_uint_eq(st.drops_full, x->full_seen);
	ck_assert_uint_eq(frames, 0);
	ck_assert_uint_eq(bytes, 0);
	ck_assert_uint_le(st.hwm_frames, 256);
	ck_assert_uint_le(st.hwm_bytes, 64 * 1024);
	queue_destroy(&x->q);
	free(x);
}
END_TEST

Suite *queue_suite(void)
{
	Suite *s = suite_create("queue");
	TCase *tc = tcase_create("queue");
	TCase *mt = tcase_create("threads");

	tcase_add_test(tc, test_pkt_new_copies);
	tcase_add_test(tc, test_pkt_shared_by_three_queues);
	tcase_add_test(tc, test_destroy_drops_references);
	tcase_add_test(tc, test_wake_only_when_empty);
	tcase_add_test(tc, test_frame_bound);
	tcase_add_test(tc, test_byte_bound);
	tcase_add_test(tc, test_drain_fifo_partial);
	tcase_add_test(tc, test_drain_budget);
	tcase_add_test(tc, test_ring_wraps);
	tcase_add_test(tc, test_high_water_marks);
	tcase_add_test(tc, test_eventfd);
	suite_add_tcase(s, tc);

	tcase_set_timeout(mt, 60);
	tcase_add_test(mt, test_two_threads);
	suite_add_tcase(s, mt);
	return s;
}
