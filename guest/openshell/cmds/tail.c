/* usage: tail [-qv] [-n [+]NUM | -c [+]NUM | -NUM] [FILE...]
 *
 * Print the last 10 lines of each FILE (or stdin), with ==> FILE <== headers for several.
 * -n	print the last NUM lines; -n +NUM starts at line NUM
 * -c	print the last NUM bytes; -c +NUM starts at byte NUM
 * -q	never print headers
 * -v	always print headers */
#include "lib/lib.h"

static void tail_buf(const char *buf, size_t len, long long num, int bytes, int from) {
  size_t start;
  if (bytes) {
    if (from) start = num > 0 ? (unsigned long long)(num - 1) < len ? num - 1 : len : 0;
    else start = (unsigned long long)num >= len ? 0 : len - num;
  } else if (from) {
    start = 0;
    for (long long line = 1; line < num && start < len; start++)
      if (buf[start] == '\n') line++;
  } else {
    start = len;
    long long n = num;
    if (start && buf[start - 1] != '\n' && n) { n--; while (start && buf[start - 1] != '\n') start--; }
    while (n > 0 && start) {
      start--;
      while (start && buf[start - 1] != '\n') start--;
      n--;
    }
  }
  fwrite(buf + start, 1, len - start, stdout);
}

int tail_main(int argc, char **argv) {
  if (toy_init(argc, argv, COUNT_OPTIONS, 1)) return toys.exitval;
  int bytes = FLAG('c'), opt = bytes ? 'c' : 'n', from = FLAG(opt) && *OPTARG(opt) == '+';
  long long num = FLAG(opt) ? NUM(opt) : 10;
  char *stdin_only[] = {"-", NULL};
  char **files = toys.optc ? toys.optargs : stdin_only;
  for (int shown = 0; *files; files++) {
    FILE *f = open_input(*files);
    if (!f) continue;
    size_t len;
    errno = 0;
    char *buf = read_all(f, &len);
    if (ferror(f) || !buf) perror_msg("error reading '%s'", *files);
    else {
      count_header(*files, shown++);
      tail_buf(buf, len, num, bytes, from);
    }
    free(buf);
    close_input(f);
  }
  return finish();
}
