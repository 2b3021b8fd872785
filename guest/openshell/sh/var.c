/* Shell variables, positional parameters, `local` frames and the environment
 * handed to utilities (they read it through getenv, so environ is rebuilt per call). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sh.h"

extern char **environ;

struct var { char *name, *value; int flags; };   /* value NULL: declared, not set */

static struct var *vars;
static int nvars;

static struct var *find(const char *name, size_t n) {
  for (int i = 0; i < nvars; i++)
    if (!strncmp(vars[i].name, name, n) && !vars[i].name[n]) return &vars[i];
  return 0;
}

const char *sh_getvar(const char *name) {
  struct var *v = find(name, strlen(name));
  return v ? v->value : 0;
}

static struct var *get(const char *name, size_t n) {
  struct var *v = find(name, n);
  if (v) return v;
  vars = realloc(vars, (nvars + 1) * sizeof *vars);
  v = &vars[nvars++];
  v->name = sh_strndup(name, n);
  v->value = 0;
  v->flags = 0;
  return v;
}

static int setn(const char *name, size_t n, const char *value, int flags) {
  struct var *v = find(name, n);
  if (v && (v->flags & V_RDONLY) && value) {
    sh_fatal(2, "%s: is read only", v->name);
    return -1;
  }
  v = get(name, n);
  if (value) {
    char *old = v->value;
    v->value = sh_strdup(value);
    free(old);
    if (sh.opt_a) flags |= V_EXPORT;   /* set -a */
    if (!strcmp(v->name, "OPTIND")) sh_getopts_reset(value);
    if (!strcmp(v->name, "PATH")) sh_hash_clear();
  }
  v->flags |= flags;
  return 0;
}

int sh_setvar(const char *name, const char *value, int flags) {
  return setn(name, strlen(name), value, flags);
}

void sh_var_setflags(const char *name, int flags) { setn(name, strlen(name), 0, flags); }

int sh_assign(const char *word, int flags) {
  const char *eq = strchr(word, '=');
  return setn(word, eq - word, eq + 1, flags);
}

int sh_unsetvar(const char *name) {
  struct var *v = find(name, strlen(name));
  if (!v) return 0;
  if (v->flags & V_RDONLY) { sh_fatal(2, "unset: %s: is read only", name); return 2; }
  free(v->name);
  free(v->value);
  *v = vars[--nvars];
  return 0;
}

char **sh_environ(char **extra) {
  int n = 0, ne = sh_argv_len(extra);
  char **env = sh_alloc((nvars + ne + 1) * sizeof *env);
  for (int i = 0; i < nvars; i++) {
    struct var *v = &vars[i];
    if (!(v->flags & V_EXPORT) || !v->value) continue;
    int shadowed = 0;
    for (int j = 0; j < ne; j++)
      if (!strncmp(extra[j], v->name, strlen(v->name)) && extra[j][strlen(v->name)] == '=') shadowed = 1;
    if (shadowed) continue;
    size_t l = strlen(v->name) + strlen(v->value) + 2;
    env[n] = sh_alloc(l);
    snprintf(env[n++], l, "%s=%s", v->name, v->value);
  }
  for (int j = 0; j < ne; j++) env[n++] = sh_strdup(extra[j]);
  return env;
}

char *sh_quote(const char *s) {
  struct strbuf b = {0};
  sb_addc(&b, '\'');
  for (; *s; s++) {
    if (*s == '\'') sb_adds(&b, "'\"'\"'");
    else sb_addc(&b, *s);
  }
  sb_addc(&b, '\'');
  return sb_take(&b);
}

static int byname(const void *a, const void *b) {
  return strcmp(((const struct var *)a)->name, ((const struct var *)b)->name);
}

/* `set`, `export -p`, `readonly -p`: sorted, values quoted for re-input. */
void sh_var_print(int flags, const char *prefix) {
  qsort(vars, nvars, sizeof *vars, byname);
  for (int i = 0; i < nvars; i++) {
    if ((vars[i].flags & flags) != flags) continue;
    if (!vars[i].value) { if (flags) printf("%s%s\n", prefix, vars[i].name); continue; }
    char *q = sh_quote(vars[i].value);
    printf("%s%s=%s\n", prefix, vars[i].name, q);
    free(q);
  }
}

void sh_vars_each(void (*fn)(void *, const char *, const char *, int), void *ctx) {
  qsort(vars, nvars, sizeof *vars, byname);
  for (int i = 0; i < nvars; i++) fn(ctx, vars[i].name, vars[i].value, vars[i].flags);
}

/* Subshells copy the whole table and put it back afterwards. */
struct var *sh_vars_save(int *n) {
  struct var *c = sh_alloc((nvars + 1) * sizeof *c);
  for (int i = 0; i < nvars; i++) {
    c[i].name = sh_strdup(vars[i].name);
    c[i].value = vars[i].value ? sh_strdup(vars[i].value) : 0;
    c[i].flags = vars[i].flags;
  }
  *n = nvars;
  return c;
}

void sh_vars_restore(struct var *c, int n) {
  for (int i = 0; i < nvars; i++) { free(vars[i].name); free(vars[i].value); }
  free(vars);
  vars = c;
  nvars = n;
}

/* `local` saves the old value on a stack popped when the function returns. */
struct saved { char *name, *value; int flags, existed; };
static struct saved *locals;
static int nlocals;

void *sh_locals_mark(void) { return (void *)(long)nlocals; }

void sh_local(const char *word) {
  const char *eq = strchr(word, '=');
  size_t n = eq ? (size_t)(eq - word) : strlen(word);
  struct var *v = find(word, n);
  locals = realloc(locals, (nlocals + 1) * sizeof *locals);
  struct saved *s = &locals[nlocals++];
  s->name = sh_strndup(word, n);
  s->existed = v != 0;
  s->value = v && v->value ? sh_strdup(v->value) : 0;
  s->flags = v ? v->flags : 0;
  if (eq) setn(word, n, eq + 1, 0);
}

void sh_locals_pop(void *mark) {
  int m = (int)(long)mark;
  while (nlocals > m) {
    struct saved *s = &locals[--nlocals];
    struct var *v = find(s->name, strlen(s->name));
    if (!s->existed) {
      if (v) { free(v->name); free(v->value); *v = vars[--nvars]; }
    } else {
      v = get(s->name, strlen(s->name));
      free(v->value);
      v->value = s->value;
      v->flags = s->flags;
      s->value = 0;
    }
    free(s->name);
    free(s->value);
  }
}

void sh_set_pos(char **argv, int n) {
  char **old = sh.pos;
  sh.optind = 1;   /* new parameters (set --, shift, a call): getopts starts again, as in dash */
  sh.optoff = -1;
  sh.pos = sh_alloc((n + 1) * sizeof *sh.pos);
  for (int i = 0; i < n; i++) sh.pos[i] = sh_strdup(argv[i]);
  sh.npos = n;
  sh_argv_free(old);
}

static void drop_vars(int keep);

void sh_vars_keep_exported(void) { drop_vars(V_EXPORT); }

/* A shell started by a utility (xargs sh -c): its variables are the environment it
 * was given, as after an exec. */
void sh_vars_from_environ(void) {
  drop_vars(0);
  for (char **e = environ; e && *e; e++)
    if (strchr(*e, '=') && sh_isname(*e, strchr(*e, '=') - *e)) sh_assign(*e, V_EXPORT);
}

/* Forgets every variable without one of the `keep` flags. */
static void drop_vars(int keep) {
  for (int i = 0; i < nvars;) {
    if (vars[i].flags & keep) { i++; continue; }
    free(vars[i].name);
    free(vars[i].value);
    vars[i] = vars[--nvars];
  }
}
