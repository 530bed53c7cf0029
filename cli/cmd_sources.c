#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "maatlat/i18n.h"
#include "maatlat/json.h"
#include "maatlat/table.h"
#include "maatlat/util.h"
#include "maatlat/workbook.h"

/* The messages each import logged (all sources, or source only when > 0), oldest first. */
static maat_table *
messages_table(maat_db *db, int64_t source, maat_err *err)
{
	sqlite3_stmt *st =
	    maat_db_stmt(db,
			 "SELECT m.source_id, s.path, m.line, m.severity, m.message"
			 " FROM source_messages m JOIN sources s ON s.id = m.source_id"
			 " WHERE ?1 = 0 OR m.source_id = ?1 ORDER BY m.source_id, m.rowid",
			 err);
	maat_table *t;
	int rc;

	if (st == NULL) {
		return NULL;
	}
	sqlite3_bind_int64(st, 1, source);
	t = maat_table_new(_("Import messages"));
	maat_table_add_column(t, "source", _("source"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "file", _("file"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "line", _("line"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "severity", _("severity"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "message", _("message"), MAAT_COL_TEXT, 0);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		maat_table_add_row(t);
		maat_table_set_int(t, 0, sqlite3_column_int64(st, 0));
		maat_table_set_text(t, 1, (const char *)sqlite3_column_text(st, 1));
		if (sqlite3_column_type(st, 2) == SQLITE_NULL) {
			maat_table_set_null(t, 2);
		} else {
			maat_table_set_int(t, 2, sqlite3_column_int64(st, 2));
		}
		maat_table_set_text(t, 3, (const char *)sqlite3_column_text(st, 3));
		maat_table_set_text(t, 4, (const char *)sqlite3_column_text(st, 4));
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		maat_db_fail(db, err, _("reading the import messages"));
		maat_table_free(t);
		return NULL;
	}
	return t;
}

/* sources --remove SOURCE: the source and everything imported from it, in one transaction. */
static int
remove_source(maat_cli *cli, maat_db *db, const char *which)
{
	maat_err err = {0};
	int64_t id = 0;
	char *path = NULL;
	sqlite3_stmt *st;

	if (maat_db_source_find(db, which, &id, &err) < 0) {
		return cli_fail(cli, &err);
	}
	st = maat_db_stmt(db, "SELECT kind, path FROM sources WHERE id = ?1", NULL);
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, id);
		if (sqlite3_step(st) == SQLITE_ROW) {
			path = maat_xasprintf("%s %s", (const char *)sqlite3_column_text(st, 0),
					      (const char *)sqlite3_column_text(st, 1));
		}
		sqlite3_reset(st);
	}
	if (maat_db_source_remove(db, id, &err) < 0) {
		free(path);
		return cli_fail(cli, &err);
	}
	printf(_("Removed source %lld (%s) and everything imported from it.\n"), (long long)id,
	       path ? path : "");
	free(path);
	return 0;
}

int
cmd_sources(maat_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"messages", no_argument, NULL, 'm'},
	    {"remove", required_argument, NULL, 'r'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	maat_err err = {0};
	maat_table *t = NULL;
	maat_db *db = NULL;
	const char *remove = NULL, *which = NULL;
	bool json = false, messages = false;
	int64_t source = 0;
	int status = 0, c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'm':
			messages = true;
			break;
		case 'r':
			remove = optarg;
			break;
		case 'h':
			return cli_help(
			    "sources",
			    _("Lists every imported file with its number, sha256, the rows read\n"
			      "and rejected, when it was imported and the options used.\n"
			      "  --messages [SOURCE]  what each import logged (rows skipped, "
			      "bounds\n"
			      "                       hit, zones guessed); SOURCE: a number or a "
			      "path\n"
			      "  --remove SOURCE      undo an import: the source and every row\n"
			      "                       imported from it, in one transaction\n"));
		default:
			return cli_usage_error(cli, "sources", _("unknown option '%s'"),
					       argv[optind - 1]);
		}
	}
	if (messages && optind < argc) {
		which = argv[optind++];
	}
	if (optind < argc) {
		return cli_usage_error(cli, "sources", _("unexpected argument '%s'"), argv[optind]);
	}
	if (remove != NULL && (messages || json)) {
		return cli_usage_error(cli, "sources", "%s",
				       _("--remove goes alone (without --messages or --json)"));
	}
	if ((db = cli_open_db(cli, 0, &status)) == NULL) {
		return status;
	}
	if (remove != NULL) {
		status = remove_source(cli, db, remove);
		goto out;
	}
	if (messages) {
		if (which != NULL && maat_db_source_find(db, which, &source, &err) < 0) {
			status = cli_fail(cli, &err);
			goto out;
		}
		t = messages_table(db, source, &err);
	} else {
		t = maat_report_sources_table(db, &err);
	}
	if (t == NULL) {
		status = cli_fail(cli, &err);
		goto out;
	}
	for (size_t r = 0; !json && !messages && r < maat_table_nrows(t); r++) {
		/* 12 hex digits identify a file for people; --json keeps all 64 */
		const maat_cell *sha = maat_table_cell(t, r, 3);
		if (!sha->null && strlen(sha->s) > 12) {
			char shortsha[13];
			memcpy(shortsha, sha->s, 12);
			shortsha[12] = '\0';
			maat_table_set_text_at(t, r, 3, shortsha);
		}
	}
	if (json) {
		json_t *root = json_object();
		json_object_set_new(root, messages ? "messages" : "sources", maat_table_to_json(t));
		if (maat_json_print(root, stdout) < 0) {
			status = MAAT_E_IO;
		}
		json_decref(root);
	} else if (messages && maat_table_nrows(t) == 0) {
		printf("%s\n", _("No messages."));
	} else if (maat_table_nrows(t) == 0) {
		printf("%s\n", _("Nothing imported yet."));
	} else if (maat_table_print(t, stdout) < 0) {
		status = MAAT_E_IO;
	}
out:
	maat_table_free(t);
	maat_db_close(db);
	return status;
}
