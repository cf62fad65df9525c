// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target: the hub's login path as a client meets it.  A real hub
 * server (configuration file, state, TLS context with a self-signed
 * certificate) runs each input's connection through sess_spawn: its own
 * session thread, the TLS accept, HELLO, CHALLENGE, AUTH, WELCOME or REJECT,
 * and after a successful login the data phase.  The fuzz input is written as
 * TLS plaintext into the client end of a socketpair.
 *
 * Input: byte 0 is the mode.  Mode bit 0 clear: the rest is written as it is.
 * Bit 0 set: bytes 1-2 (big endian) are the length of a HELLO payload that
 * follows; the harness frames it, answers the hub's CHALLENGE with a correct
 * proof when the HELLO names a known user with its real scheme (alice: salted
 * verifier, bob: SoftEther hash; else a zero proof), then writes the rest, so
 * mutations reach WELCOME and the data phase too.  Either way the client then
 * closes its sending side and reads the hub's answers until it hangs up.
 */
#include <arpa/inet.h>
#include <ftw.h>
#include <openssl/ssl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "auth.h"
#include "config.h"
#include "hub.h"
#include "log.h"
#include "proto.h"
#include "session_loop.h"
#include "state.h"
#include "tls.h"

static struct hub_server srv;
static SSL_CTX *client_ctx;
static char work_dir[] = "/tmp/fuzz_login.XXXXXX";

static int remove_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

/* The configuration, certificate and state files go when the fuzzer exits. */
static void remove_dir(void)
{
	nftw(work_dir, remove_one, 8, FTW_DEPTH | FTW_PHYS);
}

/* "byte NAME BASE64" for a user folder */
static void put_bytes(FILE *f, const char *name, const uint8_t *b, size_t len)
{
	char text[2 * AUTH_SALT_MAX + 8];

	if (auth_b64_encode(b, len, text, sizeof(text)) < 0)
		abort();
	fprintf(f, "\t\t\t\t\t\tbyte %s %s\n", name, text);
}

/* SoftHUB.cfg: hub DEFAULT with alice (verifier, 1000 iterations) and bob (SoftEther hash). */
static void write_config(const char *dir, const char *path)
{
	struct auth_verifier v;
	uint8_t se[AUTH_SE_HASH_LEN];
	FILE *f = fopen(path, "w");

	if (!f || auth_verifier_make("alice-pw", AUTH_ITER_MIN, &v) != 0)
		abort();
	auth_softether_hash("bob-pw", "bob", se);
	fprintf(f,
		"declare root\n{\n\tdeclare ListenerList\n\t{\n\t\tdeclare Listener0\n\t\t{\n"
		"\t\t\tbool Enabled true\n\t\t\tuint Port 5555\n\t\t}\n\t}\n"
		"\tdeclare Vpnhub\n\t{\n\t\tstring StateDir %s\n"
		"\t\tuint LoginBackoff 0\n\t}\n"
		"\tdeclare VirtualHUB\n\t{\n\t\tdeclare DEFAULT\n\t\t{\n\t\t\tbool Online true\n"
		"\t\t\tdeclare SecurityAccountDatabase\n\t\t\t{\n\t\t\t\tdeclare UserList\n"
		"\t\t\t\t{\n\t\t\t\t\tdeclare alice\n\t\t\t\t\t{\n"
		"\t\t\t\t\t\tuint AuthType 1\n\t\t\t\t\t\tuint AuthVerifierIterations %u\n",
		dir, v.iterations);
	put_bytes(f, "AuthVerifierSalt", v.salt, v.salt_len);
	put_bytes(f, "AuthVerifierStoredKey", v.stored_key, AUTH_KEY_LEN);
	put_bytes(f, "AuthVerifierServerKey", v.server_key, AUTH_KEY_LEN);
	fprintf(f,
		"\t\t\t\t\t}\n\t\t\t\t\tdeclare bob\n\t\t\t\t\t{\n\t\t\t\t\t\tuint AuthType 1\n");
	put_bytes(f, "AuthPassword", se, sizeof(se));
	fprintf(f, "\t\t\t\t\t}\n\t\t\t\t}\n\t\t\t}\n\t\t}\n\t}\n}\n");
	if (fclose(f) != 0)
		abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char path[64], cert[64], key[64], err[1024];
	struct hub_config *cfg;

	(void)argc;
	(void)argv;
	signal(SIGPIPE, SIG_IGN);
	log_init("fuzz_login", 0);
	if (!mkdtemp(work_dir))
		abort();
	atexit(remove_dir);
	snprintf(path, sizeof(path), "%s/SoftHUB.cfg", work_dir);
	snprintf(cert, sizeof(cert), "%s/cert.pem", work_dir);
	snprintf(key, sizeof(key), "%s/key.pem", work_dir);
	write_config(work_dir, path);
	cfg = config_load(path, err, sizeof(err));
	if (!cfg || tls_make_selfsigned(cert, key, "fuzz", err, sizeof(err)) != 0) {
		fprintf(stderr, "fuzz_login: %s\n", err);
		abort();
	}
	srv.state = state_open(work_dir, err, sizeof(err));
	srv.tls = tls_server_ctx(cert, key, err, sizeof(err));
	client_ctx = SSL_CTX_new(TLS_client_method());
	if (!srv.state || !srv.tls || !client_ctx || hub_server_init(&srv, cfg) != 0) {
		fprintf(stderr, "fuzz_login: %s\n", err);
		abort();
	}
	SSL_CTX_set_verify(client_ctx, SSL_VERIFY_NONE, NULL);
	return 0;
}

/* The proof for the hub's challenge: right for alice and bob, zero for anyone else. */
static void make_proof(SSL *ssl, const struct proto_hello *h, const struct proto_challenge *c,
		       uint8_t proof[AUTH_KEY_LEN])
{
	uint8_t binding[32], transcript[AUTH_KEY_LEN], ck[AUTH_KEY_LEN], sk[AUTH_KEY_LEN];
	uint8_t se[AUTH_SE_HASH_LEN];

	memset(proof, 0, AUTH_KEY_LEN);
	if (tls_exporter(ssl, binding) != 0)
		return;
	auth_transcript(h->hub, h->user, c->nonce, PROTO_NONCE_LEN, binding, sizeof(binding),
			transcript);
	if (strcasecmp(h->user, "bob") == 0 && c->method == PROTO_PW_SOFTETHER) {
		auth_softether_hash("bob-pw", h->user, se);
		auth_softether_proof(se, transcript, proof);
	} else if (strcasecmp(h->user, "alice") == 0 && c->method == PROTO_PW_SCRAM &&
		   c->iterations <= AUTH_ITER_MIN &&
		   auth_derive("alice-pw", c->salt, c->salt_len, c->iterations, ck, sk) == 0) {
		auth_client_proof(ck, transcript, proof);
	}
}

/* Mode 1: a framed HELLO, then AUTH with a proof; returns how much of data it used. */
static size_t proof_login(SSL *ssl, const uint8_t *data, size_t size)
{
	uint8_t buf[PROTO_HDR_LEN + PROTO_CTRL_MAX];
	struct proto_hello h = {0};
	struct proto_challenge c;
	struct proto_auth a;
	struct proto_msg m = {.type = PROTO_HELLO};
	const char *err;
	size_t len, n;

	if (size < 2)
		return size;
	len = (size_t)data[0] << 8 | data[1];
	if (len > size - 2)
		len = size - 2;
	if (len > PROTO_CTRL_MAX)
		len = PROTO_CTRL_MAX;
	proto_put_hdr(buf, PROTO_HELLO, 0, (uint32_t)len);
	memcpy(buf + PROTO_HDR_LEN, data + 2, len);
	m.payload = buf + PROTO_HDR_LEN;
	m.len = (uint32_t)len;
	(void)proto_dec_hello(&m, &h, &err); /* what the hub will make of it */
	if (tls_write_all(ssl, buf, PROTO_HDR_LEN + len) != 0 ||
	    tls_read_msg(ssl, buf, sizeof(buf), &m, &err) != 0 || m.type != PROTO_CHALLENGE ||
	    proto_dec_challenge(&m, &c, &err) != 0)
		return size;
	make_proof(ssl, &h, &c, a.proof);
	n = proto_enc_auth(buf, sizeof(buf), &a);
	if (!n || tls_write_all(ssl, buf, n) != 0)
		return size;
	return 2 + len;
}

/* Until the hub hangs up (its answers are read, not judged: the hub is under test). */
static void drain(SSL *ssl)
{
	uint8_t buf[16384];

	while (SSL_read(ssl, buf, sizeof(buf)) > 0)
		;
}

static void wait_idle(void)
{
	pthread_mutex_lock(&srv.lock);
	while (srv.nthreads)
		pthread_cond_wait(&srv.idle, &srv.lock);
	pthread_mutex_unlock(&srv.lock);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sockaddr_storage peer = {0};
	struct sockaddr_in *in = (struct sockaddr_in *)&peer;
	size_t used = 1;
	SSL *ssl;
	int sv[2];

	if (size < 1 || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
		return 0;
	in->sin_family = AF_INET;
	in->sin_addr.s_addr = htonl(0xc0000201); /* 192.0.2.1 */
	in->sin_port = htons(40000);
	if (sess_spawn(&srv, sv[0], &peer) != SESS_ADMITTED) {
		close(sv[1]);
		return 0;
	}
	ssl = SSL_new(client_ctx);
	if (ssl && SSL_set_fd(ssl, sv[1]) == 1 && SSL_connect(ssl) == 1) {
		if (data[0] & 1)
			used += proof_login(ssl, data + 1, size - 1);
		if (used < size)
			(void)tls_write_all(ssl, data + used, size - used);
		shutdown(sv[1], SHUT_WR);
		drain(ssl);
	}
	SSL_free(ssl);
	close(sv[1]);
	wait_idle();
	return 0;
}
