/* gen_snapshot: an earlier snapshot of an org chart, deterministic (seeded): the organisation
 * as it was before a delayering and before it cut hired-in staff. Reads an org chart CSV with a
 * header (the columns of gen_org --roles: id, manager, name, title, unit, fte, grade,
 * employment, email, role; any order) and writes the same columns:
 *
 *   --coordinators K  K managers (the first one of the deepest manager layer, the others drawn
 *                     among managers with at least 6 staff) had a coördinator (role
 *                     management) between them and two of their staff: thin managers, and one
 *                     layer more below the deepest one;
 *   --hired N         N more hired-in staff (employment inhuur, role execution) under managers
 *                     whose staff does execution work;
 *   --drop-policy P   P policy staff (role policy, no reports) were not there yet.
 *
 * New people get ids after the largest numeric id, names from a fixed list and e-mail addresses
 * in the domain of the first row's. Rows keep their order; new rows come last.
 *
 * usage: gen_snapshot --org-in FILE [--coordinators K] [--hired N] [--drop-policy P]
 *                     [--seed S] --out FILE */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maatlat/csv.h"
#include "maatlat/util.h"

static uint64_t rng_state;

/* splitmix64 */
static uint64_t
rnd(void)
{
	uint64_t z = (rng_state += 0x9E3779B97F4A7C15ULL);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
	return z ^ (z >> 31);
}

static size_t
below(size_t n)
{
	return n ? (size_t)(rnd() % n) : 0;
}

static const char *const first[] = {"Anouk", "Bas",  "Daan", "Eva",  "Fleur", "Gijs",
				    "Iris",  "Jens", "Lars", "Mila", "Noor",  "Ruben"};
static const char *const last[] = {"de Boer",  "Bakker", "Visser", "Smit",   "Meijer",   "Mulder",
				   "de Groot", "Bos",    "Vos",    "Peters", "Hendriks", "Dekker"};

enum {
	C_ID,
	C_MANAGER,
	C_NAME,
	C_TITLE,
	C_UNIT,
	C_FTE,
	C_GRADE,
	C_EMPLOYMENT,
	C_EMAIL,
	C_ROLE,
	C_N
};
static const char *const colnames[C_N] = {"id",  "manager", "name",       "title", "unit",
					  "fte", "grade",   "employment", "email", "role"};

struct row {
	/* the fields in header order; owned */
	char **f;
	/* index of the manager row, -1 for none */
	long parent;
	int layer;
	size_t staff, reports;
	int dropped;
};

static struct row *rows;
static size_t nrows, ncols;
static long col[C_N];
static char **header;

static const char *
get(size_t r, int c)
{
	return col[c] >= 0 ? rows[r].f[col[c]] : "";
}

static void
set(size_t r, int c, const char *v)
{
	if (col[c] >= 0) {
		free(rows[r].f[col[c]]);
		rows[r].f[col[c]] = maat_xstrdup(v);
	}
}

static size_t
add_row(void)
{
	rows = maat_xreallocarray(rows, nrows + 1, sizeof(*rows));
	memset(&rows[nrows], 0, sizeof(rows[nrows]));
	rows[nrows].f = maat_xcalloc(ncols, sizeof(char *));
	for (size_t i = 0; i < ncols; i++) {
		rows[nrows].f[i] = maat_xstrdup("");
	}
	rows[nrows].parent = -1;
	return nrows++;
}

static long
find(const char *id)
{
	for (size_t i = 0; i < nrows; i++) {
		if (strcmp(get(i, C_ID), id) == 0) {
			return (long)i;
		}
	}
	return -1;
}

static void
put_field(FILE *f, const char *s)
{
	if (strpbrk(s, ",\"\n") == NULL) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"') {
			fputc('"', f);
		}
		fputc(*s, f);
	}
	fputc('"', f);
}

static int
usage(void)
{
	fprintf(stderr, "usage: gen_snapshot --org-in FILE [--coordinators K] [--hired N] "
			"[--drop-policy P] [--seed S] --out FILE\n");
	return 64;
}

/* A new person under manager m. */
static size_t
new_person(size_t m, long *next_id, const char *domain, const char *title, const char *role,
	   const char *employment, const char *grade)
{
	size_t r = add_row();
	char id[32], name[64], email[128];
	const char *fn = first[below(sizeof(first) / sizeof(first[0]))];
	const char *ln = last[below(sizeof(last) / sizeof(last[0]))];
	snprintf(id, sizeof(id), "%ld", (*next_id)++);
	snprintf(name, sizeof(name), "%s %s", fn, ln);
	snprintf(email, sizeof(email), "%c.%s@%s", fn[0] | 0x20, id, domain);
	set(r, C_ID, id);
	set(r, C_MANAGER, get(m, C_ID));
	set(r, C_NAME, name);
	set(r, C_TITLE, title);
	set(r, C_UNIT, get(m, C_UNIT));
	set(r, C_FTE, "1");
	set(r, C_GRADE, grade);
	set(r, C_EMPLOYMENT, employment);
	set(r, C_EMAIL, email);
	set(r, C_ROLE, role);
	rows[r].parent = (long)m;
	rows[r].layer = rows[m].layer + 1;
	return r;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"org-in", required_argument, NULL, 'i'},
	    {"coordinators", required_argument, NULL, 'k'},
	    {"hired", required_argument, NULL, 'n'},
	    {"drop-policy", required_argument, NULL, 'p'},
	    {"seed", required_argument, NULL, 's'},
	    {"out", required_argument, NULL, 'o'},
	    {NULL, 0, NULL, 0},
	};
	const char *in = NULL, *out = NULL;
	long coordinators = 0, hired = 0, drop_policy = 0, seed = 1, next_id = 0;
	maat_csv *csv = NULL;
	maat_err err = {0};
	FILE *f;
	int c, deepest = 0;
	char domain[128] = "example.org";

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'i':
			in = optarg;
			break;
		case 'k':
			coordinators = strtol(optarg, NULL, 10);
			break;
		case 'n':
			hired = strtol(optarg, NULL, 10);
			break;
		case 'p':
			drop_policy = strtol(optarg, NULL, 10);
			break;
		case 's':
			seed = strtol(optarg, NULL, 10);
			break;
		case 'o':
			out = optarg;
			break;
		default:
			return usage();
		}
	}
	if (in == NULL || out == NULL || coordinators < 0 || hired < 0 || drop_policy < 0) {
		return usage();
	}
	rng_state = (uint64_t)seed;
	if ((f = fopen(in, "rb")) == NULL) {
		perror(in);
		return 66;
	}
	if ((csv = maat_csv_open(f, NULL, &err)) == NULL || maat_csv_next(csv, &err) <= 0) {
		fprintf(stderr, "gen_snapshot: %s: %s\n", in, err.msg);
		return 65;
	}
	ncols = maat_csv_nfields(csv);
	header = maat_xcalloc(ncols, sizeof(*header));
	for (size_t i = 0; i < ncols; i++) {
		header[i] = maat_xstrdup(maat_csv_field(csv, i));
	}
	for (int k = 0; k < C_N; k++) {
		const char *a[] = {colnames[k], NULL};
		col[k] = (long)maat_csv_column(csv, a);
	}
	if (col[C_ID] < 0 || col[C_MANAGER] < 0 || col[C_ROLE] < 0) {
		fprintf(stderr, "gen_snapshot: %s: needs the columns id, manager and role\n", in);
		return 65;
	}
	while (maat_csv_next(csv, &err) > 0) {
		size_t r = add_row();
		for (size_t i = 0; i < ncols && i < maat_csv_nfields(csv); i++) {
			free(rows[r].f[i]);
			rows[r].f[i] = maat_xstrdup(maat_csv_field(csv, i));
		}
	}
	maat_csv_free(csv);
	fclose(f);
	for (size_t i = 0; i < nrows; i++) {
		long v = strtol(get(i, C_ID), NULL, 10);
		next_id = v >= next_id ? v + 1 : next_id;
		rows[i].parent = *get(i, C_MANAGER) ? find(get(i, C_MANAGER)) : -1;
	}
	if (nrows > 0 && strchr(get(0, C_EMAIL), '@') != NULL) {
		snprintf(domain, sizeof(domain), "%s", strchr(get(0, C_EMAIL), '@') + 1);
	}
	/* layers (the input is acyclic: gen_org writes managers first, but do not rely on it) */
	for (size_t i = 0; i < nrows; i++) {
		int d = 1;
		for (long p = rows[i].parent; p >= 0 && d <= (int)nrows; p = rows[p].parent) {
			d++;
		}
		rows[i].layer = d;
		if (rows[i].parent >= 0) {
			rows[rows[i].parent].reports++;
		}
	}
	for (size_t i = 0; i < nrows; i++) {
		if (rows[i].parent >= 0 && rows[i].reports == 0) {
			rows[rows[i].parent].staff++;
		}
		if (rows[i].reports > 0 && rows[i].layer > deepest) {
			deepest = rows[i].layer;
		}
	}
	/* policy staff that came later */
	for (size_t i = 0; i < nrows && drop_policy > 0; i++) {
		if (strcmp(get(i, C_ROLE), "policy") == 0 && rows[i].reports == 0 &&
		    below(3) == 0) {
			rows[i].dropped = 1;
			drop_policy--;
		}
	}
	/* the coördinators that the delayering removed */
	for (long k = 0; k < coordinators; k++) {
		long m = -1;
		size_t cands = 0, pick, moved = 0, co;
		for (size_t i = 0; i < nrows && k == 0 && m < 0; i++) {
			if (rows[i].layer == deepest && rows[i].staff >= 2 && rows[i].reports > 0) {
				m = (long)i;
			}
		}
		if (m < 0) {
			for (size_t i = 0; i < nrows; i++) {
				cands += rows[i].staff >= 6;
			}
			if (cands == 0) {
				break;
			}
			pick = below(cands);
			for (size_t i = 0; i < nrows && m < 0; i++) {
				if (rows[i].staff >= 6 && pick-- == 0) {
					m = (long)i;
				}
			}
		}
		co = new_person((size_t)m, &next_id, domain, "Co\xc3\xb6rdinator", "management",
				"vast", "11");
		for (size_t i = 0; i < nrows && moved < 2; i++) {
			if (rows[i].parent == m && rows[i].reports == 0 && !rows[i].dropped &&
			    i != co) {
				rows[i].parent = (long)co;
				set(i, C_MANAGER, get(co, C_ID));
				moved++;
			}
		}
		rows[m].staff -= moved;
		rows[co].reports = moved;
	}
	/* the hired-in staff that went */
	for (long k = 0, tries = 0; k < hired && tries < 100000; k++, tries++) {
		size_t cands = 0, pick;
		long m = -1;
		for (size_t i = 0; i < nrows; i++) {
			cands += rows[i].staff >= 3 && strcmp(get(i, C_ROLE), "management") == 0 &&
				 rows[i].layer >= 3;
		}
		if (cands == 0) {
			break;
		}
		pick = below(cands);
		for (size_t i = 0; i < nrows && m < 0; i++) {
			if (rows[i].staff >= 3 && strcmp(get(i, C_ROLE), "management") == 0 &&
			    rows[i].layer >= 3 && pick-- == 0) {
				m = (long)i;
			}
		}
		/* only where the staff does execution work */
		for (size_t i = 0; m >= 0 && i < nrows; i++) {
			if (rows[i].parent == m && rows[i].reports == 0) {
				if (strcmp(get(i, C_ROLE), "execution") != 0) {
					m = -1;
				}
				break;
			}
		}
		if (m < 0) {
			k--;
			continue;
		}
		new_person((size_t)m, &next_id, domain, "Medewerker", "execution", "inhuur", "8");
	}
	if ((f = fopen(out, "w")) == NULL) {
		perror(out);
		return 73;
	}
	for (size_t i = 0; i < ncols; i++) {
		if (i > 0) {
			fputc(',', f);
		}
		put_field(f, header[i]);
	}
	fputc('\n', f);
	for (size_t r = 0; r < nrows; r++) {
		if (rows[r].dropped) {
			continue;
		}
		for (size_t i = 0; i < ncols; i++) {
			if (i > 0) {
				fputc(',', f);
			}
			put_field(f, rows[r].f[i]);
		}
		fputc('\n', f);
	}
	if (fclose(f) != 0) {
		perror(out);
		return 74;
	}
	for (size_t r = 0; r < nrows; r++) {
		for (size_t i = 0; i < ncols; i++) {
			free(rows[r].f[i]);
		}
		free(rows[r].f);
	}
	free(rows);
	for (size_t i = 0; i < ncols; i++) {
		free(header[i]);
	}
	free(header);
	return 0;
}
