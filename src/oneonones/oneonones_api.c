/* oneonones_api.c -- the /api/v1 routes of one-on-ones (see docs/api.md). */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/api.h"
#include "core/text.h"
#include "oneonones/oneonones.h"
#include "surveys/surveys.h"

static const char SQL_MY_SERIES[] =
    "SELECT s.id, s.manager_id, m.name, s.report_id, r.name, s.cadence, s.first_date,"
    " s.start_time, s.duration_minutes, s.active,"
    " (SELECT MAX(date) FROM oneonone_meetings x WHERE x.series_id = s.id AND x.status = 'held'),"
    " (SELECT COUNT(*) FROM action_items a WHERE a.series_id = s.id AND a.done_at IS NULL)"
    " FROM oneonone_series s JOIN people m ON m.id = s.manager_id"
    " JOIN people r ON r.id = s.report_id"
    " WHERE s.manager_id = $1 OR s.report_id = $1 ORDER BY s.manager_id <> $1, r.name, m.name";
static const char SQL_WITHOUT_SERIES[] =
    "SELECT p.id, p.name FROM people p WHERE p.manager_id = $1 AND p.status <> 'left'"
    " AND NOT EXISTS (SELECT 1 FROM oneonone_series s WHERE s.manager_id = $1"
    " AND s.report_id = p.id) ORDER BY p.name";
static const char SQL_MEETINGS[] =
    "SELECT id, date, status FROM oneonone_meetings WHERE series_id = $1 ORDER BY date DESC";
static const char SQL_SERIES_UPDATE[] =
    "UPDATE oneonone_series SET cadence = COALESCE($2, cadence),"
    " first_date = COALESCE($3, first_date), start_time = COALESCE($4, start_time),"
    " duration_minutes = COALESCE($5, duration_minutes), active = COALESCE($6, active)"
    " WHERE id = $1";
static const char SQL_MEETING_NOTES[] = "SELECT shared_notes FROM oneonone_meetings WHERE id = $1";
static const char SQL_AGENDA[] =
    "SELECT a.id, a.author_id, p.name, a.text, a.covered, a.carried_from"
    " FROM oneonone_agenda_items a JOIN people p ON p.id = a.author_id"
    " WHERE a.meeting_id = $1 ORDER BY a.id";
static const char SQL_MY_PRIVATE_NOTE[] =
    "SELECT text FROM oneonone_private_notes WHERE meeting_id = $1 AND author_id = $2";
/* A meeting shows the open actions of its series and those ticked off in it. */
static const char SQL_ACTIONS[] =
    "SELECT a.id, a.owner_id, p.name, a.text, a.due_date, a.done_at, a.meeting_id"
    " FROM action_items a JOIN people p ON p.id = a.owner_id"
    " WHERE a.series_id = $1 AND (a.done_at IS NULL OR a.done_in_meeting_id = $2)"
    " ORDER BY a.due_date IS NULL, a.due_date, a.id";
static const char SQL_AGENDA_INSERT[] =
    "INSERT INTO oneonone_agenda_items (meeting_id, author_id, text, created_at)"
    " VALUES ($1, $2, $3, $4) RETURNING id";
static const char SQL_AGENDA_ITEM[] =
    "SELECT a.meeting_id, a.author_id, m.status FROM oneonone_agenda_items a"
    " JOIN oneonone_meetings m ON m.id = a.meeting_id WHERE a.id = $1";
static const char SQL_AGENDA_UPDATE[] =
    "UPDATE oneonone_agenda_items SET text = COALESCE($2, text), covered = COALESCE($3, covered)"
    " WHERE id = $1";
static const char SQL_AGENDA_DELETE[] = "DELETE FROM oneonone_agenda_items WHERE id = $1";
static const char SQL_SHARED_NOTES[] =
    "UPDATE oneonone_meetings SET shared_notes = $2 WHERE id = $1";
static const char SQL_PRIVATE_NOTE[] =
    "INSERT INTO oneonone_private_notes (meeting_id, author_id, text, updated_at)"
    " VALUES ($1, $2, $3, $4) ON CONFLICT (meeting_id, author_id)"
    " DO UPDATE SET text = excluded.text, updated_at = excluded.updated_at";
static const char SQL_ACTION_INSERT[] =
    "INSERT INTO action_items (series_id, meeting_id, owner_id, text, due_date, created_at)"
    " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
static const char SQL_ACTION_SERIES[] = "SELECT series_id FROM action_items WHERE id = $1";
static const char SQL_ACTION_OPEN[] =
    "SELECT CASE WHEN done_at IS NULL THEN 1 ELSE 0 END FROM action_items WHERE id = $1";
/* Ticking an action off records the meeting at hand: the series' earliest
 * meeting not held, else its last held one. */
static const char SQL_ACTION_UPDATE[] =
    "UPDATE action_items SET text = COALESCE($2, text),"
    " due_date = CASE WHEN $3 = 1 THEN $4 ELSE due_date END,"
    " done_at = CASE WHEN $5 = 1 THEN $6 ELSE done_at END,"
    " done_in_meeting_id = CASE WHEN $5 = 1 AND $6 IS NULL THEN NULL"
    "  WHEN $5 = 1 THEN COALESCE("
    "   (SELECT m.id FROM oneonone_meetings m WHERE m.series_id = action_items.series_id"
    "    AND m.status = 'planned' ORDER BY m.date LIMIT 1),"
    "   (SELECT m.id FROM oneonone_meetings m WHERE m.series_id = action_items.series_id"
    "    AND m.status = 'held' ORDER BY m.date DESC LIMIT 1))"
    "  ELSE done_in_meeting_id END WHERE id = $1";
static const char SQL_ICS_SERIES[] =
    "SELECT s.id, m.name, r.name, s.cadence, s.first_date, s.start_time, s.duration_minutes"
    " FROM oneonone_series s JOIN people m ON m.id = s.manager_id"
    " JOIN people r ON r.id = s.report_id"
    " WHERE (s.manager_id = $1 OR s.report_id = $1) AND s.active = 1 ORDER BY s.id";
/* Suggested talking points, about the report of the series. */
static const char SQL_GOALS_QUIET[] =
    "SELECT g.title, COALESCE((SELECT MAX(c.created_at) FROM goal_checkins c"
    " WHERE c.goal_id = g.id), g.created_at) AS last"
    " FROM development_goals g WHERE g.person_id = $1 AND g.status = 'open' ORDER BY last";
static const char SQL_RECENT_KUDOS[] =
    "SELECT f.name, v.name, k.created_at FROM kudos k JOIN people f ON f.id = k.from_id"
    " JOIN company_values v ON v.id = k.value_id WHERE k.to_id = $1 AND k.created_at >= $2"
    " ORDER BY k.created_at DESC LIMIT 3";
static const char SQL_RECENT_RATINGS[] =
    "SELECT s.name, r.source, r.competence, r.confidence, r.rated_on,"
    " (SELECT p.competence FROM skill_ratings p WHERE p.person_id = r.person_id"
    "  AND p.skill_id = r.skill_id AND p.source = r.source AND p.id < r.id ORDER BY p.id DESC "
    "LIMIT 1),"
    " (SELECT p.confidence FROM skill_ratings p WHERE p.person_id = r.person_id"
    "  AND p.skill_id = r.skill_id AND p.source = r.source AND p.id < r.id ORDER BY p.id DESC "
    "LIMIT 1)"
    " FROM skill_ratings r JOIN skills s ON s.id = r.skill_id"
    " WHERE r.person_id = $1 AND r.rated_on >= $2 ORDER BY r.id DESC LIMIT 20";

#define OVERDUE_DAYS_DEFAULT 30
#define GOAL_CHECKIN_DUE_DAYS 14
#define GOAL_STALLED_DAYS 45

static int64_t today_days(void)
{
    return (int64_t)(time(NULL) / 86400);
}

static json_t *ref(int64_t id, const char *name)
{
    return json_pack("{s:I, s:s}", "id", (json_int_t)id, "name", name ? name : "");
}

static json_t *opt_text(const char *s)
{
    return s ? json_string(s) : json_null();
}

static json_t *series_json(const struct oneonone_series *s)
{
    return json_pack("{s:I, s:o, s:o, s:s, s:s, s:s, s:i, s:b}", "id", (json_int_t)s->id, "manager",
                     ref(s->manager_id, s->manager_name), "report",
                     ref(s->report_id, s->report_name), "cadence", cadence_name(s->cadence),
                     "first_date", s->first_date, "start_time", s->start_time, "duration_minutes",
                     s->duration_minutes, "active", s->active);
}

static void list_series(struct api_call *call)
{
    int64_t days = OVERDUE_DAYS_DEFAULT;
    const char *q = http_query(call->req, "overdue_days");
    if (q && (parse_int64(q, &days) < 0 || days < 1 || days > 3650)) {
        err_field(&call->err, REINS_EINVAL, "overdue_days",
                  "query overdue_days: must be a number of days from 1 to 3650");
        return api_fail(call);
    }
    json_t *series = json_array(), *without = json_array();
    struct store_rows *r;
    int rc =
        store_query(call->db, SQL_MY_SERIES, PARAMS(SV_INT(call->who.person_id)), &r, &call->err);
    int64_t today = today_days();
    while (rc >= 0 && (rc = store_next(r, &call->err)) > 0) {
        struct oneonone_series s = {
            .id = store_int(r, 0),
            .manager_id = store_int(r, 1),
            .manager_name = store_text(r, 2),
            .report_id = store_int(r, 3),
            .report_name = store_text(r, 4),
            .cadence = cadence_parse(store_text(r, 5)),
            .first_date = store_text(r, 6),
            .start_time = store_text(r, 7),
            .duration_minutes = (int)store_int(r, 8),
            .active = (int)store_int(r, 9),
        };
        const char *last = store_text(r, 10);
        int64_t first = date_to_days(s.first_date);
        char next[11];
        date_from_days(cadence_next(s.cadence, first, today), next);
        json_t *o = series_json(&s);
        json_object_set_new(o, "last_held", opt_text(last));
        json_object_set_new(o, "next_date", json_string(next));
        json_object_set_new(
            o, "overdue",
            json_boolean(s.active &&
                         oneonone_overdue(today, first, last ? date_to_days(last) : 0, (int)days)));
        json_object_set_new(o, "open_actions", json_integer(store_int(r, 11)));
        json_array_append_new(series, o);
    }
    if (rc >= 0) store_rows_free(r);
    if (rc >= 0)
        rc = store_query(call->db, SQL_WITHOUT_SERIES, PARAMS(SV_INT(call->who.person_id)), &r,
                         &call->err);
    while (rc >= 0 && (rc = store_next(r, &call->err)) > 0)
        json_array_append_new(without, ref(store_int(r, 0), store_text(r, 1)));
    if (rc >= 0) store_rows_free(r);
    if (rc < 0) {
        json_decref(series);
        json_decref(without);
        return api_fail(call);
    }
    reply_json(call->req, call->res, 200,
               json_pack("{s:o, s:o}", "series", series, "without_series", without));
}

/* Optional start_time / duration_minutes of a body. */
static int read_timing(struct api_call *call, json_t *body, const char **start_time,
                       int64_t *duration, int *has_duration)
{
    int rc = json_get_string(body, "start_time", start_time, &call->err);
    if (rc < 0) return rc;
    json_t *d = json_object_get(body, "duration_minutes");
    *has_duration = d != NULL;
    if (d && !json_is_integer(d))
        return err_field(&call->err, REINS_EINVAL, "duration_minutes",
                         "field duration_minutes: must be a whole number of minutes");
    if (d) *duration = json_integer_value(d);
    return 0;
}

static void create_series(struct api_call *call)
{
    static const char *const allowed[] = {
        "report_id", "cadence", "first_date", "start_time", "duration_minutes", "manager_id", NULL};
    json_t *body;
    if (request_json_object(call->req, &body, &call->err) < 0) return api_fail(call);
    const char *cadence = NULL, *first = NULL, *start = "09:00";
    int64_t report = 0, manager = call->who.person_id, duration = 30, id = 0;
    int has_duration, rc = json_check_fields(body, allowed, &call->err);
    if (rc >= 0) rc = json_get_id(body, "report_id", &report, NULL, &call->err);
    if (rc == 0) rc = err_field(&call->err, REINS_EINVAL, "report_id", "field report_id: required");
    if (rc >= 0) rc = json_get_string(body, "cadence", &cadence, &call->err);
    if (rc >= 0) rc = json_get_string(body, "first_date", &first, &call->err);
    if (rc >= 0) rc = read_timing(call, body, &start, &duration, &has_duration);
    if (rc >= 0 && json_object_get(body, "manager_id")) {
        if (call->who.role != ROLE_ADMIN)
            rc = err_field(&call->err, REINS_EFORBIDDEN, "manager_id",
                           "only an admin may start one-on-ones for someone else");
        else
            rc = json_get_id(body, "manager_id", &manager, NULL, &call->err);
    }
    if (rc >= 0 && !manager)
        rc = err_set(&call->err, REINS_EFORBIDDEN, "only a person can have one-on-ones");
    if (rc >= 0 && (duration < 5 || duration > 240))
        rc = err_field(&call->err, REINS_EINVAL, "duration_minutes",
                       "field duration_minutes: must be from 5 to 240");
    if (rc >= 0)
        rc = oneonone_series_create(call->db, manager, report, cadence_parse(cadence), first,
                                    start ? start : "09:00", (int)duration, &id, &call->err);
    json_decref(body);
    if (rc < 0) return api_fail(call);
    /* the creator may be an admin who is no participant: read it as the manager */
    struct principal as_manager = {.person_id = manager};
    struct oneonone_series s;
    if (oneonone_series_get(call->db, &as_manager, id, call->req->arena, &s, &call->err) < 0)
        return api_fail(call);
    reply_json(call->req, call->res, 201, series_json(&s));
}

static void get_series(struct api_call *call)
{
    struct oneonone_series s;
    if (oneonone_series_get(call->db, &call->who, call->ids[0], call->req->arena, &s, &call->err) <
        0)
        return api_fail(call);
    json_t *o = series_json(&s), *meetings = json_array(), *upcoming = json_array();
    struct store_rows *r;
    int rc = store_query(call->db, SQL_MEETINGS, PARAMS(SV_INT(s.id)), &r, &call->err);
    while (rc >= 0 && (rc = store_next(r, &call->err)) > 0)
        json_array_append_new(meetings,
                              json_pack("{s:I, s:s, s:s}", "id", (json_int_t)store_int(r, 0),
                                        "date", store_text(r, 1), "status", store_text(r, 2)));
    if (rc >= 0) store_rows_free(r);
    int64_t first = date_to_days(s.first_date), day = today_days();
    for (int i = 0; i < 3; i++) {
        char d[11];
        day = cadence_next(s.cadence, first, day);
        date_from_days(day, d);
        json_array_append_new(upcoming, json_string(d));
        day++;
    }
    json_object_set_new(o, "meetings", meetings);
    json_object_set_new(o, "upcoming", upcoming);
    if (rc < 0) {
        json_decref(o);
        return api_fail(call);
    }
    reply_json(call->req, call->res, 200, o);
}

static void patch_series(struct api_call *call)
{
    static const char *const allowed[] = {"cadence",          "first_date", "start_time",
                                          "duration_minutes", "active",     NULL};
    struct oneonone_series s;
    json_t *body;
    if (oneonone_series_get(call->db, &call->who, call->ids[0], call->req->arena, &s, &call->err) <
        0)
        return api_fail(call);
    if (call->who.person_id != s.manager_id) {
        err_set(&call->err, REINS_EFORBIDDEN, "only the manager of the series may change it");
        return api_fail(call);
    }
    if (request_json_object(call->req, &body, &call->err) < 0) return api_fail(call);
    const char *cadence = NULL, *first = NULL, *start = NULL;
    int64_t duration = 0;
    int active = -1, has_duration = 0;
    int rc = json_check_fields(body, allowed, &call->err);
    if (rc >= 0) rc = json_get_string(body, "cadence", &cadence, &call->err);
    if (rc >= 0) rc = json_get_string(body, "first_date", &first, &call->err);
    if (rc >= 0) rc = read_timing(call, body, &start, &duration, &has_duration);
    if (rc >= 0) rc = json_get_bool(body, "active", &active, &call->err);
    if (rc >= 0 && cadence && !cadence_parse(cadence))
        rc = err_field(&call->err, REINS_EINVAL, "cadence",
                       "field cadence: must be weekly, biweekly or monthly");
    if (rc >= 0 && first) rc = date_check(first, "first_date", &call->err);
    if (rc >= 0 && start) rc = time_of_day_check(start, "start_time", &call->err);
    if (rc >= 0 && has_duration && (duration < 5 || duration > 240))
        rc = err_field(&call->err, REINS_EINVAL, "duration_minutes",
                       "field duration_minutes: must be from 5 to 240");
    if (rc >= 0)
        rc = store_run(call->db, SQL_SERIES_UPDATE,
                       PARAMS(SV_INT(s.id), SV_TEXT(cadence), SV_TEXT(first), SV_TEXT(start),
                              has_duration ? SV_INT(duration) : SV_NULL,
                              active >= 0 ? SV_INT(active) : SV_NULL),
                       NULL, &call->err);
    json_decref(body);
    if (rc < 0) return api_fail(call);
    get_series(call);
}

/* Talking points reins proposes about the report, each with its reason. */
static int add_suggestions(struct api_call *call, const struct oneonone_series *s, json_t *out)
{
    time_t now = time(NULL);
    struct store_rows *r;
    int rc = store_query(call->db, SQL_GOALS_QUIET, PARAMS(SV_INT(s->report_id)), &r, &call->err);
    while (rc >= 0 && (rc = store_next(r, &call->err)) > 0) {
        int64_t quiet = (now - store_int(r, 1)) / 86400;
        const char *title = store_text(r, 0);
        if (quiet >= GOAL_STALLED_DAYS)
            json_array_append_new(
                out, json_pack("{s:s, s:s+, s:s}", "kind", "goal_stalled", "text",
                               "What is in the way of: ", title, "reason",
                               arena_printf(call->req->arena,
                                            "Development goal with no check-in for %lld days",
                                            (long long)quiet)));
        else if (quiet >= GOAL_CHECKIN_DUE_DAYS)
            json_array_append_new(
                out, json_pack("{s:s, s:s+, s:s}", "kind", "goal_checkin_due", "text",
                               "Check in on: ", title, "reason",
                               arena_printf(call->req->arena, "Last check-in %lld days ago",
                                            (long long)quiet)));
    }
    if (rc >= 0) store_rows_free(r);
    if (rc >= 0)
        rc = store_query(call->db, SQL_RECENT_KUDOS,
                         PARAMS(SV_INT(s->report_id), SV_INT(now - 14 * 86400)), &r, &call->err);
    while (rc >= 0 && (rc = store_next(r, &call->err)) > 0)
        json_array_append_new(
            out, json_pack("{s:s, s:s, s:s}", "kind", "recognition_received", "text",
                           arena_printf(call->req->arena, "Talk about the kudos for %s",
                                        store_text(r, 1)),
                           "reason",
                           arena_printf(call->req->arena, "%s recognised %s for %s",
                                        store_text(r, 0), s->report_name, store_text(r, 1))));
    if (rc >= 0) store_rows_free(r);
    char since[11];
    date_from_days(today_days() - 30, since);
    if (rc >= 0)
        rc = store_query(call->db, SQL_RECENT_RATINGS, PARAMS(SV_INT(s->report_id), SV_TEXT(since)),
                         &r, &call->err);
    while (rc >= 0 && (rc = store_next(r, &call->err)) > 0) {
        if (store_isnull(r, 5)) continue; /* a first rating is not a change */
        int64_t comp = store_int(r, 2), conf = store_int(r, 3);
        int64_t pcomp = store_int(r, 5), pconf = store_int(r, 6);
        if (comp == pcomp && conf == pconf) continue;
        const char *who = !strcmp(store_text(r, 1), "self") ? "Self-rating" : "Manager rating";
        json_array_append_new(
            out, json_pack("{s:s, s:s, s:s}", "kind", "rating_changed", "text",
                           arena_printf(call->req->arena, "How %s feels now", store_text(r, 0)),
                           "reason",
                           arena_printf(call->req->arena,
                                        "%s in %s moved: competence %lld to %lld, confidence %lld "
                                        "to %lld (%s)",
                                        who, store_text(r, 0), (long long)pcomp, (long long)comp,
                                        (long long)pconf, (long long)conf, store_text(r, 4))));
    }
    if (rc >= 0) store_rows_free(r);
    /* The team's weakest pulse driver, for the manager only: it is a team
     * result the report may not read on their own. */
    json_t *pulse = NULL;
    if (rc >= 0 && call->who.person_id == s->manager_id &&
        (rc = survey_summary(call->db, &call->who, &pulse, &call->err)) >= 0) {
        json_t *weakest = json_object_get(pulse, "weakest");
        if (json_is_object(weakest)) {
            const char *driver = json_string_value(json_object_get(weakest, "driver"));
            json_array_append_new(
                out, json_pack("{s:s, s:s, s:s}", "kind", "team_pulse", "text",
                               arena_printf(call->req->arena, "Ask how %s sees %s on the team",
                                            s->report_name, driver),
                               "reason",
                               arena_printf(call->req->arena,
                                            "%s is your team's lowest-scoring driver in the "
                                            "latest pulse (%lld%% favourable)",
                                            driver,
                                            (long long)json_integer_value(
                                                json_object_get(weakest, "favourable_pct")))));
        }
        json_decref(pulse);
    }
    return rc < 0 ? rc : 0;
}

static int meeting_json(struct api_call *call, int64_t id, json_t **out)
{
    struct oneonone_series s;
    const char *date, *status;
    struct err *e = &call->err;
    int rc =
        oneonone_meeting_series(call->db, &call->who, id, call->req->arena, &s, &date, &status, e);
    if (rc < 0) return rc;
    json_t *o =
        json_pack("{s:I, s:I, s:s, s:s, s:o, s:o}", "id", (json_int_t)id, "series_id",
                  (json_int_t)s.id, "date", date, "status", status, "manager",
                  ref(s.manager_id, s.manager_name), "report", ref(s.report_id, s.report_name));
    json_t *agenda = json_array(), *actions = json_array(), *suggestions = json_array();
    json_object_set_new(o, "agenda", agenda);
    json_object_set_new(o, "actions", actions);
    json_object_set_new(o, "suggestions", suggestions);
    struct store_rows *r;
    rc = store_query(call->db, SQL_MEETING_NOTES, PARAMS(SV_INT(id)), &r, e);
    if (rc >= 0 && (rc = store_next(r, e)) > 0)
        json_object_set_new(o, "shared_notes", json_string(store_text(r, 0)));
    if (rc >= 0) store_rows_free(r);
    if (rc >= 0) rc = store_query(call->db, SQL_AGENDA, PARAMS(SV_INT(id)), &r, e);
    while (rc >= 0 && (rc = store_next(r, e)) > 0) {
        json_t *item = json_pack("{s:I, s:o, s:s, s:b}", "id", (json_int_t)store_int(r, 0),
                                 "author", ref(store_int(r, 1), store_text(r, 2)), "text",
                                 store_text(r, 3), "covered", (int)store_int(r, 4));
        json_object_set_new(item, "carried_from",
                            store_isnull(r, 5) ? json_null() : json_integer(store_int(r, 5)));
        json_array_append_new(agenda, item);
    }
    if (rc >= 0) store_rows_free(r);
    /* the caller's own private note, and never the other side's */
    if (rc >= 0)
        rc = store_query(call->db, SQL_MY_PRIVATE_NOTE,
                         PARAMS(SV_INT(id), SV_INT(call->who.person_id)), &r, e);
    if (rc >= 0) {
        rc = store_next(r, e);
        json_object_set_new(o, "private_note", json_string(rc > 0 ? store_text(r, 0) : ""));
        store_rows_free(r);
    }
    if (rc >= 0) rc = store_query(call->db, SQL_ACTIONS, PARAMS(SV_INT(s.id), SV_INT(id)), &r, e);
    while (rc >= 0 && (rc = store_next(r, e)) > 0) {
        json_t *a =
            json_pack("{s:I, s:o, s:s, s:o, s:b}", "id", (json_int_t)store_int(r, 0), "owner",
                      ref(store_int(r, 1), store_text(r, 2)), "text", store_text(r, 3), "due_date",
                      opt_text(store_text(r, 4)), "done", !store_isnull(r, 5));
        json_object_set_new(a, "meeting_id",
                            store_isnull(r, 6) ? json_null() : json_integer(store_int(r, 6)));
        json_array_append_new(actions, a);
    }
    if (rc >= 0) store_rows_free(r);
    if (rc >= 0) rc = add_suggestions(call, &s, suggestions);
    if (rc < 0) {
        json_decref(o);
        return rc;
    }
    *out = o;
    return 0;
}

static void reply_meeting(struct api_call *call, int64_t id, int status)
{
    json_t *o;
    if (meeting_json(call, id, &o) < 0) return api_fail(call);
    reply_json(call->req, call->res, status, o);
}

static void get_meeting(struct api_call *call)
{
    reply_meeting(call, call->ids[0], 200);
}

static void next_meeting(struct api_call *call)
{
    struct oneonone_series s;
    int64_t id;
    if (oneonone_series_get(call->db, &call->who, call->ids[0], call->req->arena, &s, &call->err) <
            0 ||
        oneonone_next_meeting(call->db, &s, today_days(), &id, &call->err) < 0)
        return api_fail(call);
    reply_meeting(call, id, 200);
}

/* The body's one text field, checked; `note` allows lines and empty text. */
static int body_text(struct api_call *call, const char *field, size_t max, int note, json_t **body,
                     const char **text)
{
    const char *const allowed[] = {field, NULL};
    if (request_json_object(call->req, body, &call->err) < 0) return REINS_EINVAL;
    int rc = json_check_fields(*body, allowed, &call->err);
    if (rc >= 0) rc = json_get_string(*body, field, text, &call->err);
    if (rc == 0 || (rc > 0 && !*text))
        rc = err_field(&call->err, REINS_EINVAL, field, "field %s: required", field);
    if (rc >= 0)
        rc = note ? note_check(*text, max, field, &call->err)
                  : text_check(*text, max, field, &call->err);
    return rc < 0 ? rc : 0;
}

static void add_agenda(struct api_call *call)
{
    struct oneonone_series s;
    const char *status, *text;
    json_t *body = NULL, *item = NULL;
    int64_t id = 0;
    int rc = oneonone_meeting_series(call->db, &call->who, call->ids[0], call->req->arena, &s, NULL,
                                     &status, &call->err);
    if (rc >= 0 && strcmp(status, "planned"))
        rc = err_set(&call->err, REINS_ECONFLICT,
                     "this meeting was held; add the point to the next one");
    if (rc >= 0) rc = body_text(call, "text", AGENDA_TEXT_MAX, 0, &body, &text);
    if (rc >= 0)
        rc = store_int_query(call->db, SQL_AGENDA_INSERT,
                             PARAMS(SV_INT(call->ids[0]), SV_INT(call->who.person_id),
                                    SV_TEXT(text), SV_INT(time(NULL))),
                             &id, &call->err);
    if (rc >= 0) {
        /* the author is one of the two, whose names the series holds */
        const char *name = call->who.person_id == s.manager_id ? s.manager_name : s.report_name;
        item =
            json_pack("{s:I, s:o, s:s, s:b, s:n}", "id", (json_int_t)id, "author",
                      ref(call->who.person_id, name), "text", text, "covered", 0, "carried_from");
    }
    json_decref(body);
    if (rc < 0) return api_fail(call);
    reply_json(call->req, call->res, 201, item);
}

/* The agenda item's meeting, if the caller takes part in it; *author_out gets its author. */
static int agenda_item(struct api_call *call, int64_t *meeting, int64_t *author, int *held)
{
    struct store_rows *r;
    int rc = store_query(call->db, SQL_AGENDA_ITEM, PARAMS(SV_INT(call->ids[0])), &r, &call->err);
    if (rc < 0) return rc;
    if ((rc = store_next(r, &call->err)) > 0) {
        *meeting = store_int(r, 0);
        *author = store_int(r, 1);
        *held = strcmp(store_text(r, 2), "planned") != 0;
    }
    store_rows_free(r);
    struct oneonone_series s;
    if (rc == 0 ||
        (rc > 0 && oneonone_meeting_series(call->db, &call->who, *meeting, call->req->arena, &s,
                                           NULL, NULL, &call->err) < 0))
        return err_set(&call->err, REINS_ENOTFOUND, "no agenda item %lld", (long long)call->ids[0]);
    return rc < 0 ? rc : 0;
}

static void patch_agenda(struct api_call *call)
{
    static const char *const allowed[] = {"text", "covered", NULL};
    int64_t meeting, author;
    json_t *body = NULL;
    const char *text = NULL;
    int covered = -1, held = 0;
    int rc = agenda_item(call, &meeting, &author, &held);
    /* a held meeting's agenda is its record, and carried copies point at it */
    if (rc >= 0 && held)
        rc = err_set(&call->err, REINS_ECONFLICT,
                     "this meeting was held: its agenda is the record of what was discussed");
    if (rc >= 0) rc = request_json_object(call->req, &body, &call->err);
    if (rc >= 0) rc = json_check_fields(body, allowed, &call->err);
    if (rc >= 0) rc = json_get_string(body, "text", &text, &call->err);
    if (rc >= 0) rc = json_get_bool(body, "covered", &covered, &call->err);
    if (rc >= 0 && text) rc = text_check(text, AGENDA_TEXT_MAX, "text", &call->err);
    if (rc >= 0 && text && author != call->who.person_id)
        rc = err_field(&call->err, REINS_EFORBIDDEN, "text",
                       "only its author may reword a talking point");
    if (rc >= 0)
        rc = store_run(
            call->db, SQL_AGENDA_UPDATE,
            PARAMS(SV_INT(call->ids[0]), SV_TEXT(text), covered >= 0 ? SV_INT(covered) : SV_NULL),
            NULL, &call->err);
    json_decref(body);
    if (rc < 0) return api_fail(call);
    reply_meeting(call, meeting, 200);
}

static void delete_agenda(struct api_call *call)
{
    int64_t meeting, author;
    int held = 0;
    int rc = agenda_item(call, &meeting, &author, &held);
    /* a held meeting's agenda is its record, and carried copies point at it */
    if (rc >= 0 && held)
        rc = err_set(&call->err, REINS_ECONFLICT,
                     "this meeting was held: its agenda is the record of what was discussed");
    if (rc >= 0 && author != call->who.person_id)
        rc = err_set(&call->err, REINS_EFORBIDDEN, "only its author may remove a talking point");
    if (rc >= 0)
        rc = store_run(call->db, SQL_AGENDA_DELETE, PARAMS(SV_INT(call->ids[0])), NULL, &call->err);
    if (rc < 0) return api_fail(call);
    reply_json(call->req, call->res, 204, NULL);
}

static void put_shared_notes(struct api_call *call)
{
    struct oneonone_series s;
    json_t *body = NULL;
    const char *text;
    int rc = oneonone_meeting_series(call->db, &call->who, call->ids[0], call->req->arena, &s, NULL,
                                     NULL, &call->err);
    if (rc >= 0) rc = body_text(call, "text", NOTE_TEXT_MAX, 1, &body, &text);
    if (rc >= 0)
        rc = store_run(call->db, SQL_SHARED_NOTES, PARAMS(SV_INT(call->ids[0]), SV_TEXT(text)),
                       NULL, &call->err);
    json_decref(body);
    if (rc < 0) return api_fail(call);
    reply_meeting(call, call->ids[0], 200);
}

static void put_private_note(struct api_call *call)
{
    struct oneonone_series s;
    json_t *body = NULL;
    const char *text;
    int rc = oneonone_meeting_series(call->db, &call->who, call->ids[0], call->req->arena, &s, NULL,
                                     NULL, &call->err);
    if (rc >= 0) rc = body_text(call, "text", NOTE_TEXT_MAX, 1, &body, &text);
    if (rc >= 0)
        rc = store_run(call->db, SQL_PRIVATE_NOTE,
                       PARAMS(SV_INT(call->ids[0]), SV_INT(call->who.person_id), SV_TEXT(text),
                              SV_INT(time(NULL))),
                       NULL, &call->err);
    json_decref(body);
    if (rc < 0) return api_fail(call);
    reply_meeting(call, call->ids[0], 200);
}

static void hold_meeting(struct api_call *call)
{
    struct oneonone_series s;
    int64_t next = 0;
    json_t *m;
    if (oneonone_meeting_series(call->db, &call->who, call->ids[0], call->req->arena, &s, NULL,
                                NULL, &call->err) < 0 ||
        oneonone_hold(call->db, &s, call->ids[0], &next, &call->err) < 0 ||
        meeting_json(call, call->ids[0], &m) < 0)
        return api_fail(call);
    reply_json(call->req, call->res, 200,
               json_pack("{s:o, s:I}", "meeting", m, "next_meeting_id", (json_int_t)next));
}

static void add_action(struct api_call *call)
{
    static const char *const allowed[] = {"text", "owner_id", "due_date", NULL};
    struct oneonone_series s;
    json_t *body = NULL;
    const char *text = NULL, *due = NULL;
    int64_t owner = 0, id = 0;
    int rc = oneonone_meeting_series(call->db, &call->who, call->ids[0], call->req->arena, &s, NULL,
                                     NULL, &call->err);
    if (rc >= 0) rc = request_json_object(call->req, &body, &call->err);
    if (rc >= 0) rc = json_check_fields(body, allowed, &call->err);
    if (rc >= 0) rc = json_get_string(body, "text", &text, &call->err);
    if (rc >= 0) rc = text_check(text, ACTION_TEXT_MAX, "text", &call->err);
    if (rc >= 0) rc = json_get_id(body, "owner_id", &owner, NULL, &call->err);
    if (rc >= 0 && owner != s.manager_id && owner != s.report_id)
        rc = err_field(&call->err, REINS_EINVAL, "owner_id",
                       "field owner_id: must be one of the two people of this one-on-one");
    if (rc >= 0) rc = json_get_string(body, "due_date", &due, &call->err);
    if (rc >= 0 && due) rc = date_check(due, "due_date", &call->err);
    if (rc >= 0)
        rc = store_int_query(call->db, SQL_ACTION_INSERT,
                             PARAMS(SV_INT(s.id), SV_INT(call->ids[0]), SV_INT(owner),
                                    SV_TEXT(text), SV_TEXT(due), SV_INT(time(NULL))),
                             &id, &call->err);
    json_decref(body);
    if (rc < 0) return api_fail(call);
    reply_meeting(call, call->ids[0], 201);
}

static void patch_action(struct api_call *call)
{
    static const char *const allowed[] = {"text", "due_date", "done", NULL};
    int64_t series = 0;
    json_t *body = NULL;
    const char *text = NULL, *due = NULL;
    int done = -1;
    struct oneonone_series s;
    int rc = store_int_query(call->db, SQL_ACTION_SERIES, PARAMS(SV_INT(call->ids[0])), &series,
                             &call->err);
    if (rc >= 0 &&
        oneonone_series_get(call->db, &call->who, series, call->req->arena, &s, &call->err) < 0)
        rc = REINS_ENOTFOUND;
    if (rc == REINS_ENOTFOUND)
        rc = err_set(&call->err, REINS_ENOTFOUND, "no action item %lld", (long long)call->ids[0]);
    if (rc >= 0) rc = request_json_object(call->req, &body, &call->err);
    if (rc >= 0) rc = json_check_fields(body, allowed, &call->err);
    if (rc >= 0) rc = json_get_string(body, "text", &text, &call->err);
    if (rc >= 0 && text) rc = text_check(text, ACTION_TEXT_MAX, "text", &call->err);
    int has_due = rc >= 0 && json_object_get(body, "due_date") != NULL;
    if (rc >= 0) rc = json_get_string(body, "due_date", &due, &call->err);
    if (rc >= 0 && due) rc = date_check(due, "due_date", &call->err);
    if (rc >= 0) rc = json_get_bool(body, "done", &done, &call->err);
    if (rc >= 0)
        rc = store_run(call->db, SQL_ACTION_UPDATE,
                       PARAMS(SV_INT(call->ids[0]), SV_TEXT(text), SV_INT(has_due), SV_TEXT(due),
                              SV_INT(done >= 0), done == 1 ? SV_INT(time(NULL)) : SV_NULL),
                       NULL, &call->err);
    json_decref(body);
    int64_t open = 0;
    if (rc >= 0)
        rc = store_int_query(call->db, SQL_ACTION_OPEN, PARAMS(SV_INT(call->ids[0])), &open,
                             &call->err);
    if (rc < 0) return api_fail(call);
    reply_json(call->req, call->res, 200,
               json_pack("{s:I, s:b}", "id", (json_int_t)call->ids[0], "done", !open));
}

#define ICS_DAYS_AHEAD 90

static void ics_feed(struct api_call *call)
{
    if (call->ids[0] != call->who.person_id) {
        err_set(&call->err, REINS_ENOTFOUND, "no calendar for person %lld",
                (long long)call->ids[0]);
        return api_fail(call);
    }
    size_t cap = 0, n = 0;
    struct ics_event *ev = NULL;
    struct store_rows *r;
    int rc =
        store_query(call->db, SQL_ICS_SERIES, PARAMS(SV_INT(call->who.person_id)), &r, &call->err);
    int64_t today = today_days();
    while (rc >= 0 && (rc = store_next(r, &call->err)) > 0) {
        int64_t first = date_to_days(store_text(r, 4));
        enum cadence c = cadence_parse(store_text(r, 3));
        for (int64_t day = cadence_next(c, first, today); day <= today + ICS_DAYS_AHEAD;
             day = cadence_next(c, first, day + 1)) {
            ev = arena_grow(call->req->arena, ev, sizeof *ev, n, &cap);
            char *date = arena_alloc(call->req->arena, 11);
            date_from_days(day, date);
            ev[n++] = (struct ics_event){
                .uid = arena_printf(call->req->arena, "oneonone-%lld-%s@reins",
                                    (long long)store_int(r, 0), date),
                .date = date,
                .start_time = arena_strdup(call->req->arena, store_text(r, 5)),
                .duration_minutes = (int)store_int(r, 6),
                .summary = arena_printf(call->req->arena, "One-on-one: %s / %s", store_text(r, 1),
                                        store_text(r, 2)),
            };
        }
    }
    if (rc >= 0) store_rows_free(r);
    if (rc < 0) return api_fail(call);
    struct sb out = SB_INIT;
    ics_write(&out, "reins one-on-ones", ev, n, (int64_t)time(NULL));
    call->res->status = 200;
    call->res->content_type = "text/calendar; charset=utf-8";
    call->res->body = arena_strndup(call->req->arena, out.buf, out.len);
    call->res->body_len = out.len;
    sb_release(&out);
}

const struct route oneonone_routes[] = {
    {"GET", "/api/v1/oneonones", list_series, 0},
    {"POST", "/api/v1/oneonones", create_series, 0},
    {"GET", "/api/v1/oneonones/{id}", get_series, 0},
    {"PATCH", "/api/v1/oneonones/{id}", patch_series, 0},
    {"POST", "/api/v1/oneonones/{id}/next", next_meeting, 0},
    {"GET", "/api/v1/meetings/{id}", get_meeting, 0},
    {"POST", "/api/v1/meetings/{id}/agenda", add_agenda, 0},
    {"PUT", "/api/v1/meetings/{id}/shared-notes", put_shared_notes, 0},
    {"PUT", "/api/v1/meetings/{id}/private-note", put_private_note, 0},
    {"POST", "/api/v1/meetings/{id}/hold", hold_meeting, 0},
    {"POST", "/api/v1/meetings/{id}/actions", add_action, 0},
    {"PATCH", "/api/v1/agenda/{id}", patch_agenda, 0},
    {"DELETE", "/api/v1/agenda/{id}", delete_agenda, 0},
    {"PATCH", "/api/v1/actions/{id}", patch_action, 0},
    {"GET", "/api/v1/people/{id}/oneonones.ics", ics_feed, 0},
    {0},
};
