/* usage: chmod [-R] [-fv] MODE[,MODE]... FILE...
 *
 * Check MODE (octal, or [ugoa]*[-+=][rwxXst]*) and that each FILE exists.
 * WASI keeps no permission bits, so nothing changes: every file stays
 * readable and writable as the enclave's policy allows.
 * -R	recurse (accepted)
 * -f	no message for a missing FILE
 * -v	accepted */
#include "lib/lib.h"

#pragma clang attribute push (__attribute__((minsize)), apply_to = function)

static int valid_mode(const char *m) {
  if (*m >= '0' && *m <= '7') return strspn(m, "01234567") == strlen(m) && strlen(m) <= 4;
  for (;;) {
    m += strspn(m, "ugoa");
    if (!strchr("+-=", *m) || !*m) return 0;
    while (*m && strchr("+-=", *m)) {
      m++;
      if (*m && strchr("ugo", *m)) m++;
      else m += strspn(m, "rwxXst");
    }
    if (!*m) return 1;
    if (*m++ != ',') return 0;
  }
}

int chmod_main(int argc, char **argv) {
  /* "-x" and "-w" are modes, not options: put "--" before the first such argument */
  char **av = malloc((argc + 2) * sizeof *av);
  int ac = 0, moved = 0;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (i && !moved && a[0] == '-' && a[1] && strspn(a + 1, "rwxXst") == strlen(a + 1)) { av[ac++] = "--"; moved = 1; }
    else if (i && a[0] != '-') moved = 1;
    av[ac++] = argv[i];
  }
  av[ac] = NULL;
  int stop = toy_init(ac, av, "^Rfvc", 1);
  free(av);
  if (stop) return toys.exitval;
  if (!toys.optc) return usage_error("missing operand");
  const char *mode = toys.optargs[0];
  if (!valid_mode(mode)) { error_msg("invalid mode: '%s'", mode); return finish(); }
  if (toys.optc < 2) return usage_error("missing operand after '%s'", mode);
  for (int i = 1; i < toys.optc; i++) {
    struct stat st;
    if (stat(toys.optargs[i], &st)) {
      if (!FLAG('f')) perror_msg("cannot access '%s'", toys.optargs[i]);
      else toys.exitval = 1;
    }
  }
  return finish();
}

#pragma clang attribute pop
