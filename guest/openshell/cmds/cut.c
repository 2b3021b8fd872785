/* usage: cut -b LIST | -c LIST | -f LIST [-d DELIM] [-s] [FILE...]
 *
 * Print selected parts of each line of the FILEs (or stdin).
 * LIST is comma-separated N, N-M, N- or -M (counting from 1).
 * -b	select bytes
 * -c	select characters (bytes: the enclave uses the C locale)
 * -f	select fields
 * -d	field delimiter (default TAB)
 * -s	with -f, skip lines without a delimiter */
#include "lib/lib.h"

/* optimised for size (the module has a size budget) */
#pragma clang attribute push (__attribute__((minsize)), apply_to = function)

GLOBALS(cut,
  unsigned char *sel;
  size_t nsel, open_from; /* positions >= open_from (if nonzero) are selected */
);

static int parse_list(const char *s) {
  while (*s) {
    char *end;
    size_t lo = 1, hi;
    if (*s != '-') {
      lo = strtoul(s, &end, 10);
      if (end == s || !lo) return -1;
      s = end;
    }
    hi = lo;
    if (*s == '-') {
      s++;
      if (*s >= '0' && *s <= '9') {
        hi = strtoul(s, &end, 10);
        s = end;
        if (hi < lo) return -1;
      } else {
        if (!TT.open_from || lo < TT.open_from) TT.open_from = lo;
        hi = lo - 1;
      }
    }
    if (hi + 1 > TT.nsel) {
      TT.sel = realloc(TT.sel, hi + 1);
      memset(TT.sel + TT.nsel, 0, hi + 1 - TT.nsel);
      TT.nsel = hi + 1;
    }
    for (size_t i = lo; i <= hi; i++) TT.sel[i] = 1;
    if (*s == ',') s++;
    else if (*s) return -1;
  }
  return 0;
}

static int selected(size_t i) { return (TT.open_from && i >= TT.open_from) || (i < TT.nsel && TT.sel[i]); }

int cut_main(int argc, char **argv) {
  if (toy_init(argc, argv, "b:c:f:d:sn", 1)) return toys.exitval;
  int modes = FLAG('b') + FLAG('c') + FLAG('f');
  if (!modes) return usage_error("you must specify a list of bytes, characters, or fields");
  if (modes > 1) return usage_error("only one type of list may be specified");
  char delim = '\t';
  if (FLAG('d')) {
    if (!FLAG('f')) return usage_error("an input delimiter may be specified only when operating on fields");
    if (strlen(OPTARG('d')) > 1) return usage_error("the delimiter must be a single character");
    delim = *OPTARG('d');
  }
  const char *list = FLAG('f') ? OPTARG('f') : FLAG('b') ? OPTARG('b') : OPTARG('c');
  if (parse_list(list)) {
    free(TT.sel);
    return usage_error("invalid field range");
  }
  char *stdin_only[] = {"-", NULL};
  char **files = toys.optc ? toys.optargs : stdin_only;
  char *line = NULL;
  size_t cap = 0;
  for (; *files; files++) {
    FILE *f = open_input(*files);
    if (!f) continue;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) >= 0) {
      int nl = len && line[len - 1] == '\n';
      if (nl) len--;
      if (!FLAG('f')) {
        for (ssize_t i = 0; i < len; i++) if (selected(i + 1)) putchar(line[i]);
      } else if (!memchr(line, delim, len)) {
        if (FLAG('s')) continue;
        fwrite(line, 1, len, stdout);
      } else {
        size_t field = 1;
        int first = 1;
        ssize_t start = 0;
        for (ssize_t i = 0; i <= len; i++) {
          if (i < len && line[i] != delim) continue;
          if (selected(field)) {
            if (!first) putchar(delim);
            fwrite(line + start, 1, i - start, stdout);
            first = 0;
          }
          field++;
          start = i + 1;
        }
      }
      putchar('\n');
    }
    close_input(f);
  }
  free(line);
  free(TT.sel);
  return finish();
}

#pragma clang attribute pop
