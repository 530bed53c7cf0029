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

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_pseudonym_known_value),
	    cmocka_unit_test(test_pseudonym_normalises),
	    cmocka_unit_test(test_pseudonym_key_matters),
	    cmocka_unit_test(test_pseudonym_short_or_missing_key),
	    cmocka_unit_test(test_pseudonym_key_file_newline),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
