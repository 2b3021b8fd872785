/* Aliases (POSIX 2.3.1). The parser replaces a command word that names one; listing
 * follows dash's hash-table order so `alias` prints what dash prints. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sh.h"

struct alias { char *name, *value; };
struct aliases { struct alias *v; int n; };
static struct aliases table;

static struct alias *find(const char *name) {
  for (int i = 0; i < table.n; i++) if (!strcmp(table.v[i].name, name)) return &table.v[i];
  return 0;
}

const char *sh_alias(const char *name) {
  struct alias *a = find(name);
  return a ? a->value : 0;
}

static void drop(int i) {
  free(table.v[i].name);
  free(table.v[i].value);
  memmove(table.v + i, table.v + i + 1, (table.n - i - 1) * sizeof *table.v);
  table.n--;
}

void sh_aliases_each(void (*fn)(void *, const char *, const char *), void *ctx) {
  for (int i = 0; i < table.n; i++) fn(ctx, table.v[i].name, table.v[i].value);
}

void sh_aliases_clear(void) { while (table.n) drop(table.n - 1); }

void *sh_aliases_save(void) {
  struct aliases *s = sh_alloc(sizeof *s);
  s->v = sh_alloc((table.n + 1) * sizeof *s->v);
  for (int i = 0; i < table.n; i++) {
    s->v[i].name = sh_strdup(table.v[i].name);
    s->v[i].value = sh_strdup(table.v[i].value);
  }
  s->n = table.n;
  return s;
}

void sh_aliases_restore(void *saved) {
  struct aliases *s = saved;
  sh_aliases_clear();
  free(table.v);
  table = *s;
  free(s);
}

/* dash's bucket: (first char << 4) + sum of chars, mod 39; a bucket keeps definition order */
static unsigned bucket(const char *s) {
  unsigned h = (unsigned char)*s << 4;
  for (; *s; s++) h += (unsigned char)*s;
  return h % 39;
}

static void print(struct alias *a) {
  char *q = sh_quote(a->value);
  printf("%s=%s\n", a->name, q);
  free(q);
}

int sh_alias_cmd(int argc, char **argv) {
  int st = 0;
  if (argc < 2)
    for (unsigned b = 0; b < 39; b++)
      for (int i = 0; i < table.n; i++) if (bucket(table.v[i].name) == b) print(&table.v[i]);
  for (int i = 1; i < argc; i++) {
    char *eq = strchr(argv[i], '=');
    if (!eq) {
      struct alias *a = find(argv[i]);
      if (a) print(a);
      else { fflush(stdout); fprintf(stderr, "alias: %s not found\n", argv[i]); st = 1; }
      continue;
    }
    char *name = sh_strndup(argv[i], eq - argv[i]);
    struct alias *a = find(name);
    if (a) { free(a->value); a->value = sh_strdup(eq + 1); free(name); continue; }
    table.v = realloc(table.v, (table.n + 1) * sizeof *table.v);
    table.v[table.n].name = name;
    table.v[table.n++].value = sh_strdup(eq + 1);
  }
  return st;
}

int sh_unalias_cmd(int argc, char **argv) {
  int st = 0;
  if (argc > 1 && !strcmp(argv[1], "-a")) { sh_aliases_clear(); return 0; }
  for (int i = 1; i < argc; i++) {
    struct alias *a = find(argv[i]);
    if (a) drop(a - table.v);
    else { fflush(stdout); fprintf(stderr, "unalias: %s not found\n", argv[i]); st = 1; }
  }
  return st;
}
