/* SPDX-License-Identifier: GPL-2.0 */
/* kshim: see ../kshim.h */
#ifndef KSHIM_CRYPTO_ALGAPI_H
#define KSHIM_CRYPTO_ALGAPI_H
#include "kshim.h"
#endif
