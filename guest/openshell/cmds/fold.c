/* usage: fold [-bs] [-w WIDTH] [FILE...]
 *
 * Wrap each input line to fit in WIDTH columns (default 80).
 * -b	count bytes rather than columns
 * -s	break at the last blank within the width
 * -w N	use N columns */
#include "lib/lib.h"

#pragma clang attribute push (__attribute__((minsize)), apply_to = function)

static size_t column_after(size_t col, int c) {
  if (FLAG('b')) return col + 1;
  if (c == '\b') return col ? col - 1 : 0;
  if (c == '\r') return 0;
  if (c == '\t') return col + 8 - col % 8;
  return col + 1;
}

int fold_main(int argc, char **argv) {
  if (toy_init(argc, argv, "~bsw:", 1)) return toys.exitval;
  long long width = 80;
  if (FLAG('w') && (parse_long(OPTARG('w'), &width) || width < 1)) { error_msg("invalid number of columns: '%s'", OPTARG('w')); return 1; }
  char *stdin_only[] = {"-", NULL}, **files = toys.optc ? toys.optargs : stdin_only;
  char *buf = malloc(width + 2);
  for (; *files; files++) {
    FILE *f = open_input(*files);
    if (!f) continue;
    size_t col = 0, used = 0;
    int c;
    while ((c = getc(f)) != EOF) {
      if (c == '\n') { fwrite(buf, 1, used, stdout); putchar('\n'); col = used = 0; continue; }
      for (;;) {
        size_t next = column_after(col, c);
        if (next <= (size_t)width) { col = next; break; }
        if (FLAG('s')) {
          size_t blank = used;
          while (blank && buf[blank - 1] != ' ' && buf[blank - 1] != '\t') blank--;
          if (blank) {
            fwrite(buf, 1, blank, stdout);
            putchar('\n');
            memmove(buf, buf + blank, used - blank);
            used -= blank;
            col = 0;
            for (size_t i = 0; i < used; i++) col = column_after(col, (unsigned char)buf[i]);
            continue;
          }
        }
        if (!used) { col = next; break; }
        fwrite(buf, 1, used, stdout);
        putchar('\n');
        col = used = 0;
      }
      buf[used++] = c;
    }
    fwrite(buf, 1, used, stdout);
    close_input(f);
  }
  free(buf);
  return finish();
}

#pragma clang attribute pop
