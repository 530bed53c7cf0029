#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "maatlat/i18n.h"

static int
has_catalogue(const char *dir)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/nl/LC_MESSAGES/maatlat.mo", dir);
	return access(path, R_OK) == 0;
}

void
maat_i18n_init(void)
{
	const char *dir = getenv("MAATLAT_LOCALEDIR");
	if (dir == NULL || *dir == '\0') {
		dir = has_catalogue(MAAT_LOCALEDIR) || !has_catalogue(MAAT_BUILD_LOCALEDIR)
			  ? MAAT_LOCALEDIR
			  : MAAT_BUILD_LOCALEDIR;
	}
	bindtextdomain("maatlat", dir);
	bind_textdomain_codeset("maatlat", "UTF-8");
}

const char *
maat_i18n_decimal_point(void)
{
	/* TRANSLATORS: the decimal point in numbers shown to people ("," in Dutch) */
	const char *p = _(".");
	return p != NULL && *p != '\0' ? p : ".";
}

char *
maat_i18n_real(char *buf, size_t size, double v, int decimals)
{
	const char *dp = maat_i18n_decimal_point();
	char *dot;
	snprintf(buf, size, "%.*f", decimals, v);
	if (strcmp(dp, ".") != 0 && strlen(dp) == 1 && (dot = strchr(buf, '.')) != NULL) {
		*dot = *dp;
	}
	return buf;
}
