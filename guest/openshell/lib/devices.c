/* The enclave's standard devices as character devices. The SDK presents /dev/null,
 * /dev/zero and /dev/urandom as empty regular files, so `test -c /dev/null`,
 * `stat -c %F` and `find -type c` would answer wrongly. A link-time wrap of
 * path_filestat_get (scripts/build-guest.mjs) reports these names, and only these, as
 * character devices. (/dev/stdin, /dev/stdout and /dev/stderr are links on Linux,
 * whose targets depend on the streams: they stay as the SDK shows them.) */
#include <string.h>
#include <wasi/api.h>

static const char *const devices[] = {"/dev/null", "/dev/zero", "/dev/random", "/dev/urandom"};

__wasi_errno_t __real___wasi_path_filestat_get(__wasi_fd_t, __wasi_lookupflags_t, const char *, __wasi_filestat_t *);
__wasi_errno_t __wrap___wasi_path_filestat_get(__wasi_fd_t fd, __wasi_lookupflags_t flags, const char *path, __wasi_filestat_t *st) {
  __wasi_errno_t rc = __real___wasi_path_filestat_get(fd, flags, path, st);
  if (rc || st->filetype != __WASI_FILETYPE_REGULAR_FILE || st->size) return rc;
  /* path is relative to the preopened directory fd: rebuild the absolute name */
  char full[64];
  __wasi_prestat_t pre;
  if (__wasi_fd_prestat_get(fd, &pre) || pre.u.dir.pr_name_len >= 32 || strlen(path) >= 30) return rc;
  if (__wasi_fd_prestat_dir_name(fd, (unsigned char *)full, pre.u.dir.pr_name_len)) return rc;
  size_t n = pre.u.dir.pr_name_len;
  while (n && full[n - 1] == '/') n--;
  full[n] = '/';
  strcpy(full + n + 1, path[0] == '.' && path[1] == '/' ? path + 2 : path);
  for (size_t i = 0; i < sizeof devices / sizeof *devices; i++)
    if (!strcmp(full, devices[i])) { st->filetype = __WASI_FILETYPE_CHARACTER_DEVICE; break; }
  return rc;
}
