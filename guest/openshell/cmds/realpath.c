/* usage: realpath [-emsqz] FILE...
 *
 * Print the canonical absolute path of each FILE (symbolic links, . and .. resolved).
 * -e	every component must exist (by default all but the last)
 * -m	no component needs to exist
 * -s	do not resolve symbolic links
 * -q	no error messages
 * -z	end each name with NUL */
#include "lib/lib.h"

#pragma clang attribute push (__attribute__((minsize)), apply_to = function)

static const char help[] =
  "usage: realpath [-emsqz] FILE...\n\n"
  "Print the canonical absolute path of each FILE (symbolic links, . and .. resolved).\n"
  "-e\tevery component must exist (by default all but the last)\n-m\tno component needs to exist\n"
  "-s\tdo not resolve symbolic links\n-q\tno error messages\n-z\tend each name with NUL\n";

int realpath_main(int argc, char **argv) {
  if (toy_init(argc, argv, "emsqzLP(canonicalize-existing)(canonicalize-missing)(no-symlinks)(strip)(quiet)(zero)", help, 1)) return toys.exitval;
  if (!toys.optc) return usage_error("missing operand");
  int mode = FLAG('e') ? CANON_EXISTING : FLAG('m') ? CANON_MISSING : CANON_ALL_BUT_LAST;
  for (int i = 0; i < toys.optc; i++) {
    char *out = canonicalize(toys.optargs[i], mode, !FLAG('s'));
    if (!out) {
      if (!FLAG('q')) perror_msg("%s", toys.optargs[i]);
      else toys.exitval = 1;
      continue;
    }
    fputs(out, stdout);
    putchar(FLAG('z') ? 0 : '\n');
    free(out);
  }
  return finish();
}

#pragma clang attribute pop
