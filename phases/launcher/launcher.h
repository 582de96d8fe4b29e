/*
 * The CNB launcher (checklist §3.11, LN-*): shared declarations.
 *
 * The launcher reads the launch description that the exporter wrote at `<layers>/config/launch.desc`
 * (format: docs/launcher.md, encoder: src/launch/codec.ts), picks the process, builds the launch
 * environment, runs exec.d programs and finally replaces itself with the process (POSIX) or runs it and
 * forwards its exit code (Windows). It has no TOML parser except the tiny exec.d output subset.
 */
#ifndef CNB_LAUNCHER_H
#define CNB_LAUNCHER_H

#include <stddef.h>

#ifdef _WIN32
#define LN_WINDOWS 1
#define LN_PATH_SEP ';'
#define LN_DIR_SEP '\\'
#else
#define LN_WINDOWS 0
#define LN_PATH_SEP ':'
#define LN_DIR_SEP '/'
#endif

/* Exit codes (checklist §8). */
#define EXIT_PLATFORM_API 11  /* LN-14 / VER-02 / VER-03 */
#define EXIT_BUILDPACK_API 12 /* LN-14 / VER-04 */
#define EXIT_LAUNCH 82        /* LN-13: any failure before exec ([REF] 82) */

/* Keep in sync with src/platform/api-version.ts (a unit test compares them). */
#define LN_SUPPORTED_PLATFORM_APIS "0.7 0.8 0.9 0.10 0.11 0.12 0.13 0.14 0.15"
#define LN_SUPPORTED_BUILDPACK_APIS "0.7 0.8 0.9 0.10 0.11 0.12"

/* Description file, relative to <layers>; and its first line. */
#define LN_DESC_PATH "config/launch.desc"
#define LN_DESC_MAGIC "cnb-launch-desc 1"

/* ---- util.c ---- */
void die(int code, const char *fmt, ...);
void fatal(int code, const char *fmt, ...);
void warn(const char *fmt, ...);
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *concat(const char *a, const char *b, const char *c); /* a+b+c, NULLs as "" */
char *path_join(const char *dir, const char *rel);          /* dir + DIR_SEP + rel (rel may use '/') */
int ascii_ieq(const char *a, const char *b); /* ASCII case-insensitive equality */
int is_dir(const char *path);
int is_file(const char *path); /* exists and is not a directory (symlinks followed) */
char *read_file(const char *path, size_t *len); /* NULL on error, errno set; NUL-terminated */
/* Version "<major>.<minor>" or "<major>" (VER-01); returns 0 on success. */
int parse_api(const char *s, unsigned long *major, unsigned long *minor);
int api_at_least(const char *v, unsigned long major, unsigned long minor); /* v must be valid */
int api_in_list(const char *v, const char *list);                          /* space-separated list */

/* A growable list of strings. */
typedef struct {
  char **v;
  size_t n, cap;
} strlist;
void sl_push(strlist *l, char *s);
/* Names of non-directory entries (want_dirs=0) or directories (1) of dir, sorted bytewise;
 * a missing dir yields an empty list. */
void list_dir(const char *dir, int want_dirs, strlist *out);

/* ---- desc.c: the launch description ---- */
typedef struct {
  char *type, *bp_id, *working_dir;
  int direct;       /* LN-03/LN-04: precomputed by the exporter */
  int replace_args; /* LN-03: user args replace `args` (Platform >= 0.10) */
  int is_default;
  strlist command, args, exec_env;
} ln_proc;

/* One ordered operation; kinds below. */
enum { OP_ROOT, OP_ENV, OP_EXECD, OP_PROFILE, OP_SCAN_ROOT, OP_SCAN_ENV, OP_SCAN_EXECD, OP_SCAN_PROFILE };
enum { ACT_OVERRIDE, ACT_DEFAULT, ACT_PREPEND, ACT_APPEND };
typedef struct {
  int kind;
  char *scope; /* "" = every process, else a process type (env.launch/<type>, exec.d/<type>, ...) */
  int action;  /* OP_ENV */
  char *name;  /* OP_ENV / OP_ROOT: the variable */
  char *value; /* OP_ENV: file contents; other kinds: a path relative to <layers> */
  size_t value_len;
  char *delim; /* OP_ENV prepend/append */
} ln_op;

typedef struct {
  char *app_dir;
  char *default_type;
  strlist bp_ids, bp_apis;
  ln_proc *procs;
  size_t nprocs;
  ln_op *ops;
  size_t nops;
} ln_desc;

/* Parses the description text; on a format error dies with EXIT_LAUNCH naming `file`. */
void desc_parse(const char *file, const char *text, size_t len, ln_desc *out);

/* ---- env.c: the launch environment (LN-07, LN-08, EF-*) ---- */
void env_init(char **environ_in);
const char *env_get(const char *name);
void env_set(const char *name, const char *value);
void env_unset(const char *name);
char **env_list(void); /* NULL-terminated "K=V" array, owned by env.c */
/* Applies root and env ops (and scan variants) for the selected process type ("" = none). */
void env_apply_ops(const ln_desc *d, const char *layers_dir, const char *ptype);
/* Collects exec.d programs (LN-09) or profile scripts (LN-11), in order, as absolute paths. */
void collect_files(const ln_desc *d, const char *layers_dir, const char *ptype, int profiles, strlist *out);

/* ---- toml.c: exec.d output (fd 3), the `KEY = "value"` subset ---- */
/* Parses `text`; calls set(key, value) for each pair. Returns NULL or an error message. */
const char *execd_toml_parse(const char *text, size_t len, void (*set)(const char *, const char *));

/* ---- posix.c / windows.c ---- */
/* Runs one exec.d program with the current env and cwd; returns its output (fd 3) or dies (LN-09/10). */
char *run_execd(const char *path, size_t *len);
/* Final step (LN-11/LN-12). Never returns. */
void exec_direct(const char *file, char **argv, const char *working_dir);
void exec_shell(const char *self, const char *command, char **args, size_t nargs, const strlist *profiles,
                const char *app_dir, const char *working_dir);
/* [REF] UMASK (octal) from the launch env, set before exec. */
void apply_umask(void);
/* PATH lookup of `name` in the launch env (after chdir). NULL when not found. */
char *look_path(const char *name);

#endif
