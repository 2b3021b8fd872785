/* Word expansion: quotes, parameters, command substitution, arithmetic, then field
 * splitting and pathname expansion. Each output character carries a flag saying how
 * it was produced, because only unquoted expansion results are split on IFS and
 * only unquoted characters are glob patterns. */
#include <dirent.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "sh.h"

enum { F_LIT, F_QUOTED, F_EXP, F_BREAK, F_SOFT, F_QEMPTY };   /* per-character flags */
enum { M_FIELDS, M_STR, M_PAT, M_HEREDOC, M_ASSIGN };   /* M_ASSIGN: M_STR, ~ also after ':' */

struct ctx {
  struct strbuf s, f;    /* characters and their flags, kept in step */
  int mode;
  int atnull;            /* "$@" with no parameters: the quotes make no field */
  int brace;             /* in the word of ${x-word}: 1 unquoted ${...}, 2 inside "${...}" */
};

static void put(struct ctx *c, const char *s, size_t n, int flag) {
  sb_add(&c->s, s, n);
  for (size_t i = 0; i < n; i++) sb_addc(&c->f, flag);
}

static void put1(struct ctx *c, int ch, int flag) {
  char x = ch;
  if (flag == F_QEMPTY && c->mode != M_FIELDS) return;   /* only field splitting needs it */
  put(c, &x, 1, flag);
}

/* Index just past the '}' closing the ${ whose brace is at s[i]. */
static size_t skip_brace(const char *s, size_t i, int dq) {
  int depth = 0;
  for (; s[i]; i++) {
    char ch = s[i];
    if (ch == '\\' && s[i + 1]) { i++; continue; }
    if (ch == '\'' && !dq) { const char *e = strchr(s + i + 1, '\''); if (!e) return strlen(s); i = e - s; continue; }
    if (ch == '{') depth++;
    if (ch == '}' && --depth == 0) return i + 1;
  }
  return i;
}

static size_t skip_backquote(const char *s, size_t i) {
  for (i++; s[i] && s[i] != '`'; i++) if (s[i] == '\\' && s[i + 1]) i++;
  return s[i] ? i + 1 : i;
}

static void xword(struct ctx *c, const char *s, size_t n, int dq);
static char *xpat(const char *s, size_t n);

/* A sub-word (the "word" of ${x:-word}) expanded into its own string. */
static char *xsub(const char *s, size_t n, int mode, int dq) {
  struct ctx c = {{0}, {0}, mode, 0, 0};
  xword(&c, s, n, dq);
  free(c.f.s);
  return sb_take(&c.s);
}

/* The word of ${x-word} and ${x+word} (POSIX 2.6.2): in an unquoted ${...} its unquoted
 * characters are split and globbed like an expansion's result (${u:-a b} is two
 * fields); inside "${...}" double quotes in the word only quote, they never unquote. */
static void xbraceword(struct ctx *c, const char *s, size_t n, int dq) {
  int saved = c->brace;
  c->brace = dq ? 2 : 1;
  xword(c, s, n, dq);
  c->brace = saved;
}

static char *numstr(intmax_t v) {
  char b[24];
  snprintf(b, sizeof b, "%jd", v);
  return sh_strdup(b);
}

/* Value of a parameter, or NULL when unset. $@ and $* come back joined by spaces. */
static char *param(const char *name, size_t n) {
  char ch = *name;
  if (n == 1 && !sh_isname(name, 1)) {
    switch (ch) {
    case '?': return numstr(sh.status);
    case '#': return numstr(sh.npos);
    case '$': return numstr(1);
    case '!': return 0;
    case '0': return sh_strdup(sh.arg0);
    case '-': {
      char b[10], *p = b;   /* in dash's order */
      if (sh.opt_u) *p++ = 'u';
      if (sh.opt_a) *p++ = 'a';
      if (sh.opt_C) *p++ = 'C';
      if (sh.opt_x) *p++ = 'x';
      if (sh.opt_n) *p++ = 'n';
      if (sh.opt_f) *p++ = 'f';
      if (sh.opt_e) *p++ = 'e';
      *p = 0;
      return sh_strdup(b);
    }
    case '@': case '*': {   /* "$*" joins with the first IFS character */
      const char *ifs = sh_getvar("IFS");
      char sep = ch == '@' || !ifs ? ' ' : *ifs;
      struct strbuf b = {0};
      for (int i = 0; i < sh.npos; i++) { if (i && sep) sb_addc(&b, sep); sb_adds(&b, sh.pos[i]); }
      return sb_take(&b);
    }
    }
  }
  if (ch >= '0' && ch <= '9') {
    long k = 0;
    for (size_t i = 0; i < n && k <= 1000000; i++) k = k * 10 + name[i] - '0';
    return k == 0 ? sh_strdup(sh.arg0) : k <= sh.npos ? sh_strdup(sh.pos[k - 1]) : 0;
  }
  char *nm = sh_strndup(name, n);
  const char *v = sh_getvar(nm);
  char *r = v ? sh_strdup(v) : !strcmp(nm, "LINENO") ? numstr(sh.line) : 0;
  free(nm);
  return r;
}

/* Append $@ or $*: separate fields for "$@" and unquoted ones, IFS-joined for "$*". */
static void put_params(struct ctx *c, int at, int dq) {
  const char *ifs = sh_getvar("IFS");
  if (dq && !sh.npos && at) c->atnull = 1;
  for (int i = 0; i < sh.npos; i++) {
    if (i) {
      if (c->mode != M_FIELDS) put1(c, ' ', F_QUOTED);
      else if (dq && at) put1(c, 0, F_BREAK);
      else if (dq) { if (!ifs) put1(c, ' ', F_QUOTED); else if (*ifs) put1(c, *ifs, F_QUOTED); }
      else put1(c, 0, F_SOFT);
    }
    put(c, sh.pos[i], strlen(sh.pos[i]), dq ? F_QUOTED : F_EXP);
  }
}

/* Remove the shortest/longest prefix or suffix matching pat. */
static char *trim(char *v, const char *pat, int suffix, int longest) {
  size_t n = strlen(v);
  for (size_t k = 0; k <= n; k++) {
    size_t len = longest ? n - k : k;
    char *t;
    int m;
    if (suffix) m = sh_match(pat, v + n - len);
    else { t = sh_strndup(v, len); m = sh_match(pat, t); free(t); }
    if (m) {
      char *r = suffix ? sh_strndup(v, n - len) : sh_strdup(v + len);
      free(v);
      return r;
    }
  }
  return v;
}

static void unset_error(const char *name, size_t n) {
  sh_fatal(2, "%.*s: parameter not set", (int)n, name);
}

/* ${...}: s points after "${", n is the length up to (not including) the closing '}'. */
static void xbrace(struct ctx *c, const char *s, size_t n, int dq) {
  int len_op = 0;
  size_t i = 0;
  if (s[0] == '#' && n > 1) { len_op = 1; i = 1; }
  size_t nstart = i;
  if (i < n && (s[i] == '_' || (s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z')))
    while (i < n && sh_isname(s + nstart, i - nstart + 1)) i++;
  else if (i < n && s[i] >= '0' && s[i] <= '9') while (i < n && s[i] >= '0' && s[i] <= '9') i++;
  else if (i < n && strchr("@*#?-$!", s[i])) i++;
  size_t nlen = i - nstart;
  const char *name = s + nstart;
  if (!nlen || (len_op && i != n)) { sh_fatal(2, "Bad substitution"); return; }
  char *v = param(name, nlen);
  int special = nlen == 1 && (*name == '@' || *name == '*');
  if (len_op) {
    if (!v && sh.opt_u && !special) { unset_error(name, nlen); return; }
    char *l = numstr(v ? (intmax_t)strlen(v) : 0);
    put(c, l, strlen(l), dq ? F_QUOTED : F_EXP);
    free(l);
    free(v);
    return;
  }
  if (i == n) {
    if (!v && sh.opt_u && !special) { unset_error(name, nlen); return; }
    if (special && c->mode == M_FIELDS) put_params(c, *name == '@', dq);
    else if (v) put(c, v, strlen(v), dq ? F_QUOTED : F_EXP);
    free(v);
    return;
  }
  int colon = s[i] == ':';
  if (colon) i++;
  char op = i < n ? s[i++] : 0;
  if (!op || !strchr("-=?+%#", op) || (colon && strchr("%#", op))) {
    sh_fatal(2, "Bad substitution");
    free(v);
    return;
  }
  int twice = (op == '%' || op == '#') && i < n && s[i] == op;
  if (twice) i++;
  const char *w = s + i;
  size_t wn = n - i;
  int unset = !v || (colon && !*v);
  switch (op) {
  case '-':
  case '+':
    if ((op == '-') == unset) xbraceword(c, w, wn, dq);
    else if (special && c->mode == M_FIELDS) put_params(c, *name == '@', dq);
    else if (v) put(c, v, strlen(v), dq ? F_QUOTED : F_EXP);
    break;
  case '=':
    if (unset) {
      if (!sh_isname(name, nlen)) { sh_fatal(2, "%.*s: bad variable name", (int)nlen, name); break; }
      free(v);
      v = xsub(w, wn, M_STR, dq);
      char *nm = sh_strndup(name, nlen);
      sh_setvar(nm, v, 0);
      free(nm);
    }
    put(c, v, strlen(v), dq ? F_QUOTED : F_EXP);
    break;
  case '?':
    if (unset) {
      char *msg = wn ? xsub(w, wn, M_STR, dq) : sh_strdup(colon ? "parameter null or not set" : "parameter not set");
      sh_fatal(2, "%.*s: %s", (int)nlen, name, msg);
      free(msg);
    } else put(c, v, strlen(v), dq ? F_QUOTED : F_EXP);
    break;
  default: { /* % %% # ## */
    if (!v) {
      if (sh.opt_u && !special) { unset_error(name, nlen); return; }
      v = sh_strdup("");
    }
    char *pat = xpat(w, wn);
    v = trim(v, pat, op == '%', twice);
    free(pat);
    put(c, v, strlen(v), dq ? F_QUOTED : F_EXP);
  }
  }
  free(v);
}

static void put_subst(struct ctx *c, char *out, int dq) {
  if (out) put(c, out, strlen(out), dq ? F_QUOTED : F_EXP);
  free(out);
}

/* "$..." at s[*i]; advances *i. */
static void xdollar(struct ctx *c, const char *s, size_t n, size_t *ip, int dq) {
  size_t i = *ip + 1;
  if (i < n && s[i] == '{') {
    size_t e = skip_brace(s, i, dq);
    if (e > n) e = n;
    if (e < i + 2 || s[e - 1] != '}') { sh_fatal(2, "Bad substitution"); *ip = n; return; }
    xbrace(c, s + i + 1, e - i - 2, dq);
    *ip = e;
    return;
  }
  if (i + 1 < n && s[i] == '(' && s[i + 1] == '(') {
    /* $((expr)): find the matching "))" the way the lexer did */
    int depth = 0;
    size_t j = i + 2;
    for (; j < n; j++) {
      if (s[j] == '(') depth++;
      else if (s[j] == ')') { if (!depth) break; depth--; }
    }
    if (j + 1 < n && s[j + 1] == ')') {
      char *expr = xsub(s + i + 2, j - i - 2, M_HEREDOC, 1);
      intmax_t v = 0;
      if (!sh.unwind && sh_arith(expr, &v) == 0) put_subst(c, numstr(v), dq);
      free(expr);
      *ip = j + 2;
      return;
    }
  }
  if (i < n && s[i] == '(') {
    size_t len;
    struct node *t = sh_parse_subst(s + i + 1, &len);
    if (!len) { *ip = n; return; }
    put_subst(c, sh_subst(t), dq);
    *ip = i + 1 + len;
    return;
  }
  size_t j = i;
  if (j < n && (s[j] == '_' || (s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z')))
    while (j < n && sh_isname(s + i, j - i + 1)) j++;
  else if (j < n && (strchr("@*#?-$!", s[j]) || (s[j] >= '0' && s[j] <= '9'))) j++;
  if (j == i) { put1(c, '$', dq ? F_QUOTED : F_LIT); *ip = i; return; }
  *ip = j;
  if (j - i == 1 && (s[i] == '@' || s[i] == '*') && c->mode == M_FIELDS) { put_params(c, s[i] == '@', dq); return; }
  char *v = param(s + i, j - i);
  if (!v && sh.opt_u && !(j - i == 1 && strchr("@*!", s[i]))) { unset_error(s + i, j - i); return; }
  if (v) put(c, v, strlen(v), dq ? F_QUOTED : F_EXP);
  free(v);
}

/* Expand s[0..n). dq: inside double quotes (M_HEREDOC: quotes are ordinary). */
static void xword(struct ctx *c, const char *s, size_t n, int dq) {
  int hd = c->mode == M_HEREDOC;
  if (sh_too_deep()) return;
  for (size_t i = 0; i < n && !sh.unwind;) {
    char ch = s[i];
    if (ch == '\'' && !dq) {
      size_t e = i + 1;
      while (e < n && s[e] != '\'') e++;
      put1(c, 0, F_QEMPTY);
      put(c, s + i + 1, e - i - 1, F_QUOTED);
      i = e + 1;
    } else if (ch == '"' && (!hd || c->brace)) {
      if (c->brace != 2) dq = !dq;
      put1(c, 0, F_QEMPTY);
      i++;
    } else if (ch == '\\' && i + 1 < n) {
      char nx = s[i + 1];
      /* inside ${...} a quoted \} is a brace too (dash) */
      if (!dq || strchr(hd ? "$`\\\n" : "$`\"\\\n", nx) || (c->brace && nx == '}')) {
        if (nx != '\n') put1(c, nx, F_QUOTED);
      } else put(c, s + i, 2, F_QUOTED);
      i += 2;
    } else if (ch == '$') {
      xdollar(c, s, n, &i, dq);
    } else if (ch == '`') {
      size_t e = skip_backquote(s, i);
      struct strbuf b = {0};
      for (size_t k = i + 1; k + 1 < e || (k < e && s[k] != '`'); k++) {
        if (s[k] == '\\' && k + 1 < e && (strchr("$`\\", s[k + 1]) || (dq && s[k + 1] == '"'))) k++;
        sb_addc(&b, s[k]);
      }
      char *src = sb_take(&b);
      size_t len = strlen(src);
      char *wrapped = sh_alloc(len + 2);
      memcpy(wrapped, src, len);
      wrapped[len] = ')';
      struct node *t = sh_parse_subst(wrapped, &len);
      if (len) put_subst(c, sh_subst(t), dq);
      free(wrapped);
      free(src);
      i = e;
    } else if (ch == '~' && !dq && c->mode != M_HEREDOC &&
               (i == 0 || (c->mode == M_ASSIGN && s[i - 1] == ':'))) {
      size_t e = i + 1;
      while (e < n && s[e] != '/' && !(c->mode == M_ASSIGN && s[e] == ':')) e++;
      const char *home = sh_getvar("HOME");
      if (e == i + 1 && home) put(c, home, strlen(home), F_QUOTED);
      else put(c, s + i, e - i, F_LIT);
      i = e;
    } else {
      put1(c, ch, dq ? F_QUOTED : c->brace ? F_EXP : F_LIT);
      i++;
    }
  }
}

/* ---- pathname expansion ---- */

static int cmpstr(const void *a, const void *b) { return strcmp(*(char **)a, *(char **)b); }

static int has_magic(const char *p, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (p[i] == '\\' && i + 1 < n) { i++; continue; }
    if (p[i] == '*' || p[i] == '?' || p[i] == '[') return 1;
  }
  return 0;
}

static void unescape(struct strbuf *b, const char *p, size_t n) {
  for (size_t i = 0; i < n; i++) {
    if (p[i] == '\\' && i + 1 < n) i++;
    sb_addc(b, p[i]);
  }
}

/* Match the pattern components in pat against the directory dir (a prefix path). */
static void glob_dir(const char *dir, const char *pat, char ***out, int *nout) {
  const char *slash = strchr(pat, '/');
  size_t clen = slash ? (size_t)(slash - pat) : strlen(pat);
  struct strbuf b = {0};
  if (!has_magic(pat, clen)) {
    sb_adds(&b, dir);
    unescape(&b, pat, clen);
    if (slash) {
      sb_addc(&b, '/');
      while (slash[1] == '/') slash++;
      glob_dir(b.s, slash + 1, out, nout);
    } else {
      struct stat st;
      if (!lstat(b.s, &st)) {
        *out = realloc(*out, (*nout + 2) * sizeof **out);
        (*out)[(*nout)++] = sh_strdup(b.s);
      }
    }
    free(b.s);
    return;
  }
  char *comp = sh_strndup(pat, clen);
  /* A pattern that starts with a dot matches . and .. too (readdir may not list them);
   * other dot files need that explicit dot, as in dash. */
  int dotpat = comp[0] == '.' || (comp[0] == '\\' && comp[1] == '.');
  DIR *d = opendir(*dir ? dir : ".");
  struct dirent *e;
  for (int k = dotpat ? 0 : 2; k < 2 || (d && (e = readdir(d))); k++) {
    const char *name = k == 0 ? "." : k == 1 ? ".." : e->d_name;
    if (k >= 2 && (!strcmp(name, ".") || !strcmp(name, ".."))) continue;
    if (name[0] == '.' && !dotpat) continue;
    if (!sh_match(comp, name)) continue;
    b.len = 0;
    sb_adds(&b, dir);
    sb_adds(&b, name);
    if (slash) {
      struct stat st;
      if (stat(b.s, &st) || !S_ISDIR(st.st_mode)) continue;
      sb_addc(&b, '/');
      const char *rest = slash + 1;
      while (*rest == '/') rest++;
      if (!*rest) {
        *out = realloc(*out, (*nout + 2) * sizeof **out);
        (*out)[(*nout)++] = sh_strdup(b.s);
      } else glob_dir(b.s, rest, out, nout);
    } else {
      *out = realloc(*out, (*nout + 2) * sizeof **out);
      (*out)[(*nout)++] = sh_strdup(b.s);
    }
  }
  if (d) closedir(d);
  free(comp);
  free(b.s);
}

/* Add one field: glob it if it has unquoted magic, else add it as is. */
static void add_field(char ***v, int *nv, const char *s, const char *f, size_t n) {
  int magic = 0;
  /* a backslash from an expansion quotes the next character, as in dash: p='\\*' is no glob */
  for (size_t i = 0; i < n && !sh.opt_f; i++) {
    if (f[i] != F_QUOTED && s[i] == '\\' && i + 1 < n) i++;
    else if (f[i] != F_QUOTED && (s[i] == '*' || s[i] == '?' || s[i] == '[')) magic = 1;
  }
  if (magic) {
    struct strbuf p = {0};
    for (size_t i = 0; i < n; i++) {
      if (f[i] == F_QUOTED && !isalnum((unsigned char)s[i]) && s[i] != '/') sb_addc(&p, '\\');
      sb_addc(&p, s[i]);
    }
    char **m = 0;
    int nm = 0;
    if (p.s[0] == '/') glob_dir("/", p.s + 1, &m, &nm);
    else glob_dir("", p.s, &m, &nm);
    free(p.s);
    if (nm) {
      qsort(m, nm, sizeof *m, cmpstr);
      *v = realloc(*v, (*nv + nm + 1) * sizeof **v);
      for (int i = 0; i < nm; i++) (*v)[(*nv)++] = m[i];
      (*v)[*nv] = 0;
      free(m);
      return;
    }
    free(m);
  }
  *v = realloc(*v, (*nv + 2) * sizeof **v);
  (*v)[(*nv)++] = sh_strndup(s, n);
  (*v)[*nv] = 0;
}

/* IFS splitting of the expanded word c into *v. */
static void split(struct ctx *c, char ***v, int *nv) {
  const char *ifs = sh_getvar("IFS");
  if (!ifs) ifs = " \t\n";
  const char *s = c->s.s ? c->s.s : "", *f = c->f.s ? c->f.s : "";
  size_t n = c->s.len;
  struct strbuf fs = {0}, ff = {0};
  int have = 0;
#define ISIFS(k) (f[k] == F_EXP && s[k] && strchr(ifs, s[k]))
#define ISWS(k) (s[k] == ' ' || s[k] == '\t' || s[k] == '\n')
#define EMIT() do { add_field(v, nv, fs.s ? fs.s : "", ff.s ? ff.s : "", fs.len); fs.len = ff.len = 0; have = 0; } while (0)
  for (size_t i = 0; i < n;) {
    if (f[i] == F_BREAK) { EMIT(); i++; continue; }
    if (f[i] == F_SOFT) { if (have) EMIT(); i++; continue; }
    if (f[i] == F_QEMPTY) { have = 1; i++; continue; }
    if (ISIFS(i)) {
      int nonws = 0;
      while (i < n && ISIFS(i) && ISWS(i)) i++;
      if (i < n && ISIFS(i) && !ISWS(i)) {
        nonws = 1;
        i++;
        while (i < n && ISIFS(i) && ISWS(i)) i++;
      }
      if (nonws || have) EMIT();
      continue;
    }
    sb_addc(&fs, s[i]);
    sb_addc(&ff, f[i]);
    have = 1;
    i++;
  }
  if (have && !(c->atnull && !fs.len)) EMIT();
  free(fs.s);
  free(ff.s);
#undef EMIT
}

static void expand_fields(const char *word, char ***v, int *nv) {
  struct ctx c = {{0}, {0}, M_FIELDS, 0, 0};
  xword(&c, word, strlen(word), 0);
  split(&c, v, nv);
  free(c.s.s);
  free(c.f.s);
}

char **sh_expand_words(char **words) {
  char **v = sh_alloc(sizeof *v);
  int nv = 0;
  for (int i = 0; words && words[i] && !sh.unwind; i++) {
    expand_fields(words[i], &v, &nv);
  }
  return v;
}

static int is_declaration(const char *s) {
  return !strcmp(s, "export") || !strcmp(s, "readonly") || !strcmp(s, "local");
}

/* A command's words. After export, readonly or local (also through `command`), an
 * argument written NAME=value is an assignment: one field, no pathname expansion,
 * tilde expansion after '=' and ':' (as dash and POSIX 2024 have it). */
char **sh_expand_command(char **words) {
  char **v = sh_alloc(sizeof *v);
  int nv = 0, decl = 0;
  for (int i = 0; words && words[i] && !sh.unwind; i++) {
    const char *w = words[i], *eq = strchr(w, '=');
    if (decl && eq && sh_isname(w, eq - w)) {
      char *val = sh_expand_assign(eq + 1);
      struct strbuf b = {0};
      sb_add(&b, w, eq - w + 1);
      sb_adds(&b, val);
      free(val);
      v = realloc(v, (nv + 2) * sizeof *v);
      v[nv++] = sb_take(&b);
      v[nv] = 0;
      continue;
    }
    expand_fields(w, &v, &nv);
    decl = nv && (is_declaration(v[0]) || (nv > 1 && !strcmp(v[0], "command") && is_declaration(v[1])));
  }
  return v;
}

/* One string, no splitting or globbing: assignments, redirection targets, case words. */
char *sh_expand_str(const char *word) {
  return xsub(word, strlen(word), M_STR, 0);
}

char *sh_expand_assign(const char *value) {
  return xsub(value, strlen(value), M_ASSIGN, 0);
}

char *sh_expand_heredoc(const char *body) {
  return xsub(body, strlen(body), M_HEREDOC, 1);
}

/* A pattern for sh_match: quoted characters are escaped so they match literally. */
char *sh_expand_pat(const char *word) { return xpat(word, strlen(word)); }

static char *xpat(const char *word, size_t n) {
  struct ctx c = {{0}, {0}, M_PAT, 0, 0};
  xword(&c, word, n, 0);
  struct strbuf p = {0};
  for (size_t i = 0; i < c.s.len; i++) {
    char ch = c.s.s[i], fl = c.f.s[i];
    if (fl == F_QEMPTY) continue;
    if (fl == F_QUOTED && !isalnum((unsigned char)ch)) sb_addc(&p, '\\');
    sb_addc(&p, ch);
  }
  free(c.s.s);
  free(c.f.s);
  return sb_take(&p);
}


