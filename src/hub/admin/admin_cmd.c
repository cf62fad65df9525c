// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The admin console's command table and dispatch: match the command words,
 * check the caller's rights and the argument count and options, run the
 * handler.  Also help, login and quit.
 */
#include "admin_cmd.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "admin_cmd_impl.h"
#include "admin_out.h"
#include "hub.h"
#include "log.h"

struct command {
	const char *words; /* "user add": one or two words */
	enum admin_need need;
	admin_handler run;  /* a command that reads or acts, or */
	admin_edit_fn edit; /* a configuration change */
	int min_args, max_args;
	const char *const *options; /* allowed --options (NULL-terminated), --json always */
	const char *usage;
};

static int cmd_help(struct admin_call *c);
static int cmd_login(struct admin_call *c);
static int cmd_quit(struct admin_call *c);

static const char *const no_opts[] = {NULL};
static const char *const user_opts[] = {"group", "realname", "note",   "expire", "auth",
					"cert",	 "cn",	     "serial", NULL};
static const char *const ac_opts[] = {"priority", NULL};
static const char *const group_opts[] = {"realname", "note", NULL};
static const char *const access_opts[] = {"priority", "protocol", "src-ip",   "dst-ip",
					  "src-port", "dst-port", "src-user", "dst-user",
					  "note",     "active",	  NULL};
static const char *const cascade_opts[] = {"server", "remote-hub",  "user",  "password", "cert",
					   "key",    "fingerprint", "retry", "protocol", NULL};
static const char *const bridge_opts[] = {
    "hub", "tap", "mac", "monitor", "limit-broadcast", "no-promiscuous", NULL};

/* Hub-scoped commands act on the hub chosen with "hub select" (or --hub of vpnhubctl). */
static const struct command commands[] = {
    {"help", NEED_NOTHING, cmd_help, NULL, 0, 2, no_opts, "help [COMMAND]"},
    {"login", NEED_NOTHING, cmd_login, NULL, 1, 2, no_opts, "login [HUB] PASSWORD"},
    {"quit", NEED_NOTHING, cmd_quit, NULL, 0, 0, no_opts, "quit"},
    {"status", NEED_HUB, cmd_status, NULL, 0, 0, no_opts, "status [--json]"},
    {"hub list", NEED_HUB, cmd_hub_list, NULL, 0, 0, no_opts, "hub list [--json]"},
    {"hub select", NEED_HUB, cmd_hub_select, NULL, 1, 1, no_opts, "hub select HUB"},
    {"hub show", NEED_HUB, cmd_hub_show, NULL, 0, 0, no_opts, "hub show [--json]"},
    {"hub create", NEED_SERVER, NULL, edit_hub_create, 1, 1, no_opts, "hub create HUB"},
    {"hub delete", NEED_SERVER, NULL, edit_hub_delete, 1, 1, no_opts, "hub delete HUB"},
    {"hub online", NEED_HUB, NULL, edit_hub_online, 0, 0, no_opts, "hub online"},
    {"hub offline", NEED_HUB, NULL, edit_hub_offline, 0, 0, no_opts, "hub offline"},
    {"hub password", NEED_SERVER, NULL, edit_hub_password, 1, 1, no_opts, "hub password PASSWORD"},
    {"sessions", NEED_HUB, cmd_session_list, NULL, 0, 0, no_opts,
     "sessions [--json] (session list)"},
    {"session list", NEED_HUB, cmd_session_list, NULL, 0, 0, no_opts, "session list [--json]"},
    {"session show", NEED_HUB, cmd_session_show, NULL, 1, 1, no_opts, "session show ID [--json]"},
    {"session kick", NEED_HUB, cmd_session_kick, NULL, 1, 1, no_opts, "session kick ID"},
    {"mac table", NEED_HUB, cmd_mac_table, NULL, 0, 0, no_opts, "mac table [--json]"},
    {"ip table", NEED_HUB, cmd_ip_table, NULL, 0, 0, no_opts, "ip table [--json]"},
    {"user list", NEED_HUB, cmd_user_list, NULL, 0, 0, no_opts, "user list [--json]"},
    {"user show", NEED_HUB, cmd_user_show, NULL, 1, 1, no_opts, "user show USER [--json]"},
    {"user add", NEED_HUB, NULL, edit_user_add, 1, 1, user_opts,
     "user add USER [--group G] [--realname R] [--note N] [--expire YYYY-MM-DD[THH:MM:SS]|never] "
     "[--auth password|cert|signed] [--cert @FILE.pem] [--cn NAME] [--serial HEX]"},
    {"user delete", NEED_HUB, NULL, edit_user_delete, 1, 1, no_opts, "user delete USER"},
    {"user set", NEED_HUB, NULL, edit_user_set, 1, 1, user_opts,
     "user set USER [--group G|\"\"] [--realname R] [--note N] [--expire DATE|never] "
     "[--auth password|cert|signed] [--cert @FILE.pem] [--cn NAME|any] [--serial HEX|any]"},
    {"user passwd", NEED_HUB, NULL, edit_user_passwd, 2, 2, no_opts, "user passwd USER PASSWORD"},
    {"group list", NEED_HUB, cmd_group_list, NULL, 0, 0, no_opts, "group list [--json]"},
    {"group add", NEED_HUB, NULL, edit_group_add, 1, 1, group_opts,
     "group add GROUP [--realname R] [--note N]"},
    {"group delete", NEED_HUB, NULL, edit_group_delete, 1, 1, no_opts, "group delete GROUP"},
    {"group set", NEED_HUB, NULL, edit_group_set, 1, 1, group_opts,
     "group set GROUP [--realname R] [--note N]"},
    {"policy show", NEED_HUB, cmd_policy_show, NULL, 2, 2, no_opts,
     "policy show user|group NAME [--json]"},
    {"policy set", NEED_HUB, NULL, edit_policy_set, 4, 4, no_opts,
     "policy set user|group NAME ITEM VALUE"},
    {"policy clear", NEED_HUB, NULL, edit_policy_clear, 2, 2, no_opts,
     "policy clear user|group NAME"},
    {"access list", NEED_HUB, cmd_access_list, NULL, 0, 0, no_opts, "access list [--json]"},
    {"access add", NEED_HUB, NULL, edit_access_add, 1, 1, access_opts,
     "access add pass|discard [--priority N] [--protocol tcp|udp|icmp|N] [--src-ip A[/MASK]] "
     "[--dst-ip A[/MASK]] [--src-port P[-Q]] [--dst-port P[-Q]] [--src-user U] [--dst-user U] "
     "[--note TEXT] [--active yes|no]"},
    {"ac list", NEED_HUB, cmd_ac_list, NULL, 0, 0, no_opts, "ac list [--json]"},
    {"ac add", NEED_HUB, NULL, edit_ac_add, 2, 2, ac_opts,
     "ac add allow|deny ADDRESS[/PREFIX|/MASK] [--priority N] (source-IP list)"},
    {"ac delete", NEED_HUB, NULL, edit_ac_delete, 1, 1, no_opts, "ac delete ACL-NUMBER"},
    {"access delete", NEED_HUB, NULL, edit_access_delete, 1, 1, no_opts, "access delete ID"},
    {"access enable", NEED_HUB, NULL, edit_access_enable, 1, 1, no_opts, "access enable ID"},
    {"access disable", NEED_HUB, NULL, edit_access_disable, 1, 1, no_opts, "access disable ID"},
    {"log show", NEED_HUB, cmd_log_show, NULL, 0, 0, no_opts, "log show [--json]"},
    {"log set", NEED_HUB, NULL, edit_log_set, 2, 2, no_opts, "log set ITEM VALUE"},
    {"log reopen", NEED_SERVER, cmd_log_reopen, NULL, 0, 0, no_opts, "log reopen"},
    {"stats", NEED_HUB, cmd_stats, NULL, 0, 2, no_opts, "stats [session ID] [--json]"},
    {"config save", NEED_SERVER, NULL, edit_config_save, 0, 0, no_opts, "config save"},
    {"config reload", NEED_SERVER, cmd_config_reload, NULL, 0, 0, no_opts, "config reload"},
    {"listener list", NEED_SERVER, cmd_listener_list, NULL, 0, 0, no_opts,
     "listener list [--json]"},
    {"bridge list", NEED_SERVER, cmd_bridge_list, NULL, 0, 0, no_opts, "bridge list [--json]"},
    {"bridge add", NEED_SERVER, NULL, edit_bridge_add, 1, 1, bridge_opts,
     "bridge add DEVICE --hub HUB [--tap yes|no] [--mac 5E-xx-xx-xx-xx-xx] [--monitor yes|no] "
     "[--limit-broadcast yes|no] [--no-promiscuous yes|no]"},
    {"bridge delete", NEED_SERVER, NULL, edit_bridge_delete, 1, 1, no_opts, "bridge delete DEVICE"},
    {"cascade list", NEED_HUB, cmd_cascade_list, NULL, 0, 0, no_opts, "cascade list [--json]"},
    {"cascade status", NEED_HUB, cmd_cascade_status, NULL, 1, 1, no_opts,
     "cascade status NAME [--json]"},
    {"cascade add", NEED_HUB, NULL, edit_cascade_add, 1, 1, cascade_opts,
     "cascade add NAME --server HOST:PORT --remote-hub HUB --user USER (--password PASSWORD | "
     "--cert @FILE.pem --key @FILE.key) --fingerprint SHA256 [--retry SECONDS] "
     "[--protocol vpnhub|softether]"},
    {"cascade delete", NEED_HUB, NULL, edit_cascade_delete, 1, 1, no_opts, "cascade delete NAME"},
    {"cascade online", NEED_HUB, NULL, edit_cascade_online, 1, 1, no_opts, "cascade online NAME"},
    {"cascade offline", NEED_HUB, NULL, edit_cascade_offline, 1, 1, no_opts,
     "cascade offline NAME"},
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

/* How many command words: "user add" is 2, "status" 1. */
static int nwords(const char *words)
{
	return strchr(words, ' ') ? 2 : 1;
}

static bool matches(const struct command *cmd, const struct admin_cmdline *cl)
{
	const char *sp = strchr(cmd->words, ' ');

	if (!sp)
		return strcasecmp(cl->pos[0], cmd->words) == 0;
	return cl->npos >= 2 && strlen(cl->pos[0]) == (size_t)(sp - cmd->words) &&
	       strncasecmp(cl->pos[0], cmd->words, (size_t)(sp - cmd->words)) == 0 &&
	       strcasecmp(cl->pos[1], sp + 1) == 0;
}

static const struct command *find_command(const struct admin_cmdline *cl)
{
	for (size_t i = 0; i < NCOMMANDS; i++)
		if (matches(&commands[i], cl))
			return &commands[i];
	return NULL;
}

static int cmd_help(struct admin_call *c)
{
	const char *topic = admin_arg(c, 0);
	bool any = false;

	out_list_begin(c->out, NULL);
	for (size_t i = 0; i < NCOMMANDS; i++) {
		if (topic && strncasecmp(commands[i].words, topic, strlen(topic)) != 0)
			continue;
		any = true;
		if (c->out->json) {
			out_obj_begin(c->out, NULL);
			out_str(c->out, "usage", commands[i].usage);
			out_str(c->out, "needs",
				commands[i].need == NEED_SERVER ? "server admin"
				: commands[i].need == NEED_HUB	? "hub admin"
								: "nothing");
			out_obj_end(c->out);
		} else {
			out_printf(c->out, "%s%s\n", commands[i].usage,
				   commands[i].need == NEED_SERVER ? "  (server admin)" : "");
		}
	}
	out_list_end(c->out);
	if (!any)
		return admin_fail(c, "no command starts with \"%.40s\"", topic);
	return 0;
}

static int cmd_login(struct admin_call *c)
{
	struct admin_session *as = c->as;
	const char *hub = admin_arg(c, 1) ? admin_arg(c, 0) : NULL;
	const char *pw = admin_arg(c, 1) ? admin_arg(c, 1) : admin_arg(c, 0);
	uint64_t now = hub_now_ms();
	struct hub_config *cfg;
	bool ok;

	if (!admin_limiter_allow(&as->core->limiter, now)) {
		log_warnx("admin console: login from %s refused: too many failed logins", as->peer);
		return admin_fail(c, "too many failed logins; try again later");
	}
	cfg = hub_config_get(as->core->srv);
	ok = admin_password_ok(cfg, hub, pw, &as->id);
	config_put(cfg);
	if (!ok) {
		admin_limiter_fail(&as->core->limiter, now);
		log_warnx("admin console: failed login as %s%s from %s",
			  hub ? "administrator of hub " : "server administrator", hub ? hub : "",
			  as->peer);
		return admin_fail(c, "wrong password");
	}
	if (as->id.role == ADMIN_HUB)
		snprintf(as->hub, sizeof(as->hub), "%s", as->id.hub);
	else
		admin_select_default_hub(as);
	log_info("admin console: %s logged in as %s%s", as->peer,
		 as->id.role == ADMIN_HUB ? "administrator of hub " : "server administrator",
		 as->id.hub);
	out_printf(c->out, "logged in as %s%s\n",
		   as->id.role == ADMIN_HUB ? "administrator of hub " : "server administrator",
		   as->id.hub);
	return 0;
}

static int cmd_quit(struct admin_call *c)
{
	c->as->quit = true;
	out_printf(c->out, "bye\n");
	return 0;
}

/* The hub a command acts on, for the permission check. */
static const char *target_hub(const struct command *cmd, const struct admin_call *c)
{
	if (strcasecmp(cmd->words, "hub select") == 0)
		return admin_arg(c, 0);
	return c->as->hub[0] ? c->as->hub : NULL;
}

static int check_call(const struct command *cmd, struct admin_call *c)
{
	int nargs = c->cl->npos - c->arg0;
	const char *bad = admin_opt_unknown(c->cl, cmd->options);

	if (!admin_may(&c->as->id, cmd->need, target_hub(cmd, c), c->err, c->errlen))
		return -1;
	if (bad)
		return admin_fail(c, "unknown option --%.40s; usage: %s", bad, cmd->usage);
	if (nargs < cmd->min_args || nargs > cmd->max_args)
		return admin_fail(c, "usage: %s", cmd->usage);
	return 0;
}

int admin_exec(struct admin_session *as, const char *line, size_t len, struct admin_out *out,
	       char *err, size_t errlen)
{
	struct admin_cmdline *cl = malloc(sizeof(*cl));
	struct admin_call c = {.as = as, .cl = cl, .out = out, .err = err, .errlen = errlen};
	const struct command *cmd;
	int rc;

	if (!cl) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	rc = admin_parse(line, len, cl, err, errlen);
	if (rc == 0 && cl->npos == 0 && cl->nopt == 0 && !cl->json) {
		free(cl);
		return 0;
	}
	if (rc == 0 && cl->npos == 0)
		rc = admin_fail(&c, "no command, only options");
	out_reset(out, cl->json);
	if (rc == 0) {
		cmd = find_command(cl);
		if (!cmd)
			rc = admin_fail(&c, "unknown command \"%.40s\"; try help", cl->pos[0]);
		else {
			c.arg0 = nwords(cmd->words);
			rc = check_call(cmd, &c);
			if (rc == 0)
				rc = cmd->run ? cmd->run(&c) : admin_edit(&c, cmd->edit);
		}
	}
	if (rc == 0 && out->truncated)
		out_printf(out, "(output truncated at %u bytes)\n", OUT_MAX);
	explicit_bzero(cl, sizeof(*cl)); /* it may have held a password */
	free(cl);
	return rc;
}
