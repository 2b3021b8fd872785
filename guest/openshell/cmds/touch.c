/* usage: touch [-c] FILE...
 *
 * Set the access and modification times of each FILE to now, creating it if missing.
 * -c	do not create missing files */
#include "lib/lib.h"
#include <fcntl.h>
#include <unistd.h>

static const char help[] =
  "usage: touch [-c] FILE...\n\n"
  "Set the access and modification times of each FILE to now, creating it if missing.\n"
  "-c\tdo not create missing files\n";

int touch_main(int argc, char **argv) {
  if (toy_init(argc, argv, "c(no-create)am", help, 1)) return toys.exitval;
  if (!toys.optc) return usage_error("missing file operand");
  for (char **a = toys.optargs; *a; a++) {
    if (!utimensat(AT_FDCWD, *a, NULL, 0)) continue;
    if (errno != ENOENT) { perror_msg("setting times of '%s'", *a); continue; }
    if (FLAG('c')) continue;
    int fd = open(*a, O_WRONLY | O_CREAT, 0666);
    if (fd < 0) perror_msg("cannot touch '%s'", *a);
    else close(fd);
  }
  return finish();
}
