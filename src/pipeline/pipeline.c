/* pipeline.c -- the rules of the pipeline: stages, probabilities, CRM values. No I/O. */
#include "pipeline/pipeline.h"

#include <stdio.h>
#include <string.h>

#include "core/text.h"

int forecast_category_valid(const char *s)
{
    static const char *const cats[] = {"pipeline", "best_case", "commit", "closed", "omitted"};
    if (!s) return 0;
    for (size_t i = 0; i < sizeof cats / sizeof *cats; i++)
        if (!strcmp(s, cats[i])) return 1;
    return 0;
}

int currency_check(const char *s, const char *field, struct err *e)
{
    if (!s || strlen(s) != 3 || s[0] < 'A' || s[0] > 'Z' || s[1] < 'A' || s[1] > 'Z' ||
        s[2] < 'A' || s[2] > 'Z')
        return err_field(e, REINS_EINVAL, field,
                         "field %s: '%.20s' is not a currency code (three capital letters, "
                         "like EUR)",
                         field, s ? s : "");
    return 0;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Amounts are read with two decimals whatever the currency: CRM exports write
 * them so, and reins keeps every amount in hundredths of the unit. */
int amount_parse(const char *s, int64_t *minor)
{
    if (!s) return REINS_EINVAL;
    while (*s == ' ')
        s++;
    /* a leading symbol or code: "$", "€", "USD " */
    while (*s && !is_digit(*s) && *s != '-' && *s != '.')
        s++;
    if (*s == '-' || !is_digit(*s)) return REINS_EINVAL;
    int64_t units = 0;
    int ndigits = 0, since_comma = -1;
    for (; *s && *s != '.'; s++) {
        if (*s == ',') {
            if (!ndigits || (since_comma >= 0 && since_comma != 3)) return REINS_EINVAL;
            since_comma = 0;
            continue;
        }
        if (!is_digit(*s)) break;
        if (units > (INT64_MAX - 9) / 10 / 100) return REINS_EINVAL;
        units = units * 10 + (*s - '0');
        ndigits++;
        if (since_comma >= 0) since_comma++;
    }
    if (since_comma >= 0 && since_comma != 3) return REINS_EINVAL;
    int64_t cents = 0;
    if (*s == '.') {
        s++;
        int nd = 0;
        while (is_digit(*s)) {
            if (nd >= 2) {
                if (*s != '0') return REINS_EINVAL; /* no silent rounding */
            } else {
                cents = cents * 10 + (*s - '0');
            }
            nd++;
            s++;
        }
        if (nd == 1) cents *= 10;
    }
    while (*s == ' ')
        s++;
    if (*s) return REINS_EINVAL;
    *minor = units * 100 + cents;
    return 0;
}

int crm_date_parse(const char *s, char out[11])
{
    if (!s) return REINS_EINVAL;
    while (*s == ' ')
        s++;
    struct err e = {0};
    if (strlen(s) >= 10 && s[4] == '-' && s[7] == '-') {
        char d[11];
        memcpy(d, s, 10);
        d[10] = 0;
        const char *rest = s + 10;
        if (*rest && *rest != ' ' && *rest != 'T') return REINS_EINVAL;
        if (date_check(d, "date", &e) < 0) return REINS_EINVAL;
        memcpy(out, d, 11);
        return 0;
    }
    unsigned m, d, y;
    int used = 0;
    if (sscanf(s, "%2u/%2u/%4u%n", &m, &d, &y, &used) == 3 && used >= 8 &&
        (!s[used] || s[used] == ' ') && y >= 1000) {
        char iso[16];
        snprintf(iso, sizeof iso, "%04u-%02u-%02u", y % 10000, m % 100, d % 100);
        if (date_check(iso, "date", &e) < 0) return REINS_EINVAL;
        memcpy(out, iso, 11);
        return 0;
    }
    return REINS_EINVAL;
}

int percent_parse(const char *s, int64_t *bp)
{
    if (!s) return REINS_EINVAL;
    while (*s == ' ')
        s++;
    if (!is_digit(*s)) return REINS_EINVAL;
    int64_t whole = 0;
    int n = 0;
    while (is_digit(*s)) {
        whole = whole * 10 + (*s++ - '0');
        if (++n > 3) return REINS_EINVAL;
    }
    int64_t frac = 0; /* hundredths of a percent */
    if (*s == '.') {
        s++;
        int nd = 0;
        while (is_digit(*s)) {
            if (nd < 2)
                frac = frac * 10 + (*s - '0');
            else if (*s != '0')
                return REINS_EINVAL;
            nd++;
            s++;
        }
        if (nd == 1) frac *= 10;
    }
    if (*s == '%') s++;
    while (*s == ' ')
        s++;
    if (*s) return REINS_EINVAL;
    int64_t v = whole * 100 + frac;
    if (v > PROBABILITY_BP_MAX) return REINS_EINVAL;
    *bp = v;
    return 0;
}

void opp_state_enter_stage(struct opp_state *s, const struct pipeline_stage *stage,
                           int probability_manual)
{
    s->stage_id = stage->id;
    s->pipeline_id = stage->pipeline_id;
    snprintf(s->forecast_category, sizeof s->forecast_category, "%s", stage->forecast_category);
    snprintf(s->status, sizeof s->status, "%s",
             stage->is_won    ? "won"
             : stage->is_lost ? "lost"
                              : "open");
    if (!probability_manual) s->probability_bp = stage->probability_bp;
}

void opp_state_changes(const struct opp_state *a, const struct opp_state *b, char out[128])
{
    out[0] = 0;
    size_t len = 0;
#define CHANGED(cond, name)                                                                        \
    if (cond) len += (size_t)snprintf(out + len, 128 - len, "%s%s", len ? "," : "", name)
    CHANGED(a->owner_id != b->owner_id, "owner");
    CHANGED(a->pipeline_id != b->pipeline_id, "pipeline");
    CHANGED(a->stage_id != b->stage_id, "stage");
    CHANGED(a->amount_minor != b->amount_minor, "amount");
    CHANGED(strcmp(a->currency, b->currency), "currency");
    CHANGED(strcmp(a->close_date, b->close_date), "close_date");
    CHANGED(a->probability_bp != b->probability_bp, "probability");
    CHANGED(strcmp(a->forecast_category, b->forecast_category), "forecast_category");
    CHANGED(strcmp(a->status, b->status), "status");
#undef CHANGED
}
