/* json.c: the probe's one output line.
 *
 * usage: report(action, target, errno, data, len) prints
 *   {"action":"A","target":"T","errno":N,"ok":true|false,"data":"D"}
 * on stdout with raw fd_write (no stdio buffering, so it is out before a trap or
 * proc_exit). data keeps at most DATA_MAX raw bytes; target at most 1024.
 * Escaping: " \ as \" \\; \n \r \t as such; every other byte below 0x20 and every
 * byte >= 0x7f as \u00XX (one escape per byte, so the JSON is valid even when the
 * data is not UTF-8; a reader recovers the bytes as Latin-1 code points).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "probe.h"

void buf_add(struct buf *b, const void *p, size_t n) {
  size_t room = sizeof b->b - 1 - b->len;
  if (n > room) n = room;
  memcpy(b->b + b->len, p, n);
  b->len += n;
  b->b[b->len] = 0;
}

void buf_str(struct buf *b, const char *s) { buf_add(b, s, strlen(s)); }

void buf_printf(struct buf *b, const char *fmt, ...) {
  char tmp[1024];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
  va_end(ap);
  if (n > 0) buf_add(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

static void escape(struct buf *out, const unsigned char *p, size_t n) {
  static const char hex[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    unsigned char c = p[i];
    char e[6];
    if (c == '"' || c == '\\') { e[0] = '\\'; e[1] = (char)c; buf_add(out, e, 2); }
    else if (c == '\n') buf_add(out, "\\n", 2);
    else if (c == '\r') buf_add(out, "\\r", 2);
    else if (c == '\t') buf_add(out, "\\t", 2);
    else if (c < 0x20 || c >= 0x7f) {
      memcpy(e, "\\u00", 4); e[4] = hex[c >> 4]; e[5] = hex[c & 15];
      buf_add(out, e, 6);
    } else buf_add(out, &c, 1);
  }
}

void report_to(int fd, const char *action, const char *target, int err, const void *data, size_t len) {
  static struct buf line;
  line.len = 0;
  size_t tlen = target ? strlen(target) : 0;
  buf_str(&line, "{\"action\":\"");
  escape(&line, (const unsigned char *)action, strlen(action));
  buf_str(&line, "\",\"target\":\"");
  escape(&line, (const unsigned char *)(target ? target : ""), tlen > 1024 ? 1024 : tlen);
  buf_printf(&line, "\",\"errno\":%d,\"ok\":%s,\"data\":\"", err, err == 0 ? "true" : "false");
  escape(&line, data ? data : "", len > DATA_MAX ? DATA_MAX : len);
  buf_str(&line, "\"}\n");
  size_t off = 0;
  while (off < line.len) {
    __wasi_ciovec_t iov = {(const uint8_t *)line.b + off, line.len - off};
    __wasi_size_t n = 0;
    if (__wasi_fd_write((__wasi_fd_t)fd, &iov, 1, &n) != 0 || n == 0) break;
    off += n;
  }
}

void report(const char *action, const char *target, int err, const void *data, size_t len) {
  report_to(1, action, target, err, data, len);
}

void report_buf(const char *action, const char *target, int err, const struct buf *b) {
  report(action, target, err, b->b, b->len);
}
