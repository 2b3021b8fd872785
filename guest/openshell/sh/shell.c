/* Shell entry: sh -c SCRIPT [NAME [ARGS]], sh FILE [ARGS], or a script on stdin. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "sh.h"

struct shell sh;

static char *slurp(FILE *f) {
  struct strbuf b = {0};
  char buf[4096];
  size_t k;
  while ((k = fread(buf, 1, sizeof buf, f)) > 0) sb_add(&b, buf, k);
  return sb_take(&b);
}

static void init(void);

/* Run a script read from a pipe as it arrives, each command once it is complete,
 * so `sh` fed through stdin works interactively, like dash. */
static void run_stream(int fd) {
  struct strbuf buf = {0};
  size_t done = 0;
  int line = 1, eof = 0;
  while (!sh.unwind && !eof) {
    char chunk[4096];
    ssize_t n = read(fd, chunk, sizeof chunk);
    if (n > 0) sb_add(&buf, chunk, n); else eof = 1;
    while (!sh.unwind) {
      /* only whole lines, unless the input has ended */
      size_t end = buf.len, used;
      if (!eof) while (end > done && buf.s[end - 1] != '\n') end--;
      if (end <= done) break;
      char *text = sh_strndup(buf.s + done, end - done);
      int state;
      struct node *cmd = sh_parse_partial(text, &line, !eof, &used, &state);
      free(text);
      if (state == 1) break;                  /* wait for the rest of the command */
      if (state == 0) { done = end; break; }
      done += used;
      if (cmd && !sh.opt_n) sh_exec(cmd);
    }
  }
  free(buf.s);
}

/* The EXIT trap runs once, when the shell or subshell that set it ends. */
void sh_exit_trap_run(void) {
  if (!sh_exit_trap) return;
  char *t = sh_exit_trap;
  int st = sh.status;
  sh_exit_trap = 0;
  sh.unwind = U_NONE;
  sh_run_string(t, sh.line);
  if (sh.unwind != U_EXIT) sh.status = st;
  sh.unwind = U_NONE;
  free(t);
}

/* sh [-eux] [-c SCRIPT [NAME [ARGS]] | FILE [ARGS]]: the options, then the script. */
static int invoke(int argc, char **argv) {
  char *script = 0;
  int i = 1, cmd = 0;
  free(sh.arg0);
  sh.arg0 = sh_strdup(argv[0]);
  for (; i < argc && (argv[i][0] == '-' || argv[i][0] == '+') && argv[i][1]; i++) {
    if (!strcmp(argv[i], "--")) { i++; break; }
    for (char *c = argv[i] + 1; *c; c++) {
      int on = argv[i][0] == '-';
      switch (*c) {
      case 'c': cmd = 1; break;
      case 'e': sh.opt_e = on; break;
      case 'u': sh.opt_u = on; break;
      case 'x': sh.opt_x = on; break;
      case 'f': sh.opt_f = on; break;
      case 'n': sh.opt_n = on; break;
      case 'o':
        if (i + 1 < argc && sh_set_option(argv[i + 1], on) == 0) { i++; break; }
        fprintf(stderr, "%s: Illegal option -o %s\n", argv[0], i + 1 < argc ? argv[i + 1] : "");
        return 2;
      case 'a': sh.opt_a = on; break;
      case 'C': sh.opt_C = on; break;
      case 's': case 'i': case 'l': case 'v': break;
      default:
        fprintf(stderr, "%s: Illegal option %c%c\n", argv[0], argv[i][0], *c);
        return 2;
      }
    }
  }
  if (cmd) {
    if (i >= argc) { fprintf(stderr, "%s: -c requires an argument\n", argv[0]); return 2; }
    script = sh_strdup(argv[i++]);
    if (i < argc) { free(sh.arg0); sh.arg0 = sh_strdup(argv[i++]); }
  } else if (i < argc) {
    FILE *f = fopen(argv[i], "r");
    if (!f) {
      fprintf(stderr, "%s: 0: cannot open %s: No such file\n", argv[0], argv[i]);
      return 2;
    }
    script = slurp(f);
    fclose(f);
    free(sh.arg0);
    sh.arg0 = sh_strdup(argv[i++]);
  }
  sh_set_pos(argv + i, argc - i);
  sh_setvar("OPTIND", "1", 0);   /* also resets getopts */
  sh.status = 0;
  if (script && sh_session_active()) { int st = sh_session_run(script); free(script); return st; }
  if (script) sh_run_string(script, 1);
  else { sh_stdio_reset(); run_stream(0); }
  free(script);
  sh_exit_trap_run();
  return sh.status & 255;
}

/* A fresh shell in this process. Run from the shell (`sh ...`) it shares only exports;
 * run by a utility (xargs, find -exec, env) its variables are the utility's environ. */
static int nested_shell(int argc, char **argv, int from_environ) {
  char base;
  if (!sh_stack_base) sh_stack_base = &base;
  init();   /* a utility may run before any shell did (argv[0] dispatch) */
  struct saved_state *s = sh_save_state();
  char *trap = sh_exit_trap;
  int noerrexit = sh.noerrexit;
  sh_exit_trap = 0;
  void *hash = sh_hash_swap(0);
  sh_fresh_state();
  if (from_environ) sh_vars_from_environ();
  sh.opt_e = sh.opt_u = sh.opt_x = sh.opt_f = sh.opt_n = 0;
  sh.noerrexit = 0;
  int funcs = sh.funcs, dots = sh.dots;
  sh.funcs = sh.dots = 0;   /* a fresh shell's top-level return exits it */
  sh.in_sub++;
  int st = invoke(argc, argv);
  sh.unwind = U_NONE;
  sh.in_sub--;
  sh.funcs = funcs;
  sh.dots = dots;
  sh.noerrexit = noerrexit;
  sh_restore_state(s);
  sh_hash_clear();
  free(sh_hash_swap(hash));
  sh_exit_trap = trap;
  return st;
}

int sh_nested(int argc, char **argv) { return nested_shell(argc, argv, 0); }
int sh_from_utility(int argc, char **argv) { return nested_shell(argc, argv, 1); }

/* Variables from the environment, and the workspace as the working directory. */
static void init(void) {
  static int done;
  if (done++) return;
  getenv("PATH");   /* makes wasi-libc fill environ */
  sh_session_init();
  sh_vars_from_environ();
  sh_setvar("IFS", " \t\n", 0);
  sh.umask = 022;
  sh.arg0 = sh_strdup("sh");
  /* The guest starts in "/"; relative paths should mean the workspace, or the
   * directory the engine names in PWD (sandbox-exec -w DIR). */
  const char *start = getenv("PWD"), *home = getenv("HOME");
  struct stat st;
  if (start && start[0] == '/' && !stat(start, &st) && S_ISDIR(st.st_mode)) chdir(start);
  else if (home && !stat(home, &st) && S_ISDIR(st.st_mode)) chdir(home);
  char *cwd = getcwd(0, 0);
  if (cwd) { sh_setvar("PWD", cwd, V_EXPORT); free(cwd); }
}

int sh_main(int argc, char **argv) {
  char base;
  sh_stack_base = &base;
  init();
  int rc = invoke(argc, argv);
  sh_redir_pop(0);
  fflush(stdout);
  fflush(stderr);
  sh_session_emit();
  return rc;
}
