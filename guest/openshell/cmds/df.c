/* usage: df [-hkPT] [FILE...]
 *
 * Show file system space. WASI cannot report sizes, so df shows the
 * enclave's single file system ("enclave", mounted on /) with unknown (-) sizes.
 * -h	human-readable sizes (same output here)
 * -k	1 KiB blocks (the default)
 * -P	POSIX output format
 * -T	show the file system type */
#include "lib/lib.h"

int df_main(int argc, char **argv) {
  if (toy_init(argc, argv, "hkPTa", 1)) return toys.exitval;
  for (char **a = toys.optargs; *a; a++) {
    struct stat st;
    if (stat(*a, &st)) perror_msg("%s", *a);
  }
  if (toys.optc && toys.exitval) return finish();
  const char *size = FLAG('h') ? "Size" : FLAG('P') ? "1024-blocks" : "1K-blocks";
  printf("Filesystem    %s%*s  Used Avail%s Use%% Mounted on\n", FLAG('T') ? " Type " : "",
         FLAG('h') ? 5 : 10 - (int)strlen(size) + (int)strlen(size), size, FLAG('h') ? "" : "able");
  printf("enclave       %s%*s %5s %5s%s %4s /\n", FLAG('T') ? " wasi " : "", FLAG('h') ? 5 : 10, "-", "-", "-",
         FLAG('h') ? "" : "    ", "-");
  return finish();
}
