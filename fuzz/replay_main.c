/* replay_main.c -- a main() that feeds files to a fuzz target, for gcc builds.
 *
 * gcc has no libFuzzer, so every fuzz target is also linked with this file and
 * replays its corpus (and any crash file) under the sanitizers: that keeps the
 * corpus checked by `make` on every machine. A clang -fsanitize=fuzzer build
 * defines REINS_LIBFUZZER and gets libFuzzer's main instead.
 *
 * Usage: <target> PATH...   where each PATH is a file, or a directory whose
 * files (and the files of its immediate subdirectories) are replayed in name
 * order. Dot files are ignored.
 */
#ifndef REINS_LIBFUZZER

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static size_t replayed;

/* Replay one regular file; returns 0, or -1 if it cannot be read. */
static int replay_file(const char *path, size_t size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    /* exactly `size` bytes, so ASan sees any read past the end of the input */
    unsigned char *data = malloc(size ? size : 1);
    if (!data) abort();
    int bad = fread(data, 1, size, f) != size;
    fclose(f);
    if (bad) {
        fprintf(stderr, "%s: cannot read\n", path);
        free(data);
        return -1;
    }
    LLVMFuzzerTestOneInput(data, size);
    free(data);
    replayed++;
    return 0;
}

/* Replay a file, or a directory's entries with `depth` more levels allowed. */
static int replay_path(const char *path, int depth)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        perror(path);
        return -1;
    }
    if (S_ISREG(st.st_mode)) return replay_file(path, (size_t)st.st_size);
    if (!S_ISDIR(st.st_mode)) return 0;
    if (depth < 0) return 0;

    struct dirent **names;
    int n = scandir(path, &names, NULL, alphasort);
    if (n < 0) {
        perror(path);
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < n; i++) {
        if (names[i]->d_name[0] != '.') {
            size_t len = strlen(path) + strlen(names[i]->d_name) + 2;
            char *child = malloc(len);
            if (!child) abort();
            snprintf(child, len, "%s/%s", path, names[i]->d_name);
            if (replay_path(child, depth - 1) != 0) rc = -1;
            free(child);
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
        return 2;
    }
    int rc = 0;
    for (int i = 1; i < argc; i++)
        if (replay_path(argv[i], 1) != 0) rc = 1;
    printf("replayed %zu inputs\n", replayed);
    return rc;
}

#endif
