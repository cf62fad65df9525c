// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The server and its virtual hubs: configuration snapshots, reloads,
 * admission and membership.  Frames are switched in forward.c.
 */
#include "hub.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "hublog.h"
#include "log.h"
#include "logger.h"
#include "session.h"
#include "wallclock.h"

uint64_t hub_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* A new hub with an empty MAC table, appended to srv->hubs; caller holds srv->lock. */
static struct hub *hub_add(struct hub_server *srv, const struct hub_config *cfg, const char *name)
{
	struct hub *h;

	if (srv->nhubs == srv->hubs_cap) {
		size_t cap = srv->hubs_cap ? 2 * srv->hubs_cap : 16;
		struct hub **v = realloc(srv->hubs, cap * sizeof(*v));

		if (!v)
			return NULL;
		srv->hubs = v;
		srv->hubs_cap = cap;
	}
	h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->macs = sw_new(cfg->max_macs, cfg->mac_aging_s * 1000);
	if (!h->macs || fw_hub_init(&h->fw, config_find_hub(cfg, name)) != 0) {
		sw_free(h->macs);
		fw_hub_free(&h->fw);
		free(h);
		return NULL;
	}
	snprintf(h->name, sizeof(h->name), "%s", name);
	h->log = hublog_new(name);
	loopguard_init(&h->lg);
	pthread_mutex_init(&h->lock, NULL);
	list_init(&h->sessions);
	srv->hubs[srv->nhubs++] = h;
	return h;
}

/* Any hub by name, removed ones included; caller holds srv->lock. */
static struct hub *hub_lookup(struct hub_server *srv, const char *name)
{
	for (size_t i = 0; i < srv->nhubs; i++)
		if (strcasecmp(srv->hubs[i]->name, name) == 0)
			return srv->hubs[i];
	return NULL;
}

/* Creates the hubs cfg names that do not exist yet; caller holds srv->lock. */
static int add_new_hubs(struct hub_server *srv, const struct hub_config *cfg)
{
	for (size_t i = 0; i < cfg->nhubs; i++) {
		struct hub *h = hub_lookup(srv, cfg->hubs[i].name);

		if (h) {
			h->removed = false;
			pthread_mutex_lock(&h->lock);
			fw_hub_update(&h->fw, &cfg->hubs[i]);
			pthread_mutex_unlock(&h->lock);
		} else if (!(h = hub_add(srv, cfg, cfg->hubs[i].name))) {
			return -1;
		}
		hublog_configure(h->log, cfg, &cfg->hubs[i]);
	}
	return 0;
}

int hub_server_init(struct hub_server *srv, struct hub_config *cfg)
{
	int rc;

	pthread_mutex_init(&srv->lock, NULL);
	pthread_mutex_init(&srv->bridge_lock, NULL);
	pthread_mutex_init(&srv->cascade_lock, NULL);
	list_init(&srv->all);
	list_init(&srv->pending);
	if (backoff_init(&srv->backoff, cfg->backoff_sources) != 0)
		return -1;
	authfail_init(&srv->authfail);
	pthread_cond_init(&srv->idle, NULL);
	atomic_init(&srv->next_id, 1);
	srv->cfg = cfg;
	pthread_mutex_lock(&srv->lock);
	rc = add_new_hubs(srv, cfg);
	pthread_mutex_unlock(&srv->lock);
	return rc;
}

struct hub_config *hub_config_get(struct hub_server *srv)
{
	struct hub_config *c;

	pthread_mutex_lock(&srv->lock);
	c = srv->cfg;
	/* relaxed: the reference comes from the one srv holds, under the lock */
	atomic_fetch_add_explicit(&c->refs, 1, memory_order_relaxed);
	pthread_mutex_unlock(&srv->lock);
	return c;
}

int hub_user_admissible(const struct conf_hub *h, const struct conf_user *u)
{
	struct policy pol;

	if (u->expire_ms && wallclock_ms() >= u->expire_ms)
		return PROTO_R_EXPIRED;
	config_user_policy(h, u, &pol);
	if (!pol.v[POL_ACCESS])
		return PROTO_R_ACCESS_DENIED;
	return 0;
}

/* The user can still log in the way the session did. */
static bool login_method_holds(const struct conf_user *u, const struct session *s)
{
	if (s->anonymous) /* SoftEther's anonymous login (se_handshake.h) */
		return u->auth_type == 0;
	return conf_user_method(u) == (s->cert ? PROTO_AUTH_CERT : PROTO_AUTH_PASSWORD);
}

/* Why an established session may not stay under the new snapshot, or 0. */
static int session_verdict(const struct conf_hub *ch, const struct session *s)
{
	const struct conf_user *u;
	char why[256];

	if (!ch)
		return PROTO_R_UNKNOWN_HUB;
	if (!ch->online)
		return PROTO_R_HUB_OFFLINE;
	if (!srcacl_admits(ch->srcacl, ch->nsrcacl, (const struct sockaddr *)&s->peer_addr))
		return PROTO_R_SOURCE_DENIED;
	u = config_find_user(ch, s->user);
	if (!u || !login_method_holds(u, s))
		return PROTO_R_ACCOUNT_REMOVED;
	if (s->cert && certauth_check(&ch->certs, &u->cert, u->auth_type, s->cert, s->chain,
				      (time_t)(wallclock_ms() / 1000), why, sizeof(why)) != 0)
		return PROTO_R_CERT_REFUSED;
	return hub_user_admissible(ch, u);
}

/* A reload's policy for a session that stays; caller holds h->lock. */
static void apply_policy(struct hub *h, struct session *s, const struct conf_hub *ch)
{
	struct policy pol;

	config_user_policy(ch, config_find_user(ch, s->user), &pol);
	h->fw.nmonitors -= s->fw.monitor;
	fw_session_update(&s->fw, &pol);
	h->fw.nmonitors += s->fw.monitor;
	s->port.exclusive_ms = pol.v[POL_CHECK_MAC] ? SW_EXCLUSIVE_MS : 0;
}

/* Ends the sessions the new snapshot no longer admits; caller holds srv->lock. */
static void apply_to_sessions(struct hub_server *srv, const struct hub_config *cfg)
{
	for (size_t i = 0; i < srv->nhubs; i++) {
		struct hub *h = srv->hubs[i];
		const struct conf_hub *ch = config_find_hub(cfg, h->name);

		h->removed = ch == NULL;
		struct session *s;

		pthread_mutex_lock(&h->lock);
		list_for_each_entry(s, &h->sessions, hub_link)
		{
			int why;

			if (s->kind != SESS_CLIENT)
				continue; /* bridge_sync and cascade_sync decide */
			why = session_verdict(ch, s);

			if (why) {
				log_info("reload: session %u (%s@%s) ends: %s", s->id, s->user,
					 h->name, proto_reason_str((uint16_t)why));
				sess_stop(s, (uint16_t)why);
			} else {
				apply_policy(h, s, ch);
			}
		}
		pthread_mutex_unlock(&h->lock);
	}
}

int hub_recheck(struct hub_server *srv, const struct hub_config *used, const struct session *s)
{
	int why = 0;

	pthread_mutex_lock(&srv->lock);
	if (srv->cfg != used)
		why = session_verdict(config_find_hub(srv->cfg, s->hub->name), s);
	pthread_mutex_unlock(&srv->lock);
	return why;
}

void hub_server_reconfigure(struct hub_server *srv, struct hub_config *cfg)
{
	struct hub_config *old;

	pthread_mutex_lock(&srv->lock);
	old = srv->cfg;
	srv->cfg = cfg;
	if (add_new_hubs(srv, cfg) != 0)
		log_warnx("reload: out of memory creating hubs");
	apply_to_sessions(srv, cfg);
	pthread_mutex_unlock(&srv->lock);
	config_put(old);
}

uint32_t hub_server_stop(struct hub_server *srv, uint16_t reason, int timeout_ms)
{
	struct timespec deadline;
	struct session *s;
	uint32_t left;

	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += timeout_ms / 1000;
	deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
	if (deadline.tv_nsec >= 1000000000) {
		deadline.tv_sec++;
		deadline.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&srv->lock);
	srv->stopping = true;
	list_for_each_entry(s, &srv->all, all_link) sess_stop(s, reason);
	while (srv->nthreads > 0)
		if (pthread_cond_timedwait(&srv->idle, &srv->lock, &deadline) != 0)
			break;
	left = srv->nthreads;
	pthread_mutex_unlock(&srv->lock);
	if (left > 0)
		log_warnx("%u session threads did not finish in time", left);
	return left;
}

static unsigned long long rd(atomic_ullong *c)
{
	return atomic_load_explicit(c, memory_order_relaxed);
}

/* One line per session of h; caller holds h->lock (sessions stay in the hub). */
static void log_session_stats(struct hub *h)
{
	struct sess_cong_stats cs;
	struct session *s;

	list_for_each_entry(s, &h->sessions, hub_link)
	{
		sess_get_cong_stats(s, &cs);
		sess_log_cong(s, &cs);
	}
}

void hub_server_log_stats(struct hub_server *srv)
{
	pthread_mutex_lock(&srv->lock);
	for (size_t i = 0; i < srv->nhubs; i++) {
		struct hub *h = srv->hubs[i];
		struct hub_stats *st = &h->stats;

		log_info("hub %s: frames in %llu, unicast %llu, flooded %llu; dropped: queue full "
			 "%llu, throttled %llu, flood quota %llu, storm %llu, to sender "
			 "%llu, malformed %llu",
			 h->name, rd(&st->frames_in), rd(&st->unicast), rd(&st->flooded),
			 rd(&st->drops_full), rd(&st->drops_throttled), rd(&st->drops_quota),
			 rd(&st->drops_storm), rd(&st->drops_local), rd(&st->drops_malformed));
		pthread_mutex_lock(&h->lock);
		log_session_stats(h);
		pthread_mutex_unlock(&h->lock);
	}
	log_info("flooded bytes queued, server-wide: %llu", rd(&srv->flood_bytes));
	pthread_mutex_unlock(&srv->lock);
}

void hub_server_free(struct hub_server *srv)
{
	backoff_free(&srv->backoff);
	authfail_destroy(&srv->authfail);
	for (size_t i = 0; i < srv->nhubs; i++) {
		sw_free(srv->hubs[i]->macs);
		hublog_free(srv->hubs[i]->log);
		fw_hub_free(&srv->hubs[i]->fw);
		pthread_mutex_destroy(&srv->hubs[i]->lock);
		free(srv->hubs[i]);
	}
	free(srv->hubs);
	srv->hubs = NULL;
	pthread_mutex_destroy(&srv->bridge_lock);
	pthread_mutex_destroy(&srv->cascade_lock);
	SSL_CTX_free(srv->tls);
	SSL_CTX_free(srv->client_tls);
	config_put(srv->cfg);
	srv->cfg = NULL;
}

void hub_server_security_log(struct hub_server *srv, const char *fmt, ...)
{
	char text[LOGGER_TEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&srv->lock);
	for (size_t i = 0; i < srv->nhubs; i++)
		hublog_security(srv->hubs[i]->log, "%s", text);
	pthread_mutex_unlock(&srv->lock);
}

struct hub *hub_find(struct hub_server *srv, const char *name)
{
	struct hub *h;

	pthread_mutex_lock(&srv->lock);
	h = hub_lookup(srv, name);
	if (h && h->removed)
		h = NULL;
	pthread_mutex_unlock(&srv->lock);
	return h;
}

/* Sessions of user in h; caller holds h->lock. */
static uint32_t logins_of(const struct hub *h, const char *user)
{
	const struct session *s;
	uint32_t n = 0;

	list_for_each_entry(s, &h->sessions, hub_link) n += strcasecmp(s->user, user) == 0;
	return n;
}

int hub_attach(struct hub *h, struct session *s, uint32_t max_sessions, uint32_t max_logins)
{
	pthread_mutex_lock(&h->lock);
	if (h->nsessions >= max_sessions) {
		pthread_mutex_unlock(&h->lock);
		return PROTO_R_HUB_FULL;
	}
	if (max_logins && logins_of(h, s->user) >= max_logins) {
		pthread_mutex_unlock(&h->lock);
		return PROTO_R_MULTI_LOGIN;
	}
	h->fw.nmonitors += s->fw.monitor;
	s->log_name_len = (uint16_t)pktlog_session_name(s->log_name, s->user, s->id);
	list_add(&h->sessions, &s->hub_link);
	h->nsessions++;
	pthread_mutex_unlock(&h->lock);
	return 0;
}

void hub_detach(struct hub *h, struct session *s)
{
	pthread_mutex_lock(&h->lock);
	list_del(&s->hub_link);
	h->nsessions--;
	h->fw.nmonitors -= s->fw.monitor;
	sw_forget_port(h->macs, &s->port);
	ipt_forget_port(h->fw.ips, &s->fw.ips);
	loopguard_forget_port(&h->lg, s->id);
	pthread_mutex_unlock(&h->lock);
}

void hub_report_mac_moves(struct hub_server *srv, uint64_t now_ms)
{
	pthread_mutex_lock(&srv->lock);
	for (size_t i = 0; i < srv->nhubs; i++) {
		struct hub *h = srv->hubs[i];

		pthread_mutex_lock(&h->lock);
		macflap_report(&h->flap, h->name, h->log, now_ms);
		pthread_mutex_unlock(&h->lock);
	}
	pthread_mutex_unlock(&srv->lock);
}
