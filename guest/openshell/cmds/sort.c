/* usage: sort [-cCfghMnrsuVz] [-k POS1[,POS2]]... [-t SEP] [-o FILE] [FILE...]
 *
 * Sort the lines of the FILEs (or stdin) by byte value (C locale).
 * -c	check that the input is sorted; report the first disorder (-C: silently)
 * -f	fold lower case to upper case
 * -n	compare a leading number (blanks, -, digits, .)
 * -g	compare general numbers (strtod: 1e3, inf; non-numbers first)
 * -h	compare human-readable numbers (2K < 1M, by suffix first)
 * -M	compare month names (JAN < ... < DEC, unknown first)
 * -V	compare version numbers (1.9 < 1.10, GNU's filevercmp)
 * -z	lines end with NUL bytes, not newlines
 * -r	reverse the result
 * -s	stable: no last-resort comparison of whole lines
 * -u	output only the first of lines that compare equal
 * -k	sort key: fields F[.C] to F[.C], with optional n g h M V r f b letters
 * -t	field separator (default: a blank-to-non-blank transition)
 * -o	write the result to FILE */
#include "lib/lib.h"
#include <ctype.h>

struct line { char *s; size_t len, idx; };
struct key { long f1, c1, f2, c2; int n, r, f, b; };  /* n: 0 text, or 'n' 'g' 'h' 'M' 'V' */

GLOBALS(sort,
  struct key *keys;
  int nkeys, sep;
);

/* Start of field f (1-based) in s, or s+len. */
static const char *field_start(const char *s, size_t len, long f) {
  const char *p = s, *e = s + len;
  for (long i = 1; i < f && p < e; i++) {
    if (TT.sep >= 0) {
      const char *q = memchr(p, TT.sep, e - p);
      p = q ? q + 1 : e;
    } else {
      while (p < e && isblank((unsigned char)*p)) p++;
      while (p < e && !isblank((unsigned char)*p)) p++;
    }
  }
  return p;
}

static const char *field_end(const char *p, const char *e) {
  if (TT.sep >= 0) { const char *q = memchr(p, TT.sep, e - p); return q ? q : e; }
  while (p < e && isblank((unsigned char)*p)) p++;
  while (p < e && !isblank((unsigned char)*p)) p++;
  return p;
}

static void key_range(const struct line *l, const struct key *k, const char **ks, const char **ke) {
  const char *e = l->s + l->len;
  const char *s = field_start(l->s, l->len, k->f1);
  if (k->b || (k->c1 > 1 && TT.sep < 0)) while (s < e && isblank((unsigned char)*s)) s++;
  if (k->c1 > 1) s = (size_t)(e - s) > (size_t)(k->c1 - 1) ? s + k->c1 - 1 : e;
  const char *t = e;
  if (k->f2) {
    t = field_start(l->s, l->len, k->f2);
    if (k->c2) {
      if (TT.sep < 0) while (t < e && isblank((unsigned char)*t)) t++;
      t = (size_t)(e - t) > (size_t)k->c2 ? t + k->c2 : e;
    } else t = field_end(t, e);
  }
  if (t < s) t = s;
  *ks = s;
  *ke = t;
}

/* wasi-libc has no long double printf/strtold: plain double is used. */
static double number(const char *s, const char *e) {
  while (s < e && isblank((unsigned char)*s)) s++;
  int neg = s < e && *s == '-';
  if (neg) s++;
  double v = 0, scale = 1;
  int frac = 0;
  for (; s < e; s++) {
    if (isdigit((unsigned char)*s)) {
      if (frac) { scale /= 10; v += (*s - '0') * scale; }
      else v = v * 10 + (*s - '0');
    } else if (*s == '.' && !frac) frac = 1;
    else break;
  }
  return neg ? -v : v;
}

/* -h: suffix order (K=1 ... Q=10, negative for negative numbers; 0 for a zero) */
static int unit_order(const char *s, const char *e) {
  while (s < e && isblank((unsigned char)*s)) s++;
  int neg = s < e && *s == '-', nonzero = 0;
  s += neg;
  while (s < e && (isdigit((unsigned char)*s) || *s == '.')) nonzero |= *s++ > '0';
  const char *u = s < e && nonzero ? strchr("KMGTPEZYRQ", *s == 'k' ? 'K' : *s) : NULL;
  int order = u && *s ? u - "KMGTPEZYRQ" + 1 : 0;
  return neg ? -order : order;
}

static int month(const char *s, const char *e) {
  static const char names[] = "JANFEBMARAPRMAYJUNJULAUGSEPOCTNOVDEC";
  while (s < e && isblank((unsigned char)*s)) s++;
  if (e - s < 3) return 0;
  for (int m = 0; m < 12; m++)
    if (toupper((unsigned char)s[0]) == names[3 * m] && toupper((unsigned char)s[1]) == names[3 * m + 1] && toupper((unsigned char)s[2]) == names[3 * m + 2]) return m + 1;
  return 0;
}

/* -V: gnulib's filevercmp */
static int vorder(const char *s, size_t pos, size_t len) {
  if (pos == len) return -1;
  unsigned char c = s[pos];
  return isdigit(c) ? 0 : isalpha(c) ? c : c == '~' ? -2 : c + 256;
}
static int verrevcmp(const char *a, size_t al, const char *b, size_t bl) {
  size_t i = 0, j = 0;
  while (i < al || j < bl) {
    int first = 0;
    while ((i < al && !isdigit((unsigned char)a[i])) || (j < bl && !isdigit((unsigned char)b[j]))) {
      int x = vorder(a, i, al), y = vorder(b, j, bl);
      if (x != y) return x - y;
      i++, j++;
    }
    while (i < al && a[i] == '0') i++;
    while (j < bl && b[j] == '0') j++;
    for (; i < al && j < bl && isdigit((unsigned char)a[i]) && isdigit((unsigned char)b[j]); i++, j++)
      if (!first) first = a[i] - b[j];
    if (i < al && isdigit((unsigned char)a[i])) return 1;
    if (j < bl && isdigit((unsigned char)b[j])) return -1;
    if (first) return first;
  }
  return 0;
}
static size_t prefixlen(const char *s, size_t n) {  /* without the suffix (\.[A-Za-z~][A-Za-z0-9~]*)*$ */
  size_t pre = 0;
  for (size_t i = 0; i < n;) {
    pre = ++i;
    while (i + 1 < n && s[i] == '.' && (isalpha((unsigned char)s[i + 1]) || s[i + 1] == '~'))
      for (i += 2; i < n && (isalnum((unsigned char)s[i]) || s[i] == '~'); i++) {}
  }
  return pre;
}
static int vercmp(const char *a, size_t al, const char *b, size_t bl) {
  if (!al || !bl) return !bl - !al;
  if (a[0] == '.' || b[0] == '.') {
    if (a[0] != b[0]) return a[0] == '.' ? -1 : 1;
    int ad = al == 1, bd = bl == 1;
    if (ad || bd) return bd - ad;
    ad = al == 2 && a[1] == '.', bd = bl == 2 && b[1] == '.';
    if (ad || bd) return bd - ad;
  }
  size_t ap = prefixlen(a, al), bp = prefixlen(b, bl);
  int r = verrevcmp(a, ap, b, bp);
  return r || (ap == al && bp == bl) ? r : verrevcmp(a, al, b, bl);
}

/* -g: strtod on a copy of the key; a key that is no number sorts first */
static int general(const char *s, const char *e, double *v) {
  char buf[64], *end;
  size_t n = e - s < 63 ? (size_t)(e - s) : 63;
  memcpy(buf, s, n);
  buf[n] = 0;
  *v = strtod(buf, &end);
  return end != buf;
}

static int compare_text(const char *a, size_t al, const char *b, size_t bl, int fold) {
  size_t n = al < bl ? al : bl;
  for (size_t i = 0; i < n; i++) {
    int x = (unsigned char)a[i], y = (unsigned char)b[i];
    if (fold) { x = toupper(x); y = toupper(y); }
    if (x != y) return x - y;
  }
  return al < bl ? -1 : al > bl;
}

static int compare_keys(const struct line *a, const struct line *b) {
  for (int i = 0; i < TT.nkeys; i++) {
    const struct key *k = &TT.keys[i];
    const char *as, *ae, *bs, *be;
    key_range(a, k, &as, &ae);
    key_range(b, k, &bs, &be);
    int r;
    if (k->n == 'V') r = vercmp(as, ae - as, bs, be - bs);
    else if (k->n == 'M') r = month(as, ae) - month(bs, be);
    else if (k->n == 'g') {
      double x, y;
      int nx = general(as, ae, &x), ny = general(bs, be, &y);
      r = nx != ny ? nx - ny : !nx ? 0 : x != x || y != y ? (y != y) - (x != x) : x < y ? -1 : x > y;
    } else if (k->n) {
      r = k->n == 'h' ? unit_order(as, ae) - unit_order(bs, be) : 0;
      double x = number(as, ae), y = number(bs, be);
      if (!r) r = x < y ? -1 : x > y;
    } else r = compare_text(as, ae - as, bs, be - bs, k->f);
    if (r) return k->r ? -r : r;
  }
  return 0;
}

static int order(const struct line *a, const struct line *b) {
  int r = compare_keys(a, b);
  if (!r && !FLAG('s') && !FLAG('u')) {
    r = compare_text(a->s, a->len, b->s, b->len, 0);
    if (FLAG('r')) r = -r;
  }
  return r;
}

static int compare(const void *pa, const void *pb) {
  const struct line *a = pa, *b = pb;
  int r = order(a, b);
  if (!r) r = a->idx < b->idx ? -1 : a->idx > b->idx;
  return r;
}

static int parse_key(const char *s, struct key *k) {
  char *end;
  memset(k, 0, sizeof *k);
  k->f1 = strtol(s, &end, 10);
  if (end == s || k->f1 < 1) return -1;
  s = end;
  if (*s == '.') { k->c1 = strtol(s + 1, &end, 10); if (end == s + 1 || k->c1 < 1) return -1; s = end; }
  for (int pass = 0; pass < 2; pass++) {
    for (; *s && strchr("nghMVrfb", *s); s++) {
      if (strchr("nghMV", *s)) k->n = *s;
      else if (*s == 'r') k->r = 1;
      else if (*s == 'f') k->f = 1;
      else k->b = 1;
    }
    if (pass || *s != ',') break;
    k->f2 = strtol(s + 1, &end, 10);
    if (end == s + 1 || k->f2 < 1) return -1;
    s = end;
    if (*s == '.') { k->c2 = strtol(s + 1, &end, 10); if (end == s + 1) return -1; s = end; }
  }
  return *s ? -1 : 0;
}

int sort_main(int argc, char **argv) {
  if (toy_init(argc, argv, "bcCfghMnrsuVzk*(key)t:o:", 2)) return toys.exitval;
  int kind = FLAG('n') ? 'n' : FLAG('g') ? 'g' : FLAG('h') ? 'h' : FLAG('M') ? 'M' : FLAG('V') ? 'V' : 0, eol = FLAG('z') ? 0 : '\n';
  char both[6] = {0}, *w = both;
  for (const char *o = "ghMnV"; *o; o++) if (FLAG(*o)) *w++ = *o;
  if (w - both > 1) { error_msg("options '-%s' are incompatible", both); return 2; }
  TT.sep = -1;
  struct line *lines = NULL;
  char **bufs = NULL;
  size_t n = 0, cap = 0, nbufs = 0;
  if (FLAG('t')) {
    if (strlen(OPTARG('t')) != 1) { error_msg("multi-character tab '%s'", OPTARG('t')); toys.exitval = 2; return finish(); }
    TT.sep = (unsigned char)*OPTARG('t');
  }
  for (char **k = toys.list[flagbit('k')]; k && *k; k++) {
    TT.keys = realloc(TT.keys, (TT.nkeys + 1) * sizeof *TT.keys);
    if (parse_key(*k, &TT.keys[TT.nkeys])) { error_msg("invalid key specification '%s'", *k); toys.exitval = 2; goto out; }
    struct key *kk = &TT.keys[TT.nkeys++];
    if (!kk->n && !kk->r && !kk->f && !kk->b) { kk->n = kind; kk->r = FLAG('r'); kk->f = FLAG('f'); kk->b = FLAG('b'); }
  }
  if (!TT.nkeys) {  /* the whole line is the key */
    TT.keys = malloc(sizeof *TT.keys);
    memset(TT.keys, 0, sizeof *TT.keys);
    TT.keys->f1 = 1;
    TT.keys->n = kind; TT.keys->r = FLAG('r'); TT.keys->f = FLAG('f'); TT.keys->b = FLAG('b');
    TT.nkeys = 1;
  }
  char *stdin_only[] = {"-", NULL};
  char **files = toys.optc ? toys.optargs : stdin_only;
  for (; *files; files++) {
    FILE *f = open_input(*files);
    if (!f) { toys.exitval = 2; goto out; }
    size_t len;
    char *buf = read_all(f, &len);
    int bad = ferror(f);
    close_input(f);
    if (bad || !buf) { perror_msg("read failed: %s", *files); free(buf); toys.exitval = 2; goto out; }
    bufs = realloc(bufs, (nbufs + 1) * sizeof *bufs);
    bufs[nbufs++] = buf;
    for (char *p = buf, *e = buf + len; p < e;) {
      char *nl = memchr(p, eol, e - p);
      if (!nl) nl = e;
      if (n == cap) lines = realloc(lines, (cap = cap * 2 + 256) * sizeof *lines);
      lines[n].s = p;
      lines[n].len = nl - p;
      lines[n].idx = n;
      n++;
      p = nl + 1;
    }
  }
  if (FLAG('c') || FLAG('C')) {
    for (size_t i = 1; i < n; i++) {
      int r = order(&lines[i - 1], &lines[i]);
      if (r > 0 || (r == 0 && FLAG('u'))) {
        if (!FLAG('C')) fprintf(stderr, "sort: %s:%zu: disorder: %.*s\n", toys.optc ? toys.optargs[0] : "-", i + 1, (int)lines[i].len, lines[i].s);
        toys.exitval = 1;
        break;
      }
    }
    goto out;
  }
  qsort(lines, n, sizeof *lines, compare);
  FILE *out = stdout;
  if (FLAG('o') && !(out = fopen_truncate(OPTARG('o')))) {
    perror_msg("open failed: %s", OPTARG('o'));
    toys.exitval = 2;
    goto out;
  }
  for (size_t i = 0; i < n; i++) {
    if (FLAG('u') && i && !compare_keys(&lines[i - 1], &lines[i])) continue;
    fwrite(lines[i].s, 1, lines[i].len, out);
    putc(eol, out);
  }
  if (out != stdout && fclose(out)) { perror_msg("write failed: %s", OPTARG('o')); toys.exitval = 2; }
out:
  for (size_t i = 0; i < nbufs; i++) free(bufs[i]);
  free(bufs);
  free(lines);
  free(TT.keys);
  return finish();
}
