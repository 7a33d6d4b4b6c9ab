/* text.h -- small validators and converters for text that comes from users. */
#ifndef REINS_CORE_TEXT_H
#define REINS_CORE_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "core/err.h"

#define EMAIL_MAX 254

/* Copy `in` lower-cased into `out` (of EMAIL_MAX + 1 bytes) after checking
 * its shape: one '@' with text on both sides, a dot in the domain, no
 * spaces or control characters. `field` names the input in the error. */
int email_normalize(char out[EMAIL_MAX + 1], const char *in, const char *field, struct err *e);

/* Check a calendar date written YYYY-MM-DD (a real date, years 1900-2999). */
int date_check(const char *s, const char *field, struct err *e);
/* Days since 1970-01-01 of a valid YYYY-MM-DD date. */
int64_t date_to_days(const char *s);
/* Write the date `days` after 1970-01-01 as YYYY-MM-DD into out[11]. */
void date_from_days(int64_t days, char out[11]);
/* Today's date in UTC as YYYY-MM-DD. */
void date_today(char out[11]);

/* Check that `s` is non-empty after trimming and at most `max` bytes, with
 * no control characters, not starting with = + - @ (spreadsheets would run
 * it as a formula when they open an export). Emails are held to that too. */
int text_check(const char *s, size_t max, const char *field, struct err *e);

/* Check a free-text note: at most `max` bytes, lines and tabs allowed, no
 * other control characters; may be empty. */
int note_check(const char *s, size_t max, const char *field, struct err *e);

/* Parse a whole decimal integer; REINS_EINVAL on junk or overflow. */
int parse_int64(const char *s, int64_t *out);

#endif
