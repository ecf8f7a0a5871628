/* SPDX-License-Identifier: GPL-2.0 */
/*
 * TAP output for the helper's host tests: "ok - ..." / "not ok - ...",
 * "# " diagnostics; selftests/run counts the lines.
 */
#ifndef TAP_H
#define TAP_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

struct tap {
	unsigned int run;
	unsigned int failed;
};

static inline bool __attribute__((format(printf, 3, 4)))
check(struct tap *t, bool ok, const char *fmt, ...)
{
	va_list ap;

	t->run++;
	if (!ok)
		t->failed++;
	printf("%s - ", ok ? "ok" : "not ok");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
	return ok;
}

/* A test point that could not run here; the text says why (# SKIP). */
static inline void __attribute__((format(printf, 2, 3)))
skip(struct tap *t, const char *fmt, ...)
{
	va_list ap;

	t->run++;
	printf("ok - ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static inline void __attribute__((format(printf, 1, 2)))
diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

#endif /* TAP_H */
