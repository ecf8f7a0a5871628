// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "output.h"

static void json_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/* Fields never hold secrets, so the audit trail records them all. */
static void __attribute__((format(printf, 3, 4)))
audit_field(struct output *o, const char *key, const char *fmt, ...)
{
	size_t used = strlen(o->audit_fields);
	va_list ap;
	int n;

	if (!o->audit || used >= sizeof(o->audit_fields) - 1)
		return;
	n = snprintf(o->audit_fields + used, sizeof(o->audit_fields) - used,
		     " %s=", key);
	if (n < 0 || (size_t)n >= sizeof(o->audit_fields) - used)
		return;
	used += n;
	va_start(ap, fmt);
	vsnprintf(o->audit_fields + used, sizeof(o->audit_fields) - used, fmt,
		  ap);
	va_end(ap);
}

static void json_key(struct output *o, const char *key)
{
	fputs(o->fields_open ? "," : "{", o->out);
	o->fields_open = true;
	json_string(o->out, key);
	fputc(':', o->out);
}

void out_field_str(struct output *o, const char *key, const char *value)
{
	audit_field(o, key, "%s", value);
	if (!o->json)
		return;
	json_key(o, key);
	json_string(o->out, value);
}

void out_field_uint(struct output *o, const char *key, uint64_t value)
{
	audit_field(o, key, "%" PRIu64, value);
	if (!o->json)
		return;
	json_key(o, key);
	fprintf(o->out, "%" PRIu64, value);
}

void out_field_bool(struct output *o, const char *key, bool value)
{
	audit_field(o, key, "%s", value ? "true" : "false");
	if (!o->json)
		return;
	json_key(o, key);
	fputs(value ? "true" : "false", o->out);
}

void out_field_hex(struct output *o, const char *key, const uint8_t *buf,
		   size_t len)
{
	size_t i;

	if (!o->json)
		return;
	json_key(o, key);
	fputc('"', o->out);
	for (i = 0; i < len; i++)
		fprintf(o->out, "%02x", buf[i]);
	fputc('"', o->out);
}

void out_line(struct output *o, const char *label, const char *fmt, ...)
{
	va_list ap;

	if (o->json || o->quiet)
		return;
	fprintf(o->out, "%-16s ", label);
	va_start(ap, fmt);
	vfprintf(o->out, fmt, ap);
	va_end(ap);
	fputc('\n', o->out);
}

void out_info(struct output *o, const char *fmt, ...)
{
	va_list ap;

	if (o->json || o->quiet)
		return;
	va_start(ap, fmt);
	vfprintf(o->out, fmt, ap);
	va_end(ap);
	fputc('\n', o->out);
}

int out_finish(struct output *o, int code, const char *fmt, ...)
{
	char msg[1024] = "";
	va_list ap;

	if (fmt) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof(msg), fmt, ap);
		va_end(ap);
	}
	if (o->audit) {
		size_t n = strlen(o->command);
		const char *m = msg;

		/* "backup: backup: ..." says the command twice. */
		if (!strncmp(m, o->command, n) && !strncmp(m + n, ": ", 2))
			m += n + 2;
		syslog(LOG_AUTHPRIV | (code ? LOG_WARNING : LOG_NOTICE),
		       "%s: %s%s (exit %d)", o->command,
		       *m ? m : code ? "failed" : "ok", o->audit_fields, code);
	}
	if (o->json) {
		json_key(o, "ok");
		fputs(code ? "false" : "true", o->out);
		fprintf(o->out, ",\"code\":%d,\"message\":", code);
		json_string(o->out, msg);
		fputs("}\n", o->out);
		o->fields_open = false;
	} else if (code) {
		fprintf(stderr, "tpmkeyctl: %s\n", msg);
	} else if (*msg && !o->quiet) {
		fprintf(o->out, "%s\n", msg);
	}
	fflush(o->out);
	return code;
}
