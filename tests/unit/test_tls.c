// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * TLS tests: self-signed certificate creation (file modes, no overwriting,
 * loadable by tls_server_ctx), fingerprints of files and loaded certificates
 * and their text form, context errors that name the file, and a real TLS 1.3
 * handshake over a socketpair with the exporter and message I/O used by the
 * session handshake.
 */
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "stream.h"
#include "suites.h"
#include "tls.h"

static char tmpdir[64], cert_path[128], key_path[128];

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/tlstest.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(cert_path, sizeof(cert_path), "%s/cert.pem", tmpdir);
	snprintf(key_path, sizeof(key_path), "%s/key.pem", tmpdir);
	signal(SIGPIPE, SIG_IGN);
}

static void teardown(void)
{
	char path[160];

	unlink(cert_path);
	unlink(key_path);
	snprintf(path, sizeof(path), "%s/cert2.pem", tmpdir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/key2.pem", tmpdir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/junk.pem", tmpdir);
	unlink(path);
	rmdir(tmpdir);
}

static void make_pair(void)
{
	char err[512] = "";

	ck_assert_msg(tls_make_selfsigned(cert_path, key_path, "hub.test", err, sizeof(err)) == 0,
		      "%s", err);
}

static X509 *read_cert(const char *path)
{
	FILE *f = fopen(path, "r");
	X509 *x;

	ck_assert_ptr_nonnull(f);
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	ck_assert_ptr_nonnull(x);
	return x;
}

START_TEST(test_selfsigned_loads)
{
	char err[512] = "", cn[64];
	struct stat st;
	SSL_CTX *ctx;
	X509 *x;
	EVP_PKEY *pub;

	umask(022);
	make_pair();
	ck_assert_int_eq(stat(key_path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0600);
	ck_assert_int_eq(stat(cert_path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0644);

	ctx = tls_server_ctx(cert_path, key_path, err, sizeof(err));
	ck_assert_msg(ctx != NULL, "%s", err);
	ck_assert_ptr_nonnull(SSL_CTX_get0_certificate(ctx));
	SSL_CTX_free(ctx);

	/* what was asked for: CN, self-issued, P-256, valid now */
	x = read_cert(cert_path);
	ck_assert_int_gt(
	    X509_NAME_get_text_by_NID(X509_get_subject_name(x), NID_commonName, cn, sizeof(cn)), 0);
	ck_assert_str_eq(cn, "hub.test");
	ck_assert_int_eq(X509_NAME_cmp(X509_get_subject_name(x), X509_get_issuer_name(x)), 0);
	pub = X509_get0_pubkey(x);
	ck_assert_ptr_nonnull(pub);
	ck_assert_int_eq(EVP_PKEY_get_bits(pub), 256);
	ck_assert_int_eq(X509_verify(x, pub), 1);
	ck_assert_int_lt(X509_cmp_current_time(X509_get0_notBefore(x)), 0);
	ck_assert_int_gt(X509_cmp_current_time(X509_get0_notAfter(x)), 0);
	ck_assert_int_eq(X509_check_host(x, "hub.test", 0, 0, NULL), 1);
	X509_free(x);
}
END_TEST

START_TEST(test_file_fingerprint)
{
	uint8_t from_file[TLS_FP_LEN], from_ctx[TLS_FP_LEN], direct[TLS_FP_LEN];
	unsigned int n = TLS_FP_LEN;
	char err[512] = "", junk[160];
	SSL_CTX *ctx;
	X509 *x;
	FILE *f;

	make_pair();
	ck_assert_int_eq(tls_file_fingerprint(cert_path, from_file), 0);
	ctx = tls_server_ctx(cert_path, key_path, err, sizeof(err));
	ck_assert_msg(ctx != NULL, "%s", err);
	ck_assert_int_eq(tls_fingerprint(SSL_CTX_get0_certificate(ctx), from_ctx), 0);
	ck_assert_mem_eq(from_file, from_ctx, TLS_FP_LEN);
	SSL_CTX_free(ctx);

	/* SHA-256 over the DER encoding, as X509_digest computes it */
	x = read_cert(cert_path);
	ck_assert_int_eq(X509_digest(x, EVP_sha256(), direct, &n), 1);
	ck_assert_mem_eq(from_file, direct, TLS_FP_LEN);
	X509_free(x);

	ck_assert_int_eq(tls_file_fingerprint(key_path, from_file), -1);
	snprintf(junk, sizeof(junk), "%s/junk.pem", tmpdir);
	f = fopen(junk, "w");
	ck_assert_ptr_nonnull(f);
	fputs("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n", f);
	fclose(f);
	ck_assert_int_eq(tls_file_fingerprint(junk, from_file), -1);
	unlink(junk);
	ck_assert_int_eq(tls_file_fingerprint(junk, from_file), -1);
}
END_TEST

START_TEST(test_fingerprint_text)
{
	uint8_t fp[TLS_FP_LEN], back[TLS_FP_LEN];
	char text[TLS_FP_STR_LEN], plain[2 * TLS_FP_LEN + 16], buf[256];
	size_t k = 0;

	for (int i = 0; i < TLS_FP_LEN; i++)
		fp[i] = (uint8_t)(i * 29 + 0x0a);
	memset(text, '#', sizeof(text));
	tls_fingerprint_str(fp, text);
	ck_assert_uint_eq(strlen(text), TLS_FP_STR_LEN - 1);
	ck_assert_int_eq(strncmp(text, "0A:27:44:", 9), 0);
	for (int i = 0; i < TLS_FP_LEN; i++) {
		ck_assert(text[3 * i] != ':' && text[3 * i + 1] != ':');
		if (i + 1 < TLS_FP_LEN)
			ck_assert_int_eq(text[3 * i + 2], ':');
	}
	for (const char *s = text; *s; s++)
		ck_assert(*s == ':' || (*s >= '0' && *s <= '9') || (*s >= 'A' && *s <= 'F'));

	memset(back, 0, sizeof(back));
	ck_assert_int_eq(tls_fingerprint_parse(text, back), 0);
	ck_assert_mem_eq(back, fp, TLS_FP_LEN);
	/* without colons, lower case */
	for (const char *s = text; *s; s++)
		if (*s != ':')
			plain[k++] = (char)(*s >= 'A' ? *s + 32 : *s);
	plain[k] = '\0';
	ck_assert_uint_eq(k, 64);
	memset(back, 0, sizeof(back));
	ck_assert_int_eq(tls_fingerprint_parse(plain, back), 0);
	ck_assert_mem_eq(back, fp, TLS_FP_LEN);
	/* with the prefix, in either case */
	snprintf(buf, sizeof(buf), "sha256:%s", text);
	ck_assert_int_eq(tls_fingerprint_parse(buf, back), 0);
	ck_assert_mem_eq(back, fp, TLS_FP_LEN);
	snprintf(buf, sizeof(buf), "SHA256:%s", plain);
	memset(back, 0, sizeof(back));
	ck_assert_int_eq(tls_fingerprint_parse(buf, back), 0);
	ck_assert_mem_eq(back, fp, TLS_FP_LEN);

	/* 63 and 65 digits, odd and non-hex characters */
	plain[63] = '\0';
	ck_assert_int_eq(tls_fingerprint_parse(plain, back), -1);
	plain[63] = '0';
	snprintf(buf, sizeof(buf), "%s0", plain);
	ck_assert_int_eq(tls_fingerprint_parse(buf, back), -1);
	snprintf(buf, sizeof(buf), "%s00", plain);
	ck_assert_int_eq(tls_fingerprint_parse(buf, back), -1);
	snprintf(buf, sizeof(buf), "%s", plain);
	buf[10] = 'g';
	ck_assert_int_eq(tls_fingerprint_parse(buf, back), -1);
	buf[10] = ' ';
	ck_assert_int_eq(tls_fingerprint_parse(buf, back), -1);
	snprintf(buf, sizeof(buf), "%s ", plain);
	ck_assert_int_eq(tls_fingerprint_parse(buf, back), -1);
	snprintf(buf, sizeof(buf), "sha1:%s", plain);
	ck_assert_int_eq(tls_fingerprint_parse(buf, back), -1);
	/* a colon may not split a byte */
	snprintf(buf, sizeof(buf), "0:%s", plain + 1);
	ck_assert_int_eq(tls_fingerprint_parse(buf, back), -1);
	ck_assert_int_eq(tls_fingerprint_parse("", back), -1);
	ck_assert_int_eq(tls_fingerprint_parse("sha256:", back), -1);
}
END_TEST

START_TEST(test_no_overwrite)
{
	uint8_t before[TLS_FP_LEN], after[TLS_FP_LEN];
	char err[512] = "";
	struct stat st;

	make_pair();
	ck_assert_int_eq(tls_file_fingerprint(cert_path, before), 0);
	ck_assert_int_eq(tls_make_selfsigned(cert_path, key_path, "other", err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, key_path));
	ck_assert_int_eq(tls_file_fingerprint(cert_path, after), 0);
	ck_assert_mem_eq(before, after, TLS_FP_LEN);

	/* only the certificate is there: refused, and no stray key is left behind */
	ck_assert_int_eq(unlink(key_path), 0);
	err[0] = '\0';
	ck_assert_int_eq(tls_make_selfsigned(cert_path, key_path, "other", err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, cert_path));
	ck_assert_int_eq(stat(key_path, &st), -1);
	ck_assert_int_eq(tls_file_fingerprint(cert_path, after), 0);
	ck_assert_mem_eq(before, after, TLS_FP_LEN);
}
END_TEST

START_TEST(test_ctx_errors)
{
	char err[512], missing[160], cert2[160], key2[160];

	snprintf(missing, sizeof(missing), "%s/none.pem", tmpdir);
	ck_assert_ptr_null(tls_server_ctx(missing, key_path, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "cannot load certificate"));
	ck_assert_ptr_nonnull(strstr(err, missing));

	make_pair();
	ck_assert_ptr_null(tls_server_ctx(cert_path, missing, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "cannot load private key"));
	ck_assert_ptr_nonnull(strstr(err, missing));

	/* a FIFO in place of the certificate: refused at once, not waited on */
	ck_assert_int_eq(mkfifo(missing, 0600), 0);
	ck_assert_ptr_null(tls_server_ctx(missing, key_path, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
	unlink(missing);

	/* a key that belongs to another certificate */
	snprintf(cert2, sizeof(cert2), "%s/cert2.pem", tmpdir);
	snprintf(key2, sizeof(key2), "%s/key2.pem", tmpdir);
	ck_assert_int_eq(tls_make_selfsigned(cert2, key2, "other.test", err, sizeof(err)), 0);
	ck_assert_ptr_null(tls_server_ctx(cert_path, key2, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, key2));
	ck_assert_ptr_nonnull(strstr(err, "does not match"));
	/* the key file is no certificate */
	ck_assert_ptr_null(tls_server_ctx(key_path, key_path, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, key_path));

	ck_assert_ptr_null(tls_client_ctx(missing, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "cannot load CA file"));
	ck_assert_ptr_nonnull(strstr(err, missing));
}
END_TEST

/* ---- a handshake between two threads ---- */

struct server_side {
	SSL_CTX *ctx;
	int fd;
	int ok;
	char err[256];
	int version;
	uint8_t exporter[32];
	struct proto_hello hello;
	int frame_refused;
};

static void *server_thread(void *arg)
{
	struct server_side *s = arg;
	uint8_t buf[PROTO_HDR_LEN + PROTO_CTRL_MAX], out[PROTO_HDR_LEN + PROTO_CTRL_MAX];
	struct proto_challenge c = {.method = PROTO_AUTH_PASSWORD, .iterations = 4096};
	SSL *ssl = SSL_new(s->ctx);
	struct proto_msg m;
	const char *why = NULL;
	size_t n;

	if (!ssl || SSL_set_fd(ssl, s->fd) != 1 || SSL_accept(ssl) != 1) {
		tls_error(ssl, s->err, sizeof(s->err));
		goto out;
	}
	s->version = SSL_version(ssl);
	if (tls_exporter(ssl, s->exporter) != 0) {
		snprintf(s->err, sizeof(s->err), "server exporter failed");
		goto out;
	}
	if (tls_read_msg(ssl, buf, sizeof(buf), &m, &why) != 0 ||
	    proto_dec_hello(&m, &s->hello, &why) != 0) {
		snprintf(s->err, sizeof(s->err), "server read: %s", why ? why : "I/O error");
		goto out;
	}
	c.salt_len = 16;
	memset(c.salt, 0x5a, 16);
	memset(c.nonce, 0xa5, PROTO_NONCE_LEN);
	n = proto_enc_challenge(out, sizeof(out), &c);
	if (n == 0 || tls_write_all(ssl, out, n) != 0) {
		snprintf(s->err, sizeof(s->err), "server write failed");
		goto out;
	}
	/* a data frame before the handshake has finished is refused */
	why = NULL;
	s->frame_refused = tls_read_msg(ssl, buf, sizeof(buf), &m, &why) == -1 && why &&
			   strstr(why, "data frame") != NULL;
	s->ok = 1;
out:
	if (ssl) {
		SSL_shutdown(ssl);
		SSL_free(ssl);
	}
	return NULL;
}

static void set_timeouts(int fd)
{
	struct timeval tv = {.tv_sec = 10};

	ck_assert_int_eq(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)), 0);
	ck_assert_int_eq(setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)), 0);
}

/* Runs the handshake with a client context; verify_host checks the name too. */
static void handshake(SSL_CTX *cctx, const char *verify_host)
{
	uint8_t buf[PROTO_HDR_LEN + PROTO_CTRL_MAX], exporter[32], zero[32] = {0};
	uint8_t frame[PROTO_HDR_LEN + 60] = {0};
	struct server_side *s = calloc(1, sizeof(*s));
	struct proto_hello h = {.version = PROTO_VERSION,
				.caps = PROTO_CAP_VNET,
				.method = PROTO_AUTH_PASSWORD,
				.hub = "DEFAULT",
				.user = "alice"};
	struct proto_challenge c;
	struct proto_msg m;
	const char *why = NULL;
	char err[512] = "";
	pthread_t th;
	int sv[2];
	SSL *ssl;
	size_t n;

	ck_assert_ptr_nonnull(s);
	s->ctx = tls_server_ctx(cert_path, key_path, err, sizeof(err));
	ck_assert_msg(s->ctx != NULL, "%s", err);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	set_timeouts(sv[0]);
	set_timeouts(sv[1]);
	s->fd = sv[1];
	ck_assert_int_eq(pthread_create(&th, NULL, server_thread, s), 0);

	ssl = SSL_new(cctx);
	ck_assert_ptr_nonnull(ssl);
	ck_assert_int_eq(SSL_set_fd(ssl, sv[0]), 1);
	if (verify_host)
		ck_assert_int_eq(SSL_set1_host(ssl, verify_host), 1);
	ck_assert_msg(SSL_connect(ssl) == 1, "connect: %s", tls_error(ssl, err, sizeof(err)));
	ck_assert_int_eq(SSL_version(ssl), TLS1_3_VERSION);
	/* without a CA the chain is not trusted, and the connection goes ahead anyway */
	ck_assert_int_eq(SSL_get_verify_result(ssl),
			 verify_host ? X509_V_OK : X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT);
	ck_assert_int_eq(tls_exporter(ssl, exporter), 0);

	n = proto_enc_hello(buf, sizeof(buf), &h);
	ck_assert_int_eq(tls_write_all(ssl, buf, n), 0);
	memset(buf, 0, sizeof(buf));
	ck_assert_int_eq(tls_read_msg(ssl, buf, sizeof(buf), &m, &why), 0);
	ck_assert_ptr_null(why);
	ck_assert_uint_eq(m.type, PROTO_CHALLENGE);
	ck_assert_int_eq(proto_dec_challenge(&m, &c, &why), 0);
	ck_assert_uint_eq(c.iterations, 4096);
	ck_assert_uint_eq(c.salt_len, 16);
	ck_assert_uint_eq(c.nonce[31], 0xa5);
	proto_put_hdr(frame, PROTO_FRAME, 0, 60);
	ck_assert_int_eq(tls_write_all(ssl, frame, sizeof(frame)), 0);

	ck_assert_int_eq(pthread_join(th, NULL), 0);
	ck_assert_msg(s->ok, "server: %s", s->err);
	ck_assert_int_eq(s->version, TLS1_3_VERSION);
	/* both ends derive the same channel binding, and it is not trivial */
	ck_assert_mem_eq(exporter, s->exporter, 32);
	ck_assert(memcmp(exporter, zero, 32) != 0);
	ck_assert_uint_eq(s->hello.version, PROTO_VERSION);
	ck_assert_uint_eq(s->hello.caps, PROTO_CAP_VNET);
	ck_assert_str_eq(s->hello.hub, "DEFAULT");
	ck_assert_str_eq(s->hello.user, "alice");
	ck_assert(s->frame_refused);

	SSL_free(ssl);
	close(sv[0]);
	close(sv[1]);
	SSL_CTX_free(s->ctx);
	free(s);
}

START_TEST(test_handshake_no_verify)
{
	char err[512] = "";
	SSL_CTX *cctx;

	make_pair();
	cctx = tls_client_ctx(NULL, err, sizeof(err));
	ck_assert_msg(cctx != NULL, "%s", err);
	handshake(cctx, NULL);
	SSL_CTX_free(cctx);
}
END_TEST

START_TEST(test_handshake_ca_verified)
{
	char err[512] = "";
	SSL_CTX *cctx;

	make_pair();
	/* the self-signed certificate is its own CA, and names hub.test */
	cctx = tls_client_ctx(cert_path, err, sizeof(err));
	ck_assert_msg(cctx != NULL, "%s", err);
	handshake(cctx, "hub.test");
	SSL_CTX_free(cctx);
}
END_TEST

/* Handshakes two fresh SSLs over a non-blocking socketpair, stepping each in turn. */
static void pair_exporters(SSL_CTX *sctx, SSL_CTX *cctx, uint8_t ce[32], uint8_t se[32])
{
	int sv[2], rc_c = 0, rc_s = 0;
	SSL *c, *s;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, sv), 0);
	c = SSL_new(cctx);
	s = SSL_new(sctx);
	ck_assert(c && s);
	ck_assert_int_eq(SSL_set_fd(c, sv[0]), 1);
	ck_assert_int_eq(SSL_set_fd(s, sv[1]), 1);
	SSL_set_connect_state(c);
	SSL_set_accept_state(s);
	for (int step = 0; step < 100 && (rc_c != 1 || rc_s != 1); step++) {
		if (rc_c != 1)
			rc_c = SSL_do_handshake(c);
		if (rc_s != 1)
			rc_s = SSL_do_handshake(s);
	}
	ck_assert_int_eq(rc_c, 1);
	ck_assert_int_eq(rc_s, 1);
	ck_assert_int_eq(tls_exporter(c, ce), 0);
	ck_assert_int_eq(tls_exporter(s, se), 0);
	SSL_free(c);
	SSL_free(s);
	close(sv[0]);
	close(sv[1]);
}

START_TEST(test_exporters_differ_per_session)
{
	/* two sessions never share a binding, so a proof cannot be relayed */
	uint8_t c1[32], s1[32], c2[32], s2[32];
	char err[512] = "";
	SSL_CTX *sctx, *cctx;

	make_pair();
	sctx = tls_server_ctx(cert_path, key_path, err, sizeof(err));
	ck_assert_msg(sctx != NULL, "%s", err);
	cctx = tls_client_ctx(NULL, err, sizeof(err));
	ck_assert_msg(cctx != NULL, "%s", err);
	pair_exporters(sctx, cctx, c1, s1);
	pair_exporters(sctx, cctx, c2, s2);
	ck_assert_mem_eq(c1, s1, 32);
	ck_assert_mem_eq(c2, s2, 32);
	ck_assert(memcmp(c1, c2, 32) != 0);
	SSL_CTX_free(sctx);
	SSL_CTX_free(cctx);
}
END_TEST

START_TEST(test_read_msg_small_buffer)
{
	uint8_t buf[PROTO_HDR_LEN + PROTO_CTRL_MAX - 1];
	struct proto_msg m;
	const char *why = "unset";
	char err[512] = "";
	SSL_CTX *cctx = tls_client_ctx(NULL, err, sizeof(err));
	SSL *ssl;

	ck_assert_ptr_nonnull(cctx);
	ssl = SSL_new(cctx);
	ck_assert_ptr_nonnull(ssl);
	/* refused before any I/O: no fd is attached at all */
	ck_assert_int_eq(tls_read_msg(ssl, buf, sizeof(buf), &m, &why), -1);
	ck_assert_ptr_null(why);
	SSL_free(ssl);
	SSL_CTX_free(cctx);
}
END_TEST

/* A connected TCP socket over loopback (its listener and peer closed); the fd. */
static int loopback_tcp(void)
{
	struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	socklen_t alen = sizeof(a);
	int l = socket(AF_INET, SOCK_STREAM, 0), c = socket(AF_INET, SOCK_STREAM, 0), s;

	ck_assert(l >= 0 && c >= 0);
	ck_assert_int_eq(bind(l, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(l, 1), 0);
	ck_assert_int_eq(getsockname(l, (struct sockaddr *)&a, &alen), 0);
	ck_assert_int_eq(connect(c, (struct sockaddr *)&a, sizeof(a)), 0);
	s = accept(l, NULL, NULL);
	ck_assert(s >= 0);
	close(s);
	close(l);
	return c;
}

/* The congestion control stream_init leaves on a data socket: cc, or the kernel's default. */
static void stream_cc_is(const char *cc, const char *want)
{
	char err[512] = "", got[STREAM_CC_MAX] = "";
	socklen_t len = sizeof(got);
	SSL_CTX *cctx = tls_client_ctx(NULL, err, sizeof(err));
	struct stream st;
	int fd = loopback_tcp();
	SSL *ssl;

	ck_assert_msg(cctx != NULL, "%s", err);
	ssl = SSL_new(cctx);
	ck_assert(ssl && SSL_set_fd(ssl, fd) == 1);
	ck_assert_int_eq(stream_init(&st, ssl, fd, cc), 0);
	ck_assert_int_eq(getsockopt(fd, IPPROTO_TCP, TCP_CONGESTION, got, &len), 0);
	ck_assert_str_eq(got, want);
	stream_free(&st);
	SSL_free(ssl);
	SSL_CTX_free(cctx);
	close(fd);
}

START_TEST(test_stream_congestion_control)
{
	char sys[STREAM_CC_MAX] = "";
	FILE *f = fopen("/proc/sys/net/ipv4/tcp_congestion_control", "r");

	ck_assert(stream_cc_name_ok("cubic") && stream_cc_name_ok("bbr") &&
		  stream_cc_name_ok("dctcp_2"));
	ck_assert(!stream_cc_name_ok("") && !stream_cc_name_ok("Cubic") &&
		  !stream_cc_name_ok("cu bic") && !stream_cc_name_ok("../bbr") &&
		  !stream_cc_name_ok("a234567890123456"));
	/* reno is always built in and open to every user; no kernel has this one */
	ck_assert_int_eq(stream_cc_probe("reno"), 0);
	ck_assert_int_eq(stream_cc_probe("nosuchcc"), ENOENT);
	stream_cc_is("reno", "reno");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(sys, sizeof(sys), f));
	fclose(f);
	sys[strcspn(sys, "\n")] = '\0';
	stream_cc_is("", sys);
}
END_TEST

Suite *tls_suite(void)
{
	Suite *s = suite_create("tls");
	TCase *files = tcase_create("files");
	TCase *hs = tcase_create("handshake");

	tcase_add_checked_fixture(files, setup, teardown);
	tcase_set_timeout(files, 30);
	tcase_add_test(files, test_selfsigned_loads);
	tcase_add_test(files, test_file_fingerprint);
	tcase_add_test(files, test_fingerprint_text);
	tcase_add_test(files, test_no_overwrite);
	tcase_add_test(files, test_ctx_errors);
	suite_add_tcase(s, files);

	tcase_add_checked_fixture(hs, setup, teardown);
	tcase_set_timeout(hs, 30);
	tcase_add_test(hs, test_handshake_no_verify);
	tcase_add_test(hs, test_handshake_ca_verified);
	tcase_add_test(hs, test_exporters_differ_per_session);
	tcase_add_test(hs, test_read_msg_small_buffer);
	tcase_add_test(hs, test_stream_congestion_control);
	suite_add_tcase(s, hs);
	return s;
}
