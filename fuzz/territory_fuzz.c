/* territory_fuzz.c -- fuzz target for the territory readers (CSV units, GraphML) and the engine.
 *
 * Input starting with '<' is read as GraphML, anything else as a units CSV. Whatever reads
 * must go through terr_input_finish and a short solve; every unit must get a territory in
 * range, and failures must be EINVAL/ETOOBIG with a message.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "territory/territory_io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
    if (ok) return;
    fprintf(stderr, "territory_fuzz: %s\n", what);
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct terr_input in;
    terr_input_init(&in);
    struct err e = {0};
    const char *text = (const char *)data;
    int rc = size && text[0] == '<'
                 ? terr_read_graphml(&in, "fuzz.graphml", text, size, NULL, NULL, &e)
                 : terr_read_units_csv(&in, "fuzz.csv", text, size, NULL, &e);
    if (rc == 0 && !in.k && !(in.current_name && in.n && in.current_name[0]))
        rc = terr_set_territories(&in, in.n < 3 ? in.n : 3, &e);
    if (rc == 0) rc = terr_input_finish(&in, "0.1", &e);
    if (rc == 0 && in.n <= 64) {
        in.p.time_limit = 0.05, in.p.max_iter = 200, in.p.seed = 1;
        struct terr_result r;
        rc = terr_solve(&in.p, &r, &e);
        if (rc == 0) {
            for (size_t i = 0; i < in.n; i++)
                check(r.assign[i] >= 0 && (size_t)r.assign[i] < in.k, "territory out of range");
            struct sb out = SB_INIT;
            terr_write_report(&in, &r, &out);
            terr_write_assignment_csv(&in, &r, &out);
            sb_release(&out);
            terr_result_release(&r);
        }
    }
    if (rc != 0) {
        check(rc == REINS_EINVAL || rc == REINS_ETOOBIG, "unexpected error code");
        check(e.msg[0] != '\0', "error without a message");
    }
    terr_input_release(&in);
    return 0;
}
