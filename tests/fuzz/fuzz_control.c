// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the control socket's request parser (status, disconnect
 * and the DHCP client's lease events) on arbitrary bytes.
 */
#include <stdint.h>
#include <stdlib.h>

#include "ctlproto.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ctl_req *r = malloc(sizeof(*r));
	char err[512];

	if (!r)
		return 0;
	(void)ctl_parse((const char *)data, size, r, err, sizeof(err));
	free(r);
	return 0;
}
