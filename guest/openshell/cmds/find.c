/* usage: find [PATH...] [EXPRESSION]
 *
 * Walk each PATH (default .) and print the names that match EXPRESSION.
 * Entries of a directory are visited in name order (C locale).
 * -name PAT	base name matches shell pattern PAT (-iname: ignoring case)
 * -path PAT	whole path matches PAT
 * -type C	file type: f regular, d directory, l symbolic link
 * -maxdepth N	descend at most N levels below the PATHs (-mindepth N: at least)
 * -empty	empty file or directory
 * -size [+-]N[cwbkMG]	size in units (512-byte blocks by default), rounded up: more, less, exactly
 *		(a directory counts 4 KiB: WASI reports none)
 * -mtime [+-]N	modified N days ago (-mmin: minutes), fractions dropped
 * -newer FILE	modified more recently than FILE
 * -prune	do not descend into this directory
 * -depth	visit a directory's entries before the directory
 * -delete	delete the file or empty directory (implies -depth)
 * -print	print the path (the default action)
 * -exec CMD {} ;	run a utility (or sh) for each match ({} + to batch)
 * ! EXPR, -not EXPR, EXPR -a EXPR, EXPR -o EXPR, ( EXPR )	combine tests */
#include "lib/lib.h"
#include <dirent.h>
#include <fnmatch.h>
#include <time.h>
#include <unistd.h>

/* rarely hot: optimised for size (the module has a size budget) */
#pragma clang attribute push (__attribute__((minsize)), apply_to = function)

static char **expr;   /* the expression words */
static int nexpr, pos, has_action, maxdepth, mindepth, bad, depth_first, pruned;
static time_t now;
static const char *cur_path;
static struct stat cur_st;
static int eval_ok;

/* batched -exec ... {} +: pending paths per exec position */
struct batch { int at; char **paths; int n; };
static struct batch batches[8];
static int nbatches;

static int run_exec(int start, int end, char **paths, int npaths) {
  /* expr[start..end) is the command with {} placeholders */
  int argc = 0;
  char **argv = malloc((end - start + npaths + 1) * sizeof *argv);
  char **owned = malloc((end - start + 1) * sizeof *owned);
  int nowned = 0;
  for (int i = start; i < end; i++) {
    char *w = expr[i];
    if (!strcmp(w, "{}") && npaths != 1) {
      for (int k = 0; k < npaths; k++) argv[argc++] = paths[k];
      continue;
    }
    char *hit = strstr(w, "{}");
    if (!hit) { argv[argc++] = w; continue; }
    size_t pl = strlen(paths[0]);
    char *s = malloc(strlen(w) * (pl + 1) + 1), *o = s;
    for (const char *p = w; *p;) {
      if (p[0] == '{' && p[1] == '}') { memcpy(o, paths[0], pl); o += pl; p += 2; }
      else *o++ = *p++;
    }
    *o = 0;
    argv[argc++] = owned[nowned++] = s;
  }
  argv[argc] = NULL;
  int st = run_command(argc, argv);
  if (st < 0) { error_msg("'%s': No such file or directory", argv[0]); st = 127; bad = 1; }
  for (int i = 0; i < nowned; i++) free(owned[i]);
  free(owned);
  free(argv);
  return st;
}

static int eval_or(int skip);

static int eval_primary(int skip) {
  if (pos >= nexpr) { { error_msg("expected an expression"); eval_ok = 0; } return 0; }
  char *w = expr[pos++];
  if (!strcmp(w, "!") || !strcmp(w, "-not")) return !eval_primary(skip);
  if (!strcmp(w, "(")) {
    int r = eval_or(skip);
    if (pos < nexpr && !strcmp(expr[pos], ")")) pos++;
    else if (eval_ok) { error_msg("expected a ')'"); eval_ok = 0; }
    return r;
  }
  if (!strcmp(w, "-print")) { if (!skip) printf("%s\n", cur_path); return 1; }
  if (!strcmp(w, "-print0")) { if (!skip) { fputs(cur_path, stdout); putchar(0); } return 1; }
  if (!strcmp(w, "-true")) return 1;
  if (!strcmp(w, "-false")) return 0;
  if (!strcmp(w, "-empty")) {
    if (S_ISREG(cur_st.st_mode)) return cur_st.st_size == 0;
    if (!S_ISDIR(cur_st.st_mode) || skip) return 0;
    DIR *d = opendir(cur_path);
    int empty = 1;
    struct dirent *e;
    while (d && (e = readdir(d))) if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) { empty = 0; break; }
    if (d) closedir(d);
    return empty;
  }
  if (!strcmp(w, "-maxdepth") || !strcmp(w, "-mindepth")) { pos++; return 1; }
  if (!strcmp(w, "-depth")) return 1;
  if (!strcmp(w, "-prune")) { if (!skip) pruned = 1; return 1; }
  if (!strcmp(w, "-delete")) {
    if (skip || !strcmp(cur_path, ".")) return 1;
    if (!(S_ISDIR(cur_st.st_mode) ? rmdir(cur_path) : unlink(cur_path))) return 1;
    perror_msg("cannot delete '%s'", cur_path);
    return 0;
  }
  if (!strcmp(w, "-exec")) {
    int start = pos;
    while (pos < nexpr && strcmp(expr[pos], ";") && !(strcmp(expr[pos], "+") == 0 && !strcmp(expr[pos - 1], "{}"))) pos++;
    int end = pos++;
    if (skip) return 1;
    if (end < nexpr && !strcmp(expr[end], "+")) {
      struct batch *b = NULL;
      for (int i = 0; i < nbatches; i++) if (batches[i].at == start) b = &batches[i];
      if (!b && nbatches < 8) { b = &batches[nbatches++]; b->at = start; b->paths = NULL; b->n = 0; }
      if (b) { b->paths = realloc(b->paths, (b->n + 1) * sizeof *b->paths); b->paths[b->n++] = strdup(cur_path); }
      return 1;
    }
    char *p = (char *)cur_path;
    return run_exec(start, end, &p, 1) == 0;
  }
  if (pos >= nexpr) { error_msg("missing argument to `%s'", w); eval_ok = 0; return 0; }
  char *arg = expr[pos++];
  if (!strcmp(w, "-name") || !strcmp(w, "-iname")) {
    return !fnmatch(arg, base_name(cur_path), w[1] == 'i' ? FNM_CASEFOLD : 0);
  }
  if (!strcmp(w, "-path") || !strcmp(w, "-wholename")) return !fnmatch(arg, cur_path, 0);
  if (!strcmp(w, "-newer")) {
    struct stat ref;
    if (stat(arg, &ref)) { if (skip) { perror_msg("'%s'", arg); eval_ok = 0; } return 0; }
    return cur_st.st_mtim.tv_sec > ref.st_mtim.tv_sec || (cur_st.st_mtim.tv_sec == ref.st_mtim.tv_sec && cur_st.st_mtim.tv_nsec > ref.st_mtim.tv_nsec);
  }
  if (!strcmp(w, "-size") || !strcmp(w, "-mtime") || !strcmp(w, "-mmin")) {
    /* [+-]N: more than, less than, exactly N units, after rounding */
    int cmp = *arg == '+' ? 1 : *arg == '-' ? -1 : 0;
    char *end;
    const char *num = arg + (cmp != 0);
    long long n = strtoll(num, &end, 10), unit = w[1] == 's' ? 512 : w[2] == 't' ? 86400 : 60, v;
    if (w[1] == 's' && *end && !end[1] && strchr("cwbkMG", *end))
      unit = *end == 'c' ? 1 : *end == 'w' ? 2 : *end == 'b' ? 512 : *end == 'k' ? 1024 : *end == 'M' ? 1048576 : 1073741824, end++;
    if (end == num || *end || *num < '0' || *num > '9') {
      if (!skip) return 0;
      error_msg("invalid argument `%s' to `%s'", arg, w);
      eval_ok = 0;
      return 0;
    }
    if (w[1] == 's') v = ((S_ISDIR(cur_st.st_mode) ? 4096 : cur_st.st_size) + unit - 1) / unit;  /* a directory counts 4 KiB, as in du */
    else { long long age = now - cur_st.st_mtim.tv_sec; v = age >= 0 ? age / unit : -((-age + unit - 1) / unit); }
    return cmp > 0 ? v > n : cmp < 0 ? v < n : v == n;
  }
  if (!strcmp(w, "-type")) {
    mode_t m = cur_st.st_mode;
    switch (*arg) {
    case 'f': return S_ISREG(m);
    case 'd': return S_ISDIR(m);
    case 'l': return S_ISLNK(m);
    case 'p': return S_ISFIFO(m);
    case 's': return S_ISSOCK(m);
    case 'c': return S_ISCHR(m);
    case 'b': return S_ISBLK(m);
    }
    { error_msg("Unknown argument to -type: %s", arg); eval_ok = 0; }
    return 0;
  }
  { error_msg("unknown predicate `%s'", w); eval_ok = 0; }
  return 0;
}

static int eval_and(int skip) {
  int r = eval_primary(skip);
  while (pos < nexpr && strcmp(expr[pos], "-o") && strcmp(expr[pos], "-or") && strcmp(expr[pos], ")")) {
    if (!strcmp(expr[pos], "-a") || !strcmp(expr[pos], "-and")) pos++;
    int r2 = eval_primary(skip || !r);
    r = r && r2;
  }
  return r;
}

static int eval_or(int skip) {
  int r = eval_and(skip);
  while (pos < nexpr && (!strcmp(expr[pos], "-o") || !strcmp(expr[pos], "-or"))) {
    pos++;
    int r2 = eval_and(skip || r);
    r = r || r2;
  }
  return r;
}

static int evaluate(const char *path, struct stat *st, int skip) {
  cur_path = path;
  cur_st = *st;
  pos = 0;
  if (!nexpr) { if (!skip) printf("%s\n", path); return 1; }
  int r = eval_or(skip);
  if (pos < nexpr && eval_ok) { error_msg("unexpected `%s'", expr[pos]); eval_ok = 0; }
  if (r && !has_action && !skip) printf("%s\n", path);
  return r;
}


static void walk(const char *path, int depth) {
  struct stat st;
  if ((!*path && (errno = ENOENT)) || lstat(path, &st)) { perror_msg("'%s'", path); return; }
  pruned = 0;
  if (depth >= mindepth && !depth_first) evaluate(path, &st, 0);
  if (!eval_ok || !S_ISDIR(st.st_mode) || (maxdepth >= 0 && depth >= maxdepth) || (pruned && !depth_first)) goto post;
  size_t n;
  char **names = dir_names(path, &n);
  if (!names) { perror_msg("'%s'", path); return; }
  for (size_t i = 0; i < n; i++) {
    char *p = path_join(path, names[i]);
    if (eval_ok) walk(p, depth + 1);
    free(p);
  }
  free_names(names, n);
post:
  if (depth >= mindepth && depth_first && eval_ok) evaluate(path, &st, 0);
}

int find_main(int argc, char **argv) {
  toys.name = "find";
  toys.exitval = 0;
  if (argc == 2 && !strcmp(argv[1], "--help")) return show_help();
  int i = 1;
  while (i < argc && argv[i][0] != '-' && strcmp(argv[i], "!") && strcmp(argv[i], "(")) i++;
  char **paths = argv + 1;
  int npaths = i - 1;
  expr = argv + i;
  nexpr = argc - i;
  has_action = bad = nbatches = depth_first = 0;
  now = time(NULL);
  maxdepth = -1;
  mindepth = 0;
  eval_ok = 1;
  for (int k = 0; k < nexpr; k++) {
    char *w = expr[k];
    if (!strcmp(w, "-print") || !strcmp(w, "-print0") || !strcmp(w, "-exec") || !strcmp(w, "-delete")) has_action = 1;
    if (!strcmp(w, "-depth") || !strcmp(w, "-delete")) depth_first = 1;
    if ((!strcmp(w, "-maxdepth") || !strcmp(w, "-mindepth"))) {
      long long v;
      if (k + 1 >= nexpr) { error_msg("missing argument to `%s'", w); return 1; }
      if (parse_long(expr[k + 1], &v) || v < 0) { error_msg("Expected a positive decimal integer argument to %s, but got `%s'", w, expr[k + 1]); return 1; }
      if (w[1] == 'm' && w[2] == 'a') maxdepth = v; else mindepth = v;
    }
  }
  /* check the expression once, without effects, so errors come before output */
  struct stat dummy;
  memset(&dummy, 0, sizeof dummy);
  evaluate(".", &dummy, 1);
  if (!eval_ok) return 1;
  char *dot[] = {"."};
  if (!npaths) { paths = dot; npaths = 1; }
  for (int k = 0; k < npaths && eval_ok; k++) walk(paths[k], 0);
  for (int b = 0; b < nbatches; b++) {
    int start = batches[b].at, end = start;
    while (strcmp(expr[end], "+")) end++;
    if (batches[b].n && run_exec(start, end, batches[b].paths, batches[b].n)) toys.exitval = 1;
    for (int k = 0; k < batches[b].n; k++) free(batches[b].paths[k]);
    free(batches[b].paths);
  }
  if (!eval_ok || bad) toys.exitval = 1;
  return finish();
}

#pragma clang attribute pop
