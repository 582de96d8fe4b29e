/* Small helpers: errors, memory, paths, files, API versions. */
#include "launcher.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void vfatal(int code, const char *prefix, const char *fmt, va_list ap) {
  fputs("ERROR: ", stderr);
  fputs(prefix, stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  exit(code);
}

/* Prints "ERROR: failed to launch: <msg>" (the CLI's `failed to <verb>: <cause>` form) and exits. */
void die(int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfatal(code, "failed to launch: ", fmt, ap);
}

/* Prints "ERROR: <msg>" and exits (API checks, as the TypeScript phases print them). */
void fatal(int code, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vfatal(code, "", fmt, ap);
}

void warn(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("Warning: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
}

void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) die(EXIT_LAUNCH, "out of memory");
  return p;
}

void *xrealloc(void *p, size_t n) {
  p = realloc(p, n ? n : 1);
  if (!p) die(EXIT_LAUNCH, "out of memory");
  return p;
}

char *xstrndup(const char *s, size_t n) {
  char *p = xmalloc(n + 1);
  memcpy(p, s, n);
  p[n] = 0;
  return p;
}

char *xstrdup(const char *s) { return xstrndup(s, strlen(s)); }

char *concat(const char *a, const char *b, const char *c) {
  size_t la = a ? strlen(a) : 0, lb = b ? strlen(b) : 0, lc = c ? strlen(c) : 0;
  char *p = xmalloc(la + lb + lc + 1);
  if (la) memcpy(p, a, la);
  if (lb) memcpy(p + la, b, lb);
  if (lc) memcpy(p + la + lb, c, lc);
  p[la + lb + lc] = 0;
  return p;
}

char *path_join(const char *dir, const char *rel) {
  char sep[2] = {LN_DIR_SEP, 0};
  size_t l = strlen(dir);
  char *p = (l > 0 && (dir[l - 1] == '/' || dir[l - 1] == '\\')) ? concat(dir, rel, NULL) : concat(dir, sep, rel);
  if (LN_WINDOWS)
    for (char *q = p; *q; q++)
      if (*q == '/') *q = '\\';
  return p;
}

int ascii_ieq(const char *a, const char *b) {
  for (; *a && *b; a++, b++) {
    char x = (*a >= 'A' && *a <= 'Z') ? (char)(*a + 32) : *a, y = (*b >= 'A' && *b <= 'Z') ? (char)(*b + 32) : *b;
    if (x != y) return 0;
  }
  return *a == *b;
}

int is_dir(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

int is_file(const char *path) {
  struct stat st;
  return stat(path, &st) == 0 && !S_ISDIR(st.st_mode);
}

char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 4096, n = 0;
  char *buf = xmalloc(cap);
  for (;;) {
    if (cap - n < 2) buf = xrealloc(buf, cap *= 2);
    size_t r = fread(buf + n, 1, cap - n - 1, f);
    n += r;
    if (r == 0) break;
  }
  int err = ferror(f);
  fclose(f);
  if (err) {
    free(buf);
    errno = EIO;
    return NULL;
  }
  buf[n] = 0;
  if (len) *len = n;
  return buf;
}

/* VER-01: "<major>.<minor>" or "<major>", decimal components. */
int parse_api(const char *s, unsigned long *major, unsigned long *minor) {
  const char *p = s;
  char *end;
  if (!s || *s < '0' || *s > '9') return -1;
  *major = strtoul(p, &end, 10);
  *minor = 0;
  if (*end == 0) return 0;
  if (*end != '.' || end[1] < '0' || end[1] > '9') return -1;
  *minor = strtoul(end + 1, &end, 10);
  return *end == 0 ? 0 : -1;
}

int api_at_least(const char *v, unsigned long major, unsigned long minor) {
  unsigned long a, b;
  if (parse_api(v, &a, &b) != 0) return 0;
  return a != major ? a > major : b >= minor;
}

int api_in_list(const char *v, const char *list) {
  unsigned long a, b, c, d;
  if (parse_api(v, &a, &b) != 0) return 0;
  char *copy = xstrdup(list);
  int found = 0;
  for (char *tok = strtok(copy, " "); tok && !found; tok = strtok(NULL, " "))
    if (parse_api(tok, &c, &d) == 0 && a == c && b == d) found = 1;
  free(copy);
  return found;
}

void sl_push(strlist *l, char *s) {
  if (l->n + 1 >= l->cap) {
    l->cap = l->cap ? l->cap * 2 : 8;
    l->v = xrealloc(l->v, l->cap * sizeof(char *));
  }
  l->v[l->n++] = s;
  l->v[l->n] = NULL;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

void list_dir(const char *dir, int want_dirs, strlist *out) {
  DIR *d = opendir(dir);
  if (!d) {
    if (errno == ENOENT || errno == ENOTDIR) return;
    die(EXIT_LAUNCH, "failed to list files in dir '%s': %s", dir, strerror(errno));
  }
  size_t start = out->n;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    char *full = path_join(dir, e->d_name);
    int isd = is_dir(full);
    free(full);
    if (isd == want_dirs) sl_push(out, xstrdup(e->d_name));
  }
  closedir(d);
  if (out->n > start) qsort(out->v + start, out->n - start, sizeof(char *), cmp_str);
}
