/* comp_plan.c -- the plan document: strict JSON into struct comp_plan.
 *
 * Strict means: unknown fields, duplicate keys, reals where integers belong,
 * tiers that overlap or leave gaps, negative rates and shares over 100% are
 * all refused, each with the JSON path of the field at fault. A plan that
 * parses is one the engine can run without further checks.
 */
#include "comp/comp.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/text.h"

#define MAX_LIST 1000
#define PLEN 256 /* a JSON path in a message */

struct ctx {
    struct comp_plan *plan;
    struct err *e;
};

static int fail(struct ctx *c, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(struct ctx *c, const char *path, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return err_set(c->e, REINS_EINVAL, "plan: %s: %s", path, msg);
}

static void sub(char *out, size_t n, const char *path, const char *key);

/* Refuse any key of `obj` not in the NULL-terminated `allowed`. */
static int only_fields(struct ctx *c, json_t *obj, const char *path, const char *const *allowed)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v)
    {
        const char *const *a = allowed;
        while (*a && strcmp(*a, key))
            a++;
        if (!*a) {
            char p[PLEN];
            sub(p, sizeof p, path, key);
            return fail(c, p, "unknown field");
        }
    }
    return 0;
}

/* out = path.key (or key at the top), cut short rather than overflowing. */
static void sub(char *out, size_t n, const char *path, const char *key)
{
    size_t at = 0;
    for (const char *s = path; *s && at + 1 < n; s++)
        out[at++] = *s;
    if (*path && at + 1 < n) out[at++] = '.';
    for (const char *s = key; *s && at + 1 < n; s++)
        out[at++] = *s;
    out[at] = 0;
}

/* out = path[i] */
static void idx(char *out, size_t n, const char *path, size_t i)
{
    char num[24];
    snprintf(num, sizeof num, "[%zu]", i);
    sub(out, n, path, "");
    size_t at = strlen(out);
    if (at && out[at - 1] == '.') out[--at] = 0;
    for (const char *s = num; *s && at + 1 < n; s++)
        out[at++] = *s;
    out[at] = 0;
}

/* An integer field in [min, max]; absent gives `dflt` unless `required`. */
static int get_int(struct ctx *c, json_t *obj, const char *path, const char *key, int required,
                   int64_t dflt, int64_t min, int64_t max, int64_t *out)
{
    char p[PLEN];
    sub(p, sizeof p, path, key);
    json_t *v = json_object_get(obj, key);
    if (!v) {
        if (required) return fail(c, p, "is required");
        *out = dflt;
        return 0;
    }
    if (!json_is_integer(v))
        return fail(c, p,
                    "must be a whole number (money in minor units, rates in ppm, "
                    "attainment in bp)");
    json_int_t x = json_integer_value(v);
    if (x < min)
        return fail(c, p, "%lld is below the least allowed, %lld", (long long)x, (long long)min);
    if (x > max)
        return fail(c, p, "%lld is above the most allowed, %lld", (long long)x, (long long)max);
    *out = x;
    return 0;
}

static int get_str(struct ctx *c, json_t *obj, const char *path, const char *key, int required,
                   const char *dflt, const char **out)
{
    char p[PLEN];
    sub(p, sizeof p, path, key);
    json_t *v = json_object_get(obj, key);
    if (!v) {
        if (required) return fail(c, p, "is required");
        *out = dflt;
        return 0;
    }
    if (!json_is_string(v) || json_string_length(v) == 0 || json_string_length(v) > 200 ||
        strlen(json_string_value(v)) != json_string_length(v))
        return fail(c, p, "must be a non-empty string of at most 200 bytes");
    *out = arena_strdup(&c->plan->arena, json_string_value(v));
    return 0;
}

static int get_bool(struct ctx *c, json_t *obj, const char *path, const char *key, int *out)
{
    char p[PLEN];
    sub(p, sizeof p, path, key);
    json_t *v = json_object_get(obj, key);
    *out = 0;
    if (!v) return 0;
    if (!json_is_boolean(v)) return fail(c, p, "must be true or false");
    *out = json_is_true(v);
    return 0;
}

static int get_date(struct ctx *c, json_t *obj, const char *path, const char *key, int required,
                    int32_t *out)
{
    const char *s;
    if (get_str(c, obj, path, key, required, NULL, &s)) return REINS_EINVAL;
    if (!s) {
        *out = COMP_NO_DATE;
        return 0;
    }
    char p[PLEN];
    sub(p, sizeof p, path, key);
    struct err tmp = {0};
    if (date_check(s, p, &tmp)) return fail(c, p, "'%s' is not a date YYYY-MM-DD", s);
    *out = (int32_t)date_to_days(s);
    return 0;
}

static int get_period_kind(struct ctx *c, json_t *obj, const char *path, const char *key,
                           enum comp_period_kind dflt, enum comp_period_kind *out)
{
    const char *s;
    if (get_str(c, obj, path, key, 0, NULL, &s)) return REINS_EINVAL;
    if (!s) {
        *out = dflt;
        return 0;
    }
    char p[PLEN];
    sub(p, sizeof p, path, key);
    if (!strcmp(s, "month"))
        *out = COMP_PERIOD_MONTH;
    else if (!strcmp(s, "quarter"))
        *out = COMP_PERIOD_QUARTER;
    else if (!strcmp(s, "year"))
        *out = COMP_PERIOD_YEAR;
    else
        return fail(c, p, "'%s' is not month, quarter or year", s);
    return 0;
}

static int get_object(struct ctx *c, json_t *obj, const char *path, const char *key, json_t **out)
{
    char p[PLEN];
    sub(p, sizeof p, path, key);
    *out = json_object_get(obj, key);
    if (*out && !json_is_object(*out)) return fail(c, p, "must be an object");
    return 0;
}

static int get_array(struct ctx *c, json_t *obj, const char *path, const char *key, int required,
                     json_t **out)
{
    char p[PLEN];
    sub(p, sizeof p, path, key);
    *out = json_object_get(obj, key);
    if (!*out) return required ? fail(c, p, "is required") : 0;
    if (!json_is_array(*out)) return fail(c, p, "must be an array");
    return 0;
}

/* A cap object {"amount": N, "period": "quarter"}; absent means none. */
static int parse_cap(struct ctx *c, json_t *obj, const char *path, const char *key,
                     struct comp_cap *cap)
{
    json_t *o;
    char p[PLEN];
    sub(p, sizeof p, path, key);
    cap->amount = -1;
    cap->period = c->plan->quota_period;
    if (get_object(c, obj, path, key, &o)) return REINS_EINVAL;
    if (!o) return 0;
    static const char *const f[] = {"amount", "period", NULL};
    if (only_fields(c, o, p, f) || get_int(c, o, p, "amount", 1, 0, 0, INT64_MAX, &cap->amount) ||
        get_period_kind(c, o, p, "period", c->plan->quota_period, &cap->period))
        return REINS_EINVAL;
    return 0;
}

static int parse_strings(struct ctx *c, json_t *obj, const char *path, const char *key,
                         const char ***out, size_t *n)
{
    json_t *a;
    char p[PLEN];
    sub(p, sizeof p, path, key);
    *out = NULL;
    *n = 0;
    if (get_array(c, obj, path, key, 0, &a)) return REINS_EINVAL;
    if (!a) return 0;
    if (json_array_size(a) == 0 || json_array_size(a) > MAX_LIST)
        return fail(c, p, "must list 1 to %d strings", MAX_LIST);
    *out = arena_alloc(&c->plan->arena, json_array_size(a) * sizeof **out);
    for (size_t i = 0; i < json_array_size(a); i++) {
        json_t *v = json_array_get(a, i);
        if (!json_is_string(v) || json_string_length(v) == 0 ||
            strlen(json_string_value(v)) != json_string_length(v)) {
            char q[PLEN];
            idx(q, sizeof q, p, i);
            return fail(c, q, "must be a non-empty string");
        }
        (*out)[(*n)++] = arena_strdup(&c->plan->arena, json_string_value(v));
    }
    return 0;
}

static int parse_tiers(struct ctx *c, json_t *o, const char *path, struct comp_component *k)
{
    json_t *a;
    char p[300], q[320];
    sub(p, sizeof p, path, "tiers");
    if (get_array(c, o, path, "tiers", 1, &a)) return REINS_EINVAL;
    size_t n = json_array_size(a);
    if (n == 0 || n > COMP_MAX_TIERS) return fail(c, p, "must list 1 to %d tiers", COMP_MAX_TIERS);
    static const char *const f[] = {"from_bp", "to_bp", "rate_ppm", "retroactive", NULL};
    for (size_t i = 0; i < n; i++) {
        json_t *t = json_array_get(a, i);
        idx(q, sizeof q, p, i);
        if (!json_is_object(t)) return fail(c, q, "must be an object");
        struct comp_tier *tier = &k->tiers[i];
        if (only_fields(c, t, q, f) ||
            get_int(c, t, q, "from_bp", 1, 0, 0, 100 * COMP_BP, &tier->from_bp) ||
            get_int(c, t, q, "to_bp", i + 1 < n, -1, 1, 100 * COMP_BP, &tier->to_bp) ||
            get_int(c, t, q, "rate_ppm", 1, 0, INT64_MIN, 100 * (int64_t)COMP_PPM,
                    &tier->rate_ppm) ||
            get_bool(c, t, q, "retroactive", &tier->retroactive))
            return REINS_EINVAL;
        char r[PLEN];
        if (tier->rate_ppm < 0) {
            sub(r, sizeof r, q, "rate_ppm");
            return fail(c, r, "a rate cannot be below zero");
        }
        if (i == 0 && tier->from_bp != 0) {
            sub(r, sizeof r, q, "from_bp");
            return fail(c, r, "the first tier must start at 0");
        }
        if (i > 0 && tier->from_bp != k->tiers[i - 1].to_bp) {
            sub(r, sizeof r, q, "from_bp");
            return fail(c, r, "%s tier %zu, which ends at %lld bp",
                        tier->from_bp < k->tiers[i - 1].to_bp ? "overlaps" : "leaves a gap after",
                        i - 1, (long long)k->tiers[i - 1].to_bp);
        }
        if (tier->to_bp != -1 && tier->to_bp <= tier->from_bp) {
            sub(r, sizeof r, q, "to_bp");
            return fail(c, r, "must be above from_bp (%lld)", (long long)tier->from_bp);
        }
        if (i + 1 == n && tier->to_bp != -1) {
            sub(r, sizeof r, q, "to_bp");
            return fail(c, r,
                        "the last tier must be open-ended (no to_bp), or volume above "
                        "it would have no rate");
        }
        if (json_object_get(t, "retroactive") && k->mode != COMP_MIXED) {
            sub(r, sizeof r, q, "retroactive");
            return fail(c, r, "only a mixed rate table marks tiers retroactive");
        }
        if (k->mode == COMP_RETROACTIVE) tier->retroactive = 1;
    }
    k->ntiers = n;
    return 0;
}

static int parse_component(struct ctx *c, json_t *o, const char *path, struct comp_component *k)
{
    static const char *const base[] = {"id", "type", "measure", "credit", NULL};
    static const char *const comm[] = {"id",    "type",      "measure", "credit",         "mode",
                                       "tiers", "threshold", "cap",     "cap_per_credit", NULL};
    static const char *const mile[] = {"id",         "type", "measure", "credit",
                                       "milestones", "cap",  NULL};
    static const char *const spif[] = {"id",     "type",     "measure", "credit",         "filter",
                                       "amount", "rate_ppm", "cap",     "cap_per_credit", NULL};
    const char *type;
    char p[PLEN];
    if (!json_is_object(o)) return fail(c, path, "must be an object");
    if (get_str(c, o, path, "id", 1, NULL, &k->id) || get_str(c, o, path, "type", 1, NULL, &type))
        return REINS_EINVAL;
    const char *const *allowed = base;
    if (!strcmp(type, "commission"))
        k->kind = COMP_COMMISSION, allowed = comm;
    else if (!strcmp(type, "milestone"))
        k->kind = COMP_MILESTONE, allowed = mile;
    else if (!strcmp(type, "spif"))
        k->kind = COMP_SPIF, allowed = spif;
    else {
        sub(p, sizeof p, path, "type");
        return fail(c, p, "'%s' is not commission, milestone or spif", type);
    }
    if (only_fields(c, o, path, allowed)) return REINS_EINVAL;
    if (get_str(c, o, path, "measure", 0, "bookings", &k->measure)) return REINS_EINVAL;

    /* Crediting: the share of each kind of credit this component counts. */
    json_t *cr;
    if (get_object(c, o, path, "credit", &cr)) return REINS_EINVAL;
    k->credit_bp[COMP_ROLE_DIRECT] = COMP_BP;
    if (cr) {
        static const char *const f[] = {"direct", "overlay", "rollup", NULL};
        sub(p, sizeof p, path, "credit");
        if (only_fields(c, cr, p, f)) return REINS_EINVAL;
        for (int r = 0; r < COMP_NROLES; r++) {
            char q[PLEN];
            sub(q, sizeof q, p, comp_role_name(r));
            json_t *v = json_object_get(cr, comp_role_name(r));
            if (v && json_is_integer(v) && json_integer_value(v) > COMP_BP)
                return fail(c, q,
                            "%lld bp is over 100%%: a split or share cannot pay out more "
                            "than the credit",
                            (long long)json_integer_value(v));
            if (get_int(c, cr, p, comp_role_name(r), 0, 0, 0, COMP_BP, &k->credit_bp[r]))
                return REINS_EINVAL;
        }
        int counts = 0;
        for (int r = 0; r < COMP_NROLES; r++)
            counts |= k->credit_bp[r] > 0;
        if (!counts) /* a plan that pays no one is a mistake, not a choice */
            return fail(c, p,
                        "counts no credit (every share is 0): give direct, overlay or rollup"
                        " a share above 0");
    }
    k->cap_per_credit = -1;
    k->spif_amount = k->spif_rate_ppm = -1;
    if (parse_cap(c, o, path, "cap", &k->cap)) return REINS_EINVAL;

    if (k->kind == COMP_COMMISSION) {
        const char *mode;
        if (get_str(c, o, path, "mode", 1, NULL, &mode)) return REINS_EINVAL;
        sub(p, sizeof p, path, "mode");
        if (!strcmp(mode, "marginal"))
            k->mode = COMP_MARGINAL;
        else if (!strcmp(mode, "retroactive"))
            k->mode = COMP_RETROACTIVE;
        else if (!strcmp(mode, "mixed"))
            k->mode = COMP_MIXED;
        else
            return fail(c, p, "'%s' is not marginal, retroactive or mixed", mode);
        if (parse_tiers(c, o, path, k)) return REINS_EINVAL;
        if (get_int(c, o, path, "cap_per_credit", 0, -1, 0, INT64_MAX, &k->cap_per_credit))
            return REINS_EINVAL;
        json_t *th;
        if (get_object(c, o, path, "threshold", &th)) return REINS_EINVAL;
        if (th) {
            static const char *const f[] = {"at_bp", "type", NULL};
            const char *tk;
            sub(p, sizeof p, path, "threshold");
            if (only_fields(c, th, p, f) ||
                get_int(c, th, p, "at_bp", 1, 0, 1, 100 * COMP_BP, &k->threshold_bp) ||
                get_str(c, th, p, "type", 1, NULL, &tk))
                return REINS_EINVAL;
            char q[PLEN];
            sub(q, sizeof q, p, "type");
            if (!strcmp(tk, "forfeit"))
                k->threshold = COMP_THRESHOLD_FORFEIT;
            else if (!strcmp(tk, "hold"))
                k->threshold = COMP_THRESHOLD_HOLD;
            else
                return fail(c, q, "'%s' is not forfeit or hold", tk);
        }
    } else if (k->kind == COMP_MILESTONE) {
        json_t *a;
        if (get_array(c, o, path, "milestones", 1, &a)) return REINS_EINVAL;
        sub(p, sizeof p, path, "milestones");
        size_t n = json_array_size(a);
        if (n == 0 || n > COMP_MAX_TIERS)
            return fail(c, p, "must list 1 to %d milestones", COMP_MAX_TIERS);
        static const char *const f[] = {"at_bp", "amount", NULL};
        for (size_t i = 0; i < n; i++) {
            char q[PLEN];
            idx(q, sizeof q, p, i);
            json_t *m = json_array_get(a, i);
            if (!json_is_object(m)) return fail(c, q, "must be an object");
            struct comp_milestone *ms = &k->milestones[i];
            if (only_fields(c, m, q, f) ||
                get_int(c, m, q, "at_bp", 1, 0, 1, 100 * COMP_BP, &ms->at_bp) ||
                get_int(c, m, q, "amount", 1, 0, 0, INT64_MAX, &ms->amount))
                return REINS_EINVAL;
            if (i > 0 && ms->at_bp <= k->milestones[i - 1].at_bp) {
                char r[PLEN];
                sub(r, sizeof r, q, "at_bp");
                return fail(c, r, "milestones must rise: %lld bp is not above %lld bp",
                            (long long)ms->at_bp, (long long)k->milestones[i - 1].at_bp);
            }
        }
        k->nmilestones = n;
    } else {
        json_t *f;
        if (get_object(c, o, path, "filter", &f)) return REINS_EINVAL;
        k->filter.from = k->filter.to = COMP_NO_DATE;
        if (f) {
            static const char *const ff[] = {"products", "deal_types", "from",
                                             "to",       "min_amount", NULL};
            sub(p, sizeof p, path, "filter");
            if (only_fields(c, f, p, ff) ||
                parse_strings(c, f, p, "products", &k->filter.products, &k->filter.nproducts) ||
                parse_strings(c, f, p, "deal_types", &k->filter.deal_types,
                              &k->filter.ndeal_types) ||
                get_date(c, f, p, "from", 0, &k->filter.from) ||
                get_date(c, f, p, "to", 0, &k->filter.to) ||
                get_int(c, f, p, "min_amount", 0, 0, 0, INT64_MAX, &k->filter.min_amount))
                return REINS_EINVAL;
            if (k->filter.from != COMP_NO_DATE && k->filter.to != COMP_NO_DATE &&
                k->filter.to < k->filter.from) {
                char q[PLEN];
                sub(q, sizeof q, p, "to");
                return fail(c, q, "is before filter.from");
            }
        }
        if (get_int(c, o, path, "amount", 0, -1, 0, INT64_MAX, &k->spif_amount) ||
            get_int(c, o, path, "rate_ppm", 0, -1, INT64_MIN, 100 * (int64_t)COMP_PPM,
                    &k->spif_rate_ppm) ||
            get_int(c, o, path, "cap_per_credit", 0, -1, 0, INT64_MAX, &k->cap_per_credit))
            return REINS_EINVAL;
        if (json_object_get(o, "rate_ppm") && k->spif_rate_ppm < 0) {
            sub(p, sizeof p, path, "rate_ppm");
            return fail(c, p, "a rate cannot be below zero");
        }
        if ((k->spif_amount >= 0) == (k->spif_rate_ppm >= 0))
            return fail(c, path, "a SPIF pays either a fixed amount or a rate_ppm: give one");
    }
    return 0;
}

static int parse_plan(struct ctx *c, json_t *root)
{
    struct comp_plan *plan = c->plan;
    static const char *const f[] = {"name",
                                    "currency",
                                    "effective_from",
                                    "effective_to",
                                    "quota_period",
                                    "payout_period",
                                    "clawback_days",
                                    "cap",
                                    "draw",
                                    "components",
                                    NULL};
    if (!json_is_object(root)) return fail(c, "(document)", "must be a JSON object");
    if (only_fields(c, root, "", f) || get_str(c, root, "", "name", 1, NULL, &plan->name) ||
        get_str(c, root, "", "currency", 0, "USD", &plan->currency) ||
        get_date(c, root, "", "effective_from", 1, &plan->effective_from) ||
        get_date(c, root, "", "effective_to", 0, &plan->effective_to) ||
        get_period_kind(c, root, "", "quota_period", COMP_PERIOD_QUARTER, &plan->quota_period) ||
        get_period_kind(c, root, "", "payout_period", COMP_PERIOD_MONTH, &plan->payout_period) ||
        get_int(c, root, "", "clawback_days", 0, -1, 0, 3660, &plan->clawback_days))
        return REINS_EINVAL;
    if (plan->effective_from != comp_month_first_day(comp_month_of_day(plan->effective_from)))
        return fail(c, "effective_from", "must be the first day of a month");
    if (comp_period_start(comp_month_of_day(plan->effective_from), plan->quota_period) !=
        comp_month_of_day(plan->effective_from))
        return fail(c, "effective_from", "must start a quota period (a %s)",
                    plan->quota_period == COMP_PERIOD_YEAR      ? "year"
                    : plan->quota_period == COMP_PERIOD_QUARTER ? "quarter"
                                                                : "month");
    if (plan->effective_to != COMP_NO_DATE && plan->effective_to < plan->effective_from)
        return fail(c, "effective_to", "is before effective_from");
    if (plan->payout_period > plan->quota_period)
        return fail(c, "payout_period",
                    "cannot be longer than quota_period: pay at least as "
                    "often as attainment is measured");
    if (parse_cap(c, root, "", "cap", &plan->cap)) return REINS_EINVAL;

    json_t *d;
    if (get_object(c, root, "", "draw", &d)) return REINS_EINVAL;
    if (d) {
        static const char *const fd[] = {"type", "amount", "payout_periods", NULL};
        const char *t;
        if (only_fields(c, d, "draw", fd) || get_str(c, d, "draw", "type", 1, NULL, &t) ||
            get_int(c, d, "draw", "amount", 1, 0, 1, INT64_MAX, &plan->draw_amount) ||
            get_int(c, d, "draw", "payout_periods", 0, 0, 0, 1200, &plan->draw_periods))
            return REINS_EINVAL;
        if (!strcmp(t, "recoverable"))
            plan->draw = COMP_DRAW_RECOVERABLE;
        else if (!strcmp(t, "non_recoverable"))
            plan->draw = COMP_DRAW_NON_RECOVERABLE;
        else
            return fail(c, "draw.type", "'%s' is not recoverable or non_recoverable", t);
    }

    json_t *a;
    if (get_array(c, root, "", "components", 1, &a)) return REINS_EINVAL;
    size_t n = json_array_size(a);
    if (n == 0 || n > COMP_MAX_COMPONENTS)
        return fail(c, "components", "must list 1 to %d components", COMP_MAX_COMPONENTS);
    for (size_t i = 0; i < n; i++) {
        char p[PLEN];
        idx(p, sizeof p, "components", i);
        if (parse_component(c, json_array_get(a, i), p, &plan->components[i])) return REINS_EINVAL;
        for (size_t j = 0; j < i; j++)
            if (!strcmp(plan->components[j].id, plan->components[i].id)) {
                char q[PLEN];
                sub(q, sizeof q, p, "id");
                return fail(c, q, "'%s' is already the id of components[%zu]",
                            plan->components[i].id, j);
            }
    }
    plan->ncomponents = n;
    return 0;
}

int comp_plan_parse(const char *json, size_t len, struct comp_plan **out, struct err *e)
{
    *out = NULL;
    if (len > COMP_MAX_PLAN_BYTES)
        return err_set(e, REINS_ETOOBIG, "plan: larger than %zu bytes", COMP_MAX_PLAN_BYTES);
    json_error_t je;
    json_t *root = json_loadb(json ? json : "", len, JSON_REJECT_DUPLICATES, &je);
    if (!root)
        return err_set(e, REINS_EINVAL, "plan: line %d, column %d: %s", je.line, je.column,
                       je.text);
    struct comp_plan *plan = xcalloc(1, sizeof *plan);
    plan->quota_period = COMP_PERIOD_QUARTER;
    struct ctx c = {plan, e};
    int rc = parse_plan(&c, root);
    json_decref(root);
    if (rc) {
        comp_plan_free(plan);
        return REINS_EINVAL;
    }
    *out = plan;
    return 0;
}

void comp_plan_free(struct comp_plan *plan)
{
    if (!plan) return;
    arena_release(&plan->arena);
    free(plan);
}

int comp_plan_uses_role(const struct comp_plan *plan, enum comp_role role)
{
    for (size_t i = 0; i < plan->ncomponents; i++)
        if (plan->components[i].credit_bp[role] > 0) return 1;
    return 0;
}
