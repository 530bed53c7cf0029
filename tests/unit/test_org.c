/* The org model (analyzer/org.c): the rules of METRICS.md §1 on small hand-drawn charts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "maatlat/db.h"
#include "maatlat/org.h"
#include "maatlat/util.h"

static void
assert_near(double got, double want)
{
	if (fabs(got - want) > 1e-9) {
		fail_msg("got %.12g, wanted %.12g", got, want);
	}
}

/* adds "id,manager" with FTE 1 on line `line` */
static void
add(maat_org_builder *b, const char *id, const char *manager, int64_t line)
{
	maat_org_row r = {.id = id,
			  .manager = manager,
			  .fte = 1.0,
			  .employment = MAAT_EMP_UNKNOWN,
			  .source_id = 1,
			  .line = line};
	maat_org_builder_add(b, &r);
}

static size_t
idx(const maat_org *org, const char *id)
{
	ssize_t i = maat_org_find(org, id);
	if (i < 0) {
		fail_msg("id %s not found", id);
	}
	return (size_t)i;
}

static size_t
count_kind(const maat_org *org, int kind)
{
	size_t n = 0;
	for (size_t i = 0; i < org->nanomalies; i++) {
		n += org->anomalies[i].kind == kind;
	}
	return n;
}

/* Top markers: empty, XX, xx, 0, -1 and NULL all make a root; anything else does not. */
static void
test_org_top_markers(void **state)
{
	assert_true(maat_org_is_top_marker(NULL));
	assert_true(maat_org_is_top_marker(""));
	assert_true(maat_org_is_top_marker("  "));
	assert_true(maat_org_is_top_marker("XX"));
	assert_true(maat_org_is_top_marker("xx"));
	assert_true(maat_org_is_top_marker(" 0 "));
	assert_true(maat_org_is_top_marker("-1"));
	/* all-zero ids mark the top too (METRICS.md §1) */
	assert_true(maat_org_is_top_marker("00"));
	assert_true(maat_org_is_top_marker("00000000"));
	assert_false(maat_org_is_top_marker("001"));
	assert_false(maat_org_is_top_marker("X"));
	assert_false(maat_org_is_top_marker("1"));
}

/* A tree drawn by hand:
 *   A (XX)            layer 1
 *   +-- B             layer 2
 *   |   +-- D         layer 3
 *   |   +-- E         layer 3
 *   +-- C             layer 2
 *   F (empty manager) layer 1 (second root)
 * roots = 2 (A, F); layers = 3. */
static void
test_org_layers_and_roots(void **state)
{
	maat_org_builder *b = maat_org_builder_new();
	maat_org *org;
	add(b, "A", "XX", 2);
	add(b, "B", "A", 3);
	add(b, "C", "A", 4);
	add(b, "D", "B", 5);
	add(b, "E", "B", 6);
	add(b, "F", "", 7);
	org = maat_org_builder_finish(b, "2026-01-01");
	assert_int_equal(org->n, 6);
	assert_string_equal(org->as_of, "2026-01-01");
	assert_int_equal(org->counts.roots, 2);
	assert_int_equal(org->counts.orphans, 0);
	assert_int_equal(org->nanomalies, 0);
	assert_int_equal(org->nodes[idx(org, "A")].layer, 1);
	assert_int_equal(org->nodes[idx(org, "B")].layer, 2);
	assert_int_equal(org->nodes[idx(org, "E")].layer, 3);
	assert_int_equal(org->nodes[idx(org, "F")].layer, 1);
	assert_int_equal(org->nodes[idx(org, "D")].parent, (ssize_t)idx(org, "B"));
	assert_int_equal(org->nodes[idx(org, "A")].parent, -1);
	/* children of A: B and C */
	assert_int_equal(org->child_off[idx(org, "A") + 1] - org->child_off[idx(org, "A")], 2);
	/* every node has a layer, parents come before children in order[] */
	assert_int_equal(org->norder, 6);
	assert_true(maat_org_is_ancestor(org, idx(org, "A"), idx(org, "D")));
	assert_true(maat_org_is_ancestor(org, idx(org, "B"), idx(org, "E")));
	assert_false(maat_org_is_ancestor(org, idx(org, "C"), idx(org, "D")));
	assert_false(maat_org_is_ancestor(org, idx(org, "D"), idx(org, "A")));
	assert_false(maat_org_is_ancestor(org, idx(org, "A"), idx(org, "A")));
	assert_false(maat_org_is_ancestor(org, idx(org, "F"), idx(org, "D")));
	maat_org_free(org);
}

/* An orphan (manager 'Z' unknown) is at layer 1, counted in orphans, not in roots; its report
 * is at layer 2. A self-loop (S reports to S) is a root, flagged. */
static void
test_org_orphans_and_self_loops(void **state)
{
	maat_org_builder *b = maat_org_builder_new();
	maat_org *org;
	add(b, "A", NULL, 2);
	add(b, "O", "Z", 3);
	add(b, "P", "O", 4);
	add(b, "S", "S", 5);
	add(b, "T", "S", 6);
	org = maat_org_builder_finish(b, NULL);
	assert_string_equal(org->as_of, "");
	assert_int_equal(org->counts.roots, 2); /* A and S */
	assert_int_equal(org->counts.orphans, 1);
	assert_int_equal(org->counts.self_loops, 1);
	assert_int_equal(org->nodes[idx(org, "O")].layer, 1);
	assert_int_equal(org->nodes[idx(org, "P")].layer, 2);
	assert_int_equal(org->nodes[idx(org, "S")].layer, 1);
	assert_int_equal(org->nodes[idx(org, "T")].layer, 2);
	assert_true(org->nodes[idx(org, "O")].flags & MAAT_ORG_F_ORPHAN);
	assert_false(org->nodes[idx(org, "O")].flags & MAAT_ORG_F_ROOT);
	assert_true(org->nodes[idx(org, "S")].flags & MAAT_ORG_F_SELF_LOOP);
	assert_true(org->nodes[idx(org, "S")].flags & MAAT_ORG_F_ROOT);
	assert_int_equal(count_kind(org, MAAT_ORG_A_ORPHAN), 1);
	assert_int_equal(count_kind(org, MAAT_ORG_A_SELF_LOOP), 1);
	maat_org_free(org);
}

/* Job share: id J twice under the same manager: one node, FTE 0.6 + 0.4 = 1.0. */
static void
test_org_job_share_sums_fte(void **state)
{
	maat_org_builder *b = maat_org_builder_new();
	maat_org_row r = {.id = "J",
			  .manager = "A",
			  .fte = 0.6,
			  .employment = MAAT_EMP_UNKNOWN,
			  .name = "First",
			  .source_id = 1,
			  .line = 3};
	maat_org *org;
	add(b, "A", "XX", 2);
	maat_org_builder_add(b, &r);
	r.fte = 0.4;
	r.name = "Second";
	r.line = 4;
	r.employment = MAAT_EMP_EXTERNAL;
	maat_org_builder_add(b, &r);
	org = maat_org_builder_finish(b, NULL);
	assert_int_equal(org->n, 2);
	assert_near(org->nodes[idx(org, "J")].fte, 1.0);
	assert_string_equal(org->nodes[idx(org, "J")].name, "First");
	assert_int_equal(org->counts.duplicate_ids, 1);
	assert_int_equal(org->counts.job_shares, 1);
	assert_int_equal(org->counts.conflicts, 0);
	assert_int_equal(count_kind(org, MAAT_ORG_A_JOB_SHARE), 1);
	assert_int_equal(org->anomalies[0].line, 4);
	assert_int_equal(org->counts.rows, 3);
	maat_org_free(org);
}

/* Conflicts: the first row wins (B under A, not under C); a root row always wins (D's second
 * row is a top post, so D becomes a root and its first row, under A, is the reported loser). */
static void
test_org_conflicts(void **state)
{
	maat_org_builder *b = maat_org_builder_new();
	maat_org *org;
	add(b, "A", "XX", 2);
	add(b, "C", "A", 3);
	add(b, "B", "A", 4);
	add(b, "B", "C", 5);
	add(b, "D", "A", 6);
	add(b, "D", "XX", 7);
	add(b, "D", "C", 8);
	org = maat_org_builder_finish(b, NULL);
	assert_int_equal(org->n, 4);
	assert_int_equal(org->nodes[idx(org, "B")].parent, (ssize_t)idx(org, "A"));
	assert_int_equal(org->nodes[idx(org, "D")].parent, -1);
	assert_int_equal(org->nodes[idx(org, "D")].layer, 1);
	assert_int_equal(org->nodes[idx(org, "D")].line, 7);
	assert_int_equal(org->counts.roots, 2);
	assert_int_equal(org->counts.duplicate_ids, 2);
	assert_int_equal(org->counts.conflicts, 3);
	assert_int_equal(count_kind(org, MAAT_ORG_A_CONFLICT), 3);
	/* the losers, in order: B line 5, D line 6 (lost to the root row), D line 8 */
	assert_int_equal(org->anomalies[0].line, 5);
	assert_int_equal(org->anomalies[1].line, 6);
	assert_int_equal(org->anomalies[2].line, 8);
	maat_org_free(org);
}

/* A cycle X -> Y -> Z -> X: members get no layer, reported once with their ids; W under X is
 * below the cycle and gets no layer either; the rest of the chart is unaffected. */
static void
test_org_cycle(void **state)
{
	maat_org_builder *b = maat_org_builder_new();
	maat_org *org;
	add(b, "A", "XX", 2);
	add(b, "B", "A", 3);
	add(b, "X", "Z", 4);
	add(b, "Y", "X", 5);
	add(b, "Z", "Y", 6);
	add(b, "W", "X", 7);
	org = maat_org_builder_finish(b, NULL);
	assert_int_equal(org->counts.cycles, 1);
	assert_int_equal(org->counts.cycle_nodes, 3);
	assert_int_equal(org->counts.below_cycle, 1);
	assert_int_equal(org->nodes[idx(org, "X")].layer, 0);
	assert_int_equal(org->nodes[idx(org, "Z")].layer, 0);
	assert_int_equal(org->nodes[idx(org, "W")].layer, 0);
	assert_int_equal(org->nodes[idx(org, "B")].layer, 2);
	assert_true(org->nodes[idx(org, "Y")].flags & MAAT_ORG_F_CYCLE);
	assert_true(org->nodes[idx(org, "W")].flags & MAAT_ORG_F_BELOW_CYCLE);
	assert_int_equal(count_kind(org, MAAT_ORG_A_CYCLE), 1);
	for (size_t i = 0; i < org->nanomalies; i++) {
		if (org->anomalies[i].kind == MAAT_ORG_A_CYCLE) {
			/* listed from its first member in file order, following manager links */
			assert_string_equal(org->anomalies[i].ids, "X > Z > Y");
		}
	}
	assert_int_equal(org->norder, 2);
	/* is_ancestor stays bounded inside a cycle */
	assert_true(maat_org_is_ancestor(org, idx(org, "Z"), idx(org, "W")));
	assert_false(maat_org_is_ancestor(org, idx(org, "A"), idx(org, "W")));
	maat_org_free(org);
}

/* A two-cycle and a one-node chart without roots at all. */
static void
test_org_only_cycle(void **state)
{
	maat_org_builder *b = maat_org_builder_new();
	maat_org *org;
	add(b, "P", "Q", 2);
	add(b, "Q", "P", 3);
	org = maat_org_builder_finish(b, NULL);
	assert_int_equal(org->counts.roots, 0);
	assert_int_equal(org->counts.cycles, 1);
	assert_int_equal(org->norder, 0);
	maat_org_free(org);
}

/* Leading zeros: manager "42" but the id is "0042": detected (one group), not joined, so 7
 * is an orphan. "0" is a top marker, "007"/"7" is a second group. */
static void
test_org_leading_zeros_detected(void **state)
{
	maat_org_builder *b = maat_org_builder_new();
	maat_org *org;
	char *c;
	add(b, "0042", "0", 2);
	add(b, "7", "42", 3);
	add(b, "8", "0042", 4);
	add(b, "007", "0042", 5);
	org = maat_org_builder_finish(b, NULL);
	assert_int_equal(org->counts.leading_zero_ids, 2);
	assert_int_equal(count_kind(org, MAAT_ORG_A_LEADING_ZEROS), 2);
	assert_int_equal(org->counts.orphans, 1);
	assert_int_equal(org->nodes[idx(org, "7")].layer, 1);
	assert_int_equal(org->nodes[idx(org, "8")].layer, 2);
	maat_org_free(org);

	c = maat_org_normalise_id("0042");
	assert_string_equal(c, "42");
	free(c);
	c = maat_org_normalise_id("000");
	assert_string_equal(c, "0");
	free(c);
	assert_null(maat_org_normalise_id("42"));
	assert_null(maat_org_normalise_id("0A1"));
	assert_null(maat_org_normalise_id("0"));
}

/* maat_org_find: id first, then e-mail, then name; case-insensitive and trimmed. */
static void
test_org_find(void **state)
{
	maat_org_builder *b = maat_org_builder_new();
	maat_org_row r = {.id = "E1",
			  .manager = "XX",
			  .fte = 1,
			  .email = "an@gemeente.nl",
			  .name = "An de Vries",
			  .employment = MAAT_EMP_UNKNOWN,
			  .line = 2};
	maat_org *org;
	maat_org_builder_add(b, &r);
	r.id = "E2";
	r.manager = "E1";
	r.email = "bo@gemeente.nl";
	r.name = "E1"; /* a name equal to another id: the id wins */
	r.line = 3;
	maat_org_builder_add(b, &r);
	org = maat_org_builder_finish(b, NULL);
	assert_int_equal(maat_org_find(org, "e1"), 0);
	assert_int_equal(maat_org_find(org, " AN@Gemeente.NL "), 0);
	assert_int_equal(maat_org_find(org, "an de vries"), 0);
	assert_int_equal(maat_org_find(org, "bo@gemeente.nl"), 1);
	assert_int_equal(maat_org_find(org, "nobody"), -1);
	assert_int_equal(maat_org_find(org, ""), -1);
	assert_int_equal(maat_org_find(NULL, "E1"), -1);
	maat_org_free(org);
	maat_org_free(NULL);
}

/* A chain 200,000 deep: layers 1..200000, no recursion (a recursive walk would overflow the
 * stack long before). */
static void
test_org_deep_chain(void **state)
{
	const size_t n = 200000;
	maat_org_builder *b = maat_org_builder_new();
	maat_org *org;
	char id[32], mgr[32];
	for (size_t i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "p%zu", i);
		snprintf(mgr, sizeof(mgr), "p%zu", i - 1);
		add(b, id, i == 0 ? "XX" : mgr, (int64_t)i + 2);
	}
	org = maat_org_builder_finish(b, NULL);
	assert_int_equal(org->n, n);
	assert_int_equal(org->nodes[n - 1].layer, (int32_t)n);
	assert_true(maat_org_is_ancestor(org, 0, n - 1));
	assert_false(maat_org_is_ancestor(org, n - 1, 0));
	maat_org_free(org);

	/* the same chain closed into one big cycle */
	b = maat_org_builder_new();
	for (size_t i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "p%zu", i);
		snprintf(mgr, sizeof(mgr), "p%zu", i == 0 ? n - 1 : i - 1);
		add(b, id, mgr, (int64_t)i + 2);
	}
	org = maat_org_builder_finish(b, NULL);
	assert_int_equal(org->counts.cycles, 1);
	assert_int_equal(org->counts.cycle_nodes, n);
	assert_false(maat_org_is_ancestor(org, 5, 5));
	assert_true(maat_org_is_ancestor(org, 5, 7));
	maat_org_free(org);
}

static void
exec_ok(maat_db *db, const char *sql)
{
	maat_err err = {0};
	if (maat_db_exec(db, sql, &err) < 0) {
		fail_msg("%s: %s", sql, err.msg);
	}
}

/* Loading from the store: the latest snapshot by default, the latest on or before a date, rows
 * of every source in the snapshot together (a junior file under its senior file). */
static void
test_org_load_snapshots(void **state)
{
	maat_err err = {0};
	maat_db *db = maat_db_open(":memory:", MAAT_DB_CREATE, &err);
	maat_org *org = NULL;
	char *snap = NULL;
	assert_non_null(db);
	assert_int_equal(maat_org_load(db, NULL, &org, &err), 1);
	assert_null(org);
	exec_ok(db, "INSERT INTO sources(id, kind, path, sha256, imported_at) VALUES"
		    " (1, 'org', 'a.csv', 'x1', 0), (2, 'org', 'b.csv', 'x2', 0),"
		    " (3, 'org', 'c.csv', 'x3', 0);"
		    "INSERT INTO org_imports(source_id, as_of, format) VALUES"
		    " (1, '2025-01-01', 'csv'), (2, '2025-01-01', 'csv'), (3, '2026-01-01', 'csv');"
		    "INSERT INTO org_rows(source_id, line, id, manager, fte, employment, aggregate,"
		    " email) VALUES"
		    " (1, 2, 'A', NULL, 1, 0, 0, 'a@x.nl'), (1, 3, 'B', 'A', 1, 1, 0, NULL),"
		    " (2, 2, 'g1', 'B', 12.5, NULL, 1, NULL),"
		    " (3, 2, 'A', NULL, 1, NULL, 0, NULL);"
		    "UPDATE org_imports SET"
		    " first_row = (SELECT min(rowid) FROM org_rows r WHERE r.source_id ="
		    " org_imports.source_id),"
		    " last_row = (SELECT max(rowid) FROM org_rows r WHERE r.source_id ="
		    " org_imports.source_id);");
	assert_int_equal(maat_org_load(db, NULL, &org, &err), 0);
	assert_string_equal(org->as_of, "2026-01-01");
	assert_int_equal(org->n, 1);
	maat_org_free(org);
	assert_int_equal(maat_org_load(db, "2025-06-30", &org, &err), 0);
	assert_string_equal(org->as_of, "2025-01-01");
	assert_int_equal(org->n, 3);
	assert_int_equal(org->nodes[2].layer, 3);
	assert_true(org->nodes[2].aggregate);
	assert_near(org->nodes[2].fte, 12.5);
	assert_int_equal(org->nodes[1].employment, MAAT_EMP_EXTERNAL);
	assert_int_equal(org->nodes[2].employment, MAAT_EMP_UNKNOWN);
	assert_int_equal(maat_org_find(org, "A@X.NL"), 0);
	maat_org_free(org);
	assert_int_equal(maat_org_load(db, "2024-12-31", &org, &err), 1);
	assert_null(org);
	assert_int_equal(maat_org_snapshot(db, NULL, &snap, &err), 0);
	assert_string_equal(snap, "2026-01-01");
	free(snap);
	maat_db_close(db);
}

/* The snapshot API the cases and calendar joins use: dates oldest first; in force on a date =
 * the latest on or before it, the earliest when none is before; --as-of = the latest on or
 * before, none when the date is older than every snapshot. Three snapshots by hand:
 * 2025-01-01 (A > B), 2025-07-01 (A > {B, C}, two files), 2026-01-01 (A alone). */
static void
test_org_snapshots_in_force(void **state)
{
	maat_err err = {0};
	maat_db *db = maat_db_open(":memory:", MAAT_DB_CREATE, &err);
	maat_org_snapshots s = {0};
	maat_org *org = NULL;
	char *snap = NULL;
	(void)state;
	assert_non_null(db);
	assert_int_equal(maat_org_snapshots_list(db, &s, &err), 0);
	assert_int_equal(s.n, 0);
	assert_int_equal(maat_org_snapshots_in_force(&s, "2025-01-01"), -1);
	assert_int_equal(maat_org_snapshot_in_force(db, "2025-01-01", &snap, &err), 1);
	assert_null(snap);
	exec_ok(db,
		"INSERT INTO sources(id, kind, path, sha256, imported_at) VALUES"
		" (1, 'org', 'c.csv', 'x1', 0), (2, 'org', 'a.csv', 'x2', 0),"
		" (3, 'org', 'b1.csv', 'x3', 0), (4, 'org', 'b2.csv', 'x4', 0);"
		"INSERT INTO org_imports(source_id, as_of, format) VALUES"
		" (1, '2026-01-01', 'csv'), (2, '2025-01-01', 'csv'),"
		" (3, '2025-07-01', 'organogram-junior'), (4, '2025-07-01', 'organogram-senior');"
		"INSERT INTO org_rows(source_id, line, id, manager, fte, aggregate) VALUES"
		" (1, 2, 'A', NULL, 1, 0),"
		" (2, 2, 'A', NULL, 1, 0), (2, 3, 'B', 'A', 1, 0),"
		" (3, 2, 'g1', 'C', 4, 1),"
		" (4, 2, 'A', NULL, 1, 0), (4, 3, 'B', 'A', 1, 0), (4, 4, 'C', 'A', 1, 0);"
		"UPDATE org_imports SET"
		" first_row = (SELECT min(rowid) FROM org_rows r WHERE r.source_id ="
		" org_imports.source_id),"
		" last_row = (SELECT max(rowid) FROM org_rows r WHERE r.source_id ="
		" org_imports.source_id);");
	assert_int_equal(maat_org_snapshots_list(db, &s, &err), 0);
	assert_int_equal(s.n, 3);
	assert_string_equal(s.dates[0], "2025-01-01");
	assert_string_equal(s.dates[1], "2025-07-01");
	assert_string_equal(s.dates[2], "2026-01-01");
	/* before the first: the earliest is in force, but --as-of finds none */
	assert_int_equal(maat_org_snapshots_in_force(&s, "2024-06-30"), 0);
	assert_int_equal(maat_org_snapshots_as_of(&s, "2024-06-30"), -1);
	/* on the day itself, between two, a timestamp, after the last */
	assert_int_equal(maat_org_snapshots_in_force(&s, "2025-01-01"), 0);
	assert_int_equal(maat_org_snapshots_in_force(&s, "2025-06-30"), 0);
	assert_int_equal(maat_org_snapshots_in_force(&s, "2025-07-01"), 1);
	assert_int_equal(maat_org_snapshots_in_force(&s, "2025-12-31T23:59:59Z"), 1);
	assert_int_equal(maat_org_snapshots_in_force(&s, "2030-01-01"), 2);
	assert_int_equal(maat_org_snapshots_as_of(&s, "2025-12-31"), 1);
	assert_int_equal(maat_org_snapshots_as_of(&s, NULL), 2);
	assert_int_equal(maat_org_snapshot_in_force(db, "2020-01-01", &snap, &err), 0);
	assert_string_equal(snap, "2025-01-01");
	free(snap);
	/* the mid snapshot loads as one chart of both files, the junior row under C, whatever
	 * order the files were imported in (junior first here) */
	assert_int_equal(maat_org_load_snapshot(db, s.dates[1], 0, &org, &err), 0);
	assert_string_equal(org->as_of, "2025-07-01");
	assert_int_equal(org->n, 4);
	assert_int_equal(org->counts.orphans, 0);
	assert_int_equal(org->nodes[idx(org, "g1")].layer, 3);
	maat_org_free(org);
	assert_int_equal(maat_org_load_snapshot(db, "2025-03-01", 0, &org, &err), 1);
	assert_null(org);
	maat_org_snapshots_fini(&s);
	maat_org_snapshots_fini(&s);
	maat_db_close(db);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_org_top_markers),
	    cmocka_unit_test(test_org_snapshots_in_force),
	    cmocka_unit_test(test_org_layers_and_roots),
	    cmocka_unit_test(test_org_orphans_and_self_loops),
	    cmocka_unit_test(test_org_job_share_sums_fte),
	    cmocka_unit_test(test_org_conflicts),
	    cmocka_unit_test(test_org_cycle),
	    cmocka_unit_test(test_org_only_cycle),
	    cmocka_unit_test(test_org_leading_zeros_detected),
	    cmocka_unit_test(test_org_find),
	    cmocka_unit_test(test_org_deep_chain),
	    cmocka_unit_test(test_org_load_snapshots),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
