// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Reading a configuration file: bounded, and parsed as SoftEther's binary
 * form (cfg_bin.c) or its text form (cfg_text.c) by its first bytes.
 */
#include "cfg.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define BIN_MAGIC "SEVPN_DB" /* cfg_bin.c's form begins with it */
#define BIN_MAGIC_LEN 8

int cfg_read(const void *buf, size_t len, const char *name, struct cfg_folder **root, char *err,
	     size_t errlen)
{
	if (len >= BIN_MAGIC_LEN && memcmp(buf, BIN_MAGIC, BIN_MAGIC_LEN) == 0)
		return cfg_read_bin(buf, len, name, root, err, errlen);
	return cfg_read_text(buf, len, name, root, err, errlen);
}

/* Reads up to CFG_FILE_MAX + 1 bytes of fd, so an oversized file is recognised. */
static int read_fd(int fd, size_t hint, const char *path, char **buf, size_t *len, char *err,
		   size_t errlen)
{
	size_t cap = hint + 1, n = 0;
	char *p = malloc(cap), *q;
	ssize_t r = 1;

	while (p && r > 0 && n <= CFG_FILE_MAX) {
		if (n == cap) {
			cap = cap > CFG_FILE_MAX / 2 ? CFG_FILE_MAX + 1 : cap * 2;
			q = realloc(p, cap);
			if (!q)
				free(p);
			p = q;
			if (!p)
				break;
		}
		/* cppcheck-suppress nullPointerArithmeticRedundantCheck ; p != NULL in the loop */
		r = read(fd, p + n, cap - n);
		if (r < 0 && errno == EINTR)
			r = 1;
		else if (r > 0)
			n += (size_t)r;
	}
	if (!p) {
		snprintf(err, errlen, "%s: out of memory", path);
		return -1;
	}
	if (r < 0) {
		snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
		free(p);
		return -1;
	}
	*buf = p;
	*len = n;
	return 0;
}

int cfg_read_file(const char *path, struct cfg_folder **root, char *err, size_t errlen)
{
	/* O_NONBLOCK: a FIFO at path must not hang the open (nor a reload) */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	struct stat st;
	char *buf;
	size_t len;
	int rc;

	*root = NULL;
	if (fd < 0) {
		snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file (a FIFO, device or directory?)",
			 path);
		close(fd);
		return -1;
	}
	if (st.st_size > (off_t)CFG_FILE_MAX) {
		snprintf(err, errlen, "%s: file is larger than %u bytes", path, CFG_FILE_MAX);
		close(fd);
		return -1;
	}
	rc = read_fd(fd, (size_t)st.st_size, path, &buf, &len, err, errlen);
	close(fd);
	if (rc != 0)
		return -1;
	rc = cfg_read(buf, len, path, root, err, errlen);
	free(buf);
	return rc;
}
