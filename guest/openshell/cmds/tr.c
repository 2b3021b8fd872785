/* usage: tr [-cdst] SET1 [SET2]
 *
 * Translate, squeeze or delete bytes from stdin to stdout.
 * SETs take ranges (a-z), escapes (\n \t \\ \NNN) and classes ([:alpha:] [:digit:]
 * [:alnum:] [:upper:] [:lower:] [:space:] [:blank:] [:punct:] [:print:] [:graph:]
 * [:cntrl:] [:xdigit:]), [=c=], and in SET2 [c*N] (N copies) and [c*] (as many as SET1
 * needs); SET2 is padded with its last byte.
 * -c	use the complement of SET1 (-C too)
 * -d	delete bytes in SET1
 * -s	squeeze repeats of bytes in the last SET into one
 * -t	truncate SET1 to the length of SET2 */
#include "lib/lib.h"
#include <ctype.h>

/* optimised for size (the module has a size budget) */
#pragma clang attribute push (__attribute__((minsize)), apply_to = function)

static const struct { const char *name; int (*fn)(int); } classes[] = {
  {"alpha", isalpha}, {"digit", isdigit}, {"alnum", isalnum}, {"upper", isupper},
  {"lower", islower}, {"space", isspace}, {"blank", isblank}, {"punct", ispunct},
  {"print", isprint}, {"graph", isgraph}, {"cntrl", iscntrl}, {"xdigit", isxdigit},
};

/* Expand SET into out (at most 4096 bytes); returns its length or -1. want > 0: this is
 * SET2 and SET1 has that many bytes, so [c*] fills up to it (want -1: SET1, no repeats). */
static int expand(const char *s, unsigned char *out, int want) {
  int n = 0, fill = -1, fillc = 0;
  while (*s && n < 4000) {
    if (s[0] == '[' && s[1] == '=' && s[2] && s[3] == '=' && s[4] == ']') { out[n++] = s[2]; s += 5; continue; }
    if (s[0] == '[' && s[1] && s[2] == '*') {
      const char *q = s + 3;
      char *e;
      long k = strtol(q, &e, *q == '0' ? 8 : 10);
      if (*e == ']' && (e == q || isdigit((unsigned char)*q))) {
        if (want < 0) { error_msg("the [c*] repeat construct may not appear in string1"); return -1; }
        if (e == q || !k) { if (fill >= 0) { error_msg("only one [c*] repeat construct may appear in string2"); return -1; } fill = n; fillc = s[1]; }
        else for (; k > 0 && n < 4000; k--) out[n++] = s[1];
        s = e + 1;
        continue;
      }
    }
    if (s[0] == '[' && s[1] == ':') {
      const char *e = strstr(s + 2, ":]");
      size_t l = e ? (size_t)(e - s - 2) : 0;
      size_t k;
      for (k = 0; e && k < sizeof classes / sizeof *classes; k++)
        if (strlen(classes[k].name) == l && !strncmp(classes[k].name, s + 2, l)) break;
      if (e && k < sizeof classes / sizeof *classes) {
        for (int c = 0; c < 256; c++) if (classes[k].fn(c)) out[n++] = c;
        s = e + 2;
        continue;
      }
      if (e) { error_msg("invalid character class '%.*s'", (int)l, s + 2); return -1; }
    }
    int c = (unsigned char)*s++;
    if (c == '\\' && *s) c = unescape_char(&s);
    if (*s == '-' && s[1]) {
      s++;
      int hi = (unsigned char)*s++;
      if (hi == '\\' && *s) hi = unescape_char(&s);
      if (hi < c) {
        error_msg("range-endpoints of '%c-%c' are in reverse collating sequence order", c, hi);
        return -1;
      }
      for (; c <= hi; c++) out[n++] = c;
      continue;
    }
    out[n++] = c;
  }
  if (fill >= 0 && n < want) {
    memmove(out + fill + want - n, out + fill, n - fill);
    memset(out + fill, fillc, want - n);
    n = want;
  }
  return n;
}

int tr_main(int argc, char **argv) {
  if (toy_init(argc, argv, "cCdst", 1)) return toys.exitval;
  int comp = FLAG('c') || FLAG('C');
  int need = (FLAG('d') == FLAG('s')) ? 2 : 1, max = FLAG('d') && !FLAG('s') ? 1 : 2;
  if (toys.optc < 1) return usage_error("missing operand");
  if (toys.optc < need) {
    error_msg("missing operand after '%s'", toys.optargs[0]);
    fprintf(stderr, "Two strings must be given when %s.\n", FLAG('d') ? "both deleting and squeezing repeats" : "translating");
    fprintf(stderr, "Try 'tr --help' for more information.\n");
    return 1;
  }
  if (toys.optc > max) return usage_error("extra operand '%s'", toys.optargs[max]);
  unsigned char s1[4096], s2[4096], map[256], in1[256] = {0}, sq[256] = {0};
  int n1 = expand(toys.optargs[0], s1, -1), n2 = 0;
  if (n1 < 0) return 1;
  for (int i = 0; i < n1; i++) in1[s1[i]] = 1;
  if (comp) {
    n1 = 0;
    for (int c = 0; c < 256; c++) if (!in1[c]) s1[n1++] = c;
    memset(in1, 0, sizeof in1);
    for (int i = 0; i < n1; i++) in1[s1[i]] = 1;
  }
  if (toys.optc > 1 && (n2 = expand(toys.optargs[1], s2, n1 < 4000 ? n1 : 4000)) < 0) return 1;
  if (FLAG('t') && n2 < n1) n1 = n2;
  for (int c = 0; c < 256; c++) map[c] = c;
  int translate = !FLAG('d') && toys.optc > 1;
  if (translate) {
    if (!n2) { error_msg("when not truncating set1, string2 must be non-empty"); return 1; }
    for (int i = 0; i < n1; i++) map[s1[i]] = s2[i < n2 ? i : n2 - 1];
  }
  if (FLAG('s')) {
    if (toys.optc > 1) for (int i = 0; i < n2; i++) sq[s2[i]] = 1;
    else for (int i = 0; i < n1; i++) sq[s1[i]] = 1;
  }
  int last = -1, c;
  clearerr(stdin);
  while ((c = getchar()) != EOF) {
    if (FLAG('d') && in1[c]) continue;
    c = map[c];
    if (FLAG('s') && sq[c] && c == last) continue;
    last = c;
    putchar(c);
  }
  return finish();
}

#pragma clang attribute pop
