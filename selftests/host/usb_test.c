// SPDX-License-Identifier: GPL-2.0
/*
 * usb_test: usb.c on the host, no mocks below the sysfs tree.
 *
 *   usb_test [WORKDIR]
 *
 * usb_find() runs against a fake sysfs tree (directories, attribute files,
 * "device" links into a fake /sys/devices) whose device nodes are real
 * FAT32, FAT16, ext2 and empty images: blkid probes files as it probes
 * disks.  Mounting, reading and writing use loop devices over real images
 * and run in forked children, so that this process's mount namespace stays
 * untouched and can tell whether a mount leaked.  Without vfat in the host
 * kernel the mount tests skip and the file tests run on an ext2 stand-in.
 *
 * Needs root, dosfstools, fdisk (sfdisk), e2fsprogs and util-linux
 * (losetup).  Prints one TAP line per assertion; exits 1 if any failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tap.h"
#include "usb.h"

#define IMG_SIZE	"64M"	/* sparse; FAT32 needs about 33 MiB */
#define BIG_WAIT_MS	2000
#define APPEAR_MS	300
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Device paths below the fake /sys, as QEMU's guest shows them. */
#define USB_HOST_A	"devices/pci0000:00/0000:00:04.0/usb2/2-1/2-1:1.0/host0"
#define USB_HOST_B	"devices/pci0000:00/0000:00:04.0/usb2/2-2/2-2:1.0/host1"
#define USB_HOST_C	"devices/pci0000:00/0000:00:06.0/usb3/3-1/3-1:1.0/host2"
#define USB_DEV_A	USB_HOST_A "/target0:0:0/0:0:0:0"
#define USB_DEV_B	USB_HOST_B "/target1:0:0/1:0:0:0"
#define USB_DEV_C	USB_HOST_C "/target2:0:0/2:0:0:0"
#define VIRTIO_DEV	"devices/pci0000:00/0000:00:05.0/virtio1"

struct ctx {
	struct tap tap;
	char work[PATH_MAX];	/* images */
	char sys[PATH_MAX];	/* fake sysfs root */
	char dev[PATH_MAX];	/* fake /dev */
	char img[PATH_MAX];	/* a scratch path */
	char err[512];
	bool have_vfat;
};

/* Runs a shell command quietly; its first output line goes to @out. */
static int __attribute__((format(printf, 3, 4)))
sh(char *out, size_t outlen, const char *fmt, ...)
{
	char cmd[2048];
	va_list ap;
	FILE *p;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	if (out)
		out[0] = '\0';
	fflush(stdout);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (out && fgets(out, outlen, p))
		out[strcspn(out, "\n")] = '\0';
	while (fgetc(p) != EOF)
		;
	st = pclose(p);
	if (st == -1 || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* snprintf for paths and names: a truncated one ends the test. */
static void __attribute__((format(printf, 3, 4)))
pathf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size) {
		printf("Bail out! path too long: %s...\n", buf);
		exit(1);
	}
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void __attribute__((format(printf, 2, 3)))
put(const char *content, const char *fmt, ...)
{
	char path[PATH_MAX];
	va_list ap;
	FILE *f;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	f = fopen(path, "w");
	if (!f || fputs(content, f) < 0 || fclose(f)) {
		printf("Bail out! cannot write %s: %s\n", path,
		       strerror(errno));
		exit(1);
	}
}

static void must(int ok, const char *what)
{
	if (!ok) {
		printf("Bail out! %s: %s\n", what, strerror(errno));
		exit(1);
	}
}

/* Empty fake /sys and /dev. */
static void reset_tree(struct ctx *c)
{
	must(!sh(NULL, 0, "rm -rf '%s' '%s' && mkdir -p '%s/block' '%s'",
		 c->sys, c->dev, c->sys, c->dev), "reset the fake tree");
}

/*
 * A whole disk: <sys>/block/NAME with a "device" link to DEVPATH (NULL:
 * none, like a loop device), and <dev>/NAME pointing at IMAGE.  The sysfs
 * directory is made aside and renamed into place, so a concurrent
 * usb_find() sees all of it or nothing.
 */
static void add_disk(struct ctx *c, const char *name, const char *devpath,
		     const char *image, const char *ro, const char *size)
{
	char stage[PATH_MAX], dir[PATH_MAX], link[PATH_MAX];

	if (image) {
		pathf(link, sizeof(link), "%s/%s", c->dev, name);
		must(!symlink(image, link), "symlink the device node");
	}
	pathf(stage, sizeof(stage), "%s/.stage-%s", c->sys, name);
	must(!sh(NULL, 0, "mkdir -p '%s'", stage), "mkdir");
	if (devpath) {
		/* Where the kernel keeps the disk: below its device. */
		must(!sh(NULL, 0, "mkdir -p '%s/%s/block/%s'", c->sys,
			 devpath, name), "mkdir");
		pathf(link, sizeof(link), "../../%s", devpath);
		pathf(dir, sizeof(dir), "%s/device", stage);
		must(!symlink(link, dir), "symlink the device");
	}
	put(ro, "%s/ro", stage);
	put(size, "%s/size", stage);
	put("7\n", "%s/diskseq", stage);
	put("0\n", "%s/removable", stage);
	pathf(dir, sizeof(dir), "%s/block/%s", c->sys, name);
	must(!rename(stage, dir), "rename the disk into place");
}

/*
 * A USB SCSI host as usb-storage registers it, a second before it scans
 * for disks: <sys>/class/scsi_host/hostN -> .../hostN/scsi_host/hostN.
 */
static void add_host(struct ctx *c, const char *hostpath)
{
	const char *name = strrchr(hostpath, '/') + 1;
	char link[PATH_MAX], target[PATH_MAX];

	must(!sh(NULL, 0, "mkdir -p '%s/%s/scsi_host/%s' '%s/class/scsi_host'",
		 c->sys, hostpath, name, c->sys), "mkdir");
	pathf(target, sizeof(target), "../../%s/scsi_host/%s", hostpath,
	      name);
	pathf(link, sizeof(link), "%s/class/scsi_host/%s", c->sys, name);
	must(!symlink(target, link), "symlink the SCSI host");
}

static void add_usb(struct ctx *c, const char *name, const char *devpath,
		    const char *image)
{
	add_disk(c, name, devpath, image, "0\n", "131072\n");
}

static void add_part(struct ctx *c, const char *disk, const char *name,
		     const char *num, const char *image)
{
	char path[PATH_MAX];

	pathf(path, sizeof(path), "%s/%s", c->dev, name);
	must(!symlink(image, path), "symlink the partition node");
	pathf(path, sizeof(path), "%s/block/%s/%s", c->sys, disk, name);
	must(!mkdir(path, 0755), "mkdir the partition");
	put(num, "%s/partition", path);
	put("0\n", "%s/ro", path);
}

static const char *img(struct ctx *c, const char *name)
{
	pathf(c->img, sizeof(c->img), "%s/%s", c->work, name);
	return c->img;
}

static void make_images(struct ctx *c)
{
	static const char *const cmds[] = {
		"truncate -s " IMG_SIZE " fat32.img && mkfs.vfat -F 32 fat32.img",
		"truncate -s " IMG_SIZE " fat16.img && mkfs.vfat -F 16 fat16.img",
		"truncate -s " IMG_SIZE " ext2.img && mkfs.ext2 -q -F ext2.img",
		"truncate -s " IMG_SIZE " empty.img",
		/* MBR, one FAT32 partition; part1.img is that partition. */
		"truncate -s " IMG_SIZE " part.img && "
		"echo 'start=2048, type=c' | sfdisk -q part.img && "
		"mkfs.vfat -F 32 --offset 2048 part.img && "
		"dd if=part.img of=part1.img bs=1M skip=1",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		if (sh(NULL, 0, "cd '%s' && (%s) >/dev/null 2>&1", c->work,
		       cmds[i])) {
			printf("Bail out! failed: %s (scripts/install-deps test)\n",
			       cmds[i]);
			exit(1);
		}
	}
}

/* c->err, emptied: a message printed after a call is that call's. */
static char *fresh(struct ctx *c)
{
	c->err[0] = '\0';
	return c->err;
}

static int find(struct ctx *c, struct usb_stick *st, unsigned int wait_ms)
{
	return usb_find(c->sys, c->dev, st, wait_ms, fresh(c),
			sizeof(c->err));
}

static bool is_dev(struct ctx *c, const struct usb_stick *st,
		   const char *name)
{
	char want[PATH_MAX];

	pathf(want, sizeof(want), "%s/%s", c->dev, name);
	return !strcmp(st->fs_dev, want);
}

static void test_enumeration(struct ctx *c)
{
	struct usb_stick st;
	int ret;

	/* A virtio disk and a loop device, both with FAT32: not USB. */
	reset_tree(c);
	add_disk(c, "vda", VIRTIO_DEV, img(c, "fat32.img"), "0\n",
		 "131072\n");
	add_disk(c, "loop0", NULL, img(c, "fat32.img"), "0\n", "131072\n");
	ret = find(c, &st, 0);
	check(&c->tap, ret == USB_NONE, "no USB disk (virtio, loop only) -> %d (%s)",
	      ret, c->err);

	add_usb(c, "sda", USB_DEV_A, img(c, "fat32.img"));
	ret = find(c, &st, 0);
	check(&c->tap, ret == USB_OK && !strcmp(st.disk, "sda") &&
	      is_dev(c, &st, "sda") && !st.readonly && st.diskseq == 7,
	      "whole-disk FAT32 -> %d, disk %s, fs_dev %s, readonly %d (%s)",
	      ret, st.disk, st.fs_dev, st.readonly, c->err);
	check(&c->tap, usb_same_stick(&st), "same stick right after usb_find");
	put("8\n", "%s/block/sda/diskseq", c->sys);
	check(&c->tap, !usb_same_stick(&st),
	      "new diskseq (replugged) -> not the same stick");
	put("7\n", "%s/block/sda/diskseq", c->sys);
	check(&c->tap, usb_same_stick(&st), "old diskseq -> same stick");

	/* An empty card reader slot is no stick. */
	add_disk(c, "sdb", USB_DEV_B, img(c, "empty.img"), "0\n", "0\n");
	ret = find(c, &st, 0);
	check(&c->tap, ret == USB_OK && is_dev(c, &st, "sda"),
	      "USB disk of size 0 is ignored -> %d (%s)", ret, c->err);

	add_usb(c, "sdc", USB_DEV_C, img(c, "fat32.img"));
	ret = find(c, &st, 0);
	check(&c->tap, ret == USB_MANY && strstr(c->err, "sda") &&
	      strstr(c->err, "sdc"), "two sticks -> %d (%s)", ret, c->err);
	ret = find(c, &st, 300);
	check(&c->tap, ret == USB_MANY, "two sticks, no waiting for more -> %d",
	      ret);

	reset_tree(c);
	add_disk(c, "sda", USB_DEV_A, img(c, "fat32.img"), "1\n",
		 "131072\n");
	ret = find(c, &st, 0);
	check(&c->tap, ret == USB_OK && st.readonly,
	      "ro=1 -> found, readonly %d (%d: %s)", st.readonly, ret,
	      c->err);
	pathf(c->img, sizeof(c->img), "%s/block/sda", c->sys);
	must(!sh(NULL, 0, "rm -rf '%s'", c->img), "remove the disk");
	check(&c->tap, !usb_same_stick(&st),
	      "disk gone from sysfs -> not the same stick");

	/* Partitioned sticks. */
	reset_tree(c);
	add_usb(c, "sdb", USB_DEV_B, img(c, "part.img"));
	add_part(c, "sdb", "sdb1", "1\n", img(c, "part1.img"));
	ret = find(c, &st, 0);
	check(&c->tap, ret == USB_OK && is_dev(c, &st, "sdb1"),
	      "partitioned FAT32 -> %d, fs_dev %s (%s)", ret, st.fs_dev,
	      c->err);

	reset_tree(c);
	add_usb(c, "sdb", USB_DEV_B, img(c, "part.img"));
	add_part(c, "sdb", "sdb2", "2\n", img(c, "part1.img"));
	add_part(c, "sdb", "sdb1", "1\n", img(c, "empty.img"));
	add_part(c, "sdb", "sdb3", "3\n", img(c, "ext2.img"));
	ret = find(c, &st, 0);
	check(&c->tap, ret == USB_OK && is_dev(c, &st, "sdb2"),
	      "three partitions, one FAT32 -> %d, fs_dev %s (%s)", ret,
	      st.fs_dev, c->err);

	reset_tree(c);
	add_usb(c, "sdb", USB_DEV_B, img(c, "part.img"));
	add_part(c, "sdb", "sdb1", "1\n", img(c, "part1.img"));
	add_part(c, "sdb", "sdb2", "2\n", img(c, "fat32.img"));
	ret = find(c, &st, 0);
	check(&c->tap, ret == USB_NOFS, "two FAT32 partitions -> %d (%s)", ret,
	      c->err);

	reset_tree(c);
	add_usb(c, "sdb", USB_DEV_B, img(c, "part.img"));
	add_part(c, "sdb", "sdb1", "1\n", img(c, "ext2.img"));
	add_part(c, "sdb", "sdb2", "2\n", img(c, "fat16.img"));
	ret = find(c, &st, 0);
	check(&c->tap, ret == USB_NOFS && strstr(c->err, "sdb1: ext2") &&
	      strstr(c->err, "sdb2: FAT16"),
	      "partitions without FAT32 -> %d (%s)", ret, c->err);

	/* Whole disks without FAT32. */
	reset_tree(c);
	add_usb(c, "sda", USB_DEV_A, img(c, "ext2.img"));
	ret = find(c, &st, 0);
	check(&c->tap, ret == USB_NOFS && strstr(c->err, "ext2"),
	      "ext2 -> %d (%s)", ret, c->err);

	reset_tree(c);
	add_usb(c, "sda", USB_DEV_A, img(c, "fat16.img"));
	ret = find(c, &st, 0);
	check(&c->tap, ret == USB_NOFS && strstr(c->err, "FAT16"),
	      "FAT16 -> %d (%s)", ret, c->err);

	reset_tree(c);
	add_usb(c, "sda", USB_DEV_A, img(c, "empty.img"));
	ret = find(c, &st, 0);
	check(&c->tap, ret == USB_NOFS && strstr(c->err, "no file system"),
	      "no file system -> %d (%s)", ret, c->err);

	/* A partition table whose partitions the kernel does not show. */
	reset_tree(c);
	add_usb(c, "sda", USB_DEV_A, img(c, "part.img"));
	ret = find(c, &st, 0);
	check(&c->tap, ret == USB_NOFS && strstr(c->err, "partition table"),
	      "partition table, no partitions in sysfs -> %d (%s)", ret,
	      c->err);

	/* No sysfs at all. */
	pathf(c->img, sizeof(c->img), "%s/nonexistent", c->work);
	ret = usb_find(c->img, c->dev, &st, 0, fresh(c), sizeof(c->err));
	check(&c->tap, ret == USB_IO, "missing sysfs root -> %d (%s)", ret,
	      c->err);
}

enum appear { APPEAR_STICK, APPEAR_PARTITION, APPEAR_SECOND_DISK };

/* In a child: after @delay_ms, make a disk or a partition appear. */
static pid_t appear_later(struct ctx *c, unsigned int delay_ms,
			  enum appear what)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	must(pid >= 0, "fork");
	if (pid)
		return pid;
	usleep(delay_ms * 1000);
	if (what == APPEAR_PARTITION)
		add_part(c, "sdb", "sdb1", "1\n", img(c, "part1.img"));
	else if (what == APPEAR_SECOND_DISK)
		add_usb(c, "sdb", USB_DEV_B, img(c, "fat32.img"));
	else
		add_usb(c, "sdd", USB_DEV_C, img(c, "fat32.img"));
	_exit(0);
}

static void test_waiting(struct ctx *c)
{
	struct usb_stick st;
	uint64_t t0, dt;
	int ret;
	pid_t pid;

	reset_tree(c);
	pid = appear_later(c, APPEAR_MS, APPEAR_STICK);
	t0 = now_ms();
	ret = find(c, &st, BIG_WAIT_MS);
	dt = now_ms() - t0;
	waitpid(pid, NULL, 0);
	check(&c->tap, ret == USB_OK && !strcmp(st.disk, "sdd") &&
	      dt >= APPEAR_MS - 50 && dt < APPEAR_MS + 500,
	      "stick appearing after %d ms, wait_ms %d -> %d after %llu ms (%s)",
	      APPEAR_MS, BIG_WAIT_MS, ret, (unsigned long long)dt, c->err);

	reset_tree(c);
	pid = appear_later(c, APPEAR_MS, APPEAR_STICK);
	t0 = now_ms();
	ret = find(c, &st, 0);
	dt = now_ms() - t0;
	waitpid(pid, NULL, 0);
	check(&c->tap, ret == USB_NONE && dt < 100,
	      "stick appearing after %d ms, wait_ms 0 -> %d after %llu ms",
	      APPEAR_MS, ret, (unsigned long long)dt);

	reset_tree(c);
	t0 = now_ms();
	ret = find(c, &st, 450);
	dt = now_ms() - t0;
	check(&c->tap, ret == USB_NONE && dt >= 450 && dt < 600,
	      "no stick, wait_ms 450 -> %d after %llu ms (deadline)", ret,
	      (unsigned long long)dt);

	/* The kernel lists the disk before its partitions. */
	reset_tree(c);
	add_usb(c, "sdb", USB_DEV_B, img(c, "part.img"));
	pid = appear_later(c, APPEAR_MS, APPEAR_PARTITION);
	t0 = now_ms();
	ret = find(c, &st, BIG_WAIT_MS);
	dt = now_ms() - t0;
	waitpid(pid, NULL, 0);
	check(&c->tap, ret == USB_OK && is_dev(c, &st, "sdb1"),
	      "partition appearing after %d ms -> %d, fs_dev %s after %llu ms (%s)",
	      APPEAR_MS, ret, st.fs_dev, (unsigned long long)dt, c->err);

	/*
	 * Two sticks plugged in together: both SCSI hosts at once, the
	 * disks about a second apart (usb-storage's delay_use).
	 */
	reset_tree(c);
	add_host(c, USB_HOST_A);
	add_host(c, USB_HOST_B);
	add_usb(c, "sda", USB_DEV_A, img(c, "fat32.img"));
	pid = appear_later(c, APPEAR_MS, APPEAR_SECOND_DISK);
	t0 = now_ms();
	ret = find(c, &st, BIG_WAIT_MS);
	dt = now_ms() - t0;
	waitpid(pid, NULL, 0);
	check(&c->tap, ret == USB_MANY,
	      "second stick's disk after %d ms, its host already there -> %d after %llu ms (%s)",
	      APPEAR_MS, ret, (unsigned long long)dt, c->err);

	reset_tree(c);
	add_host(c, USB_HOST_A);
	add_host(c, USB_HOST_B);
	add_usb(c, "sda", USB_DEV_A, img(c, "fat32.img"));
	t0 = now_ms();
	ret = find(c, &st, 0);
	dt = now_ms() - t0;
	check(&c->tap, ret == USB_OK && dt < 100,
	      "a host without disk, wait_ms 0 -> %d after %llu ms (%s)", ret,
	      (unsigned long long)dt, c->err);
	t0 = now_ms();
	ret = find(c, &st, 450);
	dt = now_ms() - t0;
	check(&c->tap, ret == USB_OK && dt >= 450 && dt < 600,
	      "a host that never shows a disk only delays: %d after %llu ms (%s)",
	      ret, (unsigned long long)dt, c->err);
	/* Hosts with disks, and hosts not on USB, keep nobody waiting. */
	reset_tree(c);
	add_host(c, USB_HOST_A);
	add_host(c, "devices/pci0000:00/0000:00:07.0/ata1/host3");
	add_usb(c, "sda", USB_DEV_A, img(c, "fat32.img"));
	t0 = now_ms();
	ret = find(c, &st, BIG_WAIT_MS);
	dt = now_ms() - t0;
	check(&c->tap, ret == USB_OK && dt < 100,
	      "settled USB host, diskless ATA host -> %d after %llu ms (%s)",
	      ret, (unsigned long long)dt, c->err);
}

/* Is @what anywhere in this process's mount table? */
static bool in_mountinfo(const char *what)
{
	char line[4096];
	bool found = false;
	FILE *f = fopen("/proc/self/mountinfo", "r");

	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, what);
	fclose(f);
	return found;
}

/* The mountinfo line of mount point @mnt, or "". */
static void mount_line(const char *mnt, char *buf, size_t len)
{
	char line[4096], key[PATH_MAX];
	FILE *f = fopen("/proc/self/mountinfo", "r");

	buf[0] = '\0';
	pathf(key, sizeof(key), " %s ", mnt);
	while (f && fgets(line, sizeof(line), f)) {
		if (strstr(line, key)) {
			pathf(buf, len, "%s", line);
			buf[strcspn(buf, "\n")] = '\0';
			break;
		}
	}
	if (f)
		fclose(f);
}

static bool exists(const char *dir, const char *name)
{
	char path[PATH_MAX];
	struct stat sb;

	pathf(path, sizeof(path), "%s/%s", dir, name);
	return !lstat(path, &sb);
}

/* The file operations, on a stick mounted writable at st->mnt. */
static void test_files(struct ctx *c, struct usb_stick *st)
{
	static unsigned char data[3000], back[4096];
	struct usb_stick unmounted = *st;
	struct statvfs sv;
	unsigned char *big;
	size_t i, len, biglen;
	int ret;

	ret = usb_check_space(st, 4096, fresh(c), sizeof(c->err));
	check(&c->tap, ret == USB_OK, "check_space 4096 -> %d (%s)", ret,
	      c->err);
	ret = usb_check_space(st, (uint64_t)1 << 40, fresh(c), sizeof(c->err));
	check(&c->tap, ret == USB_NOSPACE, "check_space 1 TiB -> %d (%s)",
	      ret, c->err);

	ret = usb_probe_write(st, fresh(c), sizeof(c->err));
	check(&c->tap, ret == USB_OK && !exists(st->mnt, ".TPMKEY.PRB"),
	      "probe_write -> %d, probe file gone (%s)", ret, c->err);

	for (i = 0; i < sizeof(data); i++)
		data[i] = i * 7 + 1;
	ret = usb_write_file(st, "TPMKEY.BAK", data, sizeof(data), fresh(c),
			     sizeof(c->err));
	check(&c->tap, ret == USB_OK && exists(st->mnt, "TPMKEY.BAK") &&
	      !exists(st->mnt, "TPMKEY.BAK.TMP"),
	      "write_file -> %d, no temporary file left (%s)", ret, c->err);
	ret = usb_read_file(st, "TPMKEY.BAK", back, sizeof(back), &len,
			    fresh(c), sizeof(c->err));
	check(&c->tap, ret == 0 && len == sizeof(data) &&
	      !memcmp(back, data, len), "read_file round trip -> %d, %zu bytes",
	      ret, len);

	ret = usb_write_file(st, "TPMKEY.BAK", "replaced", 8, fresh(c),
			     sizeof(c->err));
	ret = ret ? ret : usb_read_file(st, "TPMKEY.BAK", back, 8, &len,
					fresh(c), sizeof(c->err));
	check(&c->tap, ret == 0 && len == 8 && !memcmp(back, "replaced", 8),
	      "overwrite, read with cap == size -> %d, %zu bytes", ret, len);
	ret = usb_read_file(st, "TPMKEY.BAK", back, 7, &len, fresh(c),
			    sizeof(c->err));
	check(&c->tap, ret == -EFBIG, "file larger than cap -> %d (%s)", ret,
	      c->err);
	ret = usb_read_file(st, "MISSING.BAK", back, sizeof(back), &len,
			    fresh(c), sizeof(c->err));
	check(&c->tap, ret == -ENOENT, "missing file -> %d (%s)", ret, c->err);

	pathf(c->img, sizeof(c->img), "%s/DIR.BAK", st->mnt);
	must(!mkdir(c->img, 0700), "mkdir on the stick");
	ret = usb_read_file(st, "DIR.BAK", back, sizeof(back), &len, fresh(c),
			    sizeof(c->err));
	check(&c->tap, ret == -EISDIR, "directory -> %d (%s)", ret, c->err);

	ret = usb_write_file(st, "a/b", "x", 1, fresh(c), sizeof(c->err));
	check(&c->tap, ret == USB_IO, "name with a slash -> %d (%s)", ret,
	      c->err);
	unmounted.mnt[0] = '\0';
	ret = usb_write_file(&unmounted, "TPMKEY.BAK", "x", 1, fresh(c),
			     sizeof(c->err));
	check(&c->tap, ret == USB_IO, "not mounted -> %d (%s)", ret, c->err);

	/* More than the whole file system: ENOSPC, and no leftovers. */
	must(!statvfs(st->mnt, &sv), "statvfs");
	biglen = (size_t)sv.f_blocks * sv.f_frsize + (1 << 20);
	big = calloc(1, biglen);
	must(!!big, "calloc");
	ret = usb_write_file(st, "BIG.BIN", big, biglen, fresh(c),
			     sizeof(c->err));
	free(big);
	check(&c->tap, ret == USB_NOSPACE && !exists(st->mnt, "BIG.BIN") &&
	      !exists(st->mnt, "BIG.BIN.TMP"),
	      "write_file of %zu bytes -> %d, nothing left (%s)", biglen, ret,
	      c->err);
	ret = usb_probe_write(st, fresh(c), sizeof(c->err));
	check(&c->tap, ret == USB_OK, "probe_write after ENOSPC -> %d (%s)",
	      ret, c->err);

	pathf(c->img, sizeof(c->img), "%s/DIR.BAK", st->mnt);
	rmdir(c->img);
	ret = usb_write_file(st, "TPMKEY.BAK", data, sizeof(data), fresh(c),
			     sizeof(c->err));
	check(&c->tap, ret == USB_OK, "final TPMKEY.BAK -> %d (%s)", ret,
	      c->err);
}

/*
 * Fake sysfs entry for loop device @loop ("/dev/loop3"): a USB device
 * path, and the loop device's own ro, size and diskseq.
 */
static void add_loop_stick(struct ctx *c, const char *loop)
{
	const char *name = strrchr(loop, '/') + 1;
	char real[PATH_MAX], ro[32] = "0", size[32] = "1", seq[32] = "";
	FILE *f;

	pathf(real, sizeof(real), "/sys/block/%s/ro", name);
	f = fopen(real, "r");
	if (f && fgets(ro, sizeof(ro), f))
		fclose(f);
	pathf(real, sizeof(real), "/sys/block/%s/size", name);
	f = fopen(real, "r");
	if (f && fgets(size, sizeof(size), f))
		fclose(f);
	pathf(real, sizeof(real), "/sys/block/%s/diskseq", name);
	f = fopen(real, "r");
	if (f && fgets(seq, sizeof(seq), f))
		fclose(f);
	add_disk(c, name, USB_DEV_A, NULL, ro, size);
	if (seq[0])
		put(seq, "%s/block/%s/diskseq", c->sys, name);
}

static int find_loop(struct ctx *c, struct usb_stick *st)
{
	return usb_find(c->sys, "/dev", st, 0, fresh(c), sizeof(c->err));
}

/*
 * Runs @fn in a child and adds its TAP counts.  @fn may hand the parent a
 * mount point through @tell and waits for the parent's look at its own
 * mount table (see parent_look()).
 */
struct child {
	int tell[2];	/* child -> parent: a mount point */
	int ack[2];	/* parent -> child: looked */
	int counts[2];	/* child -> parent: struct tap */
};

static void child_tell(struct child *ch, const char *mnt)
{
	char buf[64] = { 0 };
	char ok;

	pathf(buf, sizeof(buf), "%s", mnt);
	if (write(ch->tell[1], buf, sizeof(buf)) != sizeof(buf) ||
	    read(ch->ack[0], &ok, 1) != 1)
		_exit(100);
}

typedef void (*child_fn)(struct ctx *c, struct child *ch, const char *loop);

static void run_child(struct ctx *c, child_fn fn, const char *loop,
		      char seen[][64], int maxseen)
{
	struct tap sub = { 0, 0 };
	struct child ch;
	char buf[64];
	int status, n = 0;
	pid_t pid;

	must(!pipe(ch.tell) && !pipe(ch.ack) && !pipe(ch.counts), "pipe");
	fflush(stdout);
	pid = fork();
	must(pid >= 0, "fork");
	if (!pid) {
		c->tap.run = 0;
		c->tap.failed = 0;
		fn(c, &ch, loop);
		if (write(ch.counts[1], &c->tap, sizeof(c->tap)) !=
		    sizeof(c->tap))
			_exit(100);
		_exit(0);
	}
	close(ch.tell[1]);
	close(ch.ack[0]);
	close(ch.counts[1]);
	/* Each mount point the child reports must be invisible here. */
	while (read(ch.tell[0], buf, sizeof(buf)) == sizeof(buf)) {
		buf[sizeof(buf) - 1] = '\0';
		check(&c->tap, !in_mountinfo(buf),
		      "parent does not see %s while the child has it mounted",
		      buf);
		if (n < maxseen)
			pathf(seen[n++], 64, "%s", buf);
		if (write(ch.ack[1], "y", 1) != 1)
			break;
	}
	close(ch.ack[1]);
	if (read(ch.counts[0], &sub, sizeof(sub)) != sizeof(sub))
		sub = (struct tap){ .run = 1, .failed = 1 };
	close(ch.tell[0]);
	close(ch.counts[0]);
	waitpid(pid, &status, 0);
	check(&c->tap, WIFEXITED(status) && !WEXITSTATUS(status),
	      "child exited cleanly (status %d)", status);
	c->tap.run += sub.run;
	c->tap.failed += sub.failed;
	if (n < maxseen)
		seen[n][0] = '\0';
}

/* Child: usb_mount() of a real FAT32 loop device, then the file tests. */
static void child_vfat(struct ctx *c, struct child *ch, const char *loop)
{
	struct usb_stick st;
	char line[4096], mnt[64];
	int ret;

	ret = find_loop(c, &st);
	check(&c->tap, ret == USB_OK && !strcmp(st.fs_dev, loop),
	      "usb_find of the loop stick -> %d, fs_dev %s (%s)", ret,
	      st.fs_dev, c->err);
	if (ret)
		return;
	ret = usb_mount(&st, true, fresh(c), sizeof(c->err));
	check(&c->tap, ret == USB_OK && strstr(st.mnt, "/tpmkey-usb."),
	      "usb_mount writable -> %d at %s (%s)", ret, st.mnt, c->err);
	if (ret)
		return;
	mount_line(st.mnt, line, sizeof(line));
	check(&c->tap, line[0] != '\0', "the child sees its mount");
	check(&c->tap, strstr(line, "nosuid") && strstr(line, "nodev") &&
	      strstr(line, "noexec") && strstr(line, " vfat ") &&
	      strstr(line, "fmask=0177") && strstr(line, "dmask=0077"),
	      "mount options: %s", line);
	if (strstr(line, "nosymfollow"))
		diag("MS_NOSYMFOLLOW is in effect");
	else
		diag("MS_NOSYMFOLLOW is NOT in effect (old kernel?)");
	check(&c->tap, usb_same_stick(&st), "same stick while mounted");
	child_tell(ch, st.mnt);

	test_files(c, &st);

	pathf(mnt, sizeof(mnt), "%s", st.mnt);
	ret = usb_umount(&st);
	check(&c->tap, ret == 0 && !st.mnt[0] && !in_mountinfo(mnt) &&
	      access(mnt, F_OK) && errno == ENOENT,
	      "usb_umount -> %d, unmounted, directory removed", ret);
	ret = usb_umount(&st);
	check(&c->tap, ret == 0, "usb_umount again -> %d", ret);

	ret = usb_mount(&st, false, fresh(c), sizeof(c->err));
	check(&c->tap, ret == USB_OK, "usb_mount read-only -> %d (%s)", ret,
	      c->err);
	if (ret)
		return;
	child_tell(ch, st.mnt);
	ret = usb_write_file(&st, "OTHER.BAK", "x", 1, fresh(c), sizeof(c->err));
	check(&c->tap, ret == USB_READONLY,
	      "write_file on a read-only mount -> %d (%s)", ret, c->err);
	check(&c->tap, usb_umount(&st) == 0, "usb_umount");
}

/* Child: a write-protected (losetup -r) FAT32 stick. */
static void child_vfat_ro(struct ctx *c, struct child *ch, const char *loop)
{
	struct usb_stick st;
	int ret;

	ret = find_loop(c, &st);
	check(&c->tap, ret == USB_OK && st.readonly &&
	      !strcmp(st.fs_dev, loop),
	      "usb_find of the read-only loop stick -> %d, readonly %d (%s)",
	      ret, st.readonly, c->err);
	if (ret)
		return;
	ret = usb_mount(&st, true, fresh(c), sizeof(c->err));
	if (ret == USB_OK) {
		child_tell(ch, st.mnt);
		diag("the writable mount of a read-only disk succeeded");
		ret = usb_probe_write(&st, fresh(c), sizeof(c->err));
		usb_umount(&st);
	}
	check(&c->tap, ret == USB_READONLY,
	      "read-only stick: writable mount or probe -> %d (%s)", ret,
	      c->err);
	ret = usb_mount(&st, false, fresh(c), sizeof(c->err));
	check(&c->tap, ret == USB_OK, "read-only stick mounts read-only -> %d (%s)",
	      ret, c->err);
	if (!ret) {
		child_tell(ch, st.mnt);
		usb_umount(&st);
	}
}

/*
 * Child, for a kernel without vfat: usb_mount() fails cleanly, and the
 * file operations run on an ext2 loop device mounted here.
 */
static void child_standin(struct ctx *c, struct child *ch, const char *loop)
{
	struct usb_stick st;
	char before[64], after[64];
	int ret;

	(void)ch;
	ret = find_loop(c, &st);
	check(&c->tap, ret == USB_NOFS && strstr(c->err, "ext2"),
	      "usb_find of the ext2 loop stick -> %d (%s)", ret, c->err);
	pathf(st.fs_dev, sizeof(st.fs_dev), "%s", loop);
	sh(before, sizeof(before), "ls -d /run/tpmkey-usb.* 2>/dev/null | wc -l");
	ret = usb_mount(&st, true, fresh(c), sizeof(c->err));
	sh(after, sizeof(after), "ls -d /run/tpmkey-usb.* 2>/dev/null | wc -l");
	check(&c->tap, ret == USB_IO && !st.mnt[0] && !strcmp(before, after),
	      "usb_mount without vfat -> %d, no mount point left (%s)", ret,
	      c->err);

	pathf(st.mnt, sizeof(st.mnt), "%s/mnt", c->work);
	must(!mkdir(st.mnt, 0700), "mkdir");
	must(!unshare(CLONE_NEWNS), "unshare");
	must(!mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL), "private");
	must(!mount(loop, st.mnt, "ext2", MS_NOSUID | MS_NODEV, NULL),
	     "mount ext2");
	test_files(c, &st);
	must(!mount(NULL, st.mnt, NULL, MS_REMOUNT | MS_RDONLY, NULL),
	     "remount read-only");
	ret = usb_probe_write(&st, fresh(c), sizeof(c->err));
	check(&c->tap, ret == USB_READONLY,
	      "probe_write on a read-only mount (ext2) -> %d (%s)", ret, c->err);
	st.readonly = true;
	ret = usb_write_file(&st, "TPMKEY.BAK", "x", 1, fresh(c),
			     sizeof(c->err));
	check(&c->tap, ret == USB_READONLY,
	      "write_file on a read-only disk -> %d (%s)", ret, c->err);
	umount2(st.mnt, 0);
	rmdir(st.mnt);
}

static bool attach(struct ctx *c, const char *image, bool ro, char *loop,
		   size_t len)
{
	pathf(c->img, sizeof(c->img), "%s/%s", c->work, image);
	return !sh(loop, len, "losetup -f --show %s'%s' 2>/dev/null",
		   ro ? "-r " : "", c->img) && loop[0];
}

static void test_mounting(struct ctx *c)
{
	char loop[64], seen[4][64], out[256];
	const char *fs = c->have_vfat ? "fat32.img" : "ext2.img";
	int i;

	must(!sh(NULL, 0, "cd '%s' && cp %s mnt.img", c->work,
		 fs), "copy the image");
	if (!attach(c, "mnt.img", false, loop, sizeof(loop))) {
		skip(&c->tap, "mount, write and read # SKIP no loop device");
		return;
	}
	diag("loop device %s over %s", loop, fs);
	reset_tree(c);
	add_loop_stick(c, loop);

	if (!c->have_vfat) {
		diag("the host kernel has no vfat: file tests on ext2");
		skip(&c->tap, "usb_mount of FAT32 # SKIP no vfat in this kernel");
		run_child(c, child_standin, loop, seen, 4);
		sh(NULL, 0, "losetup -d %s", loop);
		return;
	}

	run_child(c, child_vfat, loop, seen, 4);
	for (i = 0; i < 4 && seen[i][0]; i++)
		check(&c->tap, !in_mountinfo(seen[i]) && access(seen[i], F_OK),
		      "%s: never mounted here, gone after the child", seen[i]);
	check(&c->tap, !in_mountinfo(loop), "%s not mounted in the parent",
	      loop);
	sh(NULL, 0, "losetup -d %s", loop);
	i = sh(out, sizeof(out), "fsck.fat -n '%s/mnt.img' 2>&1 | tail -n 1",
	       c->work);
	check(&c->tap, !sh(NULL, 0, "fsck.fat -n '%s/mnt.img' >/dev/null 2>&1",
			   c->work), "fsck.fat -n is clean (%s)", out);
	/* An independent reader; mtools needs iconv, which a VM may lack. */
	if (sh(out, sizeof(out), "mdir -b -i '%s/mnt.img' :: 2>/dev/null | tr '\\n' ' '",
	       c->work) || !out[0])
		skip(&c->tap, "mtools listing # SKIP mdir does not run here");
	else
		check(&c->tap, strstr(out, "TPMKEY.BAK ") &&
		      !strstr(out, ".TMP") && !strstr(out, ".PRB"),
		      "mtools sees TPMKEY.BAK and no temporary files: %s",
		      out);

	must(!sh(NULL, 0, "cd '%s' && cp fat32.img ro.img",
		 c->work), "copy the image");
	if (!attach(c, "ro.img", true, loop, sizeof(loop))) {
		skip(&c->tap, "read-only stick # SKIP no loop device");
		return;
	}
	reset_tree(c);
	add_loop_stick(c, loop);
	run_child(c, child_vfat_ro, loop, seen, 4);
	sh(NULL, 0, "losetup -d %s", loop);
}

static bool kernel_has(const char *fs)
{
	char line[128], want[64];
	bool found = false;
	FILE *f = fopen("/proc/filesystems", "r");

	pathf(want, sizeof(want), "\t%s\n", fs);
	while (f && !found && fgets(line, sizeof(line), f))
		found = strstr(line, want);
	if (f)
		fclose(f);
	return found;
}

int main(int argc, char *argv[])
{
	struct ctx *c = calloc(1, sizeof(*c));
	bool own_work = argc < 2;

	if (!c)
		return 1;
	if (geteuid()) {
		printf("1..0 # SKIP needs root (loop devices, mounts)\n");
		return 0;
	}
	if (own_work) {
		pathf(c->work, sizeof(c->work), "/tmp/usb_test.XXXXXX");
		must(!!mkdtemp(c->work), "mkdtemp");
	} else {
		pathf(c->work, sizeof(c->work), "%s", argv[1]);
	}
	pathf(c->sys, sizeof(c->sys), "%s/sys", c->work);
	pathf(c->dev, sizeof(c->dev), "%s/dev", c->work);
	c->have_vfat = kernel_has("vfat");

	make_images(c);
	test_enumeration(c);
	test_waiting(c);
	test_mounting(c);

	printf("1..%u\n", c->tap.run);
	if (c->tap.failed)
		diag("%u of %u failed", c->tap.failed, c->tap.run);
	if (own_work)
		sh(NULL, 0, "rm -rf '%s'", c->work);
	return c->tap.failed ? 1 : 0;
}
