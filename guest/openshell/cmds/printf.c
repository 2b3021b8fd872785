/* usage: printf FORMAT [ARGUMENT...]
 *
 * Print ARGUMENTs according to FORMAT (GNU /bin/printf), reusing FORMAT while
 * arguments remain. Conversions: %d %i %o %u %x %X %c %s %b %e %E %f %F %g %G
 * %a %A %%, with flags, width and precision (* reads an argument).
 * Escapes: \\ \" \a \b \c \e \f \n \r \t \v \NNN \xHH; %b expands them in its
 * argument. A numeric argument may be 'c (the code of c). */
#include "lib/lib.h"
#include <ctype.h>

/* optimised for size (the module has a size budget) */
#pragma clang attribute push (__attribute__((minsize)), apply_to = function)

GLOBALS(printf,
  char **args;
  int stop;
);

static char *next_arg(void) { return *TT.args ? *TT.args++ : NULL; }

/* One escape after the backslash at *s; in_b: %b rules (\0NNN). Returns the byte or -1 for \c. */
static int escape(const char **s, int in_b) {
  const char *p = *s;
  int c = *p;
  if (c == 'c') { *s = p + 1; return -1; }
  if (c == 'x' && isxdigit((unsigned char)p[1])) {
    int v = 0;
    for (p++; v < 16 && isxdigit((unsigned char)*p) && p - *s <= 2; p++)
      v = v * 16 + (isdigit((unsigned char)*p) ? *p - '0' : (*p | 32) - 'a' + 10);
    *s = p;
    return v & 255;
  }
  if (c >= '0' && c <= '7') {
    int v = 0, max = in_b && c == '0' ? 4 : 3;
    for (int i = 0; i < max && *p >= '0' && *p <= '7'; i++) v = v * 8 + *p++ - '0';
    *s = p;
    return v & 255;
  }
  if (c == 'e') { *s = p + 1; return 033; }
  if (c == '"' || c == '\\' || c == '\'') { *s = p + 1; return c; }
  if (strchr("abfnrtv", c) && c) return unescape_char(s);
  *s = p;  /* unknown: print the backslash itself */
  return '\\' | 0x100;
}

/* Expand the escapes of a %b argument into out (as long as s); returns the length. */
static size_t expand_b(const char *s, char *out) {
  char *o = out;
  while (*s) {
    if (*s != '\\' || !s[1]) { *o++ = *s++; continue; }
    s++;
    int c = escape(&s, 1);
    if (c < 0) { TT.stop = 1; break; }
    *o++ = c & 0x100 ? '\\' : c;
  }
  return o - out;
}

static int numeric_error(const char *a, const char *end) {
  if (!*a) return 0;
  if (end == a) error_msg("'%s': expected a numeric value", a);
  else if (*end) error_msg("'%s': value not completely converted", a);
  else return 0;
  return 1;
}

static long long get_int(void) {
  char *a = next_arg(), *end;
  if (!a) return 0;
  if (*a == '\'' || *a == '"') return (unsigned char)a[1];
  errno = 0;
  long long v = *a == '-' ? strtoll(a, &end, 0) : (long long)strtoull(a, &end, 0);
  if (!numeric_error(a, end) && errno == ERANGE) { errno = ERANGE; perror_msg("%s", a); }
  return v;
}

static double get_float(void) {
  char *a = next_arg(), *end;
  if (!a) return 0;
  if (*a == '\'' || *a == '"') return (unsigned char)a[1];
  double v = strtod(a, &end);
  numeric_error(a, end);
  return v;
}

int printf_main(int argc, char **argv) {
  toys.name = "printf";
  toys.exitval = 0;
  if (argc == 2 && !strcmp(argv[1], "--help")) return show_help();
  int first = 1;
  if (argc > 1 && !strcmp(argv[1], "--")) { argv++; argc--; }
  if (argc < 2) return usage_error("missing operand");
  const char *fmt = argv[1];
  TT.args = argv + 2;
  while (!TT.stop && (first || *TT.args)) {
    char **before = TT.args;
    first = 0;
    for (const char *p = fmt; *p && !TT.stop;) {
      if (*p == '\\') {
        p++;
        if (!*p) { putchar('\\'); break; }
        int c = escape(&p, 0);
        if (c < 0) { TT.stop = 1; break; }
        if (c & 0x100) putchar('\\');
        else putchar(c);
        continue;
      }
      if (*p != '%') { putchar(*p++); continue; }
      if (p[1] == '%') { putchar('%'); p += 2; continue; }
      /* copy the conversion spec, resolving * from the arguments */
      char spec[64], *o = spec;
      *o++ = *p++;
      while (*p && strchr("-+ #0'", *p) && o < spec + 20) *o++ = *p++;
      if (*p == '*') { o += sprintf(o, "%d", (int)get_int()); p++; }
      else while (isdigit((unsigned char)*p) && o < spec + 40) *o++ = *p++;
      if (*p == '.') {
        *o++ = *p++;
        if (*p == '*') { o += sprintf(o, "%d", (int)get_int()); p++; }
        else while (isdigit((unsigned char)*p) && o < spec + 50) *o++ = *p++;
      }
      while (*p && strchr("hlLqjzt", *p)) p++;  /* length modifiers are ignored */
      int conv = *p;
      if (!conv) { error_msg("%%: missing conversion specification"); toys.exitval = 1; break; }
      p++;
      *o = 0;
      char full[80];
      switch (conv) {
      case 'd': case 'i':
        snprintf(full, sizeof full, "%slld", spec);
        printf(full, get_int());
        break;
      case 'o': case 'u': case 'x': case 'X':
        snprintf(full, sizeof full, "%sll%c", spec, conv);
        printf(full, (unsigned long long)get_int());
        break;
      case 'e': case 'E': case 'f': case 'F': case 'g': case 'G': case 'a': case 'A':
        snprintf(full, sizeof full, "%s%c", spec, conv);
        printf(full, get_float());
        break;
      case 'c': {
        char *a = next_arg();
        snprintf(full, sizeof full, "%sc", spec);
        printf(full, a ? *a : 0);
        break;
      }
      case 's': {
        char *a = next_arg();
        snprintf(full, sizeof full, "%ss", spec);
        printf(full, a ? a : "");
        break;
      }
      case 'b': {
        char *a = next_arg();
        if (!a) a = "";
        char *save = malloc(strlen(a) + 1);
        int len = expand_b(a, save);
        save[len] = 0;
        if (strchr(spec, '.')) snprintf(full, sizeof full, "%ss", spec);
        else snprintf(full, sizeof full, "%s.*s", spec);
        if (strchr(spec, '.')) printf(full, save);
        else printf(full, len, save);
        free(save);
        break;
      }
      default:
        error_msg("%%%c: invalid conversion specification", conv);
        toys.exitval = 1;
        TT.stop = 1;
        break;
      }
    }
    if (TT.args == before) break;  /* the format used no argument */
  }
  return finish();
}

#pragma clang attribute pop
