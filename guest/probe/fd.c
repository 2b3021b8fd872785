/* fd.c: calls on raw file descriptor numbers.
 *
 * usage: probe fd-scan [MAX]     for fd 0..MAX (default 1024): fd_fdstat_get and
 *                                fd_prestat_get; an fd exists when either answers other
 *                                than EBADF. data = "0,1,2,3:/,4:.,5:/" (preopens with their
 *                                fd_prestat_dir_name; "N?E" when fdstat failed with E).
 *        probe fd-read FD        fd_read up to 256 bytes; data = bytes read
 *        probe fd-readdir FD     fd_readdir; data = entry names joined by ","
 *        probe fd-write FD TEXT  fd_write TEXT; data = bytes written
 *        probe fd-stat FD        fd_fdstat_get + fd_filestat_get; data =
 *                                "type=T flags=F base=0x.. inh=0x.. size=S"
 * errno: fd-scan 0 (the scan itself cannot fail); the others the call's errno.
 *
 * Bare SDK 0.16.0, measured:
 *   fd-scan -> "0:?54,1:?54,2:?54,3:/,4:.,5:/": fd_prestat_get on stdin/stdout/stderr
 *     SUCCEEDS with tag 0 (dir) and name lengths 5/6/6, then fd_prestat_dir_name fails
 *     with 54 ENOTDIR (a guard that lists preopens from fd 0 must not trust the tag);
 *   fd-stat 3 -> type=3 base=inh=0x7fffffffff (WASIX rights beyond bit 29);
 *     fd-stat 4 and 5 -> 0x1fffffff; fd-stat 0 -> type=2 base=0x820009b;
 *   fd-readdir 3 -> "/.,//" (two odd names only), fd-readdir 5 -> the real "/" listing,
 *     fd-readdir 4 -> ".,.." (empty /workspace), fd-readdir 0 -> 54;
 *   fd-read 3 -> 31 EISDIR, fd-read 0 -> 0 bytes (closed stdin reads as EOF);
 *   fd-write 3 x -> 31; fd-write 1 / 2 -> written.
 */
#include <string.h>
#include "probe.h"

ACTION(fd_scan) {
  static struct buf data;
  uint32_t max = argc > 1 ? arg_u32(argv[1]) : 1024;
  int first = 1;
  for (uint64_t i = 0; i <= max; i++) {
    __wasi_fd_t fd = (__wasi_fd_t)i;
    __wasi_fdstat_t st;
    __wasi_prestat_t pre;
    __wasi_errno_t es = __wasi_fd_fdstat_get(fd, &st);
    __wasi_errno_t ep = __wasi_fd_prestat_get(fd, &pre);
    if (es == __WASI_ERRNO_BADF && ep == __WASI_ERRNO_BADF) continue;
    buf_printf(&data, "%s%u", first ? "" : ",", fd);
    first = 0;
    if (es) buf_printf(&data, "?%d", es);
    if (!ep && pre.tag == __WASI_PREOPENTYPE_DIR) {
      char name[1024];
      uint32_t len = pre.u.dir.pr_name_len < sizeof name ? pre.u.dir.pr_name_len : sizeof name;
      __wasi_errno_t en = __wasi_fd_prestat_dir_name(fd, (uint8_t *)name, len);
      buf_add(&data, ":", 1);
      if (en) buf_printf(&data, "?%d", en);
      else buf_add(&data, name, strnlen(name, len));
    }
  }
  report_buf("fd-scan", argc > 1 ? argv[1] : "1024", 0, &data);
  return 0;
}

ACTION(fd_read) {
  static struct buf data;
  size_t got;
  __wasi_errno_t e = probe_read(arg_u32(argv[1]), &data, DATA_MAX, &got);
  report_buf("fd-read", argv[1], e, &data);
  return 0;
}

ACTION(fd_readdir) {
  static struct buf data;
  __wasi_errno_t e = probe_readdir(arg_u32(argv[1]), &data);
  report_buf("fd-readdir", argv[1], e, &data);
  return 0;
}

ACTION(fd_write) {
  struct buf data = {0};
  size_t put;
  __wasi_errno_t e = probe_write(arg_u32(argv[1]), argv[2], strlen(argv[2]), &put);
  buf_printf(&data, "%zu", put);
  report_buf("fd-write", argv[1], e, &data);
  return 0;
}

ACTION(fd_stat) {
  struct buf data = {0};
  __wasi_fd_t fd = arg_u32(argv[1]);
  __wasi_fdstat_t st;
  __wasi_filestat_t fs;
  __wasi_errno_t e = __wasi_fd_fdstat_get(fd, &st);
  if (!e) {
    buf_printf(&data, "type=%u flags=%u base=0x%llx inh=0x%llx", st.fs_filetype, st.fs_flags,
               (unsigned long long)st.fs_rights_base, (unsigned long long)st.fs_rights_inheriting);
    e = __wasi_fd_filestat_get(fd, &fs);
    if (e) buf_printf(&data, " filestat=%d", e);
    else buf_printf(&data, " size=%llu ino=%llu", (unsigned long long)fs.size, (unsigned long long)fs.ino);
  }
  report_buf("fd-stat", argv[1], e, &data);
  return 0;
}
