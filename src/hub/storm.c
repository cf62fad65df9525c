// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Broadcast-storm limiter (see storm.h).
 */
#include "storm.h"

#include <string.h>

void storm_init(struct storm *s, uint32_t threshold, bool strict, bool disabled)
{
	memset(s, 0, sizeof(*s));
	s->threshold = threshold ? threshold : STORM_THRESHOLD_DEFAULT;
	s->strict = strict;
	s->disabled = disabled;
	s->rng = 0x2545f491u;
}

/* Normal mode: all three match; strict: the MAC and either address (SoftEther's rule). */
static bool key_matches(const struct storm *s, const struct storm_key *a, const struct storm_key *b)
{
	bool src = memcmp(a->src_ip, b->src_ip, sizeof(a->src_ip)) == 0;
	bool dst = memcmp(a->dst_ip, b->dst_ip, sizeof(a->dst_ip)) == 0;

	if (memcmp(a->src_mac, b->src_mac, sizeof(a->src_mac)) != 0)
		return false;
	return s->strict ? src || dst : src && dst;
}

/* The key's entry, else the least recently used one, reset for the key. */
static struct storm_entry *entry_for(struct storm *s, const struct storm_key *k, uint64_t now_ms)
{
	struct storm_entry *lru = &s->e[0];

	for (int i = 0; i < STORM_KEYS; i++) {
		struct storm_entry *e = &s->e[i];

		if (e->used && key_matches(s, &e->key, k))
			return e;
		if (!e->used || (lru->used && e->last_ms < lru->last_ms))
			lru = e;
	}
	lru->used = true;
	lru->key = *k;
	lru->count = 0;
	lru->discard = 0;
	lru->start_ms = now_ms;
	return lru;
}

static uint32_t next_random(struct storm *s)
{
	uint32_t x = s->rng;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	s->rng = x;
	return x;
}

/* End of a window: escalate on a storm (and drop this frame), relax otherwise. */
static bool close_window(struct storm_entry *e, uint64_t elapsed, uint64_t threshold)
{
	uint64_t rate = (uint64_t)e->count * 1000 / elapsed;
	uint64_t div = elapsed / STORM_SPAN_MS;

	e->count = 0;
	if (rate >= threshold) {
		if (e->discard < STORM_DISCARD_END)
			e->discard = (e->discard ? e->discard : 1) * 2;
		return true;
	}
	e->discard /= (uint32_t)(div < 2 ? 2 : div > UINT32_MAX ? UINT32_MAX : div);
	return false;
}

/* Counts a frame against e; true when it must be dropped. */
static bool judge(struct storm *s, struct storm_entry *e, uint64_t threshold, uint64_t now_ms)
{
	uint64_t elapsed;

	e->last_ms = now_ms;
	e->count++;
	elapsed = now_ms - e->start_ms;
	if (elapsed >= STORM_SPAN_MS) {
		e->start_ms = now_ms;
		if (close_window(e, elapsed, threshold))
			return true;
	}
	if (e->discard < STORM_DISCARD_START)
		return false;
	return e->discard >= STORM_DISCARD_ALWAYS || next_random(s) % e->discard != 0;
}

bool storm_check(struct storm *s, const struct storm_key *k, uint64_t now_ms)
{
	bool by_key, by_session;

	if (s->disabled)
		return false;
	if (!s->all.used) {
		s->all.used = true;
		s->all.start_ms = now_ms;
	}
	by_key = judge(s, entry_for(s, k, now_ms), s->threshold, now_ms);
	by_session = judge(s, &s->all, (uint64_t)s->threshold * STORM_KEYS, now_ms);
	return by_key || by_session;
}
