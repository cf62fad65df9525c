// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Cascade links (cascade.h): lifecycle (cascade_sync), and a link's thread:
 * log in with hubconn, become a port of the hub for the data phase that
 * client sessions run, then back off with jitter and try again.
 */
#include "cascade.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "hub.h"
#include "hubconn.h"
#include "hublog.h"
#include "log.h"
#include "loopguard.h"
#include "session.h"
#include "session_loop.h"
#include "tls.h"

#define LINK_USER "LINK"     /* the port's session name: SID-LINK-<n> in the packet log */
#define CONNECT_TIMEOUT_S 10 /* each step of a login */
#define BACKOFF_FIRST_S 1    /* the first retry; doubles up to RetryInterval */

struct cascade_link {
	struct hub_server *srv;
	char hub[PROTO_NAME_MAX + 1]; /* the local hub */
	struct conf_cascade conf;     /* a copy: the snapshot may go */
	pthread_t tid;
	SSL_CTX *own_tls;	       /* certificate login: its ClientCert and ClientKey */
	int wake_fd;		       /* eventfd: written when the link must end */
	atomic_bool stop;	       /* the link ends (offline, deleted, changed, shutdown) */
	pthread_mutex_t lock;	       /* guards what follows */
	enum cascade_link_state state; /* ESTABLISHED covers BLOCKED: see cascade_status */
	char last_error[256];
	uint64_t since_ms, connects;
	struct session *s;				   /* the port while established */
	uint64_t rx_frames, tx_frames, rx_bytes, tx_bytes; /* of ended connections */
	struct cascade_link *next;
};

const char *cascade_state_name(enum cascade_link_state st)
{
	static const char *const names[] = {"offline",	   "unusable", "connecting",
					    "established", "retrying", "blocked (loop)"};

	return st <= CASCADE_BLOCKED ? names[st] : "?";
}

static void set_state(struct cascade_link *l, enum cascade_link_state st, const char *err)
{
	pthread_mutex_lock(&l->lock);
	l->state = st;
	l->since_ms = hub_now_ms();
	if (err && err[0])
		snprintf(l->last_error, sizeof(l->last_error), "%.250s", err);
	pthread_mutex_unlock(&l->lock);
}

static bool link_stopping(void *ctx)
{
	struct cascade_link *l = ctx;

	/* acquire: pairs with the release store of stop in link_stop */
	return atomic_load_explicit(&l->stop, memory_order_acquire);
}

/* Sleeps ms unless the link must end first; whether it must. */
static bool wait_or_stop(struct cascade_link *l, int ms)
{
	struct pollfd p = {.fd = l->wake_fd, .events = POLLIN};

	if (!link_stopping(l))
		poll(&p, 1, ms);
	return link_stopping(l);
}

/* The port's session, set up like a logged-in client's from the entry's Policy. */
static struct session *port_session(struct cascade_link *l, struct hub *h, struct hubconn *hc)
{
	struct hub_config *cfg = hub_config_get(l->srv);
	const struct conf_hub *ch = config_find_hub(cfg, l->hub);
	struct session *s = calloc(1, sizeof(*s));

	if (!s || !ch || queue_init(&s->queue, cfg->queue_frames, cfg->queue_bytes) != 0) {
		free(s);
		config_put(cfg);
		return NULL;
	}
	s->queue.flood_bytes = &l->srv->flood_bytes;
	s->kind = SESS_CASCADE;
	s->srv = l->srv;
	s->hub = h;
	s->fd = hc->fd;
	s->ssl = hc->ssl;
	/* a SoftEther server takes plain frames: super-frames are segmented (se_dataphase.h) */
	s->softether = l->conf.softether;
	s->caps = l->conf.softether ? 0 : PROTO_CAP_VNET;
	s->id = atomic_fetch_add_explicit(&l->srv->next_id, 1, memory_order_relaxed);
	snprintf(s->user, sizeof(s->user), "%s", LINK_USER);
	snprintf(s->peer, sizeof(s->peer), "%.40s:%u", l->conf.host, l->conf.port);
	fw_session_init(&s->fw, &l->conf.policy, s->user, NULL, false);
	s->port.max_macs = 0; /* a whole site is behind it: only the hub-wide bound */
	s->port.exclusive_ms = l->conf.policy.v[POL_CHECK_MAC] ? SW_EXCLUSIVE_MS : 0;
	s->keepalive_s = hc->keepalive_s;
	s->timeout_s = hc->timeout_s;
	s->cong = cfg->cong;
	if (ch->opt.flooding_quota)
		s->cong.flood_quota = ch->opt.flooding_quota;
	storm_init(&s->storm, ch->opt.storm_threshold, ch->opt.storm_strict,
		   l->conf.policy.v[POL_NO_BROADCAST_LIMITER] != 0);
	s->started_ms = s->established_ms = hub_now_ms();
	s->loop_quarantine_until = s->started_ms + LOOPGUARD_QUARANTINE_MS;
	atomic_init(&s->state, SESS_ESTABLISHED);
	atomic_init(&s->stop, false);
	atomic_init(&s->stop_reason, PROTO_R_NONE);
	config_put(cfg);
	return s;
}

static void keep_counters(struct cascade_link *l, struct session *s)
{
	pthread_mutex_lock(&l->lock);
	l->rx_frames += sess_counter(&s->rx_frames);
	l->tx_frames += sess_counter(&s->tx_frames);
	l->rx_bytes += sess_counter(&s->rx_frame_bytes);
	l->tx_bytes += sess_counter(&s->tx_frame_bytes);
	l->s = NULL;
	pthread_mutex_unlock(&l->lock);
}

/* The data phase as a port of the hub; false when the hub would not take the port. */
static bool run_port(struct cascade_link *l, struct hubconn *hc)
{
	struct hub *h = hub_find(l->srv, l->hub);
	struct session *s = h ? port_session(l, h, hc) : NULL;

	if (!s)
		return false;
	if (!sess_register(l->srv, s)) {
		queue_destroy(&s->queue);
		free(s);
		return false;
	}
	if (hub_attach(h, s, UINT32_MAX, 0) != 0) {
		sess_unlist(s);
		sess_thread_done(l->srv);
		queue_destroy(&s->queue);
		free(s);
		return false;
	}
	pthread_mutex_lock(&l->lock);
	l->s = s;
	l->connects++;
	l->state = CASCADE_ESTABLISHED;
	l->since_ms = hub_now_ms();
	pthread_mutex_unlock(&l->lock);
	/* an offline command between the login and now must reach the session */
	if (link_stopping(l))
		sess_stop(s, PROTO_R_SHUTDOWN);
	log_info("cascade %s (hub %s): connected to hub %s on %s:%u as %s (session %u here, %u "
		 "there)",
		 l->conf.account, l->hub, l->conf.hub, l->conf.host, l->conf.port, l->conf.user,
		 s->id, hc->session_id);
	hublog_session(h->log, s, "cascade %s connected to %s:%u hub %s", l->conf.account,
		       l->conf.host, l->conf.port, l->conf.hub);
	sess_run_established(s);
	keep_counters(l, s);
	sess_unlist(s);
	queue_destroy(&s->queue);
	free(s);
	sess_thread_done(l->srv);
	return true;
}

static void *link_main(void *arg)
{
	struct cascade_link *l = arg;
	const struct conf_cascade *k = &l->conf;
	const struct hubconn_target target = {
	    .protocol = k->softether ? HUBCONN_SOFTETHER : HUBCONN_VPNHUB,
	    .host = k->host,
	    .port = k->port,
	    .hub = k->hub,
	    .user = k->user,
	    .cert_login = k->cert_login,
	    .password = k->has_password ? k->password : NULL,
	    .se_hash = k->se_hash,
	    .proxy = &k->proxy,
	    .bridge = true,
	    .verify = VERIFY_FINGERPRINT,
	    .fingerprint = k->fingerprint,
	    .connect_timeout_s = CONNECT_TIMEOUT_S,
	};
	const struct hubconn_cancel cancel = {.fd = l->wake_fd, .stop = link_stopping, .ctx = l};
	SSL_CTX *tls = l->own_tls ? l->own_tls : l->srv->client_tls;
	uint32_t backoff = BACKOFF_FIRST_S;
	char err[512];

	while (!link_stopping(l)) {
		struct hubconn hc;
		enum hubconn_status st;
		int wait;

		set_state(l, CASCADE_CONNECTING, NULL);
		st = hubconn_open(&target, tls, &cancel, &hc, err, sizeof(err));
		if (st == HUBCONN_STOPPED)
			break;
		if (st == HUBCONN_OK) {
			bool ran = run_port(l, &hc);

			hubconn_close(&hc);
			if (link_stopping(l))
				break;
			snprintf(err, sizeof(err), "%s",
				 ran ? "the link ended" : "the hub would not take the port");
			if (ran)
				backoff = BACKOFF_FIRST_S;
		}
		set_state(l, CASCADE_RETRY, err);
		wait = hubconn_backoff_ms(backoff);
		log_warnx("cascade %s (hub %s): %s; retrying in %.1f s", k->account, l->hub, err,
			  wait / 1000.0);
		if (wait_or_stop(l, wait))
			break;
		backoff = backoff * 2 > k->retry_s ? k->retry_s : backoff * 2;
	}
	set_state(l, CASCADE_OFFLINE, NULL);
	OPENSSL_thread_stop();
	return NULL;
}

/* Asks a link to end: its thread leaves the login or the back-off, its port the data phase. */
static void link_stop(struct cascade_link *l)
{
	uint64_t one = 1;

	/* release: pairs with the acquire load in link_stopping */
	atomic_store_explicit(&l->stop, true, memory_order_release);
	if (write(l->wake_fd, &one, sizeof(one)) < 0)
		log_warn("cascade %s: eventfd", l->conf.account);
	pthread_mutex_lock(&l->srv->lock);
	pthread_mutex_lock(&l->lock);
	if (l->s)
		sess_stop(l->s, PROTO_R_SHUTDOWN);
	pthread_mutex_unlock(&l->lock);
	pthread_mutex_unlock(&l->srv->lock);
}

static void link_free(struct cascade_link *l)
{
	SSL_CTX_free(l->own_tls);
	close(l->wake_fd);
	pthread_mutex_destroy(&l->lock);
	OPENSSL_cleanse(&l->conf, sizeof(l->conf));
	free(l);
}

static void link_start(struct hub_server *srv, const char *hub, const struct conf_cascade *k)
{
	struct cascade_link *l = calloc(1, sizeof(*l));
	char err[256] = "out of memory";

	if (!l || (l->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0) {
		log_warnx("cascade %s (hub %s): cannot start: %s", k->account, hub,
			  l ? strerror(errno) : err);
		free(l);
		return;
	}
	/* a certificate login's own client context: the shared one holds no certificate */
	if (k->cert_login && !(l->own_tls = config_cascade_tls(k, err, sizeof(err)))) {
		log_warnx("cascade %s (hub %s): cannot start: %s", k->account, hub, err);
		close(l->wake_fd);
		free(l);
		return;
	}
	l->srv = srv;
	snprintf(l->hub, sizeof(l->hub), "%s", hub);
	l->conf = *k;
	pthread_mutex_init(&l->lock, NULL);
	atomic_init(&l->stop, false);
	l->since_ms = hub_now_ms();
	if (pthread_create(&l->tid, NULL, link_main, l) != 0) {
		log_warnx("cascade %s (hub %s): cannot start its thread", k->account, hub);
		link_free(l);
		return;
	}
	log_info("cascade %s (hub %s): linking to hub %s on %s:%u", k->account, hub, k->hub,
		 k->host, k->port);
	l->next = srv->cascades;
	srv->cascades = l;
}

/* Whether an entry of cfg still wants the running link l (same hub, same settings, online). */
static bool still_wanted(const struct hub_config *cfg, const struct cascade_link *l)
{
	const struct conf_hub *ch = config_find_hub(cfg, l->hub);
	const struct conf_cascade *k = ch ? config_find_cascade(ch, l->conf.account) : NULL;

	return k && ch->online && k->online && !k->unusable[0] && config_cascade_same(k, &l->conf);
}

static bool running(const struct hub_server *srv, const char *hub, const struct conf_cascade *k)
{
	for (const struct cascade_link *l = srv->cascades; l; l = l->next)
		if (strcasecmp(l->hub, hub) == 0 && strcasecmp(l->conf.account, k->account) == 0)
			return true;
	return false;
}

/* The client TLS context links share (verification is by pinned fingerprint). */
static bool client_tls(struct hub_server *srv)
{
	char err[256];

	if (!srv->client_tls && !(srv->client_tls = tls_client_ctx(NULL, err, sizeof(err))))
		log_warnx("cascades: no TLS client context: %s", err);
	return srv->client_tls != NULL;
}

void cascade_sync(struct hub_server *srv)
{
	struct hub_config *cfg = hub_config_get(srv);
	struct cascade_link **pp;

	pthread_mutex_lock(&srv->cascade_lock);
	for (pp = &srv->cascades; *pp;) {
		struct cascade_link *l = *pp;

		if (still_wanted(cfg, l)) {
			pp = &l->next;
			continue;
		}
		log_info("reload: cascade %s (hub %s) ends", l->conf.account, l->hub);
		link_stop(l);
		pthread_join(l->tid, NULL);
		*pp = l->next;
		link_free(l);
	}
	for (size_t i = 0; i < cfg->nhubs; i++) {
		const struct conf_hub *ch = &cfg->hubs[i];

		for (size_t j = 0; ch->online && j < ch->ncascades; j++) {
			const struct conf_cascade *k = &ch->cascades[j];

			if (k->online && !k->unusable[0] && !running(srv, ch->name, k) &&
			    client_tls(srv))
				link_start(srv, ch->name, k);
		}
	}
	pthread_mutex_unlock(&srv->cascade_lock);
	config_put(cfg);
}

void cascade_free_all(struct hub_server *srv)
{
	pthread_mutex_lock(&srv->cascade_lock);
	for (struct cascade_link *l = srv->cascades; l; l = l->next)
		link_stop(l);
	while (srv->cascades) {
		struct cascade_link *l = srv->cascades;

		pthread_join(l->tid, NULL);
		srv->cascades = l->next;
		link_free(l);
	}
	pthread_mutex_unlock(&srv->cascade_lock);
}

void cascade_status(struct hub_server *srv, const char *hub, const struct conf_cascade *k,
		    struct cascade_status *out)
{
	memset(out, 0, sizeof(*out));
	out->state = k->unusable[0] ? CASCADE_UNUSABLE : CASCADE_OFFLINE;
	snprintf(out->last_error, sizeof(out->last_error), "%s", k->unusable);
	pthread_mutex_lock(&srv->cascade_lock);
	for (struct cascade_link *l = srv->cascades; l; l = l->next) {
		if (strcasecmp(l->hub, hub) != 0 || strcasecmp(l->conf.account, k->account) != 0)
			continue;
		pthread_mutex_lock(&l->lock);
		out->state = l->state;
		snprintf(out->last_error, sizeof(out->last_error), "%s", l->last_error);
		out->since_ms = l->since_ms;
		out->connects = l->connects;
		out->rx_frames = l->rx_frames;
		out->tx_frames = l->tx_frames;
		out->rx_bytes = l->rx_bytes;
		out->tx_bytes = l->tx_bytes;
		if (l->s) {
			out->session = l->s->id;
			out->rx_frames += sess_counter(&l->s->rx_frames);
			out->tx_frames += sess_counter(&l->s->tx_frames);
			out->rx_bytes += sess_counter(&l->s->rx_frame_bytes);
			out->tx_bytes += sess_counter(&l->s->tx_frame_bytes);
			if (loopguard_port_blocked(l->s))
				out->state = CASCADE_BLOCKED;
		}
		pthread_mutex_unlock(&l->lock);
	}
	pthread_mutex_unlock(&srv->cascade_lock);
}
