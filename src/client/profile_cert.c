// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The certificate-login keys of a profile (vpnclient.conf(5)): cert, key and
 * key_passphrase_file.  A profile with cert logs in with its TLS client
 * certificate and needs no password; giving both is refused as ambiguous.
 */
#include "profile.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* dir/v, or v when absolute. */
static int cert_path(const char *dir, const char *key, const char *v, char *out, size_t cap,
		     char *err, size_t errlen)
{
	int n = v[0] == '/' || !dir[0] ? snprintf(out, cap, "%s", v)
				       : snprintf(out, cap, "%s/%s", dir, v);

	if (!v[0] || n < 0 || (size_t)n >= cap) {
		snprintf(err, errlen, "%s: empty or overlong path", key);
		return -1;
	}
	return 0;
}

/* The first line of path, without its end, into dst; empty or overlong is an error. */
static int read_first_line(const char *key, const char *path, char *dst, size_t cap, char *err,
			   size_t errlen)
{
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f) {
		snprintf(err, errlen, "%s: cannot open %s: %s", key, path, strerror(errno));
		return -1;
	}
	if (!fgets(dst, (int)cap, f))
		dst[0] = '\0';
	fclose(f);
	n = strcspn(dst, "\r\n");
	if (n == cap - 1 && dst[n] == '\0') {
		memset(dst, 0, cap);
		snprintf(err, errlen, "%s: the first line of %s is longer than %zu bytes", key,
			 path, cap - 2);
		return -1;
	}
	dst[n] = '\0';
	if (!dst[0]) {
		snprintf(err, errlen, "%s: the first line of %s is empty", key, path);
		return -1;
	}
	return 0;
}

int profile_cert_item(struct profile *p, const char *dir, const char *key, const char *v, char *err,
		      size_t errlen)
{
	char *dst;

	if (strcmp(key, "cert") == 0)
		dst = p->cert_file;
	else if (strcmp(key, "key") == 0)
		dst = p->key_file;
	else if (strcmp(key, "key_passphrase_file") == 0)
		dst = p->key_passphrase_file;
	else
		return 1;
	if (dst[0]) {
		snprintf(err, errlen, "%s: given twice", key);
		return -1;
	}
	return cert_path(dir, key, v, dst, PATH_MAX, err, errlen);
}

int profile_cert_check(struct profile *p, const char *name, char *err, size_t errlen)
{
	if (!p->cert_file[0] && !p->key_file[0] && !p->key_passphrase_file[0])
		return 0;
	if (!p->cert_file[0] || !p->key_file[0]) {
		snprintf(err, errlen, "%s: \"cert\" and \"key\" go together", name);
		return -1;
	}
	if (p->password[0]) {
		snprintf(err, errlen,
			 "%s: give either a certificate (cert, key) or a password, not both", name);
		return -1;
	}
	if (p->key_passphrase_file[0])
		return read_first_line("key_passphrase_file", p->key_passphrase_file,
				       p->key_passphrase, sizeof(p->key_passphrase), err, errlen);
	return 0;
}
