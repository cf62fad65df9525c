// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vpnhub: command line, start-up order (configuration, state, certificate,
 * TLS, listeners, then the privilege drop), systemd notifications, signals
 * (SIGHUP reloads SoftHUB.cfg) and orderly shutdown.  Exit codes: 0 clean
 * stop, 1 runtime failure, 2 usage or configuration error.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/rand.h>
#include <getopt.h>
#include <glob.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "admin.h"
#include "auth.h"
#include "bridge.h"
#include "cascade.h"
#include "config.h"
#include "hub.h"
#include "hublog.h"
#include "listener.h"
#include "daemon.h"
#include "log.h"
#include "prompt.h"
#include "report.h"
#include "state.h"
#include "tls.h"
#include "wallclock.h"

#ifndef VPN_VERSION
#define VPN_VERSION "0.1.0"
#endif
#define DEFAULT_CONFIG CONF_DEFAULT_PATH

static void usage(FILE *f)
{
	fprintf(f, "usage: vpnhub [-v] [-c FILE] [--user USER] [--pidfile FILE] [--daemon]\n"
		   "       vpnhub [-c FILE] --check-config\n"
		   "       vpnhub --hash-password\n"
		   "       vpnhub --version | --help\n"
		   "\n"
		   "  -c, --config FILE   configuration file (default " DEFAULT_CONFIG ")\n"
		   "  -u, --user USER     once listening, drop root for USER, no capabilities\n"
		   "  -p, --pidfile FILE  write the process id to FILE\n"
		   "  -d, --daemon        detach and log to syslog (default: --foreground)\n"
		   "  -v, --verbose       log debug messages\n"
		   "  --check-config      read the configuration, report errors and the ranked\n"
		   "                      report, exit (with -v: every inert item too)\n"
		   "  --test-clock FILE   tests only: expiry and certificate dates follow the\n"
		   "                      Unix milliseconds in FILE, not the real time\n"
		   "  --hash-password     read a password on stdin, print the items that store\n"
		   "                      its salted verifier in a user's folder of SoftHUB.cfg\n");
}

/* Prints the items of a user folder that store a salted verifier of the password. */
static int hash_password(void)
{
	char pw[1024], salt[AUTH_SALT_MAX * 2], stored[64], server[64];
	struct auth_verifier v;

	if (prompt_secret("Password: ", pw, sizeof(pw)) != 0) {
		fprintf(stderr, "vpnhub: empty password\n");
		return 2;
	}
	if (auth_verifier_make(pw, AUTH_ITER_DEFAULT, &v) != 0 ||
	    auth_b64_encode(v.salt, v.salt_len, salt, sizeof(salt)) < 0 ||
	    auth_b64_encode(v.stored_key, AUTH_KEY_LEN, stored, sizeof(stored)) < 0 ||
	    auth_b64_encode(v.server_key, AUTH_KEY_LEN, server, sizeof(server)) < 0) {
		fprintf(stderr, "vpnhub: cannot compute the verifier\n");
		return 1;
	}
	printf("uint AuthType 1\n"
	       "uint AuthVerifierIterations %u\n"
	       "byte AuthVerifierSalt %s\n"
	       "byte AuthVerifierStoredKey %s\n"
	       "byte AuthVerifierServerKey %s\n",
	       v.iterations, salt, stored, server);
	return 0;
}

/*
 * The key for decoy salts of unknown users survives restarts, so probing a
 * user name twice across a restart cannot tell a decoy from a real salt.
 */
static void load_secret(const char *dir, uint8_t *key, size_t len)
{
	char path[PATH_MAX];
	int fd;

	snprintf(path, sizeof(path), "%s/decoy.key", dir);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd >= 0) {
		struct stat st;
		ssize_t n = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? read(fd, key, len) : -1;

		close(fd);
		if (n == (ssize_t)len)
			return;
		fatalx("%s: expected %zu bytes; delete it to make a new one", path, len);
	}
	if (RAND_bytes(key, (int)len) != 1)
		fatalx("no randomness for %s", path);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, key, len) != (ssize_t)len || fsync(fd) != 0)
		fatal("cannot write %s", path);
	close(fd);
}

/* Uses the configured certificate, or creates a self-signed one in the state dir. */
static void setup_certificate(struct hub_config *c)
{
	char err[512];

	if (c->cert_file[0])
		return;
	snprintf(c->cert_file, sizeof(c->cert_file), "%s/hub.crt", c->state_dir);
	snprintf(c->key_file, sizeof(c->key_file), "%s/hub.key", c->state_dir);
	if (access(c->cert_file, F_OK) == 0 || access(c->key_file, F_OK) == 0)
		return;
	char host[256] = "vpnhub";

	gethostname(host, sizeof(host) - 1);
	if (tls_make_selfsigned(c->cert_file, c->key_file, host, err, sizeof(err)) != 0)
		fatalx("%s", err);
	log_info("created a self-signed certificate %s (key %s)", c->cert_file, c->key_file);
}

static void print_fingerprint(const uint8_t fp[TLS_FP_LEN], const char *whose)
{
	char text[TLS_FP_STR_LEN];

	tls_fingerprint_str(fp, text);
	log_info("hub certificate: %s", whose);
	log_info("hub certificate SHA-256 fingerprint: %s", text);
}

/*
 * The TLS context with the hub's certificate: Vpnhub/Certificate and Key;
 * else SoftEther's ServerCert and ServerKey, so migrated clients keep
 * trusting the hub; else one made on the first start.
 */
static void setup_tls(struct hub_server *srv, struct hub_config *cfg)
{
	uint8_t fp[TLS_FP_LEN];
	char err[1024];

	if (!cfg->cert_file[0] && cfg->se_cert) {
		const struct tls_der_pair der = {
		    .cert = cfg->se_cert,
		    .cert_len = cfg->se_cert_len,
		    .key = cfg->se_key,
		    .key_len = cfg->se_key_len,
		    .cert_item = "ServerCert",
		    .key_item = "ServerKey",
		};

		srv->tls = tls_server_ctx(NULL, NULL, err, sizeof(err));
		if (!srv->tls || tls_use_der(srv->tls, &der, err, sizeof(err)) != 0)
			fatalx("%s: %s", cfg->path, err);
		if (tls_der_fingerprint(cfg->se_cert, cfg->se_cert_len, fp) != 0)
			fatalx("%s: ServerCert is not a certificate", cfg->path);
		print_fingerprint(fp,
				  "SoftEther's ServerCert and ServerKey (no Vpnhub/Certificate)");
		return;
	}
	setup_certificate(cfg);
	if (tls_file_fingerprint(cfg->cert_file, fp) != 0)
		fatalx("cannot read certificate %s", cfg->cert_file);
	print_fingerprint(fp, cfg->cert_file);
	srv->tls = tls_server_ctx(cfg->cert_file, cfg->key_file, err, sizeof(err));
	if (!srv->tls)
		fatalx("%s", err);
}

static void emit_line(void *ctx, const char *line)
{
	(void)ctx;
	if (strncmp(line, "SECURITY/ACCESS: ", 17) == 0)
		log_warnx("%s", line);
	else
		log_info("%s", line);
}

/* -v: the report lists every inert item too */
static bool report_all;

/* The ranked start-up report (report.h), at start and after each reload. */
static void log_report(const struct hub_config *c)
{
	report_print(&c->report, c->path, report_all, emit_line, NULL);
}

static void save_state(struct hub_server *srv)
{
	char err[512];

	if (state_save(srv->state, err, sizeof(err)) != 0)
		log_warnx("state file: %s", err);
}

/* What a reload cannot change in a running hub (bound sockets, tables made). */
static bool needs_restart(const struct hub_config *old, const struct hub_config *c)
{
	if (old->nlisten != c->nlisten || strcmp(old->state_dir, c->state_dir) != 0 ||
	    old->max_macs != c->max_macs || old->mac_aging_s != c->mac_aging_s ||
	    old->admin_port != c->admin_port || strcmp(old->admin_socket, c->admin_socket) != 0 ||
	    (c->cert_file[0] && (strcmp(old->cert_file, c->cert_file) != 0 ||
				 strcmp(old->key_file, c->key_file) != 0)))
		return true;
	for (size_t i = 0; i < c->nlisten; i++)
		if (old->listen[i].port != c->listen[i].port ||
		    strcmp(old->listen[i].host, c->listen[i].host) != 0)
			return true;
	return false;
}

/* SIGHUP: a broken file is refused and the running configuration stays. */
static void reload(struct hub_server *srv, const char *path)
{
	struct hub_config *c, *old;
	char err[1024];

	c = config_load(path, err, sizeof(err));
	if (!c) {
		log_warnx("reload refused, the running configuration stays: %s", err);
		return;
	}
	log_report(c);
	old = hub_config_get(srv);
	if (needs_restart(old, c))
		log_warnx("reload: listeners, Certificate, Key, StateDir, MaxMacTable, MacAging, "
			  "AdminSocket and AdminPort changes take effect at the next start");
	config_put(old);
	hub_server_reconfigure(srv, c);
	bridge_sync(srv);
	cascade_sync(srv);
	log_info("reloaded %s: %zu hub(s)", path, c->nhubs);
	hub_server_security_log(srv, "configuration reloaded from %s", path);
	save_state(srv);
}

struct options {
	struct daemon_opts d; /* --user: drop root for this user once listening */
	const char *config_path;
	bool check_only;
	bool hash_only;		/* --hash-password */
	const char *test_clock; /* --test-clock FILE (wallclock.h) */
};

/*
 * The state file is written after the drop: a state directory the user's
 * group can already write (systemd's StateDirectory=) stays as it is; a
 * private root directory (as vpnhub makes it, mode 0700) is handed to the
 * user; anything else (a shared directory named by mistake) is left alone.
 */
static void hand_over_state(struct hub_server *srv, const struct passwd *pw)
{
	const char *dir = srv->cfg->state_dir;
	struct stat sb;

	if (stat(dir, &sb) != 0 || sb.st_uid == pw->pw_uid ||
	    (sb.st_gid == pw->pw_gid && (sb.st_mode & S_IWGRP)))
		return;
	if (sb.st_uid != 0 || (sb.st_mode & 077)) {
		log_warnx("%s is neither private to root nor writable by %s: the state file will "
			  "not be saved",
			  dir, pw->pw_name);
		return;
	}
	if (chown(dir, pw->pw_uid, pw->pw_gid) != 0)
		log_warn("cannot hand %s to %s: the state file will not be saved", dir,
			 pw->pw_name);
	state_chown(srv->state, pw->pw_uid, pw->pw_gid);
}

/*
 * Once the listeners are bound: become the service user with no capability,
 * but those the configured local bridges need (bridge_caps).
 */
static void drop_privileges(struct hub_server *srv, const struct options *o)
{
	cap_value_t keep[2];
	struct passwd *pw;
	char err[512];
	int n;

	if (!o->d.user)
		return;
	pw = getpwnam(o->d.user);
	if (!pw)
		fatalx("--user %s: no such user", o->d.user);
	hand_over_state(srv, pw);
	hublog_chown(pw->pw_uid, pw->pw_gid);
	n = bridge_caps(srv->cfg, keep);
	if (daemon_drop_privileges(o->d.user, keep, n, err, sizeof(err)) != 0)
		fatalx("%s", err);
	if (n == 0)
		log_info("running as %s with no capabilities", o->d.user);
	else
		log_info("running as %s with %s%s (local bridges)", o->d.user,
			 keep[0] == CAP_NET_ADMIN ? "CAP_NET_ADMIN" : "CAP_NET_RAW",
			 n > 1 ? " and CAP_NET_RAW" : "");
}

/* Waits for a signal, kicking the systemd watchdog meanwhile if it is on. */
static int wait_signal(const sigset_t *set)
{
	int every = daemon_watchdog_interval_ms();

	for (;;) {
		struct timespec ts = {.tv_sec = every / 1000, .tv_nsec = (every % 1000) * 1000000L};
		int sig = every ? sigtimedwait(set, NULL, &ts) : sigwaitinfo(set, NULL);

		daemon_watchdog_kick();
		if (sig > 0)
			return sig;
	}
}

/*
 * SIGTERM, SIGINT and SIGHUP wait for run()'s sigwait from the first line of
 * main, before any thread or file: one arriving during start-up still ends in
 * an orderly stop.
 */
static void block_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, set, NULL); /* threads inherit the mask */
	signal(SIGPIPE, SIG_IGN);
}

static int run(struct hub_server *srv, const struct options *o, const sigset_t *set)
{
	struct listener *l;
	struct admin *adm;
	char err[512];
	int sig;

	l = listener_open(srv, err, sizeof(err));
	if (!l)
		fatalx("%s", err);
	adm = admin_open(srv, err, sizeof(err)); /* its socket, like the listeners, as root */
	if (!adm)
		fatalx("%s", err);
	drop_privileges(srv, o); /* single-threaded still: capabilities are per thread */
	if (listener_start(l) != 0)
		fatal("cannot start the accept thread");
	if (admin_start(adm) != 0)
		fatal("cannot start the admin console thread");
	bridge_sync(srv); /* its threads inherit the capabilities kept for them */
	cascade_sync(srv);
	log_info("vpnhub %s ready: %zu hub(s)", VPN_VERSION, srv->nhubs);
	daemon_notify("READY=1");
	hub_server_security_log(srv, "vpnhub %s started", VPN_VERSION);
	while ((sig = wait_signal(set)) == SIGHUP) {
		daemon_notify("RELOADING=1");
		admin_config_lock(adm); /* not in the middle of a console change */
		hublog_reopen();	/* logrotate moved the files */
		reload(srv, o->config_path);
		admin_config_unlock(adm);
		daemon_notify("READY=1");
	}
	log_info("%s: shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
	daemon_notify("STOPPING=1");
	listener_close(l);
	admin_close(adm);      /* its clients use srv */
	cascade_free_all(srv); /* before the sessions end: a link would reconnect */
	if (hub_server_stop(srv, PROTO_R_SHUTDOWN, 5000) > 0)
		return 1; /* threads still use srv: exit without freeing it */
	bridge_free_all(srv);
	hub_server_log_stats(srv);
	hublog_stop();
	save_state(srv);
	return 0;
}

/* Returns -1 to go on, or the exit code. */
static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option opts[] = {
	    {"config", required_argument, NULL, 'c'},
	    DAEMON_LONGOPTS,
	    {"check-config", no_argument, NULL, 'C'},
	    {"hash-password", no_argument, NULL, 'H'},
	    {"test-clock", required_argument, NULL, 'T'},
	    {"version", no_argument, NULL, 'V'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int c;

	while ((c = getopt_long(argc, argv, "c:h" DAEMON_SHORTOPTS, opts, NULL)) != -1) {
		if (daemon_opt(&o->d, c, optarg))
			continue;
		switch (c) {
		case 'c':
			o->config_path = optarg;
			break;
		case 'C':
			o->check_only = true;
			break;
		case 'H':
			o->hash_only = true;
			break;
		case 'T':
			o->test_clock = optarg;
			break;
		case 'V':
			printf("vpnhub %s\n", VPN_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	return -1;
}

/*
 * Each session holds a socket and an eventfd, each listener and log one more:
 * raise the soft RLIMIT_NOFILE to what Vpnhub/MaxSessions and the pending
 * handshakes need, and warn when the hard limit is lower.
 */
#define FD_SPARE 256
static void raise_fd_limit(const struct hub_config *cfg)
{
	rlim_t need = 2 * ((rlim_t)cfg->max_sessions + cfg->max_pending) + FD_SPARE;
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= need)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max >= need ? need : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		getrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur < need)
		log_warnx("file descriptor limit %llu is below the %llu that Vpnhub/MaxSessions %u "
			  "and Vpnhub/MaxPendingHandshakes %u need: logins will fail with \"out of "
			  "file descriptors\" before that (raise LimitNOFILE= or ulimit -n)",
			  (unsigned long long)rl.rlim_cur, (unsigned long long)need,
			  cfg->max_sessions, cfg->max_pending);
}

/* Temporary files a kill during a save left next to the config (they hold verifiers). */
static void remove_stale_temps(const char *config_path)
{
	char pattern[PATH_MAX + 16];
	glob_t g;

	if (snprintf(pattern, sizeof(pattern), "%s.tmp.??????", config_path) >=
	    (int)sizeof(pattern))
		return;
	if (glob(pattern, GLOB_NOSORT | GLOB_NOESCAPE, NULL, &g) != 0)
		return;
	for (size_t i = 0; i < g.gl_pathc; i++)
		if (unlink(g.gl_pathv[i]) == 0)
			log_info("removed %s, left behind by an interrupted save", g.gl_pathv[i]);
	globfree(&g);
}

/* State directory, decoy key, state file, certificate and TLS context. */
static void prepare(struct hub_server *srv, struct hub_config *cfg)
{
	char err[1024];

	if (mkdir(cfg->state_dir, 0700) != 0 && errno != EEXIST)
		fatal("cannot create state directory %s", cfg->state_dir);
	load_secret(cfg->state_dir, srv->secret, sizeof(srv->secret));
	srv->state = state_open(cfg->state_dir, err, sizeof(err));
	if (!srv->state)
		fatalx("%s", err); /* only out of memory: a bad file was set aside */
	if (hublog_start(cfg, err, sizeof(err)) != 0)
		fatalx("%s", err);
	setup_tls(srv, cfg);
	if (hub_server_init(srv, cfg) != 0)
		fatalx("out of memory");
}

int main(int argc, char **argv)
{
	struct options o = {.config_path = DEFAULT_CONFIG};
	struct hub_server srv;
	struct hub_config *cfg;
	sigset_t set;
	char err[1024];
	int rc;

	block_signals(&set);
	rc = parse_args(argc, argv, &o);
	if (rc >= 0)
		return rc;
	if (o.hash_only) { /* a terminal prompt: Ctrl-C must work */
		pthread_sigmask(SIG_UNBLOCK, &set, NULL);
		return hash_password();
	}
	log_init("vpnhub", o.d.verbosity);
	if (o.test_clock && wallclock_use_file(o.test_clock) != 0) {
		log_warnx("--test-clock %s: cannot read it", o.test_clock);
		return 2;
	}
	memset(&srv, 0, sizeof(srv));
	cfg = config_load(o.config_path, err, sizeof(err));
	if (!cfg) {
		log_warnx("%s", err);
		return 2;
	}
	report_all = o.d.verbosity > 0;
	log_report(cfg);
	if (o.check_only) {
		printf("%s: OK (%zu hubs, %zu listeners)\n", o.config_path, cfg->nhubs,
		       cfg->nlisten);
		config_put(cfg);
		return 0;
	}
	remove_stale_temps(o.config_path); /* before daemon_begin changes directory */
	if (daemon_begin(&o.d, err, sizeof(err)) != 0)
		fatalx("%s", err);
	if (o.d.daemonize)
		log_use_syslog();
	raise_fd_limit(cfg);
	prepare(&srv, cfg);
	rc = run(&srv, &o, &set);
	if (rc == 0) {
		hub_server_free(&srv);
		state_free(srv.state);
	}
	return rc;
}
