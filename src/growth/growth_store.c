/* growth_store.c -- skills, ratings, development goals and check-ins in the database. */
#include "growth/growth.h"

#include <string.h>
#include <time.h>

#include "core/text.h"
#include "store/store.h"

static const char SQL_PERSON_EXISTS[] = "SELECT COUNT(*) FROM people WHERE id = $1";
static const char SQL_MANAGER_OF[] = "SELECT COALESCE(manager_id, 0) FROM people WHERE id = $1";
static const char SQL_HAS_REPORTS[] = "SELECT COUNT(*) FROM people WHERE manager_id = $1";

#define SKILL_COLUMNS "id, role, name, description, position, archived"
/* Sellers' framework first, then managers'; within a role by position. */
static const char SQL_SKILLS[] =
    "SELECT " SKILL_COLUMNS " FROM skills"
    " WHERE (CAST($1 AS TEXT) IS NULL OR role = $1)"
    " AND (CAST($2 AS BIGINT) = 1 OR archived = 0)"
    " ORDER BY CASE role WHEN 'seller' THEN 0 ELSE 1 END, position, id";
static const char SQL_SKILL_GET[] = "SELECT " SKILL_COLUMNS " FROM skills WHERE id = $1";
static const char SQL_SKILL_NEXT_POSITION[] =
    "SELECT COALESCE(MAX(position), 0) + 1 FROM skills WHERE role = $1";
static const char SQL_SKILL_INSERT[] =
    "INSERT INTO skills (role, name, description, position, archived)"
    " VALUES ($1, $2, $3, $4, 0) RETURNING id";
static const char SQL_SKILL_UPDATE[] =
    "UPDATE skills SET name = COALESCE($2, name), description = COALESCE($3, description),"
    " position = CASE WHEN $4 = 1 THEN $5 ELSE position END,"
    " archived = CASE WHEN $6 = 1 THEN $7 ELSE archived END WHERE id = $1";

#define RATING_COLUMNS                                                                             \
    "r.id, r.person_id, r.skill_id, r.rater_id, p.name, r.source, r.competence, r.confidence,"     \
    " r.rated_on, r.comment, r.created_at"
#define RATING_FROM " FROM skill_ratings r JOIN people p ON p.id = r.rater_id"
static const char SQL_RATING_GET[] = "SELECT " RATING_COLUMNS RATING_FROM " WHERE r.id = $1";
static const char SQL_RATINGS_OF[] =
    "SELECT " RATING_COLUMNS RATING_FROM " WHERE r.person_id = $1 ORDER BY r.rated_on, r.id";
static const char SQL_RATING_INSERT[] =
    "INSERT INTO skill_ratings (person_id, skill_id, rater_id, source, competence, confidence,"
    " rated_on, comment, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";

#define GOAL_COLUMNS                                                                               \
    "g.id, g.person_id, COALESCE(g.skill_id, 0), s.name, g.title, g.target_date, g.status,"        \
    " g.progress, (SELECT MAX(c.created_on) FROM goal_checkins c WHERE c.goal_id = g.id),"         \
    " g.created_at"
#define GOAL_FROM " FROM development_goals g LEFT JOIN skills s ON s.id = g.skill_id"
static const char SQL_GOAL_GET[] = "SELECT " GOAL_COLUMNS GOAL_FROM " WHERE g.id = $1";
static const char SQL_GOALS_OF[] =
    "SELECT " GOAL_COLUMNS GOAL_FROM " WHERE g.person_id = $1"
    " ORDER BY CASE g.status WHEN 'open' THEN 0 ELSE 1 END, g.created_at, g.id";
static const char SQL_GOAL_INSERT[] =
    "INSERT INTO development_goals (person_id, skill_id, title, target_date, status, progress,"
    " created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, 'open', 0, $5, $6, $6)"
    " RETURNING id";
static const char SQL_GOAL_UPDATE[] =
    "UPDATE development_goals SET title = COALESCE($2, title), status = COALESCE($3, status),"
    " target_date = CASE WHEN $4 = 1 THEN $5 ELSE target_date END,"
    " skill_id = CASE WHEN $6 = 1 THEN $7 ELSE skill_id END, updated_at = $8 WHERE id = $1";
static const char SQL_GOAL_PROGRESS[] =
    "UPDATE development_goals SET progress = $2, updated_at = $3 WHERE id = $1";
static const char SQL_CHECKIN_INSERT[] =
    "INSERT INTO goal_checkins (goal_id, author_id, progress, note, created_on, created_at)"
    " VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
static const char SQL_CHECKINS_OF[] =
    "SELECT c.id, c.goal_id, c.author_id, p.name, c.progress, c.note, c.created_on, c.created_at"
    " FROM goal_checkins c JOIN people p ON p.id = c.author_id WHERE c.goal_id = $1"
    " ORDER BY c.created_on, c.id";

/* $1: 1 for everyone (an admin); $2: the root of the subtree otherwise; $3: since. */
#define RECENT_SUBTREE                                                                             \
    "WITH RECURSIVE sub(id) AS (SELECT CAST($2 AS BIGINT)"                                         \
    " UNION SELECT p.id FROM people p JOIN sub ON p.manager_id = sub.id) "
/* The previous rating of the same person, skill and source: the newest one
 * before this one by (rated_on, id). */
static const char SQL_RECENT_RATINGS[] = RECENT_SUBTREE
    "SELECT r.id, r.person_id, pp.name, r.skill_id, s.name, r.source, r.competence,"
    " r.confidence, r.rated_on, pr.id, pr.competence, pr.confidence, pr.rated_on"
    " FROM skill_ratings r JOIN people pp ON pp.id = r.person_id"
    " JOIN skills s ON s.id = r.skill_id"
    " LEFT JOIN skill_ratings pr ON pr.id = (SELECT q.id FROM skill_ratings q"
    "  WHERE q.person_id = r.person_id AND q.skill_id = r.skill_id AND q.source = r.source"
    "  AND (q.rated_on < r.rated_on OR (q.rated_on = r.rated_on AND q.id < r.id))"
    "  ORDER BY q.rated_on DESC, q.id DESC LIMIT 1)"
    " WHERE r.rated_on >= $3 AND (CAST($1 AS BIGINT) = 1 OR r.person_id IN (SELECT id FROM sub))"
    " ORDER BY r.rated_on DESC, r.id DESC LIMIT 500";
static const char SQL_RECENT_CHECKINS[] = RECENT_SUBTREE
    "SELECT c.id, g.person_id, pp.name, g.id, g.title, c.progress, c.created_on"
    " FROM goal_checkins c JOIN development_goals g ON g.id = c.goal_id"
    " JOIN people pp ON pp.id = g.person_id"
    " WHERE c.created_on >= $3 AND (CAST($1 AS BIGINT) = 1 OR g.person_id IN (SELECT id FROM sub))"
    " ORDER BY c.created_on DESC, c.id DESC LIMIT 500";

/* A growable array in an arena: returns the slot to fill. */

/* ---- who may do what ----------------------------------------------------------------------- */

int growth_relation(struct store *db, const struct principal *who, int64_t person_id, struct err *e)
{
    int64_t n = 0;
    int rc = store_int_query(db, SQL_PERSON_EXISTS, PARAMS(SV_INT(person_id)), &n, e);
    if (rc < 0) return rc;
    if (!n) return GROWTH_HIDDEN;
    /* Fail closed: a login without a known role gets nothing. */
    if (who->role == ROLE_NONE || !who->user_id) return GROWTH_HIDDEN;
    if (who->person_id) {
        if (who->person_id == person_id) return GROWTH_SELF;
        rc = access_is_at_or_above(db, who->person_id, person_id, e);
        if (rc < 0) return rc;
        if (rc) return GROWTH_ABOVE;
    }
    if (who->role == ROLE_ADMIN) return GROWTH_READER;
    if (who->person_id) {
        int64_t manager = 0;
        rc = store_int_query(db, SQL_MANAGER_OF, PARAMS(SV_INT(who->person_id)), &manager, e);
        if (rc < 0 && rc != REINS_ENOTFOUND) return rc;
        if (rc == 0 && manager == person_id) return GROWTH_REPORT;
    }
    return GROWTH_HIDDEN;
}

int growth_framework(struct store *db, int64_t person_id, const char **out, struct err *e)
{
    int64_t n = 0;
    int rc = store_int_query(db, SQL_HAS_REPORTS, PARAMS(SV_INT(person_id)), &n, e);
    if (rc < 0) return rc;
    *out = n ? "manager" : "seller";
    return 0;
}

/* ---- skills ------------------------------------------------------------------------------- */

static void read_skill(struct store_rows *r, struct arena *a, struct skill *s)
{
    memset(s, 0, sizeof *s);
    s->id = store_int(r, 0);
    s->role = arena_strdup(a, store_text(r, 1));
    s->name = arena_strdup(a, store_text(r, 2));
    s->description = arena_strdup(a, store_text(r, 3));
    s->position = store_int(r, 4);
    s->archived = store_int(r, 5) != 0;
}

static int read_skills(struct store *db, const char *sql, const struct store_val *params, int np,
                       struct arena *a, struct skill **out, size_t *n, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, sql, params, np, &r, e);
    if (rc < 0) return rc;
    struct skill *v = NULL;
    size_t len = 0, cap = 0;
    while ((rc = store_next(r, e)) > 0) {
        v = arena_grow(a, v, sizeof *v, len, &cap);
        read_skill(r, a, &v[len++]);
    }
    store_rows_free(r);
    *out = v;
    *n = len;
    return rc;
}

int skills_list(struct store *db, const char *role, int with_archived, struct arena *arena,
                struct skill **out, size_t *n, struct err *e)
{
    return read_skills(db, SQL_SKILLS, PARAMS(SV_TEXT(role), SV_INT(with_archived ? 1 : 0)), arena,
                       out, n, e);
}

int skills_get(struct store *db, int64_t id, struct arena *arena, struct skill *out, struct err *e)
{
    struct skill *v;
    size_t n;
    int rc = read_skills(db, SQL_SKILL_GET, PARAMS(SV_INT(id)), arena, &v, &n, e);
    if (rc < 0) return rc;
    if (!n) return err_set(e, REINS_ENOTFOUND, "no skill with id %lld", (long long)id);
    *out = v[0];
    return 0;
}

static int skill_fields_check(const struct skill_fields *f, int creating, struct err *e)
{
    int rc;
    if (creating && !f->role) return err_field(e, REINS_EINVAL, "role", "field role: required");
    if (creating && !f->name) return err_field(e, REINS_EINVAL, "name", "field name: required");
    if (f->role && !growth_role_valid(f->role))
        return err_field(e, REINS_EINVAL, "role",
                         "field role: '%.40s' is not one of seller, manager", f->role);
    if (f->name && (rc = text_check(f->name, SKILL_NAME_MAX, "name", e)) < 0) return rc;
    if ((rc = growth_optional_text_check(f->description, SKILL_DESCRIPTION_MAX, "description", e)) <
        0)
        return rc;
    if (f->has_position && (f->position < 0 || f->position > 1000000))
        return err_field(e, REINS_EINVAL, "position",
                         "field position: must be an integer from 0 to 1000000");
    return 0;
}

static int conflict_name(const struct skill_fields *f, const char *role, struct err *e)
{
    return err_field(e, REINS_ECONFLICT, "name",
                     "field name: the %s framework has a skill called '%s' already", role, f->name);
}

int skills_create(struct store *db, const struct skill_fields *f, int64_t *id_out, struct err *e)
{
    int rc = skill_fields_check(f, 1, e);
    if (rc < 0) return rc;
    if ((rc = store_begin(db, e)) < 0) return rc;
    int64_t position = f->position;
    if (!f->has_position && (rc = store_int_query(db, SQL_SKILL_NEXT_POSITION,
                                                  PARAMS(SV_TEXT(f->role)), &position, e)) < 0)
        goto fail;
    rc = store_int_query(db, SQL_SKILL_INSERT,
                         PARAMS(SV_TEXT(f->role), SV_TEXT(f->name),
                                SV_TEXT(f->description ? f->description : ""), SV_INT(position)),
                         id_out, e);
    if (rc == REINS_ECONFLICT) rc = conflict_name(f, f->role, e);
    if (rc < 0) goto fail;
    return store_commit(db, e);
fail:
    store_rollback(db);
    return rc;
}

int skills_update(struct store *db, int64_t id, const struct skill_fields *f, struct err *e)
{
    if (f->role)
        return err_field(e, REINS_EINVAL, "role",
                         "field role: a skill stays in its framework; add a new one instead");
    int rc = skill_fields_check(f, 0, e);
    if (rc < 0) return rc;
    int64_t changed = 0;
    rc = store_run(db, SQL_SKILL_UPDATE,
                   PARAMS(SV_INT(id), SV_TEXT(f->name), SV_TEXT(f->description),
                          SV_INT(f->has_position), SV_INT(f->position), SV_INT(f->has_archived),
                          SV_INT(f->archived ? 1 : 0)),
                   &changed, e);
    if (rc == REINS_ECONFLICT) {
        struct arena a = ARENA_INIT;
        struct skill s;
        const char *role = "same";
        if (skills_get(db, id, &a, &s, NULL) == 0) role = s.role;
        rc = conflict_name(f, role, e);
        arena_release(&a);
        return rc;
    }
    if (rc < 0) return rc;
    if (!changed) return err_set(e, REINS_ENOTFOUND, "no skill with id %lld", (long long)id);
    return 0;
}

/* ---- ratings ------------------------------------------------------------------------------ */

static void read_rating(struct store_rows *r, struct arena *a, struct rating *x)
{
    memset(x, 0, sizeof *x);
    x->id = store_int(r, 0);
    x->person_id = store_int(r, 1);
    x->skill_id = store_int(r, 2);
    x->rater_id = store_int(r, 3);
    x->rater_name = arena_strdup(a, store_text(r, 4));
    x->source = arena_strdup(a, store_text(r, 5));
    x->competence = (int)store_int(r, 6);
    x->confidence = (int)store_int(r, 7);
    x->rated_on = arena_strdup(a, store_text(r, 8));
    x->comment = arena_strdup(a, store_text(r, 9));
    x->created_at = store_int(r, 10);
}

static int read_ratings(struct store *db, const char *sql, int64_t id, struct arena *a,
                        struct rating **out, size_t *n, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, sql, PARAMS(SV_INT(id)), &r, e);
    if (rc < 0) return rc;
    struct rating *v = NULL;
    size_t len = 0, cap = 0;
    while ((rc = store_next(r, e)) > 0) {
        v = arena_grow(a, v, sizeof *v, len, &cap);
        read_rating(r, a, &v[len++]);
    }
    store_rows_free(r);
    *out = v;
    *n = len;
    return rc;
}

int ratings_get(struct store *db, int64_t id, struct arena *arena, struct rating *out,
                struct err *e)
{
    struct rating *v;
    size_t n;
    int rc = read_ratings(db, SQL_RATING_GET, id, arena, &v, &n, e);
    if (rc < 0) return rc;
    if (!n) return err_set(e, REINS_ENOTFOUND, "no rating with id %lld", (long long)id);
    *out = v[0];
    return 0;
}

int ratings_for_person(struct store *db, int64_t person_id, struct arena *arena,
                       struct rating **out, size_t *n, struct err *e)
{
    return read_ratings(db, SQL_RATINGS_OF, person_id, arena, out, n, e);
}

int ratings_add(struct store *db, const struct rating *r, int64_t *id_out, struct err *e)
{
    int rc;
    if (!r->source || (strcmp(r->source, "self") && strcmp(r->source, "manager")))
        return err_field(e, REINS_EINVAL, "source", "field source: must be self or manager");
    if ((rc = growth_rating_check(r->competence, "competence", e)) < 0) return rc;
    if ((rc = growth_rating_check(r->confidence, "confidence", e)) < 0) return rc;
    if ((rc = growth_optional_text_check(r->comment, RATING_COMMENT_MAX, "comment", e)) < 0)
        return rc;
    if (r->rated_on && (rc = date_check(r->rated_on, "rated_on", e)) < 0) return rc;
    struct arena a = ARENA_INIT;
    struct skill s;
    const char *framework;
    rc = skills_get(db, r->skill_id, &a, &s, e);
    if (rc == REINS_ENOTFOUND)
        rc = err_field(e, REINS_EINVAL, "skill_id", "field skill_id: no skill with id %lld",
                       (long long)r->skill_id);
    if (rc < 0) goto out;
    if (s.archived) {
        rc = err_field(e, REINS_EINVAL, "skill_id", "field skill_id: skill '%s' is archived",
                       s.name);
        goto out;
    }
    if ((rc = growth_framework(db, r->person_id, &framework, e)) < 0) goto out;
    if (strcmp(s.role, framework)) {
        rc = err_field(e, REINS_EINVAL, "skill_id",
                       "field skill_id: '%s' is a %s skill; this person is rated on the %s "
                       "framework",
                       s.name, s.role, framework);
        goto out;
    }
    char today[11];
    date_today(today);
    rc = store_int_query(db, SQL_RATING_INSERT,
                         PARAMS(SV_INT(r->person_id), SV_INT(r->skill_id), SV_INT(r->rater_id),
                                SV_TEXT(r->source), SV_INT(r->competence), SV_INT(r->confidence),
                                SV_TEXT(r->rated_on ? r->rated_on : today),
                                SV_TEXT(r->comment ? r->comment : ""),
                                SV_INT(r->created_at ? r->created_at : time(NULL))),
                         id_out, e);
out:
    arena_release(&a);
    return rc;
}

int growth_matrix(struct store *db, int64_t person_id, struct arena *arena, json_t **out,
                  struct err *e)
{
    const char *framework;
    struct skill *skills;
    struct rating *ratings;
    struct goal *goals;
    size_t nskills, nratings, ngoals;
    int rc;
    if ((rc = growth_framework(db, person_id, &framework, e)) < 0) return rc;
    if ((rc = skills_list(db, framework, 0, arena, &skills, &nskills, e)) < 0) return rc;
    if ((rc = ratings_for_person(db, person_id, arena, &ratings, &nratings, e)) < 0) return rc;
    if ((rc = goals_for_person(db, person_id, arena, &goals, &ngoals, e)) < 0) return rc;
    json_t *g = json_array();
    for (size_t i = 0; i < ngoals; i++)
        json_array_append_new(g, goal_to_json(&goals[i]));
    *out = growth_matrix_json(person_id, framework, skills, nskills, ratings, nratings, g);
    return 0;
}

/* ---- goals and check-ins -------------------------------------------------------------------- */

static void read_goal(struct store_rows *r, struct arena *a, struct goal *g)
{
    memset(g, 0, sizeof *g);
    g->id = store_int(r, 0);
    g->person_id = store_int(r, 1);
    g->skill_id = store_int(r, 2);
    g->skill_name = arena_strdup(a, store_text(r, 3));
    g->title = arena_strdup(a, store_text(r, 4));
    g->target_date = arena_strdup(a, store_text(r, 5));
    g->status = arena_strdup(a, store_text(r, 6));
    g->progress = (int)store_int(r, 7);
    g->last_checkin = arena_strdup(a, store_text(r, 8));
    g->created_at = store_int(r, 9);
}

static int read_goals(struct store *db, const char *sql, int64_t id, struct arena *a,
                      struct goal **out, size_t *n, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, sql, PARAMS(SV_INT(id)), &r, e);
    if (rc < 0) return rc;
    struct goal *v = NULL;
    size_t len = 0, cap = 0;
    while ((rc = store_next(r, e)) > 0) {
        v = arena_grow(a, v, sizeof *v, len, &cap);
        read_goal(r, a, &v[len++]);
    }
    store_rows_free(r);
    *out = v;
    *n = len;
    return rc;
}

int goals_get(struct store *db, int64_t id, struct arena *arena, struct goal *out, struct err *e)
{
    struct goal *v;
    size_t n;
    int rc = read_goals(db, SQL_GOAL_GET, id, arena, &v, &n, e);
    if (rc < 0) return rc;
    if (!n) return err_set(e, REINS_ENOTFOUND, "no goal with id %lld", (long long)id);
    *out = v[0];
    return 0;
}

int goals_for_person(struct store *db, int64_t person_id, struct arena *arena, struct goal **out,
                     size_t *n, struct err *e)
{
    return read_goals(db, SQL_GOALS_OF, person_id, arena, out, n, e);
}

static int goal_fields_check(struct store *db, const struct goal_fields *f, int creating,
                             struct err *e)
{
    int rc;
    if (creating && !f->title) return err_field(e, REINS_EINVAL, "title", "field title: required");
    if (f->title && (rc = text_check(f->title, GOAL_TITLE_MAX, "title", e)) < 0) return rc;
    if (f->status && !goal_status_valid(f->status))
        return err_field(e, REINS_EINVAL, "status",
                         "field status: '%.40s' is not one of open, done, dropped", f->status);
    if (f->has_target_date && f->target_date &&
        (rc = date_check(f->target_date, "target_date", e)) < 0)
        return rc;
    if (f->has_skill && f->skill_id) {
        struct arena a = ARENA_INIT;
        struct skill s;
        rc = skills_get(db, f->skill_id, &a, &s, e);
        if (rc == REINS_ENOTFOUND)
            rc = err_field(e, REINS_EINVAL, "skill_id", "field skill_id: no skill with id %lld",
                           (long long)f->skill_id);
        else if (rc == 0 && s.archived)
            rc = err_field(e, REINS_EINVAL, "skill_id", "field skill_id: skill '%s' is archived",
                           s.name);
        arena_release(&a);
        if (rc < 0) return rc;
    }
    return 0;
}

int goals_create(struct store *db, int64_t person_id, const struct goal_fields *f,
                 int64_t created_by, int64_t *id_out, struct err *e)
{
    int rc = goal_fields_check(db, f, 1, e);
    if (rc < 0) return rc;
    if (f->status && strcmp(f->status, "open"))
        return err_field(e, REINS_EINVAL, "status", "field status: a new goal is open");
    return store_int_query(db, SQL_GOAL_INSERT,
                           PARAMS(SV_INT(person_id), SV_ID(f->has_skill ? f->skill_id : 0),
                                  SV_TEXT(f->title),
                                  SV_TEXT(f->has_target_date ? f->target_date : NULL),
                                  SV_INT(created_by), SV_INT(time(NULL))),
                           id_out, e);
}

int goals_update(struct store *db, int64_t id, const struct goal_fields *f, struct err *e)
{
    int rc = goal_fields_check(db, f, 0, e);
    if (rc < 0) return rc;
    int64_t changed = 0;
    rc = store_run(db, SQL_GOAL_UPDATE,
                   PARAMS(SV_INT(id), SV_TEXT(f->title), SV_TEXT(f->status),
                          SV_INT(f->has_target_date), SV_TEXT(f->target_date), SV_INT(f->has_skill),
                          SV_ID(f->skill_id), SV_INT(time(NULL))),
                   &changed, e);
    if (rc < 0) return rc;
    if (!changed) return err_set(e, REINS_ENOTFOUND, "no goal with id %lld", (long long)id);
    return 0;
}

int checkins_add(struct store *db, int64_t goal_id, int64_t author_id, int progress,
                 const char *note, const char *created_on, int64_t *id_out, struct err *e)
{
    int rc;
    if ((rc = growth_progress_check(progress, "progress", e)) < 0) return rc;
    if ((rc = growth_optional_text_check(note, CHECKIN_NOTE_MAX, "note", e)) < 0) return rc;
    if (created_on && (rc = date_check(created_on, "created_on", e)) < 0) return rc;
    char today[11];
    date_today(today);
    int64_t now = time(NULL), changed = 0;
    if ((rc = store_begin(db, e)) < 0) return rc;
    if ((rc = store_run(db, SQL_GOAL_PROGRESS,
                        PARAMS(SV_INT(goal_id), SV_INT(progress), SV_INT(now)), &changed, e)) < 0)
        goto fail;
    if (!changed) {
        rc = err_set(e, REINS_ENOTFOUND, "no goal with id %lld", (long long)goal_id);
        goto fail;
    }
    if ((rc = store_int_query(db, SQL_CHECKIN_INSERT,
                              PARAMS(SV_INT(goal_id), SV_INT(author_id), SV_INT(progress),
                                     SV_TEXT(note ? note : ""),
                                     SV_TEXT(created_on ? created_on : today), SV_INT(now)),
                              id_out, e)) < 0)
        goto fail;
    return store_commit(db, e);
fail:
    store_rollback(db);
    return rc;
}

int checkins_for_goal(struct store *db, int64_t goal_id, struct arena *arena, struct checkin **out,
                      size_t *n, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, SQL_CHECKINS_OF, PARAMS(SV_INT(goal_id)), &r, e);
    if (rc < 0) return rc;
    struct checkin *v = NULL;
    size_t len = 0, cap = 0;
    while ((rc = store_next(r, e)) > 0) {
        v = arena_grow(arena, v, sizeof *v, len, &cap);
        struct checkin *c = &v[len++];
        c->id = store_int(r, 0);
        c->goal_id = store_int(r, 1);
        c->author_id = store_int(r, 2);
        c->author_name = arena_strdup(arena, store_text(r, 3));
        c->progress = (int)store_int(r, 4);
        c->note = arena_strdup(arena, store_text(r, 5));
        c->created_on = arena_strdup(arena, store_text(r, 6));
        c->created_at = store_int(r, 7);
    }
    store_rows_free(r);
    *out = v;
    *n = len;
    return rc;
}

/* ---- recent -------------------------------------------------------------------------------- */

int growth_recent(struct store *db, const struct principal *who, const char *since, json_t **out,
                  struct err *e)
{
    int rc = date_check(since, "since", e);
    if (rc < 0) return rc;
    json_t *ratings = json_array(), *checkins = json_array();
    /* Fail closed: only an admin sees everyone; anyone else what they lead and
     * themself; a login with no person and no admin role, nobody. */
    int everyone = who->role == ROLE_ADMIN;
    if (!everyone && (!who->person_id || who->role == ROLE_NONE)) goto done;
    struct store_rows *r;
    if ((rc = store_query(db, SQL_RECENT_RATINGS,
                          PARAMS(SV_INT(everyone), SV_INT(who->person_id), SV_TEXT(since)), &r,
                          e)) < 0)
        goto fail;
    while ((rc = store_next(r, e)) > 0) {
        json_t *o = json_pack(
            "{s:I, s:{s:I, s:s}, s:{s:I, s:s}, s:s, s:I, s:I, s:s}", "id",
            (json_int_t)store_int(r, 0), "person", "id", (json_int_t)store_int(r, 1), "name",
            store_text(r, 2), "skill", "id", (json_int_t)store_int(r, 3), "name", store_text(r, 4),
            "source", store_text(r, 5), "competence", (json_int_t)store_int(r, 6), "confidence",
            (json_int_t)store_int(r, 7), "rated_on", store_text(r, 8));
        json_object_set_new(o, "previous",
                            store_isnull(r, 9)
                                ? json_null()
                                : json_pack("{s:I, s:I, s:s}", "competence",
                                            (json_int_t)store_int(r, 10), "confidence",
                                            (json_int_t)store_int(r, 11), "rated_on",
                                            store_text(r, 12)));
        json_array_append_new(ratings, o);
    }
    store_rows_free(r);
    if (rc < 0) goto fail;
    if ((rc = store_query(db, SQL_RECENT_CHECKINS,
                          PARAMS(SV_INT(everyone), SV_INT(who->person_id), SV_TEXT(since)), &r,
                          e)) < 0)
        goto fail;
    while ((rc = store_next(r, e)) > 0)
        json_array_append_new(
            checkins, json_pack("{s:I, s:{s:I, s:s}, s:{s:I, s:s}, s:I, s:s}", "id",
                                (json_int_t)store_int(r, 0), "person", "id",
                                (json_int_t)store_int(r, 1), "name", store_text(r, 2), "goal", "id",
                                (json_int_t)store_int(r, 3), "title", store_text(r, 4), "progress",
                                (json_int_t)store_int(r, 5), "created_on", store_text(r, 6)));
    store_rows_free(r);
    if (rc < 0) goto fail;
done:
    *out = json_pack("{s:o, s:o}", "ratings", ratings, "checkins", checkins);
    return 0;
fail:
    json_decref(ratings);
    json_decref(checkins);
    return rc;
}
