#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <expat.h>
#include <zlib.h>

#include "maatlat/cases.h"
#include "maatlat/i18n.h"
#include "maatlat/util.h"

/* XES (IEEE 1849-2016) streamed with expat. Only attributes that are direct children of a
 * <trace> or an <event> are data; <global> holds defaults (schema), nested attributes are
 * meta-attributes, and both are skipped. A DOCTYPE or entity declaration stops the parse: XES
 * never needs one, and refusing it closes the door on entity expansion (billion laughs). */

#define CHUNK 65536

/* Mapped fields of an event (and of a trace: case id and case type). */
enum field { F_CASE, F_TYPE, F_ACTIVITY, F_TIME, F_RESOURCE, F_LIFECYCLE, F_ROLE, F_GROUP, F_N };

/* An event seen before its trace's case id (XES does not order trace attributes first). */
struct pending {
	/* owned copies of the event's fields (F_ACTIVITY..F_GROUP), NULL when absent */
	char *v[F_N];
	/* time already parsed */
	int64_t ts;
	int ms;
	/* the line of </event> */
	int64_t line;
};

struct input {
	/* the file (borrowed) */
	FILE *f;
	/* gzip member being inflated */
	z_stream z;
	/* the input is gzip-compressed; z is initialised */
	bool gz, zinit;
	/* the compressed stream ended cleanly (Z_STREAM_END) at the last call */
	bool zend;
	/* raw bytes read ahead */
	unsigned char in[CHUNK];
	/* plain mode: bytes of in[] not yet handed out */
	size_t off, len;
	/* gzip: bytes read from the file (those inflate has not taken yet are z.avail_in) and
	 * bytes inflated so far (over all members), and the bound on their ratio (<= 0: none) */
	uint64_t compressed, inflated;
	double max_ratio;
};

struct xes {
	const maat_cases_opts *o;
	/* the expat parser */
	XML_Parser p;
	/* the reader's callback and its context */
	maat_case_event_fn fn;
	void *ctx;
	/* the attribute keys mapped to fields (case type: several alternatives) */
	const char *key[F_N];
	/* nesting depth; the depth of the open <trace>, <event> and <global> (0 = none) */
	int depth, trace_depth, event_depth, global_depth;
	/* the root element was seen and is <log> */
	bool root_seen;
	/* the line of the event's time attribute (for a bad date) */
	int64_t time_line;
	/* values of the current trace and event, owned; NULL = absent */
	char *v[F_N];
	/* events of the current trace waiting for its case id */
	struct pending *pend;
	size_t npend, cappend;
	/* events delivered */
	int64_t events;
	/* first failure (stops the parser); err holds the message */
	int rc;
	maat_err *err;
};

static const char *
local_name(const char *name)
{
	const char *c = strrchr(name, ':');
	return c != NULL ? c + 1 : name;
}

static const char *
path_of(const struct xes *x)
{
	return x->o != NULL && x->o->path != NULL ? x->o->path : "-";
}

static void fail(struct xes *x, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
fail(struct xes *x, int code, const char *fmt, ...)
{
	char msg[256];
	va_list ap;
	if (x->rc < 0) {
		return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	x->rc = maat_err_set(x->err, code, "%s:%lld: %s", path_of(x),
			     (long long)XML_GetCurrentLineNumber(x->p), msg);
	XML_StopParser(x->p, XML_FALSE);
}

static bool
is_attribute(const char *n)
{
	return strcmp(n, "string") == 0 || strcmp(n, "date") == 0 || strcmp(n, "int") == 0 ||
	       strcmp(n, "float") == 0 || strcmp(n, "boolean") == 0 || strcmp(n, "id") == 0;
}

static bool
is_case_type_key(const struct xes *x, const char *key)
{
	if (x->key[F_TYPE] != NULL) {
		return strcmp(key, x->key[F_TYPE]) == 0;
	}
	return strcmp(key, "zaaktype") == 0 || strcmp(key, "case:type") == 0 ||
	       strcmp(key, "casetype") == 0 || strcmp(key, "case type") == 0;
}

static void
set_value(struct xes *x, enum field fld, const char *val)
{
	if (fld == F_TIME) {
		x->time_line = (int64_t)XML_GetCurrentLineNumber(x->p);
	}
	free(x->v[fld]);
	x->v[fld] = maat_xstrdup(val);
}

static int
deliver(struct xes *x, char *const v[F_N], int64_t ts, int ms, int64_t line)
{
	maat_case_event ev = {
	    .case_id = x->v[F_CASE],
	    .case_type = x->v[F_TYPE],
	    .activity = v[F_ACTIVITY],
	    .ts = ts,
	    .ms = ms,
	    .resource = v[F_RESOURCE],
	    .lifecycle = v[F_LIFECYCLE],
	    .role = v[F_ROLE],
	    .group = v[F_GROUP],
	    .line = line,
	};
	int rc = 0;
	x->events++;
	if (x->fn != NULL && (rc = x->fn(&ev, x->ctx, x->err)) < 0) {
		x->rc = rc;
		XML_StopParser(x->p, XML_FALSE);
	}
	return rc;
}

static void
clear_event(struct xes *x)
{
	for (int f = F_ACTIVITY; f < F_N; f++) {
		free(x->v[f]);
		x->v[f] = NULL;
	}
}

static void
clear_trace(struct xes *x)
{
	for (size_t i = 0; i < x->npend; i++) {
		for (int f = 0; f < F_N; f++) {
			free(x->pend[i].v[f]);
		}
	}
	x->npend = 0;
	free(x->v[F_CASE]);
	free(x->v[F_TYPE]);
	x->v[F_CASE] = x->v[F_TYPE] = NULL;
	clear_event(x);
}

static void
flush_pending(struct xes *x)
{
	for (size_t i = 0; i < x->npend && x->rc == 0; i++) {
		deliver(x, x->pend[i].v, x->pend[i].ts, x->pend[i].ms, x->pend[i].line);
	}
	for (size_t i = 0; i < x->npend; i++) {
		for (int f = 0; f < F_N; f++) {
			free(x->pend[i].v[f]);
		}
	}
	x->npend = 0;
}

static void
end_event(struct xes *x)
{
	int64_t line = (int64_t)XML_GetCurrentLineNumber(x->p);
	maat_err terr = {0};
	int64_t ts;
	int ms = 0;

	if (x->v[F_ACTIVITY] == NULL || x->v[F_ACTIVITY][0] == '\0') {
		fail(x, MAAT_E_DATA, _("event without an activity (%s)"),
		     x->key[F_ACTIVITY] ? x->key[F_ACTIVITY] : "concept:name");
		return;
	}
	if (x->v[F_TIME] == NULL) {
		fail(x, MAAT_E_DATA, _("event without a timestamp (%s)"),
		     x->key[F_TIME] ? x->key[F_TIME] : "time:timestamp");
		return;
	}
	if (maat_ts_parse(x->v[F_TIME], x->o ? x->o->tz : NULL, &ts, &ms, &terr) < 0) {
		/* the line of the date itself (month 13, day 32: not a calendar date) */
		if (x->rc == 0) {
			x->rc = maat_err_set(x->err, MAAT_E_DATA, "%s:%lld: %s", path_of(x),
					     (long long)x->time_line, terr.msg);
			XML_StopParser(x->p, XML_FALSE);
		}
		return;
	}
	if (x->v[F_CASE] != NULL) {
		deliver(x, x->v, ts, ms, line);
	} else {
		struct pending *pe;
		if (x->npend == x->cappend) {
			x->cappend = x->cappend ? x->cappend * 2 : 8;
			x->pend = maat_xreallocarray(x->pend, x->cappend, sizeof(*x->pend));
		}
		pe = &x->pend[x->npend++];
		memset(pe, 0, sizeof(*pe));
		for (int f = F_ACTIVITY; f < F_N; f++) {
			pe->v[f] = x->v[f];
			x->v[f] = NULL;
		}
		pe->ts = ts;
		pe->ms = ms;
		pe->line = line;
	}
	clear_event(x);
}

static void XMLCALL
on_start(void *ud, const XML_Char *name, const XML_Char **atts)
{
	struct xes *x = ud;
	const char *n = local_name(name);
	const char *key = NULL, *val = NULL;

	x->depth++;
	if (x->rc < 0) {
		return;
	}
	if (!x->root_seen) {
		x->root_seen = true;
		if (strcmp(n, "log") != 0) {
			fail(x, MAAT_E_DATA, _("not an XES log: the root element is <%s>"), name);
		}
		return;
	}
	if (x->global_depth > 0) {
		return;
	}
	if (strcmp(n, "global") == 0) {
		x->global_depth = x->depth;
		return;
	}
	if (strcmp(n, "trace") == 0) {
		if (x->trace_depth > 0) {
			fail(x, MAAT_E_DATA, "%s", _("a <trace> inside a <trace>"));
			return;
		}
		x->trace_depth = x->depth;
		clear_trace(x);
		return;
	}
	if (strcmp(n, "event") == 0) {
		if (x->trace_depth == 0) {
			fail(x, MAAT_E_DATA, "%s", _("an <event> outside a <trace>"));
			return;
		}
		if (x->event_depth > 0 || x->depth != x->trace_depth + 1) {
			fail(x, MAAT_E_DATA, "%s", _("an <event> inside an <event>"));
			return;
		}
		x->event_depth = x->depth;
		clear_event(x);
		return;
	}
	if (!is_attribute(n)) {
		return;
	}
	for (int i = 0; atts[i] != NULL; i += 2) {
		if (strcmp(atts[i], "key") == 0) {
			key = atts[i + 1];
		} else if (strcmp(atts[i], "value") == 0) {
			val = atts[i + 1];
		}
	}
	if (key == NULL || val == NULL) {
		return;
	}
	if (x->event_depth > 0 && x->depth == x->event_depth + 1) {
		for (int f = F_ACTIVITY; f < F_N; f++) {
			if (strcmp(key, x->key[f]) == 0) {
				set_value(x, f, val);
			}
		}
	} else if (x->event_depth == 0 && x->trace_depth > 0 && x->depth == x->trace_depth + 1) {
		if (strcmp(key, x->key[F_CASE]) == 0) {
			if (val[0] == '\0') {
				fail(x, MAAT_E_DATA, _("empty case id (%s)"), x->key[F_CASE]);
				return;
			}
			set_value(x, F_CASE, val);
			flush_pending(x);
		} else if (is_case_type_key(x, key)) {
			set_value(x, F_TYPE, val);
		}
	}
}

static void XMLCALL
on_end(void *ud, const XML_Char *name)
{
	struct xes *x = ud;

	if (x->rc == 0) {
		if (x->global_depth == x->depth) {
			x->global_depth = 0;
		} else if (x->event_depth == x->depth) {
			end_event(x);
			x->event_depth = 0;
		} else if (x->trace_depth == x->depth) {
			if (x->v[F_CASE] == NULL && x->npend > 0) {
				fail(x, MAAT_E_DATA, _("a <trace> without a case id (%s)"),
				     x->key[F_CASE]);
			}
			clear_trace(x);
			x->trace_depth = 0;
		}
	}
	x->depth--;
}

static void XMLCALL
on_doctype(void *ud, const XML_Char *name, const XML_Char *sysid, const XML_Char *pubid,
	   int has_internal_subset)
{
	fail(ud, MAAT_E_DATA, "%s", _("a DOCTYPE is not accepted in an XES log"));
}

static void XMLCALL
on_entity(void *ud, const XML_Char *name, int is_param, const XML_Char *value, int value_len,
	  const XML_Char *base, const XML_Char *sysid, const XML_Char *pubid,
	  const XML_Char *notation)
{
	fail(ud, MAAT_E_DATA, "%s", _("entity declarations are not accepted in an XES log"));
}

/* Reads up to n bytes of XML (inflated when gzip). Returns bytes, 0 at the end, negative on a
 * read error or corrupt/truncated gzip data. */
static ssize_t
input_read(struct input *in, unsigned char *buf, size_t n, maat_err *err, const char *path)
{
	if (!in->gz) {
		if (in->off < in->len) {
			size_t k = in->len - in->off < n ? in->len - in->off : n;
			memcpy(buf, in->in + in->off, k);
			in->off += k;
			return (ssize_t)k;
		}
		size_t k = fread(buf, 1, n, in->f);
		if (k == 0 && ferror(in->f)) {
			return maat_err_set(err, MAAT_E_IO, _("%s: read error"), path);
		}
		return (ssize_t)k;
	}
	in->z.next_out = buf;
	in->z.avail_out = (uInt)n;
	while (in->z.avail_out == n) {
		int zr;
		if (in->z.avail_in == 0) {
			size_t k = fread(in->in, 1, sizeof(in->in), in->f);
			if (k == 0) {
				if (ferror(in->f)) {
					return maat_err_set(err, MAAT_E_IO, _("%s: read error"),
							    path);
				}
				if (!in->zend) {
					return maat_err_set(err, MAAT_E_DATA,
							    _("%s: truncated gzip data"), path);
				}
				return 0;
			}
			in->z.next_in = in->in;
			in->z.avail_in = (uInt)k;
			in->compressed += k;
		}
		if (in->zend) {
			/* another gzip member follows (concatenated .gz files) */
			inflateReset(&in->z);
			in->zend = false;
		}
		{
			uInt before = in->z.avail_out;
			zr = inflate(&in->z, Z_NO_FLUSH);
			in->inflated += before - in->z.avail_out;
		}
		/* a compression bomb is refused as soon as it shows, not read for minutes */
		if (in->max_ratio > 0 && in->inflated > MAAT_INFLATE_MIN_BYTES &&
		    (double)in->inflated >
			in->max_ratio * (double)(in->compressed - in->z.avail_in)) {
			return maat_err_set(
			    err, MAAT_E_DATA,
			    _("%s: gzip data inflates more than %g times (%llu MiB from %llu KiB): "
			      "a compression bomb? --max-inflate-ratio N allows more (0: no "
			      "bound)"),
			    path, in->max_ratio, (unsigned long long)(in->inflated >> 20),
			    (unsigned long long)((in->compressed - in->z.avail_in) >> 10));
		}
		if (zr == Z_STREAM_END) {
			in->zend = true;
		} else if (zr != Z_OK && zr != Z_BUF_ERROR) {
			return maat_err_set(err, MAAT_E_DATA, _("%s: corrupt gzip data (%s)"), path,
					    in->z.msg ? in->z.msg : "inflate");
		}
	}
	return (ssize_t)(n - in->z.avail_out);
}

static void
default_keys(struct xes *x, const maat_cases_opts *o)
{
	x->key[F_CASE] = o && o->case_col ? o->case_col : "concept:name";
	x->key[F_TYPE] = o ? o->case_type_col : NULL;
	x->key[F_ACTIVITY] = o && o->activity_col ? o->activity_col : "concept:name";
	x->key[F_TIME] = o && o->time_col ? o->time_col : "time:timestamp";
	x->key[F_RESOURCE] = o && o->resource_col ? o->resource_col : "org:resource";
	x->key[F_LIFECYCLE] = o && o->lifecycle_col ? o->lifecycle_col : "lifecycle:transition";
	x->key[F_ROLE] = o && o->role_col ? o->role_col : "org:role";
	x->key[F_GROUP] = o && o->group_col ? o->group_col : "org:group";
}

int64_t
maat_xes_read(FILE *f, const maat_cases_opts *o, maat_case_event_fn fn, void *ctx, maat_err *err)
{
	struct xes x = {.o = o, .fn = fn, .ctx = ctx, .err = err};
	struct input *in = maat_xcalloc(1, sizeof(*in));
	const char *path = path_of(&x);
	int64_t result;
	bool final = false;

	default_keys(&x, o);
	in->f = f;
	in->len = fread(in->in, 1, sizeof(in->in), f);
	if (in->len == 0) {
		result = maat_err_set(err, MAAT_E_DATA, _("%s: empty file"), path);
		goto out;
	}
	if (in->len >= 2 && in->in[0] == 0x1f && in->in[1] == 0x8b) {
		in->gz = true;
		if (inflateInit2(&in->z, 16 + MAX_WBITS) != Z_OK) {
			result = maat_err_set(err, MAAT_E_INTERNAL, "%s", _("zlib init failed"));
			goto out;
		}
		in->zinit = true;
		in->z.next_in = in->in;
		in->z.avail_in = (uInt)in->len;
		in->compressed = in->len;
		in->max_ratio = o == NULL || o->max_inflate_ratio == 0 ? MAAT_INFLATE_RATIO_DEFAULT
								       : o->max_inflate_ratio;
	}
	x.p = XML_ParserCreate(NULL);
	if (x.p == NULL) {
		result =
		    maat_err_set(err, MAAT_E_INTERNAL, "%s", _("expat: cannot create a parser"));
		goto out;
	}
	XML_SetUserData(x.p, &x);
	XML_SetElementHandler(x.p, on_start, on_end);
	XML_SetStartDoctypeDeclHandler(x.p, on_doctype);
	XML_SetEntityDeclHandler(x.p, on_entity);
	XML_SetParamEntityParsing(x.p, XML_PARAM_ENTITY_PARSING_NEVER);
	while (!final) {
		void *buf = XML_GetBuffer(x.p, CHUNK);
		ssize_t k;
		if (buf == NULL) {
			result =
			    maat_err_set(err, MAAT_E_INTERNAL, "%s", _("expat: out of memory"));
			goto out;
		}
		k = input_read(in, buf, CHUNK, err, path);
		if (k < 0) {
			result = k;
			goto out;
		}
		final = k == 0;
		if (XML_ParseBuffer(x.p, (int)k, final) != XML_STATUS_OK) {
			if (x.rc < 0) {
				result = x.rc;
			} else {
				result =
				    maat_err_set(err, MAAT_E_DATA, _("%s:%lld: XML error: %s"),
						 path, (long long)XML_GetCurrentLineNumber(x.p),
						 XML_ErrorString(XML_GetErrorCode(x.p)));
			}
			goto out;
		}
	}
	if (!x.root_seen) {
		result = maat_err_set(err, MAAT_E_DATA, _("%s: no XES log in the file"), path);
		goto out;
	}
	result = x.events;
out:
	if (x.p != NULL) {
		XML_ParserFree(x.p);
	}
	clear_trace(&x);
	free(x.pend);
	if (in->zinit) {
		inflateEnd(&in->z);
	}
	free(in);
	return result;
}
