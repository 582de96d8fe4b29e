/*
 * The launcher's main flow (platform.md "launcher", checklist §3.11):
 *   API checks (LN-14) -> read the description -> select the process (LN-01..LN-06) -> launch env
 *   (LN-07, LN-08) -> exec.d (LN-09, LN-10) -> working dir (LN-02, LN-12) -> direct exec (LN-03) or
 *   shell with profiles (LN-11). The exit code after exec is the process's own (LN-13).
 */
#include "launcher.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#ifdef _WIN32
#include <direct.h>
#define chdir _chdir
#define getcwd _getcwd
#define ENVIRON _environ
#else
#include <unistd.h>
extern char **environ;
#define ENVIRON environ
#endif

static const char *getenv_nonempty(const char *name) {
  const char *v = getenv(name);
  return v && *v ? v : NULL;
}

static int is_abs(const char *p) {
  if (p[0] == '/' || p[0] == '\\') return 1;
  return LN_WINDOWS && p[0] && p[1] == ':';
}

static char *absolute(const char *p) {
  if (is_abs(p)) return xstrdup(p);
  char buf[4096];
  if (!getcwd(buf, sizeof buf)) die(EXIT_LAUNCH, "getcwd: %s", strerror(errno));
  return path_join(buf, p);
}

/* LN-01: basename of $0; on Windows without ".exe" [REF]. */
static char *self_type(const char *argv0) {
  const char *b = argv0;
  for (const char *p = argv0; *p; p++)
    if (*p == '/' || (LN_WINDOWS && *p == '\\')) b = p + 1;
  size_t n = strlen(b);
  if (LN_WINDOWS && n > 4 && ascii_ieq(b + n - 4, ".exe")) n -= 4;
  return xstrndup(b, n);
}

/* LN-01 (>= 0.15): eligible when exec-env is absent or lists <exec-env> or "*". [REF] ERRATA-24: the
 * filter applies whenever <exec-env> is non-empty, and <exec-env> defaults to "production" (PR-04). */
static int eligible(const ln_proc *p, const char *exec_env) {
  if (!exec_env || p->exec_env.n == 0) return 1;
  for (size_t i = 0; i < p->exec_env.n; i++)
    if (strcmp(p->exec_env.v[i], "*") == 0 || strcmp(p->exec_env.v[i], exec_env) == 0) return 1;
  return 0;
}

static void set_from_execd(const char *k, const char *v) { env_set(k, v); }

int main(int argc, char **argv) {
  /* VER-02/VER-03/LN-14: the Platform API is checked before any other input is read. */
  const char *papi = getenv_nonempty("CNB_PLATFORM_API");
  if (!papi) fatal(EXIT_PLATFORM_API, "the platform must set CNB_PLATFORM_API (supported: %s)", LN_SUPPORTED_PLATFORM_APIS);
  if (!api_in_list(papi, LN_SUPPORTED_PLATFORM_APIS))
    fatal(EXIT_PLATFORM_API, "platform API version '%s' is incompatible with the lifecycle (supported: %s)", papi,
          LN_SUPPORTED_PLATFORM_APIS);

  const char *layers_env = getenv_nonempty("CNB_LAYERS_DIR");
  char *layers = absolute(layers_env ? layers_env : (LN_WINDOWS ? "c:\\layers" : "/layers"));
  char *desc_file = path_join(layers, LN_DESC_PATH);
  size_t desc_len;
  char *desc_text = read_file(desc_file, &desc_len);
  if (!desc_text) {
    char *md = path_join(layers, "config/metadata.toml");
    if (is_file(md))
      die(EXIT_LAUNCH, "read launch description: '%s' is missing (the image has '%s' but was not exported by this lifecycle)",
          desc_file, md);
    die(EXIT_LAUNCH, "read metadata: open %s: %s", desc_file, strerror(errno));
  }
  ln_desc d;
  desc_parse(desc_file, desc_text, desc_len, &d);

  /* LN-14 / VER-04: every buildpack API must be supported ([REF] an empty api counts as 0.2). */
  for (size_t i = 0; i < d.bp_ids.n; i++) {
    const char *api = d.bp_apis.v[i][0] ? d.bp_apis.v[i] : "0.2";
    if (!api_in_list(api, LN_SUPPORTED_BUILDPACK_APIS))
      fatal(EXIT_BUILDPACK_API, "buildpack API version '%s' is incompatible with the lifecycle (buildpack %s; supported: %s)",
            api, d.bp_ids.v[i], LN_SUPPORTED_BUILDPACK_APIS);
  }

  const char *app_env = getenv_nonempty("CNB_APP_DIR");
  char *app = absolute(app_env ? app_env : d.app_dir && *d.app_dir ? d.app_dir : (LN_WINDOWS ? "c:\\workspace" : "/workspace"));

  /* LN-06 [REF]: CNB_PROCESS_TYPE is ignored with a warning; the default process comes from ENTRYPOINT. */
  const char *env_ptype = getenv_nonempty("CNB_PROCESS_TYPE");
  if (env_ptype) {
    warn("CNB_PROCESS_TYPE is not supported in Platform API %s", papi);
    warn("Run with ENTRYPOINT '/cnb/process/%s' to invoke the '%s' process type", env_ptype, env_ptype);
  }

  /* ---- process selection ---- */
  char *base = self_type(argv[0] ? argv[0] : "");
  const char *exec_env = NULL;
  if (api_at_least(papi, 0, 15)) {
    exec_env = getenv_nonempty("CNB_EXEC_ENV");
    if (!exec_env) exec_env = "production"; /* the platform.md launcher input default */
  }
  const ln_proc *proc = NULL;
  int typed = 0;
  for (size_t i = 0; i < d.nprocs; i++) {
    if (strcmp(d.procs[i].type, base) != 0) continue;
    typed = 1;
    if (eligible(&d.procs[i], exec_env)) {
      proc = &d.procs[i];
      break;
    }
  }
  if (typed && !proc)
    die(EXIT_LAUNCH, "determine start command: process type '%s' is not eligible for execution environment '%s'", base,
        exec_env);

  const char *ptype = proc ? proc->type : "";
  const char *working_dir = app;
  int direct;
  strlist argvv = {0}; /* final command + arguments */
  char **user = argv + 1;
  size_t nuser = argc > 1 ? (size_t)(argc - 1) : 0;
  if (proc) {
    /* LN-03 / LN-04: command[1:] always; then user args replace or extend `args`. */
    if (proc->command.n == 0) die(EXIT_LAUNCH, "determine start command: process type '%s' has no command", ptype);
    direct = proc->direct;
    for (size_t i = 0; i < proc->command.n; i++) sl_push(&argvv, proc->command.v[i]);
    int replace = api_at_least(papi, 0, 10) && proc->replace_args && nuser > 0;
    if (!replace)
      for (size_t i = 0; i < proc->args.n; i++) sl_push(&argvv, proc->args.v[i]);
    for (size_t i = 0; i < nuser; i++) sl_push(&argvv, user[i]);
    if (proc->working_dir[0]) working_dir = proc->working_dir; /* LN-02 */
  } else {
    /* LN-05 / LN-06: a user-provided command. */
    if (nuser == 0) die(EXIT_LAUNCH, "determine start command: when there is no default process a command is required");
    direct = nuser > 1 && strcmp(user[0], "--") == 0;
    for (size_t i = direct ? 1 : 0; i < nuser; i++) sl_push(&argvv, user[i]);
  }

  /* ---- environment, exec.d ---- */
  if (chdir(app) != 0) die(EXIT_LAUNCH, "change to app directory '%s': %s", app, strerror(errno));
  env_init(ENVIRON);
  env_apply_ops(&d, layers, ptype); /* LN-07, LN-08 */
  strlist execd = {0};
  collect_files(&d, layers, ptype, 0, &execd);
  for (size_t i = 0; i < execd.n; i++) { /* LN-09, LN-10 */
    size_t n;
    char *out = run_execd(execd.v[i], &n);
    const char *err = execd_toml_parse(out, n, set_from_execd);
    if (err) die(EXIT_LAUNCH, "exec.d: '%s' wrote invalid TOML to fd 3: %s", execd.v[i], err);
  }
  apply_umask();

  /* ---- exec ---- */
  char *wd = is_abs(working_dir) ? xstrdup(working_dir) : path_join(app, working_dir);
  if (!is_dir(wd)) die(EXIT_LAUNCH, "change to working directory '%s': no such directory", wd);
  if (direct) {
    if (chdir(wd) != 0) die(EXIT_LAUNCH, "change to working directory '%s': %s", wd, strerror(errno));
    char *file = look_path(argvv.v[0]); /* LN-03: PATH of the launch env */
    if (!file) die(EXIT_LAUNCH, "path lookup: exec: \"%s\": executable file not found in $PATH", argvv.v[0]);
    exec_direct(file, argvv.v, wd); /* LN-12 */
  }
  strlist profiles = {0}; /* LN-11: only for shell processes */
  collect_files(&d, layers, ptype, 1, &profiles);
  char *app_profile = path_join(app, LN_WINDOWS ? ".profile.bat" : ".profile");
  if (is_file(app_profile)) sl_push(&profiles, app_profile);
  exec_shell(argv[0] ? argv[0] : "launcher", argvv.v[0], argvv.v + 1, argvv.n - 1, &profiles, app, wd);
  return EXIT_LAUNCH;
}
