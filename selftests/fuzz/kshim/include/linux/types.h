/* SPDX-License-Identifier: GPL-2.0 */
/* kshim: the UAPI <linux/types.h>, then the kernel's own names (kshim.h). */
#include_next <linux/types.h>
#ifndef KSHIM_LINUX_TYPES_H
#define KSHIM_LINUX_TYPES_H
#include "kshim.h"
#endif
