/* usage: printenv [NAME...]
 *
 * Print the whole environment, or the value of each NAME (status 1 if one is unset). */
#include "lib/lib.h"

extern char **environ;

int printenv_main(int argc, char **argv) {
  if (toy_init(argc, argv, "0", 2)) return toys.exitval;
  char end = FLAG('0') ? 0 : '\n';
  if (!toys.optc) for (char **e = environ; e && *e; e++) { fputs(*e, stdout); putchar(end); }
  for (char **a = toys.optargs; *a; a++) {
    const char *v = strchr(*a, '=') ? NULL : getenv(*a);
    if (v) { fputs(v, stdout); putchar(end); }
    else toys.exitval = 1;
  }
  return finish();
}
