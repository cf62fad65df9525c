// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * "vpnlan-guest underlay DIR": the network the in-guest vpnhub/vpnclient run
 * uses, made of vpnlan interfaces as well (the guest has no veth): network
 * namespaces hub, c1 and c2, with c1 <-> hub (10.199.1.2 <-> 10.199.1.1) and
 * c2 <-> hub (10.199.2.2 <-> 10.199.2.1) joined by wires through their
 * rings.  A sleeping child holds each namespace; DIR/NAME.pid names it for
 * nsenter -t.  DIR/ready appears when all is up; SIGTERM ends it.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "guest_util.h"
#include "wire.h"

int vpnlan_underlay(const char *dir);

/* A child that sits in nsfd until killed; its PID goes to DIR/name.pid. */
static pid_t hold_ns(int nsfd, const char *dir, const char *name)
{
	char path[256];
	pid_t pid = fork();
	FILE *f;

	if (pid == 0) {
		if (ns_enter(nsfd) != 0)
			_exit(1);
		for (;;)
			pause();
	}
	snprintf(path, sizeof(path), "%s/%s.pid", dir, name);
	f = fopen(path, "w");
	if (!f || pid < 0)
		return -1;
	fprintf(f, "%d\n", (int)pid);
	fclose(f);
	return pid;
}

/* Interface name with address ip in the netns nsfd (entered and left again). */
static int add_lan(struct lan *l, int nsfd, const char *name, const char *ip, int home)
{
	int rc = -1;

	if (ns_enter(nsfd) == 0 && lan_create(l, name, 256, 2048) == 0 &&
	    if_setup("lo", "127.0.0.1") == 0 && if_setup(name, ip) == 0 &&
	    lan_carrier(l, true) == 0)
		rc = 0;
	ns_enter(home);
	return rc;
}

static int new_ns(int home)
{
	int fd = -1;

	if (unshare(CLONE_NEWNET) == 0)
		fd = ns_current();
	ns_enter(home);
	return fd;
}

int vpnlan_underlay(const char *dir)
{
	int home = ns_current(), hub = new_ns(home), c[2] = {new_ns(home), new_ns(home)};
	struct lan hub_side[2], client_side[2];
	struct wire w[2];
	pid_t holders[3];
	char path[256];
	int ok = hub >= 0 && c[0] >= 0 && c[1] >= 0;

	sigset_t term;
	int sig;

	/* SIGTERM stays pending for sigwait below, whichever thread it targets */
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &term, NULL);
	for (int i = 0; ok && i < 2; i++) {
		char hn[16], cn[16], hip[32], cip[32];

		snprintf(hn, sizeof(hn), "uh%d", i + 1);
		snprintf(cn, sizeof(cn), "uc%d", i + 1);
		snprintf(hip, sizeof(hip), "10.199.%d.1", i + 1);
		snprintf(cip, sizeof(cip), "10.199.%d.2", i + 1);
		ok = add_lan(&hub_side[i], hub, hn, hip, home) == 0 &&
		     add_lan(&client_side[i], c[i], cn, cip, home) == 0 &&
		     wire_start(&w[i], &client_side[i], &hub_side[i]) == 0;
	}
	holders[0] = ok ? hold_ns(hub, dir, "hub") : -1;
	holders[1] = ok ? hold_ns(c[0], dir, "c1") : -1;
	holders[2] = ok ? hold_ns(c[1], dir, "c2") : -1;
	if (holders[0] < 0 || holders[1] < 0 || holders[2] < 0) {
		fprintf(stderr, "underlay: setup failed\n");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/ready", dir);
	close(open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	sigwait(&term, &sig);
	for (int i = 0; i < 3; i++) {
		kill(holders[i], SIGKILL);
		waitpid(holders[i], NULL, 0);
	}
	for (int i = 0; i < 2; i++)
		wire_stop(&w[i]);
	return 0;
}
