/* usage: comm [-123] [--output-delimiter=STR] FILE1 FILE2
 *
 * Compare two sorted files: lines only in FILE1, only in FILE2, and in both,
 * in three tab-indented columns (--output-delimiter: STR instead of the tab).
 * -1	hide lines only in FILE1
 * -2	hide lines only in FILE2
 * -3	hide lines in both
 * Input order is not checked. */
#include "lib/lib.h"

#pragma clang attribute push (__attribute__((minsize)), apply_to = function)

static void show(int col, const char *line) {
  if ((col == 1 && FLAG('1')) || (col == 2 && FLAG('2')) || (col == 3 && FLAG('3'))) return;
  for (int c = 1; c < col; c++) if (!(c == 1 && FLAG('1')) && !(c == 2 && FLAG('2'))) fputs(FLAG('@') ? OPTARG('@') : "\t", stdout);
  puts(line);
}
static int next(FILE *f, char **line, size_t *cap) {
  ssize_t n = getline(line, cap, f);
  if (n <= 0) return 0;
  if ((*line)[n - 1] == '\n') (*line)[n - 1] = 0;
  return 1;
}

int comm_main(int argc, char **argv) {
  if (toy_init(argc, argv, "123@:(output-delimiter)", 1)) return toys.exitval;
  if (toys.optc != 2) return toys.optc < 2 ? usage_error("missing operand") : usage_error("extra operand '%s'", toys.optargs[2]);
  FILE *a = open_input(toys.optargs[0]), *b = a ? open_input(toys.optargs[1]) : NULL;
  if (!a || !b) { if (a) close_input(a); return finish(); }
  char *la = NULL, *lb = NULL;
  size_t ca = 0, cb = 0;
  int ha = next(a, &la, &ca), hb = next(b, &lb, &cb);
  while (ha || hb) {
    int c = !ha ? 1 : !hb ? -1 : strcmp(la, lb);
    if (c < 0) { show(1, la); ha = next(a, &la, &ca); }
    else if (c > 0) { show(2, lb); hb = next(b, &lb, &cb); }
    else { show(3, la); ha = next(a, &la, &ca); hb = next(b, &lb, &cb); }
  }
  free(la);
  free(lb);
  close_input(a);
  close_input(b);
  return finish();
}

#pragma clang attribute pop
