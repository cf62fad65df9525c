// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dhclient as a child.  It runs in the foreground (-d) with its own config,
 * script, pid and lease files; the release is a second "dhclient -r" after
 * the first has stopped, because dhclient sends DHCPRELEASE from the
 * process given -r, reading the lease from the lease file.
 */
#include "dhcp.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "control.h"
#include "ctlproto.h"
#include "log.h"
#include "spawn.h"

/* Option 121 is not among dhclient's built-in names; 119 and the rest are. */
static const char DHCLIENT_CONF[] =
    "# written by vpnclient: the options its lease handling uses\n"
    "option rfc3442-classless-static-routes code 121 = array of unsigned integer 8;\n"
    "request subnet-mask, broadcast-address, routers, domain-name-servers, domain-name,\n"
    "\tdomain-search, rfc3442-classless-static-routes;\n";
static const char DHCLIENT6_CONF[] = "# written by vpnclient: the options its lease handling uses\n"
				     "request dhcp6.name-servers, dhcp6.domain-search;\n";

int dhcp_init(struct dhcp *d, int family, const char *rundir, const char *name, const char *ifname,
	      char *err, size_t errlen)
{
	const char *ext[] = {"conf", "sh", "pid", "leases"};
	char *dst[] = {d->conf, d->script, d->pidfile, d->leases};

	memset(d, 0, sizeof(*d));
	d->family = family;
	snprintf(d->ifname, sizeof(d->ifname), "%s", ifname);
	for (int i = 0; i < 4; i++) {
		int n = snprintf(dst[i], PATH_MAX, "%s/%s.dhclient%s.%s", rundir, name,
				 family == AF_INET6 ? "6" : "", ext[i]);

		if (n < 0 || n >= PATH_MAX) {
			snprintf(err, errlen, "dhcp: run directory path too long");
			return -1;
		}
	}
	if (!spawn_find("dhclient", d->exe, sizeof(d->exe))) {
		snprintf(err, errlen,
			 "address = dhcp needs the ISC DHCP client (dhclient, Debian package "
			 "isc-dhcp-client), which is not installed");
		return -1;
	}
	return 0;
}

static char *family_flag(const struct dhcp *d)
{
	return d->family == AF_INET6 ? "-6" : "-4";
}

static int write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
	size_t len = strlen(text);
	int rc;

	if (fd < 0)
		return -1;
	rc = write(fd, text, len) == (ssize_t)len && fchmod(fd, mode) == 0 ? 0 : -1;
	return close(fd) == 0 ? rc : -1;
}

int dhcp_start(struct dhcp *d, const char *self_exe, const char *sock, char *err, size_t errlen)
{
	static char *const env[] = {SPAWN_PATH, NULL};
	char script[3 * PATH_MAX];

	/* single-quoted in the script: a quote in a path would end the quoting */
	if (strchr(self_exe, '\'') || strchr(sock, '\'')) {
		snprintf(err, errlen, "dhcp: a path holds a quote character: %s or %s", self_exe,
			 sock);
		return -1;
	}
	snprintf(script, sizeof(script),
		 "#!/bin/sh\n# written by vpnclient: hands dhclient's events to the daemon\n"
		 "exec '%s' dhcp-event '%s'\n",
		 self_exe, sock);
	unlink(d->pidfile);
	if (write_file(d->conf, d->family == AF_INET6 ? DHCLIENT6_CONF : DHCLIENT_CONF, 0600) !=
		0 ||
	    write_file(d->script, script, 0700) != 0) {
		snprintf(err, errlen, "dhcp: cannot write %s: %s", d->script, strerror(errno));
		return -1;
	}
	d->pid =
	    spawn_start((char *[]){d->exe, family_flag(d), "-d", "-q", "-cf", d->conf, "-sf",
				   d->script, "-pf", d->pidfile, "-lf", d->leases, d->ifname, NULL},
			env);
	if (d->pid < 0) {
		snprintf(err, errlen, "dhcp: cannot start %s: %s", d->exe, strerror(errno));
		return -1;
	}
	log_info("%s: DHCP%s client started (%s, pid %d)", d->ifname,
		 d->family == AF_INET6 ? "v6" : "", d->exe, (int)d->pid);
	return 0;
}

void dhcp_stop(struct dhcp *d, bool release)
{
	static char *const env[] = {SPAWN_PATH, NULL};
	char out[512];
	struct spawn_io io = {.out = out, .outlen = sizeof(out), .timeout_ms = 10000};
	int rc;

	if (d->pid <= 0)
		return;
	spawn_stop(d->pid, 5000);
	d->pid = 0;
	/* "dhclient -r" would signal the pid in the pid file: by now maybe another process */
	unlink(d->pidfile);
	if (release) {
		rc = spawn_run((char *[]){d->exe, family_flag(d), "-r", "-cf", d->conf, "-sf",
					  d->script, "-pf", d->pidfile, "-lf", d->leases, d->ifname,
					  NULL},
			       env, &io);
		if (rc != 0)
			log_warnx("%s: DHCP%s release failed (%d): %s", d->ifname,
				  d->family == AF_INET6 ? "v6" : "", rc, out);
		else
			log_info("%s: DHCP%s lease released", d->ifname,
				 d->family == AF_INET6 ? "v6" : "");
		log_debug("dhclient -r: %s", out);
	}
	unlink(d->pidfile);
	unlink(d->leases);
	unlink(d->conf);
	unlink(d->script);
}

void dhcp_kill_stale(pid_t pid, const char *pidfile)
{
	char path[64], cmd[8192];
	int fd;
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, cmd, sizeof(cmd) - 1);
	close(fd);
	if (n <= 0)
		return;
	for (ssize_t i = 0; i < n; i++)
		if (cmd[i] == '\0')
			cmd[i] = ' ';
	cmd[n] = '\0';
	if (strstr(cmd, "dhclient") && strstr(cmd, pidfile)) {
		kill(pid, SIGTERM);
		log_info("stopped the DHCP client (pid %d) a previous run left", (int)pid);
	}
}

/* True while ifname has no link-local address or a tentative one (/proc/net/if_inet6). */
static bool link_local_tentative(const char *ifname)
{
	FILE *f = fopen("/proc/net/if_inet6", "re");
	char addr[40], name[32];
	unsigned int idx, plen, scope, flags;
	bool tentative = false, seen = false;

	if (!f)
		return false;
	while (fscanf(f, "%39s %x %x %x %x %31s", addr, &idx, &plen, &scope, &flags, name) == 6)
		if (strcmp(name, ifname) == 0 && strncmp(addr, "fe80", 4) == 0) {
			seen = true;
			tentative |= (flags & 0x40) != 0; /* IFA_F_TENTATIVE */
		}
	fclose(f);
	return tentative || !seen;
}

/* dhclient -6 binds to the link-local address: wait (up to 10 s) until it may. */
static void wait_link_local(void)
{
	const char *ifname = getenv("interface");

	if (!ifname || strlen(ifname) >= 16 || strchr(ifname, '/'))
		return;
	for (int i = 0; i < 100 && link_local_tentative(ifname); i++)
		nanosleep(&(struct timespec){.tv_nsec = 100 * 1000 * 1000}, NULL);
}

int dhcp_event_main(const char *sock)
{
	char req[CTL_MSG_MAX], reply[512], err[256];
	size_t n = (size_t)snprintf(req, sizeof(req), "lease\n");
	const char *reason = getenv("reason");

	if (reason && strcmp(reason, "PREINIT6") == 0)
		wait_link_local();

	for (const char *const *v = ctl_lease_vars; *v; v++) {
		const char *val = getenv(*v);
		int m;

		if (!val)
			continue;
		m = snprintf(req + n, sizeof(req) - n, "%s=%s\n", *v, val);
		if (strchr(val, '\n') || m < 0 || (size_t)m >= sizeof(req) - n) {
			fprintf(stderr, "vpnclient dhcp-event: %s is malformed or too long\n", *v);
			return 1;
		}
		n += (size_t)m;
	}
	if (control_ask(sock, req, n, reply, sizeof(reply), 60, err, sizeof(err)) != 0) {
		fprintf(stderr, "vpnclient dhcp-event: %s\n", err);
		return 1;
	}
	if (strncmp(reply, "ok", 2) != 0) {
		fprintf(stderr, "vpnclient dhcp-event: %s", reply);
		return 1;
	}
	return 0;
}
