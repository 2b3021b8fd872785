/* usage: sleep NUMBER[smhd]...
 *
 * Wait for the sum of the given times; NUMBER may be fractional (0.5).
 * Suffixes: s seconds (default), m minutes, h hours, d days. */
#include "lib/lib.h"
#include <time.h>

static const char help[] =
  "usage: sleep NUMBER[smhd]...\n\n"
  "Wait for the sum of the given times; NUMBER may be fractional (0.5).\n"
  "Suffixes: s seconds (default), m minutes, h hours, d days.\n";

int sleep_main(int argc, char **argv) {
  if (toy_init(argc, argv, "", help, 1)) return toys.exitval;
  if (!toys.optc) return usage_error("missing operand");
  double total = 0;
  int bad = 0;
  for (char **a = toys.optargs; *a; a++) {
    char *end;
    double v = strtod(*a, &end);
    if (end != *a && *end && !end[1]) {
      if (*end == 'm') v *= 60, end++;
      else if (*end == 'h') v *= 3600, end++;
      else if (*end == 'd') v *= 86400, end++;
      else if (*end == 's') end++;
    }
    if (end == *a || *end || v < 0 || v != v) { error_msg("invalid time interval '%s'", *a); bad = 1; continue; }
    total += v;
  }
  if (bad) return usage_error("%s", "invalid operand");
  struct timespec ts = {(time_t)total, (long)((total - (time_t)total) * 1e9)};
  while (nanosleep(&ts, &ts) && errno == EINTR) ;
  return 0;
}
