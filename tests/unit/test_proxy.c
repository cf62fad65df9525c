// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Proxy traversal tests: the proxy URL (every part, percent-decoding, every
 * refusal named, the password never quoted), the password file checks, the
 * profile keys, the HTTP CONNECT request and reply head, every SOCKS5 message
 * and reply code, and proxy_open over a socket pair against scripted proxy
 * answers (delivered whole or a byte at a time): the hub's first bytes after
 * the answer are never consumed, refusals are final, timeouts are bounded.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "profile.h"
#include "proxy.h"
#include "proxy_http.h"
#include "proxy_socks5.h"
#include "suites.h"

/* --- URL --- */

static void url_ok(const char *url, enum proxy_type type, const char *host, uint16_t port,
		   const char *user, const char *password)
{
	struct proxy_conf pc;
	char err[256] = "";

	ck_assert_msg(proxy_url_parse(url, &pc, err, sizeof(err)) == 0, "%s: %s", url, err);
	ck_assert_int_eq(pc.type, type);
	ck_assert_str_eq(pc.host, host);
	ck_assert_uint_eq(pc.port, port);
	ck_assert_str_eq(pc.user, user);
	ck_assert_str_eq(pc.password, password);
	ck_assert(pc.has_password == (password[0] != '\0'));
}

START_TEST(test_url_valid)
{
	url_ok("http://10.0.0.1:3128", PROXY_HTTP, "10.0.0.1", 3128, "", "");
	url_ok("HTTP://proxy.example.net:8080/", PROXY_HTTP, "proxy.example.net", 8080, "", "");
	url_ok("socks5://[2001:db8::1]:1080", PROXY_SOCKS5, "2001:db8::1", 1080, "", "");
	url_ok("Socks5://u:p@h:1", PROXY_SOCKS5, "h", 1, "u", "p");
	url_ok("http://alice@proxy:65535", PROXY_HTTP, "proxy", 65535, "alice", "");
	url_ok("http://al%69ce:p%40ss%3Aw%25rd@[::1]:3128/", PROXY_HTTP, "::1", 3128, "alice",
	       "p@ss:w%rd");
	url_ok("socks5://us%3Aer:pw@my_proxy-1.lan:1080", PROXY_SOCKS5, "my_proxy-1.lan", 1080,
	       "us:er", "pw");
	url_ok("http://u:a%20b!$&'()*+,;=~-._@h:1", PROXY_HTTP, "h", 1, "u", "a b!$&'()*+,;=~-._");
	url_ok("http://u:%c3%a9t%C3%A9@h:1", PROXY_HTTP, "h", 1, "u", "\xc3\xa9t\xc3\xa9");
}
END_TEST

static void url_bad(const char *url, const char *what)
{
	struct proxy_conf pc;
	char err[256] = "";

	ck_assert_msg(proxy_url_parse(url, &pc, err, sizeof(err)) == -1, "accepted %s", url);
	ck_assert_msg(strstr(err, what) != NULL, "%s: \"%s\" lacks \"%s\"", url, err, what);
	ck_assert_msg(strstr(err, "SECRET") == NULL, "%s: the error quotes the password", url);
	ck_assert_str_eq(pc.password, "");
}

START_TEST(test_url_invalid)
{
	char big[PROXY_URL_MAX + 16], user[300];

	url_bad("", "expected http://");
	url_bad("proxy:3128", "expected http://");
	url_bad("https://proxy:3128", "expected http://");
	url_bad("socks4://proxy:1080", "expected http://");
	url_bad("socks5h://proxy:1080", "expected http://");
	url_bad("http:/proxy:3128", "expected http://");
	url_bad("http://proxy", "expected host:port");
	url_bad("http://proxy/", "expected host:port");
	url_bad("http://:3128", "no host before the port");
	url_bad("http://proxy:", "port must be 1 to 65535");
	url_bad("http://proxy:0", "port must be 1 to 65535");
	url_bad("http://proxy:65536", "port must be 1 to 65535");
	url_bad("http://proxy:99999999999999999999", "port must be 1 to 65535");
	url_bad("http://proxy:+80", "port must be 1 to 65535");
	url_bad("http://proxy:80x", "port must be 1 to 65535");
	url_bad("http://proxy:80/path", "nothing may follow");
	url_bad("http://proxy:80?q", "nothing may follow");
	url_bad("http://proxy:80#f", "nothing may follow");
	url_bad("http://proxy:80//", "nothing may follow");
	url_bad("http://[::1:3128", "IPv6 address in brackets");
	url_bad("http://[::1]3128", "expected host:port");
	url_bad("http://[proxy]:3128", "not a host name or address");
	url_bad("http://[fe80::1%25eth0]:3128", "not a host name or address");
	url_bad("http://::1:3128", "IPv6 address goes in brackets");
	url_bad("http://pro xy:3128", "not a host name or address");
	url_bad("http://pro%78y:3128", "not a host name or address");
	url_bad("http://u:SECRET@@proxy:1", "%40");
	url_bad("http://u@SECRET@proxy:1", "%40");
	url_bad("http://u:SE CRET@proxy:1", "must be %-encoded");
	url_bad("http://u:SE\"CRET@proxy:1", "must be %-encoded");
	url_bad("http://u:SECRET/x@proxy:1", "written %2F, %3F and %23");
	url_bad("http://u:SEC#RET@proxy:1", "written %2F, %3F and %23");
	url_bad("http://u:SECRET%0a@proxy:1", "control character in the password");
	url_bad("http://u:SECRET%7F@proxy:1", "control character in the password");
	url_bad("http://u%00:SECRET@proxy:1", "control character in the user name");
	url_bad("http://u:SECRET%4@proxy:1", "bad %-escape in the password");
	url_bad("http://u:SECRET%@proxy:1", "bad %-escape in the password");
	url_bad("http://u:SECRET%zz@proxy:1", "bad %-escape in the password");
	url_bad("http://:SECRET@proxy:1", "empty user name");
	url_bad("http://u:@proxy:1", "empty password");
	url_bad("http://u%3Ab:SECRET@proxy:1", "cannot hold ':'");
	memset(user, 'u', 256);
	snprintf(user + 256, sizeof(user) - 256, ":SECRET@p:1");
	snprintf(big, sizeof(big), "http://%s", user);
	url_bad(big, "user name is longer than 255 bytes");
	user[256] = '\0';
	snprintf(big, sizeof(big), "http://u:%sSECRET@p:1", user);
	url_bad(big, "password is longer than 255 bytes");
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	memcpy(big, "http://", 7);
	url_bad(big, "longer than 1024 bytes");
}
END_TEST

START_TEST(test_url_limits)
{
	char url[PROXY_URL_MAX + 1], host[PROXY_HOST_MAX + 1], cred[PROXY_CRED_MAX + 1];
	struct proxy_conf pc;
	char err[256];

	memset(host, 'h', PROXY_HOST_MAX);
	host[PROXY_HOST_MAX] = '\0';
	memset(cred, 'c', PROXY_CRED_MAX);
	cred[PROXY_CRED_MAX] = '\0';
	snprintf(url, sizeof(url), "socks5://%s:%s@%s:1080", cred, cred, host);
	ck_assert_msg(proxy_url_parse(url, &pc, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(strlen(pc.host), PROXY_HOST_MAX);
	ck_assert_uint_eq(strlen(pc.user), PROXY_CRED_MAX);
	ck_assert_uint_eq(strlen(pc.password), PROXY_CRED_MAX);
	snprintf(url, sizeof(url), "socks5://%sh:1080", host);
	ck_assert_int_eq(proxy_url_parse(url, &pc, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "overlong host"));
}
END_TEST

START_TEST(test_host_ok_and_name)
{
	struct proxy_conf pc = {.type = PROXY_SOCKS5, .host = "2001:db8::1", .port = 1080};
	char name[PROXY_NAME_MAX], longname[300];

	ck_assert(proxy_host_ok("10.1.2.3"));
	ck_assert(proxy_host_ok("::1"));
	ck_assert(proxy_host_ok("hub.example.net"));
	ck_assert(proxy_host_ok("a_b-c"));
	ck_assert(!proxy_host_ok(""));
	ck_assert(!proxy_host_ok("hub example"));
	ck_assert(!proxy_host_ok("hub\r\nX-Injected: 1"));
	ck_assert(!proxy_host_ok("hub:5555"));
	memset(longname, 'a', 256);
	longname[256] = '\0';
	ck_assert(!proxy_host_ok(longname));
	longname[255] = '\0';
	ck_assert(proxy_host_ok(longname));
	proxy_name(&pc, name, sizeof(name));
	ck_assert_str_eq(name, "SOCKS5 proxy [2001:db8::1]:1080");
	pc.type = PROXY_HTTP;
	snprintf(pc.host, sizeof(pc.host), "proxy.lan");
	proxy_name(&pc, name, sizeof(name));
	ck_assert_str_eq(name, "HTTP proxy proxy.lan:1080");
}
END_TEST

/* --- password file and profile keys --- */

static char tmpdir[64];

static void make_tmpdir(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_proxy.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

/* Writes a file under tmpdir with the given mode; its path in out. */
static void write_file(const char *name, const void *data, size_t len, mode_t mode, char *out,
		       size_t cap)
{
	int fd;

	snprintf(out, cap, "%s/%s", tmpdir, name);
	fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, mode);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, data, len), (ssize_t)len);
	ck_assert_int_eq(fchmod(fd, mode), 0);
	close(fd);
}

static int read_pw(const char *path, struct proxy_conf *pc, bool *exposed, char *err)
{
	memset(pc, 0, sizeof(*pc));
	err[0] = '\0';
	return proxy_read_password_file(path, pc, exposed, err, 256);
}

START_TEST(test_password_file)
{
	char path[128], big[PROXY_PASSWORD_FILE_MAX + 1], err[256];
	struct proxy_conf pc;
	bool exposed = true;

	make_tmpdir();
	write_file("ok", "p@ss word\r\nsecond line\n", 23, 0600, path, sizeof(path));
	ck_assert_msg(read_pw(path, &pc, &exposed, err) == 0, "%s", err);
	ck_assert_str_eq(pc.password, "p@ss word");
	ck_assert(!exposed);
	write_file("nolf", "pw", 2, 0644, path, sizeof(path));
	ck_assert_int_eq(read_pw(path, &pc, &exposed, err), 0);
	ck_assert_str_eq(pc.password, "pw");
	ck_assert(exposed);
	write_file("empty", "\n", 1, 0600, path, sizeof(path));
	ck_assert_int_eq(read_pw(path, &pc, &exposed, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "is empty"));
	write_file("ctl", "a\tb\n", 4, 0600, path, sizeof(path));
	ck_assert_int_eq(read_pw(path, &pc, &exposed, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "control character"));
	write_file("nul", "ab\0cd\n", 6, 0600, path, sizeof(path));
	ck_assert_int_eq(read_pw(path, &pc, &exposed, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "control character"));
	memset(big, 'x', sizeof(big));
	write_file("long", big, 256, 0600, path, sizeof(path));
	ck_assert_int_eq(read_pw(path, &pc, &exposed, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "longer than 255 bytes"));
	write_file("max", big, 255, 0600, path, sizeof(path));
	ck_assert_int_eq(read_pw(path, &pc, &exposed, err), 0);
	ck_assert_uint_eq(strlen(pc.password), 255);
	big[10] = '\n';
	write_file("huge", big, sizeof(big), 0600, path, sizeof(path));
	ck_assert_int_eq(read_pw(path, &pc, &exposed, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "larger than 4096 bytes"));
	ck_assert_int_eq(read_pw(tmpdir, &pc, &exposed, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
	snprintf(path, sizeof(path), "%s/fifo", tmpdir);
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	ck_assert_int_eq(read_pw(path, &pc, &exposed, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "not a regular file"));
	snprintf(path, sizeof(path), "%s/absent", tmpdir);
	ck_assert_int_eq(read_pw(path, &pc, &exposed, err), -1);
	ck_assert_ptr_nonnull(strstr(err, "cannot open"));
}
END_TEST

static int parse_profile(const char *extra, struct profile *p, char *err, size_t errlen)
{
	char text[2048];

	snprintf(text, sizeof(text),
		 "server = hub.example.net\nhub = DEFAULT\nuser = alice\npassword = x\n"
		 "verify = none\n%s",
		 extra);
	err[0] = '\0';
	return profile_parse(text, strlen(text), "/etc/vpn/test.conf", p, err, errlen);
}

static void profile_bad(const char *extra, const char *what)
{
	struct profile *p = calloc(1, sizeof(*p));
	char err[512];

	ck_assert_ptr_nonnull(p);
	ck_assert_msg(parse_profile(extra, p, err, sizeof(err)) == -1, "accepted %s", extra);
	ck_assert_msg(strstr(err, what) != NULL, "%s: \"%s\" lacks \"%s\"", extra, err, what);
	ck_assert_str_eq(p->proxy.password, "");
	free(p);
}

START_TEST(test_profile_keys)
{
	struct profile *p = calloc(1, sizeof(*p));
	char err[512], path[128], extra[512];

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(parse_profile("", p, err, sizeof(err)), 0);
	ck_assert_int_eq(p->proxy.type, PROXY_NONE);
	ck_assert_msg(
	    parse_profile("proxy = socks5://bob:pw@10.0.0.9:1080\n", p, err, sizeof(err)) == 0,
	    "%s", err);
	ck_assert_int_eq(p->proxy.type, PROXY_SOCKS5);
	ck_assert_str_eq(p->proxy.password, "pw");
	ck_assert_str_eq(p->host, "hub.example.net");

	make_tmpdir();
	write_file("pw", "from-file\n", 10, 0640, path, sizeof(path));
	snprintf(extra, sizeof(extra), "proxy_password_file = %s\nproxy = http://bob@p:3128\n",
		 path);
	ck_assert_msg(parse_profile(extra, p, err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(p->proxy.password, "from-file");
	ck_assert_str_eq(p->proxy_password_file, path);
	ck_assert(p->proxy_password_exposed);
	free(p);

	profile_bad("proxy = http://p:1\nproxy = http://p:2\n", "test.conf:7: proxy: given twice");
	profile_bad("proxy = ftp://p:1\n", "test.conf:6: proxy: expected http://");
	profile_bad("proxy_password_file = a\nproxy_password_file = b\n",
		    "proxy_password_file: given twice");
	profile_bad("proxy_password_file = pw\n", "proxy_password_file given without \"proxy\"");
	profile_bad("proxy = http://p:1\nproxy_password_file = pw\n",
		    "proxy_password_file given without a user");
	profile_bad("proxy = http://u:x@p:1\nproxy_password_file = pw\n",
		    "proxy_password_file given and a password in the proxy URL");
	profile_bad("proxy = http://u@p:1\n", "names user \"u\" but no password");
	profile_bad("proxy = http://u@p:1\nproxy_password_file = absent.pw\n",
		    "cannot open /etc/vpn/absent.pw");
}
END_TEST

/* --- HTTP CONNECT --- */

START_TEST(test_http_request)
{
	char out[PROXY_HTTP_REQ_MAX], user[PROXY_CRED_MAX + 1], pw[PROXY_CRED_MAX + 1];
	size_t n;

	n = proxy_http_request(out, sizeof(out), "hub.example.net", 443, "", "");
	ck_assert_str_eq(out, "CONNECT hub.example.net:443 HTTP/1.1\r\nHost: hub.example.net:443"
			      "\r\n\r\n");
	ck_assert_uint_eq(n, strlen(out));
	/* RFC 7617's example */
	n = proxy_http_request(out, sizeof(out), "2001:db8::1", 5555, "Aladdin", "open sesame");
	ck_assert_str_eq(out, "CONNECT [2001:db8::1]:5555 HTTP/1.1\r\nHost: [2001:db8::1]:5555\r\n"
			      "Proxy-Authorization: Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==\r\n\r\n");
	ck_assert_uint_eq(n, strlen(out));
	ck_assert_uint_eq(proxy_http_request(out, sizeof(out), "hub\r\nX: y", 1, "", ""), 0);
	ck_assert_uint_eq(proxy_http_request(out, sizeof(out), "h", 1, "a:b", "c"), 0);
	ck_assert_uint_eq(proxy_http_request(out, 20, "hub.example.net", 1, "", ""), 0);
	ck_assert_uint_eq(proxy_http_request(out, 80, "hub.example.net", 1, "Aladdin", "x"), 0);
	n = proxy_http_request(out, sizeof(out), "h", 1, "Aladdin", "open sesame");
	ck_assert_uint_eq(proxy_http_request(out, n + 1, "h", 1, "Aladdin", "open sesame"), n);
	ck_assert_uint_eq(proxy_http_request(out, n, "h", 1, "Aladdin", "open sesame"), 0);
	ck_assert_uint_eq(proxy_http_request(out, n - 2, "h", 1, "Aladdin", "open sesame"), 0);
	memset(user, 'u', PROXY_CRED_MAX);
	user[PROXY_CRED_MAX] = '\0';
	memset(pw, 'p', PROXY_CRED_MAX);
	pw[PROXY_CRED_MAX] = '\0';
	n = proxy_http_request(out, sizeof(out), "h", 1, user, pw);
	ck_assert_uint_gt(n, 4 * 511 / 3);
	ck_assert_str_eq(out + n - 4, "\r\n\r\n");
}
END_TEST

START_TEST(test_http_head_len)
{
	ck_assert_uint_eq(proxy_http_head_len("HTTP/1.1 200 OK\r\n\r\nTLS", 22), 19);
	ck_assert_uint_eq(proxy_http_head_len("HTTP/1.1 200 OK\n\nTLS", 20), 17);
	ck_assert_uint_eq(proxy_http_head_len("HTTP/1.1 200 OK\r\nA: b\r\n\r\n", 25), 25);
	ck_assert_uint_eq(proxy_http_head_len("HTTP/1.1 200 OK\r\nA: b\r\n\r", 24), 0);
	ck_assert_uint_eq(proxy_http_head_len("HTTP/1.1 200 OK\r\nA: b\r\n", 23), 0);
	ck_assert_uint_eq(proxy_http_head_len("", 0), 0);
	ck_assert_uint_eq(proxy_http_head_len("\n\n", 2), 2);
}
END_TEST

static int reply(const char *head, struct proxy_http_reply *r, const char **perr)
{
	*perr = NULL;
	return proxy_http_reply_parse(head, strlen(head), r, perr);
}

START_TEST(test_http_reply_valid)
{
	struct proxy_http_reply r;
	const char *perr;

	ck_assert_int_eq(reply("HTTP/1.1 200 Connection established\r\n\r\n", &r, &perr), 0);
	ck_assert_uint_eq(r.status, 200);
	ck_assert_str_eq(r.reason, "Connection established");
	ck_assert_int_eq(reply("HTTP/1.0 200\n\n", &r, &perr), 0);
	ck_assert_str_eq(r.reason, "");
	ck_assert_int_eq(reply("HTTP/1.1 407 Proxy Authentication Required\r\n"
			       "Server: squid/5.7\r\n"
			       "proxy-authenticate: Digest realm=\"x\", nonce=\"y\"\r\n"
			       "Proxy-Authenticate:Basic realm=\"Squid\"\r\n"
			       "X-Empty:\r\n"
			       "\r\n",
			       &r, &perr),
			 0);
	ck_assert_uint_eq(r.status, 407);
	ck_assert(r.basic_offered);
	ck_assert_str_eq(r.schemes, "Digest, Basic");
	ck_assert_int_eq(reply("HTTP/1.1 407 x\r\nProxy-Authenticate: NTLM\r\n"
			       "Proxy-Authenticate: Negotiate\r\n\r\n",
			       &r, &perr),
			 0);
	ck_assert(!r.basic_offered);
	ck_assert_str_eq(r.schemes, "NTLM, Negotiate");
	ck_assert_int_eq(reply("HTTP/1.1 403 \xe9t\xe9 ok\r\n\r\n", &r, &perr), 0);
	ck_assert_str_eq(r.reason, "?t? ok");
	ck_assert_int_eq(
	    reply("HTTP/1.1 500 "
		  "0123456789012345678901234567890123456789012345678901234567890123456789"
		  "\r\n\r\n",
		  &r, &perr),
	    0);
	ck_assert_uint_eq(strlen(r.reason), PROXY_HTTP_REASON_MAX - 1);
}
END_TEST

START_TEST(test_http_reply_invalid)
{
	static const char *const bad[][2] = {
	    {"HTTP/1.1 200 OK\r\n", "no blank line"},
	    {"HTTP/1.1 200 OK", "no status line"},
	    {"", "no status line"},
	    {"\r\n\r\n", "not an HTTP status line"},
	    {"SSH-2.0-OpenSSH\r\n\r\n", "not an HTTP status line"},
	    {"HTTP/1.1 20 OK\r\n\r\n", "not an HTTP status line"},
	    {"HTTP/1.1  200 OK\r\n\r\n", "not an HTTP status line"},
	    {"HTTP/11 200 OK\r\n\r\n", "not an HTTP status line"},
	    {"HTTP/1.1 200OK\r\n\r\n", "not an HTTP status line"},
	    {"http/1.1 200 OK\r\n\r\n", "not an HTTP status line"},
	    {"HTTP/1.1 099 Low\r\n\r\n", "below 100"},
	    {"HTTP/1.1 200 O\x01K\r\n\r\n", "control character in the reason"},
	    {"HTTP/1.1 200 OK\r\nNoColon\r\n\r\n", "without a name and a colon"},
	    {"HTTP/1.1 200 OK\r\n: v\r\n\r\n", "without a name and a colon"},
	    {"HTTP/1.1 200 OK\r\nBad Name: v\r\n\r\n", "without a name and a colon"},
	    {"HTTP/1.1 200 OK\r\nA: b\r\n c\r\n\r\n", "folded header line"},
	    {"HTTP/1.1 200 OK\r\nA: b\x7f\r\n\r\n", "control character in a header value"},
	    {"HTTP/1.1 200 OK\r\nA: b\rc\r\n\r\n", "control character in a header value"},
	    {"HTTP/1.1 200 OK\r\n\r\nX", "bytes after the blank line"},
	};
	struct proxy_http_reply r;
	const char *perr;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(reply(bad[i][0], &r, &perr) == -1, "accepted %s", bad[i][0]);
		ck_assert_msg(strstr(perr, bad[i][1]) != NULL, "%s: \"%s\"", bad[i][0], perr);
	}
	ck_assert_int_eq(proxy_http_reply_parse("HTTP/1.1 200 OK\0\r\n\r\n", 20, &r, &perr), -1);
}
END_TEST

/* --- SOCKS5 --- */

START_TEST(test_socks5_requests)
{
	uint8_t out[SOCKS5_REQ_MAX > SOCKS5_AUTH_MAX ? SOCKS5_REQ_MAX : SOCKS5_AUTH_MAX];
	char name[256];
	size_t n;

	ck_assert_uint_eq(proxy_socks5_greeting(out, false), 3);
	ck_assert_mem_eq(out, "\x05\x01\x00", 3);
	ck_assert_uint_eq(proxy_socks5_greeting(out, true), 4);
	ck_assert_mem_eq(out, "\x05\x02\x00\x02", 4);
	ck_assert_uint_eq(proxy_socks5_auth_request(out, "bob", "pw"), 8);
	ck_assert_mem_eq(out,
			 "\x01\x03"
			 "bob"
			 "\x02"
			 "pw",
			 8);
	ck_assert_uint_eq(proxy_socks5_auth_request(out, "", "pw"), 0);
	ck_assert_uint_eq(proxy_socks5_auth_request(out, "bob", ""), 0);
	memset(name, 'n', 255);
	name[255] = '\0';
	ck_assert_uint_eq(proxy_socks5_auth_request(out, name, name), 513);
	ck_assert_uint_eq(out[1], 255);
	ck_assert_uint_eq(out[257], 255);

	ck_assert_uint_eq(proxy_socks5_connect_request(out, "10.199.9.1", 5555), 10);
	ck_assert_mem_eq(out, "\x05\x01\x00\x01\x0a\xc7\x09\x01\x15\xb3", 10);
	ck_assert_uint_eq(proxy_socks5_connect_request(out, "2001:db8::1", 443), 22);
	ck_assert_mem_eq(out, "\x05\x01\x00\x04\x20\x01\x0d\xb8", 8);
	ck_assert_mem_eq(out + 20, "\x01\xbb", 2);
	n = proxy_socks5_connect_request(out, "hub.test", 5555);
	ck_assert_uint_eq(n, 4 + 1 + 8 + 2);
	ck_assert_mem_eq(out,
			 "\x05\x01\x00\x03\x08"
			 "hub.test"
			 "\x15\xb3",
			 n);
	ck_assert_uint_eq(proxy_socks5_connect_request(out, name, 1), 4 + 1 + 255 + 2);
	ck_assert_uint_eq(proxy_socks5_connect_request(out, "bad name", 1), 0);
}
END_TEST

START_TEST(test_socks5_answers)
{
	const char *perr = NULL;

	ck_assert_int_eq(proxy_socks5_method_parse((const uint8_t *)"\x05\x00", &perr), 0);
	ck_assert_int_eq(proxy_socks5_method_parse((const uint8_t *)"\x05\x02", &perr), 2);
	ck_assert_int_eq(proxy_socks5_method_parse((const uint8_t *)"\x05\xff", &perr), 0xff);
	ck_assert_int_eq(proxy_socks5_method_parse((const uint8_t *)"\x04\x00", &perr), -1);
	ck_assert_ptr_nonnull(strstr(perr, "not a SOCKS5 answer"));
	ck_assert_int_eq(proxy_socks5_auth_parse((const uint8_t *)"\x01\x00", &perr), 0);
	ck_assert_int_eq(proxy_socks5_auth_parse((const uint8_t *)"\x01\x01", &perr), 1);
	ck_assert_int_eq(proxy_socks5_auth_parse((const uint8_t *)"\x05\x00", &perr), -1);
	ck_assert_ptr_nonnull(strstr(perr, "RFC 1929"));
}
END_TEST

static int socks_reply(const char *bytes, size_t len, struct proxy_socks5_reply *r,
		       const char **perr)
{
	*perr = NULL;
	return proxy_socks5_reply_parse((const uint8_t *)bytes, len, r, perr);
}

START_TEST(test_socks5_reply)
{
	struct proxy_socks5_reply r;
	const char *perr;

	ck_assert_int_eq(socks_reply("\x05\x00\x00", 3, &r, &perr), SOCKS5_REPLY_MIN);
	ck_assert_int_eq(socks_reply("\x05\x00\x00\x01\x0a", 5, &r, &perr), 10);
	ck_assert_int_eq(socks_reply("\x05\x00\x00\x01\x0a\xc7\x09\x02\x9c\x40", 10, &r, &perr), 0);
	ck_assert_uint_eq(r.rep, 0);
	ck_assert_str_eq(r.bound, "10.199.9.2:40000");
	ck_assert_int_eq(socks_reply("\x05\x00\x00\x04\x20", 5, &r, &perr), 22);
	ck_assert_int_eq(socks_reply("\x05\x00\x00\x04\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01"
				     "\x00\x50",
				     22, &r, &perr),
			 0);
	ck_assert_str_eq(r.bound, "[2001:db8::1]:80");
	ck_assert_int_eq(socks_reply("\x05\x00\x00\x03\x05", 5, &r, &perr), 12);
	ck_assert_int_eq(socks_reply("\x05\x05\x00\x03\x05proxy\x04\x38", 12, &r, &perr), 0);
	ck_assert_uint_eq(r.rep, 5);
	ck_assert_str_eq(r.bound, "proxy:1080");
	ck_assert_int_eq(socks_reply("\x05\x00\x00\x03\x00\x00\x00", 7, &r, &perr), 0);
	ck_assert_str_eq(r.bound, ":0");

	ck_assert_int_eq(socks_reply("\x04\x00\x00\x01\x0a", 5, &r, &perr), -1);
	ck_assert_ptr_nonnull(strstr(perr, "wrong version"));
	ck_assert_int_eq(socks_reply("\x05\x00\x01\x01\x0a", 5, &r, &perr), -1);
	ck_assert_ptr_nonnull(strstr(perr, "reserved byte"));
	ck_assert_int_eq(socks_reply("\x05\x00\x00\x02\x0a", 5, &r, &perr), -1);
	ck_assert_ptr_nonnull(strstr(perr, "unknown address type"));
	ck_assert_int_eq(socks_reply("\x05\x00\x00\x01\x0a\xc7\x09\x02\x9c\x40X", 11, &r, &perr),
			 -1);
	ck_assert_ptr_nonnull(strstr(perr, "bytes after"));
	ck_assert_int_eq(socks_reply("\x05\x00\x00\x03\x02\x01z\x00\x50", 9, &r, &perr), -1);
	ck_assert_ptr_nonnull(strstr(perr, "unprintable"));
}
END_TEST

START_TEST(test_socks5_rep_str)
{
	static const char *const words[] = {"succeeded",
					    "general SOCKS server failure",
					    "connection not allowed by its rules",
					    "network unreachable",
					    "host unreachable",
					    "connection refused by the destination",
					    "TTL expired",
					    "command not supported",
					    "address type not supported"};

	for (unsigned i = 0; i < 9; i++)
		ck_assert_str_eq(proxy_socks5_rep_str((uint8_t)i), words[i]);
	for (unsigned i = 9; i < 256; i++)
		ck_assert_str_eq(proxy_socks5_rep_str((uint8_t)i), "unassigned reply code");
}
END_TEST

/* --- proxy_open against a scripted proxy on a socket pair --- */

struct script {
	const char *answer; /* what the proxy sends once it has read expect_len bytes */
	size_t answer_len;
	size_t expect_len;
	bool dribble;	/* one byte per write */
	bool keep_open; /* no end of stream after the answer */
};

static int open_timeout_ms = 5000;

/* The scripted proxy: reads the request, answers, ends its side (unless keep_open), waits. */
static pid_t run_proxy(int fd, const struct script *s, int other)
{
	pid_t pid = fork();
	uint8_t buf[2048];
	size_t got = 0;

	ck_assert_int_ge(pid, 0);
	if (pid > 0)
		return pid;
	close(other);
	while (got < s->expect_len) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n <= 0)
			_exit(1);
		got += (size_t)n;
	}
	for (size_t i = 0; i < s->answer_len; i += s->dribble ? 1 : s->answer_len) {
		if (write(fd, s->answer + i, s->dribble ? 1 : s->answer_len - i) < 0)
			_exit(1);
		if (s->dribble)
			usleep(200);
	}
	if (!s->keep_open)
		shutdown(fd, SHUT_WR);
	for (;;)
		pause();
}

/* Runs proxy_open against the script; the status, the message in err, the next bytes in rest. */
static enum proxy_status open_with(const struct proxy_conf *pc, const char *host,
				   const struct script *s, char *err, char *rest, size_t restlen)
{
	size_t have = 0;
	int sv[2];
	pid_t pid;
	enum proxy_status st;
	ssize_t n;

	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	pid = run_proxy(sv[1], s, sv[0]);
	close(sv[1]);
	err[0] = '\0';
	st = proxy_open(sv[0], pc, host, 5555, open_timeout_ms, err, 512);
	/* what the proxy sent after its answer, up to its end of stream */
	while (st == PROXY_OK && have + 1 < restlen &&
	       (n = recv(sv[0], rest + have, restlen - 1 - have, 0)) > 0)
		have += (size_t)n;
	rest[have] = '\0';
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(sv[0]);
	return st;
}

static const struct proxy_conf http_pc = {.type = PROXY_HTTP, .host = "10.0.0.1", .port = 3128};
static const struct proxy_conf http_auth_pc = {
    .type = PROXY_HTTP, .host = "10.0.0.1", .port = 3128, .user = "bob", .password = "pw"};

START_TEST(test_open_http)
{
	static const char ok[] = "HTTP/1.1 200 Connection established\r\n\r\n\x16\x03\x03";
	struct script s = {ok, sizeof(ok) - 1, 46, false, false};
	char err[512], rest[64];

	/* "CONNECT hub.test:5555 HTTP/1.1\r\nHost: hub.test:5555\r\n\r\n" is 55 bytes */
	s.expect_len = 55;
	ck_assert_int_eq(open_with(&http_pc, "hub.test", &s, err, rest, sizeof(rest)), PROXY_OK);
	ck_assert_str_eq(rest, "\x16\x03\x03");
	s.dribble = true;
	ck_assert_int_eq(open_with(&http_pc, "hub.test", &s, err, rest, sizeof(rest)), PROXY_OK);
	ck_assert_str_eq(rest, "\x16\x03\x03");
}
END_TEST

static void http_refusal(const struct proxy_conf *pc, const char *answer, enum proxy_status want,
			 const char *what)
{
	struct script s = {answer, strlen(answer), 40, false, false};
	char err[512], rest[8];

	ck_assert_int_eq(open_with(pc, "hub.test", &s, err, rest, sizeof(rest)), want);
	ck_assert_msg(strstr(err, what) != NULL, "\"%s\" lacks \"%s\"", err, what);
}

START_TEST(test_open_http_refusals)
{
	http_refusal(&http_auth_pc,
		     "HTTP/1.1 407 Proxy Authentication Required\r\n"
		     "Proxy-Authenticate: Basic realm=\"x\"\r\nContent-Length: 5\r\n\r\nhello",
		     PROXY_E_REFUSED,
		     "HTTP proxy 10.0.0.1:3128 refused the credentials of proxy user \"bob\" (407 "
		     "Proxy Authentication Required)");
	http_refusal(&http_pc, "HTTP/1.1 407 Auth\r\n\r\n", PROXY_E_REFUSED,
		     "asks for credentials (407 Auth)");
	http_refusal(&http_auth_pc, "HTTP/1.1 407 Auth\r\nProxy-Authenticate: NTLM\r\n\r\n",
		     PROXY_E_REFUSED,
		     "does not take Basic credentials (407 Auth): it offers only NTLM");
	http_refusal(
	    &http_pc, "HTTP/1.1 403 Forbidden\r\n\r\n", PROXY_E_REFUSED,
	    "refused a tunnel to hub.test:5555 (403 Forbidden): its rules do not allow it");
	http_refusal(&http_pc, "HTTP/1.1 503 Service Unavailable\r\n\r\n", PROXY_E_RETRY,
		     "could not open a tunnel to hub.test:5555 (503 Service Unavailable)");
	http_refusal(&http_pc, "HTTP/1.1 429\r\n\r\n", PROXY_E_RETRY, "(429)");
	http_refusal(&http_pc, "HTTP/1.1 400 Bad Request\r\n\r\n", PROXY_E_REFUSED, "(400 Bad");
	http_refusal(&http_pc, "\x05\x01garbage\r\n\r\n", PROXY_E_RETRY,
		     "malformed reply: not an HTTP status line");
	http_refusal(&http_pc, "HTTP/1.1 200 OK\r\n", PROXY_E_RETRY,
		     "closed the connection without a complete answer");
}
END_TEST

START_TEST(test_open_http_limits)
{
	static char big[PROXY_HTTP_HEAD_MAX + 64];
	struct script s = {big, sizeof(big), 40, false, false};
	char err[512], rest[8];

	/* NOLINTNEXTLINE(bugprone-not-null-terminated-result): a head with no end, on purpose */
	memcpy(big, "HTTP/1.1 200 OK\r\nX: ", 20);
	memset(big + 20, 'a', sizeof(big) - 20);
	ck_assert_int_eq(open_with(&http_pc, "hub.test", &s, err, rest, sizeof(rest)),
			 PROXY_E_RETRY);
	ck_assert_ptr_nonnull(strstr(err, "reply head longer than 8192 bytes"));
	/* an answer that never comes: bounded by the timeout */
	s.answer_len = 0;
	s.keep_open = true;
	open_timeout_ms = 300;
	ck_assert_int_eq(open_with(&http_pc, "hub.test", &s, err, rest, sizeof(rest)),
			 PROXY_E_RETRY);
	ck_assert_ptr_nonnull(strstr(err, "no answer in time"));
	/* a hub name no proxy request may carry */
	ck_assert_int_eq(open_with(&http_pc, "hub\r\nX: 1", &s, err, rest, sizeof(rest)),
			 PROXY_E_REFUSED);
	ck_assert_ptr_nonnull(strstr(err, "cannot ask for hub"));
}
END_TEST

static const struct proxy_conf socks_pc = {.type = PROXY_SOCKS5, .host = "10.0.0.1", .port = 1080};
static const struct proxy_conf socks_auth_pc = {
    .type = PROXY_SOCKS5, .host = "10.0.0.1", .port = 1080, .user = "bob", .password = "pw"};

#define SOCKS_OK_REPLY "\x05\x00\x00\x01\x0a\x00\x00\x01\x04\x38"

START_TEST(test_open_socks5)
{
	static const char ok[] = "\x05\x02"
				 "\x01\x00" SOCKS_OK_REPLY "\x16\x03";
	static const char noauth[] = "\x05\x00" SOCKS_OK_REPLY "\x16\x03";
	struct script s = {ok, sizeof(ok) - 1, 3, false, false};
	char err[512], rest[64];

	ck_assert_int_eq(open_with(&socks_auth_pc, "hub.test", &s, err, rest, sizeof(rest)),
			 PROXY_OK);
	ck_assert_str_eq(rest, "\x16\x03");
	s.dribble = true;
	ck_assert_int_eq(open_with(&socks_auth_pc, "hub.test", &s, err, rest, sizeof(rest)),
			 PROXY_OK);
	ck_assert_str_eq(rest, "\x16\x03");
	/* the proxy may pick "no authentication" even when we offer credentials */
	s = (struct script){noauth, sizeof(noauth) - 1, 3, false, false};
	ck_assert_int_eq(open_with(&socks_auth_pc, "hub.test", &s, err, rest, sizeof(rest)),
			 PROXY_OK);
	ck_assert_str_eq(rest, "\x16\x03");
}
END_TEST

static void socks_refusal(const struct proxy_conf *pc, const char *answer, size_t len,
			  enum proxy_status want, const char *what)
{
	struct script s = {answer, len, 3, false, false};
	char err[512], rest[8];

	ck_assert_int_eq(open_with(pc, "hub.test", &s, err, rest, sizeof(rest)), want);
	ck_assert_msg(strstr(err, what) != NULL, "\"%s\" lacks \"%s\"", err, what);
}

START_TEST(test_open_socks5_refusals)
{
	static const struct {
		uint8_t rep;
		enum proxy_status want;
	} reps[] = {{1, PROXY_E_RETRY},	  {2, PROXY_E_REFUSED}, {3, PROXY_E_RETRY},
		    {4, PROXY_E_RETRY},	  {5, PROXY_E_RETRY},	{6, PROXY_E_RETRY},
		    {7, PROXY_E_REFUSED}, {8, PROXY_E_REFUSED}, {9, PROXY_E_RETRY},
		    {0xff, PROXY_E_RETRY}};
	char answer[4], what[128];

	socks_refusal(&socks_auth_pc, "\x05\x02\x01\x01", 4, PROXY_E_REFUSED,
		      "SOCKS5 proxy 10.0.0.1:1080 refused the user name or password of proxy "
		      "user \"bob\" (RFC 1929 status 1)");
	socks_refusal(&socks_pc, "\x05\xff", 2, PROXY_E_REFUSED, "asks for credentials");
	socks_refusal(&socks_auth_pc, "\x05\xff", 2, PROXY_E_REFUSED,
		      "accepts neither user/password nor no authentication");
	socks_refusal(&socks_pc, "\x05\x02", 2, PROXY_E_RETRY,
		      "chose an authentication method not offered");
	socks_refusal(&socks_pc, "\x05\x01", 2, PROXY_E_RETRY,
		      "chose an authentication method not offered");
	socks_refusal(&socks_pc, "HTTP/1.1 400 Bad Request\r\n\r\n", 28, PROXY_E_RETRY,
		      "it answers like an HTTP server: use http://");
	socks_refusal(&socks_auth_pc, "\x05\x02\x05\x00", 4, PROXY_E_RETRY, "RFC 1929");
	socks_refusal(&socks_pc, "\x05\x00\x05\x00\x00\x07\x00", 7, PROXY_E_RETRY,
		      "unknown address type");
	socks_refusal(&socks_pc, "\x05\x00\x05\x00\x00\x01\x00", 7, PROXY_E_RETRY,
		      "closed the connection without a complete answer");
	for (size_t i = 0; i < sizeof(reps) / sizeof(reps[0]); i++) {
		/* only VER and REP: the code is reported even without the rest */
		/* NOLINTNEXTLINE(bugprone-not-null-terminated-result): binary, not a string */
		memcpy(answer, "\x05\x00\x05", 3);
		answer[3] = (char)reps[i].rep;
		snprintf(what, sizeof(what),
			 "could not open a tunnel to hub.test:5555: %s (SOCKS5 "
			 "reply %u)",
			 proxy_socks5_rep_str(reps[i].rep), reps[i].rep);
		socks_refusal(&socks_pc, answer, 4, reps[i].want, what);
	}
}
END_TEST

Suite *proxy_suite(void)
{
	Suite *s = suite_create("proxy");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_url_valid);
	tcase_add_test(tc, test_url_invalid);
	tcase_add_test(tc, test_url_limits);
	tcase_add_test(tc, test_host_ok_and_name);
	tcase_add_test(tc, test_password_file);
	tcase_add_test(tc, test_profile_keys);
	tcase_add_test(tc, test_http_request);
	tcase_add_test(tc, test_http_head_len);
	tcase_add_test(tc, test_http_reply_valid);
	tcase_add_test(tc, test_http_reply_invalid);
	tcase_add_test(tc, test_socks5_requests);
	tcase_add_test(tc, test_socks5_answers);
	tcase_add_test(tc, test_socks5_reply);
	tcase_add_test(tc, test_socks5_rep_str);
	tcase_add_test(tc, test_open_http);
	tcase_add_test(tc, test_open_http_refusals);
	tcase_add_test(tc, test_open_http_limits);
	tcase_add_test(tc, test_open_socks5);
	tcase_add_test(tc, test_open_socks5_refusals);
	suite_add_tcase(s, tc);
	return s;
}
