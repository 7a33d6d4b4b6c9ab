/* migrations.h -- the built-in list of migrations; private to src/store/. */
#ifndef REINS_STORE_MIGRATIONS_H
#define REINS_STORE_MIGRATIONS_H

struct migration {
    int version; /* 1, 2, 3, ... without gaps */
    const char *name;
    const char *sql; /* dialect-neutral text; see migrations.c */
};

extern const struct migration migrations[];
extern const int migrations_count;

#endif
