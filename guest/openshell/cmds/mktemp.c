/* usage: mktemp [-duq] [-p DIR] [-t] [TEMPLATE]
 *
 * Create a new file (or directory) with a unique name and print its name.
 * TEMPLATE ends in at least 3 X's (default tmp.XXXXXXXXXX in $TMPDIR or /tmp).
 * -d	make a directory
 * -u	do not create anything, only print a name (unsafe)
 * -q	no message on failure
 * -p DIR	put the name in DIR (also: --tmpdir[=DIR])
 * -t	put TEMPLATE in $TMPDIR or /tmp
 * --suffix=SUFF	append SUFF to TEMPLATE (the X's need not end it) */
#include "lib/lib.h"
#include <unistd.h>

#pragma clang attribute push (__attribute__((minsize)), apply_to = function)

int mktemp_main(int argc, char **argv) {
  if (toy_init(argc, argv, "d(directory)u(dry-run)q(quiet)p:tT?(tmpdir)@:(suffix)", 1)) return toys.exitval;
  if (toys.optc > 1) return usage_error("too many templates");
  const char *tmpl = toys.optc ? toys.optargs[0] : "tmp.XXXXXXXXXX", *dir = NULL;
  const char *env = getenv("TMPDIR");
  if (!env || !*env) env = "/tmp";
  if (FLAG('p')) dir = *OPTARG('p') ? OPTARG('p') : env;
  else if (FLAG('T')) dir = *OPTARG('T') ? OPTARG('T') : env;
  else if (FLAG('t') || !toys.optc) dir = env;
  if (dir && strchr(tmpl, '/')) { error_msg("invalid template, '%s', contains directory separator", tmpl); return 1; }
  /* as GNU: what follows the last X is a suffix, and --suffix adds to it */
  const char *base = strrchr(tmpl, '/') ? strrchr(tmpl, '/') + 1 : tmpl, *last = strrchr(base, 'X');
  const char *add = FLAG('@') ? OPTARG('@') : "";
  if (strchr(add, '/')) { error_msg("invalid suffix '%s', contains directory separator", add); return 1; }
  size_t x = 0, suffix = last ? strlen(last + 1) : 0;
  while (last && last - x >= base && last[-(long)x] == 'X') x++;
  if (x < 3) { error_msg("too few X's in template '%s%s'", tmpl, add); return 1; }  /* -q does not hide this (GNU) */
  char *joined = malloc(strlen(tmpl) + strlen(add) + 1);
  strcat(strcpy(joined, tmpl), add);
  char *path = dir ? path_join(dir, joined) : strdup(joined);
  free(joined);
  int fd = make_temp_suffix(path, suffix + strlen(add), FLAG('d'));
  if (fd < 0) {
    if (!FLAG('q')) error_msg("failed to create %s via template '%s': %s", FLAG('d') ? "directory" : "file", path, strerror(errno));
    free(path);
    return 1;
  }
  if (!FLAG('d')) close(fd);
  if (FLAG('u')) { if (FLAG('d')) rmdir(path); else unlink(path); }
  puts(path);
  free(path);
  return finish();
}

#pragma clang attribute pop
