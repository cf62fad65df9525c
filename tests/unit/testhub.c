// SPDX-License-Identifier: GPL-2.0-or-later
/* A hub for the unit tests (testhub.h). */
#include "testhub.h"

#include <stdlib.h>

#include "session.h"
#include "suites.h"

struct hub *testhub_new(const struct conf_hub *ch)
{
	struct hub *h = calloc(1, sizeof(*h));

	ck_assert_ptr_nonnull(h);
	snprintf(h->name, sizeof(h->name), "%s", ch->name);
	pthread_mutex_init(&h->lock, NULL);
	list_init(&h->sessions);
	h->macs = sw_new(1024, 600000);
	ck_assert_ptr_nonnull(h->macs);
	ck_assert_int_eq(fw_hub_init(&h->fw, ch), 0);
	return h;
}

void testhub_leave(struct session *s)
{
	hub_detach(s->hub, s);
	queue_destroy(&s->queue);
	free(s);
}

void testhub_free(struct hub *h)
{
	fw_hub_free(&h->fw);
	sw_free(h->macs);
	pthread_mutex_destroy(&h->lock);
	free(h);
}
