/* usage: mv [-fn] SOURCE... DEST
 *
 * Rename SOURCE to DEST, or move each SOURCE into the directory DEST.
 * -f	do not prompt (the default)
 * -n	do not overwrite an existing file */
#include "lib/lib.h"
#include <stdio.h>

int mv_main(int argc, char **argv) {
  if (toy_init(argc, argv, "f(force)n(no-clobber)", 1)) return toys.exitval;
  int isdir = dest_operand_kind();
  if (isdir < 0) return finish();
  char *dest = toys.optargs[toys.optc - 1];
  struct stat st;
  for (int i = 0; i < toys.optc - 1; i++) {
    char *src = toys.optargs[i];
    char *to = isdir ? path_join(dest, base_name(src)) : strdup(dest);
    struct stat ss;
    size_t sl = strlen(src);
    if (lstat(src, &ss)) perror_msg("cannot stat '%s'", src);
    else if (!lstat(to, &st) && st.st_dev == ss.st_dev && st.st_ino == ss.st_ino && !strcmp(base_name(src), base_name(to)))
      error_msg("'%s' and '%s' are the same file", src, to);
    else if (FLAG('n') && !lstat(to, &st)) ;
    else if (S_ISDIR(ss.st_mode) && !strncmp(to, src, sl) && to[sl] == '/')
      error_msg("cannot move '%s' to a subdirectory of itself, '%s'", src, to);
    else if (rename(src, to)) {
      /* different preopened roots (EXDEV), or a symlink, which wasmer 0.16 cannot
       * rename (ENOENT): copy, then remove */
      if (errno == EXDEV || (errno == ENOENT && S_ISLNK(ss.st_mode))) {
        if (!copy_path(src, to, COPY_RECURSIVE | COPY_TIMES)) remove_path(src, 1, 0);
      } else perror_msg("cannot move '%s' to '%s'", src, to);
    } else if (S_ISREG(ss.st_mode) && !stat(to, &st) && st.st_mtim.tv_sec != ss.st_mtim.tv_sec) {
      /* wasmer 0.16's rename gives the file a new modification time */
      struct timespec t[2] = {ss.st_atim, ss.st_mtim};
      set_times(to, t);
    }
    free(to);
  }
  return finish();
}
