/* main.c: probe, a multi-action attack module for the enclave's isolation boundary.
 *
 * usage: probe ACTION [ARGS...]
 * Performs raw WASI preview1 calls (<wasi/api.h>, not libc wrappers, unless the
 * action says "libc") and prints exactly one JSON line on stdout:
 *   {"action":"...","target":"...","errno":N,"ok":true|false,"data":"..."}
 * It never judges: errno is what the call returned. Exit status 0 whenever the
 * action ran (even if the call failed), 2 for a usage error.
 * DIRFD is a number; when omitted it is 3 (the first preopen, "/" in the bare SDK).
 * PATH is passed to the call byte for byte: a leading "/" or ".." is not stripped.
 * Multi-step actions document their errno rule in their own file.
 *
 * fs.c        open-read PATH [DIRFD]      open-write PATH [DIRFD]   open-dir PATH [DIRFD]
 *             stat PATH [DIRFD]           mkdir PATH [DIRFD]        rmdir PATH [DIRFD]
 *             unlink PATH [DIRFD]         rename OLD NEW [DIRFD]    link OLD NEW [DIRFD]
 *             symlink TARGET LINK [DIRFD] readlink PATH [DIRFD]     utimes PATH [DIRFD]
 *             read-canary PATH  (libc fopen)
 * escape.c    symlink-escape DIR [DIRFD]  hardlink-escape SRC DST [DIRFD]
 *             renumber-escape DIR PATH [DIRFD [FROMFD]]   open-nul PREFIX SUFFIX [DIRFD]
 *             open-badptr [DIRFD]         scribble-open PATH [DIRFD]
 *             sp-open PATH [DIRFD [DELTA]]
 * fd.c        fd-scan [MAX]  fd-read FD  fd-readdir FD  fd-write FD TEXT  fd-stat FD
 * namespace.c fd-find MAX [@PATH|%PATH]... NAME...   grow PATH HOW BYTES
 *             fd-utimes PATH   libc-write PATH TEXT
 * env.c       env  args [ANY...]
 * net.c       sock
 * resources.c mem-grow PAGES  malloc-loop MB  spin  sleep MS  flood-stdout BYTES
 *             flood-file PATH BYTES [DIRFD]  exit N  trap
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "probe.h"

struct action {
  const char *name;
  int (*fn)(int argc, char **argv);
  int min_args, max_args;   /* arguments after the action name */
  const char *usage;
};

/* Sorted by name (strcmp order) for bsearch. */
static const struct action actions[] = {
  {"args", do_args, 0, 64, "args [ANY...]"},
  {"env", do_env, 0, 0, "env"},
  {"exit", do_exit, 1, 1, "exit N"},
  {"fd-find", do_fd_find, 1, 64, "fd-find MAX [@PATH|%PATH]... NAME..."},
  {"fd-read", do_fd_read, 1, 1, "fd-read FD"},
  {"fd-readdir", do_fd_readdir, 1, 1, "fd-readdir FD"},
  {"fd-scan", do_fd_scan, 0, 1, "fd-scan [MAX]"},
  {"fd-stat", do_fd_stat, 1, 1, "fd-stat FD"},
  {"fd-utimes", do_fd_utimes, 1, 1, "fd-utimes PATH"},
  {"fd-write", do_fd_write, 2, 2, "fd-write FD TEXT"},
  {"flood-file", do_flood_file, 2, 3, "flood-file PATH BYTES [DIRFD]"},
  {"flood-stdout", do_flood_stdout, 1, 1, "flood-stdout BYTES"},
  {"grow", do_grow, 3, 3, "grow PATH HOW BYTES"},
  {"hardlink-escape", do_hardlink_escape, 2, 3, "hardlink-escape SRC DST [DIRFD]"},
  {"libc-write", do_libc_write, 2, 2, "libc-write PATH TEXT"},
  {"link", do_link, 2, 3, "link OLD NEW [DIRFD]"},
  {"malloc-loop", do_malloc_loop, 1, 1, "malloc-loop MB"},
  {"mem-grow", do_mem_grow, 1, 1, "mem-grow PAGES"},
  {"mkdir", do_mkdir, 1, 2, "mkdir PATH [DIRFD]"},
  {"open-badptr", do_open_badptr, 0, 1, "open-badptr [DIRFD]"},
  {"open-dir", do_open_dir, 1, 2, "open-dir PATH [DIRFD]"},
  {"open-nul", do_open_nul, 2, 3, "open-nul PREFIX SUFFIX [DIRFD]"},
  {"open-read", do_open_read, 1, 2, "open-read PATH [DIRFD]"},
  {"open-write", do_open_write, 1, 2, "open-write PATH [DIRFD]"},
  {"read-canary", do_read_canary, 1, 1, "read-canary PATH"},
  {"readlink", do_readlink, 1, 2, "readlink PATH [DIRFD]"},
  {"rename", do_rename, 2, 3, "rename OLD NEW [DIRFD]"},
  {"renumber-escape", do_renumber_escape, 2, 4, "renumber-escape DIR PATH [DIRFD [FROMFD]]"},
  {"rmdir", do_rmdir, 1, 2, "rmdir PATH [DIRFD]"},
  {"scribble-open", do_scribble_open, 1, 2, "scribble-open PATH [DIRFD]"},
  {"sleep", do_sleep, 1, 1, "sleep MS"},
  {"sock", do_sock, 0, 0, "sock"},
  {"sp-open", do_sp_open, 1, 3, "sp-open PATH [DIRFD [DELTA]]"},
  {"spin", do_spin, 0, 0, "spin"},
  {"stat", do_stat, 1, 2, "stat PATH [DIRFD]"},
  {"symlink", do_symlink, 2, 3, "symlink TARGET LINK [DIRFD]"},
  {"symlink-escape", do_symlink_escape, 1, 2, "symlink-escape DIR [DIRFD]"},
  {"trap", do_trap, 0, 0, "trap"},
  {"unlink", do_unlink, 1, 2, "unlink PATH [DIRFD]"},
  {"utimes", do_utimes, 1, 2, "utimes PATH [DIRFD]"},
};
#define NACTIONS (sizeof actions / sizeof actions[0])

_Noreturn void usage_error(const char *msg) {
  fprintf(stderr, "probe: %s (see \"probe\" with no arguments)\n", msg);
  fflush(stderr);
  exit(2);
}

static _Noreturn void usage_all(void) {
  fputs("usage: probe ACTION [ARGS...]\nactions:\n", stderr);
  for (size_t i = 0; i < NACTIONS; i++) fprintf(stderr, "  %s\n", actions[i].usage);
  fflush(stderr);
  exit(2);
}

uint64_t arg_u64(const char *s) {
  char *end;
  errno = 0;
  if (!*s || *s == '-') usage_error("expected a non-negative number");
  unsigned long long v = strtoull(s, &end, 0);
  if (errno || *end) usage_error("expected a non-negative number");
  return v;
}

uint32_t arg_u32(const char *s) {
  uint64_t v = arg_u64(s);
  if (v > UINT32_MAX) usage_error("number out of range (max 4294967295)");
  return (uint32_t)v;
}

__wasi_fd_t arg_dirfd(int argc, char **argv, int idx) {
  return idx < argc ? arg_u32(argv[idx]) : DEFAULT_DIRFD;
}

static int by_name(const void *key, const void *elem) {
  return strcmp((const char *)key, ((const struct action *)elem)->name);
}

int main(int argc, char **argv) {
  if (argc < 2) usage_all();
  const struct action *a = bsearch(argv[1], actions, NACTIONS, sizeof actions[0], by_name);
  if (!a) usage_error("unknown action");
  int nargs = argc - 2;
  if (nargs < a->min_args || nargs > a->max_args) {
    fprintf(stderr, "usage: probe %s\n", a->usage);
    fflush(stderr);
    return 2;
  }
  return a->fn(argc - 1, argv + 1);
}
