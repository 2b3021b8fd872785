/* usage: dirname NAME...
 *
 * Print each NAME without its last component ("." when there is no slash). */
#include "lib/lib.h"

int dirname_main(int argc, char **argv) {
  if (toy_init(argc, argv, "", 1)) return toys.exitval;
  if (!toys.optc) return usage_error("missing operand");
  for (char **a = toys.optargs; *a; a++) {
    const char *s = *a;
    size_t len = strlen(s);
    while (len > 1 && s[len - 1] == '/') len--;        /* trailing slashes */
    while (len && s[len - 1] != '/') len--;             /* last component */
    if (!len) { puts("."); continue; }
    while (len > 1 && s[len - 1] == '/') len--;        /* slashes before it */
    printf("%.*s\n", (int)len, s);
  }
  return finish();
}
