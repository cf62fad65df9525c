// SPDX-License-Identifier: GPL-2.0
/*
 * The shared area's layout and the kernel's side of both rings.  Every word
 * user space can write is read once into a local and checked before use.
 */
#include <linux/mm.h>
#include <linux/skbuff.h>

#include "vpnlan.h"

/* The ABI's layout, rounded up to whole pages for mmap. */
size_t vpnlan_map_layout(struct vpnlan_setup *s)
{
	s->map_size = PAGE_ALIGN(vpnlan_layout(s));
	return s->map_size;
}

void vpnlan_kring_init(struct vpnlan_kring *r, void *area, const struct vpnlan_ring_offsets *o,
		       const struct vpnlan_setup *s)
{
	u8 *base = area;

	r->prod = (u32 *)(base + o->prod);
	r->prod_flags = (u32 *)(base + o->prod_flags);
	r->cons = (u32 *)(base + o->cons);
	r->cons_flags = (u32 *)(base + o->cons_flags);
	r->desc = (struct vpnlan_desc *)(base + o->desc);
	r->data = base + o->data;
	r->nslots = s->nslots;
	r->slot_size = s->slot_size;
	r->mask = s->nslots - 1;
	r->own = 0;
	r->max_chain = vpnlan_slots_for(r, VPNLAN_UNIT_MAX);
}

u32 vpnlan_slots_for(const struct vpnlan_kring *r, u32 bytes)
{
	return bytes ? DIV_ROUND_UP(bytes, r->slot_size) : 1;
}

/* tx (kernel produces): free slots, or -EINVAL when user space's cons is impossible. */
int vpnlan_tx_space(struct vpnlan_kring *r, u32 *space)
{
	/* (A): pairs with user space's release of cons (D), ring_release() */
	u32 cons = smp_load_acquire(r->cons);
	u32 used = r->own - cons;

	if (used > r->nslots)
		return -EINVAL;
	*space = r->nslots - used;
	return 0;
}

/* Copies [hdr][skb] into consecutive slots from r->own on and publishes them. */
int vpnlan_tx_put(struct vpnlan_kring *r, const void *hdr, unsigned int hdr_len,
		  const struct sk_buff *skb)
{
	u32 total = hdr_len + skb->len, off = 0, idx = r->own;

	while (off < total) {
		u32 n = min(total - off, r->slot_size), done = 0;
		u8 *slot = r->data + (size_t)(idx & r->mask) * r->slot_size;
		struct vpnlan_desc *d = &r->desc[idx & r->mask];

		if (off < hdr_len) {
			done = min(n, hdr_len - off);
			memcpy(slot, (const u8 *)hdr + off, done);
		}
		if (done < n && skb_copy_bits(skb, off + done - hdr_len, slot + done, n - done))
			return -EFAULT;
		WRITE_ONCE(d->len, n);
		WRITE_ONCE(d->flags, off + n < total ? VPNLAN_DESC_F_MORE : 0);
		off += n;
		idx++;
	}
	r->own = idx;
	/* (B): slots and descriptors before the index; pairs with user space's (C) */
	smp_store_release(r->prod, idx);
	return 0;
}

/*
 * rx (kernel consumes): copies the descriptors of the frame at r->own into c,
 * once.  avail = prod - own, already checked against nslots.  -EINVAL when the
 * chain breaks a rule (too long, runs past prod, a slot length above slot_size).
 */
int vpnlan_rx_peek(const struct vpnlan_kring *r, u32 avail, struct vpnlan_chain *c)
{
	u32 i;

	c->nslots = 0;
	c->len = 0;
	for (i = 0; i < avail && i < r->max_chain && i < VPNLAN_CHAIN_MAX; i++) {
		const struct vpnlan_desc *d = &r->desc[(r->own + i) & r->mask];
		u32 len = READ_ONCE(d->len), flags = READ_ONCE(d->flags);

		c->nslots = i + 1;
		if (len > r->slot_size)
			return -EINVAL;
		c->lens[i] = len;
		c->len += len;
		if (!(flags & VPNLAN_DESC_F_MORE))
			return c->len > VPNLAN_UNIT_MAX ? -EINVAL : 0;
	}
	return -EINVAL;
}

/* Copies bytes [off, off + n) of the peeked frame; the caller checked off + n <= c->len. */
void vpnlan_rx_copy(const struct vpnlan_kring *r, const struct vpnlan_chain *c, u32 off, void *dst,
		    u32 n)
{
	u8 *out = dst;
	u32 i;

	for (i = 0; i < c->nslots && n; i++) {
		const u8 *slot = r->data + (size_t)((r->own + i) & r->mask) * r->slot_size;
		u32 chunk;

		if (off >= c->lens[i]) {
			off -= c->lens[i];
			continue;
		}
		chunk = min(n, c->lens[i] - off);
		memcpy(out, slot + off, chunk);
		out += chunk;
		n -= chunk;
		off = 0;
	}
}
