// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The state file: a cfg tree root/VirtualHUB/<hub>/{NumLogin, LastLoginTime,
 * UserList/<user>/{NumLogin, LastLoginTime}} kept in memory and written
 * atomically when dirty (config_save_tree).
 */
#include "state.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "cfg.h"
#include "config.h"
#include "log.h"

struct state {
	pthread_mutex_t lock; /* guards root, dirty */
	struct cfg_folder *root;
	bool dirty;
	char path[PATH_MAX];
};

struct state *state_open(const char *state_dir, char *err, size_t errlen)
{
	struct state *st = calloc(1, sizeof(*st));

	if (!st) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	snprintf(st->path, sizeof(st->path), "%s/vpnhub.state", state_dir);
	/* counters only: a damaged file is set aside, never a reason not to start */
	if (access(st->path, F_OK) == 0 && cfg_read_file(st->path, &st->root, err, errlen) != 0) {
		char aside[PATH_MAX + 16];

		snprintf(aside, sizeof(aside), "%s.damaged", st->path);
		log_warnx("%s; set aside as %s, counting again from zero", err, aside);
		if (rename(st->path, aside) != 0)
			log_warn("cannot rename %s", st->path);
	}
	if (!st->root)
		st->root = cfg_new();
	if (!st->root) {
		snprintf(err, errlen, "out of memory");
		free(st);
		return NULL;
	}
	pthread_mutex_init(&st->lock, NULL);
	return st;
}

/* Adds one login to a folder's counters. */
static void count_login(struct cfg_folder *f, uint64_t now_ms)
{
	uint32_t n = 0;
	char err[128];

	if (!f)
		return;
	(void)cfg_get_uint(f, "NumLogin", 0, &n, err, sizeof(err));
	(void)cfg_set_uint(f, "NumLogin", n + 1, err, sizeof(err));
	(void)cfg_set_time(f, "LastLoginTime", now_ms, err, sizeof(err));
}

/* parent/name, created when absent; NULL if parent is NULL or memory runs out. */
static struct cfg_folder *sub(struct cfg_folder *parent, const char *name)
{
	char err[128];

	return parent ? cfg_add_folder(parent, name, err, sizeof(err)) : NULL;
}

void state_login(struct state *st, const char *hub, const char *user)
{
	struct cfg_folder *h, *u;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	pthread_mutex_lock(&st->lock);
	h = sub(sub(st->root, "VirtualHUB"), hub);
	u = sub(sub(h, "UserList"), user);
	count_login(h, (uint64_t)ts.tv_sec * 1000);
	count_login(u, (uint64_t)ts.tv_sec * 1000);
	st->dirty = true;
	pthread_mutex_unlock(&st->lock);
}

int state_save(struct state *st, char *err, size_t errlen)
{
	int rc = 0;

	pthread_mutex_lock(&st->lock);
	if (st->dirty) {
		rc = config_save_tree(st->root, st->path, false, err, errlen);
		if (rc == 0)
			st->dirty = false;
	}
	pthread_mutex_unlock(&st->lock);
	return rc;
}

void state_chown(struct state *st, uid_t uid, gid_t gid)
{
	if (chown(st->path, uid, gid) != 0 && errno != ENOENT)
		log_warn("cannot hand %s over", st->path);
}

void state_free(struct state *st)
{
	if (!st)
		return;
	cfg_free(st->root);
	pthread_mutex_destroy(&st->lock);
	free(st);
}
