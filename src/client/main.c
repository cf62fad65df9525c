// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vpnclient: command line, profile, device, TLS context, then the tunnel.
 * Exit codes are enum client_exit (tunnel.h) and documented in vpnclient(8).
 */
#include <getopt.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "control.h"
#include "daemon.h"
#include "dhcp.h"
#include "log.h"
#include "profile.h"
#include "runtime.h"
#include "tls.h"
#include "tunnel.h"
#include "vif.h"

#ifndef VPN_VERSION
#define VPN_VERSION "0.1.0"
#endif

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vpnclient [-v] [--user USER] [--pidfile FILE] [--daemon] [--rundir DIR]\n"
		"                 connect PROFILE\n"
		"       vpnclient [--rundir DIR] status [PROFILE] [--json]\n"
		"       vpnclient [--rundir DIR] list [--json]\n"
		"       vpnclient [--rundir DIR] disconnect PROFILE\n"
		"       vpnclient --version | --help\n"
		"\n"
		"  connect PROFILE   create the virtual interface and stay connected to the hub\n"
		"                    the profile names (vpnclient.conf(5)); stops on SIGINT or\n"
		"                    SIGTERM or \"vpnclient disconnect\"\n"
		"  status, list      show running profiles (state, session, addresses, traffic)\n"
		"  disconnect PROFILE  stop a running profile, undoing its network setup\n"
		"  --json            status and list as JSON\n"
		"  --rundir DIR      control sockets and state (default $VPNCLIENT_RUNDIR,\n"
		"                    else " CONTROL_RUNDIR ")\n"
		"  -u, --user USER   once the device is open, drop root for USER (keeps\n"
		"                    CAP_NET_ADMIN only)\n"
		"  -p, --pidfile FILE  write the process id to FILE\n"
		"  -d, --daemon      detach and log to syslog (default: --foreground)\n"
		"  -v, --verbose     log debug messages\n");
}

static void warn_permissions(const char *path)
{
	struct stat sb;

	if (stat(path, &sb) == 0 && (sb.st_mode & (S_IRGRP | S_IROTH)))
		log_warnx("%s is readable by other users and may hold a password: chmod 600 %s",
			  path, path);
}

static int open_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

/*
 * After the device exists and has its addresses: become the service user.
 * CAP_NET_ADMIN stays, because the carrier follows the tunnel
 * (TUNSETCARRIER is a privileged ioctl); nothing else does.
 */
static void drop_privileges(const struct daemon_opts *o)
{
	static const cap_value_t keep[] = {CAP_NET_ADMIN};
	char err[512];

	if (!o->user)
		return;
	if (daemon_drop_privileges(o->user, keep, 1, err, sizeof(err)) != 0)
		fatalx("%s", err);
	log_info("running as %s with CAP_NET_ADMIN only", o->user);
}

/* The profile's network setup needs root: refuse --user rather than fail later. */
static int check_user(const struct profile *p, const struct daemon_opts *o)
{
	if (!o->user || !netcfg_needs_root(&p->net))
		return 0;
	log_warnx(
	    "%s: address = dhcp/dhcp6/slaac, route, dns, dns_search, up and down need root to "
	    "run the DHCP client, ip, the resolver manager and hooks: drop --user (see "
	    "vpnclient(8), SYSTEMD)",
	    p->path);
	return -1;
}

static int run_tunnel(struct tunnel *t, struct profile *p, const struct daemon_opts *o,
		      const char *rundir)
{
	struct runtime *rt = calloc(1, sizeof(*rt));
	char err[1024];
	int rc;

	if (!rt || runtime_open(rt, p, t->vif, rundir, err, sizeof(err)) != 0) {
		log_warnx("%s", rt ? err : "out of memory");
		free(rt);
		return EXIT_RUNTIME;
	}
	runtime_attach(rt, t);
	drop_privileges(o);
	daemon_notify("READY=1");
	rc = tunnel_run(t);
	daemon_notify("STOPPING=1");
	runtime_close(rt);
	free(rt);
	return rc;
}

static int connect_profile(const char *path, const struct daemon_opts *o, int sig_fd,
			   const char *rundir)
{
	struct profile p;
	struct vif vif;
	struct tunnel t = {.p = &p, .vif = &vif, .sig_fd = sig_fd};
	char err[1024];
	int rc;

	if (profile_load(path, &p, err, sizeof(err)) != 0) {
		log_warnx("%s", err);
		return EXIT_USAGE;
	}
	warn_permissions(path);
	if (p.proxy_password_exposed)
		warn_permissions(p.proxy_password_file);
	if (check_user(&p, o) != 0)
		return EXIT_USAGE;
	t.ctx = tls_client_ctx(p.verify == VERIFY_CA ? p.ca_file : NULL, err, sizeof(err));
	if (t.ctx && p.cert_file[0] &&
	    tls_client_use_cert(t.ctx, p.cert_file, p.key_file,
				p.key_passphrase[0] ? p.key_passphrase : NULL, err,
				sizeof(err)) != 0) {
		SSL_CTX_free(t.ctx);
		t.ctx = NULL;
	}
	memset(p.key_passphrase, 0, sizeof(p.key_passphrase));
	if (!t.ctx) {
		log_warnx("%s", err);
		return EXIT_USAGE;
	}
	if (vif_open(&vif, &p, err, sizeof(err)) != 0) {
		log_warnx("%s", err);
		SSL_CTX_free(t.ctx);
		return EXIT_RUNTIME;
	}
	log_info("vpnclient %s: interface %s (%s backend) created, carrier down until connected",
		 VPN_VERSION, vif.name, vif.ops->name);
	rc = run_tunnel(&t, &p, o, rundir);
	vif.ops->close(&vif);
	SSL_CTX_free(t.ctx);
	memset(p.password, 0, sizeof(p.password));
	memset(p.proxy.password, 0, sizeof(p.proxy.password));
	log_info("stopped (frames to hub %llu, from hub %llu)", (unsigned long long)t.tx_frames,
		 (unsigned long long)t.rx_frames);
	return rc;
}

struct args {
	struct daemon_opts o;
	const char *rundir;
	bool json;
	const char *cmd, *arg; /* the command and its operand, if any */
};

/* Each command with how many operands it takes (min, max). */
static bool command_ok(const char *cmd, int n)
{
	static const struct {
		const char *name;
		int min, max;
	} cmds[] = {
	    {"connect", 1, 1},	  {"status", 0, 1},	{"list", 0, 0},
	    {"disconnect", 1, 1}, {"dhcp-event", 1, 1}, /* dhclient's script (dhcp.h) */
	};

	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(cmd, cmds[i].name) == 0)
			return n >= cmds[i].min && n <= cmds[i].max;
	return false;
}

/* Returns -1 to go on, or the exit code. */
static int parse_args(int argc, char **argv, struct args *a)
{
	static const struct option opts[] = {
	    DAEMON_LONGOPTS,
	    {"rundir", required_argument, NULL, 'R'},
	    {"json", no_argument, NULL, 'J'},
	    {"version", no_argument, NULL, 'V'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	a->rundir = getenv("VPNCLIENT_RUNDIR") ? getenv("VPNCLIENT_RUNDIR") : CONTROL_RUNDIR;
	while ((c = getopt_long(argc, argv, "h" DAEMON_SHORTOPTS, opts, NULL)) != -1) {
		if (daemon_opt(&a->o, c, optarg))
			continue;
		switch (c) {
		case 'R':
			a->rundir = optarg;
			break;
		case 'J':
			a->json = true;
			break;
		case 'V':
			printf("vpnclient %s\n", VPN_VERSION);
			return EXIT_OK;
		case 'h':
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (argc - optind < 1 || !command_ok(argv[optind], argc - optind - 1)) {
		usage(stderr);
		return EXIT_USAGE;
	}
	a->cmd = argv[optind];
	a->arg = argc - optind > 1 ? argv[optind + 1] : NULL;
	return -1;
}

/* The commands that talk to a running profile; -1 for "connect". */
static int control_command(const struct args *a)
{
	if (strcmp(a->cmd, "status") == 0)
		return cli_status(a->rundir, a->arg, a->json);
	if (strcmp(a->cmd, "list") == 0)
		return cli_list(a->rundir, a->json);
	if (strcmp(a->cmd, "disconnect") == 0)
		return cli_disconnect(a->rundir, a->arg);
	if (strcmp(a->cmd, "dhcp-event") == 0)
		return dhcp_event_main(a->arg);
	return -1;
}

int main(int argc, char **argv)
{
	struct args a = {0};
	char err[512];
	int rc = parse_args(argc, argv, &a), sig_fd;

	if (rc >= 0)
		return rc;
	rc = control_command(&a);
	if (rc >= 0)
		return rc;
	log_init("vpnclient", a.o.verbosity);
	/* from the start: a stop signal during start-up still ends in an orderly exit */
	sig_fd = open_signals();
	if (sig_fd < 0)
		fatal("signalfd");
	if (daemon_begin(&a.o, err, sizeof(err)) != 0)
		fatalx("%s", err);
	if (a.o.daemonize)
		log_use_syslog();
	rc = connect_profile(a.arg, &a.o, sig_fd, a.rundir);
	close(sig_fd);
	return rc;
}
