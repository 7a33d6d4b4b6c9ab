/* static_files.h -- the browser UI's files, served from one folder.
 *
 * Only regular files inside the folder are served (no "..", no symlinks out,
 * no dotfiles); each with its content type, an ETag and "no-cache" so a
 * browser revalidates (a 304 costs nothing) and never runs a stale script
 * after an upgrade. HTML pages get a Content-Security-Policy that allows
 * scripts and styles from this origin only, never inline.
 */
#ifndef REINS_HTTP_STATIC_FILES_H
#define REINS_HTTP_STATIC_FILES_H

#include "http/server.h"

/* The folder holding the UI: `flag` if given, else REINS_WEB, else web/
 * beside or above the running binary (build/reins -> web/). Returns a
 * malloc'd absolute path, or NULL when none exists. */
char *static_find_root(const char *flag);

/* Answer GET or HEAD of `req->path` from `root` (an absolute path):
 * "/" is index.html. Fills a 404 when there is no such file. */
void static_serve(const char *root, struct http_request *req, struct http_response *res);

#endif
