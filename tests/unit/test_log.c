// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The logs: packet log CSV lines for each packet type (through the real
 * logger thread into a real file), the level per class, field escaping;
 * log files rotated at period boundaries with a fake clock, split by size,
 * pruned by age and by total size, reopened; the logger counting the
 * records it drops while its disk fails, and writing the rest once it works.
 */
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "log.h"
#include "logfile.h"
#include "logger.h"
#include "packet.h"
#include "pktlog.h"
#include "suites.h"

/*
 * Sample frames (checksums zero: nothing here checks them).  Source
 * 5E-2C-91-0A-44-17 / 192.168.30.10, destination 00-15-5D-01-2A-0B / 10.0.0.5.
 */
static const uint8_t frame_arp[] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x5e, 0x2c, 0x91, 0x0a, 0x44, 0x17, 0x08, 0x06,
    0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x5e, 0x2c, 0x91, 0x0a, 0x44, 0x17,
    0xc0, 0xa8, 0x1e, 0x0a, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x05,
};
static const uint8_t frame_dhcp[] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x5e, 0x2c, 0x91, 0x0a, 0x44, 0x17, 0x08, 0x00, 0x45, 0x00,
    0x01, 0x10, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff,
    0xff, 0xff, 0x00, 0x44, 0x00, 0x43, 0x00, 0xfc, 0x00, 0x00, 0x01, 0x01, 0x06, 0x00, 0x39, 0x03,
    0xf3, 0x26, 0x00, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x5e, 0x2c, 0x91, 0x0a, 0x44, 0x17, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x63, 0x82, 0x53, 0x63, 0x35, 0x01, 0x01, 0xff,
};
static const uint8_t frame_syn[] = {
    0x00, 0x15, 0x5d, 0x01, 0x2a, 0x0b, 0x5e, 0x2c, 0x91, 0x0a, 0x44, 0x17, 0x08, 0x00,
    0x45, 0x00, 0x00, 0x28, 0x00, 0x01, 0x00, 0x00, 0x40, 0x06, 0x00, 0x00, 0xc0, 0xa8,
    0x1e, 0x0a, 0x0a, 0x00, 0x00, 0x05, 0xc8, 0x22, 0x01, 0xbd, 0xb5, 0xee, 0xfa, 0x9f,
    0x00, 0x00, 0x00, 0x00, 0x50, 0x02, 0xfa, 0xf0, 0x00, 0x00, 0x00, 0x00,
};
static const uint8_t frame_data[] = {
    0x00, 0x15, 0x5d, 0x01, 0x2a, 0x0b, 0x5e, 0x2c, 0x91, 0x0a, 0x44, 0x17, 0x08, 0x00,
    0x45, 0x00, 0x00, 0x38, 0x00, 0x01, 0x00, 0x00, 0x40, 0x06, 0x00, 0x00, 0xc0, 0xa8,
    0x1e, 0x0a, 0x0a, 0x00, 0x00, 0x05, 0xc8, 0x22, 0x00, 0x50, 0x00, 0x00, 0x03, 0xe8,
    0x00, 0x00, 0x07, 0xd0, 0x50, 0x18, 0x01, 0xf6, 0x00, 0x00, 0x00, 0x00, 0x47, 0x45,
    0x54, 0x20, 0x2f, 0x20, 0x48, 0x54, 0x54, 0x50, 0x2f, 0x31, 0x2e, 0x31, 0x0d, 0x0a,
};
static const uint8_t frame_udp[] = {
    0x00, 0x15, 0x5d, 0x01, 0x2a, 0x0b, 0x5e, 0x2c, 0x91, 0x0a, 0x44, 0x17, 0x08, 0x00, 0x45, 0x00,
    0x00, 0x21, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8, 0x1e, 0x0a, 0x0a, 0x00,
    0x00, 0x05, 0x13, 0x88, 0x17, 0x70, 0x00, 0x0d, 0x00, 0x00, 0x68, 0x65, 0x6c, 0x6c, 0x6f,
};
static const uint8_t frame_icmp[] = {
    0x00, 0x15, 0x5d, 0x01, 0x2a, 0x0b, 0x5e, 0x2c, 0x91, 0x0a, 0x44, 0x17, 0x08, 0x00, 0x45, 0x00,
    0x00, 0x20, 0x00, 0x01, 0x00, 0x00, 0x40, 0x01, 0x00, 0x00, 0xc0, 0xa8, 0x1e, 0x0a, 0x0a, 0x00,
    0x00, 0x05, 0x08, 0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x01, 0x70, 0x69, 0x6e, 0x67,
};
static const uint8_t frame_ipv6[] = {
    0x00, 0x15, 0x5d, 0x01, 0x2a, 0x0b, 0x5e, 0x2c, 0x91, 0x0a, 0x44, 0x17, 0x86, 0xdd, 0x60, 0x00,
    0x00, 0x00, 0x00, 0x08, 0x3a, 0x40, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x0b, 0x80, 0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x01,
};
static const uint8_t frame_lldp[] = {
    0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e, 0x5e, 0x2c, 0x91, 0x0a, 0x44, 0x17, 0x88, 0xcc, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};
static const uint8_t frame_vlan[] = {
    0x00, 0x15, 0x5d, 0x01, 0x2a, 0x0b, 0x5e, 0x2c, 0x91, 0x0a, 0x44, 0x17, 0x81, 0x00, 0x00,
    0x05, 0x08, 0x00, 0x45, 0x00, 0x00, 0x39, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x00, 0x00,
    0xc0, 0xa8, 0x1e, 0x0a, 0x0a, 0x00, 0x00, 0x05, 0x13, 0x88, 0x00, 0x35, 0x00, 0x25, 0x00,
    0x00, 0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 0x65,
    0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65, 0x03, 0x63, 0x6f, 0x6d, 0x00, 0x00, 0x01, 0x00, 0x01,
};

static char tmpdir[64];

static void make_tmpdir(void)
{
	snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_log.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
}

static void remove_tmpdir(void)
{
	struct dirent *de;
	DIR *d = opendir(tmpdir);

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)) != NULL)
		if (de->d_name[0] != '.')
			ck_assert_int_eq(unlinkat(dirfd(d), de->d_name, 0), 0);
	closedir(d);
	ck_assert_int_eq(rmdir(tmpdir), 0);
}

/* The whole of tmpdir/name, NUL-terminated (caller frees); NULL if absent. */
static char *slurp(const char *name)
{
	char path[320], *buf;
	struct stat sb;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	ck_assert_int_eq(fstat(fileno(f), &sb), 0);
	buf = calloc(1, (size_t)sb.st_size + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)sb.st_size, f), (size_t)sb.st_size);
	fclose(f);
	return buf;
}

static long size_of(const char *name)
{
	char path[320];
	struct stat sb;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	return stat(path, &sb) == 0 ? (long)sb.st_size : -1;
}

static bool exists(const char *name)
{
	char path[320];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	return access(path, F_OK) == 0;
}

/* The packet log line of one frame, without its date and time columns. */
static char *csv_of(const uint8_t *frame, size_t len, unsigned level, const char *src_user,
		    const char *dst_user)
{
	struct logfile_opts o = {0};
	struct pktlog_frame f = {.frame = frame, .len = (uint32_t)len, .level = (uint8_t)level};
	char src[PKTLOG_NAME_MAX];
	size_t src_len = pktlog_session_name(src, src_user, 3);
	struct pkt_info pi;
	struct logger *lg;
	struct log_stream *ls;
	char *text, *line;

	make_tmpdir();
	lg = logger_new();
	ck_assert_ptr_nonnull(lg);
	ls = logger_add(lg, "test packet log", tmpdir, "packet", &o, pktlog_render);
	ck_assert_ptr_nonnull(ls);
	ck_assert_int_eq(pkt_parse(frame, len, NULL, &pi), 0);
	f.pi = &pi;
	if (dst_user)
		f.dst_len = (uint16_t)pktlog_session_name(f.dst, dst_user, 4);
	pktlog_enqueue(ls, src, src_len, &f, 1);
	logger_free(lg);
	text = slurp("packet.log");
	ck_assert_ptr_nonnull(text);
	remove_tmpdir();
	/* "YYYY-MM-DD,HH:MM:SS.mmm," */
	ck_assert_uint_gt(strlen(text), 24);
	ck_assert_int_eq(text[4], '-');
	ck_assert_int_eq(text[10], ',');
	ck_assert_int_eq(text[19], '.');
	line = strdup(text + 24);
	free(text);
	return line;
}

/* One frame of each type and its line at header level. */
static const struct csv_case {
	const char *what;
	const uint8_t *frame;
	size_t len;
	const char *dst_user; /* NULL: flooded */
	const char *line;
} csv_cases[] = {
#define FRAME(f) frame_##f, sizeof(frame_##f)
    {"ARP", FRAME(arp), NULL,
     "SID-ALICE-3,-,5E2C910A4417,FFFFFFFFFFFF,0x0806,42,ARPv4,Request,-,-,-,-,-,-,"
     "Who has 10.0.0.5? Please Tell 5E2C910A4417(192.168.30.10),-\n"},
    {"DHCP", FRAME(dhcp), NULL,
     "SID-ALICE-3,-,5E2C910A4417,FFFFFFFFFFFF,0x0800,286,DHCPv4,Discover,0.0.0.0,"
     "bootpc(68),255.255.255.255,bootps(67),-,-,TransactionId=956560166 "
     "ClientIP=0.0.0.0 YourIP=0.0.0.0 ServerIP=0.0.0.0 RelayIP=0.0.0.0,-\n"},
    {"TCP SYN", FRAME(syn), "bob",
     "SID-ALICE-3,SID-BOB-4,5E2C910A4417,00155D012A0B,0x0800,54,TCP_CONNECTv4,SYN,"
     "192.168.30.10,51234,10.0.0.5,microsoft-ds(445),3052337823,0,WindowSize=64240,-\n"},
    {"TCP data", FRAME(data), "bob",
     "SID-ALICE-3,SID-BOB-4,5E2C910A4417,00155D012A0B,0x0800,70,TCP_DATAv4,ACK+PSH,"
     "192.168.30.10,51234,10.0.0.5,http(80),1000,2000,WindowSize=502,-\n"},
    {"UDP", FRAME(udp), "bob",
     "SID-ALICE-3,SID-BOB-4,5E2C910A4417,00155D012A0B,0x0800,47,UDPv4,-,"
     "192.168.30.10,5000,10.0.0.5,6000,-,-,-,-\n"},
    {"ICMP", FRAME(icmp), "bob",
     "SID-ALICE-3,SID-BOB-4,5E2C910A4417,00155D012A0B,0x0800,46,ICMPv4,Echo Request,"
     "192.168.30.10,-,10.0.0.5,-,-,-,-,-\n"},
    {"IPv6", FRAME(ipv6), "bob",
     "SID-ALICE-3,SID-BOB-4,5E2C910A4417,00155D012A0B,0x86DD,62,ICMPv6,Echo Request,"
     "fe80::a,-,fe80::b,-,-,-,-,-\n"},
    {"non-IP", FRAME(lldp), NULL,
     "SID-ALICE-3,-,5E2C910A4417,0180C200000E,0x88CC,60,Proto=0x88CC,-,-,-,-,-,-,-,-,-\n"},
    {"VLAN (DNS query)", FRAME(vlan), "bob",
     "SID-ALICE-3,SID-BOB-4,5E2C910A4417,00155D012A0B,0x0800,75,DNSv4,DNS_Query,"
     "192.168.30.10,5000,10.0.0.5,dns(53),-,-,example.com VLAN=5,-\n"},
#undef FRAME
};

START_TEST(csv_each_type)
{
	char *got = csv_of(csv_cases[_i].frame, csv_cases[_i].len, PKTLOG_HEADER, "alice",
			   csv_cases[_i].dst_user);

	ck_assert_msg(strcmp(got, csv_cases[_i].line) == 0, "%s: got %s", csv_cases[_i].what, got);
	free(got);
}
END_TEST

/* One byte of a sample frame changed, and the line it gives (a branch each of the renderer). */
static const struct csv_variant {
	const char *what;
	const uint8_t *frame;
	size_t len, at;
	uint8_t value;
	const char *line;
} csv_variants[] = {
#define FRAME(f) frame_##f, sizeof(frame_##f)
    {"ARP reply", FRAME(arp), 21, 2,
     "SID-ALICE-3,SID-BOB-4,5E2C910A4417,FFFFFFFFFFFF,0x0806,42,ARPv4,Response,-,-,-,-,-,-,"
     "192.168.30.10 is at 5E2C910A4417,-\n"},
    {"ARP other op", FRAME(arp), 21, 3,
     "SID-ALICE-3,SID-BOB-4,5E2C910A4417,FFFFFFFFFFFF,0x0806,42,ARPv4,Op=3,-,-,-,-,-,-,-,-\n"},
    {"TCP FIN+RST", FRAME(syn), 47, 0x05,
     "SID-ALICE-3,SID-BOB-4,5E2C910A4417,00155D012A0B,0x0800,54,TCP_CONNECTv4,FIN+RST,"
     "192.168.30.10,51234,10.0.0.5,microsoft-ds(445),3052337823,0,WindowSize=64240,-\n"},
    {"TCP no flags", FRAME(syn), 47, 0,
     "SID-ALICE-3,SID-BOB-4,5E2C910A4417,00155D012A0B,0x0800,54,TCP_DATAv4,-,"
     "192.168.30.10,51234,10.0.0.5,microsoft-ds(445),3052337823,0,WindowSize=64240,-\n"},
    {"GRE", FRAME(icmp), 23, 47,
     "SID-ALICE-3,SID-BOB-4,5E2C910A4417,00155D012A0B,0x0800,46,IPv4(0x2F),-,"
     "192.168.30.10,-,10.0.0.5,-,-,-,-,-\n"},
    {"ICMP unknown type", FRAME(icmp), 34, 42,
     "SID-ALICE-3,SID-BOB-4,5E2C910A4417,00155D012A0B,0x0800,46,ICMPv4,Type=42 Code=0,"
     "192.168.30.10,-,10.0.0.5,-,-,-,-,-\n"},
#undef FRAME
};

START_TEST(csv_variant)
{
	uint8_t frame[512];
	char *got;

	ck_assert_uint_le(csv_variants[_i].len, sizeof(frame));
	memcpy(frame, csv_variants[_i].frame, csv_variants[_i].len);
	frame[csv_variants[_i].at] = csv_variants[_i].value;
	got = csv_of(frame, csv_variants[_i].len, PKTLOG_HEADER, "alice", "bob");
	ck_assert_msg(strcmp(got, csv_variants[_i].line) == 0, "%s: got %s", csv_variants[_i].what,
		      got);
	free(got);
}
END_TEST

START_TEST(csv_ike)
{
	uint8_t frame[sizeof(frame_udp)];
	char *got;

	memcpy(frame, frame_udp, sizeof(frame));
	frame[36] = 0x01; /* destination port 500 */
	frame[37] = 0xf4;
	got = csv_of(frame, sizeof(frame), PKTLOG_HEADER, "alice", NULL);
	ck_assert_str_eq(got, "SID-ALICE-3,-,5E2C910A4417,00155D012A0B,0x0800,47,IKE_CONNECTv4,-,"
			      "192.168.30.10,5000,10.0.0.5,isakmp(500),-,-,-,-\n");
	free(got);
}
END_TEST

START_TEST(csv_full_level_hex)
{
	char *got = csv_of(frame_icmp, sizeof(frame_icmp), PKTLOG_FULL, "alice", "bob");
	char hex[2 * sizeof(frame_icmp) + 2];

	for (size_t i = 0; i < sizeof(frame_icmp); i++)
		snprintf(hex + 2 * i, 3, "%02X", frame_icmp[i]);
	strcat(hex, "\n");
	ck_assert_str_eq(strrchr(got, ',') + 1, hex);
	free(got);
}
END_TEST

START_TEST(csv_escaping)
{
	char *got = csv_of(frame_udp, sizeof(frame_udp), PKTLOG_HEADER, "a,b\nc", "bob");

	ck_assert_str_eq(got, "SID-A_B_C-3,SID-BOB-4,5E2C910A4417,00155D012A0B,0x0800,47,UDPv4,-,"
			      "192.168.30.10,5000,10.0.0.5,6000,-,-,-,-\n");
	free(got);
}
END_TEST

static unsigned level_of(const uint8_t *frame, size_t len, const uint32_t level[LOG_CLASSES])
{
	struct pkt_info pi;

	ck_assert_int_eq(pkt_parse(frame, len, NULL, &pi), 0);
	return pktlog_level(level, &pi);
}

/* names from the network: control, C1 and bidi characters are escaped; UTF-8 text stays */
START_TEST(sanitize_names)
{
	const char in[] = "a\nb\x1b[31m \xc2\x85 \xe2\x80\xae evil \xe2\x81\xa6 caf\xc3\xa9";
	char out[128];

	log_sanitize(out, sizeof(out), in, sizeof(in) - 1);
	ck_assert_str_eq(out, "a\\x0Ab\\x1B[31m \\u0085 \\u202E evil \\u2066 caf\xc3\xa9");
	/* truncation never splits an escape */
	ck_assert_uint_eq(log_sanitize(out, 4, "\x01\x02", 2), 0);
	ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(level_per_class)
{
	/* SoftEther's defaults: TCP_CONN and DHCP at header level */
	uint32_t def[LOG_CLASSES] = {[LOG_TCP_CONN] = 1, [LOG_DHCP] = 1};
	uint32_t eth[LOG_CLASSES] = {[LOG_ETHERNET] = 2};
	uint32_t icmp[LOG_CLASSES] = {[LOG_ICMP] = 2, [LOG_IP] = 1};

	ck_assert_uint_eq(level_of(frame_syn, sizeof(frame_syn), def), 1);
	ck_assert_uint_eq(level_of(frame_data, sizeof(frame_data), def), 0);
	ck_assert_uint_eq(level_of(frame_dhcp, sizeof(frame_dhcp), def), 1);
	ck_assert_uint_eq(level_of(frame_vlan, sizeof(frame_vlan), def), 1); /* DNS query */
	ck_assert_uint_eq(level_of(frame_arp, sizeof(frame_arp), def), 0);
	ck_assert_uint_eq(level_of(frame_lldp, sizeof(frame_lldp), eth), 2);
	ck_assert_uint_eq(level_of(frame_icmp, sizeof(frame_icmp), icmp), 2);
	ck_assert_uint_eq(level_of(frame_udp, sizeof(frame_udp), icmp), 1);
	ck_assert_uint_eq(level_of(frame_arp, sizeof(frame_arp), icmp), 0);
}
END_TEST

/* ---- log files with a fake clock (UTC) ---- */

#define T_20250115_235959 ((time_t)1736985599)

static void init_file(struct logfile *lf, unsigned sw, uint64_t max, uint32_t days, uint64_t bytes)
{
	struct logfile_opts o = {
	    .switch_type = sw, .max_size = max, .retain_days = days, .retain_bytes = bytes};

	setenv("TZ", "UTC", 1);
	tzset();
	make_tmpdir();
	ck_assert_int_eq(logfile_init(lf, tmpdir, "packet", &o), 0);
}

static void put_line(struct logfile *lf, const char *s, time_t now)
{
	ck_assert_int_eq(logfile_write(lf, s, strlen(s), now), (ssize_t)strlen(s));
}

static void assert_file(const char *name, const char *content)
{
	char *got = slurp(name);

	ck_assert_msg(got != NULL, "%s missing", name);
	ck_assert_str_eq(got, content);
	free(got);
}

START_TEST(rotate_at_day_boundary)
{
	struct logfile lf;

	init_file(&lf, LOGFILE_SWITCH_DAY, 0, 0, 0);
	put_line(&lf, "a\n", T_20250115_235959 - 86399); /* 00:00:00 that day */
	put_line(&lf, "b\n", T_20250115_235959);
	ck_assert(!exists("packet-20250115.log"));
	put_line(&lf, "c\n", T_20250115_235959 + 1);
	assert_file("packet-20250115.log", "a\nb\n");
	assert_file("packet.log", "c\n");
	logfile_close(&lf);
	remove_tmpdir();
}
END_TEST

START_TEST(rotate_at_each_switch_type)
{
	static const struct {
		unsigned sw;
		time_t step; /* from 2025-01-15 23:59:59 to the last second of the period */
		const char *rotated;
	} cases[] = {
	    {LOGFILE_SWITCH_SECOND, 0, "packet-20250115_235959.log"},
	    {LOGFILE_SWITCH_MINUTE, 0, "packet-20250115_2359.log"},
	    {LOGFILE_SWITCH_HOUR, 0, "packet-20250115_23.log"},
	    {LOGFILE_SWITCH_MONTH, 16 * 86400, "packet-202501.log"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct logfile lf;
		time_t last = T_20250115_235959 + cases[i].step;

		init_file(&lf, cases[i].sw, 0, 0, 0);
		put_line(&lf, "x\n", last);
		ck_assert(!exists(cases[i].rotated));
		put_line(&lf, "y\n", last + 1);
		assert_file(cases[i].rotated, "x\n");
		assert_file("packet.log", "y\n");
		logfile_close(&lf);
		remove_tmpdir();
	}
}
END_TEST

START_TEST(no_switch_never_rotates)
{
	struct logfile lf;

	init_file(&lf, LOGFILE_SWITCH_NONE, 0, 0, 0);
	put_line(&lf, "x\n", T_20250115_235959);
	put_line(&lf, "y\n", T_20250115_235959 + 400 * 86400);
	assert_file("packet.log", "x\ny\n");
	logfile_close(&lf);
	remove_tmpdir();
}
END_TEST

START_TEST(split_by_size)
{
	struct logfile lf;
	const char *line = "0123456789012345678901234567890123456789\n"; /* 41 bytes */

	init_file(&lf, LOGFILE_SWITCH_DAY, 100, 0, 0);
	for (int i = 0; i < 7; i++)
		put_line(&lf, line, T_20250115_235959);
	/* two lines (82 bytes) per file: a third would pass 100 */
	ck_assert_int_eq(size_of("packet-20250115.log"), 82);
	ck_assert_int_eq(size_of("packet-20250115~01.log"), 82);
	ck_assert_int_eq(size_of("packet-20250115~02.log"), 82);
	ck_assert_int_eq(size_of("packet.log"), 41);
	ck_assert(!exists("packet-20250115~03.log"));
	logfile_close(&lf);
	remove_tmpdir();
}
END_TEST

/* A rotated file of size bytes whose last change was at mtime. */
static void old_file(const char *name, size_t size, time_t mtime)
{
	char path[320];
	struct timeval tv[2] = {{.tv_sec = mtime}, {.tv_sec = mtime}};
	int fd;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (off_t)size), 0);
	close(fd);
	ck_assert_int_eq(utimes(path, tv), 0);
}

/* Past several LOGFILE_WINDOWs (written back, dropped from the page cache): every byte still there.
 */
START_TEST(windows_settled_content_intact)
{
	enum { LINES = 3 * LOGFILE_WINDOW / 64 + 100 };
	struct logfile lf;
	char line[65], *text;

	init_file(&lf, LOGFILE_SWITCH_NONE, 0, 0, 0);
	for (unsigned i = 0; i < LINES; i++) {
		snprintf(line, sizeof(line), "%063u\n", i);
		put_line(&lf, line, T_20250115_235959);
	}
	ck_assert_uint_eq(lf.settled, 3 * (uint64_t)LOGFILE_WINDOW);
	logfile_close(&lf);
	text = slurp("packet.log");
	ck_assert_ptr_nonnull(text);
	ck_assert_uint_eq(strlen(text), (size_t)LINES * 64);
	for (unsigned i = 0; i < LINES; i++) {
		snprintf(line, sizeof(line), "%063u\n", i);
		ck_assert_int_eq(memcmp(text + (size_t)i * 64, line, 64), 0);
	}
	free(text);
	remove_tmpdir();
}
END_TEST

START_TEST(retention_by_age)
{
	time_t now = T_20250115_235959;
	struct logfile lf;

	init_file(&lf, LOGFILE_SWITCH_DAY, 0, 7, 0);
	old_file("packet-20250101.log", 10, now - 14 * 86400);
	old_file("packet-20250108.log", 10, now - 7 * 86400 - 1);
	old_file("packet-20250110.log", 10, now - 5 * 86400);
	old_file("security-20250101.log", 10, now - 14 * 86400); /* another log's */
	old_file("packet.txt", 10, now - 14 * 86400);
	ck_assert_int_eq(logfile_prune(&lf, now), 2);
	ck_assert(!exists("packet-20250101.log"));
	ck_assert(!exists("packet-20250108.log"));
	ck_assert(exists("packet-20250110.log"));
	ck_assert(exists("security-20250101.log"));
	ck_assert(exists("packet.txt"));
	remove_tmpdir();
}
END_TEST

START_TEST(retention_by_total_size)
{
	time_t now = T_20250115_235959;
	struct logfile lf;

	init_file(&lf, LOGFILE_SWITCH_DAY, 0, 0, 250);
	put_line(&lf, "0123456789012345678901234567890123456789012345678\n", now); /* 50 */
	old_file("packet-20250112.log", 100, now - 3 * 86400);
	old_file("packet-20250113.log", 100, now - 2 * 86400);
	old_file("packet-20250114.log", 100, now - 1 * 86400);
	/* 350 bytes in all: the oldest goes, 250 remain */
	ck_assert_int_eq(logfile_prune(&lf, now), 1);
	ck_assert(!exists("packet-20250112.log"));
	ck_assert(exists("packet-20250113.log"));
	ck_assert(exists("packet-20250114.log"));
	ck_assert_int_eq(logfile_prune(&lf, now), 0);
	logfile_close(&lf);
	remove_tmpdir();
}
END_TEST

START_TEST(reopen_after_logrotate)
{
	char from[320], to[320];
	struct logfile lf;

	init_file(&lf, LOGFILE_SWITCH_NONE, 0, 0, 0);
	put_line(&lf, "a\n", T_20250115_235959);
	snprintf(from, sizeof(from), "%s/packet.log", tmpdir);
	snprintf(to, sizeof(to), "%s/packet.log.1", tmpdir);
	ck_assert_int_eq(rename(from, to), 0); /* what logrotate does */
	put_line(&lf, "b\n", T_20250115_235959);
	logfile_reopen(&lf);
	put_line(&lf, "c\n", T_20250115_235959);
	assert_file("packet.log.1", "a\nb\n");
	assert_file("packet.log", "c\n");
	logfile_close(&lf);
	remove_tmpdir();
}
END_TEST

START_TEST(bad_names_refused)
{
	struct logfile_opts o = {0};
	struct logfile lf;

	ck_assert_int_eq(logfile_init(&lf, "/tmp", "a/b", &o), -1);
	ck_assert_int_eq(logfile_init(&lf, "/tmp", "", &o), -1);
}
END_TEST

/* ---- the logger thread ---- */

START_TEST(text_line_has_iso_time)
{
	struct logfile_opts o = {0};
	struct logger *lg;
	struct log_stream *ls;
	char *text;

	make_tmpdir();
	lg = logger_new();
	ck_assert_ptr_nonnull(lg);
	ls = logger_add(lg, "test security log", tmpdir, "security", &o, log_render_text);
	ck_assert_ptr_nonnull(ls);
	log_stream_printf(ls, "session %u: two\nlines", 7);
	logger_free(lg);
	text = slurp("security.log");
	ck_assert_ptr_nonnull(text);
	/* 2025-01-15T09:12:01.002+0000 session 7: two lines */
	ck_assert_uint_eq(strlen(text), 29 + strlen("session 7: two lines\n"));
	ck_assert_int_eq(text[10], 'T');
	ck_assert_int_eq(text[19], '.');
	ck_assert(text[23] == '+' || text[23] == '-');
	ck_assert_str_eq(text + 29, "session 7: two lines\n");
	free(text);
	remove_tmpdir();
}
END_TEST

static size_t count_lines(const char *text)
{
	size_t n = 0;

	for (; *text; text++)
		n += *text == '\n';
	return n;
}

/*
 * The log directory is missing (as good as a failing disk): records pile up,
 * the queue fills, further ones are dropped and counted.  Once the directory
 * exists the thread catches up; every record not dropped is in the file.
 */
START_TEST(drops_counted_while_disk_fails)
{
	enum { N = 100000 };
	struct logfile_opts o = {0};
	struct logger *lg;
	struct log_stream *ls;
	uint64_t dropped;
	char *text;

	make_tmpdir();
	ck_assert_int_eq(rmdir(tmpdir), 0); /* made again below */
	lg = logger_new();
	ck_assert_ptr_nonnull(lg);
	ls = logger_add(lg, "test log", tmpdir, "t", &o, log_render_text);
	ck_assert_ptr_nonnull(ls);
	for (unsigned i = 0; i < N; i++)
		log_stream_printf(ls, "record %u %0200u", i, i);
	dropped = log_stream_dropped(ls);
	ck_assert_uint_gt(dropped, 0);
	ck_assert_uint_lt(dropped, N);
	ck_assert_int_eq(mkdir(tmpdir, 0700), 0);
	logger_free(lg);
	text = slurp("t.log");
	ck_assert_ptr_nonnull(text);
	ck_assert_uint_eq(count_lines(text), N - dropped);
	free(text);
	remove_tmpdir();
}
END_TEST

/*
 * Producers on several threads, in batches, while the thread drains (the
 * queue's lock-free consumer side; run under TSan in CI): every record that
 * was not dropped arrives whole, each producer's in its order, and written +
 * dropped adds up.  The records pass the 4 MiB ring many times over.
 */
enum { PRODUCERS = 4, PER_PRODUCER = 40000, BATCH = 16 };

static void *produce(void *arg)
{
	struct log_stream *ls = arg;
	static _Atomic unsigned next_id;
	unsigned id = atomic_fetch_add(&next_id, 1) % PRODUCERS;

	for (unsigned i = 0; i < PER_PRODUCER; i += BATCH) {
		struct log_batch b;

		log_batch_begin(&b, ls);
		for (unsigned j = i; j < i + BATCH; j++) {
			char *p = log_batch_add(&b, 120);

			if (p) /* "p<id> <seq> " padded with the id's letter to 120 bytes */
				memset(p + snprintf(p, 120, "p%u %06u ", id, j), 'a' + (int)id,
				       120 - (size_t)snprintf(NULL, 0, "p%u %06u ", id, j));
		}
		log_batch_end(&b);
	}
	return NULL;
}

START_TEST(producers_race_the_thread)
{
	struct logfile_opts o = {0};
	pthread_t t[PRODUCERS];
	unsigned last[PRODUCERS];
	uint64_t dropped, lines = 0;
	struct logger *lg;
	struct log_stream *ls;
	char *text, *line, *save;

	make_tmpdir();
	lg = logger_new();
	ck_assert_ptr_nonnull(lg);
	ls = logger_add(lg, "test log", tmpdir, "race", &o, log_render_text);
	ck_assert_ptr_nonnull(ls);
	for (int i = 0; i < PRODUCERS; i++)
		ck_assert_int_eq(pthread_create(&t[i], NULL, produce, ls), 0);
	for (int i = 0; i < PRODUCERS; i++)
		pthread_join(t[i], NULL);
	dropped = log_stream_dropped(ls);
	logger_free(lg);
	text = slurp("race.log");
	ck_assert_ptr_nonnull(text);
	memset(last, 0xff, sizeof(last));
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *rec = strchr(line, ' '); /* after the time stamp */
		unsigned id, seq;
		int n = 0;

		ck_assert_ptr_nonnull(rec);
		ck_assert_int_eq(sscanf(rec + 1, "p%u %u %n", &id, &seq, &n), 2);
		ck_assert_uint_lt(id, PRODUCERS);
		ck_assert_uint_eq(strlen(rec + 1), 120);
		ck_assert_uint_eq(strspn(rec + 1 + n, (char[]){(char)('a' + id), 0}),
				  120 - (size_t)n);
		ck_assert(last[id] == ~0u || seq > last[id]);
		last[id] = seq;
		lines++;
	}
	ck_assert_uint_eq(lines + dropped, PRODUCERS * PER_PRODUCER);
	ck_assert_uint_gt(lines, 0);
	free(text);
	remove_tmpdir();
}
END_TEST

Suite *log_suite(void)
{
	Suite *s = suite_create("log");
	TCase *csv = tcase_create("packet log CSV");
	TCase *files = tcase_create("log files");
	TCase *thread = tcase_create("logger thread");

	tcase_add_loop_test(csv, csv_each_type, 0, sizeof(csv_cases) / sizeof(csv_cases[0]));
	tcase_add_test(csv, csv_full_level_hex);
	tcase_add_test(csv, csv_escaping);
	tcase_add_test(csv, sanitize_names);
	tcase_add_loop_test(csv, csv_variant, 0, sizeof(csv_variants) / sizeof(csv_variants[0]));
	tcase_add_test(csv, csv_ike);
	tcase_add_test(csv, level_per_class);
	suite_add_tcase(s, csv);
	tcase_add_test(files, rotate_at_day_boundary);
	tcase_add_test(files, rotate_at_each_switch_type);
	tcase_add_test(files, no_switch_never_rotates);
	tcase_add_test(files, split_by_size);
	tcase_add_test(files, windows_settled_content_intact);
	tcase_add_test(files, retention_by_age);
	tcase_add_test(files, retention_by_total_size);
	tcase_add_test(files, reopen_after_logrotate);
	tcase_add_test(files, bad_names_refused);
	suite_add_tcase(s, files);
	tcase_add_test(thread, text_line_has_iso_time);
	tcase_add_test(thread, drops_counted_while_disk_fails);
	tcase_add_test(thread, producers_race_the_thread);
	tcase_set_timeout(thread, 60);
	suite_add_tcase(s, thread);
	return s;
}
