/* usage: od [-bcdovx] [-A d|o|x|n] [FILE...]
 *
 * Dump the bytes of the FILEs (or stdin), 16 per line; repeated lines show as *.
 * -c	characters: printable ones, C escapes, or 3-digit octal
 * -b	octal bytes
 * -o	octal 2-byte words (the default)
 * -d	unsigned decimal 2-byte words
 * -x	hexadecimal 2-byte words
 * -A	offset radix: d decimal, o octal (default), x hex, n none
 * -v	do not replace repeated lines by * */
#include "lib/lib.h"
#include <ctype.h>

/* rarely hot: optimised for size (the module has a size budget) */
#pragma clang attribute push (__attribute__((minsize)), apply_to = function)

static const char help[] =
  "usage: od [-bcdovx] [-A d|o|x|n] [FILE...]\n\n"
  "Dump the bytes of the FILEs (or stdin), 16 per line; repeated lines show as *.\n"
  "-c\tcharacters: printable ones, C escapes, or 3-digit octal\n-b\toctal bytes\n"
  "-o\toctal 2-byte words (the default)\n-d\tunsigned decimal 2-byte words\n"
  "-x\thexadecimal 2-byte words\n-A\toffset radix: d decimal, o octal (default), x hex, n none\n"
  "-v\tdo not replace repeated lines by *\n";

static char radix;

static void offset(unsigned long long off) {
  if (radix == 'o') printf("%07llo", off);
  else if (radix == 'd') printf("%07llu", off);
  else if (radix == 'x') printf("%06llx", off);
}

static void dump_line(const unsigned char *b, size_t n, const char *types, unsigned long long off) {
  int width = radix == 'n' ? 0 : radix == 'x' ? 6 : 7;
  for (const char *t = types; *t; t++) {
    if (t == types) offset(off);
    else printf("%*s", width, "");
    if (*t == 'c') {
      for (size_t i = 0; i < n; i++) {
        int c = b[i];
        const char *esc = c == 0 ? "\\0" : c == '\a' ? "\\a" : c == '\b' ? "\\b" : c == '\f' ? "\\f"
                        : c == '\n' ? "\\n" : c == '\r' ? "\\r" : c == '\t' ? "\\t" : c == '\v' ? "\\v" : NULL;
        if (esc) printf("  %s", esc);
        else if (isprint(c)) printf("   %c", c);
        else printf(" %03o", c);
      }
    } else if (*t == 'b') {
      for (size_t i = 0; i < n; i++) printf(" %03o", b[i]);
    } else {
      for (size_t i = 0; i < n; i += 2) {
        unsigned v = b[i] | (i + 1 < n ? b[i + 1] << 8 : 0);
        if (*t == 'o') printf(" %06o", v);
        else if (*t == 'd') printf(" %5u", v);
        else printf(" %04x", v);
      }
    }
    putchar('\n');
  }
}

int od_main(int argc, char **argv) {
  if (toy_init(argc, argv, "bcdoxvA:", help, 1)) return toys.exitval;
  radix = 'o';
  if (FLAG('A')) {
    radix = *OPTARG('A');
    if (!strchr("doxn", radix) || OPTARG('A')[1]) return usage_error("invalid output address radix '%s'; it is not one character of [doxn]", OPTARG('A'));
  }
  char types[8], *tp = types;
  for (const char *o = "cbdox"; *o; o++) if (FLAG(*o)) *tp++ = *o;  /* not GNU's argument order */
  if (tp == types) *tp++ = 'o';
  *tp = 0;
  char *stdin_only[] = {"-", NULL};
  char **files = toys.optc ? toys.optargs : stdin_only;
  unsigned char line[16], prev[16];
  size_t have = 0;
  unsigned long long off = 0;
  int star = 0, has_prev = 0, opened = 0;
  for (; *files; files++) {
    FILE *f = open_input(*files);
    if (!f) continue;
    opened = 1;
    int c;
    while ((c = getc(f)) != EOF) {
      line[have++] = c;
      if (have < 16) continue;
      if (!FLAG('v') && has_prev && !memcmp(line, prev, 16)) {
        if (!star) puts("*");
        star = 1;
      } else {
        dump_line(line, 16, types, off);
        star = 0;
      }
      memcpy(prev, line, 16);
      has_prev = 1;
      off += 16;
      have = 0;
    }
    close_input(f);
  }
  if (have) dump_line(line, have, types, off);
  off += have;
  if (radix != 'n' && opened) { offset(off); putchar('\n'); }
  return finish();
}

#pragma clang attribute pop
