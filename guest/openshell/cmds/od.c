/* usage: od [-abcdilosvx] [-A RADIX] [-j SKIP] [-N COUNT] [-t TYPE]... [-w[BYTES]] [FILE...]
 *
 * Dump the bytes of the FILEs (or stdin), 16 per line; repeated lines show as *.
 * Several types print one row each, in the order given, aligned as GNU aligns them.
 * -t TYPE	a (named characters), c (characters), d, o, u, x with a size 1 2 4 8 or
 *	C S I L (e.g. x1, d4, oS; default 4); several letters in one TYPE are several types
 * -a -b -c -d -i -l -o -s -x	-t a, o1, c, u2, d4, d8, o2, d2, x2 (-o is the default)
 * -A	offset radix: d decimal, o octal (default), x hex, n none
 * -j	skip SKIP bytes first; -N	dump at most COUNT bytes (suffixes b k m G, 0x hex)
 * -w	BYTES per line (default 16, 32 without a number)
 * -v	do not replace repeated lines by *
 * Floating-point types (-t f, -f) and the z suffix are not supported. */
#include "lib/lib.h"
#include <ctype.h>

/* rarely hot: optimised for size (the module has a size budget) */
#pragma clang attribute push (__attribute__((minsize)), apply_to = function)

struct type { char kind; int size, width, pad; };
GLOBALS(od,
  struct type types[32];
  int ntypes, per_line;
  char radix;
);

static void offset(unsigned long long off) {
  if (TT.radix == 'o') printf("%07llo", off);
  else if (TT.radix == 'd') printf("%07llu", off);
  else if (TT.radix == 'x') printf("%06llx", off);
}

/* digits of the widest value of each kind and size (GNU's field widths) */
static int field_width(char kind, int size) {
  static const unsigned char w[4][4] = {{4, 6, 11, 20}, {3, 6, 11, 22}, {3, 5, 10, 20}, {2, 4, 8, 16}};
  int s = size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3;
  return kind == 'a' || kind == 'c' ? 3 : w[strchr("doux", kind) - "doux"][s];
}

static int add_types(const char *t) {
  while (*t) {
    char kind = *t++;
    if (!strchr("acdoux", kind)) {
      if (kind == 'f') error_msg("floating-point types (-t f) are not supported");
      else usage_error("invalid type string '%s'", t - 1);
      return -1;
    }
    int size = kind == 'a' || kind == 'c' ? 1 : 4;
    if (size == 4 && *t && strchr("CSIL", *t)) size = *t == 'C' ? 1 : *t == 'S' ? 2 : *t == 'I' ? 4 : 8, t++;
    else if (size == 4 && isdigit((unsigned char)*t)) {
      size = strtol(t, (char **)&t, 10);
      if (size != 1 && size != 2 && size != 4 && size != 8) { error_msg("invalid type string '%s'; this system doesn't provide a %d-byte integral type", t, size); return -1; }
    }
    if (*t == 'z') { error_msg("the z suffix is not supported"); return -1; }
    if (TT.ntypes == 32) return 0;
    TT.types[TT.ntypes].kind = kind;
    TT.types[TT.ntypes].size = size;
    TT.types[TT.ntypes++].width = field_width(kind, size);
  }
  return 0;
}

static const char names[] = "nulsohstxetxeotenqackbel bs ht nl vt ff cr so sidledc1dc2dc3dc4naksynetbcan emsubesc fs gs rs us sp";

static void dump_line(const unsigned char *b, size_t n, unsigned long long off) {
  int width = TT.radix == 'n' ? 0 : TT.radix == 'x' ? 6 : 7;
  for (int t = 0; t < TT.ntypes; t++) {
    struct type *ty = &TT.types[t];
    if (!t) offset(off);
    else printf("%*s", width, "");
    int fields = TT.per_line / ty->size, shown = (n + ty->size - 1) / ty->size, pad_left = ty->pad;
    for (int i = fields; i > fields - shown; i--) {
      int next = ty->pad * (i - 1) / fields, w = pad_left - next + ty->width;
      pad_left = next;
      const unsigned char *p = b + (fields - i) * ty->size;
      unsigned long long v = 0;
      for (int k = ty->size - 1; k >= 0; k--) v = v << 8 | p[k];  /* little-endian, zero past the end */
      putchar(' ');
      char s[8];
      int c = *p;
      if (ty->kind == 'a') {
        c &= 127;
        if (c == 127) strcpy(s, "del");
        else if (c <= 32) { memcpy(s, names + 3 * c, 3); s[3] = 0; }
        else s[0] = c, s[1] = 0;
        printf("%*s", w, s + (*s == ' '));
      } else if (ty->kind == 'c') {
        const char *esc = c == 0 ? "\\0" : c == '\a' ? "\\a" : c == '\b' ? "\\b" : c == '\f' ? "\\f"
                        : c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : c == '\v' ? "\\v" : NULL;
        if (esc) printf("%*s", w, esc);
        else if (isprint(c)) printf("%*c", w, c);
        else printf("%*s%03o", w - 3, "", c);
      } else if (ty->kind == 'd') {
        long long sv = ty->size == 8 ? (long long)v : (long long)(v << (64 - 8 * ty->size)) >> (64 - 8 * ty->size);
        printf("%*lld", w, sv);
      } else if (ty->kind == 'u') printf("%*llu", w, v);
      else printf(ty->kind == 'o' ? "%*s%0*llo" : "%*s%0*llx", w - ty->width, "", ty->width, v);
    }
    putchar('\n');
  }
}

/* -j and -N: decimal, 0x hex or 0 octal, with an optional b k m G multiplier */
static int size_arg(const char *s, unsigned long long *v) {
  char *end;
  if (!isdigit((unsigned char)*s)) return -1;
  *v = strtoull(s, &end, 0);
  if (*end && end[1]) return -1;
  if (*end) {
    const char *m = strchr("bkKmMG", *end);
    if (!m) return -1;
    *v *= *end == 'b' ? 512 : *end == 'k' || *end == 'K' ? 1024 : *end == 'G' ? 1 << 30 : 1 << 20;
  }
  return 0;
}

int od_main(int argc, char **argv) {
  if (toy_init(argc, argv, "abcdfilosxvA:j:N:t*w?", 1)) return toys.exitval;
  TT.radix = 'o';
  if (FLAG('A')) {
    TT.radix = *OPTARG('A');
    if (!strchr("doxn", TT.radix) || OPTARG('A')[1]) return usage_error("invalid output address radix '%s'; it is not one character of [doxn]", OPTARG('A'));
  }
  if (FLAG('f')) { error_msg("floating-point types (-f) are not supported"); return 1; }
  unsigned long long skip = 0, limit = -1ULL;
  if (FLAG('j') && size_arg(OPTARG('j'), &skip)) return error_msg("invalid -j argument '%s'", OPTARG('j')), 1;
  if (FLAG('N') && size_arg(OPTARG('N'), &limit)) return error_msg("invalid -N argument '%s'", OPTARG('N')), 1;
  TT.per_line = 16;
  if (FLAG('w')) {
    long long w = 32;
    if (*OPTARG('w') && (parse_long(OPTARG('w'), &w) || w < 1 || w > 4096)) return error_msg("invalid -w argument '%s'", OPTARG('w')), 1;
    TT.per_line = w;
  }
  /* the types in command-line order: a second look at argv (toy_init has checked it) */
  for (int i = 1; i < argc && strcmp(argv[i], "--"); i++) {
    char *a = argv[i];
    if (a[0] != '-' || !a[1] || a[1] == '-') continue;
    for (int j = 1; a[j]; j++) {
      const char *o = strchr("abcdilosx", a[j]);
      if (o) { if (add_types((const char *[]){"a", "o1", "c", "u2", "d4", "d8", "o2", "d2", "x2"}[o - "abcdilosx"])) return 1; continue; }
      if (a[j] == 'w') break;
      if (!strchr("AjNt", a[j])) continue;
      char *v = a[j + 1] ? a + j + 1 : argv[++i];
      if (a[j] == 't' && add_types(v)) return toys.exitval ? toys.exitval : 1;
      break;
    }
  }
  if (!TT.ntypes) add_types("o2");
  int block = 0;
  for (int t = 0; t < TT.ntypes; t++) {
    if (TT.per_line % TT.types[t].size) return error_msg("invalid -w argument '%d'", TT.per_line), 1;
    int w = (TT.types[t].width + 1) * (TT.per_line / TT.types[t].size);
    if (w > block) block = w;
  }
  for (int t = 0; t < TT.ntypes; t++) TT.types[t].pad = block - (TT.types[t].width + 1) * (TT.per_line / TT.types[t].size);
  char *stdin_only[] = {"-", NULL};
  char **files = toys.optc ? toys.optargs : stdin_only;
  unsigned char *line = calloc(2, TT.per_line + 8), *prev = line + TT.per_line + 8;
  size_t have = 0;
  unsigned long long off = skip, left = skip;
  int star = 0, has_prev = 0, opened = 0;
  for (; *files && limit; files++) {
    FILE *f = open_input(*files);
    if (!f) continue;
    opened = 1;
    int c;
    while (limit && (c = getc(f)) != EOF) {
      if (left) { left--; continue; }
      limit--;
      line[have++] = c;
      if (have < (size_t)TT.per_line) continue;
      if (!FLAG('v') && has_prev && !memcmp(line, prev, TT.per_line)) {
        if (!star) puts("*");
        star = 1;
      } else {
        dump_line(line, TT.per_line, off);
        star = 0;
      }
      memcpy(prev, line, TT.per_line);
      has_prev = 1;
      off += TT.per_line;
      have = 0;
    }
    close_input(f);
  }
  if (left && opened) { error_msg("cannot skip past end of combined input"); free(line); return finish(); }
  if (have) { memset(line + have, 0, 8); dump_line(line, have, off); }
  off += have;
  if (TT.radix != 'n' && opened) { offset(off); putchar('\n'); }
  free(line);
  return finish();
}

#pragma clang attribute pop
