/* usage: false
 *
 * Return status 1 (unsuccessfully do nothing). */
#include "lib/lib.h"

int false_main(int argc, char **argv) {
  if (argc == 2 && !strcmp(argv[1], "--help")) show_help();
  return 1;
}
