#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/org_common.h"
#include "maatlat/dbsource.h"
#include "maatlat/i18n.h"
#include "maatlat/pseudonym.h"
#include "maatlat/org_import.h"
#include "maatlat/util.h"

static void
print_summary(maat_db *db, int64_t source_id, const char *path)
{
	sqlite3_stmt *st = maat_db_stmt(
	    db,
	    "SELECT s.rows_read, s.rows_rejected, (SELECT count(*) FROM source_messages m"
	    " WHERE m.source_id = s.id AND m.severity <> 'info'), coalesce(i.format, ''), "
	    "coalesce(i.as_of, '')"
	    " FROM sources s LEFT JOIN org_imports i ON i.source_id = s.id WHERE s.id = ?1",
	    NULL);
	if (st == NULL) {
		return;
	}
	sqlite3_bind_int64(st, 1, source_id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *as_of = (const char *)sqlite3_column_text(st, 4);
		printf(
		    _("%s: %lld rows read, %lld rejected, %lld anomalies (%s%s%s)\n"), path,
		    (long long)sqlite3_column_int64(st, 0), (long long)sqlite3_column_int64(st, 1),
		    (long long)sqlite3_column_int64(st, 2),
		    (const char *)sqlite3_column_text(st, 3), *as_of ? _(", as of ") : "", as_of);
	}
	sqlite3_reset(st);
}

/* "snapshot D; N other snapshots, --as-of to choose", and the files that form it */
static void
print_snapshot(const maat_cli *cli, maat_db *db, int64_t source_id)
{
	maat_org_snapshots snaps = {0};
	maat_err err = {0};
	sqlite3_stmt *st;
	if (cli->verbosity < 0 || maat_org_snapshots_list(db, &snaps, &err) < 0) {
		return;
	}
	st = maat_db_stmt(
	    db,
	    "SELECT i.as_of, (SELECT count(*) FROM org_imports j WHERE j.as_of = i.as_of)"
	    " FROM org_imports i WHERE i.source_id = ?1",
	    NULL);
	if (st != NULL) {
		sqlite3_bind_int64(st, 1, source_id);
		if (sqlite3_step(st) == SQLITE_ROW) {
			int64_t files = sqlite3_column_int64(st, 1);
			printf("  ");
			cli_org_print_snapshot(&snaps, (const char *)sqlite3_column_text(st, 0));
			if (files > 1) {
				printf(_("  (%lld files form this snapshot)\n"), (long long)files);
			}
		}
		sqlite3_reset(st);
	}
	maat_org_snapshots_fini(&snaps);
}

int
cmd_import_org(maat_cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
	    {"as-of", required_argument, NULL, 'a'},
	    {"normalise-ids", no_argument, NULL, 'n'},
	    {"normalize-ids", no_argument, NULL, 'n'},
	    {"format", required_argument, NULL, 'f'},
	    {"map", required_argument, NULL, 'm'},
	    {"encoding", required_argument, NULL, 'e'},
	    {"replace", no_argument, NULL, 'r'},
	    {"pseudonymise", no_argument, NULL, 'P'},
	    {"pseudonymize", no_argument, NULL, 'P'},
	    {"key-file", required_argument, NULL, 'K'},
	    {"fte-hours", required_argument, NULL, 'H'},
	    {"manager-by", required_argument, NULL, 'M'},
	    {"query", required_argument, NULL, 'Q'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	maat_org_import_opts o = {.format = MAAT_ORG_FORMAT_AUTO};
	const char **map = NULL;
	const char *key_file = NULL;
	maat_pseudo *pseudo = NULL;
	bool want_pseudo = false;
	unsigned flags = 0;
	maat_db *db = NULL;
	int status = 0, c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			if (!cli_valid_date(optarg)) {
				status = cli_usage_error(
				    cli, "import", _("--as-of: not a date (yyyy-mm-dd): '%s'"),
				    optarg);
				goto out;
			}
			o.as_of = optarg;
			break;
		case 'n':
			o.normalise_ids = true;
			break;
		case 'Q':
			o.query = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "auto") == 0) {
				o.format = MAAT_ORG_FORMAT_AUTO;
			} else if (strcmp(optarg, "csv") == 0) {
				o.format = MAAT_ORG_FORMAT_CSV;
			} else if (strcmp(optarg, "organogram") == 0) {
				o.format = MAAT_ORG_FORMAT_ORGANOGRAM;
			} else {
				status = cli_usage_error(
				    cli, "import",
				    _("--format: use auto, csv or organogram, not '%s'"), optarg);
				goto out;
			}
			break;
		case 'm': {
			const char *eq = strrchr(optarg, '=');
			if (eq == NULL || eq == optarg || !maat_org_field_known(eq + 1)) {
				status = cli_usage_error(
				    cli, "import",
				    _("--map: expected COLUMN=FIELD with FIELD one of id, manager, "
				      "name, title, unit, fte, grade, email, employment, role, "
				      "level; "
				      "not '%s'"),
				    optarg);
				goto out;
			}
			map = maat_xreallocarray(map, o.nmap + 1, sizeof(*map));
			map[o.nmap++] = optarg;
			break;
		}
		case 'e':
			o.encoding = optarg;
			break;
		case 'H':
			if (!cli_parse_double(cli, "import", "--fte-hours", optarg, &o.fte_hours)) {
				status = MAAT_E_USAGE;
				goto out;
			}
			if (!(o.fte_hours > 0 && o.fte_hours <= 168)) {
				status = cli_usage_error(
				    cli, "import",
				    _("--fte-hours: the hours of a full-time week (e.g. 36), not "
				      "'%s'"),
				    optarg);
				goto out;
			}
			break;
		case 'M':
			if (strcmp(optarg, "auto") == 0) {
				o.manager_by = MAAT_MANAGER_BY_AUTO;
			} else if (strcmp(optarg, "id") == 0) {
				o.manager_by = MAAT_MANAGER_BY_ID;
			} else if (strcmp(optarg, "email") == 0) {
				o.manager_by = MAAT_MANAGER_BY_EMAIL;
			} else if (strcmp(optarg, "name") == 0) {
				o.manager_by = MAAT_MANAGER_BY_NAME;
			} else {
				status = cli_usage_error(
				    cli, "import",
				    _("--manager-by: use id, email, name or auto, not '%s'"),
				    optarg);
				goto out;
			}
			break;
		case 'r':
			flags |= MAAT_IMPORT_REPLACE;
			break;
		case 'P':
			want_pseudo = true;
			break;
		case 'K':
			key_file = optarg;
			want_pseudo = true;
			break;
		case 'h':
			status = cli_help(
			    "import",
			    _("maatlat import org FILE... [--as-of DATE] [--normalise-ids]\n"
			      "    [--format auto|csv|organogram] [--map COLUMN=FIELD]...\n"
			      "    [--manager-by id|email|name|auto] [--fte-hours H]\n"
			      "    [--encoding ENC] [--replace] [--pseudonymise [--key-file "
			      "FILE]]\n\n"
			      "Reads org charts: a CSV with a header naming at least an id column\n"
			      "(id, employee id, personeelsnummer) and a manager column (manager,\n"
			      "manager id, leidinggevende, parentId), optionally name (naam), "
			      "title\n"
			      "(functie), unit (afdeling, team), fte, grade (schaal), email "
			      "(e-mail),\n"
			      "employment (dienstverband: inhuur, extern, ZZP, interim = "
			      "external),\n"
			      "role (rol) and level (junior = aggregate row); or a UK organogram\n"
			      "senior or junior file. Separator (, ; tab), BOM and decimal commas "
			      "are\n"
			      "recognised; --encoding windows-1252 converts other encodings.\n"
			      "Each import is the chart of one date: --as-of, else a date column\n"
			      "(date, peildatum: yyyy-mm-dd, dd-mm-yyyy, Mar-15), else today. A "
			      "UK\n"
			      "senior and junior file of one date form one chart; another file of "
			      "a\n"
			      "date already held is refused unless --replace (which replaces the\n"
			      "chart of that date). Analyses use the latest; --as-of picks one.\n"
			      "Anomalies (self-loops, orphans, job shares, conflicts, cycles, ids "
			      "that\n"
			      "differ only in leading zeros) are logged, never fatal.\n"
			      "Rows: a totals row (Totaal, Eindtotaal, Total, Grand total, or "
			      "sums\n"
			      "without id and manager) is skipped; a row with more or fewer "
			      "fields\n"
			      "than the header (an unquoted 0,8) is rejected with its line, and "
			      "the\n"
			      "file is refused when most rows are; employment other than the\n"
			      "documented values (vast, inhuur, ZZP, ...) is unknown, listed, "
			      "never\n"
			      "internal. Ids are trimmed of every Unicode space; 0, 00000000, XX, "
			      "-1\n"
			      "and empty mark the top. --normalise-ids joins ids that differ only "
			      "in\n"
			      "leading zeros (said; the old spelling still finds the person).\n"
			      "--manager-by id|email|name|auto: the manager column names managers "
			      "by\n"
			      "id, e-mail or name (auto: ids, unless most match the e-mail or "
			      "name\n"
			      "column; a name shared by several people refuses the file).\n"
			      "FTE above 1.5 is flagged; --fte-hours H reads the FTE column as "
			      "hours\n"
			      "a week (FTE = hours / H); '1.000,5' is refused, never 1000.5.\n"
			      "--pseudonymise stores ids, manager ids, names and e-mails as keyed\n"
			      "hashes (key from --key-file or $MAATLAT_KEY, never stored); use "
			      "the\n"
			      "same key for calendars and case logs so they still match.\n"));
			goto out;
		default:
			status = cli_usage_error(cli, "import", _("unknown option '%s'"),
						 argv[optind - 1]);
			goto out;
		}
	}
	o.map = map;
	for (int i = optind; i < argc; i++) {
		if (maat_dbsource_is_uri(argv[i]) && o.query == NULL) {
			status = cli_usage_error(cli, "import", "%s",
						 _("a database source needs --query 'SELECT ...'"));
			goto out;
		}
	}
	if (optind >= argc) {
		status = cli_usage_error(cli, "import", _("import org: no file given"));
		goto out;
	}
	if ((pseudo = cli_pseudo_open(cli, want_pseudo, key_file, &status)) == NULL && status) {
		goto out;
	}
	o.pseudo = pseudo;
	if ((db = cli_open_db(cli, MAAT_DB_CREATE, &status)) == NULL) {
		goto out;
	}
	for (int i = optind; i < argc; i++) {
		maat_err err = {0};
		int64_t source_id = 0;
		const char *label = cli_input_label(cli, argv[i]);
		int rc = maat_org_import_file(db, argv[i], &o, flags, &source_id, &err);
		if (rc < 0) {
			status = cli_fail(cli, &err);
			cli_import_stopped(cli, argv + optind, argc - optind, i - optind);
			goto out;
		}
		if (rc == 1) {
			cli_warn(cli, "%s", err.msg);
			continue;
		}
		{
			/* a database is shown without user name or password */
			char *shown = maat_dbsource_is_uri(argv[i]) ? maat_dbsource_redact(argv[i])
								    : maat_xstrdup(label);
			print_summary(db, source_id, shown);
			cli_import_replaced(cli, db, argv[i]);
			cli_print_source_messages(cli, db, source_id, shown, "layers");
			free(shown);
		}
		print_snapshot(cli, db, source_id);
	}
out:
	free(map);
	maat_pseudo_free(pseudo);
	maat_db_close(db);
	return status;
}
