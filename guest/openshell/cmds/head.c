/* usage: head [-qv] [-n NUM | -c NUM | -NUM] [FILE...]
 *
 * Print the first 10 lines of each FILE (or stdin), with ==> FILE <== headers for several.
 * -n	print the first NUM lines; -n -NUM prints all but the last NUM lines
 * -c	print the first NUM bytes; -c -NUM prints all but the last NUM bytes
 * -q	never print headers
 * -v	always print headers */
#include "lib/lib.h"

static void head_file(FILE *f, long long num, int bytes, int allbut) {
  if (!allbut) {
    int c;
    for (long long seen = 0; seen < num && (c = getc(f)) != EOF;) {
      putchar(c);
      if (bytes || c == '\n') seen++;
    }
    return;
  }
  size_t len;
  char *buf = read_all(f, &len);
  if (!buf) return;
  size_t end = len;
  if (bytes) end = (unsigned long long)num >= len ? 0 : len - num;
  else {
    /* drop the last num lines; a final line without newline counts as one */
    size_t i = len;
    long long n = num;
    if (i && buf[i - 1] != '\n' && n) { n--; while (i && buf[i - 1] != '\n') i--; }
    while (n > 0 && i) {
      i--;
      while (i && buf[i - 1] != '\n') i--;
      n--;
    }
    end = i;
  }
  fwrite(buf, 1, end, stdout);
  free(buf);
}

int head_main(int argc, char **argv) {
  if (toy_init(argc, argv, COUNT_OPTIONS, 1)) return toys.exitval;
  int bytes = FLAG('c'), opt = bytes ? 'c' : 'n', allbut = FLAG(opt) && *OPTARG(opt) == '-';
  long long num = FLAG(opt) ? NUM(opt) : 10;
  char *stdin_only[] = {"-", NULL};
  char **files = toys.optc ? toys.optargs : stdin_only;
  for (int shown = 0; *files; files++) {
    FILE *f = open_input(*files);
    if (!f) continue;
    count_header(*files, shown++);
    head_file(f, num, bytes, allbut);
    if (ferror(f)) perror_msg("error reading '%s'", *files);
    close_input(f);
  }
  return finish();
}
