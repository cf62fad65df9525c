// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The vpnlan rings from user space.  Ordering follows AF_XDP
 * (net/xdp/xsk_queue.h): the producer loads cons (A), writes slots, then
 * store-releases prod (B); the consumer load-acquires prod (C), reads
 * slots, then store-releases cons (D).  (A) pairs with (D), (B) with (C).
 * Sleeping uses the store-buffering pattern: set the flag, re-read the
 * peer's index; the peer publishes its index, reads the flag.  All four are
 * sequentially consistent (a full barrier on the store, as the module's
 * smp_mb()), so at least one side sees the other: no lost wake-up.  Loads of
 * the peer's index are seq_cst too, which costs nothing over acquire on
 * x86 and arm64; explicit fences would hide the pairing from TSan.
 */
#include "ring.h"

#include <string.h>

static bool fits(uint64_t off, uint64_t len, size_t map_size, uint64_t align)
{
	return off % align == 0 && off <= map_size && len <= map_size - off;
}

int ring_attach(struct ring *r, void *base, size_t map_size, const struct vpnlan_ring_offsets *o,
		uint32_t nslots, uint32_t slot_size)
{
	uint8_t *b = base;

	memset(r, 0, sizeof(*r));
	if (nslots < VPNLAN_SLOTS_MIN || nslots > VPNLAN_SLOTS_MAX || (nslots & (nslots - 1)) ||
	    slot_size < VPNLAN_SLOT_SIZE_MIN || slot_size > VPNLAN_SLOT_SIZE_MAX)
		return -1;
	if (!fits(o->prod, 4, map_size, 4) || !fits(o->prod_flags, 4, map_size, 4) ||
	    !fits(o->cons, 4, map_size, 4) || !fits(o->cons_flags, 4, map_size, 4) ||
	    !fits(o->desc, (uint64_t)nslots * sizeof(struct vpnlan_desc), map_size, 8) ||
	    !fits(o->data, (uint64_t)nslots * slot_size, map_size, 8))
		return -1;
	r->prod = (uint32_t *)(void *)(b + o->prod);
	r->prod_flags = (uint32_t *)(void *)(b + o->prod_flags);
	r->cons = (uint32_t *)(void *)(b + o->cons);
	r->cons_flags = (uint32_t *)(void *)(b + o->cons_flags);
	r->desc = (struct vpnlan_desc *)(void *)(b + o->desc);
	r->data = b + o->data;
	r->nslots = nslots;
	r->slot_size = slot_size;
	r->mask = nslots - 1;
	return 0;
}

static uint8_t *slot_at(const struct ring *r, uint32_t idx)
{
	return r->data + (size_t)(idx & r->mask) * r->slot_size;
}

/* Producer: reads the consumer's index (A) and checks it; free slots or -1. */
static int64_t free_slots(struct ring *r)
{
	/* (A): pairs with the consumer's store of cons (D) in ring_release */
	uint32_t cons = __atomic_load_n(r->cons, __ATOMIC_SEQ_CST);

	if ((uint32_t)(r->own - cons) > r->nslots) {
		r->broken = true;
		return -1;
	}
	r->peer = cons;
	return r->nslots - (r->own - cons);
}

/* Copies n bytes of src to the unit at byte offset off of the frame that starts at slot idx. */
static void put_bytes(struct ring *r, uint32_t idx, size_t off, const uint8_t *src, size_t n)
{
	while (n) {
		size_t in = off % r->slot_size, chunk = r->slot_size - in;

		if (chunk > n)
			chunk = n;
		memcpy(slot_at(r, idx + (uint32_t)(off / r->slot_size)) + in, src, chunk);
		src += chunk;
		off += chunk;
		n -= chunk;
	}
}

int ring_put(struct ring *r, const uint8_t *hdr, size_t hlen, const uint8_t *frame, size_t len)
{
	size_t total = hlen + len;
	uint32_t need = (uint32_t)((total + r->slot_size - 1) / r->slot_size);
	int64_t room;

	if (r->broken || total > VPNLAN_UNIT_MAX || total == 0)
		return -1;
	room = (int64_t)r->nslots - (int64_t)(r->own - r->peer);
	if (room < need && (room = free_slots(r)) < 0)
		return -1;
	if (room < need)
		return 0;
	if (r->flagged) { /* room again: the consumer need not signal any more */
		__atomic_store_n(r->prod_flags, 0, __ATOMIC_RELAXED);
		r->flagged = false;
	}
	put_bytes(r, r->own, 0, hdr, hlen);
	put_bytes(r, r->own, hlen, frame, len);
	for (uint32_t i = 0; i < need; i++) {
		struct vpnlan_desc *d = &r->desc[(r->own + i) & r->mask];
		size_t left = total - (size_t)i * r->slot_size;

		d->len = (uint32_t)(left < r->slot_size ? left : r->slot_size);
		d->flags = i + 1 < need ? VPNLAN_DESC_F_MORE : 0;
	}
	r->own += need;
	return 1;
}

bool ring_publish(struct ring *r)
{
	/* (B): pairs with the consumer's load of prod (C) in used_slots */
	__atomic_store_n(r->prod, r->own, __ATOMIC_SEQ_CST);
	/* then the flag: pairs with the consumer's NEED_WAKEUP store in ring_sleep */
	return __atomic_load_n(r->cons_flags, __ATOMIC_SEQ_CST) & VPNLAN_RING_NEED_WAKEUP;
}

bool ring_wait_space(struct ring *r, size_t unit_len)
{
	uint32_t need = (uint32_t)((unit_len + r->slot_size - 1) / r->slot_size);
	int64_t room;

	if (r->broken)
		return false;
	/* pairs with the consumer's load of prod_flags after (D) in ring_release */
	__atomic_store_n(r->prod_flags, VPNLAN_RING_NEED_SPACE, __ATOMIC_SEQ_CST);
	room = free_slots(r);
	r->flagged = room >= 0 && room < need;
	if (!r->flagged)
		__atomic_store_n(r->prod_flags, 0, __ATOMIC_RELAXED);
	return r->flagged;
}

/* Consumer: frames waiting, reading prod (C) again only when the cached one is used up. */
static int64_t used_slots(struct ring *r)
{
	uint32_t prod;

	if (r->own != r->peer)
		return r->peer - r->own;
	prod = __atomic_load_n(r->prod, __ATOMIC_SEQ_CST); /* (C): pairs with (B) in ring_publish */
	if ((uint32_t)(prod - r->own) > r->nslots) {
		r->broken = true;
		return -1;
	}
	r->peer = prod;
	return prod - r->own;
}

/* Copies the frame's descriptors once; slots it spans, or -1 when they break a rule. */
static int read_chain(struct ring *r, uint32_t avail, uint32_t *lens, size_t *total)
{
	*total = 0;
	for (uint32_t i = 0; i < avail && i < VPNLAN_CHAIN_MAX; i++) {
		const struct vpnlan_desc *d = &r->desc[(r->own + i) & r->mask];
		/* read once (the peer may rewrite them); ordered after (C) */
		uint32_t len = __atomic_load_n(&d->len, __ATOMIC_RELAXED);
		uint32_t flags = __atomic_load_n(&d->flags, __ATOMIC_RELAXED);

		if (len > r->slot_size)
			return -1;
		lens[i] = len;
		*total += len;
		if (!(flags & VPNLAN_DESC_F_MORE))
			return *total > VPNLAN_UNIT_MAX ? -1 : (int)i + 1;
	}
	return -1;
}

ssize_t ring_get(struct ring *r, uint8_t *buf, size_t cap)
{
	uint32_t lens[VPNLAN_CHAIN_MAX];
	int64_t avail;
	size_t total, off = 0;
	int n;

	if (r->broken || (avail = used_slots(r)) < 0)
		return -1;
	if (avail == 0)
		return 0;
	if (r->flagged) { /* awake again: the producer need not signal any more */
		__atomic_store_n(r->cons_flags, 0, __ATOMIC_RELAXED);
		r->flagged = false;
	}
	n = read_chain(r, (uint32_t)avail, lens, &total);
	if (n < 0 || total > cap) {
		r->broken = true;
		return -1;
	}
	for (int i = 0; i < n; i++) {
		memcpy(buf + off, slot_at(r, r->own + (uint32_t)i), lens[i]);
		off += lens[i];
	}
	r->own += (uint32_t)n;
	return (ssize_t)total;
}

bool ring_release(struct ring *r)
{
	/* (D): pairs with the producer's load of cons (A) in free_slots */
	__atomic_store_n(r->cons, r->own, __ATOMIC_SEQ_CST);
	/* then the flag: pairs with the producer's NEED_SPACE store in ring_wait_space */
	return __atomic_load_n(r->prod_flags, __ATOMIC_SEQ_CST) & VPNLAN_RING_NEED_SPACE;
}

bool ring_sleep(struct ring *r)
{
	int64_t avail;

	/* pairs with the producer's load of cons_flags after (B) in ring_publish */
	__atomic_store_n(r->cons_flags, VPNLAN_RING_NEED_WAKEUP, __ATOMIC_SEQ_CST);
	avail = used_slots(r);
	r->flagged = avail == 0;
	if (!r->flagged)
		__atomic_store_n(r->cons_flags, 0, __ATOMIC_RELAXED);
	return r->flagged;
}
