// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * First-cut hub configuration: listeners, TLS files, timers, queue bounds,
 * virtual hubs and their users with password verifiers.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "kvconf.h"

#define DEFAULT_STATE_DIR "/var/lib/vpnhub"

static void set_defaults(struct hub_config *c)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->state_dir, sizeof(c->state_dir), "%s", DEFAULT_STATE_DIR);
	c->keepalive_s = 5;
	c->timeout_s = 20;
	c->max_sessions = 4096;
	c->hub_max_sessions = 1024;
	c->queue_frames = 2048;
	c->queue_bytes = 4 * 1024 * 1024;
	c->max_macs = 65536;
	c->mac_aging_s = 600;
}

static int add_hub(struct hub_config *c, const char *name, char *err, size_t errlen)
{
	struct cfg_hub *h;

	if (!proto_name_ok(name) || strpbrk(name, " \t")) {
		snprintf(err, errlen, "hub: bad hub name \"%.64s\"", name);
		return -1;
	}
	if (config_find_hub(c, name)) {
		snprintf(err, errlen, "hub: hub \"%s\" defined twice", name);
		return -1;
	}
	if (c->nhubs == CFG_HUBS_MAX) {
		snprintf(err, errlen, "hub: more than %d hubs", CFG_HUBS_MAX);
		return -1;
	}
	h = realloc(c->hubs, (c->nhubs + 1) * sizeof(*h));
	if (!h) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	c->hubs = h;
	h = &c->hubs[c->nhubs++];
	memset(h, 0, sizeof(*h));
	snprintf(h->name, sizeof(h->name), "%s", name);
	return 0;
}

/* "user = HUB NAME VERIFIER" */
static int add_user(struct hub_config *c, const char *value, char *err, size_t errlen)
{
	char hub[PROTO_NAME_MAX + 1], name[PROTO_NAME_MAX + 1], ver[AUTH_VERIFIER_MAX + 1];
	struct cfg_hub *h;
	struct cfg_user *u;

	char extra[2];

	if (sscanf(value, "%255s %255s %256s %1s", hub, name, ver, extra) != 3) {
		snprintf(err, errlen, "user: expected \"HUB NAME VERIFIER\"");
		return -1;
	}
	h = (struct cfg_hub *)config_find_hub(c, hub);
	if (!h) {
		snprintf(err, errlen, "user: hub \"%s\" is not defined (put \"hub = %s\" first)",
			 hub, hub);
		return -1;
	}
	if (!proto_name_ok(name) || config_find_user(h, name)) {
		snprintf(err, errlen, "user: bad or duplicate user name \"%s\" in hub %s", name,
			 hub);
		return -1;
	}
	if (h->nusers == CFG_USERS_MAX) {
		snprintf(err, errlen, "user: more than %d users in hub %s", CFG_USERS_MAX, hub);
		return -1;
	}
	if (h->nusers == h->users_cap) {
		size_t cap = h->users_cap ? 2 * h->users_cap : 8;

		u = realloc(h->users, cap * sizeof(*u));
		if (!u) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		h->users = u;
		h->users_cap = cap;
	}
	u = &h->users[h->nusers];
	snprintf(u->name, sizeof(u->name), "%s", name);
	u->has_verifier = true;
	u->has_se_hash = false;
	if (auth_verifier_parse(ver, &u->verifier) != 0) {
		snprintf(err, errlen,
			 "user %s: bad password verifier (make one with: vpnhub --hash-password)",
			 name);
		return -1;
	}
	h->nusers++;
	return 0;
}

static int on_item(void *ctx, const char *key, const char *value, char *err, size_t errlen)
{
	struct hub_config *c = ctx;

	if (strcmp(key, "listen") == 0) {
		struct cfg_listen *l = &c->listen[c->nlisten];

		if (c->nlisten == CFG_LISTEN_MAX) {
			snprintf(err, errlen, "listen: more than %d listeners", CFG_LISTEN_MAX);
			return -1;
		}
		if (kv_hostport(key, value, CFG_DEFAULT_PORT, l->host, sizeof(l->host), &l->port,
				err, errlen))
			return -1;
		c->nlisten++;
		return 0;
	}
	if (strcmp(key, "hub") == 0)
		return add_hub(c, value, err, errlen);
	if (strcmp(key, "user") == 0)
		return add_user(c, value, err, errlen);
	if (strcmp(key, "certificate") == 0)
		return kv_string(key, value, c->cert_file, sizeof(c->cert_file), err, errlen);
	if (strcmp(key, "key") == 0)
		return kv_string(key, value, c->key_file, sizeof(c->key_file), err, errlen);
	if (strcmp(key, "state_dir") == 0)
		return kv_string(key, value, c->state_dir, sizeof(c->state_dir), err, errlen);
	if (strcmp(key, "keepalive") == 0)
		return kv_uint(key, value, 1, 3600, &c->keepalive_s, err, errlen);
	if (strcmp(key, "timeout") == 0)
		return kv_uint(key, value, 3, 7200, &c->timeout_s, err, errlen);
	if (strcmp(key, "max_sessions") == 0)
		return kv_uint(key, value, 1, 100000, &c->max_sessions, err, errlen);
	if (strcmp(key, "hub_max_sessions") == 0)
		return kv_uint(key, value, 1, 100000, &c->hub_max_sessions, err, errlen);
	if (strcmp(key, "queue_frames") == 0)
		return kv_uint(key, value, 16, 65536, &c->queue_frames, err, errlen);
	if (strcmp(key, "queue_bytes") == 0)
		return kv_uint(key, value, 262144, 256u << 20, &c->queue_bytes, err, errlen);
	if (strcmp(key, "max_macs") == 0)
		return kv_uint(key, value, 16, 1u << 20, &c->max_macs, err, errlen);
	if (strcmp(key, "mac_aging") == 0)
		return kv_uint(key, value, 10, 86400, &c->mac_aging_s, err, errlen);
	snprintf(err, errlen, "unknown key \"%.64s\"", key);
	return -1;
}

int config_load(const char *path, struct hub_config *c, char *err, size_t errlen)
{
	set_defaults(c);
	if (kv_parse_file(path, on_item, c, err, errlen) != 0)
		goto fail;
	if (c->nlisten == 0) {
		snprintf(err, errlen, "%s: no \"listen\" address", path);
		goto fail;
	}
	if (c->nhubs == 0) {
		snprintf(err, errlen, "%s: no \"hub\" defined", path);
		goto fail;
	}
	if (!c->cert_file[0] != !c->key_file[0]) {
		snprintf(err, errlen, "%s: \"certificate\" and \"key\" go together", path);
		goto fail;
	}
	if (c->keepalive_s * 2 > c->timeout_s) {
		snprintf(err, errlen, "%s: timeout (%u s) must be at least twice keepalive (%u s)",
			 path, c->timeout_s, c->keepalive_s);
		goto fail;
	}
	return 0;
fail:
	config_free(c);
	return -1;
}

void config_free(struct hub_config *c)
{
	for (size_t i = 0; i < c->nhubs; i++)
		free(c->hubs[i].users);
	free(c->hubs);
	c->hubs = NULL;
	c->nhubs = 0;
}

const struct cfg_hub *config_find_hub(const struct hub_config *c, const char *name)
{
	for (size_t i = 0; i < c->nhubs; i++)
		if (strcasecmp(c->hubs[i].name, name) == 0)
			return &c->hubs[i];
	return NULL;
}

const struct cfg_user *config_find_user(const struct cfg_hub *h, const char *name)
{
	for (size_t i = 0; i < h->nusers; i++)
		if (strcasecmp(h->users[i].name, name) == 0)
			return &h->users[i];
	return NULL;
}
