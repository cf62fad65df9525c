// SPDX-License-Identifier: GPL-2.0-or-later
/* Failed password logins, one log line per source and episode (authfail.h). */
#include "authfail.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "hublog.h"
#include "log.h"

void authfail_init(struct authfail *af)
{
	memset(af->slots, 0, sizeof(af->slots));
	pthread_mutex_init(&af->lock, NULL);
}

void authfail_destroy(struct authfail *af)
{
	pthread_mutex_destroy(&af->lock);
}

/* A source key as logged: an IPv4 address, or an IPv6 /64. */
static void key_text(const uint8_t key[16], char *out, size_t len)
{
	static const uint8_t v4mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
	char addr[INET6_ADDRSTRLEN] = "?";

	if (memcmp(key, v4mapped, 12) == 0) {
		inet_ntop(AF_INET, key + 12, addr, sizeof(addr));
		snprintf(out, len, "%s", addr);
	} else {
		inet_ntop(AF_INET6, key, addr, sizeof(addr));
		snprintf(out, len, "%s/64", addr);
	}
}

static void note_name(struct authfail_entry *e, const char *user)
{
	for (unsigned i = 0; i < e->nnames; i++)
		if (strcasecmp(e->names[i], user) == 0)
			return;
	if (e->nnames == AUTHFAIL_NAMES) {
		e->other_names++;
		return;
	}
	snprintf(e->names[e->nnames++], sizeof(e->names[0]), "%s", user);
}

/* "alice, bob and 3 more" */
static void names_text(const struct authfail_entry *e, char *out, size_t len)
{
	size_t n = 0;

	out[0] = '\0';
	for (unsigned i = 0; i < e->nnames && n < len; i++)
		n += (size_t)snprintf(out + n, len - n, "%s%s", i ? ", " : "", e->names[i]);
	if (e->other_names && n < len)
		snprintf(out + n, len - n, " and %llu more tries of other names",
			 (unsigned long long)e->other_names);
}

/* The line about e's failures since the last one; ended: the episode is over. */
static void summary(struct authfail_entry *e, uint64_t now_ms, bool ended)
{
	char names[AUTHFAIL_NAMES * (PROTO_NAME_MAX + 2) + 64];
	unsigned long long secs = ((ended ? e->last_ms : now_ms) - e->reported_ms + 999) / 1000;

	if (e->count) {
		names_text(e, names, sizeof(names));
		log_warnx("failed logins from %s to hub %s: %llu more in %llu s (users %s); "
			  "%llu in this episode%s",
			  e->source, e->hub, (unsigned long long)e->count, secs, names,
			  (unsigned long long)e->total, ended ? ", which has ended" : " so far");
		hublog_security(e->log,
				"failed logins from %s: %llu more in %llu s (users %s); %llu in "
				"this episode%s",
				e->source, (unsigned long long)e->count, secs, names,
				(unsigned long long)e->total,
				ended ? ", which has ended" : " so far");
	}
	e->count = 0;
	e->nnames = 0;
	e->other_names = 0;
	e->reported_ms = now_ms;
	if (ended)
		e->used = false;
}

/* key's entry for hub, or a free one, or the stalest after its summary. Under af->lock. */
static struct authfail_entry *find(struct authfail *af, const uint8_t key[16], const char *hub,
				   uint64_t now_ms)
{
	struct authfail_entry *victim = NULL;

	for (size_t i = 0; i < AUTHFAIL_SLOTS; i++) {
		struct authfail_entry *e = &af->slots[i];

		if (e->used && memcmp(e->key, key, 16) == 0 && strcasecmp(e->hub, hub) == 0)
			return e;
		if (!victim || (victim->used && (!e->used || e->last_ms < victim->last_ms)))
			victim = e;
	}
	if (victim->used)
		summary(victim, now_ms, true);
	return victim;
}

bool authfail_note(struct authfail *af, const uint8_t key[16], const char *hub, struct hublog *log,
		   const char *user, uint64_t now_ms)
{
	struct authfail_entry *e;
	bool first;

	pthread_mutex_lock(&af->lock);
	e = find(af, key, hub, now_ms);
	first = !e->used;
	if (first) {
		memset(e, 0, sizeof(*e));
		e->used = true;
		memcpy(e->key, key, 16);
		key_text(key, e->source, sizeof(e->source));
		snprintf(e->hub, sizeof(e->hub), "%s", hub);
		e->first_ms = e->reported_ms = now_ms;
	} else {
		e->count++;
		note_name(e, user);
	}
	e->log = log;
	e->total++;
	e->last_ms = now_ms;
	pthread_mutex_unlock(&af->lock);
	return first;
}

void authfail_report(struct authfail *af, uint64_t now_ms)
{
	pthread_mutex_lock(&af->lock);
	for (size_t i = 0; i < AUTHFAIL_SLOTS; i++) {
		struct authfail_entry *e = &af->slots[i];

		if (!e->used)
			continue;
		if (now_ms - e->last_ms >= AUTHFAIL_QUIET_MS)
			summary(e, now_ms, true);
		else if (e->count && now_ms - e->reported_ms >= AUTHFAIL_INTERVAL_MS)
			summary(e, now_ms, false);
	}
	pthread_mutex_unlock(&af->lock);
}
