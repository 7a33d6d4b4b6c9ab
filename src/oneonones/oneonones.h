/* oneonones.h -- one-on-ones: recurring series, meetings, a shared agenda,
 * shared and private notes, action items that carry forward, suggested
 * talking points, and an iCalendar feed.
 *
 * A series joins a manager and someone below them. Only its two participants
 * read or write anything of it (not an admin, not the manager's manager); a
 * private note is readable by its author alone. Everything here that is not
 * one of the two participants' answers REINS_ENOTFOUND.
 */
#ifndef REINS_ONEONONES_ONEONONES_H
#define REINS_ONEONONES_ONEONONES_H

#include <stddef.h>
#include <stdint.h>

#include "auth/principal.h"
#include "core/err.h"
#include "core/mem.h"

struct store;
struct sb;

#define AGENDA_TEXT_MAX 500
#define NOTE_TEXT_MAX 20000
#define ACTION_TEXT_MAX 500

enum cadence { CADENCE_NONE = 0, CADENCE_WEEKLY, CADENCE_BIWEEKLY, CADENCE_MONTHLY };

/* "weekly" <-> CADENCE_WEEKLY ...; cadence_parse gives CADENCE_NONE for anything else. */
enum cadence cadence_parse(const char *s);
const char *cadence_name(enum cadence c);

/* The k-th meeting date (k = 0 is `first_days`), in days since the epoch.
 * Monthly meetings keep the first date's day of the month, or the month's
 * last day when it has fewer days. */
int64_t cadence_date(enum cadence c, int64_t first_days, int k);
/* The first meeting date on or after `from_days` (never before the first). */
int64_t cadence_next(enum cadence c, int64_t first_days, int64_t from_days);

/* Whether a series is overdue on `today`: nothing held for more than
 * `overdue_days` days since the last held meeting (or, if none was held,
 * since the first date, once that is more than overdue_days ago). */
int oneonone_overdue(int64_t today, int64_t first_days, int64_t last_held_days, int overdue_days);

/* Check "HH:MM" (00:00 to 23:59). */
int time_of_day_check(const char *s, const char *field, struct err *e);

/* One event of an iCalendar feed. */
struct ics_event {
    const char *uid;
    const char *date;       /* YYYY-MM-DD, local */
    const char *start_time; /* HH:MM, local (floating time) */
    int duration_minutes;
    const char *summary;
    const char *description; /* may be NULL */
};
/* Append a VCALENDAR with `n` events to `out` (RFC 5545: CRLF lines folded
 * at 75 octets, text escaped). `stamp` is the DTSTAMP, seconds since epoch. */
void ics_write(struct sb *out, const char *calendar_name, const struct ics_event *ev, size_t n,
               int64_t stamp);

/* A series as stored. Strings live in the arena given to the loader. */
struct oneonone_series {
    int64_t id, manager_id, report_id;
    const char *manager_name, *report_name;
    enum cadence cadence;
    const char *first_date, *start_time;
    int duration_minutes, active;
};

/* Load series `id` if `who` is one of its participants, else REINS_ENOTFOUND. */
int oneonone_series_get(struct store *db, const struct principal *who, int64_t id, struct arena *a,
                        struct oneonone_series *out, struct err *e);
/* Load the series of meeting `meeting_id` (same rule); *date_out (if not
 * NULL) gets the meeting's date and *status_out its status. */
int oneonone_meeting_series(struct store *db, const struct principal *who, int64_t meeting_id,
                            struct arena *a, struct oneonone_series *out, const char **date_out,
                            const char **status_out, struct err *e);

/* The meeting to prepare now: the earliest one not held, else the next date
 * by the cadence from `today` (days since epoch), created if needed. */
int oneonone_next_meeting(struct store *db, const struct oneonone_series *s, int64_t today,
                          int64_t *meeting_id, struct err *e);

/* Hold a meeting: mark it held and move the agenda points not covered to
 * the next meeting (created if needed). One transaction. */
int oneonone_hold(struct store *db, const struct oneonone_series *s, int64_t meeting_id,
                  int64_t *next_meeting_id, struct err *e);

/* Start a series (in its own transaction). The manager must be above the
 * report (REINS_EINVAL naming report_id otherwise); one series per pair
 * (REINS_ECONFLICT). */
int oneonone_series_create(struct store *db, int64_t manager_id, int64_t report_id, enum cadence c,
                           const char *first_date, const char *start_time, int duration_minutes,
                           int64_t *id_out, struct err *e);

#endif
