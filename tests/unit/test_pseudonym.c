/* Pseudonyms: keyed, stable, normalised, and never the key or the value itself. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "maatlat/db.h"
#include "maatlat/pseudonym.h"

static void
test_pseudonym_known_value(void **state)
{
	maat_err err = {0};
	maat_pseudo *p;
	char *s;
	setenv("MAATLAT_KEY", "0123456789abcdef-test-key", 1);
	p = maat_pseudo_new(NULL, &err);
	assert_non_null(p);
	s = maat_pseudo_apply(p, "jan@gemeente.nl");
	/* Computed independently with openssl and sha256sum:
	 *   k=$(printf '0123456789abcdef-test-key' | sha256sum | cut -c1-64)
	 *   printf 'jan@gemeente.nl' | openssl dgst -sha256 -mac HMAC -macopt hexkey:$k
	 * -> 1c03c791dfc5626de935d412b1dd..., of which the first 20 hex digits follow the "p". */
	assert_string_equal(s, "p1c03c791dfc5626de935");
	free(s);
	maat_pseudo_free(p);
}

static void
test_pseudonym_normalises(void **state)
{
	maat_err err = {0};
	maat_pseudo *p;
	char *a, *b, *c;
	setenv("MAATLAT_KEY", "0123456789abcdef-test-key", 1);
	p = maat_pseudo_new(NULL, &err);
	a = maat_pseudo_apply(p, "jan@gemeente.nl");
	b = maat_pseudo_apply(p, "  MAILTO:Jan@Gemeente.NL ");
	c = maat_pseudo_apply(p, "piet@gemeente.nl");
	/* case, white space and mailto: do not make another person; another address does */
	assert_string_equal(a, b);
	assert_string_not_equal(a, c);
	assert_int_equal(strlen(a), 21);
	assert_null(strstr(a, "jan"));
	free(a);
	free(b);
	free(c);
	a = maat_pseudo_apply(p, "");
	assert_string_equal(a, "");
	free(a);
	assert_null(maat_pseudo_apply(p, NULL));
	maat_pseudo_free(p);
}

static void
test_pseudonym_key_matters(void **state)
{
	maat_err err = {0};
	maat_pseudo *p, *q;
	char *a, *b;
	setenv("MAATLAT_KEY", "0123456789abcdef-test-key", 1);
	p = maat_pseudo_new(NULL, &err);
	setenv("MAATLAT_KEY", "another key of enough length", 1);
	q = maat_pseudo_new(NULL, &err);
	a = maat_pseudo_apply(p, "E1234");
	b = maat_pseudo_apply(q, "E1234");
	assert_string_not_equal(a, b);
	free(a);
	free(b);
	maat_pseudo_free(p);
	maat_pseudo_free(q);
}

static void
test_pseudonym_short_or_missing_key(void **state)
{
	maat_err err = {0};
	setenv("MAATLAT_KEY", "short", 1);
	assert_null(maat_pseudo_new(NULL, &err));
	assert_int_equal(err.code, 64);
	unsetenv("MAATLAT_KEY");
	assert_null(maat_pseudo_new(NULL, &err));
	assert_int_equal(err.code, 64);
	assert_null(maat_pseudo_new("/nonexistent/key", &err));
	assert_int_equal(err.code, 66);
}

static void
test_pseudonym_key_file_newline(void **state)
{
	maat_err err = {0};
	char path[] = "/tmp/maat_key_XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	maat_pseudo *p, *q;
	char *a, *b;
	/* a key file written by `echo` ends in a newline; it is the same key as without it */
	fputs("0123456789abcdef-test-key\n", f);
	fclose(f);
	p = maat_pseudo_new(path, &err);
	assert_non_null(p);
	setenv("MAATLAT_KEY", "0123456789abcdef-test-key", 1);
	q = maat_pseudo_new(NULL, &err);
	a = maat_pseudo_apply(p, "x");
	b = maat_pseudo_apply(q, "x");
	assert_string_equal(a, b);
	free(a);
	free(b);
	maat_pseudo_free(p);
	maat_pseudo_free(q);
	remove(path);
}

/* Names inside titles: the org chart holds "Kees Vos" and "Jan van der Berg" (plainly) and the
 * pseudonym of "Anna Smit" (a pseudonymised import). By hand, "Bilateraal Kees Vos / Jan van
 * der Berg, Anna Smit en jan@x.nl" has four persons in it: two plain names (one of four words),
 * one name known only by its pseudonym, and an e-mail (not in the chart: any token with '@'). */
static void
test_pseudonym_text(void **state)
{
	maat_err err = {0};
	maat_db *db;
	maat_pseudo *p;
	char *anna, *got, *want, *kees, *jan, *mail, *src;
	(void)state;
	setenv("MAATLAT_KEY", "0123456789abcdef-test-key", 1);
	p = maat_pseudo_new(NULL, &err);
	db = maat_db_open(":memory:", MAAT_DB_CREATE, &err);
	assert_non_null(db);
	anna = maat_pseudo_apply(p, "Anna Smit");
	{
		sqlite3_stmt *st;
		assert_int_equal(
		    maat_db_exec(db,
				 "INSERT INTO sources(kind, path, sha256, imported_at) "
				 "VALUES ('org', 'x', '', 0)",
				 &err),
		    0);
		assert_int_equal(
		    sqlite3_prepare_v2(maat_db_sqlite(db),
				       "INSERT INTO org_rows(source_id, line, id, name, "
				       "fte) VALUES (1, 2, 'a', ?1, 1), (1, 3, 'b', 'Kees "
				       "Vos', 1), (1, 4, 'c', 'Jan van der Berg', 1)",
				       -1, &st, NULL),
		    SQLITE_OK);
		sqlite3_bind_text(st, 1, anna, -1, SQLITE_STATIC);
		assert_int_equal(sqlite3_step(st), SQLITE_DONE);
		sqlite3_finalize(st);
	}
	got = maat_pseudo_text(p, db,
			       "Bilateraal Kees Vos / Jan van der Berg, Anna Smit en jan@x.nl");
	kees = maat_pseudo_apply(p, "Kees Vos");
	jan = maat_pseudo_apply(p, "Jan van der Berg");
	mail = maat_pseudo_apply(p, "jan@x.nl");
	want = malloc(256);
	snprintf(want, 256, "Bilateraal %s / %s, %s en %s", kees, jan, anna, mail);
	assert_string_equal(got, want);
	free(got);
	/* words that are no one's name stay */
	got = maat_pseudo_text(p, db, "Stuurgroep Energietransitie");
	assert_string_equal(got, "Stuurgroep Energietransitie");
	free(got);
	/* a source name: the path's pseudonym and its extension */
	src = maat_pseudo_source_name(p, "/data/k.14@gemeente.nl.ics");
	assert_null(strstr(src, "k.14"));
	assert_int_equal(strlen(src), 21 + 4);
	assert_string_equal(src + 21, ".ics");
	free(src);
	free(want);
	free(kees);
	free(jan);
	free(mail);
	free(anna);
	maat_db_close(db);
	maat_pseudo_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pseudonym_known_value),
	    cmocka_unit_test(test_pseudonym_normalises),
	    cmocka_unit_test(test_pseudonym_key_matters),
	    cmocka_unit_test(test_pseudonym_short_or_missing_key),
	    cmocka_unit_test(test_pseudonym_key_file_newline),
	    cmocka_unit_test(test_pseudonym_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
