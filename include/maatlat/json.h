/* JSON output through jansson: the one place that decides how --json looks. */
#ifndef MAAT_JSON_H
#define MAAT_JSON_H

#include <stdio.h>

#include <jansson.h>

/* Writes v (keys in insertion order, 2-space indent, reals with 12 significant digits so that
 * 0.1 + 0.2 prints as 0.3) and a newline. Returns 0, or -1 when writing failed. Borrows v. */
int maat_json_print(const json_t *v, FILE *out);

/* A JSON number, or null when v is NaN or infinite (a figure that cannot be computed). */
json_t *maat_json_real(double v);

#endif
