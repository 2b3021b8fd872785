/* usage: yes [STRING...]
 *
 * Print STRING (default y) followed by a newline over and over.
 * Stops when a write fails or after 1 MiB of output (the enclave runs
 * pipelines one stage after another). */

/* In the enclave utilities run one after another in-process, so an endless
 * writer would never let the next stage of a pipeline start: yes stops when a
 * write fails or after writing 1 MiB (524288 lines of "y"), whichever is first. */
#include "lib/lib.h"

#define YES_LIMIT (1 << 20)

int yes_main(int argc, char **argv) {
  if (toy_init(argc, argv, "", 1)) return toys.exitval;
  size_t len = 0;
  for (int i = 0; i < toys.optc; i++) len += strlen(toys.optargs[i]) + 1;
  if (!toys.optc) len = 2;
  char *line = malloc(len + 1), *o = line;
  if (!toys.optc) strcpy(line, "y\n");
  for (int i = 0; i < toys.optc; i++) o += sprintf(o, "%s%s", toys.optargs[i], i + 1 < toys.optc ? " " : "\n");
  /* fill a block with whole lines, write it until the limit */
  size_t reps = len < 4096 ? 4096 / len : 1, blen = reps * len;
  char *block = malloc(blen);
  for (size_t i = 0; i < reps; i++) memcpy(block + i * len, line, len);
  for (size_t written = 0; written < YES_LIMIT;) {
    size_t n = blen;
    if (written + n > YES_LIMIT) n = (YES_LIMIT - written) / len * len;
    if (!n) break;
    if (fwrite(block, 1, n, stdout) != n) break;
    written += n;
  }
  free(block);
  free(line);
  if (ferror(stdout)) clearerr(stdout);
  fflush(stdout);
  clearerr(stdout);
  return 0;
}
