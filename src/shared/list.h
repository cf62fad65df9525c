/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An intrusive circular doubly linked list, as the kernel's: a struct embeds
 * a struct list_node per list it can be in, the list is a struct list_node
 * head (list_init before use), and container_of gets the struct back.  No
 * locking: each list's owner says which lock guards it.
 */
#ifndef VPN_LIST_H
#define VPN_LIST_H

#include <stdbool.h>
#include <stddef.h>

#define container_of(ptr, type, member) ((type *)((char *)(ptr)-offsetof(type, member)))

struct list_node {
	struct list_node *prev, *next;
};

static inline void list_init(struct list_node *head)
{
	head->prev = head->next = head;
}

static inline bool list_empty(const struct list_node *head)
{
	return head->next == head;
}

/* Inserts n at the front of head's list. */
static inline void list_add(struct list_node *head, struct list_node *n)
{
	n->prev = head;
	n->next = head->next;
	head->next->prev = n;
	head->next = n;
}

/* Takes n out of its list. */
static inline void list_del(struct list_node *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	n->prev = n->next = n;
}

/* pos: a pointer to the containing type; front to back. */
#define list_for_each_entry(pos, head, member)                                                     \
	for ((pos) = container_of((head)->next, __typeof__(*(pos)), member);                       \
	     &(pos)->member != (head);                                                             \
	     (pos) = container_of((pos)->member.next, __typeof__(*(pos)), member))

#endif
