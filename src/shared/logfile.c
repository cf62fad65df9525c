// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Log files: stable current name, rotation by period and size, retention by
 * age and total size (logfile.h).
 */
#include "logfile.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TIME_NEVER ((time_t)INT64_MAX)
/* any path built here: the directory, a slash and a file name */
#define PATH_BUF (sizeof(((struct logfile *)0)->dir) + NAME_MAX + 2)

int logfile_init(struct logfile *lf, const char *dir, const char *base,
		 const struct logfile_opts *opt)
{
	memset(lf, 0, sizeof(*lf));
	lf->fd = -1;
	if (strlen(dir) >= sizeof(lf->dir) || strlen(base) >= sizeof(lf->base) || !base[0] ||
	    strchr(base, '/')) {
		errno = EINVAL;
		return -1;
	}
	strcpy(lf->dir, dir);
	strcpy(lf->base, base);
	lf->opt = *opt;
	return 0;
}

void logfile_set_opts(struct logfile *lf, const struct logfile_opts *opt)
{
	bool new_period = opt->switch_type != lf->opt.switch_type;

	lf->opt = *opt;
	if (new_period)
		lf->period_until = 0; /* recomputed, and the file rotated, at the next write */
}

static unsigned clamp_switch(unsigned t)
{
	return t > LOGFILE_SWITCH_MONTH ? LOGFILE_SWITCH_MONTH : t;
}

/* [from, until) of the period holding t, in local time; mktime handles DST. */
static void period_bounds(unsigned switch_type, time_t t, time_t *from, time_t *until)
{
	struct tm tm, next;

	switch_type = clamp_switch(switch_type);
	if (switch_type == LOGFILE_SWITCH_NONE) {
		*from = 0;
		*until = TIME_NEVER;
		return;
	}
	localtime_r(&t, &tm);
	switch (switch_type) {
	case LOGFILE_SWITCH_MONTH:
		tm.tm_mday = 1;
		/* fall through */
	case LOGFILE_SWITCH_DAY:
		tm.tm_hour = 0;
		/* fall through */
	case LOGFILE_SWITCH_HOUR:
		tm.tm_min = 0;
		/* fall through */
	default: /* minute */
		tm.tm_sec = 0;
		/* fall through */
	case LOGFILE_SWITCH_SECOND:
		break;
	}
	tm.tm_isdst = -1;
	next = tm;
	*from = mktime(&tm);
	switch (switch_type) {
	case LOGFILE_SWITCH_SECOND:
		next.tm_sec++;
		break;
	case LOGFILE_SWITCH_MINUTE:
		next.tm_min++;
		break;
	case LOGFILE_SWITCH_HOUR:
		next.tm_hour++;
		break;
	case LOGFILE_SWITCH_DAY:
		next.tm_mday++;
		break;
	default:
		next.tm_mon++;
		break;
	}
	next.tm_isdst = -1;
	*until = mktime(&next);
	if (*until <= t) /* a DST jump swallowed the boundary */
		*until = t + 1;
}

void logfile_period_tag(unsigned switch_type, time_t t, char *out, size_t outlen)
{
	struct tm tm;
	int y, mo, d, h, mi, se;

	localtime_r(&t, &tm);
	y = tm.tm_year + 1900, mo = tm.tm_mon + 1, d = tm.tm_mday;
	h = tm.tm_hour, mi = tm.tm_min, se = tm.tm_sec;
	switch (clamp_switch(switch_type)) {
	case LOGFILE_SWITCH_MONTH:
		snprintf(out, outlen, "%04d%02d", y, mo);
		break;
	case LOGFILE_SWITCH_DAY:
		snprintf(out, outlen, "%04d%02d%02d", y, mo, d);
		break;
	case LOGFILE_SWITCH_HOUR:
		snprintf(out, outlen, "%04d%02d%02d_%02d", y, mo, d, h);
		break;
	case LOGFILE_SWITCH_MINUTE:
		snprintf(out, outlen, "%04d%02d%02d_%02d%02d", y, mo, d, h, mi);
		break;
	default: /* second, and none (a split names the moment) */
		snprintf(out, outlen, "%04d%02d%02d_%02d%02d%02d", y, mo, d, h, mi, se);
		break;
	}
}

static void path_of(const struct logfile *lf, const char *suffix, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s/%s%s.log", lf->dir, lf->base, suffix);
}

/*
 * Renames BASE.log to the first free BASE-<tag>.log, BASE-<tag>~01.log, ...
 * tagged with the period it holds (with switch type none: when it ended).
 */
static int rotate_current(struct logfile *lf, time_t period_from, time_t now)
{
	char tag[32], suffix[48], cur[PATH_BUF], dst[PATH_BUF];
	struct stat sb;

	logfile_period_tag(lf->opt.switch_type,
			   lf->opt.switch_type == LOGFILE_SWITCH_NONE ? now : period_from, tag,
			   sizeof(tag));
	path_of(lf, "", cur, sizeof(cur));
	for (unsigned n = 0; n <= LOGFILE_SPLIT_MAX; n++) {
		if (n == 0)
			snprintf(suffix, sizeof(suffix), "-%s", tag);
		else
			snprintf(suffix, sizeof(suffix), "-%s~%02u", tag, n);
		path_of(lf, suffix, dst, sizeof(dst));
		if (stat(dst, &sb) == 0)
			continue;
		return rename(cur, dst);
	}
	errno = EEXIST;
	return -1;
}

/* Opens BASE.log, first rotating one left from an earlier period. */
static int open_current(struct logfile *lf, time_t now)
{
	char path[PATH_BUF];
	struct stat sb;

	path_of(lf, "", path, sizeof(path));
	period_bounds(lf->opt.switch_type, now, &lf->period_from, &lf->period_until);
	if (stat(path, &sb) == 0 && sb.st_size > 0 && lf->opt.switch_type != LOGFILE_SWITCH_NONE &&
	    sb.st_mtime < lf->period_from) {
		time_t from, until;

		period_bounds(lf->opt.switch_type, sb.st_mtime, &from, &until);
		if (rotate_current(lf, from, now) != 0)
			return -1;
	}
	lf->fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (lf->fd < 0)
		return -1;
	if (fstat(lf->fd, &sb) != 0) {
		logfile_close(lf);
		return -1;
	}
	lf->size = lf->settled = (uint64_t)sb.st_size;
	return 0;
}

/* Closes and renames the current file; the next write opens a fresh BASE.log. */
static int rotate(struct logfile *lf, time_t now)
{
	time_t from = lf->period_from;

	logfile_close(lf);
	if (rotate_current(lf, from, now) != 0)
		return -1;
	(void)logfile_prune(lf, now);
	return 0;
}

/*
 * A log is written once and read rarely: each completed LOGFILE_WINDOW is
 * handed to the disk at once, and the window before it, written by then,
 * is dropped from the page cache.  Its pages are reused for the next
 * windows instead of fresh ones (a third of the kernel's cost per byte
 * here) and the log does not push other files out of the cache.  Waiting
 * for that earlier window is where a slow disk holds the writer back.
 */
static void settle(struct logfile *lf)
{
	while (lf->size - lf->settled >= LOGFILE_WINDOW) {
		off_t at = (off_t)lf->settled;

		(void)sync_file_range(lf->fd, at, LOGFILE_WINDOW, SYNC_FILE_RANGE_WRITE);
		if (at >= (off_t)LOGFILE_WINDOW) {
			at -= LOGFILE_WINDOW;
			(void)sync_file_range(lf->fd, at, LOGFILE_WINDOW,
					      SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
						  SYNC_FILE_RANGE_WAIT_AFTER);
			(void)posix_fadvise(lf->fd, at, LOGFILE_WINDOW, POSIX_FADV_DONTNEED);
		}
		lf->settled += LOGFILE_WINDOW;
	}
}

ssize_t logfile_write(struct logfile *lf, const void *buf, size_t len, time_t now)
{
	ssize_t n;

	if (lf->fd >= 0 && (now >= lf->period_until || now < lf->period_from)) {
		if (rotate(lf, now) != 0)
			return -1;
	}
	if (lf->fd >= 0 && lf->opt.max_size && lf->size > 0 && lf->size + len > lf->opt.max_size) {
		if (rotate(lf, now) != 0)
			return -1;
	}
	if (lf->fd < 0 && open_current(lf, now) != 0)
		return -1;
	n = write(lf->fd, buf, len);
	if (n > 0) {
		lf->size += (uint64_t)n;
		settle(lf);
	}
	return n;
}

void logfile_reopen(struct logfile *lf)
{
	logfile_close(lf);
}

void logfile_close(struct logfile *lf)
{
	if (lf->fd >= 0)
		close(lf->fd);
	lf->fd = -1;
}

struct rotated {
	char name[NAME_MAX + 1];
	time_t mtime;
	uint64_t size;
};

static int by_age(const void *a, const void *b)
{
	const struct rotated *x = a, *y = b;

	if (x->mtime != y->mtime)
		return x->mtime < y->mtime ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Whether name is BASE-<anything>.log. */
static bool is_rotated_name(const struct logfile *lf, const char *name)
{
	size_t blen = strlen(lf->base), nlen = strlen(name);

	return nlen > blen + 5 && strncmp(name, lf->base, blen) == 0 && name[blen] == '-' &&
	       strcmp(name + nlen - 4, ".log") == 0;
}

/* The rotated files of lf, oldest first; *count set; NULL with count 0 when none. */
static struct rotated *list_rotated(const struct logfile *lf, size_t *count, int *err)
{
	struct rotated *v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d = opendir(lf->dir);

	*err = d ? 0 : -1;
	*count = 0;
	if (!d)
		return NULL;
	while ((de = readdir(d)) != NULL) {
		struct stat sb;

		if (!is_rotated_name(lf, de->d_name) ||
		    fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0 ||
		    !S_ISREG(sb.st_mode))
			continue;
		if (n == cap) {
			struct rotated *w = realloc(v, (cap ? cap * 2 : 32) * sizeof(*v));

			if (!w)
				break;
			v = w;
			cap = cap ? cap * 2 : 32;
		}
		snprintf(v[n].name, sizeof(v[n].name), "%s", de->d_name);
		v[n].mtime = sb.st_mtime;
		v[n].size = (uint64_t)sb.st_size;
		n++;
	}
	closedir(d);
	if (n)
		qsort(v, n, sizeof(*v), by_age);
	*count = n;
	return v;
}

static int remove_rotated(const struct logfile *lf, const struct rotated *r)
{
	char path[PATH_BUF];

	snprintf(path, sizeof(path), "%s/%s", lf->dir, r->name);
	return unlink(path) == 0 ? 1 : 0;
}

int logfile_prune(struct logfile *lf, time_t now)
{
	time_t oldest = lf->opt.retain_days ? now - (time_t)lf->opt.retain_days * 86400 : 0;
	uint64_t total = lf->size;
	size_t n, i;
	int err, deleted = 0;
	struct rotated *v;

	if (!lf->opt.retain_days && !lf->opt.retain_bytes)
		return 0;
	v = list_rotated(lf, &n, &err);
	if (err)
		return -1;
	for (i = 0; i < n; i++)
		total += v[i].size;
	for (i = 0; i < n; i++) {
		bool too_old = lf->opt.retain_days && v[i].mtime < oldest;
		bool too_big = lf->opt.retain_bytes && total > lf->opt.retain_bytes;

		if (!too_old && !too_big)
			break; /* oldest first: the rest are newer, and the total fits */
		if (remove_rotated(lf, &v[i])) {
			deleted++;
			total -= v[i].size;
		}
	}
	free(v);
	return deleted;
}
