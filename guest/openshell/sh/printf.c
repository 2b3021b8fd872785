/* echo and printf as dash has them: echo knows only -n and always interprets
 * backslash escapes; printf reuses its format while arguments remain. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sh.h"

/* *sp points after a backslash; on return at the last character used. An unknown
 * escape gives '\\' and uses nothing, so the character after it prints as is.
 * in_b: echo and %b, where \c stops all output and \0NNN is octal. */
static int sh_escape(const char **sp, int in_b, int *stop) {
  const char *s = *sp;
  switch (*s) {
  case 'a': return 7;
  case 'b': return 8;
  case 'f': return 12;
  case 'n': return 10;
  case 'r': return 13;
  case 't': return 9;
  case 'v': return 11;
  case 'e': return 27;
  case '\\': return '\\';
  case 'c':
    if (in_b) { *stop = 1; return 0; }
    break;
  case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': {
    int v = 0, k = 0;
    if (in_b && *s == '0') s++;
    for (; k < 3 && *s >= '0' && *s <= '7'; k++, s++) v = v * 8 + *s - '0';
    *sp = s - 1;
    return v & 255;
  }
  }
  (*sp)--;
  return '\\';
}

/* Print s with escapes; returns 1 when \c ended the output. */
static int put_escaped(const char *s, int in_b) {
  for (; *s; s++) {
    if (*s == '\\' && s[1]) {
      int stop = 0;
      s++;
      int c = sh_escape(&s, in_b, &stop);
      if (stop) return 1;
      putchar(c);
    } else putchar(*s);
  }
  return 0;
}

int sh_echo(int argc, char **argv) {
  int i = 1, nl = 1;
  if (i < argc && !strcmp(argv[i], "-n")) { nl = 0; i++; }
  for (; i < argc; i++) {
    if (put_escaped(argv[i], 1)) return 0;
    if (i + 1 < argc) putchar(' ');
  }
  if (nl) putchar('\n');
  if (fflush(stdout) || ferror(stdout)) { sh_err("echo: echo: I/O error"); return 1; }
  return 0;
}

static int st;

/* Numeric argument: decimal/octal/hex, or 'c for a character's code. */
static long long num(const char *a, int is_unsigned) {
  if (!a || !*a) return 0;   /* dash: an empty argument is 0, silently */
  if (*a == '\'' || *a == '"') return (unsigned char)a[1];
  char *end;
  errno = 0;
  long long v = is_unsigned ? (long long)strtoull(a, &end, 0) : strtoll(a, &end, 0);
  if (end == a && *a) { sh_err("printf: %s: expected numeric value", a); st = 1; }
  else if (*end) { sh_err("printf: %s: not completely converted", a); st = 1; }
  else if (errno) { sh_err("printf: %s: %s", a, strerror(errno)); st = 1; }
  return v;
}

int sh_printf(int argc, char **argv) {
  if (argc > 1 && !strcmp(argv[1], "--")) argc--, argv++;
  if (argc < 2) { sh_err("printf: usage: printf format [arg ...]"); return 2; }
  const char *fmt = argv[1];
  char **args = argv + 2;
  int nargs = argc - 2, ai = 0;
  st = 0;
  for (;;) {
    int start = ai;
    for (const char *p = fmt; *p; p++) {
      if (*p == '\\' && p[1]) {
        int stop = 0;
        p++;
        putchar(sh_escape(&p, 0, &stop));
        continue;
      }
      if (*p != '%') { putchar(*p); continue; }
      if (p[1] == '%') { putchar('%'); p++; continue; }
      char spec[32] = "%";
      size_t sl = 1;
      const char *q = p + 1;
      while (*q && strchr("-+ #0", *q) && sl < 8) spec[sl++] = *q++;
      int width = 0, prec = -1, haveprec = 0;
      if (*q == '*') { width = (int)num(ai < nargs ? args[ai++] : 0, 0); q++; }
      else while (*q >= '0' && *q <= '9') width = width * 10 + *q++ - '0';
      if (*q == '.') {
        haveprec = 1;
        q++;
        if (*q == '*') { prec = (int)num(ai < nargs ? args[ai++] : 0, 0); q++; }
        else { prec = 0; while (*q >= '0' && *q <= '9') prec = prec * 10 + *q++ - '0'; }
      }
      char conv = *q;
      const char *a = ai < nargs ? args[ai++] : 0;
      spec[sl++] = '*';
      if (haveprec) { spec[sl++] = '.'; spec[sl++] = '*'; }
      switch (conv) {
      case 's': case 'b': case 'c': {
        char one[2] = {a ? a[0] : 0, 0};
        const char *v = conv == 'c' ? one : a ? a : "";
        if (conv == 'b') {
          /* expand escapes first, then pad the result */
          struct strbuf b = {0};
          int stop = 0;
          for (const char *s = v; *s && !stop; s++) {
            if (*s == '\\' && s[1]) { s++; int c = sh_escape(&s, 1, &stop); if (!stop) sb_addc(&b, c); }
            else sb_addc(&b, *s);
          }
          char *out = sb_take(&b);
          spec[sl++] = 's';
          if (haveprec) printf(spec, width, prec, out); else printf(spec, width, out);
          free(out);
          if (stop) { fflush(stdout); return st; }
          break;
        }
        if (conv == 'c') {  /* dash prints the byte, a NUL for an empty or missing argument */
          spec[sl++] = 'c';
          if (haveprec) printf(spec, width, prec, one[0]); else printf(spec, width, one[0]);
          break;
        }
        spec[sl++] = 's';
        if (haveprec) printf(spec, width, prec, v); else printf(spec, width, v);
        break;
      }
      case 'd': case 'i': case 'o': case 'u': case 'x': case 'X': {
        long long v = num(a, conv != 'd' && conv != 'i');
        spec[sl++] = 'l';
        spec[sl++] = 'l';
        spec[sl++] = conv;
        if (haveprec) printf(spec, width, prec, v); else printf(spec, width, v);
        break;
      }
      case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': {
        double v = a ? strtod(a, 0) : 0;
        spec[sl++] = conv;
        if (haveprec) printf(spec, width, prec, v); else printf(spec, width, v);
        break;
      }
      default:   /* dash stops here with status 2 */
        if (!conv) sh_err("printf: missing format character");
        else sh_err("printf: %.*s: invalid directive", (int)(q - p + 1), p);
        fflush(stdout);
        return 2;
      }
      p = q;
    }
    if (ai >= nargs || ai == start) break;
  }
  return st;
}
