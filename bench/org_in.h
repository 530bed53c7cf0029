/* A small reader of an org chart CSV for the generators (gen_calendar --org-in, gen_cases
 * --org-in): the generic columns id, manager, name, title, unit, fte, email (any order, through
 * the project's CSV reader), parents resolved by id, layers from the top. Meant for the
 * example-sized charts the generators build data sets around (parents found by a sorted index).
 * Header-only: each generator is one C file. */
#ifndef MAAT_BENCH_ORG_IN_H
#define MAAT_BENCH_ORG_IN_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "maatlat/csv.h"
#include "maatlat/util.h"

typedef struct org_in_person {
	/* the columns; owned, "" when absent */
	char *id, *manager, *name, *title, *unit, *email;
	/* FTE (1.0 when absent) */
	double fte;
	/* index of the manager, -1 for a top post or an unknown manager */
	ssize_t parent;
	/* 1 for a top post; 0 when in a cycle */
	int layer;
	/* direct reports */
	size_t nreports;
} org_in_person;

static int
org_in_cmp_idx(const void *a, const void *b, void *ctx)
{
	const org_in_person *p = ctx;
	return strcmp(p[*(const size_t *)a].id, p[*(const size_t *)b].id);
}

/* qsort_r is a GNU extension; the generators sort small arrays, so a plain insertion sort */
static void
org_in_sort(size_t *idx, size_t n, org_in_person *p)
{
	for (size_t i = 1; i < n; i++) {
		size_t v = idx[i], j = i;
		while (j > 0 && org_in_cmp_idx(&idx[j - 1], &v, p) > 0) {
			idx[j] = idx[j - 1];
			j--;
		}
		idx[j] = v;
	}
}

static ssize_t
org_in_find(const org_in_person *p, const size_t *idx, size_t n, const char *id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(p[idx[mid]].id, id);
		if (c == 0) {
			return (ssize_t)idx[mid];
		}
		if (c < 0) {
			lo = mid + 1;
		} else {
			hi = mid;
		}
	}
	return -1;
}

static char *
org_in_field(const maat_csv *c, ssize_t col)
{
	if (col < 0 || (size_t)col >= maat_csv_nfields(c)) {
		return maat_xstrdup("");
	}
	return maat_trim(
	    maat_xstrndup(maat_csv_field(c, (size_t)col), maat_csv_field_len(c, (size_t)col)));
}

/* Reads path into *out (caller frees with org_in_free) and *n. Returns 0, or an exit status
 * (66 missing, 65 not an org chart) after printing why. */
static int
org_in_read(const char *path, org_in_person **out, size_t *n)
{
	static const char *const a_id[] = {"id", NULL}, *const a_mgr[] = {"manager", NULL},
				 *const a_name[] = {"name", NULL},
				 *const a_title[] = {"title", NULL},
				 *const a_unit[] = {"unit", NULL}, *const a_fte[] = {"fte", NULL},
				 *const a_email[] = {"email", NULL};
	FILE *f = fopen(path, "rb");
	maat_csv_opts o = {.path = path};
	maat_err err = {0};
	maat_csv *c;
	ssize_t ci, cm, cn, ct, cu, cf, ce;
	org_in_person *p = NULL;
	size_t np = 0, *idx;
	int rc;

	if (f == NULL) {
		perror(path);
		return 66;
	}
	if ((c = maat_csv_open(f, &o, &err)) == NULL || maat_csv_next(c, &err) <= 0) {
		fprintf(stderr, "%s: not an org chart CSV %s\n", path, err.msg);
		fclose(f);
		maat_csv_free(c);
		return 65;
	}
	ci = maat_csv_column(c, a_id);
	cm = maat_csv_column(c, a_mgr);
	cn = maat_csv_column(c, a_name);
	ct = maat_csv_column(c, a_title);
	cu = maat_csv_column(c, a_unit);
	cf = maat_csv_column(c, a_fte);
	ce = maat_csv_column(c, a_email);
	if (ci < 0 || cm < 0) {
		fprintf(stderr, "%s: needs the columns id and manager\n", path);
		maat_csv_free(c);
		fclose(f);
		return 65;
	}
	while ((rc = maat_csv_next(c, &err)) > 0) {
		char *fte;
		p = maat_xreallocarray(p, np + 1, sizeof(*p));
		memset(&p[np], 0, sizeof(p[np]));
		p[np].id = org_in_field(c, ci);
		p[np].manager = org_in_field(c, cm);
		p[np].name = org_in_field(c, cn);
		p[np].title = org_in_field(c, ct);
		p[np].unit = org_in_field(c, cu);
		p[np].email = org_in_field(c, ce);
		fte = org_in_field(c, cf);
		if (!maat_csv_parse_number(fte, &p[np].fte) || p[np].fte <= 0) {
			p[np].fte = 1.0;
		}
		free(fte);
		np++;
	}
	maat_csv_free(c);
	fclose(f);
	if (rc < 0) {
		fprintf(stderr, "%s\n", err.msg);
		return 65;
	}
	idx = maat_xcalloc(np ? np : 1, sizeof(*idx));
	for (size_t i = 0; i < np; i++) {
		idx[i] = i;
	}
	org_in_sort(idx, np, p);
	for (size_t i = 0; i < np; i++) {
		p[i].parent = p[i].manager[0] ? org_in_find(p, idx, np, p[i].manager) : -1;
		if (p[i].parent == (ssize_t)i) {
			p[i].parent = -1;
		}
		if (p[i].parent >= 0) {
			p[p[i].parent].nreports++;
		}
	}
	free(idx);
	/* layers by walking up, bounded by n steps (a cycle gets layer 0) */
	for (size_t i = 0; i < np; i++) {
		ssize_t cur = (ssize_t)i;
		int d = 1;
		while (p[cur].parent >= 0 && (size_t)d <= np) {
			cur = p[cur].parent;
			d++;
		}
		p[i].layer = (size_t)d <= np ? d : 0;
	}
	*out = p;
	*n = np;
	return 0;
}

static void
org_in_free(org_in_person *p, size_t n)
{
	for (size_t i = 0; p != NULL && i < n; i++) {
		free(p[i].id);
		free(p[i].manager);
		free(p[i].name);
		free(p[i].title);
		free(p[i].unit);
		free(p[i].email);
	}
	free(p);
}

#endif
