// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vpnhubctl: the admin console of a running vpnhub from the command line.
 * With a command (the words after the options), sends it and prints the
 * answer: exit 0 on "ok", 1 on an error, 2 on a usage or connection
 * problem.  Without one, an interactive prompt with line editing and
 * history (readline).  Passwords never come from argv: "login" uses
 * --password-file or a prompt; "user passwd USER" and "hub password" without
 * the password ask for it (no echo on a terminal, else one line of stdin).
 */
#include <errno.h>
#include <getopt.h>
#include <netdb.h>
#include <readline/history.h>
#include <readline/readline.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "cmdline.h"
#include "prompt.h"

#define DEFAULT_SOCKET "/run/vpnhub/admin.sock"
#define PASSWORD_MAX 256

struct ctl {
	const char *socket_path;
	const char *tcp; /* HOST:PORT, or NULL for the Unix socket */
	const char *password_file;
	const char *hub;
	bool hub_admin; /* log in with the hub's password, not the server's */
	bool json;	/* --json before the command: added to it */
	FILE *in;	/* answers from the hub */
	int fd;
};

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: vpnhubctl [OPTIONS] [COMMAND...]\n"
	    "  -s, --socket PATH         the hub's Unix socket (default " DEFAULT_SOCKET ")\n"
	    "  -t, --tcp HOST:PORT       the hub's TCP console instead (needs a password)\n"
	    "  -p, --password-file FILE  the password for --tcp (else asked for)\n"
	    "  -H, --hub HUB             act on this virtual hub\n"
	    "  -A, --hub-admin           with --tcp: log in as administrator of --hub\n"
	    "  -j, --json                JSON output (the same as --json after the command)\n"
	    "  -h, --help\n"
	    "Without a COMMAND: an interactive prompt.  \"vpnhubctl help\" lists the commands.\n");
}

static int connect_unix(const char *path)
{
	struct sockaddr_un sun = {.sun_family = AF_UNIX};
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		fprintf(stderr, "vpnhubctl: %s: path too long\n", path);
		return -1;
	}
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
		return fd;
	fprintf(stderr, "vpnhubctl: %s: %s\n", path, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

static int connect_tcp(const char *hostport)
{
	char host[256];
	const char *colon = strrchr(hostport, ':');
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM}, *res, *ai;
	int fd = -1, rc;

	if (!colon || colon == hostport || (size_t)(colon - hostport) >= sizeof(host)) {
		fprintf(stderr, "vpnhubctl: --tcp wants HOST:PORT\n");
		return -1;
	}
	snprintf(host, sizeof(host), "%.*s", (int)(colon - hostport), hostport);
	rc = getaddrinfo(host, colon + 1, &hints, &res);
	if (rc != 0) {
		fprintf(stderr, "vpnhubctl: %s: %s\n", hostport, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
		if (fd >= 0 && connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (fd >= 0)
			close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		fprintf(stderr, "vpnhubctl: %s: %s\n", hostport, strerror(errno));
	return fd;
}

/*
 * Reads one answer; prints its body to out (NULL: nowhere) and an error to
 * stderr.  0 for "ok", 1 for an error, -1 if the connection broke.
 */
static int read_answer(struct ctl *c, FILE *out)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int status;

	n = getline(&line, &cap, c->in);
	if (n <= 0) {
		free(line);
		return -1;
	}
	line[strcspn(line, "\r\n")] = '\0';
	status = strcmp(line, "ok") == 0 ? 0 : 1;
	if (status)
		fprintf(stderr, "%s\n", line);
	while ((n = getline(&line, &cap, c->in)) > 0) {
		line[strcspn(line, "\r\n")] = '\0';
		if (strcmp(line, ".") == 0) {
			free(line);
			return status;
		}
		if (out)
			fprintf(out, "%s\n", line[0] == '.' ? line + 1 : line);
	}
	free(line);
	return -1;
}

static int send_line(struct ctl *c, const char *line)
{
	size_t len = strlen(line);

	if (send(c->fd, line, len, MSG_NOSIGNAL) != (ssize_t)len ||
	    send(c->fd, "\n", 1, MSG_NOSIGNAL) != 1)
		return -1;
	return 0;
}

/* Sends a line and prints the answer; as read_answer. */
static int request(struct ctl *c, const char *line, FILE *out)
{
	if (send_line(c, line) != 0)
		return -1;
	return read_answer(c, out);
}

/* A password: the first line of file, or asked for on the terminal (or read from stdin). */
static int get_password(const char *file, const char *prompt, char *buf, size_t cap)
{
	FILE *f;
	int rc;

	if (!file)
		rc = prompt_secret(prompt, buf, cap);
	else if (!(f = fopen(file, "r"))) {
		fprintf(stderr, "vpnhubctl: %s: %s\n", file, strerror(errno));
		return -1;
	} else {
		if (!fgets(buf, (int)cap, f))
			buf[0] = '\0';
		fclose(f);
		buf[strcspn(buf, "\r\n")] = '\0';
		rc = buf[0] ? 0 : -1;
	}
	if (rc != 0)
		fprintf(stderr, "vpnhubctl: empty password\n");
	return rc;
}

/* "--name": sent bare so that the hub reads it as an option. */
static bool is_option(const char *w)
{
	if (strncmp(w, "--", 2) != 0 || !w[2])
		return false;
	return w[2 + strspn(w + 2, "abcdefghijklmnopqrstuvwxyz0123456789-")] == '\0';
}

/*
 * Appends words to line, quoted (so the hub reads them as words); with
 * options, "--name" words of argv stay options.  -1 if they do not fit.
 */
static int quote_words(char *line, size_t cap, size_t *len, char **words, int n, bool options)
{
	for (int i = 0; i < n; i++) {
		if (options && is_option(words[i])) {
			int w =
			    snprintf(line + *len, cap - *len, "%s%s", *len ? " " : "", words[i]);

			if (w < 0 || (size_t)w >= cap - *len)
				return -1;
			*len += (size_t)w;
			/* the option's value is a word even if it starts with "--" */
			if (strcmp(words[i], "--json") != 0 && i + 1 < n &&
			    admin_quote(words[++i], line, cap, len) != 0)
				return -1;
			continue;
		}
		if (admin_quote(words[i], line, cap, len) != 0) {
			fprintf(stderr, "vpnhubctl: the command is too long or holds control "
					"characters\n");
			return -1;
		}
	}
	return 0;
}

static int login(struct ctl *c)
{
	char pw[PASSWORD_MAX], line[ADMIN_LINE_MAX];
	size_t len = 0;
	char *words[3] = {"login", (char *)c->hub, pw};
	int rc;

	if (!c->tcp)
		return 0;
	if (get_password(c->password_file, "Admin password: ", pw, sizeof(pw)) != 0)
		return -1;
	if (c->hub_admin)
		rc = quote_words(line, sizeof(line), &len, words, 3, false);
	else {
		words[1] = pw;
		rc = quote_words(line, sizeof(line), &len, words, 2, false);
	}
	explicit_bzero(pw, sizeof(pw));
	if (rc != 0)
		return -1;
	rc = request(c, line, NULL);
	explicit_bzero(line, sizeof(line));
	return rc == 0 ? 0 : -1;
}

static int select_hub(struct ctl *c)
{
	char line[ADMIN_LINE_MAX];
	size_t len = 0;
	char *words[3] = {"hub", "select", (char *)c->hub};

	if (!c->hub)
		return 0;
	if (quote_words(line, sizeof(line), &len, words, 3, false) != 0)
		return -1;
	return request(c, line, NULL) == 0 ? 0 : -1;
}

/* "user passwd USER" and "hub password": the password is asked for, not taken from argv. */
static bool wants_password(int argc, char **argv)
{
	return (argc == 3 && strcasecmp(argv[0], "user") == 0 &&
		strcasecmp(argv[1], "passwd") == 0) ||
	       (argc == 2 && strcasecmp(argv[0], "hub") == 0 &&
		strcasecmp(argv[1], "password") == 0);
}

/* The Base64 body of the first PEM block of path (between BEGIN and END); 0 or -1. */
static int pem_body(const char *path, char *b64, size_t cap)
{
	char row[256];
	size_t n = 0;
	bool in = false, done = false;
	FILE *f = fopen(path, "r");

	if (!f) {
		fprintf(stderr, "vpnhubctl: cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	while (!done && fgets(row, sizeof(row), f)) {
		size_t len = strcspn(row, "\r\n");

		if (!in && strncmp(row, "-----BEGIN ", 11) == 0)
			in = true;
		else if (in && strncmp(row, "-----END", 8) == 0)
			done = true;
		else if (in && n + len < cap) {
			memcpy(b64 + n, row, len);
			n += len;
		} else if (in) {
			break;
		}
	}
	fclose(f);
	explicit_bzero(row, sizeof(row));
	if (!done || n == 0) {
		fprintf(stderr, "vpnhubctl: %s holds no PEM block (or a too long one)\n", path);
		return -1;
	}
	b64[n] = '\0';
	return 0;
}

/*
 * "--cert @FILE" and "--key @FILE": the hub takes the certificate (or key)
 * itself, DER in Base64, and a PEM file's body is exactly that.
 */
static int inline_pem(int argc, char **argv, const char *opt, char *b64, size_t cap)
{
	for (int i = 0; i + 1 < argc; i++) {
		if (strcmp(argv[i], opt) != 0 || argv[i + 1][0] != '@')
			continue;
		if (pem_body(argv[i + 1] + 1, b64, cap) != 0)
			return -1;
		argv[i + 1] = b64;
	}
	return 0;
}

static int one_command(struct ctl *c, int argc, char **argv)
{
	char line[ADMIN_LINE_MAX + 1], pw[PASSWORD_MAX], cert[ADMIN_LINE_MAX], key[ADMIN_LINE_MAX];
	size_t len = 0;
	int rc;

	rc = inline_pem(argc, argv, "--cert", cert, sizeof(cert)) ||
	     inline_pem(argc, argv, "--key", key, sizeof(key)) ||
	     quote_words(line, sizeof(line), &len, argv, argc, true);
	explicit_bzero(key, sizeof(key));
	if (rc != 0)
		return 2;
	if (wants_password(argc, argv)) {
		char *w[1] = {pw};

		if (get_password(NULL, "New password: ", pw, sizeof(pw)) != 0)
			return 2;
		rc = quote_words(line, sizeof(line), &len, w, 1, false);
		explicit_bzero(pw, sizeof(pw));
		if (rc != 0)
			return 2;
	}
	if (c->json && len + 8 < sizeof(line)) {
		memcpy(line + len, " --json", 8);
		len += 7;
	}
	rc = request(c, line, stdout);
	explicit_bzero(line, sizeof(line));
	if (rc < 0)
		fprintf(stderr, "vpnhubctl: the hub closed the connection\n");
	return rc < 0 ? 2 : rc;
}

static int interactive(struct ctl *c)
{
	char *line;

	using_history();
	stifle_history(500);
	while ((line = readline("vpnhub> ")) != NULL) {
		int rc;

		if (line[0])
			add_history(line);
		rc = line[0] ? request(c, line, stdout) : 0;
		free(line);
		if (rc < 0) {
			fprintf(stderr, "vpnhubctl: the hub closed the connection\n");
			return 2;
		}
	}
	return 0;
}

static int parse_args(int argc, char **argv, struct ctl *c)
{
	static const struct option opts[] = {
	    {"socket", required_argument, NULL, 's'},
	    {"tcp", required_argument, NULL, 't'},
	    {"password-file", required_argument, NULL, 'p'},
	    {"hub", required_argument, NULL, 'H'},
	    {"hub-admin", no_argument, NULL, 'A'},
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	int o;

	/* "+": options stop at the first command word, so "--json" and "--group" go to the hub */
	while ((o = getopt_long(argc, argv, "+s:t:p:H:Ajh", opts, NULL)) != -1) {
		switch (o) {
		case 's':
			c->socket_path = optarg;
			break;
		case 't':
			c->tcp = optarg;
			break;
		case 'p':
			c->password_file = optarg;
			break;
		case 'H':
			c->hub = optarg;
			break;
		case 'A':
			c->hub_admin = true;
			break;
		case 'j':
			c->json = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (c->hub_admin && (!c->hub || !c->tcp)) {
		fprintf(stderr, "vpnhubctl: --hub-admin needs --tcp and --hub\n");
		return 2;
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct ctl c = {.socket_path = DEFAULT_SOCKET, .fd = -1};
	int rc = parse_args(argc, argv, &c);

	if (rc >= 0)
		return rc;
	c.fd = c.tcp ? connect_tcp(c.tcp) : connect_unix(c.socket_path);
	if (c.fd < 0)
		return 2;
	c.in = fdopen(c.fd, "r");
	if (!c.in || read_answer(&c, optind == argc ? stdout : NULL) != 0 || login(&c) != 0 ||
	    select_hub(&c) != 0) {
		if (c.in)
			fclose(c.in);
		return 2;
	}
	rc = optind == argc ? interactive(&c) : one_command(&c, argc - optind, argv + optind);
	fclose(c.in);
	return rc;
}
