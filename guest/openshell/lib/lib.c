/* Shared helpers: option parsing, error reporting, input and path helpers. */
#include "lib/lib.h"
#include "lib/commands.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio_ext.h>
#include <time.h>
#include <unistd.h>

struct toy_ctx toys;

static void reset(void) {
  const struct command *which = toys.which;
  for (int i = 0; i <= NFLAGS; i++) free(toys.alloc[i]);
  memset(&toys, 0, sizeof toys);
  toys.which = which;
}

/* The caller's options (a utility running this one, directly or through sh) and, for a
 * run nested in another run of c, c's state are kept aside and given back afterwards. */
int command_run(const struct command *c, int argc, char **argv) {
  const struct toy_state *s = c->state;
  void *outer = s ? malloc(s->size) : NULL;
  if (outer) memcpy(outer, s->p, s->size);
  if (s) memset(s->p, 0, s->size);
  struct toy_ctx caller = toys;
  memset(&toys, 0, sizeof toys);
  toys.which = c;
  optind = 0;
  opterr = 1;
  int status = c->main(argc, argv);
  for (int i = 0; i <= NFLAGS; i++) free(toys.alloc[i]);
  toys = caller;
  if (outer) memcpy(s->p, outer, s->size);
  free(outer);
  return status;
}

int show_help(void) {
  fputs(toys.which ? toys.which->help : "", stdout);
  return toys.exitval = 0;
}

/* Find option c in spec; return pointer to it (skipping "(long)" names) or NULL. */
static const char *find_short(const char *spec, int c) {
  for (const char *p = spec; *p; p++) {
    if (*p == '(' || *p == '[') {
      if (!(p = strchr(p, *p == '(' ? ')' : ']'))) break;
      continue;
    }
    if (strchr(":*?#^~", *p)) continue;
    if (*p == c) return p;
  }
  return NULL;
}

/* Find the option whose "(name)" matches long name n (length len). */
static const char *find_long(const char *spec, const char *n, size_t len) {
  const char *opt = NULL;
  for (const char *p = spec; *p; p++) {
    if (*p == '(') {
      const char *e = strchr(p, ')');
      if (!e) break;
      if ((size_t)(e - p - 1) == len && !strncmp(p + 1, n, len)) return opt;
      p = e;
    } else if (*p == '[') {
      if (!(p = strchr(p, ']'))) break;
    } else if (!strchr(":*?#", *p)) opt = p;
  }
  return NULL;
}

/* The first "(long)" name of option o, for messages. */
static int long_name(const char *o, const char **name) {
  const char *p = o + 1 + (o[1] && strchr(":*?#", o[1]));
  if (*p != '(') return 0;
  *name = p + 1;
  return strcspn(p + 1, ")");
}

#define TAKES_ARG(o) ((o)[1] == ':' || (o)[1] == '*' || (o)[1] == '#')

/* "c#": the argument is [+-]DIGITS; its value without the sign goes to toys.num. */
static int set_num(const char *o, const char *val) {
  const char *p = val + (*val == '+' || *val == '-'), *lname = "";
  long long v;
  if (parse_long(p, &v) || v < 0 || *p == '-' || *p == '+') {
    int len = long_name(o, &lname);
    error_msg("invalid number%s%.*s: '%s'", len ? " of " : "", len, lname, val);
    return -1;
  }
  toys.num[flagbit(*o)] = v;
  return 0;
}

/* "[-abc]" groups: setting c clears the others; "[!abc]": at most one may be set. */
static int groups(const char *spec, int c) {
  for (const char *g = strchr(spec, '['); g; g = strchr(g + 1, '[')) {
    const char *e = strchr(g, ']');
    if (!e) break;
    if (c && g[1] == '-' && memchr(g + 2, c, e - g - 2))
      for (const char *k = g + 2; k < e; k++)
        if (*k != c) toys.flags &= ~(1ULL << flagbit(*k));
    if (!c && g[1] == '!')
      for (const char *k = g + 2; k < e; k++)
        for (const char *m = k + 1; m < e; m++)
          if (FLAG(*k) && FLAG(*m)) return usage_error("options -%c and -%c are incompatible", *k, *m);
  }
  return 0;
}

static int set_opt(const char *spec, const char *o, char *val) {
  int b = flagbit(*o);
  if (o[1] == '#' && set_num(o, val)) return -1;
  groups(spec, *o);
  toys.flags |= 1ULL << b;
  if (TAKES_ARG(o) || o[1] == '?') toys.arg[b] = val;
  if (o[1] == '*') {
    int n = 0;
    char **l = toys.list[b];
    while (l && l[n]) n++;
    l = realloc(l, (n + 2) * sizeof *l);
    l[n] = val;
    l[n + 1] = NULL;
    toys.list[b] = l;
    toys.alloc[b] = l;
  }
  return 0;
}

static int looks_negative(const char *a) {
  if (a[0] != '-' || !a[1]) return 0;
  for (a++; *a; a++) if (!((*a >= '0' && *a <= '9') || *a == '.' || *a == 'e')) return 0;
  return 1;
}

int toy_init(int argc, char **argv, const char *spec, int usage_status) {
  reset();
  toys.name = base_name(argv[0]);
  toys.usage_status = usage_status;
  int stop_first = 0, negnum = 0, obsolete = 0;
  for (;; spec++) {
    if (*spec == '^') stop_first = 1;
    else if (*spec == '~') negnum = 1;
    else if (*spec == '-') obsolete = *++spec;
    else break;
  }
  char **ops = toys.alloc[NFLAGS] = malloc((argc + 1) * sizeof *ops);
  int n = 0, done = 0;
  for (int i = 1; i < argc; i++) {
    char *a = argv[i];
    if (obsolete && i == 1 && a[0] == '-' && a[1] >= '0' && a[1] <= '9' && !a[1 + strspn(a + 1, "0123456789")]) {
      if (set_opt(spec, find_short(spec, obsolete), a + 1)) return 1;
      continue;
    }
    if (done || a[0] != '-' || !a[1] || (negnum && looks_negative(a))) {
      ops[n++] = a;
      if (stop_first) done = 1;
      continue;
    }
    if (!strcmp(a, "--")) { done = 1; continue; }
    if (a[1] == '-') {
      char *eq = strchr(a + 2, '=');
      size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
      if (len == 7 && !strncmp(a + 2, "version", 7)) {
        printf("%s (OpenShell) 1.0\n", toys.name);
        toys.exitval = 0;
        return 1;
      }
      if (len == 4 && !strncmp(a + 2, "help", 4)) return show_help(), 1;
      const char *o = find_long(spec, a + 2, len);
      if (!o) return usage_error("unrecognized option '%s'", a), 1;
      char *val = NULL;
      if (TAKES_ARG(o)) {
        if (eq) val = eq + 1;
        else if (i + 1 < argc) val = argv[++i];
        else return usage_error("option '%s' requires an argument", a), 1;
      } else if (o[1] == '?') val = eq ? eq + 1 : "";
      else if (eq) return usage_error("option '--%.*s' doesn't allow an argument", (int)len, a + 2), 1;
      if (set_opt(spec, o, val)) return 1;
      continue;
    }
    for (int j = 1; a[j]; j++) {
      const char *o = find_short(spec, a[j]);
      if (!o) return usage_error("invalid option -- '%c'", a[j]), 1;
      if (TAKES_ARG(o)) {
        char *val = a[j + 1] ? a + j + 1 : (i + 1 < argc ? argv[++i] : NULL);
        if (!val) return usage_error("option requires an argument -- '%c'", a[j]), 1;
        if (set_opt(spec, o, val)) return 1;
        break;
      }
      set_opt(spec, o, o[1] == '?' ? a + j + 1 : NULL);
      if (o[1] == '?') break;  /* optional, attached only */
    }
  }
  ops[n] = NULL;
  toys.optargs = ops;
  toys.optc = n;
  return groups(spec, 0) ? 1 : 0;
}

static void vmsg(const char *fmt, va_list ap, const char *err) {
  fflush(stdout);
  fprintf(stderr, "%s: ", toys.name ? toys.name : "openshell");
  vfprintf(stderr, fmt, ap);
  if (err) fprintf(stderr, ": %s", err);
  fputc('\n', stderr);
}

void error_msg(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vmsg(fmt, ap, NULL);
  va_end(ap);
  toys.exitval = 1;
}

void perror_msg(const char *fmt, ...) {
  const char *err = strerror(errno);
  va_list ap;
  va_start(ap, fmt);
  vmsg(fmt, ap, err);
  va_end(ap);
  toys.exitval = 1;
}

int usage_error(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vmsg(fmt, ap, NULL);
  va_end(ap);
  fprintf(stderr, "Try '%s --help' for more information.\n", toys.name);
  return toys.exitval = toys.usage_status ? toys.usage_status : 1;
}

int finish(void) {
  if (fflush(stdout) || ferror(stdout)) {
    if (errno != EPIPE) {
      fprintf(stderr, "%s: write error: %s\n", toys.name, strerror(errno));
      if (!toys.exitval) toys.exitval = 1;
    }
    clearerr(stdout);
  }
  return toys.exitval;
}

FILE *open_input(const char *path) {
  if (!strcmp(path, "-")) {
    clearerr(stdin);
    return stdin;
  }
  /* the runtime resolves "" to the working directory; GNU: No such file or directory */
  FILE *f = *path ? fopen(path, "r") : (errno = ENOENT, NULL);
  if (!f) perror_msg("%s", *path ? path : "''");
  return f;
}

/* For stdin, give back what stdio read ahead but the utility did not use, so the
 * next command reading a seekable stdin starts right after it (as GNU head does). */
void close_input(FILE *f) {
  if (f == stdin) {
    size_t ahead = __freadahead(stdin);
    if (ahead) lseek(0, -(off_t)ahead, SEEK_CUR);
    __fpurge(stdin);
    clearerr(stdin);
  } else if (f) fclose(f);
}

char *read_all(FILE *f, size_t *len) {
  size_t cap = 4096, n = 0;
  char *buf = malloc(cap + 1);
  size_t got;
  while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
    n += got;
    if (n == cap) {
      char *nb = realloc(buf, cap * 2 + 1);
      if (!nb) { free(buf); buf = NULL; break; }
      buf = nb;
      cap *= 2;
    }
  }
  if (!buf) { errno = ENOMEM; if (len) *len = 0; return NULL; }
  buf[n] = 0;
  if (len) *len = n;
  return buf;
}

int write_all(int fd, const void *buf, size_t len) {
  const char *p = buf;
  while (len) {
    ssize_t w = write(fd, p, len);
    if (w < 0) { if (errno == EINTR) continue; return -1; }
    p += w;
    len -= w;
  }
  return 0;
}

const char *base_name(const char *path) {
  static char buf[4096];
  size_t len = strlen(path);
  while (len > 1 && path[len - 1] == '/') len--;
  if (len != strlen(path)) {  /* trailing slashes: work on a trimmed copy */
    if (len >= sizeof buf) len = sizeof buf - 1;
    memcpy(buf, path, len);
    buf[len] = 0;
    path = buf;
  }
  const char *s = strrchr(path, '/');
  return s && s[1] ? s + 1 : path;
}

static int cmp_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

char **dir_names(const char *path, size_t *count) {
  DIR *d = opendir(path);
  if (!d) return NULL;
  char **names = malloc(sizeof *names); /* non-NULL even when empty */
  size_t n = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    names = realloc(names, (n + 1) * sizeof *names);
    names[n++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, n, sizeof *names, cmp_name);
  *count = n;
  return names;
}

void free_names(char **names, size_t count) {
  for (size_t i = 0; i < count; i++) free(names[i]);
  free(names);
}

char *path_join(const char *dir, const char *name) {
  size_t dl = strlen(dir);
  char *p = malloc(dl + strlen(name) + 2);
  if (!p) return NULL;
  strcpy(p, dir);
  if (dl && dir[dl - 1] != '/') p[dl++] = '/';
  strcpy(p + dl, name);
  return p;
}

int parse_long(const char *s, long long *out) {
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (!*s || *end || errno) return -1;
  *out = v;
  return 0;
}

int unescape_char(const char **s) {
  const char *p = *s;
  int c = *p++;
  switch (c) {
  case 'a': c = '\a'; break;
  case 'b': c = '\b'; break;
  case 'f': c = '\f'; break;
  case 'n': c = '\n'; break;
  case 'r': c = '\r'; break;
  case 't': c = '\t'; break;
  case 'v': c = '\v'; break;
  case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7':
    c -= '0';
    for (int i = 0; i < 2 && *p >= '0' && *p <= '7'; i++) c = c * 8 + *p++ - '0';
    break;
  default: break;
  }
  *s = p;
  return c & 0xff;
}

int stdin_is_pipe(void) {
  struct stat in, st;
  if (fstat(0, &in)) return 0;
  if (!S_ISREG(in.st_mode)) return S_ISFIFO(in.st_mode) || S_ISSOCK(in.st_mode) || S_ISCHR(in.st_mode);
  if (!in.st_ino) return 0;
  const char *dir = getenv("TMPDIR");
  if (!dir || !*dir) dir = "/tmp";
  DIR *d = opendir(dir);
  if (!d) return 0;
  int found = 0;
  struct dirent *e;
  while (!found && (e = readdir(d))) {
    if (strncmp(e->d_name, ".osh", 4)) continue;
    char *p = path_join(dir, e->d_name);
    found = p && !stat(p, &st) && st.st_ino == in.st_ino && st.st_dev == in.st_dev;
    free(p);
  }
  closedir(d);
  return found;
}

const char *enclave_hostname(void) {
  static char name[256];
  FILE *f = fopen("/etc/hostname", "r");
  name[0] = 0;
  if (f) {
    if (!fgets(name, sizeof name, f)) name[0] = 0;
    fclose(f);
  }
  name[strcspn(name, "\r\n")] = 0;
  return *name ? name : "openshell";
}

int run_command(int argc, char **argv) {
  const char *name = base_name(argv[0]);
  const struct command *c = NULL;
  for (int i = 0; i < openshell_command_count; i++)
    if (!strcmp(openshell_commands[i].name, name)) c = &openshell_commands[i];
  if (!c && strcmp(name, "sh")) return -1;
  fflush(stdout);
  optind = 0;
  int status = c ? command_run(c, argc, argv) : sh_from_utility(argc, argv);
  fflush(stdout);
  fflush(stderr);
  return status;
}

int open_truncate(const char *path, mode_t mode) {
  int fd = open(path, O_WRONLY | O_CREAT, mode);
  /* devices are not truncated: the SDK's /dev/stdout is the current fd 1, a pipeline
   * stage's temp file standing for a pipe, which truncation would empty */
  if (fd >= 0 && strncmp(path, "/dev/", 5) && ftruncate(fd, 0)) {
    int e = errno;
    close(fd);
    errno = e;
    return -1;
  }
  return fd;
}

FILE *fopen_truncate(const char *path) {
  int fd = open_truncate(path, 0666);
  FILE *f = fd < 0 ? NULL : fdopen(fd, "w");
  if (fd >= 0 && !f) close(fd);
  return f;
}

/* ---- copying and removing (cp, mv, rm) ---- */

static int copy_file(const char *src, const char *dst, mode_t mode) {
  int in = open(src, O_RDONLY);
  if (in < 0) { perror_msg("cannot open '%s' for reading", src); return -1; }
  int out = open_truncate(dst, mode & 07777);
  if (out < 0) { perror_msg("cannot create regular file '%s'", dst); close(in); return -1; }
  char buf[16384];
  ssize_t n;
  int rc = 0;
  while ((n = read(in, buf, sizeof buf)) > 0)
    if (write_all(out, buf, n)) { perror_msg("error writing '%s'", dst); rc = -1; break; }
  if (n < 0) { perror_msg("error reading '%s'", src); rc = -1; }
  close(in);
  if (close(out) && !rc) { perror_msg("error writing '%s'", dst); rc = -1; }
  return rc;
}

int parse_date(const char *s, struct timespec *ts) {
  char *end;
  if (*s == '@') {
    long long v = strtoll(s + 1, &end, 10);
    if (end == s + 1 || *end) return -1;
    ts->tv_sec = v;
    ts->tv_nsec = 0;
    return 0;
  }
  struct tm tm;
  memset(&tm, 0, sizeof tm);
  int n = 0, y, mo, d, h = 0, mi = 0, sec = 0;
  if (sscanf(s, "%d-%d-%d%n", &y, &mo, &d, &n) < 3) return -1;
  s += n;
  if (*s == 'T' || *s == ' ') {
    int m = 0;
    if (sscanf(s + 1, "%d:%d%n", &h, &mi, &m) < 2) return -1;
    s += 1 + m;
    if (*s == ':') { if (sscanf(s + 1, "%d%n", &sec, &m) < 1) return -1; s += 1 + m; }
  }
  while (*s == ' ') s++;
  if (*s == 'Z') s++;
  else if (!strncmp(s, "UTC", 3)) s += 3;
  if (*s) return -1;
  tm.tm_year = y - 1900; tm.tm_mon = mo - 1; tm.tm_mday = d;
  tm.tm_hour = h; tm.tm_min = mi; tm.tm_sec = sec;
  ts->tv_sec = timegm(&tm);
  ts->tv_nsec = 0;
  return 0;
}

int set_times(const char *path, const struct timespec t[2]) {
  int fd = open(path, O_RDONLY), rc;
  if (fd < 0) fd = open(path, O_RDONLY | O_DIRECTORY);
  if (fd < 0) rc = utimensat(AT_FDCWD, path, t, 0);
  else rc = futimens(fd, t), close(fd);
  struct stat st;
  /* the runtime keeps no times on directories: say so rather than pretend */
  if (!rc && t[1].tv_nsec != UTIME_NOW && t[1].tv_nsec != UTIME_OMIT && !stat(path, &st) && st.st_mtim.tv_sec != t[1].tv_sec)
    errno = ENOTSUP, rc = -1;
  return rc;
}

/* cp -p/-a, mv: the copy gets the source's access and modification times (files only:
 * the runtime keeps no times for directories and links) */
static int keep_times(const char *dst, const struct stat *st, int flags, int rc) {
  struct timespec t[2] = {st->st_atim, st->st_mtim};
  if (!rc && (flags & COPY_TIMES) && S_ISREG(st->st_mode) && set_times(dst, t))
    perror_msg("preserving times for '%s'", dst), rc = -1;
  return rc;
}

int copy_path(const char *src, const char *dst, int flags) {
  int recursive = flags & COPY_RECURSIVE;
  struct stat st, dt;
  if (lstat(src, &st)) { perror_msg("cannot stat '%s'", src); return -1; }
  if (S_ISLNK(st.st_mode) && recursive) {
    char target[4096];
    ssize_t n = readlink(src, target, sizeof target - 1);
    if (n < 0) { perror_msg("cannot read symbolic link '%s'", src); return -1; }
    target[n] = 0;
    unlink(dst);
    if (symlink(target, dst)) { perror_msg("cannot create symbolic link '%s'", dst); return -1; }
    return keep_times(dst, &st, flags, 0);
  }
  if (S_ISLNK(st.st_mode) && stat(src, &st)) { perror_msg("cannot stat '%s'", src); return -1; }
  if (!S_ISDIR(st.st_mode)) {
    if (!stat(dst, &dt) && dt.st_ino == st.st_ino && dt.st_dev == st.st_dev && st.st_ino) {
      error_msg("'%s' and '%s' are the same file", src, dst);
      return -1;
    }
    return keep_times(dst, &st, flags, copy_file(src, dst, st.st_mode));
  }
  if (!recursive) { error_msg("-r not specified; omitting directory '%s'", src); return -1; }
  if (stat(dst, &dt)) {
    if (mkdir(dst, (st.st_mode & 07777) | 0700)) { perror_msg("cannot create directory '%s'", dst); return -1; }
  } else if (!S_ISDIR(dt.st_mode)) {
    error_msg("cannot overwrite non-directory '%s' with directory '%s'", dst, src);
    return -1;
  }
  DIR *d = opendir(src);
  if (!d) { perror_msg("cannot access '%s'", src); return -1; }
  int rc = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    char *s = path_join(src, e->d_name), *t = path_join(dst, e->d_name);
    if (copy_path(s, t, flags)) rc = -1;
    free(s);
    free(t);
  }
  closedir(d);
  return keep_times(dst, &st, flags, rc);
}

void count_header(const char *name, int index) {
  if (FLAG('v') || (toys.optc > 1 && !FLAG('q')))
    printf("%s==> %s <==\n", index ? "\n" : "", strcmp(name, "-") ? name : "standard input");
}

int dest_operand_kind(void) {
  if (!toys.optc) return usage_error("missing file operand"), -1;
  if (toys.optc == 1) return usage_error("missing destination file operand after '%s'", toys.optargs[0]), -1;
  const char *dest = toys.optargs[toys.optc - 1];
  struct stat st;
  int isdir = !stat(dest, &st) && S_ISDIR(st.st_mode);
  if (toys.optc > 2 && !isdir) {
    if (!stat(dest, &st)) error_msg("target '%s' is not a directory", dest);
    else perror_msg("target '%s'", dest);
    return -1;
  }
  return isdir;
}

int remove_path(const char *path, int recursive, int force) {
  struct stat st;
  if (lstat(path, &st)) {
    if (force && errno == ENOENT) return 0;
    perror_msg("cannot remove '%s'", path);
    return -1;
  }
  if (!S_ISDIR(st.st_mode)) {
    if (unlink(path)) { perror_msg("cannot remove '%s'", path); return -1; }
    return 0;
  }
  if (!recursive) { errno = EISDIR; perror_msg("cannot remove '%s'", path); return -1; }
  /* collect names first: removing while reading a directory is not portable */
  size_t n;
  char **names = dir_names(path, &n);
  if (!names) { perror_msg("cannot remove '%s'", path); return -1; }
  int rc = 0;
  for (size_t i = 0; i < n; i++) {
    char *p = path_join(path, names[i]);
    if (remove_path(p, recursive, force)) rc = -1;
    free(p);
  }
  free_names(names, n);
  if (!rc && rmdir(path)) { perror_msg("cannot remove '%s'", path); rc = -1; }
  return rc;
}

/* wasi-libc has no mkstemp: fill the trailing X's from the clock and a counter and
 * create with O_EXCL, retrying on a clash (awk's pipes, mktemp). */
int make_temp(char *tmpl, int dir) { return make_temp_suffix(tmpl, 0, dir); }
int make_temp_suffix(char *tmpl, size_t suffix, int dir) {
  static unsigned long long counter;
  static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  size_t len = strlen(tmpl) - suffix, x = 0;
  while (x < len && tmpl[len - 1 - x] == 'X') x++;
  if (x < 3) { errno = EINVAL; return -1; }
  for (int attempt = 0; attempt < 1000; attempt++) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    unsigned long long v = (unsigned long long)ts.tv_nsec * 6364136223846793005ULL + ts.tv_sec + ++counter * 1442695040888963407ULL;
    for (size_t i = 0; i < x; i++) { tmpl[len - x + i] = chars[v % 62]; v = v / 62 + (v << 7) * 31 + i; }
    if (dir) { if (!mkdir(tmpl, 0700)) return 0; }
    else { int fd = open(tmpl, O_RDWR | O_CREAT | O_EXCL, 0600); if (fd >= 0) return fd; }
    if (errno != EEXIST) return -1;
  }
  return -1;
}

/* Canonical absolute path (readlink -f/-e/-m, realpath): ., .. and, when follow is
 * set, symbolic links resolved component by component. NULL with errno set when a
 * component that must exist does not, or links loop. */
char *canonicalize(const char *path, int mode, int follow) {
  char *work = NULL, *res = malloc(4096);
  int links = 0;
  if (path[0] == '/') strcpy(res, "/");
  else if (!getcwd(res, 4096)) { free(res); return NULL; }
  work = strdup(path);
  char *rest = work;
  while (*rest) {
    while (*rest == '/') rest++;
    if (!*rest) break;
    char *end = strchr(rest, '/');
    size_t n = end ? (size_t)(end - rest) : strlen(rest);
    char comp[1024];
    if (n >= sizeof comp) { errno = ENAMETOOLONG; goto fail; }
    memcpy(comp, rest, n);
    comp[n] = 0;
    rest += n;
    int last = !*rest || !rest[strspn(rest, "/")];
    if (!strcmp(comp, ".")) continue;
    if (!strcmp(comp, "..")) {
      char *s = strrchr(res, '/');
      if (s == res) res[1] = 0; else *s = 0;
      continue;
    }
    size_t rl = strlen(res);
    if (rl + n + 2 > 4096) { errno = ENAMETOOLONG; goto fail; }
    if (res[rl - 1] != '/') res[rl++] = '/';
    strcpy(res + rl, comp);
    struct stat st;
    if (lstat(res, &st)) {
      if (mode == CANON_MISSING || (mode == CANON_ALL_BUT_LAST && last && errno == ENOENT)) continue;
      goto fail;
    }
    if (S_ISLNK(st.st_mode) && follow) {
      if (++links > 40) { errno = ELOOP; goto fail; }
      char target[4096];
      ssize_t tl = readlink(res, target, sizeof target - 1);
      if (tl < 0) goto fail;
      target[tl] = 0;
      /* continue with target + the rest of the path */
      char *nw = malloc(tl + strlen(rest) + 2);
      sprintf(nw, "%s%s", target, rest);
      free(work);
      work = rest = nw;
      if (target[0] == '/') strcpy(res, "/");
      else { char *s = strrchr(res, '/'); if (s == res) res[1] = 0; else *s = 0; }
      continue;
    }
    if (!last && !S_ISDIR(st.st_mode) && (follow || stat(res, &st) || !S_ISDIR(st.st_mode))) {
      if (mode == CANON_MISSING) continue;
      errno = ENOTDIR;
      goto fail;
    }
  }
  free(work);
  return res;
fail:;
  int e = errno;
  free(work);
  free(res);
  errno = e;
  return NULL;
}
