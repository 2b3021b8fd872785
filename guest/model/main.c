/* main.c: wasi-ops, the interpreter the guard's model-based tests drive (test/model/).
 *
 * usage: wasi-ops < SCRIPT
 * Reads one WASI preview1 call per line from stdin, performs it with the raw call
 * (<wasi/api.h>, never a libc wrapper, so the bytes reach the guard as written) and
 * prints one line per call on stdout, at once, with a raw fd_write:
 *   R <errno> [<extra>]
 * It never judges: errno is what the call returned. First it prints the preopens it
 * finds, one "P <fd> <name-hex>" line each, then "B" (begin).
 *
 * open passes RIGHTS as rights_base and every right as rights_inheriting.
 * Arguments: a PATH or DATA is "x" followed by its bytes in hex ("x" alone is empty),
 * so NUL, control bytes and invalid UTF-8 pass unchanged. An FD is a number, or "@K",
 * the descriptor the K-th successful open returned (after a renumber of @A onto @B,
 * @A names @B's number). Unknown lines print "R -1 usage".
 *   open FD PATH LOOKUP OFLAGS RIGHTS FDFLAGS  extra: the new fd
 *   stat FD PATH LOOKUP                        extra: the file type
 *   utimes FD PATH       mkdir FD PATH        rmdir FD PATH        unlink FD PATH
 *   rename FD PATH FD2 PATH2                  link FD PATH FD2 PATH2 (no follow)
 *   symlink TARGET FD PATH                    readlink FD PATH     extra: the text, hex
 *   readdir FD           extra: entry names (not . and ..), hex, sorted, joined by ","
 *   read FD              extra: up to 64 bytes, hex     write FD DATA
 *   close FD             renumber FD TO
 * Each line is at most 20000 bytes; a path at most 8192 bytes (longer: "R -1 usage").
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wasi/api.h>


/* The raw imports, with explicit lengths: wasi-libc's wrappers take C strings, which
 * would cut a path at its first NUL byte. */
#define RAW(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))
typedef int32_t P; /* a guest pointer */
RAW(path_open) int32_t raw_path_open(int32_t, int32_t, P, int32_t, int32_t, int64_t, int64_t, int32_t, P);
RAW(path_filestat_get) int32_t raw_path_filestat_get(int32_t, int32_t, P, int32_t, P);
RAW(path_filestat_set_times) int32_t raw_path_filestat_set_times(int32_t, int32_t, P, int32_t, int64_t, int64_t, int32_t);
RAW(path_create_directory) int32_t raw_path_create_directory(int32_t, P, int32_t);
RAW(path_remove_directory) int32_t raw_path_remove_directory(int32_t, P, int32_t);
RAW(path_unlink_file) int32_t raw_path_unlink_file(int32_t, P, int32_t);
RAW(path_rename) int32_t raw_path_rename(int32_t, P, int32_t, int32_t, P, int32_t);
RAW(path_link) int32_t raw_path_link(int32_t, int32_t, P, int32_t, int32_t, P, int32_t);
RAW(path_symlink) int32_t raw_path_symlink(P, int32_t, int32_t, P, int32_t);
RAW(path_readlink) int32_t raw_path_readlink(int32_t, P, int32_t, P, int32_t, P);
#define PTR(x) ((P)(uintptr_t)(x))

#define LINE_MAX_BYTES 20000
#define PATH_BYTES 8192
#define MAX_SLOTS 64

static __wasi_fd_t slots[MAX_SLOTS];
static int nslots;

static void out(const char *s, size_t n) {
  while (n > 0) {
    __wasi_ciovec_t iov = {(const uint8_t *)s, n};
    __wasi_size_t k = 0;
    if (__wasi_fd_write(1, &iov, 1, &k) || k == 0) return;
    s += k;
    n -= k;
  }
}

static char line_out[2 * PATH_BYTES + 4096];
static size_t lo;
static void put(const char *s) { size_t n = strlen(s); if (lo + n < sizeof line_out) { memcpy(line_out + lo, s, n); lo += n; } }
static void put_hex(const uint8_t *p, size_t n) {
  static const char h[] = "0123456789abcdef";
  for (size_t i = 0; i < n && lo + 2 < sizeof line_out; i++) { line_out[lo++] = h[p[i] >> 4]; line_out[lo++] = h[p[i] & 15]; }
}
static void put_num(long long v) {
  char b[24]; int i = 23; b[i] = 0; int neg = v < 0; unsigned long long u = neg ? -(unsigned long long)v : (unsigned long long)v;
  do { b[--i] = '0' + u % 10; u /= 10; } while (u);
  if (neg) b[--i] = '-';
  put(b + i);
}
static void flush_line(void) { put("\n"); out(line_out, lo); lo = 0; }
static void result(int err) { put("R "); put_num(err); }

/* ---- argument parsing ---------------------------------------------------------- */

static char *tokens[8];
static int ntok;
static int bad;

static int hexval(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

/* PATH/DATA argument "x<hex>" into buf; returns its length. */
static size_t arg_bytes(int k, uint8_t *buf) {
  if (k >= ntok || tokens[k][0] != 'x') { bad = 1; return 0; }
  const char *s = tokens[k] + 1;
  size_t n = strlen(s);
  if (n % 2 || n / 2 > PATH_BYTES) { bad = 1; return 0; }
  for (size_t i = 0; i < n / 2; i++) {
    int a = hexval(s[2 * i]), b = hexval(s[2 * i + 1]);
    if (a < 0 || b < 0) { bad = 1; return 0; }
    buf[i] = (uint8_t)(a * 16 + b);
  }
  buf[n / 2] = 0; /* the guard must not read past the length: keep what lies there fixed */
  return n / 2;
}

static uint64_t arg_num(int k) {
  if (k >= ntok) { bad = 1; return 0; }
  char *end;
  uint64_t v = strtoull(tokens[k], &end, 10);
  if (*end || !tokens[k][0]) bad = 1;
  return v;
}

static __wasi_fd_t arg_fd(int k) {
  if (k < ntok && tokens[k][0] == '@') {
    char *end;
    long i = strtol(tokens[k] + 1, &end, 10);
    if (*end || i < 0 || i >= nslots) { bad = 1; return 0; }
    return slots[i];
  }
  return (__wasi_fd_t)arg_num(k);
}

/* ---- calls ------------------------------------------------------------------------ */

static uint8_t p1[PATH_BYTES + 1], p2[PATH_BYTES + 1], data[PATH_BYTES + 1];

static int names_cmp(const void *a, const void *b) {
  const uint8_t *const *x = a, *const *y = b;
  size_t lx = x[1] - x[0], ly = y[1] - y[0], n = lx < ly ? lx : ly;
  int c = memcmp(x[0], y[0], n);
  return c ? c : (lx > ly) - (lx < ly);
}

static void do_readdir(__wasi_fd_t fd) {
  static uint8_t dbuf[16384];
  static const uint8_t *names[2 * 256];
  static uint8_t store[PATH_BYTES * 2];
  size_t sp = 0;
  int count = 0;
  __wasi_dircookie_t cookie = 0;
  for (;;) {
    __wasi_size_t used = 0;
    __wasi_errno_t e = __wasi_fd_readdir(fd, dbuf, sizeof dbuf, cookie, &used);
    if (e) { result(e); return; }
    size_t off = 0;
    int progressed = 0;
    while (off + sizeof(__wasi_dirent_t) <= used) {
      __wasi_dirent_t d;
      memcpy(&d, dbuf + off, sizeof d);
      if (off + sizeof d + d.d_namlen > used) break;
      const uint8_t *nm = dbuf + off + sizeof d;
      int dot = (d.d_namlen == 1 && nm[0] == '.') || (d.d_namlen == 2 && nm[0] == '.' && nm[1] == '.');
      if (!dot && count < 256) {
        /* names point into dbuf, which the next call overwrites: copy them into data */
        if (sp + d.d_namlen <= sizeof store) {
          memcpy(store + sp, nm, d.d_namlen);
          names[2 * count] = store + sp;
          names[2 * count + 1] = store + sp + d.d_namlen;
          sp += d.d_namlen;
          count++;
        }
      }
      cookie = d.d_next;
      off += sizeof d + d.d_namlen;
      progressed = 1;
    }
    if (used < sizeof dbuf || !progressed) break;
  }
  qsort(names, count, 2 * sizeof names[0], names_cmp);
  result(0);
  put(" ");
  for (int i = 0; i < count; i++) {
    if (i) put(",");
    put_hex(names[2 * i], names[2 * i + 1] - names[2 * i]);
  }
}

static void run_line(void) {
  bad = 0;
  const char *op = tokens[0];
  size_t n1, n2;
  __wasi_errno_t e;
  if (!strcmp(op, "open") && ntok == 7) {
    __wasi_fd_t dir = arg_fd(1), fd = (__wasi_fd_t)-1;
    n1 = arg_bytes(2, p1);
    uint64_t look = arg_num(3), of = arg_num(4), rights = arg_num(5), ff = arg_num(6);
    if (bad) goto usage;
    /* inheriting: every right, as wasi-libc asks; only rights_base says what this open may do */
    e = raw_path_open(dir, (int32_t)look, PTR(p1), n1, (int32_t)of, rights, 0x3fffffff, (int32_t)ff, PTR(&fd));
    result(e);
    if (!e) {
      put(" ");
      put_num(fd);
      if (nslots < MAX_SLOTS) slots[nslots++] = fd;
    }
  } else if (!strcmp(op, "stat") && ntok == 4) {
    __wasi_fd_t dir = arg_fd(1);
    n1 = arg_bytes(2, p1);
    uint64_t look = arg_num(3);
    if (bad) goto usage;
    __wasi_filestat_t st;
    e = raw_path_filestat_get(dir, (int32_t)look, PTR(p1), n1, PTR(&st));
    result(e);
    if (!e) { put(" "); put_num(st.filetype); }
  } else if (!strcmp(op, "utimes") && ntok == 3) {
    __wasi_fd_t dir = arg_fd(1);
    n1 = arg_bytes(2, p1);
    if (bad) goto usage;
    result(raw_path_filestat_set_times(dir, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, PTR(p1), n1, 0, 0,
                                       __WASI_FSTFLAGS_ATIM_NOW | __WASI_FSTFLAGS_MTIM_NOW));
  } else if ((!strcmp(op, "mkdir") || !strcmp(op, "rmdir") || !strcmp(op, "unlink")) && ntok == 3) {
    __wasi_fd_t dir = arg_fd(1);
    n1 = arg_bytes(2, p1);
    if (bad) goto usage;
    if (op[0] == 'm') e = raw_path_create_directory(dir, PTR(p1), n1);
    else if (op[0] == 'r') e = raw_path_remove_directory(dir, PTR(p1), n1);
    else e = raw_path_unlink_file(dir, PTR(p1), n1);
    result(e);
  } else if ((!strcmp(op, "rename") || !strcmp(op, "link")) && ntok == 5) {
    __wasi_fd_t d1 = arg_fd(1), d2 = arg_fd(3);
    n1 = arg_bytes(2, p1);
    n2 = arg_bytes(4, p2);
    if (bad) goto usage;
    if (op[0] == 'r') e = raw_path_rename(d1, PTR(p1), n1, d2, PTR(p2), n2);
    else e = raw_path_link(d1, 0, PTR(p1), n1, d2, PTR(p2), n2);
    result(e);
  } else if (!strcmp(op, "symlink") && ntok == 4) {
    n1 = arg_bytes(1, p1);
    __wasi_fd_t dir = arg_fd(2);
    n2 = arg_bytes(3, p2);
    if (bad) goto usage;
    result(raw_path_symlink(PTR(p1), n1, dir, PTR(p2), n2));
  } else if (!strcmp(op, "readlink") && ntok == 3) {
    __wasi_fd_t dir = arg_fd(1);
    n1 = arg_bytes(2, p1);
    if (bad) goto usage;
    __wasi_size_t got = 0;
    e = raw_path_readlink(dir, PTR(p1), n1, PTR(data), sizeof data, PTR(&got));
    result(e);
    if (!e) { put(" "); put_hex(data, got); }
  } else if (!strcmp(op, "readdir") && ntok == 2) {
    __wasi_fd_t fd = arg_fd(1);
    if (bad) goto usage;
    do_readdir(fd);
  } else if (!strcmp(op, "read") && ntok == 2) {
    __wasi_fd_t fd = arg_fd(1);
    if (bad) goto usage;
    __wasi_iovec_t iov = {data, 64};
    __wasi_size_t got = 0;
    e = __wasi_fd_read(fd, &iov, 1, &got);
    result(e);
    if (!e) { put(" "); put_hex(data, got); }
  } else if (!strcmp(op, "write") && ntok == 3) {
    __wasi_fd_t fd = arg_fd(1);
    n1 = arg_bytes(2, data);
    if (bad) goto usage;
    __wasi_ciovec_t iov = {data, n1};
    __wasi_size_t put_n = 0;
    result(__wasi_fd_write(fd, &iov, 1, &put_n));
  } else if (!strcmp(op, "close") && ntok == 2) {
    __wasi_fd_t fd = arg_fd(1);
    if (bad) goto usage;
    result(__wasi_fd_close(fd));
  } else if (!strcmp(op, "renumber") && ntok == 3) {
    int from_slot = tokens[1][0] == '@' ? atoi(tokens[1] + 1) : -1;
    __wasi_fd_t from = arg_fd(1), to = arg_fd(2);
    if (bad) goto usage;
    e = __wasi_fd_renumber(from, to);
    result(e);
    if (!e && from_slot >= 0) slots[from_slot] = to;
  } else {
    goto usage;
  }
  flush_line();
  return;
usage:
  put("R -1 usage");
  flush_line();
}

static char line[LINE_MAX_BYTES + 2];

static void split_and_run(char *s) {
  ntok = 0;
  for (char *t = strtok(s, " "); t && ntok < 8; t = strtok(NULL, " ")) tokens[ntok++] = t;
  if (ntok) run_line();
}

int main(void) {
  for (__wasi_fd_t fd = 3; fd < 35; fd++) {
    __wasi_prestat_t ps;
    if (__wasi_fd_prestat_get(fd, &ps)) break;
    size_t n = ps.u.dir.pr_name_len;
    if (n > 255) break;
    if (__wasi_fd_prestat_dir_name(fd, p1, n)) break;
    put("P "); put_num(fd); put(" x"); put_hex(p1, n); flush_line();
  }
  put("B");
  flush_line();
  static uint8_t chunk[4096];
  size_t len = 0;
  for (;;) {
    __wasi_iovec_t iov = {chunk, sizeof chunk};
    __wasi_size_t got = 0;
    if (__wasi_fd_read(0, &iov, 1, &got) || got == 0) break;
    for (size_t i = 0; i < got; i++) {
      if (chunk[i] == '\n') {
        line[len] = 0;
        split_and_run(line);
        len = 0;
      } else if (len < LINE_MAX_BYTES) {
        line[len++] = (char)chunk[i];
      }
    }
  }
  if (len) { line[len] = 0; split_and_run(line); }
  put("E");
  flush_line();
  return 0;
}
