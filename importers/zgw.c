/* ZGW Zaken API exports (zaakgericht werken) -> case events (METRICS.md §3 "Events").
 *
 * The Zaken API spreads one case over several resources that point at each other by URL: a
 * zaak, its statussen (each a status change with statustype and datumStatusGezet) and its
 * rollen (who is involved, registered at registratiedatum). A handover is a change of the
 * handling employee, so the resource of an event is the behandelaar at that moment. The
 * objects arrive as list pages (`results`), in any order, and a status cannot be placed before
 * the roles of its case are known: the reader keeps the few fields it needs of every object
 * (no json_t trees) and emits the events when the stream ends. Objects are joined on the last
 * segment of their URL (the uuid), so an export taken through another host name still joins.
 * JSON parsing is jansson's. */
#define _GNU_SOURCE
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "maatlat/cases.h"
#include "maatlat/i18n.h"
#include "maatlat/timestamp.h"
#include "maatlat/util.h"

/* Where and when: the first member of a status and of a role, so one comparator orders both. */
typedef struct zwhen {
	char *zaak; /* uuid of the zaak */
	int64_t ts;
	int ms;
} zwhen;

/* A status change. */
typedef struct zstatus {
	zwhen at;
	char *type;    /* uuid of the statustype, or its URL's last segment */
	int64_t value; /* the JSON value it came from, for messages */
} zstatus;

/* A handling employee's role. */
typedef struct zrol {
	zwhen at;
	char *who; /* the employee's identificatie (or the betrokkene's uuid) */
} zrol;

/* A zaak. */
typedef struct zzaak {
	char *key; /* uuid */
	char *id;  /* identificatie */
	char *type;
} zzaak;

/* uuid -> a name (zaaktype, statustype) or the generic description (roltype). */
typedef struct zname {
	char *key;
	char *name;
} zname;

typedef struct zgw {
	const maat_cases_opts *o;
	const char *path;
	zstatus *st;
	size_t nst, capst;
	zrol *rol;
	size_t nrol, caprol;
	zzaak *zaak;
	size_t nzaak, capzaak;
	zname *names; /* zaaktypen and statustypen */
	size_t nnames, capnames;
	zname *roltypes; /* roltype -> omschrijvingGeneriek */
	size_t nroltypes, caproltypes;
	/* objects the reader does not use (zaakobjecten, documents, ...) and roles skipped */
	int64_t ignored, other_roles;
} zgw;

#define GROW(arr, n, cap)                                                                          \
	do {                                                                                       \
		if ((n) == (cap)) {                                                                \
			(cap) = (cap) ? 2 * (cap) : 64;                                            \
			(arr) = maat_xreallocarray((arr), (cap), sizeof(*(arr)));                  \
		}                                                                                  \
	} while (0)

static json_t *
jget(json_t *obj, const char *key)
{
	return json_is_object(obj) ? json_object_get(obj, key) : NULL;
}

static const char *
jstr(json_t *obj, const char *key)
{
	json_t *v = jget(obj, key);
	return json_is_string(v) && *json_string_value(v) ? json_string_value(v) : NULL;
}

/* The last non-empty path segment of a URL (its uuid), as a new string; NULL for NULL. */
static char *
url_key(const char *url)
{
	const char *end, *start;
	if (url == NULL) {
		return NULL;
	}
	end = url + strcspn(url, "?#");
	while (end > url && end[-1] == '/') {
		end--;
	}
	start = end;
	while (start > url && start[-1] != '/') {
		start--;
	}
	return end > start ? maat_xstrndup(start, (size_t)(end - start)) : NULL;
}

static bool
has(json_t *obj, const char *key)
{
	return jget(obj, key) != NULL;
}

/* A time field that must be there; a missing or unreadable one is bad input. */
static int
take_time(zgw *z, const char *what, const char *s, int64_t value, int64_t *ts, int *ms,
	  maat_err *err)
{
	maat_err e2 = {0};
	if (s == NULL) {
		return maat_err_set(err, MAAT_E_DATA,
				    _("%s: JSON value %lld: a %s without its time"), z->path,
				    (long long)value, what);
	}
	if (maat_ts_parse(s, z->o->tz, ts, ms, &e2) < 0) {
		return maat_err_set(err, MAAT_E_DATA, _("%s: JSON value %lld: %s: %s"), z->path,
				    (long long)value, what, e2.msg);
	}
	return 0;
}

static void
add_name(zname **arr, size_t *n, size_t *cap, const char *url, const char *name)
{
	char *k = url_key(url);
	if (k == NULL || name == NULL) {
		free(k);
		return;
	}
	GROW(*arr, *n, *cap);
	(*arr)[*n].key = k;
	(*arr)[(*n)++].name = maat_xstrdup(name);
}

/* One object of a list page: which resource it is follows from the fields it carries. */
static int
take_object(zgw *z, json_t *ob, int64_t value, maat_err *err)
{
	if (has(ob, "datumStatusGezet")) {
		zstatus s = {.value = value};
		if ((s.at.zaak = url_key(jstr(ob, "zaak"))) == NULL) {
			return maat_err_set(err, MAAT_E_DATA,
					    _("%s: JSON value %lld: a status without its zaak"),
					    z->path, (long long)value);
		}
		if (take_time(z, "datumStatusGezet", jstr(ob, "datumStatusGezet"), value, &s.at.ts,
			      &s.at.ms, err) < 0) {
			free(s.at.zaak);
			return -MAAT_E_DATA;
		}
		s.type = url_key(jstr(ob, "statustype"));
		if (s.type == NULL) {
			s.type = maat_xstrdup("status");
		}
		GROW(z->st, z->nst, z->capst);
		z->st[z->nst++] = s;
	} else if (has(ob, "betrokkeneType")) {
		const char *bt = jstr(ob, "betrokkeneType"),
			   *gen = jstr(ob, "omschrijvingGeneriek");
		json_t *ident = jget(ob, "betrokkeneIdentificatie");
		const char *who = jstr(ident, "identificatie");
		char *rt = NULL;
		zrol r = {0};
		/* only employees: the roles of citizens and companies are never read */
		if (bt == NULL || strcmp(bt, "medewerker") != 0) {
			z->other_roles++;
			return 0;
		}
		if (gen == NULL && (rt = url_key(jstr(ob, "roltype"))) != NULL) {
			for (size_t i = 0; i < z->nroltypes; i++) {
				if (strcmp(z->roltypes[i].key, rt) == 0) {
					gen = z->roltypes[i].name;
				}
			}
		}
		free(rt);
		if (gen == NULL) {
			const char *om = jstr(ob, "omschrijving");
			gen = om != NULL && strcasestr(om, "behandelaar") != NULL ? "behandelaar"
										  : "";
		}
		if (strcmp(gen, "behandelaar") != 0) {
			z->other_roles++;
			return 0;
		}
		r.at.zaak = url_key(jstr(ob, "zaak"));
		r.who = who != NULL ? maat_xstrdup(who) : url_key(jstr(ob, "betrokkene"));
		if (r.at.zaak == NULL || r.who == NULL) {
			free(r.at.zaak);
			free(r.who);
			return maat_err_set(
			    err, MAAT_E_DATA,
			    _("%s: JSON value %lld: a handling employee's rol without "
			      "its zaak or the employee's identificatie"),
			    z->path, (long long)value);
		}
		if (take_time(z, "registratiedatum", jstr(ob, "registratiedatum"), value, &r.at.ts,
			      &r.at.ms, err) < 0) {
			free(r.at.zaak);
			free(r.who);
			return -MAAT_E_DATA;
		}
		GROW(z->rol, z->nrol, z->caprol);
		z->rol[z->nrol++] = r;
	} else if (has(ob, "zaaktype") && has(ob, "identificatie") &&
		   (has(ob, "startdatum") || has(ob, "registratiedatum")) &&
		   !has(ob, "volgnummer")) {
		zzaak k = {.key = url_key(jstr(ob, "url")),
			   .id = maat_xstrdup(jstr(ob, "identificatie")),
			   .type = url_key(jstr(ob, "zaaktype"))};
		if (k.key == NULL) {
			k.key = maat_xstrdup(jstr(ob, "uuid"));
		}
		if (k.key == NULL || k.id == NULL) {
			free(k.key);
			free(k.id);
			free(k.type);
			return maat_err_set(err, MAAT_E_DATA,
					    _("%s: JSON value %lld: a zaak without url or uuid"),
					    z->path, (long long)value);
		}
		GROW(z->zaak, z->nzaak, z->capzaak);
		z->zaak[z->nzaak++] = k;
	} else if (has(ob, "omschrijvingGeneriek") && has(ob, "zaaktype")) {
		/* a roltype of the Catalogi API */
		add_name(&z->roltypes, &z->nroltypes, &z->caproltypes, jstr(ob, "url"),
			 jstr(ob, "omschrijvingGeneriek"));
	} else if (has(ob, "volgnummer") && has(ob, "omschrijving")) {
		/* a statustype */
		add_name(&z->names, &z->nnames, &z->capnames, jstr(ob, "url"),
			 jstr(ob, "omschrijving"));
	} else if (has(ob, "omschrijving") && (has(ob, "doorlooptijd") || has(ob, "catalogus"))) {
		/* a zaaktype */
		add_name(&z->names, &z->nnames, &z->capnames, jstr(ob, "url"),
			 jstr(ob, "omschrijving"));
	} else {
		z->ignored++;
	}
	return 0;
}

static int
cmp_name(const void *a, const void *b)
{
	return strcmp(((const zname *)a)->key, ((const zname *)b)->key);
}

static const char *
name_of(const zgw *z, const char *key)
{
	zname probe = {.key = (char *)key}, *hit;
	if (key == NULL || z->nnames == 0) {
		return key;
	}
	hit = bsearch(&probe, z->names, z->nnames, sizeof(*z->names), cmp_name);
	return hit != NULL ? hit->name : key;
}

/* Orders statuses and roles (both start with a zwhen) by case, then time. */
static int
cmp_when(const void *a, const void *b)
{
	const zwhen *x = a, *y = b;
	int c = strcmp(x->zaak, y->zaak);
	if (c != 0) {
		return c;
	}
	if (x->ts != y->ts) {
		return x->ts < y->ts ? -1 : 1;
	}
	return x->ms - y->ms;
}

static int
cmp_zaak(const void *a, const void *b)
{
	return strcmp(((const zzaak *)a)->key, ((const zzaak *)b)->key);
}

/* Emits the events of every case: statuses and changes of the handling employee in time
 * order (a role registered at the same moment as a status comes first). */
static int64_t
emit_all(zgw *z, maat_case_event_fn fn, void *ctx, maat_err *err)
{
	size_t i = 0, j = 0;
	int64_t n = 0;

	/* qsort's base may not be NULL, even for no elements */
	if (z->nrol > 1) {
		qsort(z->rol, z->nrol, sizeof(*z->rol), cmp_when);
	}
	if (z->nzaak > 1) {
		qsort(z->zaak, z->nzaak, sizeof(*z->zaak), cmp_zaak);
	}
	if (z->nnames > 1) {
		qsort(z->names, z->nnames, sizeof(*z->names), cmp_name);
	}
	qsort(z->st, z->nst, sizeof(*z->st), cmp_when); /* nst > 0 here */
	while (i < z->nst) {
		const char *key = z->st[i].at.zaak, *cur = NULL;
		zzaak probe = {.key = (char *)key};
		const zzaak *zk =
		    z->nzaak ? bsearch(&probe, z->zaak, z->nzaak, sizeof(*z->zaak), cmp_zaak)
			     : NULL;
		maat_case_event ev = {.case_id = zk != NULL ? zk->id : key,
				      .case_type = zk != NULL ? name_of(z, zk->type) : NULL,
				      .line = z->st[i].value};
		while (j < z->nrol && strcmp(z->rol[j].at.zaak, key) < 0) {
			j++; /* roles of cases without statuses */
		}
		for (;;) {
			bool st = i < z->nst && strcmp(z->st[i].at.zaak, key) == 0;
			bool rol = j < z->nrol && strcmp(z->rol[j].at.zaak, key) == 0;
			const zwhen *at;
			if (!st && !rol) {
				break;
			}
			if (rol && (!st || cmp_when(&z->rol[j].at, &z->st[i].at) <= 0)) {
				/* a new handling employee: an event when someone else had it */
				const char *prev = cur;
				at = &z->rol[j].at;
				cur = z->rol[j++].who;
				if (prev == NULL || strcmp(prev, cur) == 0) {
					continue;
				}
				ev.activity = "behandelaar gewijzigd";
			} else {
				at = &z->st[i].at;
				ev.activity = name_of(z, z->st[i].type);
				ev.line = z->st[i++].value;
			}
			ev.ts = at->ts;
			ev.ms = at->ms;
			ev.resource = cur;
			if (fn(&ev, ctx, err) < 0) {
				return -err->code;
			}
			n++;
		}
	}
	return n;
}

static void
zgw_fini(zgw *z)
{
	for (size_t i = 0; i < z->nst; i++) {
		free(z->st[i].at.zaak);
		free(z->st[i].type);
	}
	for (size_t i = 0; i < z->nrol; i++) {
		free(z->rol[i].at.zaak);
		free(z->rol[i].who);
	}
	for (size_t i = 0; i < z->nzaak; i++) {
		free(z->zaak[i].key);
		free(z->zaak[i].id);
		free(z->zaak[i].type);
	}
	for (size_t i = 0; i < z->nnames; i++) {
		free(z->names[i].key);
		free(z->names[i].name);
	}
	for (size_t i = 0; i < z->nroltypes; i++) {
		free(z->roltypes[i].key);
		free(z->roltypes[i].name);
	}
	free(z->st);
	free(z->rol);
	free(z->zaak);
	free(z->names);
	free(z->roltypes);
}

static int
next_nonblank(FILE *f)
{
	int ch;
	while ((ch = getc(f)) != EOF) {
		if (ch == 0xEF) {
			int b2 = getc(f), b3 = getc(f);
			if (b2 == 0xBB && b3 == 0xBF) {
				continue;
			}
			return ch;
		}
		if (!isspace(ch)) {
			ungetc(ch, f);
			return ch;
		}
	}
	return EOF;
}

int64_t
maat_zgw_read(FILE *f, const maat_cases_opts *o, maat_case_event_fn fn, void *ctx, maat_err *err)
{
	const char *path = o->path != NULL ? o->path : "zgw";
	zgw z = {.o = o, .path = path};
	int64_t values = 0, n = 0;

	while (next_nonblank(f) != EOF) {
		json_error_t je;
		json_t *root = json_loadf(f, JSON_DISABLE_EOF_CHECK, &je), *list, *ob;
		size_t i;
		if (root == NULL) {
			n = values == 0
				? maat_err_set(err, MAAT_E_DATA, _("%s:%d: not valid JSON: %s"),
					       path, je.line, je.text)
				: maat_err_set(err, MAAT_E_DATA,
					       _("%s: JSON value %lld, its line %d: not valid "
						 "JSON: %s"),
					       path, (long long)values + 1, je.line, je.text);
			goto out;
		}
		values++;
		/* a list response ({count, next, previous, results}), a bare array or one object */
		list = json_is_array(root) ? root : jget(root, "results");
		if (json_is_array(list)) {
			json_array_foreach(list, i, ob)
			{
				if ((n = take_object(&z, ob, values, err)) < 0) {
					break;
				}
			}
		} else if (json_is_object(root)) {
			n = take_object(&z, root, values, err);
		}
		json_decref(root);
		if (n < 0) {
			goto out;
		}
	}
	if (values == 0) {
		n = maat_err_set(err, MAAT_E_DATA, _("%s: empty file"), path);
		goto out;
	}
	if (z.nst == 0) {
		n = maat_err_set(err, MAAT_E_DATA,
				 _("%s: no statussen found (a ZGW export needs the Zaken API's "
				   "statussen with datumStatusGezet, and rollen for the handling "
				   "employees)"),
				 path);
		goto out;
	}
	n = emit_all(&z, fn, ctx, err);
out:
	zgw_fini(&z);
	return n;
}
