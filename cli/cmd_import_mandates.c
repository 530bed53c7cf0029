#include <getopt.h>

#include "cli/cli.h"
#include "maatlat/i18n.h"
#include "maatlat/org_import.h"

int
cmd_import_mandates(maat_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"replace", no_argument, NULL, 'r'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	unsigned flags = 0;
	maat_db *db = NULL;
	int status = 0, c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			flags |= MAAT_IMPORT_REPLACE;
			break;
		case 'h':
			return cli_help(
			    "import",
			    _("maatlat import mandates FILE... [--replace]\n\n"
			      "A CSV with the header decision_type,holder (or "
			      "besluit,mandaathouder):\n"
			      "which post signs which type of decision. holder is layer:N (the\n"
			      "ancestor at layer N), title:TEXT (the first ancestor with that "
			      "title,\n"
			      "case-insensitive) or id:ID (that post). A later import of a "
			      "decision\n"
			      "type replaces the earlier one.\n"));
		default:
			return cli_usage_error(cli, "import", _("unknown option '%s'"),
					       argv[optind - 1]);
		}
	}
	if (optind >= argc) {
		return cli_usage_error(cli, "import", _("import mandates: no file given"));
	}
	if ((db = cli_open_db(cli, MAAT_DB_CREATE, &status)) == NULL) {
		return status;
	}
	for (int i = optind; i < argc; i++) {
		maat_err err = {0};
		int64_t source_id = 0;
		int rc = maat_mandates_import_file(db, argv[i], flags, &source_id, &err);
		if (rc < 0) {
			status = cli_fail(cli, &err);
			cli_import_stopped(cli, argv + optind, argc - optind, i - optind);
			break;
		}
		if (rc == 1) {
			cli_warn(cli, "%s", err.msg);
			continue;
		}
		{
			sqlite3_stmt *st = maat_db_stmt(
			    db, "SELECT count(*) FROM org_mandates WHERE source_id = ?1", NULL);
			if (st != NULL) {
				sqlite3_bind_int64(st, 1, source_id);
				if (sqlite3_step(st) == SQLITE_ROW) {
					printf(_("%s: %lld mandates\n"),
					       cli_input_label(cli, argv[i]),
					       (long long)sqlite3_column_int64(st, 0));
				}
				sqlite3_reset(st);
			}
		}
		cli_import_replaced(cli, db, argv[i]);
		cli_print_source_messages(cli, db, source_id, cli_input_label(cli, argv[i]),
					  "signoff");
	}
	maat_db_close(db);
	return status;
}
