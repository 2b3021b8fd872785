/* usage: xxd [-ipru] [-c COLS] [-l LEN] [-s [+]SEEK] [FILE]
 *
 * Hex dump of FILE (or stdin): offset, hex pairs grouped by 2 bytes, text.
 * -p	plain hex, 30 bytes a line
 * -r	reverse: turn a hex dump (plain with -p) back into bytes
 * -u	upper-case hex digits
 * -c	bytes per line (default 16, 30 with -p, 12 with -i)
 * -l	stop after LEN bytes
 * -s	start at byte SEEK (-SEEK: that many bytes before the end of a file)
 * -i	C include file style */
#include "lib/lib.h"
#include <ctype.h>

/* rarely hot: optimised for size (the module has a size budget) */
#pragma clang attribute push (__attribute__((minsize)), apply_to = function)

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
  if (toy_init(argc, argv, "ipruc:l:s:", 1)) return toys.exitval;
  long long cols = FLAG('p') ? 30 : FLAG('i') ? 12 : 16, limit = -1, seek = 0;
  const char *sk = FLAG('s') ? OPTARG('s') : NULL;
  if (sk && (parse_long(sk + (*sk == '+'), &seek) || (*sk == '+' && seek < 0))) return usage_error("invalid seek offset '%s'", sk);
  if (FLAG('c') && (parse_long(OPTARG('c'), &cols) || cols < 1 || cols > 256)) return usage_error("invalid number of columns (max. 256)");
  if (FLAG('l') && (parse_long(OPTARG('l'), &limit) || limit < 0)) return usage_error("invalid length '%s'", OPTARG('l'));
  if (toys.optc > 1) return usage_error("too many arguments");
  FILE *f = open_input(toys.optc ? toys.optargs[0] : "-");
  if (!f) return 2;
  if (FLAG('r')) { reverse(f); close_input(f); return finish(); }
  const char *hex = FLAG('u') ? "%02X" : "%02x";
  unsigned long long off = 0;
  if (seek < 0) {  /* from the end: only a file can say where that is */
    struct stat st;
    if (fstat(fileno(f), &st) || !S_ISREG(st.st_mode) || (f == stdin && stdin_is_pipe()) || st.st_size + seek < 0) { error_msg("sorry, cannot seek."); close_input(f); return 4; }
    seek += st.st_size;
  }
  for (; off < (unsigned long long)seek && getc(f) != EOF; off++) {}
  if (limit >= 0) limit += off;
  char *cname = NULL;
  if (FLAG('i') && toys.optc) {  /* GNU: the name with every other character as '_' */
    cname = strdup(toys.optargs[0]);
    for (char *q = cname; *q; q++) if (!isalnum((unsigned char)*q)) *q = '_';
    printf("unsigned char %s[] = {\n", cname);
  }
  unsigned long long start = off;
  unsigned char *b = malloc(cols);
  for (;;) {
    size_t want = limit >= 0 && (unsigned long long)limit - off < (unsigned long long)cols ? limit - off : cols;
    size_t n = want ? fread(b, 1, want, f) : 0;
    if (!n) break;
    if (FLAG('i')) {
      printf("%s ", off > start ? ",\n" : "");
      for (size_t i = 0; i < n; i++) printf(FLAG('u') ? "%s0X%02X" : "%s0x%02x", i ? ", " : " ", b[i]);
    } else if (FLAG('p')) {
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
  if (FLAG('i') && off > start) putchar('\n');
  if (cname) printf("};\nunsigned int %s_len = %llu;\n", cname, off - start);
  free(cname);
  if (ferror(f)) perror_msg("%s", toys.optc ? toys.optargs[0] : "stdin");
  free(b);
  close_input(f);
  return finish();
}

#pragma clang attribute pop
