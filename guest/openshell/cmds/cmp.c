/* usage: cmp [-bls] [-i SKIP1[:SKIP2]] [-n LIMIT] FILE1 [FILE2 [SKIP1 [SKIP2]]]
 *
 * Compare two files ("-" or a missing FILE2: stdin) byte by byte. Status 0 if they
 * are the same, 1 if they differ, 2 on trouble.
 * -b	print the differing bytes too
 * -l	list every differing byte: offset and both values in octal
 * -s	print nothing, only the status (--quiet, --silent)
 * -i	skip SKIP bytes of both files (SKIP1:SKIP2 for each)
 * -n	compare at most LIMIT bytes */
#include "lib/lib.h"
#include <limits.h>

#pragma clang attribute push (__attribute__((minsize)), apply_to = function)

static char *show(int c, char *buf) {  /* GNU's M-^X notation */
  char *p = buf;
  if (c >= 128) *p++ = 'M', *p++ = '-', c -= 128;
  if (c < 32 || c == 127) *p++ = '^', c = c == 127 ? '?' : c + 64;
  *p++ = c;
  *p = 0;
  return buf;
}

static int skip_value(const char *s, long long *v, const char *opt) {
  if (parse_long(s, v) || *v < 0) return usage_error("invalid --%s value '%s'", opt, s), -1;
  return 0;
}

int cmp_main(int argc, char **argv) {
  if (toy_init(argc, argv, "bls(quiet)(silent)i:(ignore-initial)n:(bytes)[!ls]", 2)) return toys.exitval;
  if (!toys.optc) return usage_error("missing operand after 'cmp'");
  if (toys.optc > 4) return usage_error("extra operand '%s'", toys.optargs[4]);
  long long skip[2] = {0, 0}, limit = LLONG_MAX;
  char *i = OPTARG('i');
  if (i) {
    char *colon = strchr(i, ':');
    if (colon) *colon = 0;
    if (skip_value(i, &skip[0], "ignore-initial") || skip_value(colon ? colon + 1 : i, &skip[1], "ignore-initial")) return 2;
    if (colon) *colon = ':';
  }
  for (int k = 2; k < toys.optc; k++) if (skip_value(toys.optargs[k], &skip[k - 2], "ignore-initial")) return 2;
  if (OPTARG('n') && skip_value(OPTARG('n'), &limit, "bytes")) return 2;
  const char *name[2] = {toys.optargs[0], toys.optc > 1 ? toys.optargs[1] : "-"};
  FILE *f[2];
  long long size = -1;
  for (int k = 0; k < 2; k++) {
    struct stat st;
    if (!(f[k] = open_input(name[k]))) { if (k) close_input(f[0]); return 2; }
    if (!fstat(fileno(f[k]), &st) && S_ISREG(st.st_mode) && !(f[k] == stdin && stdin_is_pipe()))
      if (size < 0 || st.st_size - skip[k] < size) size = st.st_size - skip[k];
    for (long long s = skip[k]; s > 0 && getc(f[k]) != EOF; s--) {}
  }
  int width = 1, status = 0;
  for (long long m = size < 0 ? LLONG_MAX : size; m >= 10; m /= 10) width++;
  long long byte = 0, line = 1;
  int last = '\n';
  char b0[8], b1[8];
  while (byte < limit) {
    int c0 = getc(f[0]), c1 = getc(f[1]);
    if (c0 == EOF || c1 == EOF) {
      if (c0 == c1) break;
      status = 1;
      if (FLAG('s')) break;
      fflush(stdout);
      const char *who = name[c0 == EOF ? 0 : 1];
      if (!byte) fprintf(stderr, "cmp: EOF on %s which is empty\n", who);
      else if (FLAG('l')) fprintf(stderr, "cmp: EOF on %s after byte %lld\n", who, byte);
      else fprintf(stderr, "cmp: EOF on %s after byte %lld, %sline %lld\n", who, byte, last == '\n' ? "" : "in ", line - (last == '\n'));
      break;
    }
    byte++;
    if (c0 != c1) {
      status = 1;
      if (FLAG('s')) break;
      if (!FLAG('l')) {
        printf("%s %s differ: %s %lld, line %lld", name[0], name[1], FLAG('b') ? "byte" : "char", byte, line);
        if (FLAG('b')) printf(" is %3o %s %3o %s", c0, show(c0, b0), c1, show(c1, b1));
        putchar('\n');
        break;
      }
      if (FLAG('b')) printf("%*lld %3o %-4s %3o %s\n", width, byte, c0, show(c0, b0), c1, show(c1, b1));
      else printf("%*lld %3o %3o\n", width, byte, c0, c1);
    }
    if (c0 == '\n') line++;
    last = c0;
  }
  close_input(f[0]);
  close_input(f[1]);
  toys.exitval = status;
  return finish();
}

#pragma clang attribute pop
