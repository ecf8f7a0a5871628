// SPDX-License-Identifier: GPL-2.0
/*
 * tpmkey_fuzz SEED SECONDS: random ioctls on /dev/tpmkey for a bounded
 * time.  Commands, sizes, flags, pointers and the bytes behind them are
 * random, biased towards the edges the module checks (the size field, the
 * version-1 sizes, unmapped and read-only pages, valid headers with one
 * field off).  Every call must return 0 or an errno the interface
 * documents; the kernel must not report anything (the harness checks the
 * console).  Prints the seed and the counts; exits 1 on an undocumented
 * errno.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/tpmkey.h>

static const unsigned long cmds[] = {
	TPMKEY_IOC_STATUS, TPMKEY_IOC_ACTIVATE, TPMKEY_IOC_LOAD,
	TPMKEY_IOC_ERASE, TPMKEY_IOC_BACKUP, TPMKEY_IOC_VERIFY,
	TPMKEY_IOC_RESTORE,
	_IOWR(TPMKEY_IOC_MAGIC, 0x07, struct tpmkey_status),
	_IOWR(TPMKEY_IOC_MAGIC, 0x00, __u64),
	_IO(TPMKEY_IOC_MAGIC, 0x01),
};

static const int documented[] = {
	0, EINVAL, E2BIG, EFAULT, ENOSPC, EEXIST, ENOKEY, ESTALE, EBADMSG,
	EKEYREJECTED, EALREADY, ENOENT, ENODATA, EIO, ENOTTY, ENODEV,
	ENOPKG, ENOMEM, EINTR, EBUSY, EKEYREVOKED, EKEYEXPIRED, EAGAIN,
	EREMOTEIO,
};

static unsigned int rnd(unsigned int n)
{
	return (unsigned int)random() % n;
}

static __u32 random_size(void)
{
	static const __u32 sizes[] = {
		0, 4, 8, 40, 48, 56, 64, 80, 81, 88, 128, 4096, 4097,
		0xffffffff,
	};

	return rnd(4) ? sizes[rnd(sizeof(sizes) / sizeof(sizes[0]))] :
			(__u32)random();
}

int main(int argc, char *argv[])
{
	unsigned long seed, seconds, calls = 0, bad = 0;
	unsigned long errs[256] = { 0 };
	unsigned char *page, *ro, *buf;
	time_t end;
	size_t i;
	int fd;

	if (argc != 3) {
		fprintf(stderr, "usage: tpmkey_fuzz SEED SECONDS\n");
		return 2;
	}
	seed = strtoul(argv[1], NULL, 0);
	seconds = strtoul(argv[2], NULL, 0);
	srandom(seed);
	fd = open("/dev/tpmkey", O_RDWR);
	page = mmap(NULL, 8192, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ro = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (fd < 0 || page == MAP_FAILED || ro == MAP_FAILED) {
		perror("setup");
		return 2;
	}
	/* The second page of @page is a hole: structs that run into it. */
	munmap(page + 4096, 4096);
	mprotect(ro, 4096, PROT_READ);

	end = time(NULL) + seconds;
	while (time(NULL) < end) {
		unsigned long cmd = cmds[rnd(sizeof(cmds) / sizeof(cmds[0]))];
		size_t off = rnd(5) ? 0 : 4096 - 8 * (1 + rnd(16));
		__u32 *words;
		int ret, err;

		buf = page + off;
		for (i = 0; i < 4096 - off; i++)
			buf[i] = rnd(8) ? 0 : (unsigned char)random();
		words = (__u32 *)buf;
		words[0] = random_size();
		if (rnd(2))
			words[1] = 0;	/* flags */
		/* Pointers: valid, NULL, unmapped, read-only, kernel. */
		for (i = 2; i + 1 < (4096 - off) / 4 && i < 20; i += 2) {
			__u64 p;

			switch (rnd(6)) {
			case 0: p = (unsigned long)page; break;
			case 1: p = 0; break;
			case 2: p = (unsigned long)page + 4096; break;
			case 3: p = (unsigned long)ro; break;
			case 4: p = 0xffff888000000000ull; break;
			default: continue;
			}
			if (rnd(3) == 0)
				memcpy(&words[i], &p, sizeof(p));
		}
		if (rnd(10) == 0)
			buf = rnd(2) ? NULL : ro;
		ret = ioctl(fd, cmd, buf);
		err = ret ? errno : 0;
		calls++;
		for (i = 0; i < sizeof(documented) / sizeof(documented[0]); i++)
			if (documented[i] == err)
				break;
		if (i == sizeof(documented) / sizeof(documented[0])) {
			bad++;
			fprintf(stderr, "cmd %#lx: undocumented errno %d\n", cmd,
				err);
		}
		errs[err & 0xff]++;
	}
	printf("# seed %lu: %lu calls in %lu s, %lu undocumented errnos\n",
	       seed, calls, seconds, bad);
	for (i = 0; i < 256; i++)
		if (errs[i])
			printf("#   %-14s %lu\n", i ? strerror(i) : "success",
			       errs[i]);
	close(fd);
	return bad ? 1 : 0;
}
