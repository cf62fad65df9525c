/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What "vpnclient status" shows: the profile's state (connecting, connected,
 * backing off with the last error), the session, TLS, backend, addresses,
 * traffic and uptime.  The tunnel thread writes it, the control thread reads
 * it: the fields under lock, the byte and frame counters as relaxed atomics
 * (a reader may see one counter a loop iteration older than another).
 */
#ifndef VPN_STATUS_H
#define VPN_STATUS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum status_state { STATUS_CONNECTING, STATUS_CONNECTED, STATUS_BACKOFF };

/* Where the current session lost or held back frames (see drops.h). */
struct drop_counts {
	uint64_t device_refused; /* writes the device refused */
	uint64_t kernel_tx;	 /* the kernel's tx_dropped: its queue towards us was full */
	uint64_t kernel_rx;	 /* the kernel's rx_dropped: it dropped what we wrote */
	uint64_t tls_blocked;	 /* TLS writes that met a full socket buffer */
	uint64_t retransmits;	 /* TCP retransmissions on the hub connection */
};

/* Everything but the counters: copied whole under the lock to render it. */
struct status_info {
	/* set once before the control thread starts */
	char profile[64], host[256], hub[256], user[256], ifname[16], backend[16];
	uint16_t port;
	pid_t pid;
	uint64_t started_ms;
	/* changed by the tunnel thread, under lock */
	enum status_state state;
	uint64_t since_ms, retry_at_ms;
	char last_error[512];
	char server_addr[64];
	uint32_t session_id;
	char tls_version[32], tls_cipher[80];
	uint32_t logins, reconnects; /* reconnects: logins after the first */
	struct drop_counts drops;    /* this session's, refreshed about once a second */
};

struct status {
	pthread_mutex_t lock;
	struct status_info i;
	/* the tunnel thread's totals; each session's stream counters add to the base */
	_Atomic uint64_t bytes_in, bytes_out, frames_in, frames_out;
	uint64_t base_in, base_out; /* tunnel thread only */
};

void status_init(struct status *s);
void status_destroy(struct status *s);
uint64_t status_now_ms(void);
void status_connecting(struct status *s);
/* Logged in: server address, session, TLS parameters. */
void status_connected(struct status *s, const char *server_addr, uint32_t session_id,
		      const char *tls_version, const char *tls_cipher);
/* The attempt failed with err; the next one in wait_ms. */
void status_backoff(struct status *s, const char *err, int wait_ms);
/* The session's stream byte counts and the tunnel's frame totals. */
void status_traffic(struct status *s, uint64_t session_in, uint64_t session_out, uint64_t frames_in,
		    uint64_t frames_out);
/* The session's drop counters so far. */
void status_drops(struct status *s, const struct drop_counts *d);
/* The session ended: its bytes join the base. */
void status_session_end(struct status *s, uint64_t session_in, uint64_t session_out);
/* The interface's addresses as space-separated "ADDRESS/LENGTH" words. */
void status_iface_addrs(const char *ifname, char *buf, size_t len);
/* Renders s as a JSON object, a multi-line text or one line; bytes written (< cap). */
size_t status_render(struct status *s, int fmt, char *out, size_t cap);

#endif
