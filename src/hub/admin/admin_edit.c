// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Admin console commands that change the configuration.  Each one, under
 * the core's edit lock: read SoftHUB.cfg's tree (comments and unknown items
 * kept), change it, build a snapshot from it (the same checks as start-up:
 * a change that would make the file invalid is refused and nothing is
 * written), save it atomically (previous file kept as .bak) and swap the
 * snapshot in, which ends the sessions the change no longer admits.
 */
#include <arpa/inet.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "admin_cmd_impl.h"
#include "admin_out.h"
#include "bridge.h"
#include "cascade.h"
#include "hub.h"
#include "cfg.h"
#include "hublog.h"
#include "log.h"
#include "sha0.h"
#include "srcacl.h"

int admin_edit(struct admin_call *c, admin_edit_fn fn)
{
	struct admin_core *core = c->as->core;
	struct hub_config *cur, *next;
	struct cfg_folder *root = NULL;
	char path[PATH_MAX], done[300] = "", why[1024];
	int rc = -1;

	pthread_mutex_lock(&core->edit_lock);
	cur = hub_config_get(core->srv);
	snprintf(path, sizeof(path), "%s", cur->path);
	config_put(cur);
	if (cfg_read_file(path, &root, c->err, c->errlen) != 0 || fn(c, root, done, sizeof(done)))
		goto out;
	next = config_from_tree(root, path, why, sizeof(why));
	if (!next) {
		admin_fail(c, "refused, the configuration would not load: %s", why);
		goto out;
	}
	if (config_save_tree(root, path, true, c->err, c->errlen) != 0) {
		config_put(next);
		goto out;
	}
	hub_server_reconfigure(core->srv, next);
	bridge_sync(core->srv);
	cascade_sync(core->srv);
	log_info("admin console: %s: %s", c->as->peer, done);
	out_printf(c->out, "%s (saved to %s)\n", done, path);
	rc = 0;
out:
	pthread_mutex_unlock(&core->edit_lock);
	cfg_free(root);
	return rc;
}

/* root/VirtualHUB/name, or NULL with a message. */
static struct cfg_folder *hub_folder(struct admin_call *c, struct cfg_folder *root,
				     const char *name)
{
	struct cfg_folder *f = cfg_find_folder(cfg_find_folder(root, "VirtualHUB"), name);

	if (!f)
		admin_fail(c, "no hub %.64s", name);
	return f;
}

static struct cfg_folder *selected_hub_folder(struct admin_call *c, struct cfg_folder *root)
{
	const char *name;

	if (admin_need_hub(c, &name) != 0)
		return NULL;
	return hub_folder(c, root, name);
}

/* The selected hub's SecurityAccountDatabase/list ("UserList", "GroupList"), created if absent. */
static struct cfg_folder *account_list(struct admin_call *c, struct cfg_folder *root,
				       const char *list)
{
	struct cfg_folder *h = selected_hub_folder(c, root), *db;

	if (!h || !(db = cfg_add_folder(h, "SecurityAccountDatabase", c->err, c->errlen)))
		return NULL;
	return cfg_add_folder(db, list, c->err, c->errlen);
}

/* The entry name of list; must (or must not) exist. */
static struct cfg_folder *entry(struct admin_call *c, struct cfg_folder *list, const char *kind,
				const char *name, bool create)
{
	struct cfg_folder *f;

	if (!list)
		return NULL;
	if (!proto_name_ok(name) || strlen(name) > CFG_NAME_MAX) {
		admin_fail(c, "bad %s name (1..%d bytes, no control characters)", kind,
			   PROTO_NAME_MAX);
		return NULL;
	}
	f = cfg_find_folder(list, name);
	if (create && f) {
		admin_fail(c, "%s %.64s exists already", kind, name);
		return NULL;
	}
	if (!create && !f) {
		admin_fail(c, "no %s %.64s in hub %s", kind, name, c->as->hub);
		return NULL;
	}
	return create ? cfg_add_folder(list, name, c->err, c->errlen) : f;
}

static int set_text(struct admin_call *c, struct cfg_folder *f, const char *item, const char *value)
{
	if (strlen(value) >= CONF_TEXT_MAX)
		return admin_fail(c, "%s: at most %d bytes", item, CONF_TEXT_MAX - 1);
	return cfg_set_string(f, item, value, strlen(value), c->err, c->errlen);
}

/* "never", "YYYY-MM-DD" or "YYYY-MM-DDTHH:MM:SS" (UTC) as ms since 1970. */
static int parse_expiry(struct admin_call *c, const char *text, uint64_t *ms)
{
	struct tm tm;
	const char *end;
	time_t t;

	if (strcasecmp(text, "never") == 0) {
		*ms = 0;
		return 0;
	}
	memset(&tm, 0, sizeof(tm));
	end = strptime(text, "%Y-%m-%d", &tm);
	if (end && *end == 'T')
		end = strptime(end + 1, "%H:%M:%S", &tm);
	if (!end || *end || (t = timegm(&tm)) <= 0)
		return admin_fail(c, "--expire: expected never, YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS");
	*ms = (uint64_t)t * 1000;
	return 0;
}

static void drop_items(struct cfg_folder *u, const char *const *names)
{
	for (; *names; names++)
		cfg_delete_item(u, *names);
}

static const char *const password_items[] = {
    "AuthPassword",
    "AuthNtLmSecureHash",
    "AuthVerifierIterations",
    "AuthVerifierSalt",
    "AuthVerifierStoredKey",
    "AuthVerifierServerKey",
    NULL,
};
static const char *const cert_items[] = {"AuthUserCert", "AuthCommonName", "AuthSerial", NULL};

/* --cert BASE64: one DER certificate (vpnhubctl turns --cert @FILE.pem into it). */
int admin_b64_decode(const char *b64, uint8_t *out, size_t cap)
{
	size_t n = strlen(b64);
	int len = n > 0 && n % 4 == 0 && n / 4 * 3 <= cap
		      ? EVP_DecodeBlock(out, (const unsigned char *)b64, (int)n)
		      : -1;

	/* DecodeBlock counts the padding as data */
	len -= len > 0 && b64[n - 1] == '=' ? 1 + (b64[n - 2] == '=') : 0;
	return len;
}

static int set_user_cert(struct admin_call *c, struct cfg_folder *u, const char *b64)
{
	uint8_t der[ADMIN_LINE_MAX];
	const uint8_t *p = der;
	int len = admin_b64_decode(b64, der, sizeof(der));
	X509 *x = len > 0 ? d2i_X509(NULL, &p, len) : NULL;

	X509_free(x);
	if (!x || p != der + len)
		return admin_fail(c, "--cert: not one certificate (give @FILE.pem to vpnhubctl, or "
				     "its DER in Base64)");
	drop_items(u, password_items);
	drop_items(u, cert_items);
	return cfg_set_uint(u, "AuthType", 2, c->err, c->errlen) ||
	       cfg_set_byte(u, "AuthUserCert", der, (size_t)len, c->err, c->errlen);
}

/* --cn NAME and/or --serial HEX ("" or any: no condition): AuthType 3. */
static int set_user_signed(struct admin_call *c, struct cfg_folder *u, const char *cn,
			   const char *serial)
{
	uint8_t bytes[CERTAUTH_SERIAL_MAX];
	size_t nbytes = 0;

	if (cn && strcasecmp(cn, "any") == 0)
		cn = "";
	if (serial && strcasecmp(serial, "any") == 0)
		serial = "";
	if (serial && serial[0]) {
		char even[2 * CERTAUTH_SERIAL_MAX + 2];
		size_t len = strlen(serial);

		if (len > 2 * sizeof(bytes) || strspn(serial, "0123456789abcdefABCDEF") != len)
			return admin_fail(c, "--serial: hexadecimal digits, at most %zu",
					  2 * sizeof(bytes));
		snprintf(even, sizeof(even), "%s%s", len % 2 ? "0" : "", serial);
		nbytes = strlen(even) / 2;
		for (size_t i = 0; i < nbytes; i++)
			bytes[i] =
			    (uint8_t)strtoul((char[]){even[2 * i], even[2 * i + 1], 0}, NULL, 16);
	}
	if (cn && cn[0] && (strlen(cn) > PROTO_NAME_MAX || !proto_name_ok(cn)))
		return admin_fail(c, "--cn: 1..255 bytes without control characters");
	drop_items(u, password_items);
	cfg_delete_item(u, "AuthUserCert");
	if (cfg_set_uint(u, "AuthType", 3, c->err, c->errlen) ||
	    (cn && cfg_set_string(u, "AuthCommonName", cn, strlen(cn), c->err, c->errlen)))
		return -1;
	if (serial && !serial[0])
		cfg_delete_item(u, "AuthSerial");
	else if (serial && cfg_set_byte(u, "AuthSerial", bytes, nbytes, c->err, c->errlen))
		return -1;
	return 0;
}

/* --auth password|cert|signed, --cert, --cn, --serial: how the user logs in. */
static int apply_auth_options(struct admin_call *c, struct cfg_folder *u)
{
	const char *auth = admin_opt_get(c->cl, "auth");
	const char *cert = admin_opt_get(c->cl, "cert");
	const char *cn = admin_opt_get(c->cl, "cn"), *serial = admin_opt_get(c->cl, "serial");

	if (auth && strcasecmp(auth, "password") != 0 && strcasecmp(auth, "cert") != 0 &&
	    strcasecmp(auth, "signed") != 0)
		return admin_fail(c, "--auth: password, cert or signed");
	if (cert && (cn || serial))
		return admin_fail(c, "--cert (AuthType 2) and --cn/--serial (AuthType 3) exclude "
				     "each other");
	if (cert || (auth && strcasecmp(auth, "cert") == 0)) {
		if (!cert)
			return admin_fail(c, "--auth cert needs --cert @FILE.pem");
		return set_user_cert(c, u, cert);
	}
	if (cn || serial || (auth && strcasecmp(auth, "signed") == 0))
		return set_user_signed(c, u, cn ? cn : (auth ? "" : NULL), serial);
	if (auth) { /* password: the certificate items go; the password comes with user passwd */
		drop_items(u, cert_items);
		return cfg_set_uint(u, "AuthType", 1, c->err, c->errlen);
	}
	return 0;
}

/* --group --realname --note --expire onto a user folder. */
static int apply_user_options(struct admin_call *c, struct cfg_folder *root, struct cfg_folder *u)
{
	const char *group = admin_opt_get(c->cl, "group");
	const char *realname = admin_opt_get(c->cl, "realname");
	const char *note = admin_opt_get(c->cl, "note");
	const char *expire = admin_opt_get(c->cl, "expire");
	uint64_t ms = 0;

	if (group && group[0] && !cfg_find_folder(account_list(c, root, "GroupList"), group))
		return admin_fail(c, "no group %.64s in hub %s", group, c->as->hub);
	if ((group && set_text(c, u, "GroupName", group)) ||
	    (realname && set_text(c, u, "RealName", realname)) ||
	    (note && set_text(c, u, "Note", note)))
		return -1;
	if (expire &&
	    (parse_expiry(c, expire, &ms) || cfg_set_time(u, "ExpireTime", ms, c->err, c->errlen)))
		return -1;
	return 0;
}

int edit_user_add(struct admin_call *c, struct cfg_folder *root, char *done, size_t n)
{
	const char *name = admin_arg(c, 0);
	struct cfg_folder *u = entry(c, account_list(c, root, "UserList"), "user", name, true);

	uint32_t type = 1;

	if (!u || cfg_set_uint(u, "AuthType", 1, c->err, c->errlen) ||
	    apply_user_options(c, root, u) || apply_auth_options(c, u))
		return -1;
	(void)cfg_get_uint(u, "AuthType", 1, &type, c->err, c->errlen);
	snprintf(done, n, "user %s added to hub %s (%s)", name, c->as->hub,
		 type == 1   ? "no password yet: user passwd"
		 : type == 2 ? "logs in with its certificate (AuthType 2)"
			     : "logs in with a certificate of a trusted CA (AuthType 3)");
	return 0;
}

int edit_user_set(struct admin_call *c, struct cfg_folder *root, char *done, size_t n)
{
	const char *name = admin_arg(c, 0);
	struct cfg_folder *u = entry(c, account_list(c, root, "UserList"), "user", name, false);

	if (!u)
		return -1;
	if (c->cl->nopt == 0)
		return admin_fail(c,
				  "nothing to set: --group, --realname, --note, --expire, --auth, "
				  "--cert, --cn or --serial");
	if (apply_user_options(c, root, u) || apply_auth_options(c, u))
		return -1;
	snprintf(done, n, "user %s of hub %s changed", name, c->as->hub);
	return 0;
}

int edit_user_delete(struct admin_call *c, struct cfg_folder *root, char *done, size_t n)
{
	const char *name = admin_arg(c, 0);
	struct cfg_folder *list = account_list(c, root, "UserList");

	if (!entry(c, list, "user", name, false))
		return -1;
	cfg_delete_folder(list, name);
	snprintf(done, n, "user %s deleted from hub %s", name, c->as->hub);
	return 0;
}

/* Stores a salted verifier; SoftEther's password-equivalent hashes go. */
int edit_user_passwd(struct admin_call *c, struct cfg_folder *root, char *done, size_t n)
{
	const char *name = admin_arg(c, 0), *pw = admin_arg(c, 1);
	struct cfg_folder *u = entry(c, account_list(c, root, "UserList"), "user", name, false);
	struct auth_verifier v;

	if (!u)
		return -1;
	if (!pw[0] || strlen(pw) > 255)
		return admin_fail(c, "a password has 1..255 bytes");
	if (auth_verifier_make(pw, AUTH_ITER_DEFAULT, &v) != 0)
		return admin_fail(c, "cannot compute the verifier");
	if (cfg_set_uint(u, "AuthType", 1, c->err, c->errlen) ||
	    cfg_set_uint(u, "AuthVerifierIterations", v.iterations, c->err, c->errlen) ||
	    cfg_set_byte(u, "AuthVerifierSalt", v.salt, v.salt_len, c->err, c->errlen) ||
	    cfg_set_byte(u, "AuthVerifierStoredKey", v.stored_key, AUTH_KEY_LEN, c->err,
			 c->errlen) ||
	    cfg_set_byte(u, "AuthVerifierServerKey", v.server_key, AUTH_KEY_LEN, c->err, c->errlen))
		return -1;
	cfg_delete_item(u, "AuthPassword");
	cfg_delete_item(u, "AuthNtLmSecureHash");
	drop_items(u, cert_items);
	snprintf(done, n, "password of user %s in hub %s set", name, c->as->hub);
	return 0;
}

static int apply_group_options(struct admin_call *c, struct cfg_folder *g)
{
	const char *realname = admin_opt_get(c->cl, "realname");
	const char *note = admin_opt_get(c->cl, "note");

	if ((realname && set_text(c, g, "RealName", realname)) ||
	    (note && set_text(c, g, "Note", note)))
		return -1;
	return 0;
}

int edit_group_add(struct admin_call *c, struct cfg_folder *root, char *done, size_t n)
{
	const char *name = admin_arg(c, 0);
	struct cfg_folder *g = entry(c, account_list(c, root, "GroupList"), "group", name, true);

	if (!g || apply_group_options(c, g))
		return -1;
	snprintf(done, n, "group %s added to hub %s", name, c->as->hub);
	return 0;
}

int edit_group_set(struct admin_call *c, struct cfg_folder *root, char *done, size_t n)
{
	const char *name = admin_arg(c, 0);
	struct cfg_folder *g = entry(c, account_list(c, root, "GroupList"), "group", name, false);

	if (!g)
		return -1;
	if (c->cl->nopt == 0)
		return admin_fail(c, "nothing to set: --realname or --note");
	if (apply_group_options(c, g))
		return -1;
	snprintf(done, n, "group %s of hub %s changed", name, c->as->hub);
	return 0;
}

/* Deleting a group takes its members out of it, as SoftEther does. */
int edit_group_delete(struct admin_call *c, struct cfg_folder *root, char *done, size_t n)
{
	const char *name = admin_arg(c, 0);
	struct cfg_folder *list = account_list(c, root, "GroupList");
	struct cfg_folder *users = account_list(c, root, "UserList");
	const char *g;
	size_t moved = 0;

	if (!entry(c, list, "group", name, false) || !users)
		return -1;
	for (size_t i = 0; i < users->nfolders; i++) {
		if (cfg_get_string(users->folders[i], "GroupName", "", &g, NULL, c->err,
				   c->errlen) == 0 &&
		    cfg_name_cmp(g, name) == 0) {
			cfg_delete_item(users->folders[i], "GroupName");
			moved++;
		}
	}
	cfg_delete_folder(list, name);
	snprintf(done, n, "group %s deleted from hub %s (%zu members now in no group)", name,
		 c->as->hub, moved);
	return 0;
}

/* The user's or group's folder named by "policy ... user|group NAME". */
static struct cfg_folder *policy_owner(struct admin_call *c, struct cfg_folder *root, bool *user)
{
	const char *kind = admin_arg(c, 0), *name = admin_arg(c, 1);

	*user = strcasecmp(kind, "user") == 0;
	if (!*user && strcasecmp(kind, "group") != 0) {
		admin_fail(c, "policy: say user or group, not \"%.20s\"", kind);
		return NULL;
	}
	return entry(c, account_list(c, root, *user ? "UserList" : "GroupList"),
		     *user ? "user" : "group", name, false);
}

/* What applies to the owner now, to seed a Policy folder it does not have yet. */
static void current_policy(struct admin_call *c, bool user, const char *name, struct policy *out)
{
	struct hub_config *cfg = hub_config_get(c->as->core->srv);
	const struct conf_hub *h = config_find_hub(cfg, c->as->hub);
	const struct conf_user *u = h && user ? config_find_user(h, name) : NULL;
	const struct conf_group *g = h && !user ? config_find_group(h, name) : NULL;

	if (u)
		config_user_policy(h, u, out);
	else
		policy_resolve(NULL, g && g->has_policy ? &g->policy : NULL, out);
	config_put(cfg);
}

static int parse_policy_value(struct admin_call *c, int item, const char *text, uint32_t *v)
{
	static const char *const yes[] = {"true", "yes", "on", "1"};
	static const char *const no[] = {"false", "no", "off", "0"};

	if (!policy_items[item].is_bool)
		return admin_parse_uint(c, policy_items[item].name, text, UINT32_MAX, v);
	for (int i = 0; i < 4; i++) {
		if (strcasecmp(text, yes[i]) == 0 || strcasecmp(text, no[i]) == 0) {
			*v = strcasecmp(text, yes[i]) == 0;
			return 0;
		}
	}
	return admin_fail(c, "%s: expected true or false", policy_items[item].name);
}

int edit_policy_set(struct admin_call *c, struct cfg_folder *root, char *done, size_t n)
{
	const char *item = admin_arg(c, 2), *value = admin_arg(c, 3);
	int idx = policy_find(item);
	struct cfg_folder *owner, *pf;
	struct policy pol;
	bool user;
	uint32_t v;

	if (idx < 0)
		return admin_fail(c, "no policy item %.40s (see policy show)", item);
	if (!(owner = policy_owner(c, root, &user)) || parse_policy_value(c, idx, value, &v))
		return -1;
	/* SoftEther reads an absent item of a Policy folder as 0: write every item */
	current_policy(c, user, owner->name, &pol);
	if (policy_set(&pol, idx, v, c->err, c->errlen) != 0 ||
	    !(pf = cfg_add_folder(owner, "Policy", c->err, c->errlen)))
		return -1;
	for (int i = 0; i < POL_COUNT; i++) {
		int rc = policy_items[i].is_bool
			     ? cfg_set_bool(pf, policy_items[i].name, pol.v[i], c->err, c->errlen)
			     : cfg_set_uint(pf, policy_items[i].name, pol.v[i], c->err, c->errlen);

		if (rc != 0)
			return -1;
	}
	snprintf(done, n, "policy %s of %s %s in hub %s set to %u", policy_items[idx].name,
		 user ? "user" : "group", owner->name, c->as->hub, pol.v[idx]);
	return 0;
}

int edit_policy_clear(struct admin_call *c, struct cfg_folder *root, char *done, size_t n)
{
	struct cfg_folder *owner;
	bool user;

	if (!(owner = policy_owner(c, root, &user)))
		return -1;
	if (cfg_delete_folder(owner, "Policy") != 0)
		return admin_fail(c, "%s %s has no policy of its own", user ? "user" : "group",
				  owner->name);
	snprintf(done, n, "%s %s of hub %s: own policy removed", user ? "user" : "group",
		 owner->name, c->as->hub);
	return 0;
}

static int set_online(struct admin_call *c, struct cfg_folder *root, bool online, char *done,
		      size_t n)
{
	struct cfg_folder *h = selected_hub_folder(c, root);

	if (!h || cfg_set_bool(h, "Online", online, c->err, c->errlen))
		return -1;
	snprintf(done, n, "hub %s %s", h->name, online ? "online" : "offline");
	return 0;
}

int edit_hub_online(struct admin_call *c, struct cfg_folder *root, char *done, size_t n)
{
	return set_online(c, root, true, done, n);
}

int edit_hub_offline(struct admin_call *c, struct cfg_folder *root, char *done, size_t n)
{
	return set_online(c, root, false, done, n);
}

int edit_hub_create(struct admin_call *c, struct cfg_folder *root, char *done, size_t n)
{
	const char *name = admin_arg(c, 0);
	struct cfg_folder *list = cfg_add_folder(root, "VirtualHUB", c->err, c->errlen), *h, *db;

	if (!list)
		return -1;
	if (!proto_name_ok(name))
		return admin_fail(c, "bad hub name");
	if (cfg_find_folder(list, name))
		return admin_fail(c, "hub %.64s exists already", name);
	if (!(h = cfg_add_folder(list, name, c->err, c->errlen)) ||
	    cfg_set_bool(h, "Online", true, c->err, c->errlen) ||
	    !(db = cfg_add_folder(h, "SecurityAccountDatabase", c->err, c->errlen)) ||
	    !cfg_add_folder(db, "UserList", c->err, c->errlen) ||
	    !cfg_add_folder(db, "GroupList", c->err, c->errlen))
		return -1;
	snprintf(done, n, "hub %s created, online", name);
	return 0;
}

int edit_hub_delete(struct admin_call *c, struct cfg_folder *root, char *done, size_t n)
{
	const char *name = admin_arg(c, 0);
	struct cfg_folder *h = hub_folder(c, root, name);

	if (!h)
		return -1;
	snprintf(done, n, "hub %s deleted", h->name);
	cfg_delete_folder(cfg_find_folder(root, "VirtualHUB"), name);
	if (strcasecmp(c->as->hub, name) == 0)
		c->as->hub[0] = '\0';
	return 0;
}

/* The hub administrator's password, as SoftEther stores it (softether-notes 2.5). */
int edit_hub_password(struct admin_call *c, struct cfg_folder *root, char *done, size_t n)
{
	const char *pw = admin_arg(c, 0);
	struct cfg_folder *h = selected_hub_folder(c, root);
	uint8_t hashed[SHA0_LEN], secure[SHA0_LEN];

	if (!h)
		return -1;
	if (!pw[0] || strlen(pw) > 255)
		return admin_fail(c, "a password has 1..255 bytes");
	sha0(pw, strlen(pw), hashed);
	admin_secure_hash(pw, secure);
	if (cfg_set_byte(h, "HashedPassword", hashed, SHA0_LEN, c->err, c->errlen) ||
	    cfg_set_byte(h, "SecurePassword", secure, SHA0_LEN, c->err, c->errlen))
		return -1;
	snprintf(done, n, "administrator password of hub %s set", h->name);
	return 0;
}

/* "A", "A/24" or "A/255.255.255.0" (IPv4), "A" or "A/64" (IPv6) into address and mask. */
static int parse_net(struct admin_call *c, const char *what, const char *text, bool *v6,
		     uint8_t ip[16], uint8_t mask[16])
{
	char addr[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(text, '/');
	size_t alen = slash ? (size_t)(slash - text) : strlen(text);
	uint32_t bits;

	memset(ip, 0, 16);
	memset(mask, 0, 16);
	if (alen >= sizeof(addr))
		return admin_fail(c, "%s: not an address", what);
	memcpy(addr, text, alen);
	addr[alen] = '\0';
	*v6 = strchr(addr, ':') != NULL;
	if (inet_pton(*v6 ? AF_INET6 : AF_INET, addr, ip) != 1)
		return admin_fail(c, "%s: \"%.60s\" is not an IPv4 or IPv6 address", what, addr);
	if (slash && !*v6 && strchr(slash + 1, '.'))
		return inet_pton(AF_INET, slash + 1, mask) == 1
			   ? 0
			   : admin_fail(c, "%s: bad mask", what);
	bits = *v6 ? 128 : 32;
	if (slash && admin_parse_uint(c, what, slash + 1, bits, &bits))
		return -1;
	for (uint32_t i = 0; i < bits; i++)
		mask[i / 8] |= (uint8_t)(0x80 >> (i % 8));
	return 0;
}

static int set_net(struct admin_call *c, struct cfg_folder *a, const char *opt, const char *ipname,
		   const char *maskname, bool *v6, bool *seen)
{
	const char *text = admin_opt_get(c->cl, opt);
	uint8_t ip[16], mask[16];
	char s[INET6_ADDRSTRLEN], m[INET6_ADDRSTRLEN];
	char item_ip[40], item_mask[40];
	bool is6 = false;

	if (!text)
		return 0;
	if (parse_net(c, opt, text, &is6, ip, mask))
		return -1;
	if (*seen && is6 != *v6)
		return admin_fail(c, "--src-ip and --dst-ip must be of the same IP version");
	*seen = true;
	*v6 = is6;
	inet_ntop(is6 ? AF_INET6 : AF_INET, ip, s, sizeof(s));
	inet_ntop(is6 ? AF_INET6 : AF_INET, mask, m, sizeof(m));
	snprintf(item_ip, sizeof(item_ip), "%s%s", ipname, is6 ? "6" : "");
	snprintf(item_mask, sizeof(item_mask), "%s%s", maskname, is6 ? "6" : "");
	return set_text(c, a, item_ip, s) || set_text(c, a, item_mask, m);
}

static int set_ports(struct admin_call *c, struct cfg_folder *a, const char *opt, const char *start,
		     const char *end)
{
	const char *text = admin_opt_get(c->cl, opt);
	char lo[8] = "", *dash;
	uint32_t p, q;

	if (!text)
		return 0;
	snprintf(lo, sizeof(lo), "%.*s", (int)strcspn(text, "-"), text);
	dash = strchr(text, '-');
	if (admin_parse_uint(c, opt, lo, 65535, &p) ||
	    admin_parse_uint(c, opt, dash ? dash + 1 : lo, 65535, &q))
		return -1;
	if (q < p)
		return admin_fail(c, "%s: the range %u-%u ends before it starts", opt, p, q);
	return cfg_set_uint(a, start, p, c->err, c->errlen) ||
	       cfg_set_uint(a, end, q, c->err, c->errlen);
}

static int parse_protocol(struct admin_call *c, const char *text, uint32_t *proto)
{
	static const struct {
		const char *name;
		uint32_t num;
	} names[] = {{"any", 0}, {"icmp", 1}, {"tcp", 6}, {"udp", 17}, {"icmpv6", 58}};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcasecmp(text, names[i].name) == 0) {
			*proto = names[i].num;
			return 0;
		}
	}
	return admin_parse_uint(c, "--protocol", text, 255, proto);
}

/* The next free entry id: one more than the largest. */
static uint32_t next_access_id(const struct cfg_folder *list)
{
	uint32_t max = 0;

	for (size_t i = 0; i < list->nfolders; i++) {
		unsigned long v = strtoul(list->folders[i]->name, NULL, 10);

		if (v > max && v < UINT32_MAX)
			max = (uint32_t)v;
	}
	return max + 1;
}

static int access_fields(struct admin_call *c, struct cfg_folder *a, uint32_t id)
{
	const char *prio = admin_opt_get(c->cl, "priority"),
		   *proto = admin_opt_get(c->cl, "protocol");
	const char *active = admin_opt_get(c->cl, "active");
	const char *su = admin_opt_get(c->cl, "src-user"), *du = admin_opt_get(c->cl, "dst-user");
	const char *note = admin_opt_get(c->cl, "note");
	bool v6 = false, seen = false;
	uint32_t p = id, pr = 0;

	if ((prio && admin_parse_uint(c, "--priority", prio, UINT32_MAX, &p)) ||
	    (proto && parse_protocol(c, proto, &pr)) ||
	    (active && strcasecmp(active, "yes") != 0 && strcasecmp(active, "no") != 0))
		return active ? admin_fail(c, "--active: yes or no") : -1;
	if (cfg_set_uint(a, "Priority", p, c->err, c->errlen) ||
	    cfg_set_uint(a, "Protocol", pr, c->err, c->errlen) ||
	    cfg_set_bool(a, "Active", !active || strcasecmp(active, "yes") == 0, c->err,
			 c->errlen) ||
	    set_net(c, a, "src-ip", "SrcIpAddress", "SrcSubnetMask", &v6, &seen) ||
	    set_net(c, a, "dst-ip", "DestIpAddress", "DestSubnetMask", &v6, &seen) ||
	    cfg_set_bool(a, "IsIPv6", v6, c->err, c->errlen) ||
	    set_ports(c, a, "src-port", "SrcPortStart", "SrcPortEnd") ||
	    set_ports(c, a, "dst-port", "DestPortStart", "DestPortEnd") ||
	    (su && set_text(c, a, "SrcUsername", su)) ||
	    (du && set_text(c, a, "DestUsername", du)) || (note && set_text(c, a, "Note", note)))
		return -1;
	return 0;
}

int edit_access_add(struct admin_call *c, struct cfg_folder *root, char *done, size_t n)
{
	const char *action = admin_arg(c, 0);
	struct cfg_folder *h = selected_hub_folder(c, root), *list, *a;
	char name[16];
	uint32_t id;

	if (!h)
		return -1;
	if (strcasecmp(action, "pass") != 0 && strcasecmp(action, "discard") != 0)
		return admin_fail(c, "access add: pass or discard, not \"%.20s\"", action);
	if (!(list = cfg_add_folder(h, "AccessList", c->err, c->errlen)))
		return -1;
	id = next_access_id(list);
	snprintf(name, sizeof(name), "%u", id);
	if (!(a = cfg_add_folder(list, name, c->err, c->errlen)) ||
	    cfg_set_bool(a, "Discard", strcasecmp(action, "discard") == 0, c->err, c->errlen) ||
	    access_fields(c, a, id))
		return -1;
	snprintf(done, n, "access list entry %u added to hub %s", id, h->name);
	return 0;
}

/* The access list entry named by the first argument. */
static struct cfg_folder *access_entry(struct admin_call *c, struct cfg_folder *root,
				       struct cfg_folder **list)
{
	struct cfg_folder *h = selected_hub_folder(c, root), *a;
	uint32_t id;
	char name[16];

	if (!h || admin_parse_uint(c, "ID", admin_arg(c, 0), UINT32_MAX, &id))
		return NULL;
	snprintf(name, sizeof(name), "%u", id);
	*list = cfg_find_folder(h, "AccessList");
	a = cfg_find_folder(*list, name);
	if (!a)
		admin_fail(c, "no access list entry %u in hub %s", id, h->name);
	return a;
}

int edit_access_delete(struct admin_call *c, struct cfg_folder *root, char *done, size_t n)
{
	struct cfg_folder *list, *a = access_entry(c, root, &list);

	if (!a)
		return -1;
	snprintf(done, n, "access list entry %s deleted from hub %s", a->name, c->as->hub);
	cfg_delete_folder(list, a->name);
	return 0;
}

static int set_access_active(struct admin_call *c, struct cfg_folder *root, bool on, char *done,
			     size_t n)
{
	struct cfg_folder *list, *a = access_entry(c, root, &list);

	if (!a || cfg_set_bool(a, "Active", on, c->err, c->errlen))
		return -1;
	snprintf(done, n, "access list entry %s of hub %s %s", a->name, c->as->hub,
		 on ? "enabled" : "disabled");
	return 0;
}

int edit_access_enable(struct admin_call *c, struct cfg_folder *root, char *done, size_t n)
{
	return set_access_active(c, root, true, done, n);
}

int edit_access_disable(struct admin_call *c, struct cfg_folder *root, char *done, size_t n)
{
	return set_access_active(c, root, false, done, n);
}

/* LogSetting items: two bools, the rest numbers whose ranges config.c checks. */
int edit_log_set(struct admin_call *c, struct cfg_folder *root, char *done, size_t n)
{
	static const char *const bools[] = {"SavePacketLog", "SaveSecurityLog"};
	static const char *const switches[] = {"PacketLogSwitchType", "SecurityLogSwitchType"};
	const char *item = admin_arg(c, 0), *value = admin_arg(c, 1), *canon = NULL;
	struct cfg_folder *h = selected_hub_folder(c, root), *lf;
	bool is_bool = false;
	uint32_t v;

	if (!h)
		return -1;
	for (int i = 0; i < 2; i++) {
		if (strcasecmp(item, bools[i]) == 0)
			canon = bools[i], is_bool = true;
		if (strcasecmp(item, switches[i]) == 0)
			canon = switches[i];
	}
	for (int i = 0; i < LOG_CLASSES; i++)
		if (strcasecmp(item, admin_log_classes[i]) == 0)
			canon = admin_log_classes[i];
	if (!canon)
		return admin_fail(c, "no log setting %.40s (see log show)", item);
	if (is_bool && strcasecmp(value, "true") != 0 && strcasecmp(value, "false") != 0)
		return admin_fail(c, "%s: true or false", canon);
	if (!(lf = cfg_add_folder(h, "LogSetting", c->err, c->errlen)))
		return -1;
	if (is_bool ? cfg_set_bool(lf, canon, strcasecmp(value, "true") == 0, c->err, c->errlen)
		    : (admin_parse_uint(c, canon, value, UINT32_MAX, &v) ||
		       cfg_set_uint(lf, canon, v, c->err, c->errlen)))
		return -1;
	snprintf(done, n, "log setting %s of hub %s set to %s", canon, h->name, value);
	return 0;
}

int edit_config_save(struct admin_call *c, struct cfg_folder *root, char *done, size_t n)
{
	(void)c;
	(void)root;
	snprintf(done, n, "configuration checked and written");
	return 0;
}

/* For logrotate users: the log files are opened again under their names. */
int cmd_log_reopen(struct admin_call *c)
{
	hublog_reopen();
	log_info("admin console: %s: log files reopened", c->as->peer);
	out_printf(c->out, "log files reopened\n");
	return 0;
}

/* As SIGHUP does: the file as it is on disk; a broken one is refused. */
int cmd_config_reload(struct admin_call *c)
{
	struct admin_core *core = c->as->core;
	struct hub_config *cur, *next;
	char path[PATH_MAX];

	pthread_mutex_lock(&core->edit_lock);
	cur = hub_config_get(core->srv);
	snprintf(path, sizeof(path), "%s", cur->path);
	config_put(cur);
	next = config_load(path, c->err, c->errlen);
	if (next) {
		hub_server_reconfigure(core->srv, next);
		bridge_sync(core->srv);
		cascade_sync(core->srv);
	}
	pthread_mutex_unlock(&core->edit_lock);
	if (!next)
		return -1;
	log_info("admin console: %s: reloaded %s", c->as->peer, path);
	out_printf(c->out, "reloaded %s\n", path);
	return 0;
}

/* ac add allow|deny ADDRESS[/MASK] [--priority N]: a new Acl<n> (n = highest + 1). */
int edit_ac_add(struct admin_call *c, struct cfg_folder *root, char *done, size_t n)
{
	const char *action = admin_arg(c, 0), *addr = admin_arg(c, 1);
	const char *prio_text = admin_opt_get(c->cl, "priority");
	struct cfg_folder *list = account_list(c, root, "IPAccessControlList"), *f;
	struct srcacl_entry e;
	uint32_t prio = 100, number = 0;
	char name[32], ip[INET6_ADDRSTRLEN], mask[INET6_ADDRSTRLEN];
	bool deny = strcasecmp(action, "deny") == 0, host = true;

	if (!list)
		return -1;
	if (!deny && strcasecmp(action, "allow") != 0)
		return admin_fail(c, "allow or deny, not %.32s", action);
	if (srcacl_parse(addr, &e) != 0)
		return admin_fail(c, "%.64s is not ADDRESS[/PREFIX or /MASK]", addr);
	if (prio_text && admin_parse_uint(c, "--priority", prio_text, UINT32_MAX, &prio) != 0)
		return -1;
	for (size_t i = 0; i < list->nfolders; i++) {
		unsigned long k = strncasecmp(list->folders[i]->name, "Acl", 3) == 0
				      ? strtoul(list->folders[i]->name + 3, NULL, 10)
				      : 0;

		if (k > number && k < UINT32_MAX)
			number = (uint32_t)k;
	}
	if (list->nfolders >= SRCACL_MAX)
		return admin_fail(c, "the list has %d entries already", SRCACL_MAX);
	snprintf(name, sizeof(name), "Acl%u", number + 1);
	for (size_t i = 0; i < (e.family == AF_INET ? 4u : 16u); i++)
		host &= e.mask[i] == 0xff;
	inet_ntop(e.family, e.addr, ip, sizeof(ip));
	inet_ntop(e.family, e.mask, mask, sizeof(mask));
	f = cfg_add_folder(list, name, c->err, c->errlen);
	if (!f || cfg_set_bool(f, "Deny", deny, c->err, c->errlen) ||
	    cfg_set_string(f, "IpAddress", ip, strlen(ip), c->err, c->errlen) ||
	    (!host && cfg_set_string(f, "NetMask", mask, strlen(mask), c->err, c->errlen)) ||
	    cfg_set_uint(f, "Priority", prio, c->err, c->errlen))
		return -1;
	snprintf(done, n, "%s: %s %s at priority %u in hub %s (sessions it denies end)", name,
		 deny ? "deny" : "allow", addr, prio, c->as->hub);
	return 0;
}

/* ac delete N: removes Acl<N>. */
int edit_ac_delete(struct admin_call *c, struct cfg_folder *root, char *done, size_t n)
{
	struct cfg_folder *list = account_list(c, root, "IPAccessControlList");
	uint32_t number;
	char name[32];

	if (!list || admin_parse_uint(c, "Acl number", admin_arg(c, 0), UINT32_MAX, &number) != 0)
		return -1;
	snprintf(name, sizeof(name), "Acl%u", number);
	if (cfg_delete_folder(list, name) != 0)
		return admin_fail(c, "no %s in hub %s (ac list)", name, c->as->hub);
	snprintf(done, n, "%s deleted from hub %s", name, c->as->hub);
	return 0;
}
