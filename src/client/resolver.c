// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Resolver managers.  The file kind never renames over /etc/resolv.conf
 * (a bind mount cannot be replaced); it truncates and rewrites it, and puts
 * back the saved original only if the file still starts with our marker,
 * so a file someone else rewrote meanwhile is left alone.
 */
#include "resolver.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "spawn.h"

#define RESOLV_MAX 65536
#define RESOLVED_SOCKET "/run/systemd/resolve/io.systemd.Resolve"

static const char *const kind_names[] = {
    [RESOLVER_AUTO] = "auto",
    [RESOLVER_RESOLVED] = "resolved",
    [RESOLVER_RESOLVCONF] = "resolvconf",
    [RESOLVER_FILE] = "file",
};

const char *resolver_name(enum netcfg_resolver r)
{
	return kind_names[r];
}

int resolver_parse(const char *s, enum netcfg_resolver *r)
{
	for (int i = RESOLVER_RESOLVED; i <= RESOLVER_FILE; i++)
		if (strcmp(s, kind_names[i]) == 0) {
			*r = (enum netcfg_resolver)i;
			return 0;
		}
	return -1;
}

int resolver_pick(enum netcfg_resolver want, enum netcfg_resolver *got, char *err, size_t errlen)
{
	char path[64];

	*got = want;
	if (want != RESOLVER_AUTO)
		return 0;
	if (access(RESOLVED_SOCKET, F_OK) == 0 && spawn_find("resolvectl", path, sizeof(path))) {
		*got = RESOLVER_RESOLVED;
		return 0;
	}
	if (spawn_find("resolvconf", path, sizeof(path))) {
		*got = RESOLVER_RESOLVCONF;
		return 0;
	}
	snprintf(err, errlen,
		 "dns: neither systemd-resolved nor resolvconf is present; install one, or set "
		 "\"resolver = file\" to edit %s directly",
		 RESOLV_CONF_PATH);
	return -1;
}

static int put_line(char *out, size_t cap, size_t *len, const char *text, size_t n)
{
	if (*len + n + 1 >= cap)
		return -1;
	memcpy(out + *len, text, n);
	*len += n;
	out[*len] = '\0';
	return 0;
}

/* "search" or "domain" keywords: merged into our own search line. */
static bool is_search_line(const char *l, size_t n)
{
	return (n >= 7 && strncmp(l, "search", 6) == 0 && (l[6] == ' ' || l[6] == '\t')) ||
	       (n >= 7 && strncmp(l, "domain", 6) == 0 && (l[6] == ' ' || l[6] == '\t'));
}

/* Our servers and the search line (ours, then the original's). */
static int compose_head(const char *orig, const char *profile, const struct resolver_set *d,
			char *out, size_t cap, size_t *len)
{
	char line[2048], ip[64];
	size_t n;

	n = (size_t)snprintf(line, sizeof(line),
			     "# vpnclient %s: added here, removed when it stops\n", profile);
	if (put_line(out, cap, len, line, n) != 0)
		return -1;
	for (size_t i = 0; i < d->ndns; i++) {
		n = (size_t)snprintf(line, sizeof(line), "nameserver %s\n",
				     netcfg_ip_str(&d->dns[i], ip, sizeof(ip)));
		if (put_line(out, cap, len, line, n) != 0)
			return -1;
	}
	n = 0;
	for (size_t i = 0; i < d->nsearch; i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, " %s", d->search[i]);
	for (const char *l = orig; *l && n < sizeof(line) - 1;) {
		size_t ll = strcspn(l, "\n");

		if (is_search_line(l, ll))
			n += (size_t)snprintf(line + n, sizeof(line) - n, " %.*s", (int)(ll - 7),
					      l + 7);
		l += ll + (l[ll] == '\n');
	}
	if (n && n < sizeof(line) - 1) {
		char s[2100];
		size_t sn = (size_t)snprintf(s, sizeof(s), "search%s\n", line);

		return put_line(out, cap, len, s, sn);
	}
	return n ? -1 : 0;
}

int resolver_compose(const char *orig, const char *profile, const struct resolver_set *d, char *out,
		     size_t cap)
{
	size_t len = 0;

	out[0] = '\0';
	if (compose_head(orig, profile, d, out, cap, &len) != 0)
		return -1;
	for (const char *l = orig; *l;) {
		size_t ll = strcspn(l, "\n");

		if (!is_search_line(l, ll) && (put_line(out, cap, &len, l, ll) != 0 ||
					       put_line(out, cap, &len, "\n", 1) != 0))
			return -1;
		l += ll + (l[ll] == '\n');
	}
	return (int)len;
}

static int read_text(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	size_t got = 0;

	if (fd < 0)
		return -1;
	while (got + 1 < cap && (n = read(fd, buf + got, cap - 1 - got)) > 0)
		got += (size_t)n;
	close(fd);
	buf[got] = '\0';
	if (memchr(buf, '\0', got)) /* not a text file */
		return -1;
	return got + 1 < cap ? 0 : -1;
}

/* In place: O_TRUNC and write, never a rename. */
static int write_text(const char *path, const char *text, int flags, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | flags, mode);
	size_t len = strlen(text), done = 0;

	if (fd < 0)
		return -1;
	while (done < len) {
		ssize_t n = write(fd, text + done, len - done);

		if (n <= 0) {
			close(fd);
			return -1;
		}
		done += (size_t)n;
	}
	return close(fd);
}

static int file_apply(const char *profile, const char *saved, const struct resolver_set *d,
		      char *err, size_t errlen)
{
	char *orig = malloc(RESOLV_MAX), *text = malloc(2 * RESOLV_MAX);
	int rc = -1;

	if (!orig || !text) {
		snprintf(err, errlen, "dns: out of memory");
		goto out;
	}
	/* the saved copy, if any, is the original: the file may hold our block already */
	if (read_text(saved, orig, RESOLV_MAX) != 0) {
		if (read_text(RESOLV_CONF_PATH, orig, RESOLV_MAX) != 0)
			orig[0] = '\0';
		if (write_text(saved, orig, O_CREAT | O_EXCL, 0600) != 0) {
			snprintf(err, errlen, "dns: cannot save %s to %s: %s", RESOLV_CONF_PATH,
				 saved, strerror(errno));
			goto out;
		}
	}
	if (resolver_compose(orig, profile, d, text, 2 * RESOLV_MAX) < 0) {
		snprintf(err, errlen, "dns: the new %s would be too long", RESOLV_CONF_PATH);
		goto out;
	}
	/* a renewal changes nothing: no rewrite, which readers could see half done */
	if (read_text(RESOLV_CONF_PATH, orig, RESOLV_MAX) == 0 && strcmp(orig, text) == 0) {
		rc = 0;
		goto out;
	}
	if (write_text(RESOLV_CONF_PATH, text, 0, 0644) != 0) {
		snprintf(err, errlen, "dns: cannot write %s: %s", RESOLV_CONF_PATH,
			 strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(orig);
	free(text);
	return rc;
}

static int file_remove(const char *profile, const char *saved, char *err, size_t errlen)
{
	char *orig = malloc(RESOLV_MAX), *cur = malloc(RESOLV_MAX), mark[128];
	int rc = 0;

	if (!orig || !cur || read_text(saved, orig, RESOLV_MAX) != 0) {
		free(orig);
		free(cur);
		return 0; /* nothing saved: nothing of ours to undo */
	}
	snprintf(mark, sizeof(mark), "# vpnclient %s: ", profile);
	if (read_text(RESOLV_CONF_PATH, cur, RESOLV_MAX) == 0 &&
	    strncmp(cur, mark, strlen(mark)) == 0) {
		if (write_text(RESOLV_CONF_PATH, orig, 0, 0644) != 0) {
			snprintf(err, errlen, "dns: cannot restore %s: %s", RESOLV_CONF_PATH,
				 strerror(errno));
			rc = -1;
		}
	} else {
		snprintf(err, errlen, "dns: %s was rewritten by someone else; left as it is",
			 RESOLV_CONF_PATH);
		rc = -1;
	}
	if (rc == 0 || errno != EROFS)
		unlink(saved);
	free(orig);
	free(cur);
	return rc;
}

static int run(char *const argv[], const char *in, char *err, size_t errlen)
{
	static char *const env[] = {SPAWN_PATH, NULL};
	char out[512];
	struct spawn_io io = {.in = in, .out = out, .outlen = sizeof(out), .timeout_ms = 10000};
	int rc = spawn_run(argv, env, &io);

	if (rc != 0) {
		out[strcspn(out, "\n")] = '\0';
		snprintf(err, errlen, "dns: %s failed (%d): %s", argv[0], rc, out);
		return -1;
	}
	return 0;
}

static int resolvconf_apply(const char *ifname, const struct resolver_set *d, char *err,
			    size_t errlen)
{
	char exe[64], rec[64], in[2048], ip[64];
	size_t n = 0;

	if (!spawn_find("resolvconf", exe, sizeof(exe))) {
		snprintf(err, errlen, "dns: resolvconf not found");
		return -1;
	}
	snprintf(rec, sizeof(rec), "%s.vpnclient", ifname);
	for (size_t i = 0; i < d->ndns; i++)
		n += (size_t)snprintf(in + n, sizeof(in) - n, "nameserver %s\n",
				      netcfg_ip_str(&d->dns[i], ip, sizeof(ip)));
	if (d->nsearch)
		n += (size_t)snprintf(in + n, sizeof(in) - n, "search");
	for (size_t i = 0; i < d->nsearch && n < sizeof(in); i++)
		n += (size_t)snprintf(in + n, sizeof(in) - n, " %s", d->search[i]);
	if (d->nsearch && n < sizeof(in))
		snprintf(in + n, sizeof(in) - n, "\n");
	return run((char *[]){exe, "-a", rec, NULL}, in, err, errlen);
}

static int resolved_apply(const char *ifname, const struct resolver_set *d, char *err,
			  size_t errlen)
{
	char exe[64], ips[2 * NETCFG_DNS_MAX][64];
	char *argv[4 + 2 * NETCFG_SEARCH_MAX] = {exe, "dns", (char *)ifname};
	size_t n = 3;

	if (!spawn_find("resolvectl", exe, sizeof(exe))) {
		snprintf(err, errlen, "dns: resolvectl not found");
		return -1;
	}
	for (size_t i = 0; i < d->ndns; i++)
		argv[n++] = (char *)netcfg_ip_str(&d->dns[i], ips[i], sizeof(ips[i]));
	argv[n] = NULL;
	if (d->ndns && run(argv, NULL, err, errlen) != 0)
		return -1;
	argv[1] = "domain";
	n = 3;
	for (size_t i = 0; i < d->nsearch; i++)
		argv[n++] = (char *)d->search[i];
	argv[n] = NULL;
	return d->nsearch ? run(argv, NULL, err, errlen) : 0;
}

int resolver_apply(enum netcfg_resolver r, const char *ifname, const char *profile,
		   const char *saved, const struct resolver_set *d, char *err, size_t errlen)
{
	switch (r) {
	case RESOLVER_RESOLVED:
		return resolved_apply(ifname, d, err, errlen);
	case RESOLVER_RESOLVCONF:
		return resolvconf_apply(ifname, d, err, errlen);
	case RESOLVER_FILE:
		return file_apply(profile, saved, d, err, errlen);
	default:
		snprintf(err, errlen, "dns: no resolver chosen");
		return -1;
	}
}

int resolver_remove(enum netcfg_resolver r, const char *ifname, const char *profile,
		    const char *saved, char *err, size_t errlen)
{
	char exe[64], rec[64];

	switch (r) {
	case RESOLVER_RESOLVED:
		if (!spawn_find("resolvectl", exe, sizeof(exe)))
			return 0;
		return run((char *[]){exe, "revert", (char *)ifname, NULL}, NULL, err, errlen);
	case RESOLVER_RESOLVCONF:
		if (!spawn_find("resolvconf", exe, sizeof(exe)))
			return 0;
		snprintf(rec, sizeof(rec), "%s.vpnclient", ifname);
		return run((char *[]){exe, "-d", rec, "-f", NULL}, NULL, err, errlen);
	case RESOLVER_FILE:
		return file_remove(profile, saved, err, errlen);
	default:
		return 0;
	}
}
