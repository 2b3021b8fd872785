/* usage: realpath [-emsqz] FILE...
 *
 * Print the canonical absolute path of each FILE (symbolic links, . and .. resolved).
 * -e	every component must exist (by default all but the last)
 * -m	no component needs to exist
 * -s	do not resolve symbolic links
 * -L	resolve '..' before symbolic links (-P, the default: after)
 * -q	no error messages
 * -z	end each name with NUL
 * --relative-to=DIR	print the names relative to DIR */
#include "lib/lib.h"
#include <unistd.h>

#pragma clang attribute push (__attribute__((minsize)), apply_to = function)

/* PATH relative to BASE, both canonical absolute paths: "../" for each component of
 * BASE past the common prefix, then the rest of PATH ("." when they are equal). */
static void put_relative(const char *path, const char *base) {
  size_t common = 0;
  for (size_t i = 0;; i++) {
    int pe = !path[i] || path[i] == '/', be = !base[i] || base[i] == '/';
    if (pe && be) common = i;
    if (!path[i] || !base[i] || path[i] != base[i]) break;
  }
  const char *rest = path + common, *up = strcmp(base, "/") ? base + common : "";
  int first = 1;
  for (; *up; up++) if (*up == '/') { fputs(first ? ".." : "/..", stdout); first = 0; }
  if (*rest == '/') rest++;
  if (*rest) printf("%s%s", first ? "" : "/", rest);
  else if (first) putchar('.');
}

/* -L: ".." removes the component before it, before any link is resolved */
static char *logical(const char *path) {
  char *cwd = path[0] == '/' ? NULL : getcwd(NULL, 0);
  size_t len = (cwd ? strlen(cwd) : 0) + strlen(path) + 2;
  char *in = malloc(len), *out = malloc(len), *save = NULL;
  snprintf(in, len, "%s/%s", cwd ? cwd : "", path);
  free(cwd);
  size_t o = 0;
  for (char *c = strtok_r(in, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
    if (!strcmp(c, ".")) continue;
    if (!strcmp(c, "..")) { while (o && out[--o] != '/') {} continue; }
    out[o++] = '/';
    strcpy(out + o, c);
    o += strlen(c);
  }
  if (!o) out[o++] = '/';
  out[o] = 0;
  free(in);
  return out;
}

int realpath_main(int argc, char **argv) {
  if (toy_init(argc, argv, "e(canonicalize-existing)m(canonicalize-missing)s(no-symlinks)(strip)q(quiet)z(zero)LP@:(relative-to)", 1)) return toys.exitval;
  if (!toys.optc) return usage_error("missing operand");
  int mode = FLAG('e') ? CANON_EXISTING : FLAG('m') ? CANON_MISSING : CANON_ALL_BUT_LAST;
  char *base = NULL;
  if (FLAG('@') && !(base = canonicalize(OPTARG('@'), mode, !FLAG('s')))) {
    if (!FLAG('q')) perror_msg("%s", OPTARG('@'));
    return 1;
  }
  for (int i = 0; i < toys.optc; i++) {
    char *lg = FLAG('L') ? logical(toys.optargs[i]) : NULL;
    char *out = canonicalize(lg ? lg : toys.optargs[i], mode, !FLAG('s'));
    free(lg);
    if (!out) {
      if (!FLAG('q')) perror_msg("%s", toys.optargs[i]);
      else toys.exitval = 1;
      continue;
    }
    if (base) put_relative(out, base);
    else fputs(out, stdout);
    putchar(FLAG('z') ? 0 : '\n');
    free(out);
  }
  free(base);
  return finish();
}

#pragma clang attribute pop
