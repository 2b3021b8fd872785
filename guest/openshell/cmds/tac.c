/* usage: tac [FILE...]
 *
 * Copy each FILE (or stdin) to stdout, last line first. */
#include "lib/lib.h"

#pragma clang attribute push (__attribute__((minsize)), apply_to = function)

int tac_main(int argc, char **argv) {
  if (toy_init(argc, argv, "", 1)) return toys.exitval;
  char *stdin_only[] = {"-", NULL}, **files = toys.optc ? toys.optargs : stdin_only;
  for (; *files; files++) {
    FILE *f = open_input(*files);
    if (!f) continue;
    size_t len;
    char *data = read_all(f, &len);
    close_input(f);
    if (!data) { perror_msg("%s", *files); continue; }
    /* each line keeps its own newline: a last line without one runs into the one before, as in GNU */
    size_t end = len;
    while (end) {
      size_t start = end - 1;
      while (start && data[start - 1] != '\n') start--;
      fwrite(data + start, 1, end - start, stdout);
      end = start;
    }
    free(data);
  }
  return finish();
}

#pragma clang attribute pop
