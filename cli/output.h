/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OUTPUT_H
#define OUTPUT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* "schema" of every JSON object: raised when a field changes meaning. */
#define TPMKEY_JSON_SCHEMA	1

/*
 * How a command reports.  Text mode prints human messages; JSON mode prints
 * exactly one object per command on stdout: the command's fields first,
 * then "ok", "code" and "message".
 */
struct output {
	bool json;
	bool quiet;
	FILE *out;
	bool fields_open;	/* JSON: an object has been started */
	const char *command;	/* for messages and the audit trail */
	bool audit;		/* out_finish() also logs to syslog */
	char audit_fields[256];	/* " key=value" of every field, for syslog */
};

void out_field_str(struct output *o, const char *key, const char *value);
void out_field_uint(struct output *o, const char *key, uint64_t value);
void out_field_bool(struct output *o, const char *key, bool value);
void out_field_hex(struct output *o, const char *key, const uint8_t *buf,
		   size_t len);
/* Text mode: an aligned "key: value" line; JSON: nothing (fields do it). */
void out_line(struct output *o, const char *label, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void out_info(struct output *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/*
 * Finishes a command: JSON mode closes the object with ok/code/message;
 * text mode prints the message to stderr when code != 0 (and to stdout
 * otherwise unless quiet).  With @o->audit the outcome also goes to the
 * system log (LOG_AUTHPRIV), so that an administrator can reconstruct the
 * key's history; messages never hold key material.  Returns code.
 */
int out_finish(struct output *o, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* OUTPUT_H */
