/* gettext glue: _() translates now, N_() marks a string for translation later. */
#ifndef MAAT_I18N_H
#define MAAT_I18N_H

#include <libintl.h>
#include <stddef.h>

#define _(s) dgettext("maatlat", s)
#define N_(s) (s)
/* a whole sentence with plural forms: singular s, plural p, chosen by n */
#define P_(s, p, n) dngettext("maatlat", s, p, (unsigned long)(n))

/* Binds the "maatlat" text domain: $MAATLAT_LOCALEDIR, else the installed catalogue, else the
 * build tree's po/ (so an uninstalled binary speaks Dutch under LANGUAGE=nl too). */
void maat_i18n_init(void);

/* v with the given decimals as people of the current language write it (7.7 in English, 7,7
 * in Dutch), into buf. Only for output meant for people: JSON, CSV and xlsx values keep '.'.
 * Returns buf. */
char *maat_i18n_real(char *buf, size_t size, double v, int decimals);

/* The decimal point of the current language ("." or ","). */
const char *maat_i18n_decimal_point(void);

#endif
