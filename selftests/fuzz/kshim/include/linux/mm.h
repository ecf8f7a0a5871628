/* SPDX-License-Identifier: GPL-2.0 */
/* kshim: see ../kshim.h */
#ifndef KSHIM_LINUX_MM_H
#define KSHIM_LINUX_MM_H
#include "kshim.h"
#endif
