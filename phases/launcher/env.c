/*
 * The launch environment: the container env minus the lifecycle's own variables (LN-07), then the
 * buildpack modifications in description order (LN-08, EF-01..EF-10), then exec.d output (LN-09).
 *
 * Most layers arrive pre-digested as `root`/`env` records. A layer that was reused from the previous
 * image (EP-05: no directory at export time) arrives as `scan` records: its directories are read here
 * with the same rules as src/launch (suffix actions, `.delim` files, byte-order sorting).
 */
#include "launcher.h"

#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#define name_eq_n(a, b, n) (_strnicmp((a), (b), (n)) == 0)
#else
#define name_eq_n(a, b, n) (strncmp((a), (b), (n)) == 0)
#endif

static strlist vars; /* "K=V" */

static long find(const char *name) {
  size_t n = strlen(name);
  for (size_t i = 0; i < vars.n; i++)
    if (name_eq_n(vars.v[i], name, n) && vars.v[i][n] == '=') return (long)i;
  return -1;
}

const char *env_get(const char *name) {
  long i = find(name);
  return i < 0 ? NULL : strchr(vars.v[i], '=') + 1;
}

void env_set(const char *name, const char *value) {
  char *kv = concat(name, "=", value);
  long i = find(name);
  if (i < 0)
    sl_push(&vars, kv);
  else
    vars.v[i] = kv;
}

void env_unset(const char *name) {
  long i = find(name);
  if (i < 0) return;
  memmove(&vars.v[i], &vars.v[i + 1], (vars.n - (size_t)i) * sizeof(char *)); /* moves the NULL too */
  vars.n--;
}

char **env_list(void) {
  if (!vars.v) sl_push(&vars, NULL), vars.n = 0;
  return vars.v;
}

/* LN-07 [REF]: PATH entries equal to /cnb/process or /cnb/lifecycle are removed (ERRATA-14). */
static int cnb_path_entry(const char *e, size_t n) {
  static const char *const dirs[] = {"/cnb/process", "/cnb/lifecycle", "c:\\cnb\\process", "c:\\cnb\\lifecycle",
                                     "\\cnb\\process", "\\cnb\\lifecycle"};
  for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
    size_t l = strlen(dirs[i]);
    if (n == l && (LN_WINDOWS ? name_eq_n(e, dirs[i], l) : strncmp(e, dirs[i], l) == 0)) return 1;
    if (n == l + 1 && (e[l] == '/' || e[l] == '\\') && (LN_WINDOWS ? name_eq_n(e, dirs[i], l) : strncmp(e, dirs[i], l) == 0)) return 1;
  }
  return 0;
}

void env_init(char **environ_in) {
  /* LN-07: never passed to the process; CNB_PLATFORM_API / CNB_DEPRECATION_MODE per ERRATA-14. */
  static const char *const excluded[] = {"CNB_APP_DIR", "CNB_LAYERS_DIR", "CNB_PROCESS_TYPE", "CNB_PLATFORM_API",
                                         "CNB_DEPRECATION_MODE"};
  for (char **e = environ_in; e && *e; e++) {
    const char *eq = strchr(*e, '=');
    if (!eq || eq == *e) continue; /* skips Windows' "=C:=C:\\" pseudo-variables too */
    int skip = 0;
    for (size_t i = 0; i < sizeof(excluded) / sizeof(excluded[0]); i++)
      if ((size_t)(eq - *e) == strlen(excluded[i]) && name_eq_n(*e, excluded[i], strlen(excluded[i]))) skip = 1;
    if (!skip) sl_push(&vars, xstrdup(*e));
  }
  const char *path = env_get("PATH");
  if (!path) return;
  char *out = xmalloc(strlen(path) + 1);
  size_t o = 0;
  for (const char *p = path;;) {
    const char *end = strchr(p, LN_PATH_SEP);
    size_t n = end ? (size_t)(end - p) : strlen(p);
    if (!cnb_path_entry(p, n)) {
      if (o) out[o++] = LN_PATH_SEP;
      memcpy(out + o, p, n);
      o += n;
    }
    if (!end) break;
    p = end + 1;
  }
  out[o] = 0;
  env_set("PATH", out);
}

/* EF-03..EF-07: one modification; the delimiter is used only when the current value is non-empty. */
static void modify(const char *name, int action, const char *value, const char *delim) {
  const char *cur = env_get(name);
  int has = cur && *cur;
  switch (action) {
    case ACT_OVERRIDE: env_set(name, value); break;
    case ACT_DEFAULT:
      if (!has) env_set(name, value);
      break;
    case ACT_PREPEND: {
      char *v = has ? concat(value, delim, cur) : xstrdup(value);
      env_set(name, v);
      break;
    }
    case ACT_APPEND: {
      char *v = has ? concat(cur, delim, value) : xstrdup(value);
      env_set(name, v);
      break;
    }
  }
}

/* LN-08: <layer>/bin -> PATH, <layer>/lib -> LD_LIBRARY_PATH (Linux only), prepended with the OS separator. */
static void prepend_path(const char *var, const char *dir) {
  char sep[2] = {LN_PATH_SEP, 0};
  modify(var, ACT_PREPEND, dir, sep);
}

/* EF-01: file name up to the first '.' is the variable, the rest picks the action. */
static void apply_env_dir(const char *dir) {
  strlist files = {0};
  list_dir(dir, 0, &files);
  for (size_t i = 0; i < files.n; i++) {
    const char *fname = files.v[i];
    const char *dot = strchr(fname, '.');
    const char *suffix = dot ? dot + 1 : "";
    int action = !dot                              ? ACT_OVERRIDE
                 : strcmp(suffix, "override") == 0 ? ACT_OVERRIDE
                 : strcmp(suffix, "default") == 0  ? ACT_DEFAULT
                 : strcmp(suffix, "prepend") == 0  ? ACT_PREPEND
                 : strcmp(suffix, "append") == 0   ? ACT_APPEND
                                                   : -1; /* .delim and unknown/compound suffixes */
    if (action < 0 || (dot && dot == fname)) continue;
    char *name = dot ? xstrndup(fname, (size_t)(dot - fname)) : xstrdup(fname);
    char *path = path_join(dir, fname);
    char *value = read_file(path, NULL);
    if (!value) die(EXIT_LAUNCH, "read env file '%s'", path);
    char *dpath = path_join(dir, concat(name, ".delim", NULL));
    char *delim = read_file(dpath, NULL); /* EF-07 [REF]: no .delim file means an empty delimiter */
    modify(name, action, value, delim ? delim : "");
  }
}

static int in_scope(const ln_op *op, const char *ptype) {
  return op->scope[0] == 0 || (ptype[0] != 0 && strcmp(op->scope, ptype) == 0);
}

void env_apply_ops(const ln_desc *d, const char *layers_dir, const char *ptype) {
  for (size_t i = 0; i < d->nops; i++) {
    const ln_op *op = &d->ops[i];
    if (op->kind == OP_ROOT) {
      prepend_path(op->name, path_join(layers_dir, op->value));
    } else if (op->kind == OP_ENV && in_scope(op, ptype)) {
      modify(op->name, op->action, op->value, op->delim); /* EF-10: scoped ops only for their type */
    } else if (op->kind == OP_SCAN_ROOT) {
      char *layer = path_join(layers_dir, op->value);
      char *bin = path_join(layer, "bin");
      if (is_dir(bin)) prepend_path("PATH", bin);
      char *lib = path_join(layer, "lib");
      if (!LN_WINDOWS && is_dir(lib)) prepend_path("LD_LIBRARY_PATH", lib);
    } else if (op->kind == OP_SCAN_ENV) {
      char *layer = path_join(layers_dir, op->value);
      apply_env_dir(path_join(layer, "env"));
      char *launch = path_join(layer, "env.launch");
      apply_env_dir(launch);
      if (ptype[0]) apply_env_dir(path_join(launch, ptype));
    }
  }
}

static void push_files(const char *dir, int profiles, strlist *out) {
  strlist files = {0};
  list_dir(dir, 0, &files);
  for (size_t i = 0; i < files.n; i++) {
    size_t l = strlen(files.v[i]);
    if (LN_WINDOWS && profiles && (l < 4 || !ascii_ieq(files.v[i] + l - 4, ".bat"))) continue;
    sl_push(out, path_join(dir, files.v[i]));
  }
}

void collect_files(const ln_desc *d, const char *layers_dir, const char *ptype, int profiles, strlist *out) {
  const char *sub = profiles ? "profile.d" : "exec.d";
  for (size_t i = 0; i < d->nops; i++) {
    const ln_op *op = &d->ops[i];
    if ((op->kind == (profiles ? OP_PROFILE : OP_EXECD)) && in_scope(op, ptype)) {
      sl_push(out, path_join(layers_dir, op->value));
    } else if (op->kind == (profiles ? OP_SCAN_PROFILE : OP_SCAN_EXECD)) {
      /* ERRATA-11 [REF]: per layer, the files of <dir>, then those of <dir>/<type> */
      char *dir = path_join(path_join(layers_dir, op->value), sub);
      push_files(dir, profiles, out);
      if (ptype[0]) push_files(path_join(dir, ptype), profiles, out);
    }
  }
}
