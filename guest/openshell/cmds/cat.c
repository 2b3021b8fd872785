/* usage: cat [-AbeEnstTuv] [FILE...]
 *
 * Copy each FILE (or stdin; "-" is stdin) to stdout.
 * -A	same as -vET
 * -b	number non-blank output lines
 * -e	same as -vE
 * -E	show $ at the end of each line
 * -n	number all output lines
 * -s	squeeze repeated blank lines
 * -t	same as -vT
 * -T	show tabs as ^I
 * -u	unbuffered (ignored)
 * -v	show control and high bytes as ^X and M-X */
#include "lib/lib.h"

GLOBALS(cat,
  long line_no;
  int at_start, blanks, show_ends, show_tabs, show_nonprinting;
);

static void put_visible(int c) {
  if (c == '\t' && TT.show_tabs) { fputs("^I", stdout); return; }
  if (!TT.show_nonprinting || c == '\t' || c == '\n') { putchar(c); return; }
  if (c >= 128) { fputs("M-", stdout); c -= 128; }
  if (c < 32) { putchar('^'); putchar(c + 64); }
  else if (c == 127) fputs("^?", stdout);
  else putchar(c);
}

static void cat_lines(FILE *f) {
  int c;
  while ((c = getc(f)) != EOF) {
    if (TT.at_start) {
      if (c == '\n' && FLAG('s') && ++TT.blanks > 1) continue;
      if (c != '\n') TT.blanks = 0;
      if (FLAG('b') ? c != '\n' : FLAG('n')) printf("%6ld\t", ++TT.line_no);
      TT.at_start = 0;
    }
    if (c == '\n') {
      if (TT.show_ends) putchar('$');
      TT.at_start = 1;
    }
    put_visible(c);
  }
}

int cat_main(int argc, char **argv) {
  if (toy_init(argc, argv, "AbeEnstTuv(show-nonprinting)", 1)) return toys.exitval;
  TT.show_ends = FLAG('E') || FLAG('A') || FLAG('e');
  TT.show_tabs = FLAG('T') || FLAG('A') || FLAG('t');
  TT.show_nonprinting = FLAG('v') || FLAG('A') || FLAG('e') || FLAG('t');
  TT.line_no = 0;
  TT.at_start = 1;
  TT.blanks = 0;
  char *stdin_only[] = {"-", NULL};
  char **files = toys.optc ? toys.optargs : stdin_only;
  int lines = FLAG('n') || FLAG('b') || FLAG('s') || TT.show_ends || TT.show_tabs || TT.show_nonprinting;
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
