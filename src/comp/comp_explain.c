/* comp_explain.c -- every payout line in plain words, from its structured fields. */
#include "comp/comp.h"

#include <string.h>

#include "comp/comp_fmt.h"
#include "core/text.h"

static const char *const RULES[COMP_NRULES] = {
    "tier",           "rerate",       "milestone",     "milestone_lost", "spif_fixed",
    "spif_rate",      "cap_credit",   "cap_component", "cap_plan",       "clawback",
    "draw_guarantee", "draw_advance", "draw_recovery",
};

const char *comp_rule_name(enum comp_rule rule)
{
    return (unsigned)rule < COMP_NRULES ? RULES[rule] : "?";
}

const char *comp_role_name(enum comp_role role)
{
    switch (role) {
    case COMP_ROLE_DIRECT:
        return "direct";
    case COMP_ROLE_OVERLAY:
        return "overlay";
    case COMP_ROLE_ROLLUP:
        return "rollup";
    default:
        return "?";
    }
}

/* Digits, money and percentages are written at w and return the end: writing a year of
 * lines formats millions of numbers, so no printf and no capacity checks (comp_fmt.h). */

const char comp_digit_pairs[200] = "00010203040506070809"
                                   "10111213141516171819"
                                   "20212223242526272829"
                                   "30313233343536373839"
                                   "40414243444546474849"
                                   "50515253545556575859"
                                   "60616263646566676869"
                                   "70717273747576777879"
                                   "80818283848586878889"
                                   "90919293949596979899";

char *comp_out_grow(struct comp_out *o, char *w, size_t n)
{
    struct sb *sb = o->sb;
    sb->len = (size_t)(w - sb->buf);
    sb_reserve(sb, n + COMP_OUT_SLACK);
    o->end = sb->buf + sb->cap - 1;
    return sb->buf + sb->len;
}

char *fmt_date_memo(struct comp_out *o, char *w, int32_t days)
{
    struct comp_csv_memo *m = o->memo;
    if (!m->date[0] || m->day != days) {
        date_from_days(days, m->date);
        m->day = days;
    }
    return fmt_bytes(w, m->date, 10);
}

/* 123456 -> "1,234.56"; minor units are hundredths. */
static char *money(char *w, int64_t v)
{
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    uint64_t units = a / 100;
    unsigned n = fmt_ndigits(units);
    if (v < 0) *w++ = '-';
    char *point = w + n + (n - 1) / 3, *p = point; /* the digits, a comma per three */
    point[0] = '.';
    fmt_pair(point + 1, (unsigned)(a % 100));
    for (; units >= 1000; units /= 1000) {
        unsigned three = (unsigned)(units % 1000);
        p -= 4;
        p[0] = ',';
        p[1] = (char)('0' + three / 100);
        fmt_pair(p + 2, three % 100);
    }
    if (units >= 100) {
        p[-3] = (char)('0' + units / 100);
        fmt_pair(p - 2, (unsigned)(units % 100));
    } else if (units >= 10) {
        fmt_pair(p - 2, (unsigned)units);
    } else {
        p[-1] = (char)('0' + units);
    }
    return point + 3;
}

/* whole and ten-thousandths (0..9999) of a percent -> "10.5%": no trailing zeros. The
 * fraction's four digits are written, then the end drawn back over the zeros: up to three
 * bytes past the returned end are written. */
static char *pct(char *w, int negative, uint64_t whole, unsigned frac)
{
    if (negative) *w++ = '-';
    w = fmt_u64(w, whole);
    if (frac) {
        *w++ = '.';
        fmt_pair(w, frac / 100);
        fmt_pair(w + 2, frac % 100);
        w += frac % 1000 == 0 ? 1 : frac % 100 == 0 ? 2 : frac % 10 == 0 ? 3 : 4;
    }
    *w++ = '%';
    return w;
}

/* 105000 ppm -> "10.5%" */
static char *pct_ppm(char *w, int64_t ppm)
{
    uint64_t a = ppm < 0 ? (uint64_t)0 - (uint64_t)ppm : (uint64_t)ppm;
    return pct(w, ppm < 0, a / 10000, (unsigned)(a % 10000));
}

/* 6250 bp -> "62.5%" */
static char *pct_bp(char *w, int64_t bp)
{
    uint64_t a = bp < 0 ? (uint64_t)0 - (uint64_t)bp : (uint64_t)bp;
    return pct(w, bp < 0, a / 100, (unsigned)(a % 100) * 100);
}

/* A line number or a count of days: an int, as printf's %d writes it. */
static char *num(char *w, int v)
{
    return fmt_i64(w, v);
}

static char *tier_range_text(char *w, const struct comp_component *k, int t)
{
    const struct comp_tier *tr = &k->tiers[t];
    w = FMT_LIT(w, "tier ");
    w = num(w, t + 1);
    w = FMT_LIT(w, " (");
    w = pct_bp(w, tr->from_bp);
    if (tr->to_bp < 0) return FMT_LIT(w, " of quota and up)");
    w = FMT_LIT(w, " to ");
    w = pct_bp(w, tr->to_bp);
    return FMT_LIT(w, " of quota)");
}

/* A component's tiers are few, and a person's lines mostly in one: written once, copied. */
static char *tier_range(struct comp_out *o, char *w, const struct comp_component *k, int t)
{
    struct comp_csv_memo *m = o->memo;
    if (m->tier_of != k || m->tier != t) {
        m->tier_len = (size_t)(tier_range_text(m->tier_text, k, t) - m->tier_text);
        m->tier_of = k;
        m->tier = t;
    }
    return fmt_bytes(w, m->tier_text, m->tier_len);
}

/* The quota in money: the same for a person's lines of a quota period. */
static char *quota_money(struct comp_out *o, char *w, int64_t quota)
{
    struct comp_csv_memo *m = o->memo;
    if (!m->quota_len || m->quota != quota) {
        m->quota_len = (size_t)(money(m->quota_text, quota) - m->quota_text);
        m->quota = quota;
    }
    return fmt_bytes(w, m->quota_text, m->quota_len);
}

/* "Deal 7 (closed 2026-03-02, overlay 50% split, counted at 25%)": the credit, and the share
 * of it that component k (NULL for none) counts when that is not all of it. */
static char *credit_name(struct comp_out *o, char *w, const struct comp_input *in, int32_t ci,
                         const struct comp_component *k)
{
    const struct comp_credit *c = &in->credits[ci];
    w = FMT_LIT(w, "Deal ");
    w = comp_out_text(o, w, c->deal);
    if (strcmp(c->id, c->deal)) {
        w = FMT_LIT(w, " (credit ");
        w = comp_out_text(o, w, c->id);
        w = FMT_LIT(w, ", closed ");
    } else { /* the product credits a deal under the deal's own id: said once */
        w = FMT_LIT(w, " (closed ");
    }
    w = fmt_date_memo(o, w, c->date);
    w = FMT_LIT(w, ", ");
    w = fmt_word(w, comp_role_name(c->role));
    if (c->split_bp != COMP_BP) {
        *w++ = ' ';
        w = pct_bp(w, c->split_bp);
        w = FMT_LIT(w, " split");
    }
    if (c->role == COMP_ROLE_ROLLUP && c->source >= 0) {
        w = FMT_LIT(w, " from ");
        w = comp_out_text(o, w, in->people[in->credits[c->source].person].id);
    }
    if (k && k->credit_bp[c->role] > 0 && k->credit_bp[c->role] < COMP_BP) {
        w = FMT_LIT(w, ", counted at ");
        w = pct_bp(w, k->credit_bp[c->role]);
    }
    *w++ = ')';
    return w;
}

static char *why_rate(char *w, const struct comp_component *k, const struct comp_line *l)
{
    switch (l->why) {
    case COMP_WHY_TIER:
        w = FMT_LIT(w, "at its rate of ");
        return pct_ppm(w, l->rate_ppm);
    case COMP_WHY_RETRO:
        w = FMT_LIT(w, "at ");
        w = pct_ppm(w, l->rate_ppm);
        w = FMT_LIT(w, ", the rate of tier ");
        w = num(w, l->rate_tier + 1);
        return FMT_LIT(w, ", because that retroactive tier is reached");
    case COMP_WHY_HELD:
        w = FMT_LIT(w, "at 0% for now: held until attainment reaches the ");
        w = pct_bp(w, k->threshold_bp);
        return FMT_LIT(w, " threshold");
    case COMP_WHY_FORFEIT:
        w = FMT_LIT(w, "at 0%: volume below the ");
        w = pct_bp(w, k->threshold_bp);
        return FMT_LIT(w, " threshold is not paid");
    }
    return w;
}

static const char *period_word(enum comp_period_kind k)
{
    return k == COMP_PERIOD_YEAR ? "year" : k == COMP_PERIOD_QUARTER ? "quarter" : "month";
}

char *comp_line_explain_out(const struct comp_input *in, const struct comp_line *l,
                            const struct comp_line *ref, int ref_no, struct comp_out *o, char *w)
{
    const struct comp_plan *p = in->plan;
    const struct comp_component *k = l->component >= 0 ? &p->components[l->component] : NULL;
    switch (l->rule) {
    case COMP_RULE_TIER:
        w = credit_name(o, w, in, l->credit, k);
        w = FMT_LIT(w, ": ");
        w = money(w, l->base);
        w = FMT_LIT(w, " of it falls in ");
        w = tier_range(o, w, k, l->tier);
        w = FMT_LIT(w, " of ");
        w = comp_out_text(o, w, k->id);
        w = FMT_LIT(w, ", paid ");
        w = why_rate(w, k, l);
        w = FMT_LIT(w, " = ");
        w = money(w, l->amount);
        w = FMT_LIT(w, ". Attainment is now ");
        w = pct_bp(w, l->attainment_bp);
        w = FMT_LIT(w, " of a ");
        w = quota_money(o, w, l->quota);
        return FMT_LIT(w, " quota.");
    case COMP_RULE_RERATE:
        w = credit_name(o, w, in, l->credit, k);
        w = FMT_LIT(w, ": its ");
        w = money(w, l->base);
        w = FMT_LIT(w, " in ");
        w = tier_range(o, w, k, l->tier);
        w = FMT_LIT(w, " is re-rated from ");
        w = pct_ppm(w, l->prev_rate_ppm);
        w = FMT_LIT(w, " to ");
        w = pct_ppm(w, l->rate_ppm);
        w = FMT_LIT(w, " (");
        if (l->why == COMP_WHY_RETRO) {
            w = FMT_LIT(w, "retroactive tier ");
            w = num(w, l->rate_tier + 1);
            w = FMT_LIT(w, " is reached");
        } else if (l->why == COMP_WHY_HELD) {
            w = FMT_LIT(w, "attainment fell back below the threshold");
        } else if (l->prev_rate_ppm == 0 && k->threshold == COMP_THRESHOLD_HOLD) {
            w = FMT_LIT(w, "the threshold is reached: held pay is released");
        } else {
            w = FMT_LIT(w, "the retroactive tier it was paid by is no longer reached");
        }
        w = FMT_LIT(w, ", attainment ");
        w = pct_bp(w, l->attainment_bp);
        w = FMT_LIT(w, "): it earns ");
        w = money(w, l->already + l->amount);
        w = FMT_LIT(w, ", ");
        w = money(w, l->already);
        w = FMT_LIT(w, " was already paid, so ");
        w = money(w, l->amount);
        return FMT_LIT(w, ".");
    case COMP_RULE_MILESTONE:
        w = FMT_LIT(w, "Bonus ");
        w = comp_out_text(o, w, k->id);
        w = FMT_LIT(w, ": attainment reached ");
        w = pct_bp(w, l->base);
        w = FMT_LIT(w, " of quota");
        if (l->credit >= 0) {
            w = FMT_LIT(w, " with ");
            w = credit_name(o, w, in, l->credit, k);
        }
        w = FMT_LIT(w, ": ");
        w = money(w, l->amount);
        return FMT_LIT(w, ".");
    case COMP_RULE_MILESTONE_LOST:
        w = FMT_LIT(w, "Bonus ");
        w = comp_out_text(o, w, k->id);
        w = FMT_LIT(w, " taken back: a cancellation brought attainment to ");
        w = pct_bp(w, l->attainment_bp);
        w = FMT_LIT(w, ", below the ");
        w = pct_bp(w, l->base);
        w = FMT_LIT(w, " milestone paid on line ");
        w = num(w, ref_no);
        w = FMT_LIT(w, ": ");
        w = money(w, l->amount);
        return FMT_LIT(w, ".");
    case COMP_RULE_SPIF_FIXED:
        w = FMT_LIT(w, "SPIF ");
        w = comp_out_text(o, w, k->id);
        w = FMT_LIT(w, " on ");
        w = credit_name(o, w, in, l->credit, k);
        w = FMT_LIT(w, ": a fixed ");
        w = money(w, l->base);
        w = FMT_LIT(w, " times the ");
        w = pct_ppm(w, l->rate_ppm);
        w = FMT_LIT(w, " credit share = ");
        w = money(w, l->amount);
        return FMT_LIT(w, ".");
    case COMP_RULE_SPIF_RATE:
        w = FMT_LIT(w, "SPIF ");
        w = comp_out_text(o, w, k->id);
        w = FMT_LIT(w, " on ");
        w = credit_name(o, w, in, l->credit, k);
        w = FMT_LIT(w, ": ");
        w = pct_ppm(w, l->rate_ppm);
        w = FMT_LIT(w, " of the ");
        w = money(w, l->base);
        w = FMT_LIT(w, " credited = ");
        w = money(w, l->amount);
        return FMT_LIT(w, ".");
    case COMP_RULE_CAP_CREDIT:
        w = FMT_LIT(w, "Cap of ");
        w = money(w, l->already);
        w = FMT_LIT(w, " per credit on ");
        w = comp_out_text(o, w, k->id);
        w = FMT_LIT(w, ": ");
        w = credit_name(o, w, in, l->credit, k);
        w = FMT_LIT(w, " would earn ");
        w = money(w, l->base);
        w = FMT_LIT(w, " in all, so line ");
        w = num(w, ref_no);
        w = FMT_LIT(w, " is adjusted by ");
        w = money(w, l->amount);
        return FMT_LIT(w, ".");
    case COMP_RULE_CAP_COMPONENT:
    case COMP_RULE_CAP_PLAN: {
        const char *per = period_word(k ? k->cap.period : p->cap.period);
        w = FMT_LIT(w, "Cap of ");
        w = money(w, l->already);
        w = FMT_LIT(w, " per ");
        w = fmt_word(w, per);
        w = k ? FMT_LIT(w, " on component ") : FMT_LIT(w, " on plan ");
        w = comp_out_text(o, w, k ? k->id : p->name);
        w = FMT_LIT(w, ": uncapped earnings this ");
        w = fmt_word(w, per);
        w = FMT_LIT(w, " are ");
        w = money(w, l->base);
        w = FMT_LIT(w, ", so line ");
        w = num(w, ref_no);
        w = FMT_LIT(w, " is adjusted by ");
        w = money(w, l->amount);
        return FMT_LIT(w, ".");
    }
    case COMP_RULE_CLAWBACK: {
        const struct comp_credit *c = &in->credits[l->credit];
        w = credit_name(o, w, in, l->credit, k);
        w = FMT_LIT(w, " was cancelled on ");
        w = fmt_date_memo(o, w, c->cancelled);
        w = FMT_LIT(w, ", ");
        w = num(w, (int)(c->cancelled - c->date));
        w = FMT_LIT(w, " days after closing (clawback window ");
        w = num(w, (int)p->clawback_days);
        w = FMT_LIT(w, " days): reverses line ");
        w = num(w, ref_no);
        w = FMT_LIT(w, " (");
        w = fmt_word(w, ref ? comp_rule_name(ref->rule) : "?");
        w = FMT_LIT(w, ", ");
        w = money(w, l->amount);
        return FMT_LIT(w, ").");
    }
    case COMP_RULE_DRAW_GUARANTEE:
        w = FMT_LIT(w, "Non-recoverable draw: earnings of the period, ");
        w = money(w, l->base);
        w = FMT_LIT(w, ", are below the ");
        w = money(w, p->draw_amount);
        w = FMT_LIT(w, " guaranteed, so ");
        w = money(w, l->amount);
        return FMT_LIT(w, " is added and never recovered.");
    case COMP_RULE_DRAW_ADVANCE:
        w = FMT_LIT(w, "Recoverable draw: earnings of the period, ");
        w = money(w, l->base);
        w = FMT_LIT(w, ", are below the ");
        w = money(w, p->draw_amount);
        w = FMT_LIT(w, " draw, so ");
        w = money(w, l->amount);
        w = FMT_LIT(w, " is advanced; ");
        w = money(w, l->already);
        return FMT_LIT(w, " is now owed back from later earnings.");
    case COMP_RULE_DRAW_RECOVERY:
        w = FMT_LIT(w, "Recoverable draw recovered: of earnings of ");
        w = money(w, l->base);
        w = FMT_LIT(w, ", ");
        w = money(w, -l->amount);
        w = FMT_LIT(w, " goes to repay earlier advances; ");
        w = money(w, l->already);
        return FMT_LIT(w, " is still owed.");
    default:
        return FMT_LIT(w, "?");
    }
}

void comp_line_explain(const struct comp_input *in, const struct comp_line *l,
                       const struct comp_line *ref, struct sb *o)
{
    comp_line_explain_as(in, l, ref, l->ref + 1, o);
}

void comp_line_explain_as(const struct comp_input *in, const struct comp_line *l,
                          const struct comp_line *ref, int ref_no, struct sb *o)
{
    struct comp_out out;
    struct comp_csv_memo memo = COMP_CSV_MEMO_INIT;
    char *w = comp_out_begin(&out, o, &memo);
    comp_out_end(&out, comp_line_explain_out(in, l, ref, ref_no, &out, w));
}
