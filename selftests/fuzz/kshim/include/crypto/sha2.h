/* SPDX-License-Identifier: GPL-2.0 */
/* kshim: see ../kshim.h */
#ifndef KSHIM_CRYPTO_SHA2_H
#define KSHIM_CRYPTO_SHA2_H
#include "kshim.h"
#endif
