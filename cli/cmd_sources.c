#include <getopt.h>
#include <string.h>

#include "cli/cli.h"
#include "maatlat/i18n.h"
#include "maatlat/json.h"
#include "maatlat/table.h"
#include "maatlat/workbook.h"

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
	if ((t = maat_report_sources_table(db, &err)) == NULL) {
		status = cli_fail(cli, &err);
		goto out;
	}
	for (size_t r = 0; !json && r < maat_table_nrows(t); r++) {
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
