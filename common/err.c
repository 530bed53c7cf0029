#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "maatlat/err.h"

int
maat_err_set(maat_err *e, int code, const char *fmt, ...)
{
	if (e != NULL) {
		va_list ap;
		e->code = code;
		va_start(ap, fmt);
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
	}
	return -code;
}

int
maat_err_prefix(maat_err *e, const char *fmt, ...)
{
	char prefix[256];
	char old[sizeof(e->msg)];
	va_list ap;

	if (e == NULL) {
		return -MAAT_E_FAIL;
	}
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof(old));
	{
		/* assembled by hand: snprintf("%s: %s") trips -Wformat-truncation, and cutting the
		 * tail of a long message is exactly what we want */
		size_t np = strlen(prefix), no = strnlen(old, sizeof(old) - 1),
		       cap = sizeof(e->msg) - 1;
		size_t at = np < cap ? np : cap;
		memcpy(e->msg, prefix, at);
		if (at + 2 <= cap) {
			memcpy(e->msg + at, ": ", 2);
			at += 2;
		}
		if (no > cap - at) {
			no = cap - at;
		}
		memcpy(e->msg + at, old, no);
		e->msg[at + no] = '\0';
	}
	return -e->code;
}

void
maat_err_clear(maat_err *e)
{
	if (e != NULL) {
		e->code = 0;
		e->msg[0] = '\0';
	}
}
