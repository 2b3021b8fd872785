/* usage: readlink [-fem] [-nqsvz] FILE...
 *
 * Print the target of each symbolic link FILE, or with -f/-e/-m its canonical path.
 * -f	canonicalize: every component but the last must exist
 * -e	canonicalize: every component must exist
 * -m	canonicalize without requiring any component to exist
 * -n	no newline after the last name
 * -z	end each name with NUL
 * -q -s -v	quiet/verbose (errors are reported with -v only, as in GNU) */
#include "lib/lib.h"
#include <unistd.h>

#pragma clang attribute push (__attribute__((minsize)), apply_to = function)

int readlink_main(int argc, char **argv) {
  if (toy_init(argc, argv, "f(canonicalize)e(canonicalize-existing)m(canonicalize-missing)n(no-newline)q(quiet)s(silent)v(verbose)z(zero)", 1)) return toys.exitval;
  if (!toys.optc) return usage_error("missing operand");
  int mode = FLAG('e') ? CANON_EXISTING : FLAG('m') ? CANON_MISSING : CANON_ALL_BUT_LAST;
  for (int i = 0; i < toys.optc; i++) {
    const char *p = toys.optargs[i];
    char *out = NULL, buf[4096];
    if (FLAG('f') || FLAG('e') || FLAG('m')) out = canonicalize(p, mode, 1);
    else {
      ssize_t n = readlink(p, buf, sizeof buf - 1);
      if (n >= 0) { buf[n] = 0; out = strdup(buf); }
    }
    if (!out) {
      if (FLAG('v')) perror_msg("%s", p);
      toys.exitval = 1;
      continue;
    }
    fputs(out, stdout);
    if (FLAG('z')) putchar(0);
    else if (!(FLAG('n') && i == toys.optc - 1)) putchar('\n');
    free(out);
  }
  return finish();
}

#pragma clang attribute pop
