// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Certificate login checks (certauth.h).  Chain verification is OpenSSL's
 * (X509_verify_cert with the hub's trusted CAs and the client's intermediates,
 * purpose "TLS client"); CRLs are applied to the leaf by hand, so a hub whose
 * CRL file covers one of its CAs still admits users of the others.
 */
#include "certauth.h"

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cfg.h"
#include "config_keys.h"

/* "file:line:col: what" about an item, or about a folder. */
static int failf(char *err, size_t errlen, const struct cfg_folder *f, const struct cfg_item *it,
		 const char *what)
{
	char where[4200];

	if (it)
		cfg_item_where(it, where, sizeof(where));
	else
		cfg_folder_where(f, where, sizeof(where));
	snprintf(err, errlen, "%s: %s", where, what);
	return -1;
}

static X509 *der_cert(const uint8_t *der, size_t len)
{
	const uint8_t *p = der;
	X509 *x = len <= LONG_MAX ? d2i_X509(NULL, &p, (long)len) : NULL;

	if (x && p != der + len) {
		X509_free(x);
		return NULL;
	}
	return x;
}

/* dir/path, or path when absolute; false when it does not fit. */
static bool join(char *out, size_t cap, const char *dir, const char *path)
{
	int n = path[0] == '/' ? snprintf(out, cap, "%s", path)
			       : snprintf(out, cap, "%s/%s", dir, path);

	return n > 0 && (size_t)n < cap;
}

static int load_cert_list(struct certauth *ca, const struct cfg_folder *db, char *err,
			  size_t errlen)
{
	const struct cfg_folder *list = cfg_find_folder(db, "CertList");

	for (size_t i = 0; list && i < list->nfolders; i++) {
		const struct cfg_folder *f = list->folders[i];
		const struct cfg_item *it = cfg_find_item(f, CONFIG_KEY(CERT, X509));
		X509 *x;

		if (!it || it->type != CFG_BYTE)
			return failf(err, errlen, f, NULL,
				     "CertList entry without a byte X509 item");
		x = der_cert(it->v.data, it->len);
		if (!x)
			return failf(err, errlen, f, it, "X509 is not one DER certificate");
		if (X509_STORE_add_cert(ca->trusted, x) != 1) {
			X509_free(x);
			return failf(err, errlen, f, it, "cannot add the certificate to the store");
		}
		X509_free(x);
		ca->ntrusted++;
	}
	return 0;
}

static int load_ca_file(struct certauth *ca, const char *path, const struct cfg_folder *vf,
			char *err, size_t errlen)
{
	FILE *fp = fopen(path, "r");
	X509 *x;
	size_t n = 0;

	if (!fp)
		return failf(err, errlen, vf,
			     cfg_find_item(vf, CONFIG_KEY(HUBVPNHUB, TrustedCaFile)),
			     "TrustedCaFile: cannot open it");
	while ((x = PEM_read_X509(fp, NULL, NULL, NULL)) != NULL) {
		X509_STORE_add_cert(ca->trusted, x);
		X509_free(x);
		n++;
	}
	fclose(fp);
	ERR_clear_error();
	if (n == 0)
		return failf(err, errlen, vf,
			     cfg_find_item(vf, CONFIG_KEY(HUBVPNHUB, TrustedCaFile)),
			     "TrustedCaFile: no PEM certificate in it");
	ca->ntrusted += n;
	return 0;
}

static int load_crl_file(struct certauth *ca, const char *path, const struct cfg_folder *vf,
			 char *err, size_t errlen)
{
	FILE *fp = fopen(path, "r");
	X509_CRL *crl;

	if (!fp)
		return failf(err, errlen, vf, cfg_find_item(vf, CONFIG_KEY(HUBVPNHUB, CrlFile)),
			     "CrlFile: cannot open it");
	ca->crls = sk_X509_CRL_new_null();
	while (ca->crls && (crl = PEM_read_X509_CRL(fp, NULL, NULL, NULL)) != NULL)
		if (!sk_X509_CRL_push(ca->crls, crl))
			X509_CRL_free(crl);
	fclose(fp);
	ERR_clear_error();
	if (!ca->crls || sk_X509_CRL_num(ca->crls) == 0)
		return failf(err, errlen, vf, cfg_find_item(vf, CONFIG_KEY(HUBVPNHUB, CrlFile)),
			     "CrlFile: no PEM CRL in it");
	return 0;
}

/* Hex text ("1004", "10:04") to big-endian bytes without leading zeros. */
static bool hex_serial(const char *text, uint8_t *out, size_t cap, size_t *len)
{
	char digits[2 * CERTAUTH_SERIAL_MAX + 1];
	size_t n = 0, start = 0;

	for (const char *p = text; *p; p++) {
		if (*p == ':' || *p == ' ' || *p == '-')
			continue;
		if (!isxdigit((unsigned char)*p) || n + 1 >= sizeof(digits))
			return false;
		digits[n++] = *p;
	}
	digits[n] = '\0';
	while (start < n && digits[start] == '0')
		start++;
	n -= start;
	*len = (n + 1) / 2;
	if (*len > cap)
		return false;
	for (size_t i = 0, d = start; i < *len; i++) {
		char byte[3] = {digits[d], 0, 0};

		/* an odd count: the first byte has one digit */
		if (i > 0 || n % 2 == 0)
			byte[1] = digits[++d];
		d++;
		out[i] = (uint8_t)strtoul(byte, NULL, 16);
	}
	return true;
}

static int get_crl_text(const struct cfg_folder *f, const char *name, char *dst, size_t cap,
			char *err, size_t errlen)
{
	const char *s;
	size_t len;

	if (cfg_get_string(f, name, "", &s, &len, err, errlen) != 0)
		return -1;
	if (len >= cap || strlen(s) != len)
		return failf(err, errlen, f, cfg_find_item(f, name), "overlong or holds a NUL");
	memcpy(dst, s, len + 1);
	return 0;
}

static int get_digest(const struct cfg_folder *f, const char *name, uint8_t *dst, size_t len,
		      bool *has, char *err, size_t errlen)
{
	const uint8_t *p;
	size_t n;

	if (cfg_get_byte(f, name, &p, &n, err, errlen) != 0)
		return -1;
	*has = p && n > 0;
	if (!*has)
		return 0;
	if (n != len)
		return failf(err, errlen, f, cfg_find_item(f, name), "digest of the wrong length");
	memcpy(dst, p, len);
	return 0;
}

static int load_crl_list(struct certauth *ca, const struct cfg_folder *db, char *err, size_t errlen)
{
	const struct cfg_folder *list = cfg_find_folder(db, "CrlList");

	if (!list || list->nfolders == 0)
		return 0;
	ca->crl_entries = calloc(list->nfolders, sizeof(*ca->crl_entries));
	if (!ca->crl_entries)
		return failf(err, errlen, list, NULL, "out of memory");
	for (size_t i = 0; i < list->nfolders; i++) {
		const struct cfg_folder *f = list->folders[i];
		struct certauth_crl_entry *e = &ca->crl_entries[ca->ncrl_entries++];
		char serial[2 * CERTAUTH_SERIAL_MAX + 40];

		if (get_crl_text(f, CONFIG_KEY(CRL, CommonName), e->cn, sizeof(e->cn), err,
				 errlen) ||
		    get_crl_text(f, CONFIG_KEY(CRL, Organization), e->o, sizeof(e->o), err,
				 errlen) ||
		    get_crl_text(f, CONFIG_KEY(CRL, Unit), e->ou, sizeof(e->ou), err, errlen) ||
		    get_crl_text(f, CONFIG_KEY(CRL, Country), e->c, sizeof(e->c), err, errlen) ||
		    get_crl_text(f, CONFIG_KEY(CRL, State), e->st, sizeof(e->st), err, errlen) ||
		    get_crl_text(f, CONFIG_KEY(CRL, Local), e->l, sizeof(e->l), err, errlen) ||
		    get_crl_text(f, CONFIG_KEY(CRL, Serial), serial, sizeof(serial), err, errlen) ||
		    get_digest(f, CONFIG_KEY(CRL, DigestMD5), e->md5, sizeof(e->md5), &e->has_md5,
			       err, errlen) ||
		    get_digest(f, CONFIG_KEY(CRL, DigestSHA1), e->sha1, sizeof(e->sha1),
			       &e->has_sha1, err, errlen))
			return -1;
		if (serial[0] && !hex_serial(serial, e->serial, sizeof(e->serial), &e->serial_len))
			return failf(err, errlen, f, cfg_find_item(f, CONFIG_KEY(CRL, Serial)),
				     "Serial is not a hexadecimal serial number");
		if (!e->cn[0] && !e->o[0] && !e->ou[0] && !e->c[0] && !e->st[0] && !e->l[0] &&
		    !serial[0] && !e->has_md5 && !e->has_sha1)
			return failf(err, errlen, f, NULL,
				     "CrlList entry with no condition (it would revoke every "
				     "certificate)");
	}
	return 0;
}

int certauth_load(struct certauth *ca, const struct cfg_folder *db,
		  const struct cfg_folder *vpnhubf, const char *base_dir, char *err, size_t errlen)
{
	const char *ca_file, *crl_file;
	char path[4096];

	memset(ca, 0, sizeof(*ca));
	if (cfg_get_string(vpnhubf, CONFIG_KEY(HUBVPNHUB, TrustedCaFile), "", &ca_file, NULL, err,
			   errlen) ||
	    cfg_get_string(vpnhubf, CONFIG_KEY(HUBVPNHUB, CrlFile), "", &crl_file, NULL, err,
			   errlen))
		return -1;
	snprintf(ca->ca_file, sizeof(ca->ca_file), "%s", ca_file);
	snprintf(ca->crl_file, sizeof(ca->crl_file), "%s", crl_file);
	ca->trusted = X509_STORE_new();
	if (!ca->trusted)
		return failf(err, errlen, db, NULL, "out of memory");
	if (load_cert_list(ca, db, err, errlen) != 0)
		return -1;
	if (ca_file[0] && (!join(path, sizeof(path), base_dir, ca_file) ||
			   load_ca_file(ca, path, vpnhubf, err, errlen) != 0))
		return -1;
	if (crl_file[0] && (!join(path, sizeof(path), base_dir, crl_file) ||
			    load_crl_file(ca, path, vpnhubf, err, errlen) != 0))
		return -1;
	return load_crl_list(ca, db, err, errlen);
}

void certauth_free(struct certauth *ca)
{
	X509_STORE_free(ca->trusted);
	sk_X509_CRL_pop_free(ca->crls, X509_CRL_free);
	free(ca->crl_entries);
	memset(ca, 0, sizeof(*ca));
}

int certauth_user_load(struct certauth_user *u, const struct cfg_folder *userf, uint32_t auth_type,
		       char *err, size_t errlen)
{
	const uint8_t *p;
	const char *cn;
	size_t n;

	memset(u, 0, sizeof(*u));
	if (auth_type == 2) {
		if (cfg_get_byte(userf, CONFIG_KEY(USER, AuthUserCert), &p, &n, err, errlen) != 0)
			return -1;
		if (p && !(u->cert = der_cert(p, n)))
			return failf(err, errlen, userf,
				     cfg_find_item(userf, CONFIG_KEY(USER, AuthUserCert)),
				     "AuthUserCert is not one DER certificate");
		return 0;
	}
	if (auth_type != 3)
		return 0;
	if (cfg_get_string(userf, CONFIG_KEY(USER, AuthCommonName), "", &cn, &n, err, errlen) !=
		0 ||
	    cfg_get_byte(userf, CONFIG_KEY(USER, AuthSerial), &p, &u->serial_len, err, errlen) != 0)
		return -1;
	if (n >= sizeof(u->cn) || strlen(cn) != n)
		return failf(err, errlen, userf,
			     cfg_find_item(userf, CONFIG_KEY(USER, AuthCommonName)),
			     "AuthCommonName is overlong or holds a NUL");
	memcpy(u->cn, cn, n + 1);
	while (p && u->serial_len > 0 && p[0] == 0) { /* compared without leading zeros */
		p++;
		u->serial_len--;
	}
	if (u->serial_len > sizeof(u->serial))
		return failf(err, errlen, userf, cfg_find_item(userf, CONFIG_KEY(USER, AuthSerial)),
			     "AuthSerial longer than 64 bytes");
	if (u->serial_len)
		memcpy(u->serial, p, u->serial_len);
	return 0;
}

void certauth_user_free(struct certauth_user *u)
{
	X509_free(u->cert);
	u->cert = NULL;
}

/* The certificate's serial, big-endian, without leading zeros; false if too long. */
static bool cert_serial(X509 *x, uint8_t *out, size_t cap, size_t *len)
{
	BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x), NULL);
	int n;

	if (!bn)
		return false;
	n = BN_num_bytes(bn);
	if (n < 0 || (size_t)n > cap) {
		BN_free(bn);
		return false;
	}
	*len = (size_t)BN_bn2bin(bn, out);
	BN_free(bn);
	return true;
}

/* The subject's first entry of nid as UTF-8; "" when absent, false when it holds a NUL. */
static bool subject_text(X509 *x, int nid, char *out, size_t cap)
{
	X509_NAME *name = X509_get_subject_name(x);
	int i = X509_NAME_get_index_by_NID(name, nid, -1);
	unsigned char *utf8 = NULL;
	int n;

	out[0] = '\0';
	if (i < 0)
		return true;
	n = ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));
	if (n < 0 || (size_t)n >= cap || memchr(utf8, 0, (size_t)n)) {
		OPENSSL_free(utf8);
		return false;
	}
	memcpy(out, utf8, (size_t)n);
	out[n] = '\0';
	OPENSSL_free(utf8);
	return true;
}

static bool field_ok(const char *want, X509 *x, int nid)
{
	char have[256];

	return !want[0] ||
	       (subject_text(x, nid, have, sizeof(have)) && strcasecmp(want, have) == 0);
}

static bool digest_is(X509 *x, const EVP_MD *md, const uint8_t *want, size_t len)
{
	uint8_t d[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	return md && X509_digest(x, md, d, &n) == 1 && n == len && memcmp(d, want, len) == 0;
}

/* SoftEther's CrlList: an entry revokes a certificate when every field it sets matches. */
static const struct certauth_crl_entry *crl_list_match(const struct certauth *ca, X509 *x)
{
	uint8_t serial[CERTAUTH_SERIAL_MAX];
	size_t slen = 0;
	bool have_serial = cert_serial(x, serial, sizeof(serial), &slen);

	for (size_t i = 0; i < ca->ncrl_entries; i++) {
		const struct certauth_crl_entry *e = &ca->crl_entries[i];
		EVP_MD *md5 = e->has_md5 ? EVP_MD_fetch(NULL, "MD5", NULL) : NULL;
		bool match = field_ok(e->cn, x, NID_commonName) &&
			     field_ok(e->o, x, NID_organizationName) &&
			     field_ok(e->ou, x, NID_organizationalUnitName) &&
			     field_ok(e->c, x, NID_countryName) &&
			     field_ok(e->st, x, NID_stateOrProvinceName) &&
			     field_ok(e->l, x, NID_localityName) &&
			     (!e->serial_len || (have_serial && slen == e->serial_len &&
						 memcmp(serial, e->serial, slen) == 0)) &&
			     (!e->has_md5 || digest_is(x, md5, e->md5, sizeof(e->md5))) &&
			     (!e->has_sha1 || digest_is(x, EVP_sha1(), e->sha1, sizeof(e->sha1)));

		EVP_MD_free(md5);
		if (match)
			return e;
	}
	return NULL;
}

/* Revoked by a CRL of the file whose issuer is the leaf's and whose signature issuer checks. */
static bool crl_file_revokes(const struct certauth *ca, X509 *x, X509 *issuer)
{
	for (int i = 0; ca->crls && i < sk_X509_CRL_num(ca->crls); i++) {
		X509_CRL *crl = sk_X509_CRL_value(ca->crls, i);
		X509_REVOKED *rev = NULL;
		EVP_PKEY *key = issuer ? X509_get0_pubkey(issuer) : NULL;

		if (X509_NAME_cmp(X509_CRL_get_issuer(crl), X509_get_issuer_name(x)) != 0)
			continue;
		if (!key || X509_CRL_verify(crl, key) != 1)
			continue; /* not provably the issuer's: cannot speak for it */
		if (X509_CRL_get0_by_cert(crl, &rev, x) == 1)
			return true;
	}
	return false;
}

static int verify_chain(const struct certauth *ca, X509 *peer, STACK_OF(X509) * chain, time_t now,
			X509 **issuer, char *why, size_t whylen)
{
	X509_STORE_CTX *ctx = X509_STORE_CTX_new();
	int rc = -1;

	*issuer = NULL;
	if (!ca->trusted || ca->ntrusted == 0) {
		snprintf(why, whylen, "the hub trusts no certificate authority");
		X509_STORE_CTX_free(ctx);
		return -1;
	}
	if (!ctx || X509_STORE_CTX_init(ctx, ca->trusted, peer, chain) != 1) {
		snprintf(why, whylen, "out of memory");
		goto out;
	}
	X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_CLIENT);
	X509_STORE_CTX_set_time(ctx, 0, now);
	if (X509_verify_cert(ctx) != 1) {
		snprintf(why, whylen, "certificate does not chain to a trusted CA of the hub: %s",
			 X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)));
		goto out;
	}
	if (sk_X509_num(X509_STORE_CTX_get0_chain(ctx)) > 1) {
		*issuer = sk_X509_value(X509_STORE_CTX_get0_chain(ctx), 1);
		X509_up_ref(*issuer);
	}
	rc = 0;
out:
	X509_STORE_CTX_free(ctx);
	ERR_clear_error();
	return rc;
}

static int match_type3(const struct certauth_user *u, X509 *peer, char *why, size_t whylen)
{
	char cn[256];
	uint8_t serial[CERTAUTH_SERIAL_MAX];
	size_t slen = 0;

	if (u->cn[0] &&
	    (!subject_text(peer, NID_commonName, cn, sizeof(cn)) || strcasecmp(cn, u->cn) != 0)) {
		snprintf(why, whylen, "certificate common name \"%.64s\" is not \"%.64s\"", cn,
			 u->cn);
		return -1;
	}
	if (u->serial_len && (!cert_serial(peer, serial, sizeof(serial), &slen) ||
			      slen != u->serial_len || memcmp(serial, u->serial, slen) != 0)) {
		snprintf(why, whylen, "certificate serial number does not match AuthSerial");
		return -1;
	}
	return 0;
}

int certauth_check(const struct certauth *ca, const struct certauth_user *u, uint32_t auth_type,
		   X509 *peer, STACK_OF(X509) * chain, time_t now, char *why, size_t whylen)
{
	X509 *issuer = NULL;
	int rc = -1;

	if (!peer) {
		snprintf(why, whylen, "no client certificate presented");
		return -1;
	}
	if (auth_type == 2) {
		if (!u->cert || X509_cmp(u->cert, peer) != 0) {
			snprintf(why, whylen,
				 "certificate is not the one registered (AuthUserCert)");
			return -1;
		}
		if (X509_cmp_time(X509_get0_notBefore(peer), &now) > 0 ||
		    X509_cmp_time(X509_get0_notAfter(peer), &now) < 0) {
			snprintf(why, whylen, "certificate is outside its validity dates");
			return -1;
		}
		/* self-signed: its own key speaks for a CRL of its name */
		if (X509_check_issued(peer, peer) == X509_V_OK)
			issuer = X509_dup(peer);
	} else if (auth_type == 3) {
		if (verify_chain(ca, peer, chain, now, &issuer, why, whylen) != 0 ||
		    match_type3(u, peer, why, whylen) != 0)
			goto out;
	} else {
		snprintf(why, whylen, "not a certificate user");
		return -1;
	}
	if (crl_list_match(ca, peer)) {
		snprintf(why, whylen, "certificate is revoked (the hub's CrlList)");
		goto out;
	}
	if (crl_file_revokes(ca, peer, issuer)) {
		snprintf(why, whylen, "certificate is revoked (CrlFile)");
		goto out;
	}
	rc = 0;
out:
	X509_free(issuer);
	return rc;
}

size_t certauth_stale_crls(const struct certauth *ca, time_t now)
{
	size_t n = 0;

	for (int i = 0; ca->crls && i < sk_X509_CRL_num(ca->crls); i++) {
		const ASN1_TIME *next = X509_CRL_get0_nextUpdate(sk_X509_CRL_value(ca->crls, i));

		if (next && X509_cmp_time(next, &now) < 0)
			n++;
	}
	return n;
}
