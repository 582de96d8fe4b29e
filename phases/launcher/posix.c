/* POSIX side: exec.d programs with fd 3 (LN-09/LN-10), PATH lookup, and the final execve (LN-11/LN-12). */
#ifndef _WIN32
#define _GNU_SOURCE
#include "launcher.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

/* LN-09: runs `path` with the launch env, cwd <app> (already set), stdout/stderr inherited and the write
 * end of a pipe as fd 3; returns everything written to fd 3. Dies (82) on a start failure or exit != 0. */
char *run_execd(const char *path, size_t *len) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) die(EXIT_LAUNCH, "exec.d: pipe: %s", strerror(errno));
  pid_t pid = fork();
  if (pid < 0) die(EXIT_LAUNCH, "exec.d: fork: %s", strerror(errno));
  if (pid == 0) {
    if (fds[1] == 3) {
      fcntl(3, F_SETFD, 0);
    } else if (dup2(fds[1], 3) < 0) {
      _exit(127);
    }
    char *argv[] = {(char *)path, NULL}; /* $0 is the absolute path of the executable */
    execve(path, argv, env_list());
    fprintf(stderr, "ERROR: exec.d: cannot execute '%s': %s\n", path, strerror(errno));
    _exit(127);
  }
  close(fds[1]);
  size_t cap = 4096, n = 0;
  char *buf = xmalloc(cap);
  for (;;) {
    if (cap - n < 2) buf = xrealloc(buf, cap *= 2);
    ssize_t r = read(fds[0], buf + n, cap - n - 1);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) die(EXIT_LAUNCH, "exec.d: read output of '%s': %s", path, strerror(errno));
    if (r == 0) break;
    n += (size_t)r;
  }
  close(fds[0]);
  int status;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) die(EXIT_LAUNCH, "exec.d: wait for '%s': %s", path, strerror(errno));
  if (WIFSIGNALED(status)) die(EXIT_LAUNCH, "exec.d: '%s' was killed by signal %d", path, WTERMSIG(status));
  if (WEXITSTATUS(status) != 0) die(EXIT_LAUNCH, "exec.d: '%s' exited with code %d", path, WEXITSTATUS(status));
  buf[n] = 0;
  *len = n;
  return buf;
}

static int executable(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISREG(st.st_mode) && access(p, X_OK) == 0;
}

/* LN-03: command[0] is used as a path when it contains '/', else looked up in the launch env's PATH. */
char *look_path(const char *name) {
  if (name[0] == 0) return NULL;
  if (strchr(name, '/')) return executable(name) ? xstrdup(name) : NULL;
  const char *path = env_get("PATH");
  if (!path) path = "";
  for (const char *p = path;;) {
    const char *end = strchr(p, ':');
    size_t n = end ? (size_t)(end - p) : strlen(p);
    char *dir = n ? xstrndup(p, n) : xstrdup(".");
    char *cand = concat(dir, "/", name);
    if (executable(cand)) return cand;
    if (!end) break;
    p = end + 1;
  }
  return NULL;
}

/* LN-12: cwd is already <working-dir>; replace the launcher so the PID, signals and exit code are the app's. */
void exec_direct(const char *file, char **argv, const char *working_dir) {
  (void)working_dir;
  execve(file, argv, env_list());
  die(EXIT_LAUNCH, "direct exec: '%s': %s", file, strerror(errno));
}

/* Single-quotes s for the shell: ' becomes '\''. */
static char *squote(const char *s) {
  size_t n = 2;
  for (const char *p = s; *p; p++) n += *p == '\'' ? 4 : 1;
  char *out = xmalloc(n + 1), *o = out;
  *o++ = '\'';
  for (const char *p = s; *p; p++) {
    if (*p == '\'') {
      memcpy(o, "'\\''", 4);
      o += 4;
    } else {
      *o++ = *p;
    }
  }
  *o++ = '\'';
  *o = 0;
  return out;
}

/*
 * LN-11: one shell process, cwd <app>, sources profile.d scripts and <app>/.profile (already in
 * `profiles`), changes to <working-dir>, then runs the command in a nested shell:
 *   no args   : `exec <sh> -c "$@"` with $1 = command        (the command is a script, [REF])
 *   with args : each token is `"$(eval echo \"$N\")"`, so `$VAR` in the command and args expands ([REF])
 * bash is used when /bin/bash exists; otherwise /bin/sh (docs/launcher.md: minimal run images).
 */
void exec_shell(const char *self, const char *command, char **args, size_t nargs, const strlist *profiles,
                const char *app_dir, const char *working_dir) {
  (void)app_dir;
  int bash = access("/bin/bash", X_OK) == 0;
  const char *sh = bash ? "/bin/bash" : "/bin/sh";
  char *script = xstrdup("");
  for (size_t i = 0; i < profiles->n; i++)
    script = concat(script, concat(bash ? "source " : ". ", squote(profiles->v[i]), "\n"), NULL);
  script = concat(script, concat("cd -- ", squote(working_dir), " || exit 82\n"), NULL);
  if (nargs == 0) {
    script = concat(script, "exec ", concat(sh, " -c \"$@\"", NULL));
  } else {
    char *tokens = xstrdup("\"$(eval echo \\\"$0\\\")\"");
    for (size_t i = 1; i <= nargs; i++) {
      char num[32];
      snprintf(num, sizeof num, " \"$(eval echo \\\"$%lu\\\")\"", (unsigned long)i);
      tokens = concat(tokens, num, NULL);
    }
    script = concat(script, "exec ", concat(sh, " -c ", concat(squote(tokens), " \"$@\"", NULL)));
  }
  char **argv = xmalloc((nargs + 6) * sizeof(char *));
  size_t a = 0;
  argv[a++] = bash ? "bash" : "sh";
  argv[a++] = "-c";
  argv[a++] = script;
  argv[a++] = (char *)self;
  argv[a++] = (char *)command;
  for (size_t i = 0; i < nargs; i++) argv[a++] = args[i];
  argv[a] = NULL;
  execve(sh, argv, env_list());
  die(EXIT_LAUNCH, "shell exec: '%s': %s", sh, strerror(errno));
}

/* [REF] UMASK from the launch env (octal) applies to the process. */
void apply_umask(void) {
  const char *u = env_get("UMASK");
  if (!u || !*u) return;
  char *end;
  long v = strtol(u, &end, 8);
  if (*end || v < 0 || v > 0777) die(EXIT_LAUNCH, "umask: invalid umask value '%s'", u);
  umask((mode_t)v);
}
#endif
