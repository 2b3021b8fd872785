/* usage: rm [-frR] FILE...
 *
 * Remove each FILE.
 * -f	ignore missing files, never fail for them
 * -r	remove directories and their contents recursively (-R too) */
#include "lib/lib.h"

int rm_main(int argc, char **argv) {
  if (toy_init(argc, argv, "f(force)r(recursive)R", 1)) return toys.exitval;
  int recursive = FLAG('r') || FLAG('R');
  if (!toys.optc) return FLAG('f') ? 0 : usage_error("missing operand");
  for (char **a = toys.optargs; *a; a++) {
    const char *b = base_name(*a);
    if (!strcmp(b, ".") || !strcmp(b, "..")) {
      error_msg("refusing to remove '.' or '..' directory: skipping '%s'", *a);
      continue;
    }
    if (recursive && !strcmp(b, "/")) {
      error_msg("it is dangerous to operate recursively on '/'");
      error_msg("use --no-preserve-root to override this failsafe");
      continue;
    }
    /* the runtime resolves "" to the working directory: never remove that */
    if (!**a) { if (!FLAG('f')) error_msg("cannot remove '': No such file or directory"); continue; }
    remove_path(*a, recursive, FLAG('f'));
  }
  return finish();
}
