/* usage: true
 *
 * Return status 0 (successfully do nothing). */
#include "lib/lib.h"

int true_main(int argc, char **argv) {
  if (argc == 2 && !strcmp(argv[1], "--help")) show_help();
  return 0;
}
