#include <getopt.h>

#include "cli/cli.h"
#include "maatlat/i18n.h"
#include "maatlat/terms_import.h"

int
cmd_import_terms(maat_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"holidays", required_argument, NULL, 'H'},
	    {"encoding", required_argument, NULL, 'e'},
	    {"replace", no_argument, NULL, 'r'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	maat_terms_import_opts o = {0};
	unsigned flags = 0;
	maat_db *db = NULL;
	maat_err err = {0};
	int64_t source_id = 0;
	int status = 0, c, rc;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'H':
			o.holidays = optarg;
			break;
		case 'e':
			o.encoding = optarg;
			break;
		case 'r':
			flags |= MAAT_IMPORT_REPLACE;
			break;
		case 'h':
			return cli_help(
			    "import",
			    _("maatlat import terms FILE [--holidays FILE2] [--encoding ENC] "
			      "[--replace]\n\n"
			      "Decision terms per case type (METRICS.md section 5). A CSV with "
			      "the\n"
			      "columns case_type (* = every type without a row of its own),\n"
			      "term_days (days, or weeks as 8w), day_kind (calendar or working;\n"
			      "default calendar) and optional start, end, suspend and resume:\n"
			      "activity patterns (POSIX extended, case-insensitive). The clock "
			      "runs\n"
			      "from the first start event (default: the first event) to the first\n"
			      "end event (default: the last event; with an end pattern and no "
			      "such\n"
			      "event the case is open) and stops from a suspend event to the next\n"
			      "resume event (without a resume pattern: the next other event).\n"
			      "--holidays: one yyyy-mm-dd per line; working days skip them and\n"
			      "weekends. The latest terms import is the one `maatlat terms` "
			      "uses.\n"));
		default:
			return cli_usage_error(cli, "import", _("unknown option '%s'"),
					       argv[optind - 1]);
		}
	}
	if (optind >= argc) {
		return cli_usage_error(cli, "import", "%s", _("import terms: which file?"));
	}
	if (optind + 1 < argc) {
		return cli_usage_error(cli, "import", _("import terms: one file, not '%s' too"),
				       argv[optind + 1]);
	}
	if ((db = cli_open_db(cli, MAAT_DB_CREATE, &status)) == NULL) {
		return status;
	}
	rc = maat_terms_import_file(db, argv[optind], &o, flags, &source_id, &err);
	if (rc < 0) {
		status = cli_fail(cli, &err);
	} else if (rc == 1) {
		cli_warn(cli, "%s", err.msg);
	} else {
		sqlite3_stmt *st =
		    maat_db_stmt(db,
				 "SELECT (SELECT count(*) FROM case_terms WHERE source_id = ?1),"
				 " (SELECT count(*) FROM term_holidays WHERE source_id = ?1)",
				 NULL);
		if (st != NULL) {
			sqlite3_bind_int64(st, 1, source_id);
			if (sqlite3_step(st) == SQLITE_ROW) {
				printf(_("%s: %lld terms, %lld holidays\n"), argv[optind],
				       (long long)sqlite3_column_int64(st, 0),
				       (long long)sqlite3_column_int64(st, 1));
			}
			sqlite3_reset(st);
		}
	}
	maat_db_close(db);
	return status;
}
