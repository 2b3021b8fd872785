/* fs.c: single path calls, each one raw WASI preview1 call (plus a read or write).
 *
 * usage: probe open-read PATH [DIRFD]   path_open(rights FD_READ..., follow symlinks),
 *                                       fd_read up to 256 bytes; data = bytes read
 *        probe open-write PATH [DIRFD]  path_open(O_CREAT|O_TRUNC, FD_WRITE...), write "x";
 *                                       data = bytes written
 *        probe open-dir PATH [DIRFD]    path_open(O_DIRECTORY, FD_READDIR...), fd_readdir;
 *                                       data = entry names joined by ","
 *        probe stat PATH [DIRFD]        path_filestat_get (follow); data = "type=T size=S ..."
 *        probe mkdir|rmdir|unlink PATH [DIRFD]
 *        probe rename OLD NEW [DIRFD]   path_rename, both paths relative to DIRFD
 *        probe link OLD NEW [DIRFD]     path_link (no follow), both relative to DIRFD
 *        probe symlink TARGET LINK [DIRFD]  path_symlink(TARGET, DIRFD, LINK)
 *        probe readlink PATH [DIRFD]    path_readlink; data = link text
 *        probe utimes PATH [DIRFD]      path_filestat_set_times(ATIM_NOW|MTIM_NOW, follow)
 *        probe read-canary PATH         libc fopen/fread (libc picks the preopen and
 *                                       normalises PATH); errno = libc errno (same numbers)
 * errno: the path call's errno; if it succeeded, the errno of the read/write after it,
 * and then data says "opened fd N; fd_read failed" instead of content.
 * target: PATH, or "OLD -> NEW" for two-path calls.
 *
 * Bare SDK 0.16.0, measured (no guard; preopens 3 "/", 4 "." = /workspace, 5 "/"):
 *   open-read /etc/passwd, etc/passwd, ../../etc/passwd 4, /etc/passwd 4 -> 44 ENOENT
 *     (absolute paths are accepted on any dirfd, and resolve from "/");
 *   open-read /workspace/../../../bin/main -> 0 (".." above "/" stays at "/"), but
 *     bin/../../../bin/main 4 -> 44; open-read . 3 -> 31 EISDIR; open-read "" -> 44;
 *   open-read x 99 -> 8 EBADF; open-read /bin/main -> 0 (the module's own bytes);
 *   open-write /etc/newfile -> 0, but the next command no longer sees it: outside
 *     /workspace every command gets a fresh overlay; /workspace persists in a sandbox;
 *   open-dir / -> ".,..,.app,.private,bin,dev,etc,tmp,usr,workspace" (also / 4);
 *     open-dir .. 4 and open-dir . 3 -> "/.,//", the same odd answer as fd-readdir 3;
 *   stat / -> type=3; mkdir /etc -> 20 EEXIST (raw call; not EACCES); mkdir /etc/d2 -> 0;
 *   rmdir of an existing empty dir (/tmp/d1, /workspace/e) -> 44 ENOENT (rmdir is broken);
 *   unlink /bin/main -> 0 (and it is back in the next command);
 *   rename /workspace/a /tmp/moved -> 0 (moves a file out of /workspace);
 *   link /workspace/b /workspace/c -> 0, yet c is neither listed nor openable in the next
 *     command (within one command the link opens: see hardlink-escape);
 *   symlink: creating always 0; following: a target without ".." ("b") works, any target
 *     with ".." (even "../workspace/a") -> 63 EPERM, an absolute target -> 44 ENOENT;
 *   readlink -> the text; utimes /etc -> 0; read-canary /workspace/../../../bin/main -> 0.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "probe.h"

__wasi_errno_t probe_open(__wasi_fd_t dirfd, const char *path, __wasi_oflags_t oflags,
                          __wasi_rights_t rights, __wasi_fdflags_t fdflags, __wasi_fd_t *fd) {
  *fd = (__wasi_fd_t)-1;
  return __wasi_path_open(dirfd, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, path, oflags, rights,
                          RIGHTS_ALL, fdflags, fd);
}

__wasi_errno_t probe_read(__wasi_fd_t fd, struct buf *out, size_t max, size_t *got) {
  char tmp[DATA_MAX];
  *got = 0;
  if (max > sizeof tmp) max = sizeof tmp;
  while (*got < max) {
    __wasi_iovec_t iov = {(uint8_t *)tmp, max - *got};
    __wasi_size_t n = 0;
    __wasi_errno_t e = __wasi_fd_read(fd, &iov, 1, &n);
    if (e) return e;
    if (n == 0) break;
    buf_add(out, tmp, n);
    *got += n;
  }
  return 0;
}

__wasi_errno_t probe_write(__wasi_fd_t fd, const void *p, size_t n, size_t *put) {
  *put = 0;
  while (*put < n) {
    __wasi_ciovec_t iov = {(const uint8_t *)p + *put, n - *put};
    __wasi_size_t k = 0;
    __wasi_errno_t e = __wasi_fd_write(fd, &iov, 1, &k);
    if (e) return e;
    if (k == 0) return __WASI_ERRNO_IO;
    *put += k;
  }
  return 0;
}

/* Names joined by ","; repeats fd_readdir with the cookie of the last whole entry. */
__wasi_errno_t probe_readdir(__wasi_fd_t fd, struct buf *names) {
  static uint8_t dbuf[4096];
  __wasi_dircookie_t cookie = 0;
  int first = 1;
  for (int round = 0; round < 256; round++) {
    __wasi_size_t used = 0;
    __wasi_errno_t e = __wasi_fd_readdir(fd, dbuf, sizeof dbuf, cookie, &used);
    if (e) return e;
    size_t off = 0;
    int whole = 0;
    while (off + sizeof(__wasi_dirent_t) <= used) {
      __wasi_dirent_t d;
      memcpy(&d, dbuf + off, sizeof d);
      if (off + sizeof d + d.d_namlen > used) break;   /* cut entry: ask again */
      if (!first) buf_add(names, ",", 1);
      buf_add(names, dbuf + off + sizeof d, d.d_namlen);
      first = 0;
      cookie = d.d_next;
      off += sizeof d + d.d_namlen;
      whole++;
    }
    if (used < sizeof dbuf || whole == 0) return 0;
  }
  return 0;
}

static char *two(const char *a, const char *b) {
  static char t[2100];
  snprintf(t, sizeof t, "%s -> %s", a, b);
  return t;
}

static int open_and_read(const char *action, const char *path, __wasi_fd_t dirfd) {
  static struct buf data;
  __wasi_fd_t fd;
  size_t got;
  data.len = 0;
  __wasi_errno_t e = probe_open(dirfd, path, 0, RIGHTS_READ, 0, &fd);
  if (e) { report(action, path, e, "", 0); return 0; }
  e = probe_read(fd, &data, DATA_MAX, &got);
  if (e) { data.len = 0; buf_printf(&data, "opened fd %u; fd_read failed", fd); }
  (void)__wasi_fd_close(fd);
  report_buf(action, path, e, &data);
  return 0;
}

ACTION(open_read) { return open_and_read("open-read", argv[1], arg_dirfd(argc, argv, 2)); }

ACTION(open_write) {
  struct buf data = {0};
  __wasi_fd_t fd;
  size_t put;
  __wasi_errno_t e = probe_open(arg_dirfd(argc, argv, 2), argv[1],
                                __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, RIGHTS_WRITE, 0, &fd);
  if (e) { report("open-write", argv[1], e, "", 0); return 0; }
  e = probe_write(fd, "x", 1, &put);
  if (e) buf_printf(&data, "opened fd %u; fd_write failed", fd);
  else buf_printf(&data, "%zu", put);
  (void)__wasi_fd_close(fd);
  report_buf("open-write", argv[1], e, &data);
  return 0;
}

ACTION(open_dir) {
  static struct buf data;
  __wasi_fd_t fd;
  __wasi_errno_t e = probe_open(arg_dirfd(argc, argv, 2), argv[1], __WASI_OFLAGS_DIRECTORY,
                                RIGHTS_DIR, 0, &fd);
  if (e) { report("open-dir", argv[1], e, "", 0); return 0; }
  e = probe_readdir(fd, &data);
  if (e) { data.len = 0; buf_printf(&data, "opened fd %u; fd_readdir failed", fd); }
  (void)__wasi_fd_close(fd);
  report_buf("open-dir", argv[1], e, &data);
  return 0;
}

ACTION(stat) {
  struct buf data = {0};
  __wasi_filestat_t st;
  __wasi_errno_t e = __wasi_path_filestat_get(arg_dirfd(argc, argv, 2),
                                              __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, argv[1], &st);
  if (!e)
    buf_printf(&data, "type=%u size=%llu ino=%llu nlink=%llu dev=%llu", st.filetype,
               (unsigned long long)st.size, (unsigned long long)st.ino,
               (unsigned long long)st.nlink, (unsigned long long)st.dev);
  report_buf("stat", argv[1], e, &data);
  return 0;
}

ACTION(mkdir) {
  report("mkdir", argv[1], __wasi_path_create_directory(arg_dirfd(argc, argv, 2), argv[1]), "", 0);
  return 0;
}

ACTION(rmdir) {
  report("rmdir", argv[1], __wasi_path_remove_directory(arg_dirfd(argc, argv, 2), argv[1]), "", 0);
  return 0;
}

ACTION(unlink) {
  report("unlink", argv[1], __wasi_path_unlink_file(arg_dirfd(argc, argv, 2), argv[1]), "", 0);
  return 0;
}

ACTION(rename) {
  __wasi_fd_t d = arg_dirfd(argc, argv, 3);
  report("rename", two(argv[1], argv[2]), __wasi_path_rename(d, argv[1], d, argv[2]), "", 0);
  return 0;
}

ACTION(link) {
  __wasi_fd_t d = arg_dirfd(argc, argv, 3);
  report("link", two(argv[1], argv[2]), __wasi_path_link(d, 0, argv[1], d, argv[2]), "", 0);
  return 0;
}

ACTION(symlink) {
  __wasi_fd_t d = arg_dirfd(argc, argv, 3);
  report("symlink", two(argv[1], argv[2]), __wasi_path_symlink(argv[1], d, argv[2]), "", 0);
  return 0;
}

ACTION(readlink) {
  uint8_t text[DATA_MAX];
  __wasi_size_t n = 0;
  __wasi_errno_t e = __wasi_path_readlink(arg_dirfd(argc, argv, 2), argv[1], text, sizeof text, &n);
  report("readlink", argv[1], e, text, e ? 0 : n);
  return 0;
}

ACTION(utimes) {
  __wasi_errno_t e = __wasi_path_filestat_set_times(
      arg_dirfd(argc, argv, 2), __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, argv[1], 0, 0,
      __WASI_FSTFLAGS_ATIM_NOW | __WASI_FSTFLAGS_MTIM_NOW);
  report("utimes", argv[1], e, "", 0);
  return 0;
}

/* The libc path: wasi-libc resolves PATH against its preopen table itself. */
ACTION(read_canary) {
  char data[DATA_MAX];
  errno = 0;
  FILE *f = fopen(argv[1], "r");
  if (!f) { report("read-canary", argv[1], errno ? errno : -1, "", 0); return 0; }
  size_t n = fread(data, 1, sizeof data, f);
  int e = ferror(f) ? (errno ? errno : -1) : 0;
  fclose(f);
  report("read-canary", argv[1], e, data, n);
  return 0;
}
