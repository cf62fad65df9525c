// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The data phase's messages and timers (dataphase.h).
 */
#include "dataphase.h"

#include <stdio.h>

void dataphase_init(struct dataphase *dp, dataphase_frame_fn on_frame, void *ctx, const char *from,
		    uint32_t keepalive_s, uint32_t timeout_s, uint64_t now_ms)
{
	*dp = (struct dataphase){
	    .on_frame = on_frame,
	    .ctx = ctx,
	    .from = from,
	    .keepalive_s = keepalive_s,
	    .timeout_s = timeout_s,
	    .last_rx = now_ms,
	    .last_tx = now_ms,
	};
}

int dataphase_on_msg(void *ctx, const struct proto_msg *m)
{
	struct dataphase *dp = ctx;
	const char *err;

	switch (m->type) {
	case PROTO_FRAME:
		return dp->on_frame(dp->ctx, m, dp->err, sizeof(dp->err));
	case PROTO_KEEPALIVE:
		return 0;
	case PROTO_BYE:
		if (proto_dec_bye(m, &dp->bye_reason, &err) != 0)
			dp->bye_reason = PROTO_R_NONE;
		dp->got_bye = true;
		return -1;
	default:
		snprintf(dp->err, sizeof(dp->err), "unexpected message type %u %s", m->type,
			 dp->from);
		return -1;
	}
}

int dataphase_timeout_ms(const struct dataphase *dp, const struct stream *st, uint64_t now_ms)
{
	/* a blocked write needs POLLOUT, not a keep-alive: no timer for it then */
	uint64_t ka = stream_pending(st) ? UINT64_MAX : dp->last_tx + dataphase_quiet_max_ms(dp);
	uint64_t dead = dp->last_rx + dp->timeout_s * 1000ull;
	uint64_t next = ka < dead ? ka : dead;

	return next <= now_ms ? 0 : (int)(next - now_ms);
}
