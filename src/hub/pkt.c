// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reference-counted frames (see pkt.h).
 */
#include "pkt.h"

#include <stdlib.h>
#include <string.h>

struct pkt *pkt_new(const uint8_t *data, uint32_t len, uint8_t flags)
{
	struct pkt *p = malloc(sizeof(*p) + len);

	if (!p)
		return NULL;
	atomic_init(&p->refs, 1);
	p->len = len;
	p->src = 0;
	p->flags = flags;
	p->cls = 0;
	if (data)
		memcpy(p->data, data, len);
	return p;
}

void pkt_get(struct pkt *p)
{
	/* relaxed: a new reference is always taken from an existing one */
	atomic_fetch_add_explicit(&p->refs, 1, memory_order_relaxed);
}

void pkt_put(struct pkt *p)
{
	/* acq_rel pairs with other threads' final puts: the last one sees all writes */
	if (atomic_fetch_sub_explicit(&p->refs, 1, memory_order_acq_rel) == 1)
		free(p);
}
