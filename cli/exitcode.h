/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Exit codes of tpmkeyctl: a stable contract with init scripts and the
 * management daemon.  Never renumber; append only.
 */
#ifndef EXITCODE_H
#define EXITCODE_H

enum tk_exit {
	TK_OK = 0,
	TK_EINTERNAL = 1,	/* unexpected internal error */
	TK_EUSAGE = 2,		/* usage error */
	TK_ENOTPM = 3,		/* no TPM 2.0, or the kernel lacks a feature */
	TK_ENOKEY = 4,		/* not activated: no key */
	TK_EKEYEXISTS = 5,	/* a working key is already present */
	TK_EBACKEDUP = 6,	/* the backup of this key has already been made */
	TK_ENOSTICK = 7,	/* no USB storage device connected */
	TK_EMANYSTICKS = 8,	/* more than one USB storage device connected */
	TK_ESTICKRO = 9,	/* the USB storage device is write-protected */
	TK_ENOSPACE = 10,	/* not enough free space on the USB device */
	TK_ENOFS = 11,		/* no usable FAT32 file system on the USB device */
	TK_ENOBACKUP = 12,	/* no backup file on the USB storage device */
	TK_EBADBACKUP = 13,	/* wrong password or damaged backup file */
	TK_EPASSWORD = 14,	/* password rejected */
	TK_EBADSTATE = 15,	/* the state file is damaged */
	TK_EUNSEAL = 16,	/* the TPM cannot unseal the key */
	TK_EBUSY = 17,		/* busy */
	TK_EBOOTCHAIN = 18,	/* the boot chain changed: a bound PCR differs */
	TK_ELOCKED = 19,	/* the boot-phase lock is closed until reboot */
	TK_ELOCKOUT = 20,	/* the TPM is in dictionary-attack lockout */
	TK_ETPMFAIL = 21,	/* the TPM is in failure mode */
	TK_ESTICKBUSY = 22,	/* the USB storage device is mounted already */
	TK_EKDFCOST = 23,	/* the backup's KDF asks more than this machine has */
};

#endif /* EXITCODE_H */
