/* test_surveys.c -- pulse surveys on both databases: the raw tables cannot
 * link an answer to a person, answers are refused when they should be, and
 * results keep the threshold and no-differencing rules for every viewer. */
#include "testdb.h"
#include "fixtures.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth/principal.h"
#include "core/mem.h"
#include "core/text.h"
#include "demo/demo.h"
#include "surveys/survey_internal.h"
#include "surveys/surveys.h"

static const char *const TODAY = "2026-03-02";

static void use_secret(unsigned char fill)
{
    unsigned char key[SURVEY_SECRET_BYTES];
    memset(key, fill, sizeof key);
    surveys_set_secret(key);
}

/* ---- the organisation --------------------------------------------------------------------- */

/* T (VP, no team) leads A, C, w1, w2. A (North) leads B and x1..x4; B (North) leads y1..y5;
 * C (South) leads z1..z5. With min_group 5 the cells are: B's tree (y1..y5), A's tree
 * (B, x1..x4), C's tree (z1..z5) and the company (T, A, C, w1, w2). */
struct org {
    int64_t north, south;
    int64_t t, a, b, c, w[2], x[4], y[5], z[5];
};

static int64_t person(struct store *db, const char *name, int64_t manager, int64_t team)
{
    char email[128];
    snprintf(email, sizeof email, "%s@test.example", name);
    return fixture_person(db, name, email, manager, team, NULL, NULL);
}

static struct org make_org(struct store *db)
{
    struct org o;
    char name[48];
    o.north = fixture_team(db, "North");
    o.south = fixture_team(db, "South");
    o.t = person(db, "tess.top", 0, 0);
    o.a = person(db, "abe.north", o.t, o.north);
    o.c = person(db, "cleo.south", o.t, o.south);
    for (int i = 0; i < 2; i++) {
        snprintf(name, sizeof name, "wendy%d.staff", i + 1);
        o.w[i] = person(db, name, o.t, 0);
    }
    o.b = person(db, "bo.north", o.a, o.north);
    for (int i = 0; i < 4; i++) {
        snprintf(name, sizeof name, "xavi%d.north", i + 1);
        o.x[i] = person(db, name, o.a, o.north);
    }
    for (int i = 0; i < 5; i++) {
        snprintf(name, sizeof name, "yara%d.north", i + 1);
        o.y[i] = person(db, name, o.b, o.north);
        snprintf(name, sizeof name, "zed%d.south", i + 1);
        o.z[i] = person(db, name, o.c, o.south);
    }
    return o;
}

static int64_t question(struct store *db, const char *driver)
{
    struct err e = {0};
    int64_t id = 0;
    if (store_int_query(db, "SELECT id FROM survey_questions WHERE driver = $1",
                        PARAMS(SV_TEXT(driver)), &id, &e) < 0)
        fail_msg("no question %s: %s", driver, e.msg);
    return id;
}

struct qs {
    int64_t belonging, direction, enps, comment;
};

static struct qs questions(struct store *db)
{
    return (struct qs){question(db, "belonging"), question(db, "direction"), question(db, "enps"),
                       question(db, "comment")};
}

/* A survey of the four questions, open from today for a week. */
static int64_t open_survey(struct store *db, const struct qs *q, const char *title)
{
    int64_t ids[] = {q->belonging, q->direction, q->enps, q->comment}, id = 0;
    struct err e = {0};
    if (survey_create(db, "full", title, TODAY, "2026-03-08", ids, 4, date_to_days(TODAY), &id,
                      &e) < 0)
        fail_msg("survey_create: %s", e.msg);
    assert_true(id > 0);
    return id;
}

static int submit(struct store *db, int64_t survey, int64_t who, const struct qs *q, int score,
                  const char *comment, struct err *e)
{
    struct principal p = fixture_principal(ROLE_SELLER, who);
    struct survey_answer a[] = {{q->belonging, score, NULL},
                                {q->direction, score, NULL},
                                {q->enps, score * 2, NULL},
                                {q->comment, -1, comment ? comment : ""}};
    return survey_submit(db, &p, survey, date_to_days(TODAY), a, 4, e);
}

static void answer(struct store *db, int64_t survey, int64_t who, const struct qs *q, int score,
                   const char *comment)
{
    struct err e = {0};
    if (submit(db, survey, who, q, score, comment, &e) < 0)
        fail_msg("answer of %lld: %s", (long long)who, e.msg);
}

/* ---- reading the raw database ------------------------------------------------------------- */

static const char SQL_TABLES_SQLITE[] =
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
static const char SQL_TABLES_PG[] =
    "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema()"
    " AND table_type = 'BASE TABLE' ORDER BY 1";

struct table {
    char name[64];
    size_t ncols;
    char cols[16][64];
    char **rows; /* each row "v1\x1fv2\x1f..." */
    size_t nrows;
};

struct dump {
    struct table *t;
    size_t n;
};

static void dump_free(struct dump *d)
{
    for (size_t i = 0; i < d->n; i++) {
        for (size_t r = 0; r < d->t[i].nrows; r++)
            free(d->t[i].rows[r]);
        free(d->t[i].rows);
    }
    free(d->t);
    memset(d, 0, sizeof *d);
}

/* Every row of every table, as stored, in the order the database gives them. */
static struct dump dump_all(struct store *db)
{
    struct dump d = {0};
    struct err e = {0};
    struct store_rows *r;
    int pg = store_kind(db) == STORE_POSTGRES;
    assert_int_equal(store_query(db, pg ? SQL_TABLES_PG : SQL_TABLES_SQLITE, NO_PARAMS, &r, &e), 0);
    size_t cap = 64;
    d.t = xcalloc(cap, sizeof *d.t);
    while (store_next(r, &e) > 0) {
        assert_true(d.n < cap);
        snprintf(d.t[d.n++].name, sizeof d.t[0].name, "%s", store_text(r, 0));
    }
    store_rows_free(r);
    assert_true(d.n > 10);
    for (size_t i = 0; i < d.n; i++) {
        struct table *t = &d.t[i];
        char sql[128];
        snprintf(sql, sizeof sql, "SELECT * FROM %s", t->name); /* names from the catalogue */
        if (store_query(db, sql, NO_PARAMS, &r, &e) < 0) fail_msg("%s: %s", sql, e.msg);
        size_t rcap = 16;
        t->rows = xcalloc(rcap, sizeof *t->rows);
        int rc;
        while ((rc = store_next(r, &e)) > 0) {
            t->ncols = (size_t)store_ncols(r);
            assert_true(t->ncols <= 16);
            struct sb row = SB_INIT;
            for (size_t c = 0; c < t->ncols; c++) {
                snprintf(t->cols[c], sizeof t->cols[c], "%s", store_colname(r, (int)c));
                sb_addf(&row, "%s\x1f", store_isnull(r, (int)c) ? "<null>" : store_text(r, (int)c));
            }
            if (t->nrows == rcap) t->rows = xrealloc(t->rows, (rcap *= 2) * sizeof *t->rows);
            t->rows[t->nrows++] = xstrdup(row.buf);
            sb_release(&row);
        }
        if (rc < 0) fail_msg("%s: %s", sql, e.msg);
        if (t->nrows == 0) { /* the columns even of an empty table */
            t->ncols = (size_t)store_ncols(r);
            for (size_t c = 0; c < t->ncols && c < 16; c++)
                snprintf(t->cols[c], sizeof t->cols[c], "%s", store_colname(r, (int)c));
        }
        store_rows_free(r);
    }
    return d;
}

static struct table *table_of(struct dump *d, const char *name)
{
    for (size_t i = 0; i < d->n; i++)
        if (!strcmp(d->t[i].name, name)) return &d->t[i];
    fail_msg("no table %s", name);
    return NULL;
}

static char *table_columns(const struct table *t)
{
    struct sb s = SB_INIT;
    for (size_t c = 0; c < t->ncols; c++)
        sb_addf(&s, "%s%s", c ? "," : "", t->cols[c]);
    sb_adds(&s, "");
    return s.buf;
}

/* Field `col` of a dumped row (a static buffer). */
static const char *field(const char *row, size_t col)
{
    static char out[32768];
    const char *p = row;
    for (size_t i = 0; i < col; i++)
        p = strchr(p, '\x1f') + 1;
    size_t n = strcspn(p, "\x1f");
    snprintf(out, sizeof out, "%.*s", (int)n, p);
    return out;
}

/* The response ids of one cell, sorted, joined by spaces (the caller frees). */
static char *cell_response_ids(struct store *db, int64_t survey, int64_t cell)
{
    struct store_rows *r;
    struct err e = {0};
    assert_int_equal(store_query(db,
                                 "SELECT id FROM survey_responses WHERE survey_id = $1 AND cell = $2"
                                 " ORDER BY id",
                                 PARAMS(SV_INT(survey), SV_INT(cell)), &r, &e),
                     0);
    struct sb s = SB_INIT;
    while (store_next(r, &e) > 0)
        sb_addf(&s, "%s ", store_text(r, 0));
    store_rows_free(r);
    sb_adds(&s, "");
    return s.buf;
}

/* A stored answer opened with the current secret (the caller frees). */
static char *opened(int64_t survey, int64_t cell, const char *sealed)
{
    struct err e = {0};
    char *json = NULL;
    if (survey_answers_open(survey, cell, sealed, &json, &e) < 0)
        fail_msg("open an answer of survey %lld: %s", (long long)survey, e.msg);
    return json;
}

static int64_t cell_of_person(struct store *db, int64_t survey, int64_t who)
{
    struct err e = {0};
    int64_t cell = -1;
    if (store_int_query(db, "SELECT cell FROM survey_invitees WHERE survey_id = $1 AND person_id = $2",
                        PARAMS(SV_INT(survey), SV_INT(who)), &cell, &e) < 0)
        fail_msg("cell of %lld: %s", (long long)who, e.msg);
    return cell;
}

/* ---- nothing links an answer to a person -------------------------------------------------- */

static void test_raw_tables_keep_answers_apart(void **state)
{
    struct store *db = testdb_open(state);
    use_secret(0x5a);
    struct org o = make_org(db);
    struct qs q = questions(db);
    int64_t s = open_survey(db, &q, "Spring");

    /* Twelve people answer, each with a comment no one else gives. */
    int64_t who[12] = {o.y[0], o.y[1], o.y[2], o.y[3], o.y[4], o.x[0],
                       o.x[1], o.z[0], o.z[1], o.z[2], o.w[0], o.t};
    char marks[12][320], tags[12][24];
    for (int i = 0; i < 12; i++) { /* of different lengths, some with characters JSON escapes */
        int n = snprintf(marks[i], sizeof marks[i], "qx-mark-%c%c-answer", 'a' + i, 'k' + i);
        snprintf(tags[i], sizeof tags[i], "%s", marks[i]);
        for (int k = 0; k < i * 23; k++)
            marks[i][n++] = "say \"more\"\n"[k % 12];
        marks[i][n] = '\0';
        answer(db, s, who[i], &q, 1 + i % 5, marks[i]);
    }

    struct dump d = dump_all(db);
    /* Responses: a random id, the survey, the cell and the answers; nothing else. */
    struct table *resp = table_of(&d, "survey_responses");
    char *cols = table_columns(resp);
    assert_string_equal(cols, "id,survey_id,cell,answers");
    free(cols);
    assert_int_equal(resp->nrows, 12);
    /* Participation: the survey and a keyed hash; nothing else. */
    struct table *part = table_of(&d, "survey_participation");
    cols = table_columns(part);
    assert_string_equal(cols, "survey_id,person_key");
    free(cols);
    assert_int_equal(part->nrows, 12);

    /* No table holds the text of any answer: responses are sealed. */
    for (int i = 0; i < 12; i++)
        for (size_t t = 0; t < d.n; t++)
            for (size_t r = 0; r < d.t[t].nrows; r++)
                if (strstr(d.t[t].rows[r], tags[i]))
                    fail_msg("answer %s found in table %s", tags[i], d.t[t].name);
    /* Opened with the secret, each answer is in exactly one response row, and
     * every sealed answer has the same size whatever its comment's length. */
    int seen[12] = {0};
    size_t size = strlen(field(resp->rows[0], 3));
    for (size_t r = 0; r < resp->nrows; r++) {
        const char *row = resp->rows[r];
        char id[33], sealed[16384];
        snprintf(id, sizeof id, "%s", field(row, 0));
        assert_int_equal(strlen(id), 32);
        assert_int_equal(strspn(id, "0123456789abcdef"), 32);
        assert_null(strstr(row, "@test.example"));
        assert_null(strstr(row, ".north"));
        assert_null(strstr(row, ".south"));
        snprintf(sealed, sizeof sealed, "%s", field(row, 3));
        assert_int_equal(strlen(sealed), size);
        int64_t cell = strtoll(field(row, 2), NULL, 10);
        char *json = opened(s, cell, sealed);
        json_t *doc = json_loads(json, 0, NULL), *v;
        const char *k;
        assert_non_null(doc);
        json_object_foreach(doc, k, v)
        {
            for (int i = 0; i < 12; i++)
                seen[i] += json_is_string(v) && !strcmp(json_string_value(v), marks[i]);
        }
        json_decref(doc);
        free(json);
        /* bound to its cell and to the secret */
        struct err e = {0};
        char *out = NULL;
        assert_int_equal(survey_answers_open(s, cell + 1, sealed, &out, &e), REINS_EINTERNAL);
        assert_non_null(strstr(e.msg, "cannot be opened"));
        use_secret(0x3c);
        assert_int_equal(survey_answers_open(s, cell, sealed, &out, &e), REINS_EINTERNAL);
        use_secret(0x5a);
        assert_null(out);
    }
    for (int i = 0; i < 12; i++)
        assert_int_equal(seen[i], 1);

    /* The participation keys: no person id, email or name; they are the
     * keyed hashes of exactly those who answered, and with another secret
     * (or none) no one's key comes out the same. */
    char keys[12][65], other[12][65], unkeyed[12][65];
    for (int i = 0; i < 12; i++) {
        struct err e = {0};
        assert_int_equal(survey_person_key(s, who[i], keys[i], &e), 0);
        char msg[64];
        int n = snprintf(msg, sizeof msg, "survey:%lld:person:%lld", (long long)s, (long long)who[i]);
        unsigned char h[32];
        crypto_generichash(h, sizeof h, (const unsigned char *)msg, (size_t)n, NULL, 0);
        sodium_bin2hex(unkeyed[i], 65, h, sizeof h);
    }
    use_secret(0x3c);
    for (int i = 0; i < 12; i++) {
        struct err e = {0};
        assert_int_equal(survey_person_key(s, who[i], other[i], &e), 0);
    }
    use_secret(0x5a);
    for (size_t r = 0; r < part->nrows; r++) {
        const char *row = part->rows[r];
        char key[65];
        snprintf(key, sizeof key, "%s", field(row, 1));
        assert_int_equal(strlen(key), 64);
        assert_int_equal(strspn(key, "0123456789abcdef"), 64);
        assert_null(strstr(row, "@test.example"));
        assert_null(strstr(row, "north"));
        int mine = 0;
        for (int i = 0; i < 12; i++) {
            char id[24];
            snprintf(id, sizeof id, "%lld", (long long)who[i]);
            assert_string_not_equal(key, id);
            mine += !strcmp(key, keys[i]);
            assert_string_not_equal(key, other[i]);
            assert_string_not_equal(key, unkeyed[i]);
        }
        assert_int_equal(mine, 1);
    }
    /* Nor does any table other than the invitations hold the key of a person
     * together with anything of the answers. */
    for (size_t t = 0; t < d.n; t++) {
        if (!strcmp(d.t[t].name, "survey_participation")) continue;
        for (size_t r = 0; r < d.t[t].nrows; r++)
            for (int i = 0; i < 12; i++)
                if (strstr(d.t[t].rows[r], keys[i]))
                    fail_msg("participation key found in table %s", d.t[t].name);
    }

    /* Every cell a response points at holds at least min_group invited people. */
    for (size_t r = 0; r < resp->nrows; r++) {
        int64_t cell = strtoll(field(resp->rows[r], 2), NULL, 10), invited = 0, noted = 0;
        struct err e = {0};
        assert_int_equal(store_int_query(db,
                                         "SELECT COUNT(*) FROM survey_invitees"
                                         " WHERE survey_id = $1 AND cell = $2",
                                         PARAMS(SV_INT(s), SV_INT(cell)), &invited, &e),
                         0);
        assert_int_equal(store_int_query(db,
                                         "SELECT invited FROM survey_cells"
                                         " WHERE survey_id = $1 AND cell = $2",
                                         PARAMS(SV_INT(s), SV_INT(cell)), &noted, &e),
                         0);
        assert_true(invited >= 5);
        assert_int_equal(invited, noted);
    }
    /* No table mentions when anyone answered: the surveys rows keep their
     * creation time only, and an answer changes no table but these two. */
    struct dump before = dump_all(db);
    char longest[SURVEY_COMMENT_MAX + 1]; /* the longest comment, every byte escaped in JSON */
    memset(longest, '"', SURVEY_COMMENT_MAX);
    longest[SURVEY_COMMENT_MAX] = '\0';
    answer(db, s, o.x[2], &q, 4, longest);
    struct dump after = dump_all(db);
    assert_int_equal(before.n, after.n);
    for (size_t t = 0; t < before.n; t++) {
        const char *name = before.t[t].name;
        int same = before.t[t].nrows == after.t[t].nrows;
        for (size_t r = 0; same && r < before.t[t].nrows; r++) {
            int found = 0;
            for (size_t k = 0; k < after.t[t].nrows && !found; k++)
                found = !strcmp(before.t[t].rows[r], after.t[t].rows[k]);
            same = found;
        }
        if (!same && strcmp(name, "survey_responses") && strcmp(name, "survey_participation"))
            fail_msg("answering changed table %s", name);
    }
    /* Two backups taken around that answer: in the answering cell not one
     * sealed answer is the same, and all keep one size, so comparing them shows
     * that someone answered, never which row is theirs or what it says. */
    int64_t cell = cell_of_person(db, s, o.x[2]);
    struct table *was = table_of(&before, "survey_responses"), *is = table_of(&after, "survey_responses");
    size_t in_cell = 0;
    for (size_t k = 0; k < is->nrows; k++) {
        if (strtoll(field(is->rows[k], 2), NULL, 10) != cell) continue;
        in_cell++;
        char sealed[16384];
        snprintf(sealed, sizeof sealed, "%s", field(is->rows[k], 3));
        assert_int_equal(strlen(sealed), size);
        for (size_t r = 0; r < was->nrows; r++)
            if (strstr(was->rows[r], sealed)) fail_msg("a sealed answer survived the next answer");
    }
    assert_true(in_cell >= 2);
    dump_free(&before);
    dump_free(&after);
    dump_free(&d);
    testdb_close(db);
}

/* Each answer rewrites its cell under fresh ids in a random order: neither
 * the ids nor the stored order tell which answer came when. */
static void test_responses_rewritten(void **state)
{
    struct store *db = testdb_open(state);
    use_secret(0x11);
    struct org o = make_org(db);
    struct qs q = questions(db);
    int newest_last = 0, checks = 0;
    for (int round = 0; round < 4; round++) {
        char title[32];
        snprintf(title, sizeof title, "Round %d", round);
        int64_t s = open_survey(db, &q, title);
        int64_t cell = cell_of_person(db, s, o.y[0]);
        for (int i = 0; i < 5; i++)
            assert_int_equal(cell_of_person(db, s, o.y[i]), cell);
        char *ids = NULL;
        for (int i = 0; i < 5; i++) {
            char mark[48];
            snprintf(mark, sizeof mark, "round %d answer %d", round, i);
            answer(db, s, o.y[i], &q, 3, mark);
            char *now = cell_response_ids(db, s, cell);
            if (ids) { /* not one id of the cell survives the next answer */
                char *save, *tok, *copy = xstrdup(ids);
                for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save))
                    if (strstr(now, tok)) fail_msg("response id %s kept after a new answer", tok);
                free(copy);
            }
            free(ids);
            ids = now;
            /* where the newest answer sits in the table's own order */
            struct store_rows *r;
            struct err e = {0};
            assert_int_equal(store_query(db,
                                         "SELECT answers FROM survey_responses WHERE survey_id = $1",
                                         PARAMS(SV_INT(s)), &r, &e),
                             0);
            size_t pos = 0, at = 0, found = 0;
            while (store_next(r, &e) > 0) {
                char *json = opened(s, cell, store_text(r, 0));
                if (strstr(json, mark)) at = pos, found++;
                free(json);
                pos++;
            }
            store_rows_free(r);
            assert_int_equal(pos, (size_t)i + 1);
            assert_int_equal(found, 1);
            if (i > 0) {
                checks++;
                newest_last += at == pos - 1;
            }
        }
        free(ids);
    }
    /* 16 checks: always last would mean the order follows time (chance ~1e-6) */
    assert_int_equal(checks, 16);
    if (newest_last == checks) fail_msg("the newest answer was always stored last");
    testdb_close(db);
}

/* The first secret used on a database is recorded (as a keyed hash); any other
 * is refused by name, the recorded one still passes. */
static void test_secret_check(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    int64_t n = -1;
    assert_int_equal(store_int_query(db, "SELECT COUNT(*) FROM survey_settings WHERE secret_check IS NULL",
                                     NO_PARAMS, &n, &e),
                     0);
    assert_int_equal(n, 1);
    use_secret(0x21);
    assert_int_equal(surveys_check_secret(db, "first.secret", &e), 0);
    assert_int_equal(surveys_check_secret(db, "first.secret", &e), 0);
    use_secret(0x22);
    assert_int_equal(surveys_check_secret(db, "/tmp/other.secret", &e), REINS_EINVAL);
    assert_non_null(strstr(e.msg, "/tmp/other.secret is not the one"));
    use_secret(0x21);
    assert_int_equal(surveys_check_secret(db, "first.secret", &e), 0);
    /* what is stored is no form of the secret itself */
    char *check = NULL;
    struct store_rows *r;
    assert_int_equal(store_query(db, "SELECT secret_check FROM survey_settings", NO_PARAMS, &r, &e), 0);
    assert_int_equal(store_next(r, &e), 1);
    check = xstrdup(store_text(r, 0));
    store_rows_free(r);
    assert_int_equal(strlen(check), 64);
    char hex[65];
    unsigned char key[SURVEY_SECRET_BYTES];
    memset(key, 0x21, sizeof key);
    sodium_bin2hex(hex, sizeof hex, key, sizeof key);
    assert_string_not_equal(check, hex);
    free(check);
    testdb_close(db);
}

/* ---- refusals ----------------------------------------------------------------------------- */

static void expect_err(int rc, const struct err *e, int code, const char *field_name,
                       const char *what)
{
    if (rc != code) fail_msg("%s: got %d (%s), expected %d", what, rc, e->msg, code);
    if (field_name && (!e->field || strcmp(e->field, field_name)))
        fail_msg("%s: field %s, expected %s (%s)", what, e->field ? e->field : "(none)",
                 field_name, e->msg);
}

static void test_refusals(void **state)
{
    struct store *db = testdb_open(state);
    use_secret(0x22);
    struct org o = make_org(db);
    struct qs q = questions(db);
    int64_t s = open_survey(db, &q, "Refusals");
    int64_t today = date_to_days(TODAY);
    struct principal y0 = fixture_principal(ROLE_SELLER, o.y[0]);
    struct err e = {0};
    int rc;

    /* a score out of range, for a likert and for eNPS */
    struct survey_answer bad_likert[] = {{q.belonging, 6, NULL}, {q.direction, 3, NULL}, {q.enps, 5, NULL}};
    rc = survey_submit(db, &y0, s, today, bad_likert, 3, &e);
    expect_err(rc, &e, REINS_EINVAL, "answers", "likert 6");
    assert_non_null(strstr(e.msg, "1 to 5"));
    memset(&e, 0, sizeof e);
    bad_likert[0].score = 0;
    expect_err(survey_submit(db, &y0, s, today, bad_likert, 3, &e), &e, REINS_EINVAL, "answers", "likert 0");
    struct survey_answer bad_enps[] = {{q.belonging, 3, NULL}, {q.direction, 3, NULL}, {q.enps, 11, NULL}};
    memset(&e, 0, sizeof e);
    rc = survey_submit(db, &y0, s, today, bad_enps, 3, &e);
    expect_err(rc, &e, REINS_EINVAL, "answers", "enps 11");
    assert_non_null(strstr(e.msg, "0 to 10"));
    /* a scored question left out */
    struct survey_answer missing[] = {{q.belonging, 3, NULL}, {q.enps, 7, NULL}};
    memset(&e, 0, sizeof e);
    rc = survey_submit(db, &y0, s, today, missing, 2, &e);
    expect_err(rc, &e, REINS_EINVAL, "answers", "missing");
    assert_non_null(strstr(e.msg, "not answered"));
    /* a question that is not in the survey */
    struct survey_answer unknown[] = {{q.belonging, 3, NULL}, {q.direction, 3, NULL}, {q.enps, 7, NULL},
                                      {question(db, "growth"), 3, NULL}};
    memset(&e, 0, sizeof e);
    expect_err(survey_submit(db, &y0, s, today, unknown, 4, &e), &e, REINS_EINVAL, "answers", "unknown q");
    unknown[3].question_id = 987654;
    memset(&e, 0, sizeof e);
    expect_err(survey_submit(db, &y0, s, today, unknown, 4, &e), &e, REINS_EINVAL, "answers", "no such q");
    /* a comment where a score belongs, and a question twice */
    struct survey_answer twice[] = {{q.belonging, 3, NULL}, {q.direction, 3, NULL}, {q.enps, 7, NULL},
                                    {q.enps, 8, NULL}};
    memset(&e, 0, sizeof e);
    expect_err(survey_submit(db, &y0, s, today, twice, 4, &e), &e, REINS_EINVAL, "answers", "twice");
    /* an unknown survey, and a survey before it opens and after it closes */
    memset(&e, 0, sizeof e);
    expect_err(submit(db, s + 1000, o.y[0], &q, 3, NULL, &e), &e, REINS_ENOTFOUND, NULL, "unknown survey");
    struct survey_answer good[] = {{q.belonging, 3, NULL}, {q.direction, 4, NULL}, {q.enps, 9, NULL}};
    memset(&e, 0, sizeof e);
    expect_err(survey_submit(db, &y0, s, today + 7, good, 3, &e), &e, REINS_EINVAL, NULL, "closed");
    memset(&e, 0, sizeof e);
    expect_err(survey_submit(db, &y0, s, today - 1, good, 3, &e), &e, REINS_EINVAL, NULL, "not yet open");
    /* none of that left a trace */
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM survey_participation"), 0);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM survey_responses"), 0);

    /* the comment is optional; the second answer is a conflict */
    memset(&e, 0, sizeof e);
    assert_int_equal(survey_submit(db, &y0, s, today + 6, good, 3, &e), 0);
    memset(&e, 0, sizeof e);
    expect_err(survey_submit(db, &y0, s, today, good, 3, &e), &e, REINS_ECONFLICT, NULL, "again");
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM survey_responses"), 1);

    /* someone who joined after the survey opened was not invited */
    int64_t late = person(db, "late.joiner", o.b, o.north);
    memset(&e, 0, sizeof e);
    expect_err(submit(db, s, late, &q, 3, NULL, &e), &e, REINS_EFORBIDDEN, NULL, "late joiner");
    /* nor someone who left before it opened (not invited either) */
    int64_t gone = fixture_person(db, "gone", "gone@test.example", o.b, o.north, NULL, "left");
    int64_t s2 = open_survey(db, &q, "After leaving");
    memset(&e, 0, sizeof e);
    expect_err(submit(db, s2, gone, &q, 3, NULL, &e), &e, REINS_EFORBIDDEN, NULL, "left");
    memset(&e, 0, sizeof e);
    assert_int_equal(submit(db, s2, late, &q, 3, NULL, &e), 0); /* invited to the next one */
    /* an admin without a person cannot answer */
    struct principal admin = fixture_principal(ROLE_ADMIN, 0);
    memset(&e, 0, sizeof e);
    expect_err(survey_submit(db, &admin, s2, today, good, 3, &e), &e, REINS_EFORBIDDEN, NULL, "admin");

    /* opening surveys: bad kind, dates, questions */
    int64_t id = 0, ids[] = {q.belonging}, text_only[] = {q.comment}, dup[] = {q.belonging, q.belonging};
    memset(&e, 0, sizeof e);
    expect_err(survey_create(db, "weekly", "t", TODAY, TODAY, ids, 1, today, &id, &e), &e, REINS_EINVAL,
               "kind", "kind");
    memset(&e, 0, sizeof e);
    expect_err(survey_create(db, "pulse", "t", TODAY, "2026-03-01", ids, 1, today, &id, &e), &e,
               REINS_EINVAL, "closes_on", "closes before");
    memset(&e, 0, sizeof e);
    expect_err(survey_create(db, "pulse", "t", "2026-02-30", TODAY, ids, 1, today, &id, &e), &e,
               REINS_EINVAL, "opens_on", "bad date");
    memset(&e, 0, sizeof e);
    expect_err(survey_create(db, "pulse", "t", TODAY, TODAY, text_only, 1, today, &id, &e), &e,
               REINS_EINVAL, "questions", "only a comment");
    memset(&e, 0, sizeof e);
    expect_err(survey_create(db, "pulse", "t", TODAY, TODAY, dup, 2, today, &id, &e), &e,
               REINS_EINVAL, "questions", "twice");
    int64_t nosuch[] = {987654};
    memset(&e, 0, sizeof e);
    expect_err(survey_create(db, "pulse", "t", TODAY, TODAY, nosuch, 1, today, &id, &e), &e,
               REINS_EINVAL, "questions", "no such question");
    testdb_close(db);
}

static void test_min_group_floor(void **state)
{
    struct store *db = testdb_open(state);
    struct err e = {0};
    /* the error outlives the request body it came from (the API frees the
     * body before it answers), so its field must not point into it */
    json_t *patch = json_pack("{s:i}", "min_group", 2);
    int rc = surveys_settings_update(db, patch, &e);
    json_decref(patch);
    json_t *scratch = json_pack("{s:s}", "code", "scribble"); /* may reuse the freed memory */
    expect_err(rc, &e, REINS_EINVAL, "min_group", "min_group 2");
    json_decref(scratch);
    /* nor behind the API's back: the schema refuses it too */
    memset(&e, 0, sizeof e);
    assert_true(store_run(db, "UPDATE survey_settings SET min_group = 2", NO_PARAMS, NULL, &e) < 0);
    patch = json_pack("{s:i}", "min_group", 3);
    memset(&e, 0, sizeof e);
    assert_int_equal(surveys_settings_update(db, patch, &e), 0);
    json_decref(patch);
    json_t *s = NULL;
    assert_int_equal(surveys_settings(db, &s, &e), 0);
    assert_int_equal(json_integer_value(json_object_get(s, "min_group")), 3);
    json_decref(s);
    patch = json_pack("{s:b}", "min_groups", 1);
    memset(&e, 0, sizeof e);
    expect_err(surveys_settings_update(db, patch, &e), &e, REINS_EINVAL, NULL, "unknown");
    json_decref(patch);
    testdb_close(db);
}

/* ---- results ------------------------------------------------------------------------------ */

static json_t *results(struct store *db, const struct principal *who, int64_t s)
{
    json_t *out = NULL;
    struct err e = {0};
    if (survey_results(db, who, s, &out, &e) < 0) fail_msg("results: %s", e.msg);
    return out;
}

/* A database from before answers were sealed holds them as plain JSON: the first start with
 * its secret seals each to its survey's one size, and results read them as before. */
static void test_plain_answers_sealed(void **state)
{
    struct store *db = testdb_open(state);
    use_secret(0x44);
    struct org o = make_org(db);
    struct qs q = questions(db);
    struct principal admin = fixture_principal(ROLE_ADMIN, 0);
    int64_t s = open_survey(db, &q, "From an older reins");
    for (int i = 0; i < 5; i++)
        answer(db, s, o.y[i], &q, 4, i == 2 ? "an old comment" : "");
    struct err e = {0};
    struct store_rows *r;
    assert_int_equal(store_query(db, "SELECT id, cell, answers FROM survey_responses", NO_PARAMS, &r, &e), 0);
    char ids[5][33], *plain[5];
    size_t n = 0, size = 0;
    while (store_next(r, &e) > 0 && n < 5) {
        snprintf(ids[n], sizeof ids[n], "%s", store_text(r, 0));
        size = strlen(store_text(r, 2));
        plain[n++] = opened(s, store_int(r, 1), store_text(r, 2));
    }
    store_rows_free(r);
    assert_int_equal(n, 5);
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(store_run(db, "UPDATE survey_responses SET answers = $1 WHERE id = $2",
                                   PARAMS(SV_TEXT(plain[i]), SV_TEXT(ids[i])), NULL, &e),
                         0);
        free(plain[i]);
    }
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM survey_responses WHERE answers LIKE '%an old comment%'"), 1);

    assert_int_equal(surveys_check_secret(db, "test.secret", &e), 0);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM survey_responses WHERE answers LIKE 'x1:%'"), 5);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM survey_responses WHERE answers LIKE '%an old comment%'"), 0);
    assert_int_equal(store_query(db, "SELECT answers FROM survey_responses", NO_PARAMS, &r, &e), 0);
    while (store_next(r, &e) > 0)
        assert_int_equal(strlen(store_text(r, 0)), size);
    store_rows_free(r);
    json_t *res = results(db, &admin, s);
    char *text = json_dumps(res, 0);
    assert_non_null(strstr(text, "an old comment"));
    free(text);
    json_decref(res);
    /* a second start finds nothing left to seal */
    assert_int_equal(surveys_check_secret(db, "test.secret", &e), 0);
    testdb_close(db);
}

static json_t *group(json_t *res, const char *key)
{
    size_t i;
    json_t *g;
    json_array_foreach(json_object_get(res, "groups"), i, g)
    {
        if (!strcmp(json_string_value(json_object_get(g, "key")), key)) return g;
    }
    return NULL;
}

static char *keyf(const char *prefix, int64_t id)
{
    static char buf[4][64];
    static int n;
    char *b = buf[n++ % 4];
    snprintf(b, 64, "%s:%lld", prefix, (long long)id);
    return b;
}

static void expect_shown(json_t *res, const char *key, int shown, int respondents)
{
    json_t *g = group(res, key);
    if (!g) fail_msg("no group %s", key);
    if (json_is_true(json_object_get(g, "shown")) != shown)
        fail_msg("group %s: shown %d, expected %d", key, !shown, shown);
    if (shown) {
        assert_int_equal(json_integer_value(json_object_get(g, "respondents")), respondents);
        assert_non_null(json_object_get(g, "drivers"));
    } else { /* withheld: no scores, no comments, nothing but these (docs/api.md) */
        assert_null(json_object_get(g, "drivers"));
        assert_null(json_object_get(g, "comments"));
        const char *k;
        json_t *v;
        json_object_foreach(g, k, v)
        {
            static const char *const allowed = " key kind name shown invited answered reason ";
            char word[40];
            snprintf(word, sizeof word, " %s ", k);
            if (!strstr(allowed, word)) fail_msg("withheld group %s has %s", key, k);
        }
    }
}

static void test_results_rules(void **state)
{
    struct store *db = testdb_open(state);
    use_secret(0x33);
    struct org o = make_org(db);
    struct qs q = questions(db);
    struct principal admin = fixture_principal(ROLE_ADMIN, 0);
    int64_t s = open_survey(db, &q, "Seven and five");

    /* B's five answer, and two of A's own: A's tree has 7, B's 5. Comments
     * arrive out of alphabetical order. */
    const char *said[] = {"zulu says hi", "alpha first", "mike in the middle", "bravo two",
                          "yankee late"};
    for (int i = 0; i < 5; i++)
        answer(db, s, o.y[i], &q, 5, said[i]);
    answer(db, s, o.x[0], &q, 1, "xray one");
    answer(db, s, o.x[1], &q, 1, "");
    json_t *r = results(db, &admin, s);
    expect_shown(r, "company", 1, 7);
    expect_shown(r, keyf("tree", o.t), 1, 7);
    expect_shown(r, keyf("tree", o.a), 1, 7);
    expect_shown(r, keyf("tree", o.b), 0, 0); /* 7 - 5 = 2 people */
    expect_shown(r, keyf("tree", o.c), 0, 0); /* nobody */
    expect_shown(r, keyf("team", o.north), 1, 7);
    /* every shown group has enough respondents */
    size_t i;
    json_t *g;
    json_array_foreach(json_object_get(r, "groups"), i, g)
    {
        if (json_is_true(json_object_get(g, "shown")))
            assert_true(json_integer_value(json_object_get(g, "respondents")) >= 5);
        else
            assert_null(json_object_get(g, "drivers"));
    }
    /* comments in alphabetical order, not the order they came */
    json_t *comments = json_object_get(group(r, "company"), "comments");
    assert_int_equal(json_array_size(comments), 6);
    const char *prev = "";
    json_array_foreach(comments, i, g)
    {
        assert_true(strcmp(prev, json_string_value(g)) <= 0);
        prev = json_string_value(g);
    }
    assert_string_equal(json_string_value(json_array_get(comments, 0)), "alpha first");
    /* the means: 5 x 5 and 2 x 1 over 7 = 3.86 */
    json_t *d = json_array_get(json_object_get(group(r, "company"), "drivers"), 0);
    assert_string_equal(json_string_value(json_object_get(d, "driver")), "belonging");
    assert_int_equal(json_integer_value(json_object_get(d, "mean_x100")), 386);
    assert_int_equal(json_integer_value(json_object_get(d, "favourable_pct")), 71);
    json_decref(r);

    /* Who sees what. A seller: the company only. */
    struct principal seller = fixture_principal(ROLE_SELLER, o.y[0]);
    r = results(db, &seller, s);
    assert_int_equal(json_array_size(json_object_get(r, "groups")), 1);
    assert_non_null(group(r, "company"));
    json_decref(r);
    /* A: their tree and inside it, not the VP's, not C's, not the company-wide filters */
    struct principal ma = fixture_principal(ROLE_MANAGER, o.a);
    r = results(db, &ma, s);
    assert_non_null(group(r, "company"));
    assert_non_null(group(r, keyf("tree", o.a)));
    assert_non_null(group(r, keyf("tree", o.b)));
    assert_non_null(group(r, keyf("team", o.north)));
    assert_null(group(r, keyf("tree", o.c)));
    assert_null(group(r, keyf("tree", o.t)));
    assert_null(group(r, keyf("team", o.south)));
    json_array_foreach(json_object_get(r, "groups"), i, g)
    {
        const char *key = json_string_value(json_object_get(g, "key"));
        if (!strcmp(key, "company")) continue;
        char mine[64];
        snprintf(mine, sizeof mine, "tree:%lld", (long long)o.a);
        char sub[64];
        snprintf(sub, sizeof sub, "tree:%lld", (long long)o.b);
        if (strncmp(key, mine, strlen(mine)) && strncmp(key, sub, strlen(sub)) &&
            strcmp(key, keyf("team", o.north)))
            fail_msg("manager A sees group %s", key);
    }
    json_decref(r);
    /* C, a peer: their own tree, not A's */
    struct principal mc = fixture_principal(ROLE_MANAGER, o.c);
    r = results(db, &mc, s);
    assert_non_null(group(r, keyf("tree", o.c)));
    assert_null(group(r, keyf("tree", o.a)));
    assert_null(group(r, keyf("tree", o.b)));
    assert_null(group(r, keyf("team", o.north)));
    json_decref(r);
    /* B sees their own tree (withheld here) but not A's */
    struct principal mb = fixture_principal(ROLE_MANAGER, o.b);
    r = results(db, &mb, s);
    assert_non_null(group(r, keyf("tree", o.b)));
    assert_null(group(r, keyf("tree", o.a)));
    json_decref(r);

    /* Three more of A's cell answer: A's tree has 10, B's 5, they differ by 5: both shown. */
    answer(db, s, o.x[2], &q, 2, NULL);
    answer(db, s, o.x[3], &q, 2, NULL);
    answer(db, s, o.b, &q, 2, NULL);
    r = results(db, &admin, s);
    expect_shown(r, keyf("tree", o.a), 1, 10);
    expect_shown(r, keyf("tree", o.b), 1, 5);
    json_t *bc = json_object_get(group(r, keyf("tree", o.b)), "comments");
    assert_int_equal(json_array_size(bc), 5);
    json_decref(r);

    /* A second survey: three of C's answer, under the threshold; withheld for C too. */
    int64_t s2 = open_survey(db, &q, "Three");
    for (int k = 0; k < 3; k++)
        answer(db, s2, o.z[k], &q, 4, "south secret");
    for (int k = 0; k < 5; k++)
        answer(db, s2, o.y[k], &q, 3, NULL);
    r = results(db, &mc, s2);
    expect_shown(r, keyf("tree", o.c), 0, 0);
    json_decref(r);
    r = results(db, &admin, s2);
    expect_shown(r, keyf("tree", o.c), 0, 0);
    expect_shown(r, keyf("team", o.south), 0, 0);
    expect_shown(r, "company", 1, 8);
    /* the company (8) beside B's tree (5) would reveal 3 */
    expect_shown(r, keyf("tree", o.b), 0, 0);
    json_decref(r);
    /* the trend of C's tree: both points withheld */
    json_t *t = NULL;
    struct err e = {0};
    assert_int_equal(survey_trend(db, &mc, keyf("tree", o.c), &t, &e), 0);
    json_array_foreach(json_object_get(t, "points"), i, g)
    {
        assert_false(json_is_true(json_object_get(g, "shown")));
        assert_null(json_object_get(g, "drivers"));
    }
    json_decref(t);
    /* and a seller cannot ask for A's trend */
    memset(&e, 0, sizeof e);
    assert_int_equal(survey_trend(db, &seller, keyf("tree", o.a), &t, &e), REINS_ENOTFOUND);
    testdb_close(db);
}

/* A raised minimum applies to surveys opened after it. */
static void test_min_group_setting(void **state)
{
    struct store *db = testdb_open(state);
    use_secret(0x44);
    struct org o = make_org(db);
    struct qs q = questions(db);
    struct principal admin = fixture_principal(ROLE_ADMIN, 0);
    struct err e = {0};
    json_t *patch = json_pack("{s:i}", "min_group", 8);
    assert_int_equal(surveys_settings_update(db, patch, &e), 0);
    json_decref(patch);
    int64_t s = open_survey(db, &q, "Eight");
    for (int k = 0; k < 5; k++) {
        answer(db, s, o.y[k], &q, 3, NULL);
        answer(db, s, o.z[k], &q, 3, NULL);
    }
    /* cells of at least 8: every response's cell has 8 invited */
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM survey_cells WHERE invited < 8"), 0);
    json_t *r = results(db, &admin, s);
    expect_shown(r, "company", 1, 10);
    json_t *g;
    size_t i;
    json_array_foreach(json_object_get(r, "groups"), i, g)
    {
        if (json_is_true(json_object_get(g, "shown")))
            assert_true(json_integer_value(json_object_get(g, "respondents")) >= 8);
    }
    assert_int_equal(json_integer_value(json_object_get(json_object_get(r, "survey"), "min_group")), 8);
    json_decref(r);
    testdb_close(db);
}

/* ---- pulses ------------------------------------------------------------------------------- */

static char *likert_drivers(struct store *db, int64_t s)
{
    struct store_rows *r;
    struct err e = {0};
    assert_int_equal(store_query(db,
                                 "SELECT q.driver, q.kind FROM survey_items i JOIN survey_questions q"
                                 " ON q.id = i.question_id WHERE i.survey_id = $1 ORDER BY q.driver",
                                 PARAMS(SV_INT(s)), &r, &e),
                     0);
    struct sb out = SB_INIT;
    while (store_next(r, &e) > 0)
        sb_addf(&out, "%s/%s ", store_text(r, 0), store_text(r, 1));
    store_rows_free(r);
    sb_adds(&out, "");
    return out.buf;
}

static void test_tick(void **state)
{
    struct store *db = testdb_open(state);
    use_secret(0x55);
    make_org(db);
    struct err e = {0};
    int64_t today = date_to_days(TODAY), id = -1, again = -1, later = -1;
    assert_int_equal(surveys_tick(db, today, &id, &e), 0);
    assert_true(id > 0);
    assert_int_equal(surveys_tick(db, today, &again, &e), 0);
    assert_int_equal(again, 0);
    assert_int_equal(surveys_tick(db, today + 13, &again, &e), 0);
    assert_int_equal(again, 0);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM surveys"), 1);
    /* 3 drivers, eNPS and the comment; everyone active invited */
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM survey_items"), 5);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM survey_invitees"), 20);
    assert_int_equal(surveys_tick(db, today + 14, &later, &e), 0);
    assert_true(later > id);
    assert_int_equal(surveys_tick(db, today + 14, &again, &e), 0);
    assert_int_equal(again, 0);
    /* the next pulse asks other drivers (those asked least recently) */
    char *one = likert_drivers(db, id), *two = likert_drivers(db, later);
    assert_string_not_equal(one, two);
    assert_non_null(strstr(one, "enps/enps"));
    assert_non_null(strstr(two, "comment/text"));
    free(one);
    free(two);
    /* the pulse opens today and closes after pulse_open_days (5) */
    json_t *s = NULL;
    struct principal admin = fixture_principal(ROLE_ADMIN, 0);
    assert_int_equal(survey_get(db, &admin, later, today + 14, &s, &e), 0);
    char want[11];
    date_from_days(today + 14, want);
    assert_string_equal(json_string_value(json_object_get(s, "opens_on")), want);
    date_from_days(today + 18, want);
    assert_string_equal(json_string_value(json_object_get(s, "closes_on")), want);
    assert_true(json_is_true(json_object_get(s, "open")));
    json_decref(s);
    /* off: nothing opens */
    json_t *patch = json_pack("{s:b}", "pulses_on", 0);
    assert_int_equal(surveys_settings_update(db, patch, &e), 0);
    json_decref(patch);
    assert_int_equal(surveys_tick(db, today + 60, &again, &e), 0);
    assert_int_equal(again, 0);
    assert_int_equal(fixture_count(db, "SELECT COUNT(*) FROM surveys"), 2);
    testdb_close(db);
}

/* ---- the demo ----------------------------------------------------------------------------- */

/* Whether person `top` is at or above `id` in the people table. */
static int at_or_above(struct store *db, int64_t top, int64_t id)
{
    struct err e = {0};
    for (int d = 0; id && d < 100; d++) {
        if (id == top) return 1;
        int64_t m = 0;
        if (store_int_query(db, "SELECT COALESCE(manager_id, 0) FROM people WHERE id = $1",
                            PARAMS(SV_INT(id)), &m, &e) < 0)
            return 0;
        id = m;
    }
    return 0;
}

static void test_demo(void **state)
{
    struct store *db = testdb_open(state);
    use_secret(0x66);
    struct demo_summary sum;
    struct err e = {0};
    if (demo_fill(db, 42, TODAY, "$argon2id$not-a-real-hash", &sum, &e) < 0)
        fail_msg("demo: %s", e.msg);
    int64_t nsurveys = fixture_count(db, "SELECT COUNT(*) FROM surveys");
    assert_true(nsurveys >= 6);
    /* as many responses as participations, per survey; none in a cell under min_group */
    assert_int_equal(fixture_count(db,
                                   "SELECT COUNT(*) FROM surveys s WHERE"
                                   " (SELECT COUNT(*) FROM survey_responses r WHERE r.survey_id = s.id)"
                                   " <> (SELECT COUNT(*) FROM survey_participation p WHERE p.survey_id = s.id)"),
                     0);
    assert_true(fixture_count(db, "SELECT COUNT(*) FROM survey_responses") > 100);
    assert_int_equal(fixture_count(db,
                                   "SELECT COUNT(*) FROM survey_cells c JOIN surveys s ON s.id = c.survey_id"
                                   " WHERE c.invited < s.min_group OR c.invited <> (SELECT COUNT(*)"
                                   " FROM survey_invitees i WHERE i.survey_id = c.survey_id AND i.cell = c.cell)"),
                     0);

    struct principal admin = fixture_principal(ROLE_ADMIN, 0);
    struct store_rows *rows;
    assert_int_equal(store_query(db, "SELECT id, min_group FROM surveys ORDER BY id", NO_PARAMS, &rows, &e), 0);
    int64_t ids[64][2];
    size_t n = 0;
    while (store_next(rows, &e) > 0 && n < 64) {
        ids[n][0] = store_int(rows, 0);
        ids[n][1] = store_int(rows, 1);
        n++;
    }
    store_rows_free(rows);
    int shown_trees = 0;
    for (size_t k = 0; k < n; k++) {
        int64_t s = ids[k][0], min = ids[k][1];
        /* responses per cell, and each cell's manager and team, from the raw tables */
        int64_t ncells = 0;
        assert_int_equal(store_int_query(db, "SELECT COUNT(*) FROM survey_cells WHERE survey_id = $1",
                                         PARAMS(SV_INT(s)), &ncells, &e),
                         0);
        int64_t *resp = xcalloc((size_t)ncells, sizeof *resp), *mgr = xcalloc((size_t)ncells, sizeof *mgr),
                *team = xcalloc((size_t)ncells, sizeof *team);
        assert_int_equal(store_query(db,
                                     "SELECT cell, COALESCE(manager_id, 0), COALESCE(team_id, 0),"
                                     " (SELECT COUNT(*) FROM survey_responses r WHERE r.survey_id ="
                                     " c.survey_id AND r.cell = c.cell) FROM survey_cells c"
                                     " WHERE survey_id = $1",
                                     PARAMS(SV_INT(s)), &rows, &e),
                         0);
        while (store_next(rows, &e) > 0) {
            int64_t c = store_int(rows, 0);
            assert_true(c >= 0 && c < ncells);
            mgr[c] = store_int(rows, 1);
            team[c] = store_int(rows, 2);
            resp[c] = store_int(rows, 3);
        }
        store_rows_free(rows);
        json_t *r = results(db, &admin, s);
        /* the shown company, trees and teams as sets of cells */
        size_t i, j;
        json_t *g, *h;
        unsigned char sets[128][64];
        size_t nsets = 0;
        json_array_foreach(json_object_get(r, "groups"), i, g)
        {
            int shown = json_is_true(json_object_get(g, "shown"));
            if (!shown) {
                assert_null(json_object_get(g, "drivers"));
                assert_null(json_object_get(g, "comments"));
                continue;
            }
            assert_true(json_integer_value(json_object_get(g, "respondents")) >= min);
            const char *key = json_string_value(json_object_get(g, "key"));
            int is_tree = !strncmp(key, "tree:", 5) && !strchr(key, '/'),
                is_team = !strncmp(key, "team:", 5), is_company = !strcmp(key, "company");
            if (!(is_tree || is_team || is_company) || nsets == 128) continue;
            assert_true(ncells <= 64);
            int64_t id = is_company ? 0 : strtoll(key + 5, NULL, 10), count = 0;
            shown_trees += is_tree;
            for (int64_t c = 0; c < ncells; c++) {
                sets[nsets][c] = is_company || (is_team && team[c] == id) ||
                                 (is_tree && mgr[c] && at_or_above(db, id, mgr[c]));
                count += sets[nsets][c] ? resp[c] : 0;
            }
            assert_int_equal(count, json_integer_value(json_object_get(g, "respondents")));
            nsets++;
        }
        /* no two shown groups differ by fewer than min_group respondents */
        for (i = 0; i < nsets; i++)
            for (j = 0; j < nsets; j++) {
                int64_t diff = 0;
                for (int64_t c = 0; c < ncells; c++)
                    diff += sets[i][c] && !sets[j][c] ? resp[c] : 0;
                if (diff && diff < min)
                    fail_msg("survey %lld: shown groups differ by %lld", (long long)s, (long long)diff);
            }
        (void)h;
        json_decref(r);
        free(resp);
        free(mgr);
        free(team);
    }
    /* the demo shows some team results at all */
    assert_true(shown_trees > 0);
    testdb_close(db);
}

int main(void)
{
    if (sodium_init() < 0) return 1;
    const struct CMUnitTest tests[] = {
        TESTDB_BOTH(test_raw_tables_keep_answers_apart),
        TESTDB_BOTH(test_responses_rewritten),
        TESTDB_BOTH(test_secret_check),
        TESTDB_BOTH(test_plain_answers_sealed),
        TESTDB_BOTH(test_refusals),
        TESTDB_BOTH(test_min_group_floor),
        TESTDB_BOTH(test_results_rules),
        TESTDB_BOTH(test_min_group_setting),
        TESTDB_BOTH(test_tick),
        TESTDB_BOTH(test_demo),
    };
    return cmocka_run_group_tests_name("surveys", tests, NULL, NULL);
}
