/* test and [ : POSIX's rules for up to three arguments, recursive descent beyond. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "sh.h"

static char **args;
static int nargs, pos, err;
static const char *prog;

static int is_binop(const char *s) {
  static const char *const ops[] = {"=", "!=", "<", ">", "-eq", "-ne", "-lt", "-le", "-gt",
    "-ge", "-nt", "-ot", "-ef", 0};
  for (int i = 0; ops[i]; i++) if (!strcmp(s, ops[i])) return 1;
  return 0;
}

static int is_unop(const char *s) {
  return s[0] == '-' && s[1] && !s[2] && strchr("bcdefghknprsStuwxzLO G", s[1]);
}

static intmax_t getnum(const char *s) {
  const char *p = s;
  while (isspace((unsigned char)*p)) p++;
  char *end;
  errno = 0;
  intmax_t v = strtoimax(p, &end, 10);
  while (isspace((unsigned char)*end)) end++;
  if (end == p || *end || errno) {
    if (!err) sh_err("%s: Illegal number: %s", prog, s);
    err = 1;
  }
  return v;
}

static int unary(char op, const char *a) {
  struct stat st;
  switch (op) {
  case 'z': return !*a;
  case 'n': return *a != 0;
  case 't': return sh_session_tty(a);   /* a terminal only in `sandbox-exec -it`: stdio are
                            pipes to the engine (wasmer calls them character devices) */
  case 'h': case 'L': return *a && !lstat(a, &st) && S_ISLNK(st.st_mode);
  }
  if (!*a || stat(a, &st)) return 0;  /* the runtime resolves "" to the working directory */
  switch (op) {
  case 'e': return 1;
  case 'f': return S_ISREG(st.st_mode);
  case 'd': return S_ISDIR(st.st_mode);
  case 'b': return S_ISBLK(st.st_mode);
  case 'c': return S_ISCHR(st.st_mode);
  case 'p': return S_ISFIFO(st.st_mode);
  case 'S': return S_ISSOCK(st.st_mode);
  case 's': return st.st_size > 0;
  case 'r': return !access(a, R_OK);
  case 'w': return !access(a, W_OK);
  case 'x': return !access(a, X_OK);
  case 'O': case 'G': return 1;
  }
  return 0;   /* -g -k -u: no such bits in WASI */
}

static int binary(const char *a, const char *op, const char *b) {
  if (!strcmp(op, "=")) return !strcmp(a, b);
  if (!strcmp(op, "!=")) return strcmp(a, b) != 0;
  if (!strcmp(op, "<")) return strcmp(a, b) < 0;
  if (!strcmp(op, ">")) return strcmp(a, b) > 0;
  if (!strcmp(op, "-nt") || !strcmp(op, "-ot") || !strcmp(op, "-ef")) {
    struct stat sa, sb;
    int ha = *a && !stat(a, &sa), hb = *b && !stat(b, &sb);
    if (op[1] == 'e') return ha && hb && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    if (op[1] == 'n') return ha && (!hb || sa.st_mtime > sb.st_mtime);
    return hb && (!ha || sa.st_mtime < sb.st_mtime);
  }
  intmax_t x = getnum(a), y = getnum(b);
  if (!strcmp(op, "-eq")) return x == y;
  if (!strcmp(op, "-ne")) return x != y;
  if (!strcmp(op, "-lt")) return x < y;
  if (!strcmp(op, "-le")) return x <= y;
  if (!strcmp(op, "-gt")) return x > y;
  return x >= y;
}

static void syntax_err(const char *at) {
  if (!err) sh_err("%s: %s", prog, at ? at : "argument expected");
  err = 1;
}

static int oexpr(void);

static int primary(void) {
  if (pos >= nargs) { syntax_err(0); return 0; }
  char *a = args[pos];
  if (!strcmp(a, "(") && pos + 1 < nargs) {
    pos++;
    int v = oexpr();
    if (pos >= nargs || strcmp(args[pos], ")")) { syntax_err("closing paren expected"); return 0; }
    pos++;
    return v;
  }
  if (pos + 2 < nargs && is_binop(args[pos + 1])) {
    pos += 3;
    return binary(a, args[pos - 2], args[pos - 1]);
  }
  if (is_unop(a) && pos + 1 < nargs) {
    pos += 2;
    return unary(a[1], args[pos - 1]);
  }
  pos++;
  return *a != 0;
}

static int nexpr(void) {
  if (pos < nargs && !strcmp(args[pos], "!") && pos + 1 < nargs) { pos++; return !nexpr(); }
  return primary();
}

static int aexpr(void) {
  int v = nexpr();
  while (pos < nargs && !strcmp(args[pos], "-a")) { pos++; v = nexpr() && v; }
  return v;
}

static int oexpr(void) {
  int v = aexpr();
  while (pos < nargs && !strcmp(args[pos], "-o")) { pos++; v = aexpr() || v; }
  return v;
}

int sh_test(int argc, char **argv) {
  prog = argv[0];
  if (!strcmp(argv[0], "[")) {
    if (strcmp(argv[argc - 1], "]")) { sh_err("[: missing ]"); return 2; }
    argc--;
  }
  args = argv + 1;
  nargs = argc - 1;
  pos = err = 0;
  int v;
  if (nargs == 0) return 1;
  if (nargs == 3 && is_binop(args[1])) v = binary(args[0], args[1], args[2]), pos = 3;
  else if (nargs == 4 && !strcmp(args[0], "!") && is_binop(args[2])) v = !binary(args[1], args[2], args[3]), pos = 4;
  else v = oexpr();
  /* dash names the last argument it used */
  if (!err && pos < nargs) { sh_err("%s: %s: unexpected operator", prog, args[pos ? pos - 1 : 0]); err = 1; }
  return err ? 2 : !v;
}
