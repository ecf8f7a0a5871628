/* SPDX-License-Identifier: GPL-2.0 */
#ifndef USB_H
#define USB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/*
 * The backup stick: exactly one USB storage device with one FAT32 volume,
 * mounted only inside this process's own mount namespace.
 */

enum usb_error {	/* maps 1:1 to tpmkeyctl exit codes */
	USB_OK = 0,
	USB_NONE = 7,		/* no USB storage device connected */
	USB_MANY = 8,		/* more than one */
	USB_READONLY = 9,	/* write-protected */
	USB_NOSPACE = 10,	/* not enough free space */
	USB_NOFS = 11,		/* no usable FAT32 file system */
	USB_IO = 1,		/* anything else: err says what */
};

struct usb_stick {
	char disk[32];		/* "sda" */
	char fs_dev[64];	/* "/dev/sda" or "/dev/sda1": the FAT32 volume */
	bool readonly;
	char mnt[64];		/* mount point while mounted, "" otherwise */
	dev_t fs_devno;		/* to detect a swapped stick */
	/* The disk's sysfs directory, e.g. "/sys/block/sda". */
	char sysdir[128];
	/*
	 * The disk's diskseq (unique per boot, new for every attached
	 * medium); 0 if the kernel has none.  The name and dev_t of a
	 * replugged stick may be the old ones, this is not.
	 */
	uint64_t diskseq;
};

/*
 * Finds the one USB disk and its FAT32 volume.  A disk counts when its
 * device path in sysfs runs through a USB bus ("/usbN/"); the removable
 * flag says nothing.  Disks without a medium (size 0: empty card reader
 * slots) do not count.  If the disk has partitions, exactly one of them
 * must be FAT32; otherwise the whole disk must be.
 *
 * USB sticks appear some seconds after boot: while there is none, or its
 * partitions are not yet known, or another USB storage device has not yet
 * shown its disk, the search is repeated every 100 ms until @wait_ms have
 * passed.
 *
 * @sysfs_root and @dev_root are "/sys" and "/dev"; tests pass a fake tree.
 * Returns USB_OK, USB_NONE, USB_MANY, USB_NOFS or USB_IO, with a message
 * in @err.  Whether a read-only stick will do is up to the caller.
 */
int usb_find(const char *sysfs_root, const char *dev_root,
	     struct usb_stick *st, unsigned int wait_ms,
	     char *err, size_t errlen);

/*
 * Mounts the volume at a fresh directory under /run (or /tmp).  The calling
 * process first moves to a private copy of its mount namespace, so no other
 * process sees the mount and it goes away when the process dies.  Call from
 * a single-threaded process.  USB_READONLY: a writable mount was refused.
 */
int usb_mount(struct usb_stick *st, bool writable, char *err, size_t errlen);
/* 0 (also when nothing is mounted) or a negative errno value. */
int usb_umount(struct usb_stick *st);

/*
 * On a mounted stick.  Write errors map to USB_READONLY (EROFS, or any
 * write error on a disk flagged read-only), USB_NOSPACE (ENOSPC, EDQUOT)
 * or USB_IO.
 */
/* USB_NOSPACE unless a file of @need bytes fits (in whole clusters). */
int usb_check_space(const struct usb_stick *st, uint64_t need,
		    char *err, size_t errlen);
/* Writes, syncs and removes a 4 KiB probe file: does writing work? */
int usb_probe_write(const struct usb_stick *st, char *err, size_t errlen);
/* Atomically (temporary file, fsync, rename, fsync of the directory). */
int usb_write_file(const struct usb_stick *st, const char *name,
		   const void *buf, size_t len, char *err, size_t errlen);
/*
 * Reads a whole regular file into @buf.  Returns 0 or a negative errno
 * value: -ENOENT missing, -EISDIR a directory, -EFBIG larger than @cap.
 */
int usb_read_file(const struct usb_stick *st, const char *name, void *buf,
		  size_t cap, size_t *len, char *err, size_t errlen);

/* Is the stick that usb_find() (or usb_mount()) saw still the one there? */
bool usb_same_stick(const struct usb_stick *st);

#endif /* USB_H */
