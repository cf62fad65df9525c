// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the configuration readers.  The input is read as it is
 * (text, or binary when it starts with "SEVPN_DB"), and its bytes (up to
 * 4 KiB) are read again as the body of a binary file with the right SHA-0, so
 * the binary parser is reached past the checksum.  Whatever loads must survive the round
 * trip: written, read back to an equal tree, written again byte for byte.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "sha0.h"

/* SHA-0 under coverage instrumentation dominates: big bodies add little */
#define BIN_BODY_MAX 4096

static int count(void *ctx, const char *path, const struct cfg_folder *f, const struct cfg_item *it)
{
	size_t *n = ctx;

	if (!path[0] || !f || (it && it->parent != f))
		abort();
	(*n)++;
	return 0;
}

static void round_trip(struct cfg_folder *a)
{
	struct cfg_folder *b;
	char err[512], *t1, *t2;
	size_t n1, n2, nodes = 0;

	if (cfg_walk(a, count, &nodes) != 0 || nodes == 0)
		abort();
	if (cfg_write_text(a, &t1, &n1) != 0)
		abort();
	if (cfg_read_text(t1, n1, "rewrite", &b, err, sizeof(err)) != 0)
		abort(); /* the writer produced something the reader refuses */
	if (!cfg_equal(a, b))
		abort();
	if (cfg_write_text(b, &t2, &n2) != 0 || n1 != n2 || memcmp(t1, t2, n1) != 0)
		abort(); /* a canonical file must rewrite byte-identically */
	free(t1);
	free(t2);
	cfg_free(b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cfg_folder *root;
	char err[512];
	uint8_t *bin;

	if (cfg_read(data, size, "fuzz.cfg", &root, err, sizeof(err)) == 0) {
		round_trip(root);
		cfg_free(root);
	}
	if (size > BIN_BODY_MAX)
		return 0;
	bin = malloc(size + 28);
	if (!bin)
		return 0;
	memcpy(bin, "SEVPN_DB", 8);
	sha0(data, size, bin + 8);
	if (size)
		memcpy(bin + 28, data, size);
	if (cfg_read_bin(bin, size + 28, "fuzz.bin", &root, err, sizeof(err)) == 0) {
		round_trip(root);
		cfg_free(root);
	}
	free(bin);
	return 0;
}
