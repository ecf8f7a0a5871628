// SPDX-License-Identifier: GPL-2.0
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

#include "output.h"

/*
 * Length of the valid UTF-8 sequence at @s (RFC 3629: no overlongs, no
 * surrogates, at most U+10FFFF), or 0 if there is none.
 */
static size_t utf8_len(const unsigned char *s)
{
	size_t n, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

/*
 * A JSON string of @s whatever its bytes: valid UTF-8 passes, each byte
 * that is not part of a valid sequence becomes U+FFFD (tpmkeyctl(8)).
 */
static void json_string(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', f);
	while (*s) {
		size_t n = utf8_len(s);

		if (!n) {
			fputs("\\ufffd", f);
			s++;
		} else if (*s == '"' || *s == '\\') {
			fprintf(f, "\\%c", *s++);
		} else if (*s == '\n') {
			fputs("\\n", f);
			s++;
		} else if (*s < 0x20 || *s == 0x7f) {
			fprintf(f, "\\u%04x", *s++);
		} else {
			fwrite(s, 1, n, f);
			s += n;
		}
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
	/* Every object starts with the version of its layout. */
	if (!o->fields_open)
		fprintf(o->out, "{\"schema\":%d", TPMKEY_JSON_SCHEMA);
	fputc(',', o->out);
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
