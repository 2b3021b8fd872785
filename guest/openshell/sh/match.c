/* Shell pattern matching (POSIX 2.13.1) in the C locale: * ? and [...] with ! or ^,
 * ranges and [:class:]. A backslash quotes the next character, also inside brackets,
 * which wasi-libc's fnmatch does not do (`*.[C\-D]` must match a.-). */
#include <string.h>
#include <wctype.h>
#include "sh.h"

/* p at '['; 1 or 0 for c in the set, setting *end past ']'; -1: no closing ']' (a literal '['). */
static int bracket(const char *p, int c, const char **end) {
  int neg = 0, ok = 0;
  p++;
  if (*p == '!' || *p == '^') neg = 1, p++;
  for (const char *first = p; *p != ']' || p == first;) {
    if (!*p) return -1;
    if (p[0] == '[' && p[1] == ':') {
      const char *e = strstr(p + 2, ":]");
      char name[16];
      if (e && e - p - 2 < (int)sizeof name) {
        memcpy(name, p + 2, e - p - 2);
        name[e - p - 2] = 0;
        wctype_t t = wctype(name);
        if (t) { ok |= iswctype(c, t) != 0; p = e + 2; continue; }
      }
    }
    if (*p == '\\' && p[1]) p++;
    int lo = (unsigned char)*p++;
    if (p[0] == '-' && p[1] && p[1] != ']') {
      p++;
      if (*p == '\\' && p[1]) p++;
      int hi = (unsigned char)*p++;
      ok |= lo <= c && c <= hi;
    } else ok |= lo == c;
  }
  *end = p + 1;
  return ok != neg;
}

int sh_match(const char *p, const char *s) {
  for (; *p; p++, s++) {
    if (*p == '*') {
      while (*p == '*') p++;
      if (!*p) return 1;
      for (;; s++) {
        if (sh_match(p, s)) return 1;
        if (!*s) return 0;
      }
    }
    if (!*s) return 0;
    if (*p == '?') continue;
    if (*p == '[') {
      const char *end;
      int r = bracket(p, (unsigned char)*s, &end);
      if (r == 0) return 0;
      if (r == 1) { p = end - 1; continue; }
    }
    if (*p == '\\' && p[1]) p++;
    if (*p != *s) return 0;
  }
  return !*s;
}
