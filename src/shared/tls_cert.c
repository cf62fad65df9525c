// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Certificates beyond the hub's own PEM files: the client's certificate for
 * certificate login (mutual TLS: the private key never leaves the client, the
 * TLS handshake proves the client holds it), the hub asking every client for
 * one, and a hub certificate and key given as DER bytes (SoftEther's
 * ServerCert / ServerKey items).
 */
#include "tls.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "prompt.h"

static void set_err(char *err, size_t errlen, const char *what)
{
	unsigned long e = ERR_get_error();
	char ebuf[256] = "";

	if (e)
		ERR_error_string_n(e, ebuf, sizeof(ebuf));
	snprintf(err, errlen, "%s%s%s", what, e ? ": " : "", ebuf);
	ERR_clear_error();
}

struct pass_src {
	const char *passphrase; /* NULL: ask on the terminal */
	const char *key_file;
	bool asked;
};

/* OpenSSL calls this only for an encrypted key. */
static int pass_cb(char *buf, int size, int rwflag, void *u)
{
	struct pass_src *src = u;
	char prompt[PATH_MAX + 64];
	size_t n;

	(void)rwflag;
	src->asked = true;
	if (src->passphrase) {
		n = strlen(src->passphrase);
		if (n >= (size_t)size)
			return -1;
		memcpy(buf, src->passphrase, n);
		return (int)n;
	}
	if (!isatty(STDIN_FILENO))
		return -1;
	snprintf(prompt, sizeof(prompt), "Passphrase for %s: ", src->key_file);
	if (prompt_secret(prompt, buf, (size_t)size) != 0)
		return -1;
	return (int)strlen(buf);
}

int tls_client_use_cert(SSL_CTX *ctx, const char *cert_file, const char *key_file,
			const char *passphrase, char *err, size_t errlen)
{
	struct pass_src src = {.passphrase = passphrase, .key_file = key_file};
	EVP_PKEY *key = NULL;
	char what[PATH_MAX + 128];
	FILE *f;

	if (SSL_CTX_use_certificate_chain_file(ctx, cert_file) != 1) {
		snprintf(what, sizeof(what), "cannot load client certificate %s", cert_file);
		set_err(err, errlen, what);
		return -1;
	}
	f = fopen(key_file, "r");
	if (f) {
		key = PEM_read_PrivateKey(f, NULL, pass_cb, &src);
		fclose(f);
	}
	if (!key) {
		snprintf(what, sizeof(what), "cannot load private key %s%s", key_file,
			 !f ? " (cannot open it)"
			 : src.asked && !passphrase && !isatty(STDIN_FILENO)
			     ? " (it is encrypted: give key_passphrase_file, or start vpnclient "
			       "on a terminal to be asked)"
			 : src.asked ? " (wrong passphrase?)"
				     : "");
		set_err(err, errlen, what);
		return -1;
	}
	if (SSL_CTX_use_PrivateKey(ctx, key) != 1 || SSL_CTX_check_private_key(ctx) != 1) {
		snprintf(what, sizeof(what), "private key %s does not match certificate %s",
			 key_file, cert_file);
		set_err(err, errlen, what);
		EVP_PKEY_free(key);
		return -1;
	}
	EVP_PKEY_free(key);
	return 0;
}

/* Any certificate (or none) passes the handshake: the login judges it per user. */
static int accept_any(int preverify_ok, X509_STORE_CTX *x)
{
	(void)preverify_ok;
	(void)x;
	return 1;
}

void tls_server_request_client_cert(SSL_CTX *ctx)
{
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_CLIENT_ONCE, accept_any);
}

int tls_use_der(SSL_CTX *ctx, const struct tls_der_pair *d, char *err, size_t errlen)
{
	const uint8_t *p = d->cert;
	X509 *x = d->cert_len <= LONG_MAX ? d2i_X509(NULL, &p, (long)d->cert_len) : NULL;
	EVP_PKEY *k = NULL;
	char what[128];
	int rc = -1;

	if (!x || p != d->cert + d->cert_len) {
		snprintf(what, sizeof(what), "%s is not one DER X.509 certificate", d->cert_item);
		goto out;
	}
	p = d->key;
	k = d->key_len <= LONG_MAX ? d2i_AutoPrivateKey(NULL, &p, (long)d->key_len) : NULL;
	if (!k || p != d->key + d->key_len) {
		snprintf(what, sizeof(what), "%s is not one DER private key", d->key_item);
		goto out;
	}
	if (SSL_CTX_use_certificate(ctx, x) != 1 || SSL_CTX_use_PrivateKey(ctx, k) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		snprintf(what, sizeof(what), "%s does not match %s", d->key_item, d->cert_item);
		goto out;
	}
	rc = 0;
out:
	if (rc != 0)
		set_err(err, errlen, what);
	X509_free(x);
	EVP_PKEY_free(k);
	return rc;
}

int tls_der_fingerprint(const uint8_t *der, size_t len, uint8_t fp[TLS_FP_LEN])
{
	const uint8_t *p = der;
	X509 *x = len <= LONG_MAX ? d2i_X509(NULL, &p, (long)len) : NULL;
	int rc;

	if (!x)
		return -1;
	rc = tls_fingerprint(x, fp);
	X509_free(x);
	return rc;
}
