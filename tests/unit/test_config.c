// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Hub configuration tests on temporary files: a full file, the defaults, each
 * whole-file requirement (listen, hub, certificate with key, timeout against
 * keepalive), hubs and users with their ordering, duplicate and verifier
 * checks, per-key ranges, and case-insensitive lookups.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "suites.h"

static char tmpdir[64];
static char conf_path[128];
static char verifier[AUTH_VERIFIER_MAX + 1];
static struct auth_verifier made;

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/cfgtest.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(conf_path, sizeof(conf_path), "%s/vpnhub.conf", tmpdir);
	ck_assert_int_eq(auth_verifier_make("hub password", AUTH_ITER_MIN, &made), 0);
	ck_assert_int_eq(auth_verifier_format(&made, verifier, sizeof(verifier)), 0);
}

static void teardown(void)
{
	unlink(conf_path);
	rmdir(tmpdir);
}

/* Writes text (with "%V" replaced by the test verifier) and loads it. */
static int load(const char *text, struct hub_config *c, char *err, size_t errlen)
{
	FILE *f = fopen(conf_path, "w");

	ck_assert_ptr_nonnull(f);
	for (const char *s = text; *s; s++) {
		if (s[0] == '%' && s[1] == 'V') {
			fputs(verifier, f);
			s++;
		} else {
			fputc(*s, f);
		}
	}
	ck_assert_int_eq(fclose(f), 0);
	err[0] = '\0';
	return config_load(conf_path, c, err, errlen);
}

/* Expects text to be refused with an error starting "PATH:LINE: " and containing what. */
static void refuse_at(const char *text, int line, const char *what)
{
	struct hub_config *c = calloc(1, sizeof(*c));
	char err[1024], prefix[160];

	ck_assert_ptr_nonnull(c);
	ck_assert_msg(load(text, c, err, sizeof(err)) == -1, "accepted: %s", text);
	if (line > 0)
		snprintf(prefix, sizeof(prefix), "%s:%d: ", conf_path, line);
	else
		snprintf(prefix, sizeof(prefix), "%s: ", conf_path);
	ck_assert_msg(strncmp(err, prefix, strlen(prefix)) == 0, "error \"%s\", want prefix \"%s\"",
		      err, prefix);
	ck_assert_msg(strstr(err, what) != NULL, "error \"%s\" lacks \"%s\"", err, what);
	/* a failed load leaves nothing to free */
	ck_assert_ptr_null(c->hubs);
	ck_assert_uint_eq(c->nhubs, 0);
	free(c);
}

static void same_verifier(const struct auth_verifier *a, const struct auth_verifier *b)
{
	ck_assert_uint_eq(a->iterations, b->iterations);
	ck_assert_uint_eq(a->salt_len, b->salt_len);
	ck_assert_mem_eq(a->salt, b->salt, a->salt_len);
	ck_assert_mem_eq(a->stored_key, b->stored_key, AUTH_KEY_LEN);
	ck_assert_mem_eq(a->server_key, b->server_key, AUTH_KEY_LEN);
}

START_TEST(test_full_file)
{
	static const char text[] = "# hub configuration\n"
				   "listen = 0.0.0.0:5555\n"
				   "listen = [::]:443\n"
				   "listen = hub.example.com\n"
				   "certificate = /etc/vpnhub/cert.pem\n"
				   "key = /etc/vpnhub/key.pem\n"
				   "state_dir = /var/tmp/vpnhub\n"
				   "keepalive = 10\n"
				   "timeout = 25\n"
				   "max_sessions = 100\n"
				   "hub_max_sessions = 50\n"
				   "queue_frames = 16\n"
				   "queue_bytes = 262144\n"
				   "max_macs = 1024\n"
				   "mac_aging = 300\n"
				   "hub = DEFAULT\n"
				   "user = DEFAULT alice %V\n"
				   "user = default Bob %V\n"
				   "hub = Office\n"
				   "user = OFFICE alice %V\n";
	struct hub_config *c = calloc(1, sizeof(*c));
	const struct cfg_hub *h;
	char err[1024];

	ck_assert_ptr_nonnull(c);
	ck_assert_msg(load(text, c, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(c->nlisten, 3);
	ck_assert_str_eq(c->listen[0].host, "0.0.0.0");
	ck_assert_uint_eq(c->listen[0].port, 5555);
	ck_assert_str_eq(c->listen[1].host, "::");
	ck_assert_uint_eq(c->listen[1].port, 443);
	ck_assert_str_eq(c->listen[2].host, "hub.example.com");
	ck_assert_uint_eq(c->listen[2].port, CFG_DEFAULT_PORT);
	ck_assert_str_eq(c->cert_file, "/etc/vpnhub/cert.pem");
	ck_assert_str_eq(c->key_file, "/etc/vpnhub/key.pem");
	ck_assert_str_eq(c->state_dir, "/var/tmp/vpnhub");
	ck_assert_uint_eq(c->keepalive_s, 10);
	ck_assert_uint_eq(c->timeout_s, 25);
	ck_assert_uint_eq(c->max_sessions, 100);
	ck_assert_uint_eq(c->hub_max_sessions, 50);
	ck_assert_uint_eq(c->queue_frames, 16);
	ck_assert_uint_eq(c->queue_bytes, 262144);
	ck_assert_uint_eq(c->max_macs, 1024);
	ck_assert_uint_eq(c->mac_aging_s, 300);

	ck_assert_uint_eq(c->nhubs, 2);
	ck_assert_str_eq(c->hubs[0].name, "DEFAULT");
	ck_assert_uint_eq(c->hubs[0].nusers, 2);
	ck_assert_str_eq(c->hubs[0].users[0].name, "alice");
	ck_assert_str_eq(c->hubs[0].users[1].name, "Bob");
	same_verifier(&c->hubs[0].users[0].verifier, &made);
	same_verifier(&c->hubs[0].users[1].verifier, &made);
	ck_assert_str_eq(c->hubs[1].name, "Office");
	ck_assert_uint_eq(c->hubs[1].nusers, 1);

	/* lookups ignore case for hubs and users */
	h = config_find_hub(c, "default");
	ck_assert_ptr_eq(h, &c->hubs[0]);
	ck_assert_ptr_eq(config_find_hub(c, "OFFICE"), &c->hubs[1]);
	ck_assert_ptr_null(config_find_hub(c, "DEFAULT2"));
	ck_assert_ptr_null(config_find_hub(c, ""));
	ck_assert_ptr_eq(config_find_user(h, "ALICE"), &h->users[0]);
	ck_assert_ptr_eq(config_find_user(h, "bob"), &h->users[1]);
	ck_assert_ptr_null(config_find_user(h, "carol"));
	ck_assert_ptr_null(config_find_user(&c->hubs[1], "bob"));
	config_free(c);
	ck_assert_ptr_null(c->hubs);
	ck_assert_uint_eq(c->nhubs, 0);
	free(c);
}
END_TEST

START_TEST(test_defaults)
{
	struct hub_config *c = calloc(1, sizeof(*c));
	char err[1024];

	ck_assert_ptr_nonnull(c);
	ck_assert_msg(load("listen = 127.0.0.1\nhub = DEFAULT\n", c, err, sizeof(err)) == 0, "%s",
		      err);
	ck_assert_uint_eq(c->nlisten, 1);
	ck_assert_uint_eq(c->listen[0].port, 5555);
	ck_assert_uint_eq(c->nhubs, 1);
	ck_assert_uint_eq(c->hubs[0].nusers, 0);
	ck_assert_str_eq(c->cert_file, "");
	ck_assert_str_eq(c->key_file, "");
	ck_assert_str_eq(c->state_dir, "/var/lib/vpnhub");
	ck_assert_uint_eq(c->keepalive_s, 5);
	ck_assert_uint_eq(c->timeout_s, 20);
	ck_assert_uint_eq(c->max_sessions, 4096);
	ck_assert_uint_eq(c->hub_max_sessions, 1024);
	ck_assert_uint_eq(c->queue_frames, 2048);
	ck_assert_uint_eq(c->queue_bytes, 4 * 1024 * 1024);
	ck_assert_uint_eq(c->max_macs, 65536);
	ck_assert_uint_eq(c->mac_aging_s, 600);
	config_free(c);
	free(c);
}
END_TEST

START_TEST(test_whole_file_checks)
{
	refuse_at("hub = DEFAULT\n", 0, "no \"listen\" address");
	refuse_at("", 0, "no \"listen\" address");
	refuse_at("listen = 0.0.0.0\n", 0, "no \"hub\" defined");
	refuse_at("listen = 0.0.0.0\nhub = A\ncertificate = /c.pem\n", 0,
		  "\"certificate\" and \"key\" go together");
	refuse_at("listen = 0.0.0.0\nhub = A\nkey = /k.pem\n", 0,
		  "\"certificate\" and \"key\" go together");
	refuse_at("listen = 0.0.0.0\nhub = A\nkeepalive = 10\ntimeout = 19\n", 0,
		  "timeout (19 s) must be at least twice keepalive (10 s)");
	refuse_at("listen = 0.0.0.0\nhub = A\nkeepalive = 11\n", 0, "at least twice keepalive");
}
END_TEST

START_TEST(test_timeout_boundary)
{
	struct hub_config *c = calloc(1, sizeof(*c));
	char err[1024];

	ck_assert_ptr_nonnull(c);
	ck_assert_msg(load("listen = 0.0.0.0\nhub = A\ntimeout = 20\nkeepalive = 10\n", c, err,
			   sizeof(err)) == 0,
		      "%s", err);
	ck_assert_uint_eq(c->timeout_s, 20);
	config_free(c);
	free(c);
}
END_TEST

START_TEST(test_hubs_and_users)
{
	refuse_at("listen = 0.0.0.0\nuser = DEFAULT alice %V\nhub = DEFAULT\n", 2,
		  "hub \"DEFAULT\" is not defined");
	refuse_at("listen = 0.0.0.0\nhub = DEFAULT\nuser = OTHER alice %V\n", 3, "not defined");
	refuse_at("listen = 0.0.0.0\nhub = Sales\n\nhub = SALES\n", 4, "defined twice");
	refuse_at("listen = 0.0.0.0\nhub = A\nuser = A alice %V\nuser = A ALICE %V\n", 4,
		  "duplicate user name \"ALICE\"");
	refuse_at("listen = 0.0.0.0\nhub = A\nuser = A alice\n", 3,
		  "expected \"HUB NAME VERIFIER\"");
	refuse_at("listen = 0.0.0.0\nhub = A\nuser = A\n", 3, "expected");
	refuse_at("listen = 0.0.0.0\nhub = A\nuser = A alice %V extra\n", 3, "expected");
	refuse_at("listen = 0.0.0.0\nhub = A\nuser = A alice scram-sha-256$1000$AAAA$BBBB$CCCC\n",
		  3, "user alice: bad password verifier");
	refuse_at("listen = 0.0.0.0\nhub = A\nuser = A alice plaintext\n", 3,
		  "bad password verifier");
	refuse_at("listen = 0.0.0.0\nhub = \"two words\"\n", 2, "bad hub name");
	refuse_at("listen = 0.0.0.0\nhub = \"\"\n", 2, "bad hub name");
	refuse_at("listen = 0.0.0.0\nhub = a\x01z\n", 2, "bad hub name");
}
END_TEST

START_TEST(test_same_user_in_two_hubs)
{
	struct hub_config *c = calloc(1, sizeof(*c));
	char err[1024];

	ck_assert_ptr_nonnull(c);
	ck_assert_msg(load("listen = 0.0.0.0\nhub = A\nhub = B\nuser = A alice %V\n"
			   "user = B alice %V\n",
			   c, err, sizeof(err)) == 0,
		      "%s", err);
	ck_assert_ptr_nonnull(config_find_user(config_find_hub(c, "a"), "alice"));
	ck_assert_ptr_nonnull(config_find_user(config_find_hub(c, "b"), "Alice"));
	config_free(c);
	free(c);
}
END_TEST

START_TEST(test_many_users)
{
	struct hub_config *c = calloc(1, sizeof(*c));
	size_t cap = 100 * (AUTH_VERIFIER_MAX + 32) + 64, n;
	char *text = malloc(cap), err[1024], name[32];
	const struct cfg_hub *h;

	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_nonnull(text);
	n = (size_t)snprintf(text, cap, "listen = 0.0.0.0\nhub = big\n");
	for (int i = 0; i < 100; i++)
		n += (size_t)snprintf(text + n, cap - n, "user = big user%d %%V\n", i);
	ck_assert_msg(load(text, c, err, sizeof(err)) == 0, "%s", err);
	h = config_find_hub(c, "BIG");
	ck_assert_ptr_nonnull(h);
	ck_assert_uint_eq(h->nusers, 100);
	ck_assert_uint_ge(h->users_cap, 100);
	for (int i = 0; i < 100; i++) {
		snprintf(name, sizeof(name), "USER%d", i);
		ck_assert_ptr_eq(config_find_user(h, name), &h->users[i]);
		same_verifier(&h->users[i].verifier, &made);
	}
	config_free(c);
	free(text);
	free(c);
}
END_TEST

START_TEST(test_key_errors)
{
	refuse_at("listen = 0.0.0.0\nhub = A\ncolour = blue\n", 3, "unknown key \"colour\"");
	refuse_at("listen = 0.0.0.0:0\nhub = A\n", 1, "listen");
	refuse_at("listen = [::1\nhub = A\n", 1, "IPv6");
	refuse_at("hub = A\nkeepalive = 0\nlisten = 0.0.0.0\n", 2, "keepalive");
	refuse_at("hub = A\ntimeout = 2\n", 2, "timeout");
	refuse_at("hub = A\nmax_sessions = 100001\n", 2, "max_sessions");
	refuse_at("hub = A\nhub_max_sessions = 0\n", 2, "hub_max_sessions");
	refuse_at("hub = A\nqueue_frames = 15\n", 2, "queue_frames");
	refuse_at("hub = A\nqueue_bytes = 262143\n", 2, "queue_bytes");
	refuse_at("hub = A\nmax_macs = 1048577\n", 2, "max_macs");
	refuse_at("hub = A\nmac_aging = 9\n", 2, "mac_aging");
	refuse_at("hub = A\ncertificate =\n", 2, "certificate");
	refuse_at("hub = A\nbroken line\n", 2, "expected");
}
END_TEST

START_TEST(test_listen_limit)
{
	struct hub_config *c = calloc(1, sizeof(*c));
	char text[2048], err[1024];
	size_t n = 0;

	ck_assert_ptr_nonnull(c);
	for (int i = 0; i < CFG_LISTEN_MAX; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "listen = 10.0.0.%d\n", i + 1);
	snprintf(text + n, sizeof(text) - n, "hub = A\n");
	ck_assert_msg(load(text, c, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(c->nlisten, CFG_LISTEN_MAX);
	ck_assert_str_eq(c->listen[CFG_LISTEN_MAX - 1].host, "10.0.0.16");
	config_free(c);
	free(c);
	snprintf(text + n, sizeof(text) - n, "listen = 10.0.0.99\nhub = A\n");
	refuse_at(text, CFG_LISTEN_MAX + 1, "more than 16 listeners");
}
END_TEST

START_TEST(test_missing_file)
{
	struct hub_config *c = calloc(1, sizeof(*c));
	char err[1024], path[160];

	ck_assert_ptr_nonnull(c);
	snprintf(path, sizeof(path), "%s/absent.conf", tmpdir);
	ck_assert_int_eq(config_load(path, c, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, path));
	ck_assert_ptr_nonnull(strstr(err, "cannot open"));
	ck_assert_ptr_null(c->hubs);
	free(c);
}
END_TEST

Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *tc = tcase_create("load");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_full_file);
	tcase_add_test(tc, test_defaults);
	tcase_add_test(tc, test_whole_file_checks);
	tcase_add_test(tc, test_timeout_boundary);
	tcase_add_test(tc, test_hubs_and_users);
	tcase_add_test(tc, test_same_user_in_two_hubs);
	tcase_add_test(tc, test_many_users);
	tcase_add_test(tc, test_key_errors);
	tcase_add_test(tc, test_listen_limit);
	tcase_add_test(tc, test_missing_file);
	suite_add_tcase(s, tc);
	return s;
}
