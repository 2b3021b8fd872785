/* usage: sha1sum [-bct] [--quiet] [--status] [FILE...]
 *
 * Print or check SHA1 checksums of each FILE (or stdin); the help text and the
 * algorithms are in lib/digest.c. */
#include "lib/lib.h"

int sha1sum_main(int argc, char **argv) { return digest_main(argc, argv, 1); }
