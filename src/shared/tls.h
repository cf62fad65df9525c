/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * OpenSSL contexts for the tunnel: TLS 1.3 preferred (1.2 accepted), AES-GCM
 * first, read-ahead with a 64 KB buffer; self-signed certificate creation for
 * a hub's first start; SHA-256 certificate fingerprints; blocking message I/O
 * used during the handshake phase.  Functions return 0 / pointer on success,
 * -1 / NULL on failure with a message in err.
 */
#ifndef VPN_TLS_H
#define VPN_TLS_H

#include <openssl/ssl.h>
#include <stddef.h>
#include <stdint.h>

#include "proto.h"

#define TLS_FP_LEN 32
#define TLS_FP_STR_LEN (TLS_FP_LEN * 3)
#define TLS_EXPORTER_LABEL "EXPORTER-vpnhub-auth-v1"

/* cert_file NULL: no certificate yet (tls_server_use_der).  Asks clients for certificates. */
SSL_CTX *tls_server_ctx(const char *cert_file, const char *key_file, char *err, size_t errlen);
SSL_CTX *tls_client_ctx(const char *ca_file, char *err, size_t errlen);

/* Creates an ECDSA P-256 key and a 10-year self-signed certificate (mode 0600 key). */
int tls_make_selfsigned(const char *cert_file, const char *key_file, const char *common_name,
			char *err, size_t errlen);

/*
 * Certificate login (tls_cert.c).  The client presents cert_file (PEM, leaf
 * first) with key_file (PEM); an encrypted key takes passphrase, or when it
 * is NULL, a passphrase typed on the terminal.
 */
int tls_client_use_cert(SSL_CTX *ctx, const char *cert_file, const char *key_file,
			const char *passphrase, char *err, size_t errlen);
/* The hub asks every client for a certificate; none, or any, passes the handshake. */
void tls_server_request_client_cert(SSL_CTX *ctx);
/* A certificate and its private key as DER bytes, named by their config items. */
struct tls_der_pair {
	const uint8_t *cert, *key;
	size_t cert_len, key_len;
	const char *cert_item, *key_item; /* ServerCert/ServerKey, ClientCert/ClientKey */
};
/* The context's own certificate and key from DER bytes (SoftEther's config items). */
int tls_use_der(SSL_CTX *ctx, const struct tls_der_pair *d, char *err, size_t errlen);
int tls_der_fingerprint(const uint8_t *der, size_t len, uint8_t fp[TLS_FP_LEN]);

int tls_fingerprint(X509 *cert, uint8_t fp[TLS_FP_LEN]);
int tls_file_fingerprint(const char *cert_file, uint8_t fp[TLS_FP_LEN]);
/* "AB:CD:..." (95 chars + NUL) */
void tls_fingerprint_str(const uint8_t fp[TLS_FP_LEN], char out[TLS_FP_STR_LEN]);
/* Accepts 64 hex digits, with or without ':' separators and an optional "sha256:" prefix. */
int tls_fingerprint_parse(const char *text, uint8_t fp[TLS_FP_LEN]);

/* 32-byte channel binding from RFC 5705/8446 keying material export. */
int tls_exporter(SSL *ssl, uint8_t out[32]);

/* Describes the most recent OpenSSL error (or the verify result) in buf. */
const char *tls_error(SSL *ssl, char *buf, size_t len);

/* Blocking I/O for the handshake phase (socket timeouts bound the wait). */
int tls_write_all(SSL *ssl, const void *buf, size_t len);
/* Reads exactly one control message into buf (cap >= PROTO_HDR_LEN + PROTO_CTRL_MAX). */
int tls_read_msg(SSL *ssl, uint8_t *buf, size_t cap, struct proto_msg *m, const char **err);

#endif
