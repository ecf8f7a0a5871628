/* SPDX-License-Identifier: GPL-2.0 */
/* kshim: see ../kshim.h */
#ifndef KSHIM_LINUX_DEVICE_H
#define KSHIM_LINUX_DEVICE_H
#include "kshim.h"
#endif
