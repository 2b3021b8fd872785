/* usage: which [-a] NAME...
 *
 * Print the path of each NAME found in $PATH (status 1 if one is missing).
 * -a	print every match, not just the first */
#include "lib/lib.h"

static int found(const char *path) {
  struct stat st;
  return !stat(path, &st) && S_ISREG(st.st_mode);  /* WASI has no execute bits */
}

int which_main(int argc, char **argv) {
  if (toy_init(argc, argv, "a", 2)) return toys.exitval;
  if (!toys.optc) return 1;
  const char *path = getenv("PATH");
  if (!path) path = "/bin:/usr/bin";
  for (char **a = toys.optargs; *a; a++) {
    int hit = 0;
    if (strchr(*a, '/')) {
      if ((hit = found(*a))) puts(*a);
    } else {
      for (const char *p = path; !hit || FLAG('a');) {
        const char *e = strchr(p, ':');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        char *dir = n ? strndup(p, n) : strdup(".");
        char *full = path_join(dir, *a);
        if (found(full)) { puts(full); hit = 1; }
        free(full);
        free(dir);
        if (!e) break;
        p = e + 1;
      }
    }
    if (!hit) toys.exitval = 1;
  }
  return finish();
}
