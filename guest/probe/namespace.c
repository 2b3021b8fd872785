/* namespace.c: what a guest can see of the enclave's own structure, and file growth.
 *
 * usage: probe fd-find MAX [@PATH | %PATH]... NAME...
 *                           opens each @PATH (relative to fd 3) or %PATH (relative to
 *                           fd 4) as a directory and keeps it open, then fd_readdir on
 *                           every fd 0..MAX; data = "opened=A/B/..;listed=N;" then
 *                           "FD:NAME," for every listed entry named like one of NAMEs
 *                           (an open that failed shows as "!errno" in opened)
 *        probe grow PATH HOW BYTES   opens PATH (fd 3) for writing, then makes it BYTES
 *                           long with HOW: set-size (fd_filestat_set_size), allocate
 *                           (fd_allocate 0 BYTES), pwrite (1 byte at BYTES-1) or seek
 *                           (fd_seek to BYTES-1, then write 1 byte); errno = that call's
 *        probe fd-utimes PATH  opens PATH (fd 3) for reading, fd_filestat_set_times(now)
 *        probe libc-write PATH TEXT  fopen(PATH, "w") + fputs, as a C program would
 *                           (libc picks the preopen); errno = libc errno
 * errno: the deciding call's; data as above.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "probe.h"

static void add_hits(struct buf *data, __wasi_fd_t fd, struct buf *names, int nwanted, char **wanted) {
  size_t i = 0;
  while (i < names->len) {
    size_t j = i;
    while (j < names->len && names->b[j] != ',') j++;
    for (int k = 0; k < nwanted; k++) {
      size_t n = strlen(wanted[k]);
      if (n == j - i && !memcmp(names->b + i, wanted[k], n)) buf_printf(data, "%u:%s,", fd, wanted[k]);
    }
    i = j + 1;
  }
}

ACTION(fd_find) {
  static struct buf data, names;
  uint32_t max = arg_u32(argv[1]);
  char *wanted[64];
  int nwanted = 0;
  buf_str(&data, "opened=");
  for (int i = 2; i < argc; i++) {
    if (argv[i][0] != '@' && argv[i][0] != '%') {
      if (nwanted < 64) wanted[nwanted++] = argv[i];
      continue;
    }
    __wasi_fd_t fd;
    __wasi_errno_t e = probe_open(argv[i][0] == '@' ? 3 : 4, argv[i] + 1, __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR, 0, &fd);
    if (e) buf_printf(&data, "!%d/", e);
    else buf_printf(&data, "%u/", fd);
  }
  int listed = 0;
  struct buf hits = {0};
  for (uint64_t i = 0; i <= max; i++) {
    names.len = 0;
    if (probe_readdir((__wasi_fd_t)i, &names)) continue;
    listed++;
    add_hits(&hits, (__wasi_fd_t)i, &names, nwanted, wanted);
  }
  buf_printf(&data, ";listed=%d;", listed);
  buf_add(&data, hits.b, hits.len);
  report_buf("fd-find", argv[1], 0, &data);
  return 0;
}

ACTION(grow) {
  struct buf data = {0};
  const char *how = argv[2];
  uint64_t n = arg_u64(argv[3]);
  __wasi_fd_t fd;
  __wasi_errno_t e = probe_open(3, argv[1], __WASI_OFLAGS_CREAT, RIGHTS_WRITE | __WASI_RIGHTS_FD_ALLOCATE, 0, &fd);
  if (!e) {
    __wasi_ciovec_t one = {(const uint8_t *)"x", 1};
    __wasi_size_t put = 0;
    __wasi_filesize_t pos = 0;
    if (!strcmp(how, "set-size")) e = __wasi_fd_filestat_set_size(fd, n);
    else if (!strcmp(how, "allocate")) e = __wasi_fd_allocate(fd, 0, n);
    else if (!strcmp(how, "pwrite")) e = __wasi_fd_pwrite(fd, &one, 1, n ? n - 1 : 0, &put);
    else if (!strcmp(how, "seek")) {
      e = __wasi_fd_seek(fd, (__wasi_filedelta_t)(n ? n - 1 : 0), __WASI_WHENCE_SET, &pos);
      if (!e) e = __wasi_fd_write(fd, &one, 1, &put);
    } else usage_error("HOW is set-size, allocate, pwrite or seek");
    __wasi_filestat_t st;
    if (!__wasi_fd_filestat_get(fd, &st)) buf_printf(&data, "size=%llu", (unsigned long long)st.size);
  }
  report_buf("grow", argv[1], e, &data);
  return 0;
}

ACTION(fd_utimes) {
  __wasi_fd_t fd;
  __wasi_errno_t e = probe_open(3, argv[1], 0, RIGHTS_READ | __WASI_RIGHTS_FD_FILESTAT_SET_TIMES, 0, &fd);
  if (!e) e = __wasi_fd_filestat_set_times(fd, 0, 0, __WASI_FSTFLAGS_ATIM_NOW | __WASI_FSTFLAGS_MTIM_NOW);
  report("fd-utimes", argv[1], e, "", 0);
  return 0;
}

ACTION(libc_write) {
  FILE *f = fopen(argv[1], "w");
  int e = 0;
  if (!f) e = errno;
  else {
    if (fputs(argv[2], f) < 0) e = errno;
    if (fclose(f) && !e) e = errno;
  }
  report("libc-write", argv[1], e, "", 0);
  return 0;
}
