/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KSHIM_NOTIFIER_H
#define KSHIM_NOTIFIER_H
struct notifier_block {
	int (*notifier_call)(struct notifier_block *nb, unsigned long action,
			     void *data);
};
#endif
