/* fc_data.c -- the forecast's CSV inputs, periods, and a deal replayed as of a date. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "core/text.h"
#include "forecast/forecast.h"

#define FC_ID_MAX 200
#define FC_MAX_STAGES 64

/* ---- periods ------------------------------------------------------------ */

/* Days since 1970-01-01 of the first day of quarter q (Hinnant's days-from-civil). */
static int32_t quarter_start(int year, int q)
{
    int64_t y = year, m = (q - 1) * 3 + 1;
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400, yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5;
    return (int32_t)(era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468);
}

static struct fc_period make_period(int year, int q)
{
    struct fc_period p = {quarter_start(year, q), 0, year, q};
    p.end = q == 4 ? quarter_start(year + 1, 1) : quarter_start(year, q + 1);
    return p;
}

int fc_period_parse(const char *s, struct fc_period *out, const char *field, struct err *e)
{
    int ok = s && strlen(s) == 7 && s[4] == '-' && (s[5] == 'Q' || s[5] == 'q') && s[6] >= '1' &&
             s[6] <= '4';
    for (int i = 0; ok && i < 4; i++)
        if (s[i] < '0' || s[i] > '9') ok = 0;
    int year = ok ? atoi(s) : 0;
    if (!ok || year < 1900 || year > 2999)
        return err_field(e, REINS_EINVAL, field, "field %s: '%.40s' is not a quarter (YYYY-Qn)",
                         field, s ? s : "");
    *out = make_period(year, s[6] - '0');
    return 0;
}

struct fc_period fc_period_of(int32_t day)
{
    char buf[11];
    date_from_days(day, buf);
    int year = atoi(buf), month = atoi(buf + 5);
    return make_period(year, (month - 1) / 3 + 1);
}

void fc_period_name(const struct fc_period *p, char out[8])
{
    snprintf(out, 8, "%04u-Q%u", (unsigned)p->year % 10000u, (unsigned)p->quarter % 10u);
}

/* ---- names: open addressing over string ids ----------------------------- */

struct names {
    size_t n, cap;  /* cap: a power of two, at least twice n */
    uint32_t *slot; /* index + 1; 0 empty */
    char ***ids;    /* points at the fc_data array the indices are into */
};

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static int64_t names_find(const struct names *t, const char *id)
{
    if (!t->cap) return -1;
    for (size_t i = hash_str(id) & (t->cap - 1);; i = (i + 1) & (t->cap - 1)) {
        if (!t->slot[i]) return -1;
        if (!strcmp((*t->ids)[t->slot[i] - 1], id)) return t->slot[i] - 1;
    }
}

static void names_insert(struct names *t, uint32_t index, const char *id)
{
    if (2 * (t->n + 1) > t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 64;
        uint32_t *slot = xcalloc(cap, sizeof *slot);
        for (size_t j = 0; j < t->cap; j++) {
            if (!t->slot[j]) continue;
            size_t i = hash_str((*t->ids)[t->slot[j] - 1]) & (cap - 1);
            while (slot[i])
                i = (i + 1) & (cap - 1);
            slot[i] = t->slot[j];
        }
        free(t->slot);
        t->slot = slot;
        t->cap = cap;
    }
    size_t i = hash_str(id) & (t->cap - 1);
    while (t->slot[i])
        i = (i + 1) & (t->cap - 1);
    t->slot[i] = index + 1;
    t->n++;
}

struct fc_priv {
    struct names people, deals;
    size_t people_cap, deals_cap, stages_cap;
    int people_loaded, history_loaded;
};

static struct fc_priv *priv(struct fc_data *d)
{
    if (!d->priv) {
        struct fc_priv *p = xcalloc(1, sizeof *p);
        p->people.ids = &d->person_id;
        p->deals.ids = &d->deal_id;
        d->priv = p;
    }
    return d->priv;
}

void fc_data_init(struct fc_data *d)
{
    memset(d, 0, sizeof *d);
}

void fc_data_release(struct fc_data *d)
{
    if (!d) return;
    struct fc_priv *p = d->priv;
    if (p) {
        free(p->people.slot);
        free(p->deals.slot);
        free(p);
    }
    free(d->person_id);
    free(d->manager);
    free(d->deal_id);
    free(d->deal_first);
    free(d->events);
    free(d->quotas);
    free(d->calls);
    arena_release(&d->arena);
    memset(d, 0, sizeof *d);
}

int32_t fc_person_find(const struct fc_data *d, const char *id)
{
    const struct fc_priv *p = d->priv;
    return p ? (int32_t)names_find(&p->people, id) : -1;
}

static uint32_t person_intern(struct fc_data *d, const char *id)
{
    struct fc_priv *p = priv(d);
    int64_t i = names_find(&p->people, id);
    if (i >= 0) return (uint32_t)i;
    if (d->npeople == p->people_cap) {
        p->people_cap = p->people_cap ? 2 * p->people_cap : 64;
        d->person_id = xrealloc(d->person_id, p->people_cap * sizeof *d->person_id);
        d->manager = xrealloc(d->manager, p->people_cap * sizeof *d->manager);
    }
    d->person_id[d->npeople] = arena_strdup(&d->arena, id);
    d->manager[d->npeople] = -1;
    names_insert(&p->people, (uint32_t)d->npeople, d->person_id[d->npeople]);
    return (uint32_t)d->npeople++;
}

/* Forget the people interned after the first n (a file that failed), and
 * rebuild the lookup table from those kept. */
static void people_truncate(struct fc_data *d, size_t n)
{
    struct fc_priv *p = priv(d);
    if (d->npeople == n) return;
    d->npeople = n;
    if (p->people.cap) memset(p->people.slot, 0, p->people.cap * sizeof *p->people.slot);
    p->people.n = 0;
    for (size_t i = 0; i < n; i++)
        names_insert(&p->people, (uint32_t)i, d->person_id[i]);
}

int64_t fc_quota_of(const struct fc_data *d, uint32_t person, int32_t period_start)
{
    for (size_t i = 0; i < d->nquotas; i++)
        if (d->quotas[i].person == person && d->quotas[i].period_start == period_start)
            return d->quotas[i].amount;
    return -1;
}

/* ---- reading a file ------------------------------------------------------ */

/* Parse `data` as CSV and find the named columns (cols[i] = index). */
static int open_csv(const char *data, size_t len, const char *fname, const char *const *names,
                    int *cols, size_t ncols, struct csv_doc **doc, struct err *e)
{
    if (csv_parse(data, len, NULL, doc, e) < 0) return err_prefix(e, "%s: ", fname);
    if (!(*doc)->nrows) {
        csv_doc_free(*doc);
        *doc = NULL;
        return err_set(e, REINS_EINVAL, "%s: the file is empty (a header is required)", fname);
    }
    for (size_t i = 0; i < ncols; i++) {
        cols[i] = csv_find_column(*doc, names[i]);
        if (cols[i] < 0) {
            csv_doc_free(*doc);
            *doc = NULL;
            err_field(e, REINS_EINVAL, names[i], "%s line 1: no column '%s' in the header", fname,
                      names[i]);
            e->line = 1;
            return e->code;
        }
    }
    return 0;
}

static const char *cell(const struct csv_row *r, int col)
{
    return (size_t)col < r->nfields ? r->fields[col] : "";
}

/* Row i's field k of a table, and the line errors name. */
#define T(t, i, k) ((t)->cell[(i) * (t)->ncols + (k)])
static size_t tline(const struct fc_table *t, size_t i)
{
    return t->line ? t->line[i] : i + 2; /* after a header */
}

/* Load a CSV file through the table loader `load`: the columns found by name into the
 * loader's order, so both paths check every row the same way. */
static int load_csv(struct fc_data *d, const char *data, size_t len, const char *fname,
                    const char *const *names, size_t ncols,
                    int (*load)(struct fc_data *, const struct fc_table *, const char *,
                                struct err *),
                    struct err *e)
{
    int col[8];
    struct csv_doc *doc;
    if (open_csv(data, len, fname, names, col, ncols, &doc, e) < 0) return e->code;
    size_t n = doc->nrows - 1;
    const char **cells = xmalloc((n * ncols + 1) * sizeof *cells);
    size_t *lines = xmalloc((n + 1) * sizeof *lines);
    for (size_t i = 0; i < n; i++) {
        lines[i] = doc->rows[i + 1].line;
        for (size_t k = 0; k < ncols; k++)
            cells[i * ncols + k] = cell(&doc->rows[i + 1], col[k]);
    }
    struct fc_table t = {n, ncols, cells, lines};
    int rc = load(d, &t, fname, e);
    free(lines);
    free(cells);
    csv_doc_free(doc);
    return rc;
}

/* An id: non-empty, at most FC_ID_MAX bytes, no control characters. */
static int id_check(const char *s, const char *field, struct err *e)
{
    size_t n = strlen(s);
    if (!n) return err_field(e, REINS_EINVAL, field, "field %s: a value is required", field);
    if (n > FC_ID_MAX)
        return err_field(e, REINS_EINVAL, field, "field %s: longer than %d bytes", field,
                         FC_ID_MAX);
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return err_field(e, REINS_EINVAL, field, "field %s: control character", field);
    return 0;
}

static int amount_check(const char *s, const char *field, int64_t *out, struct err *e)
{
    /* below 2^53 so that sums over 100,000 deals stay exact in int64 */
    if (parse_int64(s, out) < 0 || *out < 0 || *out > ((int64_t)1 << 53))
        return err_field(e, REINS_EINVAL, field,
                         "field %s: '%.40s' is not an amount in minor units (a whole number >= 0)",
                         field, s);
    return 0;
}

static int day_check(const char *s, const char *field, int32_t *out, struct err *e)
{
    if (date_check(s, field, e) < 0) return e->code;
    *out = (int32_t)date_to_days(s);
    return 0;
}

/* ---- history ------------------------------------------------------------- */

static int event_cmp(const void *a, const void *b)
{
    const struct fc_event *x = a, *y = b;
    if (x->day != y->day) return x->day < y->day ? -1 : 1;
    return x->line < y->line ? -1 : x->line > y->line;
}

static int32_t stage_intern(struct fc_data *d, const char *name)
{
    struct fc_priv *p = priv(d);
    for (size_t i = 0; i < d->nstages; i++)
        if (!strcmp(d->stage_name[i], name)) return (int32_t)i;
    if (d->nstages == FC_MAX_STAGES) return -1;
    if (d->nstages == p->stages_cap) {
        p->stages_cap = p->stages_cap ? 2 * p->stages_cap : 16;
        char **v = arena_alloc(&d->arena, p->stages_cap * sizeof *v);
        if (d->nstages) memcpy(v, d->stage_name, d->nstages * sizeof *v);
        d->stage_name = v;
    }
    d->stage_name[d->nstages] = arena_strdup(&d->arena, name);
    return (int32_t)d->nstages++;
}

struct raw_event {
    uint32_t deal;
    struct fc_event ev;
};

static int raw_cmp(const void *a, const void *b)
{
    const struct raw_event *x = a, *y = b;
    if (x->deal != y->deal) return x->deal < y->deal ? -1 : 1;
    return event_cmp(&x->ev, &y->ev);
}

int fc_load_history_table(struct fc_data *d, const struct fc_table *t, const char *fname,
                          struct err *e)
{
    struct fc_priv *p = priv(d);
    if (t->ncols != 5) return err_set(e, REINS_EINVAL, "%s: a history has 5 columns", fname);
    if (p->history_loaded)
        return err_set(e, REINS_EINVAL, "%s: a history was loaded already", fname);
    size_t n = t->nrows;
    struct raw_event *raw = xmalloc((n ? n : 1) * sizeof *raw);
    /* ids interned while reading are kept only if the whole file is good */
    size_t line = 0, npeople0 = d->npeople;
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        const char *deal = T(t, i, 0), *owner = T(t, i, 1);
        const char *at = T(t, i, 2), *field = T(t, i, 3), *value = T(t, i, 4);
        struct raw_event *re = &raw[i];
        memset(re, 0, sizeof *re);
        line = tline(t, i);
        re->ev.line = (uint32_t)line;
        if ((rc = id_check(deal, "deal_id", e)) < 0 || (rc = id_check(owner, "owner", e)) < 0 ||
            (rc = day_check(at, "at", &re->ev.day, e)) < 0)
            break;
        if (!strcmp(field, "created")) {
            re->ev.field = FC_CREATED;
        } else if (!strcmp(field, "stage")) {
            re->ev.field = FC_STAGE;
            if ((rc = id_check(value, "value", e)) < 0) break;
            int32_t s = stage_intern(d, value);
            if (s < 0) {
                rc = err_field(e, REINS_EINVAL, "value", "field value: more than %d stages",
                               FC_MAX_STAGES);
                break;
            }
            re->ev.value = s;
        } else if (!strcmp(field, "amount_minor")) {
            re->ev.field = FC_AMOUNT;
            if ((rc = amount_check(value, "value", &re->ev.value, e)) < 0) break;
        } else if (!strcmp(field, "close_date")) {
            re->ev.field = FC_CLOSE_DATE;
            int32_t day = 0;
            if ((rc = day_check(value, "value", &day, e)) < 0) break;
            re->ev.value = day;
        } else if (!strcmp(field, "status")) {
            re->ev.field = FC_STATUS;
            if (!strcmp(value, "open")) {
                re->ev.value = FC_OPEN;
            } else if (!strcmp(value, "won")) {
                re->ev.value = FC_WON;
            } else if (!strcmp(value, "lost")) {
                re->ev.value = FC_LOST;
            } else {
                rc = err_field(e, REINS_EINVAL, "value",
                               "field value: status '%.40s' is not open, won or lost", value);
                break;
            }
        } else {
            rc = err_field(e, REINS_EINVAL, "field",
                           "field field: '%.40s' is not created, stage, amount_minor, "
                           "close_date or status",
                           field);
            break;
        }
        re->ev.owner = person_intern(d, owner);
        int64_t di = names_find(&p->deals, deal);
        if (di < 0) {
            if (d->ndeals == p->deals_cap) {
                p->deals_cap = p->deals_cap ? 2 * p->deals_cap : 256;
                d->deal_id = xrealloc(d->deal_id, p->deals_cap * sizeof *d->deal_id);
            }
            d->deal_id[d->ndeals] = arena_strdup(&d->arena, deal);
            names_insert(&p->deals, (uint32_t)d->ndeals, d->deal_id[d->ndeals]);
            di = (int64_t)d->ndeals++;
        }
        re->deal = (uint32_t)di;
    }
    if (rc < 0) {
        err_prefix(e, "%s line %zu: ", fname, line);
        e->line = line;
        /* all or nothing: forget the deals, stages and people of this file */
        d->ndeals = 0;
        d->nstages = 0;
        if (p->deals.cap) memset(p->deals.slot, 0, p->deals.cap * sizeof *p->deals.slot);
        p->deals.n = 0;
        people_truncate(d, npeople0);
        free(raw);
        return rc;
    }
    qsort(raw, n, sizeof *raw, raw_cmp);
    d->events = xmalloc((n ? n : 1) * sizeof *d->events);
    d->deal_first = xcalloc(d->ndeals + 1, sizeof *d->deal_first);
    for (size_t i = 0; i < n; i++) {
        d->events[i] = raw[i].ev;
        d->deal_first[raw[i].deal + 1] = i + 1;
        if (!i || raw[i].ev.day < d->first_day) d->first_day = raw[i].ev.day;
        if (!i || raw[i].ev.day > d->last_day) d->last_day = raw[i].ev.day;
    }
    for (size_t i = 1; i <= d->ndeals; i++)
        if (d->deal_first[i] < d->deal_first[i - 1]) d->deal_first[i] = d->deal_first[i - 1];
    d->nevents = n;
    p->history_loaded = 1;
    free(raw);
    return 0;
}

int fc_load_history(struct fc_data *d, const char *data, size_t len, const char *fname,
                    struct err *e)
{
    static const char *const names[] = {"deal_id", "owner", "at", "field", "value"};
    if (priv(d)->history_loaded)
        return err_set(e, REINS_EINVAL, "%s: a history was loaded already", fname);
    return load_csv(d, data, len, fname, names, 5, fc_load_history_table, e);
}

/* ---- people, quotas, calls ----------------------------------------------- */

int fc_load_people_table(struct fc_data *d, const struct fc_table *t, const char *fname,
                         struct err *e)
{
    if (t->ncols != 2) return err_set(e, REINS_EINVAL, "%s: people have 2 columns", fname);
    int rc = 0;
    size_t i, npeople0 = d->npeople;
    int32_t *saved = xmalloc((npeople0 + 1) * sizeof *saved);
    if (npeople0) memcpy(saved, d->manager, npeople0 * sizeof *saved);
    uint8_t *seen = NULL; /* rows of this file per person, to refuse a second */
    size_t nseen = 0;
    for (i = 0; i < t->nrows && !rc; i++) {
        const char *id = T(t, i, 0), *mgr = T(t, i, 1);
        if ((rc = id_check(id, "id", e)) < 0) break;
        if (*mgr && (rc = id_check(mgr, "manager_id", e)) < 0) break;
        uint32_t p = person_intern(d, id);
        int32_t m = *mgr ? (int32_t)person_intern(d, mgr) : -1;
        if (d->npeople > nseen) {
            seen = xrealloc(seen, d->npeople);
            memset(seen + nseen, 0, d->npeople - nseen);
            nseen = d->npeople;
        }
        if (seen[p]++) {
            rc = err_field(e, REINS_EINVAL, "id", "field id: a second row for '%.60s'", id);
            break;
        }
        if (m == (int32_t)p) {
            rc = err_field(e, REINS_EINVAL, "manager_id",
                           "field manager_id: '%.60s' manages themself", id);
            break;
        }
        d->manager[p] = m;
    }
    if (rc < 0) {
        err_prefix(e, "%s line %zu: ", fname, tline(t, i));
        e->line = tline(t, i);
    }
    /* a cycle: walking up from anyone must reach a root within npeople steps */
    for (size_t p = 0; p < d->npeople && rc == 0; p++) {
        int32_t m = d->manager[p];
        size_t steps = 0;
        while (m >= 0 && steps <= d->npeople) {
            m = d->manager[m];
            steps++;
        }
        if (m >= 0)
            rc = err_field(e, REINS_EINVAL, "manager_id",
                           "%s: field manager_id: the reporting lines of '%.60s' form a cycle",
                           fname, d->person_id[p]);
    }
    if (rc < 0) {
        /* all or nothing: the tree as it was */
        people_truncate(d, npeople0);
        if (npeople0) memcpy(d->manager, saved, npeople0 * sizeof *saved);
    } else {
        d->people_loaded = 1;
    }
    free(seen);
    free(saved);
    return rc;
}

int fc_load_people(struct fc_data *d, const char *data, size_t len, const char *fname,
                   struct err *e)
{
    static const char *const names[] = {"id", "manager_id"};
    return load_csv(d, data, len, fname, names, 2, fc_load_people_table, e);
}

int fc_load_quotas_table(struct fc_data *d, const struct fc_table *t, const char *fname,
                         struct err *e)
{
    if (t->ncols != 3) return err_set(e, REINS_EINVAL, "%s: quotas have 3 columns", fname);
    d->quotas = xrealloc(d->quotas, (d->nquotas + t->nrows + 1) * sizeof *d->quotas);
    int rc = 0;
    size_t i, nquotas0 = d->nquotas, npeople0 = d->npeople;
    for (i = 0; i < t->nrows; i++) {
        struct fc_period per;
        struct fc_quota q;
        if ((rc = id_check(T(t, i, 0), "person_id", e)) < 0 ||
            (rc = fc_period_parse(T(t, i, 1), &per, "period", e)) < 0 ||
            (rc = amount_check(T(t, i, 2), "amount_minor", &q.amount, e)) < 0)
            break;
        q.person = person_intern(d, T(t, i, 0));
        q.period_start = per.start;
        if (fc_quota_of(d, q.person, q.period_start) >= 0) {
            rc = err_field(e, REINS_EINVAL, "period",
                           "field period: a second quota for '%.60s' in %s", T(t, i, 0),
                           T(t, i, 1));
            break;
        }
        d->quotas[d->nquotas++] = q;
    }
    if (rc < 0) {
        err_prefix(e, "%s line %zu: ", fname, tline(t, i));
        e->line = tline(t, i);
        d->nquotas = nquotas0;
        people_truncate(d, npeople0);
    }
    return rc;
}

int fc_load_quotas(struct fc_data *d, const char *data, size_t len, const char *fname,
                   struct err *e)
{
    static const char *const names[] = {"person_id", "period", "amount_minor"};
    return load_csv(d, data, len, fname, names, 3, fc_load_quotas_table, e);
}

int fc_load_calls_table(struct fc_data *d, const struct fc_table *t, const char *fname,
                        struct err *e)
{
    if (t->ncols != 4) return err_set(e, REINS_EINVAL, "%s: calls have 4 columns", fname);
    d->calls = xrealloc(d->calls, (d->ncalls + t->nrows + 1) * sizeof *d->calls);
    int rc = 0;
    size_t i, ncalls0 = d->ncalls, npeople0 = d->npeople;
    for (i = 0; i < t->nrows; i++) {
        struct fc_call c = {.line = (uint32_t)tline(t, i)};
        if ((rc = id_check(T(t, i, 0), "forecaster", e)) < 0 ||
            (rc = fc_period_parse(T(t, i, 1), &c.period, "period", e)) < 0 ||
            (rc = day_check(T(t, i, 2), "at", &c.day, e)) < 0 ||
            (rc = amount_check(T(t, i, 3), "amount_minor", &c.amount, e)) < 0)
            break;
        if (c.day >= c.period.end) {
            rc = err_field(e, REINS_EINVAL, "at", "field at: %s is after the period %s",
                           T(t, i, 2), T(t, i, 1));
            break;
        }
        c.person = person_intern(d, T(t, i, 0));
        d->calls[d->ncalls++] = c;
    }
    if (rc < 0) {
        err_prefix(e, "%s line %zu: ", fname, tline(t, i));
        e->line = tline(t, i);
        d->ncalls = ncalls0;
        people_truncate(d, npeople0);
    }
    return rc;
}

int fc_load_calls(struct fc_data *d, const char *data, size_t len, const char *fname, struct err *e)
{
    static const char *const names[] = {"forecaster", "period", "at", "amount_minor"};
    return load_csv(d, data, len, fname, names, 4, fc_load_calls_table, e);
}

/* ---- a deal as of a date ------------------------------------------------- */

void fc_deal_at(const struct fc_data *d, size_t deal, int32_t day, struct fc_deal_state *out)
{
    const struct fc_event *ev = d->events + d->deal_first[deal];
    size_t n = d->deal_first[deal + 1] - d->deal_first[deal];
    memset(out, 0, sizeof *out);
    out->stage = -1;
    out->created = out->stage_since = out->close_day = out->status_day = FC_NO_DAY;
    out->status = FC_OPEN;
    for (size_t i = 0; i < n && ev[i].day <= day; i++) {
        const struct fc_event *x = &ev[i];
        if (!out->exists) {
            out->exists = 1;
            out->created = x->day; /* the first event, created or not */
        }
        out->owner = x->owner;
        switch (x->field) {
        case FC_CREATED:
            break;
        case FC_STAGE:
            if (out->stage != (int32_t)x->value) {
                out->stage = (int32_t)x->value;
                out->stage_since = x->day;
            }
            break;
        case FC_AMOUNT:
            out->amount = x->value;
            break;
        case FC_CLOSE_DATE:
            if (out->close_day != FC_NO_DAY && x->value > out->close_day && out->status == FC_OPEN)
                out->slips++;
            out->close_day = (int32_t)x->value;
            break;
        case FC_STATUS:
            if (out->status != x->value) {
                out->status = (uint8_t)x->value;
                out->status_day = x->value == FC_OPEN ? FC_NO_DAY : x->day;
            }
            break;
        }
    }
    if (out->exists && out->stage_since == FC_NO_DAY) out->stage_since = out->created;
}
