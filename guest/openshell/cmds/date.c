/* usage: date [-u] [-d @SECONDS|YYYY-MM-DD[ HH:MM[:SS]]] [-r FILE] [-I[date|seconds]] [-R] [+FORMAT]
 *
 * Print the date and time. The enclave's clock is UTC; setting it is not supported.
 * -u	UTC (always)
 * -d	show this time instead of now
 * -r	show the modification time of FILE
 * -I	ISO 8601 date (or date and time with -Iseconds)
 * -R	RFC 5322 date
 * +FORMAT	strftime(3) format, plus %N nanoseconds; default "%a %b %e %H:%M:%S %Z %Y" */
#include "lib/lib.h"
#include <time.h>

/* rarely hot: optimised for size (the module has a size budget) */
#pragma clang attribute push (__attribute__((minsize)), apply_to = function)

int date_main(int argc, char **argv) {
  if (toy_init(argc, argv, "ud:(date)r:(reference)I?(iso-8601)R", 1)) return toys.exitval;
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  const char *fmt = "%a %b %e %H:%M:%S %Z %Y";
  if (FLAG('d') && parse_date(OPTARG('d'), &ts)) { error_msg("invalid date '%s'", OPTARG('d')); return 1; }
  if (FLAG('r')) {
    struct stat st;
    if (stat(OPTARG('r'), &st)) { perror_msg("%s", OPTARG('r')); return 1; }
    ts = st.st_mtim;
  }
  if (FLAG('R')) fmt = "%a, %d %b %Y %H:%M:%S +0000";
  if (FLAG('I')) fmt = strncmp(OPTARG('I'), "sec", 3) ? "%Y-%m-%d" : "%Y-%m-%dT%H:%M:%S+00:00";
  for (char **a = toys.optargs; *a; a++) {
    if (**a == '+' && a == toys.optargs) fmt = *a + 1;
    else { error_msg("setting the date is not supported in the enclave"); return 1; }
  }
  /* expand %N and %Z ourselves, the rest is strftime's */
  size_t cap = strlen(fmt) * 4 + 64;
  char *f2 = malloc(cap), *o = f2;
  for (const char *p = fmt; *p; p++) {
    if (p[0] == '%' && p[1] == 'N') { o += sprintf(o, "%09ld", (long)ts.tv_nsec); p++; }
    else if (p[0] == '%' && p[1] == 'Z') { strcpy(o, "UTC"); o += 3; p++; }
    else if (p[0] == '%' && p[1] == '%') { *o++ = '%'; *o++ = '%'; p++; }
    else *o++ = *p;
  }
  *o = 0;
  time_t t = ts.tv_sec;
  struct tm *tm = gmtime(&t);
  size_t outcap = strlen(f2) * 8 + 256;
  char *out = malloc(outcap);
  size_t n = *f2 ? strftime(out, outcap, f2, tm) : 0;
  fwrite(out, 1, n, stdout);
  putchar('\n');
  free(out);
  free(f2);
  return finish();
}

#pragma clang attribute pop
