/* usage: sed [-nEri] [-e SCRIPT]... [-f FILE]... [SCRIPT] [FILE...]
 *
 * Stream editor: run SCRIPT on each line of the FILEs (or stdin).
 * -n	do not print the pattern space at the end of each cycle
 * -e	add a script (may repeat; each is a separate line)
 * -f	add the script in FILE (may repeat, mixes with -e in order)
 * -E	extended regular expressions (-r too)
 * -i	edit FILEs in place
 * -s	treat files as separate streams
 * Addresses: N, $, /RE/, \cREc, FIRST~STEP, ADDR1,ADDR2, ADDR1,+N, 0,/RE/, ADDR! (negated).
 * Replacements: & \1..\9 \n, and \U \L \u \l \E case conversion.
 * Commands: s/RE/REPL/[gpiN] y/SRC/DST/ p P d D n N q[CODE] Q[CODE] = a i c TEXT
 *           h H g G x b t T :LABEL r FILE w FILE { } #comment; separated by ; or newlines.
 * The s flag w FILE writes each changed line; /dev/stdout and /dev/stderr are the streams. */
#include "lib/lib.h"
#include <ctype.h>
#include <regex.h>
#include <fcntl.h>
#include <unistd.h>

/* optimised for size (the module has a size budget) */
#pragma clang attribute push (__attribute__((minsize)), apply_to = function)

enum { A_NONE, A_LINE, A_LAST, A_RE, A_STEP, A_PLUS };
struct addr { int type; long line, step; regex_t *re; };
struct cmd {
  struct addr a1, a2;
  int neg, active, started, c;
  regex_t *re;          /* s */
  char *text;           /* s replacement; a i c text; b t : label */
  int global, nth, print, jump, code;
  FILE *wf;             /* w command and s///w */
  unsigned char map[256]; /* y */
};

struct buf { char *s; size_t len, cap; };

GLOBALS(sed,
  struct cmd *cmds;
  int ncmds;
  regex_t **regs; /* every compiled regex, freed at the end */
  int nregs;
  regex_t *last_re;
  struct buf ps, hs, appended;
  char *err; /* parse error message */
  int err_pos;
  /* input: a stream over the files, with one line of lookahead to know $ */
  char **files;
  int nfiles, fileidx;
  FILE *in;
  char *next_line;
  size_t next_cap;
  ssize_t next_len;
  int has_next, read_error;
  long lineno;
  FILE *out;
  int quit, exit_code;
  /* files named by w (opened, truncated, once per name at parse time, as GNU does) */
  char *wnames[32];
  FILE *wfiles[32];
  int nw;
  int missing_nl; /* last line read had no newline */
  int owed_nl; /* a line without newline was printed: the next output first adds it (GNU) */
  int case_mode, case_once;
);

static void bput(struct buf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    b->cap = (b->len + n + 1) * 2;
    b->s = realloc(b->s, b->cap);
  }
  memcpy(b->s + b->len, s, n);
  b->len += n;
  b->s[b->len] = 0;
}

/* ---- parsing ---- */

static int fail(const char *msg, const char *at, const char *script) {
  if (!TT.err) { TT.err = (char *)msg; TT.err_pos = at - script; }
  return -1;
}

/* Read a delimited regex or text up to delim; \delim is delim, \n a newline.
 * For regexes (re=1) other escapes are kept for regcomp. */
static char *delimited(const char **pp, int delim, int re) {
  const char *p = *pp;
  struct buf b = {0};
  bput(&b, "", 0);
  for (; *p && *p != delim; p++) {
    if (re && *p == '[') {  /* the delimiter is an ordinary character inside a bracket expression */
      const char *q = p + 1;
      if (*q == '^') q++;
      if (*q == ']') q++;
      while (*q && *q != ']' && *q != '\n') {
        if (*q == '[' && (q[1] == ':' || q[1] == '.' || q[1] == '=')) { const char *e = strstr(q + 2, (char[]){q[1], ']', 0}); if (e) q = e + 1; }
        q++;
      }
      if (*q == ']') {
        /* GNU turns \n and \t into the characters even inside brackets: [\n] is a newline */
        for (const char *k = p; k <= q; k++) {
          if (*k == '\\' && (k[1] == 'n' || k[1] == 't') && k < q - 1) { bput(&b, k[1] == 'n' ? "\n" : "\t", 1); k++; }
          else bput(&b, k, 1);
        }
        p = q;
        continue;
      }
    }
    if (*p == '\\' && p[1]) {
      p++;
      /* an escaped delimiter is literal; in a replacement, keep \& (delimiter '&') literal too */
      if (*p == delim && !re && *p == '&') { bput(&b, "\\", 1); bput(&b, p, 1); }
      else if (*p == delim) bput(&b, p, 1);
      else if (*p == 'n') bput(&b, "\n", 1);
      else if (*p == 't' && re) bput(&b, "\t", 1);
      else { bput(&b, "\\", 1); bput(&b, p, 1); }
    } else if (*p == '\n' && re) {
      free(b.s);
      return NULL;
    } else bput(&b, p, 1);
  }
  if (*p != delim) { free(b.s); return NULL; }
  *pp = p + 1;
  return b.s;
}

static regex_t *compile(char *pattern, int icase) {
  /* an empty regex is the last one used when it runs (GNU), so it is resolved then */
  if (!*pattern) {
    free(pattern);
    if (!TT.nregs && !TT.err) TT.err = "no previous regular expression", TT.err_pos = -1;
    return TT.nregs ? (regex_t *)-1 : NULL;
  }
  regex_t *re = malloc(sizeof *re);
  int rc = regcomp(re, pattern, (FLAG('E') || FLAG('r') ? REG_EXTENDED : 0) | (icase ? REG_ICASE : 0));
  free(pattern);
  if (rc) {
    static char msg[200];
    regerror(rc, re, msg, sizeof msg);
    free(re);
    TT.err = msg;
    return NULL;
  }
  TT.regs = realloc(TT.regs, (TT.nregs + 1) * sizeof *TT.regs);
  TT.regs[TT.nregs++] = re;
  return re;
}

static int parse_addr(const char **pp, struct addr *a, const char *script) {
  const char *p = *pp;
  if (*p >= '0' && *p <= '9') {
    a->type = A_LINE;
    a->line = strtol(p, (char **)&p, 10);
    if (*p == '~') {  /* GNU first~step */
      a->type = A_STEP;
      a->step = strtol(p + 1, (char **)&p, 10);
    }
  } else if (*p == '+' && p[1] >= '0' && p[1] <= '9') {  /* GNU addr1,+N */
    a->type = A_PLUS;
    a->line = strtol(p + 1, (char **)&p, 10);
  } else if (*p == '$') {
    a->type = A_LAST;
    p++;
  } else if (*p == '/' || *p == '\\') {
    int delim = *p == '/' ? '/' : p[1];
    p += *p == '/' ? 1 : 2;
    char *pat = delimited(&p, delim, 1);
    if (!pat) return fail("unterminated address regex", p, script);
    int icase = 0;
    if (*p == 'I') { icase = 1; p++; }
    a->type = A_RE;
    a->re = compile(pat, icase);
    if (!a->re) return -1;
  } else a->type = A_NONE;
  *pp = p;
  return 0;
}

static void skip_space(const char **p) { while (**p == ' ' || **p == '\t') (*p)++; }

/* text of a, i, c: "a text", "a\" newline "text", backslash-newline continues */
static char *read_text(const char **pp) {
  const char *p = *pp;
  skip_space(&p);
  if (*p == '\\') { p++; if (*p == '\n') p++; }
  skip_space(&p);
  struct buf b = {0};
  bput(&b, "", 0);
  for (; *p && *p != '\n'; p++) {
    if (*p == '\\' && p[1]) { p++; if (*p == 't') { bput(&b, "\t", 1); continue; } }
    bput(&b, p, 1);
  }
  *pp = p;
  return b.s;
}

/* the file name of r and w: the rest of the line */
static char *read_fname(const char **pp) {
  const char *p = *pp;
  skip_space(&p);
  const char *s = p;
  while (*p && *p != '\n') p++;
  *pp = p;
  return strndup(s, p - s);
}

static FILE *wopen(char *name) {
  if (!strcmp(name, "/dev/stdout")) return free(name), stdout;
  if (!strcmp(name, "/dev/stderr")) return free(name), stderr;
  for (int i = 0; i < TT.nw; i++) if (!strcmp(TT.wnames[i], name)) return free(name), TT.wfiles[i];
  FILE *f = TT.nw < 32 ? fopen_truncate(name) : NULL;
  if (!f) { perror_msg("couldn't open file %s", name); free(name); return NULL; }
  TT.wnames[TT.nw] = name;
  return TT.wfiles[TT.nw++] = f;
}

static char *read_label(const char **pp) {
  const char *p = *pp;
  skip_space(&p);
  const char *s = p;
  while (*p && *p != ';' && *p != '\n' && *p != '}' && *p != ' ') p++;
  *pp = p;
  return strndup(s, p - s);
}

static int parse(const char *script) {
  const char *p = script;
  int stack[64], depth = 0;
  for (;;) {
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == ';') p++;
    if (!*p) break;
    if (*p == '#') { while (*p && *p != '\n') p++; continue; }
    TT.cmds = realloc(TT.cmds, (TT.ncmds + 1) * sizeof *TT.cmds);
    struct cmd *c = &TT.cmds[TT.ncmds];
    memset(c, 0, sizeof *c);
    if (parse_addr(&p, &c->a1, script)) return -1;
    if (*p == ',' && c->a1.type != A_NONE) {
      p++;
      skip_space(&p);
      if (parse_addr(&p, &c->a2, script)) return -1;
      if (c->a2.type == A_NONE) return fail("unexpected `,'", p, script);
    }
    /* GNU's 0,/RE/: the range is open before line 1, so RE may end it on line 1 */
    if (c->a1.type == A_LINE && !c->a1.line) {
      if (c->a2.type != A_RE) return fail("invalid usage of line address 0", p, script);
      c->active = c->started = 1;
    }
    skip_space(&p);
    while (*p == '!') { c->neg = 1; p++; skip_space(&p); }
    c->c = *p ? *p++ : 0;
    TT.ncmds++;
    switch (c->c) {
    case 's': {
      int delim = *p;
      if (!delim || delim == '\n' || delim == '\\') return fail("unterminated `s' command", p, script);
      p++;
      char *pat = delimited(&p, delim, 1);
      if (!pat) return fail("unterminated `s' command", p, script);
      c->text = delimited(&p, delim, 0);
      if (!c->text) { free(pat); return fail("unterminated `s' command", p, script); }
      int icase = 0;
      c->nth = 1;
      for (;; p++) {
        if (*p == 'g') c->global = 1;
        else if (*p == 'p') c->print = 1;
        else if (*p == 'i' || *p == 'I') icase = 1;
        else if (*p >= '1' && *p <= '9') c->nth = strtol(p, (char **)&p, 10), p--;
        else if (*p == 'w') { p++; if (!(c->wf = wopen(read_fname(&p)))) return TT.err = "", TT.err_pos = -2, -1; break; }
        else break;
      }
      c->re = compile(pat, icase);
      if (!c->re) return -1;
      break;
    }
    case 'y': {
      int delim = *p++;
      char *a = delim ? delimited(&p, delim, 0) : NULL, *b = a ? delimited(&p, delim, 0) : NULL;
      if (!b) { free(a); return fail("unterminated `y' command", p, script); }
      /* "\\" in y strings means a backslash; \t and the other C escapes as in GNU */
      for (char *str = a; str; str = str == a ? b : NULL) {
        char *w = str;
        for (const char *q = str; *q; q++) {
          if (*q == '\\' && q[1] == '\\') q++;
          else if (*q == '\\' && q[1] && strchr("abfrtv", q[1])) { q++; *w++ = unescape_char(&q); q--; continue; }
          *w++ = *q;
        }
        *w = 0;
      }
      if (strlen(a) != strlen(b)) { free(a); free(b); return fail("strings for `y' command are different lengths", p, script); }
      for (int i = 0; i < 256; i++) c->map[i] = i;
      for (int i = 0; a[i]; i++) c->map[(unsigned char)a[i]] = b[i];
      free(a);
      free(b);
      break;
    }
    case 'a': case 'i': case 'c':
      c->text = read_text(&p);
      break;
    case 'r':
      c->text = read_fname(&p);
      break;
    case 'w':
      if (!(c->wf = wopen(read_fname(&p)))) return TT.err = "", TT.err_pos = -2, -1;
      break;
    case ':':
      if (c->a1.type != A_NONE) return fail(": doesn't want any addresses", p, script);
      /* fallthrough */
    case 'b': case 't': case 'T':
      c->text = read_label(&p);
      if (c->c == ':' && !*c->text) return fail("\":\" lacks a label", p, script);
      break;
    case 'q': case 'Q':
      skip_space(&p);
      c->code = strtol(p, (char **)&p, 10);
      break;
    case '{':
      if (depth == 64) return fail("too many {", p, script);
      stack[depth++] = TT.ncmds - 1;
      continue;
    case '}':
      if (!depth) return fail("unexpected `}'", p, script);
      TT.cmds[stack[--depth]].jump = TT.ncmds;  /* a false { skips past this } */
      break;
    case 'p': case 'P': case 'd': case 'D': case 'n': case 'N': case '=':
    case 'h': case 'H': case 'g': case 'G': case 'x':
      break;
    case 0:
      return fail("missing command", p, script);
    default:
      return fail("unknown command", p - 1, script);
    }
    skip_space(&p);
    if (*p == '#' || *p == '}') continue;
    if (*p && *p != ';' && *p != '\n') return fail("extra characters after command", p, script);
  }
  if (depth) return fail("unmatched `{'", p, script);
  for (int i = 0; i < TT.ncmds; i++) {
    if (TT.cmds[i].c != 'b' && TT.cmds[i].c != 't' && TT.cmds[i].c != 'T') continue;
    TT.cmds[i].jump = TT.ncmds;
    if (!*TT.cmds[i].text) continue;
    int k;
    for (k = 0; k < TT.ncmds; k++) if (TT.cmds[k].c == ':' && !strcmp(TT.cmds[k].text, TT.cmds[i].text)) break;
    if (k == TT.ncmds) { static char msg[300]; snprintf(msg, sizeof msg, "can't find label for jump to `%s'", TT.cmds[i].text); TT.err = msg; TT.err_pos = -1; return -1; }
    TT.cmds[i].jump = k;
  }
  return 0;
}

/* ---- input ---- */

static void fetch(void) {
  TT.has_next = 0;
  while (!TT.quit) {
    if (!TT.in) {
      if (TT.fileidx >= TT.nfiles) return;
      TT.in = strcmp(TT.files[TT.fileidx], "-") ? fopen(TT.files[TT.fileidx], "r") : open_input("-");
      if (!TT.in) { perror_msg("can't read %s", TT.files[TT.fileidx]); TT.read_error = 1; TT.fileidx++; continue; }
    }
    TT.next_len = getline(&TT.next_line, &TT.next_cap, TT.in);
    if (TT.next_len >= 0) { TT.has_next = 1; return; }
    if (ferror(TT.in)) { perror_msg("read error on %s", TT.files[TT.fileidx]); TT.read_error = 1; }
    close_input(TT.in);
    TT.in = NULL;
    TT.fileidx++;
  }
}

static void emit(const char *s, size_t n, int nl);
static void emit_ps(void) { emit(TT.ps.s, TT.ps.len, !TT.missing_nl); TT.owed_nl = TT.missing_nl; }

/* Move the lookahead line into b (appending when append is set). */
static int read_line(struct buf *b, int append) {
  if (!TT.has_next) return 0;
  if (!append) b->len = 0;
  else bput(b, "\n", 1);
  int raw_missing = !(TT.next_len && TT.next_line[TT.next_len - 1] == '\n');
  bput(b, TT.next_line, TT.next_len - !raw_missing);
  TT.lineno++;
  fetch();
  /* only the last line of all input keeps its missing newline (GNU) */
  TT.missing_nl = raw_missing && !TT.has_next;
  return 1;
}

/* ---- execution ---- */

static void emit(const char *s, size_t n, int nl) {
  if (TT.owed_nl) { putc('\n', TT.out); TT.owed_nl = 0; }
  fwrite(s, 1, n, TT.out);
  if (nl) putc('\n', TT.out);
}

static void flush_appended(void) {
  if (TT.appended.len) emit(TT.appended.s, TT.appended.len, 0);
  TT.appended.len = 0;
}

/* regexec over the pattern space from pos, segment by segment: text after a NUL byte
 * is matched too (GNU), '^' only at the start, '$' only at the end. Offsets in m are
 * from ps.s. */
static int find(regex_t *re, size_t pos, regmatch_t *m) {
  for (;;) {
    size_t seg = strlen(TT.ps.s + pos);
    if (!regexec(re, TT.ps.s + pos, 10, m, (pos ? REG_NOTBOL : 0) | (pos + seg < TT.ps.len ? REG_NOTEOL : 0))) {
      for (int i = 0; i < 10; i++) if (m[i].rm_so >= 0) m[i].rm_so += pos, m[i].rm_eo += pos;
      return 1;
    }
    if (pos + seg >= TT.ps.len) return 0;
    pos += seg + 1;
  }
}

static int match_addr(struct addr *a) {
  if (a->type == A_LINE) return TT.lineno == a->line;
  if (a->type == A_STEP) return a->step > 0 ? TT.lineno >= a->line && (TT.lineno - a->line) % a->step == 0 : TT.lineno == a->line;
  if (a->type == A_LAST) return !TT.has_next;
  if (a->type == A_RE) {
    regex_t *re = a->re == (regex_t *)-1 ? TT.last_re : (TT.last_re = a->re);
    regmatch_t m[10];
    return re && find(re, 0, m);
  }
  return 1;
}

static int selected(struct cmd *c) {
  int r;
  if (c->a1.type == A_NONE) r = 1;
  else if (c->a2.type == A_NONE) r = match_addr(&c->a1);
  else if (!c->active) {
    r = match_addr(&c->a1);
    /* a line-number start that was skipped (1d;1,3p) still opens the range while inside it, as in GNU */
    if (!r && c->a1.type == A_LINE && TT.lineno > c->a1.line && !c->started &&
        ((c->a2.type == A_LINE && TT.lineno <= c->a2.line) || (c->a2.type == A_PLUS && TT.lineno <= c->a1.line + c->a2.line))) {
      r = 1;
      if (c->a2.type == A_PLUS) c->a2.step = TT.lineno + c->a2.line;
      c->active = c->a2.type == A_LINE ? TT.lineno < c->a2.line : TT.lineno < c->a2.step;
      c->started = 1;
      return r != c->neg;
    }
    if (r) c->started = 1;
    if (r && c->a2.type == A_PLUS) c->a2.step = TT.lineno + c->a2.line;  /* last line of this range */
    if (r) c->active = !(c->a2.type == A_LINE && c->a2.line <= TT.lineno) && !(c->a2.type == A_LAST && !TT.has_next)
                       && !(c->a2.type == A_PLUS && c->a2.step <= TT.lineno);
  } else {
    r = 1;
    if (c->a2.type == A_LINE ? TT.lineno >= c->a2.line : c->a2.type == A_PLUS ? TT.lineno >= c->a2.step : match_addr(&c->a2))
      c->active = 0;
  }
  return r != c->neg;
}

/* Append replacement text, applying GNU's \U \L (until \E) and \u \l (one letter). */
static void put_case(struct buf *o, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    char ch = s[i];
    if (TT.case_once) { ch = TT.case_once == 'u' ? toupper((unsigned char)ch) : tolower((unsigned char)ch); TT.case_once = 0; }
    else if (TT.case_mode) ch = TT.case_mode == 'U' ? toupper((unsigned char)ch) : tolower((unsigned char)ch);
    bput(o, &ch, 1);
  }
}

static int substitute(struct cmd *c) {
  regex_t *re = c->re == (regex_t *)-1 ? TT.last_re : (TT.last_re = c->re);
  if (!re) return 0;
  struct buf o = {0};
  bput(&o, "", 0);
  regmatch_t m[10];
  size_t pos = 0, len = TT.ps.len;
  long last_eo = -1;
  int count = 0, did = 0;
  while (pos <= len) {
    if (!find(re, pos, m)) break;
    size_t so = m[0].rm_so, eo = m[0].rm_eo;
    if (so == eo && (long)so == last_eo) {  /* no empty match right after a match */
      if (so >= len) break;
      bput(&o, TT.ps.s + so, 1);
      pos = so + 1;
      continue;
    }
    count++;
    bput(&o, TT.ps.s + pos, so - pos);
    if (count >= c->nth && (c->global || count == c->nth)) {
      did = 1;
      TT.case_mode = TT.case_once = 0;
      for (const char *r = c->text; *r; r++) {
        if (*r == '&') put_case(&o, TT.ps.s + so, eo - so);
        else if (*r == '\\' && r[1] >= '0' && r[1] <= '9') {
          int g = *++r - '0';
          if (m[g].rm_so >= 0) put_case(&o, TT.ps.s + m[g].rm_so, m[g].rm_eo - m[g].rm_so);
        } else if (*r == '\\' && r[1] && strchr("ULE", r[1])) {
          TT.case_mode = *++r == 'E' ? 0 : *r;
          TT.case_once = 0;
        } else if (*r == '\\' && r[1] && strchr("ul", r[1])) {
          TT.case_once = *++r;
        } else if (*r == '\\' && r[1]) {
          r++;
          const char *q = r;
          char ch = strchr("abfnrtv", *r) ? unescape_char(&q) : *r;
          put_case(&o, &ch, 1);
        } else put_case(&o, r, 1);
      }
    } else bput(&o, TT.ps.s + so, eo - so);
    last_eo = eo;
    pos = eo;
    if (did && !c->global) break;
    if (so == eo) {
      if (so >= len) break;
      bput(&o, TT.ps.s + so, 1);
      pos = so + 1;
    }
  }
  if (!did) { free(o.s); return 0; }
  if (pos < len) bput(&o, TT.ps.s + pos, len - pos);
  free(TT.ps.s);
  TT.ps = o;
  return 1;
}

/* Run the script on every line of the current stream. */
static void run(void) {
  int tflag = 0;
  fetch();
  while (!TT.quit && read_line(&TT.ps, 0)) {
    int autoprint = !FLAG('n'), restart;
    tflag = 0;
  cycle:
    restart = 0;
    for (int pc = 0; pc < TT.ncmds && !TT.quit;) {
      struct cmd *c = &TT.cmds[pc];
      if (c->c == ':' || c->c == '}') { pc++; continue; }
      if (!selected(c)) { pc = c->c == '{' ? c->jump : pc + 1; continue; }
      pc++;
      switch (c->c) {
      case 's':
        if (substitute(c)) { tflag = 1; if (c->print) emit_ps(); if (c->wf) goto write; }
        break;
      case 'w':
      write:
        fwrite(TT.ps.s, 1, TT.ps.len, c->wf);
        putc('\n', c->wf);
        break;
      case 'r': {
        FILE *f = fopen(c->text, "r");
        size_t n;
        char *t = f ? read_all(f, &n) : NULL;
        if (t) bput(&TT.appended, t, n);
        free(t);
        if (f) fclose(f);
        break;
      }
      case 'y':
        for (size_t i = 0; i < TT.ps.len; i++) TT.ps.s[i] = c->map[(unsigned char)TT.ps.s[i]];
        break;
      case 'p': emit_ps(); break;
      case 'P': { char *nl = memchr(TT.ps.s, '\n', TT.ps.len); emit(TT.ps.s, nl ? (size_t)(nl - TT.ps.s) : TT.ps.len, 1); break; }
      case '=': fprintf(TT.out, "%ld\n", TT.lineno); break;
      case 'a': bput(&TT.appended, c->text, strlen(c->text)); bput(&TT.appended, "\n", 1); break;
      case 'i': emit(c->text, strlen(c->text), 1); break;
      case 'c':
        if (!c->active || c->a2.type == A_NONE) emit(c->text, strlen(c->text), 1);
        autoprint = 0;
        goto end_cycle;
      case 'd': autoprint = 0; goto end_cycle;
      case 'D': {
        char *nl = memchr(TT.ps.s, '\n', TT.ps.len);
        if (!nl) { autoprint = 0; goto end_cycle; }
        TT.ps.len -= nl + 1 - TT.ps.s;
        memmove(TT.ps.s, nl + 1, TT.ps.len + 1);
        flush_appended();
        restart = 1;
        goto end_cycle;
      }
      case 'n':
        if (!TT.has_next) goto end_cycle;
        if (autoprint) emit_ps();
        flush_appended();
        read_line(&TT.ps, 0);
        break;
      case 'N':
        if (!TT.has_next) goto end_cycle;
        flush_appended();
        read_line(&TT.ps, 1);
        break;
      case 'q': TT.exit_code = c->code; TT.quit = 1; goto end_cycle;
      case 'Q': TT.exit_code = c->code; TT.quit = 1; autoprint = 0; goto end_cycle;
      case 'h': TT.hs.len = 0; bput(&TT.hs, TT.ps.s, TT.ps.len); break;
      case 'H': bput(&TT.hs, "\n", 1); bput(&TT.hs, TT.ps.s, TT.ps.len); break;
      case 'g': TT.ps.len = 0; bput(&TT.ps, TT.hs.s ? TT.hs.s : "", TT.hs.len); break;
      case 'G': bput(&TT.ps, "\n", 1); bput(&TT.ps, TT.hs.s ? TT.hs.s : "", TT.hs.len); break;
      case 'x': { struct buf t = TT.ps; TT.ps = TT.hs; TT.hs = t; if (!TT.ps.s) bput(&TT.ps, "", 0); break; }
      case 'b': pc = c->jump; break;
      case 't': if (tflag) { tflag = 0; pc = c->jump; } break;
      case 'T': if (!tflag) pc = c->jump; else tflag = 0; break;
      }
    }
  end_cycle:
    if (autoprint && !restart) emit_ps();
    flush_appended();
    if (restart && !TT.quit) goto cycle;
  }
  if (TT.in) { close_input(TT.in); TT.in = NULL; }
}

/* -iSUFFIX: keep the original as FILE + SUFFIX, or SUFFIX with each * replaced by the
 * file's name (GNU) */
static void backup(const char *file, const char *suffix) {
  struct buf b = {0};
  const char *slash = strrchr(file, '/'), *base = slash ? slash + 1 : file;
  if (!strchr(suffix, '*')) { bput(&b, file, strlen(file)); bput(&b, suffix, strlen(suffix)); }
  else {
    if (slash && !strchr(suffix, '/')) bput(&b, file, base - file);
    for (const char *k = suffix; *k; k++) { if (*k == '*') bput(&b, base, strlen(base)); else bput(&b, k, 1); }
  }
  bput(&b, "", 1);
  if (rename(file, b.s)) perror_msg("cannot rename %s", file);
  free(b.s);
}

int sed_main(int argc, char **argv) {
  if (toy_init(argc, argv, "n(quiet)(silent)E(regexp-extended)ri?(in-place)s(separate)e*(expression)f*(file)", 1)) return toys.exitval;
  bput(&TT.ps, "", 0);
  bput(&TT.hs, "", 0);
  bput(&TT.appended, "", 0);
  char **ops = toys.optargs;
  struct buf script = {0};
  bput(&script, "", 0);
  if (FLAG('e') || FLAG('f')) {
    /* -e and -f in command-line order: a second look at argv for those two */
    for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
      char *a = argv[i], *v = NULL;
      int kind = 0;
      if (a[0] != '-' || !a[1]) continue;
      if (a[1] == '-') {
        kind = !strncmp(a, "--expression", 12) ? 'e' : !strncmp(a, "--file", 6) ? 'f' : 0;
        if (kind) v = strchr(a, '=') ? strchr(a, '=') + 1 : argv[++i];
      } else for (int j = 1; a[j] && !kind && a[j] != 'i'; j++)  /* -iSUFFIX ends the cluster */
        if (a[j] == 'e' || a[j] == 'f') kind = a[j], v = a[j + 1] ? a + j + 1 : argv[++i];
      if (kind == 'e') bput(&script, v, strlen(v));
      else if (kind == 'f') {
        FILE *f = strcmp(v, "-") ? fopen(v, "r") : stdin;
        size_t n;
        char *t = f ? read_all(f, &n) : NULL;
        if (f && f != stdin) fclose(f);
        if (!t) { perror_msg("couldn't open file %s", v); toys.exitval = 4; goto out; }
        if (n && t[n - 1] == '\n') n--;
        bput(&script, t, n);
        free(t);
      }
      if (kind) bput(&script, "\n", 1);
    }
  } else if (*ops) {
    bput(&script, *ops, strlen(*ops));
    ops++;
  } else {
    usage_error("no script specified");
    goto out;
  }
  if (parse(script.s)) {
    if (TT.err_pos == -2) toys.exitval = 4;
    else if (TT.err_pos >= 0) error_msg("-e expression #1, char %d: %s", TT.err_pos + 1, TT.err);
    else error_msg("-e expression #1: %s", TT.err);
    goto out;
  }
  char *stdin_only[] = {"-", NULL};
  TT.files = *ops ? ops : stdin_only;
  TT.nfiles = 0;
  while (TT.files[TT.nfiles]) TT.nfiles++;
  TT.out = stdout;
  if (FLAG('i') || FLAG('s')) {  /* each file its own stream: line numbers and $ per file */
    if (FLAG('i') && !*ops) { error_msg("no input files"); goto out; }
    char **all = TT.files;
    int n = TT.nfiles;
    for (int i = 0; i < n && !TT.quit; i++) {
      struct stat st;
      char *tmp = NULL;
      if (!FLAG('i')) goto stream;
      if (stat(all[i], &st)) { perror_msg("can't read %s", all[i]); toys.exitval = 2; continue; }
      if (!S_ISREG(st.st_mode)) { error_msg("couldn't edit %s: not a regular file", all[i]); toys.exitval = 4; continue; }
      tmp = malloc(strlen(all[i]) + 16);
      int fd = -1;
      for (int k = 0; k < 100 && fd < 0; k++) {  /* wasi-libc has no mkstemp */
        sprintf(tmp, "%s.sed%06d", all[i], (int)((rand() + k) % 1000000));
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL, 0600);
        if (fd < 0 && errno != EEXIST) break;
      }
      if (fd < 0 || !(TT.out = fdopen(fd, "w"))) { perror_msg("couldn't open temporary file %s", tmp); free(tmp); toys.exitval = 4; continue; }
    stream:
      TT.files = &all[i];
      TT.nfiles = 1;
      TT.fileidx = 0;
      TT.lineno = 0;
      for (int k = 0; k < TT.ncmds; k++) TT.cmds[k].active = TT.cmds[k].started = TT.cmds[k].a1.type == A_LINE && !TT.cmds[k].a1.line;  /* 0,/RE/ opens before line 1 */
      TT.owed_nl = 0;
      run();
      if (!tmp) continue;
      fclose(TT.out);
      TT.out = stdout;
      const char *suffix = OPTARG('i');
      if (suffix && *suffix) backup(all[i], suffix);
      if (rename(tmp, all[i])) { perror_msg("cannot rename %s", tmp); unlink(tmp); }
      free(tmp);
    }
    TT.out = stdout;
  } else run();
  if (TT.read_error) toys.exitval = 2;
  if (TT.exit_code) toys.exitval = TT.exit_code;
out:
  for (int i = 0; i < TT.nw; i++) { fclose(TT.wfiles[i]); free(TT.wnames[i]); }
  for (int i = 0; i < TT.ncmds; i++) free(TT.cmds[i].text);
  free(TT.cmds);
  for (int i = 0; i < TT.nregs; i++) { regfree(TT.regs[i]); free(TT.regs[i]); }
  free(TT.regs);
  free(TT.ps.s);
  free(TT.hs.s);
  free(TT.appended.s);
  free(script.s);
  free(TT.next_line);
  return finish();
}

#pragma clang attribute pop
