// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vpnclient: command line, profile, device, TLS context, then the tunnel.
 * Exit codes are enum client_exit (tunnel.h) and documented in vpnclient(8).
 */
#include <getopt.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "daemon.h"
#include "log.h"
#include "profile.h"
#include "tls.h"
#include "tunnel.h"
#include "vif.h"

#ifndef VPN_VERSION
#define VPN_VERSION "0.1.0"
#endif

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vpnclient [-v] [--user USER] [--pidfile FILE] [--daemon] connect PROFILE\n"
		"       vpnclient --version | --help\n"
		"\n"
		"  connect PROFILE   create the virtual interface and stay connected to the hub\n"
		"                    the profile names (vpnclient.conf(5)); stops on SIGINT or\n"
		"                    SIGTERM\n"
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

static int connect_profile(const char *path, const struct daemon_opts *o, int sig_fd)
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
	drop_privileges(o);
	daemon_notify("READY=1");
	rc = tunnel_run(&t);
	daemon_notify("STOPPING=1");
	vif.ops->close(&vif);
	SSL_CTX_free(t.ctx);
	memset(p.password, 0, sizeof(p.password));
	memset(p.proxy.password, 0, sizeof(p.proxy.password));
	log_info("stopped (frames to hub %llu, from hub %llu)", (unsigned long long)t.tx_frames,
		 (unsigned long long)t.rx_frames);
	return rc;
}

/* Returns -1 to go on, or the exit code. */
static int parse_args(int argc, char **argv, struct daemon_opts *o)
{
	static const struct option opts[] = {
	    DAEMON_LONGOPTS,
	    {"version", no_argument, NULL, 'V'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	while ((c = getopt_long(argc, argv, "h" DAEMON_SHORTOPTS, opts, NULL)) != -1) {
		if (daemon_opt(o, c, optarg))
			continue;
		switch (c) {
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
	if (argc - optind != 2 || strcmp(argv[optind], "connect") != 0) {
		usage(stderr);
		return EXIT_USAGE;
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct daemon_opts o = {0};
	char err[512];
	int rc = parse_args(argc, argv, &o), sig_fd;

	if (rc >= 0)
		return rc;
	log_init("vpnclient", o.verbosity);
	/* from the start: a stop signal during start-up still ends in an orderly exit */
	sig_fd = open_signals();
	if (sig_fd < 0)
		fatal("signalfd");
	if (daemon_begin(&o, err, sizeof(err)) != 0)
		fatalx("%s", err);
	if (o.daemonize)
		log_use_syslog();
	rc = connect_profile(argv[optind + 1], &o, sig_fd);
	close(sig_fd);
	return rc;
}
