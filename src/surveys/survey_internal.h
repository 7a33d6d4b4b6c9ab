/* survey_internal.h -- what the survey files share among themselves. */
#ifndef REINS_SURVEYS_SURVEY_INTERNAL_H
#define REINS_SURVEYS_SURVEY_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "core/err.h"

struct store;
struct store_rows;

#define SURVEY_BANDS 4
#define SURVEY_ROLES 3 /* 1 people manager, 2 individual contributor */
extern const char *const survey_band_names[SURVEY_BANDS];
extern const char *const survey_role_names[SURVEY_ROLES];

/* The tenure band (0..3) of someone who started on `start_days`. */
int survey_tenure_band(int64_t start_days, int64_t today_days);
/* min_group, pulses_on, pulse_every_days, pulse_open_days, pulse_questions. */
int survey_settings_read(struct store *db, int64_t v[5], struct err *e);
/* The keyed hash that marks `person` as having answered `survey`. */
int survey_person_key(int64_t survey, int64_t person, char out[65], struct err *e);
/* Seal one answer (its compact JSON, at most `room` bytes) for storage in
 * `cell` of `survey`, padded to room + 1 bytes; the caller frees *out. */
int survey_answers_seal(int64_t survey, int64_t cell, const char *json, size_t room, char **out,
                        struct err *e);
/* Open a stored answer of `cell` of `survey` back into its JSON (the caller
 * frees *json). Fails when the secret differs or the row was changed or moved. */
int survey_answers_open(int64_t survey, int64_t cell, const char *stored, char **json,
                        struct err *e);
/* A question row (id, driver, kind, text, position, archived) as JSON. */
json_t *survey_question_json(struct store_rows *r);

struct survey_answer;
/* survey_create and survey_submit inside the caller's transaction (the demo). */
int survey_create_in_tx(struct store *db, const char *kind, const char *title,
                        const char *opens_on, const char *closes_on, const int64_t *questions,
                        size_t nquestions, int64_t today, int64_t *id, struct err *e);
int survey_submit_in_tx(struct store *db, int64_t person, int64_t id, int64_t today,
                        const struct survey_answer *answers, size_t n, struct err *e);

#endif
