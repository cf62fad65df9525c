// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Admin console permissions, password checks and the failure limiter.
 */
#include "admin_auth.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sha0.h"

bool admin_may(const struct admin_identity *id, enum admin_need need, const char *hub, char *why,
	       size_t whylen)
{
	if (need == NEED_NOTHING || id->role == ADMIN_SERVER)
		return true;
	if (id->role == ADMIN_NOBODY) {
		snprintf(why, whylen, "not logged in: login [HUB] PASSWORD");
		return false;
	}
	if (need == NEED_SERVER) {
		snprintf(why, whylen, "only the server administrator may do this");
		return false;
	}
	if (!hub || strcasecmp(hub, id->hub) != 0) {
		snprintf(why, whylen, "a hub administrator manages only hub %s", id->hub);
		return false;
	}
	return true;
}

static bool hash_matches(const uint8_t stored[SHA0_LEN], const void *data, size_t len)
{
	uint8_t h[SHA0_LEN];

	sha0(data, len, h);
	return CRYPTO_memcmp(h, stored, SHA0_LEN) == 0;
}

void admin_secure_hash(const char *password, uint8_t out[SHA0_LEN])
{
	struct sha0_ctx c;

	sha0_init(&c);
	sha0_update(&c, password, strlen(password));
	sha0_update(&c, "ADMINISTRATOR", 13);
	sha0_final(&c, out);
}

static bool secure_matches(const uint8_t stored[SHA0_LEN], const char *password)
{
	uint8_t h[SHA0_LEN];

	admin_secure_hash(password, h);
	return CRYPTO_memcmp(h, stored, SHA0_LEN) == 0;
}

bool admin_password_ok(const struct hub_config *c, const char *hub, const char *password,
		       struct admin_identity *id)
{
	const struct conf_hub *h;
	bool ok;

	if (!password[0])
		return false;
	if (!hub) {
		if (!c->has_admin_hash || !hash_matches(c->admin_hash, password, strlen(password)))
			return false;
		id->role = ADMIN_SERVER;
		id->hub[0] = '\0';
		return true;
	}
	h = config_find_hub(c, hub);
	if (!h || !h->has_admin_hash)
		return false;
	/* both compared, so the time does not tell which one matched */
	ok = hash_matches(h->admin_hash, password, strlen(password));
	ok |= secure_matches(h->admin_secure, password);
	if (!ok)
		return false;
	id->role = ADMIN_HUB;
	snprintf(id->hub, sizeof(id->hub), "%s", h->name);
	return true;
}

void admin_limiter_init(struct admin_limiter *l)
{
	pthread_mutex_init(&l->lock, NULL);
	l->window_start_ms = 0;
	l->fails = 0;
}

static void roll(struct admin_limiter *l, uint64_t now_ms)
{
	if (now_ms - l->window_start_ms >= ADMIN_FAIL_WINDOW_MS) {
		l->window_start_ms = now_ms;
		l->fails = 0;
	}
}

bool admin_limiter_allow(struct admin_limiter *l, uint64_t now_ms)
{
	bool ok;

	pthread_mutex_lock(&l->lock);
	roll(l, now_ms);
	ok = l->fails < ADMIN_FAIL_BURST;
	pthread_mutex_unlock(&l->lock);
	return ok;
}

void admin_limiter_fail(struct admin_limiter *l, uint64_t now_ms)
{
	pthread_mutex_lock(&l->lock);
	roll(l, now_ms);
	l->fails++;
	pthread_mutex_unlock(&l->lock);
}
