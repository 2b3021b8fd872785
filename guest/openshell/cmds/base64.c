/* usage: base64 [-d] [-i] [-w COLS] [FILE]
 *
 * Encode FILE (or stdin) in base64, or decode it.
 * -d	decode
 * -i	when decoding, ignore bytes outside the alphabet
 * -w N	wrap encoded lines after N characters (76; 0: no wrapping) */
#include "lib/lib.h"

#pragma clang attribute push (__attribute__((minsize)), apply_to = function)

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

GLOBALS(base64,
  long long wrap, col;
);
static void put(int c) {
  putchar(c);
  if (TT.wrap && ++TT.col == TT.wrap) { putchar('\n'); TT.col = 0; }
}

int base64_main(int argc, char **argv) {
  if (toy_init(argc, argv, "d(decode)i(ignore-garbage)w:(wrap)D", 1)) return toys.exitval;
  TT.wrap = 76;
  if (FLAG('w') && (parse_long(OPTARG('w'), &TT.wrap) || TT.wrap < 0)) { error_msg("invalid wrap size: '%s'", OPTARG('w')); return 1; }
  if (toys.optc > 1) return usage_error("extra operand '%s'", toys.optargs[1]);
  FILE *f = open_input(toys.optc ? toys.optargs[0] : "-");
  if (!f) return finish();
  size_t len;
  unsigned char *data = (unsigned char *)read_all(f, &len);
  close_input(f);
  if (!data) { perror_msg("read error"); return 1; }
  if (FLAG('d') || FLAG('D')) {
    unsigned acc = 0;
    int bits = 0, pad = 0, n = 0;
    for (size_t i = 0; i < len; i++) {
      int c = data[i];
      const char *p = c ? strchr(alphabet, c) : NULL;
      if (c == '\n' || c == '\r') continue;
      if (c == '=') { pad++; continue; }
      if (!p || pad) {
        if (FLAG('i') && !pad) continue;
        error_msg("invalid input");
        free(data);
        finish();
        return 1;
      }
      acc = acc << 6 | (p - alphabet);
      bits += 6;
      n++;
      if (bits >= 8) { bits -= 8; putchar((acc >> bits) & 255); }
    }
    if (bits >= 6 || (n + pad) % 4)  /* GNU: unpadded input is invalid */
      { error_msg("invalid input"); free(data); finish(); return 1; }
  } else {
    for (size_t i = 0; i < len; i += 3) {
      unsigned v = data[i] << 16 | (i + 1 < len ? data[i + 1] << 8 : 0) | (i + 2 < len ? data[i + 2] : 0);
      put(alphabet[v >> 18 & 63]);
      put(alphabet[v >> 12 & 63]);
      put(i + 1 < len ? alphabet[v >> 6 & 63] : '=');
      put(i + 2 < len ? alphabet[v & 63] : '=');
    }
    if (TT.wrap && TT.col) putchar('\n');
    if (!TT.wrap && len) {}
  }
  free(data);
  return finish();
}

#pragma clang attribute pop
