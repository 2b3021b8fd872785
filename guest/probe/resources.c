/* resources.c: memory, CPU, time and output-volume pressure, and ways to end.
 *
 * usage: probe mem-grow PAGES    memory.grow(0, 1) up to PAGES times (no libc);
 *                                data = "pages=N grown=K failed=0|1" (N = final memory.size)
 *        probe malloc-loop MB    malloc 1 MiB blocks, touching every 4 KiB, until NULL or MB;
 *                                data = "mib=N pages=P"
 *        probe spin              prints its line ("started"), then loops forever
 *        probe sleep MS          libc nanosleep (poll_oneoff with a clock subscription);
 *                                data = "requested_ms=R elapsed_ms=E" (monotonic clock)
 *        probe flood-stdout BYTES  fd_write BYTES of 'A' on fd 1 in 64 KiB chunks; its JSON
 *                                line goes to stderr instead, data = bytes written
 *        probe flood-file PATH BYTES [DIRFD]  path_open(O_CREAT|O_TRUNC) then fd_write 64 KiB
 *                                chunks; data = bytes written, errno = what stopped it
 *        probe exit N            prints its line, then proc_exit(N)
 *        probe trap              prints its line, then __builtin_trap() (unreachable)
 * errno: mem-grow and malloc-loop make no WASI call: a failed grow or malloc is
 * reported as 48 (ENOMEM); reaching the requested amount is 0.
 *
 * Bare SDK 0.16.0, measured:
 *   mem-grow 10 -> "pages=15"; one page at a time is superlinear: 1000 pages 0.4 s,
 *     4000 pages 2.3 s, 16000 pages 11.9 s (a CPU sink even below any memory cap);
 *   malloc-loop 64 -> 1.2 s, 256 -> 2.4 s, "mib=256 pages=4101" (no maximum declared);
 *   spin -> its line arrives, then run() ends "137 timeout" (the worker keeps spinning);
 *   sleep: the first sleep in a fresh Wasmer client hung in 6 of 7 runs (run() ends
 *     "137 timeout"; once it ignored timeoutMs 2000 and exited 0 after 12.4 s); later
 *     ones are accurate (20 ms -> 21-23 ms); sleep 0 hung 4 times out of 4;
 *   flood-stdout 67108864 -> the guest writes all 64 MiB without error, but run()'s
 *     stdout holds exactly 16 MiB (16777216 bytes): silent truncation; spawn() streams
 *     all of it;
 *   flood-file 100 MiB to /workspace or /tmp -> 0 (no quota);
 *   exit 7 -> exit code 7, exit 300 -> 44 (status & 255);
 *   trap -> run({check:false}) THROWS WasmerError "RuntimeError: unreachable" instead of
 *     resolving; the client survives (the next command runs).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "probe.h"

#define CHUNK 65536

ACTION(mem_grow) {
  struct buf data = {0};
  uint32_t want = arg_u32(argv[1]), grown = 0;
  int failed = 0;
  while (grown < want) {
    if (__builtin_wasm_memory_grow(0, 1) == (size_t)-1) { failed = 1; break; }
    grown++;
  }
  buf_printf(&data, "pages=%zu grown=%u failed=%d", __builtin_wasm_memory_size(0), grown, failed);
  report_buf("mem-grow", argv[1], failed ? __WASI_ERRNO_NOMEM : 0, &data);
  return 0;
}

ACTION(malloc_loop) {
  struct buf data = {0};
  uint32_t want = arg_u32(argv[1]), got = 0;
  while (got < want) {
    volatile unsigned char *p = malloc(1 << 20);
    if (!p) break;
    for (size_t i = 0; i < (1 << 20); i += 4096) p[i] = 1;
    got++;
  }
  buf_printf(&data, "mib=%u pages=%zu", got, __builtin_wasm_memory_size(0));
  report_buf("malloc-loop", argv[1], got < want ? __WASI_ERRNO_NOMEM : 0, &data);
  return 0;
}

ACTION(spin) {
  volatile uint64_t n = 0;
  report("spin", "", 0, "started", 7);
  for (;;) n++;
}

static uint64_t now_ns(void) {
  __wasi_timestamp_t t = 0;
  (void)__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &t);
  return t;
}

ACTION(sleep) {
  struct buf data = {0};
  uint32_t ms = arg_u32(argv[1]);
  struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
  uint64_t t0 = now_ns();
  errno = 0;
  int r = nanosleep(&ts, NULL);
  int e = r ? errno : 0;
  buf_printf(&data, "requested_ms=%u elapsed_ms=%llu", ms, (unsigned long long)((now_ns() - t0) / 1000000));
  report_buf("sleep", argv[1], e, &data);
  return 0;
}

static unsigned char chunk[CHUNK];

static __wasi_errno_t flood(__wasi_fd_t fd, uint64_t bytes, uint64_t *done) {
  memset(chunk, 'A', sizeof chunk);
  *done = 0;
  while (*done < bytes) {
    size_t n = bytes - *done < CHUNK ? (size_t)(bytes - *done) : CHUNK, put;
    __wasi_errno_t e = probe_write(fd, chunk, n, &put);
    *done += put;
    if (e) return e;
  }
  return 0;
}

ACTION(flood_stdout) {
  struct buf data = {0};
  uint64_t done;
  __wasi_errno_t e = flood(1, arg_u64(argv[1]), &done);
  buf_printf(&data, "%llu", (unsigned long long)done);
  report_to(2, "flood-stdout", argv[1], e, data.b, data.len);
  return 0;
}

ACTION(flood_file) {
  struct buf data = {0};
  uint64_t bytes = arg_u64(argv[2]), done = 0;
  __wasi_fd_t fd;
  __wasi_errno_t e = probe_open(arg_dirfd(argc, argv, 3), argv[1],
                                __WASI_OFLAGS_CREAT | __WASI_OFLAGS_TRUNC, RIGHTS_WRITE, 0, &fd);
  if (!e) {
    e = flood(fd, bytes, &done);
    __wasi_errno_t c = __wasi_fd_close(fd);
    if (!e) e = c;
  }
  buf_printf(&data, "%llu", (unsigned long long)done);
  report_buf("flood-file", argv[1], e, &data);
  return 0;
}

ACTION(exit) {
  uint32_t n = arg_u32(argv[1]);
  report("exit", argv[1], 0, "", 0);
  __wasi_proc_exit(n);
}

ACTION(trap) {
  report("trap", "", 0, "", 0);
  __builtin_trap();
}
