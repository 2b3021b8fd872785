/* Builtins that must run inside the shell (they change its state) plus echo,
 * printf and test, which scripts expect to behave exactly as dash's. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <wasi/api.h>
#include "sh.h"

char *sh_exit_trap;   /* run by main when the shell ends */

static int bi_true(int argc, char **argv) { return 0; }
static int bi_false(int argc, char **argv) { return 1; }

/* exit and return take an optional status; anything else is a fatal error. */
static int status_arg(int argc, char **argv, int *st) {
  long v;
  *st = sh.status;
  if (argc < 2) return 0;
  if (!sh_number(argv[1], &v) || v < 0) {
    sh_fatal(2, "%s: Illegal number: %s", argv[0], argv[1]);
    return -1;
  }
  *st = v;   /* dash keeps `return 300` as 300 in $? */
  return 0;
}

static int bi_exit(int argc, char **argv) {
  int st;
  if (status_arg(argc, argv, &st)) return 2;
  sh.status = st & 255;
  sh.unwind = U_EXIT;
  sh.fatal = 0;
  return st;
}

static int bi_return(int argc, char **argv) {
  int st;
  if (status_arg(argc, argv, &st)) return 2;
  sh.status = st;
  sh.unwind = sh.funcs || sh.dots ? U_RETURN : U_EXIT;
  sh.fatal = 0;
  return st;
}

static int bi_break(int argc, char **argv) {
  long n = 1;
  if (argc > 1 && (!sh_number(argv[1], &n) || n < 1)) {
    sh_fatal(2, "%s: Illegal number: %s", argv[0], argv[1]);
    return 2;
  }
  if (!sh.loops) return 0;
  sh.unwind = argv[0][0] == 'b' ? U_BREAK : U_CONTINUE;
  sh.unwind_n = n > sh.loops ? sh.loops : n;
  return 0;
}

/* Logical path: dir taken relative to cwd, with . and .. removed textually as dash -L does. */
static char *normpath(const char *cwd, const char *dir) {
  struct strbuf b = {0};
  if (dir[0] != '/') { sb_adds(&b, cwd); sb_addc(&b, '/'); }
  sb_adds(&b, dir);
  char *out = sh_alloc(b.len + 2);
  size_t o = 0;
  for (char *p = b.s; *p;) {
    while (*p == '/') p++;
    char *e = p;
    while (*e && *e != '/') e++;
    size_t n = e - p;
    if (!n) break;
    if (n == 2 && p[0] == '.' && p[1] == '.') { while (o > 0 && out[--o] != '/'); }
    else if (!(n == 1 && p[0] == '.')) { out[o++] = '/'; memcpy(out + o, p, n); o += n; }
    p = e;
  }
  if (!o) out[o++] = '/';
  out[o] = 0;
  free(b.s);
  return out;
}

/* The physical form of an absolute path: each symlink replaced by its target, as the
 * kernel resolves it. The shell always changes into this form (so relative paths
 * never go through a link), and cd -P and pwd -P print it. */
static char *physical(const char *path) {
  struct strbuf out = {0};
  char *todo = sh_strdup(path), *rest = todo;
  int links = 0;
  sb_adds(&out, "");
  while (*rest) {
    while (*rest == '/') rest++;
    char *e = rest;
    while (*e && *e != '/') e++;
    size_t n = e - rest;
    if (!n || (n == 1 && *rest == '.')) { rest = e; continue; }
    if (n == 2 && rest[0] == '.' && rest[1] == '.') {
      while (out.len && out.s[--out.len] != '/');
      out.s[out.len] = 0;
      rest = e;
      continue;
    }
    size_t mark = out.len;
    sb_addc(&out, '/');
    sb_add(&out, rest, n);
    char link[4096];
    ssize_t k = links < 40 ? readlink(out.s, link, sizeof link - 1) : -1;
    if (k <= 0) { rest = e; continue; }
    links++;
    link[k] = 0;
    out.len = link[0] == '/' ? 0 : mark;   /* relative targets start from the link's dir */
    out.s[out.len] = 0;
    struct strbuf t = {0};
    sb_adds(&t, link);
    sb_addc(&t, '/');
    sb_adds(&t, e);
    free(todo);
    rest = todo = sb_take(&t);
  }
  free(todo);
  if (!out.len) sb_addc(&out, '/');
  return sb_take(&out);
}

static int bi_cd(int argc, char **argv) {
  int i = 1, phys = 0;
  for (; i < argc && (!strcmp(argv[i], "-L") || !strcmp(argv[i], "-P")); i++) phys = argv[i][1] == 'P';
  if (i < argc && !strcmp(argv[i], "--")) i++;
  const char *dir = i < argc ? argv[i] : sh_getvar("HOME"), *old = sh_getvar("PWD");
  int print = 0;
  if (!dir) return 0;
  if (!strcmp(dir, "-")) {
    dir = sh_getvar("OLDPWD");
    if (!dir) dir = old ? old : "/";
    print = 1;
  }
  char *prev = old && old[0] == '/' ? sh_strdup(old) : getcwd(0, 0), *here = getcwd(0, 0);
  /* -L: .. is taken textually from $PWD; -P: from where the shell really is */
  char *target = phys ? sh_strdup(dir) : normpath(prev ? prev : "/", dir);
  if (phys && dir[0] != '/') {
    struct strbuf b = {0};
    sb_adds(&b, here ? here : "/");
    sb_addc(&b, '/');
    sb_adds(&b, dir);
    free(target);
    target = sb_take(&b);
  }
  char *real = physical(target);
  free(here);
  if (chdir(real)) {
    sh_err("cd: can't cd to %s", dir);
    free(real);
    free(target);
    free(prev);
    return 2;
  }
  const char *now = phys ? real : target;
  if (prev) sh_setvar("OLDPWD", prev, 0);
  sh_setvar("PWD", now, 0);
  if (print) printf("%s\n", now);
  free(real);
  free(prev);
  free(target);
  return 0;
}

static int bi_pwd(int argc, char **argv) {
  const char *pwd = sh_getvar("PWD");
  int phys = argc > 1 && !strcmp(argv[argc - 1], "-P");
  if (!phys && pwd && pwd[0] == '/') { printf("%s\n", pwd); return 0; }
  char *cwd = getcwd(0, 0);
  if (!cwd) { sh_err("pwd: %s", strerror(errno)); return 2; }
  char *real = physical(cwd);
  printf("%s\n", real);
  free(real);
  free(cwd);
  return 0;
}

/* export and readonly: NAME[=value]..., or -p to list. */
static int bi_export(int argc, char **argv) {
  int flag = argv[0][0] == 'e' ? V_EXPORT : V_RDONLY, i = 1;
  if (i < argc && !strcmp(argv[i], "-p")) i++;
  if (i >= argc) {
    sh_var_print(flag, flag == V_EXPORT ? "export " : "readonly ");
    return 0;
  }
  for (; i < argc; i++) {
    char *eq = strchr(argv[i], '=');
    size_t n = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
    if (!sh_isname(argv[i], n)) { sh_fatal(2, "%s: %.*s: bad variable name", argv[0], (int)n, argv[i]); return 2; }
    if (eq) { if (sh_assign(argv[i], flag)) return 2; }
    else sh_var_setflags(argv[i], flag);
  }
  return 0;
}

static int bi_unset(int argc, char **argv) {
  int funcs = 0, i = 1, st = 0;
  for (; i < argc && argv[i][0] == '-'; i++) {
    if (!strcmp(argv[i], "--")) { i++; break; }
    funcs = strchr(argv[i], 'f') != 0;
  }
  for (; i < argc; i++) {
    if (funcs) sh_unset_func(argv[i]);
    else st |= sh_unsetvar(argv[i]);
  }
  return st;
}

static int set_opt(char c, int on) {
  switch (c) {
  case 'e': sh.opt_e = on; return 0;
  case 'u': sh.opt_u = on; return 0;
  case 'x': sh.opt_x = on; return 0;
  case 'f': sh.opt_f = on; return 0;
  case 'n': sh.opt_n = on; return 0;
  case 'a': sh.opt_a = on; return 0;
  case 'C': sh.opt_C = on; return 0;
  case 'b': case 'h': case 'm': case 'v': return 0;  /* accepted: no jobs, no terminal here */
  }
  return -1;
}

/* set -o NAME / sh -o NAME; -1 for an unknown name. */
int sh_set_option(const char *name, int on) {
  static const char *const names[] = {"errexit", "e", "nounset", "u", "xtrace", "x", "noglob", "f",
    "noexec", "n", "allexport", "a", "verbose", "v", "pipefail", "p", "noclobber", "C", 0};
  int k = 0;
  while (names[k] && strcmp(names[k], name)) k += 2;
  if (!names[k]) return -1;
  if (names[k + 1][0] == 'p') sh.opt_pipefail = on;
  else set_opt(names[k + 1][0], on);
  return 0;
}

/* set -o / set +o with no name: dash's table (and pipefail, which dash lacks, last). */
static void list_options(int as_commands) {
  static const char *const names[] = {"errexit", "noglob", "ignoreeof", "interactive", "monitor",
    "noexec", "stdin", "xtrace", "verbose", "vi", "emacs", "noclobber", "allexport", "notify",
    "nounset", "privileged", "nolog", "debug", "pipefail", 0};
  const int on[] = {sh.opt_e, sh.opt_f, 0, 0, 0, sh.opt_n, 0, sh.opt_x, 0, 0, 0, sh.opt_C, sh.opt_a,
    0, sh.opt_u, 0, 0, 0, sh.opt_pipefail};
  if (!as_commands) printf("Current option settings\n");
  for (int k = 0; names[k]; k++) {
    if (as_commands) printf("set %co %s\n", on[k] ? '-' : '+', names[k]);
    else printf("%-16s%s\n", names[k], on[k] ? "on" : "off");
  }
}

static int bi_set(int argc, char **argv) {
  int i = 1;
  if (argc == 1) { sh_var_print(0, ""); return 0; }
  for (; i < argc; i++) {
    char *a = argv[i];
    if (!strcmp(a, "--")) { i++; goto positional; }
    if (!strcmp(a, "-")) {   /* set - [ARGS]: -x off, and the arguments (if any) */
      sh.opt_x = 0;
      if (++i >= argc) return 0;
      goto positional;
    }
    if ((a[0] != '-' && a[0] != '+') || !a[1]) break;
    int on = a[0] == '-';
    for (char *c = a + 1; *c; c++) {
      if (*c == 'o') {   /* -o NAME, also inside a cluster: set -euo pipefail */
        if (i + 1 >= argc) { list_options(!on); return 0; }
        if (sh_set_option(argv[++i], on)) { sh_fatal(2, "set: Illegal option -o %s", argv[i]); return 2; }
      } else if (set_opt(*c, on)) { sh_fatal(2, "set: Illegal option %c%c", a[0], *c); return 2; }
    }
  }
  if (i >= argc) return 0;
positional:
  sh_set_pos(argv + i, argc - i);
  return 0;
}

static int bi_shift(int argc, char **argv) {
  long n = 1;
  if (argc > 1 && (!sh_number(argv[1], &n) || n < 0)) {
    sh_fatal(2, "shift: Illegal number: %s", argv[1]);
    return 2;
  }
  if (n > sh.npos) { sh_fatal(2, "shift: can't shift that many"); return 2; }
  sh_set_pos(sh.pos + n, sh.npos - n);
  return 0;
}

static char *join(int argc, char **argv) {
  struct strbuf b = {0};
  for (int i = 0; i < argc; i++) { if (i) sb_addc(&b, ' '); sb_adds(&b, argv[i]); }
  return sb_take(&b);
}

static int bi_eval(int argc, char **argv) {
  char *s = join(argc - 1, argv + 1);
  sh.status = 0;
  sh.in_eval++;
  int st = sh_run_string(s, sh.line);
  sh.in_eval--;
  free(s);
  return st;
}

static int bi_exec(int argc, char **argv) {
  if (argc < 2) return 0;
  int st = sh_exec_argv(argv + 1, 1);
  if (!sh.unwind) { sh.status = st; sh.unwind = U_EXIT; }
  return st;
}

static int bi_dot(int argc, char **argv) {
  if (argc < 2) return 0;
  char *path = 0;
  const char *name = argv[1];
  /* a name without '/' is searched in PATH only, never in the current directory */
  if (!strchr(name, '/') && sh_lookup(name, &path) != 5) {
    free(path);
    sh_fatal(2, ".: %s: not found", name);
    return 2;
  }
  FILE *f = fopen(path ? path : name, "r");
  free(path);
  if (!f) { sh_fatal(2, ".: cannot open %s: No such file", name); return 2; }
  struct strbuf b = {0};
  char buf[4096];
  size_t k;
  while ((k = fread(buf, 1, sizeof buf, f)) > 0) sb_add(&b, buf, k);
  fclose(f);
  int line = sh.line;
  sh.status = 0;
  sh.dots++;
  int st = sh_run_string(b.s ? b.s : "", 1);
  sh.dots--;
  if (sh.unwind == U_RETURN) { sh.unwind = U_NONE; st = sh.status; }  /* return ends the . script, as in dash */
  sh.line = line;
  free(b.s);
  return st;
}

static int bi_local(int argc, char **argv) {
  if (!sh.funcs) { sh_fatal(2, "local: not in a function"); return 2; }
  for (int i = 1; i < argc; i++) sh_local(argv[i]);
  return 0;
}

/* One line from fd 0, backslash-newline joined unless raw. A seekable fd is read in
 * blocks and the rest given back, so a utility reading stdin afterwards starts at the
 * right place; a pipe goes bytewise. Returns 2 for a full line, 1 for a last line
 * without newline, 0 at end of input. */
static int read_line(struct strbuf *b, int raw) {
  char buf[256];
  __wasi_filesize_t at;   /* fd_seek rather than lseek(0, 0, SEEK_CUR): that is fd_tell,
                             an import (a per-run cost in the engine) used nowhere else */
  int seekable = __wasi_fd_seek(0, 0, __WASI_WHENCE_CUR, &at) == 0, got = 0, esc = 0;
  for (;;) {
    ssize_t n = read(0, buf, seekable ? sizeof buf : 1);
    if (n <= 0) return got;
    got = 1;
    for (ssize_t i = 0; i < n; i++) {
      char c = buf[i];
      if (c == '\n' && esc) { b->s[--b->len] = 0; esc = 0; continue; }
      if (c == '\n') {
        if (seekable && i + 1 < n) lseek(0, i + 1 - n, SEEK_CUR);
        return 2;
      }
      esc = !raw && c == '\\' && !esc;
      sb_addc(b, c);
    }
  }
}

static int bi_read(int argc, char **argv) {
  int raw = 0, i = 1;
  for (; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
    if (!strcmp(argv[i], "--")) { i++; break; }
    if (!strcmp(argv[i], "-r")) raw = 1;
    else if (!strcmp(argv[i], "-p") && i + 1 < argc) i++;
    else { sh_err("read: Illegal option %s", argv[i]); return 2; }
  }
  if (i >= argc) { sh_err("read: arg count"); return 2; }
  fflush(stdout);
  struct strbuf b = {0};
  int r = read_line(&b, raw);
  /* v: the characters, e: which were escaped by a backslash (never IFS separators) */
  size_t n = 0, k = 0;
  char *v = sh_alloc(b.len + 1), *e = sh_alloc(b.len + 1);
  for (size_t j = 0; j < b.len; j++, n++) {
    if (!raw && b.s[j] == '\\' && j + 1 == b.len) break;   /* a lone trailing backslash goes */
    e[n] = !raw && b.s[j] == '\\';
    v[n] = e[n] ? b.s[++j] : b.s[j];
  }
  free(b.s);
  const char *ifs = sh_getvar("IFS");
  if (!ifs) ifs = " \t\n";
#define IS_IFS(j) ((j) < n && !e[j] && strchr(ifs, v[j]))
#define IS_WS(j) (v[j] == ' ' || v[j] == '\t' || v[j] == '\n')
  while (IS_IFS(k) && IS_WS(k)) k++;
  for (; i < argc; i++) {
    size_t start = k, stop;
    if (i == argc - 1) {
      stop = n;
      while (stop > start && IS_IFS(stop - 1) && IS_WS(stop - 1)) stop--;
    } else {
      while (k < n && !IS_IFS(k)) k++;
      stop = k;
      while (IS_IFS(k) && IS_WS(k)) k++;
      if (IS_IFS(k)) { k++; while (IS_IFS(k) && IS_WS(k)) k++; }
    }
    char *val = sh_strndup(v + start, stop - start);
    sh_setvar(argv[i], val, 0);
    free(val);
  }
  free(v);
  free(e);
  return r == 2 ? 0 : 1;
}

static const char *const kinds[] = {0, "a shell keyword", "a shell function",
  "a special shell builtin", "a shell builtin", 0};

static int bi_command(int argc, char **argv) {
  int v = 0, i = 1;
  for (; i < argc && argv[i][0] == '-'; i++) {
    if (!strcmp(argv[i], "--")) { i++; break; }
    if (strchr(argv[i], 'v')) v = 1;
    if (strchr(argv[i], 'V')) v = 2;
  }
  if (i >= argc) return 0;
  if (!v) {
    /* `command` takes away a special builtin's power to end the shell on an error */
    sh.fatal = 0;
    int st = sh_exec_argv(argv + i, 1);
    if (sh.unwind == U_EXIT && sh.fatal) { sh.unwind = U_NONE; sh.fatal = 0; st = sh.status; }
    return st;
  }
  int st = 0;
  for (int last = i; i <= last; i++) {   /* dash's command -v/-V looks at one name only */
    char *path;
    int k = sh_lookup(argv[i], &path);
    if (!k && strchr(argv[i], '/') && !access(argv[i], F_OK)) { k = 5; path = sh_strdup(argv[i]); }
    if (!k) { if (v == 2) printf("%s: not found\n", argv[i]); st = 127; continue; }
    if (v == 1) printf("%s\n", k == 5 ? path : argv[i]);
    else if (k == 5) printf("%s is %s\n", argv[i], path);
    else printf("%s is %s\n", argv[i], kinds[k]);
    free(path);
  }
  return st;
}

static int bi_type(int argc, char **argv) {
  int st = 0;
  for (int i = 1; i < argc; i++) {
    char *args[] = {"command", "-V", argv[i], 0};
    st |= bi_command(3, args);
  }
  return st;
}

static int bi_trap(int argc, char **argv) {
  if (argc == 1) {
    if (sh_exit_trap) { char *q = sh_quote(sh_exit_trap); printf("trap -- %s EXIT\n", q); free(q); }
    return 0;
  }
  int i = 1;
  if (!strcmp(argv[i], "--")) i++;
  if (i >= argc) return 0;
  const char *action = argv[i++];
  for (; i < argc; i++) {
    if (!strcmp(argv[i], "EXIT") || !strcmp(argv[i], "0")) {
      free(sh_exit_trap);
      sh_exit_trap = strcmp(action, "-") ? sh_strdup(action) : 0;
    }
  }
  return 0;   /* there are no signals to trap in the enclave */
}

/* getopts OPTSTRING NAME [ARGS], as dash does it: sh.optind is the next argument and
 * sh.optoff the position inside a cluster like -abc. Assigning OPTIND resets both;
 * each function call starts at 1 again and gets the caller's back when it returns. */
static int in_getopts;

void sh_getopts_reset(const char *value) {
  if (in_getopts) return;
  long v = atol(value);
  sh.optind = v > 0 ? v : 1;
  sh.optoff = -1;
}

static int bi_getopts(int argc, char **argv) {
  if (argc < 3) { sh_err("Usage: getopts optstring var [arg]"); return 2; }
  char **args = argc > 3 ? argv + 3 : sh.pos, **next, *p, c = '?', s[2] = {0, 0}, buf[24];
  const char *opts = argv[1], *q;
  int nargs = argc > 3 ? argc - 3 : sh.npos, done = 0;
  if (sh.optind < 1 || sh.optind > nargs + 1) sh.optind = 1, sh.optoff = -1;
  next = args + sh.optind - 1;
  p = sh.optind <= 1 || sh.optoff < 0 || (int)strlen(next[-1]) < sh.optoff ? 0 : next[-1] + sh.optoff;
  if (!p || !*p) {   /* this word is done: the next one */
    p = *next;
    if (!p || *p != '-' || !*++p || (p[0] == '-' && !p[1] && ++next)) { p = 0; done = 1; goto out; }
    next++;
  }
  c = *p++;
  for (q = opts; *q != c; ) {
    if (!*q) {
      if (opts[0] == ':') { s[0] = c; sh_setvar("OPTARG", s, 0); }
      else { fflush(stdout); fprintf(stderr, "Illegal option -%c\n", c); sh_unsetvar("OPTARG"); }
      c = '?';
      goto out;
    }
    if (*++q == ':') q++;
  }
  if (*++q == ':') {
    if (!*p && !(p = *next)) {
      if (opts[0] == ':') { s[0] = c; sh_setvar("OPTARG", s, 0); c = ':'; }
      else { fflush(stdout); fprintf(stderr, "No arg for -%c option\n", c); sh_unsetvar("OPTARG"); c = '?'; }
      goto out;
    }
    if (p == *next) next++;
    sh_setvar("OPTARG", p, 0);
    p = 0;
  } else sh_setvar("OPTARG", "", 0);
out:
  snprintf(buf, sizeof buf, "%d", (int)(next - args + 1));
  in_getopts = 1;
  sh_setvar("OPTIND", buf, 0);
  in_getopts = 0;
  s[0] = c;
  sh_setvar(argv[2], s, 0);
  sh.optoff = p ? (int)(p - next[-1]) : -1;
  sh.optind = next - args + 1;
  return done;
}

/* umask [-S] [MODE]: octal or symbolic (u=rwx,g+w,o-x). The value is kept, inherited
 * by subshells and printed; WASI files have no permission bits for it to act on. */
static int bi_umask(int argc, char **argv) {
  int i = 1, sym = i < argc && !strcmp(argv[i], "-S");
  i += sym;
  if (i >= argc) {
    int allow = ~sh.umask & 0777;
    if (!sym) { printf("%04o\n", sh.umask); return 0; }
    for (int k = 0; k < 3; k++) {
      int bits = allow >> (6 - 3 * k) & 7;
      printf("%s%c=%s%s%s", k ? "," : "", "ugo"[k], bits & 4 ? "r" : "", bits & 2 ? "w" : "", bits & 1 ? "x" : "");
    }
    printf("\n");
    return 0;
  }
  const char *a = argv[i];
  if (*a >= '0' && *a <= '9') {
    int v = 0;
    for (const char *c = a; *c; c++) {
      if (*c < '0' || *c > '7') { sh_err("umask: Illegal number: %s", a); return 2; }
      v = v * 8 + *c - '0';
    }
    sh.umask = v & 0777;
    return 0;
  }
  int allow = ~sh.umask & 0777;
  for (const char *c = a;;) {
    int who = 0;
    for (; *c && strchr("ugoa", *c); c++) who |= *c == 'u' ? 0700 : *c == 'g' ? 070 : *c == 'o' ? 07 : 0777;
    if (!who) who = 0777;
    if (!*c || !strchr("+-=", *c)) { sh_err("umask: Illegal mode: %s", a); return 2; }
    while (*c && strchr("+-=", *c)) {
      char op = *c++;
      int bits = 0;
      for (; *c && strchr("rwx", *c); c++) bits |= *c == 'r' ? 0444 : *c == 'w' ? 0222 : 0111;
      bits &= who;
      allow = op == '=' ? (allow & ~who) | bits : op == '+' ? allow | bits : allow & ~bits;
    }
    if (!*c) break;
    if (*c++ != ',') { sh_err("umask: Illegal mode: %s", a); return 2; }
  }
  sh.umask = ~allow & 0777;
  return 0;
}

/* hash: the commands found in PATH so far (the shell always searches again, so a
 * moved command is never run from a stale path). */
static char **hashed;
static int nhashed;

void sh_hash_clear(void) {
  for (int i = 0; i < nhashed; i++) free(hashed[i]);
  free(hashed);
  hashed = 0;
  nhashed = 0;
}

/* A fresh shell (`sh -c`) starts with an empty table, as a new dash process does. */
void *sh_hash_swap(void *saved) {
  struct { char **v; int n; } *t = sh_alloc(sizeof *t), *in = saved;
  t->v = hashed;
  t->n = nhashed;
  hashed = in ? in->v : 0;
  nhashed = in ? in->n : 0;
  free(in);
  return t;
}

void sh_hash_add(const char *path) {
  for (int i = 0; i < nhashed; i++) if (!strcmp(hashed[i], path)) return;
  hashed = realloc(hashed, (nhashed + 1) * sizeof *hashed);
  hashed[nhashed++] = sh_strdup(path);
}

static int bi_hash(int argc, char **argv) {
  int i = 1, st = 0;
  for (; i < argc && argv[i][0] == '-'; i++) {
    if (!strcmp(argv[i], "--")) { i++; break; }
    if (strcmp(argv[i], "-r")) { sh_err("hash: Illegal option %s", argv[i]); return 2; }
    sh_hash_clear();
  }
  /* in dash's table order: bucket ((first char << 4) + sum of chars) % 31 of the name */
  for (unsigned b = 0; argc == 1 && b < 31; b++)
    for (int k = 0; k < nhashed; k++) {
      const unsigned char *n = (const unsigned char *)strrchr(hashed[k], '/') + 1;
      unsigned h = *n << 4;
      for (const unsigned char *c = n; *c; c++) h += *c;
      if ((h & 0x7fff) % 31 == b) printf("%s\n", hashed[k]);
    }
  for (; i < argc; i++) {
    char *path;
    int k = sh_lookup(argv[i], &path);
    if (k == 5) sh_hash_add(path);
    else if (!k) { sh_err("hash: %s: not found", argv[i]); st = 1; }
    free(path);
  }
  return st;
}

static const struct { const char *name; sh_builtin_fn fn; char special; } builtins[] = {
  {".", bi_dot, 1}, {":", bi_true, 1}, {"[", sh_test, 0}, {"alias", sh_alias_cmd, 0}, {"break", bi_break, 1},
  {"cd", bi_cd, 0}, {"command", bi_command, 0}, {"continue", bi_break, 1},
  {"echo", sh_echo, 0}, {"eval", bi_eval, 1}, {"exec", bi_exec, 1}, {"exit", bi_exit, 1},
  {"export", bi_export, 1}, {"false", bi_false, 0}, {"getopts", bi_getopts, 0}, {"hash", bi_hash, 0}, {"local", bi_local, 0},
  {"printf", sh_printf, 0}, {"pwd", bi_pwd, 0}, {"read", bi_read, 0},
  {"readonly", bi_export, 1}, {"return", bi_return, 1}, {"set", bi_set, 1},
  {"shift", bi_shift, 1}, {"source", bi_dot, 1}, {"test", sh_test, 0}, {"trap", bi_trap, 1},
  {"true", bi_true, 0}, {"type", bi_type, 0}, {"umask", bi_umask, 0}, {"unalias", sh_unalias_cmd, 0}, {"unset", bi_unset, 1},
  {"wait", bi_true, 0},
};

sh_builtin_fn sh_builtin(const char *name, int *special) {
  for (size_t i = 0; i < sizeof builtins / sizeof *builtins; i++)
    if (!strcmp(builtins[i].name, name)) { *special = builtins[i].special; return builtins[i].fn; }
  return 0;
}
