/* usage: ln [-sfn] TARGET [LINK] | ln [-sfn] TARGET... DIR
 *
 * Create a link named LINK (or DIR/basename, or ./basename) to TARGET.
 * -s	make symbolic links instead of hard links
 * -f	remove existing destination files
 * -n	treat LINK as a file even if it is a symbolic link to a directory */
#include "lib/lib.h"
#include <unistd.h>

int ln_main(int argc, char **argv) {
  if (toy_init(argc, argv, "s(symbolic)f(force)n", 1)) return toys.exitval;
  if (!toys.optc) return usage_error("missing file operand");
  char *dest = toys.optc == 1 ? "." : toys.optargs[toys.optc - 1];
  int nsrc = toys.optc == 1 ? 1 : toys.optc - 1;
  struct stat st;
  int isdir = (FLAG('n') ? !lstat(dest, &st) : !stat(dest, &st)) && S_ISDIR(st.st_mode);
  if (nsrc > 1 && !isdir) {
    if (!stat(dest, &st)) error_msg("target '%s' is not a directory", dest);
    else perror_msg("target '%s'", dest);
    return finish();
  }
  for (int i = 0; i < nsrc; i++) {
    char *src = toys.optargs[i];
    char *to = isdir ? path_join(dest, base_name(src)) : strdup(dest);
    if (FLAG('f')) unlink(to);
    if (FLAG('s') ? symlink(src, to) : link(src, to)) {
      if (FLAG('s')) perror_msg("failed to create symbolic link '%s'", to);
      else perror_msg("failed to create hard link '%s' => '%s'", to, src);
    }
    free(to);
  }
  return finish();
}
