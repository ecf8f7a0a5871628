/* SPDX-License-Identifier: GPL-2.0 */
#ifndef SECRET_H
#define SECRET_H

#include <stddef.h>
#include <stdint.h>

/*
 * A buffer for a password or a key: its own anonymous pages, locked in RAM
 * where the limits allow it, never in a core dump, wiped when freed.
 * @len is what the owner has filled in; @cap is what it may fill.
 */
struct secret {
	uint8_t *data;
	size_t len;
	size_t cap;
};

/*
 * Maps zeroed pages for @cap bytes.  A failing mlock (RLIMIT_MEMLOCK, no
 * CAP_IPC_LOCK) is not fatal: refusing would stop an ordinary user, and
 * the pages are still kept out of core dumps.  Returns 0 or -errno; on
 * failure *s is zeroed.
 */
int secret_alloc(struct secret *s, size_t cap);
/* Wipes and unmaps; *s ends zeroed.  Harmless on a zeroed struct, twice. */
void secret_free(struct secret *s);

#endif /* SECRET_H */
