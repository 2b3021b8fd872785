/* usage: cat [-nbEsu] [FILE...]
 *
 * Copy each FILE (or stdin; "-" is stdin) to stdout.
 * -n	number all output lines
 * -b	number non-blank output lines
 * -E	show $ at the end of each line
 * -s	squeeze repeated blank lines
 * -u	unbuffered (ignored) */
#include "lib/lib.h"

static const char help[] =
  "usage: cat [-nbEsu] [FILE...]\n\n"
  "Copy each FILE (or stdin; \"-\" is stdin) to stdout.\n"
  "-n\tnumber all output lines\n-b\tnumber non-blank output lines\n"
  "-E\tshow $ at the end of each line\n-s\tsqueeze repeated blank lines\n-u\tunbuffered (ignored)\n";

static long line_no;
static int at_start, blanks;

static void cat_lines(FILE *f) {
  int c;
  while ((c = getc(f)) != EOF) {
    if (at_start) {
      if (c == '\n' && FLAG('s') && ++blanks > 1) continue;
      if (c != '\n') blanks = 0;
      if (FLAG('b') ? c != '\n' : FLAG('n')) printf("%6ld\t", ++line_no);
      at_start = 0;
    }
    if (c == '\n') {
      if (FLAG('E')) putchar('$');
      at_start = 1;
    }
    putchar(c);
  }
}

int cat_main(int argc, char **argv) {
  if (toy_init(argc, argv, "nbEsu", help, 1)) return toys.exitval;
  line_no = 0;
  at_start = 1;
  blanks = 0;
  char *stdin_only[] = {"-", NULL};
  char **files = toys.optc ? toys.optargs : stdin_only;
  int lines = FLAG('n') || FLAG('b') || FLAG('E') || FLAG('s');
  for (; *files; files++) {
    FILE *f = open_input(*files);
    if (!f) continue;
    errno = 0;
    if (lines) cat_lines(f);
    else {
      char buf[8192];
      size_t n;
      while ((n = fread(buf, 1, sizeof buf, f)) > 0) fwrite(buf, 1, n, stdout);
    }
    if (ferror(f)) perror_msg("%s", *files);
    close_input(f);
  }
  return finish();
}
