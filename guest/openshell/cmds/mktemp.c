/* usage: mktemp [-duq] [-p DIR] [-t] [TEMPLATE]
 *
 * Create a new file (or directory) with a unique name and print its name.
 * TEMPLATE ends in at least 3 X's (default tmp.XXXXXXXXXX in $TMPDIR or /tmp).
 * -d	make a directory
 * -u	do not create anything, only print a name (unsafe)
 * -q	no message on failure
 * -p DIR	put the name in DIR (also: --tmpdir[=DIR])
 * -t	put TEMPLATE in $TMPDIR or /tmp */
#include "lib/lib.h"
#include <unistd.h>

#pragma clang attribute push (__attribute__((minsize)), apply_to = function)

static const char help[] =
  "usage: mktemp [-duq] [-p DIR] [-t] [TEMPLATE]\n\n"
  "Create a new file (or directory) with a unique name and print its name.\n"
  "TEMPLATE ends in at least 3 X's (default tmp.XXXXXXXXXX in $TMPDIR or /tmp).\n"
  "-d\tmake a directory\n-u\tdo not create anything, only print a name (unsafe)\n-q\tno message on failure\n"
  "-p DIR\tput the name in DIR (also: --tmpdir[=DIR])\n-t\tput TEMPLATE in $TMPDIR or /tmp\n";

int mktemp_main(int argc, char **argv) {
  if (toy_init(argc, argv, "duqp:tT?(tmpdir)(directory)(dry-run)(quiet)", help, 1)) return toys.exitval;
  if (toys.optc > 1) return usage_error("too many templates");
  const char *tmpl = toys.optc ? toys.optargs[0] : "tmp.XXXXXXXXXX", *dir = NULL;
  const char *env = getenv("TMPDIR");
  if (!env || !*env) env = "/tmp";
  if (FLAG('p')) dir = *OPTARG('p') ? OPTARG('p') : env;
  else if (FLAG('T')) dir = *OPTARG('T') ? OPTARG('T') : env;
  else if (FLAG('t') || !toys.optc) dir = env;
  if (dir && strchr(tmpl, '/')) { error_msg("invalid template, '%s', contains directory separator", tmpl); return 1; }
  size_t len = strlen(tmpl), x = 0;
  while (x < len && tmpl[len - 1 - x] == 'X') x++;
  if (x < 3) { if (!FLAG('q')) error_msg("too few X's in template '%s'", tmpl); return 1; }
  char *path = dir ? path_join(dir, tmpl) : strdup(tmpl);
  int fd = make_temp(path, FLAG('d'));
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
