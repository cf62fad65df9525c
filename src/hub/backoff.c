// SPDX-License-Identifier: GPL-2.0-or-later
#include "backoff.h"

#include <stdlib.h>
#include <string.h>

#define BACKOFF_PROBE 8		       /* slots a source may use: bounded work per login */
#define BACKOFF_FORGET_MS (10 * 60000) /* a source quiet this long starts afresh */

int backoff_init(struct backoff *b, size_t nslots)
{
	b->slots = calloc(nslots, sizeof(*b->slots));
	b->nslots = b->slots ? nslots : 0;
	pthread_mutex_init(&b->lock, NULL);
	return b->slots ? 0 : -1;
}

void backoff_free(struct backoff *b)
{
	free(b->slots);
	b->slots = NULL;
	pthread_mutex_destroy(&b->lock);
}

static size_t slot_of(const struct backoff *b, const uint8_t key[16])
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */

	for (int i = 0; i < 16; i++)
		h = (h ^ key[i]) * 1099511628211ull;
	return (size_t)(h % b->nslots);
}

/* key's slot, or NULL; with create, a free or the stalest of its slots. Under b->lock. */
static struct backoff_entry *find(struct backoff *b, const uint8_t key[16], uint64_t now_ms,
				  int create)
{
	size_t first = slot_of(b, key);
	struct backoff_entry *victim = NULL;

	for (size_t i = 0; i < BACKOFF_PROBE && i < b->nslots; i++) {
		struct backoff_entry *e = &b->slots[(first + i) % b->nslots];

		if (e->failures && now_ms - e->last_ms > BACKOFF_FORGET_MS)
			e->failures = 0;
		if (e->failures && memcmp(e->key, key, 16) == 0)
			return e;
		if (!victim || (victim->failures && (!e->failures || e->last_ms < victim->last_ms)))
			victim = e; /* the first, then a free slot, else the stalest */
	}
	if (!create || !victim)
		return NULL;
	memset(victim, 0, sizeof(*victim));
	memcpy(victim->key, key, 16);
	return victim;
}

uint64_t backoff_wait_ms(struct backoff *b, const uint8_t key[16], uint64_t now_ms)
{
	struct backoff_entry *e;
	uint64_t wait = 0;

	if (!b->nslots)
		return 0;
	pthread_mutex_lock(&b->lock);
	e = find(b, key, now_ms, 0);
	if (e && e->until_ms > now_ms)
		wait = e->until_ms - now_ms;
	pthread_mutex_unlock(&b->lock);
	return wait;
}

void backoff_failed(struct backoff *b, const uint8_t key[16], uint64_t now_ms, uint32_t base_ms,
		    uint32_t max_ms)
{
	struct backoff_entry *e;
	uint64_t delay;

	if (!b->nslots || !base_ms)
		return;
	pthread_mutex_lock(&b->lock);
	e = find(b, key, now_ms, 1);
	if (e) {
		e->failures++;
		delay = (uint64_t)base_ms << (e->failures - 1 < 20 ? e->failures - 1 : 20);
		e->until_ms = now_ms + (delay < max_ms ? delay : max_ms);
		e->last_ms = now_ms;
	}
	pthread_mutex_unlock(&b->lock);
}
