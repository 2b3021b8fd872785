/* usage: ls [-1aAdlRrt] [FILE...]
 *
 * List files, or the contents of directories, sorted by name (C locale).
 * -1	one name per line (the default)
 * -a	include names starting with .
 * -A	like -a but without . and ..
 * -d	list directories themselves, not their contents
 * -l	long format (mode, links, owner, group, size, date, name)
 * -R	list subdirectories recursively
 * -r	reverse the sort order
 * -t	sort by modification time, newest first */

/* Output is one name per line: stdout is never a terminal in the enclave. */
#include "lib/lib.h"
#include <dirent.h>
#include <time.h>
#include <unistd.h>

/* rarely hot: optimised for size (the module has a size budget) */
#pragma clang attribute push (__attribute__((minsize)), apply_to = function)

struct ent {
  char *name, *path;
  struct stat st;
};

GLOBALS(ls,
  int printed; /* something was listed already: separate groups by a blank line */
  int status;
);

static int cmp_ent(const void *a, const void *b) {
  const struct ent *x = a, *y = b;
  int r = 0;
  if (FLAG('t')) {
    if (x->st.st_mtim.tv_sec != y->st.st_mtim.tv_sec) r = x->st.st_mtim.tv_sec < y->st.st_mtim.tv_sec ? 1 : -1;
    else if (x->st.st_mtim.tv_nsec != y->st.st_mtim.tv_nsec) r = x->st.st_mtim.tv_nsec < y->st.st_mtim.tv_nsec ? 1 : -1;
  }
  if (!r) r = strcmp(x->name, y->name);
  return FLAG('r') ? -r : r;
}

static void mode_string(mode_t m, char *s) {
  s[0] = S_ISDIR(m) ? 'd' : S_ISLNK(m) ? 'l' : S_ISCHR(m) ? 'c' : S_ISBLK(m) ? 'b'
       : S_ISFIFO(m) ? 'p' : S_ISSOCK(m) ? 's' : '-';
  if (!(m & 07777))  /* WASI reports no permission bits: show the usual defaults */
    m |= S_ISDIR(m) ? 0755 : 0644;
  const char *rwx = "rwxrwxrwx";
  for (int i = 0; i < 9; i++) s[i + 1] = (m & (0400 >> i)) ? rwx[i] : '-';
  if (m & S_ISUID) s[3] = s[3] == 'x' ? 's' : 'S';
  if (m & S_ISGID) s[6] = s[6] == 'x' ? 's' : 'S';
  if (m & S_ISVTX) s[9] = s[9] == 'x' ? 't' : 'T';
  s[10] = 0;
}

static int digits(unsigned long long v) {
  int n = 1;
  while (v >= 10) { v /= 10; n++; }
  return n;
}

static unsigned long long blocks_1k(const struct stat *st) {
  if (st->st_blocks) return (st->st_blocks + 1) / 2;
  return S_ISDIR(st->st_mode) ? 4 : (st->st_size + 4095) / 4096 * 4;
}

static void print_list(struct ent *e, size_t n, int total) {
  const char *owner = getenv("USER");
  if (!owner || !*owner) owner = "sandbox";
  int wl = 1, ws = 1, wo = strlen(owner);
  unsigned long long blocks = 0;
  for (size_t i = 0; i < n && FLAG('l'); i++) {
    nlink_t nl = e[i].st.st_nlink ? e[i].st.st_nlink : 1;
    if (digits(nl) > wl) wl = digits(nl);
    if (digits(e[i].st.st_size) > ws) ws = digits(e[i].st.st_size);
    blocks += blocks_1k(&e[i].st);
  }
  if (FLAG('l') && total) printf("total %llu\n", blocks);
  time_t now = time(NULL);
  for (size_t i = 0; i < n; i++) {
    if (FLAG('l')) {
      char mode[11], date[32];
      mode_string(e[i].st.st_mode, mode);
      time_t t = e[i].st.st_mtim.tv_sec;
      struct tm *tm = gmtime(&t);
      int recent = t <= now + 60 && t > now - 15778476;  /* six months, like GNU */
      strftime(date, sizeof date, recent ? "%b %e %H:%M" : "%b %e  %Y", tm);
      printf("%s %*lu %-*s %-*s %*lld %s ", mode, wl, (unsigned long)(e[i].st.st_nlink ? e[i].st.st_nlink : 1),
             wo, owner, wo, owner, ws, (long long)e[i].st.st_size, date);
    }
    fputs(e[i].name, stdout);
    if (FLAG('l') && S_ISLNK(e[i].st.st_mode)) {
      char target[4096];
      ssize_t len = readlink(e[i].path, target, sizeof target - 1);
      if (len >= 0) { target[len] = 0; printf(" -> %s", target); }
    }
    putchar('\n');
  }
  if (n) TT.printed = 1;
}

static void free_ents(struct ent *e, size_t n) {
  for (size_t i = 0; i < n; i++) { free(e[i].name); free(e[i].path); }
  free(e);
}

static void list_dir(const char *path, int header, int top) {
  DIR *d = opendir(path);
  if (!d) {
    perror_msg("cannot open directory '%s'", path);
    TT.status = top ? 2 : (TT.status ? TT.status : 1);
    return;
  }
  if (header) printf("%s%s:\n", TT.printed ? "\n" : "", path);
  TT.printed = 1;
  struct ent *e = NULL;
  size_t n = 0, cap = 0;
  struct dirent *de;
  while ((de = readdir(d))) {
    const char *nm = de->d_name;
    if (nm[0] == '.' && !FLAG('a')) {
      if (!FLAG('A') || !nm[1] || (nm[1] == '.' && !nm[2])) continue;
    }
    if (n == cap) e = realloc(e, (cap = cap * 2 + 16) * sizeof *e);
    e[n].name = strdup(nm);
    e[n].path = path_join(path, nm);
    if (lstat(e[n].path, &e[n].st)) memset(&e[n].st, 0, sizeof e[n].st);
    n++;
  }
  closedir(d);
  qsort(e, n, sizeof *e, cmp_ent);
  print_list(e, n, 1);
  if (FLAG('R'))
    for (size_t i = 0; i < n; i++)
      if (S_ISDIR(e[i].st.st_mode) && strcmp(e[i].name, ".") && strcmp(e[i].name, ".."))
        list_dir(e[i].path, 1, 0);
  free_ents(e, n);
}

int ls_main(int argc, char **argv) {
  if (toy_init(argc, argv, "1aAdlRrt", 2)) return toys.exitval;
  char *dot[] = {".", NULL};
  char **ops = toys.optc ? toys.optargs : dot;
  int nops = toys.optc ? toys.optc : 1;
  struct ent *files = calloc(nops, sizeof *files), *dirs = calloc(nops, sizeof *dirs);
  size_t nf = 0, nd = 0;
  for (int i = 0; i < nops; i++) {
    struct stat st;
    int follow = !FLAG('l') && !FLAG('d');
    if ((!*ops[i] && (errno = ENOENT)) || ((follow ? stat(ops[i], &st) : -1) && lstat(ops[i], &st))) {  /* "": the runtime would list the cwd */
      perror_msg("cannot access '%s'", ops[i]);
      TT.status = 2;
      continue;
    }
    struct ent *e = (S_ISDIR(st.st_mode) && !FLAG('d')) ? &dirs[nd++] : &files[nf++];
    e->name = strdup(ops[i]);
    e->path = strdup(ops[i]);
    e->st = st;
  }
  qsort(files, nf, sizeof *files, cmp_ent);
  qsort(dirs, nd, sizeof *dirs, cmp_ent);
  print_list(files, nf, 0);
  for (size_t i = 0; i < nd; i++) list_dir(dirs[i].path, nops > 1 || FLAG('R'), 1);
  free_ents(files, nf);
  free_ents(dirs, nd);
  toys.exitval = TT.status;
  return finish();
}

#pragma clang attribute pop
