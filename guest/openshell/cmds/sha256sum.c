/* usage: sha256sum [-bct] [--quiet] [--status] [FILE...]
 *
 * Print or check SHA256 checksums of each FILE (or stdin); the help text and the
 * algorithms are in lib/digest.c. */
#include "lib/lib.h"

int sha256sum_main(int argc, char **argv) { return digest_main(argc, argv, 2); }
