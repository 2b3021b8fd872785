/* md5sum, sha1sum, sha256sum: the three digests and the shared driver (print, -c). */
#include "lib/lib.h"
#include <math.h>
#include <stdint.h>

#pragma clang attribute push (__attribute__((minsize)), apply_to = function)

struct digest {
  int algo;             /* 0 md5, 1 sha1, 2 sha256 */
  uint32_t h[8];
  uint8_t block[64];
  size_t used;
  uint64_t total;
};

static uint32_t rol(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }
static uint32_t ror(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

static const uint32_t K256[64] = {
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
  0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
  0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
  0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
  0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
  0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};
static const uint8_t R5[64] = {7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
  4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};

static void compress(struct digest *d) {
  const uint8_t *p = d->block;
  uint32_t w[80], *h = d->h;
  if (d->algo == 0) {
    for (int i = 0; i < 16; i++) w[i] = p[i * 4] | p[i * 4 + 1] << 8 | p[i * 4 + 2] << 16 | (uint32_t)p[i * 4 + 3] << 24;
    uint32_t a = h[0], b = h[1], c = h[2], e = h[3];
    for (int i = 0; i < 64; i++) {
      uint32_t f;
      int g;
      if (i < 16) f = (b & c) | (~b & e), g = i;
      else if (i < 32) f = (e & b) | (~e & c), g = (5 * i + 1) % 16;
      else if (i < 48) f = b ^ c ^ e, g = (3 * i + 5) % 16;
      else f = c ^ (b | ~e), g = (7 * i) % 16;
      uint32_t k = (uint32_t)(fabs(sin(i + 1)) * 4294967296.0);  /* MD5's constants, by definition */
      f += a + k + w[g];
      a = e; e = c; c = b;
      b += rol(f, R5[i]);
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += e;
    return;
  }
  for (int i = 0; i < 16; i++) w[i] = (uint32_t)p[i * 4] << 24 | p[i * 4 + 1] << 16 | p[i * 4 + 2] << 8 | p[i * 4 + 3];
  if (d->algo == 1) {
    for (int i = 16; i < 80; i++) w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = h[0], b = h[1], c = h[2], e = h[3], f5 = h[4];
    for (int i = 0; i < 80; i++) {
      uint32_t f, k;
      if (i < 20) f = (b & c) | (~b & e), k = 0x5a827999;
      else if (i < 40) f = b ^ c ^ e, k = 0x6ed9eba1;
      else if (i < 60) f = (b & c) | (b & e) | (c & e), k = 0x8f1bbcdc;
      else f = b ^ c ^ e, k = 0xca62c1d6;
      uint32_t t = rol(a, 5) + f + f5 + k + w[i];
      f5 = e; e = c; c = rol(b, 30); b = a; a = t;
    }
    h[0] += a; h[1] += b; h[2] += c; h[3] += e; h[4] += f5;
    return;
  }
  for (int i = 16; i < 64; i++) {
    uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ (w[i - 15] >> 3), s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint32_t v[8];
  memcpy(v, h, sizeof v);
  for (int i = 0; i < 64; i++) {
    uint32_t S1 = ror(v[4], 6) ^ ror(v[4], 11) ^ ror(v[4], 25), ch = (v[4] & v[5]) ^ (~v[4] & v[6]);
    uint32_t t1 = v[7] + S1 + ch + K256[i] + w[i];
    uint32_t S0 = ror(v[0], 2) ^ ror(v[0], 13) ^ ror(v[0], 22), mj = (v[0] & v[1]) ^ (v[0] & v[2]) ^ (v[1] & v[2]);
    memmove(v + 1, v, 7 * sizeof *v);
    v[4] += t1;
    v[0] = t1 + S0 + mj;
  }
  for (int i = 0; i < 8; i++) h[i] += v[i];
}

static void digest_init(struct digest *d, int algo) {
  static const uint32_t iv[3][8] = {
    {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476},
    {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0},
    {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19}};
  memset(d, 0, sizeof *d);
  d->algo = algo;
  memcpy(d->h, iv[algo], sizeof d->h);
}
static void digest_update(struct digest *d, const uint8_t *p, size_t n) {
  d->total += n;
  while (n) {
    size_t k = 64 - d->used < n ? 64 - d->used : n;
    memcpy(d->block + d->used, p, k);
    d->used += k;
    p += k;
    n -= k;
    if (d->used == 64) { compress(d); d->used = 0; }
  }
}
static int digest_final(struct digest *d, uint8_t *out) {
  uint64_t bits = d->total * 8;
  uint8_t pad = 0x80, zero = 0, len[8];
  digest_update(d, &pad, 1);
  while (d->used != 56) digest_update(d, &zero, 1);
  for (int i = 0; i < 8; i++) len[i] = d->algo == 0 ? bits >> (8 * i) : bits >> (56 - 8 * i);
  digest_update(d, len, 8);
  int words = d->algo == 0 ? 4 : d->algo == 1 ? 5 : 8;
  for (int i = 0; i < words; i++)
    for (int b = 0; b < 4; b++) out[i * 4 + b] = d->algo == 0 ? d->h[i] >> (8 * b) : d->h[i] >> (24 - 8 * b);
  return words * 4;
}

/* hex digest of a file into hex (2*32+1 bytes); -1 after a message when unreadable */
static int hash_file(const char *name, int algo, char *hex, int quiet) {
  FILE *f = strcmp(name, "-") ? fopen(name, "r") : stdin;
  if (!f) { if (!quiet) perror_msg("%s", name); return -1; }
  struct digest d;
  digest_init(&d, algo);
  uint8_t buf[8192], out[32];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) digest_update(&d, buf, n);
  int bad = ferror(f);
  if (f == stdin) clearerr(stdin); else fclose(f);
  if (bad) { if (!quiet) perror_msg("%s", name); return -1; }
  int len = digest_final(&d, out);
  for (int i = 0; i < len; i++) sprintf(hex + 2 * i, "%02x", out[i]);
  return 0;
}

static int check_lists(char **files, int algo) {
  int hexlen = algo == 0 ? 32 : algo == 1 ? 40 : 64, bad = 0, unreadable = 0, improper = 0, ok_lines = 0;
  char *line = NULL, hex[65];
  size_t cap = 0;
  for (; *files; files++) {
    FILE *f = open_input(*files);
    if (!f) continue;
    ssize_t n;
    int lines = 0;
    while ((n = getline(&line, &cap, f)) > 0) {
      lines++;
      if (line[n - 1] == '\n') line[--n] = 0;
      int valid = n > hexlen + 2 && (line[hexlen] == ' ') && (line[hexlen + 1] == ' ' || line[hexlen + 1] == '*');
      for (int i = 0; valid && i < hexlen; i++) valid = strchr("0123456789abcdefABCDEF", line[i]) != NULL;
      if (!valid) { improper++; continue; }
      ok_lines++;
      const char *name = line + hexlen + 2;
      if (hash_file(name, algo, hex, 1)) {
        if (!FLAG('w') || 1) fprintf(stderr, "%s: %s: %s\n", toys.name, name, strerror(errno));
        if (!FLAG('s')) printf("%s: FAILED open or read\n", name);
        unreadable++;
        continue;
      }
      int same = !strncasecmp(hex, line, hexlen);
      if (!same) bad++;
      if (!FLAG('s') && !(same && FLAG('q'))) printf("%s: %s\n", name, same ? "OK" : "FAILED");
    }
    if (!lines || (!ok_lines && improper)) {
      fprintf(stderr, "%s: %s: no properly formatted checksum lines found\n", toys.name, strcmp(*files, "-") ? *files : "standard input");
      toys.exitval = 1;
    }
    close_input(f);
  }
  free(line);
  if (!FLAG('s')) {
    fflush(stdout);
    if (improper && ok_lines) fprintf(stderr, "%s: WARNING: %d line%s improperly formatted\n", toys.name, improper, improper > 1 ? "s are" : " is");
    if (unreadable) fprintf(stderr, "%s: WARNING: %d listed file%s could not be read\n", toys.name, unreadable, unreadable > 1 ? "s" : "");
    if (bad) fprintf(stderr, "%s: WARNING: %d computed checksum%s did NOT match\n", toys.name, bad, bad > 1 ? "s" : "");
  }
  if (bad || unreadable) toys.exitval = 1;
  return finish();
}

int digest_main(int argc, char **argv, int algo) {
  if (toy_init(argc, argv, "bctq(quiet)s(status)w(warn)", 1)) return toys.exitval;
  char *stdin_only[] = {"-", NULL}, **files = toys.optc ? toys.optargs : stdin_only;
  if (FLAG('c')) return check_lists(files, algo);
  char hex[65];
  for (; *files; files++)
    if (!hash_file(*files, algo, hex, 0)) printf("%s %c%s\n", hex, FLAG('b') ? '*' : ' ', *files);  /* -b: GNU's binary marker */
  return finish();
}

#pragma clang attribute pop
