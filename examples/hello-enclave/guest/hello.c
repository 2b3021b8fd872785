// The example plugin's guest: a tiny stand-in for a shell. `sh -c SCRIPT` runs one
// command of SCRIPT (words split on blanks, no quoting): echo WORDS, cat FILE...,
// hello, true (the engine's health check runs `sh -c true`). Enough to show that a plugin's enclave is admitted and guarded like a
// built-in one: `cat /etc/passwd` is denied by the engine's policy guard.
#include <errno.h>
#include <stdio.h>
#include <string.h>

#define MAX_WORDS 32

static int do_cat(int argc, char **argv) {
  int status = 0;
  for (int i = 1; i < argc; i++) {
    FILE *f = fopen(argv[i], "rb");
    if (!f) {
      fprintf(stderr, "cat: %s: %s\n", argv[i], strerror(errno));
      status = 1;
      continue;
    }
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) fwrite(buf, 1, n, stdout);
    fclose(f);
  }
  return status;
}

static int run(int argc, char **argv) {
  if (argc == 0) return 0;
  if (!strcmp(argv[0], "true")) return 0;
  if (!strcmp(argv[0], "hello")) return puts("hello from a plugin's enclave") < 0;
  if (!strcmp(argv[0], "cat")) return do_cat(argc, argv);
  if (!strcmp(argv[0], "echo")) {
    for (int i = 1; i < argc; i++) printf("%s%s", argv[i], i + 1 < argc ? " " : "");
    putchar('\n');
    return 0;
  }
  fprintf(stderr, "sh: %s: not found (this guest knows echo, cat, hello and true)\n", argv[0]);
  return 127;
}

int main(int argc, char **argv) {
  if (argc != 3 || strcmp(argv[1], "-c")) {
    fputs("usage: sh -c 'echo WORDS' (or cat FILE..., hello, true)\n", stderr);
    return 2;
  }
  char *words[MAX_WORDS];
  int n = 0;
  for (char *w = strtok(argv[2], " \t\n"); w && n < MAX_WORDS; w = strtok(NULL, " \t\n")) words[n++] = w;
  return run(n, words);
}
