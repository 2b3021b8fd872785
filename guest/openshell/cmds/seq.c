/* usage: seq [-w] [-s SEP] [-f FORMAT] [FIRST [STEP]] LAST
 *
 * Print numbers from FIRST (default 1) to LAST in steps of STEP (default 1).
 * -w	pad with leading zeros to equal width
 * -s	separator between numbers (default newline)
 * -f	printf floating-point FORMAT (e.g. %.2f) */
#include "lib/lib.h"

static int decimals(const char *s) {
  const char *d = strchr(s, '.');
  if (!d || strpbrk(s, "eE")) return 0;
  return strspn(d + 1, "0123456789");
}

int seq_main(int argc, char **argv) {
  if (toy_init(argc, argv, "~ws:f:", 1)) return toys.exitval;
  if (!toys.optc) return usage_error("missing operand");
  if (toys.optc > 3) return usage_error("extra operand '%s'", toys.optargs[3]);
  double v[3] = {1, 1, 0};
  const char *s[3] = {"1", "1", NULL};
  int idx[3][3] = {{2}, {0, 2}, {0, 1, 2}};
  for (int i = 0; i < toys.optc; i++) {
    char *end;
    const char *a = toys.optargs[i];
    int k = idx[toys.optc - 1][i];
    v[k] = strtod(a, &end);
    if (end == a || *end) return usage_error("invalid floating point argument: '%s'", a);
    s[k] = a;
  }
  if (v[1] == 0) return error_msg("invalid Zero increment value: '%s'", s[1]), 1;
  int prec = decimals(s[0]) > decimals(s[1]) ? decimals(s[0]) : decimals(s[1]);
  const char *sep = FLAG('s') ? OPTARG('s') : "\n";
  int width = 0;
  char buf[128];
  if (FLAG('w')) {
    int a = snprintf(buf, sizeof buf, "%.*f", prec, v[0]);
    int b = snprintf(buf, sizeof buf, "%.*f", prec, v[2]);
    width = a > b ? a : b;
  }
  int first = 1;
  char prev[128] = "";
  for (long long i = 0;; i++) {
    double x = v[0] + i * v[1];
    if (FLAG('f')) snprintf(buf, sizeof buf, OPTARG('f'), x);
    else snprintf(buf, sizeof buf, "%0*.*f", width, prec, x);
    /* GNU: a value just past LAST still prints when it reads back as LAST and differs
     * from the previous one (seq 0.1 0.1 0.3 ends with 0.3 despite rounding) */
    if ((v[1] > 0 ? x > v[2] : x < v[2]) && (strtod(buf, NULL) != v[2] || !strcmp(buf, prev))) break;
    if (!first) fputs(sep, stdout);
    first = 0;
    fputs(buf, stdout);
    snprintf(prev, sizeof prev, "%s", buf);
  }
  if (!first) putchar('\n');
  return finish();
}
