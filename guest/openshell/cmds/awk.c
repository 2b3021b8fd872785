/* usage: awk [-F FS] [-v VAR=VALUE]... [-f PROGFILE]... ['PROGRAM'] [FILE|VAR=VALUE]...
 *
 * Run a POSIX awk program on each input record.
 * -F FS	field separator: " " (blanks), one character, or an ERE
 * -v V=VAL	assign VAL to the variable V before BEGIN
 * -f FILE	read the program from FILE (repeatable) */
#include "lib/lib.h"
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <regex.h>
#include <time.h>
#include <unistd.h>

/* awk is large and rarely hot: optimise it for size (the module has a size budget) */
#pragma clang attribute push (__attribute__((minsize)), apply_to = function)

/* ---- values ---- */
enum { C_NUM = 1, C_STR = 2, C_NUMERIC = 4 };  /* num valid, str valid, compares as a number */
typedef struct { double num; char *str; int fl; } Cell;

typedef struct Elem { char *key; Cell c; struct Elem *next; } Elem;
typedef struct { Elem **tab; int size, count; } Arr;

enum { K_UNTYPED, K_SCALAR, K_ARRAY };
typedef struct Var { const char *name; int kind, borrowed; Cell c; Arr *arr; struct Var *origin, *hnext; } Var;

typedef struct Node {
  int op, n, line;
  struct Node *a, *b, *c, *d, *next;
  Var *var;
  Cell k;
  regex_t *re;
  struct Func *fn;
} Node;

typedef struct Func { const char *name; int nparams, defined; const char **params; Node *body; struct Func *next; } Func;
typedef struct Rule { int kind; Node *pat, *pat2, *action; int inrange; struct Rule *next; } Rule;
enum { R_BEGIN, R_END, R_MAIN };

/* expression and statement node kinds */
enum {
  N_NUM, N_STR, N_REGEX, N_VAR, N_LOCAL, N_FIELD, N_INDEX, N_ASSIGN, N_COND, N_OR, N_AND, N_NOT,
  N_IN, N_MATCH, N_CMP, N_CONCAT, N_ARITH, N_NEG, N_PLUS, N_PREINC, N_PREDEC, N_POSTINC, N_POSTDEC,
  N_CALL, N_BUILTIN, N_GETLINE, N_GROUP,
  S_EXPR, S_PRINT, S_PRINTF, S_IF, S_WHILE, S_DO, S_FOR, S_FORIN, S_BLOCK, S_NEXT, S_NEXTFILE,
  S_EXIT, S_RETURN, S_BREAK, S_CONTINUE, S_DELETE
};
enum { B_LENGTH, B_SUBSTR, B_INDEX, B_SPLIT, B_SUB, B_GSUB, B_MATCH, B_SPRINTF, B_SIN, B_COS, B_ATAN2,
       B_EXP, B_LOG, B_SQRT, B_INT, B_RAND, B_SRAND, B_TOLOWER, B_TOUPPER, B_SYSTEM, B_CLOSE, B_FFLUSH };
static const char *const builtin_names[] = {"length", "substr", "index", "split", "sub", "gsub", "match",
  "sprintf", "sin", "cos", "atan2", "exp", "log", "sqrt", "int", "rand", "srand", "tolower", "toupper",
  "system", "close", "fflush", 0};
enum { G_PLAIN, G_FILE, G_CMD };
enum { J_NONE, J_NEXT, J_NEXTFILE, J_EXIT, J_RETURN, J_BREAK, J_CONTINUE, J_FATAL };

/* tokens */
enum {
  T_EOF = 256, T_NL, T_NUM, T_STR, T_ERE, T_NAME, T_FUNCNAME, T_BUILTIN, T_BEGIN, T_END, T_FUNCTION,
  T_IF, T_ELSE, T_WHILE, T_FOR, T_DO, T_BREAK, T_CONTINUE, T_NEXT, T_NEXTFILE, T_EXIT, T_RETURN,
  T_DELETE, T_IN, T_GETLINE, T_PRINT, T_PRINTF, T_AND, T_OR, T_EQ, T_NE, T_LE, T_GE, T_MATCH, T_NOMATCH,
  T_INCR, T_DECR, T_APPEND, T_ADD_ASSIGN, T_SUB_ASSIGN, T_MUL_ASSIGN, T_DIV_ASSIGN, T_MOD_ASSIGN, T_POW_ASSIGN
};
typedef struct { int t, line, n; char *s; double num; } Tok;

/* streams opened by name: output files and pipes, getline files and commands */
enum { ST_OUT, ST_APPEND, ST_PIPE, ST_IN, ST_CMDIN };
typedef struct Reader { FILE *f; char *buf; size_t len, cap, pos; int eof, n_status; } Reader;
typedef struct Stream { char *name; int kind; FILE *f; char *tmp; Reader rd; struct Stream *next; } Stream;

typedef struct Mem { struct Mem *next; } Mem;

GLOBALS(awk,
  Mem *arena;
  Tok *toks;
  int ntok, pos, no_gt, no_in;
  const char *src;
  int line;
  Func *funcs, *cur_func;
  Rule *rules;
  Var *vhash[211];
  int jump, status, exiting, in_end;
  Cell ret;
  Var *frame;
  int depth;
  Cell *fields;
  int nf, fcap, nf_valid;
  Stream *streams;
  Reader main_rd;
  int main_open, argi, argi_files, stdin_done;
  FILE *main_f;
  struct { char *src; int icase; regex_t re; } recache[16];
  int renext;
  regex_t **regs;
  int nregs;
  unsigned long seed, prev_seed;
  Var *v_NF, *v_NR, *v_FNR, *v_FS, *v_OFS, *v_ORS, *v_RS, *v_SUBSEP, *v_CONVFMT, *v_OFMT,
    *v_RSTART, *v_RLENGTH, *v_FILENAME, *v_ENVIRON, *v_ARGC, *v_ARGV;
  int perr;
  unsigned long long rng_state;
);

static void *aalloc(size_t n) {
  Mem *m = calloc(1, sizeof(Mem) + n);
  if (!m) { fputs("awk: out of memory\n", stderr); abort(); }
  m->next = TT.arena;
  TT.arena = m;
  return m + 1;
}
static char *astrdup(const char *s, size_t n) {
  char *p = aalloc(n + 1);
  memcpy(p, s, n);
  return p;
}
static char *xstrdup(const char *s) { char *p = strdup(s); if (!p) abort(); return p; }

static void fatal(const char *fmt, ...) {
  if (TT.jump == J_FATAL) return;
  va_list ap;
  va_start(ap, fmt);
  fflush(stdout);
  fprintf(stderr, "awk: ");
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  TT.jump = J_FATAL;
  TT.status = 2;
}

/* ---- cells ---- */
static void cfree(Cell *c) { free(c->str); c->str = NULL; c->fl = 0; }
static Cell cnum(double d) { return (Cell){d, NULL, C_NUM | C_NUMERIC}; }
static Cell cstr_own(char *s) { return (Cell){0, s, C_STR}; }
static Cell cstr(const char *s) { return cstr_own(xstrdup(s)); }
static Cell ccopy(const Cell *c) { Cell r = *c; if (c->str) r.str = xstrdup(c->str); return r; }

/* the decimal number at the start of s (awk accepts no hex, inf or nan) */
static double str_to_num(const char *s, int *whole) {
  const char *p = s, *start;
  while (isspace((unsigned char)*p)) p++;
  start = p;
  if (*p == '+' || *p == '-') p++;
  const char *d = p;
  while (isdigit((unsigned char)*p)) p++;
  if (*p == '.') p++;
  while (isdigit((unsigned char)*p)) p++;
  int digits = p > d && !(p == d + 1 && *d == '.');
  if (!digits) { if (whole) *whole = 0; return 0; }
  if (*p == 'e' || *p == 'E') {
    const char *e = p + 1;
    if (*e == '+' || *e == '-') e++;
    if (isdigit((unsigned char)*e)) { while (isdigit((unsigned char)*e)) e++; p = e; }
  }
  char buf[128];
  size_t n = p - start < 127 ? (size_t)(p - start) : 127;
  memcpy(buf, start, n);
  buf[n] = 0;
  double v = strtod(buf, NULL);
  if (whole) {
    while (isspace((unsigned char)*p)) p++;
    *whole = !*p;
  }
  return v;
}

/* input-derived strings are numbers when they look like one */
static Cell cstrnum_own(char *s) {
  Cell c = cstr_own(s);
  int whole;
  double v = str_to_num(s, &whole);
  if (whole) { c.num = v; c.fl |= C_NUM | C_NUMERIC; }
  return c;
}

static double getnum(const Cell *c) {
  if (c->fl & C_NUM) return c->num;
  if (c->str) return str_to_num(c->str, NULL);
  return 0;
}

static const char *num_to_str(double d, const char *fmt, char *buf) {
  if (d == (double)(long long)d && fabs(d) < 1e18) snprintf(buf, 64, "%lld", (long long)d);
  else if (isnan(d)) strcpy(buf, signbit(d) ? "-nan" : "nan");
  else if (isinf(d)) strcpy(buf, d < 0 ? "-inf" : "inf");
  else snprintf(buf, 64, fmt, d);
  return buf;
}
static const char *convfmt(void) { return TT.v_CONVFMT->c.str ? TT.v_CONVFMT->c.str : "%.6g"; }
static const char *getstr_fmt(const Cell *c, char *buf, const char *fmt) {
  if (c->fl & C_STR) return c->str;
  if (c->fl & C_NUM) return num_to_str(c->num, fmt, buf);
  return "";
}
static const char *getstr(const Cell *c, char *buf) { return getstr_fmt(c, buf, convfmt()); }
static char *getstr_dup(const Cell *c) { char b[64]; return xstrdup(getstr(c, b)); }
static int truth(const Cell *c) {
  if (c->fl & C_NUMERIC) return c->num != 0;
  if (c->fl & C_STR) return c->str[0] != 0;
  return 0;
}

/* ---- arrays ---- */
static unsigned hash(const char *s) { unsigned h = 5381; while (*s) h = h * 33 + (unsigned char)*s++; return h; }
static Arr *arr_new(void) { Arr *a = calloc(1, sizeof *a); a->size = 16; a->tab = calloc(16, sizeof *a->tab); return a; }
static Elem *arr_find(Arr *a, const char *k, int create) {
  unsigned h = hash(k) % a->size;
  for (Elem *e = a->tab[h]; e; e = e->next) if (!strcmp(e->key, k)) return e;
  if (!create) return NULL;
  if (a->count >= a->size * 2) {
    int ns = a->size * 4;
    Elem **nt = calloc(ns, sizeof *nt);
    for (int i = 0; i < a->size; i++)
      for (Elem *e = a->tab[i], *nx; e; e = nx) { nx = e->next; unsigned hh = hash(e->key) % ns; e->next = nt[hh]; nt[hh] = e; }
    free(a->tab);
    a->tab = nt;
    a->size = ns;
    h = hash(k) % ns;
  }
  Elem *e = calloc(1, sizeof *e);
  e->key = xstrdup(k);
  e->next = a->tab[h];
  a->tab[h] = e;
  a->count++;
  return e;
}
static void arr_delete(Arr *a, const char *k) {
  unsigned h = hash(k) % a->size;
  for (Elem **p = &a->tab[h]; *p; p = &(*p)->next)
    if (!strcmp((*p)->key, k)) { Elem *e = *p; *p = e->next; free(e->key); cfree(&e->c); free(e); a->count--; return; }
}
static void arr_clear(Arr *a) {
  for (int i = 0; i < a->size; i++)
    for (Elem *e = a->tab[i], *nx; e; e = nx) { nx = e->next; free(e->key); cfree(&e->c); free(e); }
  memset(a->tab, 0, a->size * sizeof *a->tab);
  a->count = 0;
}
static void arr_free(Arr *a) { if (a) { arr_clear(a); free(a->tab); free(a); } }
static void arr_set(Arr *a, const char *k, Cell c) { Elem *e = arr_find(a, k, 1); cfree(&e->c); e->c = c; }

/* ---- variables ---- */
static Var *lookup(const char *name) {
  unsigned h = hash(name) % 211;
  for (Var *v = TT.vhash[h]; v; v = v->hnext) if (!strcmp(v->name, name)) return v;
  Var *v = aalloc(sizeof *v);
  v->name = astrdup(name, strlen(name));
  v->hnext = TT.vhash[h];
  TT.vhash[h] = v;
  return v;
}
static void var_set(Var *v, Cell c);
static Arr *var_array(Var *v) {
  if (v->kind == K_UNTYPED && v->origin && v->origin->kind != K_SCALAR) {  /* the caller's array, by reference */
    v->arr = var_array(v->origin);
    v->kind = K_ARRAY;
    v->borrowed = 1;
    v->origin = NULL;
    return v->arr;
  }
  if (v->kind == K_SCALAR) { fatal("can't use scalar %s as array", v->name); if (!v->arr) v->arr = arr_new(); return v->arr; }
  if (v->kind == K_UNTYPED) { v->kind = K_ARRAY; v->arr = arr_new(); }
  return v->arr;
}

/* ---- fields and records ---- */
static void set_nf_var(void) { cfree(&TT.v_NF->c); TT.v_NF->c = cnum(TT.nf); TT.v_NF->kind = K_SCALAR; }
static void field_room(int n) {
  if (n + 1 > TT.fcap) {
    int nc = TT.fcap ? TT.fcap : 16;
    while (nc < n + 1) nc *= 2;
    TT.fields = realloc(TT.fields, nc * sizeof *TT.fields);
    memset(TT.fields + TT.fcap, 0, (nc - TT.fcap) * sizeof *TT.fields);
    TT.fcap = nc;
  }
}
typedef void (*piece_fn)(void *ctx, const char *s, size_t n);
static regex_t *dyn_regex(const char *src);

/* Split s by fs (" ": blanks; one character; "": each character; else an ERE), or by re. */
static void split_with(const char *s, const char *fs, regex_t *re, int newline_too, piece_fn add, void *ctx) {
  size_t len = strlen(s);
  if (!re && !strcmp(fs, " ")) {
    const char *p = s;
    for (;;) {
      while (*p == ' ' || *p == '\t' || *p == '\n') p++;
      if (!*p) return;
      const char *q = p;
      while (*q && *q != ' ' && *q != '\t' && *q != '\n') q++;
      add(ctx, p, q - p);
      p = q;
    }
  }
  if (!len) return;
  if (!re && !*fs) { for (size_t i = 0; i < len; i++) add(ctx, s + i, 1); return; }
  if (!re && fs[1] == 0 && fs[0] != '\\' && !newline_too) {
    const char *p = s, *q;
    while ((q = strchr(p, fs[0]))) { add(ctx, p, q - p); p = q + 1; }
    add(ctx, p, strlen(p));
    return;
  }
  if (!re) {
    if (newline_too) {  /* RS="": newline separates fields too */
      char *pat = malloc(strlen(fs) + 8);
      sprintf(pat, fs[1] == 0 && fs[0] != '\\' ? "[%s\n]" : "(%s)|\n", fs);
      if (fs[1] == 0 && strchr("]^\\-", fs[0])) sprintf(pat, "\\%s|\n", fs);
      re = dyn_regex(pat);
      free(pat);
    } else re = dyn_regex(fs);
    if (!re) return;
  }
  const char *p = s, *scan = s;
  regmatch_t m;
  while (*scan && !regexec(re, scan, 1, &m, scan == s ? 0 : REG_NOTBOL)) {
    if (m.rm_eo == m.rm_so) {  /* an empty match separates nothing: look further on */
      if (!scan[m.rm_so]) break;
      scan += m.rm_so + 1;
      continue;
    }
    add(ctx, p, scan + m.rm_so - p);
    p = scan = scan + m.rm_eo;
  }
  add(ctx, p, strlen(p));
}

static void add_field(void *ctx, const char *s, size_t n) {
  field_room(++TT.nf);
  cfree(&TT.fields[TT.nf]);
  TT.fields[TT.nf] = cstrnum_own(strndup(s, n));
}
static int paragraph_mode(void) { return TT.v_RS->c.fl & C_STR ? !TT.v_RS->c.str[0] : 0; }
static void split_record(void) {
  for (int i = 1; i <= TT.nf; i++) cfree(&TT.fields[i]);
  TT.nf = 0;
  char b[64];
  const char *fs = getstr(&TT.v_FS->c, b);
  split_with(TT.fields[0].str, fs, NULL, paragraph_mode(), add_field, NULL);
  set_nf_var();
}
static void set_record(char *s) {  /* takes s */
  field_room(0);
  cfree(&TT.fields[0]);
  TT.fields[0] = cstrnum_own(s);
  split_record();
}
static void rebuild_record(void) {
  char b[64], ob[64];
  const char *ofs = getstr(&TT.v_OFS->c, ob);
  size_t len = 0, ol = strlen(ofs);
  for (int i = 1; i <= TT.nf; i++) len += strlen(getstr(&TT.fields[i], b)) + ol;
  char *r = malloc(len + 1), *p = r;
  for (int i = 1; i <= TT.nf; i++) {
    if (i > 1) { memcpy(p, ofs, ol); p += ol; }
    const char *f = getstr(&TT.fields[i], b);
    size_t fl = strlen(f);
    memcpy(p, f, fl);
    p += fl;
  }
  *p = 0;
  field_room(0);
  cfree(&TT.fields[0]);
  TT.fields[0] = cstr_own(r);
}
static void set_nf(int n) {
  if (n < 0) { fatal("NF set to a negative value"); return; }
  field_room(n);
  for (int i = n + 1; i <= TT.nf; i++) cfree(&TT.fields[i]);
  for (int i = TT.nf + 1; i <= n; i++) TT.fields[i] = cstr("");
  TT.nf = n;
  set_nf_var();
  rebuild_record();
}
static Cell get_field(double d) {
  if (d < 0) { fatal("trying to access out of range field %d", (int)d); return cnum(0); }
  int i = (int)d;
  if (i > TT.nf || !TT.fcap) return (Cell){0, NULL, 0};
  return ccopy(&TT.fields[i]);
}
static void set_field(double d, Cell c) {
  int i = (int)d;
  if (d < 0) { fatal("trying to access out of range field %d", i); cfree(&c); return; }
  if (!i) { char b[64]; char *s = xstrdup(getstr(&c, b)); cfree(&c); set_record(s); return; }
  if (i > TT.nf) {
    field_room(i);
    for (int j = TT.nf + 1; j <= i; j++) TT.fields[j] = cstr("");
    TT.nf = i;
    set_nf_var();
  }
  cfree(&TT.fields[i]);
  TT.fields[i] = c;
  rebuild_record();
}

static void var_set(Var *v, Cell c) {
  if (v->kind == K_ARRAY) { fatal("can't assign to %s; it's an array name.", v->name); cfree(&c); return; }
  v->kind = K_SCALAR;
  cfree(&v->c);
  v->c = c;
  if (v == TT.v_NF) set_nf((int)getnum(&c));
}

/* ---- regular expressions ---- */
/* awk escapes (\/ \" \n \t ...) become the characters themselves; others stay for regcomp */
static char *regex_source(const char *s, size_t n) {
  char *r = malloc(n * 2 + 3), *p = r;
  for (size_t i = 0; i < n; i++) {
    if (s[i] == '\\' && i + 1 < n) {
      char c = s[++i];
      switch (c) {
      case '/': case '"': *p++ = c; break;
      case 'n': *p++ = '\n'; break;
      case 't': *p++ = '\t'; break;
      case 'r': *p++ = '\r'; break;
      case 'f': *p++ = '\f'; break;
      case 'v': *p++ = '\v'; break;
      case 'a': *p++ = '\a'; break;
      case 'b': *p++ = '\b'; break;
      default: *p++ = '\\'; *p++ = c;
      }
    } else *p++ = s[i];
  }
  *p = 0;
  if (!*r) strcpy(r, "()");
  return r;
}
static int compile(regex_t *re, const char *src) {
  int rc = regcomp(re, src, REG_EXTENDED);
  if (rc) {
    char msg[128];
    regerror(rc, re, msg, sizeof msg);
    fatal("regular expression /%s/: %s", src, msg);
  }
  return rc;
}
static regex_t *dyn_regex(const char *src) {
  for (int i = 0; i < 16; i++) if (TT.recache[i].src && !strcmp(TT.recache[i].src, src)) return &TT.recache[i].re;
  int i = TT.renext++ % 16;
  if (TT.recache[i].src) { regfree(&TT.recache[i].re); free(TT.recache[i].src); TT.recache[i].src = NULL; }
  char *s = regex_source(src, strlen(src));
  int rc = compile(&TT.recache[i].re, s);
  free(s);
  if (rc) return NULL;
  TT.recache[i].src = xstrdup(src);
  return &TT.recache[i].re;
}

/* ---- lexer ---- */
static const struct { const char *w; int t; } keywords[] = {
  {"BEGIN", T_BEGIN}, {"END", T_END}, {"function", T_FUNCTION}, {"func", T_FUNCTION}, {"if", T_IF},
  {"else", T_ELSE}, {"while", T_WHILE}, {"for", T_FOR}, {"do", T_DO}, {"break", T_BREAK},
  {"continue", T_CONTINUE}, {"next", T_NEXT}, {"nextfile", T_NEXTFILE}, {"exit", T_EXIT},
  {"return", T_RETURN}, {"delete", T_DELETE}, {"in", T_IN}, {"getline", T_GETLINE}, {"print", T_PRINT},
  {"printf", T_PRINTF}, {0, 0}};

static int unescape_str(const char *s, size_t n, char *out) {
  char *p = out;
  for (size_t i = 0; i < n; i++) {
    if (s[i] != '\\' || i + 1 >= n) { *p++ = s[i]; continue; }
    char c = s[++i];
    if (c == '"' || c == '/' ) *p++ = c;
    else if (strchr("abfnrtv\\", c)) { const char *q = s + i; *p++ = unescape_char(&q); }
    else if (c >= '0' && c <= '7') { const char *q = s + i; *p++ = unescape_char(&q); i = q - s - 1; }
    else { *p++ = '\\'; *p++ = c; }
  }
  *p = 0;
  return p - out;
}

static int regex_allowed(int prev) {
  switch (prev) {
  case T_NAME: case T_NUM: case T_STR: case T_ERE: case T_BUILTIN: case ')': case ']': case '$':
  case T_INCR: case T_DECR: return 0;
  default: return 1;
  }
}

static int tokenize(const char *src) {
  int cap = 256, n = 0, line = 1;
  TT.toks = aalloc(cap * sizeof(Tok));
  const char *p = src;
  for (;;) {
    if (n + 2 >= cap) { Tok *t = aalloc(cap * 2 * sizeof(Tok)); memcpy(t, TT.toks, n * sizeof(Tok)); TT.toks = t; cap *= 2; }
    Tok *t = &TT.toks[n];
    memset(t, 0, sizeof *t);
    int prev = n ? TT.toks[n - 1].t : T_NL;
    while (*p == ' ' || *p == '\t' || *p == '\r' || (*p == '\\' && p[1] == '\n') || (*p == '\\' && p[1] == '\r' && p[2] == '\n')) {
      if (*p == '\\') { p += p[1] == '\r' ? 3 : 2; line++; } else p++;
    }
    if (*p == '#') while (*p && *p != '\n') p++;
    t->line = line;
    if (!*p) { t->t = T_EOF; n++; break; }
    char c = *p;
    if (c == '\n') {
      line++;
      p++;
      /* newlines after these tokens continue the statement */
      if (prev == ',' || prev == '{' || prev == T_AND || prev == T_OR || prev == T_DO || prev == T_ELSE || prev == T_NL || (n == 0)) continue;
      t->t = T_NL;
      n++;
      continue;
    }
    if (isdigit((unsigned char)c) || (c == '.' && isdigit((unsigned char)p[1]))) {
      char *end;
      t->num = strtod(p, &end);
      /* no hex constants in POSIX awk */
      if (c == '0' && (p[1] == 'x' || p[1] == 'X')) { t->num = 0; end = (char *)p + 1; }
      p = end;
      t->t = T_NUM;
      n++;
      continue;
    }
    if (isalpha((unsigned char)c) || c == '_') {
      const char *s = p;
      while (isalnum((unsigned char)*p) || *p == '_') p++;
      size_t len = p - s;
      t->s = astrdup(s, len);
      t->t = T_NAME;
      for (int i = 0; keywords[i].w; i++) if (!strcmp(keywords[i].w, t->s)) t->t = keywords[i].t;
      for (int i = 0; builtin_names[i]; i++) if (!strcmp(builtin_names[i], t->s)) { t->t = T_BUILTIN; t->n = i; }
      if (t->t == T_NAME && *p == '(') t->t = T_FUNCNAME;
      n++;
      continue;
    }
    if (c == '"') {
      const char *s = ++p;
      while (*p && *p != '"' && *p != '\n') { if (*p == '\\' && p[1]) p++; p++; }
      if (*p != '"') { fprintf(stderr, "awk: line %d: runaway string constant \"%.10s ...\n", line, s); return -1; }
      t->s = aalloc(p - s + 1);
      t->n = unescape_str(s, p - s, t->s);
      p++;
      t->t = T_STR;
      n++;
      continue;
    }
    if (c == '/' && regex_allowed(prev)) {
      const char *s = ++p;
      int inbr = 0;
      while (*p && *p != '\n' && (inbr || *p != '/')) {
        if (*p == '\\' && p[1]) p++;
        else if (*p == '[' && !inbr) { inbr = 1; if (p[1] == '^') p++; if (p[1] == ']') p++; }
        else if (*p == ']' && inbr) inbr = 0;
        p++;
      }
      if (*p != '/') { fprintf(stderr, "awk: line %d: runaway regular expression /%.10s ...\n", line, s); return -1; }
      t->s = astrdup(s, p - s);
      p++;
      t->t = T_ERE;
      n++;
      continue;
    }
    static const struct { const char *op; int t; } ops[] = {
      {"&&", T_AND}, {"||", T_OR}, {"==", T_EQ}, {"!=", T_NE}, {"<=", T_LE}, {">=", T_GE}, {"!~", T_NOMATCH},
      {"++", T_INCR}, {"--", T_DECR}, {">>", T_APPEND}, {"+=", T_ADD_ASSIGN}, {"-=", T_SUB_ASSIGN},
      {"*=", T_MUL_ASSIGN}, {"/=", T_DIV_ASSIGN}, {"%=", T_MOD_ASSIGN}, {"^=", T_POW_ASSIGN},
      {"**=", T_POW_ASSIGN}, {"**", '^'}, {0, 0}};
    int found = 0;
    for (int i = 0; ops[i].op && !found; i++) {
      size_t l = strlen(ops[i].op);
      if (!strncmp(p, ops[i].op, l)) {
        t->t = ops[i].t;
        p += l;
        found = 1;
      }
    }
    if (found) { n++; continue; }
    if (strchr("{}()[];,+-*/%^!<>|?:~$=", c)) { t->t = c; p++; n++; continue; }
    fprintf(stderr, "awk: line %d: syntax error at or near %c\n", line, c);
    return -1;
  }
  TT.ntok = n;
  return 0;
}

/* ---- parser (recursive descent over the token array) ---- */
static int peek(void) { return TT.toks[TT.pos].t; }
static int peek_at(int k) { return TT.pos + k < TT.ntok ? TT.toks[TT.pos + k].t : T_EOF; }
static Tok *adv(void) { Tok *t = &TT.toks[TT.pos]; if (TT.pos < TT.ntok - 1) TT.pos++; return t; }
static void syntax(void) {
  if (!TT.perr) {
    Tok *t = &TT.toks[TT.pos];
    if (t->t == T_EOF) fprintf(stderr, "awk: line %d: syntax error at end of program\n", t->line);
    else if (t->t == T_NL) fprintf(stderr, "awk: line %d: syntax error at or near end of line\n", t->line);
    else if (t->s) fprintf(stderr, "awk: line %d: syntax error at or near %s\n", t->line, t->s);
    else if (t->t < 256) fprintf(stderr, "awk: line %d: syntax error at or near %c\n", t->line, t->t);
    else fprintf(stderr, "awk: line %d: syntax error\n", t->line);
  }
  TT.perr = 1;
  TT.pos = TT.ntok - 1;
}
static int accept(int t) { if (peek() == t) { adv(); return 1; } return 0; }
static void expect(int t) { if (!accept(t)) syntax(); }
static void opt_nl(void) { while (peek() == T_NL) adv(); }
static void opt_term(void) { while (peek() == T_NL || peek() == ';') adv(); }
static Node *mk(int op, Node *a, Node *b) {
  Node *n = aalloc(sizeof *n);
  n->op = op;
  n->a = a;
  n->b = b;
  n->line = TT.toks[TT.pos].line;
  return n;
}
static int is_lvalue(Node *n) { return n && (n->op == N_VAR || n->op == N_LOCAL || n->op == N_FIELD || n->op == N_INDEX); }
static Func *get_func(const char *name) {
  for (Func *f = TT.funcs; f; f = f->next) if (!strcmp(f->name, name)) return f;
  Func *f = aalloc(sizeof *f);
  f->name = name;
  f->next = TT.funcs;
  TT.funcs = f;
  return f;
}
static Node *name_node(const char *name) {
  if (TT.cur_func)
    for (int i = 0; i < TT.cur_func->nparams; i++)
      if (!strcmp(TT.cur_func->params[i], name)) { Node *n = mk(N_LOCAL, 0, 0); n->n = i; return n; }
  Node *n = mk(N_VAR, 0, 0);
  n->var = lookup(name);
  return n;
}

static Node *expr(void);
static Node *primary(void);
static Node *unary(void);
static Node *concat_expr(void);

static Node *expr_list(int *count) {
  Node *head = NULL, **tail = &head;
  int n = 0;
  do { *tail = expr(); if (*tail) tail = &(*tail)->next; n++; } while (!TT.perr && accept(','));
  if (count) *count = n;
  return head;
}
static Node *call_args(void) {  /* after the '(' */
  Node *args = NULL;
  if (peek() != ')') { int save = TT.no_gt; TT.no_gt = 0; args = expr_list(NULL); TT.no_gt = save; }
  expect(')');
  return args;
}
static Node *simple_lvalue(void) {  /* for getline VAR */
  if (peek() != T_NAME && peek() != '$') return NULL;
  Node *n = primary();
  return is_lvalue(n) ? n : (syntax(), NULL);
}
static Node *regex_node(const char *src) {
  Node *n = mk(N_REGEX, 0, 0);
  n->re = aalloc(sizeof(regex_t));
  char *s = regex_source(src, strlen(src));
  if (regcomp(n->re, s, REG_EXTENDED)) { fprintf(stderr, "awk: line %d: regular expression compile failed (/%s/)\n", n->line, src); TT.perr = 1; TT.pos = TT.ntok - 1; n->re = NULL; }
  else { TT.regs = realloc(TT.regs, (TT.nregs + 1) * sizeof *TT.regs); TT.regs[TT.nregs++] = n->re; }
  free(s);
  return n;
}

static Node *primary(void) {
  Tok *t = &TT.toks[TT.pos];
  Node *n;
  switch (t->t) {
  case T_NUM: adv(); n = mk(N_NUM, 0, 0); n->k = cnum(t->num); return n;
  case T_STR: adv(); n = mk(N_STR, 0, 0); n->k = (Cell){0, t->s, C_STR}; n->n = t->n; return n;
  case T_ERE: adv(); return regex_node(t->s);
  case '$':
    adv();
    if (peek() == T_INCR || peek() == T_DECR) { int op = adv()->t == T_INCR ? N_PREINC : N_PREDEC; Node *lv = primary(); if (!is_lvalue(lv)) syntax(); return mk(N_FIELD, mk(op, lv, 0), 0); }
    if (accept('-')) return mk(N_FIELD, mk(N_NEG, primary(), 0), 0);
    return mk(N_FIELD, primary(), 0);
  case T_INCR: case T_DECR: {
    int op = adv()->t == T_INCR ? N_PREINC : N_PREDEC;
    Node *lv = primary();
    if (!is_lvalue(lv)) syntax();
    return mk(op, lv, 0);
  }
  case '(': {
    adv();
    int save = TT.no_gt;
    TT.no_gt = 0;
    int count;
    Node *list = expr_list(&count);
    TT.no_gt = save;
    expect(')');
    if (count > 1) {
      if (peek() == T_IN) { adv(); Tok *a = adv(); if (a->t != T_NAME) { syntax(); return NULL; } n = mk(N_IN, list, name_node(a->s)); return n; }
      return mk(N_GROUP, list, 0);
    }
    return list;
  }
  case T_NAME:
    adv();
    n = name_node(t->s);
    if (accept('[')) {
      int save = TT.no_gt;
      TT.no_gt = 0;
      Node *sub = expr_list(NULL);
      TT.no_gt = save;
      expect(']');
      Node *ix = mk(N_INDEX, n, sub);
      return ix;
    }
    return n;
  case T_FUNCNAME:
    adv();
    adv();  /* '(' */
    n = mk(N_CALL, 0, 0);
    n->fn = get_func(t->s);
    n->a = call_args();
    return n;
  case T_BUILTIN:
    adv();
    n = mk(N_BUILTIN, 0, 0);
    n->n = t->n;
    if (accept('(')) n->a = call_args();
    else if (t->n != B_LENGTH) syntax();
    return n;
  case T_GETLINE:
    adv();
    n = mk(N_GETLINE, simple_lvalue(), 0);
    n->n = G_PLAIN;
    if (accept('<')) { n->n = G_FILE; n->b = primary(); }
    return n;
  case '-': adv(); return mk(N_NEG, unary(), 0);
  case '+': adv(); return mk(N_PLUS, unary(), 0);
  case '!': adv(); return mk(N_NOT, unary(), 0);
  default: syntax(); return mk(N_NUM, 0, 0);
  }
}
static Node *postfix(void) {
  Node *n = primary();
  if (is_lvalue(n) && (peek() == T_INCR || peek() == T_DECR)) n = mk(adv()->t == T_INCR ? N_POSTINC : N_POSTDEC, n, 0);
  return n;
}
static Node *power(void) {
  Node *n = postfix();
  if (accept('^')) { Node *r = mk(N_ARITH, n, unary()); r->n = '^'; return r; }
  return n;
}
static Node *unary(void) {
  if (accept('!')) return mk(N_NOT, unary(), 0);
  if (accept('-')) return mk(N_NEG, unary(), 0);
  if (accept('+')) return mk(N_PLUS, unary(), 0);
  return power();
}
static Node *mul_expr(void) {
  Node *n = unary();
  while (peek() == '*' || peek() == '/' || peek() == '%') { int op = adv()->t; n = mk(N_ARITH, n, unary()); n->n = op; }
  return n;
}
static Node *add_expr(void) {
  Node *n = mul_expr();
  while (peek() == '+' || peek() == '-') { int op = adv()->t; n = mk(N_ARITH, n, mul_expr()); n->n = op; }
  return n;
}
static int starts_operand(int t) {
  return t == T_NUM || t == T_STR || t == T_ERE || t == T_NAME || t == T_FUNCNAME || t == T_BUILTIN ||
         t == '$' || t == '(' || t == T_INCR || t == T_DECR || t == '-' || t == '+' || t == '!';
}
static Node *concat_expr(void) {
  Node *n = add_expr();
  for (;;) {
    if (peek() == '|' && peek_at(1) == T_GETLINE) {
      adv();
      adv();
      n = mk(N_GETLINE, simple_lvalue(), n);
      n->n = G_CMD;
    } else if (starts_operand(peek()) && peek() != '-' && peek() != '+' && peek() != '!' && !(peek() == T_IN)) {
      n = mk(N_CONCAT, n, add_expr());
    } else return n;
  }
}
static Node *cmp_expr(void) {
  Node *n = concat_expr();
  int t = peek();
  if (t == '<' || t == T_LE || t == T_NE || t == T_EQ || (t == '>' && !TT.no_gt) || t == T_GE) {
    adv();
    n = mk(N_CMP, n, concat_expr());
    n->n = t;
  }
  return n;
}
static Node *match_expr(void) {
  Node *n = cmp_expr();
  while (peek() == '~' || peek() == T_NOMATCH) { int neg = adv()->t == T_NOMATCH; n = mk(N_MATCH, n, cmp_expr()); n->n = neg; }
  return n;
}
static Node *in_expr(void) {
  Node *n = match_expr();
  while (peek() == T_IN) {
    adv();
    Tok *a = adv();
    if (a->t != T_NAME) { syntax(); return n; }
    n = mk(N_IN, n, name_node(a->s));
  }
  return n;
}
static Node *and_expr(void) {
  Node *n = in_expr();
  while (accept(T_AND)) { opt_nl(); n = mk(N_AND, n, in_expr()); }
  return n;
}
static Node *or_expr(void) {
  Node *n = and_expr();
  while (accept(T_OR)) { opt_nl(); n = mk(N_OR, n, and_expr()); }
  return n;
}
static Node *ternary(void) {
  Node *c = or_expr();
  if (!accept('?')) return c;
  opt_nl();
  Node *n = mk(N_COND, c, expr());
  opt_nl();
  expect(':');
  opt_nl();
  n->c = expr();
  return n;
}
static Node *expr(void) {
  Node *l = ternary();
  int t = peek(), op = 0;
  switch (t) {
  case '=': op = '='; break;
  case T_ADD_ASSIGN: op = '+'; break;
  case T_SUB_ASSIGN: op = '-'; break;
  case T_MUL_ASSIGN: op = '*'; break;
  case T_DIV_ASSIGN: op = '/'; break;
  case T_MOD_ASSIGN: op = '%'; break;
  case T_POW_ASSIGN: op = '^'; break;
  }
  if (op && is_lvalue(l)) {
    adv();
    opt_nl();
    Node *n = mk(N_ASSIGN, l, expr());
    n->n = op;
    return n;
  }
  return l;
}

static Node *statement(void);
static Node *block(void) {  /* after '{' */
  Node *head = NULL, **tail = &head;
  opt_term();
  while (!TT.perr && peek() != '}' && peek() != T_EOF) {
    Node *s = statement();
    if (s) { *tail = s; tail = &s->next; }
    opt_term();
  }
  expect('}');
  return mk(S_BLOCK, head, 0);
}
static void end_simple(void) {
  if (peek() == ';' || peek() == T_NL) adv();
  else if (peek() != '}' && peek() != T_EOF) syntax();
}
static int at_terminator(void) { int t = peek(); return t == ';' || t == T_NL || t == '}' || t == T_EOF; }
static Node *simple_statement(void) {
  Node *n;
  int t = peek();
  switch (t) {
  case T_PRINT: case T_PRINTF: {
    adv();
    n = mk(t == T_PRINT ? S_PRINT : S_PRINTF, 0, 0);
    if (!at_terminator() && peek() != '>' && peek() != T_APPEND && peek() != '|') {
      TT.no_gt = 1;
      int count;
      n->a = expr_list(&count);
      TT.no_gt = 0;
      if (count == 1 && n->a && n->a->op == N_GROUP) n->a = n->a->a;
    }
    if (peek() == '>' || peek() == T_APPEND || peek() == '|') {
      int r = adv()->t;
      n->n = r == '>' ? ST_OUT : r == T_APPEND ? ST_APPEND : ST_PIPE;
      TT.no_gt = 1;
      n->b = concat_expr();
      TT.no_gt = 0;
    }
    if (t == T_PRINTF && !n->a) syntax();
    return n;
  }
  case T_NEXT: adv(); return mk(S_NEXT, 0, 0);
  case T_NEXTFILE: adv(); return mk(S_NEXTFILE, 0, 0);
  case T_EXIT: adv(); return mk(S_EXIT, at_terminator() ? NULL : expr(), 0);
  case T_RETURN: adv(); if (!TT.cur_func) { syntax(); return NULL; } return mk(S_RETURN, at_terminator() ? NULL : expr(), 0);
  case T_BREAK: adv(); return mk(S_BREAK, 0, 0);
  case T_CONTINUE: adv(); return mk(S_CONTINUE, 0, 0);
  case T_DELETE: {
    adv();
    Tok *a = adv();
    if (a->t != T_NAME) { syntax(); return NULL; }
    n = mk(S_DELETE, name_node(a->s), 0);
    if (accept('[')) { n->b = expr_list(NULL); expect(']'); }
    return n;
  }
  default: return mk(S_EXPR, expr(), 0);
  }
}
static Node *statement(void) {
  Node *n;
  switch (peek()) {
  case '{': adv(); return block();
  case ';': adv(); return NULL;
  case T_IF: {
    adv();
    expect('(');
    n = mk(S_IF, expr(), 0);
    expect(')');
    opt_nl();
    n->b = statement();
    int save = TT.pos;
    opt_term();
    if (accept(T_ELSE)) { opt_nl(); n->c = statement(); }
    else TT.pos = save;
    return n;
  }
  case T_WHILE:
    adv();
    expect('(');
    n = mk(S_WHILE, expr(), 0);
    expect(')');
    if (accept(';')) return n;
    opt_nl();
    n->b = statement();
    return n;
  case T_DO:
    adv();
    opt_nl();
    n = mk(S_DO, 0, statement());
    opt_term();
    expect(T_WHILE);
    expect('(');
    n->a = expr();
    expect(')');
    end_simple();
    return n;
  case T_FOR:
    adv();
    expect('(');
    if (peek() == T_NAME && peek_at(1) == T_IN && peek_at(2) == T_NAME && peek_at(3) == ')') {
      Node *v = name_node(adv()->s);
      adv();
      Node *arr = name_node(adv()->s);
      adv();
      opt_nl();
      n = mk(S_FORIN, v, arr);
      n->c = statement();
      return n;
    }
    n = mk(S_FOR, 0, 0);
    if (peek() != ';') n->a = simple_statement();
    expect(';');
    opt_nl();
    if (peek() != ';') n->b = expr();
    expect(';');
    opt_nl();
    if (peek() != ')') n->c = simple_statement();
    expect(')');
    if (accept(';')) return n;
    opt_nl();
    n->d = statement();
    return n;
  default:
    n = simple_statement();
    end_simple();
    return n;
  }
}

static void parse_program(void) {
  Rule **tail = &TT.rules;
  opt_term();
  while (!TT.perr && peek() != T_EOF) {
    if (accept(T_FUNCTION)) {
      Tok *name = adv();
      if (name->t != T_NAME && name->t != T_FUNCNAME) { syntax(); break; }
      Func *f = get_func(name->s);
      if (f->defined) { fprintf(stderr, "awk: line %d: function %s redefined\n", name->line, name->s); TT.perr = 1; break; }
      f->defined = 1;
      expect('(');
      const char **params = aalloc(64 * sizeof *params);
      while (peek() == T_NAME && f->nparams < 64) { params[f->nparams++] = adv()->s; if (!accept(',')) break; }
      f->params = params;
      expect(')');
      opt_nl();
      expect('{');
      TT.cur_func = f;
      f->body = block();
      TT.cur_func = NULL;
    } else {
      Rule *r = aalloc(sizeof *r);
      r->kind = R_MAIN;
      if (accept(T_BEGIN)) r->kind = R_BEGIN;
      else if (accept(T_END)) r->kind = R_END;
      else if (peek() != '{') {
        r->pat = expr();
        if (accept(',')) { opt_nl(); r->pat2 = expr(); }
      }
      if (r->kind != R_MAIN) opt_nl();
      if (accept('{')) r->action = block();
      else if (r->kind != R_MAIN) syntax();
      *tail = r;
      tail = &r->next;
    }
    if (!TT.perr && !at_terminator() && peek() != '{' && peek() != T_FUNCTION && peek() != T_BEGIN && peek() != T_END &&
        !starts_operand(peek())) syntax();
    opt_term();
  }
  for (Func *f = TT.funcs; f && !TT.perr; f = f->next)
    if (!f->defined) { fprintf(stderr, "awk: function %s never defined\n", f->name); TT.perr = 1; }
}

/* ---- input records ---- */
static int fill(Reader *r) {
  if (r->eof) return 0;
  if (r->pos && r->pos == r->len) r->pos = r->len = 0;
  if (r->cap - r->len < 4096) {
    memmove(r->buf, r->buf + r->pos, r->len - r->pos);
    r->len -= r->pos;
    r->pos = 0;
    if (r->cap - r->len < 4096) { r->cap *= 2; r->buf = realloc(r->buf, r->cap + 1); }
  }
  size_t n = fread(r->buf + r->len, 1, r->cap - r->len, r->f);
  if (!n) r->eof = 1;
  r->len += n;
  r->buf[r->len] = 0;
  return n > 0;
}
static char *read_record(Reader *r) {
  char b[64];
  const char *rs = getstr(&TT.v_RS->c, b);
  if (!r->buf) { r->cap = 8192; r->buf = malloc(r->cap + 1); r->buf[0] = 0; }
  if (rs[0] && !rs[1]) {
    for (;;) {
      char *start = r->buf + r->pos, *q = memchr(start, rs[0], r->len - r->pos);
      if (q) { r->pos = q - r->buf + 1; return strndup(start, q - start); }
      if (!fill(r)) {
        if (r->pos < r->len) { char *rec = strndup(r->buf + r->pos, r->len - r->pos); r->pos = r->len; return rec; }
        return NULL;
      }
    }
  }
  while (fill(r)) {}
  char *p = r->buf + r->pos, *end = r->buf + r->len;
  if (!rs[0]) {  /* paragraph mode: records are separated by blank lines */
    while (p < end && *p == '\n') p++;
    if (p >= end) { r->pos = r->len; return NULL; }
    char *q = strstr(p, "\n\n");
    char *rec;
    if (!q) { char *e = end; while (e > p && e[-1] == '\n') e--; rec = strndup(p, e - p); r->pos = r->len; }
    else { rec = strndup(p, q - p); while (*q == '\n') q++; r->pos = q - r->buf; }
    return rec;
  }
  if (p >= end) return NULL;
  regex_t *re = dyn_regex(rs);
  regmatch_t m;
  if (re && !regexec(re, p, 1, &m, r->pos ? REG_NOTBOL : 0) && m.rm_eo > m.rm_so) {
    r->pos += m.rm_eo;
    return strndup(p, m.rm_so);
  }
  r->pos = r->len;
  return strndup(p, end - p);
}
static int is_assignment(const char *a) {
  if (!isalpha((unsigned char)*a) && *a != '_') return 0;
  while (isalnum((unsigned char)*a) || *a == '_') a++;
  return *a == '=';
}
static void assign_arg(const char *a) {
  const char *eq = strchr(a, '=');
  char *name = strndup(a, eq - a), *val = malloc(strlen(eq) + 1);
  unescape_str(eq + 1, strlen(eq + 1), val);
  var_set(lookup(name), cstrnum_own(val));
  free(name);
}
static Cell *argv_elem(int i) {
  char k[32];
  snprintf(k, sizeof k, "%d", i);
  Elem *e = arr_find(var_array(TT.v_ARGV), k, 0);
  return e ? &e->c : NULL;
}
static void close_main(void) {
  if (!TT.main_open) return;
  if (TT.main_f == stdin) close_input(stdin); else fclose(TT.main_f);
  free(TT.main_rd.buf);
  memset(&TT.main_rd, 0, sizeof TT.main_rd);
  TT.main_open = 0;
}
static char *next_main_record(void) {
  for (;;) {
    if (!TT.main_open) {
      int argc = (int)getnum(&TT.v_ARGC->c);
      const char *name = NULL;
      char b[64];
      while (!name && TT.argi < argc) {
        Cell *c = argv_elem(TT.argi++);
        const char *a = c ? getstr(c, b) : "";
        if (!*a) continue;
        if (is_assignment(a)) { assign_arg(a); continue; }
        name = a;
        TT.argi_files = 1;
      }
      if (!name) {
        if (TT.argi_files || TT.stdin_done) return NULL;
        name = "-";
      }
      if (!strcmp(name, "-") || !strcmp(name, "/dev/stdin")) { TT.main_f = stdin; clearerr(stdin); TT.stdin_done = 1; }
      else if (!(TT.main_f = fopen(name, "r"))) { fatal("cannot open %s (%s)", name, strerror(errno)); return NULL; }
      TT.main_rd.f = TT.main_f;
      TT.main_open = 1;
      var_set(TT.v_FILENAME, cstr(name));
      var_set(TT.v_FNR, cnum(0));
    }
    char *rec = read_record(&TT.main_rd);
    if (rec) return rec;
    close_main();
  }
}

/* ---- streams: files, pipes through temp files, commands ---- */
static void flush_all(void) {
  fflush(stdout);
  for (Stream *s = TT.streams; s; s = s->next) if (s->f && s->kind != ST_IN && s->kind != ST_CMDIN) fflush(s->f);
}
static int run_shell(const char *script) {
  flush_all();
  fflush(stderr);
  char *av[] = {"sh", "-c", (char *)script, NULL};
  return sh_from_utility(3, av);
}
static char *temp_path(int *fd) {
  const char *dir = getenv("TMPDIR");
  if (!dir || !*dir) dir = "/tmp";
  char *p = malloc(strlen(dir) + 24);
  sprintf(p, "%s/.oshawkXXXXXX", dir);
  *fd = make_temp(p, 0);
  if (*fd < 0) { free(p); return NULL; }
  return p;
}
static int close_stream(Stream *s) {
  int rc = 0;
  if (s->kind == ST_PIPE) {
    if (s->f) fclose(s->f);
    char *script = malloc(strlen(s->name) + strlen(s->tmp) + 16);
    sprintf(script, "{ %s\n} <'%s'", s->name, s->tmp);
    rc = run_shell(script);
    free(script);
  } else if (s->f && s->f != stdout && s->f != stderr && s->f != stdin) rc = fclose(s->f) ? -1 : 0;
  else if (s->f == stdin) close_input(stdin);
  else if (s->f) fflush(s->f);
  if (s->kind == ST_CMDIN) rc = s->rd.n_status;
  if (s->tmp) { unlink(s->tmp); free(s->tmp); }
  free(s->rd.buf);
  free(s->name);
  return rc;
}
static Stream *get_stream(const char *name, int kind) {
  for (Stream *s = TT.streams; s; s = s->next)
    if (!strcmp(s->name, name) && ((s->kind == ST_IN || s->kind == ST_CMDIN) == (kind == ST_IN || kind == ST_CMDIN))) return s;
  Stream *s = calloc(1, sizeof *s);
  s->name = xstrdup(name);
  s->kind = kind;
  int fd;
  if (kind == ST_OUT || kind == ST_APPEND) {
    if (!strcmp(name, "/dev/stdout") || !strcmp(name, "-")) s->f = stdout;
    else if (!strcmp(name, "/dev/stderr")) s->f = stderr;
    else s->f = kind == ST_OUT ? fopen_truncate(name) : fopen(name, "a");
    if (!s->f) { fatal("cannot open \"%s\" for output (%s)", name, strerror(errno)); free(s->name); free(s); return NULL; }
  } else if (kind == ST_PIPE) {
    if (!(s->tmp = temp_path(&fd)) || !(s->f = fdopen(fd, "w"))) { fatal("cannot open pipe \"%s\" (%s)", name, strerror(errno)); free(s->name); free(s); return NULL; }
  } else if (kind == ST_IN) {
    if (!strcmp(name, "-") || !strcmp(name, "/dev/stdin")) { s->f = stdin; clearerr(stdin); }
    else if (!(s->f = fopen(name, "r"))) { free(s->name); free(s); return NULL; }
  } else {
    if (!(s->tmp = temp_path(&fd))) { free(s->name); free(s); return NULL; }
    close(fd);
    char *script = malloc(strlen(name) + strlen(s->tmp) + 16);
    sprintf(script, "{ %s\n} >'%s'", name, s->tmp);
    s->rd.n_status = run_shell(script);
    free(script);
    if (!(s->f = fopen(s->tmp, "r"))) { unlink(s->tmp); free(s->tmp); free(s->name); free(s); return NULL; }
  }
  s->rd.f = s->f;
  s->next = TT.streams;
  TT.streams = s;
  return s;
}
static int close_named(const char *name) {
  for (Stream **p = &TT.streams; *p; p = &(*p)->next)
    if (!strcmp((*p)->name, name)) {
      Stream *s = *p;
      *p = s->next;
      int rc = close_stream(s);
      free(s);
      return rc;
    }
  return -1;
}
static void close_all(void) {
  /* in the order opened, as the pipes' commands then run */
  Stream *rev = NULL;
  while (TT.streams) { Stream *s = TT.streams; TT.streams = s->next; s->next = rev; rev = s; }
  while (rev) { Stream *s = rev; rev = s->next; close_stream(s); free(s); }
}

/* ---- evaluation ---- */
static Cell eval(Node *n);
static void exec_list(Node *n);

static Var *node_var(Node *n) { return n->op == N_LOCAL ? &TT.frame[n->n] : n->var; }
static char *subscript(Node *list) {
  char b[64], sb[64];
  const char *sep = getstr(&TT.v_SUBSEP->c, sb);
  size_t len = 0, cap = 64;
  char *k = malloc(cap);
  k[0] = 0;
  for (Node *e = list; e; e = e->next) {
    Cell c = eval(e);
    const char *s = getstr(&c, b);
    size_t need = len + strlen(s) + strlen(sep) + 1;
    if (need > cap) { cap = need * 2; k = realloc(k, cap); }
    if (e != list) { strcpy(k + len, sep); len += strlen(sep); }
    strcpy(k + len, s);
    len += strlen(s);
    cfree(&c);
  }
  return k;
}

typedef struct { int kind; Var *v; Elem *e; double field; } Ref;
static Ref resolve(Node *n) {
  Ref r = {n->op, NULL, NULL, 0};
  if (n->op == N_VAR || n->op == N_LOCAL) r.v = node_var(n);
  else if (n->op == N_FIELD) { Cell c = eval(n->a); r.field = getnum(&c); cfree(&c); }
  else {
    char *k = subscript(n->b);
    r.e = arr_find(var_array(node_var(n->a)), k, 1);
    free(k);
  }
  return r;
}
static Cell ref_get(Ref *r) {
  if (r->kind == N_FIELD) return get_field(r->field);
  if (r->e) return ccopy(&r->e->c);
  if (r->v->kind == K_ARRAY) { fatal("can't use array %s in scalar context", r->v->name); return cnum(0); }
  return ccopy(&r->v->c);
}
static void ref_set(Ref *r, Cell c) {
  if (r->kind == N_FIELD) set_field(r->field, c);
  else if (r->e) { cfree(&r->e->c); r->e->c = c; }
  else var_set(r->v, c);
}

static double arith(int op, double a, double b) {
  switch (op) {
  case '+': return a + b;
  case '-': return a - b;
  case '*': return a * b;
  case '/': if (b == 0) { fatal("division by zero"); return 0; } return a / b;
  case '%': if (b == 0) { fatal("division by zero in %%"); return 0; } return fmod(a, b);
  default: return pow(a, b);
  }
}
static int numeric_like(const Cell *c) { return (c->fl & C_NUMERIC) || !c->fl; }
static int compare(Cell *a, Cell *b) {
  if (numeric_like(a) && numeric_like(b)) { double x = getnum(a), y = getnum(b); return x < y ? -1 : x > y; }
  char ba[64], bb[64];
  return strcmp(getstr(a, ba), getstr(b, bb));
}
static regex_t *regex_of(Node *n) {
  if (n->op == N_REGEX) return n->re;
  Cell c = eval(n);
  char b[64];
  regex_t *re = dyn_regex(getstr(&c, b));
  cfree(&c);
  return re;
}
static int match_re(regex_t *re, const char *s, regmatch_t *m) {
  regmatch_t dummy;
  return re && !regexec(re, s, 1, m ? m : &dummy, 0);
}

/* printf and sprintf */
typedef struct { char *s; size_t len, cap; } Buf;
static void bput(Buf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) { b->cap = (b->len + n + 1) * 2; b->s = realloc(b->s, b->cap); }
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = 0;
}
static void bprintf(Buf *b, const char *spec, ...) {
  va_list ap, ap2;
  va_start(ap, spec);
  va_copy(ap2, ap);
  int n = vsnprintf(NULL, 0, spec, ap);
  va_end(ap);
  if (n > 0) {
    if (b->len + n + 1 > b->cap) { b->cap = (b->len + n + 1) * 2; b->s = realloc(b->s, b->cap); }
    vsnprintf(b->s + b->len, n + 1, spec, ap2);
    b->len += n;
  }
  va_end(ap2);
}
static char *format(const char *fmt, Node *args, size_t *outlen) {
  Buf out = {0};
  bput(&out, "", 0);
  char bn[64];
  for (const char *p = fmt; *p; p++) {
    if (*p != '%') { bput(&out, p, 1); continue; }
    if (p[1] == '%') { bput(&out, "%", 1); p++; continue; }
    char spec[64];
    int sl = 0;
    const char *start = p++;
    spec[sl++] = '%';
    while (*p && strchr("-+ #0", *p) && sl < 20) spec[sl++] = *p++;
    for (int part = 0; part < 2; part++) {
      if (part == 1) { if (*p != '.') break; spec[sl++] = *p++; }
      if (*p == '*') {
        p++;
        Cell c = args ? eval(args) : cnum(0);
        if (args) args = args->next;
        sl += snprintf(spec + sl, 20, "%d", (int)getnum(&c));
        cfree(&c);
      } else while (isdigit((unsigned char)*p) && sl < 50) spec[sl++] = *p++;
    }
    while (*p == 'h' || *p == 'l' || *p == 'L' || *p == 'q' || *p == 'j' || *p == 'z') p++;
    char conv = *p;
    if (!conv || !strchr("diouxXeEfFgGaAcs", conv)) { bput(&out, start, (conv ? p + 1 : p) - start); if (!conv) break; continue; }
    if (!args) { fatal("not enough arguments passed to printf(\"%s\")", fmt); break; }
    Cell c = eval(args);
    args = args->next;
    if (conv == 'd' || conv == 'i') {
      double d = getnum(&c);
      long long v = d >= 9.2e18 ? LLONG_MAX : d <= -9.2e18 ? LLONG_MIN : (long long)d;
      strcpy(spec + sl, "lld");
      bprintf(&out, spec, v);
    } else if (strchr("ouxX", conv)) {
      double d = getnum(&c);
      unsigned long long v = d >= 1.8e19 ? ULLONG_MAX : d < 0 ? (unsigned long long)(long long)d : (unsigned long long)d;
      spec[sl] = 'l'; spec[sl + 1] = 'l'; spec[sl + 2] = conv; spec[sl + 3] = 0;
      bprintf(&out, spec, v);
    } else if (conv == 'c') {
      char ch[2] = {0, 0};
      if ((c.fl & C_NUM) && !(c.fl & C_STR)) ch[0] = (char)(int)getnum(&c);
      else ch[0] = getstr(&c, bn)[0];
      spec[sl] = 'c'; spec[sl + 1] = 0;
      bprintf(&out, spec, ch[0]);
    } else if (conv == 's') {
      spec[sl] = 's'; spec[sl + 1] = 0;
      bprintf(&out, spec, getstr(&c, bn));
    } else {
      spec[sl] = conv; spec[sl + 1] = 0;
      bprintf(&out, spec, getnum(&c));
    }
    cfree(&c);
  }
  if (outlen) *outlen = out.len;
  return out.s;
}

/* sub and gsub: the new string, or NULL when nothing matched */
static char *substitute(regex_t *re, const char *repl, const char *s, int global, int *count) {
  Buf out = {0};
  bput(&out, "", 0);
  size_t len = strlen(s), pos = 0;
  long last_end = -1;
  *count = 0;
  while (pos <= len) {
    regmatch_t m;
    if (regexec(re, s + pos, 1, &m, pos ? REG_NOTBOL : 0)) break;
    size_t ms = pos + m.rm_so, me = pos + m.rm_eo;
    bput(&out, s + pos, ms - pos);
    if (me == ms && (long)ms == last_end) {  /* no empty match right after a match */
      if (ms < len) bput(&out, s + ms, 1);
      pos = ms + 1;
      continue;
    }
    for (const char *r = repl; *r; r++) {
      if (r[0] == '\\' && r[1] == '&') { bput(&out, "&", 1); r++; }
      else if (r[0] == '\\' && r[1] == '\\' && r[2] == '&') { bput(&out, "\\", 1); bput(&out, s + ms, me - ms); r += 2; }
      else if (*r == '&') bput(&out, s + ms, me - ms);
      else bput(&out, r, 1);
    }
    (*count)++;
    last_end = me;
    if (me == ms) { if (ms < len) bput(&out, s + ms, 1); pos = ms + 1; }
    else pos = me;
    if (!global) break;
  }
  if (!*count) { free(out.s); return NULL; }
  if (pos < len) bput(&out, s + pos, len - pos);
  return out.s;
}

struct split_ctx { Arr *a; int n; };
static void add_elem(void *ctx, const char *s, size_t n) {
  struct split_ctx *c = ctx;
  char k[32];
  snprintf(k, sizeof k, "%d", ++c->n);
  arr_set(c->a, k, cstrnum_own(strndup(s, n)));
}

static double awk_rand(void) {
  TT.rng_state = TT.rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
  return (double)(TT.rng_state >> 11) / 9007199254740992.0;
}

static Cell call_func(Func *f, Node *args);
static int do_getline(Node *n);

static Cell builtin(Node *n) {
  Node *a = n->a, *b = a ? a->next : NULL, *c3 = b ? b->next : NULL;
  char b1[64], b2[64];
  Cell x = {0}, y = {0}, r;
  int id = n->n;
  switch (id) {
  case B_LENGTH:
    if (a && (a->op == N_VAR || a->op == N_LOCAL) && node_var(a)->kind == K_ARRAY) return cnum(node_var(a)->arr->count);
    if (a && (a->op == N_VAR || a->op == N_LOCAL) && node_var(a)->kind == K_UNTYPED && node_var(a)->origin && node_var(a)->origin->kind == K_ARRAY)
      return cnum(var_array(node_var(a))->count);
    x = a ? eval(a) : get_field(0);
    r = cnum(strlen(getstr(&x, b1)));
    break;
  case B_SUBSTR: {
    x = eval(a);
    const char *s = getstr(&x, b1);
    double len = strlen(s), m = b ? (y = eval(b), getnum(&y)) : 1;
    cfree(&y);
    double start = rint(m), end = len + 1;
    if (c3) { Cell z = eval(c3); double l = getnum(&z); cfree(&z); end = isnan(l) ? start : start + rint(l); }
    if (start < 1) start = 1;
    if (end > len + 1) end = len + 1;
    r = end <= start ? cstr("") : cstr_own(strndup(s + (size_t)start - 1, (size_t)(end - start)));
    break;
  }
  case B_INDEX: {
    x = eval(a);
    y = eval(b);
    const char *s = getstr(&x, b1), *t = getstr(&y, b2), *q = strstr(s, t);
    r = cnum(q ? q - s + 1 : 0);
    break;
  }
  case B_SPLIT: {
    x = eval(a);
    char *s = getstr_dup(&x);
    Arr *arr = var_array(node_var(b));
    arr_clear(arr);
    struct split_ctx ctx = {arr, 0};
    if (c3 && c3->op == N_REGEX) split_with(s, "", c3->re, 0, add_elem, &ctx);
    else if (c3) { y = eval(c3); split_with(s, getstr(&y, b2), NULL, 0, add_elem, &ctx); }
    else split_with(s, getstr(&TT.v_FS->c, b2), NULL, paragraph_mode(), add_elem, &ctx);
    free(s);
    r = cnum(ctx.n);
    break;
  }
  case B_SUB: case B_GSUB: {
    regex_t *re = regex_of(a);
    y = eval(b);
    char *repl = getstr_dup(&y);
    Node field0 = {.op = N_NUM, .k = {0, NULL, C_NUM | C_NUMERIC}};
    Node target = {.op = N_FIELD, .a = &field0};
    Node *t = c3 ? c3 : &target;
    if (!is_lvalue(t)) { Cell tv = eval(t); cfree(&tv); free(repl); r = cnum(0); break; }
    Ref ref = resolve(t);
    x = ref_get(&ref);
    int count = 0;
    char *res = re ? substitute(re, repl, getstr(&x, b1), id == B_GSUB, &count) : NULL;
    if (res) ref_set(&ref, cstr_own(res));
    free(repl);
    r = cnum(count);
    break;
  }
  case B_MATCH: {
    x = eval(a);
    regex_t *re = regex_of(b);
    regmatch_t m;
    int ok = match_re(re, getstr(&x, b1), &m);
    var_set(TT.v_RSTART, cnum(ok ? m.rm_so + 1 : 0));
    var_set(TT.v_RLENGTH, cnum(ok ? m.rm_eo - m.rm_so : -1));
    r = cnum(ok ? m.rm_so + 1 : 0);
    break;
  }
  case B_SPRINTF: {
    if (!a) { r = cstr(""); break; }
    x = eval(a);
    char *fmt = getstr_dup(&x);
    r = cstr_own(format(fmt, b, NULL));
    free(fmt);
    break;
  }
  case B_SIN: case B_COS: case B_EXP: case B_LOG: case B_SQRT: case B_INT: {
    x = a ? eval(a) : get_field(0);
    double d = getnum(&x);
    r = cnum(id == B_SIN ? sin(d) : id == B_COS ? cos(d) : id == B_EXP ? exp(d) : id == B_LOG ? log(d) : id == B_SQRT ? sqrt(d) : trunc(d));
    break;
  }
  case B_ATAN2: x = eval(a); y = eval(b); r = cnum(atan2(getnum(&x), getnum(&y))); break;
  case B_RAND: r = cnum(awk_rand()); break;
  case B_SRAND: {
    double prev = TT.seed;
    if (a) { x = eval(a); TT.seed = (unsigned long)getnum(&x); }
    else TT.seed = (unsigned long)time(NULL);
    TT.rng_state = TT.seed;
    r = cnum(prev);
    break;
  }
  case B_TOLOWER: case B_TOUPPER: {
    x = eval(a);
    char *s = getstr_dup(&x);
    for (char *p = s; *p; p++) *p = id == B_TOLOWER ? tolower((unsigned char)*p) : toupper((unsigned char)*p);
    r = cstr_own(s);
    break;
  }
  case B_SYSTEM: {
    x = eval(a);
    char *cmd = getstr_dup(&x);
    r = cnum(run_shell(cmd));
    free(cmd);
    break;
  }
  case B_CLOSE: x = eval(a); r = cnum(close_named(getstr(&x, b1))); break;
  case B_FFLUSH:
    if (a) { x = eval(a); const char *name = getstr(&x, b1); Stream *s = TT.streams; while (s && strcmp(s->name, name)) s = s->next; r = cnum(s && s->f ? fflush(s->f) : -1); }
    else { flush_all(); r = cnum(0); }
    break;
  default: r = cnum(0);
  }
  cfree(&x);
  cfree(&y);
  return r;
}

static Cell eval(Node *n) {
  if (!n || TT.jump == J_FATAL) return cnum(0);
  Cell a, b, r;
  char b1[64], b2[64];
  switch (n->op) {
  case N_NUM: return n->k;
  case N_STR: return cstr(n->k.str);
  case N_REGEX: { a = get_field(0); int m = match_re(n->re, getstr(&a, b1), NULL); cfree(&a); return cnum(m); }
  case N_VAR: case N_LOCAL: case N_FIELD: case N_INDEX: { Ref ref = resolve(n); return ref_get(&ref); }
  case N_GROUP: return eval(n->a);
  case N_ASSIGN: {
    b = eval(n->b);
    Ref ref = resolve(n->a);
    if (n->n == '=') {
      r = ccopy(&b);
    } else {
      a = ref_get(&ref);
      r = cnum(arith(n->n, getnum(&a), getnum(&b)));
      cfree(&a);
    }
    cfree(&b);
    Cell out = ccopy(&r);
    ref_set(&ref, r);
    return out;
  }
  case N_COND: a = eval(n->a); { int t = truth(&a); cfree(&a); return eval(t ? n->b : n->c); }
  case N_OR: a = eval(n->a); { int t = truth(&a); cfree(&a); if (t) return cnum(1); b = eval(n->b); t = truth(&b); cfree(&b); return cnum(t); }
  case N_AND: a = eval(n->a); { int t = truth(&a); cfree(&a); if (!t) return cnum(0); b = eval(n->b); t = truth(&b); cfree(&b); return cnum(t); }
  case N_NOT: a = eval(n->a); { int t = truth(&a); cfree(&a); return cnum(!t); }
  case N_IN: {
    char *k = subscript(n->a);
    int found = arr_find(var_array(node_var(n->b)), k, 0) != NULL;
    free(k);
    return cnum(found);
  }
  case N_MATCH: {
    a = eval(n->a);
    regex_t *re = regex_of(n->b);
    int m = match_re(re, getstr(&a, b1), NULL);
    cfree(&a);
    return cnum(m != n->n);
  }
  case N_CMP: {
    a = eval(n->a);
    b = eval(n->b);
    int c = compare(&a, &b), t;
    switch (n->n) {
    case '<': t = c < 0; break;
    case T_LE: t = c <= 0; break;
    case '>': t = c > 0; break;
    case T_GE: t = c >= 0; break;
    case T_EQ: t = c == 0; break;
    default: t = c != 0;
    }
    cfree(&a);
    cfree(&b);
    return cnum(t);
  }
  case N_CONCAT: {
    a = eval(n->a);
    b = eval(n->b);
    const char *x = getstr(&a, b1), *y = getstr(&b, b2);
    size_t lx = strlen(x), ly = strlen(y);
    char *s = malloc(lx + ly + 1);
    memcpy(s, x, lx);
    memcpy(s + lx, y, ly + 1);
    cfree(&a);
    cfree(&b);
    return cstr_own(s);
  }
  case N_ARITH: {
    a = eval(n->a);
    b = eval(n->b);
    double v = arith(n->n, getnum(&a), getnum(&b));
    cfree(&a);
    cfree(&b);
    return cnum(v);
  }
  case N_NEG: a = eval(n->a); { double v = -getnum(&a); cfree(&a); return cnum(v); }
  case N_PLUS: a = eval(n->a); { double v = getnum(&a); cfree(&a); return cnum(v); }
  case N_PREINC: case N_PREDEC: case N_POSTINC: case N_POSTDEC: {
    Ref ref = resolve(n->a);
    a = ref_get(&ref);
    double old = getnum(&a), nv = old + (n->op == N_PREINC || n->op == N_POSTINC ? 1 : -1);
    cfree(&a);
    ref_set(&ref, cnum(nv));
    return cnum(n->op == N_PREINC || n->op == N_PREDEC ? nv : old);
  }
  case N_CALL: return call_func(n->fn, n->a);
  case N_BUILTIN: return builtin(n);
  case N_GETLINE: return cnum(do_getline(n));
  default: return cnum(0);
  }
}

static Cell call_func(Func *f, Node *args) {
  if (TT.depth >= 400) { fatal("function %s: call nesting too deep", f->name); return cnum(0); }
  int nargs = 0;
  for (Node *a = args; a; a = a->next) nargs++;
  if (nargs > f->nparams) { fatal("function %s called with %d args, accepts only %d", f->name, nargs, f->nparams); return cnum(0); }
  Var *locals = calloc(f->nparams + 1, sizeof *locals);
  int i = 0;
  for (Node *a = args; a; a = a->next, i++) {
    locals[i].name = f->params[i];
    if (a->op == N_VAR || a->op == N_LOCAL) {
      Var *cv = node_var(a);
      if (cv->kind == K_ARRAY) { locals[i].kind = K_ARRAY; locals[i].arr = var_array(cv); locals[i].borrowed = 1; continue; }
      if (cv->kind == K_UNTYPED) { locals[i].origin = cv; continue; }
    }
    locals[i].c = eval(a);
    locals[i].kind = K_SCALAR;
  }
  for (; i < f->nparams; i++) locals[i].name = f->params[i];
  Var *saved = TT.frame;
  TT.frame = locals;
  TT.depth++;
  exec_list(f->body);
  TT.depth--;
  TT.frame = saved;
  Cell r = TT.ret;
  TT.ret = (Cell){0};
  if (TT.jump == J_RETURN) TT.jump = J_NONE;
  for (i = 0; i < f->nparams; i++) {
    cfree(&locals[i].c);
    if (locals[i].kind == K_ARRAY && !locals[i].borrowed) arr_free(locals[i].arr);
  }
  free(locals);
  return r;
}

static int do_getline(Node *n) {
  char *rec;
  if (n->n == G_PLAIN) {
    rec = next_main_record();
    if (!rec) return TT.jump == J_FATAL ? -1 : 0;
    var_set(TT.v_NR, cnum(getnum(&TT.v_NR->c) + 1));
    var_set(TT.v_FNR, cnum(getnum(&TT.v_FNR->c) + 1));
  } else {
    Cell c = eval(n->b);
    char *name = getstr_dup(&c);
    cfree(&c);
    Stream *s = get_stream(name, n->n == G_FILE ? ST_IN : ST_CMDIN);
    free(name);
    if (!s) return -1;
    if (!(rec = read_record(&s->rd))) return 0;
    if (n->n == G_CMD) var_set(TT.v_NR, cnum(getnum(&TT.v_NR->c) + 1));
  }
  if (n->a) { Ref ref = resolve(n->a); ref_set(&ref, cstrnum_own(rec)); }
  else set_record(rec);
  return 1;
}

static FILE *output_of(Node *n) {
  if (!n->b) return stdout;
  Cell c = eval(n->b);
  char *name = getstr_dup(&c);
  cfree(&c);
  Stream *s = get_stream(name, n->n);
  free(name);
  return s ? s->f : NULL;
}

static void exec(Node *n) {
  Cell c;
  switch (n->op) {
  case S_EXPR: c = eval(n->a); cfree(&c); break;
  case S_PRINT: {
    char b[64];
    Buf out = {0};
    bput(&out, "", 0);
    if (!n->a) { c = get_field(0); bput(&out, getstr(&c, b), strlen(getstr(&c, b))); cfree(&c); }
    for (Node *e = n->a; e; e = e->next) {
      if (e != n->a) { const char *ofs = getstr(&TT.v_OFS->c, b); bput(&out, ofs, strlen(ofs)); }
      c = eval(e);
      const char *s = getstr_fmt(&c, b, TT.v_OFMT->c.str ? TT.v_OFMT->c.str : "%.6g");
      bput(&out, s, strlen(s));
      cfree(&c);
    }
    const char *ors = getstr(&TT.v_ORS->c, b);
    bput(&out, ors, strlen(ors));
    FILE *f = TT.jump == J_FATAL ? NULL : output_of(n);
    if (f) fwrite(out.s, 1, out.len, f);
    free(out.s);
    break;
  }
  case S_PRINTF: {
    c = eval(n->a);
    char *fmt = getstr_dup(&c);
    cfree(&c);
    size_t len;
    char *s = format(fmt, n->a->next, &len);
    free(fmt);
    int failed = TT.jump == J_FATAL;
    if (failed) TT.jump = J_NONE;  /* write what was formatted, then stop */
    FILE *f = output_of(n);
    if (failed) TT.jump = J_FATAL;
    if (f) fwrite(s, 1, len, f);
    free(s);
    break;
  }
  case S_IF: {
    c = eval(n->a);
    int t = truth(&c);
    cfree(&c);
    if (TT.jump) break;
    if (t) { if (n->b) exec_list(n->b); }
    else if (n->c) exec_list(n->c);
    break;
  }
  case S_WHILE: case S_DO: case S_FOR: {
    if (n->op == S_FOR && n->a) exec_list(n->a);
    for (int first = 1; !TT.jump; first = 0) {
      Node *cond = n->op == S_FOR ? n->b : n->a;
      if (!(n->op == S_DO && first) && cond) {
        c = eval(cond);
        int t = truth(&c);
        cfree(&c);
        if (!t || TT.jump) break;
      }
      Node *body = n->op == S_FOR ? n->d : n->b;
      if (body) exec_list(body);
      if (TT.jump == J_BREAK) { TT.jump = J_NONE; break; }
      if (TT.jump == J_CONTINUE) TT.jump = J_NONE;
      if (TT.jump) break;
      if (n->op == S_FOR && n->c) exec_list(n->c);
    }
    break;
  }
  case S_FORIN: {
    Arr *a = var_array(node_var(n->b));
    int count = 0;
    char **keys = malloc((a->count + 1) * sizeof *keys);
    for (int i = 0; i < a->size; i++) for (Elem *e = a->tab[i]; e; e = e->next) keys[count++] = xstrdup(e->key);
    for (int i = 0; i < count; i++) {
      if (TT.jump) continue;
      if (!arr_find(a, keys[i], 0)) continue;
      Ref ref = resolve(n->a);
      ref_set(&ref, cstr(keys[i]));
      if (n->c) exec_list(n->c);
      if (TT.jump == J_BREAK) { TT.jump = J_NONE; for (int j = i; j < count; j++) { free(keys[j]); keys[j] = NULL; } break; }
      if (TT.jump == J_CONTINUE) TT.jump = J_NONE;
    }
    for (int i = 0; i < count; i++) free(keys[i]);
    free(keys);
    break;
  }
  case S_BLOCK: exec_list(n->a); break;
  case S_NEXT: TT.jump = J_NEXT; break;
  case S_NEXTFILE: TT.jump = J_NEXTFILE; break;
  case S_EXIT:
    if (n->a) { c = eval(n->a); TT.status = (int)getnum(&c) & 255; cfree(&c); }
    if (!TT.jump) TT.jump = J_EXIT;
    break;
  case S_RETURN:
    cfree(&TT.ret);
    TT.ret = n->a ? eval(n->a) : (Cell){0};
    if (!TT.jump) TT.jump = J_RETURN;
    break;
  case S_BREAK: TT.jump = J_BREAK; break;
  case S_CONTINUE: TT.jump = J_CONTINUE; break;
  case S_DELETE: {
    Arr *a = var_array(node_var(n->a));
    if (!n->b) arr_clear(a);
    else { char *k = subscript(n->b); arr_delete(a, k); free(k); }
    break;
  }
  }
}
static void exec_list(Node *n) {
  for (; n && !TT.jump; n = n->next) exec(n);
}

/* ---- the program's run ---- */
static int matches(Rule *r) {
  if (!r->pat) return 1;
  Cell c;
  if (!r->pat2) { c = eval(r->pat); int t = truth(&c); cfree(&c); return t; }
  if (!r->inrange) {
    c = eval(r->pat);
    int t = truth(&c);
    cfree(&c);
    if (!t) return 0;
    r->inrange = 1;
  }
  c = eval(r->pat2);
  if (truth(&c)) r->inrange = 0;
  cfree(&c);
  return 1;
}
static void run_rules(int kind) {
  for (Rule *r = TT.rules; r && !TT.jump; r = r->next) {
    if (r->kind != kind || (kind == R_MAIN && !matches(r)) || TT.jump) continue;
    if (r->action) exec_list(r->action);
    else if (kind == R_MAIN) { Node p = {.op = S_PRINT}; exec(&p); }
  }
}
static void main_loop(void) {
  char *rec;
  while (!TT.jump && (rec = next_main_record())) {
    var_set(TT.v_NR, cnum(getnum(&TT.v_NR->c) + 1));
    var_set(TT.v_FNR, cnum(getnum(&TT.v_FNR->c) + 1));
    set_record(rec);
    run_rules(R_MAIN);
    if (TT.jump == J_NEXT) TT.jump = J_NONE;
    if (TT.jump == J_NEXTFILE) { close_main(); TT.jump = J_NONE; }
    if (TT.jump == J_BREAK || TT.jump == J_CONTINUE || TT.jump == J_RETURN) TT.jump = J_NONE;
  }
}
static void cleanup(void) {
  close_all();
  close_main();
  cfree(&TT.ret);
  for (int i = 0; i < TT.fcap; i++) cfree(&TT.fields[i]);
  free(TT.fields);
  for (int i = 0; i < 211; i++)
    for (Var *v = TT.vhash[i]; v; v = v->hnext) { cfree(&v->c); if (!v->borrowed) arr_free(v->arr); }
  for (int i = 0; i < TT.nregs; i++) regfree(TT.regs[i]);
  free(TT.regs);
  for (int i = 0; i < 16; i++) if (TT.recache[i].src) { regfree(&TT.recache[i].re); free(TT.recache[i].src); }
  while (TT.arena) { Mem *m = TT.arena; TT.arena = m->next; free(m); }
}

extern char **environ;

int awk_main(int argc, char **argv) {
  if (toy_init(argc, argv, "^F:v*f*", 2)) return toys.exitval;
  char **ops = toys.optargs;
  char *prog;
  if (FLAG('f')) {
    Buf b = {0};
    bput(&b, "", 0);
    for (char **f = toys.list[flagbit('f')]; *f; f++) {
      FILE *fp = strcmp(*f, "-") ? fopen(*f, "r") : stdin;
      if (!fp) { fprintf(stderr, "awk: couldn't open file %s: %s\n", *f, strerror(errno)); free(b.s); return 2; }
      size_t n;
      char *text = read_all(fp, &n);
      if (fp != stdin) fclose(fp);
      bput(&b, text ? text : "", text ? n : 0);
      bput(&b, "\n", 1);
      free(text);
    }
    prog = b.s;
  } else {
    if (!*ops) { free(NULL); return usage_error("no program given"); }
    prog = xstrdup(*ops++);
  }
  TT.v_NF = lookup("NF"); TT.v_NR = lookup("NR"); TT.v_FNR = lookup("FNR"); TT.v_FS = lookup("FS"); TT.v_OFS = lookup("OFS");
  TT.v_ORS = lookup("ORS"); TT.v_RS = lookup("RS"); TT.v_SUBSEP = lookup("SUBSEP"); TT.v_CONVFMT = lookup("CONVFMT");
  TT.v_OFMT = lookup("OFMT"); TT.v_RSTART = lookup("RSTART"); TT.v_RLENGTH = lookup("RLENGTH");
  TT.v_FILENAME = lookup("FILENAME"); TT.v_ENVIRON = lookup("ENVIRON"); TT.v_ARGC = lookup("ARGC"); TT.v_ARGV = lookup("ARGV");
  int rc = tokenize(prog);
  if (!rc) parse_program();
  free(prog);
  if (rc || TT.perr) { cleanup(); return 2; }
  var_set(TT.v_FS, cstr(" "));
  var_set(TT.v_OFS, cstr(" "));
  var_set(TT.v_ORS, cstr("\n"));
  var_set(TT.v_RS, cstr("\n"));
  var_set(TT.v_SUBSEP, cstr("\034"));
  var_set(TT.v_CONVFMT, cstr("%.6g"));
  var_set(TT.v_OFMT, cstr("%.6g"));
  var_set(TT.v_NR, cnum(0));
  var_set(TT.v_FNR, cnum(0));
  var_set(TT.v_RSTART, cnum(0));
  var_set(TT.v_RLENGTH, cnum(-1));
  var_set(TT.v_FILENAME, cstr(""));
  set_record(xstrdup(""));
  if (FLAG('F')) {
    const char *fs = OPTARG('F');
    char *v = malloc(strlen(fs) + 2);
    if (!strcmp(fs, "t")) strcpy(v, "\t");
    else unescape_str(fs, strlen(fs), v);
    var_set(TT.v_FS, cstr_own(v));
  }
  getenv("PATH");  /* makes wasi-libc fill environ */
  Arr *env = var_array(TT.v_ENVIRON);
  for (char **e = environ; e && *e; e++) {
    char *eq = strchr(*e, '=');
    if (!eq) continue;
    char *k = strndup(*e, eq - *e);
    arr_set(env, k, cstrnum_own(xstrdup(eq + 1)));
    free(k);
  }
  Arr *av = var_array(TT.v_ARGV);
  arr_set(av, "0", cstr("awk"));
  int n = 1;
  for (; *ops; ops++, n++) { char k[32]; snprintf(k, sizeof k, "%d", n); arr_set(av, k, cstrnum_own(xstrdup(*ops))); }
  var_set(TT.v_ARGC, cnum(n));
  TT.argi = 1;
  if (FLAG('v'))
    for (char **v = toys.list[flagbit('v')]; *v; v++) {
      if (!is_assignment(*v)) { fprintf(stderr, "awk: improper assignment: -v %s\n", *v); cleanup(); return 2; }
      assign_arg(*v);
    }
  run_rules(R_BEGIN);
  int has_main = 0;
  for (Rule *r = TT.rules; r; r = r->next) if (r->kind != R_BEGIN) has_main = 1;
  if (TT.jump == J_EXIT) { TT.jump = J_NONE; TT.exiting = 1; }
  if (!TT.jump && has_main && !TT.exiting) main_loop();
  if (TT.jump == J_EXIT) TT.jump = J_NONE;
  if (!TT.jump) run_rules(R_END);
  int status = TT.status;
  flush_all();
  cleanup();
  int fin = finish();
  return status ? status : fin;
}

#pragma clang attribute pop
