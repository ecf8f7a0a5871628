// SPDX-License-Identifier: GPL-2.0
/*
 * The backup stick: find the one USB disk and its FAT32 volume, mount it
 * where only this process sees it, and read and write whole files on it.
 */
#include <blkid.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <inttypes.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "internal.h"
#include "usb.h"

#define POLL_MS		100
#define MAX_PARTS	16
#define PROBE_FILE	".TPMKEY.PRB"
#define PROBE_SIZE	4096
#define TMP_SUFFIX	".TMP"
/*
 * Root only, nothing executable; 8.3 names as written (no forced case);
 * names are bytes, not UTF-8 (we write ASCII only); on a FAT error stop
 * writing instead of making it worse.
 */
#define MOUNT_OPTS	"uid=0,gid=0,fmask=0177,dmask=0077,shortname=mixed," \
			"utf8=0,errors=remount-ro"

/* Appends to a message, truncating rather than overflowing. */
static void __attribute__((format(printf, 3, 4)))
append(char *buf, size_t size, const char *fmt, ...)
{
	size_t used = strnlen(buf, size);
	va_list ap;

	if (used + 1 >= size)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, size - used, fmt, ap);
	va_end(ap);
}

/* snprintf that tells whether everything fitted. */
static bool __attribute__((format(printf, 3, 4)))
path_fmt(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n >= 0 && (size_t)n < size;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(uint64_t ms)
{
	struct timespec ts = {
		.tv_sec = ms / 1000,
		.tv_nsec = (ms % 1000) * 1000000,
	};

	/* An interrupted sleep only means an earlier look: no loop. */
	nanosleep(&ts, NULL);
}

/* A sysfs attribute without its newline.  0 or a negative errno value. */
static int read_attr(const char *dir, const char *name, char *buf,
		     size_t size)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd;

	if (!path_fmt(path, sizeof(path), "%s/%s", dir, name))
		return -ENAMETOOLONG;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0)
		n = -errno;
	close(fd);
	if (n < 0)
		return n;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

/* Does a resolved sysfs device path run through a USB bus ("/usbN/")? */
static bool on_usb_bus(const char *path)
{
	const char *p = path;

	while ((p = strstr(p, "/usb"))) {
		size_t digits;

		p += strlen("/usb");
		digits = strspn(p, "0123456789");
		if (digits && p[digits] == '/')
			return true;
	}
	return false;
}

/*
 * Is <sysfs>/block/<name> a USB disk with a medium?  Only the part of the
 * device path below the sysfs root counts, so that a test tree in, say,
 * /tmp/usb1/ does not make every disk a USB disk.
 */
static bool is_usb_disk(const char *root_real, const char *sysdir)
{
	char link[PATH_MAX], dev[PATH_MAX], size[32];
	size_t rlen = strlen(root_real);

	if (!path_fmt(link, sizeof(link), "%s/device", sysdir) ||
	    !realpath(link, dev))
		return false;	/* no device link: loop, dm, ... */
	if (strncmp(dev, root_real, rlen) || !on_usb_bus(dev + rlen))
		return false;
	/* Card readers show empty slots as disks of size 0. */
	if (!read_attr(sysdir, "size", size, sizeof(size)) &&
	    !strcmp(size, "0"))
		return false;
	return true;
}

/*
 * One look at <sysfs_root>/block (@root_real: the same, resolved).  Counts
 * the USB disks in @count, names the first in @st and all in @names.
 */
static int scan_disks(const char *sysfs_root, const char *root_real,
		      struct usb_stick *st, unsigned int *count, char *names,
		      size_t namelen, char *err, size_t errlen)
{
	char blockdir[PATH_MAX], sysdir[PATH_MAX];
	struct dirent *d;
	DIR *dir;

	*count = 0;
	names[0] = '\0';
	if (!path_fmt(blockdir, sizeof(blockdir), "%s/block", root_real))
		return tk_fail(err, errlen, USB_IO, "path too long: %s",
			    sysfs_root);
	dir = opendir(blockdir);
	if (!dir)
		return tk_fail(err, errlen, USB_IO, "cannot list %s: %s",
			    blockdir, strerror(errno));
	while ((errno = 0, d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		if (!path_fmt(sysdir, sizeof(sysdir), "%s/%s", blockdir,
			      d->d_name) ||
		    !is_usb_disk(root_real, sysdir))
			continue;
		append(names, namelen, "%s%s", *count ? ", " : "",
		       d->d_name);
		if (++*count > 1)
			continue;
		if (!path_fmt(st->disk, sizeof(st->disk), "%s", d->d_name) ||
		    !path_fmt(st->sysdir, sizeof(st->sysdir), "%s/block/%s",
			      sysfs_root, d->d_name)) {
			closedir(dir);
			return tk_fail(err, errlen, USB_IO,
				    "disk name too long: %s", d->d_name);
		}
	}
	if (errno) {
		int e = errno;

		closedir(dir);
		return tk_fail(err, errlen, USB_IO, "cannot list %s: %s",
			    blockdir, strerror(e));
	}
	closedir(dir);
	return USB_OK;
}

/* Every disk in @disks (paths ending in /block/NAME) is in <root>/block. */
static bool disks_listed(const char *root_real, const glob_t *disks)
{
	char path[PATH_MAX];
	size_t i;

	for (i = 0; i < disks->gl_pathc; i++) {
		const char *name = strrchr(disks->gl_pathv[i], '/') + 1;

		if (!path_fmt(path, sizeof(path), "%s/block/%s", root_real,
			      name) || access(path, F_OK))
			return false;
	}
	return true;
}

/*
 * USB SCSI hosts that have no disk yet.  usb-storage registers the host of
 * a stick at once but scans it only after its delay_use (1 s): of two
 * sticks plugged in together, one disk can be there a good while before
 * the other, and counting then would see one stick where there are two.
 */
static unsigned int pending_hosts(const char *root_real)
{
	char pattern[PATH_MAX], host[PATH_MAX];
	size_t rlen = strlen(root_real), i;
	unsigned int pending = 0;
	glob_t hosts, disks;

	if (!path_fmt(pattern, sizeof(pattern), "%s/class/scsi_host/*",
		      root_real) ||
	    glob(pattern, GLOB_NOSORT, NULL, &hosts))
		return 0;
	for (i = 0; i < hosts.gl_pathc; i++) {
		char *p;

		/* .../usb2/2-1/2-1:1.0/host0/scsi_host/host0 */
		if (!realpath(hosts.gl_pathv[i], host) ||
		    strncmp(host, root_real, rlen) ||
		    !on_usb_bus(host + rlen))
			continue;
		p = strrchr(host, '/');
		while (p && p > host && *--p != '/')
			;
		if (!p || p == host)
			continue;
		*p = '\0';
		if (!path_fmt(pattern, sizeof(pattern), "%s/target*/*/block/*",
			      host))
			continue;
		if (glob(pattern, GLOB_NOSORT, NULL, &disks) == GLOB_NOMATCH) {
			pending++;
			continue;
		}
		/*
		 * The disk's directory below the host comes before its
		 * entry in <root>/block: until both are there, it is still
		 * on its way.
		 */
		if (!disks_listed(root_real, &disks))
			pending++;
		globfree(&disks);
	}
	globfree(&hosts);
	return pending;
}

/* What blkid finds on one device. */
struct volume {
	int found;		/* 0: a signature; 1: none; -2: conflicting */
	char type[16];		/* "vfat", "ext2" */
	char version[16];	/* "FAT32", "FAT16" */
	int nparts;		/* partition table entries (whole disks) */
};

static bool is_fat32(const struct volume *v)
{
	return !v->found && !strcmp(v->type, "vfat") &&
	       !strcmp(v->version, "FAT32");
}

static const char *describe(const struct volume *v)
{
	if (v->found == -2)
		return "conflicting file system signatures";
	if (v->found)
		return "no file system";
	if (!strcmp(v->type, "vfat") && v->version[0])
		return v->version;
	return v->type;
}

/* 0 or a negative errno value. */
static int probe_fd(int fd, bool whole_disk, struct volume *v)
{
	blkid_probe pr = blkid_new_probe();
	const char *val;
	int ret = 0;

	memset(v, 0, sizeof(*v));
	if (!pr)
		return -ENOMEM;
	if (blkid_probe_set_device(pr, fd, 0, 0)) {
		ret = -EIO;
		goto out;
	}
	blkid_probe_enable_superblocks(pr, 1);
	blkid_probe_set_superblocks_flags(pr, BLKID_SUBLKS_TYPE |
					  BLKID_SUBLKS_VERSION);
	v->found = blkid_do_safeprobe(pr);
	if (v->found == -1) {
		ret = errno ? -errno : -EIO;
		goto out;
	}
	if (!v->found) {
		if (!blkid_probe_lookup_value(pr, "TYPE", &val, NULL))
			snprintf(v->type, sizeof(v->type), "%s", val);
		if (!blkid_probe_lookup_value(pr, "VERSION", &val, NULL))
			snprintf(v->version, sizeof(v->version), "%s", val);
	}
	if (whole_disk && !is_fat32(v)) {
		blkid_partlist pl = blkid_probe_get_partitions(pr);

		if (pl)
			v->nparts = blkid_partlist_numof_partitions(pl);
	}
out:
	blkid_free_probe(pr);
	return ret;
}

struct part {
	char name[32];
	int num;
};

/*
 * The partitions the kernel shows for the disk, by number.  Returns their
 * count, or -E2BIG if there are more than @max.
 */
static int list_partitions(const char *sysdir, struct part *parts, int max)
{
	char dir[PATH_MAX], num[16];
	struct dirent *d;
	int n = 0, i;
	DIR *dh;

	dh = opendir(sysdir);
	if (!dh)
		return -errno;
	while ((d = readdir(dh))) {
		struct part p;

		if (d->d_name[0] == '.' ||
		    !path_fmt(dir, sizeof(dir), "%s/%s", sysdir, d->d_name) ||
		    read_attr(dir, "partition", num, sizeof(num)))
			continue;
		if (n == max) {
			closedir(dh);
			return -E2BIG;
		}
		if (!path_fmt(p.name, sizeof(p.name), "%s", d->d_name))
			continue;
		p.num = atoi(num);
		for (i = n; i > 0 && parts[i - 1].num > p.num; i--)
			parts[i] = parts[i - 1];
		parts[i] = p;
		n++;
	}
	closedir(dh);
	return n;
}

/*
 * Picks the FAT32 volume of st->disk into st->fs_dev.  *again: the result
 * may be different in a moment (device nodes or partitions not there yet).
 */
static int pick_volume(const char *dev_root, struct usb_stick *st,
		       bool *again, char *err, size_t errlen)
{
	struct part parts[MAX_PARTS];
	char path[PATH_MAX], found[256] = "", fat32[64] = "";
	struct volume v;
	int fd, n, i, nfat = 0, ret;

	if (!path_fmt(path, sizeof(path), "%s/%s", dev_root, st->disk))
		return tk_fail(err, errlen, USB_IO, "path too long: %s/%s",
			    dev_root, st->disk);
	/*
	 * Open the whole disk first: the kernel lists a new disk in sysfs
	 * before it has read its partition table, and the open waits for
	 * that scan to finish.
	 */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*again |= errno == ENOENT;
		return tk_fail(err, errlen, USB_IO, "cannot open %s: %s", path,
			    strerror(errno));
	}
	n = list_partitions(st->sysdir, parts, MAX_PARTS);
	if (n < 0) {
		close(fd);
		if (n == -E2BIG)
			return tk_fail(err, errlen, USB_NOFS,
				    "more than %d partitions on %s",
				    MAX_PARTS, st->disk);
		return tk_fail(err, errlen, USB_IO, "cannot list %s: %s",
			    st->sysdir, strerror(-n));
	}

	if (n == 0) {
		ret = probe_fd(fd, true, &v);
		close(fd);
		if (ret)
			return tk_fail(err, errlen, USB_IO, "cannot probe %s: %s",
				    path, strerror(-ret));
		if (is_fat32(&v)) {
			if (!path_fmt(st->fs_dev, sizeof(st->fs_dev), "%s",
				      path))
				return tk_fail(err, errlen, USB_IO,
					    "path too long: %s", path);
			return USB_OK;
		}
		if (v.nparts > 0) {
			/* Not yet scanned, or a table this kernel can't read. */
			*again = true;
			return tk_fail(err, errlen, USB_NOFS,
				    "%s has a partition table, but the kernel shows no partitions",
				    st->disk);
		}
		return tk_fail(err, errlen, USB_NOFS,
			    "no FAT32 file system on %s: found %s", st->disk,
			    describe(&v));
	}
	close(fd);

	for (i = 0; i < n; i++) {
		if (!path_fmt(path, sizeof(path), "%s/%s", dev_root,
			      parts[i].name))
			return tk_fail(err, errlen, USB_IO, "path too long: %s/%s",
				    dev_root, parts[i].name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			*again |= errno == ENOENT;
			return tk_fail(err, errlen, USB_IO, "cannot open %s: %s",
				    path, strerror(errno));
		}
		ret = probe_fd(fd, false, &v);
		close(fd);
		if (ret)
			return tk_fail(err, errlen, USB_IO, "cannot probe %s: %s",
				    path, strerror(-ret));
		append(found, sizeof(found), "%s%s: %s", i ? ", " : "",
		       parts[i].name, describe(&v));
		if (is_fat32(&v) && !nfat++ &&
		    !path_fmt(fat32, sizeof(fat32), "%s", path))
			return tk_fail(err, errlen, USB_IO, "path too long: %s",
				    path);
	}
	if (nfat == 0)
		return tk_fail(err, errlen, USB_NOFS,
			    "no FAT32 partition on %s: found %s", st->disk,
			    found);
	if (nfat > 1)
		return tk_fail(err, errlen, USB_NOFS,
			    "more than one FAT32 partition on %s (%s): keep only one",
			    st->disk, found);
	memcpy(st->fs_dev, fat32, sizeof(st->fs_dev));
	return USB_OK;
}

static int find_once(const char *sysfs_root, const char *dev_root,
		     struct usb_stick *st, bool *again, char *err,
		     size_t errlen)
{
	char root_real[PATH_MAX], names[128], val[32];
	unsigned int count, pending;
	struct stat sb;
	int ret;

	memset(st, 0, sizeof(*st));
	if (!realpath(sysfs_root, root_real))
		return tk_fail(err, errlen, USB_IO, "cannot resolve %s: %s",
			    sysfs_root, strerror(errno));
	/*
	 * Hosts before disks: a disk that arrives between the two looks
	 * would otherwise be missed by the count and no longer pending.
	 */
	pending = pending_hosts(root_real);
	ret = scan_disks(sysfs_root, root_real, st, &count, names,
			 sizeof(names), err, errlen);
	if (ret)
		return ret;
	if (count == 0) {
		*again = true;
		return tk_fail(err, errlen, USB_NONE,
			    "no USB storage device connected");
	}
	if (count > 1)
		return tk_fail(err, errlen, USB_MANY,
			    "more than one USB storage device connected (%s): keep only the backup stick",
			    names);
	/* Until the wait is over, a stick still being scanned counts. */
	if (pending)
		*again = true;

	ret = read_attr(st->sysdir, "ro", val, sizeof(val));
	if (ret)
		return tk_fail(err, errlen, USB_IO, "cannot read %s/ro: %s",
			    st->sysdir, strerror(-ret));
	st->readonly = !strcmp(val, "1");
	/* diskseq came with Linux 5.15; without it, 0 checks nothing. */
	if (!read_attr(st->sysdir, "diskseq", val, sizeof(val)))
		st->diskseq = strtoull(val, NULL, 10);

	ret = pick_volume(dev_root, st, again, err, errlen);
	if (ret)
		return ret;
	if (stat(st->fs_dev, &sb))
		return tk_fail(err, errlen, USB_IO, "cannot stat %s: %s",
			    st->fs_dev, strerror(errno));
	st->fs_devno = sb.st_rdev;
	return USB_OK;
}

int usb_find(const char *sysfs_root, const char *dev_root,
	     struct usb_stick *st, unsigned int wait_ms,
	     char *err, size_t errlen)
{
	uint64_t deadline = now_ms() + wait_ms;

	for (;;) {
		bool again = false;
		uint64_t now;
		int ret;

		ret = find_once(sysfs_root, dev_root, st, &again, err, errlen);
		if (ret == USB_OK && errlen)
			err[0] = '\0';	/* no word from earlier looks */
		now = now_ms();
		if (!again || now >= deadline)
			return ret;
		sleep_ms(deadline - now < POLL_MS ? deadline - now : POLL_MS);
	}
}

/*
 * Moves this process to a private copy of its mount namespace: the stick's
 * mount is seen by no other process and vanishes with us, however we end.
 * MS_PRIVATE keeps mounts from propagating back into the shared tree.
 */
static int private_namespace(char *err, size_t errlen)
{
	if (unshare(CLONE_NEWNS))
		return tk_fail(err, errlen, USB_IO,
			    "cannot create a private mount namespace: %s",
			    strerror(errno));
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return tk_fail(err, errlen, USB_IO,
			    "cannot make the mount namespace private: %s",
			    strerror(errno));
	return USB_OK;
}

int usb_mount(struct usb_stick *st, bool writable, char *err, size_t errlen)
{
	static const char *const dirs[] = { "/run", "/tmp" };
	unsigned long flags = MS_NOSUID | MS_NODEV | MS_NOEXEC |
			      MS_NOSYMFOLLOW;
	struct stat sb;
	int ret, e = 0;
	size_t i;

	if (st->mnt[0])
		return tk_fail(err, errlen, USB_IO, "%s is already mounted on %s",
			    st->fs_dev, st->mnt);
	ret = private_namespace(err, errlen);
	if (ret)
		return ret;

	for (i = 0; i < ARRAY_SIZE(dirs); i++) {
		snprintf(st->mnt, sizeof(st->mnt), "%s/tpmkey-usb.XXXXXX",
			 dirs[i]);
		if (mkdtemp(st->mnt))
			break;
		e = errno;
		st->mnt[0] = '\0';
	}
	if (!st->mnt[0])
		return tk_fail(err, errlen, USB_IO,
			    "cannot create a mount point: %s", strerror(e));

	if (!writable)
		flags |= MS_RDONLY;
	ret = mount(st->fs_dev, st->mnt, "vfat", flags, MOUNT_OPTS);
	if (ret && errno == EINVAL) {
		/*
		 * A kernel that refuses MS_NOSYMFOLLOW (older ones ignore
		 * it): FAT has no symlinks anyway.
		 */
		ret = mount(st->fs_dev, st->mnt, "vfat",
			    flags & ~MS_NOSYMFOLLOW, MOUNT_OPTS);
	}
	if (ret) {
		e = errno;
		rmdir(st->mnt);
		st->mnt[0] = '\0';
		if (writable && (e == EROFS || e == EACCES))
			return tk_fail(err, errlen, USB_READONLY,
				    "the USB stick is write-protected (mounting %s: %s)",
				    st->fs_dev, strerror(e));
		return tk_fail(err, errlen, USB_IO, "cannot mount %s (vfat): %s",
			    st->fs_dev, strerror(e));
	}

	/* The device actually mounted: is it the one usb_find() probed? */
	if (stat(st->mnt, &sb)) {
		e = errno;
		usb_umount(st);
		return tk_fail(err, errlen, USB_IO, "cannot stat %s: %s",
			    st->fs_dev, strerror(e));
	}
	if (st->fs_devno && sb.st_dev != st->fs_devno) {
		usb_umount(st);
		return tk_fail(err, errlen, USB_IO,
			    "%s changed between finding and mounting it",
			    st->fs_dev);
	}
	st->fs_devno = sb.st_dev;
	return USB_OK;
}

int usb_umount(struct usb_stick *st)
{
	int ret = 0;

	if (!st->mnt[0])
		return 0;
	if (umount2(st->mnt, 0))
		return -errno;
	if (rmdir(st->mnt))
		ret = -errno;
	st->mnt[0] = '\0';
	return ret;
}

/* <mnt>/<name><suffix> for a plain file name on a mounted stick. */
static int stick_path(const struct usb_stick *st, const char *name,
		      const char *suffix, char *buf, size_t size,
		      char *err, size_t errlen)
{
	if (!st->mnt[0])
		return tk_fail(err, errlen, USB_IO, "the USB stick is not mounted");
	if (!name[0] || strchr(name, '/') || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return tk_fail(err, errlen, USB_IO, "bad file name \"%s\"", name);
	if (!path_fmt(buf, size, "%s/%s%s", st->mnt, name, suffix))
		return tk_fail(err, errlen, USB_IO, "file name too long: %s",
			    name);
	return USB_OK;
}

/*
 * A write-protected stick may mount read-write and fail only when data
 * reaches it (EIO): with the disk flagged read-only, that is the reason.
 */
static int write_fail(const struct usb_stick *st, int e, const char *what,
		      const char *name, char *err, size_t errlen)
{
	if (e == EROFS || (st->readonly &&
			   (e == EIO || e == EACCES || e == EPERM)))
		return tk_fail(err, errlen, USB_READONLY,
			    "the USB stick is write-protected (%s %s: %s)",
			    what, name, strerror(e));
	if (e == ENOSPC || e == EDQUOT)
		return tk_fail(err, errlen, USB_NOSPACE,
			    "not enough free space on the USB stick (%s %s: %s)",
			    what, name, strerror(e));
	return tk_fail(err, errlen, USB_IO, "cannot %s %s on the USB stick: %s",
		    what, name, strerror(e));
}

int usb_check_space(const struct usb_stick *st, uint64_t need,
		    char *err, size_t errlen)
{
	uint64_t unit, blocks;
	struct statvfs sv;

	if (!st->mnt[0])
		return tk_fail(err, errlen, USB_IO, "the USB stick is not mounted");
	if (statvfs(st->mnt, &sv))
		return tk_fail(err, errlen, USB_IO,
			    "cannot read the free space of the USB stick: %s",
			    strerror(errno));
	/* FAT allocates whole clusters (f_frsize). */
	unit = sv.f_frsize ? sv.f_frsize : 512;
	blocks = need / unit + !!(need % unit);
	if (blocks > sv.f_bavail)
		return tk_fail(err, errlen, USB_NOSPACE,
			    "not enough free space on the USB stick: %" PRIu64 " bytes needed, %" PRIu64 " free",
			    need, (uint64_t)sv.f_bavail * unit);
	return USB_OK;
}

int usb_probe_write(const struct usb_stick *st, char *err, size_t errlen)
{
	static const char zeros[PROBE_SIZE];
	const char *what = "remove";
	char path[PATH_MAX];
	int fd, e, ret;

	ret = stick_path(st, PROBE_FILE, "", path, sizeof(path), err, errlen);
	if (ret)
		return ret;
	/* A probe file left by a process that died would block O_EXCL. */
	if (unlink(path) && errno != ENOENT)
		return write_fail(st, errno, what, PROBE_FILE, err, errlen);

	what = "create";
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0)
		return write_fail(st, errno, what, PROBE_FILE, err, errlen);
	what = "write";
	e = -tk_write_all(fd, zeros, sizeof(zeros));
	if (!e && fsync(fd)) {
		what = "sync";
		e = errno;
	}
	if (close(fd) && !e) {
		what = "close";
		e = errno;
	}
	if (unlink(path) && !e) {
		what = "remove";
		e = errno;
	}
	if (!e) {
		what = "sync the directory after removing";
		e = -tk_fsync_dir(st->mnt);
	}
	if (e)
		return write_fail(st, e, what, PROBE_FILE, err, errlen);
	return USB_OK;
}

int usb_write_file(const struct usb_stick *st, const char *name,
		   const void *buf, size_t len, char *err, size_t errlen)
{
	char tmp[PATH_MAX], path[PATH_MAX];
	const char *what = "create";
	int fd, e, ret;

	ret = stick_path(st, name, TMP_SUFFIX, tmp, sizeof(tmp), err, errlen);
	if (!ret)
		ret = stick_path(st, name, "", path, sizeof(path), err,
				 errlen);
	if (ret)
		return ret;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		  0600);
	if (fd < 0)
		return write_fail(st, errno, what, name, err, errlen);
	what = "write";
	e = -tk_write_all(fd, buf, len);
	if (!e && fsync(fd)) {
		what = "sync";
		e = errno;
	}
	if (close(fd) && !e) {
		what = "close";
		e = errno;
	}
	if (!e && rename(tmp, path)) {
		what = "rename the temporary file to";
		e = errno;
	}
	if (e) {
		unlink(tmp);
		return write_fail(st, e, what, name, err, errlen);
	}
	e = -tk_fsync_dir(st->mnt);
	if (e)
		return write_fail(st, e, "sync the directory after writing",
				  name, err, errlen);
	return USB_OK;
}

int usb_read_file(const struct usb_stick *st, const char *name, void *buf,
		  size_t cap, size_t *len, char *err, size_t errlen)
{
	char path[PATH_MAX];
	size_t total = 0;
	struct stat sb;
	int fd, ret = 0;

	*len = 0;
	if (stick_path(st, name, "", path, sizeof(path), err, errlen))
		return -EINVAL;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		if (ret == -ENOENT)
			return tk_fail(err, errlen, ret, "no %s on the USB stick",
				    name);
		return tk_fail(err, errlen, ret,
			    "cannot open %s on the USB stick: %s", name,
			    strerror(-ret));
	}
	if (fstat(fd, &sb)) {
		ret = -errno;
	} else if (S_ISDIR(sb.st_mode)) {
		close(fd);
		return tk_fail(err, errlen, -EISDIR,
			    "%s on the USB stick is a directory", name);
	} else if (!S_ISREG(sb.st_mode)) {
		close(fd);
		return tk_fail(err, errlen, -EINVAL,
			    "%s on the USB stick is not a regular file", name);
	}
	while (!ret) {
		char extra;
		ssize_t n;

		/* Read one byte past @cap to tell "too large" from "full". */
		n = total < cap ? read(fd, (char *)buf + total, cap - total) :
				  read(fd, &extra, 1);
		if (n < 0) {
			if (errno != EINTR)
				ret = -errno;
			continue;
		}
		if (n == 0)
			break;
		if (total >= cap)
			ret = -EFBIG;
		else
			total += n;
	}
	close(fd);
	*len = total;
	if (ret == -EFBIG)
		return tk_fail(err, errlen, ret,
			    "%s on the USB stick is larger than %zu bytes",
			    name, cap);
	if (ret)
		return tk_fail(err, errlen, ret,
			    "cannot read %s on the USB stick: %s", name,
			    strerror(-ret));
	return 0;
}

bool usb_same_stick(const struct usb_stick *st)
{
	char val[32];
	struct stat sb;

	if (stat(st->fs_dev, &sb) || sb.st_rdev != st->fs_devno)
		return false;
	if (stat(st->sysdir, &sb))
		return false;
	if (st->diskseq && (read_attr(st->sysdir, "diskseq", val,
				      sizeof(val)) ||
			    strtoull(val, NULL, 10) != st->diskseq))
		return false;
	return true;
}
