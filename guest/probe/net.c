/* net.c: preview1 socket calls on ordinary fds (no WASIX socket imports here: those
 * would be refused at admission, which is a fixture's job).
 *
 * usage: probe sock   sock_accept on fds 0..10, then sock_recv, sock_send("x") and
 *                     sock_shutdown(RD|WR) on fd 3.
 * data: "accept0=E ... accept10=E recv3=E send3=E shutdown3=E".
 * errno: 0 if any call succeeded, otherwise the errno of the last call (shutdown).
 *
 * Bare SDK 0.16.0, measured: "accept0=2 accept1=2 accept2=2 accept3=57 accept4=2
 * accept5=2 accept6=8 ... accept10=8 recv3=57 send3=57 shutdown3=57": fds without
 * the SOCK_ACCEPT right answer 2 EACCES, so the bare SDK itself can return EACCES;
 * a test must not read errno 2 alone as "the guard denied it".
 */
#include "probe.h"

ACTION(sock) {
  struct buf data = {0};
  int any = 0;
  __wasi_errno_t e;
  for (__wasi_fd_t fd = 0; fd <= 10; fd++) {
    __wasi_fd_t nfd;
    e = __wasi_sock_accept(fd, 0, &nfd);
    buf_printf(&data, "accept%u=%d ", fd, e);
    any |= e == 0;
  }
  uint8_t in[64];
  __wasi_iovec_t riov = {in, sizeof in};
  __wasi_ciovec_t siov = {(const uint8_t *)"x", 1};
  __wasi_size_t n;
  __wasi_roflags_t roflags;
  e = __wasi_sock_recv(3, &riov, 1, 0, &n, &roflags);
  buf_printf(&data, "recv3=%d ", e);
  any |= e == 0;
  e = __wasi_sock_send(3, &siov, 1, 0, &n);
  buf_printf(&data, "send3=%d ", e);
  any |= e == 0;
  e = __wasi_sock_shutdown(3, __WASI_SDFLAGS_RD | __WASI_SDFLAGS_WR);
  buf_printf(&data, "shutdown3=%d", e);
  any |= e == 0;
  report_buf("sock", "0-10", any ? 0 : e, &data);
  return 0;
}
