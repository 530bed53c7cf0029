/* gettext glue: _() translates now, N_() marks a string for translation later. */
#ifndef MAAT_I18N_H
#define MAAT_I18N_H

#include <libintl.h>

#define _(s) dgettext("maatlat", s)
#define N_(s) (s)

/* Binds the "maatlat" text domain: $MAATLAT_LOCALEDIR, else the installed catalogue, else the
 * build tree's po/ (so an uninstalled binary speaks Dutch under LANGUAGE=nl too). */
void maat_i18n_init(void);

#endif
