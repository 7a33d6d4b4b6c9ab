/* forecast_fuzz.c -- fuzz target for the forecast's history reader and deal replay.
 *
 * Any input must either load, or fail with EINVAL/ETOOBIG and a message that
 * names the file. Whatever loads must keep its invariants: each deal's events
 * sorted by day, and every deal existing by the last day with a sane state.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forecast/forecast.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
    if (ok) return;
    fprintf(stderr, "forecast_fuzz: %s\n", what);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16) return 0;
    struct fc_data d;
    struct err e = {0};
    fc_data_init(&d);
    int rc = fc_load_history(&d, (const char *)data, size, "h.csv", &e);
    if (rc != 0) {
        check(rc == REINS_EINVAL || rc == REINS_ETOOBIG, "unexpected error code");
        check(e.code == rc && !strncmp(e.msg, "h.csv", 5), "error does not name the file");
        /* a row's error names its line; only size limits and an empty file have none */
        check(e.line > 0 || rc == REINS_ETOOBIG || strstr(e.msg, "is empty"), "no line named");
        fc_data_release(&d);
        return 0;
    }
    check(d.deal_first[d.ndeals] == d.nevents, "events lost");
    for (size_t k = 0; k < d.ndeals; k++) {
        for (size_t i = d.deal_first[k] + 1; i < d.deal_first[k + 1]; i++)
            check(d.events[i - 1].day <= d.events[i].day, "events out of order");
        struct fc_deal_state st;
        fc_deal_at(&d, k, d.last_day, &st);
        check(st.exists && st.owner < d.npeople, "deal missing at the last day");
        check(st.stage < (int32_t)d.nstages && st.amount >= 0, "bad state");
        check(st.slips <= d.deal_first[k + 1] - d.deal_first[k], "more slips than events");
        fc_deal_at(&d, k, d.first_day - 1, &st);
        check(!st.exists, "deal exists before its first event");
    }
    fc_data_release(&d);
    return 0;
}
