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

/* batched -exec ... {} +: pending paths per exec position */
struct batch { int at; char **paths; int n; };

GLOBALS(find,
  char **expr; /* the expression words */
  int nexpr, pos, has_action, maxdepth, mindepth, bad, depth_first, pruned;
  time_t now;
  struct stat cur_st;
  int eval_ok;
  struct batch batches[8];
  int nbatches;
  const char *cur_path;
);

static int run_exec(int start, int end, char **paths, int npaths) {
  /* expr[start..end) is the command with {} placeholders */
  int argc = 0;
  char **argv = malloc((end - start + npaths + 1) * sizeof *argv);
  char **owned = malloc((end - start + 1) * sizeof *owned);
  int nowned = 0;
  for (int i = start; i < end; i++) {
    char *w = TT.expr[i];
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
  if (st < 0) { error_msg("'%s': No such file or directory", argv[0]); st = 127; TT.bad = 1; }
  for (int i = 0; i < nowned; i++) free(owned[i]);
  free(owned);
  free(argv);
  return st;
}

static int eval_or(int skip);

static int eval_primary(int skip) {
  if (TT.pos >= TT.nexpr) { { error_msg("expected an expression"); TT.eval_ok = 0; } return 0; }
  char *w = TT.expr[TT.pos++];
  if (!strcmp(w, "!") || !strcmp(w, "-not")) return !eval_primary(skip);
  if (!strcmp(w, "(")) {
    int r = eval_or(skip);
    if (TT.pos < TT.nexpr && !strcmp(TT.expr[TT.pos], ")")) TT.pos++;
    else if (TT.eval_ok) { error_msg("expected a ')'"); TT.eval_ok = 0; }
    return r;
  }
  if (!strcmp(w, "-print")) { if (!skip) printf("%s\n", TT.cur_path); return 1; }
  if (!strcmp(w, "-print0")) { if (!skip) { fputs(TT.cur_path, stdout); putchar(0); } return 1; }
  if (!strcmp(w, "-true")) return 1;
  if (!strcmp(w, "-false")) return 0;
  if (!strcmp(w, "-empty")) {
    if (S_ISREG(TT.cur_st.st_mode)) return TT.cur_st.st_size == 0;
    if (!S_ISDIR(TT.cur_st.st_mode) || skip) return 0;
    DIR *d = opendir(TT.cur_path);
    int empty = 1;
    struct dirent *e;
    while (d && (e = readdir(d))) if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) { empty = 0; break; }
    if (d) closedir(d);
    return empty;
  }
  if (!strcmp(w, "-maxdepth") || !strcmp(w, "-mindepth")) { TT.pos++; return 1; }
  if (!strcmp(w, "-depth")) return 1;
  if (!strcmp(w, "-prune")) { if (!skip) TT.pruned = 1; return 1; }
  if (!strcmp(w, "-delete")) {
    if (skip || !strcmp(TT.cur_path, ".")) return 1;
    if (!(S_ISDIR(TT.cur_st.st_mode) ? rmdir(TT.cur_path) : unlink(TT.cur_path))) return 1;
    perror_msg("cannot delete '%s'", TT.cur_path);
    return 0;
  }
  if (!strcmp(w, "-exec")) {
    int start = TT.pos;
    while (TT.pos < TT.nexpr && strcmp(TT.expr[TT.pos], ";") && !(strcmp(TT.expr[TT.pos], "+") == 0 && !strcmp(TT.expr[TT.pos - 1], "{}"))) TT.pos++;
    int end = TT.pos++;
    if (skip) return 1;
    if (end < TT.nexpr && !strcmp(TT.expr[end], "+")) {
      struct batch *b = NULL;
      for (int i = 0; i < TT.nbatches; i++) if (TT.batches[i].at == start) b = &TT.batches[i];
      if (!b && TT.nbatches < 8) { b = &TT.batches[TT.nbatches++]; b->at = start; b->paths = NULL; b->n = 0; }
      if (b) { b->paths = realloc(b->paths, (b->n + 1) * sizeof *b->paths); b->paths[b->n++] = strdup(TT.cur_path); }
      return 1;
    }
    char *p = (char *)TT.cur_path;
    return run_exec(start, end, &p, 1) == 0;
  }
  if (TT.pos >= TT.nexpr) { error_msg("missing argument to `%s'", w); TT.eval_ok = 0; return 0; }
  char *arg = TT.expr[TT.pos++];
  if (!strcmp(w, "-name") || !strcmp(w, "-iname")) {
    return !fnmatch(arg, base_name(TT.cur_path), w[1] == 'i' ? FNM_CASEFOLD : 0);
  }
  if (!strcmp(w, "-path") || !strcmp(w, "-wholename")) return !fnmatch(arg, TT.cur_path, 0);
  if (!strcmp(w, "-newer")) {
    struct stat ref;
    if (stat(arg, &ref)) { if (skip) { perror_msg("'%s'", arg); TT.eval_ok = 0; } return 0; }
    return TT.cur_st.st_mtim.tv_sec > ref.st_mtim.tv_sec || (TT.cur_st.st_mtim.tv_sec == ref.st_mtim.tv_sec && TT.cur_st.st_mtim.tv_nsec > ref.st_mtim.tv_nsec);
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
      TT.eval_ok = 0;
      return 0;
    }
    if (w[1] == 's') v = ((S_ISDIR(TT.cur_st.st_mode) ? 4096 : TT.cur_st.st_size) + unit - 1) / unit;  /* a directory counts 4 KiB, as in du */
    else { long long age = TT.now - TT.cur_st.st_mtim.tv_sec; v = age >= 0 ? age / unit : -((-age + unit - 1) / unit); }
    return cmp > 0 ? v > n : cmp < 0 ? v < n : v == n;
  }
  if (!strcmp(w, "-type")) {
    mode_t m = TT.cur_st.st_mode;
    switch (*arg) {
    case 'f': return S_ISREG(m);
    case 'd': return S_ISDIR(m);
    case 'l': return S_ISLNK(m);
    case 'p': return S_ISFIFO(m);
    case 's': return S_ISSOCK(m);
    case 'c': return S_ISCHR(m);
    case 'b': return S_ISBLK(m);
    }
    { error_msg("Unknown argument to -type: %s", arg); TT.eval_ok = 0; }
    return 0;
  }
  { error_msg("unknown predicate `%s'", w); TT.eval_ok = 0; }
  return 0;
}

static int eval_and(int skip) {
  int r = eval_primary(skip);
  while (TT.pos < TT.nexpr && strcmp(TT.expr[TT.pos], "-o") && strcmp(TT.expr[TT.pos], "-or") && strcmp(TT.expr[TT.pos], ")")) {
    if (!strcmp(TT.expr[TT.pos], "-a") || !strcmp(TT.expr[TT.pos], "-and")) TT.pos++;
    int r2 = eval_primary(skip || !r);
    r = r && r2;
  }
  return r;
}

static int eval_or(int skip) {
  int r = eval_and(skip);
  while (TT.pos < TT.nexpr && (!strcmp(TT.expr[TT.pos], "-o") || !strcmp(TT.expr[TT.pos], "-or"))) {
    TT.pos++;
    int r2 = eval_and(skip || r);
    r = r || r2;
  }
  return r;
}

static int evaluate(const char *path, struct stat *st, int skip) {
  TT.cur_path = path;
  TT.cur_st = *st;
  TT.pos = 0;
  if (!TT.nexpr) { if (!skip) printf("%s\n", path); return 1; }
  int r = eval_or(skip);
  if (TT.pos < TT.nexpr && TT.eval_ok) { error_msg("unexpected `%s'", TT.expr[TT.pos]); TT.eval_ok = 0; }
  if (r && !TT.has_action && !skip) printf("%s\n", path);
  return r;
}


static void walk(const char *path, int depth) {
  struct stat st;
  if ((!*path && (errno = ENOENT)) || lstat(path, &st)) { perror_msg("'%s'", path); return; }
  TT.pruned = 0;
  if (depth >= TT.mindepth && !TT.depth_first) evaluate(path, &st, 0);
  if (!TT.eval_ok || !S_ISDIR(st.st_mode) || (TT.maxdepth >= 0 && depth >= TT.maxdepth) || (TT.pruned && !TT.depth_first)) goto post;
  size_t n;
  char **names = dir_names(path, &n);
  if (!names) { perror_msg("'%s'", path); return; }
  for (size_t i = 0; i < n; i++) {
    char *p = path_join(path, names[i]);
    if (TT.eval_ok) walk(p, depth + 1);
    free(p);
  }
  free_names(names, n);
post:
  if (depth >= TT.mindepth && TT.depth_first && TT.eval_ok) evaluate(path, &st, 0);
}

int find_main(int argc, char **argv) {
  toys.name = "find";
  toys.exitval = 0;
  if (argc == 2 && !strcmp(argv[1], "--help")) return show_help();
  int i = 1;
  while (i < argc && argv[i][0] != '-' && strcmp(argv[i], "!") && strcmp(argv[i], "(")) i++;
  char **paths = argv + 1;
  int npaths = i - 1;
  TT.expr = argv + i;
  TT.nexpr = argc - i;
  TT.now = time(NULL);
  TT.maxdepth = -1;
  TT.eval_ok = 1;
  for (int k = 0; k < TT.nexpr; k++) {
    char *w = TT.expr[k];
    if (!strcmp(w, "-print") || !strcmp(w, "-print0") || !strcmp(w, "-exec") || !strcmp(w, "-delete")) TT.has_action = 1;
    if (!strcmp(w, "-depth") || !strcmp(w, "-delete")) TT.depth_first = 1;
    if ((!strcmp(w, "-maxdepth") || !strcmp(w, "-mindepth"))) {
      long long v;
      if (k + 1 >= TT.nexpr) { error_msg("missing argument to `%s'", w); return 1; }
      if (parse_long(TT.expr[k + 1], &v) || v < 0) { error_msg("Expected a positive decimal integer argument to %s, but got `%s'", w, TT.expr[k + 1]); return 1; }
      if (w[1] == 'm' && w[2] == 'a') TT.maxdepth = v; else TT.mindepth = v;
    }
  }
  /* check the expression once, without effects, so errors come before output */
  struct stat dummy;
  memset(&dummy, 0, sizeof dummy);
  evaluate(".", &dummy, 1);
  if (!TT.eval_ok) return 1;
  char *dot[] = {"."};
  if (!npaths) { paths = dot; npaths = 1; }
  for (int k = 0; k < npaths && TT.eval_ok; k++) walk(paths[k], 0);
  for (int b = 0; b < TT.nbatches; b++) {
    int start = TT.batches[b].at, end = start;
    while (strcmp(TT.expr[end], "+")) end++;
    if (TT.batches[b].n && run_exec(start, end, TT.batches[b].paths, TT.batches[b].n)) toys.exitval = 1;
    for (int k = 0; k < TT.batches[b].n; k++) free(TT.batches[b].paths[k]);
    free(TT.batches[b].paths);
  }
  if (!TT.eval_ok || TT.bad) toys.exitval = 1;
  return finish();
}

#pragma clang attribute pop
