/* usage: uniq [-cdDui] [-f N] [-s N] [-w N] [INPUT [OUTPUT]]
 *
 * Write INPUT (or stdin) to OUTPUT (or stdout), dropping adjacent repeated lines.
 * -c	prefix lines with their number of occurrences
 * -d	print only repeated lines, once each
 * -D	print every line of each repeated group
 * -u	print only lines that are not repeated
 * -i	ignore case when comparing
 * -f N	skip the first N fields (blanks then non-blanks) when comparing
 * -s N	then skip N characters
 * -w N	then compare at most N characters */
#include "lib/lib.h"
#include <strings.h>

GLOBALS(uniq,
  long long skip_fields, skip_chars, max_chars;
);

/* the part of a line that is compared */
static const char *key(const char *s, size_t len, size_t *klen) {
  const char *p = s, *end = s + len;
  for (long long f = 0; f < TT.skip_fields; f++) {
    while (p < end && (*p == ' ' || *p == '\t')) p++;
    while (p < end && *p != ' ' && *p != '\t') p++;
  }
  for (long long c = 0; c < TT.skip_chars && p < end; c++) p++;
  *klen = end - p;
  if (TT.max_chars >= 0 && *klen > (size_t)TT.max_chars) *klen = TT.max_chars;
  return p;
}
static int same(const char *a, size_t al, const char *b, size_t bl) {
  size_t ka, kb;
  const char *x = key(a, al, &ka), *y = key(b, bl, &kb);
  return ka == kb && !(FLAG('i') ? strncasecmp(x, y, ka) : memcmp(x, y, ka));
}

static void put_line(FILE *out, const char *s, size_t len) {
  fwrite(s, 1, len, out);
  putc('\n', out);
}
static void put(FILE *out, const char *s, size_t len, long count) {
  if (FLAG('D')) return;  /* its lines were written as they came */
  if (FLAG('d') && count < 2) return;
  if (FLAG('u') && count > 1) return;
  if (FLAG('c')) fprintf(out, "%7ld ", count);
  put_line(out, s, len);
}

int uniq_main(int argc, char **argv) {
  if (toy_init(argc, argv, "cdDuif:s:w:", 1)) return toys.exitval;
  if (FLAG('D') && FLAG('c')) return usage_error("printing all duplicated lines and repeat counts is meaningless");
  TT.max_chars = -1;
  if (FLAG('f') && (parse_long(OPTARG('f'), &TT.skip_fields) || TT.skip_fields < 0)) { error_msg("%s: invalid number of fields to skip", OPTARG('f')); return 1; }
  if (FLAG('s') && (parse_long(OPTARG('s'), &TT.skip_chars) || TT.skip_chars < 0)) { error_msg("%s: invalid number of bytes to skip", OPTARG('s')); return 1; }
  if (FLAG('w') && (parse_long(OPTARG('w'), &TT.max_chars) || TT.max_chars < 0)) { error_msg("%s: invalid number of bytes to compare", OPTARG('w')); return 1; }
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
    if (count && same(line, len, prev, plen)) {
      if (FLAG('D')) {  /* GNU: with -u the first line of each group is left out */
        if (count == 1 && !FLAG('u')) put_line(out, prev, plen);
        put_line(out, line, len);
      }
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
