/* usage: mkdir [-pv] [-m MODE] DIR...
 *
 * Create each DIR.
 * -p	create missing parents; no error if DIR exists
 * -m	permissions of new directories (octal, default 0777 minus umask)
 * -v	print a message for each created directory */
#include "lib/lib.h"

static int make(const char *path, mode_t mode) {
  if (mkdir(path, mode)) return -1;
  if (FLAG('v')) printf("mkdir: created directory '%s'\n", path);
  return 0;
}

static int make_parents(char *path, mode_t mode) {
  struct stat st;
  for (char *p = path + 1;; p++) {
    if (*p && *p != '/') continue;
    char save = *p;
    *p = 0;
    int rc = 0;
    if (stat(path, &st)) rc = make(path, save ? 0777 : mode);
    else if (!S_ISDIR(st.st_mode)) { errno = save ? ENOTDIR : EEXIST; rc = -1; }
    *p = save;
    if (rc && errno != EEXIST) return -1;
    if (rc && (stat(path, &st) || !S_ISDIR(st.st_mode))) return -1;
    if (!save) return 0;
    while (p[1] == '/') p++;
    if (!p[1]) return 0;
  }
}

int mkdir_main(int argc, char **argv) {
  if (toy_init(argc, argv, "pvm:", 1)) return toys.exitval;
  mode_t mode = 0777;
  if (FLAG('m')) {
    char *end;
    mode = strtoul(OPTARG('m'), &end, 8);
    if (*end || !*OPTARG('m')) return usage_error("invalid mode '%s'", OPTARG('m'));
  }
  if (!toys.optc) return usage_error("missing operand");
  for (char **a = toys.optargs; *a; a++) {
    char *path = strdup(*a);
    int rc = FLAG('p') ? make_parents(path, mode) : make(path, mode);
    if (rc) perror_msg("cannot create directory '%s'", *a);
    else if (FLAG('m')) chmod(*a, mode);
    free(path);
  }
  return finish();
}
