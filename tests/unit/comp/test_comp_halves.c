/* test_comp_halves.c -- a credits file read in pieces gives what one pass gives,
 * deals settled as they end give what deals settled at the end give, and a plain record read
 * where it lies gives what the same record parsed into fields gives.
 *
 * comp_read_credits cuts a big file into pieces read on every core, taking the pieces after
 * the first only when reading them alone cannot differ from reading the file in order. Each
 * test reads one file three ways (piece_bytes = SIZE_MAX: one pass; half the file: two
 * pieces; 1: as many pieces as the reader makes) and compares every credit, or the error
 * message, and whether the later pieces were taken; the many pieces are read again from a
 * file in blocks (comp_read_credits_file). The tests name the pieces halves: a
 * fault "in the second half" is in some later piece either way. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "comp/comp.h"
#include "comp/comp_io.h"
#include "core/mem.h"

static const char plan_direct[] =
    "{\"name\": \"p\", \"effective_from\": \"2026-01-01\", \"components\": [{\"id\": \"c\", "
    "\"type\": \"commission\", \"mode\": \"marginal\", \"credit\": {\"direct\": 10000, "
    "\"overlay\": 5000}, \"tiers\": [{\"from_bp\": 0, \"rate_ppm\": 50000}]}]}";
static const char plan_rollup[] =
    "{\"name\": \"p\", \"effective_from\": \"2026-01-01\", \"components\": [{\"id\": \"c\", "
    "\"type\": \"commission\", \"mode\": \"marginal\", \"credit\": {\"direct\": 10000, "
    "\"rollup\": 10000}, \"tiers\": [{\"from_bp\": 0, \"rate_ppm\": 50000}]}]}";

struct outcome {
    int rc, taken;
    size_t pieces;
    char msg[512];
    struct sb credits; /* every field of every credit, one line each */
};

/* Read `credits` with pieces of piece_bytes; when block_bytes is not 0, as a file (written
 * to a temporary file, read with comp_read_credits_file in blocks of that many bytes). */
static void read_file_blocks(const char *plan_json, const char *people, const char *quotas,
                             const struct sb *credits, size_t piece_bytes, size_t block_bytes,
                             struct outcome *o)
{
    struct err e = {0};
    struct comp_plan *plan;
    assert_int_equal(comp_plan_parse(plan_json, strlen(plan_json), &plan, &e), 0);
    struct comp_data d;
    comp_data_init(&d);
    d.piece_bytes = piece_bytes;
    d.block_bytes = block_bytes;
    memset(o, 0, sizeof *o);
    if (people) assert_int_equal(comp_read_people(&d, "people.csv", people, strlen(people), &e), 0);
    if (quotas)
        assert_int_equal(comp_read_quotas(&d, plan, "quotas.csv", quotas, strlen(quotas), &e), 0);
    int fd = -1;
    if (block_bytes) {
        const char *dir = getenv("TMPDIR");
        char path[4096];
        snprintf(path, sizeof path, "%s/reins-halves-XXXXXX", dir && *dir ? dir : "/tmp");
        assert_true((fd = mkstemp(path)) >= 0);
        unlink(path);
        assert_int_equal(write(fd, credits->buf, credits->len), (ssize_t)credits->len);
    }
    o->rc = comp_read_credits_file(&d, plan, "credits.csv", credits->buf, credits->len, fd, &e);
    if (fd >= 0) close(fd);
    o->taken = d.pieces_taken != 0;
    o->pieces = d.pieces_taken;
    snprintf(o->msg, sizeof o->msg, "%s", o->rc ? e.msg : "");
    o->credits = (struct sb)SB_INIT;
    for (size_t i = 0; i < d.ncredits; i++) {
        const struct comp_credit *c = &d.credits[i];
        sb_addf(&o->credits, "%s|%s|%s|%d|%d|%lld|%lld|%lld|%d|%s|%s|%s|%d|%zu\n", c->id, c->deal,
                d.people[c->person].id, c->date, c->cancelled, (long long)c->amount,
                (long long)c->deal_amount, (long long)c->split_bp, (int)c->role,
                c->tags->measure ? c->tags->measure : "-",
                c->tags->product ? c->tags->product : "-",
                c->tags->deal_type ? c->tags->deal_type : "-", c->source, (size_t)c->line);
    }
    for (size_t i = 0; i < d.npeople; i++) /* people are numbered in the order met */
        sb_addf(&o->credits, "person %zu %s\n", i, d.people[i].id);
    comp_data_release(&d);
    comp_plan_free(plan);
}

static void read_file(const char *plan_json, const char *people, const char *quotas,
                      const struct sb *credits, size_t piece_bytes, struct outcome *o)
{
    read_file_blocks(plan_json, people, quotas, credits, piece_bytes, 0, o);
}

/* Read in one pass and in pieces, from memory and from a file in blocks of 64 bytes (about
 * a line each; the header and the longer rows do not fit, and the rest of their piece is
 * read from memory) and of 300 (a few lines each);
 * the results must be equal. Returns whether the later pieces were taken (the same with
 * two pieces and with many). */
static int same_both_ways(const char *plan, const char *people, const char *quotas,
                          const struct sb *credits, const char *want_msg)
{
    struct outcome one, two, many, small, blocks;
    read_file(plan, people, quotas, credits, SIZE_MAX, &one);
    read_file(plan, people, quotas, credits, credits->len / 2, &two);
    read_file(plan, people, quotas, credits, 1, &many);
    read_file_blocks(plan, people, quotas, credits, 1, 64, &small);
    read_file_blocks(plan, people, quotas, credits, 1, 300, &blocks);
    assert_int_equal(one.taken, 0);
    assert_int_equal(many.taken, two.taken);
    assert_int_equal(small.pieces, many.pieces);
    assert_int_equal(blocks.pieces, many.pieces);
    if (two.taken) { /* every file here is big enough to cut in many places */
        assert_int_equal(two.pieces, 2);
        assert_true(many.pieces > 8); /* up to 32 */
    }
    struct outcome *ways[] = {&two, &many, &small, &blocks};
    for (size_t w = 0; w < sizeof ways / sizeof *ways; w++) {
        struct outcome *o = ways[w];
        assert_string_equal(o->msg, one.msg);
        assert_int_equal(o->rc, one.rc);
        assert_int_equal(o->credits.len, one.credits.len);
        assert_true(one.credits.len == 0 ||
                    !memcmp(o->credits.buf, one.credits.buf, one.credits.len));
    }
    if (want_msg) {
        assert_int_not_equal(one.rc, 0);
        assert_non_null(strstr(one.msg, want_msg));
    } else if (one.rc) {
        fail_msg("unexpected error: %s", one.msg);
    }
    sb_release(&one.credits);
    sb_release(&two.credits);
    sb_release(&many.credits);
    sb_release(&small.credits);
    sb_release(&blocks.credits);
    return two.taken;
}

enum { ROWS = 2000, SELLERS = 37 };

static uint32_t seed;
static uint32_t rnd(uint32_t n)
{
    seed = seed * 1103515245u + 12345u;
    return (seed >> 8) % n;
}

/* Deals D1.. in date order, ids rising, sellers met in a scrambled order; about one deal in
 * six split 60/40 between two rows, one in ten with an overlay row and a few cancelled. */
static void make_credits(struct sb *out)
{
    *out = (struct sb)SB_INIT;
    seed = 11;
    sb_adds(out, "id,deal,person,date,amount,split_bp,role,product,deal_type,cancelled_on\n");
    int id = 1;
    for (int k = 1; id <= ROWS; k++) {
        int day = 1 + k * 300 / ROWS, s = (int)rnd(SELLERS), r = (int)rnd(60);
        long amount = 1000 + (long)rnd(900000);
        const char *canc = r == 7 ? "2026-12-30" : "";
        const char *prod = r % 3 ? "Core" : "Platform";
        char date[16];
        snprintf(date, sizeof date, "2026-%02d-%02d", 1 + (day - 1) / 28 % 12, 1 + (day - 1) % 28);
        if (r < 10) {
            sb_addf(out, "%d,D%d,s%d,%s,%ld,6000,direct,%s,new,%s\n", id++, k, s, date, amount,
                    prod, canc);
            sb_addf(out, "%d,D%d,s%d,%s,%ld,4000,direct,%s,new,%s\n", id++, k, (s + 1) % SELLERS,
                    date, amount, prod, canc);
        } else {
            sb_addf(out, "%d,D%d,s%d,%s,%ld,,,%s,renewal,%s\n", id++, k, s, date, amount, prod,
                    canc);
        }
        if (r >= 54)
            sb_addf(out, "%d,D%d,s%d,%s,%ld,10000,overlay,%s,new,%s\n", id++, k, (s + 5) % SELLERS,
                    date, amount, prod, canc);
    }
}

/* The byte offset of line `n` (1-based) of `s`. */
static size_t line_at(const struct sb *s, size_t n)
{
    size_t at = 0;
    for (size_t line = 1; line < n; line++)
        at = (size_t)((const char *)memchr(s->buf + at, '\n', s->len - at) - s->buf) + 1;
    return at;
}

/* Replace line `n` (1-based, without its line end) by `text`. */
static void set_line(struct sb *s, size_t n, const char *text)
{
    size_t from = line_at(s, n);
    size_t to = (size_t)((const char *)memchr(s->buf + from, '\n', s->len - from) - s->buf);
    struct sb out = SB_INIT;
    sb_add(&out, s->buf, from);
    sb_adds(&out, text);
    sb_add(&out, s->buf + to, s->len - to);
    sb_release(s);
    *s = out;
}

/* Line `n` as a string (malloc'd). */
static char *get_line(const struct sb *s, size_t n)
{
    size_t from = line_at(s, n);
    size_t to = (size_t)((const char *)memchr(s->buf + from, '\n', s->len - from) - s->buf);
    return xstrndup(s->buf + from, to - from);
}

static void test_plain_file_is_read_in_halves(void **state)
{
    (void)state;
    struct sb c;
    make_credits(&c);
    assert_true(same_both_ways(plan_direct, NULL, NULL, &c, NULL));
    /* the same without a line end after the last row */
    c.len--;
    assert_true(same_both_ways(plan_direct, NULL, NULL, &c, NULL));
    sb_release(&c);
}

/* People the quotas name are known before the credits: the second half starts from them
 * under the same numbers. Whether the quotas name some sellers (the rest met first in
 * either half) or all of them, people are numbered as one pass numbers them. */
static void test_people_from_quotas(void **state)
{
    (void)state;
    struct sb c;
    make_credits(&c);
    struct sb some = SB_INIT, all = SB_INIT;
    sb_adds(&some, "person,period,amount\n");
    sb_adds(&all, "person,period,amount\n");
    for (int s = SELLERS - 1; s >= 0; s--) { /* in another order than the credits meet them */
        if (s % 3 == 0) sb_addf(&some, "s%d,2026-Q1,100000\n", s);
        sb_addf(&all, "s%d,2026-Q1,100000\n", s);
    }
    assert_true(same_both_ways(plan_direct, NULL, some.buf, &c, NULL));
    assert_true(same_both_ways(plan_direct, NULL, all.buf, &c, NULL));
    sb_release(&some);
    sb_release(&all);
    sb_release(&c);
}

static void test_people_file_and_rollup(void **state)
{
    (void)state;
    struct sb people = SB_INIT, quotas = SB_INIT, c;
    sb_adds(&people, "person,manager\nboss,\nm0,boss\nm1,boss\n");
    for (int s = SELLERS - 1; s >= 0; s--)
        sb_addf(&people, "s%d,m%d\n", s, s % 2);
    sb_adds(&quotas, "person,period,amount\nm0,2026-Q1,100000000\nboss,2026-Q2,100000000\n");
    make_credits(&c);
    assert_true(same_both_ways(plan_rollup, people.buf, quotas.buf, &c, NULL));
    sb_release(&people);
    sb_release(&quotas);
    sb_release(&c);
}

/* A fault in the second half is the one a single pass reports, at its line. */
static void test_faults_of_the_second_half(void **state)
{
    (void)state;
    struct sb c;
    make_credits(&c);
    size_t late = ROWS * 3 / 4;
    char *row = get_line(&c, late);
    static const struct {
        const char *edit, *msg;
    } cases[] = {
        {"bad amount", "field amount: 'x'"},
        {"duplicate id", "is the id of an earlier row"},
        {"deal seen before", "differs from line"},
        {"unterminated quote", "unterminated quoted field"},
        {"short row", "fields, but the header has"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        struct sb f = SB_INIT;
        sb_add(&f, c.buf, c.len);
        char text[256];
        const char *comma = strchr(row, ','); /* after the id */
        if (i == 0) {
            snprintf(text, sizeof text, "%d,D%d,s1,2026-06-01,x,,,,,", 900000, 900000);
            set_line(&f, late, text);
        } else if (i == 1) {
            snprintf(text, sizeof text, "5%s", comma); /* id 5 is in the first half */
            set_line(&f, late, text);
        } else if (i == 2) {
            snprintf(text, sizeof text, "%d,D2,s1,2026-06-01,1,,,,,", 900000);
            sb_addf(&f, "%s\n", text);
        } else if (i == 3) {
            sb_adds(&f, "900001,\"D900001,s1,2026-06-01,1,,,,,\n");
        } else {
            set_line(&f, late, "900002,D900002,s1");
        }
        assert_false(same_both_ways(plan_direct, NULL, NULL, &f, cases[i].msg));
        sb_release(&f);
    }
    free(row);
    sb_release(&c);
}

/* With faults in both halves, the first half's is reported. */
static void test_first_fault_wins(void **state)
{
    (void)state;
    struct sb c;
    make_credits(&c);
    set_line(&c, ROWS / 4, "1000000,D1000000,s1,2026-13-01,1,,,,,");
    set_line(&c, ROWS * 3 / 4, "1000001,D1000001,s1,2026-06-01,x,,,,,");
    assert_false(same_both_ways(plan_direct, NULL, NULL, &c, "field date"));
    sb_release(&c);
}

/* Files the second half cannot be read alone for are read in order, with the same result. */
static void test_files_read_in_order(void **state)
{
    (void)state;
    struct sb c, f;
    make_credits(&c);

    /* a quote in the first half: the cut might fall inside a quoted field */
    f = (struct sb)SB_INIT;
    sb_add(&f, c.buf, c.len);
    char *row = get_line(&f, 10);
    char *person = strchr(strchr(row, ',') + 1, ',') + 1, *rest = strchr(person, ',');
    char text[256];
    snprintf(text, sizeof text, "%.*s\"%.*s\"%s", (int)(person - row), row, (int)(rest - person),
             person, rest);
    set_line(&f, 10, text);
    free(row);
    assert_false(same_both_ways(plan_direct, NULL, NULL, &f, NULL));
    sb_release(&f);

    /* blank lines in the first half: fewer rows than line ends */
    f = (struct sb)SB_INIT;
    size_t at = line_at(&c, 20);
    sb_add(&f, c.buf, at);
    sb_adds(&f, "\n\r\n");
    sb_add(&f, c.buf + at, c.len - at);
    assert_false(same_both_ways(plan_direct, NULL, NULL, &f, NULL));
    sb_release(&f);

    /* ids that stop rising in the second half (two rows swapped) */
    f = (struct sb)SB_INIT;
    sb_add(&f, c.buf, c.len);
    size_t late = ROWS * 3 / 4;
    char *a = get_line(&f, late), *b = get_line(&f, late + 1);
    set_line(&f, late, b);
    set_line(&f, late + 1, a);
    free(a);
    free(b);
    assert_false(same_both_ways(plan_direct, NULL, NULL, &f, NULL));
    sb_release(&f);
    sb_release(&c);
}

/* A deal whose rows meet at the middle is not cut: the cut moves to the next deal. */
static void test_cut_between_deals(void **state)
{
    (void)state;
    struct sb c = SB_INIT;
    sb_adds(&c, "id,deal,person,date,amount,split_bp\n");
    for (int k = 1; k <= 400; k++)
        for (int part = 0; part < 4; part++) /* every deal has four rows of 25% */
            sb_addf(&c, "%d,D%d,s%d,2026-02-01,1003,2500\n", 4 * k + part, k, (k + part) % 9);
    assert_true(same_both_ways(plan_direct, NULL, NULL, &c, NULL));
    sb_release(&c);
}

/* "id=amount" of every credit read from `csv` in one pass, or the error. */
static void amounts_of(const char *csv, struct sb *out)
{
    struct err e = {0};
    struct comp_plan *plan;
    assert_int_equal(comp_plan_parse(plan_direct, strlen(plan_direct), &plan, &e), 0);
    struct comp_data d;
    comp_data_init(&d);
    *out = (struct sb)SB_INIT;
    if (comp_read_credits(&d, plan, "credits.csv", csv, strlen(csv), &e))
        sb_addf(out, "error: %s", e.msg);
    for (size_t i = 0; i < d.ncredits; i++)
        sb_addf(out, "%s=%lld\n", d.credits[i].id, (long long)d.credits[i].amount);
    comp_data_release(&d);
    comp_plan_free(plan);
}

static void assert_same_amounts(const char *a, const char *b)
{
    struct sb x, y;
    amounts_of(a, &x);
    amounts_of(b, &y);
    assert_string_equal(x.buf, y.buf);
    sb_release(&x);
    sb_release(&y);
}

/* While deal names rise, each deal is settled as the next starts; the first name that does
 * not rise rebuilds every deal so far. Both ways give the same cents and the same errors. */
static void test_deals_settle_the_same_either_way(void **state)
{
    (void)state;
    static const char head[] = "id,deal,person,date,amount,split_bp\n";
    /* D1: three shares of 1001 round down to 333 + 333 + 333, the last takes the 2 left;
     * D2: 999 as 499 + 499, the last takes 1 */
    char rising[512], renamed[512];
    snprintf(rising, sizeof rising,
             "%s1,D1,a,2026-01-05,1001,3333\n2,D1,b,2026-01-05,1001,3333\n"
             "3,D1,c,2026-01-05,1001,3334\n4,D2,a,2026-01-06,999,5001\n"
             "5,D2,b,2026-01-06,999,4999\n6,D3,c,2026-01-07,7,10000\n",
             head);
    /* D2 renamed X: not a rising name, so every deal is found by name from there on */
    snprintf(renamed, sizeof renamed, "%s", rising);
    for (char *p = renamed; (p = strstr(p, "D2")); p++)
        p[0] = 'X', p[1] = 'X';
    assert_same_amounts(rising, renamed);
    struct sb got;
    amounts_of(renamed, &got);
    assert_string_equal(got.buf, "1=333\n2=333\n3=335\n4=499\n5=500\n6=7\n");
    sb_release(&got);

    /* D1's rows apart: 6000 bp, then D2, then D1's other 4000 bp. Settled when D2 started,
     * D1 looked short; the rebuild forgets that, and the cents match the rows together. */
    char apart[512], together[512];
    snprintf(apart, sizeof apart,
             "%s1,D1,a,2026-01-05,1001,6000\n2,D2,b,2026-01-06,10,10000\n"
             "3,D1,c,2026-01-05,1001,4000\n",
             head);
    snprintf(together, sizeof together,
             "%s1,D1,a,2026-01-05,1001,6000\n3,D1,c,2026-01-05,1001,4000\n"
             "2,D2,b,2026-01-06,10,10000\n",
             head);
    struct sb x, y;
    amounts_of(apart, &x);
    amounts_of(together, &y);
    assert_string_equal(x.buf, "1=600\n2=10\n3=401\n"); /* 600 + 400, and 1 left over */
    assert_string_equal(y.buf, "1=600\n3=401\n2=10\n");
    sb_release(&x);
    sb_release(&y);

    /* a deal short of 100% is refused at its first row, after every row was read: the row
     * fault at line 5 comes first, and without it the short deal D1 */
    char short_only[512], short_then_bad[600];
    snprintf(short_only, sizeof short_only,
             "%s1,D1,a,2026-01-05,1001,6000\n2,D2,b,2026-01-06,10,10000\n"
             "3,D3,b,2026-01-06,10,9000\n",
             head);
    snprintf(short_then_bad, sizeof short_then_bad, "%s4,D4,b,2026-01-07,x,\n", short_only);
    amounts_of(short_only, &x);
    amounts_of(short_then_bad, &y);
    assert_string_equal(x.buf, "error: credits.csv line 2: field split_bp: deal 'D1' has direct "
                               "splits of 6000 bp in all; they must come to exactly 10000 bp "
                               "(100%)");
    assert_non_null(strstr(y.buf, "credits.csv line 5: field amount: 'x'"));
    sb_release(&x);
    sb_release(&y);
}

/* The file with every row's first field quoted: no row is plain, so every one is parsed
 * into fields and read by credit_row. Lines and values stay the same. */
static void quote_first_fields(const struct sb *in, struct sb *out)
{
    *out = (struct sb)SB_INIT;
    const char *p = in->buf, *end = in->buf + in->len, *nl = memchr(p, '\n', in->len);
    sb_add(out, p, (size_t)(nl + 1 - p)); /* the header */
    for (p = nl + 1; p < end; p = nl + 1) {
        nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) nl = end;
        const char *comma = memchr(p, ',', (size_t)(nl - p));
        if (nl > p && comma && *p != '"') {
            sb_adds(out, "\"");
            sb_add(out, p, (size_t)(comma - p));
            sb_adds(out, "\"");
            sb_add(out, comma, (size_t)(nl - comma));
        } else {
            sb_add(out, p, (size_t)(nl - p));
        }
        if (nl < end) sb_adds(out, "\n");
    }
}

/* Read `credits` as it is and with no plain row (one pass each): the results must be
 * equal, and the error, if any, contain want_msg. */
static void same_plain_and_parsed(const char *plan, const char *people, const char *quotas,
                                  const struct sb *credits, const char *want_msg)
{
    struct sb quoted;
    quote_first_fields(credits, &quoted);
    struct outcome plain, parsed;
    read_file(plan, people, quotas, credits, SIZE_MAX, &plain);
    read_file(plan, people, quotas, &quoted, SIZE_MAX, &parsed);
    assert_string_equal(plain.msg, parsed.msg);
    assert_int_equal(plain.rc, parsed.rc);
    if (want_msg && !strstr(plain.msg, want_msg)) fail_msg("%s: got \"%s\"", want_msg, plain.msg);
    if (!want_msg && plain.rc) fail_msg("%s", plain.msg);
    assert_int_equal(plain.credits.len, parsed.credits.len);
    assert_true(plain.credits.len == 0 ||
                !memcmp(plain.credits.buf, parsed.credits.buf, plain.credits.len));
    sb_release(&plain.credits);
    sb_release(&parsed.credits);
    sb_release(&quoted);
}

/* Rows the plain reader takes, rows it hands to credit_row (each kind of value it leaves
 * alone), and every fault credit_row reports: read plain and parsed, all the same. Names of
 * 7, 8, 15, 16 and 17 bytes cross the reader's word boundaries; the last row's fields end
 * the input, where no word past them may be read. */
static void test_plain_rows_as_parsed_rows(void **state)
{
    (void)state;
    struct sb c;
    make_credits(&c);
    same_plain_and_parsed(plan_direct, NULL, NULL, &c, NULL);
    c.len--; /* no line end after the last row */
    same_plain_and_parsed(plan_direct, NULL, NULL, &c, NULL);
    sb_release(&c);

    static const char head[] =
        "id,deal,person,date,amount,split_bp,role,measure,product,deal_type,cancelled_on\n";
    static const char good[] =
        "1,D1,s1,2026-01-05,0,,,,,,\n"
        "2,D2,seller7,2026-01-05,12345678,10000,direct,bookings,Core,new,\n"
        "3,D3,seller_8,2026-01-06,123456789,6000,direct,,Platform,renewal,2026-03-01\n"
        "4,D3,seller_fifteen1,2026-01-06,123456789,4000,,,Platform,renewal,2026-03-01\n"
        "5,D3,seller_sixteen_1,2026-01-06,123456789,10000,overlay,,Platform,renewal,2026-03-01\n"
        "6,D4,seller_seventeen1,2026-01-07,5,,,arr,Core; Platform,a_deal_type_long,\n"
        "7,D5,s1,2026-01-08,99,,direct,,x,y,2026-01-08\n";
    struct sb f = SB_INIT;
    sb_addf(&f, "%s%s", head, good);
    same_plain_and_parsed(plan_direct, NULL, NULL, &f, NULL);
    sb_release(&f);

    /* handed on, and read the same: ids and deals that do not rise, long and prefixed ids */
    static const char *const other[] = {
        "8,D1,s1,2026-01-05,0,,overlay,,,,\n",                    /* a deal met before */
        "3a,D9,s1,2026-01-09,1,,,,,,\n",                          /* an id that stops rising */
        "id-000000000000000000000001,D9,s1,2026-01-09,1,,,,,,\n", /* a long id */
        "8,X9,s1,2026-01-09,1,,,,,,\n",                           /* a deal by name */
        "8,D9,a_person_of_more_than_16,2026-01-09,1,,,,,,\n",     /* a long name */
        "8,D9,newcomer,2026-01-09,1,,,,,,\n",                     /* a new person */
        "8,D9,s1,2026-01-09,007,,,,,,\n",                         /* a leading zero */
    };
    for (size_t i = 0; i < sizeof other / sizeof *other; i++) {
        f = (struct sb)SB_INIT;
        sb_addf(&f, "%s%s%s9,D10,s1,2026-01-10,1,,,,,,\n10,D11,seller7,2026-01-10,2,,,,,,", head,
                good, other[i]);
        same_plain_and_parsed(plan_direct, NULL, NULL, &f, NULL);
        sb_release(&f);
    }

    static const struct {
        const char *row, *msg;
    } faults[] = {
        {"8,D9,s1,2026-01-09,x,,,,,,", "field amount: 'x'"},
        {"8,D9,s1,2026-01-09,+1,,,,,,", "field amount"},
        {"8,D9,s1,2026-01-09,99999999999999999,,,,,,", "field amount"},
        {"8,D9,s1,2026-01-09,1,0,,,,,", "field split_bp"},
        {"8,D9,s1,2026-01-09,1,10001,,,,,", "field split_bp"},
        {"8,D9,s1,2026-01-09,1,,boss,,,,", "field role"},
        {"8,D9,s1,2026-02-30,1,,,,,,", "field date"},
        {"8,D9,s1,2026-01-09,1,,,,,,2026-01-08", "field cancelled_on"},
        {",D9,s1,2026-01-09,1,,,,,,", "field id: is empty"},
        {"8,,s1,2026-01-09,1,,,,,,", "field deal: is empty"},
        {"8,D9,,2026-01-09,1,,,,,,", "field person: is empty"},
        {"2,D9,s1,2026-01-09,1,,,,,,", "is the id of an earlier row"},
        {"8,D3,s1,2026-01-06,1,,,,,,", "differs from line"},
        {"8,D3,s1,2026-01-06,123456789,5000,,,,,,", "fields, but the header has"},
        {"8,D3,s1,2026-01-06,123456789,5000,,,,,2026-03-01", "over 100%"},
    };
    for (size_t i = 0; i < sizeof faults / sizeof *faults; i++) {
        f = (struct sb)SB_INIT;
        sb_addf(&f, "%s%s%s\n", head, good, faults[i].row);
        same_plain_and_parsed(plan_direct, NULL, NULL, &f, faults[i].msg);
        sb_release(&f);
    }

    /* with a people file: a person it does not list is refused the same way */
    f = (struct sb)SB_INIT;
    sb_addf(&f, "%s1,D1,s1,2026-01-05,10,,,,,,\n2,D2,s9,2026-01-05,10,,,,,,\n", head);
    same_plain_and_parsed(plan_direct, "person,manager\ns1,\n", NULL, &f,
                          "is not in the people file");
    sb_release(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_file_is_read_in_halves),
        cmocka_unit_test(test_people_from_quotas),
        cmocka_unit_test(test_people_file_and_rollup),
        cmocka_unit_test(test_faults_of_the_second_half),
        cmocka_unit_test(test_first_fault_wins),
        cmocka_unit_test(test_files_read_in_order),
        cmocka_unit_test(test_cut_between_deals),
        cmocka_unit_test(test_deals_settle_the_same_either_way),
        cmocka_unit_test(test_plain_rows_as_parsed_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
