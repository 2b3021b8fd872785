/* usage: grep [-EFGacHhiLlnoqrsvwx] [-A NUM] [-B NUM] [-C NUM] [-e PATTERN]... [-f FILE] [PATTERN] [FILE...]
 *
 * Print lines of each FILE (or stdin) that match a PATTERN (POSIX basic regex).
 * -E	extended regular expressions
 * -F	fixed strings
 * -G	basic regular expressions (default)
 * -e	a pattern (may repeat; a pattern with newlines is several)
 * -f	read patterns from FILE, one per line
 * -i	ignore case
 * -v	select non-matching lines
 * -c	print only a count of selected lines per file
 * -n	prefix lines with their line number
 * -H	always prefix lines with the file name; -h never
 * -l	print only names of files with a selected line; -L without
 * -o	print only the matching parts
 * -q	quiet: exit status only, stop at the first match
 * -r	search directories recursively (-R too)
 * -s	no messages about missing or unreadable files
 * -w	match whole words only
 * -x	match whole lines only
 * -a	treat binary files as text
 * -A	print NUM lines of context after each selected line; -B before; -C both
 * Exit status: 0 selected a line, 1 none, 2 error. */
#include "lib/lib.h"
#include <ctype.h>
#include <dirent.h>
#include <regex.h>

GLOBALS(grep,
  char **pats;
  regex_t *res;
  int npats, matched, errors, show_names, done, printed_any;
  long after_n, before_n;
);

static int is_word(int c) { return isalnum(c) || c == '_'; }

/* Find the first match of pattern i in line at or after offset from. */
static int find1(int i, const char *line, size_t len, size_t from, size_t *so, size_t *eo) {
  if (FLAG('F')) {
    size_t pl = strlen(TT.pats[i]);
    for (size_t s = from; s + pl <= len; s++)
      if (!(FLAG('i') ? strncasecmp(line + s, TT.pats[i], pl) : memcmp(line + s, TT.pats[i], pl))) {
        *so = s; *eo = s + pl;
        return 1;
      }
    return 0;
  }
  if (!*TT.pats[i]) { if (from > len) return 0; *so = *eo = from; return 1; }
  regmatch_t m;
  /* segment by segment, so text after a NUL byte (-a) is searched too */
  for (;;) {
    size_t seg = strlen(line + from);
    if (!regexec(&TT.res[i], line + from, 1, &m, (from ? REG_NOTBOL : 0) | (from + seg < len ? REG_NOTEOL : 0))) break;
    if (from + seg >= len) return 0;
    from += seg + 1;
  }
  *so = from + m.rm_so;
  *eo = from + m.rm_eo;
  return 1;
}

/* First match of any pattern honouring -w/-x; returns 1 and its bounds. */
static int find(const char *line, size_t len, size_t from, size_t *so, size_t *eo) {
  int found = 0;
  for (int i = 0; i < TT.npats; i++) {
    size_t s, e;
    for (size_t at = from; at <= len && find1(i, line, len, at, &s, &e); at = s + 1) {
      if (FLAG('x') && (s || e != len)) {
        if (FLAG('F') || !*TT.pats[i]) continue;
        break;  /* regexes are anchored when compiled for -x */
      }
      if (FLAG('w') && ((s && is_word((unsigned char)line[s - 1])) || (e < len && is_word((unsigned char)line[e])) || s == e))
        continue;
      if (!found || s < *so || (s == *so && e > *eo)) { *so = s; *eo = e; }
      found = 1;
      break;
    }
  }
  return found;
}

static void prefix(const char *name, long lineno, char sep) {
  if (TT.show_names) printf("%s%c", name, sep);
  if (FLAG('n')) printf("%ld%c", lineno, sep);
}

/* a context line (-A/-B/-C), or "--" between groups that are not adjacent */
static void context_line(const char *name, long lineno, const char *line, size_t len, long *last) {
  if (TT.printed_any && *last != lineno - 1) puts("--");
  TT.printed_any = 1;
  *last = lineno;
  if (!line || FLAG('o')) return;
  prefix(name, lineno, '-');
  fwrite(line, 1, len, stdout);
  putchar('\n');
}

static void grep_file(FILE *f, const char *name) {
  char *line = NULL, **ring = NULL;
  size_t cap = 0, *ring_len = NULL;
  ssize_t len;
  long lineno = 0, count = 0, last = -1, after = 0, nring = 0;
  int binary = 0, context = (TT.after_n || TT.before_n) && !FLAG('c') && !FLAG('l') && !FLAG('L') && !FLAG('q');
  if (context && TT.before_n) { ring = calloc(TT.before_n, sizeof *ring); ring_len = calloc(TT.before_n, sizeof *ring_len); }
  while (!TT.done && (len = getline(&line, &cap, f)) >= 0) {
    lineno++;
    if (len && line[len - 1] == '\n') line[--len] = 0;
    if (memchr(line, 0, len) && !FLAG('a')) binary = 1;
    size_t so, eo;
    int hit = find(line, len, 0, &so, &eo) != FLAG('v');
    if (!hit && context && !binary) {
      if (after > 0) { after--; context_line(name, lineno, line, len, &last); }
      else if (TT.before_n) {  /* remember it: it may be context before the next selected line */
        long k = nring++ % TT.before_n;
        free(ring[k]);
        ring[k] = memcpy(malloc(len + 1), line, len + 1);
        ring_len[k] = len;
      }
    }
    if (!hit) continue;
    if (context && !binary) {
      long first = nring > TT.before_n ? nring - TT.before_n : 0;
      for (long k = first; k < nring; k++) context_line(name, lineno - (nring - k), ring[k % TT.before_n], ring_len[k % TT.before_n], &last);
      nring = 0;
      after = TT.after_n;
      context_line(name, lineno, NULL, 0, &last);
    }
    count++;
    TT.matched = 1;
    if (FLAG('q')) { TT.done = 1; break; }
    if (FLAG('l') || FLAG('L')) break;
    if (FLAG('c')) continue;
    if (binary) {
      fflush(stdout);
      fprintf(stderr, "grep: %s: binary file matches\n", name);
      break;
    }
    if (FLAG('o')) {
      if (FLAG('v')) continue;
      for (size_t at = 0; at <= len && find(line, len, at, &so, &eo); at = eo > so ? eo : so + 1) {
        if (eo == so) continue;
        prefix(name, lineno, ':');
        fwrite(line + so, 1, eo - so, stdout);
        putchar('\n');
      }
      continue;
    }
    prefix(name, lineno, ':');
    fwrite(line, 1, len, stdout);
    putchar('\n');
  }
  if (ferror(f)) { if (!FLAG('s')) perror_msg("%s", name); TT.errors = 1; }
  free(line);
  for (long k = 0; ring && k < TT.before_n; k++) free(ring[k]);
  free(ring);
  free(ring_len);
  if (FLAG('c')) {
    if (TT.show_names) printf("%s:", name);
    printf("%ld\n", count);
  }
  if (FLAG('l') && count) printf("%s\n", name);
  if (FLAG('L') && !count) printf("%s\n", name);
}

static void grep_path(const char *path, int top) {
  struct stat st;
  if (!strcmp(path, "-") && top) { grep_file(open_input("-"), "(standard input)"); return; }
  if (stat(path, &st)) {
    if (!top && !lstat(path, &st)) return;  /* dangling link found while recursing */
    if (!FLAG('s')) perror_msg("%s", path);
    TT.errors = 1;
    return;
  }
  if (S_ISDIR(st.st_mode)) {
    if (!FLAG('r') && !FLAG('R')) { if (!FLAG('s')) error_msg("%s: Is a directory", path); TT.errors = 1; return; }
    size_t n;
    char **names = dir_names(path, &n);
    if (!names) { if (!FLAG('s')) perror_msg("%s", path); TT.errors = 1; return; }
    for (size_t i = 0; i < n; i++) {
      char *p = top == 2 ? strdup(names[i]) : path_join(path, names[i]);
      struct stat ls;
      if (!lstat(p, &ls) && (!S_ISLNK(ls.st_mode) || FLAG('R'))) grep_path(p, 0);
      free(p);
    }
    free_names(names, n);
    return;
  }
  FILE *f = fopen(path, "r");
  if (!f) { if (!FLAG('s')) perror_msg("%s", path); TT.errors = 1; return; }
  grep_file(f, path);
  fclose(f);
}

static void add_patterns(const char *s) {
  do {
    const char *nl = strchr(s, '\n');
    size_t l = nl ? (size_t)(nl - s) : strlen(s);
    TT.pats = realloc(TT.pats, (TT.npats + 1) * sizeof *TT.pats);
    TT.pats[TT.npats] = strndup(s, l);
    TT.npats++;
    s = nl ? nl + 1 : NULL;
  } while (s);
}

int grep_main(int argc, char **argv) {
  if (toy_init(argc, argv, "EFGacHhiLlnoqrRsvwxy(ignore-case)e*(regexp)f*(file)A:B:C:", 2)) return toys.exitval;
  long long ctx[3] = {0};
  for (int k = 0; k < 3; k++) {
    char *v = OPTARG("ABC"[k]);
    if (v && (parse_long(v, &ctx[k]) || ctx[k] < 0)) { error_msg("%s: invalid context length argument", v); return 2; }
  }
  TT.after_n = FLAG('A') ? ctx[0] : ctx[2];
  TT.before_n = FLAG('B') ? ctx[1] : ctx[2];
  char **ops = toys.optargs;
  if (FLAG('y')) toys.flags |= 1ULL << flagbit('i');
  for (char **e = toys.list[flagbit('e')]; e && *e; e++) add_patterns(*e);
  for (char **e = toys.list[flagbit('f')]; e && *e; e++) {
    FILE *f = open_input(*e);
    if (!f) { toys.exitval = 2; goto out; }
    size_t len;
    char *text = read_all(f, &len);
    close_input(f);
    if (len && text[len - 1] == '\n') text[len - 1] = 0;
    if (len) add_patterns(text);
    free(text);
  }
  if (!FLAG('e') && !FLAG('f')) {
    if (!*ops) return usage_error("no pattern given");
    add_patterns(*ops++);
  }
  TT.res = calloc(TT.npats ? TT.npats : 1, sizeof *TT.res);
  if (!FLAG('F'))
    for (int i = 0; i < TT.npats; i++) {
      if (!*TT.pats[i]) continue;
      char *p = TT.pats[i];
      if (FLAG('x')) {
        p = malloc(strlen(TT.pats[i]) + 7);
        sprintf(p, FLAG('E') ? "^(%s)$" : "^\\(%s\\)$", TT.pats[i]);
      }
      int rc = regcomp(&TT.res[i], p, (FLAG('E') ? REG_EXTENDED : 0) | (FLAG('i') ? REG_ICASE : 0));
      if (p != TT.pats[i]) free(p);
      if (rc) {
        char buf[256];
        regerror(rc, &TT.res[i], buf, sizeof buf);
        error_msg("%s", buf);
        toys.exitval = 2;
        for (int k = 0; k < i; k++) if (*TT.pats[k]) regfree(&TT.res[k]);
        goto out;
      }
    }
  int nfiles = 0;
  while (ops[nfiles]) nfiles++;
  int recursive = FLAG('r') || FLAG('R');
  TT.show_names = !FLAG('h') && (FLAG('H') || nfiles > 1 || recursive);
  if (!nfiles) {
    if (recursive) grep_path(".", 2);
    else grep_file(open_input("-"), "(standard input)");
  }
  for (int i = 0; i < nfiles && !TT.done; i++) grep_path(ops[i], 1);
  toys.exitval = TT.errors && !(FLAG('q') && TT.matched) ? 2 : TT.matched ? 0 : 1;
  if (TT.res && !FLAG('F'))
    for (int i = 0; i < TT.npats; i++) if (*TT.pats[i]) regfree(&TT.res[i]);
out:
  free(TT.res);
  for (int i = 0; i < TT.npats; i++) free(TT.pats[i]);
  free(TT.pats);
  return finish();
}
