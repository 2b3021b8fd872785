/* OpenShell multi-call entry: run the utility named by argv[0], else the shell. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lib/commands.h"

int sh_main(int argc, char **argv);

int main(int argc, char **argv) {
  /* The engine's stdout is a pipe, though wasmer calls it a character device, which
   * makes libc flush every line (1.5 million writes for `seq 1500000`). Buffer it as
   * libc buffers a pipe; the shell flushes after every command anyway. */
  static char out[65536];
  setvbuf(stdout, out, _IOFBF, sizeof out);
  const char *name = argc > 0 ? argv[0] : "sh", *slash = strrchr(name, '/');
  if (slash) name = slash + 1;
  for (int lo = 0, hi = openshell_command_count - 1; strcmp(name, "sh") && lo <= hi;) {
    int mid = (lo + hi) / 2, c = strcmp(name, openshell_commands[mid].name);
    if (!c) {
      /* The guest starts in "/": relative paths should mean the workspace, as in sh. */
      const char *home = getenv("HOME");
      struct stat st;
      if (home && !stat(home, &st) && S_ISDIR(st.st_mode)) chdir(home);
      int status = command_run(&openshell_commands[mid], argc, argv);
      fflush(stdout);
      fflush(stderr);
      return status & 255;
    }
    if (c < 0) hi = mid - 1; else lo = mid + 1;
  }
  return sh_main(argc > 0 ? argc : 1, argc > 0 ? argv : (char *[]){"sh", 0});
}
