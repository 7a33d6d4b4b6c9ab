/* disclosure_fuzz.c -- disclosure_decide never shows a group that exposes anyone.
 *
 * Input: byte 0 sets min_group (3..10), then each group is 8 bytes, a bitmap
 * of respondents 0..63. Checks: shown groups are big enough, and no two shown
 * groups differ by 1 to min_group - 1 respondents either way. */
#include <stdint.h>
#include <stdlib.h>

#include "surveys/disclosure.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    int min_group = 3 + data[0] % 8;
    size_t k = (size - 1) / 8;
    if (k > 16) k = 16;
    uint32_t members[16][64];
    struct disclosure_group g[16] = {{0}};
    for (size_t i = 0; i < k; i++) {
        size_t n = 0;
        for (uint32_t bit = 0; bit < 64; bit++)
            if (data[1 + 8 * i + bit / 8] & (1u << (bit % 8))) members[i][n++] = bit;
        g[i] = (struct disclosure_group){members[i], n};
    }
    unsigned char shown[16];
    disclosure_decide(g, k, min_group, shown);
    for (size_t i = 0; i < k; i++) {
        if (!shown[i]) continue;
        if (g[i].n < (size_t)min_group) abort();
        for (size_t j = 0; j < k; j++) {
            if (!shown[j]) continue;
            size_t d = disclosure_difference(&g[i], &g[j]);
            if (d > 0 && d < (size_t)min_group) abort();
        }
    }
    return 0;
}
