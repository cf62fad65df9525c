// SPDX-License-Identifier: GPL-2.0-or-later
/* The loop guard's per-hub state (loopguard_state.h). */
#include "loopguard_state.h"

#include <stdint.h>
#include <string.h>

#include <openssl/rand.h>

void loopguard_init(struct loopguard *lg)
{
	memset(lg, 0, sizeof(*lg));
	if (RAND_bytes(lg->id, sizeof(lg->id)) != 1)
		for (size_t i = 0; i < sizeof(lg->id); i++) /* never expected; still distinct */
			lg->id[i] = (uint8_t)((uintptr_t)lg >> (i * 4));
}

void loopguard_forget_port(struct loopguard *lg, uint32_t session)
{
	for (size_t i = 0; i < LOOPGUARD_ORIGINS; i++)
		for (size_t j = 0; j < LOOPGUARD_PORTS; j++)
			if (lg->origins[i].port[j].session == session) {
				lg->origins[i].port[j].session = 0;
				lg->origins[i].port[j].ms = 0;
			}
}
