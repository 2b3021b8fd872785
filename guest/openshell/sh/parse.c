/* Lexer and recursive-descent parser for the POSIX shell grammar.
 * Words stay source text; $(...) is parsed here only to find where it ends, and
 * parsed again when it runs. Here-document bodies are read after the next newline. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sh.h"

enum { T_EOF, T_NL, T_WORD, T_IONUM, T_SEMI, T_DSEMI, T_AMP, T_AND, T_PIPE, T_OR,
       T_LPAREN, T_RPAREN, T_LT, T_GT, T_DGT, T_DLT, T_DLTDASH, T_GTAMP, T_LTAMP,
       T_LTGT, T_CLOBBER };
static const char *const tokname[] = {"end of file", "newline", "", "", ";", ";;", "&", "&&",
  "|", "||", "(", ")", "<", ">", ">>", "<<", "<<-", ">&", "<&", "<>", ">|"};

struct parser {
  const char *src;
  char *owned;      /* src after alias substitution */
  size_t pos, tokstart;
  long grown;       /* how much alias substitution lengthened src */
  struct { char *name; size_t end; } active[16];   /* aliases whose text is being read */
  int nactive;
  size_t alias_next;   /* after an alias ending in a blank: the next word is checked too (+1) */
  int line;
  int have, tok, num, tokline;   /* one token of lookahead */
  char *text;
  struct redir *pending[32];     /* here-documents waiting for the next newline */
  int npending;
  int err;
  int delim;        /* lexing a here-document delimiter: $( is not special there (dash) */
  int trial;        /* input may continue (script read from a pipe): see sh_parse_more */
  int hit_eof;      /* the lexer reached the end of the text */
  int incomplete;   /* trial parse failed only because the text ended */
};

struct parser *sh_parser_new(const char *src, int line) {
  struct parser *p = sh_alloc(sizeof *p);
  p->src = src;
  p->line = line;
  return p;
}

void sh_parser_free(struct parser *p) {
  for (int i = 0; i < p->nactive; i++) free(p->active[i].name);
  free(p->owned);
  free(p->text);
  free(p);
}

static void syntax(struct parser *p, const char *fmt, const char *a, const char *b) {
  if (p->err) return;
  p->err = 1;
  if (p->trial && p->hit_eof) { p->incomplete = 1; return; }
  char msg[200];
  snprintf(msg, sizeof msg, fmt, a, b);
  sh.line = p->line;
  sh_fatal(2, "Syntax error: %s", msg);
}

static int cur(struct parser *p) { return (unsigned char)p->src[p->pos]; }

static void read_heredocs(struct parser *p) {
  for (int i = 0; i < p->npending; i++) {
    struct redir *r = p->pending[i];
    struct strbuf b = {0};
    const char *delim = r->word;
    int found = 0;
    while (!found && p->src[p->pos]) {
      const char *s = p->src + p->pos, *nl = strchr(s, '\n');
      size_t n = nl ? (size_t)(nl - s) : strlen(s);
      p->pos += n + (nl != 0);
      p->line++;
      if (r->type == R_HEREDOC + 1) while (n && *s == '\t') s++, n--;
      if (n == strlen(delim) && !strncmp(s, delim, n)) { found = 1; break; }
      sb_add(&b, s, n);
      if (nl) sb_addc(&b, '\n');  /* a body cut by the end of input keeps no newline (dash) */
    }
    if (!found) {   /* dash accepts a body ended by the end of input */
      p->hit_eof = 1;
      if (p->trial) p->incomplete = p->err = 1;
    }
    free(r->word);
    r->word = sb_take(&b);
    r->type = R_HEREDOC;
  }
  p->npending = 0;
}

static int scan_dollar(struct parser *p, struct strbuf *b, int dq);
static struct node *parse_list(struct parser *p, int empty_ok, const char *expect);
static int expect_rparen(struct parser *p);

/* Backquotes end at the next unescaped backquote. */
static int scan_backquote(struct parser *p, struct strbuf *b) {
  sb_addc(b, '`');
  p->pos++;
  for (;;) {
    int c = cur(p);
    if (!c) { p->hit_eof = 1, syntax(p, "%sUnterminated quoted string", "", ""); return -1; }
    if (c == '\\' && p->src[p->pos + 1]) { sb_add(b, p->src + p->pos, 2); p->pos += 2; continue; }
    if (c == '\n') p->line++;
    sb_addc(b, c);
    p->pos++;
    if (c == '`') return 0;
  }
}

/* The inside of "..." (the opening quote already copied). */
static int scan_dquote(struct parser *p, struct strbuf *b) {
  for (;;) {
    int c = cur(p);
    if (!c) { p->hit_eof = 1, syntax(p, "%sUnterminated quoted string", "", ""); return -1; }
    if (c == '"') { sb_addc(b, c); p->pos++; return 0; }
    if (c == '\\' && p->src[p->pos + 1] == '\n') { p->pos += 2; p->line++; continue; }
    if (c == '\\' && p->src[p->pos + 1]) { sb_add(b, p->src + p->pos, 2); p->pos += 2; continue; }
    if (c == '$') { if (scan_dollar(p, b, 1)) return -1; continue; }
    if (c == '`') { if (scan_backquote(p, b)) return -1; continue; }
    if (c == '\n') p->line++;
    sb_addc(b, c);
    p->pos++;
  }
}

/* $name, ${...}, $(...), $((...)): copy the whole thing into b. dq: inside "...",
 * where a single quote in ${x:-it's} is an ordinary character. */
static int scan_dollar(struct parser *p, struct strbuf *b, int dq) {
  const char *s = p->src;
  size_t start = p->pos;
  if (s[start + 1] == '{') {
    int depth = 0;
    sb_add(b, "${", 2);
    p->pos += 2;
    for (;;) {
      int c = cur(p);
      if (!c) { p->hit_eof = 1, syntax(p, "%sMissing '}'", "", ""); return -1; }
      if (c == '}' && depth-- == 0) { sb_addc(b, c); p->pos++; return 0; }
      if (c == '{') depth++;
      if (c == '\\' && s[p->pos + 1]) { sb_add(b, s + p->pos, 2); p->pos += 2; continue; }
      if (c == '\'' && !dq) {
        const char *e = strchr(s + p->pos + 1, '\'');
        if (!e) { p->hit_eof = 1, syntax(p, "%sUnterminated quoted string", "", ""); return -1; }
        sb_add(b, s + p->pos, e - (s + p->pos) + 1);
        p->pos = e - s + 1;
        continue;
      }
      if (c == '"') { sb_addc(b, c); p->pos++; if (scan_dquote(p, b)) return -1; continue; }
      if (c == '$') { if (scan_dollar(p, b, dq)) return -1; continue; }
      if (c == '`') { if (scan_backquote(p, b)) return -1; continue; }
      if (c == '\n') p->line++;
      sb_addc(b, c);
      p->pos++;
    }
  }
  if (s[start + 1] == '(' && s[start + 2] == '(') {
    /* Arithmetic, unless the parentheses do not close as "))": then $( (subshell) ). */
    int depth = 0, line = p->line;
    size_t i = start + 3;
    for (; s[i]; i++) {
      if (s[i] == '\n') line++;
      if (s[i] == '(') depth++;
      else if (s[i] == ')') {
        if (depth == 0) break;
        depth--;
      }
    }
    if (s[i] == ')' && s[i + 1] == ')') {
      sb_add(b, s + start, i + 2 - start);
      p->pos = i + 2;
      p->line = line;
      return 0;
    }
  }
  if (s[start + 1] == '(') {
    /* Parse the command list to find its closing parenthesis. */
    int have = p->have, tok = p->tok, num = p->num, tl = p->tokline;
    char *text = p->text;
    p->have = 0;
    p->text = 0;
    p->pos = start + 2;
    parse_list(p, 1, ")");
    if (!p->err) expect_rparen(p);
    free(p->text);
    p->have = have; p->tok = tok; p->num = num; p->tokline = tl; p->text = text;
    if (p->err) return -1;
    sb_add(b, s + start, p->pos - start);
    return 0;
  }
  sb_addc(b, '$');
  p->pos++;
  return 0;
}

static int is_meta(int c) { return strchr(" \t\n;&|<>()", c) != 0; }

static void lex(struct parser *p) {
  const char *s = p->src;
  free(p->text);
  p->text = 0;
again:
  while (s[p->pos] == ' ' || s[p->pos] == '\t') p->pos++;
  if (s[p->pos] == '\\' && s[p->pos + 1] == '\n') { p->pos += 2; p->line++; goto again; }
  if (s[p->pos] == '#') while (s[p->pos] && s[p->pos] != '\n') p->pos++;
  p->tokline = p->line;
  p->tokstart = p->pos;
  int c = cur(p);
  if (!c) { p->tok = T_EOF; p->hit_eof = 1; if (p->npending) read_heredocs(p); return; }
  if (c == '\n') { p->pos++; p->line++; p->tok = T_NL; read_heredocs(p); return; }
  static const struct { char s[4]; int t; } ops[] = {
    {";;", T_DSEMI}, {"&&", T_AND}, {"||", T_OR}, {"<<-", T_DLTDASH}, {"<<", T_DLT},
    {">>", T_DGT}, {">&", T_GTAMP}, {"<&", T_LTAMP}, {"<>", T_LTGT}, {">|", T_CLOBBER},
    {";", T_SEMI}, {"&", T_AMP}, {"|", T_PIPE}, {"(", T_LPAREN}, {")", T_RPAREN},
    {"<", T_LT}, {">", T_GT}};
  for (size_t i = 0; i < sizeof ops / sizeof *ops; i++) {
    size_t n = strlen(ops[i].s);
    if (!strncmp(s + p->pos, ops[i].s, n)) { p->pos += n; p->tok = ops[i].t; return; }
  }
  struct strbuf b = {0};
  for (;;) {
    c = cur(p);
    if (!c || is_meta(c)) break;
    if (c == '\\') {
      if (s[p->pos + 1] == '\n') { p->pos += 2; p->line++; continue; }
      sb_addc(&b, c);
      p->pos++;
      if (cur(p)) sb_addc(&b, cur(p)), p->pos++;
      continue;
    }
    if (c == '\'') {
      const char *e = strchr(s + p->pos + 1, '\'');
      if (!e) { p->hit_eof = 1, syntax(p, "%sUnterminated quoted string", "", ""); break; }
      for (const char *q = s + p->pos; q < e; q++) if (*q == '\n') p->line++;
      sb_add(&b, s + p->pos, e - (s + p->pos) + 1);
      p->pos = e - s + 1;
      continue;
    }
    if (c == '"') { sb_addc(&b, c); p->pos++; if (scan_dquote(p, &b)) break; continue; }
    if (c == '$' && !(p->delim && s[p->pos + 1] == '(')) { if (scan_dollar(p, &b, 0)) break; continue; }
    if (c == '`') { if (scan_backquote(p, &b)) break; continue; }
    sb_addc(&b, c);
    p->pos++;
  }
  p->text = sb_take(&b);
  p->tok = T_WORD;
  if (p->err) { p->tok = T_EOF; return; }
  c = cur(p);
  /* dash takes a single digit only: in `echo x 10>f` the 10 is an argument */
  if ((c == '<' || c == '>') && p->text[0] >= '0' && p->text[0] <= '9' && !p->text[1]) {
    p->tok = T_IONUM;
    p->num = atoi(p->text);
  }
}

static int peek(struct parser *p) {
  if (!p->have) { lex(p); p->have = 1; }
  return p->tok;
}

/* Consume the token; the caller owns the returned text (words only). */
static char *next(struct parser *p) {
  peek(p);
  p->have = 0;
  char *t = p->text;
  p->text = 0;
  return t;
}

static int is_word(struct parser *p, const char *w) {
  return peek(p) == T_WORD && !strcmp(p->text, w);
}

static const char *tokstr(struct parser *p) {
  return p->tok == T_WORD || p->tok == T_IONUM ? p->text : tokname[p->tok];
}

static void unexpected(struct parser *p) {
  peek(p);
  if (p->tok == T_EOF || p->tok == T_NL) syntax(p, "%s unexpected%s", tokstr(p), "");
  else if (p->tok == T_WORD && !sh_is_keyword(p->text)) syntax(p, "word unexpected%s%s", "", "");
  else syntax(p, "\"%s\" unexpected%s", tokstr(p), "");
}

static int expect_word(struct parser *p, const char *w) {
  if (is_word(p, w)) { free(next(p)); return 0; }
  char what[64];
  if (p->err) return -1;
  if (p->tok == T_EOF || p->tok == T_NL) snprintf(what, sizeof what, "%s", tokstr(p));
  else if (p->tok == T_WORD && !sh_is_keyword(p->text)) snprintf(what, sizeof what, "word");
  else snprintf(what, sizeof what, "\"%s\"", tokstr(p));
  syntax(p, "%s unexpected (expecting \"%s\")", what, w);
  return -1;
}

static int expect_rparen(struct parser *p) {
  if (peek(p) == T_RPAREN) { next(p); return 0; }
  return expect_word(p, ")");
}

static void linebreak(struct parser *p) {
  while (peek(p) == T_NL) next(p);
}

static struct node *mknode(int type, int line) {
  struct node *n = sh_alloc(sizeof *n);
  n->type = type;
  n->line = line;
  return n;
}

static struct node *bin(int type, struct node *a, struct node *b) {
  struct node *n = mknode(type, a->line);
  n->a = a;
  n->b = b;
  return n;
}

static void push(char ***v, int *n, char *s) {
  *v = realloc(*v, (*n + 2) * sizeof **v);
  (*v)[(*n)++] = s;
  (*v)[*n] = 0;
}

static int is_redir(int t) { return t == T_IONUM || (t >= T_LT && t <= T_CLOBBER); }

/* One redirection, appended to *list. */
static int parse_redir(struct parser *p, struct redir ***tail) {
  int fd = -1, t = peek(p);
  if (t == T_IONUM) { fd = p->num; next(p); t = peek(p); }
  next(p);
  p->delim = t == T_DLT || t == T_DLTDASH;
  peek(p);
  p->delim = 0;
  if (is_redir(peek(p)) && p->tok != T_IONUM) { syntax(p, "redirection unexpected%s%s", "", ""); return -1; }
  if (peek(p) != T_WORD) { unexpected(p); return -1; }
  struct redir *r = sh_alloc(sizeof *r);
  static const signed char map[] = {[T_LT] = R_IN, [T_GT] = R_OUT, [T_DGT] = R_APPEND,
    [T_DLT] = R_HEREDOC, [T_DLTDASH] = R_HEREDOC + 1, [T_GTAMP] = R_DUPOUT,
    [T_LTAMP] = R_DUPIN, [T_LTGT] = R_RDWR, [T_CLOBBER] = R_CLOBBER};
  r->type = map[t];
  r->fd = fd >= 0 ? fd : (t == T_LT || t == T_DLT || t == T_DLTDASH || t == T_LTAMP || t == T_LTGT) ? 0 : 1;
  r->word = next(p);
  if (t == T_DLT || t == T_DLTDASH) {
    /* The delimiter is the word after quote removal; any quoting disables expansion. */
    struct strbuf b = {0};
    for (char *s = r->word; *s; s++) {
      if (*s == '\'' || *s == '"') { r->quoted = 1; continue; }
      if (*s == '\\' && s[1]) { r->quoted = 1; s++; }
      sb_addc(&b, *s);
    }
    free(r->word);
    r->word = sb_take(&b);
    if (p->npending < 32) p->pending[p->npending++] = r;
  }
  **tail = r;
  *tail = &r->next;
  return 0;
}

static int parse_redirs(struct parser *p, struct node *n) {
  struct redir **tail = &n->redirs;
  while (*tail) tail = &(*tail)->next;
  while (is_redir(peek(p)))
    if (parse_redir(p, &tail)) return -1;
  return 0;
}

static const char *const keywords[] = {"!", "case", "do", "done", "elif", "else", "esac",
  "fi", "for", "if", "in", "then", "until", "while", "{", "}", 0};

int sh_is_keyword(const char *s) {
  for (int i = 0; keywords[i]; i++) if (!strcmp(s, keywords[i])) return 1;
  return 0;
}

static int is_terminator(struct parser *p) {
  static const char *const ends[] = {"then", "else", "elif", "fi", "do", "done", "esac", "}", 0};
  int t = peek(p);
  if (t == T_EOF || t == T_RPAREN || t == T_DSEMI) return 1;
  if (t != T_WORD) return 0;
  for (int i = 0; ends[i]; i++) if (!strcmp(p->text, ends[i])) return 1;
  return 0;
}

static struct node *parse_andor(struct parser *p);

/* A compound list: commands separated by ; & or newlines, up to a closing keyword. */
/* expect: the closing word named when the list is missing at end of file. */
static struct node *parse_list(struct parser *p, int empty_ok, const char *expect) {
  struct node *list = 0;
  for (;;) {
    linebreak(p);
    if (p->err || is_terminator(p)) break;
    struct node *n = parse_andor(p);
    if (!n) return 0;
    if (peek(p) == T_AMP) { next(p); struct node *bg = mknode(N_BG, n->line); bg->a = n; n = bg; }
    else if (peek(p) == T_SEMI) next(p);
    else if (peek(p) != T_NL) { list = list ? bin(N_SEQ, list, n) : n; break; }
    list = list ? bin(N_SEQ, list, n) : n;
  }
  if (!list && !empty_ok && !p->err) {
    if (peek(p) == T_EOF && expect) syntax(p, "end of file unexpected (expecting \"%s\")", expect, "");
    else unexpected(p);
    return 0;
  }
  return p->err ? 0 : list;
}

static struct node *parse_command(struct parser *p);

static struct node *parse_pipeline(struct parser *p) {
  int neg = 0;
  while (is_word(p, "!")) { free(next(p)); neg = !neg; }
  struct node *n = parse_command(p);
  while (n && peek(p) == T_PIPE) {
    next(p);
    linebreak(p);
    struct node *m = parse_command(p);
    if (!m) return 0;
    n = bin(N_PIPE, n, m);
  }
  if (n && neg) { struct node *x = mknode(N_NOT, n->line); x->a = n; n = x; }
  return n;
}

static struct node *parse_andor(struct parser *p) {
  struct node *n = parse_pipeline(p);
  while (n && (peek(p) == T_AND || peek(p) == T_OR)) {
    int t = p->tok == T_AND ? N_AND : N_OR;
    next(p);
    linebreak(p);
    struct node *m = parse_pipeline(p);
    if (!m) return 0;
    n = bin(t, n, m);
  }
  return n;
}

static struct node *parse_if(struct parser *p, int line) {
  struct node *n = mknode(N_IF, line);
  if (!(n->a = parse_list(p, 0, "then")) || expect_word(p, "then") || !(n->b = parse_list(p, 0, "fi"))) return 0;
  if (is_word(p, "elif")) {
    int l = p->tokline;
    free(next(p));
    return (n->c = parse_if(p, l)) ? n : 0;
  }
  if (is_word(p, "else")) {
    free(next(p));
    if (!(n->c = parse_list(p, 0, "fi"))) return 0;
  }
  return expect_word(p, "fi") ? 0 : n;
}

static struct node *parse_case(struct parser *p, int line) {
  struct node *n = mknode(N_CASE, line);
  if (peek(p) != T_WORD) { unexpected(p); return 0; }
  n->name = next(p);
  linebreak(p);
  if (expect_word(p, "in")) return 0;
  struct caseitem **tail = &n->items;
  for (;;) {
    linebreak(p);
    if (is_word(p, "esac")) { free(next(p)); return n; }
    struct caseitem *it = sh_alloc(sizeof *it);
    int np = 0;
    if (peek(p) == T_LPAREN) next(p);
    for (;;) {
      if (peek(p) == T_EOF) { syntax(p, "end of file unexpected (expecting \")\")%s%s", "", ""); return 0; }
      if (peek(p) != T_WORD) { unexpected(p); return 0; }
      push(&it->pats, &np, next(p));
      if (peek(p) != T_PIPE) break;
      next(p);
    }
    if (peek(p) != T_RPAREN) {
      if (peek(p) == T_EOF) syntax(p, "end of file unexpected (expecting \")\")%s%s", "", "");
      else unexpected(p);
      return 0;
    }
    next(p);
    it->body = parse_list(p, 1, 0);
    if (p->err) return 0;
    *tail = it;
    tail = &it->next;
    if (peek(p) == T_DSEMI) { next(p); continue; }
    linebreak(p);
    if (is_word(p, "esac")) { free(next(p)); return n; }
    expect_word(p, ";;");
    return 0;
  }
}

static struct node *parse_compound(struct parser *p) {
  int line = p->tokline;
  struct node *n;
  if (peek(p) == T_LPAREN) {
    next(p);
    n = mknode(N_SUB, line);
    if (!(n->a = parse_list(p, 0, ")"))) return 0;
    if (peek(p) != T_RPAREN) { expect_word(p, ")"); return 0; }
    next(p);
    return n;
  }
  char *w = p->text;
  if (!strcmp(w, "{")) {
    free(next(p));
    n = mknode(N_GROUP, line);
    if (!(n->a = parse_list(p, 0, "}")) || expect_word(p, "}")) return 0;
    return n;
  }
  if (!strcmp(w, "if")) { free(next(p)); return parse_if(p, line); }
  if (!strcmp(w, "while") || !strcmp(w, "until")) {
    n = mknode(w[0] == 'w' ? N_WHILE : N_UNTIL, line);
    free(next(p));
    if (!(n->a = parse_list(p, 0, "do")) || expect_word(p, "do") || !(n->b = parse_list(p, 0, "done")) ||
        expect_word(p, "done")) return 0;
    return n;
  }
  if (!strcmp(w, "for")) {
    free(next(p));
    n = mknode(N_FOR, line);
    if (peek(p) != T_WORD || !sh_isname(p->text, strlen(p->text))) {
      syntax(p, "Bad for loop variable%s%s", "", "");
      return 0;
    }
    n->name = next(p);
    linebreak(p);
    if (is_word(p, "in")) {
      int nw = 0;
      free(next(p));
      push(&n->words, &nw, 0);
      nw = 0;
      while (peek(p) == T_WORD) push(&n->words, &nw, next(p));
      if (peek(p) != T_SEMI && peek(p) != T_NL) { unexpected(p); return 0; }
      next(p);
    } else if (peek(p) == T_SEMI) next(p);
    linebreak(p);
    if (expect_word(p, "do") || !(n->a = parse_list(p, 0, "done")) || expect_word(p, "done")) return 0;
    return n;
  }
  if (!strcmp(w, "case")) { free(next(p)); return parse_case(p, line); }
  return 0;
}

/* The peeked word names an alias not already being read: put its value in its place
 * in the source (POSIX 2.3.1) and return 1. */
static int substitute_alias(struct parser *p) {
  if (peek(p) != T_WORD || strpbrk(p->text, "'\"\\$`=")) return 0;
  while (p->nactive && p->active[p->nactive - 1].end <= p->tokstart) free(p->active[--p->nactive].name);
  for (int i = 0; i < p->nactive; i++) if (!strcmp(p->active[i].name, p->text)) return 0;
  const char *v = sh_alias(p->text);
  if (!v || p->nactive == 16) return 0;
  size_t vl = strlen(v), wl = p->pos - p->tokstart;
  struct strbuf b = {0};
  sb_add(&b, p->src, p->tokstart);
  sb_adds(&b, v);
  sb_adds(&b, p->src + p->pos);
  free(p->owned);
  p->src = p->owned = sb_take(&b);
  p->grown += (long)vl - (long)wl;
  for (int i = 0; i < p->nactive; i++) p->active[i].end += vl - wl;
  p->active[p->nactive].name = p->text;
  p->active[p->nactive++].end = p->tokstart + vl;
  p->text = 0;
  p->have = 0;
  p->pos = p->tokstart;
  p->alias_next = vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t') ? p->tokstart + vl + 1 : 0;
  return 1;
}

static struct node *parse_command(struct parser *p) {
  int t, line;
  struct node *n;
  if (sh_too_deep()) { p->err = 1; return 0; }
  do t = peek(p); while (t == T_WORD && !sh_is_keyword(p->text) && substitute_alias(p));
  line = p->tokline;
  if (t == T_LPAREN || (t == T_WORD && (!strcmp(p->text, "{") || !strcmp(p->text, "if") ||
      !strcmp(p->text, "while") || !strcmp(p->text, "until") || !strcmp(p->text, "for") ||
      !strcmp(p->text, "case")))) {
    if (!(n = parse_compound(p)) || parse_redirs(p, n)) return 0;
    return n;
  }
  if (t == T_WORD && sh_is_keyword(p->text)) { unexpected(p); return 0; }
  n = mknode(N_CMD, line);
  int nw = 0, na = 0;
  struct redir **tail = &n->redirs;
  for (;;) {
    t = peek(p);
    if (is_redir(t)) { if (parse_redir(p, &tail)) return 0; continue; }
    if (t != T_WORD) break;
    int check = !nw;
    if (p->alias_next && p->tokstart + 1 >= p->alias_next) check = 1, p->alias_next = 0;
    if (check && substitute_alias(p)) continue;
    char *eq = strchr(p->text, '=');
    if (!nw && eq && sh_isname(p->text, eq - p->text)) { push(&n->assigns, &na, next(p)); continue; }
    push(&n->words, &nw, next(p));
    if (nw == 1 && !na && peek(p) == T_LPAREN) {
      /* name() compound-command: a function definition */
      if (!sh_isname(n->words[0], strlen(n->words[0]))) { syntax(p, "Bad function name%s%s", "", ""); return 0; }
      next(p);
      if (peek(p) != T_RPAREN) { expect_word(p, ")"); return 0; }
      next(p);
      linebreak(p);
      n->type = N_FUNC;
      n->name = n->words[0];
      /* POSIX wants a compound command here; dash also takes a simple one */
      return (n->a = parse_command(p)) ? n : 0;
    }
  }
  if (p->err) return 0;
  if (!nw && !na && !n->redirs) { unexpected(p); return 0; }
  return n;
}

struct node *sh_parse_line(struct parser *p, int *eof) {
  *eof = 0;
  linebreak(p);
  if (p->err) return 0;
  if (peek(p) == T_EOF) { *eof = 1; return 0; }
  struct node *list = 0;
  for (;;) {
    struct node *n = parse_andor(p);
    if (!n) return 0;
    int sep = peek(p) == T_AMP || p->tok == T_SEMI;
    if (p->tok == T_AMP) { next(p); struct node *bg = mknode(N_BG, n->line); bg->a = n; n = bg; }
    else if (p->tok == T_SEMI) next(p);
    list = list ? bin(N_SEQ, list, n) : n;
    if (peek(p) == T_NL || peek(p) == T_EOF) break;
    if (!sep) { unexpected(p); return 0; }
  }
  /* in a trial the text ends with a newline: ending at EOF means a \ continued it */
  if (p->trial && p->tok == T_EOF) { p->incomplete = p->err = 1; return 0; }
  return list;
}

/* One complete command line from text, for input that may still continue (a script
 * read from a pipe). *state: 3 a command was parsed, 0 only blank lines, 1 the text
 * ends before the command does (more input is needed), 2 a syntax error (reported). */
struct node *sh_parse_partial(const char *text, int *line, int more, size_t *used, int *state) {
  struct parser *p = sh_parser_new(text, *line);
  int at_end;
  p->trial = more;
  struct node *n = sh_parse_line(p, &at_end);
  *state = p->incomplete ? 1 : at_end ? 0 : n ? 3 : 2;
  *used = p->pos - p->grown;
  *line = p->line;
  sh_parser_free(p);
  return n;
}

/* The command list of a $(...) whose text starts at s (just after "$("); *len is
 * set past the closing parenthesis. Recently used lists are cached, because a loop
 * would otherwise parse (and keep) the same substitution again on every iteration. */
struct node *sh_parse_subst(const char *s, size_t *len) {
  static struct { char *text; size_t len; struct node *n; } cache[32];
  static int next_slot;
  for (int i = 0; i < 32; i++)
    if (cache[i].text && !strncmp(cache[i].text, s, cache[i].len) && !cache[i].text[cache[i].len] &&
        s[cache[i].len - 1] == ')') {
      *len = cache[i].len;
      return cache[i].n;
    }
  struct parser *p = sh_parser_new(s, sh.line);
  struct node *n = parse_list(p, 1, ")");
  if (!p->err) expect_rparen(p);
  *len = p->pos;
  int err = p->err;
  sh_parser_free(p);
  if (err) { *len = 0; return 0; }
  int i = next_slot++ % 32;
  free(cache[i].text);
  cache[i].text = sh_strndup(s, *len);
  cache[i].len = *len;
  cache[i].n = n;
  return n;
}
