/* comp_io.c -- the engine's CSV files, strictly read and plainly written. */
#include "comp/comp_io.h"

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "comp/comp_big.h"
#include "comp/comp_fmt.h"
#include "core/csv.h"
#include "core/threads.h"
#include "core/text.h"

/* ---- a string -> index map (open addressing, FNV-1a) ----------------------------------- */

struct map_slot {
    const char *key; /* NULL: empty */
    uint32_t val;
    uint32_t hash;   /* compared before the key: most probes end there */
    char short_[16]; /* a key under 16 bytes, zero-padded: compared without reading *key */
};

/* One array of slots: a probe touches one cache line, not three or four. */
struct comp_name_map {
    struct map_slot *slots;
    size_t cap, n;
};

/* A key: s[0, len), which need not be NUL-terminated (a field where it lies in the file),
 * hashed once (a row's person is looked for twice: prefetched, then found). A short key
 * (under 16 bytes) is also held as two words, zero-padded as a slot's copy is: it is
 * hashed and compared a word at a time. */
struct map_key {
    const char *s;
    size_t len;
    uint64_t h;
    uint64_t w[2]; /* a short key's bytes */
};

#define SHORT_KEY 16
/* A row the fast path hands back. Said so, gcc no longer takes the path that keeps a row for
 * a rare one, and copies its structs with moves instead of `rep movs` (15% of its time). */
#define RARE(x) __builtin_expect(!!(x), 0)

static uint64_t hash_words(uint64_t w0, uint64_t w1, size_t len)
{
    uint64_t h = (w0 ^ len) * 0x9e3779b97f4a7c15ull ^ w1 * 0xc2b2ae3d27d4eb4full;
    h ^= h >> 29;
    h *= 0x165667b19e3779f9ull;
    return h ^ h >> 32;
}

static uint64_t hash_bytes(const char *s, size_t n) /* FNV-1a, for long keys */
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static struct map_key map_key_n(const char *s, size_t len)
{
    struct map_key k = {s, len, 0, {0, 0}};
    if (len < SHORT_KEY) {
        memcpy(k.w, s, len);
        k.h = hash_words(k.w[0], k.w[1], len);
    } else {
        k.h = hash_bytes(s, len);
    }
    return k;
}

/* map_key_n for a key followed by at least SHORT_KEY readable bytes: read as two words. */
static inline struct map_key map_key_padded(const char *s, size_t len)
{
#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
    return map_key_n(s, len); /* the words below are read little-endian */
#endif
    if (len >= SHORT_KEY) return map_key_n(s, len);
    /* The words in registers until hashed: written into k piecewise and read back whole,
     * they stalled the hash on a failed store forward (a fifth of credit_plain's time). */
    uint64_t w0, w1;
    memcpy(&w0, s, 8);
    memcpy(&w1, s + 8, 8);
    /* keep the key's own bytes (little-endian words: the first byte is the lowest) */
    if (len < 8) {
        w0 &= ~(~0ull << (8 * len));
        w1 = 0;
    } else {
        w1 &= ~(~0ull << (8 * (len - 8)));
    }
    return (struct map_key){s, len, hash_words(w0, w1, len), {w0, w1}};
}

static struct map_key map_key(const char *s)
{
    return map_key_n(s, strlen(s));
}

static uint64_t hash(const char *s)
{
    return map_key(s).h;
}

/* Room for `n` keys at most half full; n = 0 doubles. */
static void map_grow_to(struct comp_name_map *m, size_t n)
{
    size_t ncap = m->cap ? 2 * m->cap : 1024;
    while (ncap < 2 * n)
        ncap *= 2;
    struct map_slot *slots = xcalloc(ncap, sizeof *slots);
    for (size_t i = 0; i < m->cap; i++) {
        if (!m->slots[i].key) continue;
        size_t j = hash(m->slots[i].key) & (ncap - 1);
        while (slots[j].key)
            j = (j + 1) & (ncap - 1);
        slots[j] = m->slots[i];
    }
    free(m->slots);
    m->slots = slots;
    m->cap = ncap;
}

static void map_grow(struct comp_name_map *m)
{
    map_grow_to(m, 0);
}

/* The slot of `k`: its value when found (returns 1), else where it goes (0). */
static int map_find_key(struct comp_name_map *m, const struct map_key *k, size_t *slot)
{
    if (2 * (m->n + 1) > m->cap) map_grow(m);
    const char *key = k->s;
    size_t len = k->len;
    uint64_t h = k->h;
    size_t j = h & (m->cap - 1);
    while (m->slots[j].key) {
        if (m->slots[j].hash == (uint32_t)(h >> 32) &&
            (len < SHORT_KEY ? !memcmp(m->slots[j].short_, k->w, SHORT_KEY)
                             : !strncmp(m->slots[j].key, key, len) && !m->slots[j].key[len])) {
            *slot = j;
            return 1;
        }
        j = (j + 1) & (m->cap - 1);
    }
    m->slots[j].hash = (uint32_t)(h >> 32); /* the caller fills the slot, or leaves it empty */
    *slot = j;
    return 0;
}

static int map_find(struct comp_name_map *m, const char *key, size_t *slot)
{
    struct map_key k = map_key(key);
    return map_find_key(m, &k, slot);
}

/* Start loading the slot where `k` would be: a big map's slots are not in cache, and
 * a row's other fields can be read meanwhile. */
static void map_prefetch(const struct comp_name_map *m, const struct map_key *k)
{
    if (m->cap) __builtin_prefetch(&m->slots[k->h & (m->cap - 1)]);
}

/* Fill the empty slot map_find gave for `key` (a copy that outlives the map). */
static void map_set(struct comp_name_map *m, size_t slot, const char *key, uint32_t val)
{
    struct map_slot *s = &m->slots[slot];
    s->key = key;
    s->val = val;
    size_t len = strlen(key);
    if (len < SHORT_KEY)
        memcpy(s->short_, key, len + 1); /* the rest stays 0 */
    else
        s->short_[SHORT_KEY - 1] = 1; /* never a short key's padding: no short key matches */
    m->n++;
}

/* Free a map's slots (not the map). */
static void map_release(struct comp_name_map *m)
{
    free(m->slots);
    memset(m, 0, sizeof *m);
}

static void map_free(struct comp_name_map *m)
{
    if (!m) return;
    map_release(m);
    free(m);
}

/* ---- data ------------------------------------------------------------------------------ */

/* Each combination of tags once, found by its three stored-once pointers. The tags live in
 * the arena: a half read on its own thread hands them over with its strings. */
struct comp_tags_set {
    struct comp_tags **slots; /* NULL: empty */
    size_t cap, n;
};

static size_t tags_hash(const char *measure, const char *product, const char *deal_type)
{
    uint64_t h = (uintptr_t)measure * 0x9e3779b97f4a7c15ull ^
                 (uintptr_t)product * 0xc2b2ae3d27d4eb4full ^
                 (uintptr_t)deal_type * 0x165667b19e3779f9ull;
    return (size_t)(h ^ h >> 31);
}

/* The tags of three stored-once pointers (atoms, or the plan's own measure). */
static const struct comp_tags *tags_of(struct comp_data *d, const char *measure,
                                       const char *product, const char *deal_type)
{
    struct comp_tags_set *t = d->tags;
    if (2 * (t->n + 1) > t->cap) {
        size_t ncap = t->cap ? 2 * t->cap : 64;
        struct comp_tags **slots = xcalloc(ncap, sizeof *slots);
        for (size_t i = 0; i < t->cap; i++) {
            const struct comp_tags *g = t->slots[i];
            if (!g) continue;
            size_t j = tags_hash(g->measure, g->product, g->deal_type) & (ncap - 1);
            while (slots[j])
                j = (j + 1) & (ncap - 1);
            slots[j] = t->slots[i];
        }
        free(t->slots);
        t->slots = slots;
        t->cap = ncap;
    }
    size_t j = tags_hash(measure, product, deal_type) & (t->cap - 1);
    for (struct comp_tags *g; (g = t->slots[j]); j = (j + 1) & (t->cap - 1))
        if (g->measure == measure && g->product == product && g->deal_type == deal_type) return g;
    struct comp_tags *g = arena_alloc(&d->arena, sizeof *g);
    *g = (struct comp_tags){measure, product, deal_type};
    t->slots[j] = g;
    t->n++;
    return g;
}

void comp_data_init(struct comp_data *d)
{
    memset(d, 0, sizeof *d);
    d->names = xcalloc(1, sizeof *d->names);
    d->atoms = xcalloc(1, sizeof *d->atoms);
    d->tags = xcalloc(1, sizeof *d->tags);
}

/* One stored copy of a short repeated string, the key `k` (NULL for ""). */
static const char *atom_key(struct comp_data *d, struct map_key k)
{
    if (!k.len) return NULL;
    size_t slot;
    if (map_find_key(d->atoms, &k, &slot)) return d->atoms->slots[slot].key;
    map_set(d->atoms, slot, arena_strndup(&d->arena, k.s, k.len), 0);
    return d->atoms->slots[slot].key;
}

static const char *atom(struct comp_data *d, const char *s)
{
    return atom_key(d, map_key(s));
}

const struct comp_tags *comp_data_tags(struct comp_data *d, const char *measure,
                                       const char *product, const char *deal_type)
{
    return tags_of(d, measure && *measure ? atom(d, measure) : "bookings",
                   product ? atom(d, product) : NULL, deal_type ? atom(d, deal_type) : NULL);
}

struct pages {
    void *p;
    size_t n;
};

static void *pages_drop(void *arg)
{
    struct pages *pg = arg;
    madvise(pg->p, pg->n, MADV_DONTNEED);
    return NULL;
}

/* free(p) of n bytes. Ten million credits are 640 MB of pages, whose freeing took 58 ms
 * on one core at the end of a run, the only work left then: a big array's pages are
 * given back on two threads at once first (MADV_DONTNEED: they are not used again). */
static void free_big(void *p, size_t n)
{
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE), a = ((uintptr_t)p + page - 1) & ~(page - 1);
    uintptr_t b = ((uintptr_t)p + n) & ~(page - 1), mid = (a + (b - a) / 2) & ~(page - 1);
    pthread_t t;
    if (p && n >= ((size_t)64 << 20) && b > a) {
        struct pages upper = {(void *)mid, b - mid};
        int threaded = pthread_create(&t, NULL, pages_drop, &upper) == 0;
        madvise((void *)a, mid - a, MADV_DONTNEED);
        if (threaded) pthread_join(t, NULL); /* else the kernel frees that half in free() */
    }
    free(p);
}

void comp_data_release(struct comp_data *d)
{
    arena_release(&d->arena);
    free(d->people);
    free_big(d->credits, d->capcredits * sizeof *d->credits);
    free(d->quotas);
    map_free(d->names);
    map_free(d->atoms);
    if (d->tags) free(d->tags->slots);
    free(d->tags);
    memset(d, 0, sizeof *d);
}

/* Map the pages of [p, p + n) before it is written: the kernel gives them in one go
 * instead of one fault per 4 KiB page. Only a hint: without it each page is faulted as it
 * is met. The address space stays locked meanwhile (a thread mapping memory waits), so
 * only short steps: the credits array's pieces are not prefaulted whole any more, see
 * read_piece. */
static void prefault(void *p, size_t n)
{
#ifdef MADV_POPULATE_WRITE
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE), a = (uintptr_t)p, b = a + n;
    a = (a + page - 1) & ~(page - 1);
    b &= ~(page - 1);
    if (b > a) madvise((void *)a, b - a, MADV_POPULATE_WRITE);
#else
    (void)p;
    (void)n;
#endif
}

#define STRS_FAULT_STEP ((size_t)256 << 10)
#define STRS_BLOCK_MAX ((size_t)16 << 20)

/* Before reading `len` bytes of credits: ids and deal names are about a quarter of a
 * row, so the first block for them is about that big (big ones go on huge pages, where
 * a block grown from 64 KiB would leave the first megabytes on 4 KiB pages). */
static void strs_expect(struct comp_data *d, size_t len)
{
    if (d->strs_block) return;
    size_t first = len / 4 < STRS_BLOCK_MAX ? len / 4 : STRS_BLOCK_MAX;
    if (first > ((size_t)128 << 10)) d->strs_block = first / 2; /* the one before it */
}

/* A copy of a credit id or deal name, owned by d's arena. Ten million of each are
 * packed end to end: arena_strdup would round each to 16 bytes and zero it. */
static const char *keep_str_n(struct comp_data *d, const char *s, size_t len)
{
    size_t n = len + 1;
    if (n > 4096) return arena_strndup(&d->arena, s, len);
    if (d->strs_left < n) { /* blocks twice as big as the last, up to STRS_BLOCK_MAX */
        size_t block = d->strs_block ? 2 * d->strs_block : (size_t)64 << 10;
        d->strs_block = block < STRS_BLOCK_MAX ? block : STRS_BLOCK_MAX;
        d->strs = d->strs_faulted = arena_alloc_raw(&d->arena, d->strs_block);
        d->strs_left = d->strs_block;
        comp_big_advise(d->strs, d->strs_left);
    }
    if (d->strs + n > d->strs_faulted) { /* a step at a time: each piece's last block is
                                          * mostly left unused */
        size_t ahead = (size_t)(d->strs + d->strs_left - d->strs_faulted);
        ahead = ahead < STRS_FAULT_STEP ? ahead : STRS_FAULT_STEP;
        prefault(d->strs_faulted, ahead);
        d->strs_faulted += ahead;
    }
    char *out = d->strs;
    memcpy(out, s, len);
    out[len] = '\0';
    d->strs += n;
    d->strs_left -= n;
    return out;
}

/* The index of person `k`, added when new (and allowed). */
static int person_index_key(struct comp_data *d, const struct map_key *k, int may_add,
                            uint32_t *out)
{
    const char *id = k->s;
    size_t slot;
    if (map_find_key(d->names, k, &slot)) {
        *out = d->names->slots[slot].val;
        return 0;
    }
    if (!may_add) return REINS_ENOTFOUND;
    if (d->npeople == d->cappeople) {
        d->cappeople = d->cappeople ? 2 * d->cappeople : 256;
        d->people = xrealloc(d->people, d->cappeople * sizeof *d->people);
    }
    const char *key = arena_strndup(&d->arena, id, k->len);
    d->people[d->npeople] = (struct comp_person){key, -1};
    map_set(d->names, slot, key, (uint32_t)d->npeople);
    *out = (uint32_t)d->npeople++;
    return 0;
}

static int person_index(struct comp_data *d, const char *id, int may_add, uint32_t *out)
{
    struct map_key k = map_key(id);
    return person_index_key(d, &k, may_add, out);
}

struct comp_input comp_data_input(const struct comp_data *d, const struct comp_plan *plan,
                                  int32_t last_month)
{
    struct comp_input in = {plan,        d->people, d->npeople, d->credits,
                            d->ncredits, d->quotas, d->nquotas, last_month};
    in.ids_ascending = d->ncredits > 0 && d->ascending_ids == d->ncredits;
    return in;
}

/* ---- reading --------------------------------------------------------------------------- */

/* Columns of a file: the index of each known name in the header, or -1. */
struct cols {
    const char *const *names;
    const unsigned char *required;
    int at[16];
    size_t nfields; /* in the header: every row must have as many */
};

/* Find the known columns in header row `h`; refuse unknown and missing ones. */
static int read_header(const char *name, const struct csv_row *h, struct cols *c, struct err *e)
{
    size_t n = 0;
    while (c->names[n])
        c->at[n++] = -1;
    c->nfields = h->nfields;
    for (size_t f = 0; f < h->nfields; f++) {
        size_t i = 0;
        while (i < n && csv_row_find_column(h, c->names[i]) != (int)f)
            i++;
        if (i == n)
            return err_set(e, REINS_EINVAL,
                           "%s line %zu: unknown column '%s' (known: see docs/comp-plans.md)", name,
                           h->line, h->fields[f]);
        c->at[i] = (int)f;
    }
    for (size_t i = 0; i < n; i++)
        if (c->required[i] && c->at[i] < 0)
            return err_set(e, REINS_EINVAL, "%s line %zu: missing column '%s'", name, h->line,
                           c->names[i]);
    return 0;
}

static int read_doc(const char *name, const char *csv, size_t len, struct cols *c,
                    struct csv_doc **doc, struct err *e)
{
    if (csv_parse(csv, len, NULL, doc, e)) return err_prefix(e, "%s: ", name);
    if ((*doc)->nrows == 0) {
        csv_doc_free(*doc);
        *doc = NULL;
        return err_set(e, REINS_EINVAL, "%s: empty, a header line is needed", name);
    }
    const struct csv_row *h = &(*doc)->rows[0];
    if (read_header(name, h, c, e)) goto bad;
    for (size_t r = 1; r < (*doc)->nrows; r++)
        if ((*doc)->rows[r].nfields != h->nfields) {
            err_set(e, REINS_EINVAL, "%s line %zu: %zu fields, but the header has %zu", name,
                    (*doc)->rows[r].line, (*doc)->rows[r].nfields, h->nfields);
            goto bad;
        }
    return 0;
bad:
    csv_doc_free(*doc);
    *doc = NULL;
    return REINS_EINVAL;
}

/* Field i of row, "" when the column is absent. */
static const char *fld(const struct cols *c, const struct csv_row *row, int i)
{
    return c->at[i] < 0 ? "" : row->fields[c->at[i]];
}

static int row_fail(struct err *e, const char *name, const struct csv_row *row, const char *field,
                    const char *msg, const char *value)
{
    return err_set(e, REINS_EINVAL, "%s line %zu: field %s: '%s' %s", name, row->line, field, value,
                   msg);
}

/* A required text field of `len` bytes. */
static int req_text_len(struct err *e, const char *name, const struct csv_row *row,
                        const char *field, size_t len)
{
    if (!len)
        return err_set(e, REINS_EINVAL, "%s line %zu: field %s: is empty", name, row->line, field);
    if (len > 200) return row_fail(e, name, row, field, "is longer than 200 bytes", "...");
    return 0;
}

static int req_text(struct err *e, const char *name, const struct csv_row *row, const char *field,
                    const char *v)
{
    return req_text_len(e, name, row, field, strlen(v));
}

static int int_field(struct err *e, const char *name, const struct csv_row *row, const char *field,
                     const char *v, int64_t min, int64_t max, int64_t *out)
{
    if (parse_int64(v, out) || *out < min || *out > max) {
        char msg[120];
        snprintf(msg, sizeof msg, "is not a whole number from %" PRId64 " to %" PRId64 "%s", min,
                 max, !strcmp(field, "amount") ? " (minor units: cents)" : "");
        return row_fail(e, name, row, field, msg, v);
    }
    return 0;
}

static int date_field(struct err *e, const char *name, const struct csv_row *row, const char *field,
                      const char *v, int32_t *out)
{
    if (date_check(v, field, NULL)) /* its own message is replaced by ours */
        return row_fail(e, name, row, field, "is not a date YYYY-MM-DD", v);
    *out = (int32_t)date_to_days(v);
    return 0;
}

int comp_read_people(struct comp_data *d, const char *name, const char *csv, size_t len,
                     struct err *e)
{
    static const char *const names[] = {"person", "manager", NULL};
    static const unsigned char req[] = {1, 0};
    struct cols c = {names, req, {0}, 0};
    struct csv_doc *doc;
    if (read_doc(name, csv, len, &c, &doc, e)) return REINS_EINVAL;
    int rc = 0;
    size_t first = d->npeople;
    for (size_t r = 1; r < doc->nrows && !rc; r++) {
        const char *p = fld(&c, &doc->rows[r], 0);
        uint32_t idx;
        if ((rc = req_text(e, name, &doc->rows[r], "person", p))) break;
        size_t before = d->npeople;
        person_index(d, p, 1, &idx);
        if (d->npeople == before)
            rc = row_fail(e, name, &doc->rows[r], "person", "is listed twice", p);
    }
    for (size_t r = 1; r < doc->nrows && !rc; r++) {
        const char *m = fld(&c, &doc->rows[r], 1);
        if (!*m) continue;
        uint32_t self = 0, mi = 0;
        person_index(d, fld(&c, &doc->rows[r], 0), 0, &self);
        if (person_index(d, m, 0, &mi) || mi < first)
            rc = row_fail(e, name, &doc->rows[r], "manager", "is not a person of this file", m);
        else
            d->people[self].manager = (int32_t)mi;
    }
    /* a cycle would make roll-up credit climb forever */
    for (size_t i = first; i < d->npeople && !rc; i++) {
        int32_t at = d->people[i].manager;
        size_t steps = 0;
        while (at >= 0 && (size_t)at != i && steps++ <= d->npeople)
            at = d->people[at].manager;
        if (at >= 0)
            rc = err_set(e, REINS_EINVAL,
                         "%s line %zu: field manager: '%s' is in a management cycle", name,
                         doc->rows[i - first + 1].line, d->people[i].id);
    }
    csv_doc_free(doc);
    if (!rc) d->have_people_file = 1;
    return rc;
}

static int person_field(struct comp_data *d, struct err *e, const char *name,
                        const struct csv_row *row, const struct map_key *k, uint32_t *out)
{
    if (req_text_len(e, name, row, "person", k->len)) return REINS_EINVAL;
    if (person_index_key(d, k, !d->have_people_file, out))
        return row_fail(e, name, row, "person", "is not in the people file", k->s);
    return 0;
}

static int int_field_fast(struct err *e, const char *name, const struct csv_row *row,
                          const char *field, const char *v, int64_t min, int64_t max, int64_t *out);

/* The quotas read so far, by person, period and measure: one listed twice is refused.
 * Slots hold 1 + an index into d->quotas (0: empty). Forty thousand quotas were keyed by
 * printf'd text before, more than half of reading them. */
struct quota_set {
    uint32_t *slots;
    size_t cap;
};

static uint64_t quota_hash(const struct comp_quota *q)
{
    return hash_words((uint64_t)q->person << 32 | (uint32_t)q->month, hash(q->measure), 16);
}

/* Adds quota `i` of d; 1 if the same person, period and measure were there already. */
static int quota_set_add(struct quota_set *set, const struct comp_data *d, size_t i)
{
    const struct comp_quota *q = &d->quotas[i];
    size_t j = quota_hash(q) & (set->cap - 1);
    for (; set->slots[j]; j = (j + 1) & (set->cap - 1)) {
        const struct comp_quota *o = &d->quotas[set->slots[j] - 1];
        if (o->person == q->person && o->month == q->month && !strcmp(o->measure, q->measure))
            return 1;
    }
    set->slots[j] = (uint32_t)i + 1;
    return 0;
}

int comp_read_quotas(struct comp_data *d, const struct comp_plan *plan, const char *name,
                     const char *csv, size_t len, struct err *e)
{
    static const char *const names[] = {"person", "period", "amount", "measure", NULL};
    static const unsigned char req[] = {1, 1, 1, 0};
    struct cols c = {names, req, {0}, 0};
    struct csv_doc *doc;
    if (read_doc(name, csv, len, &c, &doc, e)) return REINS_EINVAL;
    if (doc->nrows > UINT32_MAX / 4) {
        csv_doc_free(doc);
        return err_set(e, REINS_ETOOBIG, "%s: more than %u quotas", name, UINT32_MAX / 4);
    }
    struct quota_set seen = {NULL, 16};
    while (seen.cap < 2 * doc->nrows) /* at most half full: every row, the header too */
        seen.cap *= 2;
    seen.slots = xcalloc(seen.cap, sizeof *seen.slots);
    int rc = 0;
    for (size_t r = 1; r < doc->nrows && !rc; r++) {
        const struct csv_row *row = &doc->rows[r];
        struct comp_quota q = {.line = row->line};
        const char *period = fld(&c, row, 1), *measure = fld(&c, row, 3);
        int32_t lastm;
        enum comp_period_kind kind;
        struct map_key who = map_key(fld(&c, row, 0));
        if ((rc = person_field(d, e, name, row, &who, &q.person))) break;
        if (comp_period_parse(period, &q.month, &lastm, &kind)) {
            rc = row_fail(e, name, row, "period", "is not a period: 2026, 2026-Q1 or 2026-03",
                          period);
            break;
        }
        if (kind != plan->quota_period) {
            rc = row_fail(
                e, name, row, "period",
                plan->quota_period == COMP_PERIOD_YEAR
                    ? "is not a year, and the plan measures attainment per year"
                : plan->quota_period == COMP_PERIOD_QUARTER
                    ? "is not a quarter (2026-Q1), and the plan measures attainment per quarter"
                    : "is not a month (2026-03), and the plan measures attainment per month",
                period);
            break;
        }
        if ((rc = int_field_fast(e, name, row, "amount", fld(&c, row, 2), 1, INT64_MAX, &q.amount)))
            break;
        q.measure = *measure ? atom(d, measure) : "bookings";
        if (d->nquotas == d->capquotas) {
            d->capquotas = d->capquotas ? 2 * d->capquotas : 256;
            d->quotas = xrealloc(d->quotas, d->capquotas * sizeof *d->quotas);
        }
        d->quotas[d->nquotas] = q;
        if (quota_set_add(&seen, d, d->nquotas)) {
            rc = row_fail(e, name, row, "period", "is listed twice for this person and measure",
                          period);
            break;
        }
        d->nquotas++;
    }
    free(seen.slots);
    csv_doc_free(doc);
    return rc;
}

struct comp_credit *comp_credit_new(struct comp_data *d)
{
    if (d->ncredits == d->capcredits) {
        d->capcredits = d->capcredits ? 2 * d->capcredits : 1024;
        d->credits = xrealloc(d->credits, d->capcredits * sizeof *d->credits);
        comp_big_advise(d->credits, d->capcredits * sizeof *d->credits);
    }
    return &d->credits[d->ncredits++];
}

/* What one deal's rows share, and its direct splits so far. */
struct deal {
    size_t first;       /* credit index of its first row: name, line, amount, dates */
    size_t last_direct; /* credit index of its last direct row, or SIZE_MAX */
    int64_t given;      /* direct shares so far, each rounded down */
    int32_t split_sum;  /* direct splits so far, at most 2 * COMP_BP: checked at each row */
};

/* The value of s[0, len) when it is a decimal of at most 18 digits (no sign, no leading
 * zero unless it is "0"), or -1. Two strings with different values are different strings. */
static int64_t decimal_n(const char *s, size_t len)
{
    if (len == 0 || len > 18 || (len > 1 && s[0] == '0')) return -1;
    uint64_t v = 0;
    for (size_t n = 0; n < len; n++) {
        unsigned d = (unsigned)(unsigned char)s[n] - '0';
        if (d > 9) return -1;
        v = v * 10 + d;
    }
    return (int64_t)v;
}

/* decimal_n where the bytes up to `end` may be read (NULL: only the key's): up to eight
 * digits are checked and added up in one word, as eight lanes of a byte. */
static inline int64_t decimal_at(const char *s, size_t len, const char *end)
{
#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
    end = NULL; /* the word below is read little-endian */
#endif
    if (len == 0 || len > 8 || !end || end - s < 8) return decimal_n(s, len);
    if (len > 1 && s[0] == '0') return -1;
    uint64_t w;
    memcpy(&w, s, 8);
    unsigned sh = 8 * (8 - (unsigned)len);
    w <<= sh; /* the first byte is the lowest: the digits go to the top, zeros come in below */
    uint64_t high = 0xF0F0F0F0F0F0F0F0ull << sh, zeros = 0x3030303030303030ull << sh;
    if ((w & high) != zeros || ((w + (0x0606060606060606ull << sh)) & high) != zeros)
        return -1; /* a byte outside '0'..'9' */
    w -= zeros;
    w = w * 10 + (w >> 8); /* pairs of digits, then fours, then the eight */
    w = ((w & 0x000000FF000000FFull) * (100 + (1000000ull << 32)) +
         ((w >> 16) & 0x000000FF000000FFull) * (1 + (10000ull << 32))) >>
        32;
    return (int64_t)w;
}

static int64_t small_decimal(const char *s)
{
    return decimal_n(s, strlen(s));
}

/* Proves keys distinct without a hash map while they are `prefix` + a decimal number that
 * goes up with every key (ids 1, 2, 3; deals D1, D2): most exports list them so. The first
 * key that breaks the pattern switches its caller to a map of every key so far. */
struct rising {
    char prefix[16];
    size_t plen;
    int64_t first; /* the first key's number */
    int64_t last;  /* -1 before the first key; INT64_MAX once broken */
};

/* Whether key s[0, len) goes on rising (it is then taken as the last); bytes up to `end`
 * may be read (NULL: only the key's). */
static int rising_next(struct rising *k, const char *s, size_t len, const char *end)
{
    if (k->last == INT64_MAX) return 0;
    if (k->last >= 0 && len > k->plen && (unsigned)(s[k->plen] - '0') <= 9 &&
        !memcmp(s, k->prefix, k->plen)) { /* the prefix again: only the number to read */
        int64_t v = decimal_at(s + k->plen, len - k->plen, end);
        if (v > k->last) {
            k->last = v;
            return 1;
        }
    }
    size_t n = 0;
    while (n < len && (s[n] < '0' || s[n] > '9'))
        n++;
    int64_t v = decimal_n(s + n, len - n);
    if (k->last < 0 && v >= 0 && n < sizeof k->prefix) {
        memcpy(k->prefix, s, n);
        k->plen = n;
        k->first = v;
    } else if (v < 0 || n != k->plen || v <= k->last || memcmp(k->prefix, s, n)) {
        k->last = INT64_MAX;
        return 0;
    }
    k->last = v;
    return 1;
}

/* Whether the keys of `b` continue those of `a`: both still rising, with one prefix, and
 * b's first above a's last. */
static int rising_continues(const struct rising *a, const struct rising *b)
{
    return a->last >= 0 && a->last != INT64_MAX && b->last >= 0 && b->last != INT64_MAX &&
           a->plen == b->plen && !memcmp(a->prefix, b->prefix, a->plen) && b->first > a->last;
}

/* Whether stored name `a` is s[0, len). */
static int same_name(const char *a, const char *s, size_t len)
{
    return !strncmp(a, s, len) && !a[len];
}

/* The deals of the credits read so far. While deal names rise (D1, D2, ...) a deal's rows
 * come together and a new name proves a new deal: only the current deal is kept, and each
 * deal is settled as the next one starts (ten million deals would take 300 MB otherwise).
 * The first name that does not rise turns the book into one of every deal, found by name:
 * the deals so far are rebuilt from their rows, their settlement undone until the end. */
struct deal_book {
    size_t base; /* credit index of the book's first row */
    int by_name; /* names stopped rising: every deal is in dl and map */
    struct deal *dl;
    size_t ndeals, capdeals;
    struct comp_name_map map;
    struct rising order;
    struct deal cur; /* while names rise: the current deal, if have_cur */
    int have_cur;
    struct deal short_deal; /* while names rise: the first settled deal short of 100% */
    int have_short;
    int piece; /* reading a later piece alone: a name that does not rise stops it */
};

static struct deal *book_add(struct deal_book *b, size_t first)
{
    if (b->ndeals == b->capdeals) {
        b->capdeals = b->capdeals ? 2 * b->capdeals : 1024;
        b->dl = xrealloc(b->dl, b->capdeals * sizeof *b->dl);
    }
    struct deal *g = &b->dl[b->ndeals++];
    *g = (struct deal){first, SIZE_MAX, 0, 0};
    return g;
}

/* A deal's last direct row takes the cents its rounded-down shares left; a deal short of
 * 100% is remembered, and refused once every row is read. */
static void settle_one(struct deal_book *b, struct comp_data *d, const struct deal *g)
{
    if (g->last_direct == SIZE_MAX) return; /* overlay-only deal */
    if (g->split_sum != COMP_BP) {
        if (!b->have_short) b->short_deal = *g;
        b->have_short = 1;
        return;
    }
    d->credits[g->last_direct].amount += d->credits[g->first].deal_amount - g->given;
}

/* Names stopped rising at row `at`: rebuild every deal of rows [base, at), in which each
 * deal's rows are together, undoing their settlement, and index them by name. */
static void book_by_name(struct deal_book *b, struct comp_data *d, size_t at)
{
    b->by_name = 1;
    b->have_cur = b->have_short = 0;
    b->ndeals = 0;
    for (size_t i = b->base; i < at;) {
        struct deal *g = book_add(b, i);
        const char *name = d->credits[i].deal;
        for (; i < at && (d->credits[i].deal == name || !strcmp(d->credits[i].deal, name)); i++) {
            struct comp_credit *c = &d->credits[i];
            if (c->role != COMP_ROLE_DIRECT) continue;
            c->amount = c->deal_amount * c->split_bp / COMP_BP; /* as deal_take made it */
            g->given += c->amount;
            g->split_sum += (int32_t)c->split_bp;
            g->last_direct = i;
        }
    }
    map_grow_to(&b->map, b->ndeals);
    for (size_t i = 0; i < b->ndeals; i++) {
        size_t slot;
        const char *name = d->credits[b->dl[i].first].deal;
        map_find(&b->map, name, &slot);
        map_set(&b->map, slot, name, (uint32_t)i);
    }
}

/* Take credit `cd`, which is or will be d->credits[at], into its deal `deal`: the rows
 * of a deal agree on amount, date and cancellation; direct splits may not pass 100%; each
 * direct share is rounded down (the deal's last direct row takes the rest when the deal
 * is settled), overlay shares half to even. Sets cd->deal (kept once per deal) and
 * cd->amount. */
static int deal_take(struct deal_book *b, struct comp_data *d, struct comp_credit *cd, size_t at,
                     const char *deal, size_t dlen, const char *end, const char *name,
                     struct err *e)
{
    struct deal *g = NULL;
    size_t slot = SIZE_MAX;
    int is_new = 0;
    if (!b->by_name) {
        if (b->have_cur && same_name(d->credits[b->cur.first].deal, deal, dlen)) {
            g = &b->cur; /* the rows of a deal come together */
        } else if (rising_next(&b->order, deal, dlen, end)) {
            if (b->have_cur) settle_one(b, d, &b->cur);
            b->cur = (struct deal){at, SIZE_MAX, 0, 0};
            b->have_cur = 1;
            g = &b->cur;
            is_new = 1;
        } else {
            if (b->piece) return REINS_EINVAL; /* a piece before may hold it: read in order */
            book_by_name(b, d, at);
        }
    }
    if (b->by_name) {
        struct map_key k = map_key_n(deal, dlen);
        if (b->ndeals && same_name(d->credits[b->dl[b->ndeals - 1].first].deal, deal, dlen)) {
            g = &b->dl[b->ndeals - 1];
        } else if (map_find_key(&b->map, &k, &slot)) {
            g = &b->dl[b->map.slots[slot].val];
        } else {
            g = book_add(b, at);
            is_new = 1;
        }
    }
    if (!is_new) {
        const struct comp_credit *f = &d->credits[g->first];
        const char *what = f->deal_amount != cd->deal_amount ? "amount"
                           : f->date != cd->date             ? "date"
                           : f->cancelled != cd->cancelled   ? "cancelled_on"
                                                             : NULL;
        if (what)
            return err_set(e, REINS_EINVAL,
                           "%s line %zu: field %s: differs from line %zu for the same deal '%s'",
                           name, (size_t)cd->line, what, (size_t)f->line, f->deal);
        cd->deal = f->deal;
    } else {
        if (!cd->deal) cd->deal = keep_str_n(d, deal, dlen);
        if (slot != SIZE_MAX) map_set(&b->map, slot, cd->deal, (uint32_t)(g - b->dl));
    }
    if (cd->role == COMP_ROLE_DIRECT) {
        g->split_sum += (int32_t)cd->split_bp; /* 1..COMP_BP, and the sum is kept <= COMP_BP */
        if (g->split_sum > COMP_BP)
            return err_set(e, REINS_EINVAL,
                           "%s line %zu: field split_bp: deal '%s' has direct splits of %" PRId64
                           " bp so far, over 100%% (10000 bp)",
                           name, (size_t)cd->line, cd->deal, (int64_t)g->split_sum);
        cd->amount = cd->deal_amount * cd->split_bp / COMP_BP;
        g->given += cd->amount;
        g->last_direct = at;
    } else if (comp_round_bp(cd->deal_amount, cd->split_bp, &cd->amount)) {
        return err_set(e, REINS_EINVAL, "%s line %zu: field amount: '%" PRId64 "' is too large",
                       name, (size_t)cd->line, cd->deal_amount);
    }
    return 0;
}

/* Once every row is read: every deal's direct splits come to exactly 100% (the first deal
 * that does not is refused, at its first row), and each deal's last direct row takes the
 * cents the rounded-down shares left. */
static int deals_settle(struct deal_book *b, struct comp_data *d, const char *name, struct err *e)
{
    if (b->have_cur) settle_one(b, d, &b->cur);
    b->have_cur = 0;
    for (size_t i = 0; i < b->ndeals && !b->have_short; i++) /* by_name only */
        settle_one(b, d, &b->dl[i]);
    if (!b->have_short) return 0;
    const struct comp_credit *f = &d->credits[b->short_deal.first];
    return err_set(e, REINS_EINVAL,
                   "%s line %zu: field split_bp: deal '%s' has direct splits of %" PRId64
                   " bp in all; they must come to exactly 10000 bp (100%%)",
                   name, (size_t)f->line, f->deal, (int64_t)b->short_deal.split_sum);
}

/* Roll-up: every manager above a direct seller of d->credits[first..] who has a quota
 * (only they are on the plan) is credited the seller's direct credit. */
static void credit_rollup(struct comp_data *d, const struct comp_plan *plan, size_t first)
{
    if (!comp_plan_uses_role(plan, COMP_ROLE_ROLLUP)) return;
    unsigned char *on_plan = xcalloc(d->npeople ? d->npeople : 1, 1);
    for (size_t i = 0; i < d->nquotas; i++)
        on_plan[d->quotas[i].person] = 1;
    size_t end = d->ncredits;
    for (size_t i = first; i < end; i++) {
        if (d->credits[i].role != COMP_ROLE_DIRECT) continue;
        for (int32_t m = d->people[d->credits[i].person].manager; m >= 0;
             m = d->people[m].manager) {
            if (!on_plan[m]) continue;
            struct comp_credit *u = comp_credit_new(d);
            *u = d->credits[i];
            u->person = (uint32_t)m;
            u->role = COMP_ROLE_ROLLUP;
            u->source = (int32_t)i;
        }
    }
    free(on_plan);
}

static void deal_book_release(struct deal_book *b)
{
    map_release(&b->map);
    free(b->dl);
}

int comp_credit_deals(struct comp_data *d, const struct comp_plan *plan, size_t first,
                      const char *name, struct err *e)
{
    struct deal_book b = {.base = first, .order.last = -1};
    int rc = 0;
    for (size_t i = first; i < d->ncredits && !rc; i++) {
        struct comp_credit cd = d->credits[i];
        if ((rc = deal_take(&b, d, &cd, i, cd.deal, strlen(cd.deal), NULL, name, e)) == 0)
            d->credits[i] = cd;
    }
    if (!rc) rc = deals_settle(&b, d, name, e);
    if (!rc) credit_rollup(d, plan, first);
    if (rc) d->ncredits = first;
    deal_book_release(&b);
    return rc;
}

/* The tags of a measure and the text of a product and a deal type (both short keys), met
 * before: most rows repeat a few such triples, found here by one hash and a few words
 * instead of two map lookups and a third for the triple. */
struct tags_memo {
    uint64_t product[2], deal_type[2];
    size_t product_len, deal_type_len;
    const char *measure;
    const struct comp_tags *tags; /* NULL: an empty entry */
};

#define TAGS_MEMO 256

/* Credits are streamed (csv_each): a row is checked, split and stored as it is read,
 * so a file of ten million rows never exists in memory as a document. */
struct credits_reader {
    struct comp_data *d;
    const struct comp_plan *plan;
    const char *name;
    struct err *e;
    struct cols c;
    int header, failed; /* failed: the error is ours, already naming the file */
    size_t first_credit;
    struct comp_name_map ids;
    struct rising id_order;
    struct deal_book deals;
    const char *bookings;              /* the measure of rows without one */
    char date_text[11], canc_text[11]; /* the last date fields seen, and their days */
    int32_t date_days, canc_days;
    int piece; /* reading a later piece alone (read_pieces): stop at what needs the pieces before */
    struct tags_memo *memo; /* credit_plain's, TAGS_MEMO of them */
    struct map_key ahead;   /* the person of line ahead_line, whose slot is being fetched */
    size_t ahead_line;
};

/* The plan's own copy of a measure it names: the engine compares pointers first. */
static const char *measure_of(struct comp_data *d, const struct comp_plan *plan, const char *m)
{
    const char *out = *m ? atom(d, m) : "bookings";
    for (size_t k = 0; k < plan->ncomponents; k++)
        if (!strcmp(plan->components[k].measure, out)) out = plan->components[k].measure;
    return out;
}

/* int_field, without strtoll for the plain numbers that fill big files. */
static int int_field_fast(struct err *e, const char *name, const struct csv_row *row,
                          const char *field, const char *v, int64_t min, int64_t max, int64_t *out)
{
    int64_t n = small_decimal(v);
    if (n >= 0 && n >= min && n <= max) {
        *out = n;
        return 0;
    }
    return int_field(e, name, row, field, v, min, max, out);
}

/* A field of a plain record: not NUL-terminated. */
struct span {
    const char *s;
    size_t n;
};

/* The days of date v, remembering the last one in text (rows in date order repeat it): 0,
 * or -1 when it is not a date. */
static int span_date(struct span v, char text[11], int32_t *days, int32_t *out)
{
    if (v.n != 10) return -1; /* a valid date is 10 bytes */
    if (text[0] && !memcmp(text, v.s, 10)) {
        *out = *days;
        return 0;
    }
    char buf[11];
    memcpy(buf, v.s, 10);
    buf[10] = '\0';
    if (date_check(buf, "date", NULL)) return -1;
    memcpy(text, buf, 11);
    *out = *days = (int32_t)date_to_days(buf);
    return 0;
}

/* date_field through span_date's memo. */
static int date_field_memo(struct err *e, const char *name, const struct csv_row *row,
                           const char *field, const char *v, char text[11], int32_t *days,
                           int32_t *out)
{
    if (!span_date((struct span){v, strlen(v)}, text, days, out)) return 0;
    return date_field(e, name, row, field, v, out); /* its message */
}

/* Every key so far into `m`, once its keys stop rising. */
static void ids_to_map(struct credits_reader *cr)
{
    struct comp_data *d = cr->d;
    map_grow_to(&cr->ids, d->ncredits - cr->first_credit);
    for (size_t i = cr->first_credit; i < d->ncredits; i++) {
        size_t slot;
        map_find(&cr->ids, d->credits[i].id, &slot);
        map_set(&cr->ids, slot, d->credits[i].id, 0);
    }
}

enum { ID, DEAL, PERSON, DATE, AMOUNT, SPLIT, ROLE, MEASURE, PRODUCT, TYPE, CANCELLED };

static int credit_row(void *ctx, struct csv_row *row)
{
    struct credits_reader *cr = ctx;
    struct comp_data *d = cr->d;
    const struct cols *c = &cr->c;
    const char *name = cr->name;
    struct err *e = cr->e;
    cr->failed = 1; /* until the row is taken */
    if (cr->piece && d->ncredits == d->capcredits) return REINS_ETOOBIG; /* not reached */
    if (!cr->header) {
        cr->header = 1;
        if (read_header(name, row, &cr->c, e)) return REINS_EINVAL;
        cr->failed = 0;
        return 0;
    }
    if (row->nfields != cr->c.nfields)
        return err_set(e, REINS_EINVAL, "%s line %zu: %zu fields, but the header has %zu", name,
                       row->line, row->nfields, cr->c.nfields);
    if (row->line > UINT32_MAX) /* lines are kept in 32 bits */
        return err_set(e, REINS_ETOOBIG, "%s line %zu: more than %" PRIu32 " lines", name,
                       row->line, UINT32_MAX);
    struct map_key who = map_key(fld(c, row, PERSON));
    map_prefetch(d->names, &who);
    struct comp_credit cd = {.line = (uint32_t)row->line, .source = -1, .cancelled = COMP_NO_DATE};
    const char *id = fld(c, row, ID), *deal = fld(c, row, DEAL), *role = fld(c, row, ROLE);
    const char *split = fld(c, row, SPLIT), *canc = fld(c, row, CANCELLED);
    size_t slot;
    /* the date and amount are read while the person's slot loads; their errors are
     * still reported after the person's, as before (read again, into e) */
    const char *date = fld(c, row, DATE), *amount = fld(c, row, AMOUNT);
    int date_bad =
        date_field_memo(NULL, name, row, "date", date, cr->date_text, &cr->date_days, &cd.date);
    int amount_bad =
        int_field_fast(NULL, name, row, "amount", amount, 0, INT64_MAX / COMP_BP, &cd.deal_amount);
    if (req_text(e, name, row, "id", id) || req_text(e, name, row, "deal", deal) ||
        person_field(d, e, name, row, &who, &cd.person) ||
        (date_bad && date_field(e, name, row, "date", date, &cd.date)) ||
        (amount_bad &&
         int_field(e, name, row, "amount", amount, 0, INT64_MAX / COMP_BP, &cd.deal_amount)))
        return REINS_EINVAL;
    if (!rising_next(&cr->id_order, id, strlen(id), NULL)) {
        if (cr->piece) return REINS_EINVAL; /* a piece before may hold it: read in order */
        if (cr->ids.cap == 0) ids_to_map(cr);
        if (map_find(&cr->ids, id, &slot))
            return row_fail(e, name, row, "id", "is the id of an earlier row", id);
        cd.id = keep_str_n(d, id, strlen(id));
        map_set(&cr->ids, slot, cd.id, 0);
    } else {
        cd.id = keep_str_n(d, id, strlen(id));
    }
    int64_t split_bp = COMP_BP;
    if (*split && int_field_fast(e, name, row, "split_bp", split, 1, COMP_BP, &split_bp))
        return REINS_EINVAL;
    cd.split_bp = (int16_t)split_bp;
    if (!*role || !strcmp(role, "direct"))
        cd.role = COMP_ROLE_DIRECT;
    else if (!strcmp(role, "overlay"))
        cd.role = COMP_ROLE_OVERLAY;
    else
        return row_fail(e, name, row, "role",
                        "is not direct or overlay (roll-up credit is "
                        "made from the people file)",
                        role);
    if (*canc && date_field_memo(e, name, row, "cancelled_on", canc, cr->canc_text, &cr->canc_days,
                                 &cd.cancelled))
        return REINS_EINVAL;
    if (cd.cancelled != COMP_NO_DATE && cd.cancelled < cd.date)
        return row_fail(e, name, row, "cancelled_on", "is before the close date", canc);
    const char *measure = fld(c, row, MEASURE);
    cd.tags = tags_of(d, *measure ? measure_of(d, cr->plan, measure) : cr->bookings,
                      atom(d, fld(c, row, PRODUCT)), atom(d, fld(c, row, TYPE)));

    if (deal_take(&cr->deals, d, &cd, d->ncredits, deal, strlen(deal), NULL, name, e))
        return REINS_EINVAL;
    *comp_credit_new(d) = cd;
    cr->failed = 0;
    return 0;
}

/* ---- the same, for a record where it lies ----------------------------------------------- */

static inline struct span span_of(const struct cols *c, const struct csv_plain *rec, int i)
{
    int f = c->at[i];
    if (f < 0) return (struct span){"", 0};
    uint32_t from = f ? rec->ends[f - 1] + 1 : 0;
    return (struct span){rec->text + from, rec->ends[f] - from};
}

/* The map key of a field, read a word at a time where the input goes on for a key's words. */
static inline struct map_key key_at(struct span v, const char *end)
{
    /* (an absent column's "" is not in the input) */
    return v.n && end - v.s >= SHORT_KEY ? map_key_padded(v.s, v.n) : map_key_n(v.s, v.n);
}

/* tags_of a measure and the keys of a product and a deal type, through the reader's memo. */
static const struct comp_tags *tags_at(struct credits_reader *cr, const char *measure,
                                       struct map_key product, struct map_key type)
{
    if (product.len >= SHORT_KEY || type.len >= SHORT_KEY)
        return tags_of(cr->d, measure, atom_key(cr->d, product), atom_key(cr->d, type));
    struct tags_memo *m =
        &cr->memo[(product.h ^ type.h * 31 ^ (uintptr_t)measure) & (TAGS_MEMO - 1)];
    if (m->tags && m->measure == measure && m->product_len == product.len &&
        m->deal_type_len == type.len && m->product[0] == product.w[0] &&
        m->product[1] == product.w[1] && m->deal_type[0] == type.w[0] &&
        m->deal_type[1] == type.w[1])
        return m->tags;
    *m = (struct tags_memo){
        {product.w[0], product.w[1]},
        {type.w[0], type.w[1]},
        product.len,
        type.len,
        measure,
        tags_of(cr->d, measure, atom_key(cr->d, product), atom_key(cr->d, type))};
    return m->tags;
}

/* The first comma in [p, end), or NULL: eight bytes at a time (fields are short, and this
 * runs for every row). A byte is a comma when its XOR with ',' is zero; the test is exact
 * per byte (no borrow between bytes). */
static const char *next_comma(const char *p, const char *end)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    const uint64_t ones7 = 0x7f7f7f7f7f7f7f7full, commas = 0x2c2c2c2c2c2c2c2cull;
    for (; end - p >= 8; p += 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        uint64_t x = w ^ commas;
        uint64_t zero = ~(((x & ones7) + ones7) | x | ones7); /* 0x80 where x's byte is 0 */
        /* the lowest byte comes first in memory */
        if (zero) return p + __builtin_ctzll(zero) / 8;
    }
#endif
    for (; p < end; p++)
        if (*p == ',') return p;
    return NULL;
}

/* Start loading the slot of the next row's person. The people map does not stay in cache
 * (every row streams some 150 bytes past it), and a slot asked for at the start of its own
 * row came too late: perf put most of the reader's time in the person lookup, on that
 * load. The next row's person field is found by counting commas; its key is kept for that
 * row and used only when the row's own person field is exactly that span (a quoted row, or
 * a person in the last column, just finds another span), known by its line number (a
 * buffer read again holds other rows at the same addresses). */
static void fetch_next_person(struct credits_reader *cr, const struct csv_plain *rec)
{
    cr->ahead_line = 0;
    const char *p = rec->text + rec->ends[rec->nfields - 1], *end = rec->end;
    if (p < end && *p == '\r') p++;
    if (p >= end || *p != '\n') return;
    p++;
    if (end - p > 256) end = p + 256; /* a row too wide for this is read unhelped */
    for (int k = 0; k < cr->c.at[PERSON]; k++) {
        const char *comma = next_comma(p, end);
        if (!comma) return;
        p = comma + 1;
    }
    const char *stop = next_comma(p, end);
    if (!stop || stop == p) return;
    cr->ahead = key_at((struct span){p, (size_t)(stop - p)}, rec->end);
    cr->ahead_line = rec->line + 1;
    map_prefetch(cr->d->names, &cr->ahead);
}

/* The common row, taken where it lies in the file: what credit_row would make of it, with
 * no copy of the record and no string measured twice. Anything credit_row might refuse or
 * treat otherwise (a bad or missing value, a person not met yet, ids that stop rising) is
 * handed to credit_row as a parsed row (CSV_AS_ROW) before this changes anything, so the
 * result and every message are credit_row's. */
static int credit_plain(void *ctx, const struct csv_plain *rec)
{
    struct credits_reader *cr = ctx;
    struct comp_data *d = cr->d;
    const struct cols *c = &cr->c;
    if (RARE(!cr->header || rec->nfields != c->nfields || rec->line > UINT32_MAX ||
             (cr->piece && d->ncredits == d->capcredits)))
        return CSV_AS_ROW;
    struct span person = span_of(c, rec, PERSON);
    struct map_key who =
        cr->ahead_line == rec->line && cr->ahead.s == person.s && cr->ahead.len == person.n
            ? cr->ahead
            : key_at(person, rec->end);
    fetch_next_person(cr, rec);
    struct comp_credit cd = {.line = (uint32_t)rec->line, .source = -1, .cancelled = COMP_NO_DATE};
    struct span id = span_of(c, rec, ID), deal = span_of(c, rec, DEAL);
    struct span split = span_of(c, rec, SPLIT), role = span_of(c, rec, ROLE);
    struct span canc = span_of(c, rec, CANCELLED), measure = span_of(c, rec, MEASURE);
    if (RARE(span_date(span_of(c, rec, DATE), cr->date_text, &cr->date_days, &cd.date)))
        return CSV_AS_ROW;
    struct span amount = span_of(c, rec, AMOUNT);
    cd.deal_amount = decimal_at(amount.s, amount.n, rec->end);
    if (RARE(cd.deal_amount < 0 || cd.deal_amount > INT64_MAX / COMP_BP)) return CSV_AS_ROW;
    int64_t split_bp = split.n ? decimal_at(split.s, split.n, rec->end) : COMP_BP;
    if (RARE(split_bp < 1 || split_bp > COMP_BP)) return CSV_AS_ROW;
    cd.split_bp = (int16_t)split_bp;
    if (!role.n || (role.n == 6 && !memcmp(role.s, "direct", 6)))
        cd.role = COMP_ROLE_DIRECT;
    else if (role.n == 7 && !memcmp(role.s, "overlay", 7))
        cd.role = COMP_ROLE_OVERLAY;
    else
        return CSV_AS_ROW;
    if (canc.n && RARE(span_date(canc, cr->canc_text, &cr->canc_days, &cd.cancelled) ||
                       cd.cancelled < cd.date))
        return CSV_AS_ROW;
    char mtext[201];
    if (RARE(measure.n > 200 || !id.n || id.n > 200 || !deal.n || deal.n > 200 || !person.n ||
             person.n > 200))
        return CSV_AS_ROW;
    size_t slot;
    if (RARE(!map_find_key(d->names, &who, &slot))) return CSV_AS_ROW; /* new, or not in the file */
    cd.person = d->names->slots[slot].val;
    /* the row is good: from here on it is taken, unless its id breaks the rising order,
     * which rising_next records as credit_row would, and credit_row maps the ids */
    if (RARE(!rising_next(&cr->id_order, id.s, id.n, rec->end))) return CSV_AS_ROW;
    cd.id = keep_str_n(d, id.s, id.n);
    const char *m = cr->bookings;
    if (measure.n) {
        memcpy(mtext, measure.s, measure.n);
        mtext[measure.n] = '\0';
        m = measure_of(d, cr->plan, mtext);
    }
    cd.tags = tags_at(cr, m, key_at(span_of(c, rec, PRODUCT), rec->end),
                      key_at(span_of(c, rec, TYPE), rec->end));
    cr->failed = 1;
    if (RARE(deal_take(&cr->deals, d, &cd, d->ncredits, deal.s, deal.n, rec->end, cr->name, cr->e)))
        return REINS_EINVAL;
    *comp_credit_new(d) = cd;
    cr->failed = 0;
    return 0;
}

static const char *const credit_cols[] = {"id",      "deal",      "person",       "date",
                                          "amount",  "split_bp",  "role",         "measure",
                                          "product", "deal_type", "cancelled_on", NULL};
static const unsigned char credit_cols_required[] = {1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0};

static void reader_init(struct credits_reader *cr, struct comp_data *d,
                        const struct comp_plan *plan, const char *name, struct err *e)
{
    *cr = (struct credits_reader){.d = d, .plan = plan, .name = name, .e = e};
    cr->c = (struct cols){credit_cols, credit_cols_required, {0}, 0};
    cr->first_credit = d->ncredits;
    cr->id_order.last = cr->deals.order.last = -1;
    cr->deals.base = d->ncredits;
    cr->bookings = measure_of(d, plan, "");
    cr->memo = xcalloc(TAGS_MEMO, sizeof *cr->memo);
}

static void reader_release(struct credits_reader *cr)
{
    free(cr->memo);
    map_release(&cr->ids);
    deal_book_release(&cr->deals);
}

/* Rows of csv[0, len), which starts on physical line `first_line` at a record boundary. */
static int read_rows(struct credits_reader *cr, const char *csv, size_t len, size_t first_line)
{
    strs_expect(cr->d, len);
    int rc = csv_each_plain(csv, len, first_line, NULL, credit_plain, credit_row, cr, cr->e);
    if (rc && !cr->failed) err_prefix(cr->e, "%s: ", cr->name); /* the CSV itself is malformed */
    return rc;
}

/* ---- reading on every core ------------------------------------------------------------- */

/* Ten million rows take seconds to read on one core. A big file is cut at line ends into
 * pieces, and every core takes the next piece until none is left. Two halves, one per
 * core, often ended 100 to 500 ms apart on this VM, where one core may run a third slower
 * than the other for seconds; pieces that get smaller towards the end ended within 2 to
 * 20 ms of each other (four runs, 16 pieces). Piece 0 is read
 * into d by the caller's reader; each later piece by a reader of its own into a comp_data
 * whose credits array is the part of d->credits where its rows belong (the line ends of
 * every piece are counted first). The later pieces are taken only if reading them alone
 * could not have differed from reading the file in one go: no quote before the last piece
 * (so every cut is a record boundary), no error, ids and deal names rising from each piece
 * into the next, each piece's rows filling exactly the room left for them. Otherwise the
 * file after piece 0 is read again, in order, so results and errors are always those of
 * one pass. People new to a piece are numbered after everyone met before it, as one pass
 * numbers them. */

#define PIECES_MAX 32
#define PIECE_MIN_BYTES ((size_t)4 << 20) /* the smallest piece is file / 128, at least this */

struct pieces;

struct piece {
    struct pieces *ps; /* what all share */
    size_t index;
    const char *csv; /* at byte `at` of the file */
    size_t at, len, first_line;
    size_t lf; /* line ends in it */
    int quoted;
    size_t base, room; /* its rows go to d->credits[base, base + room) */
    /* pieces after the first: their own reader, data and error (a failure only means the
     * file is read again) */
    struct credits_reader cr;
    struct comp_data d;
    struct err e;
    int ready, rc;
};

/* What the pieces share. */
struct pieces {
    struct credits_reader *first; /* the caller's: piece 0 */
    const struct comp_plan *plan;
    struct cols cols; /* the header's, read before any piece (piece 0 reads it again) */
    /* people known before the credits (piece 0 may add more meanwhile): copies of d's */
    struct comp_name_map known;
    struct comp_person *known_people;
    size_t nknown;
    struct piece *p;
    size_t n;
    int fd;       /* the file, read with pread; -1: through the mapping only */
    size_t block; /* bytes per pread */
};

/* Up to n bytes of the file at `at` into buf; 0 when it cannot (an error, or the end). */
static size_t read_at(int fd, char *buf, size_t n, size_t at)
{
    for (;;) {
        ssize_t got = pread(fd, buf, n, (off_t)at);
        if (got > 0) return (size_t)got;
        if (got < 0 && errno == EINTR) continue;
        return 0;
    }
}

/* The line ends of piece p read with pread; 0 when a read fails (then through the mapping). */
static int count_blocks(struct piece *p)
{
    const struct pieces *ps = p->ps;
    char *buf = xmalloc(ps->block);
    size_t done = 0, lf = 0;
    int quoted = 0;
    while (done < p->len) {
        size_t want = p->len - done < ps->block ? p->len - done : ps->block;
        size_t got = read_at(ps->fd, buf, want, p->at + done);
        if (!got) break;
        int q;
        lf += csv_count_lf(buf, got, &q);
        quoted |= q;
        done += got;
    }
    free(buf);
    if (done < p->len) return 0;
    p->lf = lf;
    p->quoted = quoted;
    return 1;
}

static void *count_piece(void *arg)
{
    struct piece *p = arg;
    if (p->ps->fd < 0 || !count_blocks(p)) p->lf = csv_count_lf(p->csv, p->len, &p->quoted);
    return NULL;
}

static void *bytes_copy(const void *p, size_t n)
{
    return memcpy(xmalloc(n), p, n);
}

/* A later piece's reader: everyone known before the credits (the people file, the quotas)
 * under the same numbers, so their rows take the fast path from the first, and when the
 * pieces before meet no one new, no credit of this one needs renumbering. */
static void piece_init(struct piece *p)
{
    const struct pieces *ps = p->ps;
    struct comp_data *d = ps->first->d;
    comp_data_init(&p->d);
    p->d.credits = d->credits + p->base;
    p->d.capcredits = p->room;
    if (ps->known.cap) {
        p->d.names->slots = bytes_copy(ps->known.slots, ps->known.cap * sizeof *ps->known.slots);
        p->d.names->cap = ps->known.cap;
        p->d.names->n = ps->known.n;
    }
    if (ps->nknown) {
        p->d.people = bytes_copy(ps->known_people, ps->nknown * sizeof *p->d.people);
        p->d.npeople = p->d.cappeople = ps->nknown; /* their ids are d's */
    }
    p->d.have_people_file = d->have_people_file; /* then no person is added while reading */
    reader_init(&p->cr, &p->d, ps->plan, ps->first->name, &p->e);
    p->cr.c = ps->cols;
    p->cr.header = 1;
    p->cr.piece = p->cr.deals.piece = 1;
    p->ready = 1;
}

/* The rows of piece p read as read_rows would read them from the mapping, a block at a
 * time with pread, each block ending at a line end (the piece has no quote, so every line
 * end ends a record); the rest goes through the mapping when a read fails or a line does
 * not fit in a block. */
static int read_blocks(struct credits_reader *cr, const struct piece *p)
{
    const struct pieces *ps = p->ps;
    size_t block = ps->block, done = 0, have = 0, line = p->first_line;
    char *buf = xmalloc(block);
    int rc = 0;
    strs_expect(cr->d, p->len); /* as if it were one read_rows */
    while (done < p->len && !rc) {
        size_t want = p->len - done - have < block - have ? p->len - done - have : block - have;
        size_t got = want ? read_at(ps->fd, buf + have, want, p->at + done + have) : 0;
        have += got;
        size_t use = have;
        if (done + have < p->len) { /* up to the block's last line end */
            const char *lf = memrchr(buf, '\n', have);
            use = lf ? (size_t)(lf - buf) + 1 : 0;
        }
        if (!got || !use) {
            rc = read_rows(cr, p->csv + done, p->len - done, line);
            break;
        }
        rc = read_rows(cr, buf, use, line);
        int quoted;
        line += csv_count_lf(buf, use, &quoted);
        memmove(buf, buf + use, have - use);
        have -= use;
        done += use;
    }
    free(buf);
    return rc;
}

static void *read_piece(void *arg)
{
    struct piece *p = arg;
    struct credits_reader *cr = p->index == 0 ? p->ps->first : &p->cr;
    if (p->index) piece_init(p);
    /* The piece's part of the credits array is faulted as it is written, on huge pages
     * (comp_big_advise): prefaulting it whole held the address space for 75 ms at a time
     * while the kernel zeroed 80 MB, and the other core, asking for memory, waited. */
    if (p->ps->fd >= 0 && !p->quoted)
        p->rc = read_blocks(cr, p);
    else
        p->rc = read_rows(cr, p->csv, p->len, p->first_line);
    return NULL;
}

static int header_only(void *ctx, struct csv_row *row)
{
    struct credits_reader *cr = ctx;
    return read_header(cr->name, row, &cr->c, cr->e) ? REINS_EINVAL : 1;
}

/* Field `col` of the line at `s` (no quotes), as [*out, *out + *n); 0 if it has none. */
static int line_field(const char *s, const char *end, int col, const char **out, size_t *n)
{
    for (; col > 0; col--) {
        while (s < end && *s != ',' && *s != '\n')
            s++;
        if (s == end || *s != ',') return 0;
        s++;
    }
    const char *f = s;
    while (s < end && *s != ',' && *s != '\n' && *s != '\r' && *s != '"')
        s++;
    if (s < end && *s == '"') return 0;
    *out = f;
    *n = (size_t)(s - f);
    return 1;
}

/* Where to cut csv[0, len) near `at`: after a line end, between two deals (a deal cut in
 * two would send the pieces after it back to be read again). 0: do not cut. */
static size_t cut_point(const char *csv, size_t len, size_t at, int deal_col)
{
    const char *end = csv + len, *nl = memchr(csv + at, '\n', len - at);
    for (int tries = 0; nl && nl + 1 < end && tries < 1000; tries++) {
        const char *prev = nl - 1; /* start of the line that ends at nl */
        while (prev > csv && prev[-1] != '\n')
            prev--;
        const char *a, *b;
        size_t an, bn;
        if (!line_field(prev, nl, deal_col, &a, &an) || !line_field(nl + 1, end, deal_col, &b, &bn))
            break;
        if (an != bn || memcmp(a, b, an)) return (size_t)(nl + 1 - csv);
        nl = memchr(nl + 1, '\n', (size_t)(end - nl - 1));
    }
    return nl && nl + 1 < end ? (size_t)(nl + 1 - csv) : 0;
}

/* Give a later piece's people their numbers in d (new ones after everyone so far). Its
 * first `known` people are d's, under the same numbers: only those it met are looked up
 * (ten thousand lookups a piece, on one core, when it met no one new). */
static void renumber_people(struct comp_data *d, struct comp_data *piece, size_t known,
                            size_t from, size_t n)
{
    if (piece->npeople == known) return;
    uint32_t *to = xmalloc(piece->npeople * sizeof *to);
    int same = 1;
    for (size_t i = 0; i < piece->npeople; i++) {
        if (i < known)
            to[i] = (uint32_t)i;
        else
            person_index(d, piece->people[i].id, 1, &to[i]);
        same &= to[i] == i;
    }
    for (size_t i = from; i < from + n && !same; i++)
        d->credits[i].person = to[d->credits[i].person];
    free(to);
}

/* Whether every later piece may be taken as read (see above). */
static int pieces_fit(const struct pieces *ps)
{
    const struct piece *p = ps->p;
    if (p[0].rc || ps->first->d->ncredits != p[0].base + p[0].room) return 0;
    for (size_t i = 1; i < ps->n; i++) {
        const struct credits_reader *prev = i == 1 ? ps->first : &p[i - 1].cr;
        if (p[i].rc || (i + 1 < ps->n && p[i].d.ncredits != p[i].room) ||
            !rising_continues(&prev->id_order, &p[i].cr.id_order) ||
            !rising_continues(&prev->deals.order, &p[i].cr.deals.order))
            return 0;
    }
    return 1;
}

/* The later pieces' deals settled in order, their credits and strings made d's. */
static int pieces_take(struct pieces *ps, struct err *e)
{
    struct credits_reader *cr = ps->first;
    struct comp_data *d = cr->d;
    int rc = deals_settle(&cr->deals, d, cr->name, e);
    for (size_t i = 1; i < ps->n && !rc; i++)
        rc = deals_settle(&ps->p[i].cr.deals, &ps->p[i].d, cr->name, e);
    for (size_t i = 1; i < ps->n && !rc; i++) {
        struct piece *p = &ps->p[i];
        renumber_people(d, &p->d, ps->nknown, p->base, p->d.ncredits);
        d->ncredits += p->d.ncredits;
        arena_adopt(&d->arena, &p->d.arena);
    }
    return rc;
}

/* Read csv[0, len) in pieces on every core when it is big and may be cut (see above).
 * Returns 1 when done (the whole file, result in *rc), 0 to read it in one pass instead. */
static int read_pieces(struct credits_reader *cr, const char *csv, size_t len, size_t piece_bytes,
                       int fd, int *rc)
{
    struct comp_data *d = cr->d;
    size_t least = piece_bytes ? piece_bytes : len / 128;
    if (!piece_bytes && least < PIECE_MIN_BYTES) least = PIECE_MIN_BYTES;
    if (len < 2 || len / 2 < least) return 0;
    struct credits_reader hdr = *cr;
    struct err he = {0};
    hdr.e = &he;
    if (csv_each(csv, len, NULL, header_only, &hdr, &he) != 1 || hdr.c.at[DEAL] < 0) return 0;
    /* Pieces get smaller as the file goes (a quarter of the rest per core each time, down
     * to `least`): the first ones keep every core busy, the last ones end together. */
    size_t cores = (size_t)threads_count(0, PIECES_MAX), cut[PIECES_MAX + 1], n = 1;
    cut[0] = 0;
    while (n < PIECES_MAX) {
        size_t rest = len - cut[n - 1], step = rest / (2 * cores);
        if (step < least) step = least;
        if (rest < step + least) break; /* the rest is the last piece */
        size_t at = cut_point(csv, len, cut[n - 1] + step, hdr.c.at[DEAL]);
        if (at <= cut[n - 1]) break;
        cut[n++] = at;
    }
    if (n < 2) return 0;
    cut[n] = len;
    struct pieces ps = {.first = cr, .plan = cr->plan, .cols = hdr.c, .n = n, .fd = fd};
    ps.block = d->block_bytes ? d->block_bytes : (size_t)1 << 20;
    ps.p = xcalloc(n, sizeof *ps.p);
    for (size_t i = 0; i < n; i++) {
        ps.p[i].ps = &ps;
        ps.p[i].index = i;
        ps.p[i].csv = csv + cut[i];
        ps.p[i].at = cut[i];
        ps.p[i].len = cut[i + 1] - cut[i];
    }
    threads_share((int)cores, n, count_piece, ps.p, sizeof *ps.p);
    int cuttable = 1;
    /* Rows of piece 0 <= its line ends less the header's, of a middle piece <= its line
     * ends, of the last <= its line ends + 1 (its last line may have none). */
    for (size_t i = 0; i < n; i++) {
        struct piece *p = &ps.p[i];
        cuttable &= i + 1 == n || !p->quoted;
        p->first_line = i ? ps.p[i - 1].first_line + ps.p[i - 1].lf : 1;
        p->base = i ? ps.p[i - 1].base + ps.p[i - 1].room : cr->first_credit;
        p->room = i == 0 ? p->lf - 1 : i + 1 == n ? p->lf + 1 : p->lf;
    }
    size_t cap = ps.p[n - 1].base + ps.p[n - 1].room;
    if (cuttable && cap > d->capcredits) {
        struct comp_credit *grown = realloc(d->credits, cap * sizeof *grown);
        if (grown) {
            d->credits = grown;
            d->capcredits = cap;
            comp_big_advise(grown, cap * sizeof *grown);
        }
        cuttable = grown != NULL;
    }
    if (!cuttable) {
        free(ps.p);
        return 0;
    }
    if (d->names->cap) {
        ps.known = *d->names;
        ps.known.slots = bytes_copy(d->names->slots, d->names->cap * sizeof *d->names->slots);
    }
    if (d->npeople) ps.known_people = bytes_copy(d->people, d->npeople * sizeof *d->people);
    ps.nknown = d->npeople;
    threads_share((int)cores, n, read_piece, ps.p, sizeof *ps.p);
    *rc = ps.p[0].rc;
    if (!*rc && pieces_fit(&ps)) {
        if ((*rc = pieces_take(&ps, cr->e)) == 0) d->pieces_taken = n;
    } else if (!*rc) {
        *rc = read_rows(cr, csv + cut[1], len - cut[1], ps.p[1].first_line);
        if (*rc == 0) *rc = deals_settle(&cr->deals, d, cr->name, cr->e);
    }
    for (size_t i = 1; i < n; i++) {
        if (!ps.p[i].ready) continue;
        reader_release(&ps.p[i].cr);
        ps.p[i].d.credits = NULL; /* d's */
        comp_data_release(&ps.p[i].d);
    }
    free(ps.known.slots);
    free(ps.known_people);
    free(ps.p);
    return 1;
}

int comp_read_credits(struct comp_data *d, const struct comp_plan *plan, const char *name,
                      const char *csv, size_t len, struct err *e)
{
    return comp_read_credits_file(d, plan, name, csv, len, -1, e);
}

int comp_read_credits_file(struct comp_data *d, const struct comp_plan *plan, const char *name,
                           const char *csv, size_t len, int fd, struct err *e)
{
    if (comp_plan_uses_role(plan, COMP_ROLE_ROLLUP) && !d->have_people_file)
        return err_set(e, REINS_EINVAL,
                       "%s: the plan counts roll-up credit, which needs the people file "
                       "(--people) to know who manages whom",
                       name);
    struct credits_reader cr;
    reader_init(&cr, d, plan, name, e);
    d->pieces_taken = 0;
    int rc = 0;
    if (!read_pieces(&cr, csv, len, d->piece_bytes, fd, &rc)) {
        rc = read_rows(&cr, csv, len, 1);
        if (!rc && cr.header) rc = deals_settle(&cr.deals, d, name, e);
    }
    if (!rc && !cr.header)
        rc = err_set(e, REINS_EINVAL, "%s: empty, a header line is needed", name);
    /* ids 1, 2, 3, ... from the first credit on (roll-up copies, added next, repeat ids) */
    d->ascending_ids = !rc && cr.first_credit == 0 && cr.id_order.plen == 0 &&
                               cr.id_order.last >= 0 && cr.id_order.last != INT64_MAX
                           ? d->ncredits
                           : 0;
    if (!rc) credit_rollup(d, plan, cr.first_credit);
    if (rc) d->ncredits = cr.first_credit;
    reader_release(&cr);
    return rc;
}

/* ---- writing ------------------------------------------------------------------------- */

/* v in decimal into buf[24], without printf (millions of numbers per run). */
static const char *i64s(int64_t v, char buf[24])
{
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    char *o = buf + 23;
    *o = 0;
    do {
        *--o = (char)('0' + a % 10);
        a /= 10;
    } while (a);
    if (v < 0) *--o = '-';
    return o;
}

void comp_lines_csv_header(struct sb *out)
{
    static const char *const h[] = {"line",          "period", "person",    "date",
                                    "component",     "rule",   "credit",    "deal",
                                    "role",          "tier",   "rate_tier", "rate_ppm",
                                    "prev_rate_ppm", "base",   "amount",    "already_paid",
                                    "attainment_bp", "quota",  "ref_line",  "explanation"};
    csv_write_row(out, h, sizeof h / sizeof *h);
}

/* A number field and its comma: never quoted. */
static char *num_field(char *w, int64_t v)
{
    w = fmt_i64(w, v);
    *w++ = ',';
    return w;
}

/* How csv_write_field writes v: its length, and whether it is quoted. */
static struct comp_csv_text csv_text(const char *v)
{
    if (!v) v = ""; /* as csv_write_field takes it */
    size_t n = strlen(v);
    return (struct comp_csv_text){v, n, csv_needs_quotes(v, n)};
}

/* A user's text t as one field and its comma, as csv_write_field writes it. */
static char *text_field(struct comp_out *o, char *w, const struct comp_csv_text *t)
{
    if (!t->quoted) {
        w = comp_out_room(o, w, t->n);
        w = fmt_bytes(w, t->s, t->n);
    } else {
        w = comp_out_room(o, w, 2 * t->n + 2); /* every byte a doubled quote, at worst */
        *w++ = '"';
        for (size_t i = 0; i < t->n; i++) {
            if (t->s[i] == '"') *w++ = '"';
            *w++ = t->s[i];
        }
        *w++ = '"';
    }
    *w++ = ',';
    return w;
}

/* text_field of v, measured once for as long as it is the text *last was measured from. */
static char *text_field_memo(struct comp_out *o, char *w, const char *v, struct comp_csv_text *last)
{
    if (last->s != v) *last = csv_text(v);
    return text_field(o, w, last);
}

void comp_line_csv(const struct comp_input *in, const struct comp_line *l, size_t i,
                   const struct comp_line *ref, struct sb *out)
{
    struct comp_csv_memo memo = COMP_CSV_MEMO_INIT;
    comp_line_csv_memo(in, l, i, ref, out, &memo);
}

/* The record csv_write_row would write, written field by field: a run writes millions, so
 * into room reserved once (comp_fmt.h), reusing what the line before had alike. */
void comp_line_csv_memo(const struct comp_input *in, const struct comp_line *l, size_t i,
                        const struct comp_line *ref, struct sb *out, struct comp_csv_memo *memo)
{
    const struct comp_plan *p = in->plan;
    const struct comp_credit *c = l->credit >= 0 ? &in->credits[l->credit] : NULL;
    if (!memo->period[0] || memo->month != l->month || memo->period_kind != p->payout_period) {
        comp_period_label(l->month, p->payout_period, memo->period);
        memo->month = l->month;
        memo->period_kind = p->payout_period;
        memo->period_len = strlen(memo->period);
    }
    struct comp_out o;
    char *w = comp_out_begin(&o, out, memo);
    w = num_field(w, (int64_t)i + 1);
    w = fmt_bytes(w, memo->period, memo->period_len);
    *w++ = ',';
    w = text_field_memo(&o, w, in->people[l->person].id, &memo->person);
    w = fmt_date_memo(&o, w, l->date);
    *w++ = ',';
    w = text_field_memo(&o, w, l->component >= 0 ? p->components[l->component].id : "",
                        &memo->component);
    w = fmt_word(w, comp_rule_name(l->rule)); /* rule and role names: never quoted */
    *w++ = ',';
    struct comp_csv_text id = csv_text(c ? c->id : ""), deal = csv_text(c ? c->deal : "");
    w = text_field(&o, w, &id);
    w = text_field(&o, w, &deal);
    if (c) w = fmt_word(w, comp_role_name(c->role));
    *w++ = ',';
    if (l->tier >= 0 && l->component >= 0)
        w = num_field(w, l->tier + 1);
    else
        *w++ = ',';
    if (l->rate_tier >= 0)
        w = num_field(w, l->rate_tier + 1);
    else
        *w++ = ',';
    w = num_field(w, l->rate_ppm);
    w = num_field(w, l->prev_rate_ppm);
    w = num_field(w, l->base);
    w = num_field(w, l->amount);
    w = num_field(w, l->already);
    if (l->attainment_bp >= 0)
        w = num_field(w, l->attainment_bp);
    else
        *w++ = ',';
    w = num_field(w, l->quota);
    if (l->ref >= 0)
        w = num_field(w, (int64_t)l->ref + 1);
    else
        *w++ = ',';
    /* The sentence, opened as a quoted field. Only a user's text in it can hold a quote; a
     * sentence without one but with a comma (nearly all) is then only closed. */
    size_t why = (size_t)(w - out->buf);
    *w++ = '"';
    o.quote = 0;
    w = comp_line_explain_out(in, l, ref, l->ref + 1, &o, w);
    const char *text = out->buf + why + 1;
    if (!o.quote && memchr(text, ',', (size_t)(w - text))) {
        *w++ = '"';
    } else {
        comp_out_end(&o, w);
        csv_field_end(out, why);
        w = comp_out_begin(&o, out, memo);
    }
    w = FMT_LIT(w, "\r\n");
    comp_out_end(&o, w);
}

void comp_payouts_csv_header(struct sb *out)
{
    static const char *const h[] = {"period",       "person",       "earned",
                                    "draw",         "payout",       "earned_to_date",
                                    "paid_to_date", "draw_balance", "attainment_bp"};
    csv_write_row(out, h, sizeof h / sizeof *h);
}

void comp_payout_csv(const struct comp_input *in, const struct comp_payout *p, struct sb *out)
{
    char period[9], num[7][24];
    comp_period_label(p->month, in->plan->payout_period, period);
    const char *n0 = i64s(p->earned, num[0]);
    const char *n1 = i64s(p->draw, num[1]);
    const char *n2 = i64s(p->payout, num[2]);
    const char *n3 = i64s(p->earned_to_date, num[3]);
    const char *n4 = i64s(p->paid_to_date, num[4]);
    const char *n5 = i64s(p->draw_balance, num[5]);
    const char *n6 = i64s(p->attainment_bp, num[6]);
    const char *f[] = {period, in->people[p->person].id,       n0, n1, n2, n3, n4,
                       n5,     p->attainment_bp >= 0 ? n6 : ""};
    csv_write_row(out, f, sizeof f / sizeof *f);
}
