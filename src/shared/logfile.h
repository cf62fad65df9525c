/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * One log file with a stable current name and SoftEther's rotation
 * (softether-notes 4.1), minus its flaws: "DIR/BASE.log" is always the file
 * being written (tail -F, fail2ban); at a period boundary (switch type) or
 * when the next write would pass the size cap it is renamed to
 * "BASE-<period>.log" (or "BASE-<period>~NN.log" when that exists) and a new
 * BASE.log is started.  Rotated files are pruned by age and by total size.
 * Periods use local time.  Not thread-safe: one writer (the logger thread).
 * Library rules: returns 0 / -1 with errno, never logs.
 */
#ifndef VPN_LOGFILE_H
#define VPN_LOGFILE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

/* SoftEther's LOG_SWITCH_* values */
enum logfile_switch {
	LOGFILE_SWITCH_NONE,
	LOGFILE_SWITCH_SECOND,
	LOGFILE_SWITCH_MINUTE,
	LOGFILE_SWITCH_HOUR,
	LOGFILE_SWITCH_DAY,
	LOGFILE_SWITCH_MONTH,
};

#define LOGFILE_BASE_MAX 64
#define LOGFILE_SPLIT_MAX 999	  /* "~NN" pieces per period */
#define LOGFILE_WINDOW (1u << 20) /* written back, then dropped from the page cache, in these */

struct logfile_opts {
	unsigned switch_type;  /* enum logfile_switch; larger values mean month */
	uint64_t max_size;     /* bytes per file before a split; 0 = no cap */
	uint32_t retain_days;  /* rotated files older than this are deleted; 0 = keep */
	uint64_t retain_bytes; /* oldest rotated files deleted while the total exceeds; 0 = keep */
};

struct logfile {
	char dir[PATH_MAX - 128];
	char base[LOGFILE_BASE_MAX];
	struct logfile_opts opt;
	int fd;		    /* -1 while closed (not opened yet, or after an error) */
	uint64_t size;	    /* bytes in the current file */
	uint64_t settled;   /* where the window being filled starts (see LOGFILE_WINDOW) */
	time_t period_from; /* the current file's period: [from, until) */
	time_t period_until;
};

/*
 * Prepares lf for DIR/BASE.log without touching the disk; the file is opened
 * (and an existing one from an earlier period rotated) at the first write.
 * -1 with EINVAL if a name is too long or BASE holds '/'.
 */
int logfile_init(struct logfile *lf, const char *dir, const char *base,
		 const struct logfile_opts *opt);
/* New options (after a reload); the current file stays open. */
void logfile_set_opts(struct logfile *lf, const struct logfile_opts *opt);

/*
 * Appends buf[0..len) as written at time now, rotating first when now is past
 * the current period or when the cap would be passed.  Returns the bytes
 * written (len, or fewer on a partial write), or -1 with errno (ENOSPC, EIO,
 * ...); the caller keeps what was not written and tries again later.
 */
ssize_t logfile_write(struct logfile *lf, const void *buf, size_t len, time_t now);

/* Closes the current file so the next write reopens BASE.log (after logrotate moved it). */
void logfile_reopen(struct logfile *lf);
void logfile_close(struct logfile *lf);

/*
 * Deletes rotated BASE-*.log files older than retain_days, then the oldest
 * while all of them and BASE.log together exceed retain_bytes.  Returns the
 * number deleted, or -1 when the directory cannot be read.  O(files).
 */
int logfile_prune(struct logfile *lf, time_t now);

/* The period tag for a switch type at time t ("20250115", "202501", ...). */
void logfile_period_tag(unsigned switch_type, time_t t, char *out, size_t outlen);

#endif
