/* comp_explain.c -- every payout line in plain words, from its structured fields. */
#include "comp/comp.h"

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

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

/* Digits of v (v >= 0) at the end of buf[24]; returns where they start. No printf:
 * writing a year of lines formats millions of numbers. */
static char *digits(uint64_t v, char *end)
{
    *--end = 0;
    do {
        *--end = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    return end;
}

/* 123456 -> "1,234.56"; minor units are hundredths. */
static const char *money(int64_t v, char out[40])
{
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    char buf[24];
    const char *d = digits(a / 100, buf + sizeof buf);
    size_t n = (size_t)(buf + sizeof buf - 1 - d);
    char *o = out;
    if (v < 0) *o++ = '-';
    for (size_t i = 0; i < n; i++) {
        *o++ = d[i];
        if ((n - i - 1) % 3 == 0 && i + 1 < n) *o++ = ',';
    }
    *o++ = '.';
    *o++ = (char)('0' + a % 100 / 10);
    *o++ = (char)('0' + a % 10);
    *o = 0;
    return out;
}

/* 105000 ppm -> "10.5%" */
static const char *pct_ppm(int64_t ppm, char out[40])
{
    uint64_t a = ppm < 0 ? (uint64_t)0 - (uint64_t)ppm : (uint64_t)ppm;
    char buf[24];
    char *o = out;
    if (ppm < 0) *o++ = '-';
    for (const char *d = digits(a / 10000, buf + sizeof buf); *d; d++)
        *o++ = *d;
    unsigned frac = (unsigned)(a % 10000);
    if (frac) {
        *o++ = '.';
        for (unsigned div = 1000; frac && div; div /= 10) {
            *o++ = (char)('0' + frac / div);
            frac %= div;
        }
    }
    *o++ = '%';
    *o = 0;
    return out;
}

/* A printf subset, %s %d and %%, without libc's formatting machinery. */
static void say(struct sb *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(struct sb *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    for (const char *f = fmt;;) {
        const char *pc = strchrnul(f, '%');
        sb_add(o, f, (size_t)(pc - f));
        if (!*pc) break;
        if (pc[1] == 's') {
            sb_adds(o, va_arg(ap, const char *));
        } else if (pc[1] == 'd') {
            int v = va_arg(ap, int);
            char buf[24];
            if (v < 0) sb_add(o, "-", 1);
            const char *d =
                digits(v < 0 ? (uint64_t)0 - (uint64_t)(int64_t)v : (uint64_t)v, buf + sizeof buf);
            sb_add(o, d, (size_t)(buf + sizeof buf - 1 - d));
        } else if (pc[1] == '%') {
            sb_add(o, "%", 1);
        } else {
            break; /* a lone % ends the format */
        }
        f = pc + 2;
    }
    va_end(ap);
}

/* 6250 bp -> "62.5%" */
static const char *pct_bp(int64_t bp, char out[40])
{
    return pct_ppm(bp * 100, out);
}

static void tier_range(struct sb *o, const struct comp_component *k, int t)
{
    char a[40], b[40];
    const struct comp_tier *tr = &k->tiers[t];
    if (tr->to_bp < 0)
        say(o, "tier %d (%s of quota and up)", t + 1, pct_bp(tr->from_bp, a));
    else
        say(o, "tier %d (%s to %s of quota)", t + 1, pct_bp(tr->from_bp, a), pct_bp(tr->to_bp, b));
}

static void credit_name(struct sb *o, const struct comp_input *in, int32_t ci)
{
    const struct comp_credit *c = &in->credits[ci];
    char d[11];
    date_from_days(c->date, d);
    say(o, "Deal %s (credit %s, closed %s, %s", c->deal, c->id, d, comp_role_name(c->role));
    if (c->split_bp != COMP_BP) {
        char s[40];
        say(o, " %s split", pct_bp(c->split_bp, s));
    }
    if (c->role == COMP_ROLE_ROLLUP && c->source >= 0)
        say(o, " from %s", in->people[in->credits[c->source].person].id);
    sb_adds(o, ")");
}

static void why_rate(struct sb *o, const struct comp_component *k, const struct comp_line *l)
{
    char r[40], t[40];
    switch (l->why) {
    case COMP_WHY_TIER:
        say(o, "at its rate of %s", pct_ppm(l->rate_ppm, r));
        break;
    case COMP_WHY_RETRO:
        say(o, "at %s, the rate of tier %d, because that retroactive tier is reached",
            pct_ppm(l->rate_ppm, r), l->rate_tier + 1);
        break;
    case COMP_WHY_HELD:
        say(o, "at 0%% for now: held until attainment reaches the %s threshold",
            pct_bp(k->threshold_bp, t));
        break;
    case COMP_WHY_FORFEIT:
        say(o, "at 0%%: volume below the %s threshold is not paid", pct_bp(k->threshold_bp, t));
        break;
    }
}

static const char *period_word(enum comp_period_kind k)
{
    return k == COMP_PERIOD_YEAR ? "year" : k == COMP_PERIOD_QUARTER ? "quarter" : "month";
}

void comp_line_explain(const struct comp_input *in, const struct comp_line *l,
                       const struct comp_line *ref, struct sb *o)
{
    const struct comp_plan *p = in->plan;
    const struct comp_component *k = l->component >= 0 ? &p->components[l->component] : NULL;
    char m1[40], m2[40], m3[40], r1[40], r2[40];
    switch (l->rule) {
    case COMP_RULE_TIER:
        credit_name(o, in, l->credit);
        say(o, ": %s of it falls in ", money(l->base, m1));
        tier_range(o, k, l->tier);
        sb_adds(o, " of ");
        sb_adds(o, k->id);
        sb_adds(o, ", paid ");
        why_rate(o, k, l);
        say(o, " = %s. Attainment is now %s of a %s quota.", money(l->amount, m2),
            pct_bp(l->attainment_bp, r1), money(l->quota, m3));
        break;
    case COMP_RULE_RERATE:
        credit_name(o, in, l->credit);
        say(o, ": its %s in ", money(l->base, m1));
        tier_range(o, k, l->tier);
        say(o, " is re-rated from %s to %s (", pct_ppm(l->prev_rate_ppm, r1),
            pct_ppm(l->rate_ppm, r2));
        if (l->why == COMP_WHY_RETRO)
            say(o, "retroactive tier %d is reached", l->rate_tier + 1);
        else if (l->why == COMP_WHY_HELD)
            sb_adds(o, "attainment fell back below the threshold");
        else if (l->prev_rate_ppm == 0 && k->threshold == COMP_THRESHOLD_HOLD)
            sb_adds(o, "the threshold is reached: held pay is released");
        else
            sb_adds(o, "the retroactive tier it was paid by is no longer reached");
        say(o, ", attainment %s): it earns %s, %s was already paid, so %s.",
            pct_bp(l->attainment_bp, m3), money(l->already + l->amount, m1), money(l->already, m2),
            money(l->amount, r1));
        break;
    case COMP_RULE_MILESTONE:
        say(o, "Bonus %s: attainment reached %s of quota", k->id, pct_bp(l->base, r1));
        if (l->credit >= 0) {
            sb_adds(o, " with ");
            credit_name(o, in, l->credit);
        }
        say(o, ": %s.", money(l->amount, m1));
        break;
    case COMP_RULE_MILESTONE_LOST:
        say(o,
            "Bonus %s taken back: a cancellation brought attainment to %s, below the "
            "%s milestone paid on line %d: %s.",
            k->id, pct_bp(l->attainment_bp, r1), pct_bp(l->base, r2), l->ref + 1,
            money(l->amount, m1));
        break;
    case COMP_RULE_SPIF_FIXED:
        say(o, "SPIF %s on ", k->id);
        credit_name(o, in, l->credit);
        say(o, ": a fixed %s times the %s credit share = %s.", money(l->base, m1),
            pct_ppm(l->rate_ppm, r1), money(l->amount, m2));
        break;
    case COMP_RULE_SPIF_RATE:
        say(o, "SPIF %s on ", k->id);
        credit_name(o, in, l->credit);
        say(o, ": %s of the %s credited = %s.", pct_ppm(l->rate_ppm, r1), money(l->base, m1),
            money(l->amount, m2));
        break;
    case COMP_RULE_CAP_CREDIT:
        say(o, "Cap of %s per credit on %s: ", money(l->already, m1), k->id);
        credit_name(o, in, l->credit);
        say(o, " would earn %s in all, so line %d is adjusted by %s.", money(l->base, m2),
            l->ref + 1, money(l->amount, m3));
        break;
    case COMP_RULE_CAP_COMPONENT:
    case COMP_RULE_CAP_PLAN: {
        enum comp_period_kind pk = k ? k->cap.period : p->cap.period;
        say(o,
            "Cap of %s per %s on %s %s: uncapped earnings this %s are %s, so line %d is "
            "adjusted by %s.",
            money(l->already, m1), period_word(pk), k ? "component" : "plan", k ? k->id : p->name,
            period_word(pk), money(l->base, m2), l->ref + 1, money(l->amount, m3));
        break;
    }
    case COMP_RULE_CLAWBACK: {
        const struct comp_credit *c = &in->credits[l->credit];
        char d1[11];
        date_from_days(c->cancelled, d1);
        credit_name(o, in, l->credit);
        say(o,
            " was cancelled on %s, %d days after closing (clawback window %d days): "
            "reverses line %d (%s, %s).",
            d1, (int)(c->cancelled - c->date), (int)p->clawback_days, l->ref + 1,
            ref ? comp_rule_name(ref->rule) : "?", money(l->amount, m1));
        break;
    }
    case COMP_RULE_DRAW_GUARANTEE:
        say(o,
            "Non-recoverable draw: earnings of the period, %s, are below the %s "
            "guaranteed, so %s is added and never recovered.",
            money(l->base, m1), money(p->draw_amount, m2), money(l->amount, m3));
        break;
    case COMP_RULE_DRAW_ADVANCE:
        say(o,
            "Recoverable draw: earnings of the period, %s, are below the %s draw, so "
            "%s is advanced; %s is now owed back from later earnings.",
            money(l->base, m1), money(p->draw_amount, m2), money(l->amount, m3),
            money(l->already, r1));
        break;
    case COMP_RULE_DRAW_RECOVERY:
        say(o,
            "Recoverable draw recovered: of earnings of %s, %s goes to repay earlier "
            "advances; %s is still owed.",
            money(l->base, m1), money(-l->amount, m2), money(l->already, m3));
        break;
    default:
        sb_adds(o, "?");
        break;
    }
}
