/*
 * Exec.d output (buildpack.md "Exec.d Output (TOML)", LN-09, LN-10): top-level `name = "value"` pairs.
 *
 * Accepted: blank lines, `# comments`, bare keys ([A-Za-z0-9_-]+), basic strings with the TOML 1.0
 * escapes (\b \t \n \f \r \" \\ \uXXXX \UXXXXXXXX) and, as REF's TOML decoder does, literal strings
 * ('...'). Everything else (tables, arrays, numbers, booleans, multi-line strings, dotted or quoted
 * keys, duplicate keys, control characters, NUL) is an error, and then no variable is set.
 */
#include "launcher.h"

#include <stdio.h>
#include <string.h>

static char errbuf[256];

static const char *fail(size_t line, const char *msg) {
  snprintf(errbuf, sizeof(errbuf), "line %lu: %s", (unsigned long)line, msg);
  return errbuf;
}

static int is_key_char(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Appends code point cp as UTF-8; returns 0 for an invalid scalar value (surrogates, > U+10FFFF, NUL). */
static int put_utf8(char *out, size_t *o, unsigned long cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  if (cp < 0x80) {
    out[(*o)++] = (char)cp;
  } else if (cp < 0x800) {
    out[(*o)++] = (char)(0xC0 | (cp >> 6));
    out[(*o)++] = (char)(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out[(*o)++] = (char)(0xE0 | (cp >> 12));
    out[(*o)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[(*o)++] = (char)(0x80 | (cp & 0x3F));
  } else {
    out[(*o)++] = (char)(0xF0 | (cp >> 18));
    out[(*o)++] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[(*o)++] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[(*o)++] = (char)(0x80 | (cp & 0x3F));
  }
  return 1;
}

const char *execd_toml_parse(const char *text, size_t len, void (*set)(const char *, const char *)) {
  strlist keys = {0}, values = {0};
  size_t pos = 0, line = 0;
  if (memchr(text, 0, len)) return fail(1, "output contains a NUL byte");
  while (pos < len) {
    line++;
    size_t eol = pos;
    while (eol < len && text[eol] != '\n') eol++;
    size_t end = eol;
    if (end > pos && text[end - 1] == '\r') end--;
    size_t p = pos;
    pos = eol < len ? eol + 1 : eol;
#define WS() while (p < end && (text[p] == ' ' || text[p] == '\t')) p++
    WS();
    if (p == end || text[p] == '#') continue;
    if (text[p] == '[') return fail(line, "tables are not allowed, only top-level string pairs");
    size_t k0 = p;
    while (p < end && is_key_char(text[p])) p++;
    if (p == k0) return fail(line, "expected a bare key");
    char *key = xstrndup(text + k0, p - k0);
    WS();
    if (p >= end || text[p] != '=') return fail(line, "expected '=' after the key (dotted and quoted keys are not allowed)");
    p++;
    WS();
    if (p >= end || (text[p] != '"' && text[p] != '\'')) return fail(line, "value must be a string ([REF] non-string values are an error)");
    char quote = text[p++];
    if (p + 1 < end && text[p] == quote && text[p + 1] == quote) return fail(line, "multi-line strings are not allowed");
    char *val = xmalloc(end - p + 1);
    size_t o = 0;
    int closed = 0;
    while (p < end) {
      unsigned char c = (unsigned char)text[p++];
      if (c == (unsigned char)quote) {
        closed = 1;
        break;
      }
      if ((c < 0x20 && c != '\t') || c == 0x7F) return fail(line, "control character in string");
      if (c != '\\' || quote == '\'') {
        val[o++] = (char)c;
        continue;
      }
      if (p >= end) break;
      char e = text[p++];
      switch (e) {
        case 'b': val[o++] = '\b'; break;
        case 't': val[o++] = '\t'; break;
        case 'n': val[o++] = '\n'; break;
        case 'f': val[o++] = '\f'; break;
        case 'r': val[o++] = '\r'; break;
        case '"': val[o++] = '"'; break;
        case '\\': val[o++] = '\\'; break;
        case 'u':
        case 'U': {
          size_t n = e == 'u' ? 4 : 8;
          unsigned long cp = 0;
          if (end - p < n) return fail(line, "short unicode escape");
          for (size_t i = 0; i < n; i++) {
            int h = hexval(text[p++]);
            if (h < 0) return fail(line, "bad unicode escape");
            cp = cp * 16 + (unsigned long)h;
          }
          if (!put_utf8(val, &o, cp)) return fail(line, "invalid unicode scalar in escape");
          break;
        }
        default: return fail(line, "invalid escape sequence");
      }
    }
    if (!closed) return fail(line, "unterminated string");
    val[o] = 0;
    WS();
    if (p < end && text[p] != '#') return fail(line, "unexpected text after the value");
#undef WS
    for (size_t i = 0; i < keys.n; i++)
      if (strcmp(keys.v[i], key) == 0) return fail(line, "duplicate key");
    sl_push(&keys, key);
    sl_push(&values, val);
  }
  for (size_t i = 0; i < keys.n; i++) set(keys.v[i], values.v[i]);
  return NULL;
}
