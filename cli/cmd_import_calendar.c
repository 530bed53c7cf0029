#include "cli/cli.h"
#include "maatlat/i18n.h"

int
cmd_import_calendar(maat_cli *cli, int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		return cli_help("import", NULL);
	}
	return cli_not_yet(cli, "import calendar");
}
