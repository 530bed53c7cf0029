#include <string.h>

#include "cli/cli.h"
#include "maatlat/i18n.h"

static const struct {
	/* the word after "import" */
	const char *kind;
	/* its implementation, cmd_import_<kind>.c */
	maat_cmd_fn fn;
} kinds[] = {
    {"calendar", cmd_import_calendar}, {"cases", cmd_import_cases},
    {"mandates", cmd_import_mandates}, {"org", cmd_import_org},
    {"terms", cmd_import_terms},
};

/* Takes "--name NAME" (every kind has it: the name of standard input, "-") out of argv;
 * returns the new argc, or -1 after a usage message. */
static int
take_name(maat_cli *cli, int argc, char **argv)
{
	bool dash = false;
	int out = 0;
	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0) {
			for (; i < argc; i++) {
				dash = dash || strcmp(argv[i], "-") == 0;
				argv[out++] = argv[i];
			}
			break;
		}
		if (strcmp(argv[i], "--name") == 0 || strncmp(argv[i], "--name=", 7) == 0) {
			const char *v = argv[i][6] == '=' ? argv[i] + 7 : NULL;
			if (v == NULL && i + 1 < argc) {
				v = argv[++i];
			}
			if (v == NULL || *v == '\0') {
				cli_usage_error(cli, "import", "%s",
						_("--name: give the name to record for standard "
						  "input"));
				return -1;
			}
			cli->input_name = v;
			continue;
		}
		dash = dash || strcmp(argv[i], "-") == 0;
		argv[out++] = argv[i];
	}
	if (cli->input_name != NULL && !dash) {
		cli_usage_error(cli, "import", "%s",
				_("--name names standard input: give '-' as the file"));
		return -1;
	}
	argv[out] = NULL;
	return out;
}

int
cmd_import(maat_cli *cli, int argc, char **argv)
{
	if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		if (argc >= 2) {
			return cli_help("import",
					_("  maatlat import org FILE...       [--as-of "
					  "DATE] [--normalise-ids]\n"
					  "        [--format auto|csv|organogram] [--map "
					  "COLUMN=FIELD]... [--encoding ENC]\n"
					  "  maatlat import mandates FILE...\n"
					  "  maatlat import calendar FILE...  [--owner "
					  "EMAIL] [--from DATE] [--to DATE]\n"
					  "        [--tz ZONE] [--instance-limit N] "
					  "[--date-order dmy|mdy|ymd] [--encoding ENC]\n"
					  "  maatlat import cases FILE...     [--format "
					  "auto|csv|xes] [--tz ZONE]\n"
					  "        [--case COL --activity COL --time COL "
					  "--resource COL ...] [--encoding ENC]\n"
					  "  maatlat import terms FILE        [--holidays "
					  "FILE2]\n\n"
					  "Every kind takes --replace; org takes "
					  "--pseudonymise [--key-file FILE] to\n"
					  "store ids, names and e-mails as keyed hashes. "
					  "'maatlat import KIND --help'\n"
					  "describes one kind.\n\n"
					  "Each file is imported in one transaction: "
					  "completely or not at all.\n"
					  "When a file fails, the files after it are not "
					  "imported (each one is named).\n"
					  "A file imported before (same sha256) is "
					  "skipped; --replace swaps the earlier import\n"
					  "of the same file (by its real path) and says "
					  "which.\n"
					  "FILE '-' reads standard input; --name NAME "
					  "records it under NAME (default\n"
					  "'stdin'). Every input is read once and hashed "
					  "as it is parsed; a device is\n"
					  "read up to $MAATLAT_MAX_STREAM_BYTES (16 "
					  "GiB). A folder is refused.\n"));
		}
		return cli_usage_error(cli, "import",
				       _("import what? org, mandates, calendar, cases or terms"));
	}
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strcmp(argv[1], kinds[i].kind) == 0) {
			if (!cli_wants_help(argc, argv) &&
			    (argc = take_name(cli, argc, argv)) < 0) {
				return MAAT_E_USAGE;
			}
			return kinds[i].fn(cli, argc - 1, argv + 1);
		}
	}
	return cli_usage_error(cli, "import",
			       _("cannot import '%s': use org, mandates, calendar, cases or terms"),
			       argv[1]);
}
