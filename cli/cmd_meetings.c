#include "cli/cli.h"
#include "maatlat/i18n.h"

int
cmd_meetings(maat_cli *cli, int argc, char **argv)
{
	if (cli_wants_help(argc, argv)) {
		return cli_help("meetings", NULL);
	}
	return cli_not_yet(cli, "meetings");
}
