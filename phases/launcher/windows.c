/*
 * Windows side: Windows has no execve, so the launcher starts the process with CreateProcess, waits, and
 * exits with its exit code (LN-13). Exec.d programs get an inheritable pipe handle whose value is in
 * CNB_EXEC_D_HANDLE (hex, LN-09). Shell processes run in one `cmd.exe` (LN-11), as REF does:
 *   cmd.exe /q /v:on /s /c "call <profile> && ... && cd /d <working-dir> && <command> <args>"
 */
#ifdef _WIN32
#include "launcher.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

static int cmp_ci(const void *a, const void *b) { return _stricmp(*(char *const *)a, *(char *const *)b); }

/* The env as a sorted "K=V\0...\0\0" block. */
static char *env_block(const char *extra) {
  char **list = env_list();
  size_t n = 0, total = 2;
  while (list[n]) total += strlen(list[n++]) + 1;
  char **sorted = xmalloc((n + 2) * sizeof(char *));
  memcpy(sorted, list, n * sizeof(char *));
  if (extra) sorted[n++] = (char *)extra, total += strlen(extra) + 1;
  qsort(sorted, n, sizeof(char *), cmp_ci);
  char *block = xmalloc(total), *o = block;
  for (size_t i = 0; i < n; i++) {
    size_t l = strlen(sorted[i]) + 1;
    memcpy(o, sorted[i], l);
    o += l;
  }
  *o++ = 0;
  *o = 0;
  return block;
}

/* MSVCRT command-line quoting of one argument. */
static char *quote_arg(const char *s) {
  if (*s && !strpbrk(s, " \t\n\v\"")) return xstrdup(s);
  size_t n = strlen(s);
  char *out = xmalloc(n * 2 + 3), *o = out;
  *o++ = '"';
  for (const char *p = s;; p++) {
    size_t bs = 0;
    while (*p == '\\') p++, bs++;
    if (*p == 0) {
      for (size_t i = 0; i < bs * 2; i++) *o++ = '\\';
      break;
    }
    if (*p == '"') {
      for (size_t i = 0; i < bs * 2 + 1; i++) *o++ = '\\';
    } else {
      for (size_t i = 0; i < bs; i++) *o++ = '\\';
    }
    *o++ = *p;
  }
  *o++ = '"';
  *o = 0;
  return out;
}

static DWORD run_and_wait(const char *app, char *cmdline, char *env, BOOL inherit) {
  STARTUPINFOA si;
  PROCESS_INFORMATION pi;
  memset(&si, 0, sizeof si);
  si.cb = sizeof si;
  if (!CreateProcessA(app, cmdline, NULL, NULL, inherit, 0, env, NULL, &si, &pi))
    die(EXIT_LAUNCH, "start '%s': error %lu", app ? app : cmdline, (unsigned long)GetLastError());
  CloseHandle(pi.hThread);
  WaitForSingleObject(pi.hProcess, INFINITE);
  DWORD code = 1;
  GetExitCodeProcess(pi.hProcess, &code);
  CloseHandle(pi.hProcess);
  return code;
}

char *run_execd(const char *path, size_t *len) {
  SECURITY_ATTRIBUTES sa = {sizeof sa, NULL, TRUE};
  HANDLE r, w;
  if (!CreatePipe(&r, &w, &sa, 0)) die(EXIT_LAUNCH, "exec.d: pipe: error %lu", (unsigned long)GetLastError());
  SetHandleInformation(r, HANDLE_FLAG_INHERIT, 0);
  char handle[64];
  snprintf(handle, sizeof handle, "CNB_EXEC_D_HANDLE=0x%llx", (unsigned long long)(ULONG_PTR)w);
  STARTUPINFOA si;
  PROCESS_INFORMATION pi;
  memset(&si, 0, sizeof si);
  si.cb = sizeof si;
  char *cmdline = quote_arg(path);
  if (!CreateProcessA(NULL, cmdline, NULL, NULL, TRUE, 0, env_block(handle), NULL, &si, &pi))
    die(EXIT_LAUNCH, "exec.d: cannot execute '%s': error %lu", path, (unsigned long)GetLastError());
  CloseHandle(pi.hThread);
  CloseHandle(w);
  size_t cap = 4096, n = 0;
  char *buf = xmalloc(cap);
  for (;;) {
    if (cap - n < 2) buf = xrealloc(buf, cap *= 2);
    DWORD got = 0;
    if (!ReadFile(r, buf + n, (DWORD)(cap - n - 1), &got, NULL) || got == 0) break;
    n += got;
  }
  CloseHandle(r);
  WaitForSingleObject(pi.hProcess, INFINITE);
  DWORD code = 1;
  GetExitCodeProcess(pi.hProcess, &code);
  CloseHandle(pi.hProcess);
  if (code != 0) die(EXIT_LAUNCH, "exec.d: '%s' exited with code %lu", path, (unsigned long)code);
  buf[n] = 0;
  *len = n;
  return buf;
}

static int exists_file(const char *p) {
  DWORD a = GetFileAttributesA(p);
  return a != INVALID_FILE_ATTRIBUTES && !(a & FILE_ATTRIBUTE_DIRECTORY);
}

/* Tries `base` as is when it has an extension, then base + each PATHEXT extension. */
static char *with_ext(const char *base) {
  const char *dot = strrchr(base, '.');
  const char *slash = strpbrk(base, "\\/");
  if (dot && (!slash || dot > strrchr(base, '\\')) && exists_file(base)) return xstrdup(base);
  const char *exts = env_get("PATHEXT");
  char *list = xstrdup(exts && *exts ? exts : ".COM;.EXE;.BAT;.CMD");
  for (char *e = strtok(list, ";"); e; e = strtok(NULL, ";")) {
    char *cand = concat(base, e, NULL);
    if (exists_file(cand)) return cand;
  }
  return NULL;
}

char *look_path(const char *name) {
  if (!*name) return NULL;
  if (strpbrk(name, "\\/:")) return with_ext(name);
  const char *path = env_get("PATH");
  char *copy = xstrdup(path ? path : "");
  for (char *dir = strtok(copy, ";"); dir; dir = strtok(NULL, ";")) {
    char *found = with_ext(path_join(dir, name));
    if (found) return found;
  }
  return NULL;
}

static char *join_args(char **argv, int quote) {
  char *line = xstrdup("");
  for (size_t i = 0; argv[i]; i++) line = concat(line, i ? " " : "", quote ? quote_arg(argv[i]) : argv[i]);
  return line;
}

void exec_direct(const char *file, char **argv, const char *working_dir) {
  (void)working_dir;
  SetConsoleCtrlHandler(NULL, TRUE); /* Ctrl-C goes to the process; the launcher just waits */
  exit((int)run_and_wait(file, join_args(argv, 1), env_block(NULL), TRUE));
}

static char *cmd_token(const char *s) {
  return (*s && !strpbrk(s, " \t")) ? xstrdup(s) : concat("\"", s, "\"");
}

void exec_shell(const char *self, const char *command, char **args, size_t nargs, const strlist *profiles,
                const char *app_dir, const char *working_dir) {
  (void)self;
  (void)app_dir;
  char *script = xstrdup("");
  for (size_t i = 0; i < profiles->n; i++) script = concat(script, "call ", concat(cmd_token(profiles->v[i]), " && ", NULL));
  script = concat(script, "cd /d ", concat(cmd_token(working_dir), " && ", command));
  for (size_t i = 0; i < nargs; i++) script = concat(script, " ", cmd_token(args[i]));
  const char *comspec = env_get("ComSpec");
  char *cmd = xstrdup(comspec && *comspec ? comspec : "C:\\Windows\\System32\\cmd.exe");
  char *line = concat("cmd.exe /q /v:on /s /c \"", script, "\"");
  SetConsoleCtrlHandler(NULL, TRUE);
  exit((int)run_and_wait(cmd, line, env_block(NULL), TRUE));
}

void apply_umask(void) {}
#endif
