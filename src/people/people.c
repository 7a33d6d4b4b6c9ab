/* people.c -- the rules of people and reporting lines: no I/O here. */
#include "people/people.h"

#include <stdlib.h>
#include <string.h>

#include "core/text.h"

int person_status_valid(const char *s)
{
    return s && (!strcmp(s, "active") || !strcmp(s, "leaving") || !strcmp(s, "left"));
}

int person_fields_check(const struct person_fields *f, int creating, struct err *e)
{
    int rc;
    char email[EMAIL_MAX + 1];
    if (creating && !f->name) return err_field(e, REINS_EINVAL, "name", "field name: required");
    if (creating && !f->email) return err_field(e, REINS_EINVAL, "email", "field email: required");
    if (creating && !f->start_date)
        return err_field(e, REINS_EINVAL, "start_date", "field start_date: required (YYYY-MM-DD)");
    if (f->name && (rc = text_check(f->name, PERSON_NAME_MAX, "name", e)) < 0) return rc;
    if (f->email && (rc = email_normalize(email, f->email, "email", e)) < 0) return rc;
    if (f->title && *f->title && (rc = text_check(f->title, PERSON_TITLE_MAX, "title", e)) < 0)
        return rc;
    if (f->start_date && (rc = date_check(f->start_date, "start_date", e)) < 0) return rc;
    if (f->status && !person_status_valid(f->status))
        return err_field(e, REINS_EINVAL, "status",
                         "field status: '%.40s' is not one of active, leaving, left", f->status);
    return 0;
}

json_t *person_to_json(const struct person *p)
{
    json_t *o = json_pack("{s:I, s:s, s:s, s:s, s:s, s:s}", "id", (json_int_t)p->id, "name",
                          p->name, "email", p->email, "title", p->title ? p->title : "",
                          "start_date", p->start_date, "status", p->status);
    json_object_set_new(o, "manager_id",
                        p->manager_id ? json_integer((json_int_t)p->manager_id) : json_null());
    json_object_set_new(o, "team_id",
                        p->team_id ? json_integer((json_int_t)p->team_id) : json_null());
    json_object_set_new(o, "team", p->team ? json_string(p->team) : json_null());
    if (p->depth) json_object_set_new(o, "depth", json_integer(p->depth));
    return o;
}

/* Three colours: 0 unvisited, 1 on the current walk, 2 done. Each node is
 * walked once, so the whole check is linear. */
long people_find_cycle(size_t n, const long *parent)
{
    unsigned char *colour = calloc(n ? n : 1, 1);
    long found = -1;
    for (size_t start = 0; start < n && found < 0; start++) {
        long v = (long)start;
        while (v >= 0 && colour[v] == 0) {
            colour[v] = 1;
            v = parent[v];
        }
        if (v >= 0 && colour[v] == 1) found = v;
        for (long u = (long)start; u >= 0 && colour[u] == 1; u = parent[u])
            colour[u] = 2;
    }
    free(colour);
    return found;
}
