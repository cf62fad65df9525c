// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Hub configuration (SoftHUB.cfg) tests on temporary files: every folder the
 * hub reads and SoftEther's meaning of absent items, errors with
 * file:line:column, start-up notes (unknown items once, weak hashes),
 * policy resolution, access list order, atomic save with .bak, and the
 * known-path table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "cfg.h"
#include "config.h"
#include "known.h"
#include "policy.h"
#include "suites.h"

/* Base64 DER of a fresh self-signed P-256 certificate and of its key (cap >= 1024). */
static void make_cert_pair(char *cert_b64, char *key_b64)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	unsigned char *der = NULL;
	int n;

	ck_assert(k && x);
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	X509_set_pubkey(x, k);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
				   (const unsigned char *)"link", -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(x));
	ck_assert(X509_sign(x, k, EVP_sha256()) > 0);
	n = i2d_X509(x, &der);
	ck_assert(n > 0 && n < 700);
	EVP_EncodeBlock((unsigned char *)cert_b64, der, n);
	OPENSSL_free(der);
	der = NULL;
	n = i2d_PrivateKey(k, &der);
	ck_assert(n > 0 && n < 700);
	EVP_EncodeBlock((unsigned char *)key_b64, der, n);
	OPENSSL_free(der);
	X509_free(x);
	EVP_PKEY_free(k);
}

static char tmpdir[64];
static char path[128];

static void setup(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/cfgtest.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	snprintf(path, sizeof(path), "%s/SoftHUB.cfg", tmpdir);
}

static void teardown(void)
{
	char bak[160];

	snprintf(bak, sizeof(bak), "%s.bak", path);
	unlink(path);
	unlink(bak);
	rmdir(tmpdir);
}

static struct hub_config *load(const char *text, char *err, size_t errlen)
{
	FILE *f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	ck_assert_int_eq(fclose(f), 0);
	chmod(path, 0600);
	err[0] = '\0';
	return config_load(path, err, errlen);
}

#define LISTENER                                                                                   \
	"declare ListenerList\n{\ndeclare Listener0\n{\nbool Enabled true\nuint Port 5555\n}\n"    \
	"declare Listener1\n{\nbool Enabled false\nuint Port 443\n}\n}\n"
/* SHA-0("secret" || "ALICE"), as a stock SoftEther server stores it */
#define ALICE_HASH "DngtrNt4kY1zAHmZ2oG8QIkG1FE="
#define VERIFIER                                                                                   \
	"uint AuthVerifierIterations 1000\nbyte AuthVerifierSalt c2FsdHNhbHRzYWx0c2FsdA==\n"       \
	"byte AuthVerifierStoredKey AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n"                \
	"byte AuthVerifierServerKey AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n"

static const char full[] =
    "declare root\n{\n" LISTENER
    "declare Vpnhub\n{\nuint KeepAlive 3\nstring StateDir /tmp/x\nuint Timeout 9\n"
    "uint QueueBytes 1048576\n}\n"
    "declare VirtualHUB\n{\ndeclare LAB\n{\nbool Online true\n"
    "declare Option\n{\nuint MaxSession 7\nstring VlanTypeId 0x88a8\nbool FilterIPv6 true\n}\n"
    "declare LogSetting\n{\nbool SavePacketLog true\nuint PACKET_LOG_DHCP 1\n}\n"
    "declare Message\n{\nstring MessageText Hello$20there\n}\n"
    "declare AccessList\n{\n"
    "declare 1\n{\nbool Active true\nbool Discard true\nuint Priority 200\n"
    "string DestIpAddress 10.0.0.0\nstring DestSubnetMask 255.0.0.0\nuint Protocol 6\n"
    "uint DestPortStart 445\nuint DestPortEnd 0\n}\n"
    "declare 2\n{\nbool Active true\nuint Priority 100\nbool IsIPv6 true\n"
    "string SrcIpAddress6 fd00::\nstring SrcSubnetMask6 ffff::\nbool CheckSrcMac true\n"
    "string SrcMacAddress 00-AC-01-02-03-04\nstring SrcMacMask FF-FF-FF-00-00-00\n}\n}\n"
    "declare SecurityAccountDatabase\n{\n"
    "declare GroupList\n{\ndeclare staff\n{\nstring RealName Staff\n"
    "declare Policy\n{\nbool Access true\nuint MaxMac 5\nuint TimeOut 30\n}\n}\n}\n"
    "declare UserList\n{\n"
    "declare alice\n{\nuint AuthType 1\nbyte AuthPassword " ALICE_HASH "\n"
    "string GroupName staff\nstring RealName Alice$20Example\n}\n"
    "declare Bob\n{\nuint AuthType 1\n" VERIFIER
    "declare Policy\n{\nbool Access true\nbool CheckMac true\n}\n}\n"
    "declare carol\n{\nuint AuthType 1\n" VERIFIER "}\n}\n}\n}\n"
    "declare OTHER\n{\n}\n}\n}\n";

/* CascadeList: a stock entry (hashed password, no fingerprint) loads and is unusable;
 * one with our fingerprint and a password is ready; its policy subset is read. */
START_TEST(test_cascades)
{
	static const char text[] =
	    "declare root\n{\n" LISTENER "declare VirtualHUB\n{\ndeclare H\n{\nbool Online true\n"
	    "declare CascadeList\n{\n"
	    "declare Cascade0\n{\nbool Online true\nbool CheckServerCert false\n"
	    "declare ClientOption\n{\nstring AccountName stock\nstring Hostname 192.0.2.1\n"
	    "uint Port 443\nstring HubName R\nuint ProxyType 0\n}\n"
	    "declare ClientAuth\n{\nuint AuthType 1\nstring Username link\n"
	    "byte HashedPassword " ALICE_HASH "\n}\n"
	    "declare Policy\n{\nbool CheckMac true\nuint MaxUpload 1000\n}\n}\n"
	    "declare Cascade1\n{\nbool Online false\nstring Protocol softether\n"
	    "string VpnhubFingerprint "
	    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
	    "declare ClientOption\n{\nstring AccountName ours\nstring Hostname h\nuint Port 5555\n"
	    "string HubName R\nuint RetryInterval 4\nuint ProxyType 3\nstring ProxyName p\n"
	    "uint ProxyPort 1080\n}\n"
	    "declare ClientAuth\n{\nuint AuthType 2\nstring Username link\n"
	    "string PlainPassword pw\n}\n}\n}\n}\n}\n}\n";
	char err[512];
	struct hub_config *c = load(text, err, sizeof(err));
	const struct conf_hub *h;
	const struct conf_cascade *k;

	ck_assert_msg(c != NULL, "%s", err);
	h = config_find_hub(c, "H");
	ck_assert_uint_eq(h->ncascades, 2);
	k = config_find_cascade(h, "STOCK");
	ck_assert_ptr_nonnull(k);
	ck_assert(k->online && !k->has_password);
	ck_assert_ptr_nonnull(strstr(k->unusable, "VpnhubFingerprint"));
	ck_assert_uint_eq(k->port, 443);
	ck_assert_uint_eq(k->policy.v[POL_CHECK_MAC], 1);
	ck_assert_uint_eq(k->policy.v[POL_MAX_UPLOAD], 1000);
	ck_assert(!k->softether); /* our protocol by default */
	k = config_find_cascade(h, "ours");
	ck_assert(k->softether);
	ck_assert_ptr_nonnull(k);
	ck_assert_str_eq(k->unusable, "");
	ck_assert(!k->online && k->has_password);
	ck_assert_str_eq(k->password, "pw");
	ck_assert_uint_eq(k->retry_s, 4);
	ck_assert_int_eq(k->proxy.type, PROXY_SOCKS5);
	ck_assert_uint_eq(k->fingerprint[31], 0x1f);
	config_put(c);
}
END_TEST

/* CascadeList Protocol: another value than vpnhub or softether refuses the file. */
START_TEST(test_cascade_protocol)
{
	static const char text[] =
	    "declare root\n{\n" LISTENER "declare VirtualHUB\n{\ndeclare H\n{\nbool Online true\n"
	    "declare CascadeList\n{\n"
	    "declare Cascade0\n{\nbool Online true\nstring Protocol openvpn\n"
	    "declare ClientOption\n{\nstring Hostname h\nstring HubName R\n}\n"
	    "declare ClientAuth\n{\nuint AuthType 2\nstring Username l\n"
	    "string PlainPassword pw\n}\n}\n}\n}\n}\n}\n";
	char err[512];
	struct hub_config *c = load(text, err, sizeof(err));

	ck_assert_ptr_null(c);
	ck_assert_msg(strstr(err, "Protocol: expected vpnhub or softether"), "%s", err);
}
END_TEST

#define CASCADE_CERT_CFG                                                                           \
	"declare root\n{\n" LISTENER "declare VirtualHUB\n{\ndeclare H\n{\nbool Online true\n"     \
	"declare CascadeList\n{\n"                                                                 \
	"declare Cascade0\n{\nbool Online true\nstring VpnhubFingerprint "                         \
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"                       \
	"declare ClientOption\n{\nstring AccountName good\nstring Hostname h\nstring HubName "     \
	"R\n}\n"                                                                                   \
	"declare ClientAuth\n{\nuint AuthType 3\nstring Username link\n"                           \
	"byte ClientCert %s\nbyte ClientKey %s\n}\n}\n"                                            \
	"declare Cascade1\n{\nbool Online true\n"                                                  \
	"declare ClientOption\n{\nstring AccountName mismatch\nstring Hostname h\n"                \
	"string HubName R\n}\n"                                                                    \
	"declare ClientAuth\n{\nuint AuthType 3\nstring Username link\n"                           \
	"byte ClientCert %s\nbyte ClientKey %s\n}\n}\n"                                            \
	"declare Cascade2\n{\nbool Online true\n"                                                  \
	"declare ClientOption\n{\nstring AccountName nokey\nstring Hostname h\n"                   \
	"string HubName R\n}\n"                                                                    \
	"declare ClientAuth\n{\nuint AuthType 3\nstring Username link\n"                           \
	"byte ClientCert %s\n}\n}\n"                                                               \
	"declare Cascade3\n{\nbool Online true\n"                                                  \
	"declare ClientOption\n{\nstring AccountName toolong\nstring Hostname h\n"                 \
	"string HubName R\n}\n"                                                                    \
	"declare ClientAuth\n{\nuint AuthType 3\nstring Username link\n"                           \
	"byte ClientCert %s\nbyte ClientKey %s\n}\n}\n}\n}\n}\n}\n"

/* CascadeList AuthType 3 (SoftEther's certificate login): ClientCert and ClientKey as DER
 * bytes; a key that is not the certificate's, a missing one or a too long certificate
 * makes the entry unusable (the file still loads). */
START_TEST(test_cascade_cert)
{
	char c1[1024], k1[1024], c2[1024], k2[1024], big[5600], text[16384], err[512];
	struct hub_config *c;
	const struct conf_hub *h;
	const struct conf_cascade *k;

	make_cert_pair(c1, k1);
	make_cert_pair(c2, k2);
	memset(big, 'A', 5480); /* 4110 bytes of DER: more than CONF_CASCADE_DER_MAX */
	big[5480] = '\0';
	snprintf(text, sizeof(text), CASCADE_CERT_CFG, c1, k1, c1, k2, c1, big, k1);
	c = load(text, err, sizeof(err));
	ck_assert_msg(c != NULL, "%s", err);
	h = config_find_hub(c, "H");
	k = config_find_cascade(h, "good");
	ck_assert_str_eq(k->unusable, "");
	ck_assert(k->cert_login && k->client_cert_len > 0 && k->client_key_len > 0);
	k = config_find_cascade(h, "mismatch");
	ck_assert_msg(strstr(k->unusable, "ClientKey does not match ClientCert"), "%s",
		      k->unusable);
	ck_assert(!k->cert_login);
	k = config_find_cascade(h, "nokey");
	ck_assert_msg(strstr(k->unusable, "AuthType 3 without"), "%s", k->unusable);
	k = config_find_cascade(h, "toolong");
	ck_assert_msg(strstr(k->unusable, "ClientCert: 4110 bytes"), "%s", k->unusable);
	config_put(c);
}
END_TEST

START_TEST(test_full_file)
{
	char err[1024];
	struct hub_config *c = load(full, err, sizeof(err));
	const struct conf_hub *h, *o;
	const struct conf_user *u;

	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_uint_eq(c->nlisten, 1); /* Listener1 is disabled */
	ck_assert_uint_eq(c->listen[0].port, 5555);
	ck_assert_str_eq(c->listen[0].host, "");
	ck_assert_uint_eq(c->keepalive_s, 3);
	ck_assert_uint_eq(c->timeout_s, 9);
	ck_assert_uint_eq(c->queue_bytes, 1048576);
	ck_assert_uint_eq(c->queue_frames, 2048);
	ck_assert_str_eq(c->state_dir, "/tmp/x");
	h = config_find_hub(c, "lab");
	o = config_find_hub(c, "OTHER");
	ck_assert_ptr_nonnull(h);
	ck_assert(h->online);
	ck_assert(!o->online); /* absent Online reads as false, as in SoftEther */
	ck_assert(o->opt.manage_only_private_ip); /* ... except the documented defaults */
	ck_assert_uint_eq(o->opt.flooding_quota, 32u << 20);
	ck_assert_uint_eq(o->opt.vlan_tpid, 0x8100);
	ck_assert_uint_eq(h->opt.max_session, 7);
	ck_assert_uint_eq(h->opt.vlan_tpid, 0x88a8);
	ck_assert(h->opt.filter_ipv6);
	ck_assert(h->log.save_packet_log);
	ck_assert_uint_eq(h->log.packet_level[LOG_DHCP], 1);
	ck_assert_str_eq(h->message, "Hello there");
	ck_assert_uint_eq(h->nusers, 3);
	u = config_find_user(h, "ALICE");
	ck_assert_ptr_nonnull(u);
	ck_assert(u->has_se_hash && !u->has_verifier);
	ck_assert_str_eq(u->group, "staff");
	ck_assert_str_eq(u->realname, "Alice Example");
	ck_assert_ptr_nonnull(config_find_user(h, "bob"));
	ck_assert_ptr_nonnull(config_find_user(h, "Carol"));
	ck_assert_ptr_null(config_find_user(h, "dave"));
	ck_assert(config_find_user(h, "bob")->has_verifier);
	config_put(c);
}
END_TEST

START_TEST(test_access_list_order)
{
	char err[1024];
	struct hub_config *c = load(full, err, sizeof(err));
	const struct conf_hub *h;

	ck_assert_msg(c != NULL, "%s", err);
	h = config_find_hub(c, "LAB");
	ck_assert_uint_eq(h->naccess, 2);
	/* ascending priority: entry 2 (100) before entry 1 (200) */
	ck_assert_uint_eq(h->access[0].id, 2);
	ck_assert(h->access[0].is_ipv6 && h->access[0].check_src_mac);
	ck_assert_uint_eq(h->access[0].src_ip[0], 0xfd);
	ck_assert_uint_eq(h->access[0].src_mac[1], 0xac);
	ck_assert_uint_eq(h->access[0].src_mac_mask[2], 0xff);
	ck_assert_uint_eq(h->access[1].id, 1);
	ck_assert(h->access[1].discard);
	ck_assert_uint_eq(h->access[1].dst_ip[0], 10);
	ck_assert_uint_eq(h->access[1].protocol, 6);
	/* SoftEther: End = max(End, Start) */
	ck_assert_uint_eq(h->access[1].dst_port[0], 445);
	ck_assert_uint_eq(h->access[1].dst_port[1], 445);
	config_put(c);
}
END_TEST

START_TEST(test_policy_resolution)
{
	char err[1024];
	struct hub_config *c = load(full, err, sizeof(err));
	const struct conf_hub *h;
	struct policy p;

	ck_assert_msg(c != NULL, "%s", err);
	h = config_find_hub(c, "LAB");
	/* alice: no Policy folder, so the group's */
	config_user_policy(h, config_find_user(h, "alice"), &p);
	ck_assert_uint_eq(p.v[POL_MAX_MAC], 5);
	ck_assert_uint_eq(p.v[POL_TIMEOUT], 30);
	ck_assert_uint_eq(p.v[POL_CHECK_MAC], 0);
	/* Bob: his own folder; absent items are 0 there, no merge with defaults */
	config_user_policy(h, config_find_user(h, "bob"), &p);
	ck_assert_uint_eq(p.v[POL_CHECK_MAC], 1);
	ck_assert_uint_eq(p.v[POL_TIMEOUT], 0);
	ck_assert_uint_eq(p.v[POL_MAX_CONNECTION], 32);
	/* carol: no folder, no group: the defaults */
	config_user_policy(h, config_find_user(h, "carol"), &p);
	ck_assert_uint_eq(p.v[POL_ACCESS], 1);
	ck_assert_uint_eq(p.v[POL_TIMEOUT], 20);
	ck_assert_uint_eq(p.v[POL_MAX_CONNECTION], 32);
	config_put(c);
}
END_TEST

START_TEST(test_policy_table)
{
	struct policy p;
	char err[128];

	ck_assert_int_eq(policy_find("access"), POL_ACCESS);
	ck_assert_int_eq(policy_find("NOIPV6DEFAULTROUTERINRAWHENIPV6"),
			 POL_NO_IPV6_DEFAULT_ROUTER_IN_RA_WHEN_IPV6);
	ck_assert_int_eq(policy_find("NoSuchPolicy"), -1);
	policy_defaults(&p);
	ck_assert_int_eq(policy_set(&p, POL_VLAN_ID, 4095, err, sizeof(err)), 0);
	ck_assert_int_eq(policy_set(&p, POL_VLAN_ID, 4096, err, sizeof(err)), -1);
	ck_assert_ptr_nonnull(strstr(err, "VLanId"));
	ck_assert_int_eq(policy_set(&p, POL_TIMEOUT, 61, err, sizeof(err)), -1);
	ck_assert_int_eq(policy_set(&p, POL_CHECK_MAC, 7, err, sizeof(err)), 0);
	ck_assert_uint_eq(p.v[POL_CHECK_MAC], 1);
	for (int i = 0; i < POL_COUNT; i++)
		ck_assert_msg(policy_items[i].name != NULL, "policy %d has no name", i);
}
END_TEST

/* Expects a refusal whose message starts "PATH:LINE:" and contains what. */
static void refuse(const char *text, int line, const char *what)
{
	char err[1024], prefix[200];
	struct hub_config *c = load(text, err, sizeof(err));

	ck_assert_msg(c == NULL, "accepted: %s", text);
	snprintf(prefix, sizeof(prefix), "%s:%d:", path, line);
	ck_assert_msg(strncmp(err, prefix, strlen(prefix)) == 0, "want %s..., got \"%s\"", prefix,
		      err);
	ck_assert_msg(strstr(err, what) != NULL, "want \"%s\" in \"%s\"", what, err);
}

#define HUB_MIN "declare VirtualHUB\n{\ndeclare H\n{\nbool Online true\n}\n}\n"

START_TEST(test_errors)
{
	refuse("declare root\n{\n" HUB_MIN "}\n", 1, "no enabled listener");
	refuse("declare root\n{\ndeclare ListenerList\n{\ndeclare L\n{\nbool Enabled true\n"
	       "uint Port 0\n}\n}\n" HUB_MIN "}\n",
	       8, "Port must be 1..65535");
	refuse("declare root\n{\ndeclare ListenerList\n{\ndeclare L\n{\nbool Enabled true\n"
	       "string Port 80\n}\n}\n" HUB_MIN "}\n",
	       8, "expected uint");
	refuse("declare root\n{\n" LISTENER "}\n", 1, "no virtual hub");
	refuse("declare root\n{\n" LISTENER "declare Vpnhub\n{\nuint KeepAlive 10\n"
	       "uint Timeout 15\n}\n" HUB_MIN "}\n",
	       16, "at least twice KeepAlive");
	refuse("declare root\n{\n" LISTENER HUB_MIN "declare Vpnhub\n{\nstring Key /k\n}\n}\n", 23,
	       "Certificate and Key go together");
	refuse("declare root\n{\n" LISTENER "declare VirtualHUB\n{\ndeclare H\n{\n"
	       "declare SecurityAccountDatabase\n{\ndeclare UserList\n{\ndeclare u\n{\n"
	       "byte AuthPassword AAAA\n}\n}\n}\n}\n}\n}\n",
	       26, "3 bytes, expected 20");
	refuse("declare root\n{\n" LISTENER "declare VirtualHUB\n{\ndeclare H\n{\n"
	       "declare SecurityAccountDatabase\n{\ndeclare UserList\n{\ndeclare u\n{\n"
	       "uint AuthVerifierIterations 1000\n}\n}\n}\n}\n}\n}\n",
	       24, "incomplete AuthVerifier");
	refuse(
	    "declare root\n{\n" LISTENER "declare VirtualHUB\n{\ndeclare H\n{\n"
	    "declare AccessList\n{\ndeclare 1\n{\nstring SrcIpAddress 300.1.1.1\n}\n}\n}\n}\n}\n",
	    24, "is not an IPv4 address");
	refuse("declare root\n{\n" LISTENER "declare VirtualHUB\n{\ndeclare H\n{\n"
	       "declare Option\n{\nstring VlanTypeId 0xzz\n}\n}\n}\n}\n",
	       22, "VlanTypeId");
	refuse("declare root\n{\n" LISTENER "declare VirtualHUB\n{\ndeclare H\n{\n"
	       "declare SecurityAccountDatabase\n{\ndeclare GroupList\n{\ndeclare g\n{\n"
	       "declare Policy\n{\nuint TimeOut 99\n}\n}\n}\n}\n}\n}\n}\n",
	       28, "TimeOut: 99 is outside");
	refuse("declare root\n{\n" LISTENER "declare VirtualHUB\n{\ndeclare H\n{\n"
	       "declare SecurityAccountDatabase\n{\ndeclare GroupList\n{\ndeclare g\n{\n"
	       "declare Policy\n{\nuint Access 1\n}\n}\n}\n}\n}\n}\n}\n",
	       28, "policy Access must be a bool");
}
END_TEST

/* Whether a report line of that rank (or any rank: REPORT_RANKS) holds what. */
static size_t count_notes(const struct hub_config *c, enum report_rank rank, const char *what)
{
	size_t n = 0;

	for (size_t i = 0; i < c->report.n; i++)
		n += (rank == REPORT_RANKS || c->report.lines[i].rank == rank) &&
		     strstr(c->report.lines[i].text, what) != NULL;
	return n;
}

static bool has_note(const struct hub_config *c, enum report_rank rank, const char *what)
{
	return count_notes(c, rank, what) > 0;
}

/* The tunnel's congestion control as the hub would set it, from a root/Vpnhub item. */
static void tunnel_cc_is(const char *item, const char *want, bool noted)
{
	char text[512], err[1024];
	struct hub_config *c;

	snprintf(text, sizeof(text),
		 "declare root\n{\n" LISTENER HUB_MIN "declare Vpnhub\n{\n%s\n}\n}\n", item);
	c = load(text, err, sizeof(err));
	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_str_eq(c->cong.tunnel_cc, want);
	ck_assert_int_eq(count_notes(c, REPORT_BEHAVIOUR, "TunnelCongestionControl"), noted);
	config_put(c);
}

START_TEST(test_tunnel_congestion_control)
{
	tunnel_cc_is("", "cubic", false);
	tunnel_cc_is("string TunnelCongestionControl reno", "reno", false);
	tunnel_cc_is("string TunnelCongestionControl system", "", false);
	/* a name no kernel has: noted at start, the kernel's default used */
	tunnel_cc_is("string TunnelCongestionControl nosuchcc", "", true);
	refuse("declare root\n{\n" LISTENER HUB_MIN
	       "declare Vpnhub\n{\nstring TunnelCongestionControl Cubic\n}\n}\n",
	       25, "not a congestion control's name");
	refuse("declare root\n{\n" LISTENER HUB_MIN
	       "declare Vpnhub\n{\nstring TunnelCongestionControl a234567890123456\n}\n}\n",
	       25, "longer than 15 bytes");
}
END_TEST

START_TEST(test_notes)
{
	char err[1024];
	struct hub_config *c = load(
	    "declare root\n{\nuint ConfigRevision 3\n" LISTENER
	    "declare VirtualHUB\n{\ndeclare A\n{\nuint RadiusServerPort 1812\n"
	    "declare SecureNAT\n{\nbool Disabled true\n}\n"
	    "declare Option\n{\nuint AdjustTcpMssValue 0\nbool NoEnum true\n}\n"
	    "declare AdminOption\n{\nuint max_users 0\nuint no_change_users 1\n}\n"
	    "declare SecurityAccountDatabase\n{\ndeclare UserList\n{\n"
	    "declare x\n{\nuint AuthType 2\n}\n"
	    "declare z\n{\nuint AuthType 4\n}\n"
	    "declare y\n{\nuint AuthType 1\nbyte AuthPassword " ALICE_HASH "\n"
	    "string GroupName nogroup\n}\n}\n}\n}\n"
	    "declare B\n{\nuint RadiusServerPort 1812\ndeclare CascadeList\n{\n}\n"
	    "declare SecureNAT\n{\nbool Disabled false\n}\n"
	    "declare Option\n{\nuint AdjustTcpMssValue 1300\nuint FutureOption 7\n}\n}\n}\n}\n",
	    err, sizeof(err));

	ck_assert_msg(c != NULL, "%s", err);
	ck_assert(has_note(c, REPORT_INERT, "item root/ConfigRevision"));
	/* two hubs, one inert line */
	ck_assert_uint_eq(count_notes(c, REPORT_RANKS, "root/VirtualHUB/*/RadiusServerPort"), 1);
	/* by value: SoftEther's default is inert, another value is not */
	ck_assert(has_note(c, REPORT_INERT, "item root/VirtualHUB/*/Option/AdjustTcpMssValue"));
	ck_assert(has_note(c, REPORT_BEHAVIOUR,
			   "root/VirtualHUB/B/Option/AdjustTcpMssValue = 1300 is not applied"));
	ck_assert(has_note(c, REPORT_INERT, "SecureNAT/Disabled"));
	ck_assert(has_note(c, REPORT_BEHAVIOUR, "root/VirtualHUB/B/SecureNAT/Disabled = false"));
	/* an item no rule knows is never called inert */
	ck_assert(has_note(c, REPORT_BEHAVIOUR, "root/VirtualHUB/B/Option/FutureOption = 7"));
	/* security: delegated-admin limits set, unusable users, weak hashes, missing groups */
	ck_assert(has_note(c, REPORT_SECURITY, "AdminOption/no_change_users = 1"));
	ck_assert(has_note(c, REPORT_INERT, "AdminOption/max_users"));
	ck_assert(has_note(c, REPORT_SECURITY, "user x has no AuthUserCert"));
	ck_assert(has_note(c, REPORT_SECURITY, "user z has AuthType 4 (RADIUS)"));
	ck_assert(has_note(c, REPORT_SECURITY, "user y has only SoftEther's password hash"));
	ck_assert(has_note(c, REPORT_SECURITY, "user y is in group nogroup, which does not exist"));
	ck_assert(!has_note(c, REPORT_RANKS, "CascadeList")); /* empty: sets nothing */
	ck_assert(!has_note(c, REPORT_RANKS, "NoEnum"));      /* applied: nothing enumerates */
	/* a hub with no users refuses every login, and says so */
	ck_assert(has_note(c, REPORT_BEHAVIOUR, "hub B has no users: every login is refused"));
	ck_assert(!has_note(c, REPORT_RANKS, "hub A has no users"));
	ck_assert(!has_note(c, REPORT_RANKS, "readable by every user")); /* mode 0600 */
	/* every line that is not inert says what to do */
	for (size_t i = 0; i < c->report.n; i++)
		if (c->report.lines[i].rank != REPORT_INERT)
			ck_assert_msg(strstr(c->report.lines[i].text, "; do: "), "%s",
				      c->report.lines[i].text);
	config_put(c);
}
END_TEST

START_TEST(test_save_tree)
{
	char err[1024], bak[160];
	struct cfg_folder *root = cfg_new(), *again = NULL;
	struct stat sb;

	ck_assert_ptr_nonnull(root);
	ck_assert_int_eq(cfg_set_uint(root, "A", 1, err, sizeof(err)), 0);
	ck_assert_int_eq(config_save_tree(root, path, true, err, sizeof(err)), 0);
	ck_assert_int_eq(cfg_set_uint(root, "A", 2, err, sizeof(err)), 0);
	ck_assert_int_eq(config_save_tree(root, path, true, err, sizeof(err)), 0);
	ck_assert_int_eq(cfg_read_file(path, &again, err, sizeof(err)), 0);
	ck_assert(cfg_equal(root, again));
	cfg_free(again);
	snprintf(bak, sizeof(bak), "%s.bak", path);
	ck_assert_int_eq(cfg_read_file(bak, &again, err, sizeof(err)), 0);
	ck_assert_uint_eq(cfg_find_item(again, "A")->v.u, 1); /* the previous file */
	ck_assert_int_eq(stat(path, &sb), 0);
	ck_assert_uint_eq(sb.st_mode & 0777, 0640);
	cfg_free(again);
	cfg_free(root);
}
END_TEST

START_TEST(test_known_paths)
{
	char out[256];

	known_generalise("root/VirtualHUB/LAB/SecurityAccountDatabase/UserList/alice/Policy/MaxMac",
			 out, sizeof(out));
	ck_assert_str_eq(out, "root/VirtualHUB/*/SecurityAccountDatabase/UserList/*/Policy/MaxMac");
	ck_assert(known_path(out, false));
	known_generalise("root/ListenerList/Listener3/Port", out, sizeof(out));
	ck_assert_str_eq(out, "root/ListenerList/*/Port");
	ck_assert(known_path(out, false));
	ck_assert(known_path("root/VirtualHUB/*/Option", true));
	ck_assert(known_path("root/virtualhub/*/option/maxsession", false));
	ck_assert(!known_path("root/VirtualHUB/*/SecureNAT", true));
	ck_assert(!known_path("root/VirtualHUB/*/Option/DisableUdpAcceleration", false));
	ck_assert(
	    !known_path("root/VirtualHUB/*/SecurityAccountDatabase/UserList/*/Policy/X", false));
}
END_TEST

#define BRIDGES(entries)                                                                           \
	"declare LocalBridgeList\n{\nbool DoNotDisableOffloading false\n" entries "}\n"

START_TEST(test_local_bridges)
{
	char err[1024];
	struct hub_config *c = load(
	    "declare root\n{\n" LISTENER BRIDGES(
		"declare LocalBridge0\n{\nstring DeviceName Office\nstring HubName h\n"
		"bool TapMode true\nstring TapMacAddress 5E-2C-91-0A-44-17\nbool MonitorMode "
		"true\n}\n"
		"declare LocalBridge1\n{\nstring DeviceName eth0\nstring HubName H\n"
		"bool TapMode false\nbool NoPromiscuousMode true\nbool LimitBroadcast true\n"
		"string TapMacAddress $\n}\n"
		"declare LocalBridge2\n{\nstring DeviceName averylongname\nstring HubName GONE\n"
		"bool TapMode true\n}\n") "declare VirtualHUB\n{\ndeclare H\n{\nbool Online true\n"
					  "declare Option\n{\nbool DisableCheckMacOnLocalBridge "
					  "true\n}\n}\n}\n}\n",
	    err, sizeof(err));
	const struct conf_bridge *b;

	ck_assert_msg(c != NULL, "%s", err);
	ck_assert_uint_eq(c->nbridges, 3);
	b = &c->bridges[0];
	ck_assert(b->tap_mode && b->monitor && !b->no_promiscuous && !b->limit_broadcast);
	ck_assert_str_eq(b->device, "Office");
	ck_assert_str_eq(b->ifname, "tap_office"); /* SoftEther lower-cases the TAP name */
	ck_assert(b->has_tap_mac);
	ck_assert_mem_eq(b->tap_mac, "\x5e\x2c\x91\x0a\x44\x17", 6);
	b = &c->bridges[1];
	ck_assert(!b->tap_mode && b->no_promiscuous && b->limit_broadcast && !b->has_tap_mac);
	ck_assert_str_eq(b->ifname, "eth0");
	ck_assert_str_eq(b->hub, "H");
	ck_assert_str_eq(c->bridges[2].ifname, "tap_averylongna"); /* cut to 15, as SoftEther */
	ck_assert(has_note(c, REPORT_RANKS, "the TAP device is named tap_averylongna"));
	ck_assert(has_note(c, REPORT_RANKS, "local bridge averylongname: no virtual hub GONE"));
	ck_assert(!has_note(c, REPORT_RANKS, "LocalBridgeList"));
	ck_assert(c->hubs[0].opt.disable_check_mac_on_local_bridge);
	ck_assert(config_bridge_same(&c->bridges[0], &c->bridges[0]));
	ck_assert(!config_bridge_same(&c->bridges[0], &c->bridges[1]));
	config_put(c);

	refuse("declare root\n{\n" LISTENER BRIDGES(
		   "declare LocalBridge0\n{\nstring DeviceName eth0/1\nstring HubName H\n}\n")
		   HUB_MIN "}\n",
	       21, "not a Linux interface name");
	refuse("declare root\n{\n" LISTENER BRIDGES("declare LocalBridge0\n{\nstring DeviceName "
						    "eth0123456789012\nstring HubName H\n}\n")
		   HUB_MIN "}\n",
	       21, "not a Linux interface name");
	refuse("declare root\n{\n" LISTENER BRIDGES(
		   "declare LocalBridge0\n{\nstring DeviceName eth0\n}\n") HUB_MIN "}\n",
	       19, "HubName is missing");
	refuse("declare root\n{\n" LISTENER BRIDGES(
		   "declare A\n{\nstring DeviceName x\nstring HubName H\nbool TapMode true\n}\n"
		   "declare B\n{\nstring DeviceName X\nstring HubName H\nbool TapMode true\n}\n")
		   HUB_MIN "}\n",
	       25, "interface tap_x is bridged twice");
	refuse("declare root\n{\n" LISTENER BRIDGES(
		   "declare A\n{\nstring DeviceName x\nstring HubName H\nbool TapMode true\n"
		   "string TapMacAddress 01-00-5E-00-00-01\n}\n") HUB_MIN "}\n",
	       24, "TapMacAddress is a multicast address");
}
END_TEST

START_TEST(test_missing_file)
{
	char err[512];
	struct hub_config *c = config_load("/nonexistent/SoftHUB.cfg", err, sizeof(err));

	ck_assert_ptr_null(c);
	ck_assert_ptr_nonnull(strstr(err, "/nonexistent/SoftHUB.cfg"));
}
END_TEST

Suite *config_suite(void)
{
	Suite *s = suite_create("config");
	TCase *t = tcase_create("softhub");

	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, test_cascade_cert);
	tcase_add_test(t, test_full_file);
	tcase_add_test(t, test_access_list_order);
	tcase_add_test(t, test_policy_resolution);
	tcase_add_test(t, test_policy_table);
	tcase_add_test(t, test_errors);
	tcase_add_test(t, test_notes);
	tcase_add_test(t, test_tunnel_congestion_control);
	tcase_add_test(t, test_save_tree);
	tcase_add_test(t, test_known_paths);
	tcase_add_test(t, test_missing_file);
	tcase_add_test(t, test_local_bridges);
	tcase_add_test(t, test_cascades);
	tcase_add_test(t, test_cascade_protocol);
	suite_add_tcase(s, t);
	return s;
}
