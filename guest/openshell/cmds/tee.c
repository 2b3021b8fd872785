/* usage: tee [-a] [FILE...]
 *
 * Copy stdin to stdout and to each FILE.
 * -a	append to the FILEs instead of overwriting them */
#include "lib/lib.h"

int tee_main(int argc, char **argv) {
  if (toy_init(argc, argv, "a(append)i", 1)) return toys.exitval;
  FILE **outs = calloc(toys.optc + 1, sizeof *outs);
  for (int i = 0; i < toys.optc; i++)
    if (!(outs[i] = (FLAG('a') ? fopen(toys.optargs[i], "a") : fopen_truncate(toys.optargs[i])))) perror_msg("%s", toys.optargs[i]);
  char buf[8192];
  size_t n;
  clearerr(stdin);
  while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
    fwrite(buf, 1, n, stdout);
    for (int i = 0; i < toys.optc; i++) if (outs[i]) fwrite(buf, 1, n, outs[i]);
  }
  for (int i = 0; i < toys.optc; i++)
    if (outs[i] && fclose(outs[i])) perror_msg("%s", toys.optargs[i]);
  free(outs);
  return finish();
}
