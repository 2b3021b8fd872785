/* OpenShell's POSIX shell: shared types and entry points.
 *
 * WASI has no fork, exec, pipe or dup, so everything runs in this one process:
 * utilities are called through the multi-call table, pipeline stages run one after
 * another through temp files, subshells save and restore the shell state, and
 * control flow (exit, return, break) unwinds through return codes, not longjmp. */
#ifndef OPENSHELL_SH_H
#define OPENSHELL_SH_H

#include <stddef.h>
#include <stdint.h>

/* Parse tree. Words are kept as source text (quotes included) and expanded when run. */
enum { N_CMD, N_PIPE, N_AND, N_OR, N_SEQ, N_NOT, N_SUB, N_GROUP, N_IF, N_WHILE,
       N_UNTIL, N_FOR, N_CASE, N_FUNC, N_BG };
enum { R_IN, R_OUT, R_APPEND, R_CLOBBER, R_RDWR, R_DUPIN, R_DUPOUT, R_HEREDOC };

struct redir {
  struct redir *next;
  int fd, type, quoted;   /* quoted: here-document delimiter was quoted, no expansion */
  char *word;             /* target word, or here-document body */
};

struct caseitem {
  struct caseitem *next;
  char **pats;
  struct node *body;
};

struct node {
  int type, line;
  struct node *a, *b, *c;   /* children: left/right, cond/then/else, body */
  char **words;             /* N_CMD: argv words; N_FOR: the list (NULL: "$@") */
  char **assigns;           /* N_CMD: NAME=value prefixes */
  char *name;               /* N_FOR variable, N_FUNC name, N_CASE subject */
  struct caseitem *items;
  struct redir *redirs;
};

/* Unwinding requests, set by exit/return/break/continue and fatal errors. */
enum { U_NONE, U_BREAK, U_CONTINUE, U_RETURN, U_EXIT };

struct shell {
  int status;              /* $? */
  int unwind, unwind_n;    /* pending U_* and its count (break 2) */
  int loops, funcs, dots;  /* nesting, to validate break/return (return also ends a . script) */
  int noerrexit;           /* >0 inside if/while conditions and && || ! operands */
  int opt_e, opt_u, opt_x, opt_f, opt_n;
  int opt_pipefail;        /* set -o pipefail (not in dash; scripts written for bash use it) */
  int opt_a, opt_C;        /* set -a (allexport), set -C (noclobber) */
  int umask;               /* kept for umask; WASI files have no modes */
  int optind, optoff;      /* getopts: next argument, offset in a cluster (-1: none), as dash */
  int fatal;               /* the pending U_EXIT comes from an error (`command` catches it) */
  char *arg0;              /* $0, also the prefix of error messages */
  char **pos; int npos;    /* $1... */
  int line;                /* line of the command running, for messages */
  int subst_status;        /* status of the last command substitution */
  int in_sub;              /* >0 in a subshell */
  int in_eval;             /* >0 while eval runs: syntax errors say so */
};
extern struct shell sh;

/* util.c */
void *sh_alloc(size_t n);
char *sh_strdup(const char *s);
char *sh_strndup(const char *s, size_t n);
void sh_err(const char *fmt, ...);          /* "$0: LINE: msg" on stderr */
void sh_fatal(int status, const char *fmt, ...); /* message, then exit the (sub)shell */
char **sh_argv_dup(char **v);
void sh_argv_free(char **v);
int sh_argv_len(char **v);
int sh_isname(const char *s, size_t n);
int sh_number(const char *s, long *out);    /* whole string a decimal integer */
extern char *sh_stack_base;
int sh_too_deep(void);                      /* reports and unwinds when recursion is too deep */

struct strbuf { char *s; size_t len, cap; };
void sb_addc(struct strbuf *b, int c);
void sb_add(struct strbuf *b, const char *s, size_t n);
void sb_adds(struct strbuf *b, const char *s);
char *sb_take(struct strbuf *b);

/* parse.c */
struct parser;
struct parser *sh_parser_new(const char *src, int line);
/* Next complete command line; *eof set at end of input. NULL with sh.unwind set on syntax error. */
struct node *sh_parse_line(struct parser *p, int *eof);
void sh_parser_free(struct parser *p);
struct node *sh_parse_partial(const char *text, int *line, int more, size_t *used, int *state);
int sh_is_keyword(const char *s);
struct node *sh_parse_subst(const char *s, size_t *len); /* after "$("; *len 0 on error */

/* exec.c */
int sh_run_string(const char *src, int line);   /* parse and run; used by eval, -c, files */
int sh_exec(struct node *n);
int sh_subshell(struct node *n);
struct node *sh_find_func(const char *name);
void sh_set_func(const char *name, struct node *body);
void sh_unset_func(const char *name);
int sh_exec_argv(char **argv, int skip_funcs);
/* What a command name is: 0 none, 1 keyword, 2 function, 3 special builtin, 4 builtin, 5 utility */
int sh_lookup(const char *name, char **path);
char *sh_subst(struct node *n);                  /* output, trailing newlines removed */
struct saved_state;
int sh_nested(int argc, char **argv);
extern char *sh_exit_trap;
void sh_exit_trap_run(void);           /* `sh ...` as a command */
void sh_fresh_state(void);                      /* a new shell: exports only, no functions */
void sh_vars_from_environ(void);                /* variables := environ (a shell run by a utility) */
struct saved_state *sh_save_state(void);
void sh_restore_state(struct saved_state *s);

/* expand.c: fields of a list of words; a single string; a pattern for fnmatch. */
char **sh_expand_words(char **words);
char **sh_expand_command(char **words);         /* a simple command's words (declarations) */
char *sh_expand_str(const char *word);
char *sh_expand_pat(const char *word);
char *sh_expand_heredoc(const char *body);
char *sh_expand_assign(const char *value);       /* NAME=value: ~ also after ':' */

/* arith.c */
int sh_arith(const char *expr, intmax_t *out);      /* 0 ok; prints error and returns -1 */

/* var.c */
enum { V_EXPORT = 1, V_RDONLY = 2 };
const char *sh_getvar(const char *name);
int sh_setvar(const char *name, const char *value, int flags); /* -1 if read-only */
int sh_unsetvar(const char *name);
int sh_assign(const char *word, int flags);     /* "NAME=value" */
void sh_var_setflags(const char *name, int flags);
char **sh_environ(char **extra);                /* exported vars plus NAME=value extras */
void sh_var_print(int flags, const char *prefix);
struct var;
struct var *sh_vars_save(int *n);
void sh_vars_restore(struct var *v, int n);
void sh_local(const char *word);                /* `local` inside a function */
void *sh_locals_mark(void);
void sh_locals_pop(void *mark);
void sh_vars_keep_exported(void);
void sh_set_pos(char **argv, int n);            /* copies */
char *sh_quote(const char *s);                  /* 'single quoted' form for set/export -p */

/* session.c: the interactive session of sandbox-exec -it (state kept between execs) */
void sh_session_init(void);
int sh_session_active(void);
int sh_session_run(const char *script);
void sh_session_emit(void);
int sh_session_tty(const char *fd);
void sh_vars_each(void (*fn)(void *ctx, const char *name, const char *value, int flags), void *ctx);
void sh_funcs_each(void (*fn)(void *ctx, const char *name, struct node *body), void *ctx);
void sh_aliases_each(void (*fn)(void *ctx, const char *name, const char *value), void *ctx);

/* alias.c */
const char *sh_alias(const char *name);         /* its value, or NULL */
void *sh_aliases_save(void);                    /* subshells and fresh shells */
void sh_aliases_restore(void *saved);
void sh_aliases_clear(void);
int sh_alias_cmd(int argc, char **argv);
int sh_unalias_cmd(int argc, char **argv);
int sh_match(const char *pat, const char *s);   /* shell pattern (2.13) in the C locale */

/* builtins.c: getopts state reset when OPTIND is assigned */
void sh_getopts_reset(const char *value);
void sh_hash_clear(void);
void sh_hash_add(const char *path);             /* a command found in PATH */
void *sh_hash_swap(void *saved);                /* install saved (NULL: empty), return the old */

/* redir.c */
int sh_redir_mark(void);
int sh_redirect(struct redir *r);               /* 0 ok; prints error, restores, returns 1 */
int sh_redir_fd(int fd, const char *path, int flags);
void sh_redir_pop(int mark);
void sh_stdio_reset(void);
char *sh_tempfile(void);                        /* creates an empty temp file, returns path */

/* builtins.c */
typedef int (*sh_builtin_fn)(int argc, char **argv);
int sh_set_option(const char *name, int on);
sh_builtin_fn sh_builtin(const char *name, int *special);
int sh_printf(int argc, char **argv);
int sh_test(int argc, char **argv);
int sh_echo(int argc, char **argv);

#endif
