#include <math.h>

#include "maatlat/json.h"

int
maat_json_print(const json_t *v, FILE *out)
{
	if (json_dumpf(v, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12)) !=
	    0) {
		return -1;
	}
	fputc('\n', out);
	return ferror(out) ? -1 : 0;
}

json_t *
maat_json_real(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}
