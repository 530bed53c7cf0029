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
					  "A file imported before (same sha256) is "
					  "skipped; --replace swaps it.\n"));
		}
		return cli_usage_error(cli, "import",
				       _("import what? org, mandates, calendar, cases or terms"));
	}
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		if (strcmp(argv[1], kinds[i].kind) == 0) {
			return kinds[i].fn(cli, argc - 1, argv + 1);
		}
	}
	return cli_usage_error(cli, "import",
			       _("cannot import '%s': use org, mandates, calendar, cases or terms"),
			       argv[1]);
}
