/* growth.c -- the rules of growth: rating ranges, gaps and their coaching signal, and the
 * JSON shapes. No I/O here. */
#include "growth/growth.h"

#include <stdlib.h>
#include <string.h>

#include "core/text.h"

int growth_role_valid(const char *s)
{
    return s && (!strcmp(s, "seller") || !strcmp(s, "manager"));
}

int goal_status_valid(const char *s)
{
    return s && (!strcmp(s, "open") || !strcmp(s, "done") || !strcmp(s, "dropped"));
}

int growth_rating_check(int64_t v, const char *field, struct err *e)
{
    if (v < RATING_MIN || v > RATING_MAX)
        return err_field(e, REINS_EINVAL, field, "field %s: %lld is not a rating from %d to %d",
                         field, (long long)v, RATING_MIN, RATING_MAX);
    return 0;
}

int growth_progress_check(int64_t v, const char *field, struct err *e)
{
    if (v < PROGRESS_MIN || v > PROGRESS_MAX)
        return err_field(e, REINS_EINVAL, field, "field %s: %lld is not a progress from %d to %d",
                         field, (long long)v, PROGRESS_MIN, PROGRESS_MAX);
    return 0;
}

int growth_optional_text_check(const char *s, size_t max, const char *field, struct err *e)
{
    if (!s || !*s) return 0;
    return text_check(s, max, field, e);
}

int growth_gap(const struct rating *self, const struct rating *manager, int *gap)
{
    if (!self) return 0;
    /* The person's own belief against the best judge of their skill there is. */
    int competence = manager ? manager->competence : self->competence;
    *gap = self->confidence - competence;
    return 1;
}

const char *growth_signal(int gap)
{
    if (gap >= GROWTH_SIGNAL_GAP) return "confident beyond current skill";
    if (gap <= -GROWTH_SIGNAL_GAP) return "more skilled than they believe";
    return NULL;
}

static json_t *string_or_null(const char *s)
{
    return s ? json_string(s) : json_null();
}

json_t *skill_to_json(const struct skill *s)
{
    return json_pack("{s:I, s:s, s:s, s:s, s:I, s:b}", "id", (json_int_t)s->id, "role", s->role,
                     "name", s->name, "description", s->description ? s->description : "",
                     "position", (json_int_t)s->position, "archived", s->archived);
}

json_t *rating_to_json(const struct rating *r)
{
    return json_pack("{s:I, s:I, s:I, s:s, s:i, s:i, s:s, s:s, s:{s:I, s:s}}", "id",
                     (json_int_t)r->id, "person_id", (json_int_t)r->person_id, "skill_id",
                     (json_int_t)r->skill_id, "source", r->source, "competence", r->competence,
                     "confidence", r->confidence, "comment", r->comment ? r->comment : "",
                     "rated_on", r->rated_on, "rater", "id", (json_int_t)r->rater_id, "name",
                     r->rater_name ? r->rater_name : "");
}

json_t *goal_to_json(const struct goal *g)
{
    json_t *o = json_pack("{s:I, s:I, s:s, s:s, s:i, s:I}", "id", (json_int_t)g->id, "person_id",
                          (json_int_t)g->person_id, "title", g->title, "status", g->status,
                          "progress", g->progress, "created_at", (json_int_t)g->created_at);
    json_object_set_new(o, "skill",
                        g->skill_id ? json_pack("{s:I, s:s}", "id", (json_int_t)g->skill_id, "name",
                                                g->skill_name ? g->skill_name : "")
                                    : json_null());
    json_object_set_new(o, "target_date", string_or_null(g->target_date));
    json_object_set_new(o, "last_checkin", string_or_null(g->last_checkin));
    return o;
}

json_t *checkin_to_json(const struct checkin *c)
{
    return json_pack("{s:I, s:I, s:{s:I, s:s}, s:i, s:s, s:s}", "id", (json_int_t)c->id, "goal_id",
                     (json_int_t)c->goal_id, "author", "id", (json_int_t)c->author_id, "name",
                     c->author_name ? c->author_name : "", "progress", c->progress, "note",
                     c->note ? c->note : "", "created_on", c->created_on);
}

static int rating_order(const void *a, const void *b)
{
    const struct rating *x = a, *y = b;
    int c = strcmp(x->rated_on, y->rated_on);
    if (c) return c;
    return (x->id > y->id) - (x->id < y->id);
}

json_t *growth_matrix_json(int64_t person_id, const char *framework, const struct skill *skills,
                           size_t nskills, const struct rating *ratings, size_t nratings,
                           json_t *goals)
{
    struct rating *sorted = xmalloc((nratings ? nratings : 1) * sizeof *sorted);
    if (nratings) memcpy(sorted, ratings, nratings * sizeof *sorted);
    qsort(sorted, nratings, sizeof *sorted, rating_order);
    json_t *rows = json_array();
    for (size_t i = 0; i < nskills; i++) {
        const struct rating *self = NULL, *manager = NULL;
        json_t *history = json_array();
        for (size_t j = 0; j < nratings; j++) {
            const struct rating *r = &sorted[j];
            if (r->skill_id != skills[i].id) continue;
            /* oldest first, so the last one seen of each source is the latest */
            if (!strcmp(r->source, "self"))
                self = r;
            else
                manager = r;
            json_array_append_new(
                history, json_pack("{s:s, s:i, s:i, s:s, s:s}", "source", r->source, "competence",
                                   r->competence, "confidence", r->confidence, "rated_on",
                                   r->rated_on, "comment", r->comment ? r->comment : ""));
        }
        json_t *row =
            json_pack("{s:o, s:o}", "skill", skill_to_json(&skills[i]), "history", history);
        json_object_set_new(row, "self",
                            self ? json_pack("{s:i, s:i, s:s, s:s}", "competence", self->competence,
                                             "confidence", self->confidence, "rated_on",
                                             self->rated_on, "comment",
                                             self->comment ? self->comment : "")
                                 : json_null());
        json_object_set_new(row, "manager",
                            manager
                                ? json_pack("{s:i, s:i, s:s, s:s, s:{s:I, s:s}}", "competence",
                                            manager->competence, "confidence", manager->confidence,
                                            "rated_on", manager->rated_on, "comment",
                                            manager->comment ? manager->comment : "", "rater", "id",
                                            (json_int_t)manager->rater_id, "name",
                                            manager->rater_name ? manager->rater_name : "")
                                : json_null());
        int gap;
        const char *signal = NULL;
        if (growth_gap(self, manager, &gap)) {
            json_object_set_new(row, "gap", json_integer(gap));
            signal = growth_signal(gap);
        } else {
            json_object_set_new(row, "gap", json_null());
        }
        json_object_set_new(row, "signal", string_or_null(signal));
        json_array_append_new(rows, row);
    }
    free(sorted);
    return json_pack("{s:I, s:s, s:o, s:o}", "person_id", (json_int_t)person_id, "framework",
                     framework, "skills", rows, "goals", goals ? goals : json_array());
}
