/* SPDX-License-Identifier: GPL-2.0 */
/* kshim: CAP_* from the UAPI header, capable() from kshim.h. */
#include_next <linux/capability.h>
#ifndef KSHIM_LINUX_CAPABILITY_H
#define KSHIM_LINUX_CAPABILITY_H
#include "kshim.h"
#endif
