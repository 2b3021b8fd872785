/* usage: dd [if=FILE] [of=FILE] [bs=N] [ibs=N] [obs=N] [count=N] [skip=N] [seek=N] [conv=LIST] [status=LEVEL]
 *
 * Copy blocks from if (stdin) to of (stdout), reporting the records on stderr.
 * N takes the suffixes c w b K M G (1024s) kB MB GB (1000s) and xM products.
 * count, skip and seek count input, input and output blocks.
 * conv=notrunc,sync,noerror,ucase,lcase,swab; status=none|noxfer|progress.
 * iflag= and oflag= are not supported. */
#include "lib/lib.h"
#include <ctype.h>
#include <fcntl.h>
#include <unistd.h>

#pragma clang attribute push (__attribute__((minsize)), apply_to = function)

long long parse_size(const char *s);

static long long number(const char *key, const char *v) {
  long long total = 1;
  size_t vl = strlen(v);
  if (!vl || v[0] == 'x' || v[vl - 1] == 'x' || strstr(v, "xx")) { error_msg("invalid number: '%s'", v); return -1; }
  char *copy = strdup(v), *save = NULL;
  for (char *part = strtok_r(copy, "x", &save); part; part = strtok_r(NULL, "x", &save)) {
    char unit[8];
    const char *u = part + strspn(part, "0123456789");
    long long n;
    if (!strcmp(u, "kB")) { snprintf(unit, sizeof unit, "KB"); char tmp[64]; snprintf(tmp, sizeof tmp, "%.*s%s", (int)(u - part), part, unit); n = parse_size(tmp); }
    else n = parse_size(part);
    if (n < 0) { free(copy); error_msg("invalid number: '%s'", v); return -1; }
    total *= n;
  }
  free(copy);
  (void)key;
  return total;
}

int dd_main(int argc, char **argv) {
  if (argc == 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "--version"))) return toy_init(argc, argv, "", 1), toys.exitval;
  toy_init(1, argv, "", 1);
  const char *in_name = NULL, *out_name = NULL;
  long long ibs = 512, obs = 512, count = -1, skip = 0, seek = 0;
  int notrunc = 0, sync_pad = 0, noerror = 0, ucase = 0, lcase = 0, swab = 0, quiet = 0, noxfer = 0;
  for (int i = 1; i < argc; i++) {
    char *eq = strchr(argv[i], '=');
    if (!eq) { error_msg("unrecognized operand '%s'", argv[i]); return 1; }
    size_t kl = eq - argv[i];
    const char *v = eq + 1;
#define KEY(k) (kl == strlen(k) && !strncmp(argv[i], k, kl))
    long long n = 0;
    if (KEY("if")) in_name = v;
    else if (KEY("of")) out_name = v;
    else if (KEY("bs") || KEY("ibs") || KEY("obs") || KEY("count") || KEY("skip") || KEY("seek")) {
      if ((n = number(argv[i], v)) < 0) return 1;
      if ((KEY("bs") || KEY("ibs") || KEY("obs")) && n < 1) { error_msg("invalid number: '%s'", v); return 1; }
      if (KEY("bs")) ibs = obs = n;
      else if (KEY("ibs")) ibs = n;
      else if (KEY("obs")) obs = n;
      else if (KEY("count")) count = n;
      else if (KEY("skip")) skip = n;
      else seek = n;
    } else if (KEY("conv")) {
      char *copy = strdup(v), *save = NULL;
      for (char *c = strtok_r(copy, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
        if (!strcmp(c, "notrunc")) notrunc = 1;
        else if (!strcmp(c, "sync")) sync_pad = 1;
        else if (!strcmp(c, "noerror")) noerror = 1;
        else if (!strcmp(c, "ucase")) ucase = 1;
        else if (!strcmp(c, "lcase")) lcase = 1;
        else if (!strcmp(c, "swab")) swab = 1;
        else if (!strcmp(c, "fsync") || !strcmp(c, "fdatasync")) {}
        else { error_msg("invalid conversion: '%s'", c); free(copy); return 1; }
      }
      free(copy);
    } else if (KEY("status")) {
      if (!strcmp(v, "none")) quiet = 1;
      else if (!strcmp(v, "noxfer")) noxfer = 1;
      else if (strcmp(v, "progress")) { error_msg("invalid status level: '%s'", v); return 1; }
    } else if (KEY("iflag") || KEY("oflag")) { error_msg("%.*s= is not supported", (int)kl, argv[i]); return 1; }
    else { error_msg("unrecognized operand '%s'", argv[i]); return 1; }
#undef KEY
  }
  int in = 0, out = 1;
  if (in_name && (in = open(in_name, O_RDONLY)) < 0) { perror_msg("failed to open '%s'", in_name); return 1; }
  if (out_name) {
    out = open(out_name, O_WRONLY | O_CREAT, 0666);
    if (out < 0) { perror_msg("failed to open '%s'", out_name); if (in) close(in); return 1; }
    if (!notrunc && strncmp(out_name, "/dev/", 5) && ftruncate(out, seek * obs)) {  /* devices: see open_truncate */ perror_msg("failed to truncate to %lld bytes in output file '%s'", seek * obs, out_name); }
  } else fflush(stdout);
  char *buf = malloc(ibs > obs ? ibs : obs), *ob = malloc(obs);
  long long full_in = 0, part_in = 0, full_out = 0, part_out = 0, total = 0;
  if (skip && lseek(in, skip * ibs, SEEK_CUR) < 0) {
    for (long long s = 0; s < skip; s++) { ssize_t r = read(in, buf, ibs); if (r <= 0) break; }
  }
  if (seek && lseek(out, seek * obs, SEEK_SET) < 0) { perror_msg("'%s': cannot seek", out_name ? out_name : "standard output"); }
  size_t pending = 0;
  int rc = 0;
  for (long long blocks = 0; count < 0 || blocks < count; blocks++) {
    ssize_t r = read(in, buf, ibs);
    if (r < 0) { perror_msg("error reading '%s'", in_name ? in_name : "standard input"); rc = 1; if (noerror) continue; break; }
    if (!r) break;
    if (r == ibs) full_in++; else part_in++;
    if (sync_pad && r < ibs) { memset(buf + r, 0, ibs - r); r = ibs; }
    for (ssize_t k = 0; swab && k + 1 < r; k += 2) { char t = buf[k]; buf[k] = buf[k + 1]; buf[k + 1] = t; }
    for (ssize_t k = 0; k < r; k++) {
      char c = buf[k];
      if (ucase) c = toupper((unsigned char)c);
      if (lcase) c = tolower((unsigned char)c);
      ob[pending++] = c;
      if ((long long)pending == obs) {
        if (write_all(out, ob, pending)) { perror_msg("error writing '%s'", out_name ? out_name : "standard output"); rc = 1; goto done; }
        full_out++;
        total += pending;
        pending = 0;
      }
    }
  }
  if (pending) {
    if (write_all(out, ob, pending)) { perror_msg("error writing '%s'", out_name ? out_name : "standard output"); rc = 1; }
    else { part_out++; total += pending; }
  }
done:
  free(buf);
  free(ob);
  if (in) close(in);
  if (out != 1) close(out);
  if (!quiet) {
    fprintf(stderr, "%lld+%lld records in\n%lld+%lld records out\n", full_in, part_in, full_out, part_out);
    if (!noxfer) fprintf(stderr, "%lld byte%s copied\n", total, total == 1 ? "" : "s");
  }
  return rc ? 1 : finish();
}

#pragma clang attribute pop
