/* $((...)): C-like integer expressions by precedence climbing, as dash evaluates them. */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sh.h"

struct ar {
  const char *s, *expr;
  int noeval;   /* inside the untaken side of && || ?: */
  const char *err;
};

static void skip(struct ar *a) { while (isspace((unsigned char)*a->s)) a->s++; }

static intmax_t ternary(struct ar *a);

/* Two's-complement wrapping, as dash gets on its machines (signed overflow is
 * undefined in C, and INTMAX_MIN / -1 would trap in wasm); shifts count mod 64 as on x86. */
static intmax_t calc(char op, intmax_t v, intmax_t r) {
  uintmax_t x = v, y = r;
  switch (op) {
  case '+': return (intmax_t)(x + y);
  case '-': return (intmax_t)(x - y);
  case '*': return (intmax_t)(x * y);
  case '/': return r == -1 ? (intmax_t)(0 - x) : v / r;
  case '%': return r == -1 ? 0 : v % r;
  case '<': return (intmax_t)(x << (y & 63));
  case '>': return v >> (y & 63);
  }
  return 0;
}

static intmax_t varval(struct ar *a, const char *name) {
  const char *v = sh_getvar(name);
  if (!v || !*v) {
    if (!v && sh.opt_u && !a->noeval) a->err = "parameter not set";
    return 0;
  }
  char *end;
  intmax_t r = strtoimax(v, &end, 0);
  while (isspace((unsigned char)*end)) end++;
  if (*end && !a->err) a->err = "bad number";
  return r;
}

static intmax_t primary(struct ar *a) {
  skip(a);
  if (sh_too_deep()) { a->err = "nesting too deep"; return 0; }
  const char *s = a->s;
  if (*s == '(') {
    a->s++;
    intmax_t v = ternary(a);
    skip(a);
    if (*a->s != ')') { if (!a->err) a->err = "expecting ')'"; return 0; }
    a->s++;
    return v;
  }
  if (*s == '-' || *s == '+' || *s == '!' || *s == '~') {
    a->s++;
    intmax_t v = primary(a);
    return *s == '-' ? calc('-', 0, v) : *s == '+' ? v : *s == '!' ? !v : ~v;
  }
  if (isdigit((unsigned char)*s)) {
    char *end;
    intmax_t v = strtoimax(s, &end, 0);
    if (isalnum((unsigned char)*end) || *end == '_') { if (!a->err) a->err = "bad number"; }
    a->s = end;
    return v;
  }
  if (isalpha((unsigned char)*s) || *s == '_') {
    const char *e = s;
    while (isalnum((unsigned char)*e) || *e == '_') e++;
    char *name = sh_strndup(s, e - s);
    a->s = e;
    skip(a);
    /* assignment operators: = += -= *= /= %= <<= >>= &= ^= |= (but not ==) */
    static const char *const ops[] = {"<<=", ">>=", "+=", "-=", "*=", "/=", "%=", "&=", "^=", "|=", "=", 0};
    for (int i = 0; ops[i]; i++) {
      size_t l = strlen(ops[i]);
      if (strncmp(a->s, ops[i], l) || (l == 1 && a->s[1] == '=')) continue;
      a->s += l;
      intmax_t r = ternary(a), v = l == 1 ? r : varval(a, name);
      switch (ops[i][0]) {
      case '+': case '-': case '*': case '<': case '>': v = calc(ops[i][0], v, r); break;
      case '/': case '%':
        if (!r) { if (!a->noeval && !a->err) a->err = "division by zero"; break; }
        v = calc(ops[i][0], v, r);
        break;
      case '&': v &= r; break;
      case '^': v ^= r; break;
      case '|': v |= r; break;
      }
      if (!a->noeval && !a->err) {
        char buf[24];
        snprintf(buf, sizeof buf, "%jd", v);
        sh_setvar(name, buf, 0);
      }
      free(name);
      return v;
    }
    intmax_t v = varval(a, name);
    free(name);
    return v;
  }
  if (!a->err) a->err = "expecting primary";
  return 0;
}

/* Binary operators by precedence level, lowest first. */
static int binop(const char *s, int *len) {
  static const struct { char op[3]; char prec; } t[] = {
    {"||", 1}, {"&&", 2}, {"==", 7}, {"!=", 7}, {"<=", 8}, {">=", 8}, {"<<", 9}, {">>", 9},
    {"|", 3}, {"^", 4}, {"&", 5}, {"<", 8}, {">", 8}, {"+", 10}, {"-", 10}, {"*", 11},
    {"/", 11}, {"%", 11}};
  for (size_t i = 0; i < sizeof t / sizeof *t; i++) {
    size_t l = strlen(t[i].op);
    if (!strncmp(s, t[i].op, l)) {
      if (s[l] == '=' && l == 1 && strchr("|&^+-*/%", *s)) return 0;  /* op= handled in primary */
      *len = l;
      return t[i].prec;
    }
  }
  return 0;
}

static intmax_t climb(struct ar *a, int minprec) {
  intmax_t v = primary(a);
  for (;;) {
    skip(a);
    int len, prec = binop(a->s, &len);
    if (!prec || prec < minprec || a->err) return v;
    char op0 = a->s[0], op1 = len > 1 ? a->s[1] : 0;
    a->s += len;
    int saved = a->noeval;
    if ((op0 == '|' && op1 == '|' && v) || (op0 == '&' && op1 == '&' && !v)) a->noeval = 1;
    intmax_t r = climb(a, prec + 1);
    a->noeval = saved;
    switch (op0) {
    case '|': v = op1 ? (v || r) : (v | r); break;
    case '&': v = op1 ? (v && r) : (v & r); break;
    case '^': v ^= r; break;
    case '=': v = v == r; break;
    case '!': v = v != r; break;
    case '<': v = op1 == '=' ? v <= r : op1 == '<' ? calc('<', v, r) : v < r; break;
    case '>': v = op1 == '=' ? v >= r : op1 == '>' ? calc('>', v, r) : v > r; break;
    case '+': case '-': case '*': v = calc(op0, v, r); break;
    case '/': case '%':
      if (!r) { if (!a->noeval && !a->err) a->err = "division by zero"; return 0; }
      v = calc(op0, v, r);
      break;
    }
  }
}

static intmax_t ternary(struct ar *a) {
  intmax_t c = climb(a, 1);
  skip(a);
  if (*a->s != '?') return c;
  a->s++;
  int saved = a->noeval;
  if (!c) a->noeval = 1;
  intmax_t x = ternary(a);
  a->noeval = saved;
  skip(a);
  if (*a->s != ':') { if (!a->err) a->err = "expecting ':'"; return 0; }
  a->s++;
  if (c) a->noeval = 1;
  intmax_t y = ternary(a);
  a->noeval = saved;
  return c ? x : y;
}

int sh_arith(const char *expr, intmax_t *out) {
  struct ar a = {expr, expr, 0, 0};
  skip(&a);
  *out = *a.s ? ternary(&a) : 0;
  skip(&a);
  if (!a.err && *a.s) a.err = "expecting EOF";
  if (a.err) {
    if (sh.unwind) return -1;   /* already reported (nesting too deep) */
    sh_fatal(2, "arithmetic expression: %s: \"%s\"", a.err, expr);
    return -1;
  }
  return 0;
}
