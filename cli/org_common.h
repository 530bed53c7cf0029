/* Helpers shared by the org commands (import org, import mandates, layers, signoff). */
#ifndef MAAT_CLI_ORG_COMMON_H
#define MAAT_CLI_ORG_COMMON_H

#include <stdbool.h>

/* True when s is a valid calendar date yyyy-mm-dd. */
bool cli_valid_date(const char *s);

#endif
