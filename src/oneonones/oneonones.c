/* oneonones.c -- the rules of one-on-ones: dates by cadence, overdue, iCalendar. No I/O. */
#include "oneonones/oneonones.h"

#include <stdio.h>
#include <string.h>

#include "core/text.h"

enum cadence cadence_parse(const char *s)
{
    if (!s) return CADENCE_NONE;
    if (!strcmp(s, "weekly")) return CADENCE_WEEKLY;
    if (!strcmp(s, "biweekly")) return CADENCE_BIWEEKLY;
    if (!strcmp(s, "monthly")) return CADENCE_MONTHLY;
    return CADENCE_NONE;
}

const char *cadence_name(enum cadence c)
{
    switch (c) {
    case CADENCE_WEEKLY:
        return "weekly";
    case CADENCE_BIWEEKLY:
        return "biweekly";
    case CADENCE_MONTHLY:
        return "monthly";
    default:
        return "none";
    }
}

static int is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int64_t cadence_date(enum cadence c, int64_t first_days, int k)
{
    if (c == CADENCE_WEEKLY) return first_days + 7 * (int64_t)k;
    if (c == CADENCE_BIWEEKLY) return first_days + 14 * (int64_t)k;
    /* monthly: k months later, the same day of the month or the month's last */
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    char d[11];
    date_from_days(first_days, d);
    int y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
    int m = (d[5] - '0') * 10 + (d[6] - '0') - 1 + k;
    int day = (d[8] - '0') * 10 + (d[9] - '0');
    y += m / 12;
    m %= 12;
    int last = mdays[m] + (m == 1 && is_leap(y));
    if (day > last) day = last;
    char out[40];
    snprintf(out, sizeof out, "%04d-%02d-%02d", y, m + 1, day);
    return date_to_days(out);
}

int64_t cadence_next(enum cadence c, int64_t first_days, int64_t from_days)
{
    if (from_days <= first_days) return first_days;
    if (c != CADENCE_MONTHLY) {
        int64_t step = c == CADENCE_WEEKLY ? 7 : 14;
        return first_days + (from_days - first_days + step - 1) / step * step;
    }
    /* a month is 28 to 31 days: start from an estimate below and walk up */
    int k = (int)((from_days - first_days) / 31);
    while (cadence_date(c, first_days, k) < from_days)
        k++;
    return cadence_date(c, first_days, k);
}

int oneonone_overdue(int64_t today, int64_t first_days, int64_t last_held_days, int overdue_days)
{
    int64_t since = last_held_days > 0 ? last_held_days : first_days;
    return today - since > overdue_days;
}

int time_of_day_check(const char *s, const char *field, struct err *e)
{
    int ok = s && strlen(s) == 5 && s[2] == ':' && s[0] >= '0' && s[0] <= '2' && s[1] >= '0' &&
             s[1] <= '9' && s[3] >= '0' && s[3] <= '5' && s[4] >= '0' && s[4] <= '9' &&
             (s[0] - '0') * 10 + (s[1] - '0') < 24;
    if (!ok)
        return err_field(e, REINS_EINVAL, field, "field %s: '%.20s' is not a time of day (HH:MM)",
                         field, s ? s : "");
    return 0;
}

/* RFC 5545 3.1: content lines are folded at 75 octets, never inside a UTF-8
 * sequence; continuation lines start with a space. */
static void ics_line(struct sb *out, const char *line)
{
    size_t n = strlen(line), col = 0;
    for (size_t i = 0; i < n;) {
        size_t len = 1;
        unsigned char c = (unsigned char)line[i];
        if (c >= 0xf0)
            len = 4;
        else if (c >= 0xe0)
            len = 3;
        else if (c >= 0xc0)
            len = 2;
        if (col + len > 75) {
            sb_add(out, "\r\n ", 3);
            col = 1;
        }
        sb_add(out, line + i, len);
        col += len;
        i += len;
    }
    sb_add(out, "\r\n", 2);
}

/* RFC 5545 3.3.11: backslash, semicolon, comma and newline are escaped. */
static void ics_text(struct sb *out, const char *s)
{
    for (; *s; s++) {
        if (*s == '\\' || *s == ';' || *s == ',') {
            sb_add(out, "\\", 1);
            sb_add(out, s, 1);
        } else if (*s == '\n') {
            sb_add(out, "\\n", 2);
        } else if (*s != '\r') {
            sb_add(out, s, 1);
        }
    }
}

static void ics_prop(struct sb *out, const char *name, const char *text)
{
    struct sb line = SB_INIT;
    sb_adds(&line, name);
    sb_adds(&line, ":");
    ics_text(&line, text);
    ics_line(out, line.buf);
    sb_release(&line);
}

void ics_write(struct sb *out, const char *calendar_name, const struct ics_event *ev, size_t n,
               int64_t stamp)
{
    char stampbuf[32], buf[128];
    char day[11];
    date_from_days(stamp / 86400, day);
    int64_t secs = stamp % 86400;
    snprintf(stampbuf, sizeof stampbuf, "%.4s%.2s%.2sT%02d%02d%02dZ", day, day + 5, day + 8,
             (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
    ics_line(out, "BEGIN:VCALENDAR");
    ics_line(out, "VERSION:2.0");
    ics_line(out, "PRODID:-//reins//one-on-ones//EN");
    ics_line(out, "CALSCALE:GREGORIAN");
    ics_prop(out, "X-WR-CALNAME", calendar_name);
    for (size_t i = 0; i < n; i++) {
        const struct ics_event *e = &ev[i];
        ics_line(out, "BEGIN:VEVENT");
        ics_prop(out, "UID", e->uid);
        snprintf(buf, sizeof buf, "DTSTAMP:%s", stampbuf);
        ics_line(out, buf);
        /* floating local time: the meeting is at 09:00 wherever the two are */
        snprintf(buf, sizeof buf, "DTSTART:%.4s%.2s%.2sT%.2s%.2s00", e->date, e->date + 5,
                 e->date + 8, e->start_time, e->start_time + 3);
        ics_line(out, buf);
        snprintf(buf, sizeof buf, "DURATION:PT%dM", e->duration_minutes);
        ics_line(out, buf);
        ics_prop(out, "SUMMARY", e->summary);
        if (e->description) ics_prop(out, "DESCRIPTION", e->description);
        ics_line(out, "END:VEVENT");
    }
    ics_line(out, "END:VCALENDAR");
}
