// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Profile reader: every key validated, cross-checks after the whole file
 * (one verification mode, a password from exactly one place), defaults, and a
 * stable MAC address derived from the profile when none is given.
 */
#include "profile.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <net/if.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "kvconf.h"

#define SEEN_MAX 32

struct parse_ctx {
	struct profile *p;
	char dir[PATH_MAX]; /* the profile's directory: relative paths start here */
	const char *seen[SEEN_MAX];
	size_t nseen;
};

static const char *const single_keys[] = {
    "hub",
    "user",
    "password",
    "password_file",
    "ca",
    "verify_name",
    "fingerprint",
    "verify",
    "device",
    "backend",
    "mac",
    "mtu",
    "reconnect",
    "reconnect_min",
    "reconnect_max",
    "connect_timeout",
    "protocol",
    "congestion_control",
};

/* Refuses a second occurrence of a single-valued key, and mixed modes. */
static int check_repeat(struct parse_ctx *ctx, const char *key, char *err, size_t errlen)
{
	static const char *const modes[] = {"ca", "fingerprint", "verify"};
	static const char *const secrets[] = {"password", "password_file"};
	const char *key_static = NULL;

	for (size_t i = 0; i < sizeof(single_keys) / sizeof(single_keys[0]); i++)
		if (strcmp(key, single_keys[i]) == 0)
			key_static = single_keys[i];
	if (!key_static)
		return 0;
	for (size_t i = 0; i < ctx->nseen; i++) {
		bool same_mode = false, same_secret = false;

		for (size_t m = 0; m < 3; m++)
			for (size_t n = 0; n < 3; n++)
				same_mode |= strcmp(ctx->seen[i], modes[m]) == 0 &&
					     strcmp(key, modes[n]) == 0;
		for (size_t m = 0; m < 2; m++)
			for (size_t n = 0; n < 2; n++)
				same_secret |= strcmp(ctx->seen[i], secrets[m]) == 0 &&
					       strcmp(key, secrets[n]) == 0;
		if (strcmp(ctx->seen[i], key) == 0)
			snprintf(err, errlen, "%s: given twice", key);
		else if (same_mode)
			snprintf(err, errlen,
				 "%s: conflicts with %s (give one of ca, fingerprint "
				 "and verify = none)",
				 key, ctx->seen[i]);
		else if (same_secret)
			snprintf(err, errlen, "%s: conflicts with %s (give one of them)", key,
				 ctx->seen[i]);
		else
			continue;
		return -1;
	}
	if (ctx->nseen < SEEN_MAX)
		ctx->seen[ctx->nseen++] = key_static;
	return 0;
}

/* Relative paths are taken from the profile's directory, not the caller's. */
static int resolve(const struct parse_ctx *ctx, const char *key, const char *v, char *out,
		   size_t cap, char *err, size_t errlen)
{
	int n = v[0] == '/' || !ctx->dir[0] ? snprintf(out, cap, "%s", v)
					    : snprintf(out, cap, "%s/%s", ctx->dir, v);

	if (!v[0] || n < 0 || (size_t)n >= cap) {
		snprintf(err, errlen, "%s: empty or overlong path", key);
		return -1;
	}
	return 0;
}

static void set_defaults(struct profile *p)
{
	memset(p, 0, sizeof(*p));
	snprintf(p->device, sizeof(p->device), "vpn0");
	p->mtu = 1500;
	p->reconnect = true;
	p->reconnect_min_s = 1;
	p->reconnect_max_s = 60;
	p->connect_timeout_s = 10;
	snprintf(p->congestion_control, sizeof(p->congestion_control), "%s", STREAM_CC_DEFAULT);
}

/* congestion_control: a kernel algorithm's name, or "system" (stored as ""). */
static int parse_congestion_control(struct profile *p, const char *key, const char *v, char *err,
				    size_t errlen)
{
	const char *why = stream_cc_parse(v, p->congestion_control);

	if (why)
		snprintf(err, errlen, "%s: \"%.64s\" %s", key, v, why);
	return why ? -1 : 0;
}

static int parse_mac(const char *key, const char *v, uint8_t mac[6], char *err, size_t errlen)
{
	char sep = strlen(v) == 17 ? v[2] : 0;

	/* exactly "xx:xx:xx:xx:xx:xx" or with '-' */
	for (int i = 0; sep && i < 17; i++) {
		bool is_sep = i % 3 == 2;

		if (is_sep ? v[i] != sep : !isxdigit((unsigned char)v[i]))
			sep = 0;
	}
	if (sep != ':' && sep != '-') {
		snprintf(err, errlen, "%s: \"%.64s\" is not a MAC address (xx:xx:xx:xx:xx:xx)", key,
			 v);
		return -1;
	}
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)strtoul((char[]){v[3 * i], v[3 * i + 1], 0}, NULL, 16);
	if (mac[0] & 1) {
		snprintf(err, errlen, "%s: %s is a multicast address", key, v);
		return -1;
	}
	return 0;
}

static int parse_addr(struct profile *p, const char *key, const char *v, char *err, size_t errlen)
{
	struct profile_addr *a = &p->addr[p->naddr];
	char ip[64];
	const char *slash = strchr(v, '/');
	uint32_t prefix;

	if (p->naddr == PROFILE_ADDR_MAX) {
		snprintf(err, errlen, "%s: more than %d addresses", key, PROFILE_ADDR_MAX);
		return -1;
	}
	if (!slash || (size_t)(slash - v) >= sizeof(ip)) {
		snprintf(err, errlen, "%s: expected ADDRESS/PREFIX, got \"%.64s\"", key, v);
		return -1;
	}
	memcpy(ip, v, (size_t)(slash - v));
	ip[slash - v] = '\0';
	if (inet_pton(AF_INET, ip, a->addr) == 1)
		a->family = AF_INET;
	else if (inet_pton(AF_INET6, ip, a->addr) == 1)
		a->family = AF_INET6;
	else {
		snprintf(err, errlen, "%s: \"%s\" is not an IPv4 or IPv6 address", key, ip);
		return -1;
	}
	if (kv_uint(key, slash + 1, 1, a->family == AF_INET ? 32 : 128, &prefix, err, errlen))
		return -1;
	a->prefix = (uint8_t)prefix;
	snprintf(a->text, sizeof(a->text), "%s", v);
	p->naddr++;
	return 0;
}

static int read_password_file(struct parse_ctx *ctx, const char *v, char *err, size_t errlen)
{
	struct profile *p = ctx->p;
	char path[PATH_MAX];
	FILE *f;
	char *nl;
	int c;

	if (resolve(ctx, "password_file", v, path, sizeof(path), err, errlen) != 0)
		return -1;
	f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "password_file: cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	if (!fgets(p->password, sizeof(p->password), f))
		p->password[0] = '\0';
	nl = strpbrk(p->password, "\r\n");
	if (nl)
		*nl = '\0';
	else if (!feof(f) && (c = fgetc(f)) != EOF && c != '\n' && c != '\r') {
		fclose(f);
		snprintf(err, errlen, "password_file: the first line of %s is longer than %d bytes",
			 path, PROFILE_PASSWORD_MAX);
		return -1;
	}
	fclose(f);
	if (!p->password[0]) {
		snprintf(err, errlen, "password_file: %s is empty", path);
		return -1;
	}
	return 0;
}

static int parse_verify(struct profile *p, const char *key, const char *v, char *err, size_t errlen)
{
	if (strcmp(v, "none") != 0) {
		snprintf(err, errlen, "%s: only \"none\" is accepted here (use ca or fingerprint)",
			 key);
		return -1;
	}
	p->verify = VERIFY_NONE;
	return 0;
}

static int parse_backend(struct profile *p, const char *key, const char *v, char *err,
			 size_t errlen)
{
	if (strcmp(v, "auto") == 0)
		p->backend = BACKEND_AUTO;
	else if (strcmp(v, "tap") == 0)
		p->backend = BACKEND_TAP;
	else if (strcmp(v, "kmod") == 0)
		p->backend = BACKEND_KMOD;
	else {
		snprintf(err, errlen, "%s: \"%.32s\" is not one of: auto, tap, kmod", key, v);
		return -1;
	}
	return 0;
}

static int parse_device(struct profile *p, const char *key, const char *v, char *err, size_t errlen)
{
	if (strlen(v) >= IFNAMSIZ || strpbrk(v, "/: \t") || !v[0] || strcmp(v, ".") == 0 ||
	    strcmp(v, "..") == 0) {
		snprintf(err, errlen, "%s: \"%.32s\" is not a valid interface name (max 15)", key,
			 v);
		return -1;
	}
	snprintf(p->device, sizeof(p->device), "%s", v);
	return 0;
}

/* proxy and proxy_password_file; the password file is read after the whole profile. */
static int parse_proxy_key(struct parse_ctx *ctx, const char *key, const char *v, char *err,
			   size_t errlen)
{
	struct profile *p = ctx->p;
	bool is_file = strcmp(key, "proxy_password_file") == 0;

	if (is_file ? p->proxy_password_file[0] != '\0' : p->proxy.type != PROXY_NONE) {
		snprintf(err, errlen, "%s: given twice", key);
		return -1;
	}
	if (is_file)
		return resolve(ctx, key, v, p->proxy_password_file, sizeof(p->proxy_password_file),
			       err, errlen);
	return proxy_url_parse(v, &p->proxy, err, errlen);
}

/* "server =" may repeat: an ordered list of hubs to fail over between. */
static int add_server(struct profile *p, const char *key, const char *v, char *err, size_t errlen)
{
	struct profile_server *s = &p->servers[p->nservers];

	if (p->nservers == PROFILE_SERVERS_MAX) {
		snprintf(err, errlen, "%s: more than %d servers", key, PROFILE_SERVERS_MAX);
		return -1;
	}
	if (kv_hostport(key, v, PROFILE_DEFAULT_PORT, s->host, sizeof(s->host), &s->port, err,
			errlen) != 0)
		return -1;
	if (p->nservers++ == 0) {
		memcpy(p->host, s->host, sizeof(p->host));
		p->port = s->port;
	}
	return 0;
}

static int parse_protocol(struct profile *p, const char *key, const char *v, char *err,
			  size_t errlen)
{
	if (strcmp(v, "vpnhub") == 0)
		p->protocol = HUBCONN_VPNHUB;
	else if (strcmp(v, "softether") == 0)
		p->protocol = HUBCONN_SOFTETHER;
	else {
		snprintf(err, errlen, "%s: expected vpnhub or softether, got \"%.64s\"", key, v);
		return -1;
	}
	return 0;
}

/* What a SoftEther session cannot carry: certificate login, vpnlan rings, frames > 1514 B. */
static int check_softether(const struct profile *p, const char *name, char *err, size_t errlen)
{
	const char *bad = p->protocol != HUBCONN_SOFTETHER ? NULL
			  : p->cert_file[0]		   ? "cert (certificate login)"
			  : p->backend == BACKEND_KMOD	   ? "backend = kmod"
			  : p->mtu > 1500		   ? "an mtu over 1500"
							   : NULL;

	if (bad) {
		snprintf(err, errlen,
			 "%s: protocol = softether does not support %s (SoftEther's protocol: a "
			 "password, a TAP device, frames of at most 1514 bytes)",
			 name, bad);
		return -1;
	}
	return 0;
}

static int on_item(void *vctx, const char *key, const char *v, char *err, size_t errlen)
{
	struct parse_ctx *ctx = vctx;
	struct profile *p = ctx->p;
	int rc = netcfg_item(&p->net, key, v, err, errlen);

	if (rc != NETCFG_OTHER)
		return rc;
	rc = profile_cert_item(p, ctx->dir, key, v, err, errlen);
	if (rc <= 0)
		return rc;
	if (check_repeat(ctx, key, err, errlen) != 0)
		return -1;
	if (strcmp(key, "server") == 0)
		return add_server(p, key, v, err, errlen);
	if (strcmp(key, "hub") == 0 || strcmp(key, "user") == 0) {
		char *dst = key[0] == 'h' ? p->hub : p->user;

		if (!proto_name_ok(v)) {
			snprintf(err, errlen, "%s: empty or contains control characters", key);
			return -1;
		}
		snprintf(dst, PROTO_NAME_MAX + 1, "%s", v);
		return 0;
	}
	if (strcmp(key, "password") == 0)
		return kv_string(key, v, p->password, sizeof(p->password), err, errlen);
	if (strcmp(key, "password_file") == 0)
		return read_password_file(ctx, v, err, errlen);
	if (strcmp(key, "ca") == 0) {
		p->verify = VERIFY_CA;
		return resolve(ctx, key, v, p->ca_file, sizeof(p->ca_file), err, errlen);
	}
	if (strcmp(key, "verify_name") == 0)
		return kv_string(key, v, p->verify_name, sizeof(p->verify_name), err, errlen);
	if (strcmp(key, "fingerprint") == 0) {
		p->verify = VERIFY_FINGERPRINT;
		if (tls_fingerprint_parse(v, p->fingerprint) != 0) {
			snprintf(err, errlen,
				 "%s: expected 64 hex digits (SHA-256), got \"%.100s\"", key, v);
			return -1;
		}
		return 0;
	}
	if (strcmp(key, "verify") == 0)
		return parse_verify(p, key, v, err, errlen);
	if (strcmp(key, "device") == 0)
		return parse_device(p, key, v, err, errlen);
	if (strcmp(key, "backend") == 0)
		return parse_backend(p, key, v, err, errlen);
	if (strcmp(key, "mac") == 0) {
		p->mac_set = true;
		return parse_mac(key, v, p->mac, err, errlen);
	}
	if (strcmp(key, "mtu") == 0)
		return kv_uint(key, v, 576, 9000, &p->mtu, err, errlen);
	if (strcmp(key, "address") == 0)
		return parse_addr(p, key, v, err, errlen);
	if (strcmp(key, "reconnect") == 0)
		return kv_bool(key, v, &p->reconnect, err, errlen);
	if (strcmp(key, "reconnect_min") == 0)
		return kv_uint(key, v, 1, 3600, &p->reconnect_min_s, err, errlen);
	if (strcmp(key, "reconnect_max") == 0)
		return kv_uint(key, v, 1, 86400, &p->reconnect_max_s, err, errlen);
	if (strcmp(key, "connect_timeout") == 0)
		return kv_uint(key, v, 1, 300, &p->connect_timeout_s, err, errlen);
	if (strcmp(key, "proxy") == 0 || strcmp(key, "proxy_password_file") == 0)
		return parse_proxy_key(ctx, key, v, err, errlen);
	if (strcmp(key, "protocol") == 0)
		return parse_protocol(p, key, v, err, errlen);
	if (strcmp(key, "congestion_control") == 0)
		return parse_congestion_control(p, key, v, err, errlen);
	snprintf(err, errlen, "unknown key \"%.64s\"", key);
	return -1;
}

/* The machine's identity, so one profile used on two machines gives two MACs. */
static void machine_id(char *out, size_t len)
{
	FILE *f = fopen("/etc/machine-id", "r");

	out[0] = '\0';
	if (!f)
		return;
	if (!fgets(out, (int)len, f))
		out[0] = '\0';
	fclose(f);
}

/* Stable locally administered unicast MAC from the machine and the profile. */
static void derive_mac(struct profile *p)
{
	uint8_t h[SHA256_DIGEST_LENGTH];
	char id[1200], mid[64];
	int n;

	machine_id(mid, sizeof(mid));
	n = snprintf(id, sizeof(id), "%s\n%s\n%s\n%s\n%s", mid, p->host, p->hub, p->user,
		     p->device);

	SHA256((const uint8_t *)id, (size_t)n, h);
	memcpy(p->mac, h, 6);
	p->mac[0] = (uint8_t)((p->mac[0] & 0xfc) | 0x02);
}

/* The proxy password comes from the URL or from proxy_password_file, for a named user. */
static int check_proxy(struct profile *p, const char *name, char *err, size_t errlen)
{
	const char *bad = !p->proxy_password_file[0]	? NULL
			  : p->proxy.type == PROXY_NONE ? "without \"proxy\""
			  : !p->proxy.user[0]		? "without a user in the proxy URL"
			  : p->proxy.has_password	? "and a password in the proxy URL"
							: NULL;

	if (bad) {
		snprintf(err, errlen, "%s: proxy_password_file given %s", name, bad);
		return -1;
	}
	if (p->proxy.user[0] && !p->proxy.has_password && !p->proxy_password_file[0]) {
		snprintf(err, errlen,
			 "%s: the proxy URL names user \"%s\" but no password (user:password@ or "
			 "proxy_password_file)",
			 name, p->proxy.user);
		return -1;
	}
	if (p->proxy_password_file[0])
		return proxy_read_password_file(p->proxy_password_file, &p->proxy,
						&p->proxy_password_exposed, err, errlen);
	return 0;
}

static int check_whole(struct profile *p, const char *name, char *err, size_t errlen)
{
	const char *missing = !p->host[0]   ? "server"
			      : !p->hub[0]  ? "hub"
			      : !p->user[0] ? "user"
			      : !p->password[0] && !p->cert_file[0]
				  ? "password or password_file (or cert and key)"
			      : p->verify == VERIFY_UNSET ? "ca or fingerprint (or verify = none)"
							  : NULL;

	if (missing) {
		snprintf(err, errlen, "%s: missing \"%s\"", name, missing);
		return -1;
	}
	if (profile_cert_check(p, name, err, errlen) != 0 ||
	    check_softether(p, name, err, errlen) != 0)
		return -1;
	if (p->reconnect_min_s > p->reconnect_max_s) {
		snprintf(err, errlen, "%s: reconnect_min is larger than reconnect_max", name);
		return -1;
	}
	if (check_proxy(p, name, err, errlen) != 0)
		return -1;
	p->verify_name_given = p->verify_name[0] != '\0';
	if (!p->verify_name[0])
		snprintf(p->verify_name, sizeof(p->verify_name), "%s", p->host);
	if (!p->mac_set)
		derive_mac(p);
	return 0;
}

int profile_parse(const char *text, size_t len, const char *name, struct profile *p, char *err,
		  size_t errlen)
{
	struct parse_ctx ctx = {.p = p};
	const char *slash = strrchr(name, '/');

	set_defaults(p);
	snprintf(p->path, sizeof(p->path), "%s", name);
	if (slash)
		snprintf(ctx.dir, sizeof(ctx.dir), "%.*s", (int)(slash - name), name);
	if (slash == name)
		snprintf(ctx.dir, sizeof(ctx.dir), "/");
	if (kv_parse_buf(text, len, name, on_item, &ctx, err, errlen) != 0 ||
	    check_whole(p, name, err, errlen) != 0) {
		memset(p->password, 0, sizeof(p->password));
		memset(p->proxy.password, 0, sizeof(p->proxy.password));
		memset(p->key_passphrase, 0, sizeof(p->key_passphrase));
		return -1;
	}
	return 0;
}

int profile_load(const char *path, struct profile *p, char *err, size_t errlen)
{
	char *buf;
	size_t n;
	int rc;

	if (kv_read_file(path, &buf, &n, err, errlen) != 0)
		return -1;
	rc = profile_parse(buf, n, path, p, err, errlen);
	free(buf);
	return rc;
}
