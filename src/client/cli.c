// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Control-socket commands.  A running profile is a socket RUNDIR/NAME.sock
 * that answers; a socket left by a process that died is skipped.
 */
#include "cli.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "control.h"
#include "ctlproto.h"

#define CLI_TIMEOUT_S 5

/* Asks one profile; 0, or -1 after printing why. */
static int ask(const char *rundir, const char *profile, const char *req, char *reply, bool quiet)
{
	char name[64], path[108], err[512];

	if (control_profile_name(profile, name, sizeof(name), err, sizeof(err)) != 0 ||
	    control_path(rundir, name, path, sizeof(path), err, sizeof(err)) != 0 ||
	    control_ask(path, req, strlen(req), reply, CTL_REPLY_MAX, CLI_TIMEOUT_S, err,
			sizeof(err)) != 0) {
		if (!quiet)
			fprintf(stderr, "vpnclient: %s: %s\n", profile, err);
		return -1;
	}
	if (strncmp(reply, "error: ", 7) == 0) {
		fprintf(stderr, "vpnclient: %s: %s", profile, reply + 7);
		return -1;
	}
	return 0;
}

/* The names of the sockets in rundir, sorted; count, or -1. */
static int profiles(const char *rundir, char (**names)[64])
{
	DIR *d = opendir(rundir);
	struct dirent *e;
	int n = 0;

	*names = NULL;
	if (!d)
		return 0; /* no directory: nothing runs */
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		char(*grown)[64];

		if (len < 6 || len - 5 >= 64 || strcmp(e->d_name + len - 5, ".sock") != 0)
			continue;
		grown = realloc(*names, (size_t)(n + 1) * sizeof(**names));
		if (!grown)
			break;
		*names = grown;
		snprintf((*names)[n++], 64, "%.*s", (int)(len - 5), e->d_name);
	}
	closedir(d);
	if (n > 1)
		qsort(*names, (size_t)n, 64, (int (*)(const void *, const void *))strcmp);
	return n;
}

/* Every running profile's answer to req: a JSON array, or the answers one after another. */
static int all(const char *rundir, const char *req, bool json, const char *sep)
{
	char(*names)[64], *reply = malloc(CTL_REPLY_MAX);
	int n = profiles(rundir, &names), shown = 0;

	if (!reply) {
		free(names);
		return 1;
	}
	if (json)
		printf("[");
	for (int i = 0; i < n; i++) {
		if (ask(rundir, names[i], req, reply, true) != 0)
			continue;
		if (json)
			reply[strcspn(reply, "\n")] = '\0';
		printf("%s%s", shown++ ? sep : "", reply);
	}
	printf(json ? "]\n" : "");
	free(names);
	free(reply);
	return 0;
}

int cli_status(const char *rundir, const char *profile, bool json)
{
	char *reply;
	int rc;

	if (!profile)
		return all(rundir, json ? "status json" : "status text", json, json ? "," : "\n");
	reply = malloc(CTL_REPLY_MAX);
	if (!reply)
		return 1;
	rc = ask(rundir, profile, json ? "status json" : "status text", reply, false);
	if (rc == 0)
		fputs(reply, stdout);
	free(reply);
	return rc == 0 ? 0 : 1;
}

int cli_list(const char *rundir, bool json)
{
	return all(rundir, json ? "status json" : "status line", json, json ? "," : "");
}

int cli_disconnect(const char *rundir, const char *profile)
{
	char *reply = malloc(CTL_REPLY_MAX);
	int rc;

	if (!reply)
		return 1;
	rc = ask(rundir, profile, "disconnect", reply, false);
	/* the socket goes away last, after the setup is undone */
	for (int i = 0; rc == 0 && i < 600; i++) {
		if (ask(rundir, profile, "status line", reply, true) != 0) {
			free(reply);
			return 0;
		}
		nanosleep(&(struct timespec){.tv_nsec = 100 * 1000 * 1000}, NULL);
	}
	free(reply);
	if (rc == 0)
		fprintf(stderr, "vpnclient: %s: still running after 60 s\n", profile);
	return 1;
}
