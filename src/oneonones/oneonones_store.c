/* oneonones_store.c -- one-on-ones in the database. */
#include "oneonones/oneonones.h"

#include <string.h>
#include <time.h>

#include "core/text.h"
#include "store/store.h"

static const char SQL_SERIES[] =
    "SELECT s.id, s.manager_id, m.name, s.report_id, r.name, s.cadence, s.first_date,"
    " s.start_time, s.duration_minutes, s.active"
    " FROM oneonone_series s JOIN people m ON m.id = s.manager_id"
    " JOIN people r ON r.id = s.report_id"
    " WHERE s.id = $1 AND (s.manager_id = $2 OR s.report_id = $2)";
static const char SQL_MEETING_SERIES[] =
    "SELECT series_id, date, status FROM oneonone_meetings WHERE id = $1";
static const char SQL_FIRST_UNHELD[] =
    "SELECT id FROM oneonone_meetings WHERE series_id = $1 AND status = 'planned'"
    " ORDER BY date LIMIT 1";
static const char SQL_MEETING_ON[] =
    "SELECT id, status FROM oneonone_meetings WHERE series_id = $1 AND date = $2";
static const char SQL_MEETING_INSERT[] =
    "INSERT INTO oneonone_meetings (series_id, date, created_at) VALUES ($1, $2, $3) RETURNING id";
static const char SQL_HOLD[] = "UPDATE oneonone_meetings SET status = 'held', held_at = $2 WHERE "
                               "id = $1 AND status = 'planned'";
static const char SQL_CARRY[] =
    "INSERT INTO oneonone_agenda_items (meeting_id, author_id, text, covered, carried_from,"
    " created_at) SELECT $2, author_id, text, 0, id, $3 FROM oneonone_agenda_items"
    " WHERE meeting_id = $1 AND covered = 0 ORDER BY id";
static const char SQL_SERIES_INSERT[] =
    "INSERT INTO oneonone_series (manager_id, report_id, cadence, first_date, start_time,"
    " duration_minutes, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
static const char SQL_PERSON_ACTIVE[] =
    "SELECT COUNT(*) FROM people WHERE id = $1 AND status <> 'left'";

static void read_series(struct store_rows *r, struct arena *a, struct oneonone_series *s)
{
    s->id = store_int(r, 0);
    s->manager_id = store_int(r, 1);
    s->manager_name = arena_strdup(a, store_text(r, 2));
    s->report_id = store_int(r, 3);
    s->report_name = arena_strdup(a, store_text(r, 4));
    s->cadence = cadence_parse(store_text(r, 5));
    s->first_date = arena_strdup(a, store_text(r, 6));
    s->start_time = arena_strdup(a, store_text(r, 7));
    s->duration_minutes = (int)store_int(r, 8);
    s->active = (int)store_int(r, 9);
}

int oneonone_series_get(struct store *db, const struct principal *who, int64_t id, struct arena *a,
                        struct oneonone_series *out, struct err *e)
{
    /* Participants only: an admin or a manager higher up is not one. */
    if (!who->person_id)
        return err_set(e, REINS_ENOTFOUND, "no one-on-one series %lld", (long long)id);
    struct store_rows *r;
    int rc = store_query(db, SQL_SERIES, PARAMS(SV_INT(id), SV_INT(who->person_id)), &r, e);
    if (rc < 0) return rc;
    rc = store_next(r, e);
    if (rc > 0) read_series(r, a, out);
    store_rows_free(r);
    if (rc == 0) return err_set(e, REINS_ENOTFOUND, "no one-on-one series %lld", (long long)id);
    return rc < 0 ? rc : 0;
}

int oneonone_meeting_series(struct store *db, const struct principal *who, int64_t meeting_id,
                            struct arena *a, struct oneonone_series *out, const char **date_out,
                            const char **status_out, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, SQL_MEETING_SERIES, PARAMS(SV_INT(meeting_id)), &r, e);
    if (rc < 0) return rc;
    int64_t series = 0;
    if ((rc = store_next(r, e)) > 0) {
        series = store_int(r, 0);
        if (date_out) *date_out = arena_strdup(a, store_text(r, 1));
        if (status_out) *status_out = arena_strdup(a, store_text(r, 2));
    }
    store_rows_free(r);
    if (rc < 0) return rc;
    if (rc == 0 || oneonone_series_get(db, who, series, a, out, e) < 0)
        return err_set(e, REINS_ENOTFOUND, "no meeting %lld", (long long)meeting_id);
    return 0;
}

/* The meeting on `day`, created if absent; *held tells whether it was held. */
static int meeting_on(struct store *db, int64_t series_id, int64_t day, int64_t *id, int *held,
                      struct err *e)
{
    char date[11];
    date_from_days(day, date);
    struct store_rows *r;
    int rc = store_query(db, SQL_MEETING_ON, PARAMS(SV_INT(series_id), SV_TEXT(date)), &r, e);
    if (rc < 0) return rc;
    *held = 0;
    if ((rc = store_next(r, e)) > 0) {
        *id = store_int(r, 0);
        *held = strcmp(store_text(r, 1), "planned") != 0;
    }
    store_rows_free(r);
    if (rc != 0) return rc < 0 ? rc : 0;
    return store_int_query(db, SQL_MEETING_INSERT,
                           PARAMS(SV_INT(series_id), SV_TEXT(date), SV_INT(time(NULL))), id, e);
}

/* The first date by the cadence on or after `from` whose meeting is not held. */
static int next_open_meeting(struct store *db, const struct oneonone_series *s, int64_t from,
                             int64_t *id, struct err *e)
{
    int64_t first = date_to_days(s->first_date);
    int64_t day = cadence_next(s->cadence, first, from);
    for (int guard = 0; guard < 1000; guard++) {
        int held, rc = meeting_on(db, s->id, day, id, &held, e);
        if (rc < 0) return rc;
        if (!held) return 0;
        day = cadence_next(s->cadence, first, day + 1);
    }
    return err_set(e, REINS_EINTERNAL, "no open meeting date found");
}

int oneonone_next_meeting(struct store *db, const struct oneonone_series *s, int64_t today,
                          int64_t *meeting_id, struct err *e)
{
    int rc = store_begin(db, e);
    if (rc < 0) return rc;
    rc = store_int_query(db, SQL_FIRST_UNHELD, PARAMS(SV_INT(s->id)), meeting_id, e);
    if (rc == REINS_ENOTFOUND) rc = next_open_meeting(db, s, today, meeting_id, e);
    if (rc < 0) {
        store_rollback(db);
        return rc;
    }
    return store_commit(db, e);
}

int oneonone_hold(struct store *db, const struct oneonone_series *s, int64_t meeting_id,
                  int64_t *next_meeting_id, struct err *e)
{
    int rc = store_begin(db, e);
    if (rc < 0) return rc;
    int64_t changed = 0;
    time_t now = time(NULL);
    struct store_rows *r;
    int64_t day = 0;
    if ((rc = store_run(db, SQL_HOLD, PARAMS(SV_INT(meeting_id), SV_INT(now)), &changed, e)) < 0)
        goto fail;
    if (!changed) {
        rc = err_set(e, REINS_ECONFLICT, "this meeting was held already (or cancelled)");
        goto fail;
    }
    if ((rc = store_query(db, SQL_MEETING_SERIES, PARAMS(SV_INT(meeting_id)), &r, e)) < 0)
        goto fail;
    if ((rc = store_next(r, e)) > 0) day = date_to_days(store_text(r, 1));
    store_rows_free(r);
    if (rc <= 0) {
        if (rc == 0) rc = err_set(e, REINS_ENOTFOUND, "no meeting %lld", (long long)meeting_id);
        goto fail;
    }
    if ((rc = next_open_meeting(db, s, day + 1, next_meeting_id, e)) < 0) goto fail;
    if ((rc = store_run(db, SQL_CARRY,
                        PARAMS(SV_INT(meeting_id), SV_INT(*next_meeting_id), SV_INT(now)), NULL,
                        e)) < 0)
        goto fail;
    return store_commit(db, e);
fail:
    store_rollback(db);
    return rc;
}

int oneonone_series_create(struct store *db, int64_t manager_id, int64_t report_id, enum cadence c,
                           const char *first_date, const char *start_time, int duration_minutes,
                           int64_t *id_out, struct err *e)
{
    int rc;
    if (c == CADENCE_NONE)
        return err_field(e, REINS_EINVAL, "cadence",
                         "field cadence: must be weekly, biweekly or monthly");
    if ((rc = date_check(first_date, "first_date", e)) < 0) return rc;
    if ((rc = time_of_day_check(start_time, "start_time", e)) < 0) return rc;
    if (duration_minutes < 5 || duration_minutes > 240)
        return err_field(e, REINS_EINVAL, "duration_minutes",
                         "field duration_minutes: must be from 5 to 240");
    if ((rc = store_begin(db, e)) < 0) return rc;
    int64_t active = 0;
    if ((rc = store_int_query(db, SQL_PERSON_ACTIVE, PARAMS(SV_INT(report_id)), &active, e)) < 0)
        goto fail;
    if (manager_id == report_id || !active) {
        rc = err_field(e, REINS_EINVAL, "report_id",
                       "field report_id: not someone who can have one-on-ones with this manager");
        goto fail;
    }
    if ((rc = access_is_at_or_above(db, manager_id, report_id, e)) < 0) goto fail;
    if (!rc) {
        rc = err_field(e, REINS_EINVAL, "report_id",
                       "field report_id: person %lld does not report to person %lld, directly "
                       "or not",
                       (long long)report_id, (long long)manager_id);
        goto fail;
    }
    rc = store_int_query(db, SQL_SERIES_INSERT,
                         PARAMS(SV_INT(manager_id), SV_INT(report_id), SV_TEXT(cadence_name(c)),
                                SV_TEXT(first_date), SV_TEXT(start_time), SV_INT(duration_minutes),
                                SV_INT(time(NULL))),
                         id_out, e);
    if (rc == REINS_ECONFLICT)
        rc = err_field(e, REINS_ECONFLICT, "report_id",
                       "field report_id: these two have a one-on-one series already");
    if (rc < 0) goto fail;
    return store_commit(db, e);
fail:
    store_rollback(db);
    return rc;
}
