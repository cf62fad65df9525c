// SPDX-License-Identifier: GPL-2.0-or-later
/* The hub's calendar clock (wallclock.h). */
#include "wallclock.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

/* set once at start-up, before any thread exists */
static char test_file[PATH_MAX];

int wallclock_use_file(const char *path)
{
	if (!path[0] || strlen(path) >= sizeof(test_file) || access(path, R_OK) != 0)
		return -1;
	snprintf(test_file, sizeof(test_file), "%s", path);
	log_warnx("TEST CLOCK: account expiry and certificate dates follow %s, not the real "
		  "time (--test-clock)",
		  test_file);
	return 0;
}

bool wallclock_is_test(void)
{
	return test_file[0] != '\0';
}

static uint64_t real_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The file's first decimal number, or 0 when it has none. */
static uint64_t file_ms(void)
{
	char buf[32], *end;
	int fd = open(test_file, O_RDONLY | O_CLOEXEC);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	unsigned long long v;

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	v = strtoull(buf, &end, 10);
	return end != buf ? (uint64_t)v : 0;
}

uint64_t wallclock_ms(void)
{
	uint64_t ms;

	if (!test_file[0])
		return real_ms();
	ms = file_ms();
	if (!ms) {
		log_warnx("TEST CLOCK: %s holds no time; using the real time", test_file);
		return real_ms();
	}
	return ms;
}
