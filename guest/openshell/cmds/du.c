/* usage: du [-ahcks] [FILE...]
 *
 * Show the disk use of each FILE (default .) and, for directories, of each
 * subdirectory, in 1 KiB blocks. WASI reports no block counts, so a file
 * counts as its size rounded up to 4 KiB blocks and a directory as 4 KiB.
 * -s	only a total for each FILE
 * -a	show files too, not just directories
 * -c	print a grand total
 * -h	human-readable sizes (K, M, G)
 * -k	1 KiB blocks (the default)
 * -S	a directory's size leaves out its subdirectories */
#include "lib/lib.h"
#include <dirent.h>

static void show(unsigned long long kb, const char *path) {
  if (FLAG('h')) {
    const char *u = "KMGTP";
    double v = kb;
    int i = 0;
    while (v >= 1024 && u[i + 1]) { v /= 1024; i++; }
    if (v < 10 && (i || kb)) printf("%.1f%c\t%s\n", v + 0.0499, u[i], path);  /* GNU rounds up */
    else printf("%.0f%c\t%s\n", v + 0.499, u[i], path);
  } else printf("%llu\t%s\n", kb, path);
}

GLOBALS(du,
  int walked_dir; /* the last walk() was of a directory (-S leaves those out) */
);
static unsigned long long walk(const char *path, int depth) {
  struct stat st;
  TT.walked_dir = 0;
  /* the runtime resolves "" to the working directory; GNU: No such file or directory */
  if ((!*path && (errno = ENOENT)) || lstat(path, &st)) { perror_msg("cannot access '%s'", path); return 0; }
  if (!S_ISDIR(st.st_mode)) {
    unsigned long long kb = st.st_blocks ? (unsigned long long)(st.st_blocks + 1) / 2 : (st.st_size + 4095) / 4096 * 4;
    if (!depth || FLAG('a')) { if (!FLAG('s') || !depth) show(kb, path); }
    return kb;
  }
  unsigned long long kb = 4, own = 4;
  size_t n;
  char **names = dir_names(path, &n);
  if (!names) { perror_msg("cannot read directory '%s'", path); return kb; }
  for (size_t i = 0; i < n; i++) {
    char *p = path_join(path, names[i]);
    unsigned long long sub = walk(p, depth + 1);
    kb += sub;
    if (!TT.walked_dir) own += sub;
    free(p);
  }
  free_names(names, n);
  if (!FLAG('s') || !depth) show(FLAG('S') ? own : kb, path);
  TT.walked_dir = 1;
  return kb;
}

int du_main(int argc, char **argv) {
  if (toy_init(argc, argv, "ahcksS", 1)) return toys.exitval;
  char *dot[] = {".", NULL};
  unsigned long long total = 0;
  for (char **a = toys.optc ? toys.optargs : dot; *a; a++) total += walk(*a, 0);
  if (FLAG('c')) show(total, "total");
  return finish();
}
