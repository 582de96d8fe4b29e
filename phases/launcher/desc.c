/*
 * Parser of the launch description (`<layers>/config/launch.desc`, written by src/launch/codec.ts).
 *
 *   file   = "cnb-launch-desc 1\n" *record
 *   record = tag *(" " field) "\n"          tag = 1*[a-z]
 *   field  = length ":" bytes               length = decimal byte count (no sign, <= 9 digits)
 *
 * Every field is length-prefixed, so values (env file contents with newlines, paths with spaces) need
 * no escaping and the parser never scans for delimiters inside a value. Records: docs/launcher.md.
 */
#include "launcher.h"

#include <stdlib.h>
#include <string.h>

#define MAX_FIELDS 8

typedef struct {
  const char *file;
  size_t line;
} ctx;

static void bad(const ctx *c, const char *what) {
  die(EXIT_LAUNCH, "invalid launch description %s (record %lu): %s", c->file, (unsigned long)c->line, what);
}

static ln_proc *last_proc(const ctx *c, ln_desc *d) {
  if (d->nprocs == 0) bad(c, "cmd/arg/xenv before any proc record");
  return &d->procs[d->nprocs - 1];
}

static ln_op *new_op(ln_desc *d, int kind) {
  d->ops = xrealloc(d->ops, (d->nops + 1) * sizeof(ln_op));
  ln_op *op = &d->ops[d->nops++];
  memset(op, 0, sizeof(*op));
  op->kind = kind;
  return op;
}

static int flag(const ctx *c, const char *s) {
  if (strcmp(s, "0") == 0) return 0;
  if (strcmp(s, "1") == 0) return 1;
  bad(c, "expected 0 or 1");
  return 0;
}

static void need(const ctx *c, size_t have, size_t want) {
  if (have != want) bad(c, "wrong number of fields");
}

static void record(const ctx *c, ln_desc *d, const char *tag, char **f, size_t *fl, size_t nf) {
  if (strcmp(tag, "app") == 0) {
    need(c, nf, 1);
    d->app_dir = f[0];
  } else if (strcmp(tag, "default") == 0) {
    need(c, nf, 1);
    d->default_type = f[0];
  } else if (strcmp(tag, "bp") == 0) {
    need(c, nf, 2);
    sl_push(&d->bp_ids, f[0]);
    sl_push(&d->bp_apis, f[1]);
  } else if (strcmp(tag, "proc") == 0) {
    need(c, nf, 6);
    d->procs = xrealloc(d->procs, (d->nprocs + 1) * sizeof(ln_proc));
    ln_proc *p = &d->procs[d->nprocs++];
    memset(p, 0, sizeof(*p));
    p->type = f[0];
    p->bp_id = f[1];
    p->direct = flag(c, f[2]);
    if (strcmp(f[3], "r") != 0 && strcmp(f[3], "a") != 0) bad(c, "args mode must be a or r");
    p->replace_args = f[3][0] == 'r';
    p->working_dir = f[4];
    p->is_default = flag(c, f[5]);
  } else if (strcmp(tag, "cmd") == 0 || strcmp(tag, "arg") == 0 || strcmp(tag, "xenv") == 0) {
    need(c, nf, 1);
    ln_proc *p = last_proc(c, d);
    sl_push(tag[0] == 'c' ? &p->command : tag[0] == 'a' ? &p->args : &p->exec_env, f[0]);
  } else if (strcmp(tag, "root") == 0) {
    need(c, nf, 2);
    ln_op *op = new_op(d, OP_ROOT);
    op->scope = "";
    op->name = f[0];
    op->value = f[1];
  } else if (strcmp(tag, "env") == 0) {
    need(c, nf, 5);
    ln_op *op = new_op(d, OP_ENV);
    op->scope = f[0];
    const char *a = f[1];
    op->action = strcmp(a, "override") == 0  ? ACT_OVERRIDE
                 : strcmp(a, "default") == 0 ? ACT_DEFAULT
                 : strcmp(a, "prepend") == 0 ? ACT_PREPEND
                 : strcmp(a, "append") == 0  ? ACT_APPEND
                                             : -1;
    if (op->action < 0) bad(c, "unknown env action");
    op->name = f[2];
    if (op->name[0] == 0 || strchr(op->name, '=')) bad(c, "invalid variable name");
    op->value = f[3];
    op->value_len = fl[3];
    op->delim = f[4];
  } else if (strcmp(tag, "execd") == 0 || strcmp(tag, "profile") == 0) {
    need(c, nf, 2);
    ln_op *op = new_op(d, tag[0] == 'e' ? OP_EXECD : OP_PROFILE);
    op->scope = f[0];
    op->value = f[1];
  } else if (strcmp(tag, "scan") == 0) {
    need(c, nf, 2);
    const char *w = f[0];
    int kind = strcmp(w, "root") == 0      ? OP_SCAN_ROOT
               : strcmp(w, "env") == 0     ? OP_SCAN_ENV
               : strcmp(w, "execd") == 0   ? OP_SCAN_EXECD
               : strcmp(w, "profile") == 0 ? OP_SCAN_PROFILE
                                           : -1;
    if (kind < 0) bad(c, "unknown scan kind");
    ln_op *op = new_op(d, kind);
    op->scope = "";
    op->value = f[1];
  } else {
    bad(c, "unknown record tag");
  }
}

void desc_parse(const char *file, const char *text, size_t len, ln_desc *out) {
  ctx c = {file, 1};
  memset(out, 0, sizeof(*out));
  size_t ml = strlen(LN_DESC_MAGIC);
  if (len < ml + 1 || memcmp(text, LN_DESC_MAGIC, ml) != 0 || text[ml] != '\n')
    bad(&c, "missing header '" LN_DESC_MAGIC "'");
  size_t pos = ml + 1;
  while (pos < len) {
    c.line++;
    size_t t0 = pos;
    while (pos < len && text[pos] >= 'a' && text[pos] <= 'z') pos++;
    if (pos == t0 || pos >= len) bad(&c, "missing tag");
    char tag[16];
    if (pos - t0 >= sizeof(tag)) bad(&c, "tag too long");
    memcpy(tag, text + t0, pos - t0);
    tag[pos - t0] = 0;
    char *f[MAX_FIELDS];
    size_t fl[MAX_FIELDS], nf = 0;
    while (pos < len && text[pos] == ' ') {
      pos++;
      size_t n = 0, digits = 0;
      while (pos < len && text[pos] >= '0' && text[pos] <= '9') {
        if (++digits > 9) bad(&c, "field length too long");
        n = n * 10 + (size_t)(text[pos++] - '0');
      }
      if (digits == 0 || pos >= len || text[pos] != ':') bad(&c, "malformed field length");
      pos++;
      if (n > len - pos) bad(&c, "field runs past end of file");
      if (memchr(text + pos, 0, n)) bad(&c, "field contains a NUL byte");
      if (nf == MAX_FIELDS) bad(&c, "too many fields");
      f[nf] = xstrndup(text + pos, n);
      fl[nf++] = n;
      pos += n;
    }
    if (pos >= len || text[pos] != '\n') bad(&c, "record not terminated by a newline");
    pos++;
    record(&c, out, tag, f, fl, nf);
  }
}
