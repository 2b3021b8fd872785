/* main.c: coreason-cp, the guest half of `sandbox-cp`.
 *
 * usage: coreason-cp stat PATH
 *        coreason-cp put ROOT < FRAMES
 *        coreason-cp get PATH MAX_ENTRIES MAX_BYTES > FRAMES
 * The engine runs this module inside the instance, admitted and guarded with the
 * instance's own policy like any --wasm module: every open, mkdir, symlink, unlink and
 * stat below is a WASI call that reaches the policy guard, which decides, answers EACCES
 * and records the violation. This program never judges a path itself.
 *
 * stat prints "<follow> <nofollow> <parent>\n", each one of dir, file, link, other,
 * missing (stat(), lstat() of PATH, stat() of its parent directory).
 * FRAMES (src/engine/files/frames.ts writes and reads them): one header line each,
 * paths and link targets as lower-case hex of their bytes,
 *   D <mtime> <path>\n                 a directory
 *   F <mtime> <size> <path>\n<bytes>   a regular file and its SIZE bytes
 *   L <mtime> <path> <target>\n        a symbolic link
 *   E\n                                the end
 * MTIME is in seconds since the epoch; put gives files and directories that time.
 * put creates each entry below ROOT (an existing directory); paths are relative, parents
 * come first. An existing non-directory is replaced (unlinked first, so a link there is
 * never written through); an existing directory is kept for D and is an error for F and
 * L. On any failure the entries this run created are removed again, last first.
 * get writes PATH as path "." (a link is not followed), then everything below it,
 * sorted by name, without following links; more than MAX_ENTRIES entries or MAX_BYTES
 * bytes of file data stops it with status 3.
 * Status: 0 done; 1 a file operation failed ("coreason-cp: PATH: strerror" on stderr);
 * 2 usage or a malformed frame; 3 over the limit.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PATH_BYTES 8192
#define BUF_BYTES 65536
#define HEADER_BYTES (4 * PATH_BYTES + 64)

static void fail_path(const char *path, int err) {
  fprintf(stderr, "coreason-cp: %s: %s\n", path, strerror(err));
}

/* ---- buffered raw I/O on fds 0 and 1 ---- */

static unsigned char inbuf[BUF_BYTES];
static size_t in_pos, in_len;
static int in_eof;

static int in_fill(void) {
  if (in_pos < in_len) return 1;
  if (in_eof) return 0;
  ssize_t n;
  do n = read(0, inbuf, sizeof inbuf);
  while (n < 0 && errno == EINTR);
  if (n <= 0) {
    in_eof = 1;
    return 0;
  }
  in_pos = 0;
  in_len = (size_t)n;
  return 1;
}

/* one header line without its newline; -1 at end of input or past max */
static int read_line(char *line, size_t max) {
  size_t n = 0;
  for (;;) {
    if (!in_fill()) return -1;
    unsigned char c = inbuf[in_pos++];
    if (c == '\n') break;
    if (n + 1 >= max) return -1;
    line[n++] = (char)c;
  }
  line[n] = 0;
  return (int)n;
}

static unsigned char outbuf[BUF_BYTES];
static size_t out_len;

static int out_flush(void) {
  size_t off = 0;
  while (off < out_len) {
    ssize_t n = write(1, outbuf + off, out_len - off);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    off += (size_t)n;
  }
  out_len = 0;
  return 0;
}

static int out_bytes(const void *p, size_t n) {
  const unsigned char *s = p;
  while (n) {
    size_t k = sizeof outbuf - out_len;
    if (k > n) k = n;
    memcpy(outbuf + out_len, s, k);
    out_len += k;
    s += k;
    n -= k;
    if (out_len == sizeof outbuf && out_flush()) return -1;
  }
  return 0;
}

static int out_str(const char *s) { return out_bytes(s, strlen(s)); }

static int out_hex(const char *s) {
  static const char digits[] = "0123456789abcdef";
  for (; *s; s++) {
    char h[2] = {digits[(unsigned char)*s >> 4], digits[(unsigned char)*s & 15]};
    if (out_bytes(h, 2)) return -1;
  }
  return 0;
}

/* hex text -> bytes in out (NUL-terminated); -1 when malformed, empty or holding NUL */
static int unhex(const char *hex, char *out, size_t max) {
  size_t n = strlen(hex);
  if (n == 0 || n % 2 || n / 2 + 1 > max) return -1;
  for (size_t i = 0; i < n; i += 2) {
    int v = 0;
    for (int j = 0; j < 2; j++) {
      char c = hex[i + j];
      int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
      if (d < 0) return -1;
      v = v * 16 + d;
    }
    if (v == 0) return -1;
    out[i / 2] = (char)v;
  }
  out[n / 2] = 0;
  return 0;
}

/* ---- stat ---- */

static const char *kind_of(const char *path, int follow) {
  struct stat st;
  if ((follow ? stat(path, &st) : lstat(path, &st)) != 0) return errno == ENOENT || errno == ENOTDIR ? "missing" : NULL;
  return S_ISDIR(st.st_mode) ? "dir" : S_ISREG(st.st_mode) ? "file" : S_ISLNK(st.st_mode) ? "link" : "other";
}

static int do_stat(const char *path) {
  char parent[PATH_BYTES];
  if (strlen(path) >= sizeof parent) return 2;
  strcpy(parent, path);
  char *slash = strrchr(parent, '/');
  if (!slash) strcpy(parent, ".");
  else if (slash == parent) parent[1] = 0;
  else *slash = 0;
  const char *names[3] = {path, path, parent};
  const char *kinds[3];
  for (int i = 0; i < 3; i++) /* the first refusal ends it: one violation, not three */
    if (!(kinds[i] = kind_of(names[i], i != 1))) return fail_path(names[i], errno), 1;
  printf("%s %s %s\n", kinds[0], kinds[1], kinds[2]);
  return fflush(stdout) ? 1 : 0;
}

/* ---- put ---- */

/* what this run created, to remove again on failure ("d" directories first char) */
static char **created;
static size_t ncreated, capcreated;

static void remember(const char *path, char kind) {
  if (ncreated == capcreated) {
    capcreated = capcreated ? capcreated * 2 : 64;
    created = realloc(created, capcreated * sizeof *created);
    if (!created) abort();
  }
  size_t n = strlen(path);
  char *p = malloc(n + 2);
  if (!p) abort();
  p[0] = kind;
  memcpy(p + 1, path, n + 1);
  created[ncreated++] = p;
}

static void undo_created(void) {
  while (ncreated) {
    char *p = created[--ncreated];
    if (p[0] == 'd') rmdir(p + 1);
    else unlink(p + 1);
    free(p);
  }
}

/* a relative path of names, none empty, "." or ".." */
static int relative_ok(const char *p) {
  if (*p == '/' || *p == 0) return 0;
  for (const char *s = p; *s;) {
    const char *e = strchr(s, '/');
    size_t n = e ? (size_t)(e - s) : strlen(s);
    if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.')) return 0;
    s += n + (e ? 1 : 0);
    if (e && !*s) return 0;
  }
  return 1;
}

/* clears the way for a non-directory at path: 0 free, -1 failed (reported) */
static int make_room(const char *path) {
  struct stat st;
  if (lstat(path, &st) != 0) return errno == ENOENT ? 0 : (fail_path(path, errno), -1);
  if (S_ISDIR(st.st_mode)) return fprintf(stderr, "coreason-cp: %s: cannot overwrite a directory with a non-directory\n", path), -1;
  if (unlink(path) != 0) return fail_path(path, errno), -1;
  return 0;
}

static int put_file(const char *path, unsigned long long size) {
  if (make_room(path)) return 1;
  int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
  if (fd < 0) return fail_path(path, errno), 1;
  remember(path, 'f');
  while (size) {
    if (!in_fill()) return close(fd), fprintf(stderr, "coreason-cp: %s: input ended inside the file\n", path), 2;
    size_t k = in_len - in_pos;
    if (k > size) k = (size_t)size;
    for (size_t off = 0; off < k;) {
      ssize_t n = write(fd, inbuf + in_pos + off, k - off);
      if (n <= 0) return fail_path(path, errno), close(fd), 1;
      off += (size_t)n;
    }
    in_pos += k;
    size -= k;
  }
  return close(fd) ? (fail_path(path, errno), 1) : 0;
}

static int put_dir(const char *path) {
  if (mkdir(path, 0755) == 0) return remember(path, 'd'), 0;
  int err = errno;
  struct stat st;
  if (err == EEXIST && stat(path, &st) == 0) {
    if (S_ISDIR(st.st_mode)) return 0;
    return fprintf(stderr, "coreason-cp: %s: cannot overwrite a non-directory with a directory\n", path), 1;
  }
  return fail_path(path, err), 1;
}

static int put_link(const char *path, const char *target) {
  if (make_room(path)) return 1;
  if (symlink(target, path) != 0) return fail_path(path, errno), 1;
  return remember(path, 'l'), 0;
}

/* directories get their times after everything below them was written */
static char **dir_times;
static long long *dir_mtimes;
static size_t ndirs, capdirs;

static void set_mtime(const char *path, long long mtime) {
  struct timespec ts[2] = {{mtime, 0}, {mtime, 0}};
  utimensat(AT_FDCWD, path, ts, 0); /* best effort: a time is not worth failing a copy */
}

static int number(const char *s, unsigned long long *out) {
  char *end;
  if (!s || !*s) return -1;
  *out = strtoull(s, &end, 10);
  return *end ? -1 : 0;
}

static int put_one(const char *root, char *line) {
  static char rel[PATH_BYTES], path[PATH_BYTES], target[PATH_BYTES];
  char *f[4] = {0};
  int nf = 0;
  for (char *s = strtok(line + 1, " "); s && nf < 4; s = strtok(NULL, " ")) f[nf++] = s;
  char kind = line[0];
  unsigned long long mtime, size = 0;
  const char *hexpath = kind == 'D' ? f[1] : kind == 'F' ? f[2] : f[1];
  int want = kind == 'D' ? 2 : 3;
  if (nf != want || number(f[0], &mtime) || (kind == 'F' && number(f[1], &size)) || !hexpath || unhex(hexpath, rel, sizeof rel) || !relative_ok(rel)) return fprintf(stderr, "coreason-cp: malformed frame\n"), 2;
  if (snprintf(path, sizeof path, "%s/%s", strcmp(root, "/") ? root : "", rel) >= (int)sizeof path) return fprintf(stderr, "coreason-cp: path too long\n"), 2;
  if (kind == 'L') return unhex(f[2], target, sizeof target) ? (fprintf(stderr, "coreason-cp: malformed frame\n"), 2) : put_link(path, target);
  if (kind == 'F') {
    int status = put_file(path, size);
    if (!status) set_mtime(path, (long long)mtime);
    return status;
  }
  int status = put_dir(path);
  if (!status) {
    if (ndirs == capdirs) {
      capdirs = capdirs ? capdirs * 2 : 64;
      dir_times = realloc(dir_times, capdirs * sizeof *dir_times);
      dir_mtimes = realloc(dir_mtimes, capdirs * sizeof *dir_mtimes);
      if (!dir_times || !dir_mtimes) abort();
    }
    dir_times[ndirs] = strdup(path);
    dir_mtimes[ndirs++] = (long long)mtime;
  }
  return status;
}

static int do_put(const char *root) {
  static char line[HEADER_BYTES];
  for (;;) {
    int status;
    if (read_line(line, sizeof line) < 0) status = (fprintf(stderr, "coreason-cp: input ended before its end frame\n"), 2);
    else if (strcmp(line, "E") == 0) {
      while (ndirs--) set_mtime(dir_times[ndirs], dir_mtimes[ndirs]);
      return 0;
    }
    else if ((line[0] == 'D' || line[0] == 'F' || line[0] == 'L') && line[1] == ' ') status = put_one(root, line);
    else status = (fprintf(stderr, "coreason-cp: malformed frame\n"), 2);
    if (status) return undo_created(), status;
  }
}

/* ---- get ---- */

static unsigned long long entries_left, bytes_left;
static char walk_path[PATH_BYTES];

static int over_limit(void) {
  fprintf(stderr, "coreason-cp: the copy is larger than its limit\n");
  return 3;
}

static int header(char kind, long long mtime, const char *size, const char *rel, const char *extra_hex) {
  if (entries_left == 0) return over_limit();
  entries_left--;
  char head[64];
  snprintf(head, sizeof head, "%c %lld %s%s", kind, mtime < 0 ? 0 : mtime, size ? size : "", size ? " " : "");
  if (out_str(head) || out_hex(rel) || (extra_hex && (out_str(" ") || out_hex(extra_hex))) || out_str("\n")) return 1;
  return 0;
}

static int get_file(const char *path, const char *rel, unsigned long long size, long long mtime) {
  if (size > bytes_left) return over_limit();
  bytes_left -= size;
  int fd = open(path, O_RDONLY);
  if (fd < 0) return fail_path(path, errno), 1;
  char digits[24];
  snprintf(digits, sizeof digits, "%llu", size);
  int status = header('F', mtime, digits, rel, NULL);
  if (status) return close(fd), status;
  static unsigned char buf[BUF_BYTES];
  while (size) {
    ssize_t n = read(fd, buf, size < sizeof buf ? (size_t)size : sizeof buf);
    if (n <= 0) return fprintf(stderr, "coreason-cp: %s: %s\n", path, n < 0 ? strerror(errno) : "file shrank while being read"), close(fd), 1;
    if (out_bytes(buf, (size_t)n)) return close(fd), 1;
    size -= (unsigned long long)n;
  }
  close(fd);
  return 0;
}

static int cmp_names(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static int get_entry(size_t path_len, size_t rel_at);

/* the entries of the directory at walk_path, sorted, each through get_entry */
static int get_children(size_t path_len, size_t rel_at) {
  DIR *d = opendir(walk_path);
  if (!d) return fail_path(walk_path, errno), 1;
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    if (n == cap) names = realloc(names, (cap = cap ? cap * 2 : 32) * sizeof *names);
    names[n++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, n, sizeof *names, cmp_names);
  int status = 0;
  size_t sep = walk_path[path_len - 1] == '/' ? 0 : 1; /* the root "/" */
  size_t child_rel = rel_at == path_len ? path_len + sep : rel_at;
  for (size_t i = 0; i < n; i++) {
    if (!status) {
      size_t len = strlen(names[i]);
      if (path_len + sep + len + 1 > sizeof walk_path) status = (fprintf(stderr, "coreason-cp: %s/%s: path too long\n", walk_path, names[i]), 1);
      else {
        if (sep) walk_path[path_len] = '/';
        memcpy(walk_path + path_len + sep, names[i], len + 1);
        status = get_entry(path_len + sep + len, child_rel);
        walk_path[path_len] = 0;
      }
    }
    free(names[i]);
  }
  free(names);
  return status;
}

/* walk_path[0..path_len) is the entry; its relative name starts at rel_at ("." there for the root) */
static int get_entry(size_t path_len, size_t rel_at) {
  const char *rel = rel_at < path_len ? walk_path + rel_at : ".";
  struct stat st;
  if (lstat(walk_path, &st) != 0) return fail_path(walk_path, errno), 1;
  if (S_ISLNK(st.st_mode)) {
    static char target[PATH_BYTES];
    ssize_t n = readlink(walk_path, target, sizeof target - 1);
    if (n < 0) return fail_path(walk_path, errno), 1;
    target[n] = 0;
    return n == 0 ? (fprintf(stderr, "coreason-cp: %s: empty link target\n", walk_path), 1) : header('L', (long long)st.st_mtim.tv_sec, NULL, rel, target);
  }
  if (S_ISREG(st.st_mode)) return get_file(walk_path, rel, (unsigned long long)st.st_size, (long long)st.st_mtim.tv_sec);
  if (!S_ISDIR(st.st_mode)) return fprintf(stderr, "coreason-cp: %s: not a regular file, directory or link\n", walk_path), 1;
  int status = header('D', (long long)st.st_mtim.tv_sec, NULL, rel, NULL);
  return status ? status : get_children(path_len, rel_at);
}

static int do_get(const char *path, const char *max_entries, const char *max_bytes) {
  char *end1, *end2;
  entries_left = strtoull(max_entries, &end1, 10);
  bytes_left = strtoull(max_bytes, &end2, 10);
  size_t len = strlen(path);
  if (*end1 || *end2 || len == 0 || len >= sizeof walk_path) return 2;
  memcpy(walk_path, path, len + 1);
  /* "/" and "/a/" name their directory: no trailing slash in children's paths */
  while (len > 1 && walk_path[len - 1] == '/') walk_path[--len] = 0;
  int status = get_entry(len, len);
  if (!status && (out_str("E\n") || out_flush())) status = 1;
  return status;
}

int main(int argc, char **argv) {
  if (argc == 3 && !strcmp(argv[1], "stat")) return do_stat(argv[2]);
  if (argc == 3 && !strcmp(argv[1], "put")) return do_put(argv[2]);
  if (argc == 5 && !strcmp(argv[1], "get")) return do_get(argv[2], argv[3], argv[4]);
  fputs("usage: coreason-cp stat PATH | put ROOT | get PATH MAX_ENTRIES MAX_BYTES\n", stderr);
  return 2;
}
