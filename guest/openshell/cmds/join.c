/* usage: join [-i] [-a 1|2]... [-v 1|2] [-e EMPTY] [-o FORMAT] [-t CHAR] [-1 F] [-2 F] [-j F] FILE1 FILE2
 *
 * Join the lines of two files sorted on a join field: each pair with equal fields
 * prints the field, then the other fields of FILE1, then those of FILE2 ("-": stdin).
 * -1 F	join on field F of FILE1 (-2: of FILE2; -j: of both); default 1
 * -t CHAR	fields are separated by CHAR (default: runs of blanks, leading blanks ignored)
 * -a N	also print the unpairable lines of file N
 * -v N	print only the unpairable lines of file N
 * -e EMPTY	print EMPTY for missing fields of -o
 * -o FORMAT	print these fields: 0 (the join field) or N.F, separated by , or blanks;
 *		auto: as many as the first line of each file has
 * -i	ignore case when comparing fields
 * Input order is checked as GNU does by default: once a line did not pair, an
 * unsorted line read after it is reported and the status is 1. */
#include "lib/lib.h"
#include <ctype.h>

#pragma clang attribute push (__attribute__((minsize)), apply_to = function)

struct line { char **f; int n; };
struct file { struct line *l; int n, key; char *text; };
GLOBALS(join,
  struct file in[2];
  int sep, nout, outf[64][2], autow[2], unsorted;
  char *empty;
  int checked[2], warned[2], seen_unpairable;
);

static void split(char *s, struct line *l) {
  l->f = NULL;
  l->n = 0;
  for (;;) {
    if (TT.sep < 0) while (*s == ' ' || *s == '\t') s++;
    if (TT.sep < 0 && !*s) break;
    l->f = realloc(l->f, (l->n + 1) * sizeof *l->f);
    l->f[l->n++] = s;
    while (*s && (TT.sep < 0 ? *s != ' ' && *s != '\t' : *s != TT.sep)) s++;
    if (!*s) break;
    *s++ = 0;
  }
}

static const char *field(struct line *l, int k) { return l && k < l->n ? l->f[k] : NULL; }

static int cmpkey(struct line *a, int ka, struct line *b, int kb) {
  const char *x = field(a, ka), *y = field(b, kb);
  if (!x) x = "";  /* a missing join field is empty */
  if (!y) y = "";
  return FLAG('i') ? strcasecmp(x, y) : strcmp(x, y);
}

static void put(const char *s, int *first) {
  if (!*first) putchar(TT.sep < 0 ? ' ' : TT.sep);
  *first = 0;
  fputs(s ? s : TT.empty, stdout);
}

/* one output line for a (from file 1) and b (file 2); either may be NULL */
static void emit(struct line *a, struct line *b) {
  struct line *l[2] = {a, b};
  int first = 1;
  if (TT.nout || TT.autow[0]) {
    int n = TT.nout ? TT.nout : TT.autow[0] + TT.autow[1] - 1;
    for (int i = 0; i < n; i++) {
      int fi, fk;
      if (TT.nout) fi = TT.outf[i][0], fk = TT.outf[i][1];
      else if (i == 0) fi = -1, fk = 0;
      else if (i < TT.autow[0]) fi = 0, fk = i - 1 < TT.in[0].key ? i - 1 : i;
      else fi = 1, fk = i - TT.autow[0] < TT.in[1].key ? i - TT.autow[0] : i - TT.autow[0] + 1;
      if (fi < 0) put(field(a ? a : b, a ? TT.in[0].key : TT.in[1].key), &first);
      else put(field(l[fi], fk), &first);
    }
  } else {
    put(field(a ? a : b, a ? TT.in[0].key : TT.in[1].key), &first);
    for (int k = 0; k < 2; k++)
      for (int j = 0; l[k] && j < l[k]->n; j++) if (j != TT.in[k].key) put(l[k]->f[j], &first);
  }
  putchar('\n');
}

static int load(const char *name, struct file *f) {
  FILE *fp = open_input(name);
  if (!fp) return -1;
  size_t len;
  f->text = read_all(fp, &len);
  close_input(fp);
  f->l = NULL;
  f->n = 0;
  for (char *p = f->text; p && p < f->text + len;) {
    char *nl = memchr(p, '\n', f->text + len - p);
    if (nl) *nl = 0;
    f->l = realloc(f->l, (f->n + 1) * sizeof *f->l);
    split(p, &f->l[f->n]);
    f->n++;
    p = nl ? nl + 1 : f->text + len;
  }
  return 0;
}

/* GNU checks the order of each line as it reads it, and by default only once an
 * unpairable line was seen: files whose lines all pair are never reported. */
static void read_upto(int k, int upto) {
  struct file *f = &TT.in[k];
  if (upto >= f->n) upto = f->n - 1;
  for (int t = TT.checked[k] + 1; t <= upto; t++)
    if (TT.seen_unpairable && !TT.warned[k] && cmpkey(&f->l[t - 1], f->key, &f->l[t], f->key) > 0) {
      fflush(stdout);
      fprintf(stderr, "join: %s:%d: is not sorted\n", toys.optargs[k], t + 1);
      TT.warned[k] = TT.unsorted = 1;
    }
  if (upto > TT.checked[k]) TT.checked[k] = upto;
}

static int number(const char *s) {
  long long v;
  if (parse_long(s, &v) || v < 1 || v > 1000000) return error_msg("invalid field number: '%s'", s), -1;
  return v - 1;
}

int join_main(int argc, char **argv) {
  if (toy_init(argc, argv, "ia*v*e:o:t:1:2:j:", 1)) return toys.exitval;
  if (toys.optc != 2) return toys.optc < 2 ? usage_error("missing operand") : usage_error("extra operand '%s'", toys.optargs[2]);
  int show[2] = {0, 0}, only = FLAG('v');
  for (int v = 0; v < 2; v++)
    for (char **a = toys.list[flagbit(v ? 'v' : 'a')]; a && *a; a++) {
      if (strcmp(*a, "1") && strcmp(*a, "2")) { error_msg("invalid field number: '%s'", *a); return 1; }
      show[**a - '1'] = 1;
    }
  TT.sep = -1;
  if (OPTARG('t')) {
    if (strlen(OPTARG('t')) > 1) { error_msg("multi-character tab '%s'", OPTARG('t')); return 1; }
    TT.sep = (unsigned char)*OPTARG('t');
    if (!TT.sep) TT.sep = '\n';  /* -t '': the whole line is the field */
  }
  TT.empty = OPTARG('e') ? OPTARG('e') : "";
  if (OPTARG('j') && (TT.in[0].key = TT.in[1].key = number(OPTARG('j'))) < 0) return 1;
  if (OPTARG('1') && (TT.in[0].key = number(OPTARG('1'))) < 0) return 1;
  if (OPTARG('2') && (TT.in[1].key = number(OPTARG('2'))) < 0) return 1;
  char *o = OPTARG('o');
  if (o && strcmp(o, "auto")) {
    for (char *p = o; *p;) {
      while (*p == ',' || *p == ' ' || *p == '\t') p++;
      if (!*p) break;
      char *end;
      if (*p == '0' && (!p[1] || strchr(", \t", p[1]))) { TT.outf[TT.nout][0] = -1; TT.outf[TT.nout][1] = 0; p++; }
      else if ((*p == '1' || *p == '2') && p[1] == '.' && isdigit((unsigned char)p[2]) && (TT.outf[TT.nout][1] = strtol(p + 2, &end, 10) - 1) >= 0 && (!*end || strchr(", \t", *end))) {
        TT.outf[TT.nout][0] = *p - '1';
        p = end;
      } else { error_msg("invalid field specifier: '%s'", p); return 1; }
      if (++TT.nout == 64) break;
    }
  }
  if (load(toys.optargs[0], &TT.in[0]) || load(toys.optargs[1], &TT.in[1])) { toys.exitval = 1; goto out; }
  if (o && !strcmp(o, "auto")) for (int k = 0; k < 2; k++) TT.autow[k] = TT.in[k].n ? TT.in[k].l[0].n : 0;
  int i = 0, j = 0;
  while (i < TT.in[0].n || j < TT.in[1].n) {
    int both = i < TT.in[0].n && j < TT.in[1].n;
    int c = i >= TT.in[0].n ? 1 : j >= TT.in[1].n ? -1 : cmpkey(&TT.in[0].l[i], TT.in[0].key, &TT.in[1].l[j], TT.in[1].key);
    /* GNU reads the tail of either file too, to check its order */
    if (c < 0) { if (show[0]) emit(&TT.in[0].l[i], NULL); i++; read_upto(0, i); TT.seen_unpairable |= both; continue; }
    if (c > 0) { if (show[1]) emit(NULL, &TT.in[1].l[j]); j++; read_upto(1, j); TT.seen_unpairable |= both; continue; }
    int i2 = i, j2 = j;
    while (i2 < TT.in[0].n && !cmpkey(&TT.in[0].l[i], TT.in[0].key, &TT.in[0].l[i2], TT.in[0].key)) i2++;
    while (j2 < TT.in[1].n && !cmpkey(&TT.in[1].l[j], TT.in[1].key, &TT.in[1].l[j2], TT.in[1].key)) j2++;
    read_upto(0, i2);
    read_upto(1, j2);
    if (!only)
      for (int a = i; a < i2; a++) for (int b = j; b < j2; b++) emit(&TT.in[0].l[a], &TT.in[1].l[b]);
    i = i2, j = j2;
  }
  if (TT.unsorted) { fflush(stdout); fputs("join: input is not in sorted order\n", stderr); toys.exitval = 1; }
out:
  for (int k = 0; k < 2; k++) {
    for (int n = 0; n < TT.in[k].n; n++) free(TT.in[k].l[n].f);
    free(TT.in[k].l);
    free(TT.in[k].text);
  }
  return finish();
}

#pragma clang attribute pop
