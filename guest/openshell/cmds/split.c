/* usage: split [-l LINES | -b SIZE] [-a LEN] [-d] [FILE [PREFIX]]
 *
 * Copy FILE (or stdin) into pieces PREFIXaa, PREFIXab, ... (PREFIX is x).
 * -l N	N lines per piece (1000)
 * -b SIZE	SIZE bytes per piece (suffixes K M G: powers of 1024, KB MB GB: of 1000)
 * -a LEN	suffixes of LEN characters (2)
 * -d	numeric suffixes (00, 01, ...) */
#include "lib/lib.h"

#pragma clang attribute push (__attribute__((minsize)), apply_to = function)

/* "10K" -> 10240; -1 when malformed */
long long parse_size(const char *s) {
  char *end;
  errno = 0;
  long long v = strtoll(s, &end, 10);
  if (end == s || errno || v < 0) return -1;
  static const char *const units = "bKMGT";
  if (!*end) return v;
  if (!strcmp(end, "c")) return v;
  if (!strcmp(end, "w")) return v * 2;
  /* GNU also takes k, m and t for K, M and T */
  const char *u = strchr(units, *end == 'k' || *end == 'm' || *end == 't' ? *end - 32 : *end);
  if (!u) return -1;
  long long mul = *u == 'b' ? 512 : 1;
  int power = u - units;
  int base = end[1] == 'B' && !end[2] ? 1000 : !end[1] || (end[1] == 'i' && end[2] == 'B' && !end[3]) ? 1024 : 0;
  if (*u == 'b') { if (end[1]) return -1; return v * 512; }
  if (!base) return -1;
  for (int i = 0; i < power; i++) mul *= base;
  return v * mul;
}

/* Without -a, GNU widens the suffix when it runs out: aa..yz, zaaa..zyzz, zzaaaaa... */
static char *piece_name(const char *prefix, long long index, int len, int digits, int widen) {
  int radix = digits ? 10 : 26, fixed = 0;
  if (widen)
    for (;;) {
      long long span = radix - 1;
      for (int i = 1; i < len; i++) span *= radix;
      if (index < span) break;
      index -= span;
      fixed++;
      len++;
    }
  char *name = malloc(strlen(prefix) + fixed + len + 1), *s = name + strlen(prefix);
  strcpy(name, prefix);
  for (int i = 0; i < fixed; i++) *s++ = digits ? '9' : 'z';
  s[len] = 0;
  for (int i = len - 1; i >= 0; i--) { s[i] = (digits ? '0' : 'a') + index % radix; index /= radix; }
  return index ? (free(name), NULL) : name;
}

int split_main(int argc, char **argv) {
  if (toy_init(argc, argv, "l:b:a:dn:C:", 1)) return toys.exitval;
  if (FLAG('n') || FLAG('C')) { error_msg("-n and -C are not supported; use -l or -b"); return 1; }
  if (toys.optc > 2) return usage_error("extra operand '%s'", toys.optargs[2]);
  long long lines = 1000, bytes = 0, len = 2;
  if (FLAG('l') && (parse_long(OPTARG('l'), &lines) || lines < 1)) { error_msg("invalid number of lines: '%s'", OPTARG('l')); return 1; }
  if (FLAG('b') && (bytes = parse_size(OPTARG('b'))) < 1) { error_msg("invalid number of bytes: '%s'", OPTARG('b')); return 1; }
  if (FLAG('a') && (parse_long(OPTARG('a'), &len) || len < 1 || len > 64)) { error_msg("invalid suffix length: '%s'", OPTARG('a')); return 1; }
  const char *prefix = toys.optc > 1 ? toys.optargs[1] : "x";
  FILE *in = open_input(toys.optc ? toys.optargs[0] : "-");
  if (!in) return finish();
  FILE *out = NULL;
  long long piece = 0, used = 0;
  int c;
  while ((c = getc(in)) != EOF) {
    if (!out) {
      char *name = piece_name(prefix, piece++, (int)len, FLAG('d'), !FLAG('a'));
      if (!name) { error_msg("output file suffixes exhausted"); break; }
      out = fopen_truncate(name);
      if (!out) { perror_msg("%s", name); free(name); break; }
      free(name);
      used = 0;
    }
    putc(c, out);
    if (bytes ? ++used == bytes : (c == '\n' && ++used == lines)) { fclose(out); out = NULL; }
  }
  if (out && fclose(out)) perror_msg("write error");
  close_input(in);
  return finish();
}

#pragma clang attribute pop
