/* usage: uniq [-cdui] [INPUT [OUTPUT]]
 *
 * Write INPUT (or stdin) to OUTPUT (or stdout), dropping adjacent repeated lines.
 * -c	prefix lines with their number of occurrences
 * -d	print only repeated lines, once each
 * -u	print only lines that are not repeated
 * -i	ignore case when comparing */
#include "lib/lib.h"
#include <strings.h>

static const char help[] =
  "usage: uniq [-cdui] [INPUT [OUTPUT]]\n\n"
  "Write INPUT (or stdin) to OUTPUT (or stdout), dropping adjacent repeated lines.\n"
  "-c\tprefix lines with their number of occurrences\n-d\tprint only repeated lines, once each\n"
  "-u\tprint only lines that are not repeated\n-i\tignore case when comparing\n";

static void put(FILE *out, const char *s, size_t len, long count) {
  if (FLAG('d') && count < 2) return;
  if (FLAG('u') && count > 1) return;
  if (FLAG('c')) fprintf(out, "%7ld ", count);
  fwrite(s, 1, len, out);
  putc('\n', out);
}

int uniq_main(int argc, char **argv) {
  if (toy_init(argc, argv, "cdui", help, 1)) return toys.exitval;
  if (toys.optc > 2) return usage_error("extra operand '%s'", toys.optargs[2]);
  FILE *in = open_input(toys.optc ? toys.optargs[0] : "-");
  if (!in) return finish();
  FILE *out = stdout;
  if (toys.optc > 1 && strcmp(toys.optargs[1], "-") && !(out = fopen_truncate(toys.optargs[1]))) {
    perror_msg("%s", toys.optargs[1]);
    close_input(in);
    return finish();
  }
  char *prev = NULL, *line = NULL;
  size_t pcap = 0, cap = 0, plen = 0;
  ssize_t len;
  long count = 0;
  while ((len = getline(&line, &cap, in)) >= 0) {
    if (len && line[len - 1] == '\n') len--;
    if (count && (size_t)len == plen && !(FLAG('i') ? strncasecmp(line, prev, len) : memcmp(line, prev, len))) {
      count++;
      continue;
    }
    if (count) put(out, prev, plen, count);
    char *t = prev; prev = line; line = t;
    size_t tc = pcap; pcap = cap; cap = tc;
    plen = len;
    count = 1;
  }
  if (count) put(out, prev, plen, count);
  free(prev);
  free(line);
  close_input(in);
  if (out != stdout && fclose(out)) perror_msg("%s", toys.optargs[1]);
  return finish();
}
