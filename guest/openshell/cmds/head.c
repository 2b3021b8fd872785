/* usage: head [-qv] [-n NUM | -c NUM | -NUM] [FILE...]
 *
 * Print the first 10 lines of each FILE (or stdin), with ==> FILE <== headers for several.
 * -n	print the first NUM lines; -n -NUM prints all but the last NUM lines
 * -c	print the first NUM bytes; -c -NUM prints all but the last NUM bytes
 * -q	never print headers
 * -v	always print headers */
#include "lib/lib.h"

static const char help[] =
  "usage: head [-qv] [-n NUM | -c NUM | -NUM] [FILE...]\n\n"
  "Print the first 10 lines of each FILE (or stdin), with ==> FILE <== headers for several.\n"
  "-n\tprint the first NUM lines; -n -NUM prints all but the last NUM lines\n"
  "-c\tprint the first NUM bytes; -c -NUM prints all but the last NUM bytes\n"
  "-q\tnever print headers\n-v\talways print headers\n";

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
  /* obsolete form: head -5 FILE */
  char **av = count_argv(argc, argv);
  int rc = toy_init(argc, av, "n:(lines)c:(bytes)q(quiet)v(verbose)", help, 1);
  if (rc) goto out;
  int bytes;
  const char *arg = count_option(&bytes);
  int allbut = *arg == '-';
  const char *p = arg + (allbut || *arg == '+');
  long long num;
  if (parse_long(p, &num) || num < 0 || *p == '-' || *p == '+') {
    error_msg("invalid number of %s: '%s'", bytes ? "bytes" : "lines", arg);
    goto out;
  }
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
out:
  free_argv_copy(av, argv);
  return finish();
}
