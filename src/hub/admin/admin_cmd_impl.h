/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Inside the command table (admin_cmd.c): the handler type and the
 * handlers of admin_view.c (reading) and admin_edit.c (changing).
 */
#ifndef VPN_ADMIN_CMD_IMPL_H
#define VPN_ADMIN_CMD_IMPL_H

#include "admin_session.h"

/*
 * A configuration change: edits root (SoftHUB.cfg's tree) and describes what
 * it did in done; 0, or -1 with a message in c->err.  admin_edit runs it:
 * read, edit, validate, save, swap in (admin_edit.c).
 */
struct cfg_folder;
typedef int (*admin_edit_fn)(struct admin_call *c, struct cfg_folder *root, char *done, size_t n);
int admin_edit(struct admin_call *c, admin_edit_fn fn);

/* admin_view.c */
extern const char *const admin_log_classes[LOG_CLASSES]; /* LogSetting item names */
int cmd_status(struct admin_call *c);
int cmd_hub_list(struct admin_call *c);
int cmd_hub_select(struct admin_call *c);
int cmd_session_list(struct admin_call *c);
int cmd_session_show(struct admin_call *c);
int cmd_session_kick(struct admin_call *c);
int cmd_mac_table(struct admin_call *c);
int cmd_ip_table(struct admin_call *c);
int cmd_user_list(struct admin_call *c);
int cmd_user_show(struct admin_call *c);
int cmd_group_list(struct admin_call *c);
int cmd_policy_show(struct admin_call *c);
int cmd_access_list(struct admin_call *c);
int cmd_hub_show(struct admin_call *c);
int cmd_ac_list(struct admin_call *c);
int cmd_log_show(struct admin_call *c);
int cmd_stats(struct admin_call *c);
int cmd_listener_list(struct admin_call *c);

/* admin_bridge.c: local bridges */
int cmd_bridge_list(struct admin_call *c);
int edit_bridge_add(struct admin_call *c, struct cfg_folder *root, char *done, size_t n);
int edit_bridge_delete(struct admin_call *c, struct cfg_folder *root, char *done, size_t n);

/* admin_cascade.c: cascade links of the selected hub */
int cmd_cascade_list(struct admin_call *c);
int cmd_cascade_status(struct admin_call *c);
int edit_cascade_add(struct admin_call *c, struct cfg_folder *root, char *done, size_t n);
int edit_cascade_delete(struct admin_call *c, struct cfg_folder *root, char *done, size_t n);
int edit_cascade_online(struct admin_call *c, struct cfg_folder *root, char *done, size_t n);
int edit_cascade_offline(struct admin_call *c, struct cfg_folder *root, char *done, size_t n);

/* admin_edit.c: the changes, run through admin_edit */
/* Base64 (a PEM body, as vpnhubctl sends @FILE) into out: its length, or -1. */
int admin_b64_decode(const char *b64, uint8_t *out, size_t cap);
int edit_hub_create(struct admin_call *c, struct cfg_folder *root, char *done, size_t n);
int edit_hub_delete(struct admin_call *c, struct cfg_folder *root, char *done, size_t n);
int edit_hub_online(struct admin_call *c, struct cfg_folder *root, char *done, size_t n);
int edit_hub_offline(struct admin_call *c, struct cfg_folder *root, char *done, size_t n);
int edit_hub_password(struct admin_call *c, struct cfg_folder *root, char *done, size_t n);
int edit_user_add(struct admin_call *c, struct cfg_folder *root, char *done, size_t n);
int edit_user_delete(struct admin_call *c, struct cfg_folder *root, char *done, size_t n);
int edit_user_set(struct admin_call *c, struct cfg_folder *root, char *done, size_t n);
int edit_user_passwd(struct admin_call *c, struct cfg_folder *root, char *done, size_t n);
int edit_group_add(struct admin_call *c, struct cfg_folder *root, char *done, size_t n);
int edit_group_delete(struct admin_call *c, struct cfg_folder *root, char *done, size_t n);
int edit_group_set(struct admin_call *c, struct cfg_folder *root, char *done, size_t n);
int edit_policy_set(struct admin_call *c, struct cfg_folder *root, char *done, size_t n);
int edit_policy_clear(struct admin_call *c, struct cfg_folder *root, char *done, size_t n);
int edit_access_add(struct admin_call *c, struct cfg_folder *root, char *done, size_t n);
int edit_ac_add(struct admin_call *c, struct cfg_folder *root, char *done, size_t n);
int edit_ac_delete(struct admin_call *c, struct cfg_folder *root, char *done, size_t n);
int edit_access_delete(struct admin_call *c, struct cfg_folder *root, char *done, size_t n);
int edit_access_enable(struct admin_call *c, struct cfg_folder *root, char *done, size_t n);
int edit_access_disable(struct admin_call *c, struct cfg_folder *root, char *done, size_t n);
int edit_log_set(struct admin_call *c, struct cfg_folder *root, char *done, size_t n);
int edit_config_save(struct admin_call *c, struct cfg_folder *root, char *done, size_t n);
int cmd_config_reload(struct admin_call *c);
int cmd_log_reopen(struct admin_call *c);

#endif
