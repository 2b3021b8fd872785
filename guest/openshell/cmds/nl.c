/* usage: nl [-b STYLE] [-n FORMAT] [-w WIDTH] [-s SEP] [-v START] [-i INCR] [FILE...]
 *
 * Number the lines of each FILE (or stdin); the numbering runs on across files.
 * -b STYLE	a: all lines, t: non-empty lines (default), n: none, pBRE: lines matching BRE
 * -n FORMAT	ln (left), rn (right, default) or rz (right, zero-padded)
 * -w WIDTH	number width (6)
 * -s SEP	text after the number (a tab)
 * -v START	first number (1)
 * -i INCR	increment (1)
 * Logical page sections (\:\:\: lines) are not supported. */
#include "lib/lib.h"
#include <regex.h>

#pragma clang attribute push (__attribute__((minsize)), apply_to = function)

int nl_main(int argc, char **argv) {
  if (toy_init(argc, argv, "b:n:w:s:v:i:", 1)) return toys.exitval;
  const char *style = FLAG('b') ? OPTARG('b') : "t", *fmt = FLAG('n') ? OPTARG('n') : "rn";
  const char *sep = FLAG('s') ? OPTARG('s') : "\t";
  long long width = 6, num = 1, incr = 1;
  if (FLAG('w') && (parse_long(OPTARG('w'), &width) || width < 1)) { error_msg("invalid line number field width: '%s'", OPTARG('w')); return 1; }
  if (FLAG('v') && parse_long(OPTARG('v'), &num)) { error_msg("invalid starting line number: '%s'", OPTARG('v')); return 1; }
  if (FLAG('i') && parse_long(OPTARG('i'), &incr)) { error_msg("invalid line number increment: '%s'", OPTARG('i')); return 1; }
  if (strcmp(fmt, "ln") && strcmp(fmt, "rn") && strcmp(fmt, "rz")) { error_msg("invalid line numbering format: '%s'", fmt); return 1; }
  regex_t re;
  if (style[0] == 'p') {
    if (regcomp(&re, style + 1, REG_NOSUB)) { error_msg("invalid regular expression '%s'", style + 1); return 1; }
  } else if (strcmp(style, "a") && strcmp(style, "t") && strcmp(style, "n")) { error_msg("invalid line numbering style: '%s'", style); return 1; }
  char *stdin_only[] = {"-", NULL}, **files = toys.optc ? toys.optargs : stdin_only;
  char *line = NULL;
  size_t cap = 0;
  for (; *files; files++) {
    FILE *f = open_input(*files);
    if (!f) continue;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0) {
      int nl = line[n - 1] == '\n';
      if (nl) line[n - 1] = 0;
      int numbered = style[0] == 'a' || (style[0] == 't' && line[0]) || (style[0] == 'p' && !regexec(&re, line, 0, NULL, 0));
      if (numbered) {
        printf(fmt[0] == 'l' ? "%-*lld%s" : fmt[1] == 'z' ? "%0*lld%s" : "%*lld%s", (int)width, num, sep);
        num += incr;
      } else printf("%*s", (int)(width + strlen(sep)), "");
      fputs(line, stdout);
      if (nl) putchar('\n');
    }
    close_input(f);
  }
  free(line);
  if (style[0] == 'p') regfree(&re);
  return finish();
}

#pragma clang attribute pop
