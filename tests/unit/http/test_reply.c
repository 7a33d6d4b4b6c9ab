/* test_reply.c -- request bodies in, JSON replies and errors out (api/reply.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "api/reply.h"

/* A request as the server would hand it over: an arena and a body. */
struct fake {
    struct arena arena;
    struct http_request req;
    struct http_response res;
};

static void fake_init(struct fake *f, const char *body)
{
    memset(f, 0, sizeof *f);
    f->req.arena = &f->arena;
    f->req.method = "POST";
    f->req.path = "/api/v1/test";
    f->req.request_id = "t-000001";
    f->req.client_ip = "127.0.0.1";
    f->req.body = body ? body : "";
    f->req.body_len = body ? strlen(body) : 0;
}

static void fake_release(struct fake *f)
{
    arena_release(&f->arena);
}

/* The reply body parsed back. */
static json_t *reply_body(const struct fake *f)
{
    assert_non_null(f->res.body);
    assert_int_equal(f->res.body_len, strlen(f->res.body));
    json_error_t je;
    json_t *v = json_loadb(f->res.body, f->res.body_len, 0, &je);
    if (!v) fail_msg("reply is not JSON (%s): %s", je.text, f->res.body);
    return v;
}

static void test_status_for_every_code(void **state)
{
    (void)state;
    static const struct {
        int code, status;
    } map[] = {
        {REINS_EINVAL, 400},    {REINS_EAUTH, 401},     {REINS_EFORBIDDEN, 403},
        {REINS_ENOTFOUND, 404}, {REINS_ECONFLICT, 409}, {REINS_ETOOBIG, 413},
        {REINS_ERATE, 429},     {REINS_ESTORE, 500},    {REINS_EIO, 500},
        {REINS_EVERSION, 500},  {REINS_EINTERNAL, 500}, {-99, 500},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (reply_status_for(map[i].code) != map[i].status)
            fail_msg("code %d (%s): status %d, want %d", map[i].code, err_code_name(map[i].code),
                     reply_status_for(map[i].code), map[i].status);
}

static void test_reply_json(void **state)
{
    (void)state;
    struct fake f;
    fake_init(&f, NULL);
    reply_json(&f.req, &f.res, 201, json_pack("{s:i, s:s}", "id", 7, "name", "West"));
    assert_int_equal(f.res.status, 201);
    assert_string_equal(f.res.body, "{\"id\":7,\"name\":\"West\"}");
    assert_int_equal(f.res.body_len, strlen(f.res.body));
    reply_json(&f.req, &f.res, 204, NULL);
    assert_int_equal(f.res.status, 204);
    assert_null(f.res.body);
    fake_release(&f);
}

static void test_reply_err_shapes(void **state)
{
    (void)state;
    struct fake f;
    fake_init(&f, NULL);
    struct err e = {0};
    err_field(&e, REINS_EINVAL, "email", "field email: 'x' is not an email address");
    reply_err(&f.req, &f.res, &e);
    assert_int_equal(f.res.status, 400);
    json_t *v = reply_body(&f);
    json_t *ev = json_object_get(v, "error");
    assert_non_null(ev);
    assert_string_equal(json_string_value(json_object_get(ev, "code")), "invalid");
    assert_string_equal(json_string_value(json_object_get(ev, "message")),
                        "field email: 'x' is not an email address");
    assert_string_equal(json_string_value(json_object_get(ev, "field")), "email");
    json_decref(v);

    /* no field: no "field" key */
    err_set(&e, REINS_ERATE, "too many failed logins");
    reply_err(&f.req, &f.res, &e);
    assert_int_equal(f.res.status, 429);
    v = reply_body(&f);
    ev = json_object_get(v, "error");
    assert_string_equal(json_string_value(json_object_get(ev, "code")), "rate_limited");
    assert_null(json_object_get(ev, "field"));
    json_decref(v);

    /* a 500 does not show internal detail, only the request id */
    err_set(&e, REINS_ESTORE, "relation \"secret_table\" does not exist");
    reply_err(&f.req, &f.res, &e);
    assert_int_equal(f.res.status, 500);
    assert_null(strstr(f.res.body, "secret_table"));
    assert_non_null(strstr(f.res.body, "t-000001"));
    fake_release(&f);
}

static void test_reply_error_escapes(void **state)
{
    (void)state;
    struct fake f;
    fake_init(&f, NULL);
    reply_error(&f.req, &f.res, 404, "not_found", NULL, "no person '%s'", "a\"b\\c\n");
    assert_int_equal(f.res.status, 404);
    json_t *v = reply_body(&f);
    assert_string_equal(json_string_value(json_object_get(json_object_get(v, "error"), "message")),
                        "no person 'a\"b\\c\n'");
    json_decref(v);
    fake_release(&f);
}

/* request_json_object must refuse `body` with REINS_EINVAL and a message containing `want`. */
static void body_refused_len(const char *body, size_t len, const char *want)
{
    struct fake f;
    fake_init(&f, body);
    f.req.body_len = len;
    json_t *obj = (json_t *)&f; /* must be reset to NULL */
    struct err e = {0};
    int rc = request_json_object(&f.req, &obj, &e);
    if (rc != REINS_EINVAL) fail_msg("body '%s': rc %d, want REINS_EINVAL", body, rc);
    assert_null(obj);
    if (!strstr(e.msg, want)) fail_msg("body '%s': message '%s' lacks '%s'", body, e.msg, want);
    fake_release(&f);
}

static void body_refused(const char *body, const char *want)
{
    body_refused_len(body, strlen(body), want);
}

static void test_request_json_object(void **state)
{
    (void)state;
    struct fake f;
    fake_init(&f, "{\"name\": \"West\", \"n\": 3}");
    json_t *obj = NULL;
    struct err e = {0};
    assert_int_equal(request_json_object(&f.req, &obj, &e), 0);
    assert_true(json_is_object(obj));
    assert_string_equal(json_string_value(json_object_get(obj, "name")), "West");
    json_decref(obj);
    fake_release(&f);

    /* body_len is what counts, not the NUL */
    fake_init(&f, "{}trailing");
    f.req.body_len = 2;
    assert_int_equal(request_json_object(&f.req, &obj, &e), 0);
    assert_int_equal(json_object_size(obj), 0);
    json_decref(obj);
    fake_release(&f);

    body_refused("", "required");
    body_refused_len("{\"a\": 1}", 0, "required");
    /* malformed, with the place named */
    body_refused("{\n  \"name\": \"West\",\n  \"n\": }", "line 3, column");
    body_refused("{\"a\": 1", "line 1");
    body_refused("{\"a\": 1} {}", "malformed JSON"); /* trailing data */
    body_refused("{\"a\": 1}x", "malformed JSON");
    body_refused("{'a': 1}", "malformed JSON");
    body_refused("{\"a\": 1,}", "malformed JSON");
    body_refused("{\"a\": \"\\u0000\"}", "malformed JSON"); /* NUL in a string */
    /* duplicate keys */
    body_refused("{\"a\": 1, \"a\": 2}", "duplicate");
    body_refused("{\"o\": {\"k\": 1, \"k\": 1}}", "duplicate");
    /* not an object */
    body_refused("[1, 2]", "must be a JSON object");
    body_refused("[]", "must be a JSON object");
    body_refused("42", "");
    body_refused("\"text\"", "");
    body_refused("null", "");
}

/* The column is right: jansson counts from 1, and the message says so. */
static void test_request_json_position(void **state)
{
    (void)state;
    struct fake f;
    fake_init(&f, "{\"a\": 1,\n \"b\": tru}");
    json_t *obj;
    struct err e = {0};
    assert_int_equal(request_json_object(&f.req, &obj, &e), REINS_EINVAL);
    assert_non_null(strstr(e.msg, "line 2, column"));
    int line = 0, col = 0;
    const char *at = strstr(e.msg, "line ");
    assert_int_equal(sscanf(at, "line %d, column %d", &line, &col), 2);
    assert_int_equal(line, 2);
    assert_true(col >= 7 && col <= 9); /* on the bad "tru" (columns 7-9) */
    fake_release(&f);
}

static void test_json_check_fields(void **state)
{
    (void)state;
    static const char *const allowed[] = {"name", "email", "manager_id", NULL};
    static const char *const none[] = {NULL};
    struct err e = {0};
    json_t *o = json_pack("{s:s, s:s}", "name", "A", "email", "a@x.io");
    assert_int_equal(json_check_fields(o, allowed, &e), 0);
    json_object_set_new(o, "emial", json_string("typo"));
    assert_int_equal(json_check_fields(o, allowed, &e), REINS_EINVAL);
    assert_int_equal(e.code, REINS_EINVAL);
    assert_non_null(strstr(e.msg, "'emial'"));
    assert_non_null(strstr(e.msg, "name, email, manager_id")); /* says what is known */
    json_decref(o);

    o = json_object();
    assert_int_equal(json_check_fields(o, allowed, &e), 0);
    assert_int_equal(json_check_fields(o, none, &e), 0);
    json_object_set_new(o, "x", json_true());
    assert_int_equal(json_check_fields(o, none, &e), REINS_EINVAL);
    assert_non_null(strstr(e.msg, "'x'"));
    assert_non_null(strstr(e.msg, "none"));
    json_decref(o);

    /* the key is quoted safely however long it is */
    char key[400];
    memset(key, 'k', sizeof key - 1);
    key[sizeof key - 1] = '\0';
    o = json_pack("{s:i}", key, 1);
    assert_int_equal(json_check_fields(o, allowed, &e), REINS_EINVAL);
    assert_non_null(strstr(e.msg, "unknown field 'kkkk"));
    json_decref(o);
}

/* A getter failure: REINS_EINVAL with e.field and the message naming `field`. */
static void assert_type_error(int rc, const struct err *e, const char *field)
{
    assert_int_equal(rc, REINS_EINVAL);
    assert_int_equal(e->code, REINS_EINVAL);
    assert_non_null(e->field);
    assert_string_equal(e->field, field);
    if (!strstr(e->msg, field)) fail_msg("message '%s' does not name %s", e->msg, field);
}

static void test_json_get_string(void **state)
{
    (void)state;
    json_t *o = json_pack("{s:s, s:n, s:i, s:b, s:[], s:{}}", "name", "West", "title", "n", 5,
                          "flag", 1, "list", "obj");
    struct err e = {0};
    const char *s = "untouched";
    assert_int_equal(json_get_string(o, "missing", &s, &e), 0);
    assert_string_equal(s, "untouched");
    assert_int_equal(json_get_string(o, "name", &s, &e), 1);
    assert_string_equal(s, "West");
    assert_int_equal(json_get_string(o, "title", &s, &e), 1); /* null */
    assert_null(s);
    static const char *const wrong[] = {"n", "flag", "list", "obj"};
    for (size_t i = 0; i < 4; i++) {
        err_clear(&e);
        s = "untouched";
        assert_type_error(json_get_string(o, wrong[i], &s, &e), &e, wrong[i]);
        assert_string_equal(s, "untouched");
    }
    json_decref(o);
}

static void test_json_get_id(void **state)
{
    (void)state;
    json_t *o = json_pack("{s:I, s:n, s:i, s:i, s:s, s:f, s:b, s:I}", "id", (json_int_t)7,
                          "manager_id", "zero", 0, "neg", -3, "text", "7", "real", 7.0, "flag", 1,
                          "big", (json_int_t)INT64_MAX);
    struct err e = {0};
    int64_t v = 99;
    int is_null = 5;
    assert_int_equal(json_get_id(o, "missing", &v, &is_null, &e), 0);
    assert_int_equal(v, 99);
    assert_int_equal(json_get_id(o, "id", &v, &is_null, &e), 1);
    assert_int_equal(v, 7);
    assert_int_equal(is_null, 0);
    assert_int_equal(json_get_id(o, "big", &v, NULL, &e), 1);
    assert_true(v == INT64_MAX);
    /* null: present, 0, flagged */
    v = 99;
    assert_int_equal(json_get_id(o, "manager_id", &v, &is_null, &e), 1);
    assert_int_equal(v, 0);
    assert_int_equal(is_null, 1);
    /* null where the caller cannot take one */
    assert_type_error(json_get_id(o, "manager_id", &v, NULL, &e), &e, "manager_id");
    static const char *const wrong[] = {"zero", "neg", "text", "real", "flag"};
    for (size_t i = 0; i < 5; i++) {
        err_clear(&e);
        assert_type_error(json_get_id(o, wrong[i], &v, &is_null, &e), &e, wrong[i]);
    }
    json_decref(o);
}

static void test_json_get_bool(void **state)
{
    (void)state;
    json_t *o =
        json_pack("{s:b, s:b, s:i, s:s, s:n}", "yes", 1, "no", 0, "one", 1, "text", "true", "nil");
    struct err e = {0};
    int v = 42;
    assert_int_equal(json_get_bool(o, "missing", &v, &e), 0);
    assert_int_equal(v, 42);
    assert_int_equal(json_get_bool(o, "yes", &v, &e), 1);
    assert_int_equal(v, 1);
    assert_int_equal(json_get_bool(o, "no", &v, &e), 1);
    assert_int_equal(v, 0);
    /* 1, "true" and null are not booleans (null has no meaning for a flag) */
    static const char *const wrong[] = {"one", "text", "nil"};
    for (size_t i = 0; i < 3; i++) {
        err_clear(&e);
        v = 42;
        assert_type_error(json_get_bool(o, wrong[i], &v, &e), &e, wrong[i]);
        assert_int_equal(v, 42);
    }
    json_decref(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_for_every_code), cmocka_unit_test(test_reply_json),
        cmocka_unit_test(test_reply_err_shapes),      cmocka_unit_test(test_reply_error_escapes),
        cmocka_unit_test(test_request_json_object),   cmocka_unit_test(test_request_json_position),
        cmocka_unit_test(test_json_check_fields),     cmocka_unit_test(test_json_get_string),
        cmocka_unit_test(test_json_get_id),           cmocka_unit_test(test_json_get_bool),
    };
    return cmocka_run_group_tests_name("reply", tests, NULL, NULL);
}
