/* usage: cp [-aprRf] SOURCE... DEST
 *
 * Copy SOURCE to DEST, or each SOURCE into the directory DEST.
 * -r	copy directories recursively (-R too); symbolic links are copied as links
 * -p	keep access and modification times (WASI keeps no modes or owners)
 * -a	-R -p
 * -f	ignored (existing files are always overwritten) */
#include "lib/lib.h"

int cp_main(int argc, char **argv) {
  if (toy_init(argc, argv, "r(recursive)Rfap", 1)) return toys.exitval;
  int rec = FLAG('r') || FLAG('R') || FLAG('a');
  int how = (rec ? COPY_RECURSIVE : 0) | (FLAG('p') || FLAG('a') ? COPY_TIMES : 0);
  int isdir = dest_operand_kind();
  if (isdir < 0) return finish();
  char *dest = toys.optargs[toys.optc - 1];
  for (int i = 0; i < toys.optc - 1; i++) {
    char *src = toys.optargs[i];
    char *to = isdir ? path_join(dest, base_name(src)) : strdup(dest);
    size_t sl = strlen(src);
    struct stat ss;
    if (rec && !stat(src, &ss) && S_ISDIR(ss.st_mode) && !strncmp(to, src, sl) && to[sl] == '/')
      error_msg("cannot copy a directory, '%s', into itself, '%s'", src, to);
    else copy_path(src, to, how);
    free(to);
  }
  return finish();
}
