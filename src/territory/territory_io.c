/* territory_io.c -- territory problems from CSV and GraphML files, solutions to CSV and text. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "core/csv.h"
#include "territory/territory_io.h"

void terr_input_init(struct terr_input *in)
{
    memset(in, 0, sizeof *in);
    in->p.max_moves = -1;
}

void terr_input_release(struct terr_input *in)
{
    if (!in) return;
    free(in->unit_id), free(in->terr_name), free(in->measure_name);
    free(in->measure), free(in->x), free(in->y), free(in->home_dist), free(in->tol);
    free(in->edges), free(in->adj), free(in->home), free(in->lock), free(in->current);
    free(in->current_name), free(in->lock_name), free(in->unit_line), free(in->index);
    arena_release(&in->arena);
    memset(in, 0, sizeof *in);
}

/* ---- unit id lookup ---- */

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static void index_build(struct terr_input *in)
{
    free(in->index);
    size_t cap = 16;
    while (cap < 2 * in->n + 1)
        cap *= 2;
    in->index_cap = cap;
    in->index = xmalloc(cap * sizeof *in->index);
    for (size_t i = 0; i < cap; i++)
        in->index[i] = UINT32_MAX;
    for (size_t i = 0; i < in->n; i++) {
        size_t h = (size_t)hash_str(in->unit_id[i]) & (cap - 1);
        while (in->index[h] != UINT32_MAX)
            h = (h + 1) & (cap - 1);
        in->index[h] = (uint32_t)i;
    }
}

/* The unit with this id, or -1. */
static long unit_find(const struct terr_input *in, const char *id)
{
    if (!in->index) return -1;
    size_t h = (size_t)hash_str(id) & (in->index_cap - 1);
    while (in->index[h] != UINT32_MAX) {
        if (!strcmp(in->unit_id[in->index[h]], id)) return in->index[h];
        h = (h + 1) & (in->index_cap - 1);
    }
    return -1;
}

static long terr_find(const struct terr_input *in, const char *name)
{
    for (size_t t = 0; t < in->k; t++)
        if (!strcmp(in->terr_name[t], name)) return (long)t;
    return -1;
}

/* A number from a field: finite, the whole field. */
static int parse_number(const char *s, double *out)
{
    while (*s == ' ' || *s == '\t')
        s++;
    if (!*s) return -1;
    errno = 0;
    char *end;
    double v = strtod(s, &end);
    while (*end == ' ' || *end == '\t')
        end++;
    if (*end || errno == ERANGE || !isfinite(v)) return -1;
    *out = v;
    return 0;
}

/* Is name in the comma list? */
static int in_list(const char *list, const char *name)
{
    size_t len = strlen(name);
    for (const char *p = list; p && *p;) {
        const char *comma = strchr(p, ',');
        size_t l = comma ? (size_t)(comma - p) : strlen(p);
        if (l == len && !strncasecmp(p, name, len)) return 1;
        p = comma ? comma + 1 : NULL;
    }
    return 0;
}

static int names_unique(struct terr_input *in, char **ids, size_t n, const char *name,
                        const size_t *lines, struct err *e)
{
    index_build(in);
    for (size_t i = 0; i < n; i++)
        if (unit_find(in, ids[i]) != (long)i)
            return err_field(e, REINS_EINVAL, "id", "%s line %zu: unit id '%s' appears twice", name,
                             lines[i], ids[i]);
    return 0;
}

static int is_coord(const char *h)
{
    static const char *const names[] = {"x", "y", "lat", "lon", "lng", "latitude", "longitude"};
    for (size_t i = 0; i < sizeof names / sizeof *names; i++)
        if (!strcasecmp(h, names[i])) return 1;
    return 0;
}

int terr_read_units_csv(struct terr_input *in, const char *name, const char *data, size_t len,
                        const char *measures, struct err *e)
{
    struct csv_doc *doc;
    if (csv_parse(data, len, NULL, &doc, e) < 0) return err_prefix(e, "%s: ", name);
    int rc = 0;
    if (doc->nrows < 2) {
        rc = err_set(e, REINS_EINVAL, "%s: no units (a header and one row at least)", name);
        goto out;
    }
    const struct csv_row *hdr = &doc->rows[0];
    int cid = csv_find_column(doc, "id");
    int cx = csv_find_column(doc, "x"), cy = csv_find_column(doc, "y");
    int lat = csv_find_column(doc, "lat");
    if (lat < 0) lat = csv_find_column(doc, "latitude");
    int lon = csv_find_column(doc, "lon");
    if (lon < 0) lon = csv_find_column(doc, "lng");
    if (lon < 0) lon = csv_find_column(doc, "longitude");
    int ccur = csv_find_column(doc, "current"), clock = csv_find_column(doc, "lock");
    if (cid < 0) cid = 0; /* no `id` column: the first column names the unit */
    if (cx < 0 && lat >= 0) cx = lon, cy = lat, in->p.metric = TERR_GREAT_CIRCLE;
    if ((cx < 0) != (cy < 0)) {
        rc = err_field(e, REINS_EINVAL, "x", "%s line 1: coordinates need both columns", name);
        goto out;
    }
    int *mcol = xmalloc(hdr->nfields * sizeof *mcol);
    size_t m = 0;
    for (size_t f = 0; f < hdr->nfields; f++) {
        const char *h = hdr->fields[f];
        if (measures ? in_list(measures, h)
                     : ((int)f != cid && (int)f != ccur && (int)f != clock && !is_coord(h)))
            mcol[m++] = (int)f;
    }
    if (measures)
        for (const char *p = measures; p && *p;) {
            const char *comma = strchr(p, ',');
            size_t l = comma ? (size_t)(comma - p) : strlen(p);
            int found = 0;
            for (size_t q = 0; q < m; q++)
                if (strlen(hdr->fields[mcol[q]]) == l && !strncasecmp(hdr->fields[mcol[q]], p, l))
                    found = 1;
            if (!found) {
                free(mcol);
                rc = err_field(e, REINS_EINVAL, "measures", "%s line 1: no measure column '%.*s'",
                               name, (int)l, p);
                goto out;
            }
            p = comma ? comma + 1 : NULL;
        }
    if (m == 0) {
        free(mcol);
        rc = err_field(e, REINS_EINVAL, "measures", "%s line 1: no measure columns", name);
        goto out;
    }
    size_t n = doc->nrows - 1;
    in->n = n, in->m = m;
    in->unit_id = xcalloc(n, sizeof *in->unit_id);
    in->unit_line = xcalloc(n, sizeof *in->unit_line);
    in->measure = xcalloc(n * m, sizeof *in->measure);
    in->measure_name = xcalloc(m, sizeof *in->measure_name);
    in->current_name = xcalloc(n, sizeof *in->current_name);
    in->lock_name = xcalloc(n, sizeof *in->lock_name);
    for (size_t j = 0; j < m; j++)
        in->measure_name[j] = arena_strdup(&in->arena, hdr->fields[mcol[j]]);
    if (cx >= 0) in->x = xcalloc(n, sizeof *in->x), in->y = xcalloc(n, sizeof *in->y);
    for (size_t i = 0; i < n && rc == 0; i++) {
        const struct csv_row *r = &doc->rows[i + 1];
        in->unit_line[i] = r->line;
        if (r->nfields != hdr->nfields) {
            rc = err_set(e, REINS_EINVAL, "%s line %zu: %zu fields, the header has %zu", name,
                         r->line, r->nfields, hdr->nfields);
            break;
        }
        if (!*r->fields[cid]) {
            rc = err_field(e, REINS_EINVAL, "id", "%s line %zu: field id: empty", name, r->line);
            break;
        }
        in->unit_id[i] = arena_strdup(&in->arena, r->fields[cid]);
        for (size_t j = 0; j < m && rc == 0; j++) {
            double v;
            if (parse_number(r->fields[mcol[j]], &v) < 0 || v < 0)
                rc = err_field(e, REINS_EINVAL, in->measure_name[j],
                               "%s line %zu: field %s: '%s' is not a number >= 0", name, r->line,
                               in->measure_name[j], r->fields[mcol[j]]);
            in->measure[i * m + j] = v;
        }
        if (rc == 0 && cx >= 0) {
            const char *fx = r->fields[cx], *fy = r->fields[cy];
            if (parse_number(fx, &in->x[i]) < 0 || parse_number(fy, &in->y[i]) < 0)
                rc = err_field(e, REINS_EINVAL, "coordinates",
                               "%s line %zu: coordinates '%s', '%s' are not numbers", name, r->line,
                               fx, fy);
        }
        if (ccur >= 0 && *r->fields[ccur])
            in->current_name[i] = arena_strdup(&in->arena, r->fields[ccur]);
        if (clock >= 0 && *r->fields[clock])
            in->lock_name[i] = arena_strdup(&in->arena, r->fields[clock]);
    }
    free(mcol);
    if (rc == 0) rc = names_unique(in, in->unit_id, n, name, in->unit_line, e);
out:
    csv_doc_free(doc);
    return rc;
}

/* ---- GraphML ---- */

struct gkey {
    char *id, *name;
    int for_node;
};

static const char *gkey_name(const struct gkey *keys, size_t nk, const char *id, int node)
{
    for (size_t i = 0; i < nk; i++)
        if (keys[i].for_node == node && !strcmp(keys[i].id, id)) return keys[i].name;
    return NULL;
}

static int xml_is(const xmlNode *x, const char *name)
{
    return x->type == XML_ELEMENT_NODE && !strcmp((const char *)x->name, name);
}

static char *xml_attr(xmlNode *x, const char *name)
{
    return (char *)xmlGetProp(x, (const xmlChar *)name);
}

int terr_read_graphml(struct terr_input *in, const char *path, const char *data, size_t len,
                      const char *measures, const char *weight_key, struct err *e)
{
    if (!weight_key) weight_key = "distance";
    if (len > (size_t)INT32_MAX) return err_set(e, REINS_ETOOBIG, "%s is too large", path);
    /* no network, no entity expansion, no DTD loading: the file is untrusted input */
    xmlResetLastError();
    xmlDoc *doc = xmlReadMemory(data, (int)len, path, NULL,
                                XML_PARSE_NONET | XML_PARSE_NOWARNING | XML_PARSE_NOERROR);
    if (!doc) {
        const xmlError *xe = xmlGetLastError();
        return err_set(e, REINS_EINVAL, "%s line %d: not well-formed GraphML%s%s", path,
                       xe ? xe->line : 0, xe && xe->message ? ": " : "",
                       xe && xe->message ? xe->message : "");
    }
    int rc = 0;
    struct gkey *keys = NULL;
    size_t nk = 0;
    xmlNode *root = xmlDocGetRootElement(doc), *graph = NULL;
    if (!root || !xml_is(root, "graphml")) {
        rc = err_set(e, REINS_EINVAL, "%s: the root element is not <graphml>", path);
        goto out;
    }
    for (xmlNode *x = root->children; x; x = x->next) {
        if (xml_is(x, "graph") && !graph) graph = x;
        if (!xml_is(x, "key")) continue;
        char *id = xml_attr(x, "id"), *nm = xml_attr(x, "attr.name"), *fr = xml_attr(x, "for");
        if (id && nm) {
            keys = xrealloc(keys, (nk + 1) * sizeof *keys);
            keys[nk].id = arena_strdup(&in->arena, id);
            keys[nk].name = arena_strdup(&in->arena, nm);
            keys[nk].for_node = !fr || strcmp(fr, "edge");
            nk++;
        }
        xmlFree(id), xmlFree(nm), xmlFree(fr);
    }
    if (!graph) {
        rc = err_set(e, REINS_EINVAL, "%s: no <graph> element", path);
        goto out;
    }
    /* measures: the node keys other than coordinates, or those asked for */
    size_t m = 0;
    const char **mname = xcalloc(nk + 1, sizeof *mname);
    for (size_t i = 0; i < nk; i++)
        if (keys[i].for_node &&
            (measures ? in_list(measures, keys[i].name) : !is_coord(keys[i].name)))
            mname[m++] = keys[i].name;
    if (m == 0) {
        free(mname);
        rc = err_field(e, REINS_EINVAL, "measures", "%s: no node measures", path);
        goto out;
    }
    size_t n = 0, ne = 0;
    for (xmlNode *x = graph->children; x; x = x->next)
        n += xml_is(x, "node"), ne += xml_is(x, "edge");
    if (n == 0) {
        free(mname);
        rc = err_set(e, REINS_EINVAL, "%s: the graph has no nodes", path);
        goto out;
    }
    in->n = n, in->m = m;
    in->unit_id = xcalloc(n, sizeof *in->unit_id);
    in->unit_line = xcalloc(n, sizeof *in->unit_line);
    in->measure = xcalloc(n * m, sizeof *in->measure);
    in->measure_name = xcalloc(m, sizeof *in->measure_name);
    in->current_name = xcalloc(n, sizeof *in->current_name);
    in->lock_name = xcalloc(n, sizeof *in->lock_name);
    in->x = xcalloc(n, sizeof *in->x), in->y = xcalloc(n, sizeof *in->y);
    unsigned char *seen = xcalloc(n * (m + 2), 1);
    for (size_t j = 0; j < m; j++)
        in->measure_name[j] = (char *)mname[j];
    size_t i = 0;
    for (xmlNode *x = graph->children; x && rc == 0; x = x->next) {
        if (!xml_is(x, "node")) continue;
        in->unit_line[i] = (size_t)xmlGetLineNo(x);
        char *id = xml_attr(x, "id");
        in->unit_id[i] = arena_strdup(&in->arena, id ? id : "");
        xmlFree(id);
        if (!*in->unit_id[i]) {
            rc = err_field(e, REINS_EINVAL, "id", "%s line %zu: a node without an id", path,
                           in->unit_line[i]);
            break;
        }
        for (xmlNode *d = x->children; d && rc == 0; d = d->next) {
            if (!xml_is(d, "data")) continue;
            char *key = xml_attr(d, "key");
            const char *kn = key ? gkey_name(keys, nk, key, 1) : NULL;
            xmlFree(key);
            if (!kn) continue;
            int slot = -1;
            if (!strcmp(kn, "x"))
                slot = (int)m;
            else if (!strcmp(kn, "y"))
                slot = (int)m + 1;
            for (size_t j = 0; j < m && slot < 0; j++)
                if (!strcmp(kn, mname[j])) slot = (int)j;
            if (slot < 0) continue;
            char *txt = (char *)xmlNodeGetContent(d);
            double v;
            if (!txt || parse_number(txt, &v) < 0 || (slot < (int)m && v < 0))
                rc = err_field(e, REINS_EINVAL, kn, "%s line %ld: node %s: %s '%s' is not a %s",
                               path, xmlGetLineNo(d), in->unit_id[i], kn, txt ? txt : "",
                               slot < (int)m ? "number >= 0" : "number");
            else if (slot == (int)m)
                in->x[i] = v;
            else if (slot == (int)m + 1)
                in->y[i] = v;
            else
                in->measure[i * m + (size_t)slot] = v;
            seen[i * (m + 2) + (size_t)slot] = 1;
            xmlFree(txt);
        }
        for (size_t j = 0; j < m && rc == 0; j++)
            if (!seen[i * (m + 2) + j])
                rc = err_field(e, REINS_EINVAL, mname[j], "%s line %zu: node %s has no %s", path,
                               in->unit_line[i], in->unit_id[i], mname[j]);
        i++;
    }
    free(seen);
    free(mname);
    if (rc == 0) rc = names_unique(in, in->unit_id, n, path, in->unit_line, e);
    in->edges = xcalloc(ne + 1, sizeof *in->edges);
    for (xmlNode *x = graph->children; x && rc == 0; x = x->next) {
        if (!xml_is(x, "edge")) continue;
        char *s = xml_attr(x, "source"), *t = xml_attr(x, "target");
        long u = s ? unit_find(in, s) : -1, v = t ? unit_find(in, t) : -1;
        if (u < 0 || v < 0)
            rc = err_field(e, REINS_EINVAL, "edge",
                           "%s line %ld: edge between unknown nodes '%s' "
                           "and '%s'",
                           path, xmlGetLineNo(x), s ? s : "", t ? t : "");
        xmlFree(s), xmlFree(t);
        double w = 1;
        for (xmlNode *d = x->children; d && rc == 0; d = d->next) {
            if (!xml_is(d, "data")) continue;
            char *key = xml_attr(d, "key");
            const char *kn = key ? gkey_name(keys, nk, key, 0) : NULL;
            xmlFree(key);
            if (!kn || strcmp(kn, weight_key)) continue;
            char *txt = (char *)xmlNodeGetContent(d);
            if (!txt || parse_number(txt, &w) < 0 || w < 0)
                rc = err_field(e, REINS_EINVAL, weight_key,
                               "%s line %ld: edge %s: '%s' is not a length >= 0", path,
                               xmlGetLineNo(d), weight_key, txt ? txt : "");
            xmlFree(txt);
        }
        if (rc == 0) in->edges[in->nedges++] = (struct terr_edge){(uint32_t)u, (uint32_t)v, w};
    }
    in->p.metric = in->nedges ? TERR_GRAPH : TERR_EUCLIDEAN;
out:
    free(keys);
    xmlFreeDoc(doc);
    return rc;
}

/* ---- territories ---- */

static int add_territory(struct terr_input *in, const char *name, const char *where, struct err *e)
{
    if (!*name) return err_field(e, REINS_EINVAL, "territory", "%s: empty territory name", where);
    if (terr_find(in, name) >= 0)
        return err_field(e, REINS_EINVAL, "territory", "%s: territory '%s' appears twice", where,
                         name);
    in->terr_name = xrealloc(in->terr_name, (in->k + 1) * sizeof *in->terr_name);
    in->home = xrealloc(in->home, (in->k + 1) * sizeof *in->home);
    in->terr_name[in->k] = arena_strdup(&in->arena, name);
    in->home[in->k] = -1;
    in->k++;
    return 0;
}

int terr_read_territories_csv(struct terr_input *in, const char *name, const char *data, size_t len,
                              struct err *e)
{
    struct csv_doc *doc;
    if (csv_parse(data, len, NULL, &doc, e) < 0) return err_prefix(e, "%s: ", name);
    int rc = 0, ct = csv_find_column(doc, "territory"), ch = csv_find_column(doc, "home");
    if (in->k)
        rc = err_set(e, REINS_EINVAL, "%s: territories are already given", name);
    else if (ct < 0)
        rc = err_field(e, REINS_EINVAL, "territory", "%s line 1: no 'territory' column", name);
    for (size_t r = 1; r < doc->nrows && rc == 0; r++) {
        const struct csv_row *row = &doc->rows[r];
        char where[600];
        snprintf(where, sizeof where, "%s line %zu", name, row->line);
        if ((size_t)ct >= row->nfields || (ch >= 0 && (size_t)ch >= row->nfields)) {
            rc = err_set(e, REINS_EINVAL, "%s: missing fields", where);
            break;
        }
        rc = add_territory(in, row->fields[ct], where, e);
        if (rc == 0 && ch >= 0 && *row->fields[ch]) {
            long u = unit_find(in, row->fields[ch]);
            if (u < 0)
                rc = err_field(e, REINS_EINVAL, "home", "%s: field home: no unit '%s'", where,
                               row->fields[ch]);
            else
                in->home[in->k - 1] = (int32_t)u;
        }
    }
    if (rc == 0 && in->k == 0) rc = err_set(e, REINS_EINVAL, "%s: no territories", name);
    csv_doc_free(doc);
    return rc;
}

int terr_set_territories(struct terr_input *in, size_t k, struct err *e)
{
    if (in->k) return err_set(e, REINS_EINVAL, "territories are already given");
    if (k == 0 || k > TERR_MAX_TERRITORIES)
        return err_field(e, REINS_EINVAL, "k", "k must be 1 to %d", TERR_MAX_TERRITORIES);
    for (size_t t = 0; t < k; t++) {
        char name[32];
        snprintf(name, sizeof name, "T%zu", t + 1);
        if (add_territory(in, name, "--k", e) < 0) return e ? e->code : REINS_EINVAL;
    }
    return 0;
}

int terr_set_homes(struct terr_input *in, const char *home_ids, struct err *e)
{
    size_t t = 0;
    for (const char *p = home_ids; p && *p; t++) {
        const char *comma = strchr(p, ',');
        size_t l = comma ? (size_t)(comma - p) : strlen(p);
        char *id = xstrndup(p, l);
        if (t >= in->k) {
            free(id);
            return err_field(e, REINS_EINVAL, "homes", "--homes: more homes than territories");
        }
        long u = unit_find(in, id);
        if (u < 0) {
            int rc = err_field(e, REINS_EINVAL, "homes", "--homes: no unit '%s'", id);
            free(id);
            return rc;
        }
        free(id);
        in->home[t] = (int32_t)u;
        p = comma ? comma + 1 : NULL;
    }
    return 0;
}

int terr_read_home_distances_csv(struct terr_input *in, const char *name, const char *data,
                                 size_t len, struct err *e)
{
    struct csv_doc *doc;
    if (csv_parse(data, len, NULL, &doc, e) < 0) return err_prefix(e, "%s: ", name);
    int rc = 0;
    const struct csv_row *hdr = doc->nrows ? &doc->rows[0] : NULL;
    if (!hdr || hdr->nfields < 2) {
        rc = err_set(e, REINS_EINVAL, "%s: need a unit column and a column per territory", name);
        goto out;
    }
    if (!in->k)
        for (size_t f = 1; f < hdr->nfields && rc == 0; f++)
            rc = add_territory(in, hdr->fields[f], name, e);
    if (rc) goto out;
    long *col = xmalloc(hdr->nfields * sizeof *col);
    for (size_t f = 1; f < hdr->nfields && rc == 0; f++) {
        col[f] = terr_find(in, hdr->fields[f]);
        if (col[f] < 0)
            rc = err_field(e, REINS_EINVAL, "territory", "%s line 1: no territory '%s'", name,
                           hdr->fields[f]);
    }
    if (rc == 0 && hdr->nfields - 1 != in->k)
        rc = err_set(e, REINS_EINVAL, "%s line 1: %zu territory columns for %zu territories", name,
                     hdr->nfields - 1, in->k);
    free(in->home_dist);
    in->home_dist = xmalloc(in->k * in->n * sizeof *in->home_dist);
    for (size_t i = 0; i < in->k * in->n; i++)
        in->home_dist[i] = NAN;
    for (size_t r = 1; r < doc->nrows && rc == 0; r++) {
        const struct csv_row *row = &doc->rows[r];
        if (row->nfields != hdr->nfields) {
            rc = err_set(e, REINS_EINVAL, "%s line %zu: %zu fields, the header has %zu", name,
                         row->line, row->nfields, hdr->nfields);
            break;
        }
        long u = unit_find(in, row->fields[0]);
        if (u < 0) {
            rc = err_field(e, REINS_EINVAL, hdr->fields[0], "%s line %zu: no unit '%s'", name,
                           row->line, row->fields[0]);
            break;
        }
        for (size_t f = 1; f < row->nfields && rc == 0; f++) {
            double v;
            if (parse_number(row->fields[f], &v) < 0 || v < 0)
                rc = err_field(e, REINS_EINVAL, hdr->fields[f],
                               "%s line %zu: field %s: '%s' is not a distance", name, row->line,
                               hdr->fields[f], row->fields[f]);
            in->home_dist[(size_t)col[f] * in->n + (size_t)u] = v;
        }
    }
    for (size_t i = 0; i < in->k * in->n && rc == 0; i++)
        if (isnan(in->home_dist[i]))
            rc = err_field(e, REINS_EINVAL, "unit", "%s: no distances for unit '%s'", name,
                           in->unit_id[i % in->n]);
    free(col);
out:
    csv_doc_free(doc);
    return rc;
}

int terr_read_edges_csv(struct terr_input *in, const char *name, const char *data, size_t len,
                        int adjacency, struct err *e)
{
    struct csv_doc *doc;
    if (csv_parse(data, len, NULL, &doc, e) < 0) return err_prefix(e, "%s: ", name);
    int rc = 0, cf = csv_find_column(doc, "from"), ct = csv_find_column(doc, "to");
    int cd = csv_find_column(doc, "distance");
    if (cf < 0 || ct < 0 || (!adjacency && cd < 0))
        rc = err_set(e, REINS_EINVAL, "%s line 1: the columns must be from, to%s", name,
                     adjacency ? "" : ", distance");
    size_t ne = doc->nrows ? doc->nrows - 1 : 0;
    struct terr_edge *edges = xcalloc(ne + 1, sizeof *edges);
    for (size_t r = 1; r < doc->nrows && rc == 0; r++) {
        const struct csv_row *row = &doc->rows[r];
        if (row->nfields != doc->rows[0].nfields) {
            rc = err_set(e, REINS_EINVAL, "%s line %zu: wrong number of fields", name, row->line);
            break;
        }
        long u = unit_find(in, row->fields[cf]), v = unit_find(in, row->fields[ct]);
        double w = 1;
        if (u < 0 || v < 0)
            rc = err_field(e, REINS_EINVAL, u < 0 ? "from" : "to", "%s line %zu: no unit '%s'",
                           name, row->line, u < 0 ? row->fields[cf] : row->fields[ct]);
        else if (!adjacency && (parse_number(row->fields[cd], &w) < 0 || w < 0))
            rc = err_field(e, REINS_EINVAL, "distance",
                           "%s line %zu: field distance: '%s' is not a length >= 0", name,
                           row->line, row->fields[cd]);
        edges[r - 1] = (struct terr_edge){(uint32_t)u, (uint32_t)v, w};
    }
    csv_doc_free(doc);
    if (rc) {
        free(edges);
        return rc;
    }
    if (adjacency)
        free(in->adj), in->adj = edges, in->nadj = ne;
    else
        free(in->edges), in->edges = edges, in->nedges = ne, in->p.metric = TERR_GRAPH;
    return 0;
}

int terr_input_finish(struct terr_input *in, const char *tolerances, struct err *e)
{
    if (!in->n) return err_set(e, REINS_EINVAL, "no units");
    if (!in->k) {
        /* the territories named in `current`, in order of appearance */
        for (size_t i = 0; i < in->n; i++)
            if (in->current_name[i] && terr_find(in, in->current_name[i]) < 0)
                add_territory(in, in->current_name[i], "current", e);
        if (!in->k)
            return err_field(e, REINS_EINVAL, "k",
                             "how many territories? (--k, --territories or a current column)");
    }
    int any_current = 0;
    for (size_t i = 0; i < in->n; i++)
        if (in->current_name[i]) any_current = 1;
    in->lock = xmalloc(in->n * sizeof *in->lock);
    if (any_current) in->current = xmalloc(in->n * sizeof *in->current);
    for (size_t i = 0; i < in->n; i++) {
        in->lock[i] = -1;
        if (in->lock_name[i]) {
            long t = terr_find(in, in->lock_name[i]);
            if (t < 0)
                return err_field(e, REINS_EINVAL, "lock",
                                 "line %zu: unit %s: field lock: no "
                                 "territory '%s'",
                                 in->unit_line[i], in->unit_id[i], in->lock_name[i]);
            in->lock[i] = (int32_t)t;
        }
        if (!any_current) continue;
        in->current[i] = -1;
        if (in->current_name[i]) {
            long t = terr_find(in, in->current_name[i]);
            if (t < 0)
                return err_field(e, REINS_EINVAL, "current",
                                 "line %zu: unit %s: field current: "
                                 "no territory '%s'",
                                 in->unit_line[i], in->unit_id[i], in->current_name[i]);
            in->current[i] = (int32_t)t;
        }
    }
    in->tol = xmalloc(in->m * sizeof *in->tol);
    const char *p = tolerances ? tolerances : "0.05";
    for (size_t j = 0; j < in->m; j++) {
        const char *comma = strchr(p, ',');
        char buf[64];
        size_t l = comma ? (size_t)(comma - p) : strlen(p);
        snprintf(buf, sizeof buf, "%.*s", (int)(l < 63 ? l : 63), p);
        if (parse_number(buf, &in->tol[j]) < 0 || in->tol[j] < 0)
            return err_field(e, REINS_EINVAL, "tolerance",
                             "--tolerance: '%s' is not a number "
                             ">= 0",
                             buf);
        if (comma) p = comma + 1; /* one value per measure, or the last one for the rest */
    }
    struct terr_problem *q = &in->p;
    q->n = in->n, q->k = in->k, q->m = in->m;
    q->measure = in->measure, q->tol = in->tol, q->x = in->x, q->y = in->y;
    q->edges = in->edges, q->nedges = in->nedges, q->adj = in->adj, q->nadj = in->nadj;
    q->home_dist = in->home_dist, q->home = in->home, q->lock = in->lock;
    q->current = in->current;
    if (q->metric != TERR_GRAPH && !in->x && !in->home_dist)
        return err_field(e, REINS_EINVAL, "coordinates",
                         "no distances: give coordinates, edges or home distances");
    return 0;
}

/* ---- output ---- */

void terr_write_assignment_csv(const struct terr_input *in, const struct terr_result *r,
                               struct sb *out)
{
    const char *hdr[] = {"unit_id", "territory", "current", "moved"};
    csv_write_row(out, hdr, 4);
    for (size_t i = 0; i < in->n; i++) {
        int32_t cur = in->current ? in->current[i] : -1;
        const char *row[] = {in->unit_id[i], in->terr_name[r->assign[i]],
                             cur >= 0 ? in->terr_name[cur] : "",
                             cur >= 0 && cur != r->assign[i] ? "1" : "0"};
        csv_write_row(out, row, 4);
    }
}

void terr_write_report(const struct terr_input *in, const struct terr_result *r, struct sb *out)
{
    const struct terr_problem *p = &in->p;
    sb_addf(out, "objective    %.6f\n", r->objective);
    sb_addf(out, "compactness  %.6f (%s)\n", r->compactness,
            p->compact == TERR_SUM_DISTANCE ? "total distance to centre" : "largest diameter");
    sb_addf(out, "balance      %s (largest excess over tolerance %.4f%%)\n",
            r->balanced ? "met" : "NOT met", 100 * r->max_violation);
    if (p->contiguous) sb_addf(out, "contiguity   %s\n", r->contiguous_ok ? "met" : "NOT met");
    sb_addf(out, "method       %s%s\n", r->proven_optimal ? "branch and bound: optimal" : "search",
            r->infeasible ? " (no solution meets every constraint)" : "");
    sb_addf(out, "moves        %zu\n", r->moves);
    sb_addf(out, "time         %.3f s, %ld steps\n\n", r->seconds, r->iterations);
    size_t *count = xcalloc(in->k, sizeof *count);
    for (size_t i = 0; i < in->n; i++)
        count[r->assign[i]]++;
    sb_addf(out, "%-16s %7s %12s", "territory", "units",
            p->compact == TERR_SUM_DISTANCE ? "distance" : "diameter");
    for (size_t j = 0; j < in->m; j++)
        sb_addf(out, " %14s %7s", in->measure_name[j], "vs mean");
    sb_adds(out, "\n");
    for (size_t t = 0; t < in->k; t++) {
        sb_addf(out, "%-16s %7zu %12.4f", in->terr_name[t], count[t], r->cost[t]);
        for (size_t j = 0; j < in->m; j++) {
            double w = r->totals[t * in->m + j], mean = r->mean[j];
            sb_addf(out, " %14.4f %+6.2f%%", w, mean > 0 ? 100 * (w - mean) / mean : 0.0);
        }
        sb_adds(out, "\n");
    }
    free(count);
    if (in->current && r->moves) {
        sb_addf(out, "\n%zu units change owner:\n", r->moves);
        for (size_t i = 0; i < in->n; i++)
            if (in->current[i] >= 0 && in->current[i] != r->assign[i])
                sb_addf(out, "  %s: %s -> %s\n", in->unit_id[i], in->terr_name[in->current[i]],
                        in->terr_name[r->assign[i]]);
    }
}
