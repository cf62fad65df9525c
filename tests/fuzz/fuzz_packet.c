// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the packet parser.  Parses every input as a frame with
 * the default options, with another VLAN TPID and L2-only, and checks that
 * every offset the result holds stays inside the (trimmed) frame.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "packet.h"

static void check_invariants(const struct pkt_info *pi, size_t len)
{
	if (pi->frame_len > len || pi->l3_off > pi->frame_len || pi->l4_off > pi->frame_len ||
	    (uint64_t)pi->payload_off + pi->payload_len > pi->frame_len)
		abort();
	if (pi->ra_router_lifetime_off != 0 && pi->ra_router_lifetime_off + 2 > pi->frame_len)
		abort();
	if (memchr(pi->dns_qname, '\0', sizeof(pi->dns_qname)) == NULL)
		abort();
	if ((pi->flags & PKT_F_MALFORMED) && pi->malformed_layer == 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct pkt_parse_opts opts[] = {
	    {0},
	    {.vlan_tpid = 0x88a8},
	    {.l2_only = true},
	};
	struct pkt_info pi;

	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (pkt_parse(data, size, &opts[i], &pi) == 0)
			check_invariants(&pi, size);
	return 0;
}
