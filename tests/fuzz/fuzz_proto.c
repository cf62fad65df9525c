// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the wire codec.  Splits the input into messages with
 * proto_next exactly as a session does, runs every decoder on every message,
 * and checks the framing invariants.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "packet.h"
#include "vnet.h"
#include "proto.h"

static void decode_all(const struct proto_msg *m)
{
	struct proto_hello h;
	struct proto_challenge c;
	struct proto_auth a;
	struct proto_welcome w;
	struct proto_reject r;
	struct vnet_hdr vh;
	struct pkt_info pi;
	const char *err;
	uint16_t reason;

	(void)proto_dec_hello(m, &h, &err);
	(void)proto_dec_challenge(m, &c, &err);
	(void)proto_dec_auth(m, &a, &err);
	(void)proto_dec_welcome(m, &w, &err);
	(void)proto_dec_reject(m, &r, &err);
	(void)proto_dec_bye(m, &reason, &err);
	if (m->type == PROTO_FRAME) {
		size_t off = m->flags & PROTO_F_VNET ? PROTO_VNET_HDR_LEN : 0;

		if (off) {
			vnet_decode(m->payload, &vh);
			(void)vnet_check(&vh, m->len - off);
		}
		/* proto_next guarantees an Ethernet header: the parse never refuses it */
		if (pkt_parse(m->payload + off, m->len - off, NULL, &pi) != 0)
			abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t off = 0, used;
	struct proto_msg m;
	const char *err;

	while (proto_next(data + off, size - off, &m, &used, &err) == 1) {
		if (used > size - off || used != PROTO_HDR_LEN + m.len)
			abort();
		decode_all(&m);
		off += used;
	}
	return 0;
}
