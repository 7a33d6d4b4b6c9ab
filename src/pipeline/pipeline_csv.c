/* pipeline_csv.c -- CRM exports in (Salesforce and HubSpot, all or nothing), CSV out.
 *
 * An import reads the whole file, checks every row against what the
 * database holds (owners by email, stages by name, earlier imports by
 * external id) and lists every problem before writing anything; only a
 * clean file is written, in one transaction, with prepared statements.
 */
#include "pipeline/pipeline.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/csv.h"
#include "core/text.h"
#include "people/people.h"
#include "store/store.h"

#define TEXT_MAX 255

/* ---- sources, objects, fields and their default columns ------------------------------------ */

int crm_source_parse(const char *s)
{
    if (s && !strcmp(s, "salesforce")) return CRM_SALESFORCE;
    if (s && !strcmp(s, "hubspot")) return CRM_HUBSPOT;
    return -1;
}

int crm_object_parse(const char *s)
{
    if (s && !strcmp(s, "opportunities")) return CRM_OPPORTUNITIES;
    if (s && !strcmp(s, "accounts")) return CRM_ACCOUNTS;
    return -1;
}

const char *crm_source_name(enum crm_source s)
{
    return s == CRM_HUBSPOT ? "hubspot" : "salesforce";
}

const char *crm_object_name(enum crm_object o)
{
    return o == CRM_ACCOUNTS ? "accounts" : "opportunities";
}

enum opp_field {
    OF_EXTERNAL_ID,
    OF_NAME,
    OF_OWNER_EMAIL,
    OF_AMOUNT,
    OF_CURRENCY,
    OF_STAGE,
    OF_PIPELINE,
    OF_PROBABILITY,
    OF_CATEGORY,
    OF_CLOSE_DATE,
    OF_CREATED_DATE,
    OF_ACCOUNT_ID,
    OF_ACCOUNT_NAME,
    OF_REASON,
    OF_PRODUCTS,
    OF_DEAL_TYPE,
    OF_COUNT
};
static const char *const opp_fields[OF_COUNT + 1] = {
    "external_id",       "name",       "owner_email",  "amount",
    "currency",          "stage",      "pipeline",     "probability",
    "forecast_category", "close_date", "created_date", "account_external_id",
    "account_name",      "reason",     "products",     "deal_type",
    NULL};
static const int opp_required[OF_COUNT] = {
    [OF_EXTERNAL_ID] = 1, [OF_NAME] = 1,  [OF_OWNER_EMAIL] = 1,
    [OF_AMOUNT] = 1,      [OF_STAGE] = 1, [OF_CLOSE_DATE] = 1};
/* The headers of a Salesforce opportunity report and a HubSpot deal export. */
static const char *const opp_defaults[2][OF_COUNT] = {
    {"Opportunity ID", "Opportunity Name", "Owner Email", "Amount", "Opportunity Currency", "Stage",
     "Pipeline", "Probability (%)", "Forecast Category", "Close Date", "Created Date", "Account ID",
     "Account Name", "Loss Reason", "Product Name", "Type"},
    {"Record ID", "Deal Name", "Deal Owner Email", "Amount", "Currency", "Deal Stage", "Pipeline",
     "Deal probability", "Forecast category", "Close Date", "Create Date", "Associated Company ID",
     "Associated Company", "Closed Lost Reason", "Products", "Deal Type"},
};

enum account_field {
    AF_EXTERNAL_ID,
    AF_NAME,
    AF_OWNER_EMAIL,
    AF_INDUSTRY,
    AF_SEGMENT,
    AF_POSTCODE,
    AF_COUNTRY,
    AF_LATITUDE,
    AF_LONGITUDE,
    AF_POTENTIAL,
    AF_CURRENCY,
    AF_COUNT
};
static const char *const account_fields[AF_COUNT + 1] = {
    "external_id", "name",     "owner_email", "industry",  "segment",  "postcode",
    "country",     "latitude", "longitude",   "potential", "currency", NULL};
static const int account_required[AF_COUNT] = {[AF_EXTERNAL_ID] = 1, [AF_NAME] = 1};
/* The headers of a Salesforce account report and a HubSpot company export. */
static const char *const account_defaults[2][AF_COUNT] = {
    {"Account ID", "Account Name", "Owner Email", "Industry", "Segment", "Billing Zip/Postal Code",
     "Billing Country", "Billing Latitude", "Billing Longitude", "Potential", "Account Currency"},
    {"Record ID", "Company name", "Company Owner Email", "Industry", "Segment", "Postal Code",
     "Country/Region", "Latitude", "Longitude", "Potential", "Currency"},
};

const char *const *crm_fields(enum crm_object o)
{
    return o == CRM_ACCOUNTS ? account_fields : opp_fields;
}

static int field_index(enum crm_object o, const char *field)
{
    const char *const *f = crm_fields(o);
    for (int i = 0; f[i]; i++)
        if (!strcmp(f[i], field)) return i;
    return -1;
}

const char *crm_default_column(enum crm_source s, enum crm_object o, const char *field)
{
    int i = field_index(o, field);
    if (i < 0) return NULL;
    return o == CRM_ACCOUNTS ? account_defaults[s][i] : opp_defaults[s][i];
}

/* ---- saved mappings ------------------------------------------------------------------------ */

static const char SQL_MAPPING[] =
    "SELECT field, column_name FROM crm_mappings WHERE source = $1 AND object = $2";
static const char SQL_MAPPING_UPSERT[] =
    "INSERT INTO crm_mappings (source, object, field, column_name, updated_at)"
    " VALUES ($1, $2, $3, $4, $5) ON CONFLICT (source, object, field)"
    " DO UPDATE SET column_name = excluded.column_name, updated_at = excluded.updated_at";
static const char SQL_MAPPING_DELETE[] =
    "DELETE FROM crm_mappings WHERE source = $1 AND object = $2 AND field = $3";

int crm_mapping_get(struct store *db, enum crm_source s, enum crm_object o, struct arena *arena,
                    const char ***columns, struct err *e)
{
    const char *const *fields = crm_fields(o);
    size_t n = 0;
    while (fields[n])
        n++;
    const char **cols = arena_alloc(arena, (n + 1) * sizeof *cols);
    for (size_t i = 0; i < n; i++)
        cols[i] = crm_default_column(s, o, fields[i]);
    struct store_rows *r;
    int rc = store_query(db, SQL_MAPPING,
                         PARAMS(SV_TEXT(crm_source_name(s)), SV_TEXT(crm_object_name(o))), &r, e);
    if (rc < 0) return rc;
    while ((rc = store_next(r, e)) > 0) {
        int i = field_index(o, store_text(r, 0));
        if (i >= 0) cols[i] = arena_strdup(arena, store_text(r, 1));
    }
    store_rows_free(r);
    *columns = cols;
    return rc;
}

int crm_mapping_set(struct store *db, enum crm_source s, enum crm_object o, const char *field,
                    const char *column, int64_t now, struct err *e)
{
    int i = field ? field_index(o, field) : -1;
    if (i < 0)
        return err_field(e, REINS_EINVAL, "field", "field: '%.40s' is not a field of %s",
                         field ? field : "", crm_object_name(o));
    const char *name = crm_fields(o)[i]; /* static, for the error's field */
    if (!column || !*column)
        return store_run(
            db, SQL_MAPPING_DELETE,
            PARAMS(SV_TEXT(crm_source_name(s)), SV_TEXT(crm_object_name(o)), SV_TEXT(name)), NULL,
            e);
    int rc = text_check(column, TEXT_MAX, name, e);
    if (rc < 0) return rc;
    return store_run(db, SQL_MAPPING_UPSERT,
                     PARAMS(SV_TEXT(crm_source_name(s)), SV_TEXT(crm_object_name(o)), SV_TEXT(name),
                            SV_TEXT(column), SV_INT(now)),
                     NULL, e);
}

/* ---- a string-keyed table (open addressing; keys borrowed) --------------------------------- */

struct strmap {
    const char **keys;
    int64_t *vals;
    size_t cap, len;
};

static uint64_t str_hash(const char *s)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    return h;
}

static void strmap_put(struct strmap *m, const char *key, int64_t val);

static void strmap_grow(struct strmap *m)
{
    struct strmap old = *m;
    m->cap = old.cap ? old.cap * 2 : 1024;
    m->keys = xcalloc(m->cap, sizeof *m->keys);
    m->vals = xcalloc(m->cap, sizeof *m->vals);
    m->len = 0;
    for (size_t i = 0; i < old.cap; i++)
        if (old.keys[i]) strmap_put(m, old.keys[i], old.vals[i]);
    free(old.keys);
    free(old.vals);
}

/* Insert or replace. */
static void strmap_put(struct strmap *m, const char *key, int64_t val)
{
    if ((m->len + 1) * 2 > m->cap) strmap_grow(m);
    size_t i = str_hash(key) & (m->cap - 1);
    while (m->keys[i] && strcmp(m->keys[i], key))
        i = (i + 1) & (m->cap - 1);
    if (!m->keys[i]) m->len++;
    m->keys[i] = key;
    m->vals[i] = val;
}

/* 1 and *val when found, else 0. */
static int strmap_get(const struct strmap *m, const char *key, int64_t *val)
{
    if (!m->cap) return 0;
    size_t i = str_hash(key) & (m->cap - 1);
    while (m->keys[i]) {
        if (!strcmp(m->keys[i], key)) {
            *val = m->vals[i];
            return 1;
        }
        i = (i + 1) & (m->cap - 1);
    }
    return 0;
}

static void strmap_release(struct strmap *m)
{
    free(m->keys);
    free(m->vals);
    memset(m, 0, sizeof *m);
}

/* ---- the import ---------------------------------------------------------------------------- */

static const char SQL_PEOPLE[] = "SELECT id, email FROM people";
static const char SQL_PIPELINES[] = "SELECT id, name, is_default FROM pipelines WHERE archived = 0";
static const char SQL_ACCOUNTS_OF[] =
    "SELECT id, external_id, name, owner_id, industry, segment, postcode, country, latitude_e6,"
    " longitude_e6, potential_minor, currency FROM accounts WHERE source = $1";
static const char SQL_OPPS_OF[] =
    "SELECT id, external_id, owner_id, pipeline_id, stage_id, amount_minor, currency, close_date,"
    " probability_bp, forecast_category, status, probability_manual, name, account_id,"
    " closed_reason, created_date, deal_type FROM opportunities WHERE source = $1";
static const char SQL_ACCOUNT_UPDATE[] =
    "UPDATE accounts SET name = $2, owner_id = $3, industry = $4, segment = $5, postcode = $6,"
    " country = $7, latitude_e6 = $8, longitude_e6 = $9, potential_minor = $10, currency = $11,"
    " updated_at = $12 WHERE id = $1";
static const char SQL_OPP_DETAILS_UPDATE[] =
    "UPDATE opportunities SET name = $2, account_id = $3, closed_reason = $4, created_date = $5,"
    " updated_at = $6, deal_type = $7 WHERE id = $1";
static const char SQL_PRODUCTS_DELETE[] =
    "DELETE FROM opportunity_products WHERE opportunity_id = $1";
static const char SQL_PRODUCT_INSERT[] =
    "INSERT INTO opportunity_products (opportunity_id, name) VALUES ($1, $2)";
static const char SQL_IMPORT_LOG[] =
    "INSERT INTO crm_imports (source, object, filename, user_id, rows_read, created, updated,"
    " unchanged, imported_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

/* What an earlier import made, as found in the database. */
struct known_opp {
    int64_t id, account_id;
    struct opp_state st;
    int manual;
    char *name, *reason, *created_date, *deal_type;
};
struct known_account {
    struct account a;
};

/* One good row of the file, ready to write. */
struct opp_row {
    size_t line;
    const char *external_id, *name, *reason, *products, *deal_type;
    const char *account_ext, *account_name;
    int has_probability, has_category, has_products, has_deal_type;
    int64_t probability_bp;
    char category[16];
    struct opp_state st;
    const struct pipeline_stage *stage;
    char created_date[11];
    long known; /* index into known opps, -1 for new */
};

struct import {
    struct store *db;
    enum crm_source source;
    enum crm_object object;
    const char *filename;
    struct import_result *res;
    struct arena arena;
    const char **columns; /* the mapping in force */
    int col[(int)OF_COUNT > (int)AF_COUNT ? (int)OF_COUNT : (int)AF_COUNT];
    struct strmap people;        /* email -> person id */
    struct strmap accounts;      /* external id -> index into accs */
    struct strmap account_names; /* name -> index into accs */
    struct known_account *accs;
    size_t naccs, accs_cap;
    struct strmap opps; /* external id -> index into known */
    struct known_opp *known;
    size_t nknown;
    struct pipeline_stage *stages;
    const char **stage_keys; /* each stage's name, squashed */
    size_t nstages;
    int64_t default_pipeline;
    struct strmap pipelines; /* lower-case name -> id */
};

/* Lower-case letters and digits only: "Closed Won", "closedwon" and "Closed-Won" are one. */
static char *squash(struct arena *a, const char *s)
{
    size_t n = strlen(s);
    char *out = arena_alloc(a, n + 1), *p = out;
    for (; *s; s++) {
        char c = *s;
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (unsigned char)c >= 0x80) *p++ = c;
    }
    *p = 0;
    return out;
}

static int load_reference(struct import *im, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(im->db, SQL_PEOPLE, NO_PARAMS, &r, e);
    if (rc < 0) return rc;
    while ((rc = store_next(r, e)) > 0)
        strmap_put(&im->people, arena_strdup(&im->arena, store_text(r, 1)), store_int(r, 0));
    store_rows_free(r);
    if (rc < 0) return rc;

    if ((rc = store_query(im->db, SQL_PIPELINES, NO_PARAMS, &r, e)) < 0) return rc;
    while ((rc = store_next(r, e)) > 0) {
        strmap_put(&im->pipelines, squash(&im->arena, store_text(r, 1)), store_int(r, 0));
        if (store_int(r, 2)) im->default_pipeline = store_int(r, 0);
    }
    store_rows_free(r);
    if (rc < 0) return rc;
    if ((rc = pipeline_stages_list(im->db, &im->arena, &im->stages, &im->nstages, e)) < 0)
        return rc;
    im->stage_keys = arena_alloc(&im->arena, (im->nstages + 1) * sizeof *im->stage_keys);
    for (size_t i = 0; i < im->nstages; i++)
        im->stage_keys[i] = squash(&im->arena, im->stages[i].name);

    const char *src = crm_source_name(im->source);
    if ((rc = store_query(im->db, SQL_ACCOUNTS_OF, PARAMS(SV_TEXT(src)), &r, e)) < 0) return rc;
    while ((rc = store_next(r, e)) > 0) {
        im->accs = arena_grow(&im->arena, im->accs, sizeof *im->accs, im->naccs, &im->accs_cap);
        struct account *a = &im->accs[im->naccs].a;
        memset(a, 0, sizeof *a);
        a->id = store_int(r, 0);
        a->external_id = arena_strdup(&im->arena, store_text(r, 1));
        a->name = arena_strdup(&im->arena, store_text(r, 2));
        a->owner_id = store_int(r, 3);
        a->industry = arena_strdup(&im->arena, store_text(r, 4));
        a->segment = arena_strdup(&im->arena, store_text(r, 5));
        a->postcode = arena_strdup(&im->arena, store_text(r, 6));
        a->country = arena_strdup(&im->arena, store_text(r, 7));
        a->has_location = !store_isnull(r, 8);
        a->latitude_e6 = store_int(r, 8);
        a->longitude_e6 = store_int(r, 9);
        a->potential_minor = store_int(r, 10);
        a->currency = arena_strdup(&im->arena, store_text(r, 11));
        a->source = src;
        if (a->external_id) strmap_put(&im->accounts, a->external_id, (int64_t)im->naccs);
        strmap_put(&im->account_names, a->name, (int64_t)im->naccs);
        im->naccs++;
    }
    store_rows_free(r);
    if (rc < 0 || im->object != CRM_OPPORTUNITIES) return rc;

    if ((rc = store_query(im->db, SQL_OPPS_OF, PARAMS(SV_TEXT(src)), &r, e)) < 0) return rc;
    size_t cap = 0;
    while ((rc = store_next(r, e)) > 0) {
        if (!store_text(r, 1)) continue;
        im->known = arena_grow(&im->arena, im->known, sizeof *im->known, im->nknown, &cap);
        struct known_opp *k = &im->known[im->nknown];
        memset(k, 0, sizeof *k);
        k->id = store_int(r, 0);
        char *ext = arena_strdup(&im->arena, store_text(r, 1));
        k->st.owner_id = store_int(r, 2);
        k->st.pipeline_id = store_int(r, 3);
        k->st.stage_id = store_int(r, 4);
        k->st.amount_minor = store_int(r, 5);
        snprintf(k->st.currency, sizeof k->st.currency, "%s", store_text(r, 6));
        snprintf(k->st.close_date, sizeof k->st.close_date, "%s", store_text(r, 7));
        k->st.probability_bp = store_int(r, 8);
        snprintf(k->st.forecast_category, sizeof k->st.forecast_category, "%s", store_text(r, 9));
        snprintf(k->st.status, sizeof k->st.status, "%s", store_text(r, 10));
        k->manual = store_int(r, 11) != 0;
        k->name = arena_strdup(&im->arena, store_text(r, 12));
        k->account_id = store_int(r, 13);
        k->reason = arena_strdup(&im->arena, store_text(r, 14));
        k->created_date = arena_strdup(&im->arena, store_text(r, 15));
        k->deal_type = arena_strdup(&im->arena, store_text(r, 16));
        strmap_put(&im->opps, ext, (int64_t)im->nknown);
        im->nknown++;
    }
    store_rows_free(r);
    return rc;
}

/* Find each mapped column in the header; a missing required one is a problem. */
static void map_header(struct import *im, const struct csv_doc *doc)
{
    int nfields = im->object == CRM_ACCOUNTS ? AF_COUNT : OF_COUNT;
    const int *required = im->object == CRM_ACCOUNTS ? account_required : opp_required;
    const char *const *fields = crm_fields(im->object);
    for (int i = 0; i < nfields; i++) {
        im->col[i] = csv_find_column(doc, im->columns[i]);
        if (im->col[i] < 0 && required[i])
            import_problem_add(im->res, doc->rows[0].line, fields[i],
                    "the header has no column '%s' (field %s; see the column mapping for %s)",
                    im->columns[i], fields[i], crm_source_name(im->source));
    }
}

/* A field of `row`, or NULL when its column is absent, short or blank. */
static const char *cell(const struct import *im, const struct csv_row *row, int f)
{
    int c = im->col[f];
    if (c < 0 || (size_t)c >= row->nfields) return NULL;
    const char *v = row->fields[c];
    while (*v == ' ' || *v == '\t')
        v++;
    if (!*v) return NULL;
    /* trim the end in place: fields belong to the doc, which allows it */
    char *end = row->fields[c] + strlen(row->fields[c]);
    while (end > v && (end[-1] == ' ' || end[-1] == '\t'))
        *--end = 0;
    return v;
}

/* A required or optional text field; 0 ok (v may be NULL when optional), -1 reported. */
static int text_field(struct import *im, const struct csv_row *row, int f, const char *name,
                      int required, size_t max, const char **out)
{
    const char *v = cell(im, row, f);
    *out = v;
    struct err e = {0};
    if (!v) {
        if (!required) return 0;
        import_problem_add(im->res, row->line, name, "field %s: column '%s' is empty", name, im->columns[f]);
        return -1;
    }
    if (text_check(v, max, name, &e) < 0) {
        import_problem_add(im->res, row->line, name, "%s", e.msg);
        return -1;
    }
    return 0;
}

/* An owner's email to a person id; 0 with no problem when absent and optional. */
static int owner_field(struct import *im, const struct csv_row *row, int f, int required,
                       int64_t *id)
{
    *id = 0;
    const char *v = cell(im, row, f);
    if (!v) {
        if (!required) return 0;
        import_problem_add(im->res, row->line, "owner_email", "field owner_email: column '%s' is empty",
                im->columns[f]);
        return -1;
    }
    char email[EMAIL_MAX + 1];
    struct err e = {0};
    if (email_normalize(email, v, "owner_email", &e) < 0) {
        import_problem_add(im->res, row->line, "owner_email", "%s", e.msg);
        return -1;
    }
    if (!strmap_get(&im->people, email, id)) {
        import_problem_add(im->res, row->line, "owner_email", "field owner_email: '%.80s' is not a known person",
                email);
        return -1;
    }
    return 0;
}

/* Decimal degrees into millionths: "-0.1278", "51.5074". */
static int degrees_parse(const char *s, int64_t limit, int64_t *out)
{
    int neg = 0;
    if (*s == '-' || *s == '+') neg = *s++ == '-';
    if (*s < '0' || *s > '9') return -1;
    int64_t whole = 0, frac = 0;
    int nd = 0;
    while (*s >= '0' && *s <= '9') {
        whole = whole * 10 + (*s++ - '0');
        if (whole > 1000) return -1;
    }
    if (*s == '.') {
        s++;
        while (*s >= '0' && *s <= '9') {
            if (nd < 6) frac = frac * 10 + (*s - '0');
            nd++;
            s++;
        }
    }
    if (*s) return -1;
    for (; nd < 6; nd++)
        frac *= 10;
    int64_t v = whole * 1000000 + frac;
    if (v > limit) return -1;
    *out = neg ? -v : v;
    return 0;
}

static const struct pipeline_stage *find_stage(struct import *im, int64_t pipeline,
                                               const char *name)
{
    char want[256];
    size_t n = 0;
    for (; *name && n + 1 < sizeof want; name++) {
        char c = *name;
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (unsigned char)c >= 0x80)
            want[n++] = c;
    }
    want[n] = 0;
    for (size_t i = 0; i < im->nstages; i++)
        if (im->stages[i].pipeline_id == pipeline && !strcmp(im->stage_keys[i], want))
            return &im->stages[i];
    return NULL;
}

static int category_parse(const char *v, char out[16])
{
    char low[32];
    size_t n = 0;
    for (; *v && n + 1 < sizeof low; v++) {
        char c = *v;
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c == ' ' || c == '-') c = '_';
        low[n++] = c;
    }
    low[n] = 0;
    if (*v) return -1;
    if (!strcmp(low, "omit")) strcpy(low, "omitted");
    if (!forecast_category_valid(low)) return -1;
    size_t len = strlen(low); /* a valid category is short; say so to the compiler */
    if (len >= 16) return -1;
    memcpy(out, low, len + 1);
    return 0;
}

/* Check one opportunity row into `o`; 0 when good, -1 when it had problems. */
static int check_opp_row(struct import *im, const struct csv_row *row, struct opp_row *o)
{
    int bad = 0;
    size_t line = row->line;
    memset(o, 0, sizeof *o);
    o->line = line;
    o->known = -1;
    bad |= text_field(im, row, OF_EXTERNAL_ID, "external_id", 1, TEXT_MAX, &o->external_id);
    bad |= text_field(im, row, OF_NAME, "name", 1, OPP_NAME_MAX, &o->name);
    bad |= owner_field(im, row, OF_OWNER_EMAIL, 1, &o->st.owner_id);
    const char *v = cell(im, row, OF_AMOUNT);
    if (!v) {
        import_problem_add(im->res, line, "amount", "field amount: column '%s' is empty", im->columns[OF_AMOUNT]);
        bad = -1;
    } else if (amount_parse(v, &o->st.amount_minor) < 0) {
        import_problem_add(im->res, line, "amount",
                "field amount: '%.40s' is not an amount (like 12500 or 12,500.00)", v);
        bad = -1;
    }
    v = cell(im, row, OF_CURRENCY);
    snprintf(o->st.currency, sizeof o->st.currency, "%s", v ? v : "USD");
    struct err e = {0};
    if (v && currency_check(v, "currency", &e) < 0) {
        import_problem_add(im->res, line, "currency", "%s", e.msg);
        bad = -1;
    }
    int64_t pipeline = im->default_pipeline;
    int pipeline_bad = 0;
    v = cell(im, row, OF_PIPELINE);
    if (v && !strmap_get(&im->pipelines, squash(&im->arena, v), &pipeline)) {
        import_problem_add(im->res, line, "pipeline", "field pipeline: '%.60s' is not a pipeline", v);
        bad = pipeline_bad = -1;
    }
    v = cell(im, row, OF_STAGE);
    if (!v) {
        import_problem_add(im->res, line, "stage", "field stage: column '%s' is empty", im->columns[OF_STAGE]);
        bad = -1;
    } else if (!pipeline_bad) {
        o->stage = find_stage(im, pipeline, v);
        if (!o->stage) {
            import_problem_add(im->res, line, "stage", "field stage: '%.60s' is not a stage of this pipeline", v);
            bad = -1;
        }
    }
    if ((v = cell(im, row, OF_PROBABILITY))) {
        o->has_probability = 1;
        if (percent_parse(v, &o->probability_bp) < 0) {
            import_problem_add(im->res, line, "probability",
                    "field probability: '%.20s' is not a percentage from 0 to 100", v);
            bad = -1;
        }
    }
    if ((v = cell(im, row, OF_CATEGORY))) {
        o->has_category = 1;
        if (category_parse(v, o->category) < 0) {
            import_problem_add(im->res, line, "forecast_category",
                    "field forecast_category: '%.30s' is not one of Pipeline, Best Case, Commit,"
                    " Closed, Omitted",
                    v);
            bad = -1;
        }
    }
    v = cell(im, row, OF_CLOSE_DATE);
    if (!v) {
        import_problem_add(im->res, line, "close_date", "field close_date: column '%s' is empty",
                im->columns[OF_CLOSE_DATE]);
        bad = -1;
    } else if (crm_date_parse(v, o->st.close_date) < 0) {
        import_problem_add(im->res, line, "close_date",
                "field close_date: '%.30s' is not a date (YYYY-MM-DD or M/D/YYYY)", v);
        bad = -1;
    }
    if ((v = cell(im, row, OF_CREATED_DATE)) && crm_date_parse(v, o->created_date) < 0) {
        import_problem_add(im->res, line, "created_date",
                "field created_date: '%.30s' is not a date (YYYY-MM-DD or M/D/YYYY)", v);
        bad = -1;
    }
    bad |= text_field(im, row, OF_ACCOUNT_ID, "account_external_id", 0, TEXT_MAX, &o->account_ext);
    bad |=
        text_field(im, row, OF_ACCOUNT_NAME, "account_name", 0, ACCOUNT_NAME_MAX, &o->account_name);
    v = cell(im, row, OF_REASON);
    if (v && note_check(v, OPP_REASON_MAX, "reason", &e) < 0) {
        import_problem_add(im->res, line, "reason", "%s", e.msg);
        bad = -1;
    }
    o->reason = v ? v : "";
    o->has_products = im->col[OF_PRODUCTS] >= 0;
    v = cell(im, row, OF_PRODUCTS);
    if (v && note_check(v, OPP_REASON_MAX, "products", &e) < 0) {
        import_problem_add(im->res, line, "products", "%s", e.msg);
        bad = -1;
    }
    o->products = v ? v : "";
    /* a file without the column leaves known deals' types as they are, like products */
    o->has_deal_type = im->col[OF_DEAL_TYPE] >= 0;
    bad |= text_field(im, row, OF_DEAL_TYPE, "deal_type", 0, TEXT_MAX, &o->deal_type);
    if (!o->deal_type) o->deal_type = "";
    return bad ? -1 : 0;
}

/* The state a good row gives, starting from what is known (or nothing). */
static void row_state(const struct opp_row *o, const struct known_opp *k, struct opp_state *st)
{
    *st = o->st;
    int manual = k && k->manual;
    st->probability_bp = manual ? k->st.probability_bp : 0;
    opp_state_enter_stage(st, o->stage, manual);
    if (!manual && o->has_probability) st->probability_bp = o->probability_bp;
    if (o->has_category && !o->stage->is_won && !o->stage->is_lost)
        snprintf(st->forecast_category, sizeof st->forecast_category, "%s", o->category);
}

/* Product names "b; a;  b" as "a; b": trimmed, without repeats, sorted, so two lists compare. */
static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static const char *products_normal(struct arena *arena, const char *list)
{
    if (!list || !*list) return "";
    char *copy = arena_strdup(arena, list);
    char *names[64];
    size_t n = 0;
    char *save = NULL;
    for (char *t = strtok_r(copy, ";", &save); t && n < 64; t = strtok_r(NULL, ";", &save)) {
        while (*t == ' ')
            t++;
        size_t len = strlen(t);
        while (len && t[len - 1] == ' ')
            t[--len] = 0;
        if (len) names[n++] = t;
    }
    qsort(names, n, sizeof *names, cmp_str);
    struct sb out = SB_INIT;
    for (size_t i = 0; i < n; i++) {
        if (i && !strcmp(names[i], names[i - 1])) continue;
        if (out.len) sb_adds(&out, "; ");
        sb_adds(&out, names[i]);
    }
    const char *r = arena_strdup(arena, out.buf ? out.buf : "");
    sb_release(&out);
    return r;
}

static const char SQL_PRODUCTS_OF[] =
    "SELECT o.external_id, p.name FROM opportunity_products p"
    " JOIN opportunities o ON o.id = p.opportunity_id WHERE o.source = $1 ORDER BY o.id, p.name";

/* The known deals' products, normalised, into `products` (one per known deal). */
static int load_known_products(struct import *im, const char ***products, struct err *e)
{
    const char **p = arena_alloc(&im->arena, (im->nknown + 1) * sizeof *p);
    for (size_t i = 0; i < im->nknown; i++)
        p[i] = "";
    struct store_rows *r;
    int rc =
        store_query(im->db, SQL_PRODUCTS_OF, PARAMS(SV_TEXT(crm_source_name(im->source))), &r, e);
    if (rc < 0) return rc;
    while ((rc = store_next(r, e)) > 0) {
        int64_t k;
        if (!store_text(r, 0) || !strmap_get(&im->opps, store_text(r, 0), &k)) continue;
        p[k] = *p[k] ? arena_printf(&im->arena, "%s; %s", p[k], store_text(r, 1))
                     : arena_strdup(&im->arena, store_text(r, 1));
    }
    store_rows_free(r);
    for (size_t i = 0; i < im->nknown; i++)
        p[i] = products_normal(&im->arena, p[i]);
    *products = p;
    return rc;
}

static int products_write(struct store *db, int64_t id, const char *normal, int replace,
                          struct err *e)
{
    int rc = 0;
    if (replace && (rc = store_run(db, SQL_PRODUCTS_DELETE, PARAMS(SV_INT(id)), NULL, e)) < 0)
        return rc;
    if (!*normal) return 0;
    char *copy = xstrdup(normal), *save = NULL;
    for (char *t = strtok_r(copy, ";", &save); t && rc >= 0; t = strtok_r(NULL, ";", &save)) {
        while (*t == ' ')
            t++;
        rc = store_run(db, SQL_PRODUCT_INSERT, PARAMS(SV_INT(id), SV_TEXT(t)), NULL, e);
    }
    free(copy);
    return rc;
}

/* The account of a deal: by external id, else by name, else made now. 0 when the row names none. */
static int resolve_account(struct import *im, const struct opp_row *o, int64_t at,
                           int64_t *account_id, struct err *e)
{
    *account_id = 0;
    int64_t idx;
    if (o->account_ext && strmap_get(&im->accounts, o->account_ext, &idx)) {
        *account_id = im->accs[idx].a.id;
        return 0;
    }
    if (!o->account_ext && !o->account_name) return 0;
    if (!o->account_ext && strmap_get(&im->account_names, o->account_name, &idx)) {
        *account_id = im->accs[idx].a.id;
        return 0;
    }
    struct account a = {0};
    a.name = o->account_name ? o->account_name : o->account_ext;
    a.owner_id = o->st.owner_id;
    a.currency = o->st.currency;
    a.source = crm_source_name(im->source);
    a.external_id = o->account_ext;
    int rc = account_create(im->db, &a, at, account_id, e);
    if (rc < 0) return rc;
    im->accs = arena_grow(&im->arena, im->accs, sizeof *im->accs, im->naccs, &im->accs_cap);
    im->accs[im->naccs].a = a;
    im->accs[im->naccs].a.id = *account_id;
    if (a.external_id) strmap_put(&im->accounts, a.external_id, (int64_t)im->naccs);
    strmap_put(&im->account_names, a.name, (int64_t)im->naccs);
    im->naccs++;
    return 0;
}

static int write_opps(struct import *im, struct opp_row *rows, size_t n,
                      const struct change_source *by, int *unchanged, struct err *e)
{
    const char **known_products;
    int rc = load_known_products(im, &known_products, e);
    if (rc < 0) return rc;
    char today[11];
    date_from_days(by->at / 86400, today);
    struct opportunity *fresh = xcalloc(n ? n : 1, sizeof *fresh);
    size_t nfresh = 0;
    for (size_t i = 0; i < n; i++) {
        struct opp_row *o = &rows[i];
        int64_t account_id;
        if ((rc = resolve_account(im, o, by->at, &account_id, e)) < 0) break;
        const char *products = products_normal(&im->arena, o->products);
        if (o->known < 0) { /* written together after the loop */
            struct opportunity *op = &fresh[nfresh++];
            op->account_id = account_id;
            op->name = o->name;
            row_state(o, NULL, &op->st);
            snprintf(op->created_date, sizeof op->created_date, "%s",
                     o->created_date[0] ? o->created_date : today);
            op->closed_reason = o->reason;
            op->deal_type = o->deal_type;
            op->products = products;
            op->source = crm_source_name(im->source);
            op->external_id = o->external_id;
            im->res->created++;
            continue;
        }
        struct known_opp *k = &im->known[o->known];
        struct opp_state st;
        row_state(o, k, &st);
        const char *created = o->created_date[0] ? o->created_date : k->created_date;
        const char *type = o->has_deal_type ? o->deal_type : k->deal_type;
        int details = strcmp(k->name, o->name) || k->account_id != account_id ||
                      strcmp(k->reason, o->reason) || strcmp(k->created_date, created) ||
                      strcmp(k->deal_type, type);
        int products_changed = o->has_products && strcmp(known_products[o->known], products);
        char changes[128];
        opp_state_changes(&k->st, &st, changes);
        if (!details && !products_changed && !changes[0]) {
            (*unchanged)++;
            continue;
        }
        if (details && (rc = store_run(im->db, SQL_OPP_DETAILS_UPDATE,
                                       PARAMS(SV_INT(k->id), SV_TEXT(o->name), SV_ID(account_id),
                                              SV_TEXT(o->reason), SV_TEXT(created), SV_INT(by->at),
                                              SV_TEXT(type)),
                                       NULL, e)) < 0)
            break;
        if (products_changed && (rc = products_write(im->db, k->id, products, 1, e)) < 0) break;
        if (changes[0] &&
            (rc = opportunity_write_state(im->db, k->id, &k->st, &st, k->manual, by, e)) < 0)
            break;
        im->res->updated++;
    }
    if (rc >= 0 && nfresh) {
        int64_t *ids = xcalloc(nfresh, sizeof *ids);
        rc = opportunities_create_many(im->db, fresh, nfresh, by, ids, e);
        free(ids);
    }
    free(fresh);
    if (rc < 0) err_prefix(e, "%s: ", im->filename);
    return rc;
}

/* ---- accounts ------------------------------------------------------------------------------ */

struct acc_row {
    size_t line;
    struct account a;
    long known;
};

static int check_account_row(struct import *im, const struct csv_row *row, struct acc_row *r)
{
    int bad = 0;
    size_t line = row->line;
    memset(r, 0, sizeof *r);
    r->line = line;
    r->known = -1;
    struct account *a = &r->a;
    bad |= text_field(im, row, AF_EXTERNAL_ID, "external_id", 1, TEXT_MAX, &a->external_id);
    bad |= text_field(im, row, AF_NAME, "name", 1, ACCOUNT_NAME_MAX, &a->name);
    bad |= owner_field(im, row, AF_OWNER_EMAIL, 0, &a->owner_id);
    bad |= text_field(im, row, AF_INDUSTRY, "industry", 0, TEXT_MAX, &a->industry);
    bad |= text_field(im, row, AF_SEGMENT, "segment", 0, TEXT_MAX, &a->segment);
    bad |= text_field(im, row, AF_POSTCODE, "postcode", 0, 32, &a->postcode);
    bad |= text_field(im, row, AF_COUNTRY, "country", 0, TEXT_MAX, &a->country);
    const char *lat = cell(im, row, AF_LATITUDE), *lon = cell(im, row, AF_LONGITUDE);
    if (lat || lon) {
        a->has_location = 1;
        if (!lat || degrees_parse(lat, 90000000, &a->latitude_e6) < 0) {
            import_problem_add(im->res, line, "latitude",
                    "field latitude: '%.30s' is not a latitude from -90 to 90 (needed with a"
                    " longitude)",
                    lat ? lat : "");
            bad = -1;
        }
        if (!lon || degrees_parse(lon, 180000000, &a->longitude_e6) < 0) {
            import_problem_add(im->res, line, "longitude",
                    "field longitude: '%.30s' is not a longitude from -180 to 180 (needed with"
                    " a latitude)",
                    lon ? lon : "");
            bad = -1;
        }
    }
    const char *v = cell(im, row, AF_POTENTIAL);
    if (v && amount_parse(v, &a->potential_minor) < 0) {
        import_problem_add(im->res, line, "potential", "field potential: '%.40s' is not an amount", v);
        bad = -1;
    }
    v = cell(im, row, AF_CURRENCY);
    struct err e = {0};
    if (v && currency_check(v, "currency", &e) < 0) {
        import_problem_add(im->res, line, "currency", "%s", e.msg);
        bad = -1;
    }
    a->currency = v ? v : "USD";
    a->source = crm_source_name(im->source);
    if (!a->industry) a->industry = "";
    if (!a->segment) a->segment = "";
    if (!a->postcode) a->postcode = "";
    if (!a->country) a->country = "";
    return bad ? -1 : 0;
}

static int same_account(const struct account *x, const struct account *y)
{
    return !strcmp(x->name, y->name) && x->owner_id == y->owner_id &&
           !strcmp(x->industry, y->industry) && !strcmp(x->segment, y->segment) &&
           !strcmp(x->postcode, y->postcode) && !strcmp(x->country, y->country) &&
           x->has_location == y->has_location &&
           (!x->has_location ||
            (x->latitude_e6 == y->latitude_e6 && x->longitude_e6 == y->longitude_e6)) &&
           x->potential_minor == y->potential_minor && !strcmp(x->currency, y->currency);
}

static int write_accounts(struct import *im, struct acc_row *rows, size_t n, int64_t at,
                          int *unchanged, struct err *e)
{
    int rc = 0;
    for (size_t i = 0; i < n && rc >= 0; i++) {
        struct acc_row *r = &rows[i];
        if (r->known < 0) {
            if ((rc = account_create(im->db, &r->a, at, NULL, e)) >= 0) im->res->created++;
            continue;
        }
        const struct account *k = &im->accs[r->known].a;
        if (same_account(k, &r->a)) {
            (*unchanged)++;
            continue;
        }
        const struct account *a = &r->a;
        rc = store_run(im->db, SQL_ACCOUNT_UPDATE,
                       PARAMS(SV_INT(k->id), SV_TEXT(a->name), SV_ID(a->owner_id),
                              SV_TEXT(a->industry), SV_TEXT(a->segment), SV_TEXT(a->postcode),
                              SV_TEXT(a->country),
                              a->has_location ? SV_INT(a->latitude_e6) : SV_NULL,
                              a->has_location ? SV_INT(a->longitude_e6) : SV_NULL,
                              SV_INT(a->potential_minor), SV_TEXT(a->currency), SV_INT(at)),
                       NULL, e);
        if (rc >= 0) im->res->updated++;
    }
    return rc;
}

/* ---- the whole import ---------------------------------------------------------------------- */

int crm_import_csv(struct store *db, enum crm_source s, enum crm_object o, const char *data,
                   size_t len, const char *filename, const struct change_source *by,
                   struct import_result *out, int *unchanged, struct err *e)
{
    memset(out, 0, sizeof *out);
    *unchanged = 0;
    struct import im;
    memset(&im, 0, sizeof im);
    im.db = db;
    im.source = s;
    im.object = o;
    im.filename = filename;
    im.res = out;
    im.arena = (struct arena)ARENA_INIT;
    struct csv_doc *doc = NULL;
    void *rows = NULL;
    struct strmap seen = {0};
    int rc = csv_parse(data, len, NULL, &doc, e);
    if (rc < 0) {
        char msg[sizeof e->msg];
        snprintf(msg, sizeof msg, "%s", e->msg);
        import_problem_add(im.res, e->line, NULL, "%s", msg);
        goto done;
    }
    if (!doc->nrows) {
        import_problem_add(im.res, 1, NULL, "the file is empty: a header row is required");
        goto done;
    }
    if ((rc = crm_mapping_get(db, s, o, &im.arena, &im.columns, e)) < 0) goto done;
    map_header(&im, doc);
    if (out->nproblems) goto done;
    if ((rc = load_reference(&im, e)) < 0) goto done;

    size_t nrows = doc->nrows - 1;
    size_t size = o == CRM_ACCOUNTS ? sizeof(struct acc_row) : sizeof(struct opp_row);
    rows = xcalloc(nrows ? nrows : 1, size);
    for (size_t i = 0; i < nrows; i++) {
        const struct csv_row *row = &doc->rows[i + 1];
        const char *ext;
        long *known;
        struct strmap *index;
        if (o == CRM_ACCOUNTS) {
            struct acc_row *r = &((struct acc_row *)rows)[i];
            if (check_account_row(&im, row, r) < 0) continue;
            ext = r->a.external_id;
            known = &r->known;
            index = &im.accounts;
        } else {
            struct opp_row *r = &((struct opp_row *)rows)[i];
            if (check_opp_row(&im, row, r) < 0) continue;
            ext = r->external_id;
            known = &r->known;
            index = &im.opps;
        }
        int64_t first;
        if (strmap_get(&seen, ext, &first)) {
            import_problem_add(im.res, row->line, "external_id",
                    "field external_id: '%.60s' appears already on line %lld", ext,
                    (long long)first);
            continue;
        }
        strmap_put(&seen, ext, (int64_t)row->line);
        int64_t k;
        if (strmap_get(index, ext, &k)) *known = (long)k;
    }
    if (out->nproblems) goto done;

    if ((rc = store_begin(db, e)) < 0) goto done;
    if (o == CRM_ACCOUNTS)
        rc = write_accounts(&im, rows, nrows, by->at, unchanged, e);
    else
        rc = write_opps(&im, rows, nrows, by, unchanged, e);
    if (rc >= 0)
        rc = store_run(db, SQL_IMPORT_LOG,
                       PARAMS(SV_TEXT(crm_source_name(s)), SV_TEXT(crm_object_name(o)),
                              SV_TEXT(filename), SV_ID(by->user_id), SV_INT((int64_t)nrows),
                              SV_INT(out->created), SV_INT(out->updated), SV_INT(*unchanged),
                              SV_INT(by->at)),
                       NULL, e);
    if (rc >= 0) rc = store_commit(db, e);
    if (rc < 0) {
        store_rollback(db);
        out->created = out->updated = *unchanged = 0;
    }
done:
    if (out->nproblems) {
        rc = err_set(e, REINS_EINVAL, "%s: %zu problem%s, nothing imported", filename,
                     out->nproblems, out->nproblems == 1 ? "" : "s");
    }
    free(rows);
    strmap_release(&seen);
    strmap_release(&im.people);
    strmap_release(&im.accounts);
    strmap_release(&im.account_names);
    strmap_release(&im.opps);
    strmap_release(&im.pipelines);
    csv_doc_free(doc);
    arena_release(&im.arena);
    return rc;
}

/* ---- export -------------------------------------------------------------------------------- */

static const char SQL_EXPORT_PRODUCTS[] =
    "SELECT opportunity_id, name FROM opportunity_products ORDER BY opportunity_id, name";
static const char SQL_EMAILS[] = "SELECT id, email FROM people ORDER BY id";

struct id_text {
    int64_t id;
    const char *text;
};

static int cmp_id_text(const void *a, const void *b)
{
    int64_t x = ((const struct id_text *)a)->id, y = ((const struct id_text *)b)->id;
    return (x > y) - (x < y);
}

static int load_id_texts(struct store *db, const char *sql, struct arena *a, struct id_text **out,
                         size_t *n, struct err *e)
{
    struct store_rows *r;
    int rc = store_query(db, sql, NO_PARAMS, &r, e);
    if (rc < 0) return rc;
    size_t cap = 64, len = 0;
    struct id_text *v = arena_alloc(a, cap * sizeof *v);
    while ((rc = store_next(r, e)) > 0) {
        v = arena_grow(a, v, sizeof *v, len, &cap);
        v[len].id = store_int(r, 0);
        v[len++].text = arena_strdup(a, store_text(r, 1));
    }
    store_rows_free(r);
    *out = v;
    *n = len;
    return rc;
}

/* A value a spreadsheet would run as a formula gets a leading quote. */
static const char *safe_cell(struct arena *a, const char *v)
{
    if (v && (*v == '=' || *v == '+' || *v == '-' || *v == '@')) return arena_printf(a, "'%s", v);
    return v ? v : "";
}

int opportunities_export_csv(struct store *db, const struct principal *who, struct sb *out,
                             struct err *e)
{
    struct arena a = ARENA_INIT;
    struct opportunity *v;
    struct id_text *products = NULL, *emails = NULL;
    size_t n, nproducts = 0, nemails = 0;
    struct opp_filter f = {0};
    f.limit = -1;
    int rc = store_begin_snapshot(db, e);
    if (rc < 0) return rc;
    if ((rc = opportunity_list(db, who, &f, &a, &v, &n, e)) < 0 ||
        (rc = load_id_texts(db, SQL_EXPORT_PRODUCTS, &a, &products, &nproducts, e)) < 0 ||
        (rc = load_id_texts(db, SQL_EMAILS, &a, &emails, &nemails, e)) < 0) {
        store_rollback(db);
        arena_release(&a);
        return rc;
    }
    store_rollback(db); /* a read-only snapshot: nothing to commit */
    static const char *const header[] = {"id",
                                         "external_id",
                                         "source",
                                         "name",
                                         "account",
                                         "owner_email",
                                         "pipeline",
                                         "stage",
                                         "amount",
                                         "currency",
                                         "probability",
                                         "probability_manual",
                                         "forecast_category",
                                         "status",
                                         "close_date",
                                         "created_date",
                                         "reason",
                                         "products",
                                         "deal_type"};
    csv_write_row(out, header, sizeof header / sizeof *header);
    for (size_t i = 0; i < n; i++) {
        const struct opportunity *o = &v[i];
        struct id_text key = {o->st.owner_id, NULL};
        struct id_text *owner = bsearch(&key, emails, nemails, sizeof *emails, cmp_id_text);
        /* products of this deal: a run in the sorted list */
        key.id = o->id;
        struct id_text *hit = bsearch(&key, products, nproducts, sizeof *products, cmp_id_text);
        struct sb list = SB_INIT;
        if (hit) {
            while (hit > products && hit[-1].id == o->id)
                hit--;
            for (; hit < products + nproducts && hit->id == o->id; hit++) {
                if (list.len) sb_adds(&list, "; ");
                sb_adds(&list, hit->text);
            }
        }
        char id[24], amount[32], prob[48];
        snprintf(id, sizeof id, "%lld", (long long)o->id);
        snprintf(amount, sizeof amount, "%lld.%02lld", (long long)(o->st.amount_minor / 100),
                 (long long)(o->st.amount_minor % 100));
        snprintf(prob, sizeof prob, "%lld.%02lld", (long long)(o->st.probability_bp / 100),
                 (long long)(o->st.probability_bp % 100));
        const char *row[] = {id,
                             safe_cell(&a, o->external_id),
                             safe_cell(&a, o->source),
                             safe_cell(&a, o->name),
                             safe_cell(&a, o->account_name),
                             owner ? owner->text : "",
                             safe_cell(&a, o->pipeline_name),
                             safe_cell(&a, o->stage_name),
                             amount,
                             o->st.currency,
                             prob,
                             o->probability_manual ? "1" : "0",
                             o->st.forecast_category,
                             o->st.status,
                             o->st.close_date,
                             o->created_date,
                             safe_cell(&a, o->closed_reason),
                             safe_cell(&a, list.buf ? list.buf : ""),
                             safe_cell(&a, o->deal_type)};
        csv_write_row(out, row, sizeof row / sizeof *row);
        sb_release(&list);
    }
    arena_release(&a);
    return 0;
}
