/* usage: false
 *
 * Return status 1 (unsuccessfully do nothing). */
#include <stdio.h>
#include <string.h>

int false_main(int argc, char **argv) {
  if (argc == 2 && !strcmp(argv[1], "--help")) fputs("usage: false\n\nReturn status 1 (unsuccessfully do nothing).\n", stdout);
  return 1;
}
