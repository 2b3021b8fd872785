/* usage: sleep NUMBER[smhd]...
 *
 * Wait for the sum of the given times; NUMBER may be fractional (0.5).
 * Suffixes: s seconds (default), m minutes, h hours, d days. */

/* In @wasmer/sdk 0.16 the first poll_oneoff (what nanosleep uses) of a package
 * never returns in half to three quarters of fresh workers, whatever the clock
 * or flags; a first sleep run on purpose made later ones wake in its sandbox but
 * not reliably in others. So sleep polls the monotonic clock (sched_yield saved
 * no CPU in the SDK): it always ends on time, at the price of a busy core. */
#include "lib/lib.h"
#include <time.h>

int sleep_main(int argc, char **argv) {
  if (toy_init(argc, argv, "", 1)) return toys.exitval;
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
  struct timespec now, end;
  clock_gettime(CLOCK_MONOTONIC, &end);
  end.tv_sec += (time_t)total;
  end.tv_nsec += (long)((total - (time_t)total) * 1e9);
  if (end.tv_nsec >= 1000000000L) { end.tv_sec++; end.tv_nsec -= 1000000000L; }
  do clock_gettime(CLOCK_MONOTONIC, &now);
  while (now.tv_sec < end.tv_sec || (now.tv_sec == end.tv_sec && now.tv_nsec < end.tv_nsec));
  return 0;
}
