/* surveys_results.c -- what a survey's answers say, per group, only where the
 * disclosure rules let it be shown (see surveys.h and disclosure.h). */
#include "surveys/surveys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/mem.h"
#include "core/text.h"
#include "store/store.h"
#include "surveys/disclosure.h"
#include "surveys/survey_internal.h"

#define TREE_DEPTH_MAX 1000

struct item {
    int64_t id;
    char *driver, *kind, *text;
};

struct cellrow {
    int64_t manager, team; /* 0 when not tagged */
    int band, role;        /* -1 / 0 when not tagged */
    int64_t invited;
    size_t first, count; /* its responses, response[first..first+count) */
};

struct person {
    int64_t id, manager;
    char *name;
    int depth;
};

/* One group results are cut by: a union of cells. */
struct group {
    char key[64], kind[16];
    char *name;
    int64_t tree; /* the manager whose tree it is in, 0 for the company */
    int64_t team; /* for team groups */
    unsigned char *in; /* in[c]: cell c belongs */
    uint32_t *members;
    size_t n;
    int64_t invited;
    int shown;
};

struct computed {
    int64_t id, min_group, invited;
    int closed; /* results show only when it is */
    char *kind, *title, *opens_on, *closes_on;
    struct item *items;
    size_t nitems;
    struct cellrow *cells;
    size_t ncells;
    json_t **answers; /* one parsed object per response */
    size_t nresponses;
    struct person *people; /* sorted by id */
    size_t npeople;
    struct group *groups;
    size_t ngroups, capgroups;
    struct arena arena;
};

static void computed_release(struct computed *c)
{
    for (size_t i = 0; i < c->nresponses; i++)
        json_decref(c->answers[i]);
    free(c->answers);
    for (size_t i = 0; i < c->ngroups; i++) {
        free(c->groups[i].in);
        free(c->groups[i].members);
    }
    free(c->groups);
    free(c->items);
    free(c->cells);
    free(c->people);
    arena_release(&c->arena);
    memset(c, 0, sizeof *c);
}

static int by_person_id(const void *a, const void *b)
{
    const struct person *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

static struct person *find_person(struct computed *c, int64_t id)
{
    struct person key = {.id = id};
    return bsearch(&key, c->people, c->npeople, sizeof key, by_person_id);
}

static int load(struct store *db, int64_t id, struct computed *c, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db,
                         "SELECT kind, title, opens_on, closes_on, min_group, invited,"
                         " closed_early FROM surveys WHERE id = $1",
                         PARAMS(SV_INT(id)), &r, e);
    if (rc < 0) return rc;
    if ((rc = store_next(r, e)) > 0) {
        c->id = id;
        c->kind = arena_strdup(&c->arena, store_text(r, 0));
        c->title = arena_strdup(&c->arena, store_text(r, 1));
        c->opens_on = arena_strdup(&c->arena, store_text(r, 2));
        c->closes_on = arena_strdup(&c->arena, store_text(r, 3));
        c->min_group = store_int(r, 4);
        c->invited = store_int(r, 5);
        char today[11];
        date_today(today);
        c->closed = store_int(r, 6) != 0 || strcmp(today, c->closes_on) > 0;
    }
    store_rows_free(r);
    if (rc == 0) return err_set(e, REINS_ENOTFOUND, "no survey with id %lld", (long long)id);
    if (rc < 0) return rc;

    size_t cap = 16;
    if ((rc = store_query(db,
                          "SELECT q.id, q.driver, q.kind, q.text FROM survey_items i"
                          " JOIN survey_questions q ON q.id = i.question_id"
                          " WHERE i.survey_id = $1 ORDER BY i.position",
                          PARAMS(SV_INT(id)), &r, e)) < 0)
        return rc;
    c->items = xcalloc(cap, sizeof *c->items);
    while ((rc = store_next(r, e)) > 0) {
        if (c->nitems == cap) c->items = xrealloc(c->items, (cap *= 2) * sizeof *c->items);
        c->items[c->nitems++] = (struct item){store_int(r, 0), arena_strdup(&c->arena, store_text(r, 1)),
                                              arena_strdup(&c->arena, store_text(r, 2)),
                                              arena_strdup(&c->arena, store_text(r, 3))};
    }
    store_rows_free(r);
    if (rc < 0) return rc;

    if ((rc = store_query(db,
                          "SELECT cell, COALESCE(manager_id, 0), COALESCE(team_id, 0),"
                          " COALESCE(tenure_band, -1), COALESCE(role, ''), invited"
                          " FROM survey_cells WHERE survey_id = $1 ORDER BY cell",
                          PARAMS(SV_INT(id)), &r, e)) < 0)
        return rc;
    cap = 16;
    c->cells = xcalloc(cap, sizeof *c->cells);
    while ((rc = store_next(r, e)) > 0) {
        if (c->ncells == cap) c->cells = xrealloc(c->cells, (cap *= 2) * sizeof *c->cells);
        const char *role = store_text(r, 4);
        c->cells[c->ncells++] = (struct cellrow){store_int(r, 1), store_int(r, 2),
                                                 (int)store_int(r, 3),
                                                 !strcmp(role, "manager")      ? 1
                                                 : !strcmp(role, "individual") ? 2
                                                                               : 0,
                                                 store_int(r, 5), 0, 0};
    }
    store_rows_free(r);
    if (rc < 0) return rc;

    /* Responses in cell order: a group's members are then ascending runs. */
    if ((rc = store_query(db,
                          "SELECT cell, answers FROM survey_responses WHERE survey_id = $1"
                          " ORDER BY cell, id",
                          PARAMS(SV_INT(id)), &r, e)) < 0)
        return rc;
    cap = 64;
    c->answers = xcalloc(cap, sizeof *c->answers);
    while ((rc = store_next(r, e)) > 0) {
        int64_t cell = store_int(r, 0);
        if (cell < 0 || (size_t)cell >= c->ncells) continue;
        char *text;
        if ((rc = survey_answers_open(id, cell, store_text(r, 1), &text, e)) < 0) break;
        if (c->nresponses == cap) c->answers = xrealloc(c->answers, (cap *= 2) * sizeof *c->answers);
        if (c->cells[cell].count == 0) c->cells[cell].first = c->nresponses;
        c->cells[cell].count++;
        json_t *a = json_loads(text, 0, NULL);
        free(text);
        c->answers[c->nresponses++] = a ? a : json_object();
    }
    store_rows_free(r);
    if (rc < 0) return rc;

    if ((rc = store_query(db, "SELECT id, COALESCE(manager_id, 0), name FROM people ORDER BY id",
                          NO_PARAMS, &r, e)) < 0)
        return rc;
    cap = 64;
    c->people = xcalloc(cap, sizeof *c->people);
    while ((rc = store_next(r, e)) > 0) {
        if (c->npeople == cap) c->people = xrealloc(c->people, (cap *= 2) * sizeof *c->people);
        c->people[c->npeople++] =
            (struct person){store_int(r, 0), store_int(r, 1), arena_strdup(&c->arena, store_text(r, 2)), -1};
    }
    store_rows_free(r);
    return rc < 0 ? rc : 0;
}

static struct group *group_add(struct computed *c, const char *key, const char *kind, char *name)
{
    if (c->ngroups == c->capgroups) {
        c->capgroups = c->capgroups ? 2 * c->capgroups : 32;
        c->groups = xrealloc(c->groups, c->capgroups * sizeof *c->groups);
    }
    struct group *g = &c->groups[c->ngroups++];
    memset(g, 0, sizeof *g);
    snprintf(g->key, sizeof g->key, "%s", key);
    snprintf(g->kind, sizeof g->kind, "%s", kind);
    g->name = name;
    g->in = xcalloc(c->ncells ? c->ncells : 1, 1);
    return g;
}

/* Whether `ancestor` is `id` or above them, by the reporting lines of today. */
static int at_or_above(struct computed *c, int64_t ancestor, int64_t id)
{
    for (int d = 0; id && d < TREE_DEPTH_MAX; d++) {
        if (id == ancestor) return 1;
        struct person *p = find_person(c, id);
        id = p ? p->manager : 0;
    }
    return 0;
}

static int depth_of(struct computed *c, int64_t id)
{
    int d = 0;
    for (struct person *p = find_person(c, id); p && p->manager && d < TREE_DEPTH_MAX; d++)
        p = find_person(c, p->manager);
    return d;
}

struct tree_order {
    int64_t id;
    int depth;
    const char *name;
};

static int by_depth_name(const void *a, const void *b)
{
    const struct tree_order *x = a, *y = b;
    if (x->depth != y->depth) return x->depth - y->depth;
    int s = strcmp(x->name, y->name);
    return s ? s : (x->id < y->id ? -1 : x->id > y->id);
}

/* The one fixed list of groups, the most important first; every viewer's
 * view is a part of it, so no two views can be subtracted either. */
static int build_groups(struct store *db, struct computed *c, struct err *e)
{
    struct group *all = group_add(c, "company", "company", "Whole company");
    memset(all->in, 1, c->ncells);

    /* Managers' trees: everyone above a tagged cell, shallowest first. */
    size_t ntrees = 0;
    struct tree_order *trees = xcalloc(c->npeople ? c->npeople : 1, sizeof *trees);
    unsigned char *above_cell = xcalloc(c->npeople ? c->npeople : 1, 1);
    for (size_t k = 0; k < c->ncells; k++) {
        struct person *p = c->cells[k].manager ? find_person(c, c->cells[k].manager) : NULL;
        for (int d = 0; p && d < TREE_DEPTH_MAX && !above_cell[p - c->people]; d++) {
            above_cell[p - c->people] = 1;
            p = p->manager ? find_person(c, p->manager) : NULL;
        }
    }
    for (size_t i = 0; i < c->npeople; i++)
        if (above_cell[i])
            trees[ntrees++] = (struct tree_order){c->people[i].id, depth_of(c, c->people[i].id),
                                                  c->people[i].name};
    free(above_cell);
    qsort(trees, ntrees, sizeof *trees, by_depth_name);
    size_t first_tree = c->ngroups;
    for (size_t t = 0; t < ntrees; t++) {
        char key[64];
        snprintf(key, sizeof key, "tree:%lld", (long long)trees[t].id);
        struct group *g = group_add(c, key, "tree", arena_printf(&c->arena, "%s's team", trees[t].name));
        g->tree = trees[t].id;
        for (size_t k = 0; k < c->ncells; k++)
            g->in[k] = c->cells[k].manager && at_or_above(c, trees[t].id, c->cells[k].manager);
    }
    size_t end_tree = c->ngroups;

    struct store_rows *r;
    int rc = store_query(db, "SELECT id, name FROM teams ORDER BY name, id", NO_PARAMS, &r, e);
    if (rc < 0) {
        free(trees);
        return rc;
    }
    while ((rc = store_next(r, e)) > 0) {
        int64_t team = store_int(r, 0);
        char key[64];
        snprintf(key, sizeof key, "team:%lld", (long long)team);
        struct group *g = group_add(c, key, "team", arena_printf(&c->arena, "Team %s", store_text(r, 1)));
        g->team = team;
        for (size_t k = 0; k < c->ncells; k++)
            g->in[k] = c->cells[k].team == team;
    }
    store_rows_free(r);
    if (rc < 0) {
        free(trees);
        return rc;
    }
    for (int b = 0; b < SURVEY_BANDS; b++) {
        char key[64];
        snprintf(key, sizeof key, "band:%d", b);
        struct group *g = group_add(c, key, "filter",
                                    arena_printf(&c->arena, "Tenure %s", survey_band_names[b]));
        for (size_t k = 0; k < c->ncells; k++)
            g->in[k] = c->cells[k].band == b;
    }
    for (int ro = 1; ro < SURVEY_ROLES; ro++) {
        char key[64];
        snprintf(key, sizeof key, "role:%d", ro);
        struct group *g = group_add(c, key, "filter", arena_printf(&c->arena, "Role: %s", survey_role_names[ro]));
        for (size_t k = 0; k < c->ncells; k++)
            g->in[k] = c->cells[k].role == ro;
    }
    /* Filters within each tree. */
    for (size_t t = first_tree; t < end_tree; t++) {
        for (int b = 0; b < SURVEY_BANDS + SURVEY_ROLES - 1; b++) {
            int is_band = b < SURVEY_BANDS, v = is_band ? b : b - SURVEY_BANDS + 1;
            char key[64];
            snprintf(key, sizeof key, "%.40s/%s:%d", c->groups[t].key, is_band ? "band" : "role", v);
            char *name = arena_printf(&c->arena, "%s, %s %s", c->groups[t].name,
                                      is_band ? "tenure" : "role:",
                                      is_band ? survey_band_names[v] : survey_role_names[v]);
            struct group *g = group_add(c, key, "filter", name);
            const struct group *tree = &c->groups[t]; /* group_add may have moved it */
            g->tree = tree->tree;
            for (size_t k = 0; k < c->ncells; k++)
                g->in[k] = tree->in[k] && (is_band ? c->cells[k].band == v : c->cells[k].role == v);
        }
    }
    free(trees);

    /* Members: the responses of the group's cells, ascending. */
    for (size_t i = 0; i < c->ngroups; i++) {
        struct group *g = &c->groups[i];
        g->members = xcalloc(c->nresponses ? c->nresponses : 1, sizeof *g->members);
        for (size_t k = 0; k < c->ncells; k++) {
            if (!g->in[k]) continue;
            g->invited += c->cells[k].invited;
            for (size_t m = 0; m < c->cells[k].count; m++)
                g->members[g->n++] = (uint32_t)(c->cells[k].first + m);
        }
    }
    struct disclosure_group *dg = xcalloc(c->ngroups, sizeof *dg);
    unsigned char *shown = xcalloc(c->ngroups, 1);
    for (size_t i = 0; i < c->ngroups; i++)
        dg[i] = (struct disclosure_group){c->groups[i].members, c->groups[i].n};
    disclosure_decide(dg, c->ngroups, (int)c->min_group, shown);
    for (size_t i = 0; i < c->ngroups; i++)
        c->groups[i].shown = shown[i] && c->closed;
    free(dg);
    free(shown);
    return 0;
}

static int compute(struct store *db, int64_t id, struct computed *c, struct err *e)
{
    memset(c, 0, sizeof *c);
    int rc = load(db, id, c, e);
    if (rc >= 0) rc = build_groups(db, c, e);
    if (rc < 0) computed_release(c);
    return rc;
}

/* Whether `who` may see group `g`: admins all; everyone the company; a
 * manager their own tree and everything inside it. */
static int may_see(struct computed *c, const struct principal *who, const struct group *g)
{
    if (who->role == ROLE_ADMIN || !strcmp(g->kind, "company")) return 1;
    if (!who->person_id) return 0;
    if (g->tree) return at_or_above(c, who->person_id, g->tree);
    if (!strcmp(g->kind, "team")) {
        int any = 0;
        for (size_t k = 0; k < c->ncells; k++) {
            if (!g->in[k]) continue;
            any = 1;
            if (!c->cells[k].manager || !at_or_above(c, who->person_id, c->cells[k].manager))
                return 0;
        }
        return any;
    }
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Scores of one shown group, per question: mean (x100) and % favourable, or
 * eNPS; with the company's mean beside them when the company is shown. */
static json_t *group_json(struct computed *c, const struct group *g, const struct group *company,
                          int with_comments)
{
    /* How many answered is shown even where the answers are not: it tells
     * nothing of what anyone said, and lets a leader see where to encourage. */
    json_t *o = json_pack("{s:s, s:s, s:s, s:b, s:I, s:I}", "key", g->key, "kind", g->kind, "name",
                          g->name, "shown", g->shown, "invited", (json_int_t)g->invited,
                          "answered", (json_int_t)g->n);
    if (!g->shown) {
        json_object_set_new(o, "reason",
                            json_string(!c->closed
                                            ? "withheld: results show when the survey closes"
                                            : "withheld: fewer than the minimum answered here, or "
                                              "showing it beside another group would reveal a "
                                              "few people's answers"));
        return o;
    }
    json_object_set_new(o, "respondents", json_integer((json_int_t)g->n));
    json_object_set_new(o, "participation_pct",
                        json_integer(g->invited ? (json_int_t)(g->n * 100 / (size_t)g->invited) : 0));
    json_t *drivers = json_array();
    const char **comments = xcalloc(g->n ? g->n : 1, sizeof *comments);
    size_t ncomments = 0;
    for (size_t q = 0; q < c->nitems; q++) {
        char key[24];
        snprintf(key, sizeof key, "%lld", (long long)c->items[q].id);
        int is_text = !strcmp(c->items[q].kind, "text"), enps = !strcmp(c->items[q].kind, "enps");
        int64_t sum[2] = {0}, count[2] = {0}, fav[2] = {0}, pro[2] = {0}, det[2] = {0};
        for (int w = 0; w < 2; w++) {
            const struct group *x = w ? company : g;
            if (!x || !x->shown) continue;
            for (size_t m = 0; m < x->n; m++) {
                json_t *v = json_object_get(c->answers[x->members[m]], key);
                if (!w && json_is_string(v) && with_comments)
                    comments[ncomments++] = json_string_value(v);
                if (!json_is_integer(v)) continue;
                int64_t s = json_integer_value(v);
                sum[w] += s;
                count[w]++;
                fav[w] += s >= 4;
                pro[w] += s >= 9;
                det[w] += s <= 6;
            }
        }
        if (is_text) continue;
        json_t *d = json_pack("{s:s, s:s, s:I, s:s, s:I}", "driver", c->items[q].driver, "kind",
                              c->items[q].kind, "question_id", (json_int_t)c->items[q].id,
                              "question", c->items[q].text, "answers", (json_int_t)count[0]);
        for (int w = 0; w < 2; w++) {
            if (!count[w]) continue;
            const char *prefix = w ? "company_" : "";
            char name[48];
            if (enps) {
                snprintf(name, sizeof name, "%senps", prefix);
                json_object_set_new(d, name, json_integer((json_int_t)((pro[w] - det[w]) * 100 / count[w])));
                if (w) continue;
                json_object_set_new(d, "promoters_pct", json_integer((json_int_t)(pro[w] * 100 / count[w])));
                json_object_set_new(d, "detractors_pct", json_integer((json_int_t)(det[w] * 100 / count[w])));
            } else {
                /* integers: a mean of 4.12 is 412, rounded half up */
                snprintf(name, sizeof name, "%smean_x100", prefix);
                json_object_set_new(d, name, json_integer((json_int_t)((sum[w] * 200 + count[w]) / (2 * count[w]))));
                snprintf(name, sizeof name, "%sfavourable_pct", prefix);
                json_object_set_new(d, name, json_integer((json_int_t)(fav[w] * 100 / count[w])));
            }
        }
        json_array_append_new(drivers, d);
    }
    json_object_set_new(o, "drivers", drivers);
    if (with_comments) {
        /* alphabetical: never in the order they came */
        qsort(comments, ncomments, sizeof *comments, cmp_str);
        json_t *a = json_array();
        for (size_t i = 0; i < ncomments; i++)
            json_array_append_new(a, json_string(comments[i]));
        json_object_set_new(o, "comments", a);
    }
    free(comments);
    return o;
}

static json_t *survey_json(const struct computed *c)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:I, s:b}", "id", (json_int_t)c->id, "kind",
                     c->kind, "title", c->title, "opens_on", c->opens_on, "closes_on",
                     c->closes_on, "min_group", (json_int_t)c->min_group, "invited",
                     (json_int_t)c->invited, "closed", c->closed);
}

int survey_results(struct store *db, const struct principal *who, int64_t id, json_t **out,
                   struct err *e)
{
    struct computed c;
    int rc = compute(db, id, &c, e);
    if (rc < 0) return rc;
    json_t *groups = json_array();
    for (size_t i = 0; i < c.ngroups; i++)
        if (may_see(&c, who, &c.groups[i]))
            json_array_append_new(groups, group_json(&c, &c.groups[i], &c.groups[0], 1));
    *out = json_pack("{s:o, s:o, s:{s:I, s:I}}", "survey", survey_json(&c), "groups", groups,
                     "participation", "answered", (json_int_t)c.nresponses, "invited",
                     (json_int_t)c.invited);
    computed_release(&c);
    return 0;
}

static int survey_ids(struct store *db, int64_t **out, size_t *n, struct err *e)
{
    struct store_rows *r;
    char today[11];
    date_today(today);
    int rc = store_query(db, "SELECT id FROM surveys WHERE opens_on <= $1 ORDER BY opens_on, id",
                         PARAMS(SV_TEXT(today)), &r, e);
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
    return rc < 0 ? rc : 0;
}

/* The point of one survey for group `key` (NULL when the viewer may not see it). */
static json_t *trend_point(struct computed *c, const struct principal *who, const char *key)
{
    for (size_t i = 0; i < c->ngroups; i++) {
        struct group *g = &c->groups[i];
        if (strcmp(g->key, key)) continue;
        if (!may_see(c, who, g)) return NULL;
        json_t *p = group_json(c, g, &c->groups[0], 0);
        json_object_set_new(p, "survey", survey_json(c));
        return p;
    }
    return json_pack("{s:s, s:b, s:o}", "key", key, "shown", 0, "survey", survey_json(c));
}

int survey_trend(struct store *db, const struct principal *who, const char *group, json_t **out,
                 struct err *e)
{
    int64_t *ids = NULL;
    size_t n = 0;
    int rc = survey_ids(db, &ids, &n, e);
    json_t *points = json_array();
    int visible = 0;
    for (size_t i = 0; i < n && rc >= 0; i++) {
        struct computed c;
        if ((rc = compute(db, ids[i], &c, e)) < 0) break;
        json_t *p = trend_point(&c, who, group);
        computed_release(&c);
        if (!p) continue;
        visible = 1;
        json_array_append_new(points, p);
    }
    free(ids);
    if (rc >= 0 && !visible && n) rc = err_set(e, REINS_ENOTFOUND, "no group %s you may see", group);
    if (rc < 0) {
        json_decref(points);
        return rc;
    }
    *out = json_pack("{s:s, s:o}", "group", group, "points", points);
    return 0;
}

int survey_summary(struct store *db, const struct principal *who, json_t **out, struct err *e)
{
    char key[64] = "company";
    int64_t reports = 0;
    int rc = 0;
    if (who->person_id) {
        rc = store_int_query(db, "SELECT COUNT(*) FROM people WHERE manager_id = $1 AND status <> 'left'",
                             PARAMS(SV_INT(who->person_id)), &reports, e);
        if (rc < 0) return rc;
        if (reports) snprintf(key, sizeof key, "tree:%lld", (long long)who->person_id);
    }
    json_t *trend = NULL;
    rc = survey_trend(db, who, key, &trend, e);
    if (rc == REINS_ENOTFOUND) {
        trend = json_pack("{s:s, s:[]}", "group", key, "points");
        rc = 0;
    }
    if (rc < 0) return rc;
    json_t *points = json_object_get(trend, "points"), *latest = NULL, *before = NULL;
    for (size_t i = json_array_size(points); i-- > 0;) {
        json_t *p = json_array_get(points, i);
        if (!json_is_true(json_object_get(p, "shown"))) continue;
        if (!latest) latest = p;
        else if (!before) before = p;
    }
    /* The weakest driver, by share favourable: a topic to talk about. */
    json_t *weakest = json_null();
    if (latest) {
        json_t *d, *low = NULL;
        size_t i;
        json_array_foreach(json_object_get(latest, "drivers"), i, d)
        {
            if (strcmp(json_string_value(json_object_get(d, "kind")), "likert")) continue;
            json_t *prev = NULL, *pd;
            size_t j;
            json_array_foreach(before ? json_object_get(before, "drivers") : NULL, j, pd)
            {
                if (!strcmp(json_string_value(json_object_get(pd, "driver")),
                            json_string_value(json_object_get(d, "driver"))))
                    prev = pd;
            }
            if (prev && json_object_get(prev, "mean_x100") && json_object_get(d, "mean_x100"))
                json_object_set_new(d, "change_x100",
                                    json_integer(json_integer_value(json_object_get(d, "mean_x100")) -
                                                 json_integer_value(json_object_get(prev, "mean_x100"))));
            if (!json_object_get(d, "favourable_pct")) continue;
            if (!low || json_integer_value(json_object_get(d, "favourable_pct")) <
                            json_integer_value(json_object_get(low, "favourable_pct")))
                low = d;
        }
        if (low) {
            const char *driver = json_string_value(json_object_get(low, "driver"));
            char text[200];
            snprintf(text, sizeof text,
                     "Make \"%s\" a topic at the next team meeting and ask about it in your "
                     "one-on-ones: it is the team's lowest-scoring driver.",
                     driver);
            weakest = json_pack("{s:s, s:O, s:s}", "driver", driver, "favourable_pct",
                                json_object_get(low, "favourable_pct"), "suggestion", text);
        }
    }
    *out = json_pack("{s:s, s:O, s:O, s:o, s:o}", "group", key, "latest", latest ? latest : json_null(),
                     "previous", before ? before : json_null(), "weakest", weakest, "trend", trend);
    return 0;
}
