/* crm_values_fuzz.c -- the CRM value parsers (amounts, dates, percentages) never misread.
 *
 * Input: any bytes, as one NUL-terminated field. Checks: an accepted amount is not negative
 * and writes back (as units.cents) to text the parser reads to the same value; an accepted
 * date is a real YYYY-MM-DD; an accepted percentage is 0..10000 basis points. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/text.h"
#include "pipeline/pipeline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 256) return 0;
    char s[257];
    memcpy(s, data, size);
    s[size] = 0;
    int64_t v, again;
    if (amount_parse(s, &v) == 0) {
        if (v < 0) abort();
        char back[48];
        snprintf(back, sizeof back, "%lld.%02lld", (long long)(v / 100), (long long)(v % 100));
        if (amount_parse(back, &again) != 0 || again != v) abort();
    }
    char d[11];
    if (crm_date_parse(s, d) == 0) {
        struct err e = {0};
        if (date_check(d, "date", &e) != 0) abort();
    }
    if (percent_parse(s, &v) == 0 && (v < 0 || v > PROBABILITY_BP_MAX)) abort();
    return 0;
}
