#include <getopt.h>
#include <string.h>

#include "cli/cli.h"
#include <stdlib.h>

#include "maatlat/i18n.h"
#include "maatlat/pseudonym.h"
#include "maatlat/util.h"
#include "maatlat/person.h"

int
cmd_forget(maat_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"pseudonymise", no_argument, NULL, 'P'},
	    {"pseudonymize", no_argument, NULL, 'P'},
	    {"key-file", required_argument, NULL, 'K'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *key_file = NULL;
	bool want_pseudo = false;
	char *id = NULL;
	maat_err err = {0};
	maat_db *db = NULL;
	size_t changed = 0;
	int status = 0, c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'P':
			want_pseudo = true;
			break;
		case 'K':
			key_file = optarg;
			want_pseudo = true;
			break;
		case 'h':
			return cli_help(
			    "forget",
			    _("Erases one person from the store. ID is an org-chart id or e-mail,\n"
			      "or a name only one person has (a shared name is refused, with the\n"
			      "candidates listed); see `maatlat person ID` for what is held "
			      "first.\n"
			      "Their id, e-mail and name, as whole values (org rows, the manager\n"
			      "column of their reports, id mandates, case resources, meeting\n"
			      "participants) and inside meeting titles, source names and stored\n"
			      "messages, become one 'forgotten-...' token (so counts keep their\n"
			      "shape); nothing about anyone else changes. One transaction; then "
			      "the\n"
			      "store is vacuumed and its WAL truncated, so the old bytes are gone\n"
			      "from the files. It first waits (up to --wait, default 60 s, saying\n"
			      "so) for other processes that read the store; if they stay, it "
			      "fails\n"
			      "(74) instead of claiming success. The input files themselves are "
			      "not\n"
			      "touched: delete or correct them at their source.\n"));
		default:
			return cli_usage_error(cli, "forget", _("unknown option '%s'"),
					       argv[optind - 1]);
		}
	}
	if (optind + 1 != argc) {
		return cli_usage_error(cli, "forget", _("give exactly one ID"));
	}
	if ((id = cli_person_key(cli, want_pseudo, key_file, argv[optind], &status)) == NULL) {
		return status;
	}
	if ((db = cli_open_db(cli, 0, &status)) == NULL) {
		free(id);
		return status;
	}
	/* Readers of older snapshots keep old pages alive: wait for them before anything is
	 * changed, so a timeout leaves the store as it was; maat_person_forget() waits again
	 * (maat_db_scrub) before it overwrites the old bytes. */
	if (maat_db_checkpoint(db, &err) < 0) {
		status = cli_fail(cli, &err);
	} else if (maat_person_forget(db, id, &changed, &err) < 0) {
		status = cli_fail(cli, &err);
		if (changed > 0 || strstr(err.msg, "--wait") != NULL) {
			cli_error(cli,
				  _("the values are replaced in the store's tables, but not yet "
				    "gone from its files: run 'maatlat forget %s' again"),
				  argv[optind]);
		}
	} else if (changed == 0) {
		cli_warn(cli, _("nothing stored about '%s'; store vacuumed"), argv[optind]);
	} else {
		printf(_("Forgot '%s': %zu stored rows changed; store vacuumed and its WAL "
			 "truncated, no old bytes left.\n"),
		       argv[optind], changed);
	}
	maat_db_close(db);
	free(id);
	return status;
}
