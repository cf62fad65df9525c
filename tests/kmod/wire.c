// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The wire: frames the stack sends on one interface (its tx ring) are put
 * into the other's rx ring, both ways.  It drains, then flushes, then
 * sleeps on both eventfds with NEED_WAKEUP set, as vpnclient does.
 */
#include "wire.h"

#include <poll.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define WIRE_BATCH 256

static void drain_eventfd(int efd)
{
	uint64_t v;

	(void)!read(efd, &v, sizeof(v));
}

/* acquire: pairs with the release stores in wire_pause and wire_stop */
static bool flag(bool *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

/* Puts one unit into dst's rx ring, waiting for the kernel to free room; -1 on a ring error. */
static int put_waiting(struct wire *w, struct lan *dst, const uint8_t *buf, size_t n)
{
	int rc;

	while ((rc = ring_put(&dst->rx, buf, n, NULL, 0)) == 0) {
		if (ring_publish(&dst->rx) && lan_kick(dst) != 0)
			return -1;
		if (ring_wait_space(&dst->rx, n)) {
			struct pollfd p = {.fd = dst->efd, .events = POLLIN};

			poll(&p, 1, 50);
			drain_eventfd(dst->efd);
		}
		if (flag(&w->stop))
			return -1;
	}
	return rc == 1 ? 0 : -1;
}

/* Moves up to WIRE_BATCH frames from src's tx ring to dst's rx ring; frames moved or -1. */
static int pump(struct wire *w, struct lan *src, struct lan *dst, uint8_t *buf)
{
	int moved = 0;
	ssize_t n = 0;

	while (moved < WIRE_BATCH && (n = ring_get(&src->tx, buf, VPNLAN_UNIT_MAX)) > 0) {
		if (put_waiting(w, dst, buf, (size_t)n) != 0)
			return -1;
		moved++;
		w->frames++;
		w->gso_frames += buf[1] != 0; /* virtio_net_hdr.gso_type */
		if ((uint64_t)n > w->max_len)
			w->max_len = (uint64_t)n;
	}
	if (n < 0)
		return -1;
	if (moved && ring_release(&src->tx) && lan_kick(src) != 0)
		return -1;
	if (moved && ring_publish(&dst->rx) && lan_kick(dst) != 0)
		return -1;
	return moved;
}

static void sleep_on_both(struct wire *w)
{
	struct pollfd p[2] = {{.fd = w->side[0]->efd, .events = POLLIN},
			      {.fd = w->side[1]->efd, .events = POLLIN}};

	if (!ring_sleep(&w->side[0]->tx) || !ring_sleep(&w->side[1]->tx))
		return;
	poll(p, 2, 100);
	drain_eventfd(p[0].fd);
	drain_eventfd(p[1].fd);
}

static void *wire_main(void *arg)
{
	struct wire *w = arg;
	uint8_t *buf = malloc(VPNLAN_UNIT_MAX);

	while (buf && !flag(&w->stop)) {
		int a, b;

		if (flag(&w->paused)) {
			usleep(1000);
			continue;
		}
		a = pump(w, w->side[0], w->side[1], buf);
		b = pump(w, w->side[1], w->side[0], buf);
		if (a < 0 || b < 0) {
			/* pairs with wire_stop's pthread_join, after which the test reads it */
			__atomic_store_n(&w->failed, true, __ATOMIC_RELEASE);
			break;
		}
		if (a == 0 && b == 0)
			sleep_on_both(w);
	}
	free(buf);
	return NULL;
}

int wire_start(struct wire *w, struct lan *a, struct lan *b)
{
	*w = (struct wire){.side = {a, b}};
	return pthread_create(&w->thread, NULL, wire_main, w);
}

void wire_pause(struct wire *w, bool paused)
{
	/* release: pairs with flag()'s acquire of paused in wire_main */
	__atomic_store_n(&w->paused, paused, __ATOMIC_RELEASE);
}

void wire_stop(struct wire *w)
{
	/* release: pairs with flag()'s acquire of stop in wire_main and put_waiting */
	__atomic_store_n(&w->stop, true, __ATOMIC_RELEASE);
	pthread_join(w->thread, NULL);
}
