#include "cli/cli.h"
#include "maatlat/i18n.h"

int
cmd_report(maat_cli *cli, int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		return cli_help("report", NULL);
	}
	return cli_not_yet(cli, "report");
}
