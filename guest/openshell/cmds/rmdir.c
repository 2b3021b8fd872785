/* usage: rmdir [-p] DIR...
 *
 * Remove each empty DIR.
 * -p	also remove each parent directory named in DIR */
#include "lib/lib.h"
#include <unistd.h>

int rmdir_main(int argc, char **argv) {
  if (toy_init(argc, argv, "p(parents)", 1)) return toys.exitval;
  if (!toys.optc) return usage_error("missing operand");
  for (char **a = toys.optargs; *a; a++) {
    char *path = strdup(*a);
    for (;;) {
      if (rmdir(path)) { perror_msg("failed to remove '%s'", path); break; }
      if (!FLAG('p')) break;
      char *s = path + strlen(path);
      while (s > path && s[-1] == '/') *--s = 0;
      while (s > path && s[-1] != '/') s--;
      while (s > path && s[-1] == '/') s--;
      if (s == path) break;
      *s = 0;
    }
    free(path);
  }
  return finish();
}
