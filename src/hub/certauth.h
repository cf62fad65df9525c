/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Certificate login (SoftEther AuthType 2 and 3) judged against the TLS
 * client certificate of the session (docs/admin.md, "Certificate users"):
 *
 *   AuthType 2: the certificate must equal AuthUserCert, byte for byte.
 *   AuthType 3: the certificate must chain to a trusted CA of the hub (its
 *               CertList, SoftEther's TrustedCaList, and Vpnhub/TrustedCaFile),
 *               then match AuthCommonName (ASCII case-insensitive) and/or
 *               AuthSerial when they are set.
 *   Both:       within its validity dates, and not revoked: by a CRL of
 *               Vpnhub/CrlFile signed by its issuer, or by an entry of the
 *               hub's CrlList (SoftEther's own revocation list).
 *
 * Loaded with the snapshot (so a reload re-reads the CA and CRL files) and
 * immutable afterwards: many sessions may check at once.
 */
#ifndef VPN_HUB_CERTAUTH_H
#define VPN_HUB_CERTAUTH_H

#include <openssl/x509.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct cfg_folder;

#define CERTAUTH_SERIAL_MAX 64

/* One CrlList entry: every field that is set must match. */
struct certauth_crl_entry {
	char cn[256], o[256], ou[256], c[256], st[256], l[256];
	uint8_t serial[CERTAUTH_SERIAL_MAX];
	size_t serial_len;
	bool has_md5, has_sha1;
	uint8_t md5[16], sha1[20];
};

struct certauth {
	X509_STORE *trusted; /* NULL: no trusted CA at all */
	size_t ntrusted;
	STACK_OF(X509_CRL) * crls; /* from CrlFile */
	struct certauth_crl_entry *crl_entries;
	size_t ncrl_entries;
	char ca_file[4096], crl_file[4096]; /* as configured, for the console */
};

struct certauth_user {
	X509 *cert; /* AuthType 2 */
	char cn[256];
	uint8_t serial[CERTAUTH_SERIAL_MAX];
	size_t serial_len;
};

/*
 * A hub's CertList, CrlList (under db = SecurityAccountDatabase) and its
 * Vpnhub/TrustedCaFile and Vpnhub/CrlFile (vpnhubf; relative paths start at
 * base_dir).  0, or -1 with "where: what" in err.
 */
int certauth_load(struct certauth *ca, const struct cfg_folder *db,
		  const struct cfg_folder *vpnhubf, const char *base_dir, char *err, size_t errlen);
void certauth_free(struct certauth *ca);

/* A user's AuthUserCert (type 2) or AuthCommonName / AuthSerial (type 3). */
int certauth_user_load(struct certauth_user *u, const struct cfg_folder *userf, uint32_t auth_type,
		       char *err, size_t errlen);
void certauth_user_free(struct certauth_user *u);

/*
 * 0 if peer (with the untrusted chain it sent, may be NULL) proves a user of
 * auth_type (2 or 3); else -1 with the reason in why (for the hub's logs).
 * now: seconds since 1970 for the validity dates.
 */
int certauth_check(const struct certauth *ca, const struct certauth_user *u, uint32_t auth_type,
		   X509 *peer, STACK_OF(X509) * chain, time_t now, char *why, size_t whylen);

/* The number of CRL file entries that are past their nextUpdate (reported at start-up). */
size_t certauth_stale_crls(const struct certauth *ca, time_t now);

#endif
