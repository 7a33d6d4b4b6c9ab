/* surveys.h -- pulse surveys people trust: answers kept apart from who gave
 * them, results shown only where no one's answers can be worked out.
 *
 * When a survey opens, everyone active is invited and put in an anonymity
 * cell (cells.h: at least min_group invited people each). Who answered is
 * kept in survey_participation as a keyed hash of (survey, person): the key
 * is the instance secret, a file outside the database, so the database alone
 * (or a backup of it) cannot tell who answered, and the server uses it only
 * to refuse a second answer and to remind those who have not answered. What
 * was answered is kept in survey_responses with a random key, the cell and
 * the answers: no person, no time. Each answer rewrites its cell's responses
 * under fresh random keys in the same transaction, so neither row order nor
 * the database's own bookkeeping (PostgreSQL's xmin) tells which came when.
 * Results show only once a survey has closed, so no one can compare them
 * before and after one more answer. They go through disclosure.h over one
 * fixed list of groups (company, managers' trees, teams, tenure bands, roles
 * and the filters within trees): a group under min_group respondents, or one
 * that differs from a group shown before it by fewer, is withheld, for scores
 * and comments alike.
 */
#ifndef REINS_SURVEYS_SURVEYS_H
#define REINS_SURVEYS_SURVEYS_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "auth/principal.h"
#include "core/err.h"

struct store;

#define SURVEY_COMMENT_MAX 2000
#define SURVEY_TITLE_MAX 200
#define SURVEY_QUESTION_MAX 300
#define SURVEY_SECRET_BYTES 32

/* ---- the instance secret -------------------------------------------------------------------- */

/* Read the secret from `path`, creating it (random, mode 0600) if absent.
 * Every server on one database must use the same file. */
int surveys_load_secret(const char *path, struct err *e);
/* Prove the loaded secret is the one this database's answers and participation
 * marks were made with: the first time, record a keyed hash of a fixed text in
 * the database; after that, refuse any other secret (REINS_EINVAL naming
 * `path`), since with it answers could not be read and people could answer twice. */
struct store;
int surveys_check_secret(struct store *db, const char *path, struct err *e);
/* Use `key` as the secret (tests). */
void surveys_set_secret(const unsigned char key[SURVEY_SECRET_BYTES]);
/* The default secret file for a database URL: PATH.secret beside a SQLite
 * file, ./reins.secret for PostgreSQL. */
void surveys_default_secret_path(const char *db_url, char *out, size_t len);

/* ---- settings and the question bank ---------------------------------------------------------- */

/* {"min_group", "pulses_on", "pulse_every_days", "pulse_open_days", "pulse_questions"} */
int surveys_settings(struct store *db, json_t **out, struct err *e);
/* Change the fields given in `patch` (same names); min_group never below 3. */
int surveys_settings_update(struct store *db, json_t *patch, struct err *e);

int survey_questions_list(struct store *db, int include_archived, json_t **out, struct err *e);
/* {"driver","kind":"likert"|"enps"|"text","text","position"?}; sets *id. */
int survey_question_create(struct store *db, json_t *body, int64_t *id, struct err *e);
/* Any of "driver", "text", "position", "archived" (kind never changes). */
int survey_question_update(struct store *db, int64_t id, json_t *body, struct err *e);

/* ---- surveys --------------------------------------------------------------------------------- */

/* Open a survey: kind "pulse" or "full", dates as YYYY-MM-DD, the questions
 * in order (NULL for every active question). Invites everyone active on
 * `today` and files them in cells. */
int survey_create(struct store *db, const char *kind, const char *title, const char *opens_on,
                  const char *closes_on, const int64_t *questions, size_t nquestions,
                  int64_t today, int64_t *id, struct err *e);

/* Open the next pulse when pulses are on and the last one is older than the
 * cadence: a few rotating drivers (those asked least recently), eNPS and the
 * comment. Safe to call often and from several servers. Sets *id to the new
 * survey's id, or 0 when none was due. */
int surveys_tick(struct store *db, int64_t today, int64_t *id, struct err *e);

/* Surveys newest first, each with "open" and, for a person, "answered". */
int surveys_list(struct store *db, const struct principal *who, int64_t today, json_t **out,
                 struct err *e);
/* One survey with its questions (no answers). */
int survey_get(struct store *db, const struct principal *who, int64_t id, int64_t today,
               json_t **out, struct err *e);

/* Close a survey before its closing date: no more answers, results show. */
int survey_close(struct store *db, int64_t id, struct err *e);

/* One answer: a score (likert 1-5, eNPS 0-10) or a comment. */
struct survey_answer {
    int64_t question_id;
    int score;           /* -1 for a comment */
    const char *comment; /* NULL for a score */
};

/* Record `who`'s answers to survey `id` on `today`: they must be invited,
 * the survey open, every scored question answered once (comments are
 * optional), scores in range. REINS_ECONFLICT when they answered already. */
int survey_submit(struct store *db, const struct principal *who, int64_t id, int64_t today,
                  const struct survey_answer *answers, size_t n, struct err *e);

/* ---- results --------------------------------------------------------------------------------- */

/* The results `who` may see for survey `id` (docs/api.md): every group they
 * may ask about, each shown or withheld by the disclosure rules. */
int survey_results(struct store *db, const struct principal *who, int64_t id, json_t **out,
                   struct err *e);
/* One group's drivers over every survey (oldest first), withheld points null. */
int survey_trend(struct store *db, const struct principal *who, const char *group, json_t **out,
                 struct err *e);
/* For a home card: the caller's own group (their tree, or the company), its
 * latest shown drivers with the change from the survey before, and the
 * weakest driver as a topic for the next team meeting and one-on-ones. */
int survey_summary(struct store *db, const struct principal *who, json_t **out, struct err *e);

/* Pulses over the months before `as_of` for the demo organisation, with
 * believable answers (one team's "direction" slipping). */
int surveys_demo_fill(struct store *db, uint64_t seed, int64_t as_of, struct err *e);

#endif
