/* usage: echo [-neE] [STRING...]
 *
 * Write each STRING separated by spaces, then a newline (GNU /bin/echo).
 * -n	no trailing newline
 * -e	interpret backslash escapes (\n \t \\ \0NNN \c ...)
 * -E	do not interpret escapes (default) */
#include "lib/lib.h"
#include <ctype.h>

int echo_main(int argc, char **argv) {
  int nl = 1, esc = 0, i = 1;
  toys.name = "echo";
  toys.exitval = 0;
  if (argc == 2 && !strcmp(argv[1], "--help")) { show_help(); return finish(); }
  /* GNU echo: leading arguments made only of n, e, E letters are options */
  for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
    const char *p = argv[i] + 1;
    if (strspn(p, "neE") != strlen(p)) break;
    for (; *p; p++) {
      if (*p == 'n') nl = 0;
      else if (*p == 'e') esc = 1;
      else esc = 0;
    }
  }
  for (int first = 1; i < argc; i++, first = 0) {
    if (!first) putchar(' ');
    const char *s = argv[i];
    if (!esc) { fputs(s, stdout); continue; }
    while (*s) {
      if (*s != '\\' || !s[1]) { putchar(*s++); continue; }
      s++;
      if (*s == 'c') return finish();
      if (*s == 'x' && isxdigit((unsigned char)s[1])) {
        int v = 0;
        for (int k = 0; k < 2 && isxdigit((unsigned char)s[1]); k++) {
          s++;
          v = v * 16 + (isdigit((unsigned char)*s) ? *s - '0' : (*s | 32) - 'a' + 10);
        }
        s++;
        putchar(v);
        continue;
      }
      if (*s == '0') { /* \0NNN: up to three octal digits after the 0 */
        int v = 0;
        s++;
        for (int k = 0; k < 3 && *s >= '0' && *s <= '7'; k++) v = v * 8 + *s++ - '0';
        putchar(v);
        continue;
      }
      if (strchr("abfnrtv\\e", *s)) {
        if (*s == 'e') { putchar(033); s++; }
        else if (*s == '\\') { putchar('\\'); s++; }
        else putchar(unescape_char(&s));
        continue;
      }
      putchar('\\');
    }
  }
  if (nl) putchar('\n');
  return finish();
}
