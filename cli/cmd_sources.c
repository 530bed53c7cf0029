#include <getopt.h>
#include <string.h>

#include "cli/cli.h"
#include "maatlat/i18n.h"
#include "maatlat/json.h"
#include "maatlat/table.h"

static maat_table *
sources_table(maat_db *db, bool full_hash, maat_err *err)
{
	sqlite3_stmt *st = maat_db_stmt(
	    db,
	    "SELECT s.id, s.kind, s.path, s.sha256, s.rows_read, s.rows_rejected, s.imported_at,"
	    " s.options, (SELECT count(*) FROM source_messages m WHERE m.source_id = s.id)"
	    " FROM sources s ORDER BY s.id",
	    err);
	maat_table *t;
	int rc;

	if (st == NULL) {
		return NULL;
	}
	t = maat_table_new(NULL);
	maat_table_add_column(t, "id", _("id"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "kind", _("kind"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "file", _("file"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "sha256", _("sha256"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "rows_read", _("rows read"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "rows_rejected", _("rejected"), MAAT_COL_INT, 0);
	maat_table_add_column(t, "imported_at", _("imported (UTC)"), MAAT_COL_DATETIME, 0);
	maat_table_add_column(t, "options", _("options"), MAAT_COL_TEXT, 0);
	maat_table_add_column(t, "messages", _("messages"), MAAT_COL_INT, 0);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *sha = (const char *)sqlite3_column_text(st, 3);
		char shortsha[13];
		maat_table_add_row(t);
		maat_table_set_int(t, 0, sqlite3_column_int64(st, 0));
		maat_table_set_text(t, 1, (const char *)sqlite3_column_text(st, 1));
		maat_table_set_text(t, 2, (const char *)sqlite3_column_text(st, 2));
		if (!full_hash) {
			snprintf(shortsha, sizeof(shortsha), "%s", sha);
			sha = shortsha;
		}
		maat_table_set_text(t, 3, sha);
		maat_table_set_int(t, 4, sqlite3_column_int64(st, 4));
		maat_table_set_int(t, 5, sqlite3_column_int64(st, 5));
		maat_table_set_int(t, 6, sqlite3_column_int64(st, 6));
		maat_table_set_text(t, 7, (const char *)sqlite3_column_text(st, 7));
		maat_table_set_int(t, 8, sqlite3_column_int64(st, 8));
	}
	if (rc != SQLITE_DONE) {
		maat_db_fail(db, err, _("reading sources"));
		maat_table_free(t);
		return NULL;
	}
	return t;
}

int
cmd_sources(maat_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	maat_err err = {0};
	maat_table *t = NULL;
	maat_db *db = NULL;
	bool json = false;
	int status = 0, c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			return cli_help(
			    "sources",
			    _("Lists every imported file with its sha256, the rows read and\n"
			      "rejected, when it was imported and the options used.\n"));
		default:
			return cli_usage_error(cli, "sources", _("unknown option '%s'"),
					       argv[optind - 1]);
		}
	}
	if (optind < argc) {
		return cli_usage_error(cli, "sources", _("unexpected argument '%s'"), argv[optind]);
	}
	if ((db = cli_open_db(cli, 0, &status)) == NULL) {
		return status;
	}
	if ((t = sources_table(db, json, &err)) == NULL) {
		status = cli_fail(cli, &err);
		goto out;
	}
	if (json) {
		json_t *root = json_object();
		json_object_set_new(root, "sources", maat_table_to_json(t));
		if (maat_json_print(root, stdout) < 0) {
			status = MAAT_E_IO;
		}
		json_decref(root);
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
