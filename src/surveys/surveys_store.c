/* surveys_store.c -- the secret, settings, question bank, opening surveys and
 * answering them anonymously (see surveys.h for what is stored where). */
#include "surveys/surveys.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "core/mem.h"
#include "core/text.h"
#include "store/store.h"
#include "surveys/cells.h"
#include "surveys/survey_internal.h"

/* Key base for store_lock: one writer at a time per survey, and for ticks. */
#define SURVEYS_LOCK_TICK 7315999
#define SURVEYS_LOCK_BASE 7316000

/* ---- the instance secret -------------------------------------------------------------------- */

static unsigned char secret[SURVEY_SECRET_BYTES];
static int have_secret;

void surveys_set_secret(const unsigned char key[SURVEY_SECRET_BYTES])
{
    memcpy(secret, key, sizeof secret);
    have_secret = 1;
}

void surveys_default_secret_path(const char *db_url, char *out, size_t len)
{
    if (!strncmp(db_url, "postgres://", 11) || !strncmp(db_url, "postgresql://", 13))
        snprintf(out, len, "reins.secret");
    else
        snprintf(out, len, "%s.secret", !strncmp(db_url, "sqlite:", 7) ? db_url + 7 : db_url);
}

static int read_secret(const char *path, struct err *e)
{
    FILE *f = fopen(path, "r");
    if (!f) return err_set(e, REINS_EIO, "cannot read the secret file %s: %s", path, strerror(errno));
    char hex[2 * SURVEY_SECRET_BYTES + 2] = "";
    size_t got = fread(hex, 1, 2 * SURVEY_SECRET_BYTES, f);
    fclose(f);
    unsigned char key[SURVEY_SECRET_BYTES];
    size_t bin = 0;
    if (got != 2 * SURVEY_SECRET_BYTES ||
        sodium_hex2bin(key, sizeof key, hex, got, NULL, &bin, NULL) != 0 || bin != sizeof key)
        return err_set(e, REINS_EIO, "%s: not a reins secret (64 hex digits expected)", path);
    surveys_set_secret(key);
    sodium_memzero(key, sizeof key);
    return 0;
}

int surveys_load_secret(const char *path, struct err *e)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0 && errno != EEXIST)
        return err_set(e, REINS_EIO, "cannot create the secret file %s: %s", path,
                       strerror(errno));
    if (fd >= 0) {
        unsigned char key[SURVEY_SECRET_BYTES];
        char hex[2 * SURVEY_SECRET_BYTES + 2];
        randombytes_buf(key, sizeof key);
        sodium_bin2hex(hex, sizeof hex - 1, key, sizeof key);
        strcat(hex, "\n");
        sodium_memzero(key, sizeof key);
        ssize_t w = write(fd, hex, strlen(hex));
        int closed = close(fd);
        if (w != (ssize_t)strlen(hex) || closed != 0) {
            unlink(path);
            return err_set(e, REINS_EIO, "cannot write the secret file %s", path);
        }
    }
    return read_secret(path, e);
}

/* What one question may take of an answer's compact JSON: its quoted key, a colon and a
 * comma, and a score of two digits or a comment whose every byte may be escaped to two. */
static size_t answer_room(const char *key, const char *kind)
{
    return strlen(key) + 4 + (!strcmp(kind, "text") ? 2 * SURVEY_COMMENT_MAX + 2 : 2);
}

/* Seal the answers a database stored before answers were sealed (plain JSON), each padded
 * to its survey's room like every new one: one transaction, at start-up. */
static int seal_plain_answers(struct store *db, struct err *e)
{
    int64_t plain = 0;
    int rc = store_int_query(db,
                             "SELECT COUNT(*) FROM survey_responses WHERE answers NOT LIKE 'x1:%'",
                             NO_PARAMS, &plain, e);
    if (rc < 0 || plain == 0) return rc;
    if ((rc = store_begin(db, e)) < 0) return rc;
    struct store_rows *r = NULL;
    if ((rc = store_query(db,
                          "SELECT r.id, r.survey_id, r.cell, r.answers FROM survey_responses r"
                          " WHERE r.answers NOT LIKE 'x1:%' ORDER BY r.survey_id",
                          NO_PARAMS, &r, e)) < 0)
        r = NULL;
    struct plain_row {
        char *id, *sealed;
    } *rows = xcalloc((size_t)plain, sizeof *rows);
    size_t n = 0, room = 0;
    int64_t room_of = -1;
    while (rc >= 0 && (rc = store_next(r, e)) > 0 && n < (size_t)plain) {
        int64_t survey = store_int(r, 1);
        if (survey != room_of) { /* every row of a survey gets the same room */
            struct store_rows *q;
            room = 2;
            room_of = survey;
            if ((rc = store_query(db,
                                  "SELECT q.id, q.kind FROM survey_items i JOIN survey_questions q"
                                  " ON q.id = i.question_id WHERE i.survey_id = $1",
                                  PARAMS(SV_INT(survey)), &q, e)) < 0)
                break;
            while ((rc = store_next(q, e)) > 0) {
                char key[24];
                snprintf(key, sizeof key, "%lld", (long long)store_int(q, 0));
                room += answer_room(key, store_text(q, 1));
            }
            store_rows_free(q);
            if (rc < 0) break;
        }
        rows[n].id = xstrdup(store_text(r, 0));
        if ((rc = survey_answers_seal(survey, store_int(r, 2), store_text(r, 3), room,
                                      &rows[n].sealed, e)) < 0) {
            free(rows[n].id);
            break;
        }
        n++;
    }
    if (r) store_rows_free(r);
    for (size_t i = 0; i < n && rc >= 0; i++)
        rc = store_run(db, "UPDATE survey_responses SET answers = $1 WHERE id = $2",
                       PARAMS(SV_TEXT(rows[i].sealed), SV_TEXT(rows[i].id)), NULL, e);
    for (size_t i = 0; i < n; i++) {
        free(rows[i].id);
        free(rows[i].sealed);
    }
    free(rows);
    if (rc < 0) {
        store_rollback(db);
        return rc;
    }
    return store_commit(db, e);
}

int surveys_check_secret(struct store *db, const char *path, struct err *e)
{
    if (!have_secret)
        return err_set(e, REINS_EINTERNAL, "the survey secret is not loaded (see --secret-file)");
    static const char text[] = "reins secret check 1";
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)text, sizeof text - 1, secret,
                       sizeof secret);
    char mine[65];
    sodium_bin2hex(mine, sizeof mine, h, sizeof h);
    /* the first server on a database records its check; a second starting at
     * the same moment finds it recorded and compares */
    int rc = store_run(db, "UPDATE survey_settings SET secret_check = $1 WHERE secret_check IS NULL",
                       PARAMS(SV_TEXT(mine)), NULL, e);
    if (rc < 0) return rc;
    struct store_rows *r;
    if ((rc = store_query(db, "SELECT secret_check FROM survey_settings", NO_PARAMS, &r, e)) < 0)
        return rc;
    rc = store_next(r, e);
    int same = rc > 0 && !strcmp(store_text(r, 0), mine);
    store_rows_free(r);
    if (rc < 0) return rc;
    if (!same)
        return err_set(e, REINS_EINVAL,
                       "the secret file %s is not the one this database's survey answers were"
                       " sealed with: start with --secret-file (or REINS_SECRET_FILE) naming that"
                       " file",
                       path);
    return seal_plain_answers(db, e);
}

/* The participation key of `person` for `survey`: a keyed BLAKE2b, in hex. */
int survey_person_key(int64_t survey, int64_t person, char out[65], struct err *e)
{
    if (!have_secret)
        return err_set(e, REINS_EINTERNAL, "the survey secret is not loaded (see --secret-file)");
    char msg[64];
    int n = snprintf(msg, sizeof msg, "survey:%lld:person:%lld", (long long)survey,
                     (long long)person);
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)msg, (size_t)n, secret, sizeof secret);
    sodium_bin2hex(out, 65, h, sizeof h);
    return 0;
}

/* ---- sealed answers ------------------------------------------------------------------------- */

/* Answers are stored sealed (XChaCha20-Poly1305) under a key derived from the
 * instance secret, so a backup holds no answer text. Each is padded to the
 * largest answer its survey allows and bound to its survey and cell. Every
 * answer reseals its whole cell with fresh nonces, so two backups taken around
 * one answer differ in every row of that cell, all rows of one size: the diff
 * says that someone answered, never which row or what. */
#define SEAL_PREFIX "x1:"
#define SEAL_NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define SEAL_TAG crypto_aead_xchacha20poly1305_ietf_ABYTES

static int seal_key(unsigned char key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES], struct err *e)
{
    if (!have_secret)
        return err_set(e, REINS_EINTERNAL, "the survey secret is not loaded (see --secret-file)");
    crypto_kdf_derive_from_key(key, crypto_aead_xchacha20poly1305_ietf_KEYBYTES, 1, "answers_",
                               secret);
    return 0;
}

static int seal_bound_to(int64_t survey, int64_t cell, char ad[64])
{
    return snprintf(ad, 64, "survey:%lld:cell:%lld", (long long)survey, (long long)cell);
}

int survey_answers_seal(int64_t survey, int64_t cell, const char *json, size_t room, char **out,
                        struct err *e)
{
    unsigned char key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
    int rc = seal_key(key, e);
    if (rc < 0) return rc;
    size_t len = strlen(json);
    if (len > room)
        return err_set(e, REINS_EINTERNAL, "an answer of %zu bytes is over its survey's %zu", len,
                       room);
    /* sodium_pad adds at least one byte: every answer becomes room + 1 bytes */
    size_t block = room + 1, padded;
    unsigned char *plain = xmalloc(block), *box = xmalloc(SEAL_NONCE + block + SEAL_TAG);
    memcpy(plain, json, len);
    if (sodium_pad(&padded, plain, len, block, block) != 0) {
        free(plain);
        free(box);
        return err_set(e, REINS_EINTERNAL, "cannot pad an answer");
    }
    randombytes_buf(box, SEAL_NONCE);
    char ad[64];
    int adlen = seal_bound_to(survey, cell, ad);
    unsigned long long boxlen;
    crypto_aead_xchacha20poly1305_ietf_encrypt(box + SEAL_NONCE, &boxlen, plain, padded,
                                               (const unsigned char *)ad, (unsigned long long)adlen,
                                               NULL, box, key);
    size_t total = SEAL_NONCE + (size_t)boxlen;
    size_t b64 = sodium_base64_ENCODED_LEN(total, sodium_base64_VARIANT_ORIGINAL);
    char *text = xmalloc(sizeof SEAL_PREFIX - 1 + b64);
    memcpy(text, SEAL_PREFIX, sizeof SEAL_PREFIX - 1);
    sodium_bin2base64(text + sizeof SEAL_PREFIX - 1, b64, box, total,
                      sodium_base64_VARIANT_ORIGINAL);
    sodium_memzero(plain, block);
    sodium_memzero(key, sizeof key);
    free(plain);
    free(box);
    *out = text;
    return 0;
}

int survey_answers_open(int64_t survey, int64_t cell, const char *stored, char **json,
                        struct err *e)
{
    unsigned char key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
    int rc = seal_key(key, e);
    if (rc < 0) return rc;
    size_t n = strlen(stored), boxlen = 0;
    unsigned char *box = xmalloc(n + 1), *plain = NULL;
    unsigned long long plainlen = 0;
    char ad[64];
    int adlen = seal_bound_to(survey, cell, ad);
    size_t unpadded;
    if (strncmp(stored, SEAL_PREFIX, sizeof SEAL_PREFIX - 1) ||
        sodium_base642bin(box, n, stored + sizeof SEAL_PREFIX - 1, n - (sizeof SEAL_PREFIX - 1),
                          NULL, &boxlen, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
        boxlen < SEAL_NONCE + SEAL_TAG + 1)
        rc = -1;
    else {
        plain = xmalloc(boxlen);
        rc = crypto_aead_xchacha20poly1305_ietf_decrypt(
            plain, &plainlen, NULL, box + SEAL_NONCE, boxlen - SEAL_NONCE,
            (const unsigned char *)ad, (unsigned long long)adlen, box, key);
        if (rc == 0) rc = sodium_unpad(&unpadded, plain, (size_t)plainlen, (size_t)plainlen);
    }
    sodium_memzero(key, sizeof key);
    free(box);
    if (rc != 0) {
        free(plain);
        return err_set(e, REINS_EINTERNAL,
                       "a stored answer of survey %lld cannot be opened: the secret file is not"
                       " the one this database was written with, or the row was altered",
                       (long long)survey);
    }
    char *text = xmalloc(unpadded + 1);
    memcpy(text, plain, unpadded);
    text[unpadded] = '\0';
    sodium_memzero(plain, (size_t)plainlen);
    free(plain);
    *json = text;
    return 0;
}

/* ---- settings ------------------------------------------------------------------------------- */

static const char SQL_SETTINGS[] = "SELECT min_group, pulses_on, pulse_every_days, pulse_open_days,"
                                   " pulse_questions FROM survey_settings WHERE id = 1";
static const char *const SETTING_NAMES[] = {"min_group", "pulses_on", "pulse_every_days",
                                            "pulse_open_days", "pulse_questions"};
static const int64_t SETTING_MIN[] = {3, 0, 1, 1, 1}, SETTING_MAX[] = {1000, 1, 366, 366, 50};

int survey_settings_read(struct store *db, int64_t v[5], struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, SQL_SETTINGS, NO_PARAMS, &r, e);
    if (rc < 0) return rc;
    if ((rc = store_next(r, e)) > 0)
        for (int i = 0; i < 5; i++)
            v[i] = store_int(r, i);
    store_rows_free(r);
    if (rc == 0) return err_set(e, REINS_EINTERNAL, "survey settings are missing");
    return rc < 0 ? rc : 0;
}

int surveys_settings(struct store *db, json_t **out, struct err *e)
{
    int64_t v[5];
    int rc = survey_settings_read(db, v, e);
    if (rc < 0) return rc;
    json_t *o = json_object();
    for (int i = 0; i < 5; i++)
        json_object_set_new(o, SETTING_NAMES[i],
                            i == 1 ? json_boolean(v[i]) : json_integer((json_int_t)v[i]));
    json_object_set_new(o, "min_group_floor", json_integer(3));
    *out = o;
    return 0;
}

int surveys_settings_update(struct store *db, json_t *patch, struct err *e)
{
    int64_t v[5];
    int rc = survey_settings_read(db, v, e);
    if (rc < 0) return rc;
    const char *key;
    json_t *val;
    json_object_foreach(patch, key, val)
    {
        int i = 0;
        while (i < 5 && strcmp(key, SETTING_NAMES[i]))
            i++;
        if (i == 5) return err_set(e, REINS_EINVAL, "field %.60s: unknown field", key);
        /* err_field keeps the pointer: name the field by the static string */
        const char *field = SETTING_NAMES[i];
        if (i == 1) {
            if (!json_is_boolean(val))
                return err_field(e, REINS_EINVAL, field, "field %s: true or false", field);
            v[i] = json_is_true(val);
            continue;
        }
        if (!json_is_integer(val) || json_integer_value(val) < SETTING_MIN[i] ||
            json_integer_value(val) > SETTING_MAX[i])
            return err_field(e, REINS_EINVAL, field,
                             "field %s: a whole number from %lld to %lld%s", field,
                             (long long)SETTING_MIN[i], (long long)SETTING_MAX[i],
                             i == 0 ? " (never below 3: smaller groups could be singled out)" : "");
        v[i] = json_integer_value(val);
    }
    return store_run(db,
                     "UPDATE survey_settings SET min_group = $1, pulses_on = $2,"
                     " pulse_every_days = $3, pulse_open_days = $4, pulse_questions = $5"
                     " WHERE id = 1",
                     PARAMS(SV_INT(v[0]), SV_INT(v[1]), SV_INT(v[2]), SV_INT(v[3]), SV_INT(v[4])),
                     NULL, e);
}

/* ---- the question bank ---------------------------------------------------------------------- */

static const char SQL_QUESTIONS[] =
    "SELECT id, driver, kind, text, position, archived FROM survey_questions"
    " WHERE (CAST($1 AS BIGINT) = 1 OR archived = 0) ORDER BY position, id";

json_t *survey_question_json(struct store_rows *r)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:I, s:b}", "id", (json_int_t)store_int(r, 0),
                     "driver", store_text(r, 1), "kind", store_text(r, 2), "text",
                     store_text(r, 3), "position", (json_int_t)store_int(r, 4), "archived",
                     (int)store_int(r, 5));
}

int survey_questions_list(struct store *db, int include_archived, json_t **out, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, SQL_QUESTIONS, PARAMS(SV_INT(include_archived ? 1 : 0)), &r, e);
    if (rc < 0) return rc;
    json_t *a = json_array();
    while ((rc = store_next(r, e)) > 0)
        json_array_append_new(a, survey_question_json(r));
    store_rows_free(r);
    if (rc < 0) {
        json_decref(a);
        return rc;
    }
    *out = a;
    return 0;
}

static int question_fields(json_t *body, int creating, const char **driver, const char **kind,
                           const char **text, int64_t *position, int *archived, struct err *e)
{
    json_t *v;
    if ((v = json_object_get(body, "driver"))) {
        if (!json_is_string(v)) return err_field(e, REINS_EINVAL, "driver", "field driver: text");
        *driver = json_string_value(v);
        int rc = text_check(*driver, 60, "driver", e);
        if (rc < 0) return rc;
    } else if (creating) {
        return err_field(e, REINS_EINVAL, "driver", "field driver: required");
    }
    if ((v = json_object_get(body, "kind"))) {
        if (!creating) return err_field(e, REINS_EINVAL, "kind", "field kind: cannot change");
        *kind = json_is_string(v) ? json_string_value(v) : "";
        if (strcmp(*kind, "likert") && strcmp(*kind, "enps") && strcmp(*kind, "text"))
            return err_field(e, REINS_EINVAL, "kind", "field kind: likert, enps or text");
    } else if (creating) {
        *kind = "likert";
    }
    if ((v = json_object_get(body, "text"))) {
        if (!json_is_string(v)) return err_field(e, REINS_EINVAL, "text", "field text: text");
        *text = json_string_value(v);
        int rc = text_check(*text, SURVEY_QUESTION_MAX, "text", e);
        if (rc < 0) return rc;
    } else if (creating) {
        return err_field(e, REINS_EINVAL, "text", "field text: required");
    }
    if ((v = json_object_get(body, "position"))) {
        if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > 1000000)
            return err_field(e, REINS_EINVAL, "position", "field position: 0 to 1000000");
        *position = json_integer_value(v);
    }
    if ((v = json_object_get(body, "archived"))) {
        if (!json_is_boolean(v))
            return err_field(e, REINS_EINVAL, "archived", "field archived: true or false");
        *archived = json_is_true(v);
    }
    return 0;
}

int survey_question_create(struct store *db, json_t *body, int64_t *id, struct err *e)
{
    const char *driver = NULL, *kind = NULL, *text = NULL;
    int64_t position = -1;
    int archived = -1;
    int rc = question_fields(body, 1, &driver, &kind, &text, &position, &archived, e);
    if (rc < 0) return rc;
    if (position < 0) {
        rc = store_int_query(db, "SELECT COALESCE(MAX(position), 0) + 1 FROM survey_questions",
                             NO_PARAMS, &position, e);
        if (rc < 0) return rc;
    }
    return store_int_query(db,
                           "INSERT INTO survey_questions (driver, kind, text, position, archived)"
                           " VALUES ($1, $2, $3, $4, $5) RETURNING id",
                           PARAMS(SV_TEXT(driver), SV_TEXT(kind), SV_TEXT(text), SV_INT(position),
                                  SV_INT(archived > 0)),
                           id, e);
}

int survey_question_update(struct store *db, int64_t id, json_t *body, struct err *e)
{
    const char *driver = NULL, *kind = NULL, *text = NULL;
    int64_t position = -1;
    int archived = -1;
    int rc = question_fields(body, 0, &driver, &kind, &text, &position, &archived, e);
    if (rc < 0) return rc;
    int64_t changed = 0;
    rc = store_run(db,
                   "UPDATE survey_questions SET driver = COALESCE($2, driver),"
                   " text = COALESCE($3, text),"
                   " position = CASE WHEN $4 >= 0 THEN $4 ELSE position END,"
                   " archived = CASE WHEN $5 >= 0 THEN $5 ELSE archived END WHERE id = $1",
                   PARAMS(SV_INT(id), SV_TEXT(driver), SV_TEXT(text), SV_INT(position),
                          SV_INT(archived)),
                   &changed, e);
    if (rc < 0) return rc;
    if (!changed) return err_set(e, REINS_ENOTFOUND, "no question with id %lld", (long long)id);
    return 0;
}

/* ---- opening a survey ----------------------------------------------------------------------- */

int survey_tenure_band(int64_t start_days, int64_t today_days)
{
    int64_t days = today_days - start_days;
    if (days < 183) return 0;
    if (days < 365) return 1;
    if (days < 730) return 2;
    return 3;
}

const char *const survey_band_names[SURVEY_BANDS] = {"under 6 months", "6 to 12 months",
                                                     "1 to 2 years", "2 years or more"};
const char *const survey_role_names[SURVEY_ROLES] = {"", "people manager",
                                                     "individual contributor"};

struct invitee {
    int64_t id, manager, team;
    int64_t start;
};

static int by_id(const void *a, const void *b)
{
    const struct invitee *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

static int32_t index_of(const struct invitee *v, size_t n, int64_t id)
{
    struct invitee key = {.id = id};
    const struct invitee *f = bsearch(&key, v, n, sizeof *v, by_id);
    return f ? (int32_t)(f - v) : -1;
}

/* Invite everyone active and file them in cells; the survey row exists. */
static int invite(struct store *db, int64_t survey, int min_group, int64_t today, int64_t *invited,
                  struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db,
                         "SELECT id, COALESCE(manager_id, 0), COALESCE(team_id, 0), start_date"
                         " FROM people WHERE status <> 'left' ORDER BY id",
                         NO_PARAMS, &r, e);
    if (rc < 0) return rc;
    size_t n = 0, cap = 64;
    struct invitee *v = xcalloc(cap, sizeof *v);
    while ((rc = store_next(r, e)) > 0) {
        if (n == cap) v = xrealloc(v, (cap *= 2) * sizeof *v);
        v[n++] = (struct invitee){store_int(r, 0), store_int(r, 1), store_int(r, 2),
                                  date_to_days(store_text(r, 3))};
    }
    store_rows_free(r);
    if (rc < 0) {
        free(v);
        return rc;
    }
    struct cell_person *people = xcalloc(n ? n : 1, sizeof *people);
    for (size_t i = 0; i < n; i++) {
        people[i].manager = index_of(v, n, v[i].manager);
        people[i].dims[CELL_TEAM] = v[i].team;
        people[i].dims[CELL_BAND] = survey_tenure_band(v[i].start, today);
        people[i].dims[CELL_ROLE] = 2;
    }
    for (size_t i = 0; i < n; i++)
        if (people[i].manager >= 0) people[people[i].manager].dims[CELL_ROLE] = 1;
    int32_t *cell_of = xcalloc(n ? n : 1, sizeof *cell_of);
    struct cell *cells = xcalloc(n ? n : 1, sizeof *cells);
    size_t ncells = 0;
    cells_build(people, n, min_group, cell_of, cells, &ncells);
    for (size_t c = 0; c < ncells && rc >= 0; c++) {
        const struct cell *x = &cells[c];
        rc = store_run(
            db,
            "INSERT INTO survey_cells (survey_id, cell, manager_id, team_id, tenure_band, role,"
            " invited) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            PARAMS(SV_INT(survey), SV_INT(c), x->node >= 0 ? SV_INT(v[x->node].id) : SV_NULL,
                   x->dims[CELL_TEAM] > 0 ? SV_INT(x->dims[CELL_TEAM]) : SV_NULL,
                   x->dims[CELL_BAND] >= 0 ? SV_INT(x->dims[CELL_BAND]) : SV_NULL,
                   x->dims[CELL_ROLE] > 0 ? SV_TEXT(x->dims[CELL_ROLE] == 1 ? "manager"
                                                                             : "individual")
                                          : SV_NULL,
                   SV_INT(x->size)),
            NULL, e);
    }
    for (size_t i = 0; i < n && rc >= 0; i++)
        rc = store_run(db,
                       "INSERT INTO survey_invitees (survey_id, person_id, cell) VALUES ($1, $2, $3)",
                       PARAMS(SV_INT(survey), SV_INT(v[i].id), SV_INT(cell_of[i])), NULL, e);
    *invited = (int64_t)n;
    free(v);
    free(people);
    free(cell_of);
    free(cells);
    return rc < 0 ? rc : 0;
}

int survey_create_in_tx(struct store *db, const char *kind, const char *title,
                        const char *opens_on, const char *closes_on, const int64_t *questions,
                        size_t nquestions, int64_t today, int64_t *id, struct err *e)
{
    int64_t settings[5];
    int rc = survey_settings_read(db, settings, e);
    if (rc < 0) return rc;
    rc = store_int_query(db,
                         "INSERT INTO surveys (kind, title, opens_on, closes_on, min_group, invited,"
                         " created_at) VALUES ($1, $2, $3, $4, $5, 0, $6) RETURNING id",
                         PARAMS(SV_TEXT(kind), SV_TEXT(title), SV_TEXT(opens_on),
                                SV_TEXT(closes_on), SV_INT(settings[0]), SV_INT(time(NULL))),
                         id, e);
    if (rc < 0) return rc;
    int scored = 0;
    for (size_t i = 0; i < nquestions; i++) {
        struct store_rows *r;
        if ((rc = store_query(db, "SELECT kind, archived FROM survey_questions WHERE id = $1",
                              PARAMS(SV_INT(questions[i])), &r, e)) < 0)
            return rc;
        int found = store_next(r, e), archived = 0;
        if (found > 0) {
            scored += strcmp(store_text(r, 0), "text") != 0;
            archived = store_int(r, 1) != 0;
        }
        store_rows_free(r);
        if (found < 0) return found;
        if (!found || archived)
            return err_field(e, REINS_EINVAL, "questions",
                             "field questions: %lld is not an active question",
                             (long long)questions[i]);
        rc = store_run(db,
                       "INSERT INTO survey_items (survey_id, question_id, position)"
                       " VALUES ($1, $2, $3)",
                       PARAMS(SV_INT(*id), SV_INT(questions[i]), SV_INT(i + 1)), NULL, e);
        if (rc == REINS_ECONFLICT)
            return err_field(e, REINS_EINVAL, "questions", "field questions: %lld is listed twice",
                             (long long)questions[i]);
        if (rc < 0) return rc;
    }
    if (!scored)
        return err_field(e, REINS_EINVAL, "questions",
                         "field questions: at least one question with a score");
    int64_t invited = 0;
    if ((rc = invite(db, *id, (int)settings[0], today, &invited, e)) < 0) return rc;
    return store_run(db, "UPDATE surveys SET invited = $2 WHERE id = $1",
                     PARAMS(SV_INT(*id), SV_INT(invited)), NULL, e);
}

/* Every active question, in bank order. */
static int active_questions(struct store *db, int64_t **out, size_t *n, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, SQL_QUESTIONS, PARAMS(SV_INT(0)), &r, e);
    if (rc < 0) return rc;
    size_t len = 0, cap = 16;
    int64_t *v = xcalloc(cap, sizeof *v);
    while ((rc = store_next(r, e)) > 0) {
        if (len == cap) v = xrealloc(v, (cap *= 2) * sizeof *v);
        v[len++] = store_int(r, 0);
    }
    store_rows_free(r);
    *out = v;
    *n = len;
    return rc;
}

int survey_create(struct store *db, const char *kind, const char *title, const char *opens_on,
                  const char *closes_on, const int64_t *questions, size_t nquestions,
                  int64_t today, int64_t *id, struct err *e)
{
    if (!kind || (strcmp(kind, "pulse") && strcmp(kind, "full")))
        return err_field(e, REINS_EINVAL, "kind", "field kind: pulse or full");
    int rc = text_check(title ? title : "", SURVEY_TITLE_MAX, "title", e);
    if (rc < 0) return rc;
    if ((rc = date_check(opens_on ? opens_on : "", "opens_on", e)) < 0) return rc;
    if ((rc = date_check(closes_on ? closes_on : "", "closes_on", e)) < 0) return rc;
    if (strcmp(closes_on, opens_on) < 0)
        return err_field(e, REINS_EINVAL, "closes_on", "field closes_on: before opens_on");
    int64_t *all = NULL;
    size_t nall = 0;
    if ((rc = store_begin(db, e)) < 0) return rc;
    if (!questions && (rc = active_questions(db, &all, &nall, e)) < 0) goto fail;
    rc = survey_create_in_tx(db, kind, title, opens_on, closes_on, questions ? questions : all,
                      questions ? nquestions : nall, today, id, e);
    if (rc < 0) goto fail;
    free(all);
    return store_commit(db, e);
fail:
    free(all);
    store_rollback(db);
    return rc;
}

int surveys_tick(struct store *db, int64_t today, int64_t *id, struct err *e)
{
    *id = 0;
    int64_t s[5];
    int rc = survey_settings_read(db, s, e);
    if (rc < 0 || !s[1]) return rc;
    if ((rc = store_begin(db, e)) < 0) return rc;
    if ((rc = store_lock(db, SURVEYS_LOCK_TICK, e)) < 0) goto fail;
    struct store_rows *r;
    if ((rc = store_query(db, "SELECT MAX(opens_on) FROM surveys WHERE kind = 'pulse'", NO_PARAMS,
                          &r, e)) < 0)
        goto fail;
    int64_t last = -1;
    if ((rc = store_next(r, e)) > 0 && store_text(r, 0)) last = date_to_days(store_text(r, 0));
    store_rows_free(r);
    if (rc < 0) goto fail;
    if (last >= 0 && last + s[2] > today) {
        store_rollback(db);
        return 0;
    }
    /* The drivers asked least recently first, then eNPS and comments. */
    if ((rc = store_query(db,
                          "SELECT q.id, q.kind, (SELECT MAX(s.opens_on) FROM survey_items i"
                          " JOIN surveys s ON s.id = i.survey_id WHERE i.question_id = q.id)"
                          " AS asked FROM survey_questions q WHERE q.archived = 0"
                          " ORDER BY CASE WHEN q.kind = 'likert' THEN 0 ELSE 1 END,"
                          " CASE WHEN (SELECT MAX(s.opens_on) FROM survey_items i"
                          " JOIN surveys s ON s.id = i.survey_id WHERE i.question_id = q.id)"
                          " IS NULL THEN 0 ELSE 1 END, asked, q.position, q.id",
                          NO_PARAMS, &r, e)) < 0)
        goto fail;
    int64_t picked[64];
    size_t npicked = 0, likert = 0;
    while ((rc = store_next(r, e)) > 0 && npicked < 64) {
        int is_likert = !strcmp(store_text(r, 1), "likert");
        if (is_likert && likert >= (size_t)s[4]) continue;
        likert += is_likert;
        picked[npicked++] = store_int(r, 0);
    }
    store_rows_free(r);
    if (rc < 0) goto fail;
    char opens[11], closes[11], title[64];
    date_from_days(today, opens);
    date_from_days(today + s[3] - 1, closes);
    snprintf(title, sizeof title, "Pulse %s", opens);
    if ((rc = survey_create_in_tx(db, "pulse", title, opens, closes, picked, npicked, today, id, e)) < 0)
        goto fail;
    return store_commit(db, e);
fail:
    store_rollback(db);
    *id = 0;
    return rc;
}

/* ---- listing -------------------------------------------------------------------------------- */

static const char SQL_SURVEY_ROWS[] =
    "SELECT id, kind, title, opens_on, closes_on, min_group, invited,"
    " (SELECT COUNT(*) FROM survey_participation p WHERE p.survey_id = surveys.id), closed_early"
    " FROM surveys WHERE (CAST($1 AS BIGINT) = 0 OR id = $1) ORDER BY opens_on DESC, id DESC";

static int answered(struct store *db, int64_t survey, int64_t person, int *out, struct err *e)
{
    char key[65];
    int rc = survey_person_key(survey, person, key, e);
    if (rc < 0) return rc;
    int64_t n = 0;
    rc = store_int_query(db,
                         "SELECT COUNT(*) FROM survey_participation"
                         " WHERE survey_id = $1 AND person_key = $2",
                         PARAMS(SV_INT(survey), SV_TEXT(key)), &n, e);
    *out = n > 0;
    return rc;
}

static int survey_rows(struct store *db, const struct principal *who, int64_t only, int64_t today,
                       json_t **out, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, SQL_SURVEY_ROWS, PARAMS(SV_INT(only)), &r, e);
    if (rc < 0) return rc;
    json_t *a = json_array();
    while ((rc = store_next(r, e)) > 0) {
        int64_t opens = date_to_days(store_text(r, 3)), closes = date_to_days(store_text(r, 4));
        json_array_append_new(
            a, json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:I, s:I, s:b}", "id",
                         (json_int_t)store_int(r, 0), "kind", store_text(r, 1), "title",
                         store_text(r, 2), "opens_on", store_text(r, 3), "closes_on",
                         store_text(r, 4), "min_group", (json_int_t)store_int(r, 5), "invited",
                         (json_int_t)store_int(r, 6), "answered_count",
                         (json_int_t)store_int(r, 7), "open",
                         opens <= today && today <= closes && !store_int(r, 8)));
    }
    store_rows_free(r);
    size_t i;
    json_t *s;
    json_array_foreach(a, i, s)
    {
        if (rc < 0 || !who->person_id) break;
        int64_t sid = json_integer_value(json_object_get(s, "id")), invited = 0;
        int done = 0;
        rc = store_int_query(db,
                             "SELECT COUNT(*) FROM survey_invitees"
                             " WHERE survey_id = $1 AND person_id = $2",
                             PARAMS(SV_INT(sid), SV_INT(who->person_id)), &invited, e);
        if (rc >= 0 && invited) rc = answered(db, sid, who->person_id, &done, e);
        json_object_set_new(s, "invited_you", json_boolean(invited > 0));
        json_object_set_new(s, "answered", json_boolean(done));
    }
    if (rc < 0) {
        json_decref(a);
        return rc;
    }
    *out = a;
    return 0;
}

int surveys_list(struct store *db, const struct principal *who, int64_t today, json_t **out,
                 struct err *e)
{
    return survey_rows(db, who, 0, today, out, e);
}

int survey_get(struct store *db, const struct principal *who, int64_t id, int64_t today,
               json_t **out, struct err *e)
{
    json_t *a = NULL;
    int rc = survey_rows(db, who, id, today, &a, e);
    if (rc < 0) return rc;
    if (json_array_size(a) == 0) {
        json_decref(a);
        return err_set(e, REINS_ENOTFOUND, "no survey with id %lld", (long long)id);
    }
    json_t *s = json_incref(json_array_get(a, 0));
    json_decref(a);
    struct store_rows *r;
    if ((rc = store_query(db,
                          "SELECT q.id, q.driver, q.kind, q.text, i.position, q.archived"
                          " FROM survey_items i JOIN survey_questions q ON q.id = i.question_id"
                          " WHERE i.survey_id = $1 ORDER BY i.position",
                          PARAMS(SV_INT(id)), &r, e)) < 0) {
        json_decref(s);
        return rc;
    }
    json_t *q = json_array();
    while ((rc = store_next(r, e)) > 0)
        json_array_append_new(q, survey_question_json(r));
    store_rows_free(r);
    json_object_set_new(s, "questions", q);
    if (rc < 0) {
        json_decref(s);
        return rc;
    }
    *out = s;
    return 0;
}

/* ---- answering ------------------------------------------------------------------------------ */

/* The answers as a JSON object keyed by question id, keys sorted: the text
 * carries no trace of the order in which anything was given. */
static int answers_text(struct store *db, int64_t survey, const struct survey_answer *a, size_t n,
                        char **out, size_t *room, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db,
                         "SELECT q.id, q.kind FROM survey_items i"
                         " JOIN survey_questions q ON q.id = i.question_id WHERE i.survey_id = $1",
                         PARAMS(SV_INT(survey)), &r, e);
    if (rc < 0) return rc;
    json_t *kinds = json_object();
    *room = 2; /* the longest answer this survey allows: braces, then each question's room */
    while ((rc = store_next(r, e)) > 0) {
        char key[24];
        snprintf(key, sizeof key, "%lld", (long long)store_int(r, 0));
        json_object_set_new(kinds, key, json_string(store_text(r, 1)));
        *room += answer_room(key, store_text(r, 1));
    }
    store_rows_free(r);
    json_t *o = json_object();
    for (size_t i = 0; i < n && rc == 0; i++) {
        char key[24];
        snprintf(key, sizeof key, "%lld", (long long)a[i].question_id);
        const char *kind = json_string_value(json_object_get(kinds, key));
        if (!kind)
            rc = err_field(e, REINS_EINVAL, "answers",
                           "field answers[%zu]: question %lld is not in this survey", i,
                           (long long)a[i].question_id);
        else if (json_object_get(o, key))
            rc = err_field(e, REINS_EINVAL, "answers", "field answers[%zu]: question %lld twice",
                           i, (long long)a[i].question_id);
        else if (!strcmp(kind, "text")) {
            if (!a[i].comment)
                rc = err_field(e, REINS_EINVAL, "answers",
                               "field answers[%zu]: question %lld takes a comment", i,
                               (long long)a[i].question_id);
            else if ((rc = note_check(a[i].comment, SURVEY_COMMENT_MAX, "answers", e)) == 0 &&
                     a[i].comment[strspn(a[i].comment, " \t\r\n")])
                json_object_set_new(o, key, json_string(a[i].comment));
        } else {
            int enps = !strcmp(kind, "enps"), min = enps ? 0 : 1, max = enps ? 10 : 5;
            if (a[i].comment || a[i].score < min || a[i].score > max)
                rc = err_field(e, REINS_EINVAL, "answers",
                               "field answers[%zu]: question %lld takes a score from %d to %d", i,
                               (long long)a[i].question_id, min, max);
            else
                json_object_set_new(o, key, json_integer(a[i].score));
        }
    }
    const char *key;
    json_t *kind;
    json_object_foreach(kinds, key, kind)
    {
        if (rc == 0 && strcmp(json_string_value(kind), "text") && !json_object_get(o, key))
            rc = err_field(e, REINS_EINVAL, "answers", "field answers: question %s is not answered",
                           key);
    }
    if (rc == 0) *out = json_dumps(o, JSON_COMPACT | JSON_SORT_KEYS);
    json_decref(o);
    json_decref(kinds);
    return rc;
}

struct stored {
    char id[33];
    char *answers;
};

int survey_submit_in_tx(struct store *db, int64_t person, int64_t id, int64_t today,
                        const struct survey_answer *answers, size_t n, struct err *e)
{
    char key[65];
    int rc = survey_person_key(id, person, key, e);
    if (rc < 0) return rc;
    char *text = NULL;
    struct stored *rows = NULL;
    size_t nrows = 0, cap = 16;
    struct store_rows *r;
    if ((rc = store_lock(db, SURVEYS_LOCK_BASE + id, e)) < 0) goto done;
    if ((rc = store_query(db, "SELECT opens_on, closes_on, closed_early FROM surveys WHERE id = $1",
                          PARAMS(SV_INT(id)), &r, e)) < 0)
        goto done;
    int found = store_next(r, e), open = 0;
    if (found > 0)
        open = date_to_days(store_text(r, 0)) <= today &&
               today <= date_to_days(store_text(r, 1)) && !store_int(r, 2);
    store_rows_free(r);
    if (found <= 0) {
        rc = found < 0 ? found
                       : err_set(e, REINS_ENOTFOUND, "no survey with id %lld", (long long)id);
        goto done;
    }
    if (!open) {
        rc = err_set(e, REINS_EINVAL, "this survey is not open for answers today");
        goto done;
    }
    int64_t cell = -1;
    rc = store_int_query(db,
                         "SELECT cell FROM survey_invitees WHERE survey_id = $1 AND person_id = $2",
                         PARAMS(SV_INT(id), SV_INT(person)), &cell, e);
    if (rc == REINS_ENOTFOUND)
        rc = err_set(e, REINS_EFORBIDDEN,
                     "you were not invited to this survey (it opened before you joined)");
    if (rc < 0) goto done;
    size_t room;
    if ((rc = answers_text(db, id, answers, n, &text, &room, e)) < 0) goto done;
    rc = store_run(db, "INSERT INTO survey_participation (survey_id, person_key) VALUES ($1, $2)",
                   PARAMS(SV_INT(id), SV_TEXT(key)), NULL, e);
    if (rc == REINS_ECONFLICT)
        rc = err_set(e, REINS_ECONFLICT, "you have answered this survey already");
    if (rc < 0) goto done;

    /* The cell's responses are written again under fresh random keys, in a
     * random order, in this transaction: the new one is not the last row and
     * all of them share this transaction's bookkeeping. */
    if ((rc = store_query(db,
                          "SELECT answers FROM survey_responses WHERE survey_id = $1 AND cell = $2",
                          PARAMS(SV_INT(id), SV_INT(cell)), &r, e)) < 0)
        goto done;
    rows = xcalloc(cap, sizeof *rows);
    while ((rc = store_next(r, e)) > 0) {
        if (nrows + 1 >= cap) {
            rows = xrealloc(rows, 2 * cap * sizeof *rows);
            memset(rows + cap, 0, cap * sizeof *rows);
            cap *= 2;
        }
        if ((rc = survey_answers_open(id, cell, store_text(r, 0), &rows[nrows].answers, e)) < 0)
            break;
        nrows++;
    }
    store_rows_free(r);
    if (rc < 0) goto done;
    rows[nrows++].answers = text;
    text = NULL;
    for (size_t i = nrows - 1; i > 0; i--) { /* Fisher-Yates */
        size_t j = randombytes_uniform((uint32_t)(i + 1));
        struct stored t = rows[i];
        rows[i] = rows[j];
        rows[j] = t;
    }
    if ((rc = store_run(db, "DELETE FROM survey_responses WHERE survey_id = $1 AND cell = $2",
                        PARAMS(SV_INT(id), SV_INT(cell)), NULL, e)) < 0)
        goto done;
    for (size_t i = 0; i < nrows && rc >= 0; i++) {
        unsigned char rnd[16];
        randombytes_buf(rnd, sizeof rnd);
        sodium_bin2hex(rows[i].id, sizeof rows[i].id, rnd, sizeof rnd);
        char *sealed;
        if ((rc = survey_answers_seal(id, cell, rows[i].answers, room, &sealed, e)) < 0) break;
        free(rows[i].answers);
        rows[i].answers = sealed;
        rc = store_run(db,
                       "INSERT INTO survey_responses (id, survey_id, cell, answers)"
                       " VALUES ($1, $2, $3, $4)",
                       PARAMS(SV_TEXT(rows[i].id), SV_INT(id), SV_INT(cell),
                              SV_TEXT(rows[i].answers)),
                       NULL, e);
    }
done:
    for (size_t i = 0; i < nrows; i++)
        free(rows[i].answers);
    free(rows);
    free(text);
    return rc < 0 ? rc : 0;
}

int survey_submit(struct store *db, const struct principal *who, int64_t id, int64_t today,
                  const struct survey_answer *answers, size_t n, struct err *e)
{
    if (!who->person_id)
        return err_set(e, REINS_EFORBIDDEN, "only a person can answer a survey");
    int rc = store_begin(db, e);
    if (rc < 0) return rc;
    if ((rc = survey_submit_in_tx(db, who->person_id, id, today, answers, n, e)) < 0) {
        store_rollback(db);
        return rc;
    }
    return store_commit(db, e);
}

int survey_close(struct store *db, int64_t id, struct err *e)
{
    int64_t changed = 0;
    int rc = store_run(db, "UPDATE surveys SET closed_early = 1 WHERE id = $1", PARAMS(SV_INT(id)),
                       &changed, e);
    if (rc < 0) return rc;
    if (!changed) return err_set(e, REINS_ENOTFOUND, "no survey with id %lld", (long long)id);
    return 0;
}
