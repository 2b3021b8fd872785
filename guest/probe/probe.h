/* probe.h: declarations shared by the probe's source files (one file per area).
 *
 * usage: probe ACTION [ARGS...]   (the action list is in main.c)
 *
 * Every action prints exactly one JSON line on stdout through report():
 *   {"action":"...","target":"...","errno":N,"ok":true|false,"data":"..."}
 * errno is the raw WASI errno of the call that decides the outcome (0 on success),
 * ok is exactly (errno == 0), data holds at most DATA_MAX raw bytes, escaped.
 */
#ifndef PROBE_H
#define PROBE_H

#include <stddef.h>
#include <stdint.h>
#include <wasi/api.h>

#define DATA_MAX 256          /* raw bytes of data kept in a report */
#define DEFAULT_DIRFD 3       /* first preopen; "/" in the bare SDK */

/* A growable-by-truncation text buffer for composing data. */
struct buf {
  size_t len;
  char b[8192];
};
void buf_add(struct buf *b, const void *p, size_t n);
void buf_str(struct buf *b, const char *s);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* json.c: the single output line, written with raw fd_write on fd 1 (or 2). */
void report(const char *action, const char *target, int err, const void *data, size_t len);
void report_buf(const char *action, const char *target, int err, const struct buf *b);
void report_to(int fd, const char *action, const char *target, int err, const void *data, size_t len);

/* main.c: argument helpers; both exit 2 on a malformed number. */
uint32_t arg_u32(const char *s);
uint64_t arg_u64(const char *s);
__wasi_fd_t arg_dirfd(int argc, char **argv, int idx);
_Noreturn void usage_error(const char *msg);

/* fs.c helpers reused by other areas. */
__wasi_errno_t probe_open(__wasi_fd_t dirfd, const char *path, __wasi_oflags_t oflags,
                          __wasi_rights_t rights, __wasi_fdflags_t fdflags, __wasi_fd_t *fd);
__wasi_errno_t probe_read(__wasi_fd_t fd, struct buf *out, size_t max, size_t *got);
__wasi_errno_t probe_write(__wasi_fd_t fd, const void *p, size_t n, size_t *put);
__wasi_errno_t probe_readdir(__wasi_fd_t fd, struct buf *names);

#define RIGHTS_READ (__WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL | \
                     __WASI_RIGHTS_FD_FILESTAT_GET)
#define RIGHTS_WRITE (__WASI_RIGHTS_FD_WRITE | __WASI_RIGHTS_FD_SEEK | __WASI_RIGHTS_FD_TELL | \
                      __WASI_RIGHTS_FD_FILESTAT_GET | __WASI_RIGHTS_FD_FILESTAT_SET_SIZE)
#define RIGHTS_DIR (__WASI_RIGHTS_FD_READDIR | __WASI_RIGHTS_PATH_OPEN | \
                    __WASI_RIGHTS_PATH_FILESTAT_GET | __WASI_RIGHTS_FD_FILESTAT_GET)
#define RIGHTS_ALL ((__wasi_rights_t)0x3fffffff)   /* bits 0..29, every preview1 right */

/* Actions: int do_NAME(int argc, char **argv); argv[0] is the action name. */
#define ACTION(name) int do_##name(int argc, char **argv)
ACTION(open_read); ACTION(open_write); ACTION(open_dir); ACTION(stat); ACTION(mkdir);
ACTION(rmdir); ACTION(unlink); ACTION(rename); ACTION(link); ACTION(symlink);
ACTION(readlink); ACTION(utimes); ACTION(read_canary);
ACTION(symlink_escape); ACTION(hardlink_escape); ACTION(renumber_escape);
ACTION(open_nul); ACTION(open_badptr); ACTION(scribble_open); ACTION(sp_open);
ACTION(fd_scan); ACTION(fd_read); ACTION(fd_readdir); ACTION(fd_write); ACTION(fd_stat);
ACTION(env); ACTION(args); ACTION(sock);
ACTION(mem_grow); ACTION(malloc_loop); ACTION(spin); ACTION(sleep); ACTION(flood_stdout);
ACTION(flood_file); ACTION(exit); ACTION(trap);
ACTION(fd_find); ACTION(grow); ACTION(fd_utimes); ACTION(libc_write);

#endif
