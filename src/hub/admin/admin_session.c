// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Console clients and the helpers of command handlers (admin_session.h).
 */
#include "admin_session.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "hub.h"

void admin_core_init(struct admin_core *core, struct hub_server *srv)
{
	memset(core, 0, sizeof(*core));
	core->srv = srv;
	pthread_mutex_init(&core->edit_lock, NULL);
	pthread_mutex_init(&core->rate_lock, NULL);
	admin_limiter_init(&core->limiter);
	core->started_ms = hub_now_ms();
	core->rate_ms = core->started_ms;
}

void admin_core_destroy(struct admin_core *core)
{
	pthread_mutex_destroy(&core->edit_lock);
	pthread_mutex_destroy(&core->rate_lock);
	pthread_mutex_destroy(&core->limiter.lock);
}

/* The hub a new client starts with: DEFAULT if it exists, else the first one. */
void admin_select_default_hub(struct admin_session *as)
{
	struct hub_config *cfg = hub_config_get(as->core->srv);
	const struct conf_hub *h = config_find_hub(cfg, "DEFAULT");

	if (!h && cfg->nhubs > 0)
		h = &cfg->hubs[0];
	snprintf(as->hub, sizeof(as->hub), "%s", h ? h->name : "");
	config_put(cfg);
}

void admin_session_init(struct admin_session *as, struct admin_core *core, enum admin_role role,
			const char *peer)
{
	memset(as, 0, sizeof(*as));
	as->core = core;
	as->id.role = role;
	snprintf(as->peer, sizeof(as->peer), "%s", peer);
	if (role == ADMIN_SERVER)
		admin_select_default_hub(as);
}

const char *admin_arg(const struct admin_call *c, int i)
{
	int k = c->arg0 + i;

	return k < c->cl->npos ? c->cl->pos[k] : NULL;
}

int admin_fail(struct admin_call *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->err, c->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

int admin_need_hub(struct admin_call *c, const char **name)
{
	if (!c->as->hub[0])
		return admin_fail(c, "no hub selected: hub select HUB");
	*name = c->as->hub;
	return 0;
}

int admin_parse_uint(struct admin_call *c, const char *what, const char *text, uint32_t max,
		     uint32_t *out)
{
	char *end;
	unsigned long long v;

	errno = 0;
	v = strtoull(text, &end, 10);
	if (!*text || *text == '-' || *end || errno || v > max)
		return admin_fail(c, "%s: expected a number 0..%u, not \"%.40s\"", what, max, text);
	*out = (uint32_t)v;
	return 0;
}
