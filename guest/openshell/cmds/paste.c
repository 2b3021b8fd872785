/* usage: paste [-s] [-d LIST] [FILE...]
 *
 * Join corresponding lines of the FILEs ("-" is stdin) with tabs.
 * -d LIST	use the characters of LIST in turn instead of tabs (\n \t \\ \0 escapes)
 * -s	join all lines of each file into one line instead */
#include "lib/lib.h"

#pragma clang attribute push (__attribute__((minsize)), apply_to = function)

GLOBALS(paste,
  char *delims;
  int ndelims;
);

static void put_delim(int i) { if (TT.ndelims && TT.delims[i % TT.ndelims]) putchar(TT.delims[i % TT.ndelims]); }

/* one line without its newline; 0 at end of input */
static int read_line(FILE *f, char **line, size_t *cap, ssize_t *len) {
  if (!f) return 0;
  *len = getline(line, cap, f);
  if (*len <= 0) return 0;
  if ((*line)[*len - 1] == '\n') (*line)[--*len] = 0;
  return 1;
}

int paste_main(int argc, char **argv) {
  if (toy_init(argc, argv, "sd:", 1)) return toys.exitval;
  const char *d = FLAG('d') ? OPTARG('d') : "\t";
  TT.delims = malloc(strlen(d) + 1);
  for (const char *p = d; *p; p++) {
    if (*p == '\\' && p[1]) {
      p++;
      TT.delims[TT.ndelims++] = *p == 'n' ? '\n' : *p == 't' ? '\t' : *p == '0' ? 0 : *p;
    } else TT.delims[TT.ndelims++] = *p;
  }
  char *stdin_only[] = {"-", NULL}, **files = toys.optc ? toys.optargs : stdin_only;
  int nf = toys.optc ? toys.optc : 1;
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  if (FLAG('s')) {
    for (int i = 0; i < nf; i++) {
      FILE *f = open_input(files[i]);
      if (!f) continue;
      for (int k = 0; read_line(f, &line, &cap, &len); k++) {
        if (k) put_delim(k - 1);
        fwrite(line, 1, len, stdout);
      }
      putchar('\n');
      close_input(f);
    }
  } else {
    FILE **fs = calloc(nf, sizeof *fs);
    for (int i = 0; i < nf; i++) fs[i] = open_input(files[i]);
    for (;;) {
      int any = 0;
      for (int i = 0; i < nf; i++) {
        if (fs[i] && !read_line(fs[i], &line, &cap, &len)) { close_input(fs[i]); fs[i] = NULL; if (!strcmp(files[i], "-")) for (int j = i + 1; j < nf; j++) if (!strcmp(files[j], "-")) fs[j] = NULL; }
        if (!any && fs[i]) {
          any = 1;
          for (int j = 0; j < i; j++) put_delim(j);
        } else if (any) put_delim(i - 1);
        if (fs[i]) fwrite(line, 1, len, stdout);
      }
      if (!any) break;
      putchar('\n');
    }
    free(fs);
  }
  free(line);
  free(TT.delims);
  return finish();
}

#pragma clang attribute pop
