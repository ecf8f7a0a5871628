/* SPDX-License-Identifier: GPL-2.0 */
/* kshim: the UAPI <linux/errno.h>; libc has every errno the module uses. */
#include_next <linux/errno.h>
