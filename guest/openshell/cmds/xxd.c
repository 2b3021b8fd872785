/* usage: xxd [-pru] [-c COLS] [-l LEN] [FILE]
 *
 * Hex dump of FILE (or stdin): offset, hex pairs grouped by 2 bytes, text.
 * -p	plain hex, 30 bytes a line
 * -r	reverse: turn a hex dump (plain with -p) back into bytes
 * -u	upper-case hex digits
 * -c	bytes per line (default 16, 30 with -p)
 * -l	stop after LEN bytes */
#include "lib/lib.h"
#include <ctype.h>

/* rarely hot: optimised for size (the module has a size budget) */
#pragma clang attribute push (__attribute__((minsize)), apply_to = function)

static const char help[] =
  "usage: xxd [-pru] [-c COLS] [-l LEN] [FILE]\n\n"
  "Hex dump of FILE (or stdin): offset, hex pairs grouped by 2 bytes, text.\n"
  "-p\tplain hex, 30 bytes a line\n-r\treverse: turn a hex dump (plain with -p) back into bytes\n"
  "-u\tupper-case hex digits\n-c\tbytes per line (default 16, 30 with -p)\n-l\tstop after LEN bytes\n";

static int hexval(int c) {
  return isdigit(c) ? c - '0' : isxdigit(c) ? (c | 32) - 'a' + 10 : -1;
}

static void reverse(FILE *f) {
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  while ((len = getline(&line, &cap, f)) >= 0) {
    char *p = line, *end = line + len;
    if (!FLAG('p')) {  /* "OFFSET: hex hex  text": read the hex columns only */
      char *colon = strchr(line, ':');
      if (!colon) continue;
      p = colon + 1;
      char *text = strstr(p, "  ");
      if (text) end = text;
    }
    int hi = -1;
    for (; p < end; p++) {
      int v = hexval((unsigned char)*p);
      if (v < 0) continue;
      if (hi < 0) hi = v;
      else { putchar(hi << 4 | v); hi = -1; }
    }
  }
  free(line);
}

int xxd_main(int argc, char **argv) {
  if (toy_init(argc, argv, "pruc:l:", help, 1)) return toys.exitval;
  long long cols = FLAG('p') ? 30 : 16, limit = -1;
  if (FLAG('c') && (parse_long(OPTARG('c'), &cols) || cols < 1 || cols > 256)) return usage_error("invalid number of columns (max. 256)");
  if (FLAG('l') && (parse_long(OPTARG('l'), &limit) || limit < 0)) return usage_error("invalid length '%s'", OPTARG('l'));
  if (toys.optc > 1) return usage_error("too many arguments");
  FILE *f = open_input(toys.optc ? toys.optargs[0] : "-");
  if (!f) return 2;
  if (FLAG('r')) { reverse(f); close_input(f); return finish(); }
  const char *hex = FLAG('u') ? "%02X" : "%02x";
  unsigned char *b = malloc(cols);
  unsigned long long off = 0;
  for (;;) {
    size_t want = limit >= 0 && (unsigned long long)limit - off < (unsigned long long)cols ? limit - off : cols;
    size_t n = want ? fread(b, 1, want, f) : 0;
    if (!n) break;
    if (FLAG('p')) {
      for (size_t i = 0; i < n; i++) printf(hex, b[i]);
      putchar('\n');
    } else {
      printf("%08llx:", off);
      int used = 0;
      for (size_t i = 0; i < n; i++) {
        if (!(i & 1)) { putchar(' '); used++; }
        printf(hex, b[i]);
        used += 2;
      }
      int full = cols * 2 + (cols + 1) / 2;
      printf("%*s ", full - used + 1, "");
      for (size_t i = 0; i < n; i++) putchar(isprint(b[i]) ? b[i] : '.');
      putchar('\n');
    }
    off += n;
  }
  if (ferror(f)) perror_msg("%s", toys.optc ? toys.optargs[0] : "stdin");
  free(b);
  close_input(f);
  return finish();
}

#pragma clang attribute pop
