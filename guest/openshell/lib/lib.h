/* Shared helpers for the utilities in cmds/ (toybox lib/lib.c style).
 *
 * Every utility runs in-process inside the shell: it returns its exit status and
 * never calls exit(). Writing one, cmds/NAME.c:
 * - starts with a comment "usage: NAME ..." that is its --help text (the build puts
 *   it in the command table; it is written nowhere else);
 * - keeps its mutable state in GLOBALS(NAME, fields...), read as TT.field: the
 *   dispatcher zeroes it before each run, so nothing is reset by hand;
 * - parses options with toy_init(): a bitmask read with FLAG('x'), option arguments
 *   with OPTARG('x'), numeric ones with NUM('x'), operands in toys.optargs. */
#ifndef OPENSHELL_LIB_H
#define OPENSHELL_LIB_H

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "lib/commands.h"

#define NFLAGS 64

struct toy_ctx {
  const struct command *which; /* the command running (set by command_run) */
  const char *name;           /* basename of argv[0] */
  unsigned long long flags;   /* bit flagbit(c) set when -c was given */
  char *arg[NFLAGS];          /* last argument of an option taking one */
  long long num[NFLAGS];      /* the value of a "c#" option's argument, without its sign */
  char **list[NFLAGS];        /* every argument of a "c*" option, NULL-terminated */
  char **optargs;             /* operands, NULL-terminated */
  int optc;                   /* number of operands */
  int exitval;                /* status so far; error_msg sets it to 1 */
  int usage_status;           /* status for usage errors (1, or 2 for ls/grep) */
  void *alloc[NFLAGS + 1];    /* what toy_init allocated, freed by the next call */
};
extern struct toy_ctx toys;

static inline int flagbit(int c) {
  if (c >= 'a' && c <= 'z') return c - 'a';
  if (c >= 'A' && c <= 'Z') return 26 + c - 'A';
  if (c >= '0' && c <= '9') return 52 + c - '0';
  return 62;
}
#define FLAG(c) ((int)((toys.flags >> flagbit(c)) & 1))
#define OPTARG(c) (toys.arg[flagbit(c)])
#define NUM(c) (toys.num[flagbit(c)])

/* The command's state: GLOBALS(name, int a; char *b;) at file scope declares TT
 * (TT.a, TT.b), zeroed by command_run before each run of the command. */
#define GLOBALS(name, ...) \
  static struct { __VA_ARGS__ } TT; \
  const struct toy_state name##_state = {&TT, sizeof TT}

/* spec: option letters; "c:" takes an argument, "c*" collects every argument,
 * "c?" takes an optional attached one, "c#" takes an integer ([+-]DIGITS: NUM(c)
 * is its value without the sign, *OPTARG(c) shows the sign; anything else is
 * "invalid number of LONG: 'ARG'", status 1), "(long)" after an option names a
 * --long alias. "[-abc]": of these, the one given last counts (the others are
 * cleared); "[!abc]": two of them together are a usage error. Leading '^':
 * options end at the first operand. Leading '~': "-5" style negative numbers are
 * operands. Leading "-c": a first argument -DIGITS means -c DIGITS (head -5).
 * The help text is the running command's (toys.which).
 * Returns nonzero when the utility must return toys.exitval at once (--help, usage error). */
int toy_init(int argc, char **argv, const char *spec, int usage_status);
int show_help(void);                       /* print the help text, status 0 (true, false) */

void error_msg(const char *fmt, ...);      /* "name: msg", status 1 */
void perror_msg(const char *fmt, ...);     /* "name: msg: strerror(errno)", status 1 */
int usage_error(const char *fmt, ...);     /* "name: msg" + Try line, returns usage status */
int finish(void);                          /* flush stdout, report write errors, return status */

FILE *open_input(const char *path);        /* "-" is stdin; reports failure itself */
void close_input(FILE *f);
char *read_all(FILE *f, size_t *len);      /* whole stream, NUL-terminated */
int write_all(int fd, const void *buf, size_t len);
/* open(path, O_WRONLY|O_CREAT|O_TRUNC) with the truncation done by ftruncate: wasmer
 * 0.16 keeps a file's old size as the append position after an O_TRUNC open, so a
 * later ">>" would leave a hole of NULs. */
int open_truncate(const char *path, mode_t mode);
FILE *fopen_truncate(const char *path);

const char *base_name(const char *path);   /* last component, trailing slashes ignored */
char *path_join(const char *dir, const char *name); /* malloc'd dir/name */
/* The names in directory `path` except . and .., sorted (C locale), malloc'd;
 * NULL with errno set when it cannot be opened. Free with free_names. */
char **dir_names(const char *path, size_t *count);
void free_names(char **names, size_t count);
int parse_long(const char *s, long long *out); /* whole string a decimal integer */
int unescape_char(const char **s);         /* \n \t \\ \NNN etc. after the backslash */

/* The shell runs pipeline stages one after another through temp files
 * ($TMPDIR or /tmp, named .osh*): stdin is such a file when it has the same
 * inode as one of them. Utilities that act differently on pipes (wc's column
 * width) use this to behave as they would on a real pipe. */
int stdin_is_pipe(void);
const char *enclave_hostname(void);    /* /etc/hostname's first line, or "openshell" */

/* Run a command of the multi-call table, or the shell, in-process (env, xargs,
 * find -exec). Returns its status, or -1 when there is no such command. */
int run_command(int argc, char **argv);
int sh_from_utility(int argc, char **argv);   /* the shell, started by a utility */

/* Copy src to dst (cp, mv): COPY_RECURSIVE copies directories too (symlinks as links),
 * COPY_TIMES keeps the source's times (cp -p/-a, mv). Reports errors. */
enum { COPY_RECURSIVE = 1, COPY_TIMES = 2 };
int copy_path(const char *src, const char *dst, int flags);
/* date -d, touch -d: @SECONDS or YYYY-MM-DD[( |T)HH:MM[:SS]][Z|UTC], in UTC. */
struct timespec;
int parse_date(const char *s, struct timespec *ts);
/* utimensat(AT_FDCWD, path, t, 0) done through an open descriptor (futimens): wasmer
 * 0.16's path_filestat_set_times sets the times of the directory descriptor, not of
 * the file (wasmerio/wasmer#6972), and answers success. A time the runtime does not
 * keep (directories) fails with ENOTSUP. */
int set_times(const char *path, const struct timespec t[2]);
/* For cp/mv-style SOURCE... DEST: 1 if DEST (the last operand) is a directory, 0 if
 * not, -1 (after the usual message) when several sources target a non-directory or an
 * operand is missing (then return finish()). */
int dest_operand_kind(void);
/* head/tail: -n NUM, -c NUM, -NUM (the last of -n and -c counts), -q -v (the last counts) */
#define COUNT_OPTIONS "-nn#(lines)c#(bytes)q(quiet)v(verbose)[-nc][-qv]"
/* head/tail: "==> NAME <==" before the index-th file shown, when several are
 * given (-v: always, -q: never). */
void count_header(const char *name, int index);
/* Remove path and, when recursive, everything below it (rm, mv). */
int remove_path(const char *path, int recursive, int force);

/* Create a unique file (or directory, dir=1) from a template ending in XXXXXX (at least 3 X):
 * the fd of the new file (0 for a directory), or -1 with errno set. */
int make_temp(char *tmpl, int dir);
int make_temp_suffix(char *tmpl, size_t suffix, int dir);  /* the X's end SUFFIX bytes before the end */

/* md5sum (0), sha1sum (1), sha256sum (2): print or -c check digests. */
int digest_main(int argc, char **argv, int algo);

enum { CANON_EXISTING, CANON_ALL_BUT_LAST, CANON_MISSING };
char *canonicalize(const char *path, int mode, int follow);

#endif
