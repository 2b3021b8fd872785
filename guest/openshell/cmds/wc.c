/* usage: wc [-lwcmL] [FILE...]
 *
 * Count lines, words and bytes of each FILE (or stdin), and a total for several.
 * -l	lines (newlines)
 * -w	words (runs of non-space characters)
 * -c	bytes
 * -m	characters (bytes: the enclave uses the C locale)
 * -L	length of the longest line */
#include "lib/lib.h"
#include <ctype.h>
#include <unistd.h>

GLOBALS(wc,
  int width;
);

static void show(unsigned long long *n, const char *name) {
  const char *opts = "lwmcL";
  int first = 1;
  for (int i = 0; i < 5; i++) {
    if (!FLAG(opts[i])) continue;
    printf(first ? "%*llu" : " %*llu", TT.width, n[i]);
    first = 0;
  }
  if (name) printf(" %s", name);
  putchar('\n');
}

int wc_main(int argc, char **argv) {
  if (toy_init(argc, argv, "l(lines)w(words)c(bytes)m(chars)L(max-line-length)", 1)) return toys.exitval;
  if (!(toys.flags & ((1ULL << flagbit('l')) | (1ULL << flagbit('w')) | (1ULL << flagbit('c')) | (1ULL << flagbit('m')) | (1ULL << flagbit('L')))))
    toys.flags |= (1ULL << flagbit('l')) | (1ULL << flagbit('w')) | (1ULL << flagbit('c'));
  int nopts = FLAG('l') + FLAG('w') + FLAG('c') + FLAG('m') + FLAG('L');
  char *stdin_only[] = {"-", NULL};
  char **files = toys.optc ? toys.optargs : stdin_only;
  int nfiles = toys.optc ? toys.optc : 1;

  /* GNU's column width: digits of the total size of regular files, at least 7
   * when some input is not a regular file; 1 for a single count of one input
   * (stdin from a pipeline stage counts as a pipe, as in GNU). */
  TT.width = 1;
  if (!(nfiles == 1 && nopts == 1)) {
    int minw = 1;
    unsigned long long reg = 0;
    for (int i = 0; i < nfiles; i++) {
      struct stat st;
      int is_stdin = !strcmp(files[i], "-");
      if (is_stdin ? fstat(0, &st) : stat(files[i], &st)) continue;
      if (S_ISREG(st.st_mode) && !(is_stdin && stdin_is_pipe())) reg += st.st_size;
      else minw = 7;
    }
    for (; reg >= 10; reg /= 10) TT.width++;
    if (TT.width < minw) TT.width = minw;
  }

  unsigned long long total[5] = {0};
  for (int i = 0; i < nfiles; i++) {
    FILE *f = open_input(files[i]);
    if (!f) continue;
    unsigned long long n[5] = {0};  /* lines, words, chars, bytes, longest */
    int inword = 0;
    unsigned long long col = 0;
    char buf[8192];
    size_t got;
    errno = 0;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0) {
      n[3] += got;
      for (size_t k = 0; k < got; k++) {
        unsigned char c = buf[k];
        if (c == '\n') { n[0]++; col = 0; }
        else if (c == '\t') col = (col + 8) & ~7ULL;
        else if (isprint(c)) col++;
        if (col > n[4]) n[4] = col;
        if (isspace(c)) inword = 0;
        else if (!inword) { inword = 1; n[1]++; }
      }
    }
    n[2] = n[3];
    if (ferror(f)) perror_msg("%s", files[i]);
    close_input(f);
    for (int k = 0; k < 4; k++) total[k] += n[k];
    if (n[4] > total[4]) total[4] = n[4];
    show(n, toys.optc ? files[i] : NULL);
  }
  if (nfiles > 1) show(total, "total");
  return finish();
}
