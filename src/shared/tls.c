// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * TLS setup shared by hub and client.  Settings follow the measurements in
 * docs/architecture.md: TLS 1.3 with AES-128-GCM first, read-ahead with a
 * 64 KB buffer, partial writes on non-blocking sockets.
 */
#include "tls.h"

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509v3.h>

#include <ctype.h>
#include <stdbool.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TLS_CIPHERSUITES                                                                           \
	"TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"
#define TLS12_CIPHERS "ECDHE+AESGCM:ECDHE+CHACHA20"

static void set_err(char *err, size_t errlen, const char *what)
{
	unsigned long e = ERR_get_error();
	char ebuf[256] = "";

	if (e)
		ERR_error_string_n(e, ebuf, sizeof(ebuf));
	snprintf(err, errlen, "%s%s%s", what, e ? ": " : "", ebuf);
	ERR_clear_error();
}

static SSL_CTX *ctx_common(const SSL_METHOD *method, char *err, size_t errlen)
{
	SSL_CTX *ctx = SSL_CTX_new(method);

	if (!ctx) {
		set_err(err, errlen, "cannot create TLS context");
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	SSL_CTX_set_ciphersuites(ctx, TLS_CIPHERSUITES);
	SSL_CTX_set_cipher_list(ctx, TLS12_CIPHERS);
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
	/* one recv() pulls in several records: +8% measured on these machines */
	SSL_CTX_set_read_ahead(ctx, 1);
	SSL_CTX_set_default_read_buffer_len(ctx, 65536);
	return ctx;
}

/*
 * OpenSSL opens certificate and key files itself: check first that each is a
 * regular file of a sane size (opened without blocking, so a FIFO cannot hang us).
 */
#define TLS_FILE_MAX (1u << 20)
static int check_regular(const char *what, const char *path, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	struct stat st;
	int ok;

	if (fd < 0) {
		snprintf(err, errlen, "cannot load %s %s: %s", what, path, strerror(errno));
		return -1;
	}
	ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size <= (off_t)TLS_FILE_MAX;
	close(fd);
	if (!ok)
		snprintf(err, errlen, "cannot load %s %s: not a regular file of at most %u bytes",
			 what, path, TLS_FILE_MAX);
	return ok ? 0 : -1;
}

SSL_CTX *tls_server_ctx(const char *cert_file, const char *key_file, char *err, size_t errlen)
{
	SSL_CTX *ctx = ctx_common(TLS_server_method(), err, errlen);

	if (!ctx)
		return NULL;
	SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_PRIORITIZE_CHACHA);
	/* most hub sessions are idle: give their 2 x 16 KB buffers back */
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_num_tickets(ctx, 0);	    /* TLS 1.3: no resumption */
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET); /* TLS 1.2 tickets neither */
	tls_server_request_client_cert(ctx);
	if (!cert_file)
		return ctx; /* the caller sets them (tls_server_use_der) */
	if (check_regular("certificate", cert_file, err, errlen) != 0 ||
	    check_regular("private key", key_file, err, errlen) != 0)
		goto fail;
	if (SSL_CTX_use_certificate_chain_file(ctx, cert_file) != 1) {
		char what[512];

		snprintf(what, sizeof(what), "cannot load certificate %s", cert_file);
		set_err(err, errlen, what);
		goto fail;
	}
	if (SSL_CTX_use_PrivateKey_file(ctx, key_file, SSL_FILETYPE_PEM) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1) {
		char what[512];

		snprintf(what, sizeof(what), "cannot load private key %s (or it does not match %s)",
			 key_file, cert_file);
		set_err(err, errlen, what);
		goto fail;
	}
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

SSL_CTX *tls_client_ctx(const char *ca_file, char *err, size_t errlen)
{
	SSL_CTX *ctx = ctx_common(TLS_client_method(), err, errlen);

	if (!ctx)
		return NULL;
	if (ca_file) {
		if (SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1) {
			char what[512];

			snprintf(what, sizeof(what), "cannot load CA file %s", ca_file);
			set_err(err, errlen, what);
			SSL_CTX_free(ctx);
			return NULL;
		}
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	}
	return ctx;
}

static int add_ext(X509 *cert, int nid, const char *value)
{
	X509V3_CTX v3;
	X509_EXTENSION *ext;
	int ok;

	X509V3_set_ctx_nodb(&v3);
	X509V3_set_ctx(&v3, cert, cert, NULL, NULL, 0);
	ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
	if (!ext)
		return 0;
	ok = X509_add_ext(cert, ext, -1);
	X509_EXTENSION_free(ext);
	return ok;
}

static X509 *make_cert(EVP_PKEY *key, const char *cn)
{
	X509 *cert = X509_new();
	X509_NAME *name;
	uint8_t serial[16];
	BIGNUM *bn = NULL;
	char san[300];

	if (!cert)
		return NULL;
	X509_set_version(cert, 2);
	if (RAND_bytes(serial, sizeof(serial)) != 1)
		goto fail;
	serial[0] &= 0x7f;
	bn = BN_bin2bn(serial, sizeof(serial), NULL);
	if (!bn || !BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)))
		goto fail;
	X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
	X509_gmtime_adj(X509_getm_notAfter(cert), 3650L * 24 * 3600);
	X509_set_pubkey(cert, key);
	name = X509_get_subject_name(cert);
	X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(cert, name);
	snprintf(san, sizeof(san), "DNS:%s", cn);
	if (!add_ext(cert, NID_subject_alt_name, san) ||
	    !add_ext(cert, NID_basic_constraints, "critical,CA:TRUE") ||
	    !add_ext(cert, NID_key_usage, "critical,digitalSignature,keyCertSign"))
		goto fail;
	if (!X509_sign(cert, key, EVP_sha256()))
		goto fail;
	BN_free(bn);
	return cert;
fail:
	BN_free(bn);
	X509_free(cert);
	return NULL;
}

static int write_pem(const char *path, mode_t mode, EVP_PKEY *key, X509 *cert)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
	FILE *f;
	int ok;

	if (fd < 0)
		return -1;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		return -1;
	}
	ok =
	    key ? PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL) : PEM_write_X509(f, cert);
	if (fflush(f) != 0 || fsync(fd) != 0)
		ok = 0;
	if (fclose(f) != 0)
		ok = 0;
	return ok ? 0 : -1;
}

int tls_make_selfsigned(const char *cert_file, const char *key_file, const char *common_name,
			char *err, size_t errlen)
{
	EVP_PKEY *key = EVP_EC_gen("P-256");
	X509 *cert = NULL;
	int rc = -1;

	if (!key) {
		set_err(err, errlen, "cannot generate an ECDSA P-256 key");
		return -1;
	}
	cert = make_cert(key, common_name);
	if (!cert) {
		set_err(err, errlen, "cannot create a self-signed certificate");
		goto out;
	}
	if (write_pem(key_file, 0600, key, NULL) != 0) {
		snprintf(err, errlen, "cannot write %s: %s", key_file, strerror(errno));
		goto out;
	}
	if (write_pem(cert_file, 0644, NULL, cert) != 0) {
		snprintf(err, errlen, "cannot write %s: %s", cert_file, strerror(errno));
		unlink(key_file);
		goto out;
	}
	rc = 0;
out:
	X509_free(cert);
	EVP_PKEY_free(key);
	return rc;
}

int tls_fingerprint(X509 *cert, uint8_t fp[TLS_FP_LEN])
{
	unsigned int n = TLS_FP_LEN;

	return X509_digest(cert, EVP_sha256(), fp, &n) == 1 && n == TLS_FP_LEN ? 0 : -1;
}

int tls_file_fingerprint(const char *cert_file, uint8_t fp[TLS_FP_LEN])
{
	FILE *f = fopen(cert_file, "r");
	X509 *cert;
	int rc;

	if (!f)
		return -1;
	cert = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (!cert)
		return -1;
	rc = tls_fingerprint(cert, fp);
	X509_free(cert);
	return rc;
}

void tls_fingerprint_str(const uint8_t fp[TLS_FP_LEN], char out[TLS_FP_STR_LEN])
{
	for (int i = 0; i < TLS_FP_LEN; i++)
		snprintf(out + 3 * i, 4, "%02X%s", fp[i], i + 1 < TLS_FP_LEN ? ":" : "");
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int tls_fingerprint_parse(const char *text, uint8_t fp[TLS_FP_LEN])
{
	int n = 0, hi = -1;

	if (strncasecmp(text, "sha256:", 7) == 0)
		text += 7;
	bool colons = strchr(text, ':') != NULL;

	if (colons && strlen(text) != TLS_FP_STR_LEN - 1)
		return -1;

	for (size_t i = 0; text[i]; i++) {
		int v;

		/* with separators: exactly one ':' between byte pairs */
		if (colons && i % 3 == 2) {
			if (text[i] != ':')
				return -1;
			continue;
		}
		if (text[i] == ':')
			return -1;
		v = hexval((unsigned char)text[i]);
		if (v < 0 || n >= TLS_FP_LEN)
			return -1;
		if (hi < 0) {
			hi = v;
		} else {
			fp[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	return n == TLS_FP_LEN && hi < 0 ? 0 : -1;
}

int tls_exporter(SSL *ssl, uint8_t out[32])
{
	return SSL_export_keying_material(ssl, out, 32, TLS_EXPORTER_LABEL,
					  strlen(TLS_EXPORTER_LABEL), NULL, 0, 0) == 1
		   ? 0
		   : -1;
}

const char *tls_error(SSL *ssl, char *buf, size_t len)
{
	unsigned long e = ERR_get_error();
	long vr = ssl ? SSL_get_verify_result(ssl) : X509_V_OK;

	if (vr != X509_V_OK)
		snprintf(buf, len, "certificate verification failed: %s",
			 X509_verify_cert_error_string(vr));
	else if (e)
		ERR_error_string_n(e, buf, len);
	else if (errno)
		snprintf(buf, len, "%s", strerror(errno));
	else
		snprintf(buf, len, "connection closed by peer");
	ERR_clear_error();
	return buf;
}

int tls_write_all(SSL *ssl, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len > 0) {
		size_t n = 0;

		if (SSL_write_ex(ssl, p, len, &n) != 1)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

static int read_exact(SSL *ssl, uint8_t *buf, size_t len)
{
	while (len > 0) {
		size_t n = 0;

		if (SSL_read_ex(ssl, buf, len, &n) != 1)
			return -1;
		buf += n;
		len -= n;
	}
	return 0;
}

int tls_read_msg(SSL *ssl, uint8_t *buf, size_t cap, struct proto_msg *m, const char **err)
{
	size_t used;
	uint32_t len;
	int rc;

	*err = NULL;
	if (cap < PROTO_HDR_LEN + PROTO_CTRL_MAX || read_exact(ssl, buf, PROTO_HDR_LEN) != 0)
		return -1;
	rc = proto_next(buf, PROTO_HDR_LEN, m, &used, err);
	if (rc < 0)
		return -1;
	len = (uint32_t)buf[0] << 24 | (uint32_t)buf[1] << 16 | (uint32_t)buf[2] << 8 | buf[3];
	if (len > cap - PROTO_HDR_LEN) { /* a hub message needs the caller's larger buffer */
		*err = "message longer than this step takes";
		return -1;
	}
	if (buf[4] == PROTO_FRAME) {
		*err = "data frame before the handshake finished";
		return -1;
	}
	if (read_exact(ssl, buf + PROTO_HDR_LEN, len) != 0)
		return -1;
	return proto_next(buf, PROTO_HDR_LEN + len, m, &used, err) == 1 ? 0 : -1;
}
