/* usage: diff [-u | -U NUM] [-r] [--label L1 [--label L2]] [-q] [-s] [-i] [-b] [-w] [-B] FILE1 FILE2
 *
 * Compare two files line by line (GNU output formats). Exit 0 if they are the
 * same, 1 if they differ, 2 on trouble. Two directories: files by name.
 * -u	unified format, 3 lines of context (-U NUM: NUM lines)
 * -r	compare common subdirectories too
 * --label	name printed instead of a file's name and time
 * -q	only say whether the files differ
 * -s	say when the files are the same
 * -i	ignore case
 * -b	ignore changes in the amount of white space
 * -w	ignore all white space
 * -B	ignore changes whose lines are all blank
 * -N	treat a missing file as empty */
#include "lib/lib.h"
#include <ctype.h>
#include <dirent.h>
#include <time.h>

#pragma clang attribute push (__attribute__((minsize)), apply_to = function)

enum { MAX_EDITS = 4000 };  /* Myers' trace is O(D^2) memory */

struct file {
  const char *name;
  char *data;
  size_t len;
  char **line;       /* start of each line */
  size_t *llen;      /* length without the newline */
  unsigned *hash;    /* of the line as compared (-i -b -w) */
  int n, no_eol;     /* lines; last line lacks its newline */
  struct stat st;
};

static int load(struct file *f, const char *name) {
  memset(f, 0, sizeof *f);
  f->name = name;
  FILE *fp = strcmp(name, "-") ? fopen(name, "r") : stdin;
  if (!fp && errno == ENOENT && FLAG('N')) {  /* -N: a missing file is empty */
    f->data = calloc(1, 1);
    f->hash = malloc(sizeof *f->hash);
    return 0;
  }
  if (!fp || fstat(fileno(fp), &f->st)) { fprintf(stderr, "diff: %s: %s\n", name, strerror(errno)); if (fp && fp != stdin) fclose(fp); return -1; }
  f->data = read_all(fp, &f->len);
  if (fp != stdin) fclose(fp);
  else clearerr(stdin);
  if (!f->data) { fprintf(stderr, "diff: %s: %s\n", name, strerror(errno)); return -1; }
  int cap = 64;
  f->line = malloc(cap * sizeof *f->line);
  f->llen = malloc(cap * sizeof *f->llen);
  for (size_t i = 0; i < f->len;) {
    char *nl = memchr(f->data + i, '\n', f->len - i);
    size_t end = nl ? (size_t)(nl - f->data) : f->len;
    if (f->n == cap) { cap *= 2; f->line = realloc(f->line, cap * sizeof *f->line); f->llen = realloc(f->llen, cap * sizeof *f->llen); }
    f->line[f->n] = f->data + i;
    f->llen[f->n++] = end - i;
    if (!nl) f->no_eol = 1;
    i = end + 1;
  }
  f->hash = malloc((f->n + 1) * sizeof *f->hash);
  return 0;
}

/* Lines compare through a normalised form: case folded, white space squeezed or dropped. */
static size_t norm(const char *s, size_t n, char *out) {
  size_t o = 0;
  for (size_t i = 0; i < n; i++) {
    unsigned char c = s[i];
    if ((FLAG('b') || FLAG('w')) && isspace(c)) {
      size_t j = i;
      while (j < n && isspace((unsigned char)s[j])) j++;
      if (!FLAG('w') && j < n) out[o++] = ' ';
      i = j - 1;
      continue;
    }
    out[o++] = FLAG('i') ? tolower(c) : c;
  }
  return o;
}
static int same_line(struct file *a, int i, struct file *b, int j) {
  if (a->hash[i] != b->hash[j]) return 0;
  if (!FLAG('i') && !FLAG('b') && !FLAG('w')) {
    int ea = i == a->n - 1 && a->no_eol, eb = j == b->n - 1 && b->no_eol;
    return a->llen[i] == b->llen[j] && ea == eb && !memcmp(a->line[i], b->line[j], a->llen[i]);
  }
  char *x = malloc(a->llen[i] + 1), *y = malloc(b->llen[j] + 1);
  size_t nx = norm(a->line[i], a->llen[i], x), ny = norm(b->line[j], b->llen[j], y);
  int same = nx == ny && !memcmp(x, y, nx);
  free(x);
  free(y);
  return same;
}
static void hash_lines(struct file *f) {
  char *tmp = malloc(f->len + 1);
  for (int i = 0; i < f->n; i++) {
    size_t n = norm(f->line[i], f->llen[i], tmp);
    unsigned h = 2166136261u;
    for (size_t k = 0; k < n; k++) h = (h ^ (unsigned char)tmp[k]) * 16777619u;
    f->hash[i] = h;
  }
  free(tmp);
}

GLOBALS(diff,
  char *ops;  /* edit script: op[k] is ' ' (both), '-' (a only) or '+' (b only), in order */
  int nops;
  int *pa, *pb;  /* changes: runs of '-'/'+' ops; position in a and b at each op */
  const char *header;  /* "diff OPTIONS" line before each pair in a directory */
  const char *label[2];  /* --label: printed instead of name and time */
);

static int myers(struct file *a, struct file *b) {
  int n = a->n, m = b->n, max = n + m;
  int **trace = malloc((MAX_EDITS + 2) * sizeof *trace);
  int *v = calloc(2 * (size_t)max + 3, sizeof *v), off = max + 1, d, found = 0;
  for (d = 0; d <= max && d <= MAX_EDITS; d++) {
    trace[d] = malloc((2 * d + 1) * sizeof(int));
    for (int k = -d; k <= d; k += 2) {
      int x = (k == -d || (k != d && v[off + k - 1] < v[off + k + 1])) ? v[off + k + 1] : v[off + k - 1] + 1, y = x - k;
      while (x < n && y < m && same_line(a, x, b, y)) x++, y++;
      v[off + k] = x;
      if (x >= n && y >= m) found = 1;
    }
    for (int k = -d; k <= d; k++) trace[d][k + d] = v[off + k];
    if (found) break;
  }
  if (!found) {
    for (int i = 0; i < d; i++) free(trace[i]);
    free(trace);
    free(v);
    return -1;
  }
  /* walk back from (n, m) through the V of each step */
  TT.ops = malloc(n + m + 1);
  TT.nops = 0;
  char *rev = malloc(n + m + 1);
  int x = n, y = m, r = 0;
  for (int dd = d; dd > 0; dd--) {
    int *pv = trace[dd - 1] + (dd - 1), k = x - y;  /* pv[j] for j in -(dd-1)..dd-1 */
    int prev_k = (k == -dd || (k != dd && pv[k - 1] < pv[k + 1])) ? k + 1 : k - 1;
    int px = pv[prev_k], py = px - prev_k;
    while (x > px && y > py) { rev[r++] = ' '; x--, y--; }
    if (prev_k == k + 1) { rev[r++] = '+'; y--; } else { rev[r++] = '-'; x--; }
  }
  while (x > 0 && y > 0) { rev[r++] = ' '; x--, y--; }
  while (r) TT.ops[TT.nops++] = rev[--r];
  free(rev);
  /* GNU prints each change as its deletions, then its insertions */
  for (int k = 0; k < TT.nops;) {
    if (TT.ops[k] == ' ') { k++; continue; }
    int s0 = k, dels = 0;
    while (k < TT.nops && TT.ops[k] != ' ') { if (TT.ops[k] == '-') dels++; k++; }
    for (int j = s0; j < k; j++) TT.ops[j] = j - s0 < dels ? '-' : '+';
  }
  for (int i = 0; i <= d; i++) free(trace[i]);
  free(trace);
  free(v);
  return d;
}

static void put_line(struct file *f, int i, const char *prefix) {
  fputs(prefix, stdout);
  fwrite(f->line[i], 1, f->llen[i], stdout);
  putchar('\n');
  if (i == f->n - 1 && f->no_eol) puts("\\ No newline at end of file");
}
static void range(int start, int count, char sep) {  /* normal format: 1-based lines */
  if (count <= 1) printf("%d", count ? start : start - 1);
  else printf("%d%c%d", start, sep, start + count - 1);
}
static int blank_only(struct file *f, int from, int count) {
  for (int i = from; i < from + count; i++)
    for (size_t k = 0; k < f->llen[i]; k++) if (!isspace((unsigned char)f->line[i][k])) return 0;
  return 1;
}

static int is_change(int k, struct file *a, struct file *b) {
  if (TT.ops[k] == ' ') return 0;
  if (!FLAG('B')) return 1;
  int s = k;
  while (s > 0 && TT.ops[s - 1] != ' ') s--;
  int e = k, da = 0, db = 0;
  while (e < TT.nops && TT.ops[e] != ' ') { if (TT.ops[e] == '-') da++; else db++; e++; }
  return !(blank_only(a, TT.pa[s], da) && blank_only(b, TT.pb[s], db));
}

static void normal(struct file *a, struct file *b) {
  for (int k = 0; k < TT.nops;) {
    if (!is_change(k, a, b)) { k++; continue; }
    int s = k, da = 0, db = 0;
    while (k < TT.nops && TT.ops[k] != ' ') { if (TT.ops[k] == '-') da++; else db++; k++; }
    int sa = TT.pa[s], sb = TT.pb[s];
    range(sa + 1, da, ',');
    putchar(da && db ? 'c' : da ? 'd' : 'a');
    range(sb + 1, db, ',');
    putchar('\n');
    for (int i = 0; i < da; i++) put_line(a, sa + i, "< ");
    if (da && db) puts("---");
    for (int i = 0; i < db; i++) put_line(b, sb + i, "> ");
  }
}

static void stamp(const char *mark, struct file *f, const char *lab) {
  if (lab) { printf("%s %s\n", mark, lab); return; }
  char t[64];
  struct tm tm;
  time_t s = f->st.st_mtim.tv_sec;
  gmtime_r(&s, &tm);
  strftime(t, sizeof t, "%Y-%m-%d %H:%M:%S", &tm);
  printf("%s %s\t%s.%09ld +0000\n", mark, f->name, t, (long)f->st.st_mtim.tv_nsec);
}
static void unified(struct file *a, struct file *b, int ctx) {
  stamp("---", a, TT.label[0]);
  stamp("+++", b, TT.label[1]);
  for (int k = 0; k < TT.nops;) {
    if (!is_change(k, a, b)) { k++; continue; }
    int first = k, last = k;  /* last change op of the hunk */
    for (int j = k; j < TT.nops; j++) {
      if (is_change(j, a, b)) last = j;
      else if (j - last > 2 * ctx) break;
    }
    int hs = first, he = last + 1;
    for (int c = 0; c < ctx && hs > 0; c++) hs--;
    for (int c = 0; c < ctx && he < TT.nops; c++) he++;
    /* a context line inside the leading ctx must be ' ' (it is, by construction) */
    int la = 0, lb = 0;
    for (int j = hs; j < he; j++) { if (TT.ops[j] != '+') la++; if (TT.ops[j] != '-') lb++; }
    int sa = TT.pa[hs], sb = TT.pb[hs];
    printf("@@ -");
    if (la == 1) printf("%d", sa + 1); else printf("%d,%d", la ? sa + 1 : sa, la);
    printf(" +");
    if (lb == 1) printf("%d", sb + 1); else printf("%d,%d", lb ? sb + 1 : sb, lb);
    printf(" @@\n");
    for (int j = hs; j < he; j++) {
      if (TT.ops[j] == ' ') put_line(a, TT.pa[j], " ");
      else if (TT.ops[j] == '-') put_line(a, TT.pa[j], "-");
      else put_line(b, TT.pb[j], "+");
    }
    k = he;
  }
}

/* Compare two regular files (or streams); 0 same, 1 different, 2 trouble. */
static int diff_files(const char *na, const char *nb, long long ctx) {
  struct file a, b;
  if (load(&a, na)) return 2;
  if (load(&b, nb)) { free(a.data); return 2; }
  int status = 0;
  if (a.len == b.len && !memcmp(a.data, b.data, a.len)) status = 0;
  else if (!FLAG('a') && (memchr(a.data, 0, a.len < 8192 ? a.len : 8192) || memchr(b.data, 0, b.len < 8192 ? b.len : 8192))) {
    printf("Binary files %s and %s differ\n", a.name, b.name);
    status = 1;
  } else {
    hash_lines(&a);
    hash_lines(&b);
    if (myers(&a, &b) < 0) { error_msg("%s and %s: more than %d differing lines are not supported", a.name, b.name, MAX_EDITS); status = 2; }
    else {
      TT.pa = malloc((TT.nops + 1) * sizeof *TT.pa);
      TT.pb = malloc((TT.nops + 1) * sizeof *TT.pb);
      int x = 0, y = 0, changed = 0;
      for (int k = 0; k < TT.nops; k++) { TT.pa[k] = x; TT.pb[k] = y; if (TT.ops[k] != '+') x++; if (TT.ops[k] != '-') y++; }
      for (int k = 0; k < TT.nops && !changed; k++) changed = is_change(k, &a, &b);
      status = changed;
      if (changed && FLAG('q')) printf("Files %s and %s differ\n", a.name, b.name);
      else if (changed) {
        if (TT.header) printf("diff%s %s %s\n", TT.header, a.name, b.name);
        if (FLAG('u') || FLAG('U')) unified(&a, &b, (int)ctx);
        else normal(&a, &b);
      }
      free(TT.pa);
      free(TT.pb);
      free(TT.ops);
    }
  }
  if (!status && FLAG('s')) printf("Files %s and %s are identical\n", a.name, b.name);
  free(a.data); free(a.line); free(a.llen); free(a.hash);
  free(b.data); free(b.line); free(b.llen); free(b.hash);
  return status;
}

static int cmp_name(const void *x, const void *y) { return strcmp(*(char *const *)x, *(char *const *)y); }
static char **list_dir(const char *path, int *n) {
  DIR *d = opendir(path);
  *n = 0;
  if (!d) return NULL;
  int cap = 16;
  char **v = malloc(cap * sizeof *v);
  for (struct dirent *e; (e = readdir(d));) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    if (*n == cap) v = realloc(v, (cap *= 2) * sizeof *v);
    v[(*n)++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(v, *n, sizeof *v, cmp_name);
  return v;
}
static const char *kind(const struct stat *st) {
  mode_t m = st->st_mode;
  return S_ISDIR(m) ? "directory" : S_ISREG(m) ? (st->st_size ? "regular file" : "regular empty file") : S_ISLNK(m) ? "symbolic link" : S_ISFIFO(m) ? "fifo" : "character special file";
}

/* GNU's directory comparison: names in C order, "Only in", subdirectories with -r. */
static int diff_dirs(const char *da, const char *db, long long ctx) {
  int na, nb, status = 0;
  char **a = list_dir(da, &na), **b = list_dir(db, &nb);
  if (!a || !b) { fprintf(stderr, "diff: %s: %s\n", a ? db : da, strerror(errno)); status = 2; }
  for (int i = 0, j = 0; !status || status == 1 ? i < na || j < nb : 0;) {
    int c = i == na ? 1 : j == nb ? -1 : strcmp(a[i], b[j]);
    if (c) {
      printf("Only in %s: %s\n", c < 0 ? da : db, c < 0 ? a[i] : b[j]);
      status |= 1;
      if (c < 0) i++; else j++;
      continue;
    }
    char *pa_ = malloc(strlen(da) + strlen(a[i]) + 2), *pb_ = malloc(strlen(db) + strlen(b[j]) + 2);
    sprintf(pa_, "%s/%s", da, a[i]);
    sprintf(pb_, "%s/%s", db, b[j]);
    struct stat sa, sb;
    int r = 0;
    if (stat(pa_, &sa) || stat(pb_, &sb)) { fprintf(stderr, "diff: %s: %s\n", pa_, strerror(errno)); r = 2; }
    else if (S_ISDIR(sa.st_mode) && S_ISDIR(sb.st_mode)) {
      if (FLAG('r')) r = diff_dirs(pa_, pb_, ctx);
      else printf("Common subdirectories: %s and %s\n", pa_, pb_);
    } else if (S_ISDIR(sa.st_mode) != S_ISDIR(sb.st_mode)) {
      printf("File %s is a %s while file %s is a %s\n", pa_, kind(&sa), pb_, kind(&sb));
      r = 1;
    } else r = diff_files(pa_, pb_, ctx);
    if (r > status) status = r;
    free(pa_);
    free(pb_);
    i++, j++;
  }
  for (int i = 0; i < na; i++) free(a[i]);
  for (int j = 0; j < nb; j++) free(b[j]);
  free(a);
  free(b);
  return status;
}

int diff_main(int argc, char **argv) {
  if (toy_init(argc, argv, "u(unified)U:c(context)q(brief)s(report-identical-files)i(ignore-case)b(ignore-space-change)w(ignore-all-space)B(ignore-blank-lines)N(new-file)a(text)r(recursive)L*(label)", 2)) return toys.exitval;
  if (FLAG('c')) { error_msg("-c (context format) is not supported; use -u"); return 2; }
  if (toys.optc != 2) {
    if (toys.optc < 2) return usage_error("missing operand after '%s'", toys.optc ? toys.optargs[0] : "diff");
    return usage_error("extra operand '%s'", toys.optargs[2]);
  }
  long long ctx = 3;
  if (FLAG('U') && (parse_long(OPTARG('U'), &ctx) || ctx < 0)) { error_msg("invalid context length '%s'", OPTARG('U')); return 2; }
  char **labs = toys.list[flagbit('L')];
  TT.label[0] = labs && labs[0] ? labs[0] : NULL;
  TT.label[1] = TT.label[0] && labs[1] ? labs[1] : NULL;
  if (TT.label[0] && labs[1] && labs[2]) { error_msg("too many file label options"); return 2; }
  const char *na = toys.optargs[0], *nb = toys.optargs[1];
  struct stat sa, sb;
  int da = strcmp(na, "-") && !stat(na, &sa) && S_ISDIR(sa.st_mode), db = strcmp(nb, "-") && !stat(nb, &sb) && S_ISDIR(sb.st_mode);
  int status;
  if (da && db) {
    /* GNU names each differing pair with the options as typed, e.g. "diff -ru A/f B/f" */
    size_t len = 1;
    for (int i = 1; i < argc; i++) if (argv[i] != na && argv[i] != nb) len += strlen(argv[i]) + 1;
    char *h = malloc(len);
    *h = 0;
    for (int i = 1; i < argc; i++) if (argv[i] != na && argv[i] != nb) strcat(strcat(h, " "), argv[i]);
    TT.header = h;
    status = diff_dirs(na, nb, ctx);
    TT.header = NULL;
    free(h);
  } else if (da || db) {
    /* DIR FILE compares DIR/basename(FILE) */
    const char *file = da ? nb : na, *dir = da ? na : nb, *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file;
    char *p = malloc(strlen(dir) + strlen(base) + 2);
    sprintf(p, "%s/%s", dir, base);
    status = da ? diff_files(p, nb, ctx) : diff_files(na, p, ctx);
    free(p);
  } else if (FLAG('N') && strcmp(na, "-") && strcmp(nb, "-") && stat(na, &sa) && stat(nb, &sb)) {
    fprintf(stderr, "diff: %s: %s\n", na, strerror(errno));  /* -N needs one of them (GNU) */
    status = 2;
  } else status = diff_files(na, nb, ctx);
  int fin = finish();
  return fin && !status ? 2 : status;
}

#pragma clang attribute pop
