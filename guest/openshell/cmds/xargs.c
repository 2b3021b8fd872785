/* usage: xargs [-0rt] [-n MAX] [-s SIZE] [-E EOF] [-I STR] [COMMAND [ARG...]]
 *
 * Run COMMAND (default echo) with the words read from stdin appended as
 * arguments. Words are separated by blanks and newlines; quotes and backslash
 * work as in the shell. COMMAND is a utility of the enclave, or sh.
 * -n	use at most MAX words per command
 * -s	at most SIZE bytes per command line (each argument counts its length + 1)
 * -E	stop reading at the word (or -I line) EOF
 * -I	run once per input line, replacing STR in the arguments
 * -0	words are separated by NUL bytes only
 * -r	do not run COMMAND when there is no input
 * -t	print each command on stderr before running it */
#include "lib/lib.h"
#include <ctype.h>

/* optimised for size (the module has a size budget) */
#pragma clang attribute push (__attribute__((minsize)), apply_to = function)

GLOBALS(xargs,
  int status;
);

static int run(char **cmd, int ncmd, char **words, int nwords) {
  char **argv = malloc((ncmd + nwords + 1) * sizeof *argv);
  int argc = 0;
  for (int i = 0; i < ncmd; i++) argv[argc++] = cmd[i];
  for (int i = 0; i < nwords; i++) argv[argc++] = words[i];
  argv[argc] = NULL;
  if (FLAG('t')) {
    for (int i = 0; i < argc; i++) fprintf(stderr, "%s%s", i ? " " : "", argv[i]);
    fputc('\n', stderr);
  }
  int st = run_command(argc, argv);
  free(argv);
  if (st < 0) { errno = ENOENT; perror_msg("%s", cmd[0]); TT.status = 127; return -1; }
  if (st == 255) { error_msg("%s: exited with status 255; aborting", cmd[0]); TT.status = 124; return -1; }
  if (st) TT.status = 123;
  return 0;
}

int xargs_main(int argc, char **argv) {
  if (toy_init(argc, argv, "^0rtn:I:s:E:", 1)) return toys.exitval;
  long long max = 0, size = 0, base = 0;
  if (FLAG('n') && (parse_long(OPTARG('n'), &max) || max < 1))
    return error_msg("value %s for -n option should be >= 1", OPTARG('n')), 1;
  if (FLAG('s') && parse_long(OPTARG('s'), &size)) return usage_error("invalid number \"%s\" for -s option", OPTARG('s'));
  if (FLAG('s') && size < 1) return error_msg("value %s for -s option should be >= 1", OPTARG('s')), 1;
  const char *eof = OPTARG('E');
  if (eof && FLAG('0')) { fputs("xargs: warning: the -E option has no effect if -0 or -d is used.\n", stderr); eof = NULL; }
  if (eof && !*eof) eof = NULL;
  char *echo[] = {"echo"};
  char **cmd = toys.optc ? toys.optargs : echo;
  int ncmd = toys.optc ? toys.optc : 1;
  for (int k = 0; k < ncmd; k++) base += strlen(cmd[k]) + 1;
  if (size && base > size) return error_msg("cannot fit single argument within argument list size limit"), 1;
  clearerr(stdin);
  size_t len;
  char *in = read_all(stdin, &len);
  if (!in) return perror_msg("stdin"), 1;
  /* split into words in place */
  char **words = NULL;
  int n = 0;
  char *w = in, *o = in;
  for (size_t i = 0; i <= len;) {
    if (FLAG('0')) {
      char *end = memchr(in + i, 0, len - i);
      size_t l = end ? (size_t)(end - in - i) : len - i;
      if (l || end) { words = realloc(words, (n + 1) * sizeof *words); words[n++] = in + i; }
      i += l + 1;
      continue;
    }
    if (FLAG('I')) {  /* one line is one argument, leading blanks removed */
      char *end = memchr(in + i, '\n', len - i);
      size_t l = end ? (size_t)(end - in - i) : len - i;
      char *s = in + i;
      s[l] = 0;
      while (isblank((unsigned char)*s)) s++;
      if (eof && !strcmp(s, eof)) break;
      if (*s) { words = realloc(words, (n + 1) * sizeof *words); words[n++] = s; }
      i += l + 1;
      continue;
    }
    while (i < len && isspace((unsigned char)in[i])) i++;
    if (i >= len) break;
    w = o = in + i;
    int q = 0;
    for (; i < len; i++) {
      char c = in[i];
      if (q) { if (c == q) q = 0; else *o++ = c; continue; }
      if (c == '\'' || c == '"') { q = c; continue; }
      if (c == '\\' && i + 1 < len) { *o++ = in[++i]; continue; }
      if (isspace((unsigned char)c)) break;
      *o++ = c;
    }
    if (q) { error_msg("unmatched %s quote; by default quotes are special to xargs unless you use the -0 option", q == '"' ? "double" : "single"); free(words); free(in); return 1; }
    i++;
    *o = 0;
    if (eof && !strcmp(w, eof)) break;
    words = realloc(words, (n + 1) * sizeof *words);
    words[n++] = w;
  }
  if (FLAG('I')) {
    const char *rep = OPTARG('I');
    for (int k = 0; k < n; k++) {
      char **args = malloc((ncmd + 1) * sizeof *args);
      for (int a = 0; a < ncmd; a++) {
        const char *s = cmd[a];
        size_t rl = strlen(rep), wl = strlen(words[k]);
        char *out = malloc(strlen(s) * (wl + 1) + 1), *op = out;
        for (; *s;) {
          if (rl && !strncmp(s, rep, rl)) { memcpy(op, words[k], wl); op += wl; s += rl; }
          else *op++ = *s++;
        }
        *op = 0;
        args[a] = out;
      }
      int rc = run(args, ncmd, NULL, 0);
      for (int a = 0; a < ncmd; a++) free(args[a]);
      free(args);
      if (rc) break;
    }
  } else if (!n) {
    if (!FLAG('r')) run(cmd, ncmd, NULL, 0);
  } else {
    for (int k = 0, per; k < n; k += per) {
      long long len = base;
      for (per = 0; k + per < n && (!max || per < max); per++) {
        len += strlen(words[k + per]) + 1;
        if (size && len > size) break;
      }
      if (!per) { error_msg("argument line too long"); TT.status = 1; break; }
      if (run(cmd, ncmd, words + k, per)) break;
    }
  }
  free(words);
  free(in);
  toys.exitval = TT.status;
  return finish();
}

#pragma clang attribute pop
