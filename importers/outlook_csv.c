/* Outlook CSV calendar exports (placeholder until the shared CSV reader lands). */
#include "maatlat/i18n.h"
#include "maatlat/ics.h"

int
maat_outlook_read(FILE *f, const char *path, const maat_cal_opts *opts, const maat_cal_sink *sink,
		  maat_cal_stats *stats, maat_err *err)
{
	(void)f;
	(void)opts;
	(void)sink;
	(void)stats;
	return maat_err_set(err, MAAT_E_DATA, _("%s:1: not an iCalendar file (no BEGIN:VCALENDAR)"),
			    path);
}
