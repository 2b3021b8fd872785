/* usage: fgrep [OPTION]... PATTERN [FILE]...
 *
 * The same as grep -F (see grep --help). */
#include "lib/lib.h"

int fgrep_main(int argc, char **argv) {
  char **av = malloc((argc + 2) * sizeof *av);
  av[0] = "grep";
  av[1] = "-F";
  for (int i = 1; i <= argc; i++) av[i + 1] = argv[i];
  int status = run_command(argc + 1, av);
  free(av);
  return status;
}
