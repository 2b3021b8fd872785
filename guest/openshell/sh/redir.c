/* Redirections without dup/dup2 (wasip1 has neither): the current fd is moved out of
 * the way with fd_renumber, the file is opened and moved onto it, and afterwards
 * everything is moved back. "N>&M" cannot share M's open file, so it reopens the
 * file M was redirected to (output files are opened O_APPEND so both see the end).
 * When M is an inherited fd (the engine's stdout or stderr), N is *routed*: its
 * reads and writes go to M's descriptor (see route[] below), so that output reaches
 * the engine as it is written and its output limit applies to every stream. */
/* (fd_renumber should move an open file; wasmer 0.16 leaves the source open too,
 * so move_fd closes it.) */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>
#include "sh.h"

struct saved_fd {
  int fd, saved;     /* saved: where the previous fd was moved, or -1 if it was closed */
  char *oldpath;     /* fdpath[fd] before */
  char *unlink;      /* temp file to remove afterwards */
  int oldroute;      /* fds 0-2: route[fd] before */
  int kept;          /* a route: fd's own file stayed in place (so no open can take the slot) */
  int oldalias;      /* virtual fds: alias[fd] before */
  int oldbacking;    /* virtual fds: where the previous backing fd was parked, or -1 */
  int lend;          /* fd 0-2 borrowing virtual fd lend-1's open file, or 0 */
};
static struct saved_fd *stack;
static int depth, cap;
static char *fdpath[10];   /* file currently on fd N, when a redirection put it there */

/* route[N] >= 0: fd N (0-2) stands for that real descriptor, as if dup'ed from it.
 * The link-time wraps below (-Wl,--wrap) send every read, write, seek and stat the
 * shell or a utility makes on N there. Targets follow the descriptor when move_fd
 * parks it, so "2>&1" keeps reaching the engine's stdout while 1 is redirected. */
static int route[3] = {-1, -1, -1};
/* Fds 3-9 are virtual (see below); alias[N] >= 0: N was dup'ed from that real fd. */
static int alias[10] = {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1};

static int routed(int fd) { return fd >= 0 && fd < 3 && route[fd] >= 0 ? route[fd] : fd; }

__wasi_errno_t __real___wasi_fd_write(__wasi_fd_t, const __wasi_ciovec_t *, size_t, __wasi_size_t *);
__wasi_errno_t __wrap___wasi_fd_write(__wasi_fd_t fd, const __wasi_ciovec_t *iov, size_t n, __wasi_size_t *ret) {
  return __real___wasi_fd_write(routed(fd), iov, n, ret);
}
__wasi_errno_t __real___wasi_fd_read(__wasi_fd_t, const __wasi_iovec_t *, size_t, __wasi_size_t *);
__wasi_errno_t __wrap___wasi_fd_read(__wasi_fd_t fd, const __wasi_iovec_t *iov, size_t n, __wasi_size_t *ret) {
  return __real___wasi_fd_read(routed(fd), iov, n, ret);
}
__wasi_errno_t __real___wasi_fd_seek(__wasi_fd_t, __wasi_filedelta_t, __wasi_whence_t, __wasi_filesize_t *);
__wasi_errno_t __wrap___wasi_fd_seek(__wasi_fd_t fd, __wasi_filedelta_t off, __wasi_whence_t wh, __wasi_filesize_t *ret) {
  return __real___wasi_fd_seek(routed(fd), off, wh, ret);
}
__wasi_errno_t __real___wasi_fd_filestat_get(__wasi_fd_t, __wasi_filestat_t *);
__wasi_errno_t __wrap___wasi_fd_filestat_get(__wasi_fd_t fd, __wasi_filestat_t *ret) {
  return __real___wasi_fd_filestat_get(routed(fd), ret);
}
__wasi_errno_t __real___wasi_fd_fdstat_get(__wasi_fd_t, __wasi_fdstat_t *);
__wasi_errno_t __wrap___wasi_fd_fdstat_get(__wasi_fd_t fd, __wasi_fdstat_t *ret) {
  return __real___wasi_fd_fdstat_get(routed(fd), ret);
}

void sh_stdio_reset(void) {
  fflush(stdout);
  fflush(stderr);
  clearerr(stdout);
  clearerr(stderr);
  __fpurge(stdin);
  clearerr(stdin);
}

/* Pipes, here-documents and $(...) go through temp files: $TMPDIR, else /tmp, else
 * $HOME when a policy grants no /tmp (the names are hidden dot files). */
char *sh_tempfile(void) {
  static unsigned serial;
  const char *dirs[] = {sh_getvar("TMPDIR"), "/tmp", sh_getvar("HOME")};
  char path[256];
  for (int d = 0; d < 3; d++) {
    if (!dirs[d] || !*dirs[d]) continue;
    for (int tries = 0; tries < 20; tries++) {
      /* the clock, not arc4random: random_get would be one more import for the engine
       * to bind on every run, and O_EXCL already makes the name unique */
      struct timespec now;
      clock_gettime(CLOCK_REALTIME, &now);
      snprintf(path, sizeof path, "%s/.osh%08lx.%u", dirs[d], (unsigned long)now.tv_nsec ^ (unsigned long)now.tv_sec, serial++);
      int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
      if (fd >= 0) { close(fd); return sh_strdup(path); }
      if (errno != EEXIST) break;
    }
  }
  sh_err("cannot create temp file: %s", strerror(errno));
  return 0;
}

int sh_redir_mark(void) { return depth; }

/* fd_renumber completed: without closing the source, every redirection leaked a
 * descriptor, and a long script ran the numbers past what the policy guard tracks. */
static int move_fd(int from, int to) {
  int rc = __wasi_fd_renumber(from, to);
  if (rc == 0 && from != to) (void)__wasi_fd_close(from);
  if (rc == 0)   /* whatever was dup'ed from `from` follows it */
    for (int i = 0; i < 10; i++) {
      if (i < 3 && route[i] == from) route[i] = to;
      if (i >= 3 && alias[i] == from) alias[i] = to;
    }
  return rc;
}

static int is_open(int fd) {
  __wasi_fdstat_t st;
  return __real___wasi_fd_fdstat_get(fd, &st) == 0;
}

/* Move fd out of the way and remember how to put it back. */
static struct saved_fd *save(int fd) {
  sh_stdio_reset();
  if (depth == cap) {
    cap = cap ? cap * 2 : 16;
    stack = realloc(stack, cap * sizeof *stack);
  }
  struct saved_fd *s = &stack[depth++];
  memset(s, 0, sizeof *s);
  s->fd = fd;
  s->saved = -1;
  s->oldroute = -1;
  if (fd < 0) return s;
  if (fd < 3) { s->oldroute = route[fd]; route[fd] = -1; }
  int high = 64 + depth;
  if (is_open(fd) && move_fd(fd, high) == 0) s->saved = high;
  s->oldpath = fdpath[fd];
  fdpath[fd] = 0;
  return s;
}

static int open_onto(int fd, const char *path, int flags) {
  if (flags & O_TRUNC) {
    /* wasmer 0.16 keeps the old size as the append position after an O_TRUNC open,
     * so later O_APPEND writes leave a hole; ftruncate does reset it. */
    int t = open(path, flags & ~(O_TRUNC | O_APPEND), 0666);
    if (t < 0) return -1;
    int rc = ftruncate(t, 0);
    close(t);
    if (rc) return -1;
    flags &= ~(O_TRUNC | O_CREAT);
  }
  int t = open(path, flags, 0666);
  if (t < 0) return -1;
  if (fd < 0) { close(t); return 0; }   /* a virtual fd: the file is only created */
  if (t != fd && move_fd(t, fd)) { close(t); errno = EBADF; return -1; }
  fdpath[fd] = sh_strdup(path);
  if (fd == 0) sh_stdio_reset();
  return 0;
}

int sh_redir_fd(int fd, const char *path, int flags) {
  save(fd);
  return open_onto(fd, path, flags);
}

static const char *errmsg(int e, int creat) {
  if (e == ENOTDIR || (e == ENOENT && creat)) return "Directory nonexistent";
  return e == ENOENT ? "No such file" : strerror(e);
}

/* Fds 3-9 are virtual: WASI preopens live at 3, 4 and 5 and wasi-libc resolves every
 * path through them, so they must never move. A virtual fd only names a file (or
 * an inherited fd 0-2) for later "N>&3"; utilities only ever use 0, 1 and 2. */
/* An input file on a virtual fd stays open at BACK(N), so `read <&3` in a loop moves
 * (borrows) it onto fd 0 and back, and the read offset carries on like a real fd. */
static signed char backing[10] = {-1, -1, -1, -1, -1, -1, -1, -1, -1, -1};
#define BACK(n) (40 + (n))

static struct saved_fd *save_virtual(int fd) {
  struct saved_fd *s = save(-1);
  s->fd = fd;
  s->oldpath = fdpath[fd];
  s->oldalias = alias[fd];
  s->oldbacking = -1;
  if (backing[fd] >= 0 && move_fd(backing[fd], 64 + depth) == 0) s->oldbacking = 64 + depth;
  fdpath[fd] = 0;
  alias[fd] = -1;
  backing[fd] = -1;
  return s;
}

/* Open path as the input behind virtual fd n. */
static int open_backing(int n, const char *path, int flags) {
  int t = open(path, flags, 0666);
  if (t < 0) return -1;
  if (t != BACK(n) && move_fd(t, BACK(n))) { close(t); errno = EBADF; return -1; }
  backing[n] = BACK(n);
  fdpath[n] = sh_strdup(path);
  return 0;
}

static int open_file(struct redir *r, int fd, const char *w) {
  int flags = r->type == R_IN ? O_RDONLY
            : r->type == R_APPEND ? O_WRONLY | O_CREAT | O_APPEND
            : r->type == R_RDWR ? O_RDWR | O_CREAT
            : O_WRONLY | O_CREAT | O_TRUNC | O_APPEND;
  int rc;
  struct stat st;
  /* set -C: > never overwrites a regular file (>| does). The SDK's /dev/null is a
   * regular file standing for the device: treat it as the device it is. */
  if (r->type == R_OUT && sh.opt_C && strcmp(w, "/dev/null") && !stat(w, &st) && S_ISREG(st.st_mode)) {
    sh_err("cannot create %s: File exists", w);
    return 1;
  }
  if (fd >= 3) {
    save_virtual(fd);
    if (r->type == R_IN || r->type == R_RDWR) rc = open_backing(fd, w, flags);
    else if ((rc = open_onto(-1, w, flags)) == 0) fdpath[fd] = sh_strdup(w);
  } else {
    save(fd);
    rc = open_onto(fd, w, flags);
  }
  if (rc) sh_err("cannot %s %s: %s", r->type == R_IN ? "open" : "create", w, errmsg(errno, r->type != R_IN));
  return rc;
}

static int dup_fd(struct redir *r, int fd, long m) {
  if (m == fd) return 0;
  const char *path = fdpath[m];
  int real = m < 3 ? routed(m) : alias[m];   /* the descriptor m stands for, if not a file */
  if (m >= 3 && backing[m] >= 0 && r->type == R_DUPIN && fd < 3) {
    struct saved_fd *s = save(fd);
    if (move_fd(backing[m], fd)) { sh_err("%ld: Bad file descriptor", m); return 1; }
    s->lend = m + 1;
    backing[m] = -1;
    fdpath[fd] = sh_strdup(fdpath[m]);
    if (fd == 0) sh_stdio_reset();
    return 0;
  }
  if (!path && (real < 0 || (real < 3 && route[real] < 0 && !is_open(real)))) {
    sh_err("%ld: Bad file descriptor", m);
    return 1;
  }
  if (fd >= 3) {
    char *copy = path ? sh_strdup(path) : 0;
    save_virtual(fd);
    if (copy) fdpath[fd] = copy; else alias[fd] = real;
    return 0;
  }
  if (!path) {
    if (real == fd) return 0;   /* exec 3<&0 then <&3: already there */
    struct saved_fd *s = save(-1);
    s->fd = fd;
    s->kept = 1;
    s->oldroute = route[fd];
    s->oldpath = fdpath[fd];
    fdpath[fd] = 0;
    route[fd] = real;
    return 0;
  }
  char *copy = sh_strdup(path);
  save(fd);
  int rc = open_onto(fd, copy, r->type == R_DUPIN ? O_RDONLY : O_WRONLY | O_APPEND);
  free(copy);
  if (rc) sh_err("%ld: %s", m, strerror(errno));
  return rc;
}

static int redirect1(struct redir *r) {
  int fd = r->fd;
  if (r->type == R_HEREDOC) {
    char *body = r->quoted ? sh_strdup(r->word) : sh_expand_heredoc(r->word);
    if (sh.unwind) { free(body); return 1; }
    char *tmp = sh_tempfile();
    if (!tmp) { free(body); return 1; }
    FILE *f = fopen(tmp, "w");
    if (f) { fputs(body, f); fclose(f); }
    free(body);
    struct saved_fd *s = fd >= 3 ? save_virtual(fd) : save(fd);
    s->unlink = tmp;
    if (fd >= 3) return open_backing(fd, tmp, O_RDONLY);
    if (open_onto(fd, tmp, O_RDONLY)) { sh_err("cannot open here-document: %s", strerror(errno)); return 1; }
    return 0;
  }
  char *w = sh_expand_str(r->word);
  int rc = 1;
  long m;
  int std = !strncmp(w, "/dev/fd/", 8) && w[8] >= '0' && w[8] <= '9' && !w[9] ? w[8] - '0'
          : !strcmp(w, "/dev/stdin") ? 0 : !strcmp(w, "/dev/stdout") ? 1 : !strcmp(w, "/dev/stderr") ? 2 : -1;
  if (sh.unwind) ;
  else if (std >= 0 && r->type != R_DUPIN && r->type != R_DUPOUT) {
    /* A file put on fd N by a redirection is opened again, as Linux opens
     * /proc/self/fd/N (with O_TRUNC for >). Otherwise (the engine's streams, a
     * pipeline's temp file, which stands for a pipe) >/dev/stdout is >&1: the SDK's
     * device is the exec's current fd 1, which the redirection has just moved aside. */
    const char *file = fdpath[std], *base = file ? strrchr(file, '/') : 0;
    if (file && strncmp(base ? base + 1 : file, ".osh", 4)) {
      char *copy = sh_strdup(file);
      rc = open_file(r, fd, copy);
      free(copy);
    } else {
      struct redir d = *r;
      d.type = r->type == R_IN ? R_DUPIN : R_DUPOUT;
      rc = dup_fd(&d, fd, std);
    }
  }
  else if (r->type != R_DUPIN && r->type != R_DUPOUT) rc = open_file(r, fd, w);
  else if (!strcmp(w, "-")) {
    rc = 0;
    if (fd >= 3) save_virtual(fd);
    else save(fd);   /* moves the open file away: fd is closed */
  }
  else if (!sh_number(w, &m) || m < 0 || m > 9) sh_fatal(2, "Syntax error: Bad fd number");
  else rc = dup_fd(r, fd, m);
  free(w);
  return rc;
}

int sh_redirect(struct redir *r) {
  int mark = depth;
  for (; r; r = r->next) {
    if (redirect1(r)) {
      sh_redir_pop(mark);
      if (!sh.unwind) sh.status = 2;
      return 1;
    }
  }
  return 0;
}

void sh_redir_pop(int mark) {
  if (depth <= mark) return;
  sh_stdio_reset();
  while (depth > mark) {
    struct saved_fd *s = &stack[--depth];
    int n = s->lend - 1;
    free(fdpath[s->fd]);
    if (s->kept) ;
    else if (s->lend && move_fd(s->fd, BACK(n)) == 0) backing[n] = BACK(n);   /* give back */
    else if (s->fd < 3) close(s->fd);
    else {
      if (backing[s->fd] >= 0) close(backing[s->fd]);
      backing[s->fd] = -1;
      if (s->oldbacking >= 0 && move_fd(s->oldbacking, BACK(s->fd)) == 0) backing[s->fd] = BACK(s->fd);
      alias[s->fd] = s->oldalias;
    }
    if (s->saved >= 0) (void)move_fd(s->saved, s->fd);
    if (s->fd < 3) route[s->fd] = s->oldroute;
    fdpath[s->fd] = s->oldpath;
    if (s->unlink) {
      unlink(s->unlink);
      free(s->unlink);
    }
  }
  sh_stdio_reset();
}
