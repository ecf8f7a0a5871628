/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KSHIM_NOTIFIER_H
#define KSHIM_NOTIFIER_H
#define NOTIFY_DONE	0x0000
#define NOTIFY_OK	0x0001
struct notifier_block {
	int (*notifier_call)(struct notifier_block *nb, unsigned long action,
			     void *data);
};
#endif
