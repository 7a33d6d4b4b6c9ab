/* quotas_fuzz.c -- period keys and ramp schedules from untrusted text.
 *
 * Input: byte 0 picks the fiscal start month (1..12); the rest, up to the
 * first NUL, is tried as a period key and as a ramp. Checks: an accepted key
 * names a period of 1, 3 or 12 whole months whose own key parses back to the
 * same dates; an accepted ramp has at most RAMP_STEPS_MAX steps of 0..10000
 * that format and parse back the same; the effective quota never exceeds
 * the amount. */
#include <stdlib.h>
#include <string.h>

#include "quotas/quotas.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 512) return 0;
    int fsm = 1 + data[0] % 12;
    char text[512];
    memcpy(text, data + 1, size - 1);
    text[size - 1] = 0;
    struct period p, back;
    struct err e = {0};
    if (period_parse(text, fsm, "period", &p, &e) == 0) {
        if (p.months != 1 && p.months != 3 && p.months != 12) abort();
        if (p.last_day < p.first_day + 27 || p.last_day > p.first_day + 365) abort();
        if (period_parse(p.key, fsm, "period", &back, &e) < 0) abort();
        if (back.first_day != p.first_day || back.last_day != p.last_day) abort();
        struct ramp r;
        ramp_default(&r);
        if (quota_effective(QUOTA_AMOUNT_MAX, &p, p.first_day, &r) > QUOTA_AMOUNT_MAX) abort();
    }
    struct ramp r, again;
    if (ramp_parse(text, "ramp", &r, &e) == 0) {
        if (r.n < 0 || r.n > RAMP_STEPS_MAX) abort();
        for (int i = 0; i < r.n; i++)
            if (r.bp[i] < 0 || r.bp[i] > RAMP_BP_FULL) abort();
        char out[RAMP_STEPS_MAX * 6 + 1];
        ramp_format(&r, out, sizeof out);
        if (ramp_parse(out, "ramp", &again, &e) < 0 || again.n != r.n ||
            memcmp(again.bp, r.bp, sizeof r.bp))
            abort();
    }
    return 0;
}
