/* usage: rev [FILE...]
 *
 * Copy each FILE (or stdin) to stdout, reversing the bytes of every line. */
#include "lib/lib.h"

#pragma clang attribute push (__attribute__((minsize)), apply_to = function)

int rev_main(int argc, char **argv) {
  if (toy_init(argc, argv, "", 1)) return toys.exitval;
  char *stdin_only[] = {"-", NULL}, **files = toys.optc ? toys.optargs : stdin_only;
  char *line = NULL;
  size_t cap = 0;
  for (; *files; files++) {
    FILE *f = open_input(*files);
    if (!f) continue;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0) {
      int nl = line[n - 1] == '\n';
      for (ssize_t i = n - nl - 1; i >= 0; i--) putchar(line[i]);
      if (nl) putchar('\n');
    }
    close_input(f);
  }
  free(line);
  return finish();
}

#pragma clang attribute pop
