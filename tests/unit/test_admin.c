// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Admin console: the command line parser (quoting, escapes, limits), the
 * quoting vpnhubctl relies on, the answer builder and the permission and
 * password checks.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin_auth.h"
#include "admin_out.h"
#include "cmdline.h"
#include "sha0.h"
#include "suites.h"

static struct admin_cmdline cl;
static char err[256];

static int parse(const char *s)
{
	err[0] = '\0';
	return admin_parse(s, strlen(s), &cl, err, sizeof(err));
}

START_TEST(test_words_and_blanks)
{
	ck_assert_int_eq(parse("  user \t add   alice  "), 0);
	ck_assert_int_eq(cl.npos, 3);
	ck_assert_str_eq(cl.pos[0], "user");
	ck_assert_str_eq(cl.pos[1], "add");
	ck_assert_str_eq(cl.pos[2], "alice");
	ck_assert_int_eq(parse(""), 0);
	ck_assert_int_eq(cl.npos, 0);
	ck_assert_int_eq(parse("   "), 0);
	ck_assert_int_eq(cl.npos, 0);
}
END_TEST

START_TEST(test_quotes_and_escapes)
{
	ck_assert_int_eq(parse("user set a --realname \"Alice \\\"Al\\\" Smith\" --note 'x \\n y'"),
			 0);
	ck_assert_int_eq(cl.npos, 3);
	ck_assert_str_eq(admin_opt_get(&cl, "realname"), "Alice \"Al\" Smith");
	ck_assert_str_eq(admin_opt_get(&cl, "note"), "x \\n y"); /* single quotes: literal */
	ck_assert_int_eq(parse("a\\ b \"c\\nd\" \"\" e\"f g\"h"), 0);
	ck_assert_int_eq(cl.npos, 4);
	ck_assert_str_eq(cl.pos[0], "a b");
	ck_assert_str_eq(cl.pos[1], "c\nd");
	ck_assert_str_eq(cl.pos[2], "");
	ck_assert_str_eq(cl.pos[3], "ef gh");
	ck_assert_int_eq(parse("\"back\\\\slash\" \"keep\\q\""), 0);
	ck_assert_str_eq(cl.pos[0], "back\\slash");
	ck_assert_str_eq(cl.pos[1], "keep\\q");
}
END_TEST

START_TEST(test_bad_lines)
{
	ck_assert_int_eq(parse("user add \"alice"), -1);
	ck_assert_str_eq(err, "unterminated \"quoted\" word");
	ck_assert_int_eq(parse("user add 'alice"), -1);
	ck_assert_int_eq(parse("user add alice\\"), -1);
	ck_assert_int_eq(parse("user\x01 add"), -1);
	ck_assert_ptr_nonnull(strstr(err, "0x01"));
	ck_assert_int_eq(parse("user\x7f"), -1);
	ck_assert_int_eq(parse("user list --group"), -1);
	ck_assert_str_eq(err, "option --group needs a value");
}
END_TEST

START_TEST(test_limits)
{
	char *line = malloc(ADMIN_LINE_MAX + 2);
	size_t n = 0;

	memset(line, 'a', ADMIN_LINE_MAX + 1);
	line[ADMIN_LINE_MAX + 1] = '\0';
	ck_assert_int_eq(admin_parse(line, ADMIN_LINE_MAX + 1, &cl, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "too long"));
	ck_assert_int_eq(admin_parse(line, ADMIN_LINE_MAX, &cl, err, sizeof(err)), 0);
	ck_assert_int_eq(cl.npos, 1);
	ck_assert_uint_eq(strlen(cl.pos[0]), ADMIN_LINE_MAX);
	for (int i = 0; i <= ADMIN_WORDS_MAX; i++) {
		line[n++] = 'w';
		line[n++] = ' ';
	}
	ck_assert_int_eq(admin_parse(line, n, &cl, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "too many words"));
	ck_assert_int_eq(admin_parse(line, n - 2, &cl, err, sizeof(err)), 0);
	ck_assert_int_eq(cl.npos, ADMIN_WORDS_MAX);
	free(line);
}
END_TEST

START_TEST(test_options)
{
	static const char *const allowed[] = {"group", "note", NULL};

	ck_assert_int_eq(parse("user list --json"), 0);
	ck_assert(cl.json);
	ck_assert_int_eq(cl.nopt, 0);
	ck_assert_int_eq(parse("user add bob --group a --note n --group b"), 0);
	ck_assert_str_eq(admin_opt_get(&cl, "group"), "b"); /* the last one wins */
	ck_assert_ptr_null(admin_opt_unknown(&cl, allowed));
	ck_assert_ptr_null(admin_opt_get(&cl, "expire"));
	ck_assert_int_eq(parse("user add bob --colour red"), 0);
	ck_assert_str_eq(admin_opt_unknown(&cl, allowed), "colour");
	ck_assert_int_eq(parse("x -- --"), 0); /* a bare "--" is a word */
	ck_assert_int_eq(cl.npos, 3);
	ck_assert_int_eq(parse("user passwd bob \"--pw\" '--json'"), 0); /* quoted: words */
	ck_assert_int_eq(cl.npos, 5);
	ck_assert_str_eq(cl.pos[3], "--pw");
	ck_assert(!cl.json);
	ck_assert_int_eq(cl.nopt, 0);
}
END_TEST

START_TEST(test_quote_round_trip)
{
	const char *words[] = {"plain", "two words", "q\"uote",	 "back\\slash",
			       "",	"tab\there", "'single'", "--option"};
	char line[256];
	size_t len = 0;

	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		ck_assert_int_eq(admin_quote(words[i], line, sizeof(line), &len), 0);
	ck_assert_int_eq(admin_parse(line, len, &cl, err, sizeof(err)), 0);
	ck_assert_int_eq(cl.nopt, 0); /* a quoted "--option" stays a word */
	ck_assert_int_eq(cl.npos, (int)(sizeof(words) / sizeof(words[0])));
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		ck_assert_str_eq(cl.pos[i], words[i]);
	len = 0;
	ck_assert_int_eq(admin_quote("new\nline", line, sizeof(line), &len), -1);
	len = 0;
	ck_assert_int_eq(admin_quote("0123456789", line, 8, &len), -1);
}
END_TEST

START_TEST(test_out_text_and_json)
{
	struct admin_out o;

	out_init(&o, false);
	out_list_begin(&o, NULL);
	out_obj_begin(&o, NULL);
	out_u64(&o, "id", 7);
	out_str(&o, "user", "al ice");
	out_bool(&o, "on", true);
	out_obj_end(&o);
	out_list_end(&o);
	ck_assert_str_eq(o.buf, "id=7 user=\"al ice\" on=true\n");
	out_reset(&o, true);
	out_list_begin(&o, NULL);
	out_obj_begin(&o, NULL);
	out_u64(&o, "id", 7);
	out_str(&o, "user", "a\"b\x01");
	out_obj_begin(&o, "drops");
	out_u64(&o, "full", 1);
	out_obj_end(&o);
	out_obj_end(&o);
	out_obj_begin(&o, NULL);
	out_obj_end(&o);
	out_list_end(&o);
	ck_assert_str_eq(o.buf,
			 "[{\"id\":7,\"user\":\"a\\\"b\\u0001\",\"drops\":{\"full\":1}},{}]");
	out_reset(&o, false);
	out_obj_begin(&o, NULL);
	out_str(&o, "name", "x\ny");
	out_obj_begin(&o, "drops");
	out_u64(&o, "full", 2);
	out_obj_end(&o);
	out_obj_end(&o);
	ck_assert_str_eq(o.buf, "name: x\\u000ay\ndrops: \n  full: 2\n");
	/* UTF-8 stays; stray bytes, overlong forms and C1 controls are escaped */
	out_reset(&o, true);
	out_str(&o, NULL, "\xc3\xa9\xe2\x82\xac|\xff|\xc0\xaf|\xc2\x9b|\xe2\x82");
	ck_assert_str_eq(
	    o.buf, "\"\xc3\xa9\xe2\x82\xac|\\u00ff|\\u00c0\\u00af|\\u00c2\\u009b|\\u00e2\\u0082\"");
	out_free(&o);
}
END_TEST

static struct hub_config *config_with_hashes(void)
{
	struct hub_config *c = calloc(1, sizeof(*c));
	struct sha0_ctx ctx;

	c->nhubs = 2;
	c->hubs = calloc(2, sizeof(*c->hubs));
	snprintf(c->hubs[0].name, sizeof(c->hubs[0].name), "DEFAULT");
	snprintf(c->hubs[1].name, sizeof(c->hubs[1].name), "OTHER");
	c->has_admin_hash = true;
	sha0("server-pw", 9, c->admin_hash);
	c->hubs[0].has_admin_hash = true;
	sha0("hub-pw", 6, c->hubs[0].admin_hash);
	sha0_init(&ctx);
	sha0_update(&ctx, "secure-pw", 9);
	sha0_update(&ctx, "ADMINISTRATOR", 13);
	sha0_final(&ctx, c->hubs[0].admin_secure);
	return c;
}

START_TEST(test_passwords)
{
	struct hub_config *c = config_with_hashes();
	struct admin_identity id = {0};

	ck_assert(admin_password_ok(c, NULL, "server-pw", &id));
	ck_assert_int_eq(id.role, ADMIN_SERVER);
	memset(&id, 0, sizeof(id));
	ck_assert(!admin_password_ok(c, NULL, "hub-pw", &id));
	ck_assert(!admin_password_ok(c, NULL, "", &id));
	ck_assert(!admin_password_ok(c, "DEFAULT", "server-pw", &id));
	ck_assert_int_eq(id.role, ADMIN_NOBODY);
	ck_assert(admin_password_ok(c, "default", "hub-pw", &id));
	ck_assert_int_eq(id.role, ADMIN_HUB);
	ck_assert_str_eq(id.hub, "DEFAULT");
	ck_assert(admin_password_ok(c, "DEFAULT", "secure-pw", &id));
	ck_assert(!admin_password_ok(c, "OTHER", "hub-pw", &id)); /* no hash: nobody */
	ck_assert(!admin_password_ok(c, "NOSUCH", "hub-pw", &id));
	c->has_admin_hash = false;
	ck_assert(!admin_password_ok(c, NULL, "server-pw", &id));
	free(c->hubs);
	free(c);
}
END_TEST

START_TEST(test_permissions)
{
	struct admin_identity server = {.role = ADMIN_SERVER};
	struct admin_identity hub = {.role = ADMIN_HUB, .hub = "DEFAULT"};
	struct admin_identity nobody = {.role = ADMIN_NOBODY};
	char why[128];

	ck_assert(admin_may(&nobody, NEED_NOTHING, NULL, why, sizeof(why)));
	ck_assert(!admin_may(&nobody, NEED_HUB, "DEFAULT", why, sizeof(why)));
	ck_assert_ptr_nonnull(strstr(why, "not logged in"));
	ck_assert(!admin_may(&nobody, NEED_SERVER, NULL, why, sizeof(why)));
	ck_assert(admin_may(&server, NEED_SERVER, NULL, why, sizeof(why)));
	ck_assert(admin_may(&server, NEED_HUB, "OTHER", why, sizeof(why)));
	ck_assert(admin_may(&hub, NEED_HUB, "DEFAULT", why, sizeof(why)));
	ck_assert(admin_may(&hub, NEED_HUB, "default", why, sizeof(why)));
	ck_assert(!admin_may(&hub, NEED_HUB, "OTHER", why, sizeof(why)));
	ck_assert_ptr_nonnull(strstr(why, "only hub DEFAULT"));
	ck_assert(!admin_may(&hub, NEED_HUB, NULL, why, sizeof(why)));
	ck_assert(!admin_may(&hub, NEED_SERVER, "DEFAULT", why, sizeof(why)));
	ck_assert_ptr_nonnull(strstr(why, "server administrator"));
}
END_TEST

START_TEST(test_limiter)
{
	struct admin_limiter l;
	uint64_t t = 100000;

	admin_limiter_init(&l);
	for (int i = 0; i < ADMIN_FAIL_BURST; i++) {
		ck_assert(admin_limiter_allow(&l, t));
		admin_limiter_fail(&l, t);
	}
	ck_assert(!admin_limiter_allow(&l, t + 1));
	ck_assert(!admin_limiter_allow(&l, t + ADMIN_FAIL_WINDOW_MS - 1));
	ck_assert(admin_limiter_allow(&l, t + ADMIN_FAIL_WINDOW_MS));
	pthread_mutex_destroy(&l.lock);
}
END_TEST

Suite *admin_suite(void)
{
	Suite *s = suite_create("admin");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_words_and_blanks);
	tcase_add_test(tc, test_quotes_and_escapes);
	tcase_add_test(tc, test_bad_lines);
	tcase_add_test(tc, test_limits);
	tcase_add_test(tc, test_options);
	tcase_add_test(tc, test_quote_round_trip);
	tcase_add_test(tc, test_out_text_and_json);
	tcase_add_test(tc, test_passwords);
	tcase_add_test(tc, test_permissions);
	tcase_add_test(tc, test_limiter);
	suite_add_tcase(s, tc);
	return s;
}
