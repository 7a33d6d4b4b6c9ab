/* recognition.c -- the rules of values and kudos: no I/O here. */
#include "recognition/recognition.h"

#include "core/text.h"

int value_fields_check(const struct value_fields *f, int creating, struct err *e)
{
    int rc;
    if (creating && !f->name) return err_field(e, REINS_EINVAL, "name", "field name: required");
    if (f->name && (rc = text_check(f->name, VALUE_NAME_MAX, "name", e)) < 0) return rc;
    /* An empty description is allowed: a value can speak for itself. */
    if (f->description && *f->description &&
        (rc = text_check(f->description, VALUE_DESCRIPTION_MAX, "description", e)) < 0)
        return rc;
    if (f->has_position && (f->position < 0 || f->position > VALUE_POSITION_MAX))
        return err_field(e, REINS_EINVAL, "position",
                         "field position: must be an integer from 0 to %d", VALUE_POSITION_MAX);
    return 0;
}

json_t *value_to_json(const struct company_value *v)
{
    return json_pack("{s:I, s:s, s:s, s:I, s:b}", "id", (json_int_t)v->id, "name", v->name,
                     "description", v->description ? v->description : "", "position",
                     (json_int_t)v->position, "archived", v->archived);
}

json_t *directory_entry_to_json(const struct directory_entry *d)
{
    json_t *o = json_pack("{s:I, s:s, s:s}", "id", (json_int_t)d->id, "name", d->name, "title",
                          d->title ? d->title : "");
    json_object_set_new(o, "team", d->team ? json_string(d->team) : json_null());
    return o;
}

size_t utf8_length(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80; /* count every byte but continuations */
    return n;
}

int kudos_message_check(const char *message, struct err *e)
{
    if (!message) return err_field(e, REINS_EINVAL, "message", "field message: required");
    size_t n = utf8_length(message);
    if (n > KUDOS_MESSAGE_MAX)
        return err_field(e, REINS_EINVAL, "message",
                         "field message: %zu characters, more than the %d allowed", n,
                         KUDOS_MESSAGE_MAX);
    /* A code point is at most 4 bytes, so the length in characters is the limit. */
    return text_check(message, 4 * KUDOS_MESSAGE_MAX, "message", e);
}

json_t *kudos_to_json(const struct kudos *k)
{
    return json_pack("{s:I, s:{s:I, s:s}, s:{s:I, s:s}, s:{s:I, s:s}, s:s, s:I}", "id",
                     (json_int_t)k->id, "from", "id", (json_int_t)k->from_id, "name", k->from_name,
                     "to", "id", (json_int_t)k->to_id, "name", k->to_name, "value", "id",
                     (json_int_t)k->value_id, "name", k->value_name, "message", k->message,
                     "created_at", (json_int_t)k->created_at);
}

json_t *recognition_gap_to_json(const struct recognition_gap *g)
{
    json_t *o = json_pack("{s:I, s:s}", "id", (json_int_t)g->id, "name", g->name);
    json_object_set_new(o, "last_recognised_at",
                        g->last_recognised_at ? json_integer((json_int_t)g->last_recognised_at)
                                              : json_null());
    return o;
}
