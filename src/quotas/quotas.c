/* quotas.c -- periods, ramp and attainment: the rules, no I/O. */
#include "quotas/quotas.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"

/* ---- arithmetic ---------------------------------------------------------------------------- */

/* The one rounding rule of this part: half up, on exact 128-bit products. */
int64_t mul_div_round(int64_t a, int64_t b, int64_t c)
{
    if (a <= 0 || b <= 0 || c <= 0) return 0;
    unsigned __int128 q = ((unsigned __int128)a * (unsigned __int128)b + (unsigned __int128)c / 2) /
                          (unsigned __int128)c;
    return q > (unsigned __int128)INT64_MAX ? INT64_MAX : (int64_t)q;
}

static int64_t add_sat(int64_t a, int64_t b)
{
    int64_t r;
    return __builtin_add_overflow(a, b, &r) ? INT64_MAX : r;
}

/* ---- periods ------------------------------------------------------------------------------- */

const char *period_kind_name(enum period_kind k)
{
    switch (k) {
    case PERIOD_MONTH:
        return "month";
    case PERIOD_QUARTER:
        return "quarter";
    case PERIOD_YEAR:
        return "year";
    }
    return "none";
}

enum period_kind period_kind_parse(const char *s)
{
    if (!s) return 0;
    if (!strcmp(s, "month")) return PERIOD_MONTH;
    if (!strcmp(s, "quarter")) return PERIOD_QUARTER;
    if (!strcmp(s, "year")) return PERIOD_YEAR;
    return 0;
}

static int64_t month_first_day(int month_index)
{
    char d[24];
    snprintf(d, sizeof d, "%04u-%02u-01", (unsigned)(month_index / 12) % 10000u,
             (unsigned)(month_index % 12) % 12u + 1);
    return date_to_days(d);
}

int fiscal_year_of_month(int month_index, int fiscal_start_month)
{
    int year = month_index / 12, month = month_index % 12 + 1;
    /* A year starting in January ends in the same calendar year; any other
     * start month ends in the next one, so months from the start on belong
     * to the fiscal year named by the following calendar year. */
    return fiscal_start_month > 1 && month >= fiscal_start_month ? year + 1 : year;
}

/* The first month index of fiscal year `fy`. */
static int fiscal_year_first_month(int fy, int fiscal_start_month)
{
    return fiscal_start_month == 1 ? fy * 12 : (fy - 1) * 12 + fiscal_start_month - 1;
}

/* Fill `out` for the period of `kind` whose first month is `first` (already aligned). */
static void period_fill(enum period_kind kind, int first, int fiscal_start_month,
                        struct period *out)
{
    memset(out, 0, sizeof *out);
    out->kind = kind;
    out->first_month = first;
    out->months = kind == PERIOD_MONTH ? 1 : kind == PERIOD_QUARTER ? 3 : 12;
    out->first_day = month_first_day(first);
    out->last_day = month_first_day(first + out->months) - 1;
    date_from_days(out->first_day, out->start);
    date_from_days(out->last_day, out->end);
    int fy = fiscal_year_of_month(first, fiscal_start_month);
    switch (kind) {
    case PERIOD_MONTH:
        snprintf(out->key, sizeof out->key, "%04u-%02u", (unsigned)(first / 12) % 10000u,
                 (unsigned)(first % 12) % 12u + 1);
        break;
    case PERIOD_QUARTER: {
        int q = (first - fiscal_year_first_month(fy, fiscal_start_month)) / 3 + 1;
        snprintf(out->key, sizeof out->key, "%04u-Q%u", (unsigned)fy % 10000u, (unsigned)q % 10u);
        break;
    }
    case PERIOD_YEAR:
        snprintf(out->key, sizeof out->key, "FY%04u", (unsigned)fy % 10000u);
        break;
    }
}

/* The first month of the period of `kind` containing month `m`. */
static int period_align(enum period_kind kind, int m, int fiscal_start_month)
{
    if (kind == PERIOD_MONTH) return m;
    int first =
        fiscal_year_first_month(fiscal_year_of_month(m, fiscal_start_month), fiscal_start_month);
    return kind == PERIOD_YEAR ? first : first + (m - first) / 3 * 3;
}

void period_of_day(enum period_kind kind, int64_t day, int fiscal_start_month, struct period *out)
{
    char d[11];
    date_from_days(day, d);
    int m = atoi(d) * 12 + atoi(d + 5) - 1;
    period_fill(kind, period_align(kind, m, fiscal_start_month), fiscal_start_month, out);
}

void period_shift(const struct period *p, int by, int fiscal_start_month, struct period *out)
{
    period_fill(p->kind, p->first_month + by * p->months, fiscal_start_month, out);
}

/* Read exactly `n` digits at s; -1 if they are not all digits. */
static int read_digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

int period_parse(const char *key, int fiscal_start_month, const char *field, struct period *out,
                 struct err *e)
{
    if (!key) return err_field(e, REINS_EINVAL, field, "field %s: required", field);
    size_t len = strlen(key);
    int year = -1, first = -1;
    enum period_kind kind = 0;
    if (len == 6 && key[0] == 'F' && key[1] == 'Y' && (year = read_digits(key + 2, 4)) >= 0) {
        kind = PERIOD_YEAR;
        first = fiscal_year_first_month(year, fiscal_start_month);
    } else if (len == 7 && key[4] == '-' && key[5] == 'Q' && (year = read_digits(key, 4)) >= 0) {
        int q = key[6] - '0';
        if (q >= 1 && q <= 4) {
            kind = PERIOD_QUARTER;
            first = fiscal_year_first_month(year, fiscal_start_month) + 3 * (q - 1);
        }
    } else if (len == 7 && key[4] == '-' && (year = read_digits(key, 4)) >= 0) {
        int month = read_digits(key + 5, 2);
        if (month >= 1 && month <= 12) {
            kind = PERIOD_MONTH;
            first = year * 12 + month - 1;
        }
    }
    if (!kind)
        return err_field(e, REINS_EINVAL, field,
                         "field %s: '%.20s' is not a period: write a month 2026-07, a fiscal "
                         "quarter 2026-Q3 or a fiscal year FY2026",
                         field, key);
    if (year < PERIOD_YEAR_MIN || year > PERIOD_YEAR_MAX)
        return err_field(e, REINS_EINVAL, field, "field %s: year %d is not from %d to %d", field,
                         year, PERIOD_YEAR_MIN, PERIOD_YEAR_MAX);
    period_fill(kind, first, fiscal_start_month, out);
    return 0;
}

/* ---- ramp ---------------------------------------------------------------------------------- */

void ramp_default(struct ramp *out)
{
    memset(out, 0, sizeof *out);
    out->n = 3;
    out->bp[0] = 2500;
    out->bp[1] = 5000;
    out->bp[2] = 7500;
}

static int ramp_step_error(const char *field, int i, struct err *e)
{
    return err_field(e, REINS_EINVAL, field,
                     "field %s: month %d: must be a whole number of basis points from 0 to %d",
                     field, i + 1, RAMP_BP_FULL);
}

static int ramp_too_long(const char *field, struct err *e)
{
    return err_field(e, REINS_EINVAL, field, "field %s: at most %d months of ramp", field,
                     RAMP_STEPS_MAX);
}

int ramp_parse(const char *text, const char *field, struct ramp *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    if (!text || !*text) return 0;
    const char *s = text;
    for (;;) {
        if (out->n == RAMP_STEPS_MAX) return ramp_too_long(field, e);
        char *end;
        if (*s < '0' || *s > '9') return ramp_step_error(field, out->n, e);
        long v = strtol(s, &end, 10);
        if (v > RAMP_BP_FULL || (*end && *end != ',')) return ramp_step_error(field, out->n, e);
        out->bp[out->n++] = (int32_t)v;
        if (!*end) return 0;
        s = end + 1;
    }
}

void ramp_format(const struct ramp *r, char *out, size_t size)
{
    size_t at = 0;
    out[0] = 0;
    for (int i = 0; i < r->n && at < size; i++)
        at += (size_t)snprintf(out + at, size - at, i ? ",%d" : "%d", (int)r->bp[i]);
}

int ramp_from_json(json_t *array, const char *field, struct ramp *out, struct err *e)
{
    memset(out, 0, sizeof *out);
    if (!json_is_array(array))
        return err_field(e, REINS_EINVAL, field,
                         "field %s: must be an array of basis points, e.g. [2500, 5000, 7500]",
                         field);
    if (json_array_size(array) > RAMP_STEPS_MAX) return ramp_too_long(field, e);
    size_t i;
    json_t *v;
    json_array_foreach(array, i, v)
    {
        if (!json_is_integer(v) || json_integer_value(v) < 0 ||
            json_integer_value(v) > RAMP_BP_FULL)
            return ramp_step_error(field, (int)i, e);
        out->bp[out->n++] = (int32_t)json_integer_value(v);
    }
    return 0;
}

json_t *ramp_to_json(const struct ramp *r)
{
    json_t *a = json_array();
    for (int i = 0; i < r->n; i++)
        json_array_append_new(a, json_integer(r->bp[i]));
    return a;
}

int64_t ramp_month_bp(const struct ramp *r, int64_t start_day, int month_index)
{
    char d[11];
    date_from_days(start_day, d);
    int start_month = atoi(d) * 12 + atoi(d + 5) - 1;
    /* Ramp month 1 is the start month for a start on or before the 15th, else the next one. */
    int ramp_first = start_month + (atoi(d + 8) > 15);
    if (month_index < ramp_first) return 0;
    int k = month_index - ramp_first;
    if (!r || k >= r->n) return RAMP_BP_FULL;
    return r->bp[k];
}

static int64_t ramp_bp_sum(const struct period *p, int64_t start_day, const struct ramp *r)
{
    int64_t sum = 0;
    for (int i = 0; i < p->months; i++)
        sum += ramp_month_bp(r, start_day, p->first_month + i);
    return sum;
}

int64_t ramp_period_bp(const struct period *p, int64_t start_day, const struct ramp *r)
{
    return mul_div_round(ramp_bp_sum(p, start_day, r), 1, p->months);
}

int64_t quota_effective(int64_t amount, const struct period *p, int64_t start_day,
                        const struct ramp *r)
{
    /* sum over months of (amount / months) x bp / 10000, rounded once at the end */
    return mul_div_round(amount, ramp_bp_sum(p, start_day, r), (int64_t)p->months * RAMP_BP_FULL);
}

/* ---- attainment ---------------------------------------------------------------------------- */

static int owner_in(const int64_t *owners, size_t n, int64_t id)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (owners[mid] == id) return 1;
        if (owners[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

void attainment_compute(const struct period *p, int64_t as_of_day, int64_t quota_minor,
                        int64_t quota_deals, const char *currency, const int64_t *owners,
                        size_t nowners, const struct won_deal *deals, size_t ndeals,
                        struct attainment *out)
{
    memset(out, 0, sizeof *out);
    out->quota_minor = quota_minor > 0 ? quota_minor : 0;
    out->quota_deals = quota_deals;
    int64_t upto = as_of_day < p->last_day ? as_of_day : p->last_day;
    for (size_t i = 0; i < ndeals; i++) {
        const struct won_deal *d = &deals[i];
        if (d->close_day < p->first_day || d->close_day > upto) continue;
        if (owners && !owner_in(owners, nowners, d->owner_id)) continue;
        if (currency && strcmp(d->currency, currency)) {
            out->other_currency_deals++;
            continue;
        }
        out->won_minor = add_sat(out->won_minor, d->amount_minor > 0 ? d->amount_minor : 0);
        out->won_deals++;
    }
    out->days_total = p->last_day - p->first_day + 1;
    out->days_elapsed = upto < p->first_day ? 0 : upto - p->first_day + 1;
    out->expected_minor = mul_div_round(out->quota_minor, out->days_elapsed, out->days_total);
    out->attainment_bp =
        out->quota_minor ? mul_div_round(out->won_minor, RAMP_BP_FULL, out->quota_minor) : -1;
    out->pace_bp =
        out->expected_minor ? mul_div_round(out->won_minor, RAMP_BP_FULL, out->expected_minor) : -1;
    out->deals_bp = quota_deals < 0    ? -1
                    : quota_deals == 0 ? -1
                                       : mul_div_round(out->won_deals, RAMP_BP_FULL, quota_deals);
    out->remaining_minor =
        out->won_minor < out->quota_minor ? out->quota_minor - out->won_minor : 0;
}

static json_t *int_or_null(int64_t v)
{
    return v < 0 ? json_null() : json_integer((json_int_t)v);
}

json_t *attainment_to_json(const struct attainment *a)
{
    json_t *o = json_pack(
        "{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "quota_minor", (json_int_t)a->quota_minor,
        "won_minor", (json_int_t)a->won_minor, "won_deals", (json_int_t)a->won_deals,
        "other_currency_deals", (json_int_t)a->other_currency_deals, "days_elapsed",
        (json_int_t)a->days_elapsed, "days_total", (json_int_t)a->days_total, "expected_minor",
        (json_int_t)a->expected_minor, "remaining_minor", (json_int_t)a->remaining_minor);
    json_object_set_new(o, "quota_deals", int_or_null(a->quota_deals));
    json_object_set_new(o, "attainment_bp", int_or_null(a->attainment_bp));
    json_object_set_new(o, "pace_bp", int_or_null(a->pace_bp));
    json_object_set_new(o, "deals_bp", int_or_null(a->deals_bp));
    return o;
}
