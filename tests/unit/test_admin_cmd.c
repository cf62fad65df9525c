// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Admin console commands against a real server object built from a real
 * SoftHUB.cfg in a temporary directory (no sessions, no sockets): the
 * permission checks at the command level, argument and option errors, and
 * a change going to disk and into the running snapshot.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin_cmd.h"
#include "cfg.h"
#include "config.h"
#include "hub.h"
#include "sha0.h"
#include "suites.h"

static char dir[64], path[128];
static struct hub_server srv;
static struct admin_core core;
static struct admin_out out;
static char err[1024];

static void set_hash(struct cfg_folder *f, const char *password)
{
	uint8_t h[SHA0_LEN];

	sha0(password, strlen(password), h);
	ck_assert_int_eq(cfg_set_byte(f, "HashedPassword", h, SHA0_LEN, err, sizeof(err)), 0);
}

/* Server password "server-pw"; hubs DEFAULT (admin "hub-pw", user alice) and OTHER. */
static void write_config(void)
{
	struct cfg_folder *root = cfg_new(), *f, *hubs, *h;

	f = cfg_add_folder(cfg_add_folder(root, "ListenerList", err, sizeof(err)), "Listener0", err,
			   sizeof(err));
	cfg_set_bool(f, "Enabled", true, err, sizeof(err));
	cfg_set_uint(f, "Port", 5555, err, sizeof(err));
	f = cfg_add_folder(root, "Vpnhub", err, sizeof(err));
	cfg_set_string(f, "StateDir", dir, strlen(dir), err, sizeof(err));
	cfg_set_string(f, "AdminSocket", "", 0, err, sizeof(err));
	set_hash(cfg_add_folder(root, "ServerConfiguration", err, sizeof(err)), "server-pw");
	hubs = cfg_add_folder(root, "VirtualHUB", err, sizeof(err));
	h = cfg_add_folder(hubs, "DEFAULT", err, sizeof(err));
	cfg_set_bool(h, "Online", true, err, sizeof(err));
	set_hash(h, "hub-pw");
	f = cfg_add_folder(
	    cfg_add_folder(cfg_add_folder(h, "SecurityAccountDatabase", err, sizeof(err)),
			   "UserList", err, sizeof(err)),
	    "alice", err, sizeof(err));
	cfg_set_uint(f, "AuthType", 1, err, sizeof(err));
	cfg_set_bool(cfg_add_folder(hubs, "OTHER", err, sizeof(err)), "Online", true, err,
		     sizeof(err));
	ck_assert_int_eq(config_save_tree(root, path, false, err, sizeof(err)), 0);
	cfg_free(root);
}

static void setup(void)
{
	struct hub_config *cfg;

	snprintf(dir, sizeof(dir), "/tmp/admintest.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/SoftHUB.cfg", dir);
	write_config();
	cfg = config_load(path, err, sizeof(err));
	ck_assert_msg(cfg != NULL, "%s", err);
	memset(&srv, 0, sizeof(srv));
	ck_assert_int_eq(hub_server_init(&srv, cfg), 0);
	admin_core_init(&core, &srv);
	out_init(&out, false);
}

static void teardown(void)
{
	char bak[160];

	out_free(&out);
	admin_core_destroy(&core);
	hub_server_free(&srv);
	snprintf(bak, sizeof(bak), "%s.bak", path);
	unlink(bak);
	unlink(path);
	rmdir(dir);
}

static int run(struct admin_session *as, const char *line)
{
	err[0] = '\0';
	return admin_exec(as, line, strlen(line), &out, err, sizeof(err));
}

START_TEST(test_nobody_may_only_log_in)
{
	struct admin_session as;

	admin_session_init(&as, &core, ADMIN_NOBODY, "test");
	ck_assert_int_eq(run(&as, "status"), -1);
	ck_assert_ptr_nonnull(strstr(err, "not logged in"));
	ck_assert_int_eq(run(&as, "help"), 0);
	ck_assert_int_eq(run(&as, "login wrong-pw"), -1);
	ck_assert_str_eq(err, "wrong password");
	ck_assert_int_eq(run(&as, "login server-pw"), 0);
	ck_assert_int_eq(as.id.role, ADMIN_SERVER);
	ck_assert_str_eq(as.hub, "DEFAULT");
	ck_assert_int_eq(run(&as, "config save"), 0);
}
END_TEST

START_TEST(test_hub_admin_stays_in_its_hub)
{
	struct admin_session as;

	admin_session_init(&as, &core, ADMIN_NOBODY, "test");
	ck_assert_int_eq(run(&as, "login OTHER hub-pw"), -1); /* OTHER has no password */
	ck_assert_int_eq(run(&as, "login default hub-pw"), 0);
	ck_assert_int_eq(as.id.role, ADMIN_HUB);
	ck_assert_int_eq(run(&as, "user list"), 0);
	ck_assert_ptr_nonnull(strstr(out.buf, "name=alice"));
	ck_assert_int_eq(run(&as, "hub select OTHER"), -1);
	ck_assert_ptr_nonnull(strstr(err, "only hub DEFAULT"));
	ck_assert_int_eq(run(&as, "hub create NEW"), -1);
	ck_assert_int_eq(run(&as, "config reload"), -1);
	ck_assert_int_eq(run(&as, "listener list"), -1);
	ck_assert_ptr_nonnull(strstr(err, "server administrator"));
	ck_assert_int_eq(run(&as, "hub list"), 0);
	ck_assert_ptr_nonnull(strstr(out.buf, "name=DEFAULT"));
	ck_assert_ptr_null(strstr(out.buf, "OTHER"));
}
END_TEST

START_TEST(test_arguments_checked)
{
	struct admin_session as;

	admin_session_init(&as, &core, ADMIN_SERVER, "test");
	ck_assert_int_eq(run(&as, "user"), -1);
	ck_assert_ptr_nonnull(strstr(err, "unknown command"));
	ck_assert_int_eq(run(&as, "user add"), -1);
	ck_assert_ptr_nonnull(strstr(err, "usage: user add USER"));
	ck_assert_int_eq(run(&as, "user add bob --colour red"), -1);
	ck_assert_ptr_nonnull(strstr(err, "unknown option --colour"));
	ck_assert_int_eq(run(&as, "session kick 12x"), -1);
	ck_assert_ptr_nonnull(strstr(err, "expected a number"));
	ck_assert_int_eq(run(&as, "policy set user alice NoSuchItem 1"), -1);
	ck_assert_int_eq(run(&as, "policy set user alice MaxUpload -1"), -1);
	ck_assert_int_eq(run(&as, "user add bob --expire tomorrow"), -1);
	ck_assert_int_eq(run(&as, "user add bob --group nogroup"), -1);
	ck_assert_int_eq(run(&as, "user add \"bad\\nname\""), -1);
	ck_assert_int_eq(run(&as, "--json"), -1);
	ck_assert_int_eq(run(&as, ""), 0);
}
END_TEST

START_TEST(test_change_reaches_file_and_snapshot)
{
	struct admin_session as;
	struct hub_config *cfg, *disk;
	const struct conf_user *u;

	admin_session_init(&as, &core, ADMIN_SERVER, "test");
	ck_assert_int_eq(run(&as, "group add staff --realname \"The Staff\""), 0);
	ck_assert_msg(run(&as, "user add bob --group staff --expire 2031-02-03") == 0, "%s", err);
	ck_assert_int_eq(run(&as, "user passwd bob \"s3cret pw\""), 0);
	ck_assert_int_eq(run(&as, "user passwd alice \"--dashes\""), 0); /* quoted: a password */
	ck_assert_int_eq(run(&as, "policy set group staff MaxUpload 1000000"), 0);
	ck_assert_int_eq(run(&as, "user add bob"), -1);
	ck_assert_ptr_nonnull(strstr(err, "exists already"));
	cfg = hub_config_get(&srv);
	u = config_find_user(config_find_hub(cfg, "DEFAULT"), "BOB");
	ck_assert_ptr_nonnull(u);
	ck_assert_str_eq(u->group, "staff");
	ck_assert(u->has_verifier);
	ck_assert_uint_eq(u->expire_ms, 1927843200000ull);
	ck_assert_uint_eq(
	    config_find_group(config_find_hub(cfg, "DEFAULT"), "staff")->policy.v[POL_MAX_UPLOAD],
	    1000000);
	config_put(cfg);
	disk = config_load(path, err, sizeof(err));
	ck_assert_ptr_nonnull(disk);
	ck_assert_ptr_nonnull(config_find_user(config_find_hub(disk, "DEFAULT"), "bob"));
	config_put(disk);
	/* a change that would make the file invalid is refused, nothing written */
	ck_assert_int_eq(run(&as, "hub delete OTHER"), 0);
	ck_assert_int_eq(run(&as, "hub delete DEFAULT"), -1);
	ck_assert_ptr_nonnull(strstr(err, "would not load"));
	disk = config_load(path, err, sizeof(err));
	ck_assert_ptr_nonnull(config_find_hub(disk, "DEFAULT"));
	config_put(disk);
}
END_TEST

START_TEST(test_json_listing)
{
	struct admin_session as;

	admin_session_init(&as, &core, ADMIN_SERVER, "test");
	ck_assert_int_eq(run(&as, "user list --json"), 0);
	ck_assert_str_eq(out.buf, "[{\"name\":\"alice\",\"group\":\"\",\"realname\":\"\","
				  "\"expire\":\"never\",\"auth\":\"none\"}]");
	ck_assert_int_eq(run(&as, "session list --json"), 0);
	ck_assert_str_eq(out.buf, "[]");
}
END_TEST

Suite *admin_cmd_suite(void)
{
	Suite *s = suite_create("admin_cmd");
	TCase *tc = tcase_create("commands");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_nobody_may_only_log_in);
	tcase_add_test(tc, test_hub_admin_stays_in_its_hub);
	tcase_add_test(tc, test_arguments_checked);
	tcase_add_test(tc, test_change_reaches_file_and_snapshot);
	tcase_add_test(tc, test_json_listing);
	suite_add_tcase(s, tc);
	return s;
}
