/* usage: basename NAME [SUFFIX] | basename -a [-s SUFFIX] NAME...
 *
 * Print NAME without its leading directories (and without SUFFIX).
 * -a	accept several NAMEs
 * -s	remove SUFFIX (implies -a) */
#include "lib/lib.h"

static void show(const char *name, const char *suffix) {
  const char *b = base_name(name);
  size_t bl = strlen(b), sl = suffix ? strlen(suffix) : 0;
  if (sl && sl < bl && !strcmp(b + bl - sl, suffix) && strcmp(b, "/")) bl -= sl;
  printf("%.*s\n", (int)bl, b);
}

int basename_main(int argc, char **argv) {
  if (toy_init(argc, argv, "as:", 1)) return toys.exitval;
  if (!toys.optc) return usage_error("missing operand");
  if (FLAG('a') || FLAG('s')) {
    for (char **a = toys.optargs; *a; a++) show(*a, OPTARG('s'));
  } else {
    if (toys.optc > 2) return usage_error("extra operand '%s'", toys.optargs[2]);
    show(toys.optargs[0], toys.optargs[1]);
  }
  return finish();
}
