/* usage: expr EXPRESSION
 *
 * Print the value of EXPRESSION; exit 0 if it is neither empty nor 0, 1 if it is,
 * 2 if it is invalid. Operators, loosest first: | & (= == != < <= > >=) (+ -)
 * (* / %) : and the functions match STR RE, substr STR POS LEN, index STR CHARS,
 * length STR, + TOKEN. Comparisons are numeric when both sides are integers. */
#include "lib/lib.h"
#include <regex.h>

#pragma clang attribute push (__attribute__((minsize)), apply_to = function)

GLOBALS(expr,
  char **args;
  int pos, count, failed;
);

static void fail(int status, const char *fmt, const char *arg) {
  if (TT.failed) return;
  fprintf(stderr, "expr: ");
  fprintf(stderr, fmt, arg);
  fputc('\n', stderr);
  TT.failed = status;
}
static int is_int(const char *s, long long *v) {
  const char *p = s + (*s == '-');
  if (!*p || strspn(p, "0123456789") != strlen(p)) return 0;
  errno = 0;
  *v = strtoll(s, NULL, 10);
  if (errno) { fail(2, "integer result too large: '%s'", s); return 0; }
  return 1;
}
static int is_null(const char *s) { long long v; return !*s || (is_int(s, &v) && v == 0); }
static char *num(long long v) { char b[32]; snprintf(b, sizeof b, "%lld", v); return strdup(b); }
static const char *peek(void) { return TT.pos < TT.count ? TT.args[TT.pos] : NULL; }
static int at(const char *op) { return TT.pos < TT.count && !strcmp(TT.args[TT.pos], op); }

static char *or_expr(void);
static char *token(void) {
  if (TT.pos >= TT.count) { fail(2, "syntax error: missing argument after '%s'", TT.pos ? TT.args[TT.pos - 1] : "expr"); return strdup(""); }
  return strdup(TT.args[TT.pos++]);
}
static char *primary(void) {
  const char *t = peek();
  if (!t) return token();
  if (!strcmp(t, "(")) {
    TT.pos++;
    char *v = or_expr();
    if (!at(")")) fail(2, TT.pos < TT.count ? "syntax error: expecting ')' instead of '%s'" : "syntax error: expecting ')' after '%s'", TT.pos < TT.count ? TT.args[TT.pos] : TT.args[TT.pos - 1]);
    else TT.pos++;
    return v;
  }
  if (!strcmp(t, "+")) { TT.pos++; return token(); }
  if (!strcmp(t, "length")) { TT.pos++; char *s = token(); char *r = num(strlen(s)); free(s); return r; }
  if (!strcmp(t, "index")) {
    TT.pos++;
    char *s = token(), *c = token();
    size_t i = strcspn(s, c);
    char *r = num(s[i] ? (long long)i + 1 : 0);
    free(s); free(c);
    return r;
  }
  if (!strcmp(t, "substr")) {
    TT.pos++;
    char *s = token(), *p = token(), *l = token();
    long long ps, ln, len = strlen(s);
    char *r;
    if (!is_int(p, &ps) || !is_int(l, &ln) || ps < 1 || ln < 1 || ps > len) r = strdup("");
    else r = strndup(s + ps - 1, ln);
    free(s); free(p); free(l);
    return r;
  }
  if (!strcmp(t, "match")) { TT.pos++; char *s = token(); TT.args[--TT.pos] = ":"; TT.args[--TT.pos] = s; return primary(); }
  if (!strcmp(t, ")")) { fail(2, "syntax error: unexpected ')'", t); TT.pos++; return strdup(""); }
  return token();
}
static char *match_re(const char *s, const char *re) {
  char *pat = malloc(strlen(re) + 2);
  sprintf(pat, "^%s", re);
  regex_t rx;
  regmatch_t m[2];
  if (regcomp(&rx, pat, 0)) { free(pat); fail(2, "invalid regular expression '%s'", re); return strdup(""); }
  free(pat);
  int ok = !regexec(&rx, s, 2, m, 0), groups = rx.re_nsub > 0;
  char *r = groups ? (ok && m[1].rm_so >= 0 ? strndup(s + m[1].rm_so, m[1].rm_eo - m[1].rm_so) : strdup("")) : num(ok ? m[0].rm_eo : 0);
  regfree(&rx);
  return r;
}
static char *colon_expr(void) {
  char *l = primary();
  while (at(":")) {
    TT.pos++;
    char *r = primary(), *v = match_re(l, r);
    free(l); free(r);
    l = v;
  }
  return l;
}
static char *arith(char *l, char *r, char op) {
  long long a, b, v = 0;
  if (!is_int(l, &a) || !is_int(r, &b)) fail(2, "non-integer argument%s", "");
  else if ((op == '/' || op == '%') && !b) fail(2, "division by zero%s", "");
  else v = op == '+' ? a + b : op == '-' ? a - b : op == '*' ? a * b : op == '/' ? a / b : a % b;
  free(l); free(r);
  return num(v);
}
static char *mul_expr(void) {
  char *l = colon_expr();
  while (at("*") || at("/") || at("%")) { char op = TT.args[TT.pos++][0]; l = arith(l, colon_expr(), op); }
  return l;
}
static char *add_expr(void) {
  char *l = mul_expr();
  while (at("+") || at("-")) { char op = TT.args[TT.pos++][0]; l = arith(l, mul_expr(), op); }
  return l;
}
static char *cmp_expr(void) {
  char *l = add_expr();
  static const char *const ops[] = {"=", "==", "!=", "<", "<=", ">", ">=", 0};
  for (;;) {
    int k = -1;
    for (int i = 0; ops[i]; i++) if (at(ops[i])) k = i;
    if (k < 0) return l;
    TT.pos++;
    char *r = add_expr();
    long long a, b;
    int c = is_int(l, &a) && is_int(r, &b) ? (a > b) - (a < b) : strcmp(l, r);
    int t = k <= 1 ? !c : k == 2 ? c != 0 : k == 3 ? c < 0 : k == 4 ? c <= 0 : k == 5 ? c > 0 : c >= 0;
    free(l); free(r);
    l = num(t);
  }
}
static char *and_expr(void) {
  char *l = cmp_expr();
  while (at("&")) {
    TT.pos++;
    char *r = cmp_expr();
    if (is_null(l) || is_null(r)) { free(l); l = num(0); }
    free(r);
  }
  return l;
}
static char *or_expr(void) {
  char *l = and_expr();
  while (at("|")) {
    TT.pos++;
    char *r = and_expr();
    if (is_null(l)) { free(l); l = is_null(r) ? (free(r), num(0)) : r; }
    else free(r);
  }
  return l;
}

int expr_main(int argc, char **argv) {
  if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "--version"))) return toy_init(argc, argv, "", 2), toys.exitval;
  toy_init(1, argv, "", 2);
  int first = argc > 1 && !strcmp(argv[1], "--") ? 2 : 1;
  TT.count = argc - first;
  TT.args = malloc((TT.count + 1) * sizeof *TT.args);
  for (int i = 0; i < TT.count; i++) TT.args[i] = argv[first + i];
  if (!TT.count) { free(TT.args); return usage_error("missing operand"); }
  char *v = or_expr();
  if (!TT.failed && TT.pos < TT.count) fail(2, "syntax error: unexpected argument '%s'", TT.args[TT.pos]);
  int status = TT.failed ? TT.failed : is_null(v) ? 1 : 0;
  if (!TT.failed) puts(v);
  free(v);
  free(TT.args);
  int fin = finish();
  return fin ? 3 : status;
}

#pragma clang attribute pop
