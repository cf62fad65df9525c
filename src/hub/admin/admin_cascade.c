// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Admin console commands for cascade links (cascade.h), on the selected
 * hub: "cascade list" and "cascade status" show each CascadeList entry with
 * its link's state, last error, frames and bytes; "cascade add", "delete",
 * "online" and "offline" edit VirtualHUB/<hub>/CascadeList as SoftEther
 * names it, and the reload that follows every change starts or ends the
 * link (cascade_sync).
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <openssl/crypto.h>

#include "admin_cmd_impl.h"
#include "admin_out.h"
#include "cascade.h"
#include "cfg.h"
#include "config.h"
#include "hub.h"
#include "tls.h"

#define LIST "CascadeList"

static void out_cascade(struct admin_call *c, const char *hub, const struct conf_cascade *k,
			bool detail)
{
	struct cascade_status st;
	char remote[600];

	cascade_status(c->as->core->srv, hub, k, &st);
	snprintf(remote, sizeof(remote), "%s:%u/%s", k->host, k->port, k->hub);
	out_obj_begin(c->out, NULL);
	out_str(c->out, "name", k->account);
	out_str(c->out, "remote", remote);
	out_str(c->out, "user", k->user);
	out_str(c->out, "protocol", k->softether ? "softether" : "vpnhub");
	out_bool(c->out, "online", k->online);
	out_str(c->out, "state", cascade_state_name(st.state));
	out_u64(c->out, "session", st.session);
	out_u64(c->out, "rx_frames", st.rx_frames);
	out_u64(c->out, "tx_frames", st.tx_frames);
	if (detail) {
		char fp[TLS_FP_STR_LEN];

		tls_fingerprint_str(k->fingerprint, fp);
		out_str(c->out, "fingerprint", fp);
		out_u64(c->out, "rx_bytes", st.rx_bytes);
		out_u64(c->out, "tx_bytes", st.tx_bytes);
		out_u64(c->out, "connects", st.connects);
		out_u64(c->out, "state_seconds",
			st.since_ms ? (hub_now_ms() - st.since_ms) / 1000 : 0);
		out_u64(c->out, "retry_interval", k->retry_s);
	}
	out_str(c->out, "last_error", st.last_error);
	out_obj_end(c->out);
}

/* The selected hub of the running configuration (config_put it), or NULL with a message. */
static struct hub_config *selected(struct admin_call *c, const struct conf_hub **ch)
{
	struct hub_config *cfg;
	const char *name;

	if (admin_need_hub(c, &name) != 0)
		return NULL;
	cfg = hub_config_get(c->as->core->srv);
	*ch = config_find_hub(cfg, name);
	if (!*ch) {
		config_put(cfg);
		admin_fail(c, "no hub %.64s", name);
		return NULL;
	}
	return cfg;
}

int cmd_cascade_list(struct admin_call *c)
{
	const struct conf_hub *ch;
	struct hub_config *cfg = selected(c, &ch);

	if (!cfg)
		return -1;
	out_list_begin(c->out, NULL);
	for (size_t i = 0; i < ch->ncascades; i++)
		out_cascade(c, ch->name, &ch->cascades[i], false);
	out_list_end(c->out);
	config_put(cfg);
	return 0;
}

int cmd_cascade_status(struct admin_call *c)
{
	const struct conf_hub *ch;
	struct hub_config *cfg = selected(c, &ch);
	const struct conf_cascade *k;

	if (!cfg)
		return -1;
	k = config_find_cascade(ch, admin_arg(c, 0));
	if (!k) {
		config_put(cfg);
		return admin_fail(c, "no cascade %.64s", admin_arg(c, 0));
	}
	out_cascade(c, ch->name, k, true);
	config_put(cfg);
	return 0;
}

/* The selected hub's CascadeList folder (created when create), or NULL with a message. */
static struct cfg_folder *cascade_list(struct admin_call *c, struct cfg_folder *root, bool create)
{
	struct cfg_folder *h;
	const char *name;

	if (admin_need_hub(c, &name) != 0)
		return NULL;
	h = cfg_find_folder(cfg_find_folder(root, "VirtualHUB"), name);
	if (!h) {
		admin_fail(c, "no hub %.64s", name);
		return NULL;
	}
	if (!create)
		return cfg_find_folder(h, LIST);
	return cfg_add_folder(h, LIST, c->err, c->errlen);
}

/* The entry whose ClientOption/AccountName (or folder name) is name, or NULL. */
static struct cfg_folder *find_entry(struct cfg_folder *list, const char *name)
{
	for (size_t i = 0; list && i < list->nfolders; i++) {
		struct cfg_folder *f = list->folders[i];
		const char *acct = NULL;
		size_t len;

		if (cfg_get_string(cfg_find_folder(f, "ClientOption"), "AccountName", "", &acct,
				   &len, NULL, 0) != 0)
			continue;
		if (strcasecmp(acct[0] ? acct : f->name, name) == 0)
			return f;
	}
	return NULL;
}

static int need_opt(struct admin_call *c, const char *opt, const char **out)
{
	*out = admin_opt_get(c->cl, opt);
	if (!*out || !(*out)[0])
		return admin_fail(c, "cascade add needs --%s", opt);
	return 0;
}

/* "host:port" or "[v6]:port" into host and port; -1 with a message. */
static int split_server(struct admin_call *c, const char *v, char *host, size_t cap, uint32_t *port)
{
	const char *colon = strrchr(v, ':');
	size_t n;

	if (!colon || colon == v)
		return admin_fail(c, "--server: expected HOST:PORT");
	n = (size_t)(colon - v);
	if (v[0] == '[' && n >= 2 && v[n - 1] == ']') {
		v++;
		n -= 2;
	}
	if (n >= cap)
		return admin_fail(c, "--server: host name too long");
	memcpy(host, v, n);
	host[n] = '\0';
	return admin_parse_uint(c, "--server port", colon + 1, 65535, port);
}

/* --cert and --key (Base64 DER, as vpnhubctl sends @FILE): AuthType 3 items, checked. */
static int set_cert_auth(struct admin_call *c, struct cfg_folder *a, const char *cert_b64,
			 const char *key_b64)
{
	uint8_t cert[CONF_CASCADE_DER_MAX], key[CONF_CASCADE_DER_MAX];
	int cert_len = admin_b64_decode(cert_b64, cert, sizeof(cert));
	int key_len = admin_b64_decode(key_b64, key, sizeof(key));
	struct tls_der_pair der = {
	    .cert = cert, .key = key, .cert_item = "--cert", .key_item = "--key"};
	SSL_CTX *ctx = NULL;
	int rc = -1;

	if (cert_len <= 0 || key_len <= 0) {
		admin_fail(c,
			   "--cert and --key: a PEM certificate and an unencrypted PEM key "
			   "(give @FILE to vpnhubctl), at most %d bytes each",
			   CONF_CASCADE_DER_MAX);
		goto out;
	}
	der.cert_len = (size_t)cert_len;
	der.key_len = (size_t)key_len;
	if (!(ctx = tls_client_ctx(NULL, c->err, c->errlen)) ||
	    tls_use_der(ctx, &der, c->err, c->errlen) != 0)
		goto out;
	rc = cfg_set_uint(a, "AuthType", 3, c->err, c->errlen) ||
		     cfg_set_byte(a, "ClientCert", cert, der.cert_len, c->err, c->errlen) ||
		     cfg_set_byte(a, "ClientKey", key, der.key_len, c->err, c->errlen)
		 ? -1
		 : 0;
out:
	SSL_CTX_free(ctx);
	OPENSSL_cleanse(key, sizeof(key));
	return rc;
}

/* --password PW (AuthType 2), or --cert @FILE --key @FILE (AuthType 3). */
static int set_auth(struct admin_call *c, struct cfg_folder *a)
{
	const char *pw = admin_opt_get(c->cl, "password");
	const char *cert = admin_opt_get(c->cl, "cert"), *key = admin_opt_get(c->cl, "key");

	if (cert || key) {
		if (pw || !cert || !key)
			return admin_fail(c, "cascade add takes --password, or --cert and --key");
		return set_cert_auth(c, a, cert, key);
	}
	if (!pw || !pw[0])
		return admin_fail(c, "cascade add needs --password, or --cert and --key");
	return cfg_set_uint(a, "AuthType", 2, c->err, c->errlen) ||
		       cfg_set_string(a, "PlainPassword", pw, strlen(pw), c->err, c->errlen)
		   ? -1
		   : 0;
}

int edit_cascade_add(struct admin_call *c, struct cfg_folder *root, char *done, size_t n)
{
	const char *name = admin_arg(c, 0), *server, *rhub, *user, *fp;
	const char *retry = admin_opt_get(c->cl, "retry");
	const char *proto = admin_opt_get(c->cl, "protocol");
	struct cfg_folder *list, *f, *o, *a;
	uint8_t fpb[TLS_FP_LEN];
	uint32_t port, retry_s = 15;
	char host[256], folder[32];
	unsigned k = 0;

	if (need_opt(c, "server", &server) || need_opt(c, "remote-hub", &rhub) ||
	    need_opt(c, "user", &user) || need_opt(c, "fingerprint", &fp) ||
	    split_server(c, server, host, sizeof(host), &port) != 0 ||
	    (retry && admin_parse_uint(c, "--retry", retry, 3600, &retry_s) != 0))
		return -1;
	if (tls_fingerprint_parse(fp, fpb) != 0)
		return admin_fail(c, "--fingerprint: not a SHA-256 fingerprint");
	if (proto && strcmp(proto, "vpnhub") != 0 && strcmp(proto, "softether") != 0)
		return admin_fail(c, "--protocol: vpnhub or softether");
	if (proto && strcmp(proto, "softether") == 0 && admin_opt_get(c->cl, "cert"))
		return admin_fail(c,
				  "--protocol softether takes --password (no certificate login)");
	if (!(list = cascade_list(c, root, true)))
		return -1;
	if (find_entry(list, name))
		return admin_fail(c, "cascade %.64s exists already", name);
	do /* SoftEther's folder names: Cascade0, Cascade1, ... */
		snprintf(folder, sizeof(folder), "Cascade%u", k++);
	while (cfg_find_folder(list, folder));
	if (!(f = cfg_add_folder(list, folder, c->err, c->errlen)) ||
	    cfg_set_bool(f, "Online", true, c->err, c->errlen) ||
	    cfg_set_string(f, "VpnhubFingerprint", fp, strlen(fp), c->err, c->errlen) ||
	    (proto && cfg_set_string(f, "Protocol", proto, strlen(proto), c->err, c->errlen)) ||
	    !(o = cfg_add_folder(f, "ClientOption", c->err, c->errlen)) ||
	    cfg_set_string(o, "AccountName", name, strlen(name), c->err, c->errlen) ||
	    cfg_set_string(o, "Hostname", host, strlen(host), c->err, c->errlen) ||
	    cfg_set_uint(o, "Port", port, c->err, c->errlen) ||
	    cfg_set_string(o, "HubName", rhub, strlen(rhub), c->err, c->errlen) ||
	    cfg_set_uint(o, "RetryInterval", retry_s ? retry_s : 1, c->err, c->errlen) ||
	    !(a = cfg_add_folder(f, "ClientAuth", c->err, c->errlen)) ||
	    cfg_set_string(a, "Username", user, strlen(user), c->err, c->errlen) || set_auth(c, a))
		return -1;
	snprintf(done, n, "cascade %s added (to hub %s on %s)", name, rhub, server);
	return 0;
}

int edit_cascade_delete(struct admin_call *c, struct cfg_folder *root, char *done, size_t n)
{
	const char *name = admin_arg(c, 0);
	struct cfg_folder *list = cascade_list(c, root, false);
	struct cfg_folder *f = find_entry(list, name);

	if (!f)
		return c->err[0] ? -1 : admin_fail(c, "no cascade %.64s", name);
	snprintf(done, n, "cascade %s deleted", name);
	cfg_delete_folder(list, f->name);
	return 0;
}

static int set_online(struct admin_call *c, struct cfg_folder *root, bool on, char *done, size_t n)
{
	const char *name = admin_arg(c, 0);
	struct cfg_folder *f = find_entry(cascade_list(c, root, false), name);

	if (!f)
		return c->err[0] ? -1 : admin_fail(c, "no cascade %.64s", name);
	if (cfg_set_bool(f, "Online", on, c->err, c->errlen) != 0)
		return -1;
	snprintf(done, n, "cascade %s %s", name, on ? "online" : "offline");
	return 0;
}

int edit_cascade_online(struct admin_call *c, struct cfg_folder *root, char *done, size_t n)
{
	return set_online(c, root, true, done, n);
}

int edit_cascade_offline(struct admin_call *c, struct cfg_folder *root, char *done, size_t n)
{
	return set_online(c, root, false, done, n);
}
