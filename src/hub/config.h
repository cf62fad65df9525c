/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The hub's configuration, read once at start-up.  This first cut reads a
 * small "key = value" file (etc/vpnhub.conf, documented in vpnhub(8)); the
 * SoftEther-compatible SoftHUB.cfg reader replaces this module behind the same
 * struct.  Everything here is immutable after config_load.
 */
#ifndef VPN_HUB_CONFIG_H
#define VPN_HUB_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth.h"
#include "proto.h"

#define CFG_LISTEN_MAX 16
#define CFG_HUBS_MAX 256
#define CFG_USERS_MAX 100000
#define CFG_DEFAULT_PORT 5555

struct cfg_listen {
	char host[256];
	uint16_t port;
};

struct cfg_user {
	char name[PROTO_NAME_MAX + 1];
	bool has_verifier; /* our salted verifier: preferred when present */
	struct auth_verifier verifier;
	bool has_se_hash; /* SoftEther's password-equivalent hash (imported users) */
	uint8_t se_hash[AUTH_SE_HASH_LEN];
};

struct cfg_hub {
	char name[PROTO_NAME_MAX + 1];
	struct cfg_user *users;
	size_t nusers, users_cap;
};

struct hub_config {
	struct cfg_listen listen[CFG_LISTEN_MAX];
	size_t nlisten;
	struct cfg_hub *hubs;
	size_t nhubs;
	char cert_file[PATH_MAX];
	char key_file[PATH_MAX];
	char state_dir[PATH_MAX - 64]; /* room for file names inside it */
	uint32_t keepalive_s;	   /* send a keep-alive after this much send silence */
	uint32_t timeout_s;	   /* declare a peer dead after this much receive silence */
	uint32_t max_sessions;	   /* whole server, including handshakes in progress */
	uint32_t hub_max_sessions; /* per virtual hub */
	uint32_t queue_frames;	   /* per-session send queue bounds */
	uint32_t queue_bytes;
	uint32_t max_macs;	   /* per hub */
	uint32_t mac_aging_s;
};

/* Reads path into c (zeroed first); 0, or -1 with "file:line: reason" in err. */
int config_load(const char *path, struct hub_config *c, char *err, size_t errlen);
void config_free(struct hub_config *c);

const struct cfg_hub *config_find_hub(const struct hub_config *c, const char *name);
/* User names are case-insensitive, as in SoftEther. */
const struct cfg_user *config_find_user(const struct cfg_hub *h, const char *name);

#endif
