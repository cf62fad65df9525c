// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vpnhub: command line, start-up order (configuration, state, certificate,
 * TLS, listeners), signals (SIGHUP reloads SoftHUB.cfg) and orderly shutdown.  Exit codes: 0 clean
 * stop, 1 runtime failure, 2 usage or configuration error.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/rand.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "auth.h"
#include "config.h"
#include "hub.h"
#include "listener.h"
#include "log.h"
#include "state.h"
#include "tls.h"

#ifndef VPN_VERSION
#define VPN_VERSION "0.1.0"
#endif
#define DEFAULT_CONFIG CONF_DEFAULT_PATH

static void usage(FILE *f)
{
	fprintf(f, "usage: vpnhub [-v] [-c FILE] [--check-config]\n"
		   "       vpnhub --hash-password\n"
		   "       vpnhub --version | --help\n"
		   "\n"
		   "  -c, --config FILE   configuration file (default " DEFAULT_CONFIG ")\n"
		   "  -v, --verbose       log debug messages\n"
		   "  --check-config      read the configuration, report errors, exit\n"
		   "  --hash-password     read a password on stdin, print the items that store\n"
		   "                      its salted verifier in a user's folder of SoftHUB.cfg\n");
}

/* Reads one line from stdin without echo when it is a terminal. */
static int read_password(char *buf, size_t len)
{
	struct termios old, quiet;
	bool tty = isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &old) == 0;
	char *nl;

	if (tty) {
		fprintf(stderr, "Password: ");
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
	}
	if (!fgets(buf, (int)len, stdin))
		buf[0] = '\0';
	if (tty) {
		tcsetattr(STDIN_FILENO, TCSANOW, &old);
		fputc('\n', stderr);
	}
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	return buf[0] ? 0 : -1;
}

/* Prints the items of a user folder that store a salted verifier of the password. */
static int hash_password(void)
{
	char pw[1024], salt[AUTH_SALT_MAX * 2], stored[64], server[64];
	struct auth_verifier v;

	if (read_password(pw, sizeof(pw)) != 0) {
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
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		ssize_t n = read(fd, key, len);

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

static void print_fingerprint(const char *cert_file)
{
	uint8_t fp[TLS_FP_LEN];
	char text[TLS_FP_STR_LEN];

	if (tls_file_fingerprint(cert_file, fp) != 0)
		fatalx("cannot read certificate %s", cert_file);
	tls_fingerprint_str(fp, text);
	log_info("hub certificate SHA-256 fingerprint: %s", text);
}

static void log_notes(const struct hub_config *c)
{
	for (size_t i = 0; i < c->nnotes; i++)
		log_info("%s", c->notes[i]);
	if (c->notes_dropped)
		log_info("%s: %zu more notes not shown", c->path, c->notes_dropped);
}

static void save_state(struct hub_server *srv)
{
	char err[512];

	if (state_save(srv->state, err, sizeof(err)) != 0)
		log_warnx("state file: %s", err);
}

/* SIGHUP: a broken file is refused and the running configuration stays. */
static void reload(struct hub_server *srv, const char *path)
{
	struct hub_config *c;
	char err[1024];

	c = config_load(path, err, sizeof(err));
	if (!c) {
		log_warnx("reload refused, the running configuration stays: %s", err);
		return;
	}
	log_notes(c);
	hub_server_reconfigure(srv, c);
	log_info("reloaded %s: %zu hub(s)", path, c->nhubs);
	save_state(srv);
}

static int run(struct hub_server *srv, const char *path)
{
	struct listener *l;
	sigset_t set;
	char err[512];
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, &set, NULL); /* threads inherit the mask */
	signal(SIGPIPE, SIG_IGN);

	l = listener_open(srv, err, sizeof(err));
	if (!l)
		fatalx("%s", err);
	if (listener_start(l) != 0)
		fatal("cannot start the accept thread");
	log_info("vpnhub %s ready: %zu hub(s)", VPN_VERSION, srv->nhubs);
	for (;;) {
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig == SIGHUP) {
			reload(srv, path);
			continue;
		}
		log_info("%s: shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
		break;
	}
	listener_close(l);
	if (hub_server_stop(srv, PROTO_R_SHUTDOWN, 5000) > 0)
		return 1; /* threads still use srv: exit without freeing it */
	hub_server_log_stats(srv);
	save_state(srv);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"config", required_argument, NULL, 'c'},
		{"verbose", no_argument, NULL, 'v'},
		{"check-config", no_argument, NULL, 'C'},
		{"hash-password", no_argument, NULL, 'H'},
		{"version", no_argument, NULL, 'V'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *config_path = DEFAULT_CONFIG;
	struct hub_server srv;
	struct hub_config *cfg;
	bool check_only = false;
	char err[1024];
	int c, verbosity = 0, rc;

	while ((c = getopt_long(argc, argv, "c:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			config_path = optarg;
			break;
		case 'v':
			verbosity++;
			break;
		case 'C':
			check_only = true;
			break;
		case 'H':
			return hash_password();
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
	log_init("vpnhub", verbosity);
	memset(&srv, 0, sizeof(srv));
	cfg = config_load(config_path, err, sizeof(err));
	if (!cfg) {
		log_warnx("%s", err);
		return 2;
	}
	log_notes(cfg);
	if (check_only) {
		printf("%s: OK (%zu hubs, %zu listeners)\n", config_path, cfg->nhubs,
		       cfg->nlisten);
		config_put(cfg);
		return 0;
	}
	if (mkdir(cfg->state_dir, 0700) != 0 && errno != EEXIST)
		fatal("cannot create state directory %s", cfg->state_dir);
	load_secret(cfg->state_dir, srv.secret, sizeof(srv.secret));
	srv.state = state_open(cfg->state_dir, err, sizeof(err));
	if (!srv.state)
		fatalx("%s", err);
	setup_certificate(cfg);
	print_fingerprint(cfg->cert_file);
	srv.tls = tls_server_ctx(cfg->cert_file, cfg->key_file, err, sizeof(err));
	if (!srv.tls)
		fatalx("%s", err);
	if (hub_server_init(&srv, cfg) != 0)
		fatalx("out of memory");
	rc = run(&srv, config_path);
	if (rc == 0) {
		hub_server_free(&srv);
		state_free(srv.state);
	}
	return rc;
}
