/* text.c -- small validators and converters for text that comes from users. */
#include "core/text.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Text that spreadsheets take for a formula when a CSV export is opened. */
static int formula_start(const char *s)
{
    return *s == '=' || *s == '+' || *s == '-' || *s == '@';
}

int email_normalize(char out[EMAIL_MAX + 1], const char *in, const char *field, struct err *e)
{
    if (!in || !*in)
        return err_field(e, REINS_EINVAL, field, "field %s: an email is required", field);
    size_t n = strlen(in);
    if (n > EMAIL_MAX)
        return err_field(e, REINS_EINVAL, field, "field %s: email longer than %d characters", field,
                         EMAIL_MAX);
    const char *at = strchr(in, '@');
    if (!at || at == in || formula_start(in) || strchr(at + 1, '@') || !strchr(at + 1, '.') ||
        at[1] == '.' || in[n - 1] == '.')
        return err_field(e, REINS_EINVAL, field, "field %s: '%.100s' is not an email address",
                         field, in);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)in[i];
        if (c <= ' ' || c == 0x7f || c == ',' || c == '"' || c == '<' || c == '>')
            return err_field(e, REINS_EINVAL, field, "field %s: '%.100s' is not an email address",
                             field, in);
        out[i] = (char)tolower(c);
    }
    out[n] = '\0';
    return 0;
}

static int days_in_month(int y, int m)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0)) return 29;
    return d[m - 1];
}

/* The number written by the n digits at s (checked digits: no atoi, which reads a date's
 * three numbers through strtol, a cost when each of millions of rows has another date). */
static int digits_at(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

int date_check(const char *s, const char *field, struct err *e)
{
    if (!s || !*s) return err_field(e, REINS_EINVAL, field, "field %s: a date is required", field);
    int ok = strlen(s) == 10 && s[4] == '-' && s[7] == '-';
    for (int i = 0; ok && i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i])) ok = 0;
    if (ok) {
        int y = digits_at(s, 4), m = digits_at(s + 5, 2), d = digits_at(s + 8, 2);
        ok = y >= 1900 && y <= 2999 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
    }
    if (!ok)
        return err_field(e, REINS_EINVAL, field, "field %s: '%.40s' is not a date (YYYY-MM-DD)",
                         field, s);
    return 0;
}

/* Howard Hinnant's days-from-civil: exact for the proleptic Gregorian calendar. */
int64_t date_to_days(const char *s)
{
    int shaped = 1; /* YYYY-MM-DD, read up to the first byte that is not */
    for (int i = 0; shaped && i < 10; i++)
        shaped = i == 4 || i == 7 ? s[i] == '-' : s[i] >= '0' && s[i] <= '9';
    int64_t y, m, d;
    if (shaped) {
        y = digits_at(s, 4);
        m = digits_at(s + 5, 2);
        d = digits_at(s + 8, 2);
    } else { /* not a valid date: read as it always was */
        y = atoi(s);
        m = atoi(s + 5);
        d = atoi(s + 8);
    }
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void date_from_days(int64_t z, char out[11])
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t y = yoe + era * 400;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int64_t d = doy - (153 * mp + 2) / 5 + 1;
    int64_t m = mp + (mp < 10 ? 3 : -9);
    y += m <= 2;
    /* digits by hand: the compiler cannot see that y has four digits */
    int yy = (int)(y % 10000), mm = (int)m, dd = (int)d;
    out[0] = (char)('0' + yy / 1000);
    out[1] = (char)('0' + yy / 100 % 10);
    out[2] = (char)('0' + yy / 10 % 10);
    out[3] = (char)('0' + yy % 10);
    out[4] = '-';
    out[5] = (char)('0' + mm / 10);
    out[6] = (char)('0' + mm % 10);
    out[7] = '-';
    out[8] = (char)('0' + dd / 10);
    out[9] = (char)('0' + dd % 10);
    out[10] = '\0';
}

void date_today(char out[11])
{
    date_from_days((int64_t)(time(NULL) / 86400), out);
}

int text_check(const char *s, size_t max, const char *field, struct err *e)
{
    if (!s) return err_field(e, REINS_EINVAL, field, "field %s: required", field);
    const char *p = s;
    while (*p == ' ' || *p == '\t')
        p++;
    if (!*p) return err_field(e, REINS_EINVAL, field, "field %s: must not be empty", field);
    size_t n = strlen(s);
    if (n > max)
        return err_field(e, REINS_EINVAL, field, "field %s: longer than %zu characters", field,
                         max);
    for (size_t i = 0; i < n; i++)
        /* C0 controls, DEL, and the C1 controls U+0080..U+009F (C2 80..9F in UTF-8) */
        if ((unsigned char)s[i] < ' ' || s[i] == 0x7f ||
            ((unsigned char)s[i] == 0xc2 && (unsigned char)s[i + 1] >= 0x80 &&
             (unsigned char)s[i + 1] <= 0x9f))
            return err_field(e, REINS_EINVAL, field, "field %s: contains a control character",
                             field);
    if (formula_start(p))
        return err_field(e, REINS_EINVAL, field,
                         "field %s: must not start with =, +, - or @ (a spreadsheet opening an "
                         "export would run it as a formula)",
                         field);
    return 0;
}

int note_check(const char *s, size_t max, const char *field, struct err *e)
{
    if (!s) return err_field(e, REINS_EINVAL, field, "field %s: required", field);
    size_t n = strlen(s);
    if (n > max)
        return err_field(e, REINS_EINVAL, field, "field %s: longer than %zu characters", field,
                         max);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < ' ' && c != '\n' && c != '\r' && c != '\t') || c == 0x7f)
            return err_field(e, REINS_EINVAL, field, "field %s: contains a control character",
                             field);
    }
    return 0;
}

int parse_int64(const char *s, int64_t *out)
{
    /* strtoll would skip leading space and take a '+': a whole number only */
    if (!s || !(isdigit((unsigned char)*s) || (*s == '-' && isdigit((unsigned char)s[1]))))
        return REINS_EINVAL;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end) return REINS_EINVAL;
    *out = v;
    return 0;
}
