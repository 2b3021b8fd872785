/* Running parse trees. Without fork, a subshell is the same process with its state
 * saved and restored, a pipeline runs its stages one after another through temp
 * files, and utilities are called in-process from the multi-call table. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "lib/commands.h"
#include "sh.h"

extern char **environ;

/* ---- functions ---- */

struct func { char *name; struct node *body; };
static struct func *funcs;
static int nfuncs;

struct node *sh_find_func(const char *name) {
  for (int i = 0; i < nfuncs; i++) if (!strcmp(funcs[i].name, name)) return funcs[i].body;
  return 0;
}

void sh_set_func(const char *name, struct node *body) {
  for (int i = 0; i < nfuncs; i++)
    if (!strcmp(funcs[i].name, name)) { funcs[i].body = body; return; }
  funcs = realloc(funcs, (nfuncs + 1) * sizeof *funcs);
  funcs[nfuncs].name = sh_strdup(name);
  funcs[nfuncs++].body = body;
}

void sh_unset_func(const char *name) {
  for (int i = 0; i < nfuncs; i++)
    if (!strcmp(funcs[i].name, name)) { free(funcs[i].name); funcs[i] = funcs[--nfuncs]; return; }
}

void sh_funcs_each(void (*fn)(void *, const char *, struct node *), void *ctx) {
  for (int i = 0; i < nfuncs; i++) fn(ctx, funcs[i].name, funcs[i].body);
}

void sh_fresh_state(void) {
  for (int i = 0; i < nfuncs; i++) free(funcs[i].name);
  nfuncs = 0;
  sh_vars_keep_exported();
  sh_aliases_clear();
  sh_setvar("IFS", " \t\n", 0);
  sh.opt_a = sh.opt_C = 0;
}

/* ---- subshell state ---- */

struct saved_state {
  struct var *vars; int nvars;
  struct func *funcs; int nfuncs;
  char **pos; int npos;
  char *arg0, *cwd;
  int opts[8], loops, funcs_depth, redir, umask, optind, optoff;
  void *aliases;
};

struct saved_state *sh_save_state(void) {
  struct saved_state *s = sh_alloc(sizeof *s);
  s->vars = sh_vars_save(&s->nvars);
  s->funcs = sh_alloc((nfuncs + 1) * sizeof *funcs);
  for (int i = 0; i < nfuncs; i++) {
    s->funcs[i].name = sh_strdup(funcs[i].name);
    s->funcs[i].body = funcs[i].body;
  }
  s->nfuncs = nfuncs;
  s->pos = sh_argv_dup(sh.pos);
  s->npos = sh.npos;
  s->arg0 = sh_strdup(sh.arg0);
  s->cwd = getcwd(0, 0);
  int o[8] = {sh.opt_e, sh.opt_u, sh.opt_x, sh.opt_f, sh.opt_n, sh.opt_pipefail, sh.opt_a, sh.opt_C};
  memcpy(s->opts, o, sizeof o);
  s->umask = sh.umask;
  s->optind = sh.optind;
  s->optoff = sh.optoff;
  s->aliases = sh_aliases_save();
  s->loops = sh.loops;
  s->funcs_depth = sh.funcs;
  s->redir = sh_redir_mark();
  return s;
}

void sh_restore_state(struct saved_state *s) {
  sh_redir_pop(s->redir);
  sh_vars_restore(s->vars, s->nvars);
  for (int i = 0; i < nfuncs; i++) free(funcs[i].name);
  free(funcs);
  funcs = s->funcs;
  nfuncs = s->nfuncs;
  sh_argv_free(sh.pos);
  sh.pos = s->pos;
  sh.npos = s->npos;
  free(sh.arg0);
  sh.arg0 = s->arg0;
  if (s->cwd) {
    char *now = getcwd(0, 0);
    if (!now || strcmp(now, s->cwd)) chdir(s->cwd);
    free(now);
    free(s->cwd);
  }
  sh.opt_e = s->opts[0]; sh.opt_u = s->opts[1]; sh.opt_x = s->opts[2];
  sh.opt_f = s->opts[3]; sh.opt_n = s->opts[4]; sh.opt_pipefail = s->opts[5];
  sh.opt_a = s->opts[6]; sh.opt_C = s->opts[7];
  sh.umask = s->umask;
  sh.optind = s->optind;
  sh.optoff = s->optoff;
  sh_aliases_restore(s->aliases);
  sh.loops = s->loops;
  sh.funcs = s->funcs_depth;
  free(s);
}

int sh_subshell(struct node *n) {
  struct saved_state *s = sh_save_state();
  int line = sh.line;
  char *trap = sh_exit_trap;   /* a subshell starts without the EXIT trap */
  sh_exit_trap = 0;
  sh.in_sub++;
  int st = sh_exec(n);
  if (sh.unwind == U_EXIT) st = sh.status;
  sh.unwind = U_NONE;
  sh.status = st;
  sh_exit_trap_run();
  st = sh.status;
  sh_exit_trap = trap;
  sh.in_sub--;
  sh_restore_state(s);
  sh.line = line;
  return sh.status = st;
}

char *sh_subst(struct node *n) {
  char *tmp = sh_tempfile();
  if (!tmp) { sh.subst_status = sh.status = 2; return 0; }
  int mark = sh_redir_mark(), st = 0, old = sh.status;   /* $? is not changed mid-expansion */
  if (sh_redir_fd(1, tmp, O_WRONLY | O_TRUNC | O_APPEND) == 0) st = n ? sh_subshell(n) : 0;
  sh_redir_pop(mark);
  struct strbuf b = {0};
  FILE *f = fopen(tmp, "r");
  if (f) {
    char buf[4096];
    size_t k;
    while ((k = fread(buf, 1, sizeof buf, f)) > 0) sb_add(&b, buf, k);
    fclose(f);
  }
  unlink(tmp);
  free(tmp);
  while (b.len && b.s[b.len - 1] == '\n') b.s[--b.len] = 0;
  sh.subst_status = st;
  sh.status = old;
  return sb_take(&b);
}

/* ---- command lookup ---- */

static const struct command *utility(const char *name) {
  for (int lo = 0, hi = openshell_command_count - 1; lo <= hi;) {
    int mid = (lo + hi) / 2, c = strcmp(name, openshell_commands[mid].name);
    if (!c) return &openshell_commands[mid];
    if (c < 0) hi = mid - 1; else lo = mid + 1;
  }
  return 0;
}

static char *path_search(const char *name) {
  const char *path = sh_getvar("PATH");
  if (!path) path = "/bin:/usr/bin";
  for (const char *p = path;; p++) {
    const char *e = strchr(p, ':');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    struct strbuf b = {0};
    if (n) sb_add(&b, p, n); else sb_addc(&b, '.');
    sb_addc(&b, '/');
    sb_adds(&b, name);
    struct stat st;
    if (!stat(b.s, &st) && !S_ISDIR(st.st_mode)) return b.s;
    free(b.s);
    if (!e) return 0;
    p = e;
  }
}

int sh_lookup(const char *name, char **path) {
  int special;
  *path = 0;
  if (sh_is_keyword(name)) return 1;
  if (sh_find_func(name)) return 2;
  if (sh_builtin(name, &special)) return special ? 3 : 4;
  if (strchr(name, '/')) return 0;
  if ((*path = path_search(name))) return 5;
  return 0;
}

/* A utility in the table for a path like /bin/cat (the engine puts every command there). */
static const struct command *utility_at(const char *path) {
  const char *base = strrchr(path, '/') + 1;
  size_t dlen = base - path - 1;
  static const char *const dirs[] = {"/bin", "/usr/bin", "/sbin", "/usr/sbin", "/usr/local/bin", 0};
  for (int i = 0; dirs[i]; i++)
    if (strlen(dirs[i]) == dlen && !strncmp(path, dirs[i], dlen)) return utility(base);
  return 0;
}

static int is_shell(const char *path) {
  return !strcmp(path, "/bin/sh") || !strcmp(path, "/usr/bin/sh");
}

static int nested(int argc, char **argv, char **assigns) {
  void *mark = sh_locals_mark();
  for (int i = 0; assigns && assigns[i]; i++) {
    sh_local(assigns[i]);
    char *n = sh_strndup(assigns[i], strchr(assigns[i], '=') - assigns[i]);
    sh_var_setflags(n, V_EXPORT);
    free(n);
  }
  int st = sh_nested(argc, argv);
  sh_locals_pop(mark);
  return st;
}

/* ---- running commands ---- */

static int run_utility(const struct command *c, int argc, char **argv, char **assigns) {
  char **env = sh_environ(assigns), **saved_env = environ;
  char **owned = sh_argv_dup(argv), **args = sh_alloc((argc + 1) * sizeof *args);
  memcpy(args, owned, (argc + 1) * sizeof *args);   /* the utility may reorder args */
  sh_stdio_reset();
  environ = env;
  int st = command_run(c, argc, args);
  environ = saved_env;
  sh_stdio_reset();
  free(args);
  sh_argv_free(owned);
  sh_argv_free(env);
  return st & 255;
}

static int call_func(struct node *body, int argc, char **argv) {
  if (sh.funcs >= 1000) { sh_fatal(2, "Maximum function recursion depth (1000) reached"); return 2; }
  char **opos = sh.pos;
  int onpos = sh.npos, optind = sh.optind, optoff = sh.optoff;   /* the caller's getopts state */
  sh.pos = 0;
  sh_set_pos(argv + 1, argc - 1);
  void *mark = sh_locals_mark();
  int loops = sh.loops;   /* break does not reach loops outside the function */
  sh.loops = 0;
  sh.funcs++;
  int st = sh_exec(body);
  sh.funcs--;
  sh.loops = loops;
  if (sh.unwind == U_RETURN) { sh.unwind = U_NONE; st = sh.status; }
  sh_locals_pop(mark);
  sh_argv_free(sh.pos);
  sh.pos = opos;
  sh.npos = onpos;
  sh.optind = optind;
  sh.optoff = optoff;
  return st;
}

/* A file run as a command: a #! shell script runs in a fresh shell (sh FILE ARGS);
 * anything else cannot run here. */
static int run_file(const char *path, int argc, char **argv, char **assigns) {
  struct stat st;
  if (stat(path, &st)) { sh_err("%s: not found", argv[0]); return 127; }
  FILE *f = S_ISDIR(st.st_mode) ? 0 : fopen(path, "r");
  char head[128] = "";
  if (f) {
    if (!fgets(head, sizeof head, f)) head[0] = 0;
    fclose(f);
  }
  if (strncmp(head, "#!", 2) || !strstr(head, "sh") || access(path, X_OK)) {
    sh_err("%s: Permission denied", argv[0]);
    return 126;
  }
  char **args = sh_alloc((argc + 2) * sizeof *args);
  args[0] = "sh";
  args[1] = (char *)path;
  for (int i = 1; i < argc; i++) args[i + 1] = argv[i];
  int rc = nested(argc + 1, args, assigns);
  free(args);
  return rc;
}

static void trace(char **assigns, char **argv) {
  fputs("+", stderr);
  for (int i = 0; assigns && assigns[i]; i++) fprintf(stderr, " %s", assigns[i]);
  for (int i = 0; argv[i]; i++) fprintf(stderr, " %s", argv[i]);
  fputc('\n', stderr);
}

static int run_argv(int argc, char **argv, char **assigns, int skip_funcs) {
  const char *name = argv[0];
  int special;
  struct node *fn;
  sh_builtin_fn bi = sh_builtin(name, &special);
  if (bi && special) {
    for (int i = 0; assigns && assigns[i]; i++) sh_assign(assigns[i], 0);
    int st = bi(argc, argv);
    fflush(stdout);
    fflush(stderr);
    return st;
  }
  if ((fn = skip_funcs ? 0 : sh_find_func(name)) || bi) {
    void *mark = sh_locals_mark();   /* prefix assignments last for this command only */
    int keep = !assigns || !assigns[0];   /* and `local` must outlive its own call */
    for (int i = 0; assigns && assigns[i]; i++) sh_local(assigns[i]);
    for (int i = 0; assigns && assigns[i]; i++) {
      char *n = sh_strndup(assigns[i], strchr(assigns[i], '=') - assigns[i]);
      sh_var_setflags(n, V_EXPORT);
      free(n);
    }
    int st = fn ? call_func(fn, argc, argv) : bi(argc, argv);
    fflush(stdout);
    fflush(stderr);
    if (!keep) sh_locals_pop(mark);
    return st;
  }
  if (!strchr(name, '/')) {
    char *path = path_search(name);
    if (path) sh_hash_add(path);
    const struct command *c = path ? utility_at(path) : 0;
    if (c) { free(path); return run_utility(c, argc, argv, assigns); }
    if (path && is_shell(path)) { free(path); return nested(argc, argv, assigns); }
    if (!path) { sh_err("%s: not found", name); return 127; }
    int st = run_file(path, argc, argv, assigns);
    free(path);
    return st;
  }
  const struct command *c = utility_at(name);
  struct stat st;
  if (c && !stat(name, &st)) return run_utility(c, argc, argv, assigns);
  if (is_shell(name) && !stat(name, &st)) return nested(argc, argv, assigns);
  return run_file(name, argc, argv, assigns);
}

int sh_exec_argv(char **argv, int skip_funcs) {
  return run_argv(sh_argv_len(argv), argv, 0, skip_funcs);
}

static int exec_cmd(struct node *n) {
  sh.line = n->line;
  sh.subst_status = -1;
  char **argv = sh_expand_command(n->words);
  int argc = sh_argv_len(argv), st = 0, na = sh_argv_len(n->assigns);
  char **assigns = sh_alloc((na + 1) * sizeof *assigns);
  for (int i = 0; i < na && !sh.unwind; i++) {
    const char *eq = strchr(n->assigns[i], '=');
    char *v = sh_expand_assign(eq + 1);
    size_t l = eq - n->assigns[i] + 1;
    assigns[i] = sh_alloc(l + strlen(v) + 1);
    memcpy(assigns[i], n->assigns[i], l);
    strcpy(assigns[i] + l, v);
    free(v);
    if (!argc && !sh.unwind) sh_assign(assigns[i], 0);   /* a=1 b=$a: in order */
  }
  if (sh.unwind) goto out;
  if (sh.opt_x) trace(assigns, argv);
  int mark = sh_redir_mark();
  if (!argc) {
    st = sh.unwind ? sh.status : sh.subst_status >= 0 ? sh.subst_status : 0;
    if (!sh.unwind && sh_redirect(n->redirs)) st = 2;
    sh_redir_pop(mark);
    goto out;
  }
  if (sh_redirect(n->redirs)) {
    st = sh.unwind ? sh.status : 2;
    int special;   /* a special builtin's redirection error ends the shell, as in dash */
    if (sh_builtin(argv[0], &special) && special && !sh.unwind) { sh.status = 2; sh.unwind = U_EXIT; sh.fatal = 1; }
    goto out;
  }
  st = run_argv(argc, argv, assigns, 0);
  /* `exec` with only redirections keeps them for the rest of the shell */
  if (!(argc == 1 && !strcmp(argv[0], "exec"))) sh_redir_pop(mark);
out:
  sh_argv_free(argv);
  sh_argv_free(assigns);
  return sh.unwind == U_EXIT ? sh.status : st;
}

static int exec_pipe(struct node *n) {
  int ns = 1;
  for (struct node *m = n; m->type == N_PIPE; m = m->a) ns++;
  struct node **stages = sh_alloc(ns * sizeof *stages), *m = n;
  for (int i = 0; i < ns - 1; i++, m = m->a) stages[i] = m->b;   /* last stage first */
  stages[ns - 1] = m;
  char *prev = 0;
  int st = 0;
  for (int i = ns - 1; i >= 0; i--) {
    int mark = sh_redir_mark();
    char *out = 0;
    if (prev) sh_redir_fd(0, prev, O_RDONLY);
    if (i > 0 && !(out = sh_tempfile())) { st = 2; sh_redir_pop(mark); break; }   /* reported */
    if (out) sh_redir_fd(1, out, O_WRONLY | O_TRUNC | O_APPEND);
    int s = sh_subshell(stages[i]);
    if (s || !sh.opt_pipefail) st = s;   /* pipefail: the rightmost failure */
    sh_redir_pop(mark);
    if (prev) { unlink(prev); free(prev); }
    prev = out;
  }
  if (prev) { unlink(prev); free(prev); }
  free(stages);
  return st;
}

/* Loop bodies: returns 1 when the loop must stop (break, or anything else unwinding). */
static int loop_unwind(void) {
  if (sh.unwind == U_BREAK) {
    if (--sh.unwind_n <= 0) sh.unwind = U_NONE;
    return 1;
  }
  if (sh.unwind == U_CONTINUE) {
    if (--sh.unwind_n > 0) return 1;
    sh.unwind = U_NONE;
    return 0;
  }
  return sh.unwind != U_NONE;
}

static int exec_node(struct node *n) {
  int st = 0;
  switch (n->type) {
  case N_CMD: return exec_cmd(n);
  case N_PIPE: return exec_pipe(n);
  case N_SEQ:
    sh_exec(n->a);
    return sh.unwind ? sh.status : sh_exec(n->b);
  case N_AND:
  case N_OR:
    sh.noerrexit++;
    st = sh_exec(n->a);
    sh.noerrexit--;
    if (!sh.unwind && (st == 0) == (n->type == N_AND)) st = sh_exec(n->b);
    return st;
  case N_NOT:
    sh.noerrexit++;
    st = sh_exec(n->a);
    sh.noerrexit--;
    return sh.unwind ? st : !st;
  case N_SUB: return sh_subshell(n->a);
  case N_GROUP: return sh_exec(n->a);
  case N_BG: sh_subshell(n->a); return 0;
  case N_FUNC: sh_set_func(n->name, n->a); return 0;
  case N_IF:
    sh.noerrexit++;
    st = sh_exec(n->a);
    sh.noerrexit--;
    if (sh.unwind) return st;
    if (!st) return sh_exec(n->b);
    return n->c ? sh_exec(n->c) : 0;
  case N_WHILE:
  case N_UNTIL:
    sh.loops++;
    for (;;) {
      sh.noerrexit++;
      int c = sh_exec(n->a);
      sh.noerrexit--;
      if (sh.unwind) { if (loop_unwind()) break; continue; }
      if ((c == 0) != (n->type == N_WHILE)) break;
      st = sh_exec(n->b);
      if (sh.unwind && loop_unwind()) break;
    }
    sh.loops--;
    return sh.unwind == U_EXIT || sh.unwind == U_RETURN ? sh.status : st;
  case N_FOR: {
    char **list = n->words ? sh_expand_words(n->words) : sh_argv_dup(sh.pos);
    if (sh.unwind) { sh_argv_free(list); return sh.status; }
    sh.loops++;
    for (int i = 0; list[i]; i++) {
      if (sh_setvar(n->name, list[i], 0)) break;
      st = sh_exec(n->a);
      if (sh.unwind && loop_unwind()) break;
    }
    sh.loops--;
    sh_argv_free(list);
    return sh.unwind == U_EXIT || sh.unwind == U_RETURN ? sh.status : st;
  }
  case N_CASE: {
    char *w = sh_expand_str(n->name);
    for (struct caseitem *it = n->items; it && !sh.unwind; it = it->next)
      for (int i = 0; it->pats && it->pats[i] && !sh.unwind; i++) {
        char *p = sh_expand_pat(it->pats[i]);
        int m = sh_match(p, w);
        free(p);
        if (m) { free(w); return it->body ? sh_exec(it->body) : 0; }
      }
    free(w);
    return sh.unwind ? sh.status : 0;
  }
  }
  return 0;
}

int sh_exec(struct node *n) {
  if (!n) return sh.status = 0;
  if (sh_too_deep()) return sh.status;
  int st, mark = sh_redir_mark();
  if (n->type != N_CMD && n->type != N_FUNC && n->redirs && sh_redirect(n->redirs))
    return sh.status = sh.unwind ? sh.status : 2;
  st = exec_node(n);
  if (n->type != N_CMD && n->redirs) sh_redir_pop(mark);   /* so `exec >file` lasts */
  if (sh.unwind == U_EXIT) return sh.status;
  sh.status = st;
  if (sh.opt_e && st && !sh.noerrexit && !sh.unwind &&
      (n->type == N_CMD || n->type == N_PIPE || n->type == N_SUB)) {
    sh.unwind = U_EXIT;
  }
  return st;
}

int sh_run_string(const char *src, int line) {
  struct parser *p = sh_parser_new(src, line);
  for (;;) {
    int eof;
    struct node *n = sh_parse_line(p, &eof);
    if (eof || !n || sh.unwind) break;
    if (!sh.opt_n) sh_exec(n);
    if (sh.unwind) break;
  }
  sh_parser_free(p);
  return sh.status;
}
