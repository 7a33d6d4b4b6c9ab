/* growth.h -- growth: a skills framework per role, ratings of competence and
 * confidence over time, and development goals with check-ins.
 *
 * Each person is rated per skill of their framework ("manager" when they
 * have at least one direct report, else "seller") from 1 to 5 on competence
 * (can do it) and confidence (believes they can), by themself ("self") and by
 * someone above them ("manager"). The gap between confidence and competence
 * is a coaching signal. Development goals belong to a person, may be linked
 * to a skill, and move through check-ins that set their progress (0..100).
 *
 * Who may read and write follows docs/api.md "Leading people": growth of P
 * is read by P, anyone above P and admins; self ratings are written by P,
 * manager ratings by anyone above P; goals and check-ins by P or anyone
 * above. growth_relation() decides; the routes (growth_api.c) apply it.
 */
#ifndef REINS_GROWTH_GROWTH_H
#define REINS_GROWTH_GROWTH_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "auth/principal.h"
#include "core/err.h"
#include "core/mem.h"

struct store;

#define SKILL_NAME_MAX 100
#define SKILL_DESCRIPTION_MAX 1000
#define RATING_COMMENT_MAX 2000
#define GOAL_TITLE_MAX 200
#define CHECKIN_NOTE_MAX 2000
#define RATING_MIN 1
#define RATING_MAX 5
#define PROGRESS_MIN 0
#define PROGRESS_MAX 100
/* A gap of this size or more (either way) is a coaching signal. */
#define GROWTH_SIGNAL_GAP 2

struct skill {
    int64_t id;
    const char *role; /* "seller" or "manager" */
    const char *name, *description;
    int64_t position;
    int archived;
};

struct rating {
    int64_t id, person_id, skill_id, rater_id;
    const char *rater_name;
    const char *source; /* "self" or "manager" */
    int competence, confidence;
    const char *rated_on; /* YYYY-MM-DD */
    const char *comment;  /* "" for none */
    int64_t created_at;
};

struct goal {
    int64_t id, person_id;
    int64_t skill_id;       /* 0 for none */
    const char *skill_name; /* NULL for none */
    const char *title;
    const char *target_date; /* YYYY-MM-DD, NULL for none */
    const char *status;      /* "open", "done" or "dropped" */
    int progress;
    const char *last_checkin; /* YYYY-MM-DD of the newest check-in, NULL for none */
    int64_t created_at;
};

struct checkin {
    int64_t id, goal_id, author_id;
    const char *author_name;
    int progress;
    const char *note;
    const char *created_on; /* YYYY-MM-DD */
    int64_t created_at;
};

/* ---- rules (growth.c, no I/O) ---------------------------------------------------------- */

/* "seller" or "manager". */
int growth_role_valid(const char *s);
/* "open", "done" or "dropped". */
int goal_status_valid(const char *s);
/* A rating from RATING_MIN to RATING_MAX; REINS_EINVAL naming `field` otherwise. */
int growth_rating_check(int64_t v, const char *field, struct err *e);
/* A progress from PROGRESS_MIN to PROGRESS_MAX; REINS_EINVAL naming `field` otherwise. */
int growth_progress_check(int64_t v, const char *field, struct err *e);
/* Optional free text (a description, comment or note): NULL and "" pass;
 * otherwise as text_check with `max`. */
int growth_optional_text_check(const char *s, size_t max, const char *field, struct err *e);

/* The gap between confidence and competence for one skill: self's
 * confidence minus the manager's competence when there is a manager rating,
 * else minus self's own competence. Returns 1 and sets *gap when there is a
 * self rating, 0 when there is none (no gap: confidence is the person's own
 * belief). `manager` may be NULL. */
int growth_gap(const struct rating *self, const struct rating *manager, int *gap);
/* What a gap means for coaching: "confident beyond current skill" (gap >=
 * GROWTH_SIGNAL_GAP), "more skilled than they believe" (gap <=
 * -GROWTH_SIGNAL_GAP), else NULL. A static string. */
const char *growth_signal(int gap);

/* JSON objects (new references). */
json_t *skill_to_json(const struct skill *s);
/* {"id","person_id","skill_id","source","competence","confidence","comment","rated_on","rater"} */
json_t *rating_to_json(const struct rating *r);
/* The list shape of docs/api.md: {"id","person_id","skill","title","target_date","status",
 * "progress","last_checkin","created_at"}. */
json_t *goal_to_json(const struct goal *g);
/* {"id","goal_id","author":{"id","name"},"progress","note","created_on"} */
json_t *checkin_to_json(const struct checkin *c);

/* The growth matrix of docs/api.md for one person: one entry per skill of
 * `skills` (in that order) with the latest self and manager rating, gap,
 * signal and the history oldest to newest. `ratings` are that person's
 * ratings in any order (sorted here by rated_on, then id, on a copy).
 * `goals` (a reference is stolen) becomes "goals"; NULL gives []. */
json_t *growth_matrix_json(int64_t person_id, const char *framework, const struct skill *skills,
                           size_t nskills, const struct rating *ratings, size_t nratings,
                           json_t *goals);

/* ---- who may do what (growth_store.c) -------------------------------------------------- */

enum growth_relation {
    GROWTH_HIDDEN = 0, /* may not see the person, or there is no such person: 404 */
    GROWTH_REPORT,     /* the caller reports to the person directly: knows them (GET /me
                        * names them) but may neither read (404) nor write (403) */
    GROWTH_READER,     /* an admin who is neither the person nor above them: reads only */
    GROWTH_SELF,       /* the caller is the person */
    GROWTH_ABOVE,      /* the caller is above the person in the reporting lines */
};
/* How `who` stands to the growth of person `person_id`. Being the person
 * wins over being an admin, and being above wins over being an admin.
 * Reads need GROWTH_READER or more; writes GROWTH_SELF or GROWTH_ABOVE.
 * Returns an enum growth_relation (>= 0) or a negative error. */
int growth_relation(struct store *db, const struct principal *who, int64_t person_id,
                    struct err *e);

/* ---- storage (growth_store.c) ----------------------------------------------------------- */
/* Strings of returned rows live in `arena`. */

/* "manager" when someone reports to the person directly, else "seller" (a
 * static string). */
int growth_framework(struct store *db, int64_t person_id, const char **out, struct err *e);

/* Skills of `role` (NULL: both), ordered by role, position, id; archived
 * ones only when `with_archived`. */
int skills_list(struct store *db, const char *role, int with_archived, struct arena *arena,
                struct skill **out, size_t *n, struct err *e);
int skills_get(struct store *db, int64_t id, struct arena *arena, struct skill *out, struct err *e);

/* Fields of a skill create or update; NULL / has_* 0 mean "not given". */
struct skill_fields {
    const char *role, *name, *description;
    int has_position, has_archived;
    int64_t position;
    int archived;
};
/* Create a skill: role and name required; position defaults to after the
 * last of its role. REINS_ECONFLICT naming name when the role has it already. */
int skills_create(struct store *db, const struct skill_fields *f, int64_t *id_out, struct err *e);
/* Change the given fields (role cannot change). REINS_ENOTFOUND when there is no such skill. */
int skills_update(struct store *db, int64_t id, const struct skill_fields *f, struct err *e);

/* Add a rating. `r->source` must match how the rater stands to the person
 * (the caller has checked with growth_relation); the skill must exist, not
 * be archived and belong to the person's framework (REINS_EINVAL naming
 * skill_id otherwise); ratings are checked 1..5. rated_on and created_at
 * default to today and now when NULL / 0. */
int ratings_add(struct store *db, const struct rating *r, int64_t *id_out, struct err *e);
int ratings_get(struct store *db, int64_t id, struct arena *arena, struct rating *out,
                struct err *e);
/* Every rating of a person, oldest first (rated_on, id). */
int ratings_for_person(struct store *db, int64_t person_id, struct arena *arena,
                       struct rating **out, size_t *n, struct err *e);
/* The whole matrix of docs/api.md GET /people/{id}/growth (a new reference in *out). */
int growth_matrix(struct store *db, int64_t person_id, struct arena *arena, json_t **out,
                  struct err *e);

/* Fields of a goal create or update; NULL / has_* 0 mean "not given". */
struct goal_fields {
    const char *title, *status;
    int has_target_date, has_skill;
    const char *target_date; /* NULL with has_target_date: none */
    int64_t skill_id;        /* 0 with has_skill: none */
};
/* Create an open goal at progress 0 for `person_id`, written by `created_by`
 * (a person id). Title required; the skill, when given, must exist. */
int goals_create(struct store *db, int64_t person_id, const struct goal_fields *f,
                 int64_t created_by, int64_t *id_out, struct err *e);
int goals_update(struct store *db, int64_t id, const struct goal_fields *f, struct err *e);
int goals_get(struct store *db, int64_t id, struct arena *arena, struct goal *out, struct err *e);
/* A person's goals: open first, then by created_at, id. */
int goals_for_person(struct store *db, int64_t person_id, struct arena *arena, struct goal **out,
                     size_t *n, struct err *e);
/* Add a check-in by `author_id` and set the goal's progress to it, in one
 * transaction. The status does not change (100 does not close the goal).
 * created_on defaults to today when NULL. */
int checkins_add(struct store *db, int64_t goal_id, int64_t author_id, int progress,
                 const char *note, const char *created_on, int64_t *id_out, struct err *e);
/* A goal's check-ins, oldest first. */
int checkins_for_goal(struct store *db, int64_t goal_id, struct arena *arena, struct checkin **out,
                      size_t *n, struct err *e);

/* Recent growth for what `who` leads: the caller's person and everyone below
 * them (an admin: everyone; no person and not admin: nobody), ratings and
 * check-ins dated on or after `since` (YYYY-MM-DD), newest first, each rating
 * with the previous rating of the same person, skill and source. The
 * {"ratings":[...],"checkins":[...]} of docs/api.md (a new reference). */
int growth_recent(struct store *db, const struct principal *who, const char *since, json_t **out,
                  struct err *e);

/* ---- demo ------------------------------------------------------------------------------ */

/* Believable growth history for the people in the database over the ~9
 * months before `as_of_days` (days since 1970-01-01): quarterly self and
 * manager ratings on each person's framework skills (the manager rater is
 * people.manager_id; people without one get self ratings only) that mostly
 * move up, some with gaps between confidence and competence; 1 or 2
 * development goals per person linked to their weakest skills, with
 * check-ins, some done, at least one stalled (no check-in for 45+ days).
 * The same for the same seed. Writes inside the caller's transaction (it
 * begins none: call it from demo_fill before the commit). */
int growth_demo_fill(struct store *db, uint64_t seed, int64_t as_of_days, struct err *e);

#endif
