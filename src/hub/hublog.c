// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The hub's packet, security and server logs (hublog.h): where the files
 * live, which settings apply, and the one-line hooks the rest of the hub
 * calls.  The forwarding path reads only atomics here: the stream pointer
 * (published once) and the per-class levels (replaced on reload), once per
 * chunk of frames.
 */
#include "hublog.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "logger.h"
#include "pktlog.h"
#include "session.h"

struct hublog {
	char name[PROTO_NAME_MAX + 1];
	/* published once under hl_lock, read by any thread (acquire) */
	_Atomic(struct log_stream *) packets, security;
	atomic_bool packets_on, security_on;
	atomic_uint level[LOG_CLASSES];
};

static pthread_mutex_t hl_lock = PTHREAD_MUTEX_INITIALIZER; /* guards the rest */
static struct logger *hl_logger;
static struct log_stream *hl_server;
static char hl_dir[PATH_MAX];
static atomic_bool hl_to_stderr;
static bool hl_dir_ours; /* hublog_start created it: ours to hand to the service user */

static void server_sink(const char *level, const char *msg, size_t len)
{
	struct log_stream *ls = hl_server;

	if (ls)
		log_stream_printf(ls, "%s%.*s", level, (int)len, msg);
}

static void opts_from(const struct hub_config *cfg, unsigned switch_type, struct logfile_opts *o)
{
	o->switch_type = switch_type;
	o->max_size = cfg->log_max_file_size;
	o->retain_days = cfg->log_retain_days;
	o->retain_bytes = cfg->log_retain_bytes;
}

/* LOGDIR or LOGDIR/<hub>; an existing one is fine.  *made tells whether it is new. */
static int make_dir(const char *path, bool *made)
{
	*made = mkdir(path, 0750) == 0;
	return *made || errno == EEXIST ? 0 : -1;
}

int hublog_start(const struct hub_config *cfg, char *err, size_t errlen)
{
	struct logfile_opts o;

	if (cfg->log_dir[0])
		snprintf(hl_dir, sizeof(hl_dir), "%s", cfg->log_dir);
	else
		snprintf(hl_dir, sizeof(hl_dir), "%s/log", cfg->state_dir);
	atomic_store(&hl_to_stderr, cfg->log_to_stderr);
	hl_logger = logger_new();
	if (!hl_logger) {
		snprintf(err, errlen, "cannot start the log thread");
		return -1;
	}
	if (cfg->log_to_stderr)
		return 0;
	if (make_dir(hl_dir, &hl_dir_ours) != 0) {
		snprintf(err, errlen, "cannot create log directory %s: %s", hl_dir,
			 strerror(errno));
		return -1;
	}
	opts_from(cfg, LOGFILE_SWITCH_DAY, &o); /* SoftEther switches its server log daily */
	hl_server = logger_add(hl_logger, "server log", hl_dir, "server", &o, log_render_text);
	if (hl_server)
		log_set_sink(server_sink);
	return 0;
}

void hublog_stop(void)
{
	log_set_sink(NULL);
	logger_free(hl_logger);
	hl_logger = NULL;
	hl_server = NULL;
}

/* chown of dir and, one level down, what root made in it (hub directories, their files) */
static void chown_tree(const char *dir, uid_t uid, gid_t gid, int depth)
{
	struct dirent *de;
	DIR *d;

	if (chown(dir, uid, gid) != 0) {
		log_warn("cannot hand log directory %s to uid %u", dir, (unsigned)uid);
		return;
	}
	if (depth == 0 || !(d = opendir(dir)))
		return;
	while ((de = readdir(d)) != NULL) {
		struct stat sb;

		if (de->d_name[0] == '.' ||
		    fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) != 0 || sb.st_uid != 0)
			continue;
		if (S_ISDIR(sb.st_mode)) {
			char sub[sizeof(hl_dir) + NAME_MAX + 2];

			snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name);
			chown_tree(sub, uid, gid, depth - 1);
		} else if (S_ISREG(sb.st_mode) &&
			   fchownat(dirfd(d), de->d_name, uid, gid, AT_SYMLINK_NOFOLLOW) != 0) {
			log_warn("cannot hand log file %s/%s to uid %u", dir, de->d_name,
				 (unsigned)uid);
		}
	}
	closedir(d);
}

void hublog_chown(uid_t uid, gid_t gid)
{
	if (!hl_logger || !hl_dir_ours)
		return; /* an administrator's directory: its owner is theirs to choose */
	chown_tree(hl_dir, uid, gid, 2);
}

void hublog_reopen(void)
{
	if (hl_logger)
		logger_reopen(hl_logger);
}

struct hublog *hublog_new(const char *hub_name)
{
	struct hublog *hl = calloc(1, sizeof(*hl));

	if (hl)
		snprintf(hl->name, sizeof(hl->name), "%s", hub_name);
	return hl;
}

/*
 * A hub's stream: LOGDIR/<hub>/<base>.log; the directory name is the hub
 * name with '/' and a leading '.' made harmless.  Caller holds hl_lock.
 */
static struct log_stream *open_stream(struct hublog *hl, const char *what, const char *base,
				      const struct logfile_opts *o, log_render_fn render)
{
	char dir[sizeof(hl_dir) + PROTO_NAME_MAX + 2], name[PROTO_NAME_MAX + 1], title[400];
	struct log_stream *ls;
	bool made;

	snprintf(name, sizeof(name), "%s", hl->name);
	for (char *c = name; *c; c++)
		if (*c == '/' || (c == name && *c == '.'))
			*c = '_';
	snprintf(dir, sizeof(dir), "%s/%s", hl_dir, name);
	if (make_dir(dir, &made) != 0) {
		log_warn("hub %s: cannot create log directory %s", hl->name, dir);
		return NULL;
	}
	snprintf(title, sizeof(title), "hub %s %s", hl->name, what);
	ls = logger_add(hl_logger, title, dir, base, o, render);
	if (!ls)
		log_warnx("hub %s: cannot start the %s in %s", hl->name, what, dir);
	return ls;
}

/* Creates or updates one of a hub's streams; caller holds hl_lock. */
static bool configure_stream(struct hublog *hl, _Atomic(struct log_stream *) *slot, bool on,
			     const char *what, const char *base, const struct logfile_opts *o,
			     log_render_fn render)
{
	struct log_stream *ls = atomic_load_explicit(slot, memory_order_relaxed);

	if (!on)
		return false;
	if (ls) {
		log_stream_set_opts(ls, o);
		return true;
	}
	ls = open_stream(hl, what, base, o, render);
	/* release: pairs with the acquire loads in hublog_batch_begin and security_line */
	atomic_store_explicit(slot, ls, memory_order_release);
	return ls != NULL;
}

static uint32_t max_level(const struct conf_log *l)
{
	uint32_t m = 0;

	for (int i = 0; i < LOG_CLASSES; i++)
		if (l->packet_level[i] > m)
			m = l->packet_level[i];
	return m;
}

void hublog_configure(struct hublog *hl, const struct hub_config *cfg, const struct conf_hub *ch)
{
	const struct conf_log *l = &ch->log;
	struct logfile_opts o;
	bool on;

	if (!hl || !hl_logger)
		return;
	pthread_mutex_lock(&hl_lock);
	for (int i = 0; i < LOG_CLASSES; i++)
		atomic_store_explicit(&hl->level[i], l->packet_level[i], memory_order_relaxed);
	opts_from(cfg, l->packet_switch, &o);
	on = configure_stream(hl, &hl->packets, l->save_packet_log && max_level(l) > 0,
			      "packet log", "packet", &o, pktlog_render);
	atomic_store_explicit(&hl->packets_on, on, memory_order_relaxed);
	opts_from(cfg, l->security_switch, &o);
	on = configure_stream(hl, &hl->security, l->save_security_log && !cfg->log_to_stderr,
			      "security log", "security", &o, log_render_text);
	atomic_store_explicit(&hl->security_on, l->save_security_log, memory_order_relaxed);
	(void)on;
	pthread_mutex_unlock(&hl_lock);
}

/* Room a chunk's records take at header level, about: less than this left, the chunk is dropped. */
#define BATCH_ROOM (HUBLOG_BATCH_MAX * 256)

bool hublog_batch_begin(struct hublog_batch *b, struct hublog *hl)
{
	b->n = b->lost = 0;
	/* relaxed: a reload may switch logging on or off a few frames late */
	if (!hl || !atomic_load_explicit(&hl->packets_on, memory_order_relaxed))
		return false;
	/* acquire: pairs with the release store in configure_stream */
	b->ls = atomic_load_explicit(&hl->packets, memory_order_acquire);
	if (!b->ls)
		return false;
	for (int i = 0; i < LOG_CLASSES; i++)
		b->level[i] = atomic_load_explicit(&hl->level[i], memory_order_relaxed);
	b->full = log_stream_full(b->ls, BATCH_ROOM);
	return true;
}

void hublog_batch_note(struct hublog_batch *b, const struct session *dst, const struct pkt_info *pi,
		       const struct pkt *p)
{
	size_t off = pkt_frame_off(p);
	unsigned level = pktlog_level(b->level, pi);
	struct pktlog_frame *f;

	if (level == PKTLOG_NONE || b->n == HUBLOG_BATCH_MAX)
		return;
	if (b->full) { /* the logger is behind: no copies that would be refused anyway */
		b->lost++;
		return;
	}
	f = &b->f[b->n++];
	f->pi = pi;
	f->frame = p->data + off;
	f->len = p->len - (uint32_t)off;
	f->level = (uint8_t)level;
	f->dst_len = dst ? dst->log_name_len : 0;
	if (dst) /* dst may be gone once the hub lock is released */
		memcpy(f->dst, dst->log_name, dst->log_name_len);
}

void hublog_batch_end(struct hublog_batch *b, const struct session *src)
{
	if (b->lost)
		log_stream_count_dropped(b->ls, b->lost);
	if (b->n)
		pktlog_enqueue(b->ls, src->log_name, src->log_name_len, b->f, b->n);
	b->n = b->lost = 0;
}

void hublog_mac_moved(struct hublog *hl, const uint8_t mac[6], uint16_t vlan,
		      const struct session *to)
{
	char text[LOGGER_TEXT_MAX];

	snprintf(text, sizeof(text),
		 "MAC %02X-%02X-%02X-%02X-%02X-%02X (VLAN %u) moved to session %u (%s) from %s",
		 mac[0], mac[1], mac[2], mac[3], mac[4], mac[5], vlan, to->id, to->user, to->peer);
	/* in the server log too, like refused takeovers: the security log is off by default */
	log_info("security: hub %s: %s", hl ? hl->name : "?", text);
	hublog_security(hl, "%s", text);
}

static void security_line(struct hublog *hl, const char *text)
{
	struct log_stream *ls;

	if (!hl) /* no hub yet: the daemon's own line (and so the server log) has it */
		return;
	if (!atomic_load_explicit(&hl->security_on, memory_order_relaxed))
		return;
	if (atomic_load_explicit(&hl_to_stderr, memory_order_relaxed)) {
		log_info("hub %s: security: %s", hl->name, text);
		return;
	}
	/* acquire: pairs with the release store in configure_stream */
	ls = atomic_load_explicit(&hl->security, memory_order_acquire);
	if (ls)
		log_stream_printf(ls, "%s", text);
}

void hublog_security(struct hublog *hl, const char *fmt, ...)
{
	char text[LOGGER_TEXT_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	security_line(hl, text);
}

void hublog_session(struct hublog *hl, const struct session *s, const char *fmt, ...)
{
	char text[LOGGER_TEXT_MAX];
	int n;
	va_list ap;

	n = snprintf(text, sizeof(text), "session %u (%s) from %s: ", s->id,
		     s->user[0] ? s->user : "?", s->peer);
	if (n < 0 || (size_t)n >= sizeof(text))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(text + n, sizeof(text) - (size_t)n, fmt, ap);
	va_end(ap);
	security_line(hl, text);
}

void hublog_free(struct hublog *hl)
{
	free(hl); /* its streams belong to the logger */
}

void hublog_counts(const struct hublog *hl, struct hublog_counts *c)
{
	/* acquire: both pair with the release store in configure_stream */
	struct log_stream *p = hl ? atomic_load_explicit(&hl->packets, memory_order_acquire) : NULL;
	struct log_stream *s =
	    hl ? atomic_load_explicit(&hl->security, memory_order_acquire) : NULL;

	*c = (struct hublog_counts){0};
	if (p) {
		c->packet_written = log_stream_written(p);
		c->packet_dropped = log_stream_dropped(p);
	}
	if (s) {
		c->security_written = log_stream_written(s);
		c->security_dropped = log_stream_dropped(s);
	}
}
