// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The hub's message (SoftEther's Message/MessageText), sent right after
 * WELCOME when the hub has one: read with a buffer of its own bound, checked
 * by the decoder (UTF-8, no control characters but TAB and line ends), and
 * logged one line at a time, so it reaches the journal and the terminal as
 * plain text.
 */
#include "hubmsg.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "tls.h"

int hubmsg_receive(SSL *ssl, char *err, size_t errlen)
{
	size_t cap = PROTO_HDR_LEN + 2 + PROTO_MESSAGE_MAX + 1;
	uint8_t *buf = malloc(cap);
	char *text = malloc(PROTO_MESSAGE_MAX + 1), *line, *save = NULL;
	const char *perr = NULL;
	struct proto_msg m;
	int rc = -1;

	if (!buf || !text) {
		snprintf(err, errlen, "login failed: out of memory for the hub message");
		goto out;
	}
	if (tls_read_msg(ssl, buf, cap, &m, &perr) != 0 ||
	    proto_dec_message(&m, text, PROTO_MESSAGE_MAX + 1, &perr) != 0) {
		snprintf(err, errlen, "login failed: bad hub message: %s",
			 perr ? perr : "connection lost");
		goto out;
	}
	if (text[0])
		log_info("message from the hub:");
	for (line = strtok_r(text, "\r\n", &save); line; line = strtok_r(NULL, "\r\n", &save))
		log_info("| %s", line);
	rc = 0;
out:
	free(buf);
	free(text);
	return rc;
}
