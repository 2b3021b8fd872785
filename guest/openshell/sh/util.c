/* Small helpers: allocation that cannot fail silently, messages, string buffers. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sh.h"

/* The memory cap was reached: say so, then stop (the engine reports the trap). */
static void out_of_memory(void) {
  fputs("sh: out of memory\n", stderr);
  abort();
}

void *sh_alloc(size_t n) {
  void *p = calloc(1, n ? n : 1);
  if (!p) out_of_memory();
  return p;
}

char *sh_strndup(const char *s, size_t n) {
  char *p = sh_alloc(n + 1);
  memcpy(p, s, n);
  return p;
}

char *sh_strdup(const char *s) { return sh_strndup(s, strlen(s)); }

static void vmsg(const char *fmt, va_list ap) {
  fflush(stdout);
  fprintf(stderr, "%s: %d: %s", sh.arg0 ? sh.arg0 : "sh", sh.line, sh.in_eval ? "eval: " : "");
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  fflush(stderr);
}

void sh_err(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vmsg(fmt, ap);
  va_end(ap);
}

/* dash ends a non-interactive shell on expansion errors and special-builtin errors. */
void sh_fatal(int status, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vmsg(fmt, ap);
  va_end(ap);
  sh.status = status;
  sh.unwind = U_EXIT;
  sh.fatal = 1;
}

int sh_argv_len(char **v) {
  int n = 0;
  while (v && v[n]) n++;
  return n;
}

char **sh_argv_dup(char **v) {
  int n = sh_argv_len(v);
  char **r = sh_alloc((n + 1) * sizeof *r);
  for (int i = 0; i < n; i++) r[i] = sh_strdup(v[i]);
  return r;
}

void sh_argv_free(char **v) {
  for (int i = 0; v && v[i]; i++) free(v[i]);
  free(v);
}

int sh_isname(const char *s, size_t n) {
  if (!n || !(isalpha((unsigned char)*s) || *s == '_')) return 0;
  for (size_t i = 1; i < n; i++)
    if (!(isalnum((unsigned char)s[i]) || s[i] == '_')) return 0;
  return 1;
}

int sh_number(const char *s, long *out) {
  char *end;
  if (!*s || !(isdigit((unsigned char)*s) || ((*s == '-' || *s == '+') && isdigit((unsigned char)s[1]))))
    return 0;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (*end || errno) return 0;
  *out = v;
  return 1;
}

void sb_addc(struct strbuf *b, int c) {
  if (b->len + 2 > b->cap) {
    b->cap = b->cap ? b->cap * 2 : 64;
    b->s = realloc(b->s, b->cap);
    if (!b->s) out_of_memory();
  }
  b->s[b->len++] = c;
  b->s[b->len] = 0;
}

void sb_add(struct strbuf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    while (b->len + n + 1 > b->cap) b->cap = b->cap ? b->cap * 2 : 64;
    b->s = realloc(b->s, b->cap);
    if (!b->s) out_of_memory();
  }
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = 0;
}

void sb_adds(struct strbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

char *sb_take(struct strbuf *b) {
  char *s = b->s ? b->s : sh_strdup("");
  b->s = 0;
  b->len = b->cap = 0;
  return s;
}

/* The shadow stack is 1 MiB and overflowing it corrupts memory instead of trapping,
 * so deep recursion (f() { f; }, nested eval or $(...)) stops well before the end,
 * leaving room for the utilities that may run at that depth. */
char *sh_stack_base;

int sh_too_deep(void) {
  char here;
  if (!sh_stack_base || sh_stack_base - &here < 600 * 1024) return 0;
  if (!sh.unwind) sh_fatal(2, "nesting too deep");
  return 1;
}
