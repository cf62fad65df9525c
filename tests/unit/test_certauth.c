// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Certificate login checks against the hub SoftEther 5.01 wrote
 * (tests/data/migrate: CertList with the test CA, CrlList revoking serial
 * 1004, users certuser (AuthType 2), causer (3: CN and serial), revoked (3: CN))
 * and the certificates made by tests/data/migrate/make-certs.sh.
 */
#include <openssl/pem.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cfg.h"
#include "certauth.h"
#include "suites.h"

static char err[512], why[256];

static void data_path(const char *name, char *out, size_t cap)
{
	const char *slash = strrchr(__FILE__, '/');

	snprintf(out, cap, "%.*s/../data/migrate/%s", slash ? (int)(slash - __FILE__) : 1,
		 slash ? __FILE__ : ".", name);
	if (access(out, R_OK) != 0)
		snprintf(out, cap, "tests/data/migrate/%s", name);
}

static X509 *pem(const char *name)
{
	char path[4096];
	FILE *f;
	X509 *x;

	data_path(name, path, sizeof(path));
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	ck_assert_ptr_nonnull(x);
	return x;
}

static struct cfg_folder *root;

static struct cfg_folder *hub_db(void)
{
	char path[4096];

	data_path("vpn_server.config", path, sizeof(path));
	ck_assert_msg(cfg_read_file(path, &root, err, sizeof(err)) == 0, "%s", err);
	return cfg_find_folder(
		   cfg_find_folder(cfg_find_folder(cfg_find_folder(root, "VirtualHUB"), "MIGRATE"),
				   "SecurityAccountDatabase"),
		   "UserList")
	    ->parent;
}

static void user(const struct cfg_folder *db, const char *name, uint32_t type,
		 struct certauth_user *u)
{
	const struct cfg_folder *f = cfg_find_folder(cfg_find_folder(db, "UserList"), name);

	ck_assert_ptr_nonnull(f);
	ck_assert_msg(certauth_user_load(u, f, type, err, sizeof(err)) == 0, "%s", err);
}

/* 0 or -1 for user u presenting the certificate in file name, at time now. */
static int check(const struct certauth *ca, const struct certauth_user *u, uint32_t type,
		 const char *name, time_t now)
{
	X509 *x = pem(name);
	int rc;

	why[0] = '\0';
	rc = certauth_check(ca, u, type, x, NULL, now, why, sizeof(why));
	X509_free(x);
	return rc;
}

START_TEST(test_softether_users)
{
	struct cfg_folder *db = hub_db();
	struct certauth ca;
	struct certauth_user cu, ca_user, rev;
	time_t now = time(NULL);

	ck_assert_msg(certauth_load(&ca, db, NULL, "/", err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(ca.ntrusted, 1);
	ck_assert_uint_eq(ca.ncrl_entries, 1);
	user(db, "certuser", 2, &cu);
	user(db, "causer", 3, &ca_user);
	user(db, "revoked", 3, &rev);
	ck_assert_ptr_nonnull(cu.cert);
	ck_assert_str_eq(ca_user.cn, "causer");
	ck_assert_uint_eq(ca_user.serial_len, 2); /* AuthSerial EAM= is 0x10 0x03 */

	/* AuthType 2: exactly the registered certificate */
	ck_assert_int_eq(check(&ca, &cu, 2, "user2.pem", now), 0);
	ck_assert_int_eq(check(&ca, &cu, 2, "causer.pem", now), -1);
	ck_assert_ptr_nonnull(strstr(why, "AuthUserCert"));
	/* AuthType 3: chain to the trusted CA, then CN and serial */
	ck_assert_msg(check(&ca, &ca_user, 3, "causer.pem", now) == 0, "%s", why);
	ck_assert_int_eq(check(&ca, &ca_user, 3, "rogue.pem", now), -1); /* same CN and serial */
	ck_assert_ptr_nonnull(strstr(why, "trusted CA"));
	ck_assert_int_eq(check(&ca, &ca_user, 3, "mallory.pem", now), -1);
	ck_assert_ptr_nonnull(strstr(why, "common name"));
	ck_assert_int_eq(check(&ca, &ca_user, 3, "user2.pem", now), -1); /* self-signed */
	/* SoftEther's CrlList (Serial 1004, CommonName revoked) */
	ck_assert_int_eq(check(&ca, &rev, 3, "revoked.pem", now), -1);
	ck_assert_ptr_nonnull(strstr(why, "CrlList"));
	/* validity dates: the test certificates run for 100 years */
	ck_assert_int_eq(check(&ca, &ca_user, 3, "causer.pem", now + 101L * 366 * 86400), -1);
	ck_assert_int_eq(check(&ca, &cu, 2, "user2.pem", now + 101L * 366 * 86400), -1);
	ck_assert_ptr_nonnull(strstr(why, "validity"));
	/* no certificate at all */
	ck_assert_int_eq(certauth_check(&ca, &ca_user, 3, NULL, NULL, now, why, sizeof(why)), -1);
	/* a password user type is not a certificate user */
	ck_assert_int_eq(check(&ca, &ca_user, 1, "causer.pem", now), -1);
	certauth_user_free(&cu);
	certauth_user_free(&ca_user);
	certauth_user_free(&rev);
	certauth_free(&ca);
	cfg_free(root);
}
END_TEST

/* Our own items: a CA file instead of CertList, a CRL file instead of CrlList. */
START_TEST(test_ca_and_crl_files)
{
	char dir[4096], text[8192];
	struct cfg_folder *r, *vf;
	struct certauth ca;
	struct certauth_user u = {.cn = "revoked"}, c = {.cn = "causer"};
	time_t now = time(NULL);

	data_path("ca.pem", dir, sizeof(dir));
	*strrchr(dir, '/') = '\0';
	snprintf(text, sizeof(text),
		 "declare root\n{\ndeclare Vpnhub\n{\nstring TrustedCaFile ca.pem\n"
		 "string CrlFile crl.pem\n}\n}\n");
	ck_assert_int_eq(cfg_read_text(text, strlen(text), "t.cfg", &r, err, sizeof(err)), 0);
	vf = cfg_find_folder(r, "Vpnhub");
	ck_assert_msg(certauth_load(&ca, r, vf, dir, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(ca.ntrusted, 1);
	ck_assert_uint_eq(ca.ncrl_entries, 0);
	ck_assert_uint_eq(certauth_stale_crls(&ca, now), 0);
	ck_assert_uint_eq(certauth_stale_crls(&ca, now + 101L * 366 * 86400), 1);
	ck_assert_int_eq(check(&ca, &u, 3, "revoked.pem", now), -1);
	ck_assert_ptr_nonnull(strstr(why, "CrlFile"));
	ck_assert_msg(check(&ca, &c, 3, "causer.pem", now) == 0, "%s", why);
	certauth_free(&ca);
	/* a missing file is a load error naming the item */
	ck_assert_int_eq(certauth_load(&ca, r, vf, "/nonexistent", err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "TrustedCaFile: cannot open"));
	certauth_free(&ca);
	cfg_free(r);
	/* no CA at all: type 3 refused with a clear reason */
	ck_assert_int_eq(cfg_read_text("declare root\n{\n}\n", 17, "t.cfg", &r, err, sizeof(err)),
			 0);
	ck_assert_int_eq(certauth_load(&ca, r, NULL, "/", err, sizeof(err)), 0);
	ck_assert_int_eq(check(&ca, &c, 3, "causer.pem", now), -1);
	ck_assert_ptr_nonnull(strstr(why, "trusts no certificate authority"));
	certauth_free(&ca);
	cfg_free(r);
}
END_TEST

START_TEST(test_bad_items)
{
	static const char *const bad[] = {
	    "declare CertList\n{\ndeclare Cert0\n{\nbyte X509 AAAA\n}\n}\n",
	    "declare CertList\n{\ndeclare Cert0\n{\n}\n}\n",
	    "declare CrlList\n{\ndeclare Crl0\n{\n}\n}\n",
	    "declare CrlList\n{\ndeclare Crl0\n{\nstring Serial 10zz\n}\n}\n",
	    "declare CrlList\n{\ndeclare Crl0\n{\nbyte DigestMD5 AAAA\n}\n}\n",
	};
	char text[1024];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct cfg_folder *r;
		struct certauth ca;

		snprintf(text, sizeof(text), "declare root\n{\n%s}\n", bad[i]);
		ck_assert_int_eq(cfg_read_text(text, strlen(text), "t.cfg", &r, err, sizeof(err)),
				 0);
		ck_assert_msg(certauth_load(&ca, r, NULL, "/", err, sizeof(err)) == -1, "%s",
			      bad[i]);
		ck_assert_ptr_nonnull(strstr(err, "t.cfg:"));
		certauth_free(&ca);
		cfg_free(r);
	}
}
END_TEST

Suite *certauth_suite(void)
{
	Suite *s = suite_create("certauth");
	TCase *tc = tcase_create("check");

	tcase_add_test(tc, test_softether_users);
	tcase_add_test(tc, test_ca_and_crl_files);
	tcase_add_test(tc, test_bad_items);
	suite_add_tcase(s, tc);
	return s;
}
