/* usage: true
 *
 * Return status 0 (successfully do nothing). */
#include <stdio.h>
#include <string.h>

int true_main(int argc, char **argv) {
  if (argc == 2 && !strcmp(argv[1], "--help")) fputs("usage: true\n\nReturn status 0 (successfully do nothing).\n", stdout);
  return 0;
}
