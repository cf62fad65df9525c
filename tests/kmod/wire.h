/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A wire joining two vpnlan interfaces' rings back to back, in its own thread. */
#ifndef VPN_KMOD_WIRE_H
#define VPN_KMOD_WIRE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "guest_util.h"

struct wire {
	struct lan *side[2];
	pthread_t thread;
	bool stop, paused; /* set by the test, read by the thread (atomics) */
	bool failed;	   /* a ring or ioctl error: the thread stops */
	uint64_t frames, gso_frames, max_len;
};

int wire_start(struct wire *w, struct lan *a, struct lan *b);
void wire_pause(struct wire *w, bool paused);
void wire_stop(struct wire *w);

#endif
