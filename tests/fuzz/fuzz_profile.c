// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the "key = value" reader and every profile value parser,
 * plus the verifier and fingerprint text parsers a profile or config may hold.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "profile.h"
#include "tls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct profile p;
	struct auth_verifier v;
	uint8_t fp[TLS_FP_LEN];
	char err[512], *text;

	(void)profile_parse((const char *)data, size, "fuzz.conf", &p, err, sizeof(err));
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	(void)auth_verifier_parse(text, &v);
	(void)tls_fingerprint_parse(text, fp);
	free(text);
	return 0;
}
