/* usage: touch [-acm] [-d DATE | -t STAMP | -r FILE] FILE...
 *
 * Set the access and modification times of each FILE to now, creating it if missing.
 * -c	do not create missing files
 * -a	change only the access time; -m only the modification time
 * -d	use DATE (@SECONDS or YYYY-MM-DD[ HH:MM[:SS]], UTC) instead of now
 * -t	use [[CC]YY]MMDDhhmm[.ss] (UTC) instead of now
 * -r	use the times of FILE instead of now */
#include "lib/lib.h"
#include <ctype.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

/* -t [[CC]YY]MMDDhhmm[.ss]; two-digit years 69-99 are 19YY, 00-68 20YY (POSIX) */
static int parse_stamp(const char *s, struct timespec *ts) {
  const char *dot = strchr(s, '.');
  size_t n = dot ? (size_t)(dot - s) : strlen(s);
  int v[7], k = 0, sec = 0;
  if ((n != 8 && n != 10 && n != 12) || (dot && (strlen(dot) != 3 || !isdigit((unsigned char)dot[1]) || !isdigit((unsigned char)dot[2]))))
    return -1;
  for (size_t i = 0; i < n; i += 2, k++) {
    if (!isdigit((unsigned char)s[i]) || !isdigit((unsigned char)s[i + 1])) return -1;
    v[k] = (s[i] - '0') * 10 + s[i + 1] - '0';
  }
  if (dot) sec = atoi(dot + 1);
  struct tm tm = {0}, now;
  time_t t = time(NULL);
  gmtime_r(&t, &now);
  int *p = v + k - 4;  /* MM DD hh mm */
  tm.tm_year = k == 6 ? v[0] * 100 + v[1] - 1900 : k == 5 ? (v[0] < 69 ? v[0] + 100 : v[0]) : now.tm_year;
  tm.tm_mon = p[0] - 1, tm.tm_mday = p[1], tm.tm_hour = p[2], tm.tm_min = p[3], tm.tm_sec = sec;
  if (p[0] < 1 || p[0] > 12 || p[1] < 1 || p[1] > 31 || p[2] > 23 || p[3] > 59 || sec > 60) return -1;
  ts->tv_sec = timegm(&tm);
  ts->tv_nsec = 0;
  return 0;
}

int touch_main(int argc, char **argv) {
  if (toy_init(argc, argv, "c(no-create)amd:(date)t:r:(reference)", 1)) return toys.exitval;
  if (FLAG('d') + FLAG('t') + FLAG('r') > 1) { error_msg("cannot specify times from more than one source"); return 1; }
  struct timespec t[2] = {{0, UTIME_NOW}, {0, UTIME_NOW}};
  struct stat st;
  if (FLAG('d') && parse_date(OPTARG('d'), &t[0])) { error_msg("invalid date format '%s'", OPTARG('d')); return 1; }
  if (FLAG('t') && parse_stamp(OPTARG('t'), &t[0])) { error_msg("invalid date format '%s'", OPTARG('t')); return 1; }
  if (FLAG('d') || FLAG('t')) t[1] = t[0];
  if (FLAG('r')) {
    if (stat(OPTARG('r'), &st)) { perror_msg("failed to get attributes of '%s'", OPTARG('r')); return 1; }
    t[0] = st.st_atim, t[1] = st.st_mtim;
  }
  if (FLAG('a') && !FLAG('m')) t[1].tv_nsec = UTIME_OMIT;
  if (FLAG('m') && !FLAG('a')) t[0].tv_nsec = UTIME_OMIT;
  if (!toys.optc) return usage_error("missing file operand");
  for (char **a = toys.optargs; *a; a++) {
    if (!**a) { errno = ENOENT; perror_msg("cannot touch ''"); continue; }  /* "" would be the working directory */
    if (!set_times(*a, t)) continue;
    if (errno != ENOENT) { perror_msg("setting times of '%s'", *a); continue; }
    if (FLAG('c')) continue;
    int fd = open(*a, O_WRONLY | O_CREAT, 0666);
    if (fd < 0) perror_msg("cannot touch '%s'", *a);
    else if (close(fd), set_times(*a, t)) perror_msg("setting times of '%s'", *a);
  }
  return finish();
}
