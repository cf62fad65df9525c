/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Per-source back-off for failed logins: after the n-th failure in a row from
 * one IPv4 address or IPv6 /64, that source's next connection is refused at
 * accept until base * 2^(n-1) ms (at most max) have passed.  The table has a
 * fixed number of slots; a new source takes the stalest of the slots it may use.
 */
#ifndef VPN_BACKOFF_H
#define VPN_BACKOFF_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

struct backoff_entry {
	uint8_t key[16];
	uint32_t failures; /* in a row; 0 = a free slot */
	uint64_t last_ms, until_ms;
};

struct backoff {
	pthread_mutex_t lock;
	struct backoff_entry *slots;
	size_t nslots;
};

/* 0, or -1 when out of memory. */
int backoff_init(struct backoff *b, size_t nslots);
void backoff_free(struct backoff *b);
/* Milliseconds key must still wait before its next login (0: none). */
uint64_t backoff_wait_ms(struct backoff *b, const uint8_t key[16], uint64_t now_ms);
/* Records a failed login of key; base_ms 0 turns the back-off off. */
void backoff_failed(struct backoff *b, const uint8_t key[16], uint64_t now_ms, uint32_t base_ms,
		    uint32_t max_ms);

#endif
